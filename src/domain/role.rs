//! The roles a user can hold (DOMAIN.md §2). A user may hold several.

use std::fmt;

/// A role. Panel membership is not a role: it belongs to a vacancy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// A care leaver, or anyone applying for a post that is not ring-fenced.
    Applicant,
    /// Staff of one organisation who run its vacancies.
    HiringManager,
    /// A clinician who mentors a medical student.
    Mentor,
    /// A care-experienced medical student in the mentoring pilot.
    Mentee,
    /// Runs the mentoring pilot.
    Coordinator,
    /// The Executive Champion for Care Leavers.
    Champion,
    /// The service owner.
    Admin,
}

impl Role {
    /// Every role, in the order they are listed to people.
    pub const ALL: [Role; 7] = [
        Role::Applicant,
        Role::HiringManager,
        Role::Mentor,
        Role::Mentee,
        Role::Coordinator,
        Role::Champion,
        Role::Admin,
    ];

    /// Roles given by invitation rather than by signing up.
    pub const STAFF: [Role; 5] = [
        Role::HiringManager,
        Role::Mentor,
        Role::Coordinator,
        Role::Champion,
        Role::Admin,
    ];

    /// The name stored in the database and used in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Applicant => "applicant",
            Role::HiringManager => "hiring_manager",
            Role::Mentor => "mentor",
            Role::Mentee => "mentee",
            Role::Coordinator => "coordinator",
            Role::Champion => "champion",
            Role::Admin => "admin",
        }
    }

    /// Reads a stored or submitted role name.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Applicant => "Applicant",
            Role::HiringManager => "Hiring manager",
            Role::Mentor => "Mentor",
            Role::Mentee => "Mentee",
            Role::Coordinator => "Mentoring coordinator",
            Role::Champion => "Executive Champion for Care Leavers",
            Role::Admin => "Administrator",
        }
    }

    /// What the role may do, in a sentence.
    pub fn description(self) -> &'static str {
        match self {
            Role::Applicant => "Finds vacancies and applies. Sees only their own applications.",
            Role::HiringManager => {
                "Runs vacancies, panels and applicants for one organisation only."
            }
            Role::Mentor => "A clinician who sees their own mentees and logs meetings.",
            Role::Mentee => {
                "A care-experienced medical student who sees their own mentor and logs meetings."
            }
            Role::Coordinator => "Runs the mentoring pilot: mentors, mentees and matching.",
            Role::Champion => {
                "Sees reports across all organisations, approves exceptions and exports reports."
            }
            Role::Admin => "Manages organisations, users, invitations and programme settings.",
        }
    }

    /// Whether holding the role ties a user to one organisation.
    pub fn needs_organisation(self) -> bool {
        matches!(self, Role::HiringManager)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Reads a comma-separated list of role names, refusing unknown names and duplicates.
pub fn parse_list(list: &str) -> Option<Vec<Role>> {
    let mut roles = Vec::new();
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let role = Role::parse(name)?;
        if roles.contains(&role) {
            return None;
        }
        roles.push(role);
    }
    roles.sort();
    Some(roles)
}

/// Writes roles as a comma-separated list, the inverse of [`parse_list`].
pub fn format_list(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            assert!(!role.label().is_empty());
            assert!(!role.description().is_empty());
        }
        assert_eq!(Role::parse("superuser"), None);
        assert_eq!(Role::parse("Admin"), None);
    }

    #[test]
    fn only_hiring_managers_need_an_organisation() {
        let needing: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.needs_organisation())
            .collect();
        assert_eq!(needing, vec![Role::HiringManager]);
    }

    #[test]
    fn staff_roles_exclude_the_self_service_ones() {
        assert!(!Role::STAFF.contains(&Role::Applicant));
        assert!(!Role::STAFF.contains(&Role::Mentee));
    }

    #[test]
    fn lists_round_trip_sorted_and_refuse_unknown_or_repeated_names() {
        let roles = parse_list("admin, hiring_manager").unwrap_or_default();
        assert_eq!(roles, vec![Role::HiringManager, Role::Admin]);
        assert_eq!(format_list(&roles), "hiring_manager,admin");
        assert_eq!(parse_list(""), Some(vec![]));
        assert_eq!(parse_list("admin,root"), None);
        assert_eq!(parse_list("admin,admin"), None);
    }
}
