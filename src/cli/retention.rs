//! `spectra retention km …`: the retention measures from the command line, on a CSV file, with
//! no configuration and no database, so an analyst can check the service's figures in another
//! tool.
//!
//! `spectra retention km --employments employments.csv --as-of 2025-03-31` reads
//! `employments.csv`, header `id,start_date,end_date,moved_within_nhs`: one row per employment,
//! dates as `YYYY-MM-DD`, `end_date` empty while in post (otherwise the leaving date, or the date
//! of the move when `moved_within_nhs` is `yes`), `moved_within_nhs` `yes`, `no`, `true`,
//! `false` or empty (no). Ids must be present and different.
//!
//! It prints JSON: `{"n", "events", "curve": [{"day", "at_risk", "events", "censored",
//! "survival", "ci_low", "ci_high"}], "retention": {"3", "6", "12", "24"},
//! "leaver_rate_12m"}`, computed by [`crate::domain::retention`]; a retention figure or the
//! leaver rate is `null` where it cannot be computed.
//!
//! The first problem in the file stops the command with one message, `FILE:LINE: reason` (the
//! header is line 1), and exit code 2; so does a bad `--as-of`.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;
use time::Date;
use time::macros::format_description;

use crate::domain::csv::{Records, Unreadable};
use crate::domain::retention::{self, CurvePoint, Spell};

/// The header the employments file must have.
pub const EMPLOYMENTS_HEADER: [&str; 4] = ["id", "start_date", "end_date", "moved_within_nhs"];
/// The exit code for a bad `--as-of` or a missing, unreadable or malformed file.
pub const EXIT_BAD_INPUT: u8 = 2;

/// A problem with the input, ready to show: a file's problems name the file and, when they can,
/// the line, as `FILE:LINE: reason`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadInput(String);

impl BadInput {
    /// A problem on line `line` of `file`.
    pub fn at(file: &str, line: u64, what: impl fmt::Display) -> Self {
        BadInput(format!("{file}:{line}: {what}"))
    }

    /// A problem with `file` as a whole.
    pub fn file(file: &str, what: impl fmt::Display) -> Self {
        BadInput(format!("{file}: {what}"))
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BadInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

/// Retention at 3, 6, 12 and 24 months, as printed: keys "3", "6", "12", "24" in that order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Retention {
    /// S at 91 days.
    #[serde(rename = "3")]
    pub months_3: Option<f64>,
    /// S at 182 days.
    #[serde(rename = "6")]
    pub months_6: Option<f64>,
    /// S at 365 days.
    #[serde(rename = "12")]
    pub months_12: Option<f64>,
    /// S at 730 days.
    #[serde(rename = "24")]
    pub months_24: Option<f64>,
}

/// The figures as printed: one JSON object, fields in this order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Employments counted (started on or before the as-of date).
    pub n: u32,
    /// Of them, how many left on or before the as-of date.
    pub events: u32,
    /// The Kaplan–Meier curve, one point per distinct event time.
    pub curve: Vec<CurvePoint>,
    /// Retention at 3, 6, 12 and 24 months.
    pub retention: Retention,
    /// The leaver rate over the 12 months to the as-of date.
    pub leaver_rate_12m: Option<f64>,
}

/// The figures of `spells` as of `as_of`.
pub fn report(spells: &[Spell], as_of: Date) -> Report {
    let curve = retention::kaplan_meier(spells, as_of);
    let [m3, m6, m12, m24] = retention::retention(&curve).map(|(_, s)| s);
    Report {
        n: curve.n,
        events: curve.events,
        curve: curve.points,
        retention: Retention {
            months_3: m3,
            months_6: m6,
            months_12: m12,
            months_24: m24,
        },
        leaver_rate_12m: retention::leaver_rate_12m(spells, as_of).rate,
    }
}

/// A date written `YYYY-MM-DD` (exactly: four digits, two, two), if it is one.
fn parse_date(text: &str) -> Option<Date> {
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    shaped
        .then(|| Date::parse(text, format_description!("[year]-[month]-[day]")).ok())
        .flatten()
}

/// Reads the `--as-of` argument.
pub fn parse_as_of(text: &str) -> Result<Date, BadInput> {
    parse_date(text.trim()).ok_or_else(|| {
        BadInput(format!(
            "--as-of {text:?} is not a date: write it as YYYY-MM-DD, for example 2025-03-31"
        ))
    })
}

/// A record of `file` that could not be read, in this command's words.
fn unreadable(file: &str) -> impl Fn(Unreadable) -> BadInput + '_ {
    move |e| match e.line {
        Some(line) => BadInput::at(file, line, e.what),
        None => BadInput::file(file, e.what),
    }
}

/// Reads a `moved_within_nhs` flag: `yes`, `no`, `true`, `false` (in any case) or empty (no).
fn parse_flag(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "yes" | "true" => Some(true),
        "no" | "false" | "" => Some(false),
        _ => None,
    }
}

/// Parses an employments file (named `file` in messages) into spells, in the file's order.
pub fn parse_employments(file: &str, data: &[u8]) -> Result<Vec<Spell>, BadInput> {
    // A spreadsheet may start the file with a byte-order mark; it is not part of the header.
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let mut records = Records::new(data);
    records
        .header(&EMPLOYMENTS_HEADER)
        .map_err(unreadable(file))?;
    let mut record = csv::StringRecord::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let mut spells = Vec::new();
    while let Some(line) = records.next(&mut record).map_err(unreadable(file))? {
        let at = |what: String| BadInput::at(file, line, what);
        let [id, start, end, moved] = match record.iter().map(str::trim).collect::<Vec<_>>()[..] {
            [id, start, end, moved] => [id, start, end, moved],
            ref fields => {
                return Err(at(format!(
                    "expected 4 fields ({}), found {}",
                    EMPLOYMENTS_HEADER.join(","),
                    fields.len()
                )));
            }
        };
        if id.is_empty() {
            return Err(at("id is empty".to_owned()));
        }
        if let Some(first) = first_line.get(id) {
            return Err(at(format!(
                "id {id:?} is listed twice (first on line {first})"
            )));
        }
        let date = |name: &str, text: &str| {
            parse_date(text).ok_or_else(|| {
                at(format!(
                    "{name} {text:?} is not a date: write it as YYYY-MM-DD"
                ))
            })
        };
        if start.is_empty() {
            return Err(at("start_date is empty".to_owned()));
        }
        let start_date = date("start_date", start)?;
        let end_date = match end {
            "" => None,
            text => Some(date("end_date", text)?),
        };
        let moved = parse_flag(moved).ok_or_else(|| {
            at(format!(
                "moved_within_nhs {moved:?} is not yes, no, true, false or empty"
            ))
        })?;
        match end_date {
            Some(end_date) if end_date < start_date => {
                return Err(at(format!("end_date {end} is before start_date {start}")));
            }
            None if moved => {
                return Err(at(
                    "moved_within_nhs is yes but end_date is empty: give the date of the move"
                        .to_owned(),
                ));
            }
            _ => {}
        }
        first_line.insert(id.to_owned(), line);
        spells.push(Spell {
            start: start_date,
            end: end_date,
            moved,
        });
    }
    Ok(spells)
}

/// `retention km`: checks `as_of`, reads the file and computes the figures.
pub fn km_file(employments: &Path, as_of: &str) -> Result<Report, BadInput> {
    let as_of = parse_as_of(as_of)?;
    let name = employments.display().to_string();
    let data = std::fs::read(employments)
        .map_err(|e| BadInput::file(&name, format!("cannot read it: {e}")))?;
    let spells = parse_employments(&name, &data)?;
    Ok(report(&spells, as_of))
}

/// Runs `retention km`: prints the figures as JSON on standard output (exit code 0), or the
/// problem with the input on standard error (exit code 2). A failure to write is exit code 1.
pub fn km(employments: &Path, as_of: &str) -> ExitCode {
    match km_file(employments, as_of) {
        Ok(report) => match print_json(&report) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("spectra: cannot write the result: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}

fn print_json(report: &Report) -> io::Result<()> {
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, report).map_err(io::Error::other)?;
    out.write_all(b"\n")?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn parse(text: &str) -> Result<Vec<Spell>, String> {
        parse_employments("e.csv", text.as_bytes()).map_err(|e| e.message().to_owned())
    }

    #[test]
    fn rows_become_spells() {
        let spells = parse(
            "\u{feff}id , start_date,end_date,moved_within_nhs\n\
             a,2023-01-01,2023-03-01,no\n\
             \n\
             b, 2023-01-01 ,2023-03-01,YES\n\
             c,2023-01-01,,\n\
             \"d\",2024-01-01,2024-10-01,false\n\
             e,2024-01-01,2024-02-01,True\n",
        )
        .unwrap();
        let spell = |start, end, moved| Spell { start, end, moved };
        assert_eq!(
            spells,
            [
                spell(date!(2023 - 01 - 01), Some(date!(2023 - 03 - 01)), false),
                spell(date!(2023 - 01 - 01), Some(date!(2023 - 03 - 01)), true),
                spell(date!(2023 - 01 - 01), None, false),
                spell(date!(2024 - 01 - 01), Some(date!(2024 - 10 - 01)), false),
                spell(date!(2024 - 01 - 01), Some(date!(2024 - 02 - 01)), true),
            ]
        );
        assert_eq!(
            parse("id,start_date,end_date,moved_within_nhs\n"),
            Ok(vec![])
        );
    }

    #[test]
    fn each_problem_names_the_file_and_line() {
        const HEADER: &str = "id,start_date,end_date,moved_within_nhs\n";
        let cases = [
            (
                "",
                "e.csv:1: the file is empty; its first line must be the header id,start_date,end_date,moved_within_nhs",
            ),
            (
                "id,start,end,moved\n",
                "e.csv:1: the header must be id,start_date,end_date,moved_within_nhs, not \"id,start,end,moved\"",
            ),
            (
                "a,2023-01-01,,no\n\nb,2023-02-30,,no\n",
                "e.csv:4: start_date \"2023-02-30\" is not a date: write it as YYYY-MM-DD",
            ),
            (
                "a,1/2/2023,,no\n",
                "e.csv:2: start_date \"1/2/2023\" is not a date: write it as YYYY-MM-DD",
            ),
            ("a,,,no\n", "e.csv:2: start_date is empty"),
            (
                "a,2023-01-01,2023-1-5,no\n",
                "e.csv:2: end_date \"2023-1-5\" is not a date: write it as YYYY-MM-DD",
            ),
            (
                "a,2023-01-01,2022-12-31,no\n",
                "e.csv:2: end_date 2022-12-31 is before start_date 2023-01-01",
            ),
            (
                "a,2023-01-01,,maybe\n",
                "e.csv:2: moved_within_nhs \"maybe\" is not yes, no, true, false or empty",
            ),
            (
                "a,2023-01-01,,yes\n",
                "e.csv:2: moved_within_nhs is yes but end_date is empty: give the date of the move",
            ),
            (
                "a,2023-01-01,\n",
                "e.csv:2: expected 4 fields (id,start_date,end_date,moved_within_nhs), found 3",
            ),
            (",2023-01-01,,no\n", "e.csv:2: id is empty"),
            (
                "a,2023-01-01,,no\nb,2023-01-01,,no\na,2023-01-01,,no\n",
                "e.csv:4: id \"a\" is listed twice (first on line 2)",
            ),
        ];
        for (body, expected) in cases {
            let text = if body.is_empty() || body.starts_with("id,start,") {
                body.to_owned()
            } else {
                format!("{HEADER}{body}")
            };
            assert_eq!(parse(&text), Err(expected.to_owned()), "{body:?}");
        }
        assert_eq!(
            parse_employments(
                "e.csv",
                b"id,start_date,end_date,moved_within_nhs\na\xff,x,,\n"
            )
            .unwrap_err()
            .message(),
            "e.csv:2: is not valid UTF-8 text"
        );
    }

    #[test]
    fn the_as_of_date_must_be_yyyy_mm_dd() {
        assert_eq!(parse_as_of("2025-03-31"), Ok(date!(2025 - 03 - 31)));
        for bad in ["31/03/2025", "2025-3-31", "2025-02-29", "", "+2025-03-31"] {
            let error = parse_as_of(bad).unwrap_err();
            assert!(error.message().starts_with("--as-of "), "{error}");
            assert!(error.message().contains("YYYY-MM-DD"), "{error}");
        }
    }

    #[test]
    fn the_report_prints_in_the_documented_shape() {
        let spells = [Spell {
            start: date!(2024 - 01 - 01),
            end: Some(date!(2024 - 03 - 01)),
            moved: false,
        }];
        let json = serde_json::to_value(report(&spells, date!(2024 - 06 - 30))).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "n": 1,
                "events": 1,
                "curve": [{"day": 60, "at_risk": 1, "events": 1, "censored": 0,
                           "survival": 0.0, "ci_low": 0.0, "ci_high": 0.0}],
                "retention": {"3": null, "6": null, "12": null, "24": null},
                // Nobody was in post on either headcount day.
                "leaver_rate_12m": null,
            })
        );
        let text = serde_json::to_string(&report(&[], date!(2024 - 06 - 30))).unwrap();
        assert_eq!(
            text,
            r#"{"n":0,"events":0,"curve":[],"retention":{"3":null,"6":null,"12":null,"24":null},"leaver_rate_12m":null}"#
        );
    }

    #[test]
    fn a_missing_file_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.csv");
        let error = km_file(&missing, "2025-01-01").unwrap_err();
        assert!(
            error
                .message()
                .starts_with(&format!("{}: cannot read it: ", missing.display())),
            "{error}"
        );
        // The date is checked first.
        assert!(
            km_file(&missing, "soon")
                .unwrap_err()
                .message()
                .starts_with("--as-of")
        );
    }
}
