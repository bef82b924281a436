//! The mentoring pilot (DOMAIN.md §8): students sign up, the coordinator keeps the registries,
//! runs and confirms the matching, and mentors and students keep track of their meetings.
//! Every change is a use case in `crate::services::mentoring`; these handlers read the form,
//! call it in a unit of work, and answer.

mod matching;
mod registry;
mod relationships;
mod signup;

use axum::Router;
use axum::middleware::from_fn;

use crate::app::AppState;
use crate::web::roles::{Coordinator, only};

/// Every mentoring route. Each area checks its own roles.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(signup::router())
        .merge(coordinator_only(registry::router()))
        .merge(coordinator_only(matching::router()))
        .merge(relationships::router())
}

/// Puts routes behind the coordinator role check: every coordinator page is mounted through it,
/// so their handlers need no check of their own.
fn coordinator_only(routes: Router<AppState>) -> Router<AppState> {
    routes.route_layer(from_fn(only::<Coordinator>))
}
