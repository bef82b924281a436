//! Privacy rights (DOMAIN.md §9): who may delete their own account, whose account is erased
//! rather than deactivated, what an erased account's stub looks like, why an administrator
//! deleted one, and when an ended application's personal data is due to be purged.

use time::{Duration, OffsetDateTime};

use crate::domain::Role;
use crate::domain::application::Stage;

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

/// The sign-in address an erased account keeps: unique, and never deliverable (`.invalid` is
/// reserved by RFC 2606), so nobody can sign in with it or receive mail at it.
pub fn erased_email(user_id: i32) -> String {
    format!("deleted-{user_id}@deleted.invalid")
}

/// The name an erased account keeps, so that lists and records still read sensibly.
pub fn erased_name(user_id: i32) -> String {
    format!("Deleted account {user_id}")
}

/// The address an erased mentor or student record keeps (their own table's ID, so unique).
pub fn erased_record_email(kind: &str, id: i32) -> String {
    format!("deleted-{kind}-{id}@deleted.invalid")
}

/// The password hash an erased account keeps: a well-formed argon2id hash (so checking a
/// password against it fails like any wrong password, never with an error) whose output is
/// all zeros, which no password produces.
pub const ERASED_PASSWORD_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$ZXJhc2VkYWNjb3VudA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/// What replaces a name or an email address in a message kept after erasure.
pub const REDACTED: &str = "[deleted]";

/// What replaces the subject and body of a message that was about the erased person only.
pub const REMOVED_MESSAGE: &str =
    "[This message was removed when the personal data it held was deleted.]";

/// How an administrator heard that someone wants their account deleted. Only the category is
/// kept (in the audit log): free text could name the person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeletionReason {
    /// The person asked by email.
    Email,
    /// The person asked by phone.
    Phone,
    /// The person asked by letter.
    Letter,
    /// The person asked in person.
    InPerson,
    /// Another way (for example through their personal adviser).
    Other,
}

impl DeletionReason {
    /// Every reason, in the order the form lists them.
    pub const ALL: [DeletionReason; 5] = [
        DeletionReason::Email,
        DeletionReason::Phone,
        DeletionReason::Letter,
        DeletionReason::InPerson,
        DeletionReason::Other,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeletionReason::Email => "asked_by_email",
            DeletionReason::Phone => "asked_by_phone",
            DeletionReason::Letter => "asked_by_letter",
            DeletionReason::InPerson => "asked_in_person",
            DeletionReason::Other => "other",
        }
    }

    /// The words on the form.
    pub fn label(self) -> &'static str {
        match self {
            DeletionReason::Email => "The person asked by email",
            DeletionReason::Phone => "The person asked by phone",
            DeletionReason::Letter => "The person asked by letter",
            DeletionReason::InPerson => "The person asked in person",
            DeletionReason::Other => "Another way (for example through their personal adviser)",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

/// The stages after which an application's personal data is purged: it ended without a hire.
pub const PURGED_STAGES: [Stage; 3] =
    [Stage::NotShortlisted, Stage::Unsuccessful, Stage::Withdrawn];

/// The latest final decision whose application is due for purging at `now`: anything decided
/// before it was decided more than `purge_after_days` days ago.
pub fn purge_cutoff(now: OffsetDateTime, purge_after_days: u32) -> OffsetDateTime {
    now - Duration::days(i64::from(purge_after_days))
}

/// Whether an application at `stage`, moved there at `decided_at`, is due for purging at `now`:
/// it ended unsuccessful or withdrawn more than `purge_after_days` days ago. Hired and open
/// applications never are.
pub fn is_due_for_purge(
    stage: Stage,
    decided_at: OffsetDateTime,
    now: OffsetDateTime,
    purge_after_days: u32,
) -> bool {
    PURGED_STAGES.contains(&stage) && decided_at < purge_cutoff(now, purge_after_days)
}

/// `text` with every whole-word occurrence of each of `needles` (ignoring case) replaced by
/// [`REDACTED`], or `None` when none occurs. "Sam" is taken out of "Dear Sam," but not out of
/// "Samuel". Needles shorter than two characters are ignored.
pub fn redact(text: &str, needles: &[&str]) -> Option<String> {
    let mut out = text.to_owned();
    let mut changed = false;
    for needle in needles
        .iter()
        .map(|n| n.trim())
        .filter(|n| n.chars().count() >= 2)
    {
        let mut result = String::with_capacity(out.len());
        let mut rest = out.as_str();
        let lower_needle = needle.to_lowercase();
        loop {
            let Some(at) = find_ignoring_case(rest, &lower_needle) else {
                result.push_str(rest);
                break;
            };
            let end = at + lower_needle.len();
            let before = rest[..at].chars().next_back();
            let after = rest[end..].chars().next();
            let bounded = !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char);
            if bounded {
                result.push_str(&rest[..at]);
                result.push_str(REDACTED);
                changed = true;
            } else {
                result.push_str(&rest[..end]);
            }
            rest = &rest[end..];
        }
        out = result;
    }
    changed.then_some(out)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The byte offset of the first occurrence of `lower_needle` in `haystack`, ignoring ASCII and
/// simple Unicode case, on character boundaries. Only matches of the same byte length count,
/// so the offsets stay valid in `haystack`.
fn find_ignoring_case(haystack: &str, lower_needle: &str) -> Option<usize> {
    haystack.char_indices().map(|(i, _)| i).find(|&i| {
        haystack
            .get(i..i + lower_needle.len())
            .is_some_and(|slice| slice.to_lowercase() == lower_needle)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn an_erased_account_keeps_a_unique_undeliverable_address_and_a_plain_name() {
        assert_eq!(erased_email(42), "deleted-42@deleted.invalid");
        assert_ne!(erased_email(42), erased_email(43));
        assert_eq!(erased_name(42), "Deleted account 42");
        assert_eq!(
            erased_record_email("mentee", 7),
            "deleted-mentee-7@deleted.invalid"
        );
    }

    #[test]
    fn the_erased_password_hash_is_well_formed_so_a_check_fails_plainly() {
        let parsed = argon2::password_hash::phc::PasswordHash::new(ERASED_PASSWORD_HASH);
        assert!(parsed.is_ok(), "{parsed:?}");
    }

    #[test]
    fn deletion_reasons_read_back_and_unknown_ones_are_refused() {
        for reason in DeletionReason::ALL {
            assert_eq!(DeletionReason::parse(reason.as_str()), Some(reason));
            assert!(!reason.label().is_empty());
        }
        assert_eq!(DeletionReason::parse(""), None);
        assert_eq!(DeletionReason::parse("because"), None);
    }

    #[test]
    fn only_applications_that_ended_without_a_hire_longer_ago_than_the_period_are_due() {
        let now = datetime!(2027-12-02 09:00 UTC);
        let long_ago = now - Duration::days(366);
        let recently = now - Duration::days(364);
        for stage in PURGED_STAGES {
            assert!(is_due_for_purge(stage, long_ago, now, 365), "{stage:?}");
            assert!(!is_due_for_purge(stage, recently, now, 365), "{stage:?}");
        }
        for stage in Stage::ALL
            .into_iter()
            .filter(|s| !PURGED_STAGES.contains(s))
        {
            assert!(!is_due_for_purge(stage, long_ago, now, 365), "{stage:?}");
        }
        // Exactly the period ago is not yet "more than" it.
        let exactly = now - Duration::days(365);
        assert!(!is_due_for_purge(Stage::Withdrawn, exactly, now, 365));
        assert!(is_due_for_purge(Stage::Withdrawn, exactly, now, 364));
        assert_eq!(purge_cutoff(now, 0), now);
    }

    #[test]
    fn names_and_addresses_are_taken_out_as_whole_words_ignoring_case() {
        let needles = ["Sam Lee", "sam.lee@example.org"];
        assert_eq!(
            redact("Dear Sam Lee, we wrote to SAM.LEE@example.org.", &needles).as_deref(),
            Some("Dear [deleted], we wrote to [deleted].")
        );
        assert_eq!(redact("Samuel Leeson applied", &["Sam", "Lee"]), None);
        assert_eq!(redact("Nothing here", &needles), None);
        assert_eq!(redact("A to Z", &["A", " "]), None);
        assert_eq!(
            redact("Zoë Brown and zoë brown", &["Zoë Brown"]).as_deref(),
            Some("[deleted] and [deleted]")
        );
    }

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
