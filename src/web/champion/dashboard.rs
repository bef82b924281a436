//! The champion's home: the dashboard of recruitment, the guaranteed-interview rule and
//! retention (DOMAIN.md §5.6, §7), filtered by organisation, programme and period with a plain
//! GET form, so it works without JavaScript and every view can be bookmarked.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use serde::Deserialize;
use time::Date;

use crate::app::AppState;
use crate::db::reports::FUNNEL;
use crate::db::reports::ReportFilter;
use crate::domain::dashboard::percent;
use crate::domain::retention::{NATIONAL_LEAVER_RATE, SPECIALIST_LEAVER_RATE};
use crate::domain::{dates, london_time};
use crate::entities::{organisation, programme};
use crate::services::dashboard::{Dashboard, Figures, FunnelRow, GroupMeasures, TIMED_STAGES};
use crate::web::champion::chart::{self, Chart, CurveRow};
use crate::web::error::AppResult;
use crate::web::page::{FormErrors, Page};
use crate::web::roles::ChampionOrAdmin;
use std::sync::Arc;

/// The filters, as in the query string.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DashboardQuery {
    /// An organisation's ID, or empty for all.
    pub organisation: String,
    /// A programme's ID, or empty for all.
    pub programme: String,
    /// First day of the period, `YYYY-MM-DD`, or empty.
    pub from: String,
    /// Last day of the period, `YYYY-MM-DD`, or empty for today.
    pub to: String,
}

impl DashboardQuery {
    /// The filters as a query string, for links to lists and exports.
    pub fn query_string(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("organisation", &self.organisation)
            .append_pair("programme", &self.programme)
            .append_pair("from", &self.from)
            .append_pair("to", &self.to)
            .finish()
    }

    /// Whether any filter is set.
    pub fn is_filtered(&self) -> bool {
        !(self.organisation.is_empty()
            && self.programme.is_empty()
            && self.from.is_empty()
            && self.to.is_empty())
    }
}

/// Today in London.
pub fn today() -> Date {
    london_time::from_utc(crate::db::now()).date()
}

fn parse_date(input: &str) -> Option<Date> {
    dates::parse_iso(input)
}

/// Reads the filters against the known organisations and programmes, with an error against each
/// one that cannot be read. Returns the filter and the as-of date (the period's last day).
pub fn parse_filter(
    query: &DashboardQuery,
    organisations: &[organisation::Model],
    programmes: &[programme::Model],
    today: Date,
) -> Result<(ReportFilter, Date), FormErrors> {
    let mut errors = FormErrors::default();
    let organisation_id = match query.organisation.trim() {
        "" => None,
        id => {
            let found = id
                .parse::<i32>()
                .ok()
                .filter(|id| organisations.iter().any(|o| o.id == *id));
            if found.is_none() {
                errors.add("organisation", "Choose an organisation from the list");
            }
            found
        }
    };
    let no_programme = query.programme.trim() == NO_PROGRAMME;
    let programme_id = match query.programme.trim() {
        "" | NO_PROGRAMME => None,
        id => {
            let found = id
                .parse::<i32>()
                .ok()
                .filter(|id| programmes.iter().any(|p| p.id == *id));
            if found.is_none() {
                errors.add("programme", "Choose a programme from the list");
            }
            found
        }
    };
    let mut date = |field: &'static str, input: &str, what: &str| {
        if input.trim().is_empty() {
            return None;
        }
        let parsed = parse_date(input);
        match parsed {
            None => errors.add(
                field,
                format!("Enter the {what} as a real date, for example 2026-04-01"),
            ),
            Some(d) if d > today => {
                errors.add(field, format!("The {what} must be today or in the past"));
            }
            Some(d) if !dates::plausible_report_date(d, today) => {
                errors.add(
                    field,
                    format!(
                        "The {what} must be in 2000 or later, when the service's records begin"
                    ),
                );
            }
            Some(_) => {}
        }
        parsed
    };
    let from = date("from", &query.from, "first day");
    let to = date("to", &query.to, "last day");
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        errors.add(
            "to",
            "The last day must be the same as or after the first day",
        );
    }
    if errors.is_empty() {
        Ok((
            ReportFilter {
                organisation_id,
                programme_id,
                no_programme,
                from,
                to,
            },
            to.unwrap_or(today),
        ))
    } else {
        Err(errors)
    }
}

/// Under this many people, a share says too much about a few people and is not given.
pub const SMALL_GROUP: i64 = 10;
/// What is said instead.
const TOO_FEW: &str = "too few to say";

/// The programme filter's value for records under no programme.
pub const NO_PROGRAMME: &str = "none";

/// The funnel's columns, as headed on the page.
pub const FUNNEL_NAMES: [&str; 5] = ["Sent", "Shortlisted", "Interviewed", "Offered", "Started"];

/// "2 December 2026".
pub fn long_date(date: Date) -> String {
    format!("{} {} {}", date.day(), date.month(), date.year())
}

#[derive(Template, WebTemplate)]
#[template(path = "champion/dashboard.html")]
pub struct DashboardTemplate {
    page: Page,
    query: DashboardQuery,
    errors: FormErrors,
    organisations: Vec<organisation::Model>,
    programmes: Vec<programme::Model>,
    dashboard: Option<Arc<Dashboard>>,
    /// The figures shown are the last counted: a new count is taking longer than it should.
    late: bool,
    /// There are no figures yet: the first count is taking longer than it should.
    counting: bool,
    counted_at: String,
    cache_note: String,
    chart: Option<Chart>,
    narrow_chart: Option<Chart>,
    curve_by_month: bool,
    curve_rows: Vec<CurveRow>,
    links: String,
    stage_labels: Vec<&'static str>,
    national: String,
    specialist: String,
}

/// The dashboard.
pub async fn show(
    State(state): State<AppState>,
    ChampionOrAdmin(_me): ChampionOrAdmin,
    page: Page,
    Query(query): Query<DashboardQuery>,
) -> AppResult<DashboardTemplate> {
    let reference = state.reference.get(&state.db).await?;
    let organisations = reference.organisations().to_vec();
    let programmes = reference.programmes().to_vec();
    let today = today();
    let (figures, errors) = match parse_filter(&query, &organisations, &programmes, today) {
        Ok((filter, as_of)) => (
            Some(
                state
                    .dashboards
                    .get(&state.db, &filter, as_of, today)
                    .await?,
            ),
            FormErrors::default(),
        ),
        Err(errors) => (None, errors),
    };
    let late = matches!(figures, Some(Figures::Late(_)));
    let counting = matches!(figures, Some(Figures::Counting));
    let dashboard = figures.as_ref().and_then(Figures::dashboard).cloned();
    let chart = dashboard
        .as_ref()
        .map(|d| chart::draw(&d.retention.overall.curve));
    let narrow_chart = dashboard
        .as_ref()
        .map(|d| chart::draw_in(&d.retention.overall.curve, &chart::NARROW));
    let (curve_by_month, curve_rows) = dashboard.as_ref().map_or((false, Vec::new()), |d| {
        chart::table(&d.retention.overall.curve)
    });
    let counted_at = dashboard.as_ref().map_or_else(String::new, |d| {
        let local = london_time::from_utc(d.counted_at);
        let time = format!("{:02}:{:02}", local.hour(), local.minute());
        if local.date() == london_time::from_utc(crate::db::now()).date() {
            time
        } else {
            format!("{time} on {}", long_date(local.date()))
        }
    });
    let ttl = state.config.dashboard_cache.as_secs();
    let cache_note = match ttl {
        0 => String::new(),
        60 => "They are counted again at most once a minute.".to_owned(),
        s => format!("They are counted again at most every {s} seconds."),
    };
    Ok(DashboardTemplate {
        page,
        counted_at,
        cache_note,
        links: query.query_string(),
        query,
        errors,
        organisations,
        programmes,
        dashboard,
        late,
        counting,
        chart,
        narrow_chart,
        curve_by_month,
        curve_rows,
        stage_labels: TIMED_STAGES.iter().map(|s| s.label()).collect(),
        national: percent(NATIONAL_LEAVER_RATE, 1),
        specialist: percent(SPECIALIST_LEAVER_RATE, 1),
    })
}

impl DashboardTemplate {
    /// A share for people, or words saying why there is none.
    fn pct(&self, value: &Option<f64>) -> String {
        value.map_or_else(|| "Not enough data".into(), |v| percent(v, 0))
    }

    /// A share for people, computed.
    fn pct_of(&self, value: Option<f64>) -> String {
        self.pct(&value)
    }

    /// A share with one decimal place.
    fn pct1(&self, value: &Option<f64>) -> String {
        value.map_or_else(|| "Not enough data".into(), |v| percent(v, 1))
    }

    /// A share with one decimal place.
    fn share1(&self, value: &f64) -> String {
        percent(*value, 1)
    }

    /// A conversion from the stage before (the `i`th count over the one before it), or "too
    /// few to say" where the stage before has fewer than 10.
    fn conversion(&self, row: &FunnelRow, i: &usize, value: &Option<f64>) -> String {
        let before = i
            .checked_sub(1)
            .and_then(|b| row.counts.get(b))
            .copied()
            .unwrap_or(0);
        if before < SMALL_GROUP {
            TOO_FEW.into()
        } else {
            self.pct(value)
        }
    }

    /// A group's share with one decimal place, or "too few to say" under 10 people.
    fn group_pct(&self, group: &GroupMeasures, value: &Option<f64>) -> String {
        if i64::from(group.n) < SMALL_GROUP {
            "Too few to say".into()
        } else {
            self.pct1(value)
        }
    }

    /// Whether a leaver rate is above the national benchmark.
    fn above_national(&self, rate: &Option<f64>) -> bool {
        rate.is_some_and(|r| r > NATIONAL_LEAVER_RATE)
    }

    /// The first day of the period, written out, or empty.
    fn first_day(&self) -> String {
        parse_date(&self.query.from).map_or_else(String::new, long_date)
    }

    /// The charts to draw: the one for phones, then the wide one, each with its CSS class and
    /// the start of its IDs.
    fn charts(&self) -> Vec<(&Chart, &'static str, &'static str)> {
        self.narrow_chart
            .iter()
            .map(|c| (c, "spectra-chart--narrow", "km-narrow"))
            .chain(self.chart.iter().map(|c| (c, "spectra-chart--wide", "km")))
            .collect()
    }

    /// The funnel's rows and then its total.
    fn funnel_rows(&self) -> Vec<&FunnelRow> {
        self.dashboard
            .iter()
            .flat_map(|d| d.funnel.rows.iter().chain(std::iter::once(&d.funnel.total)))
            .collect()
    }

    /// A median number of days.
    fn days(&self, value: &Option<f64>) -> String {
        match *value {
            None => "No one yet".into(),
            Some(d) if (d - 1.0).abs() < f64::EPSILON => "1 day".into(),
            Some(d) if d.fract() == 0.0 => format!("{d:.0} days"),
            Some(d) => format!("{d:.1} days"),
        }
    }

    /// "2 December 2026".
    fn long_date(&self, date: &Date) -> String {
        long_date(*date)
    }

    /// The heading of the funnel's `i`th stage.
    fn funnel_name(&self, i: &usize) -> &'static str {
        FUNNEL_NAMES.get(*i).copied().unwrap_or("")
    }

    /// The stored name of the funnel's `i`th stage.
    fn funnel_stage(&self, i: &usize) -> &'static str {
        FUNNEL.get(*i).map_or("", |s| s.as_str())
    }

    /// The filters for a row's drill-down: the row's organisation and programme, the period's
    /// dates.
    fn row_links(&self, row: &FunnelRow) -> String {
        let query = DashboardQuery {
            organisation: row
                .organisation_id
                .map_or_else(|| self.query.organisation.clone(), |id| id.to_string()),
            programme: match (row.organisation_id, row.programme_id) {
                (None, _) => self.query.programme.clone(),
                (Some(_), Some(id)) => id.to_string(),
                (Some(_), None) => NO_PROGRAMME.into(),
            },
            ..self.query.clone()
        };
        query.query_string()
    }
}
