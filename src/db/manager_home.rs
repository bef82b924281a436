//! Read-only counts for a hiring manager's home: for each vacancy of their organisation, how
//! many applications wait at each point of the pipeline, and the retention checkpoints due.
//! Every query is limited to the one organisation's vacancies or employment records.

use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};
use time::{Date, OffsetDateTime};

use crate::domain::application::Stage;
use crate::domain::employment::Route;
use crate::entities::{
    application, employment_checkpoint, employment_record, interview_booking, interview_slot,
    offer, panel_member, shortlisting, vacancy,
};

/// The IDs of an organisation's vacancies, as a subquery.
fn vacancies_of(organisation_id: i32) -> SelectStatement {
    Query::select()
        .column(vacancy::Column::Id)
        .from(vacancy::Entity)
        .and_where(vacancy::Column::OrganisationId.eq(organisation_id))
        .to_owned()
}

/// The IDs of an organisation's applications at `stage`, as a subquery.
fn applications_at(organisation_id: i32, stage: Stage) -> SelectStatement {
    Query::select()
        .column(application::Column::Id)
        .from(application::Entity)
        .and_where(application::Column::Stage.eq(stage))
        .and_where(application::Column::VacancyId.in_subquery(vacancies_of(organisation_id)))
        .to_owned()
}

/// How many sent applications each vacancy of the organisation has at each stage:
/// (vacancy ID, stage name, count).
pub async fn stage_counts(
    db: &impl ConnectionTrait,
    organisation_id: i32,
) -> Result<Vec<(i32, String, i64)>, DbErr> {
    application::Entity::find()
        .select_only()
        .column(application::Column::VacancyId)
        .column(application::Column::Stage)
        .column_as(application::Column::Id.count(), "n")
        .filter(application::Column::VacancyId.in_subquery(vacancies_of(organisation_id)))
        .filter(application::Column::SubmittedAt.is_not_null())
        .group_by(application::Column::VacancyId)
        .group_by(application::Column::Stage)
        .into_tuple::<(i32, String, i64)>()
        .all(db)
        .await
}

/// When each booked interview of the organisation starts (an application is at "interview
/// booked" until its outcome is recorded): (vacancy ID, start), one per booking.
pub async fn booked_interview_times(
    db: &impl ConnectionTrait,
    organisation_id: i32,
) -> Result<Vec<(i32, OffsetDateTime)>, DbErr> {
    let booked: Vec<i32> = interview_booking::Entity::find()
        .select_only()
        .column(interview_booking::Column::SlotId)
        .filter(
            interview_booking::Column::ApplicationId
                .in_subquery(applications_at(organisation_id, Stage::InterviewBooked)),
        )
        .into_tuple()
        .all(db)
        .await?;
    let slots: Vec<(i32, i32, OffsetDateTime)> = interview_slot::Entity::find()
        .select_only()
        .column(interview_slot::Column::Id)
        .column(interview_slot::Column::VacancyId)
        .column(interview_slot::Column::StartsAt)
        .filter(interview_slot::Column::Id.is_in(booked.clone()))
        .filter(interview_slot::Column::VacancyId.in_subquery(vacancies_of(organisation_id)))
        .into_tuple()
        .all(db)
        .await?;
    Ok(booked
        .into_iter()
        .filter_map(|slot_id| {
            slots
                .iter()
                .find(|(id, _, _)| *id == slot_id)
                .map(|(_, vacancy_id, starts)| (*vacancy_id, *starts))
        })
        .collect())
}

/// The organisation's interview slots starting after `from` that still have a place free:
/// the vacancy ID of each.
pub async fn bookable_slots(
    db: &impl ConnectionTrait,
    organisation_id: i32,
    from: OffsetDateTime,
) -> Result<Vec<i32>, DbErr> {
    let slots: Vec<(i32, i32, i32)> = interview_slot::Entity::find()
        .select_only()
        .column(interview_slot::Column::Id)
        .column(interview_slot::Column::VacancyId)
        .column(interview_slot::Column::Capacity)
        .filter(interview_slot::Column::VacancyId.in_subquery(vacancies_of(organisation_id)))
        .filter(interview_slot::Column::StartsAt.gt(from))
        .into_tuple()
        .all(db)
        .await?;
    let ids: Vec<i32> = slots.iter().map(|(id, _, _)| *id).collect();
    let taken: Vec<(i32, i64)> = interview_booking::Entity::find()
        .select_only()
        .column(interview_booking::Column::SlotId)
        .column_as(interview_booking::Column::ApplicationId.count(), "n")
        .filter(interview_booking::Column::SlotId.is_in(ids))
        .group_by(interview_booking::Column::SlotId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(slots
        .into_iter()
        .filter(|(id, _, capacity)| {
            let booked = taken.iter().find(|(s, _)| s == id).map_or(0, |(_, n)| *n);
            booked < i64::from(*capacity)
        })
        .map(|(_, vacancy_id, _)| vacancy_id)
        .collect())
}

/// The organisation's offers still at "conditional offer", by vacancy and status ("offered":
/// not answered; "accepted": checks under way): (vacancy ID, status, count).
pub async fn open_offer_counts(
    db: &impl ConnectionTrait,
    organisation_id: i32,
) -> Result<Vec<(i32, String, i64)>, DbErr> {
    offer::Entity::find()
        .select_only()
        .column(offer::Column::VacancyId)
        .column(offer::Column::Status)
        .column_as(offer::Column::ApplicationId.count(), "n")
        .filter(offer::Column::VacancyId.in_subquery(vacancies_of(organisation_id)))
        .filter(
            offer::Column::ApplicationId
                .in_subquery(applications_at(organisation_id, Stage::ConditionalOffer)),
        )
        .group_by(offer::Column::VacancyId)
        .group_by(offer::Column::Status)
        .into_tuple::<(i32, String, i64)>()
        .all(db)
        .await
}

/// The organisation's vacancies whose shortlisting is complete.
pub async fn completed_shortlistings(
    db: &impl ConnectionTrait,
    organisation_id: i32,
) -> Result<Vec<i32>, DbErr> {
    shortlisting::Entity::find()
        .select_only()
        .column(shortlisting::Column::VacancyId)
        .filter(shortlisting::Column::VacancyId.in_subquery(vacancies_of(organisation_id)))
        .filter(shortlisting::Column::CompletedAt.is_not_null())
        .into_tuple()
        .all(db)
        .await
}

/// The organisation's vacancies whose panel `user_id` is on.
pub async fn panel_seats(
    db: &impl ConnectionTrait,
    organisation_id: i32,
    user_id: i32,
) -> Result<Vec<i32>, DbErr> {
    panel_member::Entity::find()
        .select_only()
        .column(panel_member::Column::VacancyId)
        .filter(panel_member::Column::UserId.eq(user_id))
        .filter(panel_member::Column::VacancyId.in_subquery(vacancies_of(organisation_id)))
        .into_tuple()
        .all(db)
        .await
}

/// How many of the organisation's retention checkpoints are still to record and due on or
/// before `on` (pass today for "due", yesterday for "overdue"): only those of people hired
/// through the service, never of records from an ESR extract (the champion's only).
pub async fn checkpoints_due_by(
    db: &impl ConnectionTrait,
    organisation_id: i32,
    on: Date,
) -> Result<u64, DbErr> {
    let records = Query::select()
        .column(employment_record::Column::Id)
        .from(employment_record::Entity)
        .and_where(employment_record::Column::OrganisationId.eq(organisation_id))
        .and_where(employment_record::Column::Route.eq(Route::Spectra))
        .to_owned();
    employment_checkpoint::Entity::find()
        .filter(employment_checkpoint::Column::EmploymentRecordId.in_subquery(records))
        .filter(employment_checkpoint::Column::Outcome.is_null())
        .filter(employment_checkpoint::Column::DueOn.lte(on))
        .count(db)
        .await
}
