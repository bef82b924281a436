//! Email: messages rendered from askama templates (plain text and HTML), queued in the
//! outbox table with the change that caused them, and sent by [`worker`].

pub mod templates;
pub mod worker;
