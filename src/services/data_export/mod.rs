//! Download your data (DOMAIN.md §9, UK GDPR right of access): everything the service holds
//! about one person, gathered in one read-only transaction so the parts agree with each other,
//! as one document that `docs/DATA-DOWNLOAD.md` describes section by section.
//!
//! Only data about the person is included. Other people appear only as far as the person
//! already sees them in the service (a mentor's or student's name); staff who scored, decided
//! or acted are not named. Secrets are never included: no password hash, no session, and the
//! one-time links in emails are blanked out.
//!
//! [`document`] is the document's shape; `gather` reads the account and what hangs off it,
//! `application` one application with everything about it, `mentoring` the mentoring records.

mod application;
pub mod document;
mod gather;
mod mentoring;

use sea_orm::{
    AccessMode, DatabaseConnection, DatabaseTransaction, DbBackend, IsolationLevel,
    TransactionTrait,
};
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

pub use self::document::{
    Account, Answer, Application, AuditEntry, Booking, Check, Checkpoint, DataExport, Decision,
    EmailSent, Employment, FinalScore, Interview, InterviewOutcome, Invitation, Meeting,
    MentorRecord, Mentoring, Offer, Profile, Referee, Relationship, RoleHeld, Score, Shortlisting,
    StageChange, StudentRecord, VacancyApplied,
};
use crate::db::audit::{self, AuditAction};
use crate::domain::audit_subject::AuditSubject;
use crate::services::Actor;

/// The version of the document's layout. Raise it when a field is renamed or removed.
pub const FORMAT_VERSION: u32 = 1;

/// A time as RFC 3339 text, in UTC.
fn at(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

fn at_opt(t: Option<OffsetDateTime>) -> Option<String> {
    t.map(at)
}

/// A date as `YYYY-MM-DD`.
fn day(d: Date) -> String {
    d.to_string()
}

/// Email links that work once and must not outlive the email: the path prefixes whose next
/// segment is a secret token.
const ONE_TIME_LINKS: [&str; 3] = ["/reset-password/", "/verify-email/", "/invitation/"];

/// Blanks out the tokens of one-time links, so a copy of the download cannot be used to reset
/// a password or accept an invitation.
pub fn without_one_time_links(text: &str) -> String {
    let mut out = text.to_owned();
    for prefix in ONE_TIME_LINKS {
        let mut result = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(i) = rest.find(prefix) {
            let (before, after) = rest.split_at(i + prefix.len());
            result.push_str(before);
            let token_len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .unwrap_or(after.len());
            if token_len > 0 {
                result.push_str("(removed)");
            }
            rest = &after[token_len..];
        }
        result.push_str(rest);
        out = result;
    }
    out
}

/// Everything held about `user_id`, read in one read-only transaction (a consistent snapshot
/// on Postgres; SQLite has one connection, so nothing changes under it). `None` if there is no
/// such account.
pub async fn export(db: &DatabaseConnection, user_id: i32) -> anyhow::Result<Option<DataExport>> {
    // SQLite supports neither setting, and would log a warning for each.
    let (isolation, access) = match db.get_database_backend() {
        DbBackend::Postgres => (
            Some(IsolationLevel::RepeatableRead),
            Some(AccessMode::ReadOnly),
        ),
        _ => (None, None),
    };
    let txn = db.begin_with_config(isolation, access).await?;
    let export = gather::gather(&txn, user_id).await?;
    txn.commit().await?;
    Ok(export)
}

/// Records the download in the audit log: a GET that writes, because DOMAIN.md §9 requires
/// every export to be audited. Only counts and the size go in the details.
pub async fn record_download(
    txn: &DatabaseTransaction,
    owner: Actor<'_>,
    export: &DataExport,
    bytes: usize,
) -> anyhow::Result<()> {
    let mut details = export.counts();
    details["bytes"] = json!(bytes);
    audit::record(
        txn,
        Some(owner.id),
        AuditAction::DataDownloaded,
        &AuditSubject::User(owner.id),
        details,
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_time_links_lose_their_tokens_and_other_links_stay() {
        let text = "Reset: https://spectra.example/reset-password/abc_DEF-123 within an hour.\n\
                    Confirm: https://spectra.example/verify-email/xyz\n\
                    Join: https://spectra.example/invitation/t0k3n.\n\
                    See https://spectra.example/applications/12";
        assert_eq!(
            without_one_time_links(text),
            "Reset: https://spectra.example/reset-password/(removed) within an hour.\n\
             Confirm: https://spectra.example/verify-email/(removed)\n\
             Join: https://spectra.example/invitation/(removed).\n\
             See https://spectra.example/applications/12"
        );
        assert_eq!(without_one_time_links("no links"), "no links");
        assert_eq!(
            without_one_time_links("/verify-email/ then nothing"),
            "/verify-email/ then nothing"
        );
    }

    #[test]
    fn times_are_rfc3339_in_utc() {
        let t = time::macros::datetime!(2026-03-27 09:30:00 UTC);
        assert_eq!(at(t), "2026-03-27T09:30:00Z");
        assert_eq!(day(time::macros::date!(2027 - 01 - 04)), "2027-01-04");
    }
}
