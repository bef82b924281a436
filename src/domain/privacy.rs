//! Privacy rights (DOMAIN.md §9): who may delete their own account, and whose account is
//! erased rather than deactivated.

use crate::domain::Role;

/// Roles that make decisions on other people's records (shortlisting, offers, approvals,
/// settings). An account holding one is deactivated, not erased, while the record of those
/// decisions needs it.
const DECIDING_ROLES: [Role; 4] = [
    Role::HiringManager,
    Role::Coordinator,
    Role::Champion,
    Role::Admin,
];

/// Whether someone holding `roles` makes decisions others' records depend on.
pub fn is_deciding_staff(roles: &[Role]) -> bool {
    roles.iter().any(|r| DECIDING_ROLES.contains(r))
}

/// Whether someone holding `roles` may delete their own account from "Your account": applicants,
/// mentors and mentees may; anyone who also holds a deciding role asks an administrator.
pub fn may_delete_own_account(roles: &[Role]) -> bool {
    !roles.is_empty() && !is_deciding_staff(roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applicants_mentors_and_mentees_may_delete_their_own_account() {
        for roles in [
            vec![Role::Applicant],
            vec![Role::Mentor],
            vec![Role::Mentee],
            vec![Role::Applicant, Role::Mentee],
        ] {
            assert!(may_delete_own_account(&roles), "{roles:?}");
            assert!(!is_deciding_staff(&roles), "{roles:?}");
        }
    }

    #[test]
    fn anyone_with_a_deciding_role_asks_an_administrator() {
        for role in DECIDING_ROLES {
            assert!(is_deciding_staff(&[role]));
            assert!(!may_delete_own_account(&[Role::Applicant, role]));
        }
        assert!(!may_delete_own_account(&[]));
    }
}
