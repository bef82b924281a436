//! The applicant's interview booking: booking a time, moving it, and cancelling it, up to 24
//! hours before. Each is judged on the application's row, locked in the transaction that
//! writes (and the slot's row, locked by the booking itself), and each email carries a
//! calendar invitation, or its cancellation.

use sea_orm::{DatabaseTransaction, DbErr};

use crate::config::Config;
use crate::db::{self, applications, interviews, organisations, vacancies};
use crate::domain::application::{Stage, reference};
use crate::domain::count::{NegativeCount, stored_count};
use crate::domain::interview::{BookingRefusal, CalendarInvite, can_change};
use crate::entities::{application, interview_booking, interview_slot, vacancy};
use crate::services::emails::{InterviewEmail, InterviewNews};
use crate::services::interviews::tell_panel_of_cancellation;
use crate::services::{Actor, Outcome};

/// Why a time was not booked, or a booking not cancelled. Nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookRefusal {
    /// No such application of this applicant.
    NotFound,
    /// The application is not invited to interview (any more), nor booked.
    NotInvited,
    /// No such time on this vacancy.
    NoSuchSlot,
    /// Nothing is booked, so there is nothing to cancel.
    NothingBooked,
    /// The interview booked is less than 24 hours away, so it can no longer change online.
    TooLate,
    /// The time cannot be booked: full, or too soon.
    Slot(BookingRefusal),
}

/// The applicant's own application, locked, if it is invited to interview or booked; with
/// its stage and vacancy.
async fn own_invited(
    txn: &DatabaseTransaction,
    applicant: Actor<'_>,
    application_id: i32,
) -> Outcome<(application::Model, Stage, vacancy::Model), BookRefusal> {
    let Some(application) = applications::find_for_update(txn, application_id)
        .await?
        .filter(|a| a.applicant_id == applicant.id)
    else {
        return Ok(Err(BookRefusal::NotFound));
    };
    let stage = application.stage;
    if !matches!(stage, Stage::InvitedToInterview | Stage::InterviewBooked) {
        return Ok(Err(BookRefusal::NotInvited));
    }
    let vacancy = vacancies::find(txn, application.vacancy_id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("vacancy {}", application.vacancy_id)))?;
    Ok(Ok((application, stage, vacancy)))
}

/// The booking of the application and its time, if one is booked.
async fn booked(
    txn: &DatabaseTransaction,
    application_id: i32,
) -> Result<Option<(interview_booking::Model, interview_slot::Model)>, DbErr> {
    let Some(booking) = interviews::booking_of(txn, application_id).await? else {
        return Ok(None);
    };
    let slot = interviews::find_slot(txn, booking.slot_id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("slot {}", booking.slot_id)))?;
    Ok(Some((booking, slot)))
}

/// What was booked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Booked {
    /// The time booked.
    pub slot: interview_slot::Model,
}

/// The applicant books a time of their vacancy (`slot_id`, if they chose one), or moves their
/// booking to it: refused for a full time, one less than 24 hours away, or when the time
/// booked already is less than 24 hours away. The application moves to "interview booked"
/// and the applicant is emailed the details with a calendar invitation.
pub async fn book(
    txn: &DatabaseTransaction,
    config: &Config,
    applicant: Actor<'_>,
    application_id: i32,
    slot_id: Option<i32>,
) -> Outcome<Booked, BookRefusal> {
    let (application, stage, vacancy) = match own_invited(txn, applicant, application_id).await? {
        Ok(found) => found,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let slot = match slot_id {
        Some(slot_id) => interviews::find_slot(txn, slot_id)
            .await?
            .filter(|s| s.vacancy_id == vacancy.id),
        None => None,
    };
    let Some(slot) = slot else {
        return Ok(Err(BookRefusal::NoSuchSlot));
    };
    let now = db::now();
    if let Some((_, current)) = booked(txn, application_id).await?
        && !can_change(current.starts_at, now)
    {
        return Ok(Err(BookRefusal::TooLate));
    }
    let booking = match interviews::book(txn, application_id, slot.id, now).await? {
        Ok(booking) => booking,
        Err(refusal) => return Ok(Err(BookRefusal::Slot(refusal))),
    };
    if stage == Stage::InvitedToInterview {
        applications::change_stage(
            txn,
            application_id,
            Stage::InvitedToInterview,
            Stage::InterviewBooked,
            Some(applicant.id),
            "",
        )
        .await?;
    }
    let organisation = organisation_of(txn, &vacancy).await?;
    let calendar = invite(
        config,
        (&application, &vacancy, &organisation),
        &slot,
        &booking,
        false,
    )
    .map_err(DbErr::from)?;
    InterviewEmail {
        name: applicant.name,
        email: applicant.email,
        vacancy: &vacancy,
        organisation: &organisation,
        application_id,
        news: InterviewNews::Booked {
            slot: &slot,
            moved: stage == Stage::InterviewBooked,
            adjustments: &application.adjustments,
        },
        calendar: Some(calendar),
    }
    .queue(txn, config)
    .await?;
    Ok(Ok(Booked { slot }))
}

/// The applicant cancels their booking, up to 24 hours before: the panel is told the time is
/// free, the application goes back to "invited to interview", and the applicant is emailed
/// the calendar cancellation. Only the first of two presses at once cancels.
pub async fn cancel(
    txn: &DatabaseTransaction,
    config: &Config,
    applicant: Actor<'_>,
    application_id: i32,
) -> Outcome<(), BookRefusal> {
    let (application, _, vacancy) = match own_invited(txn, applicant, application_id).await? {
        Ok(found) => found,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let Some((booking, slot)) = booked(txn, application_id).await? else {
        return Ok(Err(BookRefusal::NothingBooked));
    };
    if !can_change(slot.starts_at, db::now()) {
        return Ok(Err(BookRefusal::TooLate));
    }
    if !interviews::cancel(txn, application_id).await? {
        return Ok(Err(BookRefusal::NothingBooked));
    }
    tell_panel_of_cancellation(txn, config, &vacancy, application_id, &slot).await?;
    applications::change_stage(
        txn,
        application_id,
        Stage::InterviewBooked,
        Stage::InvitedToInterview,
        Some(applicant.id),
        "",
    )
    .await?;
    let cancelled = interview_booking::Model {
        sequence: booking.sequence + 1,
        ..booking
    };
    let organisation = organisation_of(txn, &vacancy).await?;
    let calendar = invite(
        config,
        (&application, &vacancy, &organisation),
        &slot,
        &cancelled,
        true,
    )
    .map_err(DbErr::from)?;
    InterviewEmail {
        name: applicant.name,
        email: applicant.email,
        vacancy: &vacancy,
        organisation: &organisation,
        application_id,
        news: InterviewNews::Cancelled { slot: &slot },
        calendar: Some(calendar),
    }
    .queue(txn, config)
    .await?;
    Ok(Ok(()))
}

async fn organisation_of(
    txn: &DatabaseTransaction,
    vacancy: &vacancy::Model,
) -> Result<String, DbErr> {
    Ok(organisations::find(txn, vacancy.organisation_id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default())
}

/// The calendar invitation (or cancellation) for a booking.
fn invite(
    config: &Config,
    (application, vacancy, organisation): (&application::Model, &vacancy::Model, &str),
    slot: &interview_slot::Model,
    booking: &interview_booking::Model,
    cancelled: bool,
) -> Result<String, NegativeCount> {
    let organiser = config.mail_from.email.to_string();
    Ok(CalendarInvite {
        uid: &format!("interview-{}@spectra", application.id),
        summary: &format!("Interview: {} ({})", vacancy.title, organisation),
        location: &slot.place,
        description: &format!(
            "Your interview for {}, reference {}. You can change or cancel your time online up to 24 hours before it: {}. If you need any support, contact {} at {} or on {}.",
            vacancy.title,
            reference(application.id),
            config.link(&format!("/applications/{}/interview", application.id)),
            vacancy.contact_name,
            vacancy.contact_email,
            vacancy.contact_phone
        ),
        starts_at: slot.starts_at,
        minutes: slot.minutes,
        organiser: &organiser,
        stamp: db::now(),
        sequence: stored_count(booking.sequence)?,
        cancelled,
    }
    .to_ics())
}
