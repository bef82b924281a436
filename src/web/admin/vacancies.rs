//! Every organisation's vacancies, for an administrator to reach a shortlisting panel.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use serde::Deserialize;

use crate::app::AppState;
use crate::db::{organisations, vacancies};
use crate::entities::{organisation, vacancy};
use crate::web::error::AppResult;
use crate::web::page::Page;

#[derive(Template, WebTemplate)]
#[template(path = "admin/vacancies.html")]
pub struct VacanciesTemplate {
    page: Page,
    organisations: Vec<organisation::Model>,
    chosen: Option<i32>,
    /// The organisation chosen, or 0.
    chosen_id: i32,
    vacancies: Vec<vacancy::Model>,
}

/// The organisation chosen.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Chosen {
    organisation: String,
}

/// Lists the vacancies of the organisation chosen, newest first.
pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(chosen): Query<Chosen>,
) -> AppResult<VacanciesTemplate> {
    let organisations = organisations::all(&state.db).await?;
    let chosen = chosen
        .organisation
        .parse::<i32>()
        .ok()
        .filter(|id| organisations.iter().any(|o| o.id == *id));
    let vacancies = match chosen {
        Some(id) => vacancies::of_organisation(&state.db, id).await?,
        None => Vec::new(),
    };
    Ok(VacanciesTemplate {
        page,
        organisations,
        chosen_id: chosen.unwrap_or(0),
        chosen,
        vacancies,
    })
}
