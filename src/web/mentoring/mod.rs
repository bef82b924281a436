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

/// The second check, where the work is done: handlers that change the pilot must not rely on
/// how they were mounted.
fn require_coordinator(me: &AuthUser) -> AppResult<()> {
    if me.has(Role::Coordinator) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}
