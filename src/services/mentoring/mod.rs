//! The mentoring pilot's use cases (DOMAIN.md §8): a student signs up; the coordinator keeps
//! the registries (approving students under the cap, mentors and their invitations, the pairs
//! never to be matched, spreadsheet imports, the settings), runs and confirms the matching, and
//! ends relationships; mentors and students log meetings and ask to end.
//!
//! Each workflow takes the transaction, the acting person and already-checked input, judges its
//! rule on rows read inside that transaction, writes, audits and queues its emails there, and
//! returns its result or a typed refusal.

pub mod exports;
pub mod import;
pub mod matching;
pub mod mentors;
pub mod registry;
pub mod relationships;
pub mod signup;

use sea_orm::DatabaseTransaction;

use crate::db::outbox;
use crate::domain::Role;
use crate::mail::templates::{EmailContent, MentoringNotice};
use crate::services::Actor;
use crate::services::user_admin;

/// The record to change is not there (or not where it was looked for). Nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotFound;

/// Queues a notice inside the transaction that makes the change it tells of.
async fn queue(
    txn: &DatabaseTransaction,
    notice: &MentoringNotice,
    to: &str,
) -> anyhow::Result<()> {
    outbox::enqueue(txn, &notice.to_email(to)?).await?;
    Ok(())
}

/// Gives an account a mentoring role, audited as a role change. Returns whether the role was
/// new; a deleted account (only its anonymous record left) is given nothing.
async fn grant(
    txn: &DatabaseTransaction,
    by: Actor<'_>,
    user_id: i32,
    role: Role,
) -> anyhow::Result<bool> {
    Ok(user_admin::grant_role(txn, by, user_id, role).await? == Ok(true))
}
