//! Organisations and programmes, kept in memory: every list page names them, and they change
//! a few times a year. A change anywhere (this instance, another one, the command line, a
//! person at the database) bumps `reference_data_version` in the same transaction; each
//! instance reads that one number every few seconds ([`ReferenceCache::watch`]) and reloads
//! both tables when it has moved. An instance that makes a change also refreshes at once.
//!
//! With a poll interval of zero (tests), every read checks the version first, so a row
//! inserted by a test is seen by the next page.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};
use tokio::sync::watch;

use crate::db::{organisations, programmes, reference_data};
use crate::entities::{organisation, programme};

/// One consistent copy of both tables.
#[derive(Debug, Default)]
pub struct ReferenceData {
    version: i64,
    organisations: Vec<organisation::Model>,
    programmes: Vec<programme::Model>,
}

impl ReferenceData {
    /// Every organisation, by name.
    pub fn organisations(&self) -> &[organisation::Model] {
        &self.organisations
    }

    /// The organisation with this ID.
    pub fn organisation(&self, id: i32) -> Option<&organisation::Model> {
        self.organisations.iter().find(|o| o.id == id)
    }

    /// The name of the organisation with this ID (empty if there is none).
    pub fn organisation_name(&self, id: i32) -> String {
        self.organisation(id)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    }

    /// Every programme, by name.
    pub fn programmes(&self) -> &[programme::Model] {
        &self.programmes
    }

    /// The programme with this ID.
    pub fn programme(&self, id: i32) -> Option<&programme::Model> {
        self.programmes.iter().find(|p| p.id == id)
    }
}

/// The in-memory copy, shared by every request of this instance.
#[derive(Debug)]
pub struct ReferenceCache {
    current: RwLock<Arc<ReferenceData>>,
    poll: Duration,
}

impl ReferenceCache {
    /// Loads both tables; `poll` is how often [`ReferenceCache::watch`] looks for changes.
    pub async fn load(db: &DatabaseConnection, poll: Duration) -> Result<Self, DbErr> {
        Ok(Self {
            current: RwLock::new(Arc::new(read(db).await?)),
            poll,
        })
    }

    /// The current copy. Costs no query, except with a poll interval of zero.
    pub async fn get(&self, db: &DatabaseConnection) -> Result<Arc<ReferenceData>, DbErr> {
        if self.poll.is_zero() {
            self.refresh(db).await?;
        }
        Ok(self.snapshot())
    }

    fn snapshot(&self) -> Arc<ReferenceData> {
        match self.current.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Reloads both tables if their version has moved since the copy was made; returns
    /// whether it did. Call it after changing either table.
    pub async fn refresh(&self, db: &DatabaseConnection) -> Result<bool, DbErr> {
        let held = self.snapshot().version;
        if reference_data::version(db).await? == held {
            return Ok(false);
        }
        let fresh = Arc::new(read(db).await?);
        let mut guard = match self.current.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        // Two refreshes can race: keep the newer copy.
        if fresh.version > guard.version {
            *guard = fresh;
        }
        Ok(true)
    }

    /// Looks for changes every poll interval until shutdown (not at all with an interval of
    /// zero, when every read looks instead).
    pub async fn watch(
        self: Arc<Self>,
        db: DatabaseConnection,
        mut shutdown: watch::Receiver<bool>,
    ) {
        if self.poll.is_zero() {
            return;
        }
        loop {
            tokio::select! {
                () = tokio::time::sleep(self.poll) => {}
                _ = shutdown.changed() => return,
            }
            if let Err(e) = self.refresh(&db).await {
                tracing::warn!(error = %e, "cannot refresh organisations and programmes");
            }
        }
    }
}

/// Reads the version and both tables in one transaction, so they agree.
async fn read(db: &DatabaseConnection) -> Result<ReferenceData, DbErr> {
    let txn = db.begin().await?;
    let data = ReferenceData {
        version: reference_data::version(&txn).await?,
        organisations: organisations::all(&txn).await?,
        programmes: programmes::all(&txn).await?,
    };
    txn.commit().await?;
    Ok(data)
}
