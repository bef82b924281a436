//! ESR extracts (DOMAIN.md §7): existing staff who self-identify as care experienced, brought in
//! from a CSV exported from the Electronic Staff Record, and the same extract recording leavers.
//!
//! Reading a file either gives every row, checked, or lists every bad row by line (the header
//! is line 1) with the reason in plain words: a file with any bad row is refused whole. Every
//! row is checked, though only the rows marked `care_experienced=yes` are ever stored. Whether
//! an organisation code names an organisation of the service is for the caller to check
//! against the database. Then [`changed_fields`] and [`ending`] compare a row with what is
//! stored, and [`checkpoint_outcomes`] says what the checkpoints of a record made from a row
//! record. Writing gives the same columns back.

use std::collections::HashMap;
use std::fmt;

use time::Date;

use crate::domain::csv::{self as csv_file, Records};
use crate::domain::employment::{
    CHECKPOINT_MONTHS, CheckpointOutcome, EndKind, EndRefusal, LeavingReason, check_end_date,
    checkpoint_due, esr_proves_in_post, parse_staff_group,
};
use crate::domain::organisation::parse_ods_code;
use crate::domain::spreadsheet::{escape, unescape};
use crate::domain::vacancy::BANDS;
use crate::domain::{dates, text_input};

/// The columns of an extract, exactly and in this order.
pub const COLUMNS: [&str; 9] = [
    "assignment_number",
    "organisation_code",
    "job_role",
    "staff_group",
    "band",
    "start_date",
    "end_date",
    "leaving_reason",
    "care_experienced",
];

/// The longest assignment number (the database keeps 30 characters).
pub const MAX_ASSIGNMENT_NUMBER: usize = 30;
/// The longest job role (the database keeps 200 characters).
pub const MAX_JOB_ROLE: usize = 200;

/// One bad row: its line in the file (the header is line 1) and what is wrong, in plain words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRow {
    /// The line, counting from 1 for the header.
    pub line: u64,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for BadRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Line {}: {}", self.line, self.reason)
    }
}

/// How someone's employment ended, as the extract says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ending {
    /// The last day of the employment.
    pub date: Date,
    /// ESR's leaving reason.
    pub reason: LeavingReason,
}

impl Ending {
    /// Left the NHS, or moved within it ("Employee Transfer"): not a leaver.
    pub fn kind(self) -> EndKind {
        if self.reason.is_move_within_nhs() {
            EndKind::Moved
        } else {
            EndKind::Left
        }
    }
}

/// A checked row of an extract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EsrRow {
    /// Its line in the file.
    pub line: u64,
    /// The ESR assignment number; empty on an exported SPECTRA hire that has none (such a row
    /// cannot be matched, so it is never stored).
    pub assignment_number: String,
    /// The ODS code of the organisation, upper case; empty only where the assignment number is.
    pub organisation_code: String,
    /// The job role.
    pub job_role: String,
    /// The staff group as ESR spells it; empty only where the assignment number is.
    pub staff_group: String,
    /// The Agenda for Change band, lower case ("3", "8a").
    pub band: String,
    /// The start date.
    pub start_date: Date,
    /// How the employment ended, for leavers and movers.
    pub ending: Option<Ending>,
    /// Whether the person self-identifies as care experienced (`yes`); only these rows are
    /// stored.
    pub care_experienced: bool,
}

impl EsrRow {
    /// Whether this row is stored: marked care experienced, with an assignment number to match
    /// it on.
    pub fn is_stored(&self) -> bool {
        self.care_experienced && !self.assignment_number.is_empty()
    }
}

/// Reads a whole extract, checking every row. `today` is the date of the import: leaving dates
/// more than a year ahead are refused as typing errors.
pub fn read(text: &str, today: Date) -> Result<Vec<EsrRow>, Vec<BadRow>> {
    let (rows, bad) = read_all(text, today);
    if bad.is_empty() { Ok(rows) } else { Err(bad) }
}

/// What is wrong with the first line, naming the first column that differs from [`COLUMNS`]:
/// "Column 4 is headed 'Band', but it should be 'staff_group'". `None` when it is right.
pub fn header_problem(header: &[String]) -> Option<String> {
    if header.iter().all(|h| h.trim().is_empty()) {
        return Some("The first line is empty: it should name the columns".to_owned());
    }
    let differs = (0..header.len().max(COLUMNS.len()))
        .find(|&i| header.get(i).map(String::as_str) != COLUMNS.get(i).copied())?;
    let n = differs + 1;
    Some(match (header.get(differs), COLUMNS.get(differs)) {
        (Some(got), Some(want)) => {
            format!("Column {n} is headed '{got}', but it should be '{want}'")
        }
        (None, Some(want)) => format!(
            "Column {n} is missing: it should be '{want}' (the first line has only {} columns)",
            header.len()
        ),
        (Some(got), None) => format!(
            "Column {n} is headed '{got}', but there should be only {} columns",
            COLUMNS.len()
        ),
        (None, None) => return None,
    })
}

/// Reads a whole extract: the good rows and the bad ones, so that the caller can check the
/// good ones further (their organisations) and list every problem at once.
pub fn read_all(text: &str, today: Date) -> (Vec<EsrRow>, Vec<BadRow>) {
    let text = text.trim_start_matches('\u{feff}');
    let mut records = Records::new(text.as_bytes());
    let mut fields = csv::StringRecord::new();
    let header: Vec<String> = match records.next(&mut fields) {
        Ok(Some(_)) => fields.iter().map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    if let Some(problem) = header_problem(&header) {
        let bad = BadRow {
            line: 1,
            reason: format!(
                "{problem}. The first line must be exactly the column names {}",
                COLUMNS.join(",")
            ),
        };
        return (Vec::new(), vec![bad]);
    }
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for i in 0_u64.. {
        let line = match records.next(&mut fields) {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(e) => {
                bad.push(BadRow {
                    line: e.line.unwrap_or(i.saturating_add(2)),
                    reason: "the row could not be read as CSV (check its quotation marks)"
                        .to_owned(),
                });
                continue;
            }
        };
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if fields.len() != COLUMNS.len() {
            bad.push(BadRow {
                line,
                reason: format!(
                    "it has {} values, but every row needs {}, one for each column",
                    fields.len(),
                    COLUMNS.len()
                ),
            });
            continue;
        }
        let values: Vec<&str> = fields.iter().map(|f| unescape(f.trim())).collect();
        match read_row(line, &values, today) {
            Ok(row) => {
                let number = row.assignment_number.clone();
                match (number.is_empty(), seen.get(&number)) {
                    (false, Some(first)) => bad.push(BadRow {
                        line,
                        reason: format!(
                            "assignment_number {number} is also on line {first}: each assignment must be on one row only"
                        ),
                    }),
                    _ => {
                        if !number.is_empty() {
                            seen.insert(number, line);
                        }
                        rows.push(row);
                    }
                }
            }
            Err(problems) => bad.push(BadRow {
                line,
                reason: problems.join("; "),
            }),
        }
    }
    if rows.is_empty() && bad.is_empty() {
        bad.push(BadRow {
            line: 1,
            reason: "there are no rows under the column names".to_owned(),
        });
    }
    (rows, bad)
}

/// Checks one row's values (already trimmed), in column order.
fn read_row(line: u64, v: &[&str], today: Date) -> Result<EsrRow, Vec<String>> {
    let mut problems = Vec::new();
    let [
        assignment_number,
        organisation_code,
        job_role,
        staff_group,
        band,
        start_date,
        end_date,
        leaving_reason,
        care_experienced,
    ] = v
    else {
        return Err(vec![format!(
            "every row needs {} values, one for each column",
            COLUMNS.len()
        )]);
    };
    // Nothing else is read of a row with a hidden character: it is not echoed back either.
    if let Some(at) = v.iter().position(|value| text_input::has_refused(value)) {
        return Err(vec![text_input::refusal(COLUMNS[at])]);
    }
    let numbered = !assignment_number.is_empty();
    check_assignment_number(&mut problems, assignment_number);
    let care_experienced = match care_experienced.to_ascii_lowercase().as_str() {
        "yes" => Some(true),
        "no" | "" => Some(false),
        _ => None,
    };
    if care_experienced.is_none() {
        problems.push(format!(
            "care_experienced \"{}\" must be yes, no or empty",
            v[8]
        ));
    }
    let organisation_code = read_organisation_code(&mut problems, organisation_code, numbered);
    if job_role.is_empty() {
        problems.push("job_role is empty".to_owned());
    } else if job_role.chars().count() > MAX_JOB_ROLE {
        problems.push(format!("job_role is longer than {MAX_JOB_ROLE} characters"));
    }
    let staff_group = read_staff_group(&mut problems, staff_group, numbered);
    let band = parse_band(band).unwrap_or_else(|| {
        problems.push(format!(
            "band \"{band}\" is not an Agenda for Change band (1 to 9, or 8a to 8d)"
        ));
        String::new()
    });
    let start = parse_date(start_date);
    match start {
        None => problems.push(date_problem("start_date", start_date)),
        Some(start) if !dates::plausible_employment_date(start, today) => problems.push(format!(
            "start_date {start_date} cannot be right: it must be on or after 5 July 1948, when the NHS began, and no more than a year from today"
        )),
        Some(_) => {}
    }
    let (end, reason) = read_ending(&mut problems, start, end_date, leaving_reason, today);
    match (start, care_experienced) {
        (Some(start_date), Some(care_experienced)) if problems.is_empty() => Ok(EsrRow {
            line,
            assignment_number: (*assignment_number).to_owned(),
            organisation_code,
            job_role: (*job_role).to_owned(),
            staff_group,
            band,
            start_date,
            ending: end
                .zip(reason)
                .map(|(date, reason)| Ending { date, reason }),
            care_experienced,
        }),
        _ => Err(problems),
    }
}

/// The assignment number: letters, digits and hyphens, not too long.
fn check_assignment_number(problems: &mut Vec<String>, assignment_number: &str) {
    if assignment_number.chars().count() > MAX_ASSIGNMENT_NUMBER {
        problems.push(format!(
            "assignment_number is longer than {MAX_ASSIGNMENT_NUMBER} characters"
        ));
    } else if !assignment_number
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        problems.push(format!(
            "assignment_number \"{assignment_number}\" can only have letters, digits and hyphens"
        ));
    }
}

/// The organisation's ODS code; empty for a row with no assignment number.
fn read_organisation_code(
    problems: &mut Vec<String>,
    organisation_code: &str,
    numbered: bool,
) -> String {
    if organisation_code.is_empty() && !numbered {
        String::new()
    } else if organisation_code.is_empty() {
        problems.push("organisation_code is empty".to_owned());
        String::new()
    } else {
        parse_ods_code(organisation_code).unwrap_or_else(|| {
            problems.push(format!(
                "organisation_code \"{organisation_code}\" is not an ODS code (3 to 6 letters and digits, like RBS)"
            ));
            String::new()
        })
    }
}

/// One of ESR's staff groups, as ESR spells it; empty for a row with no assignment number.
fn read_staff_group(problems: &mut Vec<String>, staff_group: &str, numbered: bool) -> String {
    if staff_group.is_empty() && !numbered {
        String::new()
    } else if staff_group.is_empty() {
        problems.push("staff_group is empty".to_owned());
        String::new()
    } else {
        parse_staff_group(staff_group).map_or_else(
            || {
                problems.push(format!(
                    "staff_group \"{staff_group}\" is not one of ESR's staff groups"
                ));
                String::new()
            },
            str::to_owned,
        )
    }
}

/// A leaver's end date and leaving reason (both, or neither while in post), the end not
/// before the start nor more than a year from today.
fn read_ending(
    problems: &mut Vec<String>,
    start: Option<Date>,
    end_date: &str,
    leaving_reason: &str,
    today: Date,
) -> (Option<Date>, Option<LeavingReason>) {
    let end = match end_date.is_empty() {
        true => None,
        false => {
            let end = parse_date(end_date);
            if end.is_none() {
                problems.push(date_problem("end_date", end_date));
            }
            end
        }
    };
    let reason = match leaving_reason.is_empty() {
        true => None,
        false => {
            let reason = LeavingReason::from_esr(leaving_reason);
            if reason.is_none() {
                problems.push(format!(
                    "leaving_reason \"{leaving_reason}\" is not one of ESR's leaving reasons"
                ));
            }
            reason
        }
    };
    if end_date.is_empty() && !leaving_reason.is_empty() {
        problems.push("leaving_reason is given but end_date is empty: a leaver needs both, and someone in post neither".to_owned());
    }
    if !end_date.is_empty() && leaving_reason.is_empty() {
        problems.push("end_date is given but leaving_reason is empty: a leaver needs both, and someone in post neither".to_owned());
    }
    if let (Some(start), Some(end)) = (start, end) {
        match check_end_date(start, end, today) {
            Ok(()) => {}
            Err(EndRefusal::BeforeStart) => {
                problems.push("end_date is before start_date".to_owned());
            }
            Err(EndRefusal::TooFarAhead) => {
                problems.push("end_date is more than a year from today".to_owned());
            }
        }
    }
    (end, reason)
}

/// An Agenda for Change band as typed: "5", "8A", "Band 8a" all read, lower case. Band 1 is
/// closed to new posts, so vacancies never offer it, but staff still hold it.
pub fn parse_band(input: &str) -> Option<String> {
    let band = input.trim().to_lowercase();
    let band = band.strip_prefix("band").map_or(band.as_str(), str::trim);
    (band == "1" || BANDS.contains(&band)).then(|| band.to_owned())
}

/// A date written `YYYY-MM-DD`.
pub fn parse_date(input: &str) -> Option<Date> {
    dates::parse_iso(input)
}

/// A date as `YYYY-MM-DD`.
pub fn format_date(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

fn date_problem(column: &str, value: &str) -> String {
    format!("{column} \"{value}\" is not a real date written like 2024-03-31")
}

/// What is stored of an employment record, as the extract would write it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    /// The ODS code of its organisation, if the organisation has one.
    pub organisation_code: Option<String>,
    /// Job role.
    pub job_role: String,
    /// Staff group.
    pub staff_group: String,
    /// Band.
    pub band: String,
    /// Start date.
    pub start_date: Date,
    /// How it ended, if it has.
    pub end: Option<StoredEnd>,
}

/// How a stored employment ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEnd {
    /// The leaving date.
    pub date: Date,
    /// Left or moved.
    pub kind: Option<EndKind>,
    /// The leaving reason's code, if one was recorded.
    pub reason: Option<String>,
}

/// A field of an employment record that an extract can change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// The organisation.
    Organisation,
    /// The job role.
    JobRole,
    /// The staff group.
    StaffGroup,
    /// The band.
    Band,
    /// The start date.
    StartDate,
}

impl Field {
    /// Its column in the extract.
    pub fn column(self) -> &'static str {
        match self {
            Field::Organisation => "organisation_code",
            Field::JobRole => "job_role",
            Field::StaffGroup => "staff_group",
            Field::Band => "band",
            Field::StartDate => "start_date",
        }
    }

    /// In plain words.
    pub fn label(self) -> &'static str {
        match self {
            Field::Organisation => "Organisation",
            Field::JobRole => "Job role",
            Field::StaffGroup => "Staff group",
            Field::Band => "Band",
            Field::StartDate => "Start date",
        }
    }
}

/// The fields of a stored record that a row changes, in column order.
pub fn changed_fields(stored: &Stored, row: &EsrRow) -> Vec<Field> {
    let mut changed = Vec::new();
    if stored.organisation_code.as_deref() != Some(row.organisation_code.as_str()) {
        changed.push(Field::Organisation);
    }
    if stored.job_role != row.job_role {
        changed.push(Field::JobRole);
    }
    if stored.staff_group != row.staff_group {
        changed.push(Field::StaffGroup);
    }
    if stored.band != row.band {
        changed.push(Field::Band);
    }
    if stored.start_date != row.start_date {
        changed.push(Field::StartDate);
    }
    changed
}

/// What an extract does to how a stored employment ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndingVerdict {
    /// Nothing to do: in post in both, or ended the same way in both.
    Same,
    /// The record gains the extract's ending: a leaver or a mover.
    Closes(Ending),
    /// Ended here, but in post in the extract: not reopened. What a manager recorded stands;
    /// the preview lists it so that someone can check.
    StaysEnded,
    /// Ended here on another date or in another way than the extract says: left as stored,
    /// and listed in the preview.
    EndedDifferently(Ending),
}

/// Compares how a record ended with what the extract says. A record that has ended is never
/// changed by an extract: neither reopened nor re-dated.
pub fn ending(stored: Option<&StoredEnd>, row: Option<Ending>) -> EndingVerdict {
    match (stored, row) {
        (None, None) => EndingVerdict::Same,
        (None, Some(ending)) => EndingVerdict::Closes(ending),
        (Some(_), None) => EndingVerdict::StaysEnded,
        (Some(s), Some(ending)) => {
            let same = s.date == ending.date
                && s.kind == Some(ending.kind())
                && s.reason.as_deref().is_none_or(|r| r == ending.reason.code);
            if same {
                EndingVerdict::Same
            } else {
                EndingVerdict::EndedDifferently(ending)
            }
        }
    }
}

/// What each checkpoint of someone who started on `start` records, from what the extract
/// knows, on `today`: those that fell due before today while the person was in post are in
/// post; the first after the leaving date records the leaving (or the move); later ones are
/// closed; the rest are still to come. In the order of [`CHECKPOINT_MONTHS`].
pub fn checkpoint_outcomes(
    start: Date,
    ending: Option<(Date, EndKind)>,
    today: Date,
) -> [(i32, Date, Option<CheckpointOutcome>); 4] {
    let mut ended_at_a_checkpoint = false;
    CHECKPOINT_MONTHS.map(|months| {
        let due = checkpoint_due(start, months);
        let outcome = match ending {
            Some((end, kind)) if due > end => {
                if ended_at_a_checkpoint {
                    Some(CheckpointOutcome::Closed)
                } else {
                    ended_at_a_checkpoint = true;
                    Some(match kind {
                        EndKind::Left => CheckpointOutcome::Left,
                        EndKind::Moved => CheckpointOutcome::Moved,
                    })
                }
            }
            _ if esr_proves_in_post(due, today, ending.map(|(end, _)| end)) => {
                Some(CheckpointOutcome::InPost)
            }
            _ => None,
        };
        (months, due, outcome)
    })
}

/// Writes an extract with [`COLUMNS`]: one row per record, as [`ExportRow`]s.
pub fn write(rows: &[ExportRow]) -> Result<String, csv_file::WriteError> {
    csv_file::write(
        &COLUMNS,
        rows.iter().map(|row| {
            let (end_date, reason) = row
                .ending
                .map_or((String::new(), String::new()), |(date, reason)| {
                    (format_date(date), reason.to_owned())
                });
            [
                escape(&row.assignment_number),
                escape(&row.organisation_code),
                escape(&row.job_role),
                escape(&row.staff_group),
                escape(&row.band),
                format_date(row.start_date),
                end_date,
                escape(&reason),
                "yes".to_owned(),
            ]
        }),
    )
}

/// A record to export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportRow {
    /// The assignment number, or empty.
    pub assignment_number: String,
    /// The ODS code of the organisation, or empty.
    pub organisation_code: String,
    /// Job role.
    pub job_role: String,
    /// Staff group, or empty.
    pub staff_group: String,
    /// Band.
    pub band: String,
    /// Start date.
    pub start_date: Date,
    /// The leaving date and reason as ESR spells it.
    pub ending: Option<(Date, &'static str)>,
}

/// The reason to export for a stored ending: the stored reason as ESR spells it, or "Employee
/// Transfer" for a move recorded without one.
pub fn export_reason(kind: Option<EndKind>, code: Option<&str>) -> Option<&'static str> {
    match code.and_then(LeavingReason::from_code) {
        Some(reason) => Some(reason.esr),
        None if kind == Some(EndKind::Moved) => {
            LeavingReason::from_code("employee_transfer").map(|r| r.esr)
        }
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 02);
    const HEADER: &str = "assignment_number,organisation_code,job_role,staff_group,band,start_date,end_date,leaving_reason,care_experienced";

    fn file(rows: &[&str]) -> String {
        let mut text = String::from(HEADER);
        for row in rows {
            text.push('\n');
            text.push_str(row);
        }
        text.push('\n');
        text
    }

    fn bad(rows: &[&str]) -> Vec<BadRow> {
        read(&file(rows), TODAY).unwrap_err()
    }

    /// The one problem of a file with one row.
    fn problem(row: &str) -> String {
        let errors = bad(&[row]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].line, 2);
        errors[0].reason.clone()
    }

    const IN_POST: &str =
        "12345678,RBS,Healthcare Assistant,Additional Clinical Services,3,2023-04-03,,,yes";

    #[test]
    fn a_start_date_before_the_nhs_or_years_ahead_is_refused() {
        for start in ["0001-01-01", "1948-07-04", "2099-01-01", "2027-12-04"] {
            let row = IN_POST.replace("2023-04-03", start);
            let reason = problem(&row);
            assert!(reason.contains("start_date"), "{start}: {reason}");
            assert!(reason.contains("cannot be right"), "{start}: {reason}");
        }
        for start in ["1948-07-05", "2027-12-03"] {
            let row = IN_POST.replace("2023-04-03", start);
            assert!(read(&file(&[&row]), TODAY).is_ok(), "{start}");
        }
    }

    #[test]
    fn a_cell_with_a_control_character_is_refused_without_echoing_it() {
        let row = IN_POST.replace("Healthcare Assistant", "Healthcare\u{0}Assistant");
        let reason = problem(&row);
        assert!(
            reason.starts_with("job_role has a hidden character"),
            "{reason}"
        );
        assert!(!reason.contains('\u{0}'));
        let row = IN_POST.replace("RBS", "R\u{1b}BS");
        assert!(problem(&row).starts_with("organisation_code has a hidden character"));
    }

    #[test]
    fn reads_people_in_post_leavers_and_movers() {
        let rows = read(
            &file(&[
                IN_POST,
                "22222222-2, rem ,Porter,estates and  ancillary,Band 2,2020-01-31,2026-10-31,Voluntary Resignation - Relocation,YES",
                "33333333,RW4,Staff Nurse,Nursing and Midwifery Registered,8A,2019-09-01,2026-06-30,Employee Transfer,no",
                "44444444,REP,Clerk,Administrative and Clerical,1,2024-02-29,,,",
            ]),
            TODAY,
        )
        .unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(
            rows[0],
            EsrRow {
                line: 2,
                assignment_number: "12345678".into(),
                organisation_code: "RBS".into(),
                job_role: "Healthcare Assistant".into(),
                staff_group: "Additional Clinical Services".into(),
                band: "3".into(),
                start_date: date!(2023 - 04 - 03),
                ending: None,
                care_experienced: true,
            }
        );
        let leaver = &rows[1];
        assert_eq!(leaver.organisation_code, "REM");
        assert_eq!(leaver.staff_group, "Estates and Ancillary");
        assert_eq!(leaver.band, "2");
        let ending = leaver.ending.unwrap();
        assert_eq!(ending.date, date!(2026 - 10 - 31));
        assert_eq!(ending.reason.code, "vr_relocation");
        assert_eq!(ending.kind(), EndKind::Left);
        assert!(leaver.care_experienced && leaver.is_stored());
        let mover = &rows[2];
        assert_eq!(mover.band, "8a");
        assert_eq!(mover.ending.unwrap().kind(), EndKind::Moved);
        assert!(!mover.care_experienced && !mover.is_stored());
        assert!(!rows[3].care_experienced);
        assert_eq!(rows[3].band, "1");
    }

    #[test]
    fn the_header_must_be_exactly_the_columns_in_order() {
        for header in [
            "",
            "assignment_number,organisation_code,job_role,staff_group,band,start_date,end_date,leaving_reason",
            "organisation_code,assignment_number,job_role,staff_group,band,start_date,end_date,leaving_reason,care_experienced",
            "assignment_number,organisation_code,job_role,staff_group,band,start_date,end_date,leaving_reason,care_experienced,notes",
            "Assignment_Number,organisation_code,job_role,staff_group,band,start_date,end_date,leaving_reason,care_experienced",
            "assignment_number, organisation_code,job_role,staff_group,band,start_date,end_date,leaving_reason,care_experienced",
        ] {
            let errors = read(&format!("{header}\n{IN_POST}\n"), TODAY).unwrap_err();
            assert_eq!(errors.len(), 1, "{header}");
            assert_eq!(errors[0].line, 1);
            assert!(errors[0].reason.contains(HEADER), "{}", errors[0].reason);
        }
    }

    #[test]
    fn the_header_problem_names_the_first_column_that_differs() {
        let header = |s: &str| -> Vec<String> { s.split(',').map(str::to_owned).collect() };
        assert_eq!(header_problem(&header(HEADER)), None);
        assert_eq!(
            header_problem(&header(
                "assignment_number,organisation_code,job_role,Band,band,start_date,end_date,leaving_reason,care_experienced"
            ))
            .unwrap(),
            "Column 4 is headed 'Band', but it should be 'staff_group'"
        );
        assert_eq!(
            header_problem(&header(
                "assignment_number,organisation_code,job_role,staff_group,band,start_date,end_date,leaving_reason"
            ))
            .unwrap(),
            "Column 9 is missing: it should be 'care_experienced' (the first line has only 8 columns)"
        );
        assert_eq!(
            header_problem(&header(&format!("{HEADER},notes"))).unwrap(),
            "Column 10 is headed 'notes', but there should be only 9 columns"
        );
        assert!(header_problem(&[]).unwrap().contains("empty"));
        assert!(header_problem(&header("")).unwrap().contains("empty"));
    }

    #[test]
    fn a_byte_order_mark_and_windows_line_endings_are_read() {
        let text = format!("\u{feff}{HEADER}\r\n{IN_POST}\r\n\r\n{IN_POST}9\r\n");
        let errors = read(&text, TODAY).unwrap_err();
        // The second row's care_experienced is "yes9"; it is on line 4, after a blank line.
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 4);
        assert!(errors[0].reason.contains("care_experienced \"yes9\""));
        let good = format!("\u{feff}{HEADER}\r\n{IN_POST}\r\n");
        assert_eq!(read(&good, TODAY).unwrap().len(), 1);
    }

    #[test]
    fn an_empty_file_or_one_without_rows_is_refused() {
        for text in [
            String::new(),
            format!("{HEADER}\n"),
            format!("{HEADER}\n,,,,,,,,\n\n"),
        ] {
            let errors = read(&text, TODAY).unwrap_err();
            assert_eq!(errors.len(), 1);
            assert_eq!(errors[0].line, 1);
        }
        assert!(bad(&[]).iter().any(|e| e.reason.contains("no rows")));
    }

    #[test]
    fn every_bad_row_is_listed_with_its_line() {
        let errors = bad(&[
            IN_POST,
            "1,RBS,Porter,Estates and Ancillary,2,2020-01-01,,,maybe",
            "",
            "\"quoted\nline\",RBS,Porter,Estates and Ancillary,2,2020-01-01,,,yes",
            "3,RBS,Porter,Estates and Ancillary,2,2020-01-01,,,yes",
            "4,RBS,Porter",
        ]);
        let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 5, 8]);
        assert!(
            errors[1].reason.contains("\"quoted\nline\""),
            "{:?}",
            errors[1]
        );
        assert!(errors[2].reason.contains("3 values"));
        assert_eq!(
            errors[0].to_string(),
            format!("Line 3: {}", errors[0].reason)
        );
    }

    #[test]
    fn reading_everything_gives_the_good_rows_beside_the_bad() {
        let (rows, bad) = read_all(
            &file(&[
                IN_POST,
                "2,RBS,Porter,Estates and Ancillary,12,2020-01-01,,,yes",
            ]),
            TODAY,
        );
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].assignment_number, "12345678");
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].line, 3);
    }

    #[test]
    fn a_repeated_assignment_number_is_a_bad_row() {
        let errors = bad(&[
            IN_POST,
            "44,RBS,Porter,Estates and Ancillary,2,2020-01-01,,,",
            IN_POST,
        ]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 4);
        assert!(errors[0].reason.contains("12345678 is also on line 2"));
    }

    #[test]
    fn every_field_is_checked() {
        let cases = [
            (
                "1 2,RBS,Porter,Estates and Ancillary,2,2020-01-01,,,yes",
                "assignment_number \"1 2\" can only have letters, digits and hyphens",
            ),
            (
                &format!(
                    "{},RBS,Porter,Estates and Ancillary,2,2020-01-01,,,yes",
                    "1".repeat(31)
                ),
                "assignment_number is longer than 30 characters",
            ),
            (
                "1,,Porter,Estates and Ancillary,2,2020-01-01,,,yes",
                "organisation_code is empty",
            ),
            (
                "1,R,Porter,Estates and Ancillary,2,2020-01-01,,,yes",
                "organisation_code \"R\" is not an ODS code",
            ),
            (
                "1,RBS,,Estates and Ancillary,2,2020-01-01,,,yes",
                "job_role is empty",
            ),
            (
                &format!(
                    "1,RBS,{},Estates and Ancillary,2,2020-01-01,,,yes",
                    "x".repeat(201)
                ),
                "job_role is longer than 200 characters",
            ),
            ("1,RBS,Porter,,2,2020-01-01,,,yes", "staff_group is empty"),
            (
                "1,RBS,Porter,Porters,2,2020-01-01,,,yes",
                "staff_group \"Porters\" is not one of ESR's staff groups",
            ),
            (
                "1,RBS,Porter,Estates and Ancillary,10,2020-01-01,,,yes",
                "band \"10\" is not an Agenda for Change band",
            ),
            (
                "1,RBS,Porter,Estates and Ancillary,8e,2020-01-01,,,yes",
                "band \"8e\"",
            ),
            (
                "1,RBS,Porter,Estates and Ancillary,,2020-01-01,,,yes",
                "band \"\"",
            ),
            (
                "1,RBS,Porter,Estates and Ancillary,2,01/03/2020,,,yes",
                "start_date \"01/03/2020\" is not a real date written like 2024-03-31",
            ),
            (
                "1,RBS,Porter,Estates and Ancillary,2,2023-02-29,,,yes",
                "start_date \"2023-02-29\"",
            ),
            (
                "1,RBS,Porter,Estates and Ancillary,2,,,,yes",
                "start_date \"\"",
            ),
            (
                "1,RBS,Porter,Estates and Ancillary,2,2020-01-01,2026-1-5,Death in Service,yes",
                "end_date \"2026-1-5\"",
            ),
            (
                "1,RBS,Porter,Estates and Ancillary,2,2020-01-01,2026-01-05,,yes",
                "end_date is given but leaving_reason is empty",
            ),
            (
                "1,RBS,Porter,Estates and Ancillary,2,2020-01-01,,Retirement Age,yes",
                "leaving_reason is given but end_date is empty",
            ),
            (
                "1,RBS,Porter,Estates and Ancillary,2,2020-01-01,2026-01-05,Fired,yes",
                "leaving_reason \"Fired\" is not one of ESR's leaving reasons",
            ),
            (
                "1,RBS,Porter,Estates and Ancillary,2,2020-01-01,2019-12-31,Retirement Age,yes",
                "end_date is before start_date",
            ),
            (
                "1,RBS,Porter,Estates and Ancillary,2,2020-01-01,2027-12-03,Retirement Age,yes",
                "end_date is more than a year from today",
            ),
            (
                "1,RBS,Porter,Estates and Ancillary,2,2020-01-01,,,y",
                "care_experienced \"y\" must be yes, no or empty",
            ),
        ];
        for (row, expected) in cases {
            let reason = problem(row);
            assert!(reason.contains(expected), "{row}: {reason}");
        }
    }

    #[test]
    fn rows_not_marked_care_experienced_are_checked_too() {
        let reason = problem("1,RBS,Porter,Porters,11,2020-01-01,,,no");
        assert!(reason.contains("staff_group") && reason.contains("band \"11\""));
        assert!(problem("1,RBS,Porter,Porters,2,2020-01-01,,,").contains("staff_group"));
    }

    #[test]
    fn every_problem_of_a_row_is_given_at_once() {
        let reason = problem(",,,,,,2020-01-01,,maybe");
        for expected in [
            "care_experienced",
            "job_role is empty",
            "band",
            "start_date",
            "end_date is given but leaving_reason is empty",
        ] {
            assert!(reason.contains(expected), "{expected}: {reason}");
        }
        assert!(reason.contains("; "));
    }

    #[test]
    fn a_row_without_an_assignment_number_needs_no_organisation_or_staff_group() {
        // As exported for a SPECTRA hire that ESR has no number for yet.
        let rows = read(
            &file(&[",,Healthcare Assistant,,3,2025-09-01,,,yes"]),
            TODAY,
        )
        .unwrap();
        assert_eq!(rows[0].organisation_code, "");
        assert_eq!(rows[0].staff_group, "");
        assert!(rows[0].care_experienced && !rows[0].is_stored());
        // The other columns are still checked.
        assert!(problem(",,Healthcare Assistant,,13,2025-09-01,,,yes").contains("band"));
        // Rows without numbers are not duplicates of each other.
        let two = file(&[
            ",,Healthcare Assistant,,3,2025-09-01,,,yes",
            ",,Healthcare Assistant,,3,2025-09-01,,,yes",
        ]);
        assert_eq!(read(&two, TODAY).unwrap().len(), 2);
    }

    #[test]
    fn a_leaving_date_may_be_on_the_start_date_or_up_to_a_year_ahead() {
        let on_start =
            "1,RBS,Porter,Estates and Ancillary,2,2020-01-01,2020-01-01,Retirement Age,yes";
        let ahead = "2,RBS,Porter,Estates and Ancillary,2,2020-01-01,2027-12-02,Retirement Age,yes";
        assert_eq!(read(&file(&[on_start, ahead]), TODAY).unwrap().len(), 2);
    }

    #[test]
    fn bands_read_as_typed() {
        for (typed, band) in [
            ("5", "5"),
            ("8A", "8a"),
            ("Band 8d", "8d"),
            (" band 1 ", "1"),
            ("9", "9"),
        ] {
            assert_eq!(parse_band(typed).as_deref(), Some(band), "{typed}");
        }
        for typed in ["", "0", "10", "8", "8e", "Band", "five"] {
            assert_eq!(parse_band(typed), None, "{typed}");
        }
    }

    #[test]
    fn dates_are_year_month_day() {
        assert_eq!(parse_date("2024-02-29"), Some(date!(2024 - 02 - 29)));
        for typed in [
            "2023-02-29",
            "29/02/2024",
            "2024-2-29",
            "2024-02-29T00:00",
            "",
        ] {
            assert_eq!(parse_date(typed), None, "{typed}");
        }
        assert_eq!(format_date(date!(2024 - 03 - 05)), "2024-03-05");
    }

    fn stored() -> Stored {
        Stored {
            organisation_code: Some("RBS".into()),
            job_role: "Healthcare Assistant".into(),
            staff_group: "Additional Clinical Services".into(),
            band: "3".into(),
            start_date: date!(2023 - 04 - 03),
            end: None,
        }
    }

    fn row() -> EsrRow {
        read(&file(&[IN_POST]), TODAY).unwrap().remove(0)
    }

    #[test]
    fn finds_each_changed_field() {
        assert!(changed_fields(&stored(), &row()).is_empty());
        let mut changed = row();
        changed.organisation_code = "REM".into();
        changed.job_role = "Senior Healthcare Assistant".into();
        changed.staff_group = "Nursing and Midwifery Registered".into();
        changed.band = "4".into();
        changed.start_date = date!(2023 - 04 - 04);
        assert_eq!(
            changed_fields(&stored(), &changed),
            [
                Field::Organisation,
                Field::JobRole,
                Field::StaffGroup,
                Field::Band,
                Field::StartDate
            ]
        );
        let without_code = Stored {
            organisation_code: None,
            ..stored()
        };
        assert_eq!(changed_fields(&without_code, &row()), [Field::Organisation]);
        for field in [
            Field::Organisation,
            Field::JobRole,
            Field::StaffGroup,
            Field::Band,
            Field::StartDate,
        ] {
            assert!(COLUMNS.contains(&field.column()));
            assert!(!field.label().is_empty());
        }
    }

    fn reason(esr: &str) -> LeavingReason {
        LeavingReason::from_esr(esr).unwrap()
    }

    #[test]
    fn an_ending_closes_an_open_record_and_never_reopens_or_redates_one() {
        let left = Ending {
            date: date!(2026 - 10 - 31),
            reason: reason("Retirement Age"),
        };
        assert_eq!(ending(None, None), EndingVerdict::Same);
        assert_eq!(ending(None, Some(left)), EndingVerdict::Closes(left));
        let stored_left = StoredEnd {
            date: left.date,
            kind: Some(EndKind::Left),
            reason: Some("retirement_age".into()),
        };
        assert_eq!(ending(Some(&stored_left), None), EndingVerdict::StaysEnded);
        assert_eq!(ending(Some(&stored_left), Some(left)), EndingVerdict::Same);
        // Recorded by a manager without a reason: the same if the date and kind agree.
        let no_reason = StoredEnd {
            reason: None,
            ..stored_left.clone()
        };
        assert_eq!(ending(Some(&no_reason), Some(left)), EndingVerdict::Same);
        let other_day = Ending {
            date: date!(2026 - 11 - 01),
            ..left
        };
        assert_eq!(
            ending(Some(&stored_left), Some(other_day)),
            EndingVerdict::EndedDifferently(other_day)
        );
        let other_reason = Ending {
            reason: reason("Death in Service"),
            ..left
        };
        assert_eq!(
            ending(Some(&stored_left), Some(other_reason)),
            EndingVerdict::EndedDifferently(other_reason)
        );
        let moved = Ending {
            reason: reason("Employee Transfer"),
            ..left
        };
        let stored_moved = StoredEnd {
            date: left.date,
            kind: Some(EndKind::Moved),
            reason: None,
        };
        assert_eq!(
            ending(Some(&stored_moved), Some(moved)),
            EndingVerdict::Same
        );
        assert_eq!(
            ending(Some(&stored_moved), Some(left)),
            EndingVerdict::EndedDifferently(left)
        );
    }

    fn outcomes(
        start: Date,
        ending: Option<(Date, EndKind)>,
        today: Date,
    ) -> Vec<Option<CheckpointOutcome>> {
        checkpoint_outcomes(start, ending, today)
            .iter()
            .map(|(_, _, o)| *o)
            .collect()
    }

    use CheckpointOutcome::{Closed, InPost, Left, Moved};

    #[test]
    fn checkpoints_of_someone_long_in_post_are_all_in_post() {
        let all = checkpoint_outcomes(date!(2020 - 01 - 31), None, TODAY);
        assert_eq!(
            all.map(|(m, d, _)| (m, d)),
            [
                (3, date!(2020 - 04 - 30)),
                (6, date!(2020 - 07 - 31)),
                (12, date!(2021 - 01 - 31)),
                (24, date!(2022 - 01 - 31))
            ]
        );
        assert_eq!(
            outcomes(date!(2020 - 01 - 31), None, TODAY),
            [Some(InPost); 4]
        );
    }

    #[test]
    fn only_checkpoints_due_before_today_are_recorded() {
        // Started 2 June 2026: the 3-month checkpoint fell due on 2 September; the 6-month one
        // falls due today, and is for the manager to record.
        assert_eq!(
            outcomes(date!(2026 - 06 - 02), None, TODAY),
            [Some(InPost), None, None, None]
        );
        assert_eq!(outcomes(TODAY, None, TODAY), [None; 4]);
    }

    #[test]
    fn the_checkpoint_after_leaving_records_it_and_later_ones_close() {
        let start = date!(2025 - 01 - 15);
        // Left in May 2025, between the 3-month (15 April) and 6-month (15 July) checkpoints.
        assert_eq!(
            outcomes(start, Some((date!(2025 - 05 - 01), EndKind::Left)), TODAY),
            [Some(InPost), Some(Left), Some(Closed), Some(Closed)]
        );
        assert_eq!(
            outcomes(start, Some((date!(2025 - 05 - 01), EndKind::Moved)), TODAY),
            [Some(InPost), Some(Moved), Some(Closed), Some(Closed)]
        );
        // Leaving on the day a checkpoint falls due: in post that day.
        assert_eq!(
            outcomes(start, Some((date!(2025 - 07 - 15), EndKind::Left)), TODAY),
            [Some(InPost), Some(InPost), Some(Left), Some(Closed)]
        );
        // Before the first checkpoint.
        assert_eq!(
            outcomes(start, Some((start, EndKind::Left)), TODAY),
            [Some(Left), Some(Closed), Some(Closed), Some(Closed)]
        );
        // After the last checkpoint: the leaving falls outside them.
        assert_eq!(
            outcomes(start, Some((date!(2027 - 02 - 01), EndKind::Left)), TODAY),
            [Some(InPost), Some(InPost), Some(InPost), None]
        );
    }

    #[test]
    fn a_leaving_date_ahead_closes_the_checkpoints_after_it() {
        // Started 1 October 2026, leaving on 28 February 2027 (notice given).
        assert_eq!(
            outcomes(
                date!(2026 - 10 - 01),
                Some((date!(2027 - 02 - 28), EndKind::Left)),
                TODAY
            ),
            [None, Some(Left), Some(Closed), Some(Closed)]
        );
    }

    #[test]
    fn an_export_reads_back_the_same() {
        let rows = [
            ExportRow {
                assignment_number: "12345678".into(),
                organisation_code: "RBS".into(),
                job_role: "Healthcare Assistant, nights".into(),
                staff_group: "Additional Clinical Services".into(),
                band: "3".into(),
                start_date: date!(2023 - 04 - 03),
                ending: None,
            },
            ExportRow {
                assignment_number: "2".into(),
                organisation_code: "REM".into(),
                job_role: "-minus \"quoted\"".into(),
                staff_group: "Estates and Ancillary".into(),
                band: "8a".into(),
                start_date: date!(2020 - 01 - 31),
                ending: Some((date!(2026 - 10 - 31), "Voluntary Resignation - Relocation")),
            },
            ExportRow {
                assignment_number: String::new(),
                organisation_code: "REP".into(),
                job_role: "Apprentice".into(),
                staff_group: String::new(),
                band: "2".into(),
                start_date: date!(2026 - 09 - 01),
                ending: None,
            },
        ];
        let text = write(&rows).unwrap();
        assert!(text.starts_with(HEADER));
        assert!(text.contains("'-minus"));
        let back = read(&text, TODAY).unwrap();
        assert_eq!(back.len(), 3);
        for (row, read) in rows.iter().zip(&back) {
            assert_eq!(read.assignment_number, row.assignment_number);
            assert_eq!(read.organisation_code, row.organisation_code);
            assert_eq!(read.job_role, row.job_role);
            assert_eq!(read.staff_group, row.staff_group);
            assert_eq!(read.band, row.band);
            assert_eq!(read.start_date, row.start_date);
            assert_eq!(read.ending.map(|e| (e.date, e.reason.esr)), row.ending);
            assert!(read.care_experienced);
        }
    }

    #[test]
    fn exported_reasons_are_as_esr_spells_them() {
        assert_eq!(
            export_reason(Some(EndKind::Left), Some("retirement_age")),
            Some("Retirement Age")
        );
        assert_eq!(
            export_reason(Some(EndKind::Moved), None),
            Some("Employee Transfer")
        );
        assert_eq!(export_reason(Some(EndKind::Left), None), None);
        assert_eq!(export_reason(None, Some("nonsense")), None);
    }
}
