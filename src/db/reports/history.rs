//! The funnel's and the medians' figures counted straight from the stage history: the
//! straightforward queries that the summaries ([`super::summaries`]) replace on the dashboard,
//! kept as the oracle that the equivalence tests compare them with (issue 24 point 5). At a
//! million applications the stays' self-join takes seconds; the dashboard never runs these.

use sea_orm::{ConnectionTrait, DbErr};

use super::summaries::days_between;
use super::{FUNNEL, ReportFilter, Sql, StageCount, StageStay};

/// For each organisation, programme and funnel stage, the applications sent in the period that
/// ever reached the stage, from their stage history.
pub async fn funnel_counts(
    db: &impl ConnectionTrait,
    filter: &ReportFilter,
) -> Result<Vec<StageCount>, DbErr> {
    let mut sql = Sql::new(
        db.get_database_backend(),
        "SELECT v.organisation_id AS organisation_id, v.programme_id AS programme_id, \
         c.to_stage AS stage, COUNT(DISTINCT c.application_id) AS count \
         FROM application_stage_changes c \
         JOIN applications a ON a.id = c.application_id \
         JOIN vacancies v ON v.id = a.vacancy_id \
         WHERE a.submitted_at IS NOT NULL AND c.to_stage IN (",
    );
    for (i, stage) in FUNNEL.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(*stage);
    }
    sql.push(")")
        .application_filter(filter)
        .push(" GROUP BY v.organisation_id, v.programme_id, c.to_stage");
    sql.all(db).await
}

/// For each organisation, programme and stage, how long the applications sent in the period
/// stayed in the stage before moving on, as counts of stays by whole days: enough to find the
/// median without reading each stay.
pub async fn stage_stays(
    db: &impl ConnectionTrait,
    filter: &ReportFilter,
) -> Result<Vec<StageStay>, DbErr> {
    let backend = db.get_database_backend();
    let days = days_between(backend);
    let mut sql = Sql::new(
        backend,
        &format!(
            "SELECT v.organisation_id AS organisation_id, v.programme_id AS programme_id, \
             c_in.to_stage AS stage, {days} AS days, COUNT(*) AS count \
             FROM application_stage_changes c_in \
             JOIN application_stage_changes c_out \
               ON c_out.application_id = c_in.application_id AND c_out.from_stage = c_in.to_stage \
             JOIN applications a ON a.id = c_in.application_id \
             JOIN vacancies v ON v.id = a.vacancy_id \
             WHERE a.submitted_at IS NOT NULL"
        ),
    );
    sql.application_filter(filter).push(&format!(
        " GROUP BY v.organisation_id, v.programme_id, c_in.to_stage, {days}"
    ));
    sql.all(db).await
}
