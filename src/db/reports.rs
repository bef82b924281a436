//! Aggregate reads for the champion's dashboard (DOMAIN.md §5.6, §7). Each function is one
//! query that counts in the database and returns a few rows, never one row per application, so
//! the dashboard stays quick with a million applications.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement, Value};
use time::{Date, Duration};

use crate::domain::application::Stage;
use crate::domain::employment::{EndKind, Route};

pub mod history;
pub mod summaries;

pub use summaries::{funnel_counts, stage_stays};

/// What the champion narrowed the figures to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ReportFilter {
    /// One organisation, or all.
    pub organisation_id: Option<i32>,
    /// One programme, or all.
    pub programme_id: Option<i32>,
    /// Only what is under no programme (`programme_id` is then None).
    pub no_programme: bool,
    /// Applications sent, or people started, on or after this day.
    pub from: Option<Date>,
    /// Applications sent, or people started, on or before this day.
    pub to: Option<Date>,
}

/// A statement under construction: SQL text and its bound values, with the placeholder style
/// of the backend.
struct Sql {
    backend: DbBackend,
    text: String,
    values: Vec<Value>,
}

impl Sql {
    fn new(backend: DbBackend, text: &str) -> Self {
        Sql {
            backend,
            text: text.to_owned(),
            values: Vec::new(),
        }
    }

    /// Appends text.
    fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `value`.
    fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        if self.backend == DbBackend::Postgres {
            let n = self.values.len();
            self.text.push_str(&format!("${n}"));
        } else {
            self.text.push('?');
        }
        self
    }

    /// The conditions of `filter` on a vacancy `v` and an application `a`'s sending date.
    fn application_filter(&mut self, filter: &ReportFilter) -> &mut Self {
        self.vacancy_filter(filter);
        if let Some(from) = filter.from {
            self.push(" AND a.submitted_at >= ").bind(start_of(from));
        }
        if let Some(to) = filter.to {
            self.push(" AND a.submitted_at < ")
                .bind(start_of(to + Duration::days(1)));
        }
        self
    }

    /// The organisation and programme conditions of `filter` on a vacancy `v`.
    fn vacancy_filter(&mut self, filter: &ReportFilter) -> &mut Self {
        if let Some(id) = filter.organisation_id {
            self.push(" AND v.organisation_id = ").bind(id);
        }
        if let Some(id) = filter.programme_id {
            self.push(" AND v.programme_id = ").bind(id);
        } else if filter.no_programme {
            self.push(" AND v.programme_id IS NULL");
        }
        self
    }

    /// The conditions of `filter` on an employment record `e` and its start date.
    fn employment_filter(&mut self, filter: &ReportFilter) -> &mut Self {
        if let Some(id) = filter.organisation_id {
            self.push(" AND e.organisation_id = ").bind(id);
        }
        if let Some(id) = filter.programme_id {
            self.push(" AND e.programme_id = ").bind(id);
        } else if filter.no_programme {
            self.push(" AND e.programme_id IS NULL");
        }
        if let Some(from) = filter.from {
            self.push(" AND e.start_date >= ").bind(from);
        }
        if let Some(to) = filter.to {
            self.push(" AND e.start_date <= ").bind(to);
        }
        self
    }

    fn statement(&self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.text.clone(), self.values.clone())
    }

    async fn execute(&self, db: &impl ConnectionTrait) -> Result<(), DbErr> {
        db.execute_raw(self.statement()).await.map(|_| ())
    }

    async fn all<T: FromQueryResult>(&self, db: &impl ConnectionTrait) -> Result<Vec<T>, DbErr> {
        T::find_by_statement(self.statement()).all(db).await
    }
}

/// Midnight UTC at the start of `day`.
fn start_of(day: Date) -> time::OffsetDateTime {
    day.midnight().assume_utc()
}

/// The stages of the funnel, in order: sent, shortlisted (invited to interview), interviewed,
/// offered, started.
pub const FUNNEL: [Stage; 5] = [
    Stage::Submitted,
    Stage::InvitedToInterview,
    Stage::Interviewed,
    Stage::ConditionalOffer,
    Stage::Started,
];

/// How many applications of one organisation and programme reached a stage.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct StageCount {
    /// The vacancy's organisation.
    pub organisation_id: i32,
    /// The vacancy's programme.
    pub programme_id: Option<i32>,
    /// The stage reached.
    pub stage: Stage,
    /// Applications that reached it.
    pub count: i64,
}

/// How many stays in a stage lasted a number of whole days.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct StageStay {
    /// The vacancy's organisation.
    pub organisation_id: i32,
    /// The vacancy's programme.
    pub programme_id: Option<i32>,
    /// The stage.
    pub stage: Stage,
    /// Whole days in it.
    pub days: i64,
    /// Stays of that length.
    pub count: i64,
}

/// One programme's progress against its target.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct ProgrammeCounts {
    /// The programme.
    pub programme_id: i32,
    /// People started under it (employment records).
    pub started: i64,
    /// Positions of its vacancies that have closed and are being shortlisted.
    pub positions_shortlisting: i64,
    /// Accepted offers whose checks are not yet complete.
    pub offers_in_checks: i64,
}

/// Each programme's hires, positions being shortlisted and offers in checks. Hires are counted
/// as retention counts them: the employment records of the chosen organisation and programme
/// that started in the period (on or before its last day, the "as at" day). Positions and
/// offers are as they are now, in the chosen organisation and programme: the dates do not
/// apply to them, and the page says so.
pub async fn programme_progress(
    db: &impl ConnectionTrait,
    filter: &ReportFilter,
) -> Result<Vec<ProgrammeCounts>, DbErr> {
    let backend = db.get_database_backend();
    let undated = ReportFilter {
        from: None,
        to: None,
        ..*filter
    };
    let mut sql = Sql::new(
        backend,
        "SELECT p.id AS programme_id, \
         (SELECT COUNT(*) FROM employment_records e WHERE e.programme_id = p.id",
    );
    sql.employment_filter(filter)
        .push(
            ") AS started, \
             (SELECT COALESCE(SUM(v.positions), 0) FROM vacancies v \
              LEFT JOIN shortlistings s ON s.vacancy_id = v.id \
              WHERE v.programme_id = p.id AND v.status = 'closed' AND s.completed_at IS NULL",
        )
        .vacancy_filter(&undated)
        .push(
            ") AS positions_shortlisting, \
             (SELECT COUNT(*) FROM offers o JOIN applications a ON a.id = o.application_id \
              JOIN vacancies v ON v.id = a.vacancy_id \
              WHERE v.programme_id = p.id AND o.status = 'accepted' AND a.stage = ",
        )
        .bind(Stage::ConditionalOffer)
        .vacancy_filter(&undated)
        .push(") AS offers_in_checks FROM programmes p ORDER BY p.id");
    sql.all(db).await
}

/// An opted-in application that met every essential criterion at shortlisting.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct QualifyingApplication {
    /// The application.
    pub application_id: i32,
    /// Its vacancy.
    pub vacancy_id: i32,
    /// The vacancy's title.
    pub title: String,
    /// The vacancy's organisation.
    pub organisation_id: i32,
    /// Where the application is now.
    pub stage: Stage,
    /// Whether it was ever invited to interview.
    pub invited: bool,
    /// Whether it was ever interviewed.
    pub interviewed: bool,
}

/// The applications sent in the period that opted in to the guaranteed interview scheme and
/// met every essential criterion (the lead's final score 2 or more on each) on vacancies whose
/// shortlisting is complete: those the rule says must be interviewed (DOMAIN.md §5.3, §5.6).
pub async fn qualifying_for_interview(
    db: &impl ConnectionTrait,
    filter: &ReportFilter,
) -> Result<Vec<QualifyingApplication>, DbErr> {
    let mut sql = Sql::new(
        db.get_database_backend(),
        "SELECT a.id AS application_id, v.id AS vacancy_id, v.title AS title, \
         v.organisation_id AS organisation_id, a.stage AS stage, \
         EXISTS (SELECT 1 FROM application_stage_changes c WHERE c.application_id = a.id \
                 AND c.to_stage = 'invited_to_interview') AS invited, \
         EXISTS (SELECT 1 FROM application_stage_changes c WHERE c.application_id = a.id \
                 AND c.to_stage = 'interviewed') AS interviewed \
         FROM applications a \
         JOIN vacancies v ON v.id = a.vacancy_id \
         JOIN shortlistings s ON s.vacancy_id = v.id AND s.completed_at IS NOT NULL \
         WHERE a.guaranteed_interview = ",
    );
    sql.bind(true)
        .push(" AND a.submitted_at IS NOT NULL")
        .application_filter(filter)
        .push(
            " AND NOT EXISTS (SELECT 1 FROM vacancy_criteria k WHERE k.vacancy_id = v.id \
               AND k.essential = ",
        )
        .bind(true)
        .push(
            " AND NOT EXISTS (SELECT 1 FROM final_scores f WHERE f.application_id = a.id \
               AND f.criterion_id = k.id AND f.score >= 2)) \
             ORDER BY v.id, a.id",
        );
    sql.all(db).await
}

/// What the measures need of one employment record.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct EmploymentFacts {
    /// The record.
    pub id: i32,
    /// Employer.
    pub organisation_id: i32,
    /// Programme hired under.
    pub programme_id: Option<i32>,
    /// Apprenticeship or not.
    pub apprenticeship: bool,
    /// How they came in.
    pub route: Route,
    /// Start date.
    pub start_date: Date,
    /// Leaving or moving date.
    pub end_date: Option<Date>,
    /// Left, or moved within the NHS.
    pub end_kind: Option<EndKind>,
}

/// The employment records of the chosen organisation and programme that started in the period,
/// with only what the measures need (a few columns of a few thousand rows).
pub async fn employment_facts(
    db: &impl ConnectionTrait,
    filter: &ReportFilter,
) -> Result<Vec<EmploymentFacts>, DbErr> {
    let mut sql = Sql::new(
        db.get_database_backend(),
        "SELECT e.id AS id, e.organisation_id AS organisation_id, e.programme_id AS programme_id, \
         e.apprenticeship AS apprenticeship, e.route AS route, e.start_date AS start_date, \
         e.end_date AS end_date, e.end_kind AS end_kind \
         FROM employment_records e WHERE 1 = 1",
    );
    sql.employment_filter(filter).push(" ORDER BY e.id");
    sql.all(db).await
}

/// A count.
#[derive(Clone, Copy, Debug, FromQueryResult)]
struct Count {
    count: i64,
}

/// Checkpoints of the chosen organisation's records that fell due before `today` and have not
/// been recorded.
pub async fn overdue_checkpoints(
    db: &impl ConnectionTrait,
    organisation_id: Option<i32>,
    today: Date,
) -> Result<i64, DbErr> {
    let mut sql = Sql::new(
        db.get_database_backend(),
        "SELECT COUNT(*) AS count FROM employment_checkpoints c \
         JOIN employment_records e ON e.id = c.employment_record_id \
         WHERE c.outcome IS NULL AND c.due_on < ",
    );
    sql.bind(today);
    if let Some(id) = organisation_id {
        sql.push(" AND e.organisation_id = ").bind(id);
    }
    Ok(sql.all::<Count>(db).await?.first().map_or(0, |c| c.count))
}

/// One application behind a figure, for the drill-down lists.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct ApplicationRow {
    /// The application.
    pub application_id: i32,
    /// Its vacancy.
    pub vacancy_id: i32,
    /// The vacancy's title.
    pub title: String,
    /// The vacancy's organisation.
    pub organisation_id: i32,
    /// Where it is now.
    pub stage: Stage,
}

/// The applications sent in the period that reached `stage` (newest vacancy first), at most
/// `limit` of them.
pub async fn applications_reaching(
    db: &impl ConnectionTrait,
    filter: &ReportFilter,
    stage: Stage,
    limit: u64,
) -> Result<Vec<ApplicationRow>, DbErr> {
    let mut sql = Sql::new(
        db.get_database_backend(),
        "SELECT a.id AS application_id, v.id AS vacancy_id, v.title AS title, \
         v.organisation_id AS organisation_id, a.stage AS stage \
         FROM applications a JOIN vacancies v ON v.id = a.vacancy_id \
         WHERE a.submitted_at IS NOT NULL \
         AND EXISTS (SELECT 1 FROM application_stage_changes c WHERE c.application_id = a.id \
                     AND c.to_stage = ",
    );
    sql.bind(stage)
        .push(")")
        .application_filter(filter)
        .push(&format!(" ORDER BY v.id DESC, a.id LIMIT {limit}"));
    sql.all(db).await
}
