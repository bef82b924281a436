//! The attacker's test of every export for sharing (issue 21, point 5): on the demo's data and
//! on a synthetic seed, each file is read as someone outside the service would read it, and
//! every hidden (`*`) cell is narrowed by interval arithmetic from the shown totals, rows and
//! columns. No hidden cell may narrow to one value, no rate may be shown for a group under 10
//! or with a hidden count, and no count from 1 to 7 may be written as it is.
//!
//! The app runs the same attack before it sends a file (`src/domain/shared_tables.rs`); this
//! file keeps its own copy of the sums on purpose, as the attacker's independent view, so a
//! mistake in the app's copy cannot hide itself. The last test builds data where a hidden cell
//! would be worked out and checks that the app refuses the file.
//!
//! What the attacker is assumed to know of each file's shape (its sums):
//! - `funnel.csv`: the last row ("All organisations") is each column's total over the rows
//!   above; in each row, each stage is at most the stage before (sent ≥ shortlisted ≥
//!   interviewed ≥ offered ≥ started).
//! - `compliance.csv`: the last row ("All organisations") is each column's total; in each row,
//!   qualifying = interviewed + interview_to_come + breaches, and invited ≤ qualifying.
//! - `retention.csv`: the first row ("everyone") is, for each breakdown, the total of that
//!   breakdown's groups, column by column; in each row, people = in_post + left + moved.
//! - `curve.csv`: the first row (month 0) has everyone as still followed; at each month,
//!   still followed + left by then ≤ everyone; those still followed only fall, and those who
//!   left by then only rise, month by month.

use std::collections::BTreeMap;

use sea_orm::ConnectionTrait;
use spectra::domain::disclosure::{HIDDEN, Interval, Sum, attack};
use spectra::seed::synthetic::{self, Counts, Options};

use crate::helpers::{Client, TestApp, spawn_app};

/// A file for sharing as the attacker reads it: the header, and each row's cells as text.
struct Table {
    name: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn parse(name: &str, body: &str) -> Table {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(body.as_bytes());
        let header = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        let rows = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        Table {
            name: name.to_owned(),
            header,
            rows,
        }
    }

    fn column(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{}: no column {name}", self.name))
    }
}

/// The count cells of a table, numbered, with their intervals and their (row, column).
struct Cells {
    index: BTreeMap<(usize, usize), usize>,
    intervals: Vec<Interval>,
    texts: Vec<String>,
}

impl Cells {
    fn of(table: &Table, columns: &[&str]) -> Cells {
        let mut cells = Cells {
            index: BTreeMap::new(),
            intervals: Vec::new(),
            texts: Vec::new(),
        };
        for (r, row) in table.rows.iter().enumerate() {
            for name in columns {
                let c = table.column(name);
                let text = &row[c];
                let interval = Interval::of_text(text)
                    .unwrap_or_else(|| panic!("{}: {text:?} is not a count", table.name));
                cells.index.insert((r, c), cells.intervals.len());
                cells.intervals.push(interval);
                cells.texts.push(text.clone());
            }
        }
        cells
    }

    fn at(&self, row: usize, column: usize) -> usize {
        self.index[&(row, column)]
    }
}

/// Runs the attack and checks that no hidden cell is pinned.
fn assert_survives(table: &Table, cells: &Cells, sums: &[Sum]) {
    let after = attack(&cells.intervals, sums)
        .unwrap_or_else(|| panic!("{}: the sums do not hold: {:?}", table.name, table.rows));
    for (i, (interval, text)) in after.iter().zip(&cells.texts).enumerate() {
        if text == HIDDEN {
            assert!(
                !interval.is_single(),
                "{}: hidden cell {i} is recovered as {interval:?} from {:?}",
                table.name,
                table.rows
            );
        }
    }
}

/// No cell of the file is a bare count from 1 to 7, and every count is 0, `*` or a multiple
/// of 5.
fn assert_no_bare_small_counts(table: &Table, columns: &[&str]) {
    for row in &table.rows {
        for name in columns {
            let text = &row[table.column(name)];
            let ok = text == HIDDEN || text.parse::<u64>().is_ok_and(|n| n % 5 == 0);
            assert!(ok, "{}: {text:?} in {row:?}", table.name);
        }
    }
}

/// Every shown rate's group is 10 or more (shown, not hidden) and none of the row's counts is
/// hidden.
fn assert_rates_only_for_big_groups(
    table: &Table,
    group: &str,
    counts: &[&str],
    rates: &[&str],
) -> usize {
    let mut shown = 0;
    for row in &table.rows {
        let any_rate = rates.iter().any(|r| !row[table.column(r)].is_empty());
        if !any_rate {
            continue;
        }
        shown += 1;
        let n = &row[table.column(group)];
        assert!(
            n.parse::<u64>().is_ok_and(|n| n >= 10),
            "{}: a rate for a group of {n}: {row:?}",
            table.name
        );
        for c in counts {
            assert_ne!(row[table.column(c)], HIDDEN, "{}: {row:?}", table.name);
        }
    }
    shown
}

const FUNNEL: [&str; 5] = ["sent", "shortlisted", "interviewed", "offered", "started"];
const COMPLIANCE: [&str; 5] = [
    "qualifying",
    "invited",
    "interviewed",
    "interview_to_come",
    "breaches",
];
const RETENTION: [&str; 4] = ["people", "in_post", "left", "moved"];
const RETENTION_RATES: [&str; 5] = [
    "retention_3m_pct",
    "retention_6m_pct",
    "retention_12m_pct",
    "retention_24m_pct",
    "leaver_rate_12m_pct",
];
const CURVE: [&str; 2] = ["still_followed", "left_by_then"];
const CURVE_RATES: [&str; 3] = ["still_in_post_pct", "ci_low_pct", "ci_high_pct"];

/// Column totals: the last row is the sum of the rows above, for each of `columns`.
fn column_totals(table: &Table, cells: &Cells, columns: &[&str]) -> Vec<Sum> {
    let Some(last) = table.rows.len().checked_sub(1) else {
        return Vec::new();
    };
    columns
        .iter()
        .map(|name| {
            let c = table.column(name);
            Sum::equals(
                (0..last).map(|r| cells.at(r, c)).collect(),
                cells.at(last, c),
            )
        })
        .collect()
}

fn attack_funnel(table: &Table) {
    assert_no_bare_small_counts(table, &FUNNEL);
    let cells = Cells::of(table, &FUNNEL);
    let mut sums = column_totals(table, &cells, &FUNNEL);
    for r in 0..table.rows.len() {
        for pair in FUNNEL.windows(2) {
            let (before, after) = (table.column(pair[0]), table.column(pair[1]));
            sums.push(Sum::at_most(vec![cells.at(r, after)], cells.at(r, before)));
        }
    }
    assert_survives(table, &cells, &sums);
}

fn attack_compliance(table: &Table) {
    assert_no_bare_small_counts(table, &COMPLIANCE);
    let cells = Cells::of(table, &COMPLIANCE);
    let mut sums = column_totals(table, &cells, &COMPLIANCE);
    let c = |name| table.column(name);
    for r in 0..table.rows.len() {
        sums.push(Sum::equals(
            vec![
                cells.at(r, c("interviewed")),
                cells.at(r, c("interview_to_come")),
                cells.at(r, c("breaches")),
            ],
            cells.at(r, c("qualifying")),
        ));
        sums.push(Sum::at_most(
            vec![cells.at(r, c("invited"))],
            cells.at(r, c("qualifying")),
        ));
    }
    assert_survives(table, &cells, &sums);
}

/// Returns how many rows show a rate.
fn attack_retention(table: &Table) -> usize {
    assert_no_bare_small_counts(table, &RETENTION);
    let shown = assert_rates_only_for_big_groups(
        table,
        "people",
        &["in_post", "left", "moved"],
        &RETENTION_RATES,
    );
    if table.rows.is_empty() {
        return shown;
    }
    let cells = Cells::of(table, &RETENTION);
    let c = |name| table.column(name);
    assert_eq!(
        table.rows[0][c("breakdown")],
        "everyone",
        "{:?}",
        table.rows
    );
    let mut sums = Vec::new();
    for r in 0..table.rows.len() {
        sums.push(Sum::equals(
            vec![
                cells.at(r, c("in_post")),
                cells.at(r, c("left")),
                cells.at(r, c("moved")),
            ],
            cells.at(r, c("people")),
        ));
    }
    let mut breakdowns: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (r, row) in table.rows.iter().enumerate().skip(1) {
        breakdowns
            .entry(row[c("breakdown")].as_str())
            .or_default()
            .push(r);
    }
    for rows in breakdowns.values() {
        for name in RETENTION {
            let column = c(name);
            sums.push(Sum::equals(
                rows.iter().map(|&r| cells.at(r, column)).collect(),
                cells.at(0, column),
            ));
        }
    }
    assert_survives(table, &cells, &sums);
    shown
}

fn attack_curve(table: &Table) {
    assert_no_bare_small_counts(table, &CURVE);
    let months: Vec<&str> = table.rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(months, ["0", "3", "6", "12", "24"], "the checkpoints only");
    let everyone = &table.rows[0][table.column("still_followed")];
    for row in &table.rows {
        if CURVE_RATES.iter().any(|r| !row[table.column(r)].is_empty()) {
            assert!(
                everyone.parse::<u64>().is_ok_and(|n| n >= 10),
                "a survival figure of a group of {everyone}"
            );
            for c in CURVE {
                assert_ne!(row[table.column(c)], HIDDEN, "{row:?}");
            }
        }
    }
    let cells = Cells::of(table, &CURVE);
    let (followed, left) = (table.column(CURVE[0]), table.column(CURVE[1]));
    let mut sums = Vec::new();
    for r in 1..table.rows.len() {
        sums.push(Sum::at_most(
            vec![cells.at(r, followed), cells.at(r, left)],
            cells.at(0, followed),
        ));
        sums.push(Sum::at_most(
            vec![cells.at(r, followed)],
            cells.at(r - 1, followed),
        ));
        sums.push(Sum::at_most(vec![cells.at(r - 1, left)], cells.at(r, left)));
    }
    assert_survives(table, &cells, &sums);
}

/// Downloads every file for sharing with `query` and attacks each. Returns how many retention
/// rows show a rate and how many cells are hidden, so a caller can check the test saw some.
async fn attack_every_file(client: &Client, query: &str) -> (usize, usize) {
    let (mut shown, mut hidden) = (0, 0);
    for file in ["funnel", "compliance", "curve", "retention"] {
        let response = client
            .get(&format!("/champion/export/{file}.csv?{query}"))
            .await;
        assert_eq!(response.status().as_u16(), 200, "{file} {query}");
        let disposition = response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(disposition.contains("-for-sharing-"), "{disposition}");
        let body = response.text().await.unwrap();
        assert!(!body.contains("OFFICIAL-SENSITIVE"));
        assert!(!body.contains("<5"), "{body}");
        let table = Table::parse(&format!("{file}.csv?{query}"), &body);
        hidden += table.rows.iter().flatten().filter(|c| *c == HIDDEN).count();
        match file {
            "funnel" => attack_funnel(&table),
            "compliance" => attack_compliance(&table),
            "curve" => attack_curve(&table),
            _ => shown += attack_retention(&table),
        }
    }
    (shown, hidden)
}

/// Every organisation's and programme's filter, and none.
async fn queries(app: &TestApp) -> Vec<String> {
    let mut queries = vec![String::new(), "to=2024-12-31".to_owned()];
    for table in ["organisations", "programmes"] {
        let rows = app
            .db
            .query_all_raw(sea_orm::Statement::from_string(
                app.db.get_database_backend(),
                format!("SELECT id FROM {table} ORDER BY id"),
            ))
            .await
            .unwrap();
        let key = if table == "organisations" {
            "organisation"
        } else {
            "programme"
        };
        for row in rows {
            let id: i32 = row.try_get("", "id").unwrap();
            queries.push(format!("{key}={id}"));
        }
    }
    queries
}

#[tokio::test]
async fn every_export_for_sharing_survives_the_attack_on_the_demo_data() {
    let app = spawn_app().await;
    let client = crate::dashboard::demo_champion(&app).await;
    let mut hidden = 0;
    for query in queries(&app).await {
        hidden += attack_every_file(&client, &query).await.1;
    }
    assert!(hidden > 0, "some cells are hidden, so the attack was tried");
    // The example: everyone's row no longer gives away the 4 who moved, and with a
    // hidden count it has no rates.
    let retention = client
        .get("/champion/export/retention.csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        retention.contains("everyone,Everyone,40,25,10,*,,,,,"),
        "{retention}"
    );
}

#[tokio::test]
async fn every_export_for_sharing_survives_the_attack_on_a_synthetic_seed() {
    let app = spawn_app().await;
    let options = Options {
        counts: Counts {
            organisations: 4,
            vacancies: 30,
            open: 3,
            applicants: 80,
            applications: 200,
            shortlisting_applications: 0,
            hires: 120,
        },
        seed: Some(21),
        lead_password: None,
    };
    synthetic::seed(&app.db, &options).await.unwrap();
    app.create_user("champion@nhs.net", &[spectra::domain::Role::Champion], None)
        .await;
    let client = app.new_client();
    client
        .sign_in("champion@nhs.net", crate::helpers::PASSWORD)
        .await;
    let (mut shown, mut hidden) = (0, 0);
    for query in queries(&app).await {
        let (s, h) = attack_every_file(&client, &query).await;
        (shown, hidden) = (shown + s, hidden + h);
    }
    assert!(
        shown > 0,
        "some rates are shown, so the rate check was tried"
    );
    assert!(hidden > 0, "some cells are hidden, so the attack was tried");
}

/// 17 people at one trust: 8 in post, 8 who left and 1 who moved. For sharing, everyone's row
/// would read 15, 10, 10, *: as 15 is at most 17 and each 10 at least 8, the * can only be 1.
/// The app works this out before sending the file and refuses it; the exact file still comes.
#[tokio::test]
async fn a_table_for_sharing_that_would_give_away_a_hidden_number_is_refused() {
    // Arrange
    let app = spawn_app().await;
    let org = app.create_organisation("Walton Test Trust").await;
    for _ in 0..8 {
        crate::dashboard::hire(&app, org, 500, None).await;
    }
    for _ in 0..8 {
        crate::dashboard::hire(&app, org, 500, Some((50, "left"))).await;
    }
    crate::dashboard::hire(&app, org, 500, Some((50, "moved"))).await;
    let champion = crate::dashboard::champion(&app).await;

    // Act
    let refused = champion.get("/champion/export/retention.csv").await;
    let status = refused.status().as_u16();
    let content_type = refused.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let page = refused.text().await.unwrap();
    let exact = champion.get("/champion/export/exact/retention.csv").await;

    // Assert: a page that says why and what to do, not a file.
    assert_eq!(status, 400, "{page}");
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(!page.contains("everyone,Everyone"), "{page}");
    for words in [
        "These figures cannot be shared safely with these filters",
        "could be worked out from the other numbers",
        "Choose wider filters",
        "download the exact figures for your own use",
    ] {
        assert!(page.contains(words), "{words}: {page}");
    }
    assert_eq!(exact.status().as_u16(), 200);
    let exact = exact.text().await.unwrap();
    assert!(
        exact.contains("everyone,Everyone,17,8,8,1,"),
        "the exact file still has every figure: {exact}"
    );
    // The other tables for sharing, which give nothing away here, still come.
    let funnel = champion.get("/champion/export/funnel.csv").await;
    assert_eq!(funnel.status().as_u16(), 200);
    // Only what was sent is audited: the exact file, not the refused one.
    let events = crate::shortlisting::audited(&app, "report_exported").await;
    let kinds: Vec<(&str, bool)> = events
        .iter()
        .map(|e| (e.subject.as_str(), e.details.contains("\"kind\":\"exact\"")))
        .collect();
    assert_eq!(
        kinds,
        [("dashboard:retention", true), ("dashboard:funnel", false)]
    );
}
