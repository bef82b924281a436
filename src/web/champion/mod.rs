//! The Executive Champion's pages: the dashboard of recruitment and retention (DOMAIN.md §5.6,
//! §7) with its drill-down lists, exports and the overdue retention checkpoints, which the
//! administrator may read too; requests for the high-volume exception, to approve or refuse
//! (§5.5), and the audit log (§9), which are the champion's alone.

mod audit_log;
mod chart;
mod checkpoints;
mod dashboard;
mod esr;
mod esr_pages;
mod exceptions;
mod exports;
mod lists;

use axum::Router;
use axum::extract::Request;
use axum::middleware::{Next, from_fn};
use axum::routing::{get, post};

use crate::app::AppState;
use crate::domain::Role;
use crate::web::current_user::{require_any_role, require_role};
use crate::web::error::{AppError, AppResult};
use crate::web::{AuthUser, CurrentUser};

/// The champion's routes: the exceptions and the audit log behind the champion role check;
/// the dashboard, its lists and exports behind the champion or administrator check.
pub fn router() -> Router<AppState> {
    let champion = Router::new()
        .route("/champion/exceptions", get(exceptions::list))
        .route("/champion/exceptions/{id}", post(exceptions::decide))
        .route("/champion/audit", get(audit_log::list))
        .route_layer(from_fn(|user: CurrentUser, req: Request, next: Next| {
            require_role(Role::Champion, user, req, next)
        }));
    let readers = Router::new()
        .route("/champion", get(dashboard::show))
        .route("/champion/list", get(lists::show))
        .route("/champion/export/{file}", get(exports::for_sharing))
        .route("/champion/export/exact/{file}", get(exports::exact))
        .route("/champion/checkpoints", get(checkpoints::list))
        .route_layer(from_fn(|user: CurrentUser, req: Request, next: Next| {
            require_any_role(&[Role::Champion, Role::Admin], user, req, next)
        }));
    champion.merge(readers).merge(esr::router())
}

/// The second check, where the work is done: the router checks the role too, but a handler
/// that approves exceptions or reads the whole audit log must not rely on how it was mounted.
fn require_champion(me: &AuthUser) -> AppResult<()> {
    if me.has(Role::Champion) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The same second check for the pages the administrator may read too.
fn require_champion_or_admin(me: &AuthUser) -> AppResult<()> {
    if me.has(Role::Champion) || me.has(Role::Admin) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}
