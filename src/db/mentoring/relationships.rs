//! Mentoring relationships once confirmed: their meetings, asking to end them, and ending them.

use std::collections::HashMap;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use time::Date;

use crate::db::now;
use crate::domain::Role;
use crate::domain::mentoring::pilot::ExclusionSource;
use crate::entities::{
    mentee, mentor, mentoring_exclusion, mentoring_meeting, mentoring_relationship, user, user_role,
};

/// A relationship by ID.
pub async fn find(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<mentoring_relationship::Model>, DbErr> {
    mentoring_relationship::Entity::find_by_id(id).one(db).await
}

/// One relationship, the row locked for the rest of the transaction on Postgres (SQLite has
/// one writer at a time), so that ending it and logging a meeting are judged one after the
/// other.
pub async fn find_for_update(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<mentoring_relationship::Model>, DbErr> {
    mentoring_relationship::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await
}

/// Every relationship, newest first.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<mentoring_relationship::Model>, DbErr> {
    mentoring_relationship::Entity::find()
        .order_by_desc(mentoring_relationship::Column::StartedAt)
        .order_by_desc(mentoring_relationship::Column::Id)
        .all(db)
        .await
}

/// A mentor's relationships, newest first.
pub async fn of_mentor(
    db: &impl ConnectionTrait,
    mentor_id: i32,
) -> Result<Vec<mentoring_relationship::Model>, DbErr> {
    mentoring_relationship::Entity::find()
        .filter(mentoring_relationship::Column::MentorId.eq(mentor_id))
        .order_by_desc(mentoring_relationship::Column::StartedAt)
        .order_by_desc(mentoring_relationship::Column::Id)
        .all(db)
        .await
}

/// A student's relationships, newest first.
pub async fn of_mentee(
    db: &impl ConnectionTrait,
    mentee_id: i32,
) -> Result<Vec<mentoring_relationship::Model>, DbErr> {
    mentoring_relationship::Entity::find()
        .filter(mentoring_relationship::Column::MenteeId.eq(mentee_id))
        .order_by_desc(mentoring_relationship::Column::StartedAt)
        .order_by_desc(mentoring_relationship::Column::Id)
        .all(db)
        .await
}

/// The mentors with these IDs, by ID.
pub async fn mentors_by_id(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, mentor::Model>, DbErr> {
    Ok(mentor::Entity::find()
        .filter(mentor::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect())
}

/// The students with these IDs, by ID.
pub async fn mentees_by_id(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, mentee::Model>, DbErr> {
    Ok(mentee::Entity::find()
        .filter(mentee::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect())
}

/// The meetings of a relationship, most recent first.
pub async fn meetings_of(
    db: &impl ConnectionTrait,
    relationship_id: i32,
) -> Result<Vec<mentoring_meeting::Model>, DbErr> {
    mentoring_meeting::Entity::find()
        .filter(mentoring_meeting::Column::RelationshipId.eq(relationship_id))
        .order_by_desc(mentoring_meeting::Column::MetOn)
        .order_by_desc(mentoring_meeting::Column::Id)
        .all(db)
        .await
}

/// The date of the latest meeting of each relationship that has one.
pub async fn last_meetings(db: &impl ConnectionTrait) -> Result<HashMap<i32, Date>, DbErr> {
    let rows: Vec<(i32, Date)> = mentoring_meeting::Entity::find()
        .select_only()
        .column(mentoring_meeting::Column::RelationshipId)
        .column(mentoring_meeting::Column::MetOn)
        .into_tuple()
        .all(db)
        .await?;
    let mut last: HashMap<i32, Date> = HashMap::new();
    for (id, met_on) in rows {
        let entry = last.entry(id).or_insert(met_on);
        if met_on > *entry {
            *entry = met_on;
        }
    }
    Ok(last)
}

/// A meeting to log.
#[derive(Clone, Debug)]
pub struct NewMeeting<'a> {
    /// The relationship it belongs to.
    pub relationship_id: i32,
    /// Who logged it.
    pub logged_by: i32,
    /// When they met.
    pub met_on: Date,
    /// `in_person` or `online`.
    pub mode: &'a str,
    /// Seen only by whoever logged it.
    pub note: &'a str,
}

/// Logs a meeting.
pub async fn log_meeting(db: &impl ConnectionTrait, new: &NewMeeting<'_>) -> Result<(), DbErr> {
    mentoring_meeting::ActiveModel {
        relationship_id: Set(new.relationship_id),
        logged_by: Set(Some(new.logged_by)),
        met_on: Set(new.met_on),
        mode: Set(new.mode.to_owned()),
        note: Set(new.note.to_owned()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// Records that `by` asked to end a relationship. Returns false if it has ended or someone
/// asked already, so a second request changes nothing.
pub async fn request_end(
    db: &impl ConnectionTrait,
    id: i32,
    by: i32,
    reason: &str,
) -> Result<bool, DbErr> {
    let result = mentoring_relationship::Entity::update_many()
        .col_expr(
            mentoring_relationship::Column::EndRequestedAt,
            Expr::value(Some(now())),
        )
        .col_expr(
            mentoring_relationship::Column::EndRequestedBy,
            Expr::value(Some(by)),
        )
        .col_expr(
            mentoring_relationship::Column::EndReason,
            Expr::value(reason.to_owned()),
        )
        .filter(mentoring_relationship::Column::Id.eq(id))
        .filter(mentoring_relationship::Column::EndRequestedAt.is_null())
        .filter(mentoring_relationship::Column::EndedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Ends a relationship, which frees the student to be matched again. Returns false if it had
/// ended already.
pub async fn end(db: &impl ConnectionTrait, id: i32, by: i32) -> Result<bool, DbErr> {
    let result = mentoring_relationship::Entity::update_many()
        .col_expr(
            mentoring_relationship::Column::EndedAt,
            Expr::value(Some(now())),
        )
        .col_expr(
            mentoring_relationship::Column::EndedBy,
            Expr::value(Some(by)),
        )
        .col_expr(
            mentoring_relationship::Column::ActiveMenteeId,
            Expr::value(Option::<i32>::None),
        )
        .filter(mentoring_relationship::Column::Id.eq(id))
        .filter(mentoring_relationship::Column::EndedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Makes sure a mentor and a student are never matched again. An exclusion already there
/// for the pair is kept as it is.
pub async fn exclude_pair(
    db: &impl ConnectionTrait,
    mentor_id: i32,
    mentee_id: i32,
    reason: &str,
    by: i32,
) -> Result<(), DbErr> {
    let existing = mentoring_exclusion::Entity::find()
        .filter(mentoring_exclusion::Column::MentorId.eq(mentor_id))
        .filter(mentoring_exclusion::Column::MenteeId.eq(mentee_id))
        .one(db)
        .await?;
    if existing.is_some() {
        return Ok(());
    }
    mentoring_exclusion::ActiveModel {
        mentor_id: Set(mentor_id),
        mentee_id: Set(mentee_id),
        reason: Set(reason.to_owned()),
        source: Set(ExclusionSource::Ended),
        created_by: Set(Some(by)),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// Whether a student has a relationship that has not ended.
pub async fn has_active(db: &impl ConnectionTrait, mentee_id: i32) -> Result<bool, DbErr> {
    Ok(mentoring_relationship::Entity::find()
        .filter(mentoring_relationship::Column::ActiveMenteeId.eq(mentee_id))
        .one(db)
        .await?
        .is_some())
}

/// The active users who run the pilot, to tell about requests to end.
pub async fn coordinators(db: &impl ConnectionTrait) -> Result<Vec<user::Model>, DbErr> {
    user::Entity::find()
        .inner_join(user_role::Entity)
        .filter(user_role::Column::Role.eq(Role::Coordinator))
        .filter(user::Column::IsActive.eq(true))
        .order_by_asc(user::Column::Id)
        .all(db)
        .await
}

/// Names of users by ID, for "logged by".
pub async fn user_names(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, user::Model>, DbErr> {
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect())
}

/// Blanks the notes of every meeting logged by `user_id` or on one of `relationship_ids`, and
/// the reasons given for ending those relationships: free text about the people in them. When
/// and how they met stays.
pub async fn erase_notes(
    db: &impl ConnectionTrait,
    user_id: i32,
    relationship_ids: &[i32],
) -> Result<(), DbErr> {
    use sea_orm::Condition;
    mentoring_meeting::Entity::update_many()
        .col_expr(mentoring_meeting::Column::Note, Expr::value(""))
        .filter(
            Condition::any()
                .add(mentoring_meeting::Column::LoggedBy.eq(user_id))
                .add(mentoring_meeting::Column::RelationshipId.is_in(relationship_ids.to_vec())),
        )
        .exec(db)
        .await?;
    if !relationship_ids.is_empty() {
        mentoring_relationship::Entity::update_many()
            .col_expr(mentoring_relationship::Column::EndReason, Expr::value(""))
            .filter(mentoring_relationship::Column::Id.is_in(relationship_ids.to_vec()))
            .exec(db)
            .await?;
    }
    Ok(())
}
