//! Large ESR extracts as background work (issue 22): an uploaded extract is checked and kept
//! on the server for the person who uploaded it; its preview shows counts and the first rows;
//! the import they confirm runs as a job, in batches, on a worker of any instance.
//!
//! What stays as it was (`services::esr`): every row is checked before anything is written, and
//! a file with any bad row changes nothing; the import makes the plan again on what is stored
//! and writes nothing unless it is the plan previewed; the same file twice changes nothing the
//! second time; the import is audited, with counts only.
//!
//! What is new: the writes go in batches of [`BATCH_ROWS`] rows, each in its own transaction,
//! judged on the records read and locked in it, together with the job's progress. The job is
//! not one transaction (one holding 200,000 rows' locks, and SQLite's only connection, for
//! minutes would stop everyone else), so the all-or-nothing promise is kept this way: nothing
//! is written until the whole file has passed its checks and its plan is the one previewed; a
//! restart resumes after the last batch written; a job that fails after writing batches (an
//! organisation code removed meanwhile, say) says how many rows it wrote, is audited with what
//! it wrote, and importing the same file again finishes it, as rows already written are
//! unchanged. The audit event of a finished job is written once, with its last batch.
//!
//! Parsing, hashing and the plan's fingerprint run on blocking threads, so the pages and
//! `/readyz` keep answering while a large file is read.

use anyhow::Context;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, TransactionTrait};
use sha2::{Digest, Sha256};
use time::{Date, OffsetDateTime};

use crate::db::esr_import_jobs::{self, BatchCounts, NewJob, Totals};
use crate::db::esr_uploads::{self, NewUpload};
use crate::domain::count::{NegativeCount, stored_count};
use crate::domain::esr::{self as rules, BadRow, EsrRow};
use crate::domain::esr_import::{
    BAD_ROWS_SHOWN, BATCH_ROWS, Failure, JobStatus, LEASE, UPLOAD_KEPT_FOR, gives_up, not_shown,
    with_commas,
};
use crate::entities::esr_import_job;
use crate::services::esr::{self, EsrRefusal, ImportSummary, Plan};
use crate::services::{Actor, Outcome};

/// A checked upload, kept, with what it would change.
#[derive(Debug)]
pub struct Previewed {
    /// The kept file, for the import.
    pub upload_id: i32,
    /// What it would change.
    pub plan: Plan,
    /// The plan's fingerprint, to tell at the import whether it changed.
    pub fingerprint: String,
}

/// Why a kept upload cannot be previewed.
#[derive(Debug)]
pub enum KeptRefusal {
    /// It is not kept for this person: deleted after its import or a day, replaced by a newer
    /// upload, or someone else's.
    Gone,
    /// Its rows no longer pass the checks (an organisation code removed meanwhile).
    BadRows(Vec<BadRow>),
}

/// The kept upload is not there for this person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UploadGone;

/// A file read and checked, with its text and its hash.
struct Checked {
    text: String,
    rows: Vec<EsrRow>,
    sha256: String,
}

/// Reads and checks a file's text, parsing on a blocking thread: every row, then the
/// organisations of the rows to be stored. Gives every bad row in line order.
async fn check_text(
    db: &impl ConnectionTrait,
    text: String,
    today: Date,
) -> Outcome<Checked, Vec<BadRow>> {
    let (checked, mut bad) = tokio::task::spawn_blocking(move || {
        let (rows, bad) = rules::read_all(&text, today);
        let sha256 = hex::encode(Sha256::digest(text.as_bytes()));
        (Checked { text, rows, sha256 }, bad)
    })
    .await
    .context("reading an ESR extract")?;
    bad.extend(esr::check_organisations(db, &checked.rows).await?);
    bad.sort_by_key(|b| b.line);
    Ok(if bad.is_empty() {
        Ok(checked)
    } else {
        Err(bad)
    })
}

/// A plan with its fingerprint, worked out on a blocking thread (it writes out every change).
async fn with_fingerprint(plan: Plan) -> anyhow::Result<(Plan, String)> {
    tokio::task::spawn_blocking(move || {
        let fingerprint = plan.fingerprint();
        (plan, fingerprint)
    })
    .await
    .context("fingerprinting an ESR plan")
}

/// What the rows would change, written nowhere but with every organisation checked.
async fn plan_of(
    db: &impl ConnectionTrait,
    rows: &[EsrRow],
    today: Date,
) -> Outcome<Plan, Vec<BadRow>> {
    Ok(match esr::preview(db, rows, today).await? {
        Ok(plan) => Ok(plan),
        Err(EsrRefusal::BadRows(bad)) => Err(bad),
        Err(EsrRefusal::PlanChanged(plan)) => Ok(*plan),
    })
}

/// Checks an uploaded file (`text`, already within the limits and UTF-8) and works out what it
/// would change; if every row is good, keeps it for `by`'s import, replacing their
/// earlier uploads that no job is importing. Nothing else is written.
pub async fn upload(
    db: &DatabaseConnection,
    by: Actor<'_>,
    text: String,
    today: Date,
    now: OffsetDateTime,
) -> Outcome<Previewed, Vec<BadRow>> {
    let checked = match check_text(db, text, today).await? {
        Ok(checked) => checked,
        Err(bad) => return Ok(Err(bad)),
    };
    let plan = match plan_of(db, &checked.rows, today).await? {
        Ok(plan) => plan,
        Err(bad) => return Ok(Err(bad)),
    };
    let Checked {
        text, rows, sha256, ..
    } = checked;
    drop(rows);
    let (plan, fingerprint) = with_fingerprint(plan).await?;
    let new = NewUpload {
        user_id: by.id,
        sha256,
        content: text.into_bytes(),
        rows: i32::try_from(plan.rows).unwrap_or(i32::MAX),
    };
    let txn = db.begin().await?;
    esr_uploads::delete_replaced(&txn, by.id).await?;
    let upload_id = esr_uploads::insert(&txn, new, now).await?;
    txn.commit().await?;
    Ok(Ok(Previewed {
        upload_id,
        plan,
        fingerprint,
    }))
}

/// The preview of an upload kept for `by`, worked out again on what is stored now.
pub async fn preview_kept(
    db: &DatabaseConnection,
    by: Actor<'_>,
    upload_id: i32,
    today: Date,
) -> Outcome<Previewed, KeptRefusal> {
    let Some(upload) = esr_uploads::find_for_user(db, upload_id, by.id).await? else {
        return Ok(Err(KeptRefusal::Gone));
    };
    let text = String::from_utf8(upload.content).context("a kept ESR extract is not UTF-8")?;
    let checked = match check_text(db, text, today).await? {
        Ok(checked) => checked,
        Err(bad) => return Ok(Err(KeptRefusal::BadRows(bad))),
    };
    let plan = match plan_of(db, &checked.rows, today).await? {
        Ok(plan) => plan,
        Err(bad) => return Ok(Err(KeptRefusal::BadRows(bad))),
    };
    drop(checked);
    let (plan, fingerprint) = with_fingerprint(plan).await?;
    Ok(Ok(Previewed {
        upload_id,
        plan,
        fingerprint,
    }))
}

/// Queues the import of an upload kept for `by`, as previewed with `fingerprint`; gives
/// the job's ID. Pressing the button twice queues one job: the second press gets the first's.
pub async fn queue_import(
    db: &DatabaseConnection,
    by: Actor<'_>,
    upload_id: i32,
    fingerprint: &str,
    today: Date,
    now: OffsetDateTime,
) -> Outcome<i32, UploadGone> {
    let txn = db.begin().await?;
    if !esr_uploads::lock_for_user(&txn, upload_id, by.id).await? {
        return Ok(Err(UploadGone));
    }
    if let Some(job) = esr_import_jobs::active_for_upload(&txn, upload_id).await? {
        return Ok(Ok(job.id));
    }
    let job = esr_import_jobs::insert(
        &txn,
        NewJob {
            user_id: by.id,
            upload_id,
            expected_fingerprint: fingerprint.chars().take(64).collect(),
            import_date: today,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(job.id))
}

/// An import job as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobView {
    /// Its ID.
    pub id: i32,
    /// Where it is.
    pub status: JobStatus,
    /// Why it failed.
    pub failure: Option<Failure>,
    /// The problems of rows it could not import, one a line.
    pub problems: Vec<String>,
    /// The kept file, while it is kept.
    pub upload_id: Option<i32>,
    /// Rows to write, and how many are written.
    pub stored_rows: usize,
    /// Rows written.
    pub processed_rows: usize,
    /// What it did so far (all of it once done).
    pub summary: ImportSummary,
    /// When it was queued.
    pub created_at: OffsetDateTime,
}

/// A stored count as a `usize`; a negative one is an error (`domain::count`).
fn count(n: i32) -> Result<usize, NegativeCount> {
    stored_count(n).map(|n| n as usize)
}

fn summary_of(job: &esr_import_job::Model) -> Result<ImportSummary, NegativeCount> {
    Ok(ImportSummary {
        rows: count(job.total_rows)?,
        created: count(job.created)?,
        updated: count(job.updated)?,
        closed: count(job.closed)?,
        proved_in_post: count(job.proved_in_post)?,
        unchanged: count(job.unchanged)?,
        kept: count(job.kept)?,
        not_care_experienced: count(job.not_care_experienced)?,
        unnumbered: count(job.unnumbered)?,
    })
}

impl TryFrom<esr_import_job::Model> for JobView {
    type Error = NegativeCount;

    fn try_from(job: esr_import_job::Model) -> Result<Self, NegativeCount> {
        Ok(JobView {
            id: job.id,
            status: job.status,
            failure: job.failure,
            problems: job
                .problems
                .as_deref()
                .map(|p| p.lines().map(str::to_owned).collect())
                .unwrap_or_default(),
            upload_id: job.upload_id,
            stored_rows: count(job.stored_rows)?,
            processed_rows: count(job.processed_rows)?,
            summary: summary_of(&job)?,
            created_at: job.created_at,
        })
    }
}

/// A job `user_id` started, if there is one with this ID.
pub async fn job_for_user(
    db: &impl ConnectionTrait,
    user_id: i32,
    id: i32,
) -> anyhow::Result<Option<JobView>> {
    match esr_import_jobs::find_for_user(db, id, user_id).await? {
        Some(job) => Ok(Some(JobView::try_from(job)?)),
        None => Ok(None),
    }
}

/// The last few jobs `user_id` started, newest first.
pub async fn recent_jobs(db: &impl ConnectionTrait, user_id: i32) -> anyhow::Result<Vec<JobView>> {
    Ok(esr_import_jobs::recent_for_user(db, user_id, 5)
        .await?
        .into_iter()
        .map(JobView::try_from)
        .collect::<Result<_, _>>()?)
}

/// The bad rows as the lines a job keeps: the first [`BAD_ROWS_SHOWN`], then how many more.
fn problem_lines(bad: &[BadRow]) -> String {
    let mut lines: Vec<String> = bad
        .iter()
        .take(BAD_ROWS_SHOWN)
        .map(ToString::to_string)
        .collect();
    let more = not_shown(bad.len(), BAD_ROWS_SHOWN);
    if more > 0 {
        lines.push(format!(
            "and {} more {} with problems",
            with_commas(more),
            if more == 1 { "row" } else { "rows" }
        ));
    }
    lines.join("\n")
}

/// Why a worker stopped working on a job before its batches.
enum Stop {
    /// The job failed, with the problems of its rows if that is why.
    Failed(Failure, Option<String>),
    /// Another worker holds the job now.
    LostClaim,
}

/// How a batch ended.
enum BatchEnd {
    /// Written, with the job's progress.
    Written,
    /// Another worker holds the job now: nothing written.
    LostClaim,
    /// Rows that cannot be imported: nothing of this batch written.
    Refused(Vec<BadRow>),
}

/// Claims the next job that is waiting (or whose worker stopped) for `worker`, and runs it to
/// its end, or until `stop` says the instance is stopping (the job goes back in the queue).
/// Returns whether there was a job.
pub async fn run_next<F: Fn() -> bool + Sync>(
    db: &DatabaseConnection,
    worker: &str,
    now: OffsetDateTime,
    stop: &F,
) -> anyhow::Result<bool> {
    let Some(job) = esr_import_jobs::claim_next(db, worker, now, LEASE).await? else {
        return Ok(false);
    };
    let id = job.id;
    if let Err(e) = run_claimed(db, job, worker, stop).await {
        // Taken up again at once; a job that keeps failing is given up after its attempts.
        if let Err(release) = esr_import_jobs::release(db, id, worker).await {
            tracing::warn!(job = id, error = %release, "cannot put an ESR import back in the queue");
        }
        return Err(e.context(format!("ESR import job {id}")));
    }
    Ok(true)
}

/// Runs a job this worker has claimed.
async fn run_claimed<F: Fn() -> bool + Sync>(
    db: &DatabaseConnection,
    job: esr_import_job::Model,
    worker: &str,
    stop: &F,
) -> anyhow::Result<()> {
    if gives_up(job.attempts) {
        return fail(db, &job, worker, Failure::GaveUp, None).await;
    }
    let rows = match prepare(db, &job, worker).await? {
        Ok(rows) => rows,
        Err(Stop::Failed(failure, problems)) => {
            return fail(db, &job, worker, failure, problems).await;
        }
        Err(Stop::LostClaim) => return Ok(()),
    };
    let total = rows.len();
    let mut from = count(job.processed_rows)?;
    anyhow::ensure!(from <= total, "the job is past the end of its file");
    loop {
        if stop() {
            esr_import_jobs::release(db, job.id, worker).await?;
            tracing::info!(job = job.id, "ESR import paused: this instance is stopping");
            return Ok(());
        }
        let to = (from + BATCH_ROWS).min(total);
        match write_batch(db, &job, worker, from, &rows[from..to], to == total).await? {
            BatchEnd::Written if to == total => {
                tracing::info!(job = job.id, rows = total, "ESR import done");
                return Ok(());
            }
            BatchEnd::Written => from = to,
            BatchEnd::LostClaim => return Ok(()),
            BatchEnd::Refused(bad) => {
                return fail(
                    db,
                    &job,
                    worker,
                    Failure::BadRows,
                    Some(problem_lines(&bad)),
                )
                .await;
            }
        }
    }
}

/// Reads the job's file and checks it again; before its first batch, also makes the plan and
/// compares it with the one previewed, and sets the counts of the whole file. Gives the rows to
/// write, in file order.
async fn prepare(
    db: &DatabaseConnection,
    job: &esr_import_job::Model,
    worker: &str,
) -> anyhow::Result<Result<Vec<EsrRow>, Stop>> {
    let gone = || Ok(Err(Stop::Failed(Failure::UploadGone, None)));
    let Some(upload_id) = job.upload_id else {
        return gone();
    };
    let Some(content) = esr_uploads::content_of(db, upload_id).await? else {
        return gone();
    };
    let text = String::from_utf8(content).context("a kept ESR extract is not UTF-8")?;
    let rows = match check_text(db, text, job.import_date).await? {
        Ok(checked) => checked.rows,
        Err(bad) => {
            return Ok(Err(Stop::Failed(
                Failure::BadRows,
                Some(problem_lines(&bad)),
            )));
        }
    };
    if job.processed_rows == 0 {
        let plan = match plan_of(db, &rows, job.import_date).await? {
            Ok(plan) => plan,
            Err(bad) => {
                return Ok(Err(Stop::Failed(
                    Failure::BadRows,
                    Some(problem_lines(&bad)),
                )));
            }
        };
        let (plan, fingerprint) = with_fingerprint(plan).await?;
        if fingerprint != job.expected_fingerprint {
            return Ok(Err(Stop::Failed(Failure::PlanChanged, None)));
        }
        let stored = rows.iter().filter(|r| r.is_stored()).count();
        let as_i32 = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        let totals = Totals {
            total_rows: as_i32(plan.rows),
            stored_rows: as_i32(stored),
            not_care_experienced: as_i32(plan.not_care_experienced),
            unnumbered: as_i32(plan.unnumbered),
        };
        if !esr_import_jobs::set_totals(db, job.id, worker, totals).await? {
            return Ok(Err(Stop::LostClaim));
        }
    }
    Ok(Ok(rows.into_iter().filter(EsrRow::is_stored).collect()))
}

/// Writes rows `from..` of the job's rows to write in one transaction, with the job's
/// progress; the last batch also finishes the job, audits it and deletes its file.
async fn write_batch(
    db: &DatabaseConnection,
    job: &esr_import_job::Model,
    worker: &str,
    from: usize,
    rows: &[EsrRow],
    last: bool,
) -> anyhow::Result<BatchEnd> {
    let now = crate::db::now();
    let as_i32 = |n: usize| i32::try_from(n).context("too many rows");
    let txn = db.begin().await?;
    if !esr_import_jobs::hold(&txn, job.id, worker, as_i32(from)?, now + LEASE).await? {
        txn.rollback().await?;
        return Ok(BatchEnd::LostClaim);
    }
    let summary = match esr::import_batch(&txn, rows, job.import_date).await? {
        Ok(summary) => summary,
        Err(bad) => {
            txn.rollback().await?;
            return Ok(BatchEnd::Refused(bad));
        }
    };
    let counts = BatchCounts {
        created: as_i32(summary.created)?,
        updated: as_i32(summary.updated)?,
        closed: as_i32(summary.closed)?,
        proved_in_post: as_i32(summary.proved_in_post)?,
        unchanged: as_i32(summary.unchanged)?,
        kept: as_i32(summary.kept)?,
    };
    esr_import_jobs::add_batch(&txn, job.id, as_i32(from + rows.len())?, counts).await?;
    if last {
        esr_import_jobs::finish(&txn, job.id, now).await?;
        let done = esr_import_jobs::find(&txn, job.id)
            .await?
            .context("the job went while it ran")?;
        esr::audit_import(&txn, done.user_id, &summary_of(&done)?, Some(job.id), None).await?;
        if let Some(upload_id) = job.upload_id {
            esr_uploads::delete(&txn, upload_id).await?;
        }
    }
    txn.commit().await?;
    Ok(BatchEnd::Written)
}

/// Marks the job failed, deletes its file unless it may be imported again, and audits what it
/// wrote if it wrote any batch.
async fn fail(
    db: &DatabaseConnection,
    job: &esr_import_job::Model,
    worker: &str,
    failure: Failure,
    problems: Option<String>,
) -> anyhow::Result<()> {
    let txn = db.begin().await?;
    if !esr_import_jobs::fail(&txn, job.id, worker, failure, problems, crate::db::now()).await? {
        // Another worker holds it now.
        txn.rollback().await?;
        return Ok(());
    }
    if let (Some(upload_id), false) = (job.upload_id, failure.keeps_upload()) {
        esr_uploads::delete(&txn, upload_id).await?;
    }
    let failed = esr_import_jobs::find(&txn, job.id)
        .await?
        .context("the job went while it ran")?;
    if failed.processed_rows > 0 {
        let summary = summary_of(&failed)?;
        esr::audit_import(
            &txn,
            failed.user_id,
            &summary,
            Some(job.id),
            Some(failure.as_str()),
        )
        .await?;
    }
    txn.commit().await?;
    tracing::warn!(
        job = job.id,
        failure = failure.as_str(),
        "ESR import failed"
    );
    Ok(())
}

/// Deletes uploads kept for longer than a day that no job is importing; returns how many.
pub async fn sweep(db: &impl ConnectionTrait, now: OffsetDateTime) -> Result<u64, DbErr> {
    esr_uploads::delete_older_than(db, now - UPLOAD_KEPT_FOR).await
}
