//! Queries, one named function each, in the module of the table they touch.
//! Functions that must share a transaction with others take `&impl ConnectionTrait`.

pub mod applicant_profiles;
pub mod applications;
pub mod audit;
pub mod browser_bindings;
pub mod employment;
pub mod esr_import_jobs;
pub mod esr_uploads;
pub mod interviews;
pub mod invitations;
pub mod kept_forms;
pub mod login_throttles;
pub mod manager_home;
pub mod mentoring;
pub mod offers;
pub mod organisations;
pub mod outbox;
pub mod programmes;
pub mod reference_data;
pub mod reports;
pub mod sessions;
pub mod shortlisting;
pub mod user_tokens;
pub mod users;
pub mod vacancies;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};

/// Whether a write failed because a unique index already holds the value: the loser of two
/// writes at once, which the workflow turns into a refusal.
pub fn is_unique_violation(e: &sea_orm::DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// A negative count read from a column (see [`crate::domain::count`]) is a fault in what is
/// stored, reported as the column failing to read.
impl From<crate::domain::count::NegativeCount> for sea_orm::DbErr {
    fn from(e: crate::domain::count::NegativeCount) -> Self {
        sea_orm::DbErr::TryIntoErr {
            from: "a signed count",
            into: "an unsigned count",
            source: std::sync::Arc::new(e),
        }
    }
}

/// The current time, to the microsecond (as precise as Postgres keeps it).
pub fn now() -> time::OffsetDateTime {
    let now = time::OffsetDateTime::now_utc();
    now.replace_nanosecond(now.nanosecond() / 1_000 * 1_000)
        .unwrap_or(now)
}

/// Opens the pool. SQLite gets one connection, because it allows one writer at a time and a
/// second connection would fail with "database is locked" instead of waiting its turn.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_owned());
    options.sqlx_logging(false);
    if url.starts_with("sqlite:") {
        options.max_connections(1).min_connections(1);
    } else {
        options.max_connections(10);
    }
    let db = Database::connect(options).await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared(
            "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
        )
        .await?;
    }
    Ok(db)
}

/// Whether the database answers, for `/readyz`.
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.ping().await.is_ok()
}
