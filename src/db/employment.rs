//! The `employment_records` and `employment_checkpoints` tables: retention tracking
//! (DOMAIN.md §7).

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};
use time::Date;

use crate::db::now;
use crate::domain::employment::{CHECKPOINT_MONTHS, Route, checkpoint_due};
use crate::entities::{employment_checkpoint, employment_record};

/// What a new employment record holds.
#[derive(Clone, Debug)]
pub struct NewEmployment {
    /// The application hired from (SPECTRA hires only).
    pub application_id: Option<i32>,
    /// The person, where they have an account.
    pub user_id: Option<i32>,
    /// Their organisation.
    pub organisation_id: i32,
    /// The programme hired under, if any.
    pub programme_id: Option<i32>,
    /// Job role.
    pub role: String,
    /// Agenda for Change band.
    pub band: String,
    /// ESR staff group (one of [`crate::domain::employment::STAFF_GROUPS`]).
    pub staff_group: String,
    /// Start date.
    pub start_date: Date,
    /// Whether the post is an apprenticeship.
    pub apprenticeship: bool,
    /// How they came in.
    pub route: Route,
    /// Their ESR assignment number, if known.
    pub assignment_number: Option<String>,
}

/// Starts an employment record and its four checkpoints. Call inside a transaction.
pub async fn start(
    db: &impl ConnectionTrait,
    new: &NewEmployment,
) -> Result<employment_record::Model, DbErr> {
    let record = employment_record::ActiveModel {
        application_id: Set(new.application_id),
        user_id: Set(new.user_id),
        organisation_id: Set(new.organisation_id),
        programme_id: Set(new.programme_id),
        role: Set(new.role.clone()),
        band: Set(new.band.clone()),
        staff_group: Set(new.staff_group.clone()),
        start_date: Set(new.start_date),
        apprenticeship: Set(new.apprenticeship),
        route: Set(new.route.as_str().to_owned()),
        assignment_number: Set(new.assignment_number.clone()),
        end_date: Set(None),
        end_kind: Set(None),
        leaving_reason: Set(None),
        moved_to: Set(None),
        created_at: Set(now()),
        updated_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let checkpoints = CHECKPOINT_MONTHS
        .iter()
        .map(|&months| employment_checkpoint::ActiveModel {
            employment_record_id: Set(record.id),
            months: Set(months),
            due_on: Set(checkpoint_due(new.start_date, months)),
            ..Default::default()
        });
    employment_checkpoint::Entity::insert_many(checkpoints)
        .exec(db)
        .await?;
    Ok(record)
}

/// An employment record by ID.
pub async fn find(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<employment_record::Model>, DbErr> {
    employment_record::Entity::find_by_id(id).one(db).await
}

/// The employment record of an application, if the person started.
pub async fn of_application(
    db: &impl ConnectionTrait,
    application_id: i32,
) -> Result<Option<employment_record::Model>, DbErr> {
    employment_record::Entity::find()
        .filter(employment_record::Column::ApplicationId.eq(application_id))
        .one(db)
        .await
}

/// The checkpoints of an employment record, earliest first.
pub async fn checkpoints_of(
    db: &impl ConnectionTrait,
    employment_record_id: i32,
) -> Result<Vec<employment_checkpoint::Model>, DbErr> {
    employment_checkpoint::Entity::find()
        .filter(employment_checkpoint::Column::EmploymentRecordId.eq(employment_record_id))
        .order_by_asc(employment_checkpoint::Column::Months)
        .all(db)
        .await
}
