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
use axum::middleware::from_fn;
use axum::routing::{get, post};

use crate::app::AppState;
use crate::web::roles::{Champion, ChampionOrAdmin, only};

/// The champion's routes: the exceptions and the audit log behind the champion role check;
/// the dashboard, its lists and exports behind the champion or administrator check.
pub fn router() -> Router<AppState> {
    let champion = Router::new()
        .route("/champion/exceptions", get(exceptions::list))
        .route("/champion/exceptions/{id}", post(exceptions::decide))
        .route("/champion/audit", get(audit_log::list))
        .route_layer(from_fn(only::<Champion>));
    let readers = Router::new()
        .route("/champion", get(dashboard::show))
        .route("/champion/list", get(lists::show))
        .route("/champion/export/{file}", get(exports::for_sharing))
        .route("/champion/export/exact/{file}", get(exports::exact))
        .route("/champion/checkpoints", get(checkpoints::list))
        .route_layer(from_fn(only::<ChampionOrAdmin>));
    champion.merge(readers).merge(esr::router())
}
