//! The use cases: one function per workflow, between the thin handlers and the queries.
//!
//! Each takes a transaction (or connection), the acting user and already-parsed domain input;
//! reads what its rule needs inside that transaction, asks the pure rule in `crate::domain`,
//! writes, records the audit event and queues the emails in the same transaction; and returns
//! `Ok(Ok(result))`, `Ok(Err(refusal))` with a typed refusal the handler turns into words for
//! the person, or `Err` for a fault (a database outage, a bug), which is never shown.
//! Nothing here knows about HTTP.

pub mod accounts;
pub mod applicant_details;
pub mod application_form;
pub mod audit_chain;
pub mod bookings;
pub mod dashboard;
pub mod data_export;
pub mod database_roles;
pub mod emails;
pub mod employees;
pub mod esr;
pub mod esr_jobs;
pub mod exceptions;
pub mod interviews;
pub mod invitations;
pub mod kept_forms;
pub mod mentoring;
pub mod offers;
pub mod organisations;
pub mod panel;
pub mod privacy;
pub mod profiles;
pub mod programmes;
pub mod reference_data;
pub mod report_exports;
pub mod report_summaries;
pub mod retention;
pub mod sessions;
pub mod shortlisting;
pub mod user_admin;
pub mod vacancies;
pub mod withdrawal;

/// The result of a use case: its outcome or a typed refusal, inside a fault.
pub type Outcome<T, R> = anyhow::Result<Result<T, R>>;

/// Who is acting, as the use cases need them: never an HTTP type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor<'a> {
    /// Their user ID.
    pub id: i32,
    /// Their name, for emails.
    pub name: &'a str,
    /// Their email address, for emails to themselves.
    pub email: &'a str,
}

/// Who is acting, when a use case is started by a stored account rather than a signed-in
/// request (signing in itself, the command line, the seed).
impl<'a> From<&'a crate::entities::user::Model> for Actor<'a> {
    fn from(user: &'a crate::entities::user::Model) -> Self {
        Actor {
            id: user.id,
            name: &user.full_name,
            email: &user.email,
        }
    }
}
