//! The `esr_import_jobs` table: imports of kept ESR extracts, run in the background in batches
//! (issue 22).
//!
//! A worker claims a job with a conditional update (on Postgres the row is picked with
//! `FOR UPDATE SKIP LOCKED`; SQLite has one writer at a time), and holds it by name: every
//! batch first checks, in its own transaction, that the job is still this worker's and at the
//! row the worker thinks, so two workers never write the same batch, and a worker whose claim
//! lapsed and was taken over stops.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
};
use time::{Date, Duration, OffsetDateTime};

use crate::domain::esr_import::{Failure, JobStatus};
use crate::entities::esr_import_job::{self, Column};

/// What a new job holds.
#[derive(Clone, Debug)]
pub struct NewJob {
    /// Who started it.
    pub user_id: i32,
    /// The kept file.
    pub upload_id: i32,
    /// The fingerprint of the plan previewed.
    pub expected_fingerprint: String,
    /// The date of the import.
    pub import_date: Date,
}

/// Queues a job.
pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewJob,
    now: OffsetDateTime,
) -> Result<esr_import_job::Model, DbErr> {
    esr_import_job::ActiveModel {
        user_id: Set(Some(new.user_id)),
        upload_id: Set(Some(new.upload_id)),
        status: Set(JobStatus::Queued),
        expected_fingerprint: Set(new.expected_fingerprint),
        import_date: Set(new.import_date),
        total_rows: Set(0),
        stored_rows: Set(0),
        processed_rows: Set(0),
        created: Set(0),
        updated: Set(0),
        closed: Set(0),
        proved_in_post: Set(0),
        unchanged: Set(0),
        kept: Set(0),
        not_care_experienced: Set(0),
        unnumbered: Set(0),
        failure: Set(None),
        problems: Set(None),
        claimed_by: Set(None),
        lease_until: Set(None),
        attempts: Set(0),
        created_at: Set(now),
        started_at: Set(None),
        finished_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// A job by ID.
pub async fn find(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<esr_import_job::Model>, DbErr> {
    esr_import_job::Entity::find_by_id(id).one(db).await
}

/// A job by ID, if `user_id` started it.
pub async fn find_for_user(
    db: &impl ConnectionTrait,
    id: i32,
    user_id: i32,
) -> Result<Option<esr_import_job::Model>, DbErr> {
    esr_import_job::Entity::find_by_id(id)
        .filter(Column::UserId.eq(user_id))
        .one(db)
        .await
}

/// The queued or running job importing this upload, if any.
pub async fn active_for_upload(
    db: &impl ConnectionTrait,
    upload_id: i32,
) -> Result<Option<esr_import_job::Model>, DbErr> {
    esr_import_job::Entity::find()
        .filter(Column::UploadId.eq(upload_id))
        .filter(Column::Status.is_in([JobStatus::Queued, JobStatus::Running]))
        .one(db)
        .await
}

/// A user's most recent jobs, newest first.
pub async fn recent_for_user(
    db: &impl ConnectionTrait,
    user_id: i32,
    limit: u64,
) -> Result<Vec<esr_import_job::Model>, DbErr> {
    esr_import_job::Entity::find()
        .filter(Column::UserId.eq(user_id))
        .order_by_desc(Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// Claims the oldest job that is queued, or running under a claim that lapsed before `now`
/// (its worker stopped), for the worker `worker` until `now + lease`. Counts the attempt.
pub async fn claim_next(
    db: &impl ConnectionTrait,
    worker: &str,
    now: OffsetDateTime,
    lease: Duration,
) -> Result<Option<esr_import_job::Model>, DbErr> {
    let backend = db.get_database_backend();
    let (p, skip_locked) = match backend {
        DbBackend::Postgres => (["$1", "$2", "$3", "$4", "$5"], " FOR UPDATE SKIP LOCKED"),
        _ => (["?", "?", "?", "?", "?"], ""),
    };
    let claimable =
        |now: &str| format!("(status = 'queued' OR (status = 'running' AND lease_until < {now}))");
    let sql = format!(
        "UPDATE esr_import_jobs SET status = 'running', claimed_by = {worker}, \
           lease_until = {lease}, attempts = attempts + 1, \
           started_at = COALESCE(started_at, {started}) \
         WHERE id IN (SELECT id FROM esr_import_jobs WHERE {inner} \
           ORDER BY id LIMIT 1{skip_locked}) AND {outer} \
         RETURNING *",
        worker = p[0],
        lease = p[1],
        started = p[2],
        inner = claimable(p[3]),
        outer = claimable(p[4]),
    );
    let statement = Statement::from_sql_and_values(
        backend,
        sql,
        [
            worker.into(),
            (now + lease).into(),
            now.into(),
            now.into(),
            now.into(),
        ],
    );
    esr_import_job::Entity::find()
        .from_raw_sql(statement)
        .one(db)
        .await
}

/// Whether `worker` still holds the job at `processed` rows; if so renews its claim until
/// `lease_until`. The first write of a batch's transaction: it locks the job's row, so a
/// second worker waits here and then finds the job moved on.
pub async fn hold(
    db: &impl ConnectionTrait,
    id: i32,
    worker: &str,
    processed: i32,
    lease_until: OffsetDateTime,
) -> Result<bool, DbErr> {
    let result = esr_import_job::Entity::update_many()
        .col_expr(Column::LeaseUntil, Expr::value(Some(lease_until)))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(JobStatus::Running))
        .filter(Column::ClaimedBy.eq(worker))
        .filter(Column::ProcessedRows.eq(processed))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The counts of the whole file, set before the first batch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Rows in the file.
    pub total_rows: i32,
    /// Rows to write.
    pub stored_rows: i32,
    /// Rows not marked care experienced.
    pub not_care_experienced: i32,
    /// Rows marked care experienced without an assignment number.
    pub unnumbered: i32,
}

/// Sets the counts of the whole file, if `worker` still holds the job.
pub async fn set_totals(
    db: &impl ConnectionTrait,
    id: i32,
    worker: &str,
    totals: Totals,
) -> Result<bool, DbErr> {
    let result = esr_import_job::Entity::update_many()
        .col_expr(Column::TotalRows, Expr::value(totals.total_rows))
        .col_expr(Column::StoredRows, Expr::value(totals.stored_rows))
        .col_expr(
            Column::NotCareExperienced,
            Expr::value(totals.not_care_experienced),
        )
        .col_expr(Column::Unnumbered, Expr::value(totals.unnumbered))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(JobStatus::Running))
        .filter(Column::ClaimedBy.eq(worker))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// What one batch did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchCounts {
    /// Records created.
    pub created: i32,
    /// Records whose fields changed.
    pub updated: i32,
    /// Records that gained an end date.
    pub closed: i32,
    /// Checkpoints recorded as in post.
    pub proved_in_post: i32,
    /// Rows whose records did not change.
    pub unchanged: i32,
    /// Endings the file disagreed with, left as they were.
    pub kept: i32,
}

/// Adds a written batch to the job: its rows up to `processed` and its counts; the job has
/// written a batch, so its attempts start again. Call after [`hold`], in the same transaction.
pub async fn add_batch(
    db: &impl ConnectionTrait,
    id: i32,
    processed: i32,
    counts: BatchCounts,
) -> Result<(), DbErr> {
    let plus = |column: Column, n: i32| Expr::col(column).add(n);
    esr_import_job::Entity::update_many()
        .col_expr(Column::ProcessedRows, Expr::value(processed))
        .col_expr(Column::Created, plus(Column::Created, counts.created))
        .col_expr(Column::Updated, plus(Column::Updated, counts.updated))
        .col_expr(Column::Closed, plus(Column::Closed, counts.closed))
        .col_expr(
            Column::ProvedInPost,
            plus(Column::ProvedInPost, counts.proved_in_post),
        )
        .col_expr(Column::Unchanged, plus(Column::Unchanged, counts.unchanged))
        .col_expr(Column::Kept, plus(Column::Kept, counts.kept))
        .col_expr(Column::Attempts, Expr::value(0))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Marks a job done and lets go of it (after its last batch, in the same transaction).
pub async fn finish(db: &impl ConnectionTrait, id: i32, now: OffsetDateTime) -> Result<(), DbErr> {
    esr_import_job::Entity::update_many()
        .col_expr(Column::Status, Expr::value(JobStatus::Done))
        .col_expr(Column::ClaimedBy, Expr::value(Option::<String>::None))
        .col_expr(
            Column::LeaseUntil,
            Expr::value(Option::<OffsetDateTime>::None),
        )
        .col_expr(Column::FinishedAt, Expr::value(Some(now)))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Marks a job failed, if `worker` still holds it; says whether it did.
pub async fn fail(
    db: &impl ConnectionTrait,
    id: i32,
    worker: &str,
    failure: Failure,
    problems: Option<String>,
    now: OffsetDateTime,
) -> Result<bool, DbErr> {
    let result = esr_import_job::Entity::update_many()
        .col_expr(Column::Status, Expr::value(JobStatus::Failed))
        .col_expr(Column::Failure, Expr::value(Some(failure)))
        .col_expr(Column::Problems, Expr::value(problems))
        .col_expr(Column::ClaimedBy, Expr::value(Option::<String>::None))
        .col_expr(
            Column::LeaseUntil,
            Expr::value(Option::<OffsetDateTime>::None),
        )
        .col_expr(Column::FinishedAt, Expr::value(Some(now)))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(JobStatus::Running))
        .filter(Column::ClaimedBy.eq(worker))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Puts a job `worker` holds back in the queue (its instance is stopping, or a batch failed),
/// so that a worker takes it up again at once rather than when the claim lapses.
pub async fn release(db: &impl ConnectionTrait, id: i32, worker: &str) -> Result<bool, DbErr> {
    let result = esr_import_job::Entity::update_many()
        .col_expr(Column::Status, Expr::value(JobStatus::Queued))
        .col_expr(Column::ClaimedBy, Expr::value(Option::<String>::None))
        .col_expr(
            Column::LeaseUntil,
            Expr::value(Option::<OffsetDateTime>::None),
        )
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(JobStatus::Running))
        .filter(Column::ClaimedBy.eq(worker))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
