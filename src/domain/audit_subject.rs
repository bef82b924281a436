//! What an audit event is about (DOMAIN.md §8): a kind of record and its number, such as
//! `application:7`, or a thing that has no number, such as `purge`. Stored as that text, so
//! the log reads the same in a database client; built and read back only through this type,
//! never with `format!` or by splitting strings.

use std::fmt;
use std::str::FromStr;

/// The tables of the mentoring registry that can be exported (`mentoring:<sheet>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MentoringSheet {
    /// The mentors' sheet.
    Mentors,
    /// The students' sheet.
    Mentees,
    /// The exclusions (conflicts of interest).
    Exclusions,
    /// The pilot's settings.
    Settings,
}

impl From<super::mentoring::import::Sheet> for MentoringSheet {
    fn from(sheet: super::mentoring::import::Sheet) -> Self {
        use super::mentoring::import::Sheet;
        match sheet {
            Sheet::Mentors => MentoringSheet::Mentors,
            Sheet::Mentees => MentoringSheet::Mentees,
            Sheet::Exclusions => MentoringSheet::Exclusions,
        }
    }
}

impl MentoringSheet {
    const ALL: [MentoringSheet; 4] = [
        MentoringSheet::Mentors,
        MentoringSheet::Mentees,
        MentoringSheet::Exclusions,
        MentoringSheet::Settings,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            MentoringSheet::Mentors => "mentors",
            MentoringSheet::Mentees => "mentees",
            MentoringSheet::Exclusions => "exclusions",
            MentoringSheet::Settings => "settings",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// What an audit event is about.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AuditSubject {
    /// An application.
    Application(i32),
    /// A vacancy.
    Vacancy(i32),
    /// An account.
    User(i32),
    /// An invitation to make an account.
    Invitation(i32),
    /// An organisation.
    Organisation(i32),
    /// An employment record (a hire, or a person imported from ESR).
    Employment(i32),
    /// A mentor in the pilot.
    Mentor(i32),
    /// A student (mentee) in the pilot.
    Mentee(i32),
    /// A mentoring relationship.
    MentoringRelationship(i32),
    /// A run of the matching.
    MatchRun(i32),
    /// One of the mentoring registry's sheets.
    Mentoring(MentoringSheet),
    /// One table of the champion's dashboard, exported (its name, such as `funnel`).
    Dashboard(String),
    /// A sign-in from an address whose account is not known.
    Address,
    /// The purge of ended applications' personal data.
    Purge,
    /// An import of an ESR extract.
    EsrImport,
    /// An export for ESR.
    EsrExport,
}

/// Makes a subject of one kind from its number.
type Numbered = fn(i32) -> AuditSubject;

/// The kinds with a number, by their stored name.
const NUMBERED: [(&str, Numbered); 10] = [
    ("application", AuditSubject::Application),
    ("vacancy", AuditSubject::Vacancy),
    ("user", AuditSubject::User),
    ("invitation", AuditSubject::Invitation),
    ("organisation", AuditSubject::Organisation),
    ("employment", AuditSubject::Employment),
    ("mentor", AuditSubject::Mentor),
    ("mentee", AuditSubject::Mentee),
    (
        "mentoring_relationship",
        AuditSubject::MentoringRelationship,
    ),
    ("match_run", AuditSubject::MatchRun),
];

impl AuditSubject {
    /// The kind, as stored before the colon (or the whole subject when it has none).
    pub fn kind(&self) -> &'static str {
        match self {
            AuditSubject::Application(_) => "application",
            AuditSubject::Vacancy(_) => "vacancy",
            AuditSubject::User(_) => "user",
            AuditSubject::Invitation(_) => "invitation",
            AuditSubject::Organisation(_) => "organisation",
            AuditSubject::Employment(_) => "employment",
            AuditSubject::Mentor(_) => "mentor",
            AuditSubject::Mentee(_) => "mentee",
            AuditSubject::MentoringRelationship(_) => "mentoring_relationship",
            AuditSubject::MatchRun(_) => "match_run",
            AuditSubject::Mentoring(_) => "mentoring",
            AuditSubject::Dashboard(_) => "dashboard",
            AuditSubject::Address => "address",
            AuditSubject::Purge => "purge",
            AuditSubject::EsrImport => "esr_import",
            AuditSubject::EsrExport => "esr_export",
        }
    }

    /// The record's number, for the kinds that have one.
    pub fn id(&self) -> Option<i32> {
        match self {
            AuditSubject::Application(id)
            | AuditSubject::Vacancy(id)
            | AuditSubject::User(id)
            | AuditSubject::Invitation(id)
            | AuditSubject::Organisation(id)
            | AuditSubject::Employment(id)
            | AuditSubject::Mentor(id)
            | AuditSubject::Mentee(id)
            | AuditSubject::MentoringRelationship(id)
            | AuditSubject::MatchRun(id) => Some(*id),
            _ => None,
        }
    }
}

impl fmt::Display for AuditSubject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.kind();
        match self {
            AuditSubject::Mentoring(sheet) => write!(f, "{kind}:{}", sheet.as_str()),
            AuditSubject::Dashboard(table) => write!(f, "{kind}:{table}"),
            other => match other.id() {
                Some(id) => write!(f, "{kind}:{id}"),
                None => f.write_str(kind),
            },
        }
    }
}

/// A subject that is not one this service writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownSubject;

impl fmt::Display for UnknownSubject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a subject of the audit log")
    }
}

impl std::error::Error for UnknownSubject {}

impl FromStr for AuditSubject {
    type Err = UnknownSubject;

    /// Reads a subject as stored, exactly (no spaces, lower case).
    fn from_str(text: &str) -> Result<Self, UnknownSubject> {
        let Some((kind, rest)) = text.split_once(':') else {
            return match text {
                "address" => Ok(AuditSubject::Address),
                "purge" => Ok(AuditSubject::Purge),
                "esr_import" => Ok(AuditSubject::EsrImport),
                "esr_export" => Ok(AuditSubject::EsrExport),
                _ => Err(UnknownSubject),
            };
        };
        if kind == "mentoring" {
            return MentoringSheet::parse(rest)
                .map(AuditSubject::Mentoring)
                .ok_or(UnknownSubject);
        }
        if kind == "dashboard" {
            let table = !rest.is_empty()
                && rest.len() <= 64
                && rest.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            return table
                .then(|| AuditSubject::Dashboard(rest.to_owned()))
                .ok_or(UnknownSubject);
        }
        let (_, make) = NUMBERED
            .iter()
            .find(|(name, _)| *name == kind)
            .ok_or(UnknownSubject)?;
        let digits = !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit());
        let id = rest
            .parse::<i32>()
            .ok()
            .filter(|_| digits)
            .ok_or(UnknownSubject)?;
        Ok(make(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_kind() -> Vec<AuditSubject> {
        let mut all: Vec<AuditSubject> = NUMBERED.iter().map(|(_, make)| make(7)).collect();
        all.extend(MentoringSheet::ALL.map(AuditSubject::Mentoring));
        all.extend([
            AuditSubject::Dashboard("funnel".into()),
            AuditSubject::Address,
            AuditSubject::Purge,
            AuditSubject::EsrImport,
            AuditSubject::EsrExport,
        ]);
        all
    }

    #[test]
    fn every_subject_reads_back_as_itself() {
        for subject in every_kind() {
            let stored = subject.to_string();
            assert_eq!(stored.parse::<AuditSubject>(), Ok(subject), "{stored}");
        }
    }

    #[test]
    fn subjects_are_stored_as_they_always_were() {
        assert_eq!(AuditSubject::Application(7).to_string(), "application:7");
        assert_eq!(
            AuditSubject::MentoringRelationship(3).to_string(),
            "mentoring_relationship:3"
        );
        assert_eq!(
            AuditSubject::Mentoring(MentoringSheet::Exclusions).to_string(),
            "mentoring:exclusions"
        );
        assert_eq!(
            AuditSubject::Dashboard("funnel".into()).to_string(),
            "dashboard:funnel"
        );
        assert_eq!(AuditSubject::Purge.to_string(), "purge");
        assert_eq!(AuditSubject::User(42).id(), Some(42));
        assert_eq!(AuditSubject::Purge.id(), None);
    }

    #[test]
    fn anything_else_is_not_a_subject() {
        for text in [
            "",
            "application",
            "application:",
            "application:x",
            "application:+7",
            "application:-7",
            "application: 7",
            "Application:7",
            "application:99999999999",
            "parcel:7",
            "mentoring:everything",
            "dashboard:",
            "dashboard:Funnel",
            "purge:1",
        ] {
            assert_eq!(
                text.parse::<AuditSubject>(),
                Err(UnknownSubject),
                "{text:?}"
            );
        }
    }
}
