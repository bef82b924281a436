//! Booking, rebooking and cancelling an interview, up to 24 hours before it. Each booking
//! email carries a calendar invitation.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use sea_orm::TransactionTrait;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::{AuthUser, CurrentUser};
use crate::db::{self, applications, interviews};
use crate::domain::application::{Stage, reference};
use crate::domain::interview::{CalendarInvite, can_change};
use crate::domain::london_time;
use crate::entities::{interview_booking, interview_slot};
use crate::error::{AppError, AppResult};
use crate::services::emails::{InterviewEmail, InterviewNews};
use crate::web::applications::{Loaded, load_own};
use crate::web::page::{FormErrors, IdPath, Page, flash, notice};

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
        Err(AppError::Elsewhere {
            to: format!("/applications/{id}"),
        })
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
    CurrentUser(me): CurrentUser,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<InterviewTemplate> {
    let l = load_invited(&state, &me, id).await?;
    render(&state, page, l, FormErrors::default()).await
}

/// The calendar invitation for a booking.
fn invite(
    state: &AppState,
    l: &Loaded,
    slot: &interview_slot::Model,
    booking: &interview_booking::Model,
    cancelled: bool,
) -> String {
    let organiser = state.config.mail_from.email.to_string();
    CalendarInvite {
        uid: &format!("interview-{}@spectra", l.application.id),
        summary: &format!("Interview: {} ({})", l.vacancy.title, l.organisation),
        location: &slot.place,
        description: &format!(
            "Your interview for {}, reference {}. You can change or cancel your time online up to 24 hours before it: {}. If you need any support, contact {} at {} or on {}.",
            l.vacancy.title,
            reference(l.application.id),
            state
                .config
                .link(&format!("/applications/{}/interview", l.application.id)),
            l.vacancy.contact_name,
            l.vacancy.contact_email,
            l.vacancy.contact_phone
        ),
        starts_at: slot.starts_at,
        minutes: slot.minutes,
        organiser: &organiser,
        stamp: db::now(),
        sequence: u32::try_from(booking.sequence).unwrap_or(0),
        cancelled,
    }
    .to_ics()
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
    CurrentUser(me): CurrentUser,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(form): Form<BookForm>,
) -> AppResult<Response> {
    let l = load_invited(&state, &me, id).await?;
    let slot = match form.slot_id.parse::<i32>() {
        Ok(slot_id) => interviews::find_slot(&state.db, slot_id)
            .await?
            .filter(|s| s.vacancy_id == l.vacancy.id),
        Err(_) => None,
    };
    let refuse = |message: &str| {
        let mut errors = FormErrors::default();
        errors.add("slot_id", message.to_owned());
        errors
    };
    let Some(slot) = slot else {
        let errors = refuse("Choose a time for your interview");
        return Ok(render(&state, page, l, errors).await?.into_response());
    };
    let now = db::now();
    if let Some(current) = interviews::booking_of(&state.db, id).await?
        && let Some(current_slot) = interviews::find_slot(&state.db, current.slot_id).await?
        && !can_change(current_slot.starts_at, now)
    {
        let errors = refuse(&format!(
            "Your interview is less than 24 hours away, so it can no longer be changed online. Contact {} at {}.",
            l.vacancy.contact_name, l.vacancy.contact_email
        ));
        return Ok(render(&state, page, l, errors).await?.into_response());
    }
    let txn = state.db.begin().await?;
    let booking = match interviews::book(&txn, id, slot.id, now).await? {
        Ok(booking) => booking,
        Err(refusal) => {
            txn.rollback().await?;
            let errors = refuse(refusal.explanation());
            return Ok(render(&state, page, l, errors).await?.into_response());
        }
    };
    if l.stage == Stage::InvitedToInterview {
        applications::change_stage(
            &txn,
            id,
            Stage::InvitedToInterview,
            Stage::InterviewBooked,
            Some(me.id),
            "",
        )
        .await?;
    }
    let when = london_time::describe(slot.starts_at);
    InterviewEmail {
        name: &me.full_name,
        email: &me.email,
        vacancy: &l.vacancy,
        organisation: &l.organisation,
        application_id: id,
        news: InterviewNews::Booked {
            slot: &slot,
            moved: l.stage == Stage::InterviewBooked,
            adjustments: &l.application.adjustments,
        },
        calendar: Some(invite(&state, &l, &slot, &booking, false)),
    }
    .queue(&txn, &state.config)
    .await?;
    txn.commit().await?;
    state.mail_wakeup.notify_one();
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
        return Err(AppError::BadRequest(format!(
            "Your interview is less than 24 hours away, so it can no longer be cancelled online. Contact {} at {}.",
            l.vacancy.contact_name, l.vacancy.contact_email
        )));
    }
    Ok(Some((booking, slot)))
}

/// Asks before cancelling, saying what will happen. Changes nothing.
pub async fn cancel_confirm(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
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
    CurrentUser(me): CurrentUser,
    session: Session,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    let l = load_invited(&state, &me, id).await?;
    let Some((booking, slot)) = cancellable(&state, &l).await? else {
        notice(
            &session,
            "You have no interview booked, so there was nothing to cancel.",
        )
        .await?;
        return Ok(Redirect::to(&format!("/applications/{id}/interview")).into_response());
    };
    let txn = state.db.begin().await?;
    // Only the press that deletes the booking goes on: a second one racing it changes nothing.
    if !interviews::cancel(&txn, id).await? {
        txn.rollback().await?;
        return Ok(Redirect::to(&format!("/applications/{id}/interview")).into_response());
    }
    crate::services::interviews::tell_panel_of_cancellation(
        &txn,
        &state.config,
        &l.vacancy,
        id,
        &slot,
    )
    .await?;
    applications::change_stage(
        &txn,
        id,
        Stage::InterviewBooked,
        Stage::InvitedToInterview,
        Some(me.id),
        "",
    )
    .await?;
    let cancelled = interview_booking::Model {
        sequence: booking.sequence + 1,
        ..booking
    };
    InterviewEmail {
        name: &me.full_name,
        email: &me.email,
        vacancy: &l.vacancy,
        organisation: &l.organisation,
        application_id: id,
        news: InterviewNews::Cancelled { slot: &slot },
        calendar: Some(invite(&state, &l, &slot, &cancelled, true)),
    }
    .queue(&txn, &state.config)
    .await?;
    txn.commit().await?;
    state.mail_wakeup.notify_one();
    flash(
        &session,
        "Your interview is cancelled. You can book another time below.",
    )
    .await?;
    Ok(Redirect::to(&format!("/applications/{id}/interview")).into_response())
}
