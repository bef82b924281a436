//! The emails anyone can make the service send by typing an address into a form (forgotten
//! password, registration, "send the link again"), and how many of them go out.
//!
//! Without a limit, anyone could use the service to flood someone's inbox. Each kind goes to
//! one address at most [`PER_RECIPIENT`] times in [`WINDOW`], and one client address may ask
//! for at most [`PER_CLIENT`]`.limit` of them (of any kind, to anyone) in an hour. The person
//! sees the same page whether or not an email went, so the limits reveal nothing either.

use time::Duration;

use crate::domain::login_throttle::Policy;

/// An email sent because someone filled in a public form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountEmail {
    /// A password reset link (`/forgot-password`).
    ResetPassword,
    /// A link to confirm the address of a new account (`/register`, `/verify-email/resend`).
    VerifyEmail,
    /// "You already have an account" (`/register` with a taken address).
    AlreadyRegistered,
}

impl AccountEmail {
    /// The name stored with the queued message.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountEmail::ResetPassword => "reset_password",
            AccountEmail::VerifyEmail => "verify_email",
            AccountEmail::AlreadyRegistered => "already_registered",
        }
    }
}

/// Emails of one kind one address may get in [`WINDOW`].
pub const PER_RECIPIENT: u64 = 3;
/// The window both limits count in.
pub const WINDOW: Duration = Duration::hours(1);
/// Requests for these emails one client address may make in an hour.
pub const PER_CLIENT: Policy = Policy {
    limit: 20,
    window: WINDOW,
};

/// Whether another email of a kind may go to an address that has had `sent` of them in the
/// last [`WINDOW`].
pub fn may_send(sent: u64) -> bool {
    sent < PER_RECIPIENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_an_hour_per_address() {
        assert!(may_send(0));
        assert!(may_send(2));
        assert!(!may_send(3));
        assert!(!may_send(100));
    }

    #[test]
    fn each_kind_has_its_own_name() {
        let names = [
            AccountEmail::ResetPassword,
            AccountEmail::VerifyEmail,
            AccountEmail::AlreadyRegistered,
        ]
        .map(AccountEmail::as_str);
        assert_eq!(
            names,
            ["reset_password", "verify_email", "already_registered"]
        );
    }

    #[test]
    fn a_client_may_ask_more_often_than_one_address_may_receive() {
        assert!(PER_CLIENT.limit as u64 > PER_RECIPIENT);
        assert_eq!(PER_CLIENT.window, WINDOW);
    }
}
