//! The rules of importing the coordinator's spreadsheets: which file is which, and how a row
//! is matched to a stored record.
//!
//! A file with any bad row is refused whole and nothing is stored. A row whose id is already
//! stored with the same email updates that record; a row whose id or email belongs to a
//! different stored record is a bad row.

use std::collections::HashMap;

use crate::domain::mentoring::files::{self, RowError};

/// The three spreadsheets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sheet {
    Mentors,
    Mentees,
    Exclusions,
}

impl Sheet {
    /// Every spreadsheet, in the order offered.
    pub const ALL: [Sheet; 3] = [Sheet::Mentors, Sheet::Mentees, Sheet::Exclusions];

    /// Its name, as in its file name.
    pub fn as_str(self) -> &'static str {
        match self {
            Sheet::Mentors => "mentors",
            Sheet::Mentees => "mentees",
            Sheet::Exclusions => "exclusions",
        }
    }

    /// Its name in words.
    pub fn label(self) -> &'static str {
        match self {
            Sheet::Mentors => "Mentors (mentors.csv)",
            Sheet::Mentees => "Students (mentees.csv)",
            Sheet::Exclusions => "Pairs never to be matched (exclusions.csv)",
        }
    }

    /// Its header line.
    pub fn columns(self) -> String {
        match self {
            Sheet::Mentors => files::MENTOR_COLUMNS.join(","),
            Sheet::Mentees => files::MENTEE_COLUMNS.join(","),
            Sheet::Exclusions => files::EXCLUSION_COLUMNS.join(","),
        }
    }

    /// The spreadsheet of this name.
    pub fn parse(text: &str) -> Option<Sheet> {
        Sheet::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Checks that a row's id and email name the same stored record, or none. Returns the id of the
/// record to update.
pub fn identity_check(
    kind: &str,
    id: &str,
    email: &str,
    by_reference: &HashMap<String, (i32, String)>,
    by_email: &HashMap<String, (i32, String)>,
) -> Result<Option<i32>, String> {
    match (by_reference.get(id), by_email.get(email)) {
        (None, None) => Ok(None),
        (Some((a, _)), Some((b, _))) if a == b => Ok(Some(*a)),
        (Some((_, other_email)), _) => Err(format!(
            "id \"{id}\" already belongs to the {kind} with email {other_email}"
        )),
        (None, Some((_, other_id))) => Err(format!(
            "email {email} already belongs to the {kind} with id \"{other_id}\""
        )),
    }
}

/// Checks every row's id and email against the stored records (see [`identity_check`]):
/// the stored id to update for each row, or every bad row by line.
pub fn match_identities<'a>(
    kind: &str,
    text: &str,
    rows: impl Iterator<Item = (&'a str, &'a str)>,
    stored: impl Iterator<Item = (i32, &'a str, &'a str)>,
) -> Result<Vec<Option<i32>>, Vec<RowError>> {
    let (mut by_reference, mut by_email) = (HashMap::new(), HashMap::new());
    for (id, reference, email) in stored {
        by_reference.insert(reference.to_owned(), (id, email.to_owned()));
        by_email.insert(email.to_owned(), (id, reference.to_owned()));
    }
    let lines = files::row_lines(text);
    let mut existing = Vec::new();
    let mut bad = Vec::new();
    for (i, (id, email)) in rows.enumerate() {
        match identity_check(kind, id, email, &by_reference, &by_email) {
            Ok(found) => existing.push(found),
            Err(message) => bad.push(RowError {
                line: files::line_of(&lines, i),
                message,
            }),
        }
    }
    if bad.is_empty() {
        Ok(existing)
    } else {
        Err(bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_must_name_one_record() {
        let by_ref = HashMap::from([("M1".to_owned(), (1, "a@example.org".to_owned()))]);
        let by_email = HashMap::from([("a@example.org".to_owned(), (1, "M1".to_owned()))]);
        assert_eq!(
            identity_check("mentor", "M1", "a@example.org", &by_ref, &by_email),
            Ok(Some(1))
        );
        assert_eq!(
            identity_check("mentor", "M2", "b@example.org", &by_ref, &by_email),
            Ok(None)
        );
        assert!(
            identity_check("mentor", "M1", "b@example.org", &by_ref, &by_email)
                .unwrap_err()
                .contains("a@example.org")
        );
        assert!(
            identity_check("mentor", "M2", "a@example.org", &by_ref, &by_email)
                .unwrap_err()
                .contains("\"M1\"")
        );
    }

    #[test]
    fn sheets_are_named_by_their_files() {
        for sheet in Sheet::ALL {
            assert_eq!(Sheet::parse(sheet.as_str()), Some(sheet));
        }
        assert_eq!(Sheet::parse("people"), None);
    }
}
