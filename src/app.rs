//! The state every handler shares.

use std::sync::Arc;

use axum::extract::FromRef;
use sea_orm::DatabaseConnection;
use tokio::sync::Notify;

use crate::config::Config;
use crate::services::dashboard::DashboardCache;

/// Shared by every request; cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database pool (SQLite or Postgres).
    pub db: DatabaseConnection,
    /// The settings the service started with.
    pub config: Arc<Config>,
    /// Wakes the mail worker when a request has queued an email, so it goes at once.
    pub mail_wakeup: Arc<Notify>,
    /// The champion's dashboard figures, counted at most once a minute for each filter.
    pub dashboards: Arc<DashboardCache>,
}

impl FromRef<AppState> for DatabaseConnection {
    fn from_ref(state: &AppState) -> Self {
        state.db.clone()
    }
}
