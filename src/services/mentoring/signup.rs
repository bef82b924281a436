//! A student's sign-up: stored as a sign-up waiting for the coordinator's approval, or, for a
//! student the coordinator added, their answers linked to their account.

use sea_orm::DatabaseTransaction;

use super::grant;
use crate::db::mentoring::registry;
use crate::db::mentoring::status_of;
use crate::domain::Role;
use crate::domain::mentoring::input::SignUpInput;
use crate::domain::mentoring::pilot::MenteeStatus;
use crate::services::{Actor, Outcome};

/// What signing up did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignedUp {
    /// A new sign-up, waiting for approval.
    New,
    /// The student the coordinator added is now linked to this account.
    Linked,
}

/// Why a sign-up was not stored. Nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubmitRefusal {
    /// This account has signed up already (perhaps in another tab at the same moment).
    AlreadySignedUp,
    /// The student with this email address is linked to another account.
    SomeoneElse,
}

/// A student signs up with their checked answers (their name and email address are the
/// account's). A student the coordinator added with the same email address is linked instead,
/// keeping their status; one already approved is given the mentee role, audited.
pub async fn submit(
    txn: &DatabaseTransaction,
    student: Actor<'_>,
    mut sign_up: SignUpInput,
) -> Outcome<SignedUp, SubmitRefusal> {
    if registry::mentee_of_user(txn, student.id).await?.is_some() {
        return Ok(Err(SubmitRefusal::AlreadySignedUp));
    }
    let stored = match registry::mentee_with_email(txn, student.email).await? {
        Some(existing) if existing.user_id.is_none() => {
            let linked = registry::link_sign_up(txn, existing, student.id, &sign_up).await;
            // A student the coordinator already approved can now see their mentoring pages.
            if let Ok(m) = &linked
                && status_of(m) == MenteeStatus::Approved
            {
                grant(txn, student, student.id, Role::Mentee).await?;
            }
            linked.map(|_| SignedUp::Linked)
        }
        Some(_) => return Ok(Err(SubmitRefusal::SomeoneElse)),
        None => {
            sign_up.record.id = registry::unused_reference(txn, 'S').await?;
            registry::insert_sign_up(txn, student.id, &sign_up)
                .await
                .map(|_| SignedUp::New)
        }
    };
    match stored {
        Ok(done) => Ok(Ok(done)),
        // Two sign-ups of one account at once: the unique index lets only one through.
        Err(e) if crate::db::is_unique_violation(&e) => Ok(Err(SubmitRefusal::AlreadySignedUp)),
        Err(e) => Err(e.into()),
    }
}
