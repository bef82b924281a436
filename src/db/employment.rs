//! The `employment_records` and `employment_checkpoints` tables: retention tracking
//! (DOMAIN.md §7).

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr,
    EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder, QuerySelect, Statement,
};
use time::Date;

use crate::db::now;
use crate::domain::employment::{
    CHECKPOINT_MONTHS, CheckpointOutcome, CheckpointSource, EndKind, Route, checkpoint_due,
};
use crate::entities::{employment_checkpoint, employment_record, organisation};

mod hires;

pub use hires::{
    HireCounts, ListedHire, hire_counts, hires_by_next_checkpoint,
    hires_with_checkpoints_to_record, hires_with_nothing_to_record,
};

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
        route: Set(new.route),
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

/// A person's employment records, oldest first: those of their account, and those of their
/// applications (a record from an ESR import has neither).
pub async fn of_person(
    db: &impl ConnectionTrait,
    user_id: i32,
    application_ids: &[i32],
) -> Result<Vec<employment_record::Model>, DbErr> {
    employment_record::Entity::find()
        .filter(
            Condition::any()
                .add(employment_record::Column::UserId.eq(user_id))
                .add(employment_record::Column::ApplicationId.is_in(application_ids.to_vec())),
        )
        .order_by_asc(employment_record::Column::Id)
        .all(db)
        .await
}

/// An employment record by ID, locked until the transaction ends (on Postgres; SQLite has one
/// writer at a time), so that two managers recording at once are judged one after the other.
pub async fn find_for_update(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<employment_record::Model>, DbErr> {
    employment_record::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await
}

/// A checkpoint by ID.
pub async fn find_checkpoint(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<employment_checkpoint::Model>, DbErr> {
    employment_checkpoint::Entity::find_by_id(id).one(db).await
}

/// Records the outcome of a checkpoint that has none yet. Returns whether it was recorded:
/// false when someone else recorded it first.
pub async fn record_outcome(
    db: &impl ConnectionTrait,
    checkpoint_id: i32,
    outcome: CheckpointOutcome,
    recorded_by: i32,
) -> Result<bool, DbErr> {
    let done = employment_checkpoint::Entity::update_many()
        .col_expr(employment_checkpoint::Column::Outcome, Expr::value(outcome))
        .col_expr(
            employment_checkpoint::Column::Source,
            Expr::value(CheckpointSource::Manager),
        )
        .col_expr(
            employment_checkpoint::Column::RecordedBy,
            Expr::value(recorded_by),
        )
        .col_expr(
            employment_checkpoint::Column::RecordedAt,
            Expr::value(now()),
        )
        .filter(employment_checkpoint::Column::Id.eq(checkpoint_id))
        .filter(employment_checkpoint::Column::Outcome.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Closes the checkpoints of a record still unrecorded that fall after `date`, or (with
/// `later_than`) come after that checkpoint: there is nothing to record once someone has gone.
/// Returns the months of the checkpoints closed.
pub async fn close_checkpoints(
    db: &impl ConnectionTrait,
    employment_record_id: i32,
    date: Date,
    later_than: Option<i32>,
    recorded_by: i32,
) -> Result<Vec<i32>, DbErr> {
    let mut after = Condition::any().add(employment_checkpoint::Column::DueOn.gt(date));
    if let Some(months) = later_than {
        after = after.add(employment_checkpoint::Column::Months.gt(months));
    }
    let closing: Vec<employment_checkpoint::Model> = employment_checkpoint::Entity::find()
        .filter(employment_checkpoint::Column::EmploymentRecordId.eq(employment_record_id))
        .filter(employment_checkpoint::Column::Outcome.is_null())
        .filter(after)
        .order_by_asc(employment_checkpoint::Column::Months)
        .all(db)
        .await?;
    let ids: Vec<i32> = closing.iter().map(|c| c.id).collect();
    close_checkpoint_ids(db, &ids, recorded_by).await?;
    Ok(closing.into_iter().map(|c| c.months).collect())
}

/// How an employment ended, as stored on the record.
#[derive(Clone, Copy, Debug)]
pub struct Ending<'a> {
    /// The last day, or the day of the move.
    pub date: Date,
    /// Left, or moved within the NHS.
    pub kind: EndKind,
    /// ESR's leaving reason code.
    pub leaving_reason: Option<&'a str>,
    /// The NHS organisation they moved to.
    pub moved_to: Option<&'a str>,
}

/// Records the end of an employment not yet ended. Returns whether it was recorded: false when
/// it had already ended.
pub async fn end(
    db: &impl ConnectionTrait,
    employment_record_id: i32,
    ending: Ending<'_>,
) -> Result<bool, DbErr> {
    let done = employment_record::Entity::update_many()
        .col_expr(employment_record::Column::EndDate, Expr::value(ending.date))
        .col_expr(employment_record::Column::EndKind, Expr::value(ending.kind))
        .col_expr(
            employment_record::Column::LeavingReason,
            Expr::value(ending.leaving_reason.map(str::to_owned)),
        )
        .col_expr(
            employment_record::Column::MovedTo,
            Expr::value(ending.moved_to.map(str::to_owned)),
        )
        .col_expr(employment_record::Column::UpdatedAt, Expr::value(now()))
        .filter(employment_record::Column::Id.eq(employment_record_id))
        .filter(employment_record::Column::EndDate.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// A checkpoint still to record, with what identifies the employment without naming anyone.
#[derive(Clone, Debug, FromQueryResult)]
pub struct OpenCheckpoint {
    /// The checkpoint.
    pub id: i32,
    /// 3, 6, 12 or 24.
    pub months: i32,
    /// When it fell due.
    pub due_on: Date,
    /// Its employment record.
    pub employment_record_id: i32,
    /// The record's organisation.
    pub organisation_id: i32,
    /// The organisation's name.
    pub organisation: String,
    /// Job role.
    pub role: String,
    /// Start date.
    pub start_date: Date,
}

/// Every checkpoint due before `today` and not recorded, by organisation name and then the
/// longest overdue first.
pub async fn overdue(db: &impl ConnectionTrait, today: Date) -> Result<Vec<OpenCheckpoint>, DbErr> {
    open_checkpoints()
        .filter(employment_checkpoint::Column::DueOn.lt(today))
        .order_by_asc(organisation::Column::Name)
        .order_by_asc(employment_record::Column::OrganisationId)
        .order_by_asc(employment_checkpoint::Column::DueOn)
        .order_by_asc(employment_checkpoint::Column::Id)
        .into_model::<OpenCheckpoint>()
        .all(db)
        .await
}

/// Unrecorded checkpoints joined with their record and organisation.
fn open_checkpoints() -> sea_orm::Select<employment_checkpoint::Entity> {
    let record = employment_checkpoint::Entity::belongs_to(employment_record::Entity)
        .from(employment_checkpoint::Column::EmploymentRecordId)
        .to(employment_record::Column::Id);
    let organisation = employment_record::Entity::belongs_to(organisation::Entity)
        .from(employment_record::Column::OrganisationId)
        .to(organisation::Column::Id);
    employment_checkpoint::Entity::find()
        .select_only()
        .column(employment_checkpoint::Column::Id)
        .column(employment_checkpoint::Column::Months)
        .column(employment_checkpoint::Column::DueOn)
        .column(employment_checkpoint::Column::EmploymentRecordId)
        .column(employment_record::Column::OrganisationId)
        .column_as(organisation::Column::Name, "organisation")
        .column(employment_record::Column::Role)
        .column(employment_record::Column::StartDate)
        .join(JoinType::InnerJoin, record.into())
        .join(JoinType::InnerJoin, organisation.into())
        .filter(employment_checkpoint::Column::Outcome.is_null())
}

/// Which reminder of a checkpoint: when it falls due, or once it is overdue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reminder {
    /// The checkpoint has fallen due.
    Due,
    /// The checkpoint is [`crate::domain::employment::OVERDUE_AFTER_DAYS`] days overdue.
    Overdue,
}

/// The organisations with a reminder to send: an unrecorded checkpoint of someone hired
/// through the service (ESR's records are tracked from ESR, for the champion only) due by
/// `today` and not yet reminded, or due by `overdue_by` and not yet reminded as overdue.
pub async fn organisations_to_remind(
    db: &impl ConnectionTrait,
    today: Date,
    overdue_by: Date,
) -> Result<Vec<i32>, DbErr> {
    let record = employment_checkpoint::Entity::belongs_to(employment_record::Entity)
        .from(employment_checkpoint::Column::EmploymentRecordId)
        .to(employment_record::Column::Id);
    employment_checkpoint::Entity::find()
        .select_only()
        .column(employment_record::Column::OrganisationId)
        .distinct()
        .join(JoinType::InnerJoin, record.into())
        .filter(employment_record::Column::Route.eq(Route::Spectra))
        .filter(employment_checkpoint::Column::Outcome.is_null())
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(employment_checkpoint::Column::DueOn.lte(today))
                        .add(employment_checkpoint::Column::DueRemindedAt.is_null()),
                )
                .add(
                    Condition::all()
                        .add(employment_checkpoint::Column::DueOn.lte(overdue_by))
                        .add(employment_checkpoint::Column::OverdueRemindedAt.is_null()),
                ),
        )
        .order_by_asc(employment_record::Column::OrganisationId)
        .into_tuple::<i32>()
        .all(db)
        .await
}

/// Locks an organisation's reminders for this transaction, unless another worker holds them:
/// then it returns false and the caller leaves that organisation to it. On Postgres the
/// organisation's row is taken with `FOR NO KEY UPDATE SKIP LOCKED` (which does not block
/// rows that refer to it); SQLite has one writer at a time, which gives the same guarantee.
pub async fn lock_organisation_reminders(
    db: &impl ConnectionTrait,
    organisation_id: i32,
) -> Result<bool, DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(true);
    }
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id FROM organisations WHERE id = $1 FOR NO KEY UPDATE SKIP LOCKED",
            [organisation_id.into()],
        ))
        .await?;
    Ok(row.is_some())
}

/// Claims an organisation's checkpoints due a reminder of this kind and marks them reminded;
/// only those of people hired through the service, never of records from an ESR extract.
/// Those claimed for the overdue reminder are marked as reminded when due too, so that a
/// checkpoint first seen already overdue gets one reminder, not two. Rows locked by another
/// transaction (on Postgres, with `FOR UPDATE SKIP LOCKED`) are left for the next run.
pub async fn claim_reminders(
    db: &impl ConnectionTrait,
    organisation_id: i32,
    reminder: Reminder,
    due_by: Date,
) -> Result<Vec<OpenCheckpoint>, DbErr> {
    let backend = db.get_database_backend();
    let (p, skip_locked) = match backend {
        DbBackend::Postgres => (["$1", "$2", "$3"], " FOR UPDATE OF c SKIP LOCKED"),
        // Numbered, because the time is bound once and used twice.
        _ => (["?1", "?2", "?3"], ""),
    };
    let set = match reminder {
        Reminder::Due => format!("due_reminded_at = {}", p[0]),
        Reminder::Overdue => format!(
            "overdue_reminded_at = {now}, due_reminded_at = COALESCE(due_reminded_at, {now})",
            now = p[0]
        ),
    };
    let unreminded = match reminder {
        Reminder::Due => "c.due_reminded_at IS NULL",
        Reminder::Overdue => "c.overdue_reminded_at IS NULL",
    };
    let sql = format!(
        "UPDATE employment_checkpoints SET {set} \
         WHERE id IN (SELECT c.id FROM employment_checkpoints c \
           JOIN employment_records r ON r.id = c.employment_record_id \
           WHERE r.organisation_id = {org} AND r.route = 'spectra' AND c.outcome IS NULL \
             AND c.due_on <= {due_by} AND {unreminded}{skip_locked}) \
         RETURNING id",
        org = p[1],
        due_by = p[2],
    );
    let now = now();
    let claimed: Vec<i32> = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [now.into(), organisation_id.into(), due_by.into()],
        ))
        .await?
        .iter()
        .map(|row| row.try_get::<i32>("", "id"))
        .collect::<Result<_, _>>()?;
    let mut found = Vec::with_capacity(claimed.len());
    for ids in claimed.chunks(500) {
        found.extend(
            open_checkpoints()
                .filter(employment_checkpoint::Column::Id.is_in(ids.iter().copied()))
                .into_model::<OpenCheckpoint>()
                .all(db)
                .await?,
        );
    }
    found.sort_by_key(|c| (c.due_on, c.id));
    Ok(found)
}

/// The most values bound in one `IN (…)` list: well under SQLite's and Postgres's limits.
const IN_CHUNK: usize = 500;

/// Holds the ESR import's lock until the transaction ends, so two imports are applied one after
/// the other (Postgres; SQLite's single writer does this already).
pub async fn lock_for_esr_import(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    if db.get_database_backend() == DbBackend::Postgres {
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
        .col_expr(employment_record::Column::EndKind, Expr::value(kind))
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
    source: CheckpointSource,
    recorded_by: Option<i32>,
) -> Result<bool, DbErr> {
    let result = employment_checkpoint::Entity::update_many()
        .col_expr(employment_checkpoint::Column::Outcome, Expr::value(outcome))
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

/// The checkpoints of these employment records, by record and then months.
pub async fn checkpoints_of_records(
    db: &impl ConnectionTrait,
    record_ids: &[i32],
) -> Result<Vec<employment_checkpoint::Model>, DbErr> {
    let mut found = Vec::new();
    for chunk in record_ids.chunks(IN_CHUNK) {
        found.extend(
            employment_checkpoint::Entity::find()
                .filter(employment_checkpoint::Column::EmploymentRecordId.is_in(chunk.to_vec()))
                .order_by_asc(employment_checkpoint::Column::EmploymentRecordId)
                .order_by_asc(employment_checkpoint::Column::Months)
                .all(db)
                .await?,
        );
    }
    Ok(found)
}

/// Sets how an employment ended, or (with `None`) that it has not: a correction, on a record
/// locked in this transaction.
pub async fn set_end(
    db: &impl ConnectionTrait,
    employment_record_id: i32,
    ending: Option<Ending<'_>>,
) -> Result<(), DbErr> {
    employment_record::Entity::update_many()
        .col_expr(
            employment_record::Column::EndDate,
            Expr::value(ending.map(|e| e.date)),
        )
        .col_expr(
            employment_record::Column::EndKind,
            Expr::value(ending.map(|e| e.kind)),
        )
        .col_expr(
            employment_record::Column::LeavingReason,
            Expr::value(ending.and_then(|e| e.leaving_reason.map(str::to_owned))),
        )
        .col_expr(
            employment_record::Column::MovedTo,
            Expr::value(ending.and_then(|e| e.moved_to.map(str::to_owned))),
        )
        .col_expr(employment_record::Column::UpdatedAt, Expr::value(now()))
        .filter(employment_record::Column::Id.eq(employment_record_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Reopens checkpoints: their outcome, source and who recorded them are cleared, so that they
/// can be recorded again (and are reminded of again).
pub async fn reopen_checkpoints(db: &impl ConnectionTrait, ids: &[i32]) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    let none = Option::<sea_orm::prelude::TimeDateTimeWithTimeZone>::None;
    employment_checkpoint::Entity::update_many()
        .col_expr(
            employment_checkpoint::Column::Outcome,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            employment_checkpoint::Column::Source,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            employment_checkpoint::Column::RecordedBy,
            Expr::value(Option::<i32>::None),
        )
        .col_expr(employment_checkpoint::Column::RecordedAt, Expr::value(none))
        .col_expr(
            employment_checkpoint::Column::DueRemindedAt,
            Expr::value(none),
        )
        .col_expr(
            employment_checkpoint::Column::OverdueRemindedAt,
            Expr::value(none),
        )
        .filter(employment_checkpoint::Column::Id.is_in(ids.to_vec()))
        .exec(db)
        .await
        .map(|_| ())
}

/// Closes these open checkpoints: they fall after the person left.
pub async fn close_checkpoint_ids(
    db: &impl ConnectionTrait,
    ids: &[i32],
    recorded_by: i32,
) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    employment_checkpoint::Entity::update_many()
        .col_expr(
            employment_checkpoint::Column::Outcome,
            Expr::value(CheckpointOutcome::Closed),
        )
        .col_expr(
            employment_checkpoint::Column::Source,
            Expr::value(CheckpointSource::Manager),
        )
        .col_expr(
            employment_checkpoint::Column::RecordedBy,
            Expr::value(recorded_by),
        )
        .col_expr(
            employment_checkpoint::Column::RecordedAt,
            Expr::value(now()),
        )
        .filter(employment_checkpoint::Column::Id.is_in(ids.to_vec()))
        .filter(employment_checkpoint::Column::Outcome.is_null())
        .exec(db)
        .await
        .map(|_| ())
}

/// Starts an employment record already known to have ended (`ending`: the date, left or moved,
/// and the leaving reason's code) or not, with its four checkpoints and the outcomes already
/// known for them (by months), recorded from `source`: two statements, for imports of many
/// rows. Call inside a transaction.
pub async fn start_recorded(
    db: &impl ConnectionTrait,
    new: &NewEmployment,
    ending: Option<(Date, EndKind, &str)>,
    outcomes: &[(i32, Option<CheckpointOutcome>)],
    source: CheckpointSource,
) -> Result<employment_record::Model, DbErr> {
    let at = now();
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
        route: Set(new.route),
        assignment_number: Set(new.assignment_number.clone()),
        end_date: Set(ending.map(|(date, _, _)| date)),
        end_kind: Set(ending.map(|(_, kind, _)| kind)),
        leaving_reason: Set(ending.map(|(_, _, reason)| reason.to_owned())),
        moved_to: Set(None),
        created_at: Set(at),
        updated_at: Set(ending.map(|_| at)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let checkpoints = CHECKPOINT_MONTHS.iter().map(|&months| {
        let outcome = outcomes
            .iter()
            .find(|(m, _)| *m == months)
            .and_then(|(_, o)| *o);
        employment_checkpoint::ActiveModel {
            employment_record_id: Set(record.id),
            months: Set(months),
            due_on: Set(checkpoint_due(new.start_date, months)),
            outcome: Set(outcome),
            source: Set(outcome.map(|_| source)),
            recorded_by: Set(None),
            recorded_at: Set(outcome.map(|_| at)),
            ..Default::default()
        }
    });
    employment_checkpoint::Entity::insert_many(checkpoints)
        .exec(db)
        .await?;
    Ok(record)
}
