//! One unit of work per request that writes: a transaction that rolls back unless committed,
//! and whose commit wakes the mail worker, so an email queued by the workflow goes at once.
//!
//! Handlers begin one, pass it to a use case in `crate::services` (which takes
//! `&DatabaseTransaction`, so a row lock is never taken on a plain connection), and commit it
//! when the use case succeeded. A refusal or a fault simply drops it: the transaction rolls
//! back, and nothing the use case wrote, audited or queued is kept.

use std::ops::Deref;
use std::sync::Arc;

use sea_orm::{DatabaseTransaction, DbErr, TransactionTrait};
use tokio::sync::Notify;

use crate::app::AppState;

/// A transaction for one request's workflow. Dropping it without [`UnitOfWork::commit`]
/// rolls it back.
#[derive(Debug)]
pub struct UnitOfWork {
    txn: DatabaseTransaction,
    mail_wakeup: Arc<Notify>,
}

impl UnitOfWork {
    /// Begins a transaction on the service's database.
    pub async fn begin(state: &AppState) -> Result<Self, DbErr> {
        Ok(Self {
            txn: state.db.begin().await?,
            mail_wakeup: state.mail_wakeup.clone(),
        })
    }

    /// Commits everything the workflow wrote, then wakes the mail worker for anything it
    /// queued (a wake-up with nothing queued costs one empty look at the outbox).
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await?;
        self.mail_wakeup.notify_one();
        Ok(())
    }

    /// Wakes the mail worker after one of the few use cases that commit their own
    /// transactions queued an email: those that first take a throttle slot, which must stay
    /// taken whatever follows (`services::accounts::register`, `request_password_reset`,
    /// `resend_verification`).
    pub fn mail_queued(state: &AppState) {
        state.mail_wakeup.notify_one();
    }

    /// Rolls back now rather than when dropped, for a handler that goes on to read.
    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }
}

impl Deref for UnitOfWork {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}
