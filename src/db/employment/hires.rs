//! A hiring manager's list of the people their organisation hired through the service, read a
//! page at a time: the counts for the whole organisation and each record's next checkpoint come
//! from the database (counted and joined there, by index), never from loading every record and
//! every checkpoint. Records from an ESR extract are the champion's only: never counted or
//! listed.
//!
//! The list has two parts: those with a checkpoint to record, by when the next falls due; then
//! those with nothing left to record, newest start first. Each part is read a page at a time
//! in an order an index gives, so a page near the top of either reads about a page of rows.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement, Value};
use time::Date;

use crate::domain::employment::{EndKind, Route};

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
    /// Left, or moved within the NHS.
    pub end_kind: Option<EndKind>,
    /// When the earliest checkpoint not yet recorded falls due; none when nothing is left to
    /// record.
    pub next_due: Option<Date>,
    /// That checkpoint's months (3, 6, 12 or 24).
    pub next_months: Option<i32>,
}

/// What the list shows of a record, and the name of its person where they have an account
/// (from `users u`), for a query on `employment_records r`.
const COLUMNS: &str = "r.id, r.application_id, u.full_name, r.assignment_number, r.role, \
     r.band, r.start_date, r.end_date, r.end_kind";

/// A statement with `$n` placeholders, written as the backend numbers them.
fn statement(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = match backend {
        DbBackend::Postgres => sql.to_owned(),
        _ => sql.replace('$', "?"),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// How many people the organisation hired through the service, and how many of them have a
/// checkpoint overdue on `today` (due before it and not recorded). Counted in the database: the
/// records by `idx_employment_records_organisation_route`, the overdue checkpoints (few) by
/// `idx_employment_checkpoints_due`.
pub async fn hire_counts(
    db: &impl ConnectionTrait,
    organisation_id: i32,
    today: Date,
) -> Result<HireCounts, DbErr> {
    let sql = "SELECT (SELECT COUNT(*) FROM employment_records r \
           WHERE r.organisation_id = $1 AND r.route = $2) AS total, \
         (SELECT COUNT(DISTINCT c.employment_record_id) FROM employment_checkpoints c \
           JOIN employment_records r ON r.id = c.employment_record_id \
           WHERE r.organisation_id = $1 AND r.route = $2 \
           AND c.outcome IS NULL AND c.due_on < $3) AS overdue";
    let values = vec![organisation_id.into(), Route::Spectra.into(), today.into()];
    let counts = HireCounts::find_by_statement(statement(db.get_database_backend(), sql, values))
        .one(db)
        .await?;
    Ok(counts.unwrap_or_default())
}

/// How many of the organisation's hires through the service have a checkpoint still to record.
pub async fn hires_with_checkpoints_to_record(
    db: &impl ConnectionTrait,
    organisation_id: i32,
) -> Result<i64, DbErr> {
    let sql = "SELECT COUNT(DISTINCT c.employment_record_id) AS n \
         FROM employment_checkpoints c JOIN employment_records r ON r.id = c.employment_record_id \
         WHERE r.organisation_id = $1 AND r.route = $2 AND c.outcome IS NULL";
    let values = vec![organisation_id.into(), Route::Spectra.into()];
    let row = db
        .query_one_raw(statement(db.get_database_backend(), sql, values))
        .await?;
    row.map_or(Ok(0), |row| row.try_get::<i64>("", "n"))
}

/// The organisation's hires through the service that have a checkpoint still to record, by
/// when their next one falls due (the earliest unrecorded: the longest overdue first), then
/// the newest start: `limit` of them from `offset`, each with that checkpoint.
///
/// The unrecorded checkpoints are read in due order (`idx_employment_checkpoints_open_due`),
/// each a record's next one if the record has none earlier (`idx_employment_checkpoints_open`),
/// so the database can stop once it has the page: the first pages read a page of rows, not the
/// organisation's.
pub async fn hires_by_next_checkpoint(
    db: &impl ConnectionTrait,
    organisation_id: i32,
    offset: u64,
    limit: u64,
) -> Result<Vec<ListedHire>, DbErr> {
    let sql = format!(
        "SELECT {COLUMNS}, c.due_on AS next_due, c.months AS next_months \
         FROM employment_checkpoints c \
         JOIN employment_records r ON r.id = c.employment_record_id \
         LEFT JOIN users u ON u.id = r.user_id \
         WHERE c.outcome IS NULL AND r.organisation_id = $1 AND r.route = $2 \
         AND NOT EXISTS (SELECT 1 FROM employment_checkpoints e \
           WHERE e.employment_record_id = c.employment_record_id AND e.outcome IS NULL \
           AND (e.due_on < c.due_on OR (e.due_on = c.due_on AND e.months < c.months))) \
         ORDER BY c.due_on, r.start_date DESC, r.id DESC LIMIT $3 OFFSET $4"
    );
    page_of(db, &sql, organisation_id, offset, limit).await
}

/// The organisation's hires through the service with nothing left to record, newest start
/// first: `limit` of them from `offset`.
pub async fn hires_with_nothing_to_record(
    db: &impl ConnectionTrait,
    organisation_id: i32,
    offset: u64,
    limit: u64,
) -> Result<Vec<ListedHire>, DbErr> {
    let sql = format!(
        "SELECT {COLUMNS}, CAST(NULL AS DATE) AS next_due, CAST(NULL AS INTEGER) AS next_months \
         FROM employment_records r LEFT JOIN users u ON u.id = r.user_id \
         WHERE r.organisation_id = $1 AND r.route = $2 \
         AND NOT EXISTS (SELECT 1 FROM employment_checkpoints e \
           WHERE e.employment_record_id = r.id AND e.outcome IS NULL) \
         ORDER BY r.start_date DESC, r.id DESC LIMIT $3 OFFSET $4"
    );
    page_of(db, &sql, organisation_id, offset, limit).await
}

/// Runs a page query whose placeholders are the organisation, the route, the limit and the
/// offset.
async fn page_of(
    db: &impl ConnectionTrait,
    sql: &str,
    organisation_id: i32,
    offset: u64,
    limit: u64,
) -> Result<Vec<ListedHire>, DbErr> {
    let values = vec![
        organisation_id.into(),
        Route::Spectra.into(),
        i64::try_from(limit).unwrap_or(i64::MAX).into(),
        i64::try_from(offset).unwrap_or(i64::MAX).into(),
    ];
    ListedHire::find_by_statement(statement(db.get_database_backend(), sql, values))
        .all(db)
        .await
}
