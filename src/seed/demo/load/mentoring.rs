//! The mentoring pilot: its mentors and students, a declared conflict, and one pair matched.

use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, TransactionTrait,
};
use time::OffsetDateTime;

use crate::db::mentoring::{mentee_profile, mentor_profile, relationships};
use crate::db::{self, users};
use crate::domain::mentoring::profile::{Availability, Modes, Strength};
use crate::domain::mentoring::scoring::{Weights, score};
use crate::entities::{mentee, mentor, mentoring_exclusion, mentoring_relationship};
use crate::seed::demo::words::{MENTEES, MENTORS};

/// The mentoring pilot, once: the mentors and students above, S18's declared conflict, and
/// `mentee@example.org` in a relationship with `mentor@example.org` that started five weeks
/// ago, with a meeting logged by each.
pub(super) async fn load_mentoring(db: &DatabaseConnection) -> anyhow::Result<()> {
    if mentor::Entity::find()
        .filter(mentor::Column::Reference.eq(MENTORS[0].0))
        .one(db)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let coordinator = users::find_by_email(db, "coordinator@example.org")
        .await?
        .map(|u| u.id);
    let mentor_user = users::find_by_email(db, "mentor@example.org")
        .await?
        .map(|u| u.id);
    let mentee_user = users::find_by_email(db, "mentee@example.org")
        .await?
        .map(|u| u.id);
    let now = db::now();
    let txn = db.begin().await?;
    let mentors = insert_mentors(&txn, now).await?;
    let mentees = insert_mentees(&txn, now, coordinator, mentee_user).await?;
    let (Some(tom), Some(callum)) = (
        mentors.iter().find(|m| m.reference == "M02"),
        mentees.iter().find(|m| m.reference == "S18"),
    ) else {
        anyhow::bail!("demo mentors or students missing");
    };
    mentoring_exclusion::ActiveModel {
        mentor_id: Set(tom.id),
        mentee_id: Set(callum.id),
        reason: Set(callum.declared_conflicts.clone()),
        source: Set(crate::domain::mentoring::pilot::ExclusionSource::Conflict),
        created_by: Set(coordinator),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;

    let (Some(maya), Some(mia)) = (mentors.first(), mentees.first()) else {
        anyhow::bail!("demo mentors or students missing");
    };
    let relationship = match_pair(&txn, now, maya, mia).await?;
    let today = crate::domain::london_time::from_utc(now).date();
    for (by, days_ago, mode, note) in [
        (
            mentor_user,
            21,
            "in_person",
            "Showed Mia round the children's outpatient clinic. She would like to shadow a ward round next.",
        ),
        (
            mentee_user,
            7,
            "online",
            "Talked through my worries about the anatomy exam. Felt much better afterwards.",
        ),
    ] {
        let Some(by) = by else {
            continue;
        };
        relationships::log_meeting(
            &txn,
            &relationships::NewMeeting {
                relationship_id: relationship.id,
                logged_by: by,
                met_on: today - time::Duration::days(days_ago),
                mode,
                note,
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The twelve mentors.
async fn insert_mentors(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
) -> anyhow::Result<Vec<mentor::Model>> {
    let mut mentors = Vec::new();
    for (
        reference,
        name,
        email,
        organisation,
        grade,
        specialty,
        capacity,
        modes,
        times,
        lived,
        gender,
    ) in MENTORS
    {
        let created = mentor::ActiveModel {
            reference: Set(reference.into()),
            full_name: Set(name.into()),
            email: Set(email.into()),
            organisation: Set(organisation.into()),
            grade: Set(grade.into()),
            specialty: Set(specialty.into()),
            capacity: Set(capacity),
            meeting_modes: Set(Modes::parse(modes).map_err(anyhow::Error::msg)?),
            availability: Set(Availability::parse(times).map_err(anyhow::Error::msg)?),
            lived_experience: Set(lived),
            gender: Set(gender.into()),
            archived_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        mentors.push(created);
    }
    Ok(mentors)
}

/// The thirty students, those approved decided by the coordinator; the first is
/// `mentee@example.org`'s record.
async fn insert_mentees(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    coordinator: Option<i32>,
    mentee_user: Option<i32>,
) -> anyhow::Result<Vec<mentee::Model>> {
    let mut mentees = Vec::new();
    for (
        reference,
        name,
        email,
        university,
        year,
        interests,
        modes,
        times,
        lived,
        gender,
        strength,
        conflict,
        status,
    ) in MENTEES
    {
        let approved = status == "approved";
        let created = mentee::ActiveModel {
            reference: Set(reference.into()),
            user_id: Set(if email == "mentee@example.org" {
                mentee_user
            } else {
                None
            }),
            full_name: Set(name.into()),
            email: Set(email.into()),
            university: Set(university.into()),
            year_of_study: Set(year),
            specialty_interests: Set(interests.into()),
            meeting_modes: Set(Modes::parse(modes).map_err(anyhow::Error::msg)?),
            availability: Set(Availability::parse(times).map_err(anyhow::Error::msg)?),
            lived_experience_preference: Set(strength_of(lived)?),
            gender_preference: Set(gender.into()),
            gender_preference_strength: Set(strength_of(strength)?),
            declared_conflicts: Set(conflict.into()),
            status: Set(crate::domain::mentoring::pilot::MenteeStatus::parse(status)
                .ok_or_else(|| anyhow::anyhow!("unknown demo mentee status {status}"))?),
            consented_at: Set(now - time::Duration::days(60)),
            decided_at: Set(approved.then_some(now - time::Duration::days(45))),
            decided_by: Set(if approved { coordinator } else { None }),
            conflicts_reviewed_at: Set(approved.then_some(now - time::Duration::days(45))),
            created_at: Set(now - time::Duration::days(60)),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        mentees.push(created);
    }
    Ok(mentees)
}

/// The relationship of a mentor and a student, started five weeks ago, scored and with its
/// breakdown stored as the matching pages store a confirmed pair's.
/// A wish's strength as the demo's word lists spell it.
fn strength_of(text: &str) -> anyhow::Result<Strength> {
    Strength::parse(text).ok_or_else(|| anyhow::anyhow!("unknown demo strength {text:?}"))
}

async fn match_pair(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    maya: &mentor::Model,
    mia: &mentee::Model,
) -> anyhow::Result<mentoring_relationship::Model> {
    let matched = score(
        &mentor_profile(maya),
        &mentee_profile(mia),
        Weights::default(),
    );
    let breakdown: Vec<serde_json::Value> = matched
        .parts
        .iter()
        .map(|p| {
            serde_json::json!({
                "criterion": p.criterion.label(),
                "points": p.points,
                "out_of": p.out_of,
                "reason": p.reason,
            })
        })
        .collect();
    let started = now - time::Duration::days(35);
    let relationship = mentoring_relationship::ActiveModel {
        mentor_id: Set(maya.id),
        mentee_id: Set(mia.id),
        active_mentee_id: Set(Some(mia.id)),
        run_id: Set(None),
        score: Set(i32::try_from(matched.total).unwrap_or(0)),
        breakdown: Set(serde_json::Value::Array(breakdown).to_string()),
        started_at: Set(started),
        end_requested_at: Set(None),
        end_requested_by: Set(None),
        end_reason: Set(String::new()),
        ended_at: Set(None),
        ended_by: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(relationship)
}
