//! The coordinator's registries: mentors, students and the pairs never to be matched. Each
//! query is one function; callers pass a transaction where several writes belong together.

use std::collections::HashMap;

use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};

use crate::db::now;
use crate::domain::count::stored_count;
use crate::domain::mentoring::files::{ExclusionRecord, MenteeRecord, MentorRecord};
use crate::domain::mentoring::input::SignUpInput;
use crate::domain::mentoring::pilot::{ExclusionSource, MenteeStatus};
use crate::domain::mentoring::profile::{Availability, Strength, items, join};
use crate::entities::{mentee, mentor, mentoring_exclusion, user};

fn to_i32(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// A short code for a record made in the service rather than imported, such as `S7KQ2MD`.
/// Letters that look like digits are left out, so it can be read aloud.
pub fn new_reference(prefix: char) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut rng = rand::rng();
    let code: String = (0..6)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format!("{prefix}{code}")
}

/// Every mentor not archived, by name.
pub async fn mentors(db: &impl ConnectionTrait) -> Result<Vec<mentor::Model>, DbErr> {
    mentor::Entity::find()
        .filter(mentor::Column::ArchivedAt.is_null())
        .order_by_asc(mentor::Column::FullName)
        .order_by_asc(mentor::Column::Id)
        .all(db)
        .await
}

/// Every mentor, archived or not.
pub async fn all_mentors(db: &impl ConnectionTrait) -> Result<Vec<mentor::Model>, DbErr> {
    mentor::Entity::find()
        .order_by_asc(mentor::Column::Id)
        .all(db)
        .await
}

/// One mentor.
pub async fn find_mentor(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<mentor::Model>, DbErr> {
    mentor::Entity::find_by_id(id).one(db).await
}

/// One student.
pub async fn find_mentee(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<mentee::Model>, DbErr> {
    mentee::Entity::find_by_id(id).one(db).await
}

/// Every student, oldest sign-up first.
pub async fn mentees(db: &impl ConnectionTrait) -> Result<Vec<mentee::Model>, DbErr> {
    mentee::Entity::find()
        .order_by_asc(mentee::Column::CreatedAt)
        .order_by_asc(mentee::Column::Id)
        .all(db)
        .await
}

/// How many students wait for a decision.
pub async fn pending_count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    super::count_with_status(db, MenteeStatus::Pending).await
}

/// The mentor with this email address, archived or not.
pub async fn mentor_with_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<mentor::Model>, DbErr> {
    mentor::Entity::find()
        .filter(mentor::Column::Email.eq(email))
        .one(db)
        .await
}

/// The student with this email address.
pub async fn mentee_with_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<mentee::Model>, DbErr> {
    mentee::Entity::find()
        .filter(mentee::Column::Email.eq(email))
        .one(db)
        .await
}

/// The student who signed up with this account.
pub async fn mentee_of_user(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> Result<Option<mentee::Model>, DbErr> {
    mentee::Entity::find()
        .filter(mentee::Column::UserId.eq(user_id))
        .one(db)
        .await
}

/// Whether a reference is used by a mentor or a student.
pub async fn reference_taken(db: &impl ConnectionTrait, reference: &str) -> Result<bool, DbErr> {
    let mentors = mentor::Entity::find()
        .filter(mentor::Column::Reference.eq(reference))
        .count(db)
        .await?;
    let mentees = mentee::Entity::find()
        .filter(mentee::Column::Reference.eq(reference))
        .count(db)
        .await?;
    Ok(mentors + mentees > 0)
}

/// A reference not yet used, starting with `prefix`.
pub async fn unused_reference(db: &impl ConnectionTrait, prefix: char) -> Result<String, DbErr> {
    // 30^6 codes: a clash is rare, and ten in a row would mean something is wrong.
    for _ in 0..10 {
        let reference = new_reference(prefix);
        if !reference_taken(db, &reference).await? {
            return Ok(reference);
        }
    }
    Err(DbErr::Custom(
        "no unused mentoring reference found in 10 tries".to_owned(),
    ))
}

/// Of these email addresses, those that belong to an account.
pub async fn emails_with_accounts(
    db: &impl ConnectionTrait,
    emails: Vec<String>,
) -> Result<HashMap<String, i32>, DbErr> {
    if emails.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Email.is_in(emails))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.email, u.id))
        .collect())
}

/// How many students each mentor has now (relationships not ended), by mentor id.
pub async fn current_mentees(db: &impl ConnectionTrait) -> Result<HashMap<i32, u32>, DbErr> {
    let mut counts = HashMap::new();
    for r in super::active_relationships(db).await? {
        *counts.entry(r.mentor_id).or_insert(0) += 1;
    }
    Ok(counts)
}

/// Stores a new mentor.
pub async fn insert_mentor(
    db: &impl ConnectionTrait,
    record: &MentorRecord,
) -> Result<mentor::Model, DbErr> {
    let now = now();
    mentor::ActiveModel {
        reference: Set(record.id.clone()),
        full_name: Set(record.name.clone()),
        email: Set(record.email.clone()),
        organisation: Set(record.organisation.clone()),
        grade: Set(record.grade.clone()),
        specialty: Set(record.specialty.clone()),
        capacity: Set(to_i32(record.capacity)),
        meeting_modes: Set(record.modes),
        availability: Set(record.availability),
        lived_experience: Set(record.lived_experience),
        gender: Set(record.gender.clone()),
        archived_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Replaces what we know of a mentor (same reference and email) with a spreadsheet row.
pub async fn update_mentor(
    db: &impl ConnectionTrait,
    existing: mentor::Model,
    record: &MentorRecord,
) -> Result<mentor::Model, DbErr> {
    let mut row: mentor::ActiveModel = existing.into();
    row.full_name = Set(record.name.clone());
    row.organisation = Set(record.organisation.clone());
    row.grade = Set(record.grade.clone());
    row.specialty = Set(record.specialty.clone());
    row.capacity = Set(to_i32(record.capacity));
    row.meeting_modes = Set(record.modes);
    row.availability = Set(record.availability);
    row.lived_experience = Set(record.lived_experience);
    row.gender = Set(record.gender.clone());
    row.archived_at = Set(None);
    row.updated_at = Set(now());
    row.update(db).await
}

/// A mentor as a row of `mentors.csv`; a negative stored capacity is an error.
pub fn mentor_record(m: &mentor::Model) -> Result<MentorRecord, DbErr> {
    Ok(MentorRecord {
        id: m.reference.clone(),
        name: m.full_name.clone(),
        email: m.email.clone(),
        organisation: m.organisation.clone(),
        grade: m.grade.clone(),
        specialty: m.specialty.clone(),
        capacity: stored_count(m.capacity)?,
        modes: m.meeting_modes,
        availability: m.availability,
        lived_experience: m.lived_experience,
        gender: m.gender.clone(),
    })
}

/// A student as a row of `mentees.csv`; a negative stored year of study is an error.
pub fn mentee_record(m: &mentee::Model) -> Result<MenteeRecord, DbErr> {
    Ok(MenteeRecord {
        id: m.reference.clone(),
        name: m.full_name.clone(),
        email: m.email.clone(),
        university: m.university.clone(),
        year_of_study: stored_count(m.year_of_study)?,
        specialty_interests: items(&m.specialty_interests).map(str::to_owned).collect(),
        modes: m.meeting_modes,
        availability: m.availability,
        lived_experience: m.lived_experience_preference,
        gender_preference: m.gender_preference.clone(),
        gender_strength: m.gender_preference_strength,
    })
}

/// Stores a student's own sign-up, waiting for approval.
pub async fn insert_sign_up(
    db: &impl ConnectionTrait,
    user_id: i32,
    sign_up: &SignUpInput,
) -> Result<mentee::Model, DbErr> {
    let now = now();
    let mut row = mentee_row(&sign_up.record);
    row.user_id = Set(Some(user_id));
    row.declared_conflicts = Set(sign_up.declared_conflicts.clone());
    row.status = Set(MenteeStatus::Pending);
    row.consented_at = Set(now);
    row.decided_at = Set(None);
    row.decided_by = Set(None);
    row.created_at = Set(now);
    row.updated_at = Set(now);
    row.insert(db).await
}

/// Links a student the coordinator added to the account of the same email, once the student
/// has given their answers and consent. Their status is kept; the reference is too.
pub async fn link_sign_up(
    db: &impl ConnectionTrait,
    existing: mentee::Model,
    user_id: i32,
    sign_up: &SignUpInput,
) -> Result<mentee::Model, DbErr> {
    let reference = existing.reference.clone();
    let mut row = mentee_row(&sign_up.record);
    row.id = Set(existing.id);
    row.reference = Set(reference);
    row.user_id = Set(Some(user_id));
    if existing.declared_conflicts.trim() != sign_up.declared_conflicts.trim() {
        // New conflicts must be reviewed before the student is matched again.
        row.conflicts_reviewed_at = Set(None);
    }
    row.declared_conflicts = Set(sign_up.declared_conflicts.clone());
    row.consented_at = Set(now());
    row.updated_at = Set(now());
    row.update(db).await
}

/// The profile columns of a student.
fn mentee_row(r: &MenteeRecord) -> mentee::ActiveModel {
    mentee::ActiveModel {
        reference: Set(r.id.clone()),
        full_name: Set(r.name.clone()),
        email: Set(r.email.clone()),
        university: Set(r.university.clone()),
        year_of_study: Set(to_i32(r.year_of_study)),
        specialty_interests: Set(join(&r.specialty_interests)),
        meeting_modes: Set(r.modes),
        availability: Set(r.availability),
        lived_experience_preference: Set(r.lived_experience),
        gender_preference: Set(r.gender_preference.clone()),
        gender_preference_strength: Set(r.gender_strength),
        ..Default::default()
    }
}

/// Stores a student from the coordinator's spreadsheet: approved, as the coordinator vouches
/// for them.
pub async fn insert_imported_mentee(
    db: &impl ConnectionTrait,
    record: &MenteeRecord,
    by: i32,
) -> Result<mentee::Model, DbErr> {
    let now = now();
    let mut row = mentee_row(record);
    row.user_id = Set(None);
    row.declared_conflicts = Set(String::new());
    row.status = Set(MenteeStatus::Approved);
    row.consented_at = Set(now);
    row.decided_at = Set(Some(now));
    row.decided_by = Set(Some(by));
    row.created_at = Set(now);
    row.updated_at = Set(now);
    row.insert(db).await
}

/// Replaces a student's profile with a spreadsheet row (same reference and email) and approves
/// them if they were not already. Their account link and declared conflicts are kept.
pub async fn update_imported_mentee(
    db: &impl ConnectionTrait,
    existing: mentee::Model,
    record: &MenteeRecord,
    by: i32,
) -> Result<mentee::Model, DbErr> {
    let was_approved = existing.status == MenteeStatus::Approved;
    let mut row = mentee_row(record);
    row.id = Set(existing.id);
    if !was_approved {
        row.status = Set(MenteeStatus::Approved);
        row.decided_at = Set(Some(now()));
        row.decided_by = Set(Some(by));
    }
    row.updated_at = Set(now());
    row.update(db).await
}

/// Records the coordinator's decision on a student.
pub async fn decide(
    db: &impl ConnectionTrait,
    existing: mentee::Model,
    status: MenteeStatus,
    by: i32,
) -> Result<mentee::Model, DbErr> {
    let mut row: mentee::ActiveModel = existing.into();
    row.status = Set(status);
    row.decided_at = Set(Some(now()));
    row.decided_by = Set(Some(by));
    if status == MenteeStatus::Approved {
        // Approving is reviewing: the page asks for exclusions to be recorded first.
        row.conflicts_reviewed_at = Set(Some(now()));
    }
    row.updated_at = Set(now());
    row.update(db).await
}

/// Records that the coordinator has reviewed a student's declared conflicts.
pub async fn mark_conflicts_reviewed(db: &impl ConnectionTrait, id: i32) -> Result<bool, DbErr> {
    let done = mentee::Entity::update_many()
        .col_expr(mentee::Column::ConflictsReviewedAt, Some(now()).into())
        .filter(mentee::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// The approved students.
pub async fn approved_mentees(db: &impl ConnectionTrait) -> Result<Vec<mentee::Model>, DbErr> {
    mentee::Entity::find()
        .filter(mentee::Column::Status.eq(MenteeStatus::Approved))
        .order_by_asc(mentee::Column::Reference)
        .all(db)
        .await
}

/// The pairs excluded for one student.
pub async fn exclusions_of(
    db: &impl ConnectionTrait,
    mentee_id: i32,
) -> Result<Vec<mentoring_exclusion::Model>, DbErr> {
    mentoring_exclusion::Entity::find()
        .filter(mentoring_exclusion::Column::MenteeId.eq(mentee_id))
        .order_by_asc(mentoring_exclusion::Column::Id)
        .all(db)
        .await
}

/// Every excluded pair.
pub async fn all_exclusions(
    db: &impl ConnectionTrait,
) -> Result<Vec<mentoring_exclusion::Model>, DbErr> {
    mentoring_exclusion::Entity::find()
        .order_by_asc(mentoring_exclusion::Column::Id)
        .all(db)
        .await
}

/// The exclusion of one pair, if any.
pub async fn exclusion_of_pair(
    db: &impl ConnectionTrait,
    mentor_id: i32,
    mentee_id: i32,
) -> Result<Option<mentoring_exclusion::Model>, DbErr> {
    mentoring_exclusion::Entity::find()
        .filter(mentoring_exclusion::Column::MentorId.eq(mentor_id))
        .filter(mentoring_exclusion::Column::MenteeId.eq(mentee_id))
        .one(db)
        .await
}

/// Stores an exclusion.
pub async fn add_exclusion(
    db: &impl ConnectionTrait,
    mentor_id: i32,
    mentee_id: i32,
    reason: &str,
    source: ExclusionSource,
    by: i32,
) -> Result<mentoring_exclusion::Model, DbErr> {
    mentoring_exclusion::ActiveModel {
        mentor_id: Set(mentor_id),
        mentee_id: Set(mentee_id),
        reason: Set(reason.to_owned()),
        source: Set(source),
        created_by: Set(Some(by)),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Changes the reason of an exclusion.
pub async fn set_exclusion_reason(
    db: &impl ConnectionTrait,
    existing: mentoring_exclusion::Model,
    reason: &str,
) -> Result<(), DbErr> {
    let mut row: mentoring_exclusion::ActiveModel = existing.into();
    row.reason = Set(reason.to_owned());
    row.update(db).await?;
    Ok(())
}

/// Removes an exclusion of one student. Returns the removed row, if it was theirs.
pub async fn delete_exclusion(
    db: &impl ConnectionTrait,
    mentee_id: i32,
    exclusion_id: i32,
) -> Result<Option<mentoring_exclusion::Model>, DbErr> {
    let Some(found) = mentoring_exclusion::Entity::find_by_id(exclusion_id)
        .filter(mentoring_exclusion::Column::MenteeId.eq(mentee_id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    mentoring_exclusion::Entity::delete_by_id(found.id)
        .exec(db)
        .await?;
    Ok(Some(found))
}

/// Every excluded pair as rows of `exclusions.csv`.
pub async fn exclusion_records(db: &impl ConnectionTrait) -> Result<Vec<ExclusionRecord>, DbErr> {
    let mentors: HashMap<i32, String> = mentor::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.reference))
        .collect();
    let mentees: HashMap<i32, String> = mentee::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.reference))
        .collect();
    Ok(all_exclusions(db)
        .await?
        .into_iter()
        .filter_map(|e| {
            Some(ExclusionRecord {
                mentor_id: mentors.get(&e.mentor_id)?.clone(),
                mentee_id: mentees.get(&e.mentee_id)?.clone(),
                reason: e.reason,
            })
        })
        .collect())
}

/// Mentors by reference and students by reference, for checking a spreadsheet of exclusions.
pub async fn references(
    db: &impl ConnectionTrait,
) -> Result<(HashMap<String, i32>, HashMap<String, i32>), DbErr> {
    let mentors = mentor::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.reference, m.id))
        .collect();
    let mentees = mentee::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.reference, m.id))
        .collect();
    Ok((mentors, mentees))
}

/// Erases a student's record: name, address, university, interests, wishes and the conflicts
/// they declared are replaced or blanked, and they leave the pilot (`status`). The reference,
/// year of study and how and when they can meet stay, as the pilot's figures need nothing
/// more.
pub async fn erase_mentee(
    db: &impl ConnectionTrait,
    id: i32,
    full_name: &str,
    email: &str,
    status: MenteeStatus,
) -> Result<(), DbErr> {
    use sea_orm::sea_query::Expr;
    mentee::Entity::update_many()
        .col_expr(mentee::Column::FullName, Expr::value(full_name))
        .col_expr(mentee::Column::Email, Expr::value(email))
        .col_expr(mentee::Column::University, Expr::value(""))
        .col_expr(mentee::Column::SpecialtyInterests, Expr::value(""))
        .col_expr(
            mentee::Column::LivedExperiencePreference,
            Expr::value(Strength::None),
        )
        .col_expr(mentee::Column::GenderPreference, Expr::value(""))
        .col_expr(
            mentee::Column::GenderPreferenceStrength,
            Expr::value(Strength::None),
        )
        .col_expr(mentee::Column::DeclaredConflicts, Expr::value(""))
        .col_expr(mentee::Column::Status, Expr::value(status))
        .col_expr(mentee::Column::UpdatedAt, Expr::value(now()))
        .filter(mentee::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Erases a mentor's record and archives it: name, address, organisation, grade, specialty and
/// gender are replaced or blanked; the reference, capacity and meeting modes stay.
pub async fn erase_mentor(
    db: &impl ConnectionTrait,
    id: i32,
    full_name: &str,
    email: &str,
) -> Result<(), DbErr> {
    use sea_orm::sea_query::Expr;
    let now = now();
    mentor::Entity::update_many()
        .col_expr(mentor::Column::FullName, Expr::value(full_name))
        .col_expr(mentor::Column::Email, Expr::value(email))
        .col_expr(mentor::Column::Organisation, Expr::value(""))
        .col_expr(mentor::Column::Grade, Expr::value(""))
        .col_expr(mentor::Column::Specialty, Expr::value(""))
        .col_expr(
            mentor::Column::Availability,
            Expr::value(Availability::default()),
        )
        .col_expr(mentor::Column::Gender, Expr::value(""))
        .col_expr(mentor::Column::ArchivedAt, Expr::value(Some(now)))
        .col_expr(mentor::Column::UpdatedAt, Expr::value(now))
        .filter(mentor::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Blanks the reasons written for the pairs never to be matched that involve this student
/// (`mentee_id`) or this mentor (`mentor_id`): free text that may name people. The pairs stay.
pub async fn erase_exclusion_reasons(
    db: &impl ConnectionTrait,
    mentee_id: Option<i32>,
    mentor_id: Option<i32>,
) -> Result<(), DbErr> {
    use sea_orm::Condition;
    use sea_orm::sea_query::Expr;
    let mut whose = Condition::any();
    if let Some(id) = mentee_id {
        whose = whose.add(mentoring_exclusion::Column::MenteeId.eq(id));
    }
    if let Some(id) = mentor_id {
        whose = whose.add(mentoring_exclusion::Column::MentorId.eq(id));
    }
    if mentee_id.is_none() && mentor_id.is_none() {
        return Ok(());
    }
    mentoring_exclusion::Entity::update_many()
        .col_expr(mentoring_exclusion::Column::Reason, Expr::value(""))
        .filter(whose)
        .exec(db)
        .await
        .map(|_| ())
}
