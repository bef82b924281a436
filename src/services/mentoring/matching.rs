//! The coordinator's matching: running the optimal matcher, pinning and forbidding pairs, and
//! confirming a run, which starts every relationship, emails introductions to both sides and
//! tells each student left over (once) that they are on the waiting list, in one transaction.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr};
use serde_json::json;

use super::{NotFound, queue};
use crate::config::Config;
use crate::db::audit::{self, AuditAction};
use crate::db::mentoring::matching::{self, Pool, Proposal, StoredPair, lock_relationships};
use crate::db::mentoring::registry as reg;
use crate::db::mentoring::{self as mentoring_db, Settings, mentee_profile, mentor_profile};
use crate::domain::audit_subject::AuditSubject;
use crate::entities::{match_run, mentee, mentor};
use crate::mail::templates::MentoringNotice;
use crate::services::{Actor, Outcome};

/// What a run proposed, in numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ran {
    /// Students matched.
    pub matched: usize,
    /// Students waiting when it ran.
    pub waiting: usize,
}

/// The coordinator runs the matcher over everyone waiting and every free place, with the
/// current settings, pins and exclusions; the proposal is stored for review.
pub async fn run(txn: &DatabaseTransaction, coordinator: Actor<'_>) -> anyhow::Result<Ran> {
    let settings = mentoring_db::settings(txn).await?;
    let pool = matching::pool(txn).await?;
    let proposal = Proposal::from(&pool.plan(settings));
    matching::store_run(txn, settings, &proposal, coordinator.id).await?;
    Ok(Ran {
        matched: proposal.pairs.len(),
        waiting: pool.waiting.len(),
    })
}

/// Why a pair could not be pinned, in words for the coordinator. Nothing was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PinRefusal(pub String);

/// The coordinator pins a student to a mentor, for the next runs to keep, if the pair could be
/// matched now; it is audited.
pub async fn pin(
    txn: &DatabaseTransaction,
    coordinator: Actor<'_>,
    mentor_id: i32,
    mentee_id: i32,
) -> Outcome<(), PinRefusal> {
    let pool = matching::pool(txn).await?;
    if let Some(why) = pool.refuse_pair(mentor_id, mentee_id) {
        return Ok(Err(PinRefusal(why)));
    }
    matching::pin(txn, mentor_id, mentee_id, coordinator.id).await?;
    audit::record(
        txn,
        Some(coordinator.id),
        AuditAction::MentoringExclusionChanged,
        &AuditSubject::Mentee(mentee_id),
        json!({ "mentor_id": mentor_id, "pinned": true }),
    )
    .await?;
    Ok(Ok(()))
}

/// The coordinator removes a student's pin; it is audited.
pub async fn unpin(
    txn: &DatabaseTransaction,
    coordinator: Actor<'_>,
    mentee_id: i32,
) -> Outcome<(), NotFound> {
    if !matching::unpin(txn, mentee_id).await? {
        return Ok(Err(NotFound));
    }
    audit::record(
        txn,
        Some(coordinator.id),
        AuditAction::MentoringExclusionChanged,
        &AuditSubject::Mentee(mentee_id),
        json!({ "pinned": false }),
    )
    .await?;
    Ok(Ok(()))
}

/// A pair forbidden, by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forbidden {
    /// The mentor's name.
    pub mentor: String,
    /// The student's name.
    pub mentee: String,
}

/// The coordinator forbids a pair while reviewing a run: they are never matched. A new
/// exclusion is audited; one already there is kept as it is.
pub async fn forbid(
    txn: &DatabaseTransaction,
    coordinator: Actor<'_>,
    mentor_id: i32,
    mentee_id: i32,
) -> Outcome<Forbidden, NotFound> {
    let (Some(mentor), Some(mentee)) = (
        reg::find_mentor(txn, mentor_id).await?,
        reg::find_mentee(txn, mentee_id).await?,
    ) else {
        return Ok(Err(NotFound));
    };
    let added = matching::forbid(
        txn,
        mentor_id,
        mentee_id,
        "Forbidden by the coordinator when reviewing matches",
        coordinator.id,
    )
    .await?;
    if added {
        audit::record(
            txn,
            Some(coordinator.id),
            AuditAction::MentoringExclusionChanged,
            &AuditSubject::Mentee(mentee_id),
            json!({ "mentor_id": mentor_id, "excluded": true, "source": "coordinator" }),
        )
        .await?;
    }
    Ok(Ok(Forbidden {
        mentor: mentor.full_name,
        mentee: mentee.full_name,
    }))
}

/// Whether a run would come out differently now: the matcher is deterministic, so any change
/// to pins, exclusions, weights, students or mentors since shows as a different proposal.
pub fn is_out_of_date(
    run: &match_run::Model,
    pool: &Pool,
    settings: Settings,
) -> Result<bool, DbErr> {
    Ok(Proposal::from(&pool.plan(settings)) != matching::proposal_of(run)?)
}

/// The number of pairs of the newest run, if it is unconfirmed and still up to date: a
/// proposal waiting for the coordinator to confirm.
pub async fn proposal_to_confirm(
    db: &impl ConnectionTrait,
    pool: &Pool,
) -> anyhow::Result<Option<usize>> {
    let Some(run) = matching::latest_run(db).await? else {
        return Ok(None);
    };
    if run.confirmed_at.is_some() {
        return Ok(None);
    }
    let settings = mentoring_db::settings(db).await?;
    let proposal = matching::proposal_of(&run)?;
    let current = !is_out_of_date(&run, pool, settings)?;
    Ok((current && !proposal.pairs.is_empty()).then_some(proposal.pairs.len()))
}

/// Why a run cannot be confirmed now. Nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfirmRefusal {
    /// No such run.
    NotFound,
    /// It is confirmed already: nothing to do.
    Confirmed,
    /// A newer run has replaced it.
    NewerRun,
    /// Something has changed since it ran, so it would come out differently.
    OutOfDate,
    /// It proposed no pairs.
    NoPairs,
    /// A student or a mentor of it is no longer free.
    NoLongerFree,
}

/// Why a pair of a run can no longer be confirmed, if it can't.
fn still_possible(pool: &Pool, pair: &StoredPair, used: &mut HashMap<i32, u32>) -> Option<String> {
    if let Some(why) = pool.refuse_pair(pair.mentor_id, pair.mentee_id) {
        return Some(why);
    }
    let room = pool.room_of(pair.mentor_id).unwrap_or(0);
    let taken = used.entry(pair.mentor_id).or_default();
    *taken += 1;
    (*taken > room).then(|| "The mentor has no places left".to_owned())
}

/// Checks that a run can be confirmed now: the newest, unconfirmed, not out of date, with
/// pairs, each still possible. Returns it with its proposal. To confirm, it is judged again
/// inside the transaction that confirms.
pub async fn check_run(
    db: &impl ConnectionTrait,
    run_id: i32,
) -> Outcome<(match_run::Model, Proposal), ConfirmRefusal> {
    let Some(latest) = matching::latest_run(db).await? else {
        return Ok(Err(ConfirmRefusal::NotFound));
    };
    if latest.id != run_id {
        if matching::find_run(db, run_id).await?.is_none() {
            return Ok(Err(ConfirmRefusal::NotFound));
        }
        return Ok(Err(ConfirmRefusal::NewerRun));
    }
    if latest.confirmed_at.is_some() {
        return Ok(Err(ConfirmRefusal::Confirmed));
    }
    let pool = matching::pool(db).await?;
    let settings = mentoring_db::settings(db).await?;
    if is_out_of_date(&latest, &pool, settings)? {
        return Ok(Err(ConfirmRefusal::OutOfDate));
    }
    let proposal = matching::proposal_of(&latest)?;
    if proposal.pairs.is_empty() {
        return Ok(Err(ConfirmRefusal::NoPairs));
    }
    let mut used = HashMap::new();
    if proposal
        .pairs
        .iter()
        .any(|p| still_possible(&pool, p, &mut used).is_some())
    {
        return Ok(Err(ConfirmRefusal::NoLongerFree));
    }
    Ok(Ok((latest, proposal)))
}

/// What confirming did, in numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Confirmed {
    /// Relationships started.
    pub pairs: usize,
    /// Students left over who were told, for the first time, that they are on the waiting list.
    pub told_waiting: usize,
}

/// The coordinator confirms a run, judged with every other confirmation waiting for this one:
/// every relationship starts, both sides of each get an introduction, the matched students'
/// pins go, each student left over is told once that they are on the waiting list, and it is
/// audited. A second confirmation finds the run confirmed and changes nothing.
pub async fn confirm(
    txn: &DatabaseTransaction,
    config: &Config,
    coordinator: Actor<'_>,
    run_id: i32,
) -> Outcome<Confirmed, ConfirmRefusal> {
    lock_relationships(txn).await?;
    let proposal = match check_run(txn, run_id).await? {
        Ok((_, proposal)) => proposal,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if !matching::mark_confirmed(txn, run_id, coordinator.id).await? {
        return Ok(Err(ConfirmRefusal::NoLongerFree));
    }
    let people = People::load(txn).await?;
    for pair in &proposal.pairs {
        let relationship = matching::start_relationship(txn, pair, run_id).await?;
        let (Some(mentor), Some(mentee)) = (
            people.mentors.get(&pair.mentor_id),
            people.mentees.get(&pair.mentee_id),
        ) else {
            anyhow::bail!("a confirmed pair names a missing mentor or student");
        };
        introduce(txn, config, mentor, mentee, relationship.id).await?;
    }
    let matched: Vec<i32> = proposal.pairs.iter().map(|p| p.mentee_id).collect();
    matching::clear_pins(txn, &matched).await?;
    let left_over: Vec<i32> = proposal.unmatched.iter().map(|u| u.mentee_id).collect();
    let to_tell = matching::mark_waiting_list_told(txn, &left_over).await?;
    for id in &to_tell {
        if let Some(mentee) = people.mentees.get(id) {
            tell_waiting(txn, config, mentee).await?;
        }
    }
    audit::record(
        txn,
        Some(coordinator.id),
        AuditAction::MatchConfirmed,
        &AuditSubject::MatchRun(run_id),
        json!({
            "pairs": proposal.pairs.len(),
            "total_score": proposal.total_score,
            "unmatched": left_over.len(),
            "told_waiting_list": to_tell.len(),
        }),
    )
    .await?;
    Ok(Ok(Confirmed {
        pairs: proposal.pairs.len(),
        told_waiting: to_tell.len(),
    }))
}

/// Every mentor and student, by ID, as read when confirming.
struct People {
    mentors: HashMap<i32, mentor::Model>,
    mentees: HashMap<i32, mentee::Model>,
}

impl People {
    async fn load(txn: &DatabaseTransaction) -> anyhow::Result<People> {
        Ok(People {
            mentors: reg::all_mentors(txn)
                .await?
                .into_iter()
                .map(|m| (m.id, m))
                .collect(),
            mentees: reg::mentees(txn)
                .await?
                .into_iter()
                .map(|m| (m.id, m))
                .collect(),
        })
    }
}

/// Queues the email telling a student left over that they are on the waiting list.
async fn tell_waiting(
    txn: &DatabaseTransaction,
    config: &Config,
    mentee: &mentee::Model,
) -> anyhow::Result<()> {
    let notice = MentoringNotice {
        subject: "You are on the waiting list for a mentor".to_owned(),
        name: mentee.full_name.clone(),
        paragraphs: vec![
            "We have matched mentors and students in the mentoring pilot for care-experienced medical students. We could not match you with a mentor this time.".to_owned(),
            "You are on the waiting list. You do not need to do anything. We match again when a mentor has a free place, and we will email you as soon as you have a mentor.".to_owned(),
            "You can see where you are in SPECTRA:".to_owned(),
        ],
        link: Some(config.link("/mentoring/mine")),
    };
    queue(txn, &notice, &mentee.email).await
}

/// Queues the introductions of a confirmed pair, one to each side.
async fn introduce(
    txn: &DatabaseTransaction,
    config: &Config,
    mentor: &mentor::Model,
    mentee: &mentee::Model,
    relationship_id: i32,
) -> anyhow::Result<()> {
    let link = Some(config.link(&format!("/mentoring/relationships/{relationship_id}")));
    let student = mentee_profile(mentee);
    let clinician = mentor_profile(mentor);
    let common = clinician.availability.overlap(student.availability);
    let to_mentor = MentoringNotice {
        subject: format!("Your new mentee: {}", mentee.full_name),
        name: mentor.full_name.clone(),
        paragraphs: vec![
            format!(
                "Thank you for mentoring in the pilot for care-experienced medical students. You have been matched with {}.",
                mentee.full_name
            ),
            format!(
                "{} is in year {} at {}, interested in {}. They can meet {}, and are free: {}.",
                mentee.full_name,
                mentee.year_of_study,
                mentee.university,
                if student.specialty_interests.is_empty() {
                    "several specialties".to_owned()
                } else {
                    student.specialty_interests.join(", ")
                },
                student.modes.describe(),
                student.availability.describe()
            ),
            format!(
                "Please get in touch to arrange your first meeting: {}. {}",
                mentee.email,
                match common {
                    0 =>
                        "You have no free times in common yet, so agree a time that suits you both."
                            .to_owned(),
                    1 => "You have 1 free time a week in common.".to_owned(),
                    n => format!("You have {n} free times a week in common."),
                }
            ),
            "You can log your meetings, and see your mentee's details, in SPECTRA:".to_owned(),
        ],
        link: link.clone(),
    };
    let to_mentee = MentoringNotice {
        subject: format!("Meet your mentor: {}", mentor.full_name),
        name: mentee.full_name.clone(),
        paragraphs: vec![
            format!(
                "You have been matched with a mentor in the pilot for care-experienced medical students: {}.",
                mentor.full_name
            ),
            format!(
                "{} is a {} in {} at {}. They can meet {}.",
                mentor.full_name,
                mentor.grade,
                mentor.specialty,
                mentor.organisation,
                clinician.modes.describe()
            ),
            format!(
                "Your mentor will get in touch to arrange your first meeting. You can also write to them: {}.",
                mentor.email
            ),
            "If anything about the match worries you, you can ask the coordinator to end it at any time. You can log your meetings in SPECTRA:".to_owned(),
        ],
        link,
    };
    queue(txn, &to_mentor, &mentor.email).await?;
    queue(txn, &to_mentee, &mentee.email).await
}
