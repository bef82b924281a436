//! Running the matcher, the coordinator's pins and forbidden pairs, and confirming a run.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend,
    DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};

use super::{Settings, mentee_profile, mentor_profile};
use crate::db::now;
use crate::domain::count::stored_count;
use crate::domain::mentoring::alternatives::Alternative;
use crate::domain::mentoring::pilot::{ExclusionSource, MenteeStatus};
use crate::domain::mentoring::plan::{self, Mentee, Mentor, Plan, Rules};
use crate::domain::mentoring::scoring::Part;
use crate::entities::stored::unreadable;
use crate::entities::{
    match_pin, match_run, mentee, mentor, mentoring_exclusion, mentoring_relationship,
};

/// Makes confirmations wait for each other until the end of the transaction, so two cannot
/// fill the same places at once. SQLite already lets one writer at a time through.
pub async fn lock_relationships(txn: &DatabaseTransaction) -> Result<(), DbErr> {
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        txn.execute_unprepared("LOCK TABLE mentoring_relationships IN SHARE ROW EXCLUSIVE MODE")
            .await?;
    }
    Ok(())
}

/// A proposed pair as stored with its run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredPair {
    pub mentor_id: i32,
    pub mentee_id: i32,
    pub score: u32,
    pub pinned: bool,
    pub parts: Vec<StoredPart>,
    /// The student's next-best mentors, and why they were not chosen.
    #[serde(default)]
    pub alternatives: Vec<Alternative<i32>>,
}

/// One criterion of a stored pair's breakdown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredPart {
    pub criterion: String,
    pub points: u32,
    pub out_of: u32,
    pub reason: String,
}

impl From<&Part> for StoredPart {
    fn from(p: &Part) -> Self {
        StoredPart {
            criterion: p.criterion.label().to_owned(),
            points: p.points,
            out_of: p.out_of,
            reason: p.reason.clone(),
        }
    }
}

/// A student the run left unmatched, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredUnmatched {
    pub mentee_id: i32,
    pub reason: String,
    /// The student's best mentors, and why they were not chosen.
    #[serde(default)]
    pub alternatives: Vec<Alternative<i32>>,
}

/// A pin the run could not keep, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredIgnoredPin {
    pub mentor_id: i32,
    pub mentee_id: i32,
    pub reason: String,
}

/// What a run proposed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub pairs: Vec<StoredPair>,
    pub unmatched: Vec<StoredUnmatched>,
    pub ignored_pins: Vec<StoredIgnoredPin>,
    pub total_score: u64,
}

impl From<&Plan<i32>> for Proposal {
    fn from(plan: &Plan<i32>) -> Self {
        Proposal {
            pairs: plan
                .pairs
                .iter()
                .map(|p| StoredPair {
                    mentor_id: p.mentor,
                    mentee_id: p.mentee,
                    score: p.score.total,
                    pinned: p.pinned,
                    parts: p.score.parts.iter().map(StoredPart::from).collect(),
                    alternatives: plan
                        .alternatives
                        .get(&p.mentee)
                        .cloned()
                        .unwrap_or_default(),
                })
                .collect(),
            unmatched: plan
                .unmatched
                .iter()
                .map(|(id, why)| StoredUnmatched {
                    mentee_id: *id,
                    reason: why.describe(),
                    alternatives: plan.alternatives.get(id).cloned().unwrap_or_default(),
                })
                .collect(),
            ignored_pins: plan
                .ignored_pins
                .iter()
                .map(|p| StoredIgnoredPin {
                    mentor_id: p.mentor,
                    mentee_id: p.mentee,
                    reason: p.reason.clone(),
                })
                .collect(),
            total_score: plan.total_score,
        }
    }
}

/// Reads a run's stored proposal. One that cannot be read is an error, never an empty
/// proposal.
pub fn proposal_of(run: &match_run::Model) -> Result<Proposal, DbErr> {
    serde_json::from_str(&run.proposal).map_err(|e| unreadable("Proposal", e))
}

/// Everyone a round is about.
#[derive(Clone, Debug, Default)]
pub struct Pool {
    /// Mentors not archived, with their places left.
    pub mentors: Vec<(mentor::Model, u32)>,
    /// Approved students with no active mentor.
    pub waiting: Vec<mentee::Model>,
    /// Every exclusion, by (mentor, mentee).
    pub exclusions: BTreeMap<(i32, i32), String>,
    /// The pins, by (mentor, mentee).
    pub pins: BTreeSet<(i32, i32)>,
}

impl Pool {
    /// The places a mentor has left.
    pub fn room_of(&self, mentor_id: i32) -> Option<u32> {
        self.mentors
            .iter()
            .find(|(m, _)| m.id == mentor_id)
            .map(|(_, room)| *room)
    }

    /// Plans a round with these weights.
    pub fn plan(&self, settings: Settings) -> Plan<i32> {
        let mentors: Vec<Mentor<i32>> = self
            .mentors
            .iter()
            .map(|(m, room)| Mentor {
                key: m.id,
                profile: mentor_profile(m),
                room: *room,
            })
            .collect();
        let mentees: Vec<Mentee<i32>> = self
            .waiting
            .iter()
            .map(|m| Mentee {
                key: m.id,
                profile: mentee_profile(m),
            })
            .collect();
        plan::plan(
            &mentors,
            &mentees,
            &Rules {
                exclusions: self.exclusions.clone(),
                pins: self.pins.clone(),
                weights: settings.weights,
            },
        )
    }

    /// Why a pair can't be pinned or confirmed, if it can't.
    pub fn refuse_pair(&self, mentor_id: i32, mentee_id: i32) -> Option<String> {
        let Some((mentor, room)) = self.mentors.iter().find(|(m, _)| m.id == mentor_id) else {
            return Some("Choose a mentor from the list".to_owned());
        };
        let Some(mentee) = self.waiting.iter().find(|m| m.id == mentee_id) else {
            return Some("Choose a student who is approved and waiting for a mentor".to_owned());
        };
        if *room == 0 {
            return Some(format!("{} has no places left", mentor.full_name));
        }
        let rules = Rules {
            exclusions: self.exclusions.clone(),
            ..Rules::default()
        };
        plan::allowed(
            &Mentor {
                key: mentor.id,
                profile: mentor_profile(mentor),
                room: *room,
            },
            &Mentee {
                key: mentee.id,
                profile: mentee_profile(mentee),
            },
            &rules,
        )
        .err()
        .map(|why| format!("This pair is not allowed: {}", why.describe()))
    }
}

/// Whether a student has declared conflicts the coordinator has not reviewed since: they are
/// left out of matching until the coordinator has.
pub fn conflicts_unreviewed(m: &mentee::Model) -> bool {
    !m.declared_conflicts.trim().is_empty() && m.conflicts_reviewed_at.is_none()
}

/// Approved students left out of matching until their declared conflicts are reviewed.
pub async fn awaiting_conflict_review(
    db: &impl ConnectionTrait,
) -> Result<Vec<mentee::Model>, DbErr> {
    Ok(mentee::Entity::find()
        .filter(mentee::Column::Status.eq(MenteeStatus::Approved))
        .filter(mentee::Column::ConflictsReviewedAt.is_null())
        .order_by_asc(mentee::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(conflicts_unreviewed)
        .collect())
}

/// Loads everyone a round is about. Run it inside the transaction that uses the answer.
pub async fn pool(db: &impl ConnectionTrait) -> Result<Pool, DbErr> {
    let active = mentoring_relationship::Entity::find()
        .filter(mentoring_relationship::Column::EndedAt.is_null())
        .all(db)
        .await?;
    let mut taken: HashMap<i32, u32> = HashMap::new();
    let mut matched: BTreeSet<i32> = BTreeSet::new();
    for r in &active {
        *taken.entry(r.mentor_id).or_default() += 1;
        matched.insert(r.mentee_id);
    }
    let mentors = mentor::Entity::find()
        .filter(mentor::Column::ArchivedAt.is_null())
        .order_by_asc(mentor::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            let capacity = stored_count(m.capacity)?;
            let room = capacity.saturating_sub(taken.get(&m.id).copied().unwrap_or(0));
            Ok((m, room))
        })
        .collect::<Result<_, DbErr>>()?;
    let waiting = mentee::Entity::find()
        .filter(mentee::Column::Status.eq(MenteeStatus::Approved))
        .order_by_asc(mentee::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|m| !matched.contains(&m.id) && !conflicts_unreviewed(m))
        .collect();
    let exclusions = mentoring_exclusion::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|e| ((e.mentor_id, e.mentee_id), e.reason))
        .collect();
    let pins = match_pin::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.mentor_id, p.mentee_id))
        .collect();
    Ok(Pool {
        mentors,
        waiting,
        exclusions,
        pins,
    })
}

/// Stores a run.
pub async fn store_run(
    db: &impl ConnectionTrait,
    settings: Settings,
    proposal: &Proposal,
    by: i32,
) -> Result<match_run::Model, DbErr> {
    match_run::ActiveModel {
        weights: Set(serde_json::to_string(&settings.weights.0).unwrap_or_default()),
        proposal: Set(serde_json::to_string(proposal).unwrap_or_default()),
        created_by: Set(Some(by)),
        created_at: Set(now()),
        confirmed_at: Set(None),
        confirmed_by: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// A run by its ID.
pub async fn find_run(
    db: &impl ConnectionTrait,
    run_id: i32,
) -> Result<Option<match_run::Model>, DbErr> {
    match_run::Entity::find_by_id(run_id).one(db).await
}

/// The newest run.
pub async fn latest_run(db: &impl ConnectionTrait) -> Result<Option<match_run::Model>, DbErr> {
    match_run::Entity::find()
        .order_by_desc(match_run::Column::Id)
        .one(db)
        .await
}

/// Pins a pair, replacing any other pin of the student.
pub async fn pin(
    db: &impl ConnectionTrait,
    mentor_id: i32,
    mentee_id: i32,
    by: i32,
) -> Result<(), DbErr> {
    match_pin::Entity::delete_many()
        .filter(match_pin::Column::MenteeId.eq(mentee_id))
        .exec(db)
        .await?;
    match_pin::ActiveModel {
        mentor_id: Set(mentor_id),
        mentee_id: Set(mentee_id),
        created_by: Set(Some(by)),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Removes a student's pin. Returns whether there was one.
pub async fn unpin(db: &impl ConnectionTrait, mentee_id: i32) -> Result<bool, DbErr> {
    let done = match_pin::Entity::delete_many()
        .filter(match_pin::Column::MenteeId.eq(mentee_id))
        .exec(db)
        .await?;
    Ok(done.rows_affected > 0)
}

/// Forbids a pair (an exclusion by the coordinator), and drops a pin of it. Returns false if
/// the pair was already excluded.
pub async fn forbid(
    db: &impl ConnectionTrait,
    mentor_id: i32,
    mentee_id: i32,
    reason: &str,
    by: i32,
) -> Result<bool, DbErr> {
    match_pin::Entity::delete_many()
        .filter(match_pin::Column::MentorId.eq(mentor_id))
        .filter(match_pin::Column::MenteeId.eq(mentee_id))
        .exec(db)
        .await?;
    let inserted = mentoring_exclusion::Entity::insert(mentoring_exclusion::ActiveModel {
        mentor_id: Set(mentor_id),
        mentee_id: Set(mentee_id),
        reason: Set(reason.to_owned()),
        source: Set(ExclusionSource::Coordinator),
        created_by: Set(Some(by)),
        created_at: Set(now()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            mentoring_exclusion::Column::MentorId,
            mentoring_exclusion::Column::MenteeId,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted > 0)
}

/// Marks a run confirmed, if it is still unconfirmed. Returns whether this call did it.
pub async fn mark_confirmed(
    db: &impl ConnectionTrait,
    run_id: i32,
    by: i32,
) -> Result<bool, DbErr> {
    let done = match_run::Entity::update_many()
        .col_expr(match_run::Column::ConfirmedAt, Some(now()).into())
        .col_expr(match_run::Column::ConfirmedBy, Some(by).into())
        .filter(match_run::Column::Id.eq(run_id))
        .filter(match_run::Column::ConfirmedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Starts a relationship from a confirmed pair.
pub async fn start_relationship(
    db: &impl ConnectionTrait,
    pair: &StoredPair,
    run_id: i32,
) -> Result<mentoring_relationship::Model, DbErr> {
    mentoring_relationship::ActiveModel {
        mentor_id: Set(pair.mentor_id),
        mentee_id: Set(pair.mentee_id),
        active_mentee_id: Set(Some(pair.mentee_id)),
        run_id: Set(Some(run_id)),
        score: Set(i32::try_from(pair.score).unwrap_or(0)),
        breakdown: Set(serde_json::to_string(&pair.parts).unwrap_or_default()),
        started_at: Set(now()),
        end_requested_at: Set(None),
        end_requested_by: Set(None),
        end_reason: Set(String::new()),
        ended_at: Set(None),
        ended_by: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Removes the pins of students who now have a mentor.
pub async fn clear_pins(db: &impl ConnectionTrait, mentee_ids: &[i32]) -> Result<(), DbErr> {
    if mentee_ids.is_empty() {
        return Ok(());
    }
    match_pin::Entity::delete_many()
        .filter(match_pin::Column::MenteeId.is_in(mentee_ids.iter().copied()))
        .exec(db)
        .await?;
    Ok(())
}

/// Marks students as told they are on the waiting list, each once. Returns those this call
/// marked: the ones to email.
pub async fn mark_waiting_list_told(
    db: &impl ConnectionTrait,
    mentee_ids: &[i32],
) -> Result<Vec<i32>, DbErr> {
    let mut marked = Vec::new();
    for id in mentee_ids {
        let done = mentee::Entity::update_many()
            .col_expr(mentee::Column::WaitingListToldAt, Some(now()).into())
            .filter(mentee::Column::Id.eq(*id))
            .filter(mentee::Column::WaitingListToldAt.is_null())
            .exec(db)
            .await?;
        if done.rows_affected == 1 {
            marked.push(*id);
        }
    }
    Ok(marked)
}
