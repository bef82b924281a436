//! `spectra retention km`: the retention figures from a CSV file, without a database.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const HEADER: &str = "id,start_date,end_date,moved_within_nhs\n";

/// Runs `spectra retention km` in `dir` on `employments.csv` there, with a `DATABASE_URL` that
/// would create a file in `dir` if anything opened it.
fn km(dir: &Path, as_of: &str) -> Output {
    let database = dir.join("should-not-exist.sqlite");
    Command::new(env!("CARGO_BIN_EXE_spectra"))
        .current_dir(dir)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", database.display()),
        )
        .args(["retention", "km", "--employments", "employments.csv"])
        .args(["--as-of", as_of])
        .output()
        .unwrap()
}

fn write(dir: &Path, body: &str) {
    std::fs::write(dir.join("employments.csv"), format!("{HEADER}{body}")).unwrap();
}

#[track_caller]
fn assert_close(value: &Value, expected: f64) {
    let actual = value
        .as_f64()
        .unwrap_or_else(|| panic!("{value} is not a number"));
    assert!((actual - expected).abs() < 1e-9, "{actual} != {expected}");
}

/// As of 1 January 2025 (2024 is a leap year):
///
/// | id | start      | end        | moved | observed                                    |
/// | a  | 2023-01-01 | 2023-03-01 | no    | left on day 59 (31 + 28)                    |
/// | b  | 2023-01-01 | 2023-03-01 | yes   | censored on day 59                          |
/// | c  | 2023-01-01 | 2023-07-01 | no    | left on day 181 (31+28+31+30+31+30)         |
/// | d  | 2023-01-01 |            |       | censored on day 731 (365 + 366)             |
/// | e  | 2024-01-01 | 2024-10-01 | no    | left on day 274 (31+29+31+30+31+30+31+31+30)|
/// | f  | 2024-07-01 |            | no    | censored on day 184 (31+31+30+31+30+31)     |
/// | g  | 2025-02-01 |            | no    | not counted: starts after the as-of date    |
/// | h  | 2023-06-01 | 2025-06-01 | false | leaves after the as-of date: censored, 580  |
///
/// n = 7, 3 events. The curve (Σ is Greenwood's Σ d/(n(n−d))):
///
/// | day | at risk | left | censored | S                 | Σ                     |
/// | 59  | 7       | 1    | 1        | 6/7               | 1/42                  |
/// | 181 | 5       | 1    | 0        | 6/7·4/5 = 24/35   | 1/42 + 1/20 = 31/420  |
/// | 274 | 3       | 1    | 0        | 24/35·2/3 = 16/35 | 31/420 + 1/6 = 101/420 |
///
/// 95% log-log intervals [S^exp(1.96·se), S^exp(−1.96·se)], se = √Σ / |ln S|:
/// day 59: se = 0.1543033/0.1541507 = 1.0009904, [0.3340407, 0.9785618];
/// day 181: se = 0.2716791/0.3772942 = 0.7200722, [0.2127889, 0.9121139];
/// day 274: se = 0.4903837/0.7827604 = 0.6264808, [0.0690871, 0.7951097].
///
/// Retention: S(91) = 6/7, S(182) = 24/35, S(365) = S(730) = 16/35 (d is observed to day 731).
///
/// Leaver rate over 2 January 2024 to 1 January 2025: one leaver (e); headcount on 1 January
/// 2024: d, e, h = 3; on 1 January 2025: d, f, h = 3; rate 1/3.
const WORKED_EXAMPLE: &str = "a,2023-01-01,2023-03-01,no\n\
                              b,2023-01-01,2023-03-01,yes\n\
                              c,2023-01-01,2023-07-01,no\n\
                              d,2023-01-01,,\n\
                              e,2024-01-01,2024-10-01,no\n\
                              f,2024-07-01,,no\n\
                              g,2025-02-01,,no\n\
                              h,2023-06-01,2025-06-01,false\n";

#[test]
fn km_prints_the_hand_computed_figures() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), WORKED_EXAMPLE);
    let output = km(dir.path(), "2025-01-01");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys.len(),
        5,
        "n, events, curve, retention, leaver_rate_12m: {keys:?}"
    );
    assert_eq!(json["n"], 7);
    assert_eq!(json["events"], 3);

    let curve = json["curve"].as_array().unwrap();
    let expected = [
        (
            59,
            7,
            1,
            1,
            6.0 / 7.0,
            0.334_040_674_710_342_7,
            0.978_561_823_065_839_4,
        ),
        (
            181,
            5,
            1,
            0,
            24.0 / 35.0,
            0.212_788_865_879_660_17,
            0.912_113_937_218_747_7,
        ),
        (
            274,
            3,
            1,
            0,
            16.0 / 35.0,
            0.069_087_052_509_634_73,
            0.795_109_717_772_297,
        ),
    ];
    assert_eq!(curve.len(), expected.len());
    for (point, (day, at_risk, events, censored, survival, low, high)) in curve.iter().zip(expected)
    {
        assert_eq!(point.as_object().unwrap().len(), 7, "{point}");
        assert_eq!(point["day"], day);
        assert_eq!(point["at_risk"], at_risk);
        assert_eq!(point["events"], events);
        assert_eq!(point["censored"], censored);
        assert_close(&point["survival"], survival);
        assert_close(&point["ci_low"], low);
        assert_close(&point["ci_high"], high);
    }

    let retention = json["retention"].as_object().unwrap();
    assert_eq!(retention.len(), 4, "{retention:?}");
    assert_close(&retention["3"], 6.0 / 7.0);
    assert_close(&retention["6"], 24.0 / 35.0);
    assert_close(&retention["12"], 16.0 / 35.0);
    assert_close(&retention["24"], 16.0 / 35.0);
    assert_close(&json["leaver_rate_12m"], 1.0 / 3.0);
}

#[test]
fn retention_nobody_was_at_risk_for_is_null() {
    let dir = tempfile::tempdir().unwrap();
    // As of 1 May 2024, a leaves on day 60 (S = 1/2) and c is observed for 121 days
    // (31+29+31+30): no 6-month figure or later. One leaver, headcounts 0 on 1 May 2023 and 1
    // on 1 May 2024: rate 1/(1/2) = 2.
    write(dir.path(), "a,2024-01-01,2024-03-01,no\nc,2024-01-01,,no\n");
    let output = km(dir.path(), "2024-05-01");
    assert!(output.status.success());
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_close(&json["retention"]["3"], 0.5);
    for months in ["6", "12", "24"] {
        assert!(json["retention"][months].is_null(), "{json}");
    }
    assert_close(&json["leaver_rate_12m"], 2.0);
}

#[test]
fn a_malformed_file_names_the_file_and_line_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    for (body, expected) in [
        (
            "a,2023-01-01,,no\nb,2023-13-01,,no\n",
            "employments.csv:3: start_date \"2023-13-01\" is not a date",
        ),
        (
            "a,2023-01-01,,no\n\nb,2023-05-01,2023-04-30,no\n",
            "employments.csv:4: end_date 2023-04-30 is before start_date 2023-05-01",
        ),
        (
            "a,2023-01-01,2023-02-01,perhaps\n",
            "employments.csv:2: moved_within_nhs \"perhaps\"",
        ),
    ] {
        write(dir.path(), body);
        let output = km(dir.path(), "2025-01-01");
        assert_eq!(output.status.code(), Some(2), "{body:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.starts_with(expected), "{stderr}");
        assert!(output.stdout.is_empty());
    }

    std::fs::write(dir.path().join("employments.csv"), "id,start,end\n").unwrap();
    let output = km(dir.path(), "2025-01-01");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(
            "employments.csv:1: the header must be id,start_date,end_date,moved_within_nhs"
        ),
        "{stderr}"
    );

    std::fs::remove_file(dir.path().join("employments.csv")).unwrap();
    let output = km(dir.path(), "2025-01-01");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("employments.csv: cannot read it:"),
        "{stderr}"
    );
}

#[test]
fn a_bad_as_of_date_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), WORKED_EXAMPLE);
    let output = km(dir.path(), "1/1/2025");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--as-of \"1/1/2025\" is not a date: write it as YYYY-MM-DD"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn no_database_is_opened_or_created() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), WORKED_EXAMPLE);
    assert!(km(dir.path(), "2025-01-01").status.success());
    write(dir.path(), "a,not a date,,\n");
    assert_eq!(km(dir.path(), "2025-01-01").status.code(), Some(2));

    let mut files: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort_unstable();
    assert_eq!(files, ["employments.csv"], "no database, outbox or log");
}
