//! The dashboard's tables as CSV, for reports that leave the champion's view: counts under 5
//! are shown as "<5", with secondary suppression so that no total reveals them
//! (DOMAIN.md §7). Every export is audited.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::audit::{self, AuditAction};
use crate::db::reports::{self, ReportFilter};
use crate::domain::retention::{Cell, RETENTION_POINTS, suppress};
use crate::domain::spreadsheet::escape;
use crate::error::{AppError, AppResult};
use crate::services::dashboard::{self, Dimension, GroupMeasures, Names};
use crate::web::champion::dashboard::{DashboardQuery, parse_filter, today};
use crate::web::champion::require_champion_or_admin;

/// The tables that can be exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    /// Applications reaching each stage.
    Funnel,
    /// Guaranteed-interview compliance by organisation.
    Compliance,
    /// The retention curve's data.
    Curve,
    /// Retention by group.
    Retention,
}

impl Table {
    fn parse(file: &str) -> Option<Table> {
        match file {
            "funnel.csv" => Some(Table::Funnel),
            "compliance.csv" => Some(Table::Compliance),
            "curve.csv" => Some(Table::Curve),
            "retention.csv" => Some(Table::Retention),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Table::Funnel => "funnel",
            Table::Compliance => "compliance",
            Table::Curve => "curve",
            Table::Retention => "retention",
        }
    }
}

/// A CSV download.
fn csv_response(file: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// Writes rows of text as CSV.
fn to_csv(header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header)?;
    for row in rows {
        writer.write_record(row.iter().map(|cell| escape(cell)))?;
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

/// Suppressed counts, as text, beside their labels; the totals row last.
fn suppressed_rows(
    labels: &[Vec<String>],
    counts: &[Vec<u64>],
    total_label: &[String],
) -> Vec<Vec<String>> {
    if counts.is_empty() {
        return Vec::new();
    }
    let (cells, totals) = suppress(counts, true);
    let mut rows: Vec<Vec<String>> = labels
        .iter()
        .zip(cells)
        .map(|(label, cells)| {
            label
                .iter()
                .cloned()
                .chain(cells.into_iter().map(Cell::text))
                .collect()
        })
        .collect();
    if let Some(totals) = totals {
        rows.push(
            total_label
                .iter()
                .cloned()
                .chain(totals.into_iter().map(Cell::text))
                .collect(),
        );
    }
    rows
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// A share with one decimal place, or empty.
fn rate(value: Option<f64>) -> String {
    value.map_or_else(String::new, |v| format!("{:.1}", v * 100.0))
}

/// Downloads one of the dashboard's tables.
pub async fn download(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Path(file): Path<String>,
    Query(query): Query<DashboardQuery>,
) -> AppResult<Response> {
    require_champion_or_admin(&me)?;
    let table = Table::parse(&file).ok_or(AppError::NotFound)?;
    let reference = state.reference.get(&state.db).await?;
    let organisation_list = reference.organisations();
    let programme_list = reference.programmes();
    let (filter, as_of) = parse_filter(&query, organisation_list, programme_list, today())
        .map_err(|_| {
            AppError::BadRequest(
                "Correct the filters on the dashboard, then download the table again.".into(),
            )
        })?;
    let names = Names::load(&state.db).await?;
    let body = match table {
        Table::Funnel => funnel(&state, &filter, &names).await?,
        Table::Compliance => compliance(&state, &filter, &names).await?,
        Table::Curve => curve(&state, &filter, as_of, &names).await?,
        Table::Retention => retention(&state, &filter, as_of, &names).await?,
    };
    audit::record(
        &state.db,
        Some(me.id),
        AuditAction::ReportExported,
        &format!("dashboard:{}", table.name()),
        json!({
            "organisation": filter.organisation_id,
            "programme": filter.programme_id,
            "no_programme": filter.no_programme,
            "from": filter.from.map(|d| d.to_string()),
            "to": filter.to.map(|d| d.to_string()),
        }),
    )
    .await?;
    Ok(csv_response(
        &format!("spectra-{}-{as_of}.csv", table.name()),
        body,
    ))
}

async fn funnel(state: &AppState, filter: &ReportFilter, names: &Names) -> anyhow::Result<String> {
    let funnel = dashboard::funnel(&state.db, filter, names).await?;
    let labels: Vec<Vec<String>> = funnel
        .rows
        .iter()
        .map(|r| vec![r.organisation.clone(), r.programme.clone()])
        .collect();
    let counts: Vec<Vec<u64>> = funnel
        .rows
        .iter()
        .map(|r| r.counts.iter().map(|c| count(*c)).collect())
        .collect();
    to_csv(
        &[
            "organisation",
            "programme",
            "sent",
            "shortlisted",
            "interviewed",
            "offered",
            "started",
        ],
        &suppressed_rows(
            &labels,
            &counts,
            &["All organisations".into(), "All programmes".into()],
        ),
    )
}

async fn compliance(
    state: &AppState,
    filter: &ReportFilter,
    names: &Names,
) -> anyhow::Result<String> {
    let c = dashboard::compliance(&state.db, filter, names).await?;
    let labels: Vec<Vec<String>> = c.by_organisation.keys().map(|o| vec![o.clone()]).collect();
    let counts: Vec<Vec<u64>> = c
        .by_organisation
        .values()
        .map(|v| v.iter().map(|n| count(*n)).collect())
        .collect();
    to_csv(
        &[
            "organisation",
            "qualifying",
            "invited",
            "interviewed",
            "interview_to_come",
            "breaches",
        ],
        &suppressed_rows(&labels, &counts, &["All organisations".into()]),
    )
}

async fn curve(
    state: &AppState,
    filter: &ReportFilter,
    as_of: time::Date,
    names: &Names,
) -> anyhow::Result<String> {
    let facts = reports::employment_facts(&state.db, filter).await?;
    let r = dashboard::retention_of(&facts, as_of, names);
    // The rows are days, not parts of a whole: each count is suppressed on its own.
    let rows: Vec<Vec<String>> = r
        .overall
        .curve
        .points
        .iter()
        .map(|p| {
            let (cells, _) = suppress(
                &[vec![
                    u64::from(p.at_risk),
                    u64::from(p.events),
                    u64::from(p.censored),
                ]],
                false,
            );
            let mut row = vec![p.day.to_string()];
            row.extend(cells.into_iter().flatten().map(Cell::text));
            row.extend([
                format!("{:.4}", p.survival),
                format!("{:.4}", p.ci_low),
                format!("{:.4}", p.ci_high),
            ]);
            row
        })
        .collect();
    to_csv(
        &[
            "day", "at_risk", "events", "censored", "survival", "ci_low", "ci_high",
        ],
        &rows,
    )
}

async fn retention(
    state: &AppState,
    filter: &ReportFilter,
    as_of: time::Date,
    names: &Names,
) -> anyhow::Result<String> {
    let facts = reports::employment_facts(&state.db, filter).await?;
    let r = dashboard::retention_of(&facts, as_of, names);
    let mut rows = Vec::new();
    for (dimension, groups) in &r.breakdowns {
        rows.extend(retention_rows(*dimension, groups));
    }
    let mut header = vec!["breakdown", "group", "people", "in_post", "left", "moved"];
    header.extend([
        "retention_3m_pct",
        "retention_6m_pct",
        "retention_12m_pct",
        "retention_24m_pct",
    ]);
    header.push("leaver_rate_12m_pct");
    debug_assert_eq!(RETENTION_POINTS.len(), 4);
    to_csv(&header, &rows)
}

/// One breakdown's rows: counts suppressed across its groups, and the percentages of a group
/// left out where its number of people is suppressed.
fn retention_rows(dimension: Dimension, groups: &[GroupMeasures]) -> Vec<Vec<String>> {
    if groups.is_empty() {
        return Vec::new();
    }
    let counts: Vec<Vec<u64>> = groups
        .iter()
        .map(|g| [g.n, g.in_post, g.left, g.moved].map(u64::from).to_vec())
        .collect();
    let (cells, totals) = suppress(&counts, true);
    let mut rows: Vec<Vec<String>> = groups
        .iter()
        .zip(cells)
        .map(|(g, cells)| {
            let hidden = cells.first() == Some(&Cell::Suppressed);
            let mut row = vec![dimension.as_str().to_owned(), g.label.clone()];
            row.extend(cells.into_iter().map(Cell::text));
            for (_, value) in g.retention {
                row.push(if hidden { String::new() } else { rate(value) });
            }
            row.push(if hidden {
                String::new()
            } else {
                rate(g.leaver_rate.rate)
            });
            row
        })
        .collect();
    if let Some(totals) = totals {
        let mut row = vec![dimension.as_str().to_owned(), "Everyone".to_owned()];
        row.extend(totals.into_iter().map(Cell::text));
        row.extend(std::iter::repeat_n(String::new(), 5));
        rows.push(row);
    }
    rows
}
