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

impl LoginKeys {
    /// Keys for an attempt on `email` (as typed, normalised) from `address`.
    pub fn new(email: &str, address: IpAddr) -> Self {
        Self {
            account: format!("account:{}", email.trim().to_lowercase()),
            address: format!("address:{address}"),
        }
    }
}

/// Takes a slot for one password check on both keys; false, taking nothing, when either is
/// locked. Until [`sign_in_succeeded`] the attempt counts as a failure.
pub async fn reserve_sign_in(db: &DatabaseConnection, keys: &LoginKeys) -> Result<bool, DbErr> {
    reserve(db, &[(&keys.account, ACCOUNT), (&keys.address, ADDRESS)]).await
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
    reserve(db, &[(key, policy)]).await
}

/// Takes a slot on every key in one transaction, or on none of them.
async fn reserve(db: &DatabaseConnection, keys: &[(&str, Policy)]) -> Result<bool, DbErr> {
    let now = db::now();
    let txn = db.begin().await?;
    let mut reserved = Vec::with_capacity(keys.len());
    for &(key, policy) in keys {
        // The row must exist to be locked. On Postgres `FOR UPDATE` then makes every other
        // attempt on this key wait here until this transaction ends, so each one reads the
        // count the previous one wrote. On SQLite the insert makes this the one write
        // transaction at once, which gives the same. Keys are always taken in the same order
        // (account, then address), so two attempts never wait for each other in a circle.
        login_throttles::ensure(&txn, key, now).await?;
        let state = login_throttles::find_for_update(&txn, key)
            .await?
            .unwrap_or_else(|| ThrottleState::fresh(now));
        let Some(next) = state.reserve(now, policy) else {
            txn.rollback().await?;
            return Ok(false);
        };
        reserved.push((key, next));
    }
    for (key, next) in reserved {
        login_throttles::save(&txn, key, next).await?;
    }
    txn.commit().await?;
    Ok(true)
}
