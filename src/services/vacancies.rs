//! Vacancy workflows that need more than one query.

use sea_orm::{DatabaseTransaction, DbErr};
use time::OffsetDateTime;

use crate::db::vacancies;
use crate::domain::vacancy::{
    FieldError, PublishCheck, VacancyKind, VacancyStatus, publish_problems, stored_references,
};
use crate::entities::vacancy;

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
/// stating its entry requirements when it is an apprenticeship.
pub async fn publish(
    txn: &DatabaseTransaction,
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
    if draft.status != VacancyStatus::Draft.as_str() {
        return Ok(Err(PublishRefusal::NotDraft));
    }
    if draft.closes_at <= now {
        return Ok(Err(PublishRefusal::ClosingDatePassed));
    }
    let references = stored_references(&draft.reference_options);
    let problems = publish_problems(PublishCheck {
        kind: VacancyKind::parse(&draft.kind).unwrap_or(VacancyKind::Job),
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
    Ok(Ok(draft))
}
