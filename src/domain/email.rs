//! An email as the service sends it: rendered, addressed, ready for the outbox. A plain value,
//! here so that both the outbox's queries (`crate::db::outbox`) and the mail worker
//! (`crate::mail`) can use it without either importing the other.

/// A rendered email, ready for the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text part.
    pub text: String,
    /// HTML part.
    pub html: String,
    /// A calendar invitation (`.ics`) to attach, if any.
    pub calendar: Option<String>,
}
