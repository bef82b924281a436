//! The dashboards counted recently, by filter, so that a champion moving around the page (or
//! several people looking at once) does not count everything on every view, and so that a
//! view never waits longer than a limit for a count (issue 24 point 2). The page says when its
//! figures were counted.
//!
//! - A filter not counted within `ttl` is counted while the person waits, for at most `limit`;
//!   only one count runs at a time, so a burst of views waits for one count, not many.
//! - A count that takes longer than `limit` goes on in the background, and the view shows the
//!   last figures counted for that filter, saying when (or, if there are none, that they are
//!   being counted). A limit of zero never waits.
//! - When figures may be reused (`ttl` above zero), figures older than `ttl` are shown at once
//!   while one recount runs in the background: figures are `ttl` plus one count's time old.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sea_orm::DatabaseConnection;
use time::Date;

use super::{Dashboard, compute};
use crate::db::reports::ReportFilter;

/// What a cached dashboard was counted for: the filter and the as-of date.
type CacheKey = (ReportFilter, Date);

/// The most filters kept at once; the oldest goes first.
const CACHE_ENTRIES: usize = 32;

/// The figures for one view.
#[derive(Clone, Debug)]
pub enum Figures {
    /// Counted for this view, or recently enough to reuse.
    Counted(Arc<Dashboard>),
    /// The last figures counted: counting them again took longer than the limit, and goes on.
    Late(Arc<Dashboard>),
    /// None yet: the first count of this filter took longer than the limit, and goes on.
    Counting,
}

impl Figures {
    /// The figures to show, if any.
    pub fn dashboard(&self) -> Option<&Arc<Dashboard>> {
        match self {
            Figures::Counted(d) | Figures::Late(d) => Some(d),
            Figures::Counting => None,
        }
    }
}

/// See the module's documentation.
#[derive(Debug)]
pub struct DashboardCache {
    ttl: Duration,
    limit: Duration,
    entries: std::sync::Mutex<HashMap<CacheKey, (Instant, Arc<Dashboard>)>>,
    counting: Arc<tokio::sync::Mutex<()>>,
}

impl DashboardCache {
    /// A cache whose figures are reused for `ttl` (zero: never reused, but still shown when a
    /// count takes longer than `limit`).
    pub fn new(ttl: Duration, limit: Duration) -> Self {
        DashboardCache {
            ttl,
            limit,
            entries: std::sync::Mutex::default(),
            counting: Arc::default(),
        }
    }

    /// The figures kept for `key`, and how old they are.
    fn kept(&self, key: &CacheKey) -> Option<(Arc<Dashboard>, Duration)> {
        let entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.get(key).map(|(at, d)| (d.clone(), at.elapsed()))
    }

    fn keep(&self, key: CacheKey, dashboard: Arc<Dashboard>) {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !entries.contains_key(&key)
            && entries.len() >= CACHE_ENTRIES
            && let Some(oldest) = entries
                .iter()
                .min_by_key(|(_, (at, _))| *at)
                .map(|(k, _)| *k)
        {
            entries.remove(&oldest);
        }
        entries.insert(key, (Instant::now(), dashboard));
    }

    /// The figures for `filter` as of `as_of`; see the module's documentation.
    pub async fn get(
        self: &Arc<Self>,
        db: &DatabaseConnection,
        filter: &ReportFilter,
        as_of: Date,
        today: Date,
    ) -> anyhow::Result<Figures> {
        let key = (*filter, as_of);
        let last = self.kept(&key);
        if let Some((dashboard, age)) = &last {
            if *age < self.ttl {
                return Ok(Figures::Counted(dashboard.clone()));
            }
            // Figures ten times older than they may be are of no use even while recounting.
            if !self.ttl.is_zero() && *age < self.ttl * 10 {
                self.recount_in_background(db.clone(), key, today);
                return Ok(Figures::Counted(dashboard.clone()));
            }
        }
        let count = tokio::spawn(Arc::clone(self).count(db.clone(), key, today));
        // A limit of zero never waits (a timer of zero would still let a quick count win).
        let waited = if self.limit.is_zero() {
            None
        } else {
            tokio::time::timeout(self.limit, count).await.ok()
        };
        match waited {
            Some(counted) => Ok(Figures::Counted(counted??)),
            None => Ok(match last.or_else(|| self.kept(&key)) {
                Some((dashboard, _)) => Figures::Late(dashboard),
                None => Figures::Counting,
            }),
        }
    }

    /// Counts `key` once no other count runs, unless figures younger than `ttl` were kept
    /// meanwhile, and keeps what it counted.
    async fn count(
        self: Arc<Self>,
        db: DatabaseConnection,
        key: CacheKey,
        today: Date,
    ) -> anyhow::Result<Arc<Dashboard>> {
        let started = Instant::now();
        let _counting = self.counting.lock().await;
        if let Some((dashboard, age)) = self.kept(&key)
            && age < started.elapsed().max(self.ttl)
        {
            return Ok(dashboard);
        }
        let dashboard = Arc::new(compute(&db, &key.0, key.1, today).await?);
        self.keep(key, dashboard.clone());
        Ok(dashboard)
    }

    /// Starts one recount of `key`, unless a count is running already.
    fn recount_in_background(self: &Arc<Self>, db: DatabaseConnection, key: CacheKey, today: Date) {
        let Ok(counting) = self.counting.clone().try_lock_owned() else {
            return;
        };
        let cache = Arc::clone(self);
        tokio::spawn(async move {
            let _counting = counting;
            match compute(&db, &key.0, key.1, today).await {
                Ok(dashboard) => cache.keep(key, Arc::new(dashboard)),
                Err(e) => tracing::error!(error = %e, "cannot recount the dashboard"),
            }
        });
    }
}
