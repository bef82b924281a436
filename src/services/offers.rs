//! Offers: the lead making one, the applicant accepting or declining it, the lead recording
//! the pre-employment checks and the start date, and withdrawing a conditional offer when a
//! check fails. Each is audited in the transaction that writes it.

use sea_orm::{DatabaseTransaction, DbErr};
use serde_json::json;

use crate::config::Config;
use crate::db::audit::{self, AuditAction};
use crate::db::offers::{self, NotAccepted};
use crate::db::{applications, interviews, shortlisting, vacancies};
use crate::domain::application::Stage;
use crate::domain::audit_subject::AuditSubject;
use crate::domain::offer::OfferStatus;
use crate::domain::offer::{CheckKind, CheckStatus, all_verified, checks_for};
use crate::services::emails::email_applicant;
use crate::services::{Actor, Outcome};
use time::Date;

/// Why the lead could not make an offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MakeRefusal {
    /// The person does not lead the vacancy's panel.
    NotLead,
    /// No such application on this vacancy.
    NotFound,
    /// The application is not interviewed and found appointable (or it moved meanwhile).
    NotAppointable,
}

/// The lead makes a conditional offer to a candidate interviewed and found appointable: the
/// application moves to "conditional offer", the offer is stored, the applicant is emailed,
/// and it is audited. The application is locked first, so two presses make one offer.
pub async fn make(
    txn: &DatabaseTransaction,
    config: &Config,
    lead: Actor<'_>,
    vacancy_id: i32,
    application_id: i32,
) -> Outcome<(), MakeRefusal> {
    if !leads(txn, vacancy_id, lead.id).await? {
        return Ok(Err(MakeRefusal::NotLead));
    }
    let Some(application) = applications::find_for_update(txn, application_id)
        .await?
        .filter(|a| a.vacancy_id == vacancy_id)
    else {
        return Ok(Err(MakeRefusal::NotFound));
    };
    let appointable = interviews::outcomes_for(txn, &[application_id])
        .await?
        .first()
        .is_some_and(|o| o.appointable);
    if application.stage != Stage::Interviewed
        || !appointable
        || !applications::change_stage(
            txn,
            application_id,
            Stage::Interviewed,
            Stage::ConditionalOffer,
            Some(lead.id),
            "",
        )
        .await?
    {
        return Ok(Err(MakeRefusal::NotAppointable));
    }
    offers::make(txn, application_id, vacancy_id, lead.id).await?;
    audit::record(
        txn,
        Some(lead.id),
        AuditAction::OfferMade,
        &AuditSubject::Application(application_id),
        json!({ "vacancy": vacancy_id }),
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
        Stage::ConditionalOffer,
        "",
    )
    .await?;
    Ok(Ok(()))
}

/// Whether `user` leads the vacancy's panel, read in this transaction.
async fn leads(txn: &DatabaseTransaction, vacancy_id: i32, user: i32) -> Result<bool, DbErr> {
    Ok(shortlisting::membership(txn, vacancy_id, user)
        .await?
        .is_some_and(|m| m.is_lead))
}

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
    txn: &DatabaseTransaction,
    applicant: Actor<'_>,
    application_id: i32,
) -> Outcome<(), AcceptRefusal> {
    let Some(application) = applications::find_for_update(txn, application_id)
        .await?
        .filter(|a| a.applicant_id == applicant.id)
    else {
        return Ok(Err(AcceptRefusal::NotFound));
    };
    let stage = application.stage;
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
    match offers::accept(txn, application_id, vacancy.id, &checks).await? {
        Ok(()) => {}
        Err(NotAccepted::AlreadyAnswered) => return Ok(Err(AcceptRefusal::AlreadyAnswered)),
        Err(NotAccepted::PositionsFilled) => return Ok(Err(AcceptRefusal::PositionsFilled)),
    }
    audit::record(
        txn,
        Some(applicant.id),
        AuditAction::OfferAccepted,
        &AuditSubject::Application(application_id),
        json!({
            "vacancy": vacancy.id,
            "checks": checks.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        }),
    )
    .await?;
    Ok(Ok(()))
}

/// The applicant declines their offer: the offer is declined, the application ends as
/// withdrawn, the applicant is emailed, and it is audited. Returns false, writing nothing,
/// when there was no open offer to decline (a second click, or another tab).
pub async fn decline(
    txn: &DatabaseTransaction,
    config: &Config,
    applicant: Actor<'_>,
    application_id: i32,
) -> Outcome<bool, AcceptRefusal> {
    let Some(application) = applications::find_for_update(txn, application_id)
        .await?
        .filter(|a| a.applicant_id == applicant.id)
    else {
        return Ok(Err(AcceptRefusal::NotFound));
    };
    if !offers::decline(txn, application_id).await? {
        return Ok(Ok(false));
    }
    if !applications::change_stage(
        txn,
        application_id,
        Stage::ConditionalOffer,
        Stage::Withdrawn,
        Some(applicant.id),
        DECLINED,
    )
    .await?
    {
        // The offer was open but the application had moved on: undo, as before.
        return Ok(Ok(false));
    }
    audit::record(
        txn,
        Some(applicant.id),
        AuditAction::OfferDeclined,
        &AuditSubject::Application(application_id),
        json!({ "vacancy": application.vacancy_id }),
    )
    .await?;
    let vacancy = vacancies::find(txn, application.vacancy_id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("vacancy {}", application.vacancy_id)))?;
    email_applicant(
        txn,
        config,
        &vacancy,
        &application,
        Stage::Withdrawn,
        DECLINED,
    )
    .await?;
    Ok(Ok(true))
}

/// The words in the applicant's timeline and email when they decline an offer.
const DECLINED: &str = "You declined the offer.";

/// Why the lead could not record checks or a start date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChecksRefusal {
    /// The person does not lead the vacancy's panel.
    NotLead,
    /// No such application on this vacancy.
    NotFound,
    /// There is no accepted offer whose checks could change.
    NotAccepted,
    /// A start date is agreed only once every check is verified.
    ChecksNotComplete,
}

/// One check as the lead submitted it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckUpdate {
    /// Which check.
    pub kind: CheckKind,
    /// Its status now.
    pub status: CheckStatus,
    /// The lead's note (already checked for length).
    pub note: String,
}

/// The lead records the checks of an accepted offer. Each check whose status or note changed
/// is stored, and each change of status is audited (kind, from, to; never the note). When
/// every check is verified the offer becomes unconditional, and the applicant is emailed.
/// Returns whether it became unconditional.
pub async fn save_checks(
    txn: &DatabaseTransaction,
    config: &Config,
    lead: Actor<'_>,
    vacancy_id: i32,
    application_id: i32,
    updates: &[CheckUpdate],
) -> Outcome<bool, ChecksRefusal> {
    if !leads(txn, vacancy_id, lead.id).await? {
        return Ok(Err(ChecksRefusal::NotLead));
    }
    let Some(application) = applications::find_for_update(txn, application_id)
        .await?
        .filter(|a| a.vacancy_id == vacancy_id)
    else {
        return Ok(Err(ChecksRefusal::NotFound));
    };
    if offers::find(txn, application_id)
        .await?
        .is_none_or(|o| o.status != OfferStatus::Accepted)
    {
        return Ok(Err(ChecksRefusal::NotAccepted));
    }
    let existing = offers::checks_of(txn, application_id).await?;
    let mut statuses = Vec::with_capacity(existing.len());
    let subject = AuditSubject::Application(application_id);
    for check in &existing {
        let (kind, before) = (check.kind, check.status);
        let Some(update) = updates.iter().find(|u| u.kind == kind) else {
            statuses.push(before);
            continue;
        };
        statuses.push(update.status);
        if update.status == before && update.note == check.note {
            continue;
        }
        offers::update_check(
            txn,
            application_id,
            kind,
            update.status,
            &update.note,
            lead.id,
        )
        .await?;
        if update.status != before {
            audit::record(
                txn,
                Some(lead.id),
                AuditAction::CheckChanged,
                &subject,
                json!({
                    "vacancy": vacancy_id,
                    "kind": kind.as_str(),
                    "from": before.as_str(),
                    "to": update.status.as_str(),
                }),
            )
            .await?;
        }
    }
    let complete = all_verified(&statuses)
        && applications::change_stage(
            txn,
            application_id,
            Stage::ConditionalOffer,
            Stage::ChecksComplete,
            Some(lead.id),
            "",
        )
        .await?;
    if complete {
        let vacancy = vacancies::find(txn, vacancy_id)
            .await?
            .ok_or_else(|| DbErr::RecordNotFound(format!("vacancy {vacancy_id}")))?;
        email_applicant(
            txn,
            config,
            &vacancy,
            &application,
            Stage::ChecksComplete,
            "",
        )
        .await?;
    }
    Ok(Ok(complete))
}

/// The lead agrees (or changes) the start date, once every check is verified; audited with
/// the date before and after.
pub async fn set_start_date(
    txn: &DatabaseTransaction,
    lead: Actor<'_>,
    vacancy_id: i32,
    application_id: i32,
    start: Date,
) -> Outcome<(), ChecksRefusal> {
    if !leads(txn, vacancy_id, lead.id).await? {
        return Ok(Err(ChecksRefusal::NotLead));
    }
    let Some(application) = applications::find_for_update(txn, application_id)
        .await?
        .filter(|a| a.vacancy_id == vacancy_id)
    else {
        return Ok(Err(ChecksRefusal::NotFound));
    };
    if application.stage != Stage::ChecksComplete {
        return Ok(Err(ChecksRefusal::ChecksNotComplete));
    }
    let Some(offer) = offers::find(txn, application_id).await? else {
        return Ok(Err(ChecksRefusal::NotAccepted));
    };
    offers::set_start_date(txn, application_id, start).await?;
    audit::record(
        txn,
        Some(lead.id),
        AuditAction::StartDateSet,
        &AuditSubject::Application(application_id),
        json!({
            "vacancy": vacancy_id,
            "from": offer.start_date.map(|d| d.to_string()),
            "to": start.to_string(),
        }),
    )
    .await?;
    Ok(Ok(()))
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
    txn: &DatabaseTransaction,
    config: &Config,
    lead: Actor<'_>,
    vacancy_id: i32,
    application_id: i32,
    feedback: &str,
) -> Outcome<(), OfferWithdrawalRefusal> {
    if !leads(txn, vacancy_id, lead.id).await? {
        return Ok(Err(OfferWithdrawalRefusal::NotLead));
    }
    let Some(application) = applications::find_for_update(txn, application_id)
        .await?
        .filter(|a| a.vacancy_id == vacancy_id)
    else {
        return Ok(Err(OfferWithdrawalRefusal::NotFound));
    };
    let stage = application.stage;
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
        Some(lead.id),
        feedback,
    )
    .await?
    {
        anyhow::bail!("application {application_id} moved while locked");
    }
    audit::record(
        txn,
        Some(lead.id),
        AuditAction::OfferWithdrawn,
        &AuditSubject::Application(application_id),
        // The feedback is free text about the applicant: the log says only that it was given.
        json!({
            "vacancy": vacancy_id,
            "was": was.as_str(),
            "because": "the lead withdrew it",
            "feedback_given": !feedback.is_empty(),
        }),
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
