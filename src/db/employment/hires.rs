//! A hiring manager's list of the people their organisation hired through the service, read a
//! page at a time: the counts for the whole organisation and each record's next checkpoint come
//! from the database (grouped there, by index), never from loading every record and every
//! checkpoint. Records from an ESR extract are the champion's only: never counted or listed.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement, Value};
use time::Date;

use crate::domain::employment::Route;

/// An organisation's hires through the service, counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, FromQueryResult)]
pub struct HireCounts {
    /// Employment records.
    pub total: i64,
    /// Of them, those with a checkpoint that fell due before the day counted and is not
    /// recorded.
    pub overdue: i64,
}

/// One employment record of a page of the list, with its next checkpoint still to record.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct ListedHire {
    /// The record.
    pub id: i32,
    /// The application hired from, if any.
    pub application_id: Option<i32>,
    /// The name of the person's account, where they have one.
    pub full_name: Option<String>,
    /// Their ESR assignment number, if known.
    pub assignment_number: Option<String>,
    /// Job role.
    pub role: String,
    /// Agenda for Change band.
    pub band: String,
    /// Start date.
    pub start_date: Date,
    /// Leaving or moving date.
    pub end_date: Option<Date>,
    /// `left` or `moved`.
    pub end_kind: Option<String>,
    /// When the earliest checkpoint not yet recorded falls due; none when nothing is left to
    /// record.
    pub next_due: Option<Date>,
    /// That checkpoint's months (3, 6, 12 or 24).
    pub next_months: Option<i32>,
}

/// The organisation's SPECTRA records, each with the due date of its earliest unrecorded
/// checkpoint (one read of `idx_employment_checkpoints_open` per record).
const RECORDS: &str = "SELECT r.id, r.application_id, r.user_id, r.assignment_number, r.role, \
     r.band, r.start_date, r.end_date, r.end_kind, \
     (SELECT MIN(c.due_on) FROM employment_checkpoints c \
      WHERE c.employment_record_id = r.id AND c.outcome IS NULL) AS next_due \
     FROM employment_records r WHERE r.organisation_id = $1 AND r.route = $2";

/// The list's order, of rows of [`RECORDS`] named `alias`: those with a checkpoint to record
/// first, the earliest due (the longest overdue) at the top; then those with nothing left to
/// record; the newest start first within.
fn order_of(alias: &str) -> String {
    format!(
        "ORDER BY CASE WHEN {alias}.next_due IS NULL THEN 1 ELSE 0 END, {alias}.next_due, \
         {alias}.start_date DESC, {alias}.id DESC"
    )
}

/// A statement with `$n` placeholders, written as the backend numbers them.
fn statement(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = match backend {
        DbBackend::Postgres => sql.to_owned(),
        _ => sql.replace('$', "?"),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// How many people the organisation hired through the service, and how many of them have a
/// checkpoint overdue on `today` (due before it and not recorded).
pub async fn hire_counts(
    db: &impl ConnectionTrait,
    organisation_id: i32,
    today: Date,
) -> Result<HireCounts, DbErr> {
    let sql = "SELECT COUNT(*) AS total, COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 \
         FROM employment_checkpoints c WHERE c.employment_record_id = r.id \
         AND c.outcome IS NULL AND c.due_on < $3) THEN 1 ELSE 0 END), 0) AS overdue \
         FROM employment_records r WHERE r.organisation_id = $1 AND r.route = $2";
    let values = vec![
        organisation_id.into(),
        Route::Spectra.as_str().into(),
        today.into(),
    ];
    let counts = HireCounts::find_by_statement(statement(db.get_database_backend(), sql, values))
        .one(db)
        .await?;
    Ok(counts.unwrap_or_default())
}

/// One page of the organisation's hires through the service, in the list's order (overdue
/// first): `limit` records from `offset`, with the names of those with an account.
pub async fn hires_page(
    db: &impl ConnectionTrait,
    organisation_id: i32,
    offset: u64,
    limit: u64,
) -> Result<Vec<ListedHire>, DbErr> {
    // The page is chosen first; only its rows get a name and their next checkpoint's months.
    let sql = format!(
        "SELECT q.id, q.application_id, u.full_name, q.assignment_number, q.role, q.band, \
         q.start_date, q.end_date, q.end_kind, q.next_due, \
         (SELECT MIN(c.months) FROM employment_checkpoints c \
          WHERE c.employment_record_id = q.id AND c.outcome IS NULL AND c.due_on = q.next_due) \
          AS next_months \
         FROM (SELECT p.* FROM ({RECORDS}) p {inner} LIMIT $3 OFFSET $4) q \
         LEFT JOIN users u ON u.id = q.user_id {outer}",
        inner = order_of("p"),
        outer = order_of("q"),
    );
    let values = vec![
        organisation_id.into(),
        Route::Spectra.as_str().into(),
        i64::try_from(limit).unwrap_or(i64::MAX).into(),
        i64::try_from(offset).unwrap_or(i64::MAX).into(),
    ];
    ListedHire::find_by_statement(statement(db.get_database_backend(), &sql, values))
        .all(db)
        .await
}
