//! The applicant's offer: accept or decline it online, then follow the pre-employment checks.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::db::offers;
use crate::entities::offer;
use crate::services;
use crate::services::Actor;
use crate::services::offers::AcceptRefusal;
use crate::web::applications::{Loaded, load_own};
use crate::web::error::{AppError, AppResult};
use crate::web::page::{IdPath, Page, flash};
use crate::web::roles::Applicant;
use crate::web::unit_of_work::UnitOfWork;

/// A check as the applicant sees it.
pub struct CheckRow {
    label: &'static str,
    status: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/offer.html")]
pub struct OfferTemplate {
    page: Page,
    l: Loaded,
    offer: offer::Model,
    checks: Vec<CheckRow>,
    start_date: Option<String>,
}

async fn load_offer(
    state: &AppState,
    me: &crate::web::AuthUser,
    id: i32,
) -> AppResult<(Loaded, offer::Model)> {
    let l = load_own(state, me, id).await?;
    let offer = offers::find(&state.db, id)
        .await?
        .ok_or(AppError::Elsewhere {
            to: format!("/applications/{id}"),
        })?;
    Ok((l, offer))
}

pub async fn show(
    State(state): State<AppState>,
    Applicant(me): Applicant,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<OfferTemplate> {
    let (l, offer) = load_offer(&state, &me, id).await?;
    let checks = offers::checks_of(&state.db, id)
        .await?
        .iter()
        .map(|c| CheckRow {
            label: c.kind.label(),
            status: c.status.label(),
        })
        .collect();
    Ok(OfferTemplate {
        page,
        start_date: offer
            .start_date
            .map(|d| format!("{} {} {}", d.day(), d.month(), d.year())),
        checks,
        l,
        offer,
    })
}

/// The answer to an offer.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    decision: String,
}

/// Accepts or declines. Accepting twice changes nothing the second time; an acceptance when
/// every position is already filled is refused, kindly.
pub async fn answer(
    State(state): State<AppState>,
    Applicant(me): Applicant,
    session: Session,
    IdPath(id): IdPath,
    Form(form): Form<AnswerForm>,
) -> AppResult<Response> {
    let (l, _) = load_offer(&state, &me, id).await?;
    let back = Redirect::to(&format!("/applications/{id}/offer")).into_response();
    let uow = UnitOfWork::begin(&state).await?;
    match form.decision.as_str() {
        "accept" => match services::offers::accept(&uow, Actor::from(&me), id).await? {
            Ok(()) => {
                uow.commit().await?;
                tracing::info!(application_id = id, "offer accepted");
                flash(
                    &session,
                    "You have accepted the offer. The team will now help you with the pre-employment checks.",
                )
                .await?;
            }
            Err(AcceptRefusal::AlreadyAnswered) => {
                drop(uow);
            }
            Err(AcceptRefusal::NotFound) => {
                drop(uow);
                return Err(AppError::NotFound);
            }
            Err(AcceptRefusal::NotOpen(stage)) => {
                drop(uow);
                return Err(AppError::BadRequest(format!(
                    "This offer can no longer be accepted, because your application's status is: {}. If you think this is wrong, contact {} at {}.",
                    stage.label(),
                    l.vacancy.contact_name,
                    l.vacancy.contact_email
                )));
            }
            Err(AcceptRefusal::PositionsFilled) => {
                drop(uow);
                return Err(AppError::BadRequest(format!(
                    "Sorry, every position for this job has now been filled, so the offer can no longer be accepted. {} will contact you about what happens next.",
                    l.vacancy.contact_name
                )));
            }
        },
        "decline" => {
            if services::offers::decline(&uow, &state.config, Actor::from(&me), id).await?
                == Ok(true)
            {
                uow.commit().await?;
                flash(&session, "You have declined the offer.").await?;
            } else {
                drop(uow);
            }
        }
        _ => {
            drop(uow);
            return Err(AppError::BadRequest(
                "Choose whether to accept or decline the offer.".into(),
            ));
        }
    }
    Ok(back)
}
