//! The coordinator's registries: the dashboard, mentors (and their invitations), students
//! (approval under the cap, and the pairs never to be matched), spreadsheet import and export,
//! and the pilot's settings. One module a page; every route is mounted behind the coordinator
//! role check.

mod dashboard;
mod import;
mod mentees;
mod mentors;
mod settings;

use axum::Router;
use axum::routing::{get, post};
use sea_orm::DbErr;

use crate::app::AppState;
use crate::db::mentoring::registry as reg;
use crate::domain::count::stored_count;
use crate::entities::mentor;
use crate::web::error::AppResult;

/// The coordinator's registry pages. Mounted behind the coordinator role check.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/mentoring/coordinator", get(dashboard::dashboard))
        .route("/mentoring/coordinator/mentors", get(mentors::list))
        .route(
            "/mentoring/coordinator/mentors/new",
            get(mentors::new).post(mentors::create),
        )
        .route("/mentoring/coordinator/mentors/{id}", get(mentors::show))
        .route(
            "/mentoring/coordinator/mentors/{id}/invite",
            post(mentors::invite),
        )
        .route("/mentoring/coordinator/mentees", get(mentees::list))
        .route("/mentoring/coordinator/mentees/{id}", get(mentees::show))
        .route(
            "/mentoring/coordinator/mentees/{id}/approve",
            post(mentees::approve),
        )
        .route(
            "/mentoring/coordinator/mentees/{id}/decline",
            post(mentees::decline),
        )
        .route(
            "/mentoring/coordinator/mentees/{id}/conflicts-reviewed",
            post(mentees::conflicts_reviewed),
        )
        .route(
            "/mentoring/coordinator/mentees/{id}/exclusions",
            post(mentees::add_exclusion),
        )
        .route(
            "/mentoring/coordinator/mentees/{id}/exclusions/{exclusion_id}/delete",
            post(mentees::delete_exclusion),
        )
        .route(
            "/mentoring/coordinator/import",
            get(import::form).post(import::import),
        )
        .route(
            "/mentoring/coordinator/export/mentors.csv",
            get(import::export_mentors),
        )
        .route(
            "/mentoring/coordinator/export/mentees.csv",
            get(import::export_mentees),
        )
        .route(
            "/mentoring/coordinator/export/exclusions.csv",
            get(import::export_exclusions),
        )
        .route(
            "/mentoring/coordinator/settings",
            get(settings::form).post(settings::save),
        )
}

/// A mentor and how many more students they can take.
pub struct MentorPlaces {
    pub mentor: mentor::Model,
    pub current: u32,
    pub free: u32,
    pub has_account: bool,
}

/// Every mentor not archived, with their places.
async fn mentor_places(state: &AppState) -> AppResult<Vec<MentorPlaces>> {
    let mentors = reg::mentors(&state.db).await?;
    let current = reg::current_mentees(&state.db).await?;
    let accounts =
        reg::emails_with_accounts(&state.db, mentors.iter().map(|m| m.email.clone()).collect())
            .await?;
    mentors
        .into_iter()
        .map(|m| {
            let now = current.get(&m.id).copied().unwrap_or(0);
            Ok(MentorPlaces {
                current: now,
                free: stored_count(m.capacity)
                    .map_err(DbErr::from)?
                    .saturating_sub(now),
                has_account: accounts.contains_key(&m.email),
                mentor: m,
            })
        })
        .collect()
}
