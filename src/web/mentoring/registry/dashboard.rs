//! The coordinator's dashboard: the cap, the places, and what to do next.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::{MentorPlaces, mentor_places};
use crate::app::AppState;
use crate::db::mentoring::matching::{awaiting_conflict_review, pool};
use crate::db::mentoring::registry as reg;
use crate::db::mentoring::{self, approved_count};
use crate::domain::london_time;
use crate::domain::mentoring::pilot::{
    CoordinatorCounts, NextStep, coordinator_next_steps, plural,
};
use crate::services::mentoring::matching::proposal_to_confirm;
use crate::web::error::AppResult;
use crate::web::page::Page;

/// A student waiting for a mentor, flagged on the dashboard.
pub struct WaitingLine {
    id: i32,
    name: String,
    reference: String,
    /// When they were told they are on the waiting list, if they have been.
    told: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/registry_dashboard.html")]
pub struct DashboardTemplate {
    page: Page,
    approved: u64,
    cap: u32,
    pending: u64,
    mentors: Vec<MentorPlaces>,
    free_places: u32,
    active: usize,
    next_steps: Vec<NextStep>,
    waiting: Vec<WaitingLine>,
}

impl DashboardTemplate {
    fn count(&self, n: &u32, one: &str, many: &str) -> String {
        plural(usize::try_from(*n).unwrap_or(0), one, many)
    }
}

pub async fn dashboard(State(state): State<AppState>, page: Page) -> AppResult<DashboardTemplate> {
    let db = &state.db;
    let settings = mentoring::settings(db).await?;
    let mentors = mentor_places(&state).await?;
    let pending = reg::pending_count(db).await?;
    let free_places: u32 = mentors.iter().map(|m| m.free).sum();
    let pool = pool(db).await?;
    let (quiet, end_requested) = crate::web::mentoring::relationships::attention_counts(db).await?;
    let next_steps = coordinator_next_steps(CoordinatorCounts {
        pending: usize::try_from(pending).unwrap_or(usize::MAX),
        conflicts_to_review: awaiting_conflict_review(db).await?.len(),
        waiting: pool.waiting.len(),
        free_places: pool.mentors.iter().map(|(_, room)| *room as usize).sum(),
        proposal: proposal_to_confirm(db, &pool).await?,
        quiet,
        end_requested,
    });
    let waiting = pool
        .waiting
        .iter()
        .map(|m| WaitingLine {
            id: m.id,
            name: m.full_name.clone(),
            reference: m.reference.clone(),
            told: m.waiting_list_told_at.map(london_time::describe),
        })
        .collect();
    Ok(DashboardTemplate {
        page,
        approved: approved_count(db).await?,
        cap: settings.cap,
        pending,
        free_places,
        mentors,
        active: mentoring::active_relationships(db).await?.len(),
        next_steps,
        waiting,
    })
}
