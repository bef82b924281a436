//! Typed work is never lost to a timeout (issue 21). A browser is bound to the account that
//! signs in on it; a form sent from it after that account's session ended is kept, and shown
//! again (never applied) once the same account signs in again in the same browser.
//!
//! The kept body is personal data: nothing here logs it.

use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};
use time::OffsetDateTime;

use crate::auth::tokens;
use crate::db::kept_forms::Owner;
use crate::db::{browser_bindings, kept_forms};
use crate::domain::kept_form::KEPT_FOR;
use crate::services::Actor;

/// Binds this browser to `user`'s account for a day from `now`. A browser already bound to the same
/// account keeps its token (so what was kept for it is found again); any other gets a new
/// one. Returns the token for the cookie.
pub async fn bind_browser(
    txn: &DatabaseTransaction,
    user: Actor<'_>,
    current_token: Option<&str>,
    now: OffsetDateTime,
) -> Result<String, DbErr> {
    if let Some(token) = current_token {
        let hash = tokens::hash(token);
        if browser_bindings::user_of(txn, &hash, now).await? == Some(user.id) {
            browser_bindings::upsert(txn, &hash, user.id, now + KEPT_FOR).await?;
            return Ok(token.to_owned());
        }
    }
    let (token, hash) = tokens::generate();
    browser_bindings::upsert(txn, &hash, user.id, now + KEPT_FOR).await?;
    Ok(token)
}

/// Binds this browser to the account just signed in, judged on the account's locked row: one
/// deleted or deactivated meanwhile gets no binding (`None`). Returns the token for the cookie.
pub async fn bind_signed_in_browser(
    txn: &DatabaseTransaction,
    user: Actor<'_>,
    current_token: Option<&str>,
) -> Result<Option<String>, DbErr> {
    if crate::services::accounts::lock_usable(txn, user.id)
        .await?
        .is_none()
    {
        return Ok(None);
    }
    bind_browser(txn, user, current_token, crate::db::now())
        .await
        .map(Some)
}

/// Ends the binding of this browser (signing out), with whatever was kept for it.
pub async fn unbind_browser(db: &DatabaseConnection, token: &str) -> Result<(), DbErr> {
    let hash = tokens::hash(token);
    let txn = db.begin().await?;
    kept_forms::delete_for_binding(&txn, &hash).await?;
    browser_bindings::delete(&txn, &hash).await?;
    txn.commit().await
}

/// Keeps `body` (already stripped of its form token and bounded) for the account this browser
/// is bound to, under `form_page`. Returns false, keeping nothing, when the browser is bound
/// to nobody (no cookie, a forged one, or one past its day).
pub async fn keep(
    db: &DatabaseConnection,
    binding_token: &str,
    form_page: &str,
    body: String,
    now: OffsetDateTime,
) -> Result<bool, DbErr> {
    let hash = tokens::hash(binding_token);
    let txn = db.begin().await?;
    let Some(user_id) = browser_bindings::user_of(&txn, &hash, now).await? else {
        return Ok(false);
    };
    let owner = Owner {
        user_id,
        binding_hash: &hash,
        path: form_page,
    };
    kept_forms::upsert(&txn, owner, body, now).await?;
    txn.commit().await?;
    Ok(true)
}

/// The form kept for this account, in this browser, on this page, as its urlencoded body
/// (without the form token); it is deleted
/// as it is handed over, so it is shown once. Nothing is applied: the page shows the values,
/// and only the person pressing its button again saves them.
pub async fn take(
    db: &DatabaseConnection,
    user: Actor<'_>,
    binding_token: &str,
    path: &str,
    now: OffsetDateTime,
) -> Result<Option<String>, DbErr> {
    let hash = tokens::hash(binding_token);
    let owner = Owner {
        user_id: user.id,
        binding_hash: &hash,
        path,
    };
    let txn = db.begin().await?;
    let Some(row) = kept_forms::find(&txn, owner, now - KEPT_FOR).await? else {
        return Ok(None);
    };
    // Two tabs opening the page at once: only the one that deletes it shows it.
    if !kept_forms::delete(&txn, row.id).await? {
        return Ok(None);
    }
    txn.commit().await?;
    Ok(Some(row.body))
}

/// Removes forms kept for longer than a day and bindings past their day; returns how many
/// forms went.
pub async fn sweep(db: &impl ConnectionTrait, now: OffsetDateTime) -> Result<u64, DbErr> {
    let forms = kept_forms::delete_older_than(db, now - KEPT_FOR).await?;
    browser_bindings::delete_expired(db, now).await?;
    Ok(forms)
}
