//! The mentoring pilot (DOMAIN.md §8): students sign up, the coordinator keeps the registries,
//! runs and confirms the matching, and mentors and students keep track of their meetings.

mod matching;
mod registry;
mod relationships;
mod signup;

use axum::Router;
use axum::extract::Request;
use axum::middleware::{Next, from_fn};

use crate::app::AppState;
use crate::auth::current_user::require_role;
use crate::auth::{AuthUser, CurrentUser};
use crate::domain::Role;
use crate::error::{AppError, AppResult};

/// Every mentoring route. Each area checks its own roles.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(signup::router())
        .merge(coordinator_only(registry::router()))
        .merge(coordinator_only(matching::router()))
        .merge(relationships::router())
}

/// Puts routes behind the coordinator role check.
fn coordinator_only(routes: Router<AppState>) -> Router<AppState> {
    routes.route_layer(from_fn(|user: CurrentUser, req: Request, next: Next| {
        require_role(Role::Coordinator, user, req, next)
    }))
}

/// Gives a user a mentoring role, and audits it as a role change (DOMAIN.md §9). Returns
/// whether the role was new. Judged on the account's row, locked: a deleted account (only its
/// anonymous record left) is given nothing.
async fn grant_audited(
    txn: &sea_orm::DatabaseTransaction,
    by: Option<i32>,
    user_id: i32,
    role: Role,
) -> Result<bool, sea_orm::DbErr> {
    use crate::db::audit::{self, AuditAction};
    use crate::db::users;
    let changeable = users::find_for_update(txn, user_id)
        .await?
        .is_some_and(|u| crate::domain::account::is_changeable(u.deleted_at.is_some()));
    if !changeable {
        return Ok(false);
    }
    let before = users::roles_of(txn, user_id).await?;
    if !users::grant_role(txn, user_id, role).await? {
        return Ok(false);
    }
    let after = users::roles_of(txn, user_id).await?;
    let names = |roles: &[Role]| roles.iter().map(|r| r.as_str()).collect::<Vec<_>>();
    audit::record(
        txn,
        by,
        AuditAction::RolesChanged,
        &format!("user:{user_id}"),
        serde_json::json!({ "before": names(&before), "after": names(&after) }),
    )
    .await?;
    Ok(true)
}

/// The second check, where the work is done: handlers that change the pilot must not rely on
/// how they were mounted.
fn require_coordinator(me: &AuthUser) -> AppResult<()> {
    if me.has(Role::Coordinator) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}
