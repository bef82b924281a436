//! Hiring managers' pages: their own organisation's vacancies and employees, and nothing of any
//! other's.

pub(crate) mod employee_changes;
pub(crate) mod employees;
pub(crate) mod home;
pub(crate) mod panel;
pub(crate) mod vacancies;

use axum::Router;
use axum::middleware::from_fn;
use axum::routing::{get, post};

use crate::app::AppState;
use crate::web::roles::{HiringManager, only};

/// The manager routes, all behind the hiring manager role check.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/vacancies", get(vacancies::list).post(vacancies::create))
        .route("/vacancies/new", get(vacancies::new))
        .route(
            "/vacancies/{id}",
            get(vacancies::show).post(vacancies::update),
        )
        .route("/vacancies/{id}/edit", get(vacancies::edit))
        .route("/vacancies/{id}/publish", post(vacancies::publish))
        .route(
            "/vacancies/{id}/close",
            get(vacancies::confirm_close).post(vacancies::close),
        )
        .route(
            "/vacancies/{id}/reopen",
            get(vacancies::confirm_reopen).post(vacancies::reopen),
        )
        .route(
            "/vacancies/{id}/panel",
            get(panel::show).post(panel::change),
        )
        .route("/employees", get(employees::list))
        .route("/employees/{id}", get(employees::show))
        .route(
            "/employees/{id}/checkpoints/{checkpoint}",
            post(employees::record_checkpoint),
        )
        .route(
            "/employees/{id}/leaving",
            get(employee_changes::confirm_leaving).post(employees::record_leaving),
        )
        .route(
            "/employees/{id}/correct",
            get(employee_changes::correct_form).post(employee_changes::correct),
        )
        .route_layer(from_fn(only::<HiringManager>))
}
