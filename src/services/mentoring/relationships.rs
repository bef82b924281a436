//! Mentoring once a pair is confirmed (DOMAIN.md §8: "relationships are tracked: meetings
//! logged, ended, rematched"): either side logs a meeting or asks to end, and the coordinator
//! ends a relationship.
//!
//! That the acting mentor or student is in the relationship is checked where the handler loads
//! it; these workflows judge what can change on the relationship's row, locked.

use sea_orm::DatabaseTransaction;

use super::queue;
use crate::config::Config;
use crate::db::audit::{self, AuditAction};
use crate::db::mentoring::relationships::{self as rels, NewMeeting};
use crate::domain::audit_subject::AuditSubject;
use crate::domain::mentoring::meetings::MeetingInput;
use crate::entities::{mentee, mentor, mentoring_relationship};
use crate::mail::templates::MentoringNotice;
use crate::services::{Actor, Outcome};

/// Which side of a relationship someone is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The mentor.
    Mentor,
    /// The student.
    Mentee,
}

/// A relationship with both people in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    /// The relationship.
    pub relationship: mentoring_relationship::Model,
    /// Its mentor.
    pub mentor: mentor::Model,
    /// Its student.
    pub mentee: mentee::Model,
}

/// The relationship `id` with both people, its row locked for the rest of the transaction.
async fn lock_pair(txn: &DatabaseTransaction, id: i32) -> anyhow::Result<Option<Pair>> {
    let Some(relationship) = rels::find_for_update(txn, id).await? else {
        return Ok(None);
    };
    let mentor = rels::mentors_by_id(txn, &[relationship.mentor_id])
        .await?
        .remove(&relationship.mentor_id);
    let mentee = rels::mentees_by_id(txn, &[relationship.mentee_id])
        .await?
        .remove(&relationship.mentee_id);
    Ok(mentor.zip(mentee).map(|(mentor, mentee)| Pair {
        relationship,
        mentor,
        mentee,
    }))
}

/// The relationship has ended. Nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ended;

/// Either side logs a meeting of their relationship, while it has not ended. The note is kept
/// for whoever logged it.
pub async fn log_meeting(
    txn: &DatabaseTransaction,
    who: Actor<'_>,
    relationship_id: i32,
    meeting: &MeetingInput,
) -> Outcome<(), Ended> {
    let open = rels::find_for_update(txn, relationship_id)
        .await?
        .is_some_and(|r| r.ended_at.is_none());
    if !open {
        return Ok(Err(Ended));
    }
    rels::log_meeting(
        txn,
        &NewMeeting {
            relationship_id,
            logged_by: who.id,
            met_on: meeting.met_on,
            mode: meeting.mode.as_str(),
            note: &meeting.note,
        },
    )
    .await?;
    Ok(Ok(()))
}

/// Someone has asked to end the relationship already, or it has ended. Nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AlreadyAsked;

/// Either side asks the coordinator to end their mentoring, with their reason (already checked);
/// every coordinator is emailed.
pub async fn request_end(
    txn: &DatabaseTransaction,
    config: &Config,
    who: Actor<'_>,
    side: Side,
    relationship_id: i32,
    reason: &str,
) -> Outcome<(), AlreadyAsked> {
    let Some(pair) = lock_pair(txn, relationship_id).await? else {
        return Ok(Err(AlreadyAsked));
    };
    if !rels::request_end(txn, relationship_id, who.id, reason).await? {
        return Ok(Err(AlreadyAsked));
    }
    let (asker, role) = match side {
        Side::Mentor => (&pair.mentor.full_name, "mentor"),
        Side::Mentee => (&pair.mentee.full_name, "student"),
    };
    for coordinator in rels::coordinators(txn).await? {
        let notice = MentoringNotice {
            subject: "A mentor or student asks to end their mentoring".to_owned(),
            name: coordinator.full_name.clone(),
            paragraphs: vec![
                format!(
                    "{asker}, the {role}, has asked to end the mentoring of {} by {}.",
                    pair.mentee.full_name, pair.mentor.full_name
                ),
                "Sign in to read their reason and to end the mentoring.".to_owned(),
            ],
            link: Some(config.link(&format!(
                "/mentoring/coordinator/relationships/{relationship_id}"
            ))),
        };
        queue(txn, &notice, &coordinator.email).await?;
    }
    Ok(Ok(()))
}

/// Why a relationship was not ended. Nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndRefusal {
    /// No such relationship.
    NotFound,
    /// It had ended already.
    AlreadyEnded,
}

/// The coordinator ends a relationship, with an optional note (already checked; never
/// audited). In one transaction: it is marked ended, which frees the student to be matched
/// again, the pair is excluded from future matching, it is audited, and both are emailed.
/// Returns the pair as it was.
pub async fn end(
    txn: &DatabaseTransaction,
    config: &Config,
    coordinator: Actor<'_>,
    relationship_id: i32,
    note: &str,
) -> Outcome<Pair, EndRefusal> {
    let Some(pair) = lock_pair(txn, relationship_id).await? else {
        return Ok(Err(EndRefusal::NotFound));
    };
    if !rels::end(txn, relationship_id, coordinator.id).await? {
        return Ok(Err(EndRefusal::AlreadyEnded));
    }
    let (mentor, mentee) = (&pair.mentor, &pair.mentee);
    rels::exclude_pair(
        txn,
        mentor.id,
        mentee.id,
        "Their mentoring ended, so they are not matched again.",
        coordinator.id,
    )
    .await?;
    audit::record(
        txn,
        Some(coordinator.id),
        AuditAction::MentoringEnded,
        &AuditSubject::MentoringRelationship(relationship_id),
        serde_json::json!({
            "mentor": mentor.reference,
            "mentee": mentee.reference,
            "end_requested": pair.relationship.end_requested_at.is_some(),
            // The note is free text about the pair: the log says only that one was given.
            "note_given": !note.trim().is_empty(),
        }),
    )
    .await?;
    let link = Some(config.link("/mentoring/mine"));
    let to_mentor = MentoringNotice {
        subject: "Your mentoring has ended".to_owned(),
        name: mentor.full_name.clone(),
        paragraphs: vec![
            format!(
                "Your mentoring of {} has now ended. Thank you for the time you gave.",
                mentee.full_name
            ),
            "You can still see the meetings you logged.".to_owned(),
        ],
        link: link.clone(),
    };
    queue(txn, &to_mentor, &mentor.email).await?;
    let to_mentee = MentoringNotice {
        subject: "Your mentoring has ended".to_owned(),
        name: mentee.full_name.clone(),
        paragraphs: vec![
            format!("Your mentoring with {} has now ended.", mentor.full_name),
            "You are now waiting to be matched with a new mentor. We will email you when you have one.".to_owned(),
        ],
        link,
    };
    queue(txn, &to_mentee, &mentee.email).await?;
    Ok(Ok(pair))
}
