//! Interviews: the panel's times (changed or removed only while nobody has booked them), the
//! lead telling invited applicants once that the times are ready, and outcomes.

use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr};
use time::OffsetDateTime;

use crate::config::Config;
use crate::db::audit::{self, AuditAction};
use crate::db::{self, applications, interviews, organisations, shortlisting, users, vacancies};
use crate::domain::application::Stage;
use crate::domain::audit_subject::AuditSubject;
use crate::domain::interview::{SlotInput, can_change};
use crate::entities::{application, interview_slot};
use crate::services::emails::{InterviewEmail, InterviewNews, email_applicant};
use crate::services::{Actor, Outcome};

/// Why a time was not added. Nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddSlotRefusal {
    /// The person is not on the vacancy's panel (any more).
    NotOnPanel,
    /// Shortlisting is not complete, so interviews are not arranged yet.
    NotShortlisted,
}

/// A member of the vacancy's panel adds an interview time, once shortlisting is complete:
/// both judged on the shortlisting row, locked here.
pub async fn add_slot(
    txn: &DatabaseTransaction,
    member: Actor<'_>,
    vacancy_id: i32,
    input: &SlotInput,
) -> Outcome<interview_slot::Model, AddSlotRefusal> {
    let state = shortlisting::lock(txn, vacancy_id).await?;
    if shortlisting::membership(txn, vacancy_id, member.id)
        .await?
        .is_none()
    {
        return Ok(Err(AddSlotRefusal::NotOnPanel));
    }
    if state.completed_at.is_none() {
        return Ok(Err(AddSlotRefusal::NotShortlisted));
    }
    let slot = interviews::create_slot(txn, vacancy_id, input, member.id).await?;
    Ok(Ok(slot))
}

/// Why a time could not be changed or removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlotRefusal {
    /// No such time on this vacancy.
    NotFound,
    /// Someone has booked it: it stays as it is, so nobody's interview changes unseen.
    Booked,
}

/// Changes an interview time (`Some`) or removes it (`None`), only while nobody has booked
/// it: judged on the slot's row, locked in this transaction, so a booking at the same moment
/// waits for it. Audited.
pub async fn change_slot(
    txn: &DatabaseTransaction,
    actor: Actor<'_>,
    vacancy_id: i32,
    slot_id: i32,
    change: Option<&SlotInput>,
) -> Outcome<(), SlotRefusal> {
    let on_vacancy = interviews::find_slot_for_update(txn, slot_id)
        .await?
        .is_some_and(|s| s.vacancy_id == vacancy_id);
    if !on_vacancy {
        return Ok(Err(SlotRefusal::NotFound));
    }
    if interviews::bookings_count(txn, slot_id).await? > 0 {
        return Ok(Err(SlotRefusal::Booked));
    }
    match change {
        Some(input) => interviews::update_slot(txn, slot_id, input).await?,
        None => interviews::delete_slot(txn, slot_id).await?,
    }
    audit::record(
        txn,
        Some(actor.id),
        AuditAction::InterviewTimeChanged,
        &AuditSubject::Vacancy(vacancy_id),
        serde_json::json!({ "slot": slot_id, "removed": change.is_none() }),
    )
    .await?;
    Ok(Ok(()))
}

/// Emails each panel member that an applicant cancelled their booked time, which is now free
/// for another applicant. Call it in the transaction that cancelled the booking.
pub async fn tell_panel_of_cancellation(
    txn: &DatabaseTransaction,
    config: &Config,
    vacancy: &crate::entities::vacancy::Model,
    application_id: i32,
    slot: &crate::entities::interview_slot::Model,
) -> anyhow::Result<()> {
    use crate::mail::templates::{EmailContent, StaffNotice};
    let reference = crate::domain::application::reference(application_id);
    let when = crate::domain::london_time::describe(slot.starts_at);
    for (_, member) in shortlisting::panel_of(txn, vacancy.id).await? {
        let notice = StaffNotice {
            subject: format!("Interview cancelled: {reference} cancelled their time"),
            name: member.full_name.clone(),
            paragraphs: vec![
                format!(
                    "The applicant {reference} has cancelled their interview for {} on {when}.",
                    vacancy.title
                ),
                "The time is free for another applicant to book. The applicant is still invited and may choose another time.".to_owned(),
            ],
            link: Some(config.link(&format!("/shortlisting/{}/interviews", vacancy.id))),
        }
        .to_email(&member.email)?;
        crate::db::outbox::enqueue(txn, &notice).await?;
    }
    Ok(())
}

/// The applications of the vacancy invited to interview, not booked, whose applicants have
/// not been told the times are ready.
pub async fn still_to_tell(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
) -> Result<Vec<application::Model>, DbErr> {
    let invited: Vec<application::Model> = applications::sent_models_for_vacancy(db, vacancy_id)
        .await?
        .into_iter()
        .filter(|a| a.stage == Stage::InvitedToInterview)
        .collect();
    let ids: Vec<i32> = invited.iter().map(|a| a.id).collect();
    let told = interviews::told_of(db, &ids).await?;
    Ok(invited
        .into_iter()
        .filter(|a| !told.iter().any(|t| t.application_id == a.id))
        .collect())
}

/// Why the applicants could not be told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TellRefusal {
    /// Only the panel's lead tells applicants.
    NotLead,
    /// No time can be booked yet: none is more than 24 hours away with a free place.
    NoTimes,
}

/// The lead tells every invited applicant who has not booked, and has not been told before,
/// that the interview times are ready, with the link to choose one. Each is told once, so
/// adding more times later emails nobody twice. Returns the applications told.
pub async fn tell_applicants(
    txn: &DatabaseTransaction,
    config: &Config,
    lead: Actor<'_>,
    vacancy_id: i32,
) -> Outcome<Vec<i32>, TellRefusal> {
    let leads = shortlisting::membership(txn, vacancy_id, lead.id)
        .await?
        .is_some_and(|m| m.is_lead);
    if !leads {
        return Ok(Err(TellRefusal::NotLead));
    }
    let slots = interviews::slots_of(txn, vacancy_id).await?;
    let ids: Vec<i32> = slots.iter().map(|s| s.id).collect();
    let bookings = interviews::bookings_for_slots(txn, &ids).await?;
    let now = db::now();
    let bookable = slots.iter().any(|s| {
        let taken = bookings.iter().filter(|b| b.slot_id == s.id).count();
        can_change(s.starts_at, now) && i32::try_from(taken).unwrap_or(i32::MAX) < s.capacity
    });
    if !bookable {
        return Ok(Err(TellRefusal::NoTimes));
    }
    let vacancy = vacancies::find(txn, vacancy_id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("vacancy {vacancy_id}")))?;
    let organisation = organisations::find(txn, vacancy.organisation_id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let mut told = Vec::new();
    for application in still_to_tell(txn, vacancy_id).await? {
        let Some(applicant) = users::find_by_id(txn, application.applicant_id).await? else {
            continue;
        };
        if !interviews::record_told(txn, application.id, lead.id).await? {
            continue;
        }
        InterviewEmail {
            name: &applicant.full_name,
            email: &applicant.email,
            vacancy: &vacancy,
            organisation: &organisation,
            application_id: application.id,
            news: InterviewNews::TimesReady,
            calendar: None,
        }
        .queue(txn, config)
        .await?;
        told.push(application.id);
    }
    if !told.is_empty() {
        audit::record(
            txn,
            Some(lead.id),
            AuditAction::InterviewTimesTold,
            &AuditSubject::Vacancy(vacancy_id),
            serde_json::json!({ "applications": told }),
        )
        .await?;
    }
    Ok(Ok(told))
}

/// Why an outcome could not be recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutcomeRefusal {
    /// The person does not lead the vacancy's panel.
    NotLead,
    /// No such application on this vacancy.
    NotFound,
    /// The application has no booked interview now: its outcome is recorded already, or it
    /// was withdrawn.
    NotBooked(Stage),
    /// The interview has not started yet.
    NotYet {
        /// When it starts.
        starts_at: OffsetDateTime,
    },
}

/// Records the outcome of a booked interview once it has started, with feedback the applicant sees. Appointable
/// leaves the application interviewed, ready for an offer; not appointable ends it as
/// unsuccessful. Each move is checked: if the application was not where it had to be, nothing
/// is written.
pub async fn record_outcome(
    txn: &DatabaseTransaction,
    config: &Config,
    lead: Actor<'_>,
    vacancy_id: i32,
    application_id: i32,
    appointable: bool,
    feedback: &str,
) -> Outcome<Stage, OutcomeRefusal> {
    let leads = shortlisting::membership(txn, vacancy_id, lead.id)
        .await?
        .is_some_and(|m| m.is_lead);
    if !leads {
        return Ok(Err(OutcomeRefusal::NotLead));
    }
    let Some(application) = applications::find_for_update(txn, application_id)
        .await?
        .filter(|a| a.vacancy_id == vacancy_id)
    else {
        return Ok(Err(OutcomeRefusal::NotFound));
    };
    let stage = application.stage;
    if stage == Stage::InterviewBooked {
        let slot = match interviews::booking_of(txn, application_id).await? {
            Some(booking) => interviews::find_slot(txn, booking.slot_id).await?,
            None => None,
        };
        if let Some(slot) = slot.filter(|s| s.starts_at > db::now()) {
            return Ok(Err(OutcomeRefusal::NotYet {
                starts_at: slot.starts_at,
            }));
        }
    }
    if stage != Stage::InterviewBooked
        || !applications::change_stage(
            txn,
            application_id,
            Stage::InterviewBooked,
            Stage::Interviewed,
            Some(lead.id),
            feedback,
        )
        .await?
    {
        return Ok(Err(OutcomeRefusal::NotBooked(stage)));
    }
    interviews::save_outcome(txn, application_id, appointable, feedback, lead.id).await?;
    // The feedback is free text about the applicant: the log says only that it was given.
    crate::db::audit::record(
        txn,
        Some(lead.id),
        crate::db::audit::AuditAction::InterviewOutcomeRecorded,
        &AuditSubject::Application(application_id),
        serde_json::json!({
            "vacancy": vacancy_id,
            "appointable": appointable,
            "feedback_given": !feedback.trim().is_empty(),
        }),
    )
    .await?;
    let last = if appointable {
        Stage::Interviewed
    } else {
        if !applications::change_stage(
            txn,
            application_id,
            Stage::Interviewed,
            Stage::Unsuccessful,
            Some(lead.id),
            "",
        )
        .await?
        {
            anyhow::bail!("application {application_id} moved while locked");
        }
        Stage::Unsuccessful
    };
    let vacancy = vacancies::find(txn, vacancy_id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("vacancy {vacancy_id}")))?;
    email_applicant(txn, config, &vacancy, &application, last, feedback).await?;
    Ok(Ok(last))
}
