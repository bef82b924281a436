//! Email: messages rendered from askama templates (plain text and HTML), queued in the
//! outbox table with the change that caused them, and sent by [`worker`].

pub mod templates;
pub mod worker;

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
