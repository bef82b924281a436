//! Interview outcomes, recorded by the lead of the vacancy's panel.

use sea_orm::{ConnectionTrait, DbErr};
use time::OffsetDateTime;

use crate::config::Config;
use crate::db::{self, applications, interviews, shortlisting, vacancies};
use crate::domain::application::Stage;
use crate::services::Outcome;
use crate::services::emails::email_applicant;

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
    txn: &impl ConnectionTrait,
    config: &Config,
    lead: i32,
    vacancy_id: i32,
    application_id: i32,
    appointable: bool,
    feedback: &str,
) -> Outcome<Stage, OutcomeRefusal> {
    let leads = shortlisting::membership(txn, vacancy_id, lead)
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
    let stage = Stage::parse(&application.stage)
        .ok_or_else(|| anyhow::anyhow!("application {application_id} has an unknown stage"))?;
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
            Some(lead),
            feedback,
        )
        .await?
    {
        return Ok(Err(OutcomeRefusal::NotBooked(stage)));
    }
    interviews::save_outcome(txn, application_id, appointable, feedback, lead).await?;
    let last = if appointable {
        Stage::Interviewed
    } else {
        if !applications::change_stage(
            txn,
            application_id,
            Stage::Interviewed,
            Stage::Unsuccessful,
            Some(lead),
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
