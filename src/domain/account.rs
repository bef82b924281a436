//! What an account's state allows, judged on its row as read (and locked) inside the
//! transaction that writes: a deletion, a deactivation or a password change that commits while
//! another request hashes a password wins, and the slower request changes nothing.

use time::Duration;

/// Whether the account's owner can use it: sign in to it, be signed in to it again, change or
/// reset its password, confirm its address. It is active and has not been deleted (erased to
/// an anonymous record).
pub fn is_usable(is_active: bool, deleted: bool) -> bool {
    is_active && !deleted
}

/// Whether an administrator (or the mentoring coordinator) can still change the account: its
/// roles, whether it can sign in. Anything but the anonymous record a deletion leaves.
pub fn is_changeable(deleted: bool) -> bool {
    !deleted
}

/// Whether a session made for an account signed in with the password whose fingerprint is
/// `signed_in_with` may be stored: the account is usable and that password is still its
/// password (a change or reset since ends every session signed in with the old one).
pub fn may_start_session(
    is_active: bool,
    deleted: bool,
    current_fingerprint: &str,
    signed_in_with: Option<&str>,
) -> bool {
    is_usable(is_active, deleted) && signed_in_with == Some(current_fingerprint)
}

/// How long the link from a session ended by a password change to the session that replaces
/// it is kept: a sign-out sent with the old cookie by a request in flight at the time (requests
/// time out after 30 seconds) ends the new session too.
pub const HANDOVER_KEPT_FOR: Duration = Duration::minutes(5);

/// What an emailed link (a `user_tokens` row) lets its holder do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenPurpose {
    /// Confirm the email address of a new account.
    VerifyEmail,
    /// Choose a new password.
    ResetPassword,
}

impl TokenPurpose {
    /// Every purpose.
    pub const ALL: [TokenPurpose; 2] = [TokenPurpose::VerifyEmail, TokenPurpose::ResetPassword];

    /// The name stored.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::VerifyEmail => "verify_email",
            TokenPurpose::ResetPassword => "reset_password",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<TokenPurpose> {
        TokenPurpose::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// How long a link stays usable.
    pub fn lifetime(self) -> Duration {
        match self {
            TokenPurpose::VerifyEmail => Duration::days(3),
            TokenPurpose::ResetPassword => Duration::hours(1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_active_account_not_deleted_can_be_used_by_its_owner() {
        assert!(is_usable(true, false));
        assert!(!is_usable(false, false), "deactivated");
        assert!(!is_usable(false, true), "deleted");
        assert!(!is_usable(true, true), "deleted, whatever the flag says");
    }

    #[test]
    fn a_deactivated_account_can_still_be_changed_but_a_deleted_one_cannot() {
        assert!(is_changeable(false));
        assert!(!is_changeable(true));
    }

    #[test]
    fn a_session_starts_only_for_a_usable_account_and_its_current_password() {
        assert!(may_start_session(true, false, "fp", Some("fp")));
        assert!(!may_start_session(true, false, "fp", Some("old")));
        assert!(!may_start_session(true, false, "fp", None));
        assert!(!may_start_session(false, false, "fp", Some("fp")));
        assert!(!may_start_session(false, true, "fp", Some("fp")));
    }

    #[test]
    fn token_purposes_keep_their_stored_names() {
        assert_eq!(TokenPurpose::VerifyEmail.as_str(), "verify_email");
        assert_eq!(TokenPurpose::ResetPassword.as_str(), "reset_password");
        for purpose in TokenPurpose::ALL {
            assert_eq!(TokenPurpose::parse(purpose.as_str()), Some(purpose));
        }
        assert_eq!(TokenPurpose::parse("Reset_password"), None);
        assert_eq!(TokenPurpose::parse(""), None);
        assert!(TokenPurpose::ResetPassword.lifetime() < TokenPurpose::VerifyEmail.lifetime());
    }

    #[test]
    fn the_handover_outlives_any_request_in_flight() {
        assert!(HANDOVER_KEPT_FOR > Duration::seconds(30));
        assert!(HANDOVER_KEPT_FOR <= Duration::minutes(10));
    }
}
