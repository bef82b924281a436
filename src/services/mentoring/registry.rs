//! The coordinator's decisions on students: approving a sign-up under the cap, declining one,
//! the pairs never to be matched, and the pilot's settings.

use sea_orm::DatabaseTransaction;
use serde_json::json;

use super::{NotFound, grant};
use crate::config::Config;
use crate::db::audit::{self, AuditAction};
use crate::db::mentoring::registry as reg;
use crate::db::mentoring::{self, Settings, approved_count, lock_mentees, status_of};
use crate::db::outbox;
use crate::domain::Role;
use crate::domain::audit_subject::{AuditSubject, MentoringSheet};
use crate::domain::mentoring::input::{SettingsForm, SettingsInput};
use crate::domain::mentoring::pilot::{ExclusionSource, MenteeStatus, within_cap};
use crate::domain::mentoring::scoring::Criterion;
use crate::domain::vacancy::FieldError;
use crate::entities::mentee;
use crate::mail::templates::{EmailContent, MentoringNotice};
use crate::services::{Actor, Outcome};

/// Why a student was not approved. Nothing was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApproveRefusal {
    /// No such student.
    NotFound,
    /// They left the pilot: they must sign up again. Their name is given.
    Left(String),
    /// They were approved already. Their name is given.
    AlreadyApproved(String),
    /// Every place under the cap is taken.
    CapReached(u32),
}

/// The coordinator approves a student: judged under the cap with every approval and import
/// waiting for this one, the student is given the mentee role if they have an account, and it
/// is audited and the student emailed. Returns the student as approved.
pub async fn approve(
    txn: &DatabaseTransaction,
    config: &Config,
    coordinator: Actor<'_>,
    mentee_id: i32,
) -> Outcome<mentee::Model, ApproveRefusal> {
    lock_mentees(txn).await?;
    let Some(mentee) = reg::find_mentee(txn, mentee_id).await? else {
        return Ok(Err(ApproveRefusal::NotFound));
    };
    let before = status_of(&mentee);
    match before {
        MenteeStatus::Left => return Ok(Err(ApproveRefusal::Left(mentee.full_name))),
        MenteeStatus::Approved => {
            return Ok(Err(ApproveRefusal::AlreadyApproved(mentee.full_name)));
        }
        MenteeStatus::Pending | MenteeStatus::Declined => {}
    }
    let cap = mentoring::settings(txn).await?.cap;
    if !within_cap(approved_count(txn).await?, 1, cap) {
        return Ok(Err(ApproveRefusal::CapReached(cap)));
    }
    let mentee = reg::decide(txn, mentee, MenteeStatus::Approved, coordinator.id).await?;
    let role_granted = match mentee.user_id {
        Some(user_id) => grant(txn, coordinator, user_id, Role::Mentee).await?,
        None => false,
    };
    audit::record(
        txn,
        Some(coordinator.id),
        AuditAction::MenteeApproved,
        &AuditSubject::Mentee(mentee_id),
        json!({ "before": before.as_str(), "after": "approved", "mentee_role_granted": role_granted }),
    )
    .await?;
    let notice = MentoringNotice {
        subject: "You have a place in the mentoring pilot".into(),
        name: mentee.full_name.clone(),
        paragraphs: vec![
            "The coordinator has approved your sign-up for the mentoring pilot.".into(),
            "We will email you again when we have matched you with a mentor.".into(),
        ],
        link: Some(config.link("/mentoring")),
    };
    outbox::enqueue(txn, &notice.to_email(&mentee.email)?).await?;
    Ok(Ok(mentee))
}

/// Why a sign-up was not declined. Nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeclineRefusal {
    /// No such student.
    NotFound,
    /// Only a sign-up waiting for approval can be declined.
    NotPending,
}

/// The coordinator declines a sign-up waiting for approval, with an optional reason (already
/// checked for length) that is emailed to the student but never audited. Judged with every
/// approval waiting for this one. Returns the student as declined.
pub async fn decline(
    txn: &DatabaseTransaction,
    coordinator: Actor<'_>,
    mentee_id: i32,
    reason: &str,
) -> Outcome<mentee::Model, DeclineRefusal> {
    lock_mentees(txn).await?;
    let Some(mentee) = reg::find_mentee(txn, mentee_id).await? else {
        return Ok(Err(DeclineRefusal::NotFound));
    };
    if status_of(&mentee) != MenteeStatus::Pending {
        return Ok(Err(DeclineRefusal::NotPending));
    }
    let mentee = reg::decide(txn, mentee, MenteeStatus::Declined, coordinator.id).await?;
    audit::record(
        txn,
        Some(coordinator.id),
        AuditAction::MenteeDeclined,
        &AuditSubject::Mentee(mentee_id),
        // The reason is free text about the student: the log says only that one was given.
        json!({ "reason_given": !reason.trim().is_empty() }),
    )
    .await?;
    let mut paragraphs =
        vec!["Thank you for signing up. The coordinator could not offer you a place in the mentoring pilot this time.".to_owned()];
    if !reason.is_empty() {
        paragraphs.push(format!("The coordinator said: {reason}"));
    }
    paragraphs.push(format!(
        "If you have questions, write to the coordinator, {}: {}",
        coordinator.name, coordinator.email
    ));
    let notice = MentoringNotice {
        subject: "Your sign-up for the mentoring pilot".into(),
        name: mentee.full_name.clone(),
        paragraphs,
        link: None,
    };
    outbox::enqueue(txn, &notice.to_email(&mentee.email)?).await?;
    Ok(Ok(mentee))
}

/// The coordinator has reviewed a student's declared conflicts, so they can be matched again.
pub async fn mark_conflicts_reviewed(
    txn: &DatabaseTransaction,
    coordinator: Actor<'_>,
    mentee_id: i32,
) -> Outcome<(), NotFound> {
    if !reg::mark_conflicts_reviewed(txn, mentee_id).await? {
        return Ok(Err(NotFound));
    }
    audit::record(
        txn,
        Some(coordinator.id),
        AuditAction::MentoringExclusionChanged,
        &AuditSubject::Mentee(mentee_id),
        json!({ "conflicts_reviewed": true }),
    )
    .await?;
    Ok(Ok(()))
}

/// A pair never to be matched, as the coordinator chose it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExclusionInput<'a> {
    /// The mentor chosen, if one was.
    pub mentor_id: Option<i32>,
    /// Why, trimmed.
    pub reason: &'a str,
    /// Where it comes from: a declared conflict or the coordinator's decision.
    pub source: &'a str,
}

/// Why a pair was not excluded. Nothing was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExclusionRefusal {
    /// No such student.
    NotFound,
    /// What is wrong with the form, by field.
    Invalid(Vec<FieldError>),
}

/// Who will never be matched, by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excluded {
    /// The student's name.
    pub mentee: String,
    /// The mentor's name.
    pub mentor: String,
}

/// The coordinator records that a student and a mentor must never be matched, and it is
/// audited (whether a reason was given, not the reason).
pub async fn add_exclusion(
    txn: &DatabaseTransaction,
    coordinator: Actor<'_>,
    mentee_id: i32,
    input: ExclusionInput<'_>,
) -> Outcome<Excluded, ExclusionRefusal> {
    let Some(mentee) = reg::find_mentee(txn, mentee_id).await? else {
        return Ok(Err(ExclusionRefusal::NotFound));
    };
    let mut errors: Vec<FieldError> = Vec::new();
    let mentor = match input.mentor_id {
        Some(mentor_id) => reg::find_mentor(txn, mentor_id).await?,
        None => None,
    };
    if mentor.is_none() {
        errors.push(("mentor", "Choose a mentor".into()));
    }
    if input.reason.is_empty() {
        errors.push(("reason", "Enter why they must not be matched".into()));
    } else if input.reason.chars().count() > 500 {
        errors.push((
            "reason",
            "The reason must be 500 characters or fewer".into(),
        ));
    }
    let source = ExclusionSource::chosen(input.source);
    if source.is_none() {
        errors.push(("source", "Choose where this comes from".into()));
    }
    if let Some(m) = &mentor
        && reg::exclusion_of_pair(txn, m.id, mentee.id)
            .await?
            .is_some()
    {
        errors.push((
            "mentor",
            format!("{} is already excluded for this student", m.full_name),
        ));
    }
    let (Some(mentor), Some(source)) = (mentor.filter(|_| errors.is_empty()), source) else {
        return Ok(Err(ExclusionRefusal::Invalid(errors)));
    };
    let stored = reg::add_exclusion(
        txn,
        mentor.id,
        mentee.id,
        input.reason,
        source,
        coordinator.id,
    )
    .await?;
    audit::record(
        txn,
        Some(coordinator.id),
        AuditAction::MentoringExclusionChanged,
        &AuditSubject::Mentee(mentee_id),
        json!({ "added": stored.id, "mentor_id": mentor.id, "source": source.as_str(), "reason_given": !input.reason.trim().is_empty() }),
    )
    .await?;
    Ok(Ok(Excluded {
        mentee: mentee.full_name,
        mentor: mentor.full_name,
    }))
}

/// The coordinator removes one of a student's exclusions, and it is audited.
pub async fn remove_exclusion(
    txn: &DatabaseTransaction,
    coordinator: Actor<'_>,
    mentee_id: i32,
    exclusion_id: i32,
) -> Outcome<(), NotFound> {
    let Some(removed) = reg::delete_exclusion(txn, mentee_id, exclusion_id).await? else {
        return Ok(Err(NotFound));
    };
    audit::record(
        txn,
        Some(coordinator.id),
        AuditAction::MentoringExclusionChanged,
        &AuditSubject::Mentee(mentee_id),
        json!({ "removed": removed.id, "mentor_id": removed.mentor_id, "source": removed.source.as_str(), "reason_given": !removed.reason.trim().is_empty() }),
    )
    .await?;
    Ok(Ok(()))
}

/// Why the settings were not saved. Nothing was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsRefusal {
    /// What is wrong, by field.
    pub errors: Vec<(String, String)>,
    /// How many students are approved, which the cap cannot go below.
    pub approved: u64,
}

/// The coordinator saves the cap and the weights. The cap is judged against the students
/// approved, with every approval and import waiting for this one; the change is audited.
pub async fn save_settings(
    txn: &DatabaseTransaction,
    coordinator: Actor<'_>,
    form: &SettingsForm,
) -> Outcome<(), SettingsRefusal> {
    lock_mentees(txn).await?;
    let approved = approved_count(txn).await?;
    let input = match SettingsInput::parse(form, approved) {
        Ok(input) => input,
        Err(errors) => return Ok(Err(SettingsRefusal { errors, approved })),
    };
    let before = mentoring::settings(txn).await?;
    let after = Settings {
        cap: input.cap,
        weights: input.weights,
    };
    mentoring::save_settings(txn, after, coordinator.id).await?;
    audit::record(
        txn,
        Some(coordinator.id),
        AuditAction::MentoringSettingsChanged,
        &AuditSubject::Mentoring(MentoringSheet::Settings),
        json!({ "before": settings_json(before), "after": settings_json(after) }),
    )
    .await?;
    Ok(Ok(()))
}

fn settings_json(s: Settings) -> serde_json::Value {
    let weights: serde_json::Map<String, serde_json::Value> = Criterion::ALL
        .into_iter()
        .map(|c| (c.key().to_owned(), json!(s.weights.of(c))))
        .collect();
    json!({ "cap": s.cap, "weights": weights })
}

/// A mentoring record the coordinator looked at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewed {
    /// A mentor's page.
    Mentor(i32),
    /// A student's page.
    Mentee(i32),
}

/// Records that the coordinator looked at a person's record: reading personal data is
/// audited, though nothing changes.
pub async fn record_viewed(
    txn: &DatabaseTransaction,
    coordinator: Actor<'_>,
    viewed: Viewed,
) -> anyhow::Result<()> {
    let subject = match viewed {
        Viewed::Mentor(id) => AuditSubject::Mentor(id),
        Viewed::Mentee(id) => AuditSubject::Mentee(id),
    };
    audit::record(
        txn,
        Some(coordinator.id),
        AuditAction::MentoringRecordViewed,
        &subject,
        json!({}),
    )
    .await?;
    Ok(())
}
