//! The high-volume exception (DOMAIN.md §5.5): the panel's lead asks for it, with a reason and
//! a proposed cap on interviews, and an Executive Champion other than the one who asked
//! approves or refuses it. Each is judged on the vacancy's shortlisting row, locked in the
//! transaction that writes, so a request, a decision and completion are taken in turn.

use sea_orm::{ConnectionTrait, DatabaseTransaction};
use serde_json::json;

use crate::config::Config;
use crate::db::audit::{self, AuditAction};
use crate::db::{organisations, outbox, shortlisting, vacancies};
use crate::domain::audit_subject::AuditSubject;
use crate::domain::shortlisting::ExceptionStatus;
use crate::mail::templates::{EmailContent, ExceptionDecided};
use crate::services::{Actor, Outcome};

/// The lead's request, as parsed from the form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExceptionRequest<'a> {
    /// Why interviewing everyone who meets the essential criteria is impracticable.
    pub reason: &'a str,
    /// The most people the panel can interview.
    pub cap: i32,
}

/// Why the request was not recorded. Nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestRefusal {
    /// The person does not lead the vacancy's panel (any more).
    NotLead,
    /// An exception is already requested or approved, or shortlisting is complete.
    NotOpen,
}

/// The lead asks for the high-volume exception for their vacancy, and it is audited.
pub async fn request(
    txn: &DatabaseTransaction,
    lead: Actor<'_>,
    vacancy_id: i32,
    input: &ExceptionRequest<'_>,
) -> Outcome<(), RequestRefusal> {
    shortlisting::lock(txn, vacancy_id).await?;
    let leads = shortlisting::membership(txn, vacancy_id, lead.id)
        .await?
        .is_some_and(|m| m.is_lead);
    if !leads {
        return Ok(Err(RequestRefusal::NotLead));
    }
    if !shortlisting::request_exception(txn, vacancy_id, lead.id, input.reason, input.cap).await? {
        return Ok(Err(RequestRefusal::NotOpen));
    }
    audit::record(
        txn,
        Some(lead.id),
        AuditAction::ExceptionRequested,
        &AuditSubject::Vacancy(vacancy_id),
        json!({ "cap": input.cap, "reason": input.reason }),
    )
    .await?;
    Ok(Ok(()))
}

/// The champion's decision, as parsed from the form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExceptionDecision<'a> {
    /// Approve (true) or refuse (false).
    pub approve: bool,
    /// The note for the lead, trimmed; may be empty.
    pub note: &'a str,
}

/// Why the decision was not recorded. Nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecideRefusal {
    /// No such vacancy.
    NotFound,
    /// No request is waiting: none was made, or it was decided already.
    NothingWaiting,
    /// The champion asked for it themselves, so another must decide it.
    OwnRequest,
}

/// What was decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decided {
    /// The vacancy's title.
    pub title: String,
    /// The cap the lead asked for.
    pub cap: i32,
}

/// Whether `champion` may decide the request waiting on the vacancy, judged on what is stored
/// now: for a form sent back with errors, which must say first if there is nothing to decide.
pub async fn decidable(
    db: &impl ConnectionTrait,
    champion: Actor<'_>,
    vacancy_id: i32,
) -> Outcome<(), DecideRefusal> {
    if vacancies::find(db, vacancy_id).await?.is_none() {
        return Ok(Err(DecideRefusal::NotFound));
    }
    let request = shortlisting::state_of(db, vacancy_id).await?;
    Ok(judge(&request, champion))
}

fn judge(
    request: &crate::entities::shortlisting::Model,
    champion: Actor<'_>,
) -> Result<(), DecideRefusal> {
    if request.exception_status != ExceptionStatus::Requested {
        return Err(DecideRefusal::NothingWaiting);
    }
    if request.exception_requested_by == Some(champion.id) {
        return Err(DecideRefusal::OwnRequest);
    }
    Ok(())
}

/// The champion approves or refuses the request waiting on the vacancy. The decision, its
/// audit event and the emails to the panel's leads are written together.
pub async fn decide(
    txn: &DatabaseTransaction,
    config: &Config,
    champion: Actor<'_>,
    vacancy_id: i32,
    decision: &ExceptionDecision<'_>,
) -> Outcome<Decided, DecideRefusal> {
    let Some(vacancy) = vacancies::find(txn, vacancy_id).await? else {
        return Ok(Err(DecideRefusal::NotFound));
    };
    let request = shortlisting::lock(txn, vacancy_id).await?;
    if let Err(refusal) = judge(&request, champion) {
        return Ok(Err(refusal));
    }
    let cap = request.exception_cap.unwrap_or(0);
    if !shortlisting::decide_exception(
        txn,
        vacancy_id,
        champion.id,
        decision.approve,
        decision.note,
    )
    .await?
    {
        anyhow::bail!("the exception of vacancy {vacancy_id} moved while locked");
    }
    audit::record(
        txn,
        Some(champion.id),
        if decision.approve {
            AuditAction::ExceptionApproved
        } else {
            AuditAction::ExceptionRefused
        },
        &AuditSubject::Vacancy(vacancy_id),
        json!({ "cap": cap, "note": decision.note }),
    )
    .await?;
    let organisation = organisations::find(txn, vacancy.organisation_id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let leads = shortlisting::panel_of(txn, vacancy_id)
        .await?
        .into_iter()
        .filter(|(member, _)| member.is_lead);
    for (_, lead) in leads {
        let email = ExceptionDecided {
            name: lead.full_name,
            title: vacancy.title.clone(),
            organisation: organisation.clone(),
            approved: decision.approve,
            cap,
            note: decision.note.to_owned(),
            link: config.link(&format!("/shortlisting/{vacancy_id}")),
        }
        .to_email(&lead.email)?;
        outbox::enqueue(txn, &email).await?;
    }
    Ok(Ok(Decided {
        title: vacancy.title,
        cap,
    }))
}
