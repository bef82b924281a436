//! Booking, rebooking and cancelling an interview, up to 24 hours before it. Each booking
//! email carries a calendar invitation.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::db::{self, interviews};
use crate::domain::application::Stage;
use crate::domain::interview::can_change;
use crate::domain::london_time;
use crate::entities::{interview_booking, interview_slot};
use crate::services::bookings::BookRefusal;
use crate::services::{self, Actor};
use crate::web::AuthUser;
use crate::web::applications::{Loaded, load_own};
use crate::web::error::{AppError, AppResult};
use crate::web::page::{FormErrors, IdPath, Page, flash, notice};
use crate::web::roles::Applicant;
use crate::web::unit_of_work::UnitOfWork;

/// A slot the applicant can choose.
pub struct Choice {
    id: i32,
    when: String,
    minutes: i32,
    place: String,
    places_left: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/interview.html")]
pub struct InterviewTemplate {
    page: Page,
    l: Loaded,
    booked: Option<Choice>,
    can_change: bool,
    choices: Vec<Choice>,
    errors: FormErrors,
}

/// Loads an application that is invited to interview, or has one booked.
async fn load_invited(state: &AppState, me: &AuthUser, id: i32) -> AppResult<Loaded> {
    let l = load_own(state, me, id).await?;
    if matches!(l.stage, Stage::InvitedToInterview | Stage::InterviewBooked) {
        Ok(l)
    } else {
        Err(not_invited(id))
    }
}

/// Sends the applicant to the application's own page: it is not invited to interview.
fn not_invited(id: i32) -> AppError {
    AppError::Elsewhere {
        to: format!("/applications/{id}"),
    }
}

fn choice(slot: &interview_slot::Model, taken: i64) -> Choice {
    Choice {
        id: slot.id,
        when: london_time::describe(slot.starts_at),
        minutes: slot.minutes,
        place: slot.place.clone(),
        places_left: i64::from(slot.capacity) - taken,
    }
}

async fn render(
    state: &AppState,
    page: Page,
    l: Loaded,
    errors: FormErrors,
) -> AppResult<InterviewTemplate> {
    let now = db::now();
    let slots = interviews::slots_of(&state.db, l.vacancy.id).await?;
    let ids: Vec<i32> = slots.iter().map(|s| s.id).collect();
    let bookings = interviews::bookings_for_slots(&state.db, &ids).await?;
    let taken = |slot: i32| {
        i64::try_from(bookings.iter().filter(|b| b.slot_id == slot).count()).unwrap_or(i64::MAX)
    };
    let mine = bookings
        .iter()
        .find(|b| b.application_id == l.application.id);
    let booked_slot = mine.and_then(|b| slots.iter().find(|s| s.id == b.slot_id));
    let choices = slots
        .iter()
        .filter(|s| Some(s.id) != booked_slot.map(|b| b.id))
        .filter(|s| can_change(s.starts_at, now) && taken(s.id) < i64::from(s.capacity))
        .map(|s| choice(s, taken(s.id)))
        .collect();
    Ok(InterviewTemplate {
        page,
        can_change: booked_slot.is_none_or(|s| can_change(s.starts_at, now)),
        booked: booked_slot.map(|s| choice(s, taken(s.id))),
        choices,
        l,
        errors,
    })
}

pub async fn show(
    State(state): State<AppState>,
    Applicant(me): Applicant,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<InterviewTemplate> {
    let l = load_invited(&state, &me, id).await?;
    render(&state, page, l, FormErrors::default()).await
}

/// The booking form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BookForm {
    slot_id: String,
}

/// Books a slot, or moves the booking to another; refused for a full slot, or one less than
/// 24 hours away, with the reason.
pub async fn book(
    State(state): State<AppState>,
    Applicant(me): Applicant,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(form): Form<BookForm>,
) -> AppResult<Response> {
    let l = load_invited(&state, &me, id).await?;
    let uow = UnitOfWork::begin(&state).await?;
    let outcome = services::bookings::book(
        &uow,
        &state.config,
        Actor::from(&me),
        id,
        form.slot_id.parse::<i32>().ok(),
    )
    .await?;
    let booked = match outcome {
        Ok(booked) => booked,
        Err(refusal) => {
            drop(uow);
            let message = match refusal {
                BookRefusal::NotFound => return Err(AppError::NotFound),
                BookRefusal::NotInvited => return Err(not_invited(id)),
                BookRefusal::NoSuchSlot | BookRefusal::NothingBooked => {
                    "Choose a time for your interview".to_owned()
                }
                BookRefusal::TooLate => format!(
                    "Your interview is less than 24 hours away, so it can no longer be changed online. Contact {} at {}.",
                    l.vacancy.contact_name, l.vacancy.contact_email
                ),
                BookRefusal::Slot(refusal) => refusal.explanation().to_owned(),
            };
            let mut errors = FormErrors::default();
            errors.add("slot_id", message);
            return Ok(render(&state, page, l, errors).await?.into_response());
        }
    };
    uow.commit().await?;
    let when = london_time::describe(booked.slot.starts_at);
    flash(
        &session,
        format!("Your interview is booked for {when}. We have emailed you the details."),
    )
    .await?;
    Ok(Redirect::to(&format!("/applications/{id}/interview")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/interview_cancel.html")]
pub struct CancelTemplate {
    page: Page,
    l: Loaded,
    booked: Choice,
}

fn too_late_to_cancel(l: &Loaded) -> AppError {
    AppError::BadRequest(format!(
        "Your interview is less than 24 hours away, so it can no longer be cancelled online. Contact {} at {}.",
        l.vacancy.contact_name, l.vacancy.contact_email
    ))
}

/// The booking the applicant may still cancel online, or why not: none booked (`Ok(None)`),
/// or less than 24 hours away (an error naming the contact).
async fn cancellable(
    state: &AppState,
    l: &Loaded,
) -> AppResult<Option<(interview_booking::Model, interview_slot::Model)>> {
    let Some(booking) = interviews::booking_of(&state.db, l.application.id).await? else {
        return Ok(None);
    };
    let slot = interviews::find_slot(&state.db, booking.slot_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !can_change(slot.starts_at, db::now()) {
        return Err(too_late_to_cancel(l));
    }
    Ok(Some((booking, slot)))
}

/// Asks before cancelling, saying what will happen. Changes nothing.
pub async fn cancel_confirm(
    State(state): State<AppState>,
    Applicant(me): Applicant,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    let l = load_invited(&state, &me, id).await?;
    let Some((_, slot)) = cancellable(&state, &l).await? else {
        return Ok(Redirect::to(&format!("/applications/{id}/interview")).into_response());
    };
    Ok(CancelTemplate {
        page,
        booked: choice(&slot, 0),
        l,
    }
    .into_response())
}

/// Cancels the booking, up to 24 hours before, and emails the panel; the applicant can then
/// book another time. Sent again once cancelled, it changes nothing.
pub async fn cancel(
    State(state): State<AppState>,
    Applicant(me): Applicant,
    session: Session,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    let l = load_invited(&state, &me, id).await?;
    let back = Redirect::to(&format!("/applications/{id}/interview")).into_response();
    if cancellable(&state, &l).await?.is_none() {
        notice(
            &session,
            "You have no interview booked, so there was nothing to cancel.",
        )
        .await?;
        return Ok(back);
    }
    let uow = UnitOfWork::begin(&state).await?;
    match services::bookings::cancel(&uow, &state.config, Actor::from(&me), id).await? {
        Ok(()) => uow.commit().await?,
        Err(BookRefusal::NotFound) => return Err(AppError::NotFound),
        Err(BookRefusal::NotInvited) => return Err(not_invited(id)),
        Err(BookRefusal::TooLate) => return Err(too_late_to_cancel(&l)),
        // Only the press that deletes the booking goes on: a second one racing it changes
        // nothing.
        Err(_) => return Ok(back),
    }
    flash(
        &session,
        "Your interview is cancelled. You can book another time below.",
    )
    .await?;
    Ok(back)
}
