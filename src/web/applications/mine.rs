//! "My applications": every application with its status, and each one's page with its
//! answers and a timeline of its stages.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, applications};
use crate::domain::application::{self, Stage};
use crate::domain::london_time;
use crate::domain::vacancy::{VacancyStatus, is_open};
use crate::error::AppResult;
use crate::web::applications::steps::{Answers, answers};
use crate::web::applications::{Loaded, load_own};
use crate::web::page::{IdPath, Page};

/// One row of "My applications".
pub struct Row {
    id: i32,
    reference: String,
    title: String,
    organisation: String,
    stage: Stage,
    /// When it was sent, or when a draft must be sent by.
    when: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/list.html")]
pub struct ListTemplate {
    page: Page,
    rows: Vec<Row>,
}

pub async fn list(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    page: Page,
) -> AppResult<ListTemplate> {
    let now = db::now();
    let rows = applications::of_applicant(&state.db, me.id)
        .await?
        .into_iter()
        .map(|a| {
            let stage = Stage::parse(&a.stage).unwrap_or(Stage::Draft);
            let when = match (stage, a.submitted_at) {
                (Stage::Draft, _) if a.closes_at <= now => "Closed before it was sent".to_owned(),
                (Stage::Draft, _) => format!("Send by {}", london_time::describe(a.closes_at)),
                (_, Some(at)) => format!("Sent {}", london_time::describe(at)),
                (_, None) => format!("Updated {}", london_time::describe(a.updated_at)),
            };
            Row {
                reference: application::reference(a.id),
                id: a.id,
                title: a.title,
                organisation: a.organisation,
                stage,
                when,
            }
        })
        .collect();
    Ok(ListTemplate { page, rows })
}

/// One entry of an application's timeline.
pub struct Event {
    when: String,
    stage: Stage,
    by_applicant: bool,
    /// Feedback or other words that came with the change.
    note: String,
    /// How long it stayed (or has been) in this stage, in words.
    time_in_stage: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/show.html")]
pub struct ShowTemplate {
    page: Page,
    l: Loaded,
    a: Answers,
    events: Vec<Event>,
    open: bool,
    closes: String,
    resume: String,
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<ShowTemplate> {
    let l = load_own(&state, &me, id).await?;
    let a = answers(&state, &l).await?;
    let changes: Vec<_> = applications::timeline(&state.db, id)
        .await?
        .into_iter()
        .filter_map(|c| Some((Stage::parse(&c.to_stage)?, c)))
        .collect();
    let entered: Vec<_> = changes.iter().map(|(s, c)| (*s, c.created_at)).collect();
    let spans = application::time_in_stages(&entered, db::now());
    let events = changes
        .into_iter()
        .zip(spans)
        .map(|((stage, c), span)| Event {
            stage,
            when: london_time::describe(c.created_at),
            by_applicant: c.actor_user_id == Some(me.id),
            note: c.note,
            time_in_stage: span.map(application::describe_duration),
        })
        .rev()
        .collect();
    let status = VacancyStatus::parse(&l.vacancy.status).unwrap_or(VacancyStatus::Draft);
    Ok(ShowTemplate {
        open: is_open(status, l.vacancy.closes_at, db::now()),
        closes: london_time::describe(l.vacancy.closes_at),
        resume: l.resume_path(),
        page,
        l,
        a,
        events,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/sent.html")]
pub struct SentTemplate {
    page: Page,
    l: Loaded,
    email: String,
}

/// The confirmation page after sending.
pub async fn sent(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    let l = load_own(&state, &me, id).await?;
    if l.application.submitted_at.is_none() {
        return Ok(Redirect::to(&format!("/applications/{id}")).into_response());
    }
    Ok(SentTemplate {
        page,
        l,
        email: me.email,
    }
    .into_response())
}
