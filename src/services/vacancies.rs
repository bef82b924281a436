//! Vacancy workflows: saving a draft, publishing, changing a published vacancy, closing it
//! early and reopening it.

use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr};
use serde_json::json;
use time::OffsetDateTime;

use crate::config::Config;
use crate::db::audit::{self, AuditAction};
use crate::db::{organisations, outbox, shortlisting, vacancies};
use crate::domain::application::Stage;
use crate::domain::audit_subject::AuditSubject;
use crate::domain::london_time;
use crate::domain::vacancy::{
    CriterionInput, FieldError, PublishCheck, PublishedChange, ReopenRefusal, VacancyInput,
    VacancyStatus, check_reopen, is_open, publish_problems, published_change,
};
use crate::entities::{vacancy, vacancy_criterion};
use crate::mail::templates::{ClosingDateChanged, EmailContent};
use crate::services::{Actor, Outcome};

/// Why a draft was not saved. Nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DraftRefusal {
    /// The organisation has been deactivated, so it takes no new vacancies.
    OrganisationClosed,
    /// No such vacancy in the manager's organisation.
    NotFound,
    /// It was published meanwhile: a published vacancy changes through
    /// [`change_published`].
    NotDraft,
}

/// A hiring manager creates a draft vacancy for their organisation, and leads its panel.
/// The organisation is held until the transaction ends, so it cannot be deactivated halfway.
pub async fn create_draft(
    txn: &DatabaseTransaction,
    manager: Actor<'_>,
    organisation_id: i32,
    input: &VacancyInput,
) -> Outcome<vacancy::Model, DraftRefusal> {
    if !crate::services::organisations::takes_new_vacancies(txn, organisation_id).await? {
        return Ok(Err(DraftRefusal::OrganisationClosed));
    }
    let created = vacancies::create(txn, organisation_id, manager.id, input).await?;
    Ok(Ok(created))
}

/// A hiring manager replaces the details and criteria of a draft of their organisation,
/// judged on its row locked here.
pub async fn update_draft(
    txn: &DatabaseTransaction,
    _manager: Actor<'_>,
    organisation_id: i32,
    vacancy_id: i32,
    input: &VacancyInput,
) -> Outcome<(), DraftRefusal> {
    let Some(draft) = vacancies::find_for_update(txn, vacancy_id)
        .await?
        .filter(|v| v.organisation_id == organisation_id)
    else {
        return Ok(Err(DraftRefusal::NotFound));
    };
    if draft.status != VacancyStatus::Draft {
        return Ok(Err(DraftRefusal::NotDraft));
    }
    vacancies::update(txn, vacancy_id, input).await?;
    Ok(Ok(()))
}

/// Why a vacancy was not published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublishRefusal {
    /// No such vacancy in the manager's organisation.
    NotFound,
    /// It is already published or closed.
    NotDraft,
    /// Its closing date has passed.
    ClosingDatePassed,
    /// It breaks a rule the form enforces (a draft saved before the rule existed): each field
    /// and what to change.
    Incomplete(Vec<FieldError>),
}

/// Publishes a draft of the manager's organisation, after checking it again as it is stored:
/// open until a future date, accepting every kind of referee when it must (DOMAIN.md §6), and
/// stating its entry requirements when it is an apprenticeship. Publishing is audited.
pub async fn publish(
    txn: &DatabaseTransaction,
    actor: Actor<'_>,
    organisation_id: i32,
    vacancy_id: i32,
    now: OffsetDateTime,
) -> Result<Result<vacancy::Model, PublishRefusal>, DbErr> {
    let Some(draft) = vacancies::find(txn, vacancy_id)
        .await?
        .filter(|v| v.organisation_id == organisation_id)
    else {
        return Ok(Err(PublishRefusal::NotFound));
    };
    if draft.status != VacancyStatus::Draft {
        return Ok(Err(PublishRefusal::NotDraft));
    }
    if draft.closes_at <= now {
        return Ok(Err(PublishRefusal::ClosingDatePassed));
    }
    let references = vacancies::references_of(&draft)?;
    let problems = publish_problems(PublishCheck {
        kind: draft.kind,
        ring_fenced: draft.ring_fenced,
        in_programme: draft.programme_id.is_some(),
        references: &references,
        entry_requirements: &draft.entry_requirements,
    });
    if !problems.is_empty() {
        return Ok(Err(PublishRefusal::Incomplete(problems)));
    }
    // The update only touches a draft, so two presses publish once.
    if !vacancies::publish(txn, vacancy_id).await? {
        return Ok(Err(PublishRefusal::NotDraft));
    }
    audit::record(
        txn,
        Some(actor.id),
        AuditAction::VacancyPublished,
        &AuditSubject::Vacancy(vacancy_id),
        json!({
            "organisation_id": organisation_id,
            "ring_fenced": draft.ring_fenced,
            "programme_id": draft.programme_id,
            "kind": draft.kind.as_str(),
            "positions": draft.positions,
            "closes_at": london_time::describe(draft.closes_at),
        }),
    )
    .await?;
    Ok(Ok(draft))
}

/// The stored vacancy as the manager's parsed form would give it, to compare a change with.
fn as_input(
    v: &vacancy::Model,
    criteria: &[vacancy_criterion::Model],
) -> Result<VacancyInput, DbErr> {
    Ok(VacancyInput {
        title: v.title.clone(),
        programme_id: v.programme_id,
        kind: v.kind,
        band: v.band.clone(),
        working_pattern: v.working_pattern.clone(),
        salary: v.salary.clone(),
        location: v.location.clone(),
        positions: v.positions,
        closes_at: v.closes_at,
        ring_fenced: v.ring_fenced,
        summary: v.summary.clone(),
        description: v.description.clone(),
        entry_requirements: v.entry_requirements.clone(),
        criteria: criteria
            .iter()
            .map(|c| CriterionInput {
                essential: c.essential,
                text: c.text.clone(),
            })
            .collect(),
        reference_options: vacancies::references_of(v)?,
        contact_name: v.contact_name.clone(),
        contact_role: v.contact_role.clone(),
        contact_email: v.contact_email.clone(),
        contact_phone: v.contact_phone.clone(),
    })
}

/// Locks a vacancy of the manager's organisation for the rest of the transaction.
async fn lock_own(
    txn: &DatabaseTransaction,
    organisation_id: i32,
    vacancy_id: i32,
) -> Result<Option<vacancy::Model>, DbErr> {
    Ok(vacancies::find_for_update(txn, vacancy_id)
        .await?
        .filter(|v| v.organisation_id == organisation_id))
}

/// Whether the vacancy takes applications at `now`.
fn takes_applications(v: &vacancy::Model, now: OffsetDateTime) -> bool {
    let status = v.status;
    is_open(status, v.closes_at, now)
}

/// Who an early close, a new closing date or a reopening concerns, counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Affected {
    /// People with an unfinished application (a draft).
    pub unfinished: i64,
    /// Applications sent and not withdrawn.
    pub sent: i64,
}

/// Counts the people a change to the vacancy's closing concerns. It names nobody.
pub async fn affected(db: &impl ConnectionTrait, vacancy_id: i32) -> Result<Affected, DbErr> {
    let mut affected = Affected::default();
    for (stage, n) in vacancies::applications_by_stage(db, vacancy_id).await? {
        match stage {
            Stage::Draft => affected.unfinished += n,
            Stage::Withdrawn => {}
            _ => affected.sent += n,
        }
    }
    Ok(affected)
}

/// Queues the email telling each person who has started an application (unfinished or sent,
/// not yet shortlisted) the vacancy's new closing date. Returns how many were told.
async fn tell_started(
    txn: &DatabaseTransaction,
    config: &Config,
    v: &vacancy::Model,
    reopened: bool,
) -> anyhow::Result<usize> {
    let organisation = organisations::find(txn, v.organisation_id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let started = vacancies::started_applications(txn, v.id).await?;
    for (application, applicant) in &started {
        let email = ClosingDateChanged {
            name: applicant.full_name.clone(),
            title: v.title.clone(),
            organisation: organisation.clone(),
            closes: london_time::describe(v.closes_at),
            reopened,
            sent: application.stage != Stage::Draft,
            contact: format!(
                "{}, {}, at {} or on {}",
                v.contact_name, v.contact_role, v.contact_email, v.contact_phone
            ),
            link: config.link(&format!("/applications/{}", application.id)),
        }
        .to_email(&applicant.email)?;
        outbox::enqueue(txn, &email).await?;
    }
    Ok(started.len())
}

/// Why a published vacancy was not changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeRefusal {
    /// No such vacancy in the manager's organisation.
    NotFound,
    /// It is a draft (changed freely elsewhere), or no longer takes applications.
    NotOpen,
    /// The change alters what applicants applied against: each field and why.
    Refused(Vec<FieldError>),
}

/// A published vacancy changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changed {
    /// What changed (nothing, if the form was sent as it was).
    pub change: PublishedChange,
    /// How many people with an application were emailed the new closing date.
    pub told: usize,
}

/// Changes a published vacancy that still takes applications, as far as the rule allows
/// (`domain::vacancy::published_change`), judged on the row locked in this transaction. The
/// change is audited with the fields that changed; a later closing date is emailed to
/// everyone who has started an application.
pub async fn change_published(
    txn: &DatabaseTransaction,
    config: &Config,
    actor: Actor<'_>,
    organisation_id: i32,
    vacancy_id: i32,
    input: &VacancyInput,
    now: OffsetDateTime,
) -> Outcome<Changed, ChangeRefusal> {
    let Some(stored) = lock_own(txn, organisation_id, vacancy_id).await? else {
        return Ok(Err(ChangeRefusal::NotFound));
    };
    if !takes_applications(&stored, now) {
        return Ok(Err(ChangeRefusal::NotOpen));
    }
    let criteria = vacancies::criteria_of(txn, vacancy_id).await?;
    let change = match published_change(&as_input(&stored, &criteria)?, input) {
        Ok(change) => change,
        Err(errors) => return Ok(Err(ChangeRefusal::Refused(errors))),
    };
    if change.fields.is_empty() {
        return Ok(Ok(Changed { change, told: 0 }));
    }
    let input = VacancyInput {
        closes_at: change.closes_at,
        ..input.clone()
    };
    vacancies::update_published(txn, vacancy_id, &input).await?;
    let mut details = json!({
        "fields": change.fields.iter().map(|(_, words)| *words).collect::<Vec<_>>(),
    });
    if change.closing_date_moved {
        details["closes_at"] = json!({
            "old": london_time::describe(stored.closes_at),
            "new": london_time::describe(input.closes_at),
        });
    }
    let told = if change.closing_date_moved {
        let changed = vacancies::find(txn, vacancy_id)
            .await?
            .ok_or_else(|| DbErr::RecordNotFound(format!("vacancy {vacancy_id}")))?;
        tell_started(txn, config, &changed, false).await?
    } else {
        0
    };
    details["applicants_told"] = json!(told);
    audit::record(
        txn,
        Some(actor.id),
        AuditAction::VacancyChanged,
        &AuditSubject::Vacancy(vacancy_id),
        details,
    )
    .await?;
    Ok(Ok(Changed { change, told }))
}

/// Why a vacancy was not closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseRefusal {
    /// No such vacancy in the manager's organisation.
    NotFound,
    /// It is a draft.
    Draft,
    /// It had already closed (early, or at its closing date): nothing to do.
    AlreadyClosed,
}

/// Closes a vacancy that takes applications, at once, and audits it with how many people it
/// affected. Nobody is emailed: a vacancy closed by mistake can be reopened.
pub async fn close(
    txn: &DatabaseTransaction,
    actor: Actor<'_>,
    organisation_id: i32,
    vacancy_id: i32,
    now: OffsetDateTime,
) -> Outcome<(vacancy::Model, Affected), CloseRefusal> {
    let Some(stored) = lock_own(txn, organisation_id, vacancy_id).await? else {
        return Ok(Err(CloseRefusal::NotFound));
    };
    if stored.status == VacancyStatus::Draft {
        return Ok(Err(CloseRefusal::Draft));
    }
    if !takes_applications(&stored, now) || !vacancies::close(txn, vacancy_id).await? {
        return Ok(Err(CloseRefusal::AlreadyClosed));
    }
    let affected = affected(txn, vacancy_id).await?;
    audit::record(
        txn,
        Some(actor.id),
        AuditAction::VacancyClosed,
        &AuditSubject::Vacancy(vacancy_id),
        json!({
            "was_to_close": london_time::describe(stored.closes_at),
            "unfinished_applications": affected.unfinished,
            "sent_applications": affected.sent,
        }),
    )
    .await?;
    Ok(Ok((stored, affected)))
}

/// Why a vacancy was not reopened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReopenFailure {
    /// No such vacancy in the manager's organisation.
    NotFound,
    /// The rule refuses it.
    Rule(ReopenRefusal),
}

/// A vacancy reopened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reopened {
    /// The vacancy, as reopened.
    pub vacancy: vacancy::Model,
    /// How many people with an application were emailed the new closing date.
    pub told: usize,
}

/// Reopens a vacancy that no longer takes applications until `closes_at`, before shortlisting
/// starts (`domain::vacancy::check_reopen`). Shortlisting is locked first, so a decision made
/// at the same moment is judged before or after, never beside. Audited; everyone who has
/// started an application is emailed the new closing date.
pub async fn reopen(
    txn: &DatabaseTransaction,
    config: &Config,
    actor: Actor<'_>,
    organisation_id: i32,
    vacancy_id: i32,
    closes_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Outcome<Reopened, ReopenFailure> {
    if vacancies::find(txn, vacancy_id)
        .await?
        .is_none_or(|v| v.organisation_id != organisation_id)
    {
        return Ok(Err(ReopenFailure::NotFound));
    }
    shortlisting::lock(txn, vacancy_id).await?;
    let Some(stored) = lock_own(txn, organisation_id, vacancy_id).await? else {
        return Ok(Err(ReopenFailure::NotFound));
    };
    let status = stored.status;
    let started = shortlisting::started(txn, vacancy_id).await?;
    if let Err(refusal) = check_reopen(status, stored.closes_at, started, closes_at, now) {
        return Ok(Err(ReopenFailure::Rule(refusal)));
    }
    if !vacancies::reopen(txn, vacancy_id, closes_at).await? {
        return Ok(Err(ReopenFailure::Rule(ReopenRefusal::NotClosed)));
    }
    let reopened = vacancies::find(txn, vacancy_id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("vacancy {vacancy_id}")))?;
    let told = tell_started(txn, config, &reopened, true).await?;
    audit::record(
        txn,
        Some(actor.id),
        AuditAction::VacancyReopened,
        &AuditSubject::Vacancy(vacancy_id),
        json!({
            "was": stored.status.as_str(),
            "closed_at": london_time::describe(stored.closes_at),
            "closes_at": london_time::describe(closes_at),
            "applicants_told": told,
        }),
    )
    .await?;
    Ok(Ok(Reopened {
        vacancy: reopened,
        told,
    }))
}
