//! Where each person starts: the page with their next things to do. Signing in without a page
//! asked for lands there, and the header and "Your account" link to it.

use crate::domain::Role;

/// A person's home page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Home {
    /// Its path.
    pub path: &'static str,
    /// A link to it, in words: "Go to {label}".
    pub label: &'static str,
}

/// The home of someone holding `roles`. Staff roles, given by invitation, come before the
/// applicant role anyone can sign up for, and the role with the most day-to-day work comes
/// first: a hiring manager who is also an administrator starts on their vacancies.
pub fn home_for(roles: &[Role]) -> Home {
    const ORDER: [(Role, Home); 7] = [
        (
            Role::HiringManager,
            Home {
                path: "/manage",
                label: "your vacancies and what is waiting",
            },
        ),
        (
            Role::Coordinator,
            Home {
                path: "/mentoring/coordinator",
                label: "the mentoring pilot",
            },
        ),
        (
            Role::Champion,
            Home {
                path: "/champion",
                label: "the dashboard",
            },
        ),
        (
            Role::Admin,
            Home {
                path: "/admin/users",
                label: "users and their roles",
            },
        ),
        (
            Role::Mentor,
            Home {
                path: "/mentoring/mine",
                label: "your mentoring",
            },
        ),
        (
            Role::Mentee,
            Home {
                path: "/mentoring/mine",
                label: "your mentoring",
            },
        ),
        (
            Role::Applicant,
            Home {
                path: "/applications",
                label: "your applications",
            },
        ),
    ];
    ORDER
        .into_iter()
        .find(|(role, _)| roles.contains(role))
        .map_or(
            Home {
                path: "/account",
                label: "your account",
            },
            |(_, home)| home,
        )
}

/// What someone holding `role` can do here, in plain words, for "Your account".
pub fn what_you_can_do(role: Role) -> &'static str {
    match role {
        Role::Applicant => {
            "Find NHS jobs and apprenticeships, apply for them, and follow what happens to your applications."
        }
        Role::HiringManager => {
            "Advertise your organisation's vacancies, score applications without seeing names, interview, make offers and keep in touch with the people you hire."
        }
        Role::Mentor => "See the students you mentor and keep a record of your meetings.",
        Role::Mentee => "See your mentor and keep a record of your meetings.",
        Role::Coordinator => {
            "Run the mentoring pilot: add mentors, approve students, match them and follow how it goes."
        }
        Role::Champion => {
            "See how care leavers are recruited and stay in work across every organisation, and decide on exceptions to the guaranteed interview scheme."
        }
        Role::Admin => "Invite staff, change people's roles and set up programmes.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_on_its_own_has_its_home() {
        let cases = [
            (Role::Applicant, "/applications"),
            (Role::HiringManager, "/manage"),
            (Role::Mentor, "/mentoring/mine"),
            (Role::Mentee, "/mentoring/mine"),
            (Role::Coordinator, "/mentoring/coordinator"),
            (Role::Champion, "/champion"),
            (Role::Admin, "/admin/users"),
        ];
        for (role, path) in cases {
            assert_eq!(home_for(&[role]).path, path, "{role:?}");
            assert!(!what_you_can_do(role).is_empty());
        }
    }

    #[test]
    fn every_role_is_given_a_home() {
        for role in Role::ALL {
            assert_ne!(home_for(&[role]).path, "/account", "{role:?}");
        }
    }

    #[test]
    fn staff_roles_come_before_applying_and_work_before_administration() {
        assert_eq!(
            home_for(&[Role::Applicant, Role::HiringManager]).path,
            "/manage"
        );
        assert_eq!(
            home_for(&[Role::Admin, Role::HiringManager]).path,
            "/manage"
        );
        assert_eq!(home_for(&[Role::Champion, Role::Admin]).path, "/champion");
        assert_eq!(
            home_for(&[Role::Admin, Role::Coordinator]).path,
            "/mentoring/coordinator"
        );
        assert_eq!(
            home_for(&[Role::Mentee, Role::Applicant]).path,
            "/mentoring/mine"
        );
        assert_eq!(
            home_for(&[Role::Coordinator, Role::Mentor]).path,
            "/mentoring/coordinator"
        );
        // The order the roles are held in makes no difference.
        let mut all = Role::ALL;
        all.reverse();
        assert_eq!(home_for(&all), home_for(&Role::ALL));
        assert_eq!(home_for(&Role::ALL).path, "/manage");
    }

    #[test]
    fn someone_with_no_role_is_sent_to_their_account() {
        assert_eq!(home_for(&[]).path, "/account");
    }
}
