//! Offers: the applicant accepting one, and the lead withdrawing a conditional offer when a
//! pre-employment check fails.

use sea_orm::{ConnectionTrait, DbErr};
use serde_json::json;

use crate::config::Config;
use crate::db::audit::{self, AuditAction};
use crate::db::offers::{self, NotAccepted};
use crate::db::{applications, shortlisting, vacancies};
use crate::domain::application::Stage;
use crate::domain::offer::checks_for;
use crate::services::Outcome;
use crate::services::emails::email_applicant;

/// Why an acceptance was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AcceptRefusal {
    /// No such application of this applicant, or no offer on it.
    NotFound,
    /// The application is no longer at the offer stage: withdrawn, say.
    NotOpen(Stage),
    /// The offer was already answered (a second click, or another tab).
    AlreadyAnswered,
    /// Every position has been filled.
    PositionsFilled,
}

/// The applicant accepts their offer, if the application is still at the offer stage and a
/// position is free. The application is locked before the vacancy (as withdrawing locks it),
/// so an acceptance and a withdrawal at the same moment are judged one after the other.
pub async fn accept(
    txn: &impl ConnectionTrait,
    applicant_id: i32,
    application_id: i32,
) -> Outcome<(), AcceptRefusal> {
    let Some(application) = applications::find_for_update(txn, application_id)
        .await?
        .filter(|a| a.applicant_id == applicant_id)
    else {
        return Ok(Err(AcceptRefusal::NotFound));
    };
    let stage = Stage::parse(&application.stage)
        .ok_or_else(|| anyhow::anyhow!("application {application_id} has an unknown stage"))?;
    if stage != Stage::ConditionalOffer {
        return Ok(Err(AcceptRefusal::NotOpen(stage)));
    }
    let Some(vacancy) = vacancies::find(txn, application.vacancy_id).await? else {
        return Ok(Err(AcceptRefusal::NotFound));
    };
    let checks = checks_for(
        vacancy.ring_fenced,
        application.guaranteed_interview == Some(true),
    );
    Ok(
        match offers::accept(txn, application_id, vacancy.id, &checks).await? {
            Ok(()) => Ok(()),
            Err(NotAccepted::AlreadyAnswered) => Err(AcceptRefusal::AlreadyAnswered),
            Err(NotAccepted::PositionsFilled) => Err(AcceptRefusal::PositionsFilled),
        },
    )
}

/// Why the lead could not withdraw an offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfferWithdrawalRefusal {
    /// The person does not lead the vacancy's panel.
    NotLead,
    /// No such application on this vacancy.
    NotFound,
    /// There is no conditional offer to withdraw: the application is at another stage.
    NotConditional(Stage),
}

/// The lead withdraws a conditional offer, for example because the DBS check failed, with
/// feedback the applicant sees (already checked to be present). The application ends as
/// unsuccessful, the position is freed, the applicant is emailed, and it is audited.
pub async fn withdraw_offer(
    txn: &impl ConnectionTrait,
    config: &Config,
    lead: i32,
    vacancy_id: i32,
    application_id: i32,
    feedback: &str,
) -> Outcome<(), OfferWithdrawalRefusal> {
    let leads = shortlisting::membership(txn, vacancy_id, lead)
        .await?
        .is_some_and(|m| m.is_lead);
    if !leads {
        return Ok(Err(OfferWithdrawalRefusal::NotLead));
    }
    let Some(application) = applications::find_for_update(txn, application_id)
        .await?
        .filter(|a| a.vacancy_id == vacancy_id)
    else {
        return Ok(Err(OfferWithdrawalRefusal::NotFound));
    };
    let stage = Stage::parse(&application.stage)
        .ok_or_else(|| anyhow::anyhow!("application {application_id} has an unknown stage"))?;
    if stage != Stage::ConditionalOffer {
        return Ok(Err(OfferWithdrawalRefusal::NotConditional(stage)));
    }
    let Some(was) = offers::withdraw(txn, application_id).await? else {
        return Ok(Err(OfferWithdrawalRefusal::NotConditional(stage)));
    };
    if !applications::change_stage(
        txn,
        application_id,
        Stage::ConditionalOffer,
        Stage::Unsuccessful,
        Some(lead),
        feedback,
    )
    .await?
    {
        anyhow::bail!("application {application_id} moved while locked");
    }
    audit::record(
        txn,
        Some(lead),
        AuditAction::OfferWithdrawn,
        &format!("application:{application_id}"),
        json!({ "vacancy": vacancy_id, "was": was, "because": "the lead withdrew it", "feedback": feedback }),
    )
    .await?;
    let vacancy = vacancies::find(txn, vacancy_id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("vacancy {vacancy_id}")))?;
    email_applicant(
        txn,
        config,
        &vacancy,
        &application,
        Stage::Unsuccessful,
        feedback,
    )
    .await?;
    Ok(Ok(()))
}
