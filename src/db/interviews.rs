//! The `interview_slots`, `interview_bookings`, `interview_outcomes` and
//! `interview_times_notices` tables.

use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use time::OffsetDateTime;

use crate::db::now;
use crate::domain::interview::{BookingRefusal, SlotInput, check_booking};
use crate::entities::{
    interview_booking, interview_outcome, interview_slot, interview_times_notice,
};

/// A vacancy's slots, soonest first.
pub async fn slots_of(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
) -> Result<Vec<interview_slot::Model>, DbErr> {
    interview_slot::Entity::find()
        .filter(interview_slot::Column::VacancyId.eq(vacancy_id))
        .order_by_asc(interview_slot::Column::StartsAt)
        .all(db)
        .await
}

/// A slot by ID.
pub async fn find_slot(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<interview_slot::Model>, DbErr> {
    interview_slot::Entity::find_by_id(id).one(db).await
}

/// Publishes a slot.
pub async fn create_slot(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
    input: &SlotInput,
    by: i32,
) -> Result<interview_slot::Model, DbErr> {
    interview_slot::ActiveModel {
        vacancy_id: Set(vacancy_id),
        starts_at: Set(input.starts_at),
        minutes: Set(input.minutes),
        place: Set(input.place.clone()),
        capacity: Set(input.capacity),
        created_by: Set(by),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Every booking of the vacancy's slots.
pub async fn bookings_for_slots(
    db: &impl ConnectionTrait,
    slot_ids: &[i32],
) -> Result<Vec<interview_booking::Model>, DbErr> {
    interview_booking::Entity::find()
        .filter(interview_booking::Column::SlotId.is_in(slot_ids.to_vec()))
        .all(db)
        .await
}

/// The application's booking, if any.
pub async fn booking_of(
    db: &impl ConnectionTrait,
    application_id: i32,
) -> Result<Option<interview_booking::Model>, DbErr> {
    interview_booking::Entity::find_by_id(application_id)
        .one(db)
        .await
}

/// Books (or moves) the application's interview into a slot, if it has a free place and is
/// at least 24 hours away. The slot's row is locked first on Postgres, so two people cannot
/// take its last place at the same moment; SQLite has one writer at a time. Run it in a
/// transaction. Returns the booking.
pub async fn book(
    db: &impl ConnectionTrait,
    application_id: i32,
    slot_id: i32,
    at: OffsetDateTime,
) -> Result<Result<interview_booking::Model, BookingRefusal>, DbErr> {
    let Some(slot) = interview_slot::Entity::find_by_id(slot_id)
        .lock_exclusive()
        .one(db)
        .await?
    else {
        return Err(DbErr::RecordNotFound(format!("slot {slot_id}")));
    };
    let taken = interview_booking::Entity::find()
        .filter(interview_booking::Column::SlotId.eq(slot_id))
        .filter(interview_booking::Column::ApplicationId.ne(application_id))
        .count(db)
        .await?;
    if let Err(refusal) = check_booking(
        slot.starts_at,
        slot.capacity,
        i64::try_from(taken).unwrap_or(i64::MAX),
        at,
    ) {
        return Ok(Err(refusal));
    }
    let sequence = booking_of(db, application_id)
        .await?
        .map_or(0, |b| b.sequence + 1);
    interview_booking::Entity::insert(interview_booking::ActiveModel {
        application_id: Set(application_id),
        slot_id: Set(slot_id),
        sequence: Set(sequence),
        booked_at: Set(at),
    })
    .on_conflict(
        OnConflict::column(interview_booking::Column::ApplicationId)
            .update_columns([
                interview_booking::Column::SlotId,
                interview_booking::Column::Sequence,
                interview_booking::Column::BookedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(Ok(interview_booking::Model {
        application_id,
        slot_id,
        sequence,
        booked_at: at,
    }))
}

/// Cancels the application's booking. Returns whether there was one.
pub async fn cancel(db: &impl ConnectionTrait, application_id: i32) -> Result<bool, DbErr> {
    let result = interview_booking::Entity::delete_by_id(application_id)
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The interview outcomes of the applications given.
pub async fn outcomes_for(
    db: &impl ConnectionTrait,
    application_ids: &[i32],
) -> Result<Vec<interview_outcome::Model>, DbErr> {
    interview_outcome::Entity::find()
        .filter(interview_outcome::Column::ApplicationId.is_in(application_ids.to_vec()))
        .all(db)
        .await
}

/// Records the outcome of an interview.
pub async fn save_outcome(
    db: &impl ConnectionTrait,
    application_id: i32,
    appointable: bool,
    feedback: &str,
    by: i32,
) -> Result<(), DbErr> {
    interview_outcome::ActiveModel {
        application_id: Set(application_id),
        appointable: Set(appointable),
        feedback: Set(feedback.to_owned()),
        recorded_by: Set(by),
        recorded_at: Set(now()),
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// A slot, locked for the rest of the transaction on Postgres (SQLite has one writer).
pub async fn find_slot_for_update(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<interview_slot::Model>, DbErr> {
    interview_slot::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await
}

/// How many people have booked the slot.
pub async fn bookings_count(db: &impl ConnectionTrait, slot_id: i32) -> Result<u64, DbErr> {
    interview_booking::Entity::find()
        .filter(interview_booking::Column::SlotId.eq(slot_id))
        .count(db)
        .await
}

/// Changes a slot's time, length, place and places.
pub async fn update_slot(
    db: &impl ConnectionTrait,
    id: i32,
    input: &SlotInput,
) -> Result<(), DbErr> {
    interview_slot::ActiveModel {
        id: Set(id),
        starts_at: Set(input.starts_at),
        minutes: Set(input.minutes),
        place: Set(input.place.clone()),
        capacity: Set(input.capacity),
        ..Default::default()
    }
    .update(db)
    .await
    .map(|_| ())
}

/// Removes a slot.
pub async fn delete_slot(db: &impl ConnectionTrait, id: i32) -> Result<(), DbErr> {
    interview_slot::Entity::delete_by_id(id)
        .exec(db)
        .await
        .map(|_| ())
}

/// Which of the applications given have been told the interview times are ready.
pub async fn told_of(
    db: &impl ConnectionTrait,
    application_ids: &[i32],
) -> Result<Vec<interview_times_notice::Model>, DbErr> {
    interview_times_notice::Entity::find()
        .filter(interview_times_notice::Column::ApplicationId.is_in(application_ids.to_vec()))
        .all(db)
        .await
}

/// Records that the application's applicant was told the interview times are ready. Returns
/// false if they had been told already (by a press at the same moment, say).
pub async fn record_told(
    db: &impl ConnectionTrait,
    application_id: i32,
    by: i32,
) -> Result<bool, DbErr> {
    let inserted = interview_times_notice::Entity::insert(interview_times_notice::ActiveModel {
        application_id: Set(application_id),
        told_by: Set(by),
        told_at: Set(now()),
    })
    .on_conflict(
        OnConflict::column(interview_times_notice::Column::ApplicationId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}

/// Erases the feedback of an application's interview outcome (free text about the person);
/// whether they were appointable stays.
pub async fn erase_outcome_feedback(
    db: &impl ConnectionTrait,
    application_id: i32,
) -> Result<(), DbErr> {
    interview_outcome::Entity::update_many()
        .col_expr(interview_outcome::Column::Feedback, "".into())
        .filter(interview_outcome::Column::ApplicationId.eq(application_id))
        .exec(db)
        .await
        .map(|_| ())
}
