//! Demo data for `spectra demo`: the partner organisations, one account per kind of user, and
//! the mentoring pilot's mentors and students. Loading is idempotent, so the demo can be
//! restarted on the same database.
//!
//! Split as the synthetic data is: [`words`] (the people, places and texts it writes),
//! [`plan`] (the history to make, worked out from today) and `load` (what writes it).

mod load;
mod plan;
mod words;

pub use load::load;

use self::plan::{ESR_STAFF, HISTORY, Outcome};
use self::words::{OTHER_APPLICANTS, OTHER_MANAGERS};
use crate::domain::Role;

/// The password of every demo account unless `SPECTRA_DEMO_PASSWORD` says otherwise.
pub const DEFAULT_PASSWORD: &str = "demo-password-123";

/// The partner organisations (DOMAIN.md §1).
pub const ORGANISATIONS: [&str; 8] = [
    "Alder Hey Children's NHS FT",
    "Liverpool University Hospitals NHS FT",
    "Liverpool Women's NHS FT",
    "Liverpool Heart and Chest Hospital NHS FT",
    "The Clatterbridge Cancer Centre NHS FT",
    "The Walton Centre NHS FT",
    "Mersey Care NHS FT",
    "NHS Cheshire and Merseyside (the ICB)",
];

/// A demo account.
#[derive(Debug)]
pub struct DemoAccount {
    /// Sign-in address.
    pub email: &'static str,
    /// Name shown.
    pub name: &'static str,
    /// Roles held.
    pub roles: &'static [Role],
    /// Organisation, by name.
    pub organisation: Option<&'static str>,
    /// What the account is for, printed at start.
    pub description: &'static str,
}

/// Every demo account.
pub const ACCOUNTS: [DemoAccount; 10] = [
    DemoAccount {
        email: "admin@example.org",
        name: "Alex Admin",
        roles: &[Role::Admin],
        organisation: None,
        description: "administrator",
    },
    DemoAccount {
        email: "champion@example.org",
        name: "Chris Champion",
        roles: &[Role::Champion],
        organisation: None,
        description: "Executive Champion for Care Leavers",
    },
    DemoAccount {
        email: "coordinator@example.org",
        name: "Cam Coordinator",
        roles: &[Role::Coordinator],
        organisation: None,
        description: "mentoring coordinator",
    },
    DemoAccount {
        email: "manager.alderhey@example.org",
        name: "Morgan Manager",
        roles: &[Role::HiringManager],
        organisation: Some(ORGANISATIONS[0]),
        description: "hiring manager, Alder Hey",
    },
    DemoAccount {
        email: "manager2.alderhey@example.org",
        name: "Riley Colleague",
        roles: &[Role::HiringManager],
        organisation: Some(ORGANISATIONS[0]),
        description: "hiring manager, Alder Hey, on no shortlisting panel",
    },
    DemoAccount {
        email: "manager.luhft@example.org",
        name: "Lee Manager",
        roles: &[Role::HiringManager],
        organisation: Some(ORGANISATIONS[1]),
        description: "hiring manager, Liverpool University Hospitals",
    },
    DemoAccount {
        email: "applicant@example.org",
        name: "Jordan Applicant",
        roles: &[Role::Applicant],
        organisation: None,
        description: "applicant who declares care experience",
    },
    DemoAccount {
        email: "applicant2@example.org",
        name: "Sam Applicant",
        roles: &[Role::Applicant],
        organisation: None,
        description: "applicant who does not declare care experience",
    },
    DemoAccount {
        email: "mentor@example.org",
        name: "Dr Maya Menon",
        roles: &[Role::Mentor],
        organisation: None,
        description: "mentor, a consultant paediatrician at Alder Hey, with one student",
    },
    DemoAccount {
        email: "mentee@example.org",
        name: "Mia Mensah",
        roles: &[Role::Mentee],
        organisation: None,
        description: "care-experienced medical student, matched with mentor@example.org",
    },
];

/// Title of the demo vacancy that has closed, with applications waiting for shortlisting.
pub const CLOSED_DEMO_VACANCY: &str = "Domestic assistant";

/// The demo-only account of a person: `kayden.rowe@example.org`.
pub fn demo_only_email(name: &str) -> String {
    let local: String = name
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            'a'..='z' => Some(c),
            ' ' => Some('.'),
            _ => None,
        })
        .collect();
    format!("{local}@example.org")
}

/// The employment records the demo adds: its SPECTRA hires and existing staff from ESR.
pub fn demo_employment_records() -> usize {
    let hires = HISTORY
        .iter()
        .flat_map(|v| v.applications)
        .filter(|(o, _)| matches!(o, Outcome::Started(..)))
        .count();
    hires + ESR_STAFF.len()
}

/// Accounts the demo adds that are not in [`ACCOUNTS`]: the hires, the other applicants and
/// the other organisations' managers, whom nobody signs in as.
pub fn demo_only_accounts() -> usize {
    demo_employment_records() - ESR_STAFF.len() + OTHER_APPLICANTS.len() + OTHER_MANAGERS.len()
}
