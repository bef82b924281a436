//! The dashboard's tables as CSV, in two kinds (DOMAIN.md §7). **For sharing** (the default):
//! under the disclosure control of [`crate::domain::disclosure`], counts from 1 to 7 shown as
//! `*`, others rounded to the nearest 5, rates only for groups of 10 or more with nothing
//! hidden, the curve only at 3, 6, 12 and 24 months. **Exact**, for the champion's own use: the
//! file's name and first line say "OFFICIAL-SENSITIVE: not for sharing". Every download of
//! either kind is audited. A table for sharing from which a hidden number could be worked out
//! ([`shared_tables::exposed`]) is refused with a page that says why, and is not audited, as
//! nothing was exported.

use axum::extract::{Path, Query, State};
use axum::response::Response;

use crate::app::AppState;
use crate::db::reports::{self, ReportFilter};
use crate::domain::disclosure::{self, CURVE_MONTHS};
use crate::domain::retention::{RETENTION_POINTS, followed_and_left};
use crate::domain::shared_tables::{self, Layout};
use crate::domain::spreadsheet::escape;
use crate::services::dashboard::{self, GroupMeasures, Names, spell_of};
use crate::services::{self, Actor};
use crate::web::champion::dashboard::{DashboardQuery, parse_filter, today};
use crate::web::download;
use crate::web::error::{AppError, AppResult};
use crate::web::roles::ChampionOrAdmin;
use crate::web::unit_of_work::UnitOfWork;

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

    fn layout(self) -> Layout {
        match self {
            Table::Funnel => Layout::Funnel,
            Table::Compliance => Layout::Compliance,
            Table::Curve => Layout::Curve,
            Table::Retention => Layout::Retention,
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

/// A table as text: its header and its rows, before it is written as CSV.
struct Grid {
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Grid {
    fn new(header: &[&'static str], rows: &[Vec<String>]) -> Grid {
        Grid {
            header: header.to_vec(),
            rows: rows.to_vec(),
        }
    }

    fn csv(&self) -> anyhow::Result<String> {
        to_csv(&self.header, &self.rows)
    }
}

/// Writes rows of text as CSV, every value made safe to open in a spreadsheet.
fn to_csv(header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<String> {
    let escaped = rows
        .iter()
        .map(|row| row.iter().map(|cell| escape(cell)).collect::<Vec<_>>());
    Ok(crate::domain::csv::write(header, escaped)?)
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// A share with one decimal place, or empty.
fn rate(value: Option<f64>) -> String {
    value.map_or_else(String::new, |v| format!("{:.1}", v * 100.0))
}

/// A whole-number share, for sharing (a finer one would help undo the rounding), or empty.
fn rate_whole(value: Option<f64>) -> String {
    value.map_or_else(String::new, |v| format!("{:.0}", v * 100.0))
}

/// The first line of an exact file, and its name's start.
pub const OFFICIAL_SENSITIVE: &str = "OFFICIAL-SENSITIVE: not for sharing";

/// Which kind of file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Under the disclosure control, for anyone.
    ForSharing,
    /// Exact figures, for the champion's own use.
    Exact,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::ForSharing => "for_sharing",
            Kind::Exact => "exact",
        }
    }

    /// A count as this kind of file writes it.
    fn count(self, n: u64) -> String {
        match self {
            Kind::ForSharing => disclosure::count(n).text(),
            Kind::Exact => n.to_string(),
        }
    }

    /// The file's name.
    fn file_name(self, table: Table, as_of: time::Date) -> String {
        match self {
            Kind::ForSharing => format!("spectra-{}-for-sharing-{as_of}.csv", table.name()),
            Kind::Exact => format!("official-sensitive-{}-{as_of}.csv", table.name()),
        }
    }
}

/// Downloads one of the dashboard's tables for sharing.
pub async fn for_sharing(
    state: State<AppState>,
    me: ChampionOrAdmin,
    file: Path<String>,
    query: Query<DashboardQuery>,
) -> AppResult<Response> {
    download(state, me, file, query, Kind::ForSharing).await
}

/// Downloads one of the dashboard's tables with its exact figures.
pub async fn exact(
    state: State<AppState>,
    me: ChampionOrAdmin,
    file: Path<String>,
    query: Query<DashboardQuery>,
) -> AppResult<Response> {
    download(state, me, file, query, Kind::Exact).await
}

async fn download(
    State(state): State<AppState>,
    ChampionOrAdmin(me): ChampionOrAdmin,
    Path(file): Path<String>,
    Query(query): Query<DashboardQuery>,
    kind: Kind,
) -> AppResult<Response> {
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
    let grid = match table {
        Table::Funnel => funnel(&state, &filter, &names, kind).await?,
        Table::Compliance => compliance(&state, &filter, &names, kind).await?,
        Table::Curve => curve(&state, &filter, as_of, &names, kind).await?,
        Table::Retention => retention(&state, &filter, as_of, &names, kind).await?,
    };
    if kind == Kind::ForSharing {
        refuse_if_exposed(table, &grid)?;
    }
    let body = grid.csv()?;
    let uow = UnitOfWork::begin(&state).await?;
    services::report_exports::record(&uow, Actor::from(&me), table.name(), kind.as_str(), &filter)
        .await?;
    uow.commit().await?;
    let body = match kind {
        Kind::ForSharing => body,
        Kind::Exact => format!("{OFFICIAL_SENSITIVE}\n{body}"),
    };
    Ok(download::csv(&kind.file_name(table, as_of), body))
}

/// What a person is told when a table for sharing would give away a hidden number.
pub const CANNOT_SHARE: &str = "These figures cannot be shared safely with these filters: \
    one of the hidden numbers (shown as *) could be worked out from the other numbers in the \
    file. Choose wider filters on the dashboard, for example all organisations or a longer \
    time, and download the file again. Or download the exact figures for your own use: that \
    file is not for sharing.";

/// Refuses a table for sharing from which the attacker's check works out a hidden cell
/// ([`shared_tables::exposed`]). Logged without the figures or any personal data; not audited,
/// as nothing leaves the service.
fn refuse_if_exposed(table: Table, grid: &Grid) -> AppResult<()> {
    let Some(exposure) = shared_tables::exposed(table.layout(), &grid.header, &grid.rows) else {
        return Ok(());
    };
    let why = match exposure {
        shared_tables::Exposure::Pinned { .. } => "a hidden cell can be worked out",
        shared_tables::Exposure::Unreadable => "the table does not add up as its layout says",
    };
    tracing::warn!(table = table.name(), why, "export for sharing refused");
    Err(AppError::BadRequest(CANNOT_SHARE.into()))
}

/// Rows of labels and counts, then a total row computed from the exact counts.
fn counted_rows(
    labels: &[Vec<String>],
    counts: &[Vec<u64>],
    total_label: &[String],
    kind: Kind,
) -> Vec<Vec<String>> {
    if counts.is_empty() {
        return Vec::new();
    }
    let columns = counts.iter().map(Vec::len).max().unwrap_or(0);
    let totals: Vec<u64> = (0..columns)
        .map(|c| counts.iter().filter_map(|row| row.get(c)).sum())
        .collect();
    labels
        .iter()
        .zip(counts)
        .chain(std::iter::once((&total_label.to_vec(), &totals)))
        .map(|(label, counts)| {
            label
                .iter()
                .cloned()
                .chain(counts.iter().map(|&n| kind.count(n)))
                .collect()
        })
        .collect()
}

/// Funnel: one row per organisation and programme, then "All organisations, All programmes",
/// each column's total. Per row, each stage is at most the one before.
async fn funnel(
    state: &AppState,
    filter: &ReportFilter,
    names: &Names,
    kind: Kind,
) -> anyhow::Result<Grid> {
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
    Ok(Grid::new(
        &[
            "organisation",
            "programme",
            "sent",
            "shortlisted",
            "interviewed",
            "offered",
            "started",
        ],
        &counted_rows(
            &labels,
            &counts,
            &["All organisations".into(), "All programmes".into()],
            kind,
        ),
    ))
}

/// Compliance: one row per organisation, then "All organisations", each column's total. Per
/// row, qualifying = interviewed + interview_to_come + breaches.
async fn compliance(
    state: &AppState,
    filter: &ReportFilter,
    names: &Names,
    kind: Kind,
) -> anyhow::Result<Grid> {
    let c = dashboard::compliance(&state.db, filter, names).await?;
    let labels: Vec<Vec<String>> = c.by_organisation.keys().map(|o| vec![o.clone()]).collect();
    let counts: Vec<Vec<u64>> = c
        .by_organisation
        .values()
        .map(|v| v.iter().map(|n| count(*n)).collect())
        .collect();
    Ok(Grid::new(
        &[
            "organisation",
            "qualifying",
            "invited",
            "interviewed",
            "interview_to_come",
            "breaches",
        ],
        &counted_rows(&labels, &counts, &["All organisations".into()], kind),
    ))
}

/// The curve. Exact: every day someone left. For sharing: month 0 (everyone counted), then 3,
/// 6, 12 and 24 months, each with those still followed and those who had left by then, and
/// the share still in post only where the rule allows it.
async fn curve(
    state: &AppState,
    filter: &ReportFilter,
    as_of: time::Date,
    names: &Names,
    kind: Kind,
) -> anyhow::Result<Grid> {
    let facts = reports::employment_facts(&state.db, filter).await?;
    let r = dashboard::retention_of(&facts, as_of, names);
    let curve = &r.overall.curve;
    if kind == Kind::Exact {
        let rows: Vec<Vec<String>> = curve
            .points
            .iter()
            .map(|p| {
                vec![
                    p.day.to_string(),
                    p.at_risk.to_string(),
                    p.events.to_string(),
                    p.censored.to_string(),
                    format!("{:.4}", p.survival),
                    format!("{:.4}", p.ci_low),
                    format!("{:.4}", p.ci_high),
                ]
            })
            .collect();
        return Ok(Grid::new(
            &[
                "day", "at_risk", "events", "censored", "survival", "ci_low", "ci_high",
            ],
            &rows,
        ));
    }
    let spells: Vec<_> = facts.iter().map(spell_of).collect();
    let people = u64::from(curve.n);
    let mut rows = vec![vec![
        "0".to_owned(),
        kind.count(people),
        "0".to_owned(),
        String::new(),
        String::new(),
        String::new(),
    ]];
    for months in CURVE_MONTHS {
        let day = RETENTION_POINTS
            .iter()
            .find(|(m, _)| *m == months)
            .map_or(0, |(_, d)| *d);
        let (followed, left) = followed_and_left(&spells, as_of, day);
        let (followed, left) = (u64::from(followed), u64::from(left));
        let point = curve
            .point_at(day)
            .filter(|_| disclosure::rate_shown(people, &[followed, left]));
        let mut row = vec![months.to_string(), kind.count(followed), kind.count(left)];
        row.extend(match point {
            Some((s, low, high)) => [s, low, high].map(|v| rate_whole(Some(v))).to_vec(),
            None => vec![String::new(); 3],
        });
        rows.push(row);
    }
    Ok(Grid::new(
        &[
            "months",
            "still_followed",
            "left_by_then",
            "still_in_post_pct",
            "ci_low_pct",
            "ci_high_pct",
        ],
        &rows,
    ))
}

/// Retention: "everyone" first, then each breakdown's groups (each breakdown's groups add up
/// to everyone). Per row, people = in_post + left + moved.
async fn retention(
    state: &AppState,
    filter: &ReportFilter,
    as_of: time::Date,
    names: &Names,
    kind: Kind,
) -> anyhow::Result<Grid> {
    let facts = reports::employment_facts(&state.db, filter).await?;
    let r = dashboard::retention_of(&facts, as_of, names);
    let mut rows = Vec::new();
    if r.overall.n > 0 {
        rows.push(retention_row("everyone", &r.overall, kind));
    }
    for (dimension, groups) in &r.breakdowns {
        rows.extend(
            groups
                .iter()
                .map(|g| retention_row(dimension.as_str(), g, kind)),
        );
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
    Ok(Grid::new(&header, &rows))
}

/// One group's row: its counts, and its rates where the kind of file allows them.
fn retention_row(breakdown: &str, g: &GroupMeasures, kind: Kind) -> Vec<String> {
    let counts = [g.in_post, g.left, g.moved].map(u64::from);
    let people = u64::from(g.n);
    let mut row = vec![breakdown.to_owned(), g.label.clone(), kind.count(people)];
    row.extend(counts.iter().map(|&n| kind.count(n)));
    let shown = |extra: &[u64]| {
        kind == Kind::Exact || {
            let mut all = counts.to_vec();
            all.extend_from_slice(extra);
            disclosure::rate_shown(people, &all)
        }
    };
    let format = |value: Option<f64>| match kind {
        Kind::Exact => rate(value),
        Kind::ForSharing => rate_whole(value),
    };
    let retention_shown = shown(&[]);
    for (_, value) in g.retention {
        row.push(if retention_shown {
            format(value)
        } else {
            String::new()
        });
    }
    row.push(if shown(&[u64::from(g.leaver_rate.leavers)]) {
        format(g.leaver_rate.rate)
    } else {
        String::new()
    });
    row
}
