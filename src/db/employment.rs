//! The `employment_records` and `employment_checkpoints` tables: retention tracking
//! (DOMAIN.md §7).

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use time::Date;

use crate::db::now;
use crate::domain::employment::{
    CHECKPOINT_MONTHS, CheckpointOutcome, EndKind, Route, checkpoint_due,
};
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

/// The most values bound in one `IN (…)` list: well under SQLite's and Postgres's limits.
const IN_CHUNK: usize = 500;

/// Holds the ESR import's lock until the transaction ends, so two imports are applied one after
/// the other (Postgres; SQLite's single writer does this already).
pub async fn lock_for_esr_import(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    if db.get_database_backend() == DatabaseBackend::Postgres {
        db.execute_unprepared("SELECT pg_advisory_xact_lock(hashtext('spectra_esr_import'))")
            .await?;
    }
    Ok(())
}

/// The employment records with these ESR assignment numbers.
pub async fn by_assignment_numbers(
    db: &impl ConnectionTrait,
    numbers: &[String],
) -> Result<Vec<employment_record::Model>, DbErr> {
    let mut found = Vec::new();
    for chunk in numbers.chunks(IN_CHUNK) {
        found.extend(
            employment_record::Entity::find()
                .filter(employment_record::Column::AssignmentNumber.is_in(chunk.iter().cloned()))
                .all(db)
                .await?,
        );
    }
    Ok(found)
}

/// The employment records with these ESR assignment numbers, locked until the transaction
/// ends.
pub async fn by_assignment_numbers_for_update(
    db: &impl ConnectionTrait,
    numbers: &[String],
) -> Result<Vec<employment_record::Model>, DbErr> {
    let mut found = Vec::new();
    for chunk in numbers.chunks(IN_CHUNK) {
        found.extend(
            employment_record::Entity::find()
                .filter(employment_record::Column::AssignmentNumber.is_in(chunk.iter().cloned()))
                .order_by_asc(employment_record::Column::Id)
                .lock_exclusive()
                .all(db)
                .await?,
        );
    }
    Ok(found)
}

/// Every employment record, oldest first (for the ESR export).
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<employment_record::Model>, DbErr> {
    employment_record::Entity::find()
        .order_by_asc(employment_record::Column::Id)
        .all(db)
        .await
}

/// What an ESR extract sets on an employment record.
#[derive(Clone, Debug)]
pub struct EsrDetails {
    /// The organisation.
    pub organisation_id: i32,
    /// Job role.
    pub role: String,
    /// ESR staff group.
    pub staff_group: String,
    /// Agenda for Change band.
    pub band: String,
    /// Start date.
    pub start_date: Date,
}

/// Sets the organisation, role, staff group, band and start date of a record from an ESR
/// extract.
pub async fn update_from_esr(
    db: &impl ConnectionTrait,
    id: i32,
    details: &EsrDetails,
) -> Result<(), DbErr> {
    employment_record::Entity::update_many()
        .col_expr(
            employment_record::Column::OrganisationId,
            Expr::value(details.organisation_id),
        )
        .col_expr(
            employment_record::Column::Role,
            Expr::value(details.role.clone()),
        )
        .col_expr(
            employment_record::Column::StaffGroup,
            Expr::value(details.staff_group.clone()),
        )
        .col_expr(
            employment_record::Column::Band,
            Expr::value(details.band.clone()),
        )
        .col_expr(
            employment_record::Column::StartDate,
            Expr::value(details.start_date),
        )
        .col_expr(employment_record::Column::UpdatedAt, Expr::value(now()))
        .filter(employment_record::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Moves the due dates of the record's checkpoints not yet recorded to follow a new start
/// date; their reminders are to be sent again.
pub async fn reschedule_unrecorded(
    db: &impl ConnectionTrait,
    employment_record_id: i32,
    start_date: Date,
) -> Result<(), DbErr> {
    for months in CHECKPOINT_MONTHS {
        employment_checkpoint::Entity::update_many()
            .col_expr(
                employment_checkpoint::Column::DueOn,
                Expr::value(checkpoint_due(start_date, months)),
            )
            .col_expr(
                employment_checkpoint::Column::DueRemindedAt,
                Expr::value(Option::<sea_orm::prelude::TimeDateTimeWithTimeZone>::None),
            )
            .col_expr(
                employment_checkpoint::Column::OverdueRemindedAt,
                Expr::value(Option::<sea_orm::prelude::TimeDateTimeWithTimeZone>::None),
            )
            .filter(employment_checkpoint::Column::EmploymentRecordId.eq(employment_record_id))
            .filter(employment_checkpoint::Column::Months.eq(months))
            .filter(employment_checkpoint::Column::Outcome.is_null())
            .filter(employment_checkpoint::Column::DueOn.ne(checkpoint_due(start_date, months)))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Records how an employment ended, if it has not ended already; says whether it was
/// recorded.
pub async fn record_end_if_open(
    db: &impl ConnectionTrait,
    id: i32,
    end_date: Date,
    kind: EndKind,
    leaving_reason: &str,
) -> Result<bool, DbErr> {
    let result = employment_record::Entity::update_many()
        .col_expr(employment_record::Column::EndDate, Expr::value(end_date))
        .col_expr(
            employment_record::Column::EndKind,
            Expr::value(kind.as_str()),
        )
        .col_expr(
            employment_record::Column::LeavingReason,
            Expr::value(leaving_reason),
        )
        .col_expr(employment_record::Column::UpdatedAt, Expr::value(now()))
        .filter(employment_record::Column::Id.eq(id))
        .filter(employment_record::Column::EndDate.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records the outcome of one of the record's checkpoints, if nothing is recorded for it yet;
/// says whether it was recorded.
pub async fn record_outcome_if_unrecorded(
    db: &impl ConnectionTrait,
    employment_record_id: i32,
    months: i32,
    outcome: CheckpointOutcome,
    source: &str,
    recorded_by: Option<i32>,
) -> Result<bool, DbErr> {
    let result = employment_checkpoint::Entity::update_many()
        .col_expr(
            employment_checkpoint::Column::Outcome,
            Expr::value(outcome.as_str()),
        )
        .col_expr(employment_checkpoint::Column::Source, Expr::value(source))
        .col_expr(
            employment_checkpoint::Column::RecordedBy,
            Expr::value(recorded_by),
        )
        .col_expr(
            employment_checkpoint::Column::RecordedAt,
            Expr::value(now()),
        )
        .filter(employment_checkpoint::Column::EmploymentRecordId.eq(employment_record_id))
        .filter(employment_checkpoint::Column::Months.eq(months))
        .filter(employment_checkpoint::Column::Outcome.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
