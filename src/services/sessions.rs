//! Storing a session that signs someone in, and ending the session that replaced a signed-out
//! one.
//!
//! A session naming a user is stored only if, on the user's row read and locked in the same
//! transaction, the account can still be used with the password it was signed in with
//! (`domain::account::may_start_session`). Every write that ends an account's sessions (a
//! deletion, a deactivation, a password change or reset) locks that row first, so either it
//! commits first and no session is stored, or the session is stored first and it ends it.
//!
//! A password change signs its person in again on a new session ID. The session it came from
//! is ended inside the change's transaction, and only if it still exists: a sign-out that came
//! first refuses the change. In its place the change leaves a *handover*: a row of `sessions`
//! belonging to nobody, named after the old session's ID (hashed), whose data is empty until
//! the new session takes it in the transaction that stores the new session, and is then the
//! new session's ID. A sign-out sent with the old cookie (by a request in flight when the
//! password changed) deletes the handover and whatever took it: before, and the new session is
//! never stored; after, and it is ended.

use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};

use crate::auth::password;
use crate::auth::tokens;
use crate::db::{self, sessions, users};
use crate::domain::account;
use crate::entities::session;

/// Who a new session signs in, as its data says.
#[derive(Clone, Copy, Debug)]
pub struct SignedIn<'a> {
    /// The account.
    pub user_id: i32,
    /// The fingerprint of the password it was signed in with.
    pub fingerprint: Option<&'a str>,
    /// The handover it must take, when a password change signs its person in again.
    pub handover: Option<&'a str>,
}

/// The ID of the handover a password change leaves for the session `old_session_id`: named
/// by 192 bits of its hash (session IDs are at most 64 characters), never by the ID itself.
pub fn handover_id(old_session_id: &str) -> String {
    let hash = tokens::hash(old_session_id);
    format!("handover:{}", &hash[..48])
}

/// Stores `row`, a new session signing in `who`, if the account can still be used with the
/// password it was signed in with and (when it replaces one) its handover is still waiting.
/// Returns false, storing nothing, otherwise. A clash of session IDs is an error the caller
/// can retry with another ID: nothing of the attempt is kept.
pub async fn start(
    db: &DatabaseConnection,
    row: session::Model,
    who: SignedIn<'_>,
) -> Result<bool, DbErr> {
    let txn = db.begin().await?;
    let Some(user) = users::find_for_update(&txn, who.user_id).await? else {
        txn.rollback().await?;
        return Ok(false);
    };
    let allowed = account::may_start_session(
        user.is_active,
        user.deleted_at.is_some(),
        &password::fingerprint(&user.password_hash),
        who.fingerprint,
    );
    if !allowed {
        txn.rollback().await?;
        return Ok(false);
    }
    if let Some(handover) = who.handover
        && !sessions::take_handover(&txn, handover, &row.id, db::now()).await?
    {
        txn.rollback().await?;
        return Ok(false);
    }
    sessions::insert(&txn, row).await?;
    txn.commit().await?;
    Ok(true)
}

/// Signing out with the cookie `old_session_id`: if a password change replaced that session,
/// its handover ends, and with it the new session if one was stored.
pub async fn end_handed_over(db: &DatabaseConnection, old_session_id: &str) -> Result<(), DbErr> {
    let id = handover_id(old_session_id);
    let txn = db.begin().await?;
    if let Some(handover) = sessions::find_for_update(&txn, &id).await? {
        if !handover.data.is_empty() {
            sessions::delete(&txn, &handover.data).await?;
        }
        sessions::delete(&txn, &id).await?;
    }
    txn.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handover_fits_a_session_id_and_does_not_hold_the_old_one() {
        let old = "bSYtmZcpQbnyd8zbYVAmmA";
        let id = handover_id(old);
        assert!(id.len() <= 64, "{id}");
        assert!(id.starts_with("handover:"));
        assert!(!id.contains(old));
        assert_eq!(id, handover_id(old));
        assert_ne!(id, handover_id("another"));
    }
}
