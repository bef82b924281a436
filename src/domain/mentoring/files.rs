//! The coordinator's spreadsheets: `mentors.csv`, `mentees.csv` and `exclusions.csv`. Reading a
//! file either gives every row or lists every bad row by line number and reason, so nothing
//! partial is ever stored. Writing gives the same columns back.

use std::collections::HashSet;

use super::profile::{Availability, MenteeProfile, MentorProfile, Modes, Strength, join};
use crate::domain::csv::{self as csv_file, Records};
use crate::domain::spreadsheet::{escape, unescape};
use crate::domain::{EmailAddress, FullName};

pub const MENTOR_COLUMNS: [&str; 11] = [
    "id",
    "name",
    "email",
    "organisation",
    "grade",
    "specialty",
    "capacity",
    "meeting_modes",
    "availability",
    "lived_experience",
    "gender",
];

pub const MENTEE_COLUMNS: [&str; 11] = [
    "id",
    "name",
    "email",
    "university",
    "year_of_study",
    "specialty_interests",
    "meeting_modes",
    "availability",
    "lived_experience_preference",
    "gender_preference",
    "gender_preference_strength",
];

pub const EXCLUSION_COLUMNS: [&str; 3] = ["mentor_id", "mentee_id", "reason"];

/// One bad row: its line in the file (the header is line 1) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// A mentor as a row of `mentors.csv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MentorRecord {
    pub id: String,
    pub name: String,
    pub email: String,
    pub organisation: String,
    pub grade: String,
    pub specialty: String,
    pub capacity: u32,
    pub modes: Modes,
    pub availability: Availability,
    pub lived_experience: bool,
    pub gender: String,
}

impl MentorRecord {
    pub fn profile(&self) -> MentorProfile {
        MentorProfile {
            organisation: self.organisation.clone(),
            specialty: self.specialty.clone(),
            modes: self.modes,
            availability: self.availability,
            lived_experience: self.lived_experience,
            gender: self.gender.clone(),
        }
    }

    fn row(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.name.clone(),
            self.email.clone(),
            self.organisation.clone(),
            self.grade.clone(),
            self.specialty.clone(),
            self.capacity.to_string(),
            self.modes.to_string(),
            self.availability.to_string(),
            if self.lived_experience { "yes" } else { "no" }.to_owned(),
            self.gender.clone(),
        ]
    }
}

/// A mentee as a row of `mentees.csv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MenteeRecord {
    pub id: String,
    pub name: String,
    pub email: String,
    pub university: String,
    pub year_of_study: u32,
    pub specialty_interests: Vec<String>,
    pub modes: Modes,
    pub availability: Availability,
    pub lived_experience: Strength,
    pub gender_preference: String,
    pub gender_strength: Strength,
}

impl MenteeRecord {
    pub fn profile(&self) -> MenteeProfile {
        MenteeProfile {
            university: self.university.clone(),
            specialty_interests: self.specialty_interests.clone(),
            modes: self.modes,
            availability: self.availability,
            lived_experience: self.lived_experience,
            gender: self.gender_preference.clone(),
            gender_strength: self.gender_strength,
        }
    }

    fn row(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.name.clone(),
            self.email.clone(),
            self.university.clone(),
            self.year_of_study.to_string(),
            join(&self.specialty_interests),
            self.modes.to_string(),
            self.availability.to_string(),
            self.lived_experience.as_str().to_owned(),
            self.gender_preference.clone(),
            self.gender_strength.as_str().to_owned(),
        ]
    }
}

/// A row of `exclusions.csv`: a pair never to be matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExclusionRecord {
    pub mentor_id: String,
    pub mentee_id: String,
    pub reason: String,
}

/// The longest id accepted (the database keeps 64 characters).
const MAX_ID: usize = 64;

/// The longest free-text field accepted.
const MAX_TEXT: usize = 200;

/// Reads the fields of one row by column, collecting problems.
struct Row<'a> {
    fields: &'a csv::StringRecord,
    problems: Vec<String>,
}

impl<'a> Row<'a> {
    fn text(&mut self, index: usize, column: &str, required: bool) -> String {
        let value = unescape(self.fields.get(index).unwrap_or("").trim());
        if required && value.is_empty() {
            self.problems.push(format!("{column} is empty"));
        } else if value.chars().count() > MAX_TEXT {
            self.problems
                .push(format!("{column} is longer than {MAX_TEXT} characters"));
        }
        value.to_owned()
    }

    fn parsed<T>(&mut self, index: usize, parse: impl FnOnce(&str) -> Result<T, String>) -> T
    where
        T: Default,
    {
        match parse(self.fields.get(index).unwrap_or("").trim()) {
            Ok(v) => v,
            Err(e) => {
                self.problems.push(e);
                T::default()
            }
        }
    }
}

fn whole_number(
    column: &'static str,
    low: u32,
    high: u32,
) -> impl FnOnce(&str) -> Result<u32, String> {
    move |text| {
        text.parse::<u32>()
            .ok()
            .filter(|n| (low..=high).contains(n))
            .ok_or_else(|| {
                format!("{column} \"{text}\" is not a whole number from {low} to {high}")
            })
    }
}

fn yes_no(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Ok(true),
        "no" | "n" | "false" | "0" | "" => Ok(false),
        _ => Err(format!("lived_experience \"{text}\" is not yes or no")),
    }
}

fn strength(column: &'static str) -> impl FnOnce(&str) -> Result<Strength, String> {
    move |text| {
        Strength::parse(text)
            .ok_or_else(|| format!("{column} \"{text}\" is not required, preferred or empty"))
    }
}

/// Reads a whole file: checks the header, then each row with `read_row`, which returns the row
/// or its problems. Every problem is reported, by line.
fn read_all<T>(
    text: &str,
    columns: &[&str],
    mut read_row: impl FnMut(&mut Row<'_>) -> Option<T>,
) -> Result<Vec<T>, Vec<RowError>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut records = Records::new(text.as_bytes());
    let mut fields = csv::StringRecord::new();
    let header_ok = match records.next(&mut fields) {
        Ok(Some(_)) => {
            fields.len() == columns.len() && fields.iter().zip(columns).all(|(h, c)| h.trim() == *c)
        }
        _ => false,
    };
    if !header_ok {
        return Err(vec![RowError {
            line: 1,
            message: format!(
                "the first line must be the column names {}",
                columns.join(",")
            ),
        }]);
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for i in 0_u64.. {
        let line = match records.next(&mut fields) {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(e) => {
                errors.push(RowError {
                    line: e.line.unwrap_or(i.saturating_add(2)),
                    message: "the row could not be read as CSV".to_owned(),
                });
                continue;
            }
        };
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if fields.len() != columns.len() {
            errors.push(RowError {
                line,
                message: format!("has {} values, not {}", fields.len(), columns.len()),
            });
            continue;
        }
        if let Some(at) = fields
            .iter()
            .position(crate::domain::text_input::has_refused)
        {
            errors.push(RowError {
                line,
                message: crate::domain::text_input::refusal(columns[at]),
            });
            continue;
        }
        let mut row = Row {
            fields: &fields,
            problems: Vec::new(),
        };
        let value = read_row(&mut row);
        match value {
            Some(v) if row.problems.is_empty() => rows.push(v),
            _ => errors.push(RowError {
                line,
                message: row.problems.join("; "),
            }),
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// Checks a name and an email, and that neither the id nor the email is repeated in the file.
fn identity(
    row: &mut Row<'_>,
    ids: &mut HashSet<String>,
    emails: &mut HashSet<String>,
) -> (String, String, String) {
    let id = row.text(0, "id", true);
    if id.chars().count() > MAX_ID {
        row.problems
            .push(format!("id is longer than {MAX_ID} characters"));
    }
    let name = match FullName::parse(row.fields.get(1).unwrap_or("")) {
        Ok(n) => n.as_str().to_owned(),
        Err(_) => {
            row.problems
                .push("name is empty or longer than 200 characters".to_owned());
            String::new()
        }
    };
    let email = match EmailAddress::parse(row.fields.get(2).unwrap_or("")) {
        Ok(e) => e.as_str().to_owned(),
        Err(_) => {
            row.problems.push(format!(
                "email \"{}\" is not an email address",
                row.fields.get(2).unwrap_or("").trim()
            ));
            String::new()
        }
    };
    if !id.is_empty() && !ids.insert(id.clone()) {
        row.problems
            .push(format!("id \"{id}\" is used by an earlier row"));
    }
    if !email.is_empty() && !emails.insert(email.clone()) {
        row.problems
            .push(format!("email {email} is used by an earlier row"));
    }
    (id, name, email)
}

/// Reads `mentors.csv`.
pub fn read_mentors(text: &str) -> Result<Vec<MentorRecord>, Vec<RowError>> {
    let (mut ids, mut emails) = (HashSet::new(), HashSet::new());
    read_all(text, &MENTOR_COLUMNS, |row| {
        let (id, name, email) = identity(row, &mut ids, &mut emails);
        Some(MentorRecord {
            id,
            name,
            email,
            organisation: row.text(3, "organisation", true),
            grade: row.text(4, "grade", true),
            specialty: row.text(5, "specialty", true),
            capacity: row.parsed(6, whole_number("capacity", 1, 3)),
            modes: row.parsed(7, Modes::parse),
            availability: row.parsed(8, Availability::parse),
            lived_experience: row.parsed(9, yes_no),
            gender: row.text(10, "gender", false),
        })
    })
}

/// Reads `mentees.csv`.
pub fn read_mentees(text: &str) -> Result<Vec<MenteeRecord>, Vec<RowError>> {
    let (mut ids, mut emails) = (HashSet::new(), HashSet::new());
    read_all(text, &MENTEE_COLUMNS, |row| {
        let (id, name, email) = identity(row, &mut ids, &mut emails);
        let interests = row.text(5, "specialty_interests", false);
        let gender_preference = row.text(9, "gender_preference", false);
        let gender_strength = row.parsed(10, strength("gender_preference_strength"));
        if gender_strength != Strength::None && gender_preference.is_empty() {
            row.problems.push(
                "gender_preference_strength is given but gender_preference is empty".to_owned(),
            );
        }
        Some(MenteeRecord {
            id,
            name,
            email,
            university: row.text(3, "university", true),
            year_of_study: row.parsed(4, whole_number("year_of_study", 1, 6)),
            specialty_interests: super::scoring::specialties(&interests),
            modes: row.parsed(6, Modes::parse),
            availability: row.parsed(7, Availability::parse),
            lived_experience: row.parsed(8, strength("lived_experience_preference")),
            gender_preference,
            gender_strength,
        })
    })
}

/// Reads `exclusions.csv`. Whether the ids exist is for the caller to check.
pub fn read_exclusions(text: &str) -> Result<Vec<ExclusionRecord>, Vec<RowError>> {
    let mut pairs = HashSet::new();
    read_all(text, &EXCLUSION_COLUMNS, |row| {
        let mentor_id = row.text(0, "mentor_id", true);
        let mentee_id = row.text(1, "mentee_id", true);
        let reason = row.text(2, "reason", false);
        if !mentor_id.is_empty()
            && !mentee_id.is_empty()
            && !pairs.insert((mentor_id.clone(), mentee_id.clone()))
        {
            row.problems
                .push("the same pair is excluded by an earlier row".to_owned());
        }
        Some(ExclusionRecord {
            mentor_id,
            mentee_id,
            reason,
        })
    })
}

/// Writes a file: the column names, then each row, every value made safe to open in a
/// spreadsheet.
fn write_all(
    columns: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<String, csv_file::WriteError> {
    csv_file::write(
        columns,
        rows.map(|row| row.iter().map(|v| escape(v)).collect::<Vec<_>>()),
    )
}

/// Writes `mentors.csv`.
pub fn write_mentors(mentors: &[MentorRecord]) -> Result<String, csv_file::WriteError> {
    write_all(&MENTOR_COLUMNS, mentors.iter().map(MentorRecord::row))
}

/// Writes `mentees.csv`.
pub fn write_mentees(mentees: &[MenteeRecord]) -> Result<String, csv_file::WriteError> {
    write_all(&MENTEE_COLUMNS, mentees.iter().map(MenteeRecord::row))
}

/// Writes `exclusions.csv`.
pub fn write_exclusions(exclusions: &[ExclusionRecord]) -> Result<String, csv_file::WriteError> {
    write_all(
        &EXCLUSION_COLUMNS,
        exclusions
            .iter()
            .map(|e| vec![e.mentor_id.clone(), e.mentee_id.clone(), e.reason.clone()]),
    )
}

/// Lists every bad row in one message per row, for people.
pub fn describe(errors: &[RowError]) -> Vec<String> {
    errors
        .iter()
        .map(|e| format!("Line {}: {}", e.line, e.message))
        .collect()
}

/// The line of each data row of a CSV text, skipping empty rows as the readers do, so that
/// problems found against the database can be reported by line too.
pub fn row_lines(text: &str) -> Vec<u64> {
    let text = text.trim_start_matches('\u{feff}');
    let mut records = Records::new(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut lines = Vec::new();
    // The first record is the header; one that cannot be read is no row.
    for i in 0_u64.. {
        match records.next(&mut record) {
            Ok(None) => break,
            Ok(Some(line)) if i > 0 && !record.iter().all(|f| f.trim().is_empty()) => {
                lines.push(line);
            }
            Ok(Some(_)) | Err(_) => {}
        }
    }
    lines
}

/// The line of the row at `index` among [`row_lines`], or its place if the rows were never
/// blank.
pub fn line_of(lines: &[u64], index: usize) -> u64 {
    lines
        .get(index)
        .copied()
        .unwrap_or_else(|| u64::try_from(index).unwrap_or(0) + 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MENTORS: &str = "id,name,email,organisation,grade,specialty,capacity,meeting_modes,availability,lived_experience,gender\n\
        M1,Dr Asha Patel,asha@example.org,Alder Hey Children's NHS FT,Consultant,Paediatrics,2,in_person;online,mon_am;tue_pm,yes,Woman\n\
        M2,Dr Ben Jones,ben@example.org,The Walton Centre NHS FT,Registrar,Neurology,1,online,,no,\n";

    const MENTEES: &str = "id,name,email,university,year_of_study,specialty_interests,meeting_modes,availability,lived_experience_preference,gender_preference,gender_preference_strength\n\
        S1,Sam Green,sam@example.org,University of Liverpool,3,Paediatrics;Surgery,online,mon_am,preferred,woman,required\n\
        S2,Kai Lee,kai@example.org,Edge Hill University,1,,in_person,,,,\n";

    #[test]
    fn reads_good_files() {
        let mentors = read_mentors(MENTORS).unwrap();
        assert_eq!(mentors.len(), 2);
        assert_eq!(mentors[0].capacity, 2);
        assert!(mentors[0].lived_experience && !mentors[1].lived_experience);
        assert_eq!(mentors[0].availability.to_string(), "mon_am;tue_pm");
        assert_eq!(mentors[1].gender, "");
        let mentees = read_mentees(MENTEES).unwrap();
        assert_eq!(mentees[0].specialty_interests, ["Paediatrics", "Surgery"]);
        assert_eq!(mentees[0].gender_strength, Strength::Required);
        assert_eq!(mentees[0].lived_experience, Strength::Preferred);
        assert_eq!(mentees[1].year_of_study, 1);
        assert_eq!(mentees[1].profile().gender_strength, Strength::None);
    }

    #[test]
    fn a_cell_with_a_control_character_is_refused() {
        let file = MENTORS.replace("Paediatrics", "Paedi\u{0}atrics");
        let errors = read_mentors(&file).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 2);
        assert!(
            errors[0]
                .message
                .starts_with("specialty has a hidden character")
        );
    }

    #[test]
    fn round_trips_through_the_writer() {
        let mentors = read_mentors(MENTORS).unwrap();
        assert_eq!(
            read_mentors(&write_mentors(&mentors).unwrap()).unwrap(),
            mentors
        );
        let mentees = read_mentees(MENTEES).unwrap();
        assert_eq!(
            read_mentees(&write_mentees(&mentees).unwrap()).unwrap(),
            mentees
        );
        let exclusions = vec![ExclusionRecord {
            mentor_id: "M1".into(),
            mentee_id: "S1".into(),
            reason: "Assesses the student, \"often\"".into(),
        }];
        assert_eq!(
            read_exclusions(&write_exclusions(&exclusions).unwrap()).unwrap(),
            exclusions
        );
    }

    #[test]
    fn formulas_are_made_harmless_and_read_back() {
        let mut mentors = read_mentors(MENTORS).unwrap();
        mentors[0].grade = "=HYPERLINK(\"x\")".into();
        let written = write_mentors(&mentors).unwrap();
        assert!(written.contains("'=HYPERLINK"));
        assert_eq!(
            read_mentors(&written).unwrap()[0].grade,
            "=HYPERLINK(\"x\")"
        );
    }

    #[test]
    fn lists_every_bad_row_by_line() {
        let text = "id,name,email,organisation,grade,specialty,capacity,meeting_modes,availability,lived_experience,gender\n\
            M1,Dr A,a@example.org,Org,Consultant,Paediatrics,4,online,mon_am,yes,\n\
            M2,Dr B,b@example.org,Org,Consultant,Paediatrics,1,online,mon_am,yes,\n\
            M2,Dr C,not-an-email,Org,Consultant,,1,phone,someday,maybe,\n\n\
            M4,Dr D,d@example.org,Org\n";
        let errors = read_mentors(text).unwrap_err();
        assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), [2, 4, 6]);
        assert!(errors[0].message.contains("capacity \"4\""));
        let third = &errors[1].message;
        for expected in [
            "id \"M2\" is used",
            "email \"not-an-email\"",
            "specialty is empty",
            "\"phone\"",
            "\"someday\"",
            "\"maybe\"",
        ] {
            assert!(third.contains(expected), "{third} lacks {expected}");
        }
        assert!(errors[2].message.contains("has 4 values, not 11"));
        assert_eq!(
            describe(&errors)[0],
            format!("Line 2: {}", errors[0].message)
        );
    }

    #[test]
    fn refuses_a_wrong_header() {
        let errors = read_mentees("id,name\nS1,Sam\n").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 1);
        assert!(read_exclusions("").is_err());
        assert!(
            read_exclusions("mentor_id,mentee_id,reason\n")
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn checks_mentee_rows() {
        let text = format!(
            "{}\nS1,Sam,sam@example.org,UoL,7,,online,,sometimes,,preferred\nS2,Kai,sam@example.org,UoL,2,,,,,,\n",
            MENTEE_COLUMNS.join(",")
        );
        let errors = read_mentees(&text).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert!(errors[0].message.contains("year_of_study \"7\""));
        assert!(
            errors[0]
                .message
                .contains("lived_experience_preference \"sometimes\"")
        );
        assert!(errors[0].message.contains("gender_preference is empty"));
        assert!(errors[1].message.contains("email sam@example.org is used"));
    }

    #[test]
    fn row_lines_skip_blank_lines_and_follow_quoted_newlines() {
        let text = "a,b\n1,2\n\n3,\"x\ny\"\n4,5\n";
        assert_eq!(row_lines(text), [2, 4, 6]);
        assert_eq!(line_of(&[2, 4], 1), 4);
        assert_eq!(line_of(&[2, 4], 5), 7);
    }

    #[test]
    fn exclusions_refuse_repeats_and_empty_ids() {
        let errors =
            read_exclusions("mentor_id,mentee_id,reason\nM1,S1,x\nM1,S1,y\n,S2,\n").unwrap_err();
        assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), [3, 4]);
    }
}
