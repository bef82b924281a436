//! Login throttling per account and per client address, stored in the database so it holds
//! across restarts and instances. The policy itself is `domain::login_throttle`.

use std::net::IpAddr;

use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};

use crate::db::{self, login_throttles};
use crate::domain::login_throttle::{ACCOUNT_LIMIT, ADDRESS_LIMIT, ThrottleState};

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

/// Whether either the account or the address is locked now.
pub async fn is_locked(db: &DatabaseConnection, keys: &LoginKeys) -> Result<bool, DbErr> {
    let now = db::now();
    for key in [&keys.account, &keys.address] {
        if login_throttles::find(db, key)
            .await?
            .is_some_and(|s| s.is_locked(now))
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Counts a failed attempt against both keys.
pub async fn record_failure(db: &DatabaseConnection, keys: &LoginKeys) -> Result<(), DbErr> {
    let now = db::now();
    let txn = db.begin().await?;
    for (key, limit) in [
        (&keys.account, ACCOUNT_LIMIT),
        (&keys.address, ADDRESS_LIMIT),
    ] {
        login_throttles::ensure(&txn, key, now).await?;
        let state = login_throttles::find_for_update(&txn, key)
            .await?
            .unwrap_or_else(|| ThrottleState::fresh(now));
        login_throttles::save(&txn, key, state.after_failure(now, limit)).await?;
    }
    txn.commit().await
}

/// Forgets the account's failures after a successful sign-in. The address keeps its count, so
/// one good account cannot be used to reset a password-spraying run.
pub async fn record_success(db: &DatabaseConnection, keys: &LoginKeys) -> Result<(), DbErr> {
    login_throttles::clear(db, &keys.account).await
}
