//! The state every handler shares.

use std::sync::Arc;

use axum::extract::FromRef;
use sea_orm::DatabaseConnection;
use tokio::sync::Notify;

use crate::config::Config;

/// Shared by every request; cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database pool (SQLite or Postgres).
    pub db: DatabaseConnection,
    /// The settings the service started with.
    pub config: Arc<Config>,
    /// Wakes the mail worker when a request has queued an email, so it goes at once.
    pub mail_wakeup: Arc<Notify>,
}

impl FromRef<AppState> for DatabaseConnection {
    fn from_ref(state: &AppState) -> Self {
        state.db.clone()
    }
}
