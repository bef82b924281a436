//! The dashboard's summary tables (issue 24; `migrations/…_000034_report_summaries.rs`):
//! how many applications reached each funnel stage, and how long their stays in each stage
//! lasted, by organisation, programme (0: none), UTC day sent and stage. The funnel and the
//! medians read these few summed rows instead of joining the whole stage history, and give
//! exactly the figures that the history gives ([`super::history`], kept as the tests' oracle).
//!
//! They are kept up to date by [`record`], in the transaction that records each stage change
//! (`db::applications`, the only writer of stage changes while the service runs). Whatever
//! writes history by other means (the demo and synthetic seeders) calls [`rebuild`] after, as
//! can `spectra reports rebuild`. Stage changes are never deleted (a purge or an erasure keeps
//! them, DOMAIN.md §8), and a published vacancy's organisation and programme never change, so
//! nothing else can make the summaries wrong.

use sea_orm::{ConnectionTrait, DbBackend, DbErr};

use super::{FUNNEL, ReportFilter, Sql, StageCount, StageStay};

/// The UTC day an application `a` was sent, as the summaries key it.
fn day_sent(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "CAST((a.submitted_at AT TIME ZONE 'UTC') AS DATE)",
        _ => "substr(a.submitted_at, 1, 10)",
    }
}

/// Whole days between an entry `c_in` into a stage and an exit `c_out` from it, as the
/// history's self-join counts them on each backend.
pub(super) fn days_between(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => {
            "CAST(FLOOR(EXTRACT(EPOCH FROM (c_out.created_at - c_in.created_at)) / 86400) AS BIGINT)"
        }
        _ => {
            "CAST(julianday(substr(c_out.created_at, 1, 19)) \
             - julianday(substr(c_in.created_at, 1, 19)) AS INTEGER)"
        }
    }
}

/// Which stage changes a count covers: all of them (a rebuild), or the one just recorded.
#[derive(Clone, Copy)]
enum Scope {
    All,
    Change { id: i64, application_id: i32 },
}

/// Adds to `report_stage_reach` the applications that reached a funnel stage in `scope`. For
/// one new change, it counts only if the application had not reached that stage before (an
/// application can go back to "invited to interview" when a booking is cancelled).
fn reach(backend: DbBackend, scope: Scope) -> Sql {
    let day = day_sent(backend);
    let mut sql = Sql::new(
        backend,
        &format!(
            "INSERT INTO report_stage_reach \
             (organisation_id, programme_id, submitted_on, stage, count) \
             SELECT v.organisation_id, COALESCE(v.programme_id, 0), {day}, c.to_stage, \
             COUNT(DISTINCT c.application_id) \
             FROM application_stage_changes c \
             JOIN applications a ON a.id = c.application_id \
             JOIN vacancies v ON v.id = a.vacancy_id \
             WHERE a.submitted_at IS NOT NULL AND c.to_stage IN ("
        ),
    );
    for (i, stage) in FUNNEL.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(*stage);
    }
    sql.push(")");
    if let Scope::Change { id, .. } = scope {
        sql.push(" AND c.id = ").bind(id).push(
            " AND NOT EXISTS (SELECT 1 FROM application_stage_changes e \
             WHERE e.application_id = c.application_id AND e.to_stage = c.to_stage \
             AND e.id <> c.id)",
        );
    }
    sql.push(&format!(
        " GROUP BY v.organisation_id, COALESCE(v.programme_id, 0), {day}, c.to_stage \
         ON CONFLICT (organisation_id, programme_id, submitted_on, stage) \
         DO UPDATE SET count = report_stage_reach.count + excluded.count"
    ));
    sql
}

/// Adds to `report_stage_stays` the stays in `scope`: every entry into a stage paired with
/// every exit from it, as the history's self-join pairs them; for one new change, the pairs
/// it is part of, as an entry or as an exit.
fn stays(backend: DbBackend, scope: Scope) -> Sql {
    let day = day_sent(backend);
    let days = days_between(backend);
    let mut sql = Sql::new(
        backend,
        &format!(
            "INSERT INTO report_stage_stays \
             (organisation_id, programme_id, submitted_on, stage, days, count) \
             SELECT v.organisation_id, COALESCE(v.programme_id, 0), {day}, c_in.to_stage, \
             {days}, COUNT(*) \
             FROM application_stage_changes c_in \
             JOIN application_stage_changes c_out \
               ON c_out.application_id = c_in.application_id AND c_out.from_stage = c_in.to_stage \
             JOIN applications a ON a.id = c_in.application_id \
             JOIN vacancies v ON v.id = a.vacancy_id \
             WHERE a.submitted_at IS NOT NULL"
        ),
    );
    if let Scope::Change { id, application_id } = scope {
        sql.push(" AND c_in.application_id = ")
            .bind(application_id)
            .push(" AND (c_in.id = ")
            .bind(id)
            .push(" OR c_out.id = ")
            .bind(id)
            .push(")");
    }
    sql.push(&format!(
        " GROUP BY v.organisation_id, COALESCE(v.programme_id, 0), {day}, c_in.to_stage, {days} \
         ON CONFLICT (organisation_id, programme_id, submitted_on, stage, days) \
         DO UPDATE SET count = report_stage_stays.count + excluded.count"
    ));
    sql
}

/// Counts the stage change `id` of `application_id`, just recorded, into the summaries. Run
/// it in the transaction that recorded the change.
pub async fn record(db: &impl ConnectionTrait, id: i64, application_id: i32) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    if backend == DbBackend::Postgres {
        // Two transactions moving applications of one organisation add to the same summary
        // rows; each takes them in its own order, so on Postgres they could deadlock (SQLite
        // has one writer at a time). Taking the organisation's lock first orders them: the
        // second waits for the first to commit before it touches any summary row.
        let mut lock = Sql::new(
            backend,
            "SELECT pg_advisory_xact_lock(hashtext('spectra_report_summaries'), v.organisation_id) \
             FROM applications a JOIN vacancies v ON v.id = a.vacancy_id WHERE a.id = ",
        );
        lock.bind(application_id).execute(db).await?;
    }
    let scope = Scope::Change { id, application_id };
    reach(backend, scope).execute(db).await?;
    stays(backend, scope).execute(db).await
}

/// Counts both summaries again from the whole stage history. Run it in a transaction.
pub async fn rebuild(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    Sql::new(backend, "DELETE FROM report_stage_reach")
        .execute(db)
        .await?;
    Sql::new(backend, "DELETE FROM report_stage_stays")
        .execute(db)
        .await?;
    reach(backend, Scope::All).execute(db).await?;
    stays(backend, Scope::All).execute(db).await
}

/// The organisation, programme and day conditions of `filter` on a summary row.
fn summary_filter(sql: &mut Sql, filter: &ReportFilter) {
    if let Some(id) = filter.organisation_id {
        sql.push(" AND organisation_id = ").bind(id);
    }
    if let Some(id) = filter.programme_id {
        sql.push(" AND programme_id = ").bind(id);
    } else if filter.no_programme {
        sql.push(" AND programme_id = 0");
    }
    if let Some(from) = filter.from {
        sql.push(" AND submitted_on >= ").bind(from);
    }
    if let Some(to) = filter.to {
        sql.push(" AND submitted_on <= ").bind(to);
    }
}

/// For each organisation, programme and funnel stage, the applications sent in the period
/// that ever reached the stage.
pub async fn funnel_counts(
    db: &impl ConnectionTrait,
    filter: &ReportFilter,
) -> Result<Vec<StageCount>, DbErr> {
    let mut sql = Sql::new(
        db.get_database_backend(),
        "SELECT organisation_id, NULLIF(programme_id, 0) AS programme_id, stage, \
         CAST(SUM(count) AS BIGINT) AS count FROM report_stage_reach WHERE 1 = 1",
    );
    summary_filter(&mut sql, filter);
    sql.push(" GROUP BY organisation_id, programme_id, stage");
    sql.all(db).await
}

/// For each organisation, programme and stage, how long the applications sent in the period
/// stayed in the stage before moving on, as counts of stays by whole days.
pub async fn stage_stays(
    db: &impl ConnectionTrait,
    filter: &ReportFilter,
) -> Result<Vec<StageStay>, DbErr> {
    let mut sql = Sql::new(
        db.get_database_backend(),
        "SELECT organisation_id, NULLIF(programme_id, 0) AS programme_id, stage, days, \
         CAST(SUM(count) AS BIGINT) AS count FROM report_stage_stays WHERE 1 = 1",
    );
    summary_filter(&mut sql, filter);
    sql.push(" GROUP BY organisation_id, programme_id, stage, days");
    sql.all(db).await
}
