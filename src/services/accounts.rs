//! Accounts: checking a password under the sign-in throttle, changing a password, and the
//! emails anyone can ask for by typing an address into a form.

use std::net::IpAddr;

use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};

use crate::auth::password::HashGate;
use crate::auth::throttle::{self, LoginKeys, SignInSlot};
use crate::auth::tokens;
use crate::config::Config;
use crate::db::audit::{self, AuditAction};
use crate::db::user_tokens::Purpose;
use crate::db::{self, outbox, sessions, user_tokens, users};
use crate::domain::account;
use crate::domain::account_email::{self, AccountEmail, PER_CLIENT};
use crate::domain::audit_subject::AuditSubject;
use crate::domain::email::Email;
use crate::domain::login_throttle::WINDOW;
use crate::domain::{EmailAddress, FullName, NewPassword, Role};
use crate::entities::user;
use crate::mail::templates::{
    AlreadyRegistered, EmailContent, PasswordChanged, ResetPassword, VerifyEmail,
};
use crate::services::sessions as session_handover;
use crate::services::{Actor, Outcome};

/// Why a password was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordRefusal {
    /// Too many failures for the account or from the client address: nothing was checked.
    Locked,
    /// The email address or the password is not correct, or the account cannot sign in.
    NotCorrect,
}

/// Checks an email address and password for signing in, under the throttle of `keys`.
/// A correct password is refused like any other once the account or address is locked.
pub async fn authenticate(
    db: &DatabaseConnection,
    gate: &HashGate,
    keys: &LoginKeys,
    email: &str,
    candidate: String,
) -> anyhow::Result<Result<user::Model, PasswordRefusal>> {
    let user = users::find_by_email(db, email).await?;
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let Some((verified, slot)) = throttled_verify(db, gate, keys, candidate, stored).await? else {
        return Ok(Err(PasswordRefusal::Locked));
    };
    let account = user.as_ref().map(|u| u.id);
    let user = match user.filter(|_| verified) {
        Some(user) => still_usable_with(db, &user).await?,
        None => None,
    };
    match user {
        Some(user) => {
            throttle::sign_in_succeeded(db, keys).await?;
            Ok(Ok(user))
        }
        // The slot taken for this attempt stays counted: it is this failure.
        None => {
            record_lock(db, None, account, slot).await?;
            Ok(Err(PasswordRefusal::NotCorrect))
        }
    }
}

/// `user` as it is now, if it can still be used with the password it had when it was read: a
/// deletion, deactivation or password change that committed while the password was checked
/// wins. Judged on the row locked (the session itself is judged again when it is stored).
async fn still_usable_with(
    db: &DatabaseConnection,
    user: &user::Model,
) -> Result<Option<user::Model>, DbErr> {
    let txn = db.begin().await?;
    let now = lock_usable(&txn, user.id)
        .await?
        .filter(|u| u.password_hash == user.password_hash);
    txn.commit().await?;
    Ok(now)
}

/// Audits the start of a sign-in lock, once per lock: by the one failed attempt that took the
/// last slot of the account or the client address. The lock itself was stored when the slot
/// was taken, before the password was checked (see `auth::throttle`), so it is recorded here,
/// once the password has proved wrong. The subject is the account when the email address
/// typed belongs to one, and otherwise just "address": the email typed is never recorded.
async fn record_lock(
    db: &DatabaseConnection,
    actor: Option<i32>,
    account: Option<i32>,
    slot: SignInSlot,
) -> Result<(), DbErr> {
    if !slot.locks() {
        return Ok(());
    }
    let subject = account.map_or(AuditSubject::Address, AuditSubject::User);
    audit::record_alone(
        db,
        actor,
        AuditAction::SignInLocked,
        &subject,
        serde_json::json!({
            "account_locked": slot.locks_account,
            "address_locked": slot.locks_address,
            "known_account": account.is_some(),
            "minutes": WINDOW.whole_minutes(),
        }),
    )
    .await
}

/// Audits a successful sign-in, as the session starts.
pub async fn signed_in(txn: &DatabaseTransaction, user: Actor<'_>) -> Result<(), DbErr> {
    audit::record(
        txn,
        Some(user.id),
        AuditAction::SignedIn,
        &AuditSubject::User(user.id),
        serde_json::json!({}),
    )
    .await
}

/// Checks a signed-in person's current password (before they change it) under the same
/// throttle as signing in, so the form cannot be used to guess it.
pub async fn check_current_password(
    db: &DatabaseConnection,
    gate: &HashGate,
    keys: &LoginKeys,
    user: &user::Model,
    candidate: String,
) -> anyhow::Result<Result<(), PasswordRefusal>> {
    let stored = Some(user.password_hash.clone());
    match throttled_verify(db, gate, keys, candidate, stored).await? {
        None => Ok(Err(PasswordRefusal::Locked)),
        Some((false, slot)) => {
            record_lock(db, Some(user.id), Some(user.id), slot).await?;
            Ok(Err(PasswordRefusal::NotCorrect))
        }
        Some((true, _)) => {
            throttle::sign_in_succeeded(db, keys).await?;
            Ok(Ok(()))
        }
    }
}

/// Verifies `candidate` once a throttle slot is taken, with the slot; `None` when locked.
/// A place at the hashing gate is taken first: when none is left the attempt is refused as
/// busy before it takes a throttle slot, so a busy moment never counts against anyone.
async fn throttled_verify(
    db: &DatabaseConnection,
    gate: &HashGate,
    keys: &LoginKeys,
    candidate: String,
    stored: Option<String>,
) -> anyhow::Result<Option<(bool, SignInSlot)>> {
    let ticket = gate.admit()?;
    let Some(slot) = throttle::reserve_sign_in(db, keys).await? else {
        return Ok(None);
    };
    Ok(Some((ticket.verify(candidate, stored).await?, slot)))
}

/// The account `user_id`, its row locked for the rest of the transaction (on Postgres; SQLite
/// has one writer at a time), if its owner can still use it: not deleted, not deactivated.
/// Every write on the owner's behalf judges this on the row as it is now, after any password
/// hashing (which never runs with the row locked).
pub async fn lock_usable(
    txn: &DatabaseTransaction,
    user_id: i32,
) -> Result<Option<user::Model>, DbErr> {
    Ok(users::find_for_update(txn, user_id)
        .await?
        .filter(|u| account::is_usable(u.is_active, u.deleted_at.is_some())))
}

/// Why a password was not changed. Nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeRefusal {
    /// The account was deleted or deactivated while the new password was being hashed.
    AccountGone,
    /// The session the change came from ended meanwhile (signed out, or ended by another
    /// password change): the person is no longer signed in there.
    SessionEnded,
}

/// A password changed by its owner.
#[derive(Clone, Debug)]
pub struct Changed {
    /// The account as it is now.
    pub user: user::Model,
    /// The handover the session that signs them in again must take (see `services::sessions`).
    pub handover: String,
}

/// Stores a new password for `owner`, asked for from the session `session_id`, judged on the
/// account's row read and locked here (the hash was made before, without the lock): the
/// account must still be usable and the session still live. That session and every other one
/// of the account end, leaving a handover for the session that signs the person in again;
/// every reset link issued before now stops working; "your password has been changed" is
/// queued; and it is audited.
pub async fn change_password(
    txn: &DatabaseTransaction,
    config: &Config,
    owner: Actor<'_>,
    new_hash: &str,
    session_id: &str,
) -> Outcome<Changed, ChangeRefusal> {
    let Some(user) = lock_usable(txn, owner.id).await? else {
        return Ok(Err(ChangeRefusal::AccountGone));
    };
    let now = db::now();
    if !sessions::claim(txn, session_id, owner.id, now).await? {
        return Ok(Err(ChangeRefusal::SessionEnded));
    }
    users::set_password(txn, owner.id, new_hash).await?;
    let ended = sessions::delete_for_user(txn, owner.id, None).await?;
    user_tokens::revoke_all(txn, owner.id, Purpose::ResetPassword).await?;
    audit::record(
        txn,
        Some(owner.id),
        AuditAction::PasswordChanged,
        &AuditSubject::User(owner.id),
        serde_json::json!({ "other_sessions_ended": ended }),
    )
    .await?;
    outbox::enqueue(txn, &password_changed(config, &user)?).await?;
    let handover = session_handover::handover_id(session_id);
    sessions::insert_handover(txn, &handover, now + account::HANDOVER_KEPT_FOR).await?;
    let user = user::Model {
        password_hash: new_hash.to_owned(),
        ..user
    };
    Ok(Ok(Changed { user, handover }))
}

/// "Your password has been changed", to the account's address as it is now.
fn password_changed(config: &Config, user: &user::Model) -> askama::Result<Email> {
    PasswordChanged {
        name: user.full_name.clone(),
        reset_link: config.link("/forgot-password"),
    }
    .to_email(&user.email)
}

/// Why a reset link did not set a password. Nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResetRefusal {
    /// The link was used meanwhile (of two requests racing with one link, one wins).
    LinkUsed,
    /// The account was deleted or deactivated while the new password was being hashed.
    AccountGone,
}

/// Sets a new password from a reset link, judged on the account's row read and locked here
/// (the hash was made before, without the lock): the account must still be usable and the link
/// unused. The link is used up, the address counts as confirmed, every session and every other
/// reset link ends, "your password has been changed" is queued, and it is audited.
pub async fn reset_password(
    txn: &DatabaseTransaction,
    config: &Config,
    token_id: i32,
    user_id: i32,
    new_hash: &str,
) -> Outcome<(), ResetRefusal> {
    let Some(user) = lock_usable(txn, user_id).await? else {
        return Ok(Err(ResetRefusal::AccountGone));
    };
    if !user_tokens::consume(txn, token_id).await? {
        return Ok(Err(ResetRefusal::LinkUsed));
    }
    users::set_password(txn, user_id, new_hash).await?;
    users::mark_email_verified(txn, user_id).await?;
    user_tokens::revoke_all(txn, user_id, Purpose::ResetPassword).await?;
    let ended = sessions::delete_for_user(txn, user_id, None).await?;
    audit::record(
        txn,
        Some(user_id),
        AuditAction::PasswordReset,
        &AuditSubject::User(user_id),
        serde_json::json!({ "sessions_ended": ended }),
    )
    .await?;
    outbox::enqueue(txn, &password_changed(config, &user)?).await?;
    Ok(Ok(()))
}

/// Confirms an address from the emailed link `token_hash`, judged on the account's row read
/// and locked here: a deleted or deactivated account's link no longer works. Returns false,
/// writing nothing, when the link does not work (unknown, used, expired, or its account can no
/// longer be used).
pub async fn confirm_email(txn: &DatabaseTransaction, token_hash: &str) -> Result<bool, DbErr> {
    let Some(found) = user_tokens::find_usable(txn, Purpose::VerifyEmail, token_hash).await? else {
        return Ok(false);
    };
    if lock_usable(txn, found.user_id).await?.is_none()
        || !user_tokens::consume(txn, found.id).await?
    {
        return Ok(false);
    }
    users::mark_email_verified(txn, found.user_id).await?;
    user_tokens::revoke_all(txn, found.user_id, Purpose::VerifyEmail).await?;
    Ok(true)
}

/// Why an email someone asked for was not sent. The person is never told: the page they see
/// is the same either way, so these only go to the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotSent {
    /// The client address has asked for too many emails this hour.
    TooManyFromClient,
    /// The address has had its emails of this kind for this hour.
    TooManyToAddress,
    /// There is nothing to send: no such account, or not one in the right state.
    NothingToSend,
}

/// The throttle key of the emails a client address asks for.
fn client_key(client: IpAddr) -> String {
    format!("emails:{client}")
}

/// `/forgot-password`: queues a reset link if `email` has an active account, within the limits.
pub async fn request_password_reset(
    db: &DatabaseConnection,
    config: &Config,
    client: IpAddr,
    email: &EmailAddress,
) -> anyhow::Result<Result<(), NotSent>> {
    if !throttle::take(db, &client_key(client), PER_CLIENT).await? {
        return Ok(Err(NotSent::TooManyFromClient));
    }
    let txn = db.begin().await?;
    let Some(user) = users::find_by_email_for_update(&txn, email.as_str())
        .await?
        .filter(|u| u.is_active)
    else {
        txn.rollback().await?;
        return Ok(Err(NotSent::NothingToSend));
    };
    if !may_send(&txn, &user.email, AccountEmail::ResetPassword).await? {
        txn.rollback().await?;
        return Ok(Err(NotSent::TooManyToAddress));
    }
    let (token, token_hash) = tokens::generate();
    let message = ResetPassword {
        name: user.full_name.clone(),
        link: config.link(&format!("/reset-password/{token}")),
    }
    .to_email(&user.email)?;
    user_tokens::create(&txn, user.id, Purpose::ResetPassword, &token_hash).await?;
    outbox::enqueue_account_email(&txn, &message, AccountEmail::ResetPassword).await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// `/register`: creates an applicant's account and queues the link to confirm its address;
/// for an address that has an account already, queues "you already have an account"
/// instead. Both within the limits; over the client's limit nothing is stored.
pub async fn register(
    db: &DatabaseConnection,
    config: &Config,
    gate: &HashGate,
    client: IpAddr,
    name: &FullName,
    email: &EmailAddress,
    new_password: &NewPassword,
) -> anyhow::Result<Result<(), NotSent>> {
    let ticket = gate.admit()?;
    if !throttle::take(db, &client_key(client), PER_CLIENT).await? {
        return Ok(Err(NotSent::TooManyFromClient));
    }
    // Hashed whatever happens next, so the reply takes as long for a taken address.
    let hash = ticket.hash(new_password).await?;
    let (token_hash, message) = verification_email(config, name.as_str(), email.as_str())?;

    let txn = db.begin().await?;
    if let Some(existing) = users::find_by_email_for_update(&txn, email.as_str()).await? {
        let outcome = already_registered(&txn, config, &existing).await?;
        txn.commit().await?;
        return Ok(outcome);
    }
    match create_applicant(&txn, name, email, hash, &token_hash, &message).await {
        Ok(()) => {
            txn.commit().await?;
            Ok(Ok(()))
        }
        // Two registrations for one address at the same moment: the second is told, like any
        // repeat, once the first has committed.
        Err(e) if crate::db::is_unique_violation(&e) => {
            txn.rollback().await?;
            let txn = db.begin().await?;
            let existing = users::find_by_email_for_update(&txn, email.as_str())
                .await?
                .ok_or_else(|| anyhow::anyhow!("account vanished after a clash"))?;
            let outcome = already_registered(&txn, config, &existing).await?;
            txn.commit().await?;
            Ok(outcome)
        }
        Err(e) => Err(e.into()),
    }
}

async fn create_applicant(
    txn: &DatabaseTransaction,
    name: &FullName,
    email: &EmailAddress,
    hash: String,
    token_hash: &str,
    message: &Email,
) -> Result<(), DbErr> {
    let user = users::create(
        txn,
        users::NewUser {
            email,
            full_name: name.as_str(),
            password_hash: hash,
            email_verified: false,
            organisation_id: None,
            roles: &[Role::Applicant],
        },
    )
    .await?;
    user_tokens::create(txn, user.id, Purpose::VerifyEmail, token_hash).await?;
    outbox::enqueue_account_email(txn, message, AccountEmail::VerifyEmail).await
}

/// Queues "you already have an account" to `user`, within the limit. `user`'s row is locked.
async fn already_registered(
    txn: &DatabaseTransaction,
    config: &Config,
    user: &user::Model,
) -> anyhow::Result<Result<(), NotSent>> {
    if !may_send(txn, &user.email, AccountEmail::AlreadyRegistered).await? {
        return Ok(Err(NotSent::TooManyToAddress));
    }
    let message = AlreadyRegistered {
        name: user.full_name.clone(),
        sign_in_link: config.link("/login"),
        reset_link: config.link("/forgot-password"),
    }
    .to_email(&user.email)?;
    outbox::enqueue_account_email(txn, &message, AccountEmail::AlreadyRegistered).await?;
    Ok(Ok(()))
}

/// `/verify-email/resend`: queues a new confirmation link if `email` has an active account
/// whose address is not confirmed yet, within the limits.
pub async fn resend_verification(
    db: &DatabaseConnection,
    config: &Config,
    client: IpAddr,
    email: &EmailAddress,
) -> anyhow::Result<Result<(), NotSent>> {
    if !throttle::take(db, &client_key(client), PER_CLIENT).await? {
        return Ok(Err(NotSent::TooManyFromClient));
    }
    let txn = db.begin().await?;
    let Some(user) = users::find_by_email_for_update(&txn, email.as_str())
        .await?
        .filter(|u| u.email_verified_at.is_none() && u.is_active)
    else {
        txn.rollback().await?;
        return Ok(Err(NotSent::NothingToSend));
    };
    if !may_send(&txn, &user.email, AccountEmail::VerifyEmail).await? {
        txn.rollback().await?;
        return Ok(Err(NotSent::TooManyToAddress));
    }
    let (token_hash, message) = verification_email(config, &user.full_name, &user.email)?;
    user_tokens::create(&txn, user.id, Purpose::VerifyEmail, &token_hash).await?;
    outbox::enqueue_account_email(&txn, &message, AccountEmail::VerifyEmail).await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Whether `to` may have another email of `kind`, counting what was queued in the last hour.
/// Called with the account's row locked, so two requests cannot both see room for one more.
async fn may_send(txn: &DatabaseTransaction, to: &str, kind: AccountEmail) -> Result<bool, DbErr> {
    let since = db::now() - account_email::WINDOW;
    let sent = outbox::count_account_emails_since(txn, to, kind, since).await?;
    Ok(account_email::may_send(sent))
}

/// A new confirmation link for `name` at `email`: the hash to store, and the email to queue.
fn verification_email(config: &Config, name: &str, email: &str) -> askama::Result<(String, Email)> {
    let (token, token_hash) = tokens::generate();
    let message = VerifyEmail {
        name: name.to_owned(),
        link: config.link(&format!("/verify-email/{token}")),
    }
    .to_email(email)?;
    Ok((token_hash, message))
}
