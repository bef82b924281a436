//! Throttling stored in the database, so it holds across restarts and instances: sign-in
//! attempts per account and per client address, and the emails anyone can ask for per client
//! address. The policy itself is `domain::login_throttle`.
//!
//! Why an attempt reserves its slot first: checking a password takes argon2 a noticeable
//! time on a blocking thread. Holding the throttle row locked across it would make every
//! other attempt on the key wait, and on SQLite (one writer, and one pooled connection) it
//! would stall every request of the service. So each attempt takes its slot in one short
//! transaction, with the row locked, *before* the password is checked: the check ("is there
//! a slot left?") and the count are one step, and forty attempts at once still get only five
//! password checks. A right password gives its slot back; a wrong one, or a crash half-way,
//! leaves it counted as the failure it is.

use std::net::IpAddr;

use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};

use crate::db::{self, login_throttles};
use crate::domain::login_throttle::{ACCOUNT, ADDRESS, Policy, ThrottleState};

/// The two keys a sign-in attempt is counted under.
#[derive(Clone, Debug)]
pub struct LoginKeys {
    account: String,
    address: String,
}

/// The key sign-in failures on `email` (as typed) are counted under. It holds a hash of the
/// normalised address, not the address, so the throttle table never stores an email address
/// (not even of an account deleted since, or of one that never existed).
pub fn account_key(email: &str) -> String {
    format!(
        "account:{}",
        crate::auth::tokens::hash(&email.trim().to_lowercase())
    )
}

impl LoginKeys {
    /// Keys for an attempt on `email` (as typed, normalised) from `address`.
    pub fn new(email: &str, address: IpAddr) -> Self {
        Self {
            account: account_key(email),
            address: format!("address:{address}"),
        }
    }
}

/// A slot taken for one password check, and which keys it took the last slot of: if the
/// password proves wrong, that attempt is the one that locked them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SignInSlot {
    /// This attempt took the account's last slot.
    pub locks_account: bool,
    /// This attempt took the client address's last slot.
    pub locks_address: bool,
}

impl SignInSlot {
    /// Whether this attempt, if it fails, starts a lock.
    pub fn locks(self) -> bool {
        self.locks_account || self.locks_address
    }
}

/// Takes a slot for one password check on both keys; `None`, taking nothing, when either is
/// locked. Until [`sign_in_succeeded`] the attempt counts as a failure.
pub async fn reserve_sign_in(
    db: &DatabaseConnection,
    keys: &LoginKeys,
) -> Result<Option<SignInSlot>, DbErr> {
    Ok(
        reserve(db, &[(&keys.account, ACCOUNT), (&keys.address, ADDRESS)])
            .await?
            .map(|states| SignInSlot {
                locks_account: states.first().is_some_and(|s| s.locked_until.is_some()),
                locks_address: states.get(1).is_some_and(|s| s.locked_until.is_some()),
            }),
    )
}

/// After a right password: forgets the account's failures and gives back the address's slot.
/// The address keeps its other failures, so one good account cannot be used to reset a
/// password-spraying run.
pub async fn sign_in_succeeded(db: &DatabaseConnection, keys: &LoginKeys) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    login_throttles::clear(&txn, &keys.account).await?;
    if let Some(state) = login_throttles::find_for_update(&txn, &keys.address).await? {
        login_throttles::save(&txn, &keys.address, state.release(ADDRESS)).await?;
    }
    txn.commit().await
}

/// Takes one slot for `key` under `policy`, for good; false when none is left.
pub async fn take(db: &DatabaseConnection, key: &str, policy: Policy) -> Result<bool, DbErr> {
    Ok(reserve(db, &[(key, policy)]).await?.is_some())
}

/// Takes a slot on every key in one transaction, or on none of them: the states stored, in
/// the order of `keys`, or `None` when one was locked. A key locked before is refused, and an
/// expired lock starts afresh, so a stored state with a lock was locked by this attempt.
async fn reserve(
    db: &DatabaseConnection,
    keys: &[(&str, Policy)],
) -> Result<Option<Vec<ThrottleState>>, DbErr> {
    let now = db::now();
    let txn = db.begin().await?;
    let mut reserved = Vec::with_capacity(keys.len());
    for &(key, policy) in keys {
        // The row must exist to be locked. On Postgres `FOR UPDATE` then makes every other
        // attempt on this key wait here until this transaction ends, so each one reads the
        // count the previous one wrote. On SQLite the insert makes this the one write
        // transaction at once, which gives the same. Keys are always taken in the same order
        // (account, then address), so two attempts never wait for each other in a circle.
        //
        // A right password elsewhere clears the account's row (`sign_in_succeeded`); if that
        // commits between the insert and the lock, the lock finds no row, which is made again
        // (updating a row that is gone would fail the attempt with a 500).
        let mut state = None;
        for _ in 0..3 {
            login_throttles::ensure(&txn, key, now).await?;
            state = login_throttles::find_for_update(&txn, key).await?;
            if state.is_some() {
                break;
            }
        }
        let Some(state) = state else {
            return Err(DbErr::Custom(
                "a sign-in throttle row kept disappearing".to_owned(),
            ));
        };
        let Some(next) = state.reserve(now, policy) else {
            txn.rollback().await?;
            return Ok(None);
        };
        reserved.push((key, next));
    }
    for &(key, next) in &reserved {
        login_throttles::save(&txn, key, next).await?;
    }
    txn.commit().await?;
    Ok(Some(reserved.into_iter().map(|(_, next)| next).collect()))
}
