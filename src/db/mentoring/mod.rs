//! The mentoring pilot's tables. Shared reads live here; each area has its own module.

pub mod matching;
pub mod relationships;

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend,
    DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
};

use crate::db::now;
use crate::domain::count::stored_count;
use crate::domain::mentoring::pilot::{DEFAULT_CAP, MenteeStatus};
use crate::domain::mentoring::profile::{MenteeProfile, MentorProfile, items};
use crate::domain::mentoring::scoring::Weights;
use crate::entities::{mentee, mentor, mentoring_relationship, mentoring_settings};

pub mod registry;

/// The pilot's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    pub cap: u32,
    pub weights: Weights,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            cap: DEFAULT_CAP,
            weights: Weights::default(),
        }
    }
}

/// Makes approvals, imports and changes of the cap wait for each other until the end of the
/// transaction, so two at once cannot both fit under the cap. SQLite already lets one writer at
/// a time through.
pub async fn lock_mentees(txn: &DatabaseTransaction) -> Result<(), DbErr> {
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        txn.execute_unprepared("LOCK TABLE mentees IN SHARE ROW EXCLUSIVE MODE")
            .await?;
    }
    Ok(())
}

fn to_i32(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The settings, or the defaults if nobody has changed them.
pub async fn settings(db: &impl ConnectionTrait) -> Result<Settings, DbErr> {
    Ok(
        match mentoring_settings::Entity::find_by_id(1).one(db).await? {
            Some(s) => Settings {
                cap: stored_count(s.mentee_cap)?,
                weights: Weights([
                    stored_count(s.weight_specialty)?,
                    stored_count(s.weight_meeting_mode)?,
                    stored_count(s.weight_availability)?,
                    stored_count(s.weight_lived_experience)?,
                    stored_count(s.weight_gender)?,
                    stored_count(s.weight_teaching_hospital)?,
                ]),
            },
            None => Settings::default(),
        },
    )
}

/// Stores the settings.
pub async fn save_settings(
    db: &impl ConnectionTrait,
    settings: Settings,
    by: i32,
) -> Result<(), DbErr> {
    let w = settings.weights.0.map(to_i32);
    let row = mentoring_settings::ActiveModel {
        id: Set(1),
        mentee_cap: Set(to_i32(settings.cap)),
        weight_specialty: Set(w[0]),
        weight_meeting_mode: Set(w[1]),
        weight_availability: Set(w[2]),
        weight_lived_experience: Set(w[3]),
        weight_gender: Set(w[4]),
        weight_teaching_hospital: Set(w[5]),
        updated_by: Set(Some(by)),
        updated_at: Set(now()),
    };
    if mentoring_settings::Entity::find_by_id(1)
        .one(db)
        .await?
        .is_some()
    {
        row.update(db).await?;
    } else {
        row.insert(db).await?;
    }
    Ok(())
}

/// What the matcher needs of a mentor.
pub fn mentor_profile(m: &mentor::Model) -> MentorProfile {
    MentorProfile {
        organisation: m.organisation.clone(),
        specialty: m.specialty.clone(),
        modes: m.meeting_modes,
        availability: m.availability,
        lived_experience: m.lived_experience,
        gender: m.gender.clone(),
    }
}

/// What the matcher needs of a mentee.
pub fn mentee_profile(m: &mentee::Model) -> MenteeProfile {
    MenteeProfile {
        university: m.university.clone(),
        specialty_interests: items(&m.specialty_interests).map(str::to_owned).collect(),
        modes: m.meeting_modes,
        availability: m.availability,
        lived_experience: m.lived_experience_preference,
        gender: m.gender_preference.clone(),
        gender_strength: m.gender_preference_strength,
    }
}

/// The status of a mentee row.
pub fn status_of(m: &mentee::Model) -> MenteeStatus {
    m.status
}

/// The mentor record of a signed-in mentor: the one with their email, not archived.
pub async fn mentor_for_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<mentor::Model>, DbErr> {
    mentor::Entity::find()
        .filter(mentor::Column::Email.eq(email))
        .filter(mentor::Column::ArchivedAt.is_null())
        .one(db)
        .await
}

/// The mentee record of a signed-in user: the one they signed up with, or an imported one with
/// their email.
pub async fn mentee_for_user(
    db: &impl ConnectionTrait,
    user_id: i32,
    email: &str,
) -> Result<Option<mentee::Model>, DbErr> {
    mentee::Entity::find()
        .filter(
            Condition::any()
                .add(mentee::Column::UserId.eq(user_id))
                .add(
                    Condition::all()
                        .add(mentee::Column::UserId.is_null())
                        .add(mentee::Column::Email.eq(email)),
                ),
        )
        .one(db)
        .await
}

/// How many students are approved (the number the cap limits).
pub async fn approved_count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    count_with_status(db, MenteeStatus::Approved).await
}

/// How many students have this status.
pub async fn count_with_status(
    db: &impl ConnectionTrait,
    status: MenteeStatus,
) -> Result<u64, DbErr> {
    mentee::Entity::find()
        .filter(mentee::Column::Status.eq(status))
        .count(db)
        .await
}

/// Every relationship not yet ended.
pub async fn active_relationships(
    db: &impl ConnectionTrait,
) -> Result<Vec<mentoring_relationship::Model>, DbErr> {
    mentoring_relationship::Entity::find()
        .filter(mentoring_relationship::Column::EndedAt.is_null())
        .all(db)
        .await
}
