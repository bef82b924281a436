//! The state every handler shares.

use std::sync::Arc;

use axum::extract::FromRef;
use sea_orm::DatabaseConnection;
use tokio::sync::Notify;

use crate::auth::password::HashGate;
use crate::config::Config;
use crate::services::dashboard::DashboardCache;
use crate::services::reference_data::ReferenceCache;

/// Shared by every request; cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database pool (SQLite or Postgres).
    pub db: DatabaseConnection,
    /// The settings the service started with.
    pub config: Arc<Config>,
    /// Wakes the mail worker when a request has queued an email, so it goes at once.
    pub mail_wakeup: Arc<Notify>,
    /// Wakes this instance's ESR import worker when a request has queued an import.
    pub esr_wakeup: Arc<Notify>,
    /// The champion's dashboard figures, counted at most once a minute for each filter.
    pub dashboards: Arc<DashboardCache>,
    /// Bounds how many password hashes run at once, and how many wait.
    pub hash_gate: HashGate,
    /// Organisations and programmes, kept in memory.
    pub reference: Arc<ReferenceCache>,
}

impl AppState {
    /// The name of an organisation, from memory (empty if there is none).
    pub async fn organisation_name(&self, id: i32) -> Result<String, sea_orm::DbErr> {
        Ok(self.reference.get(&self.db).await?.organisation_name(id))
    }

    /// After this instance changed organisations or programmes: its own pages show the
    /// change at once (others within their poll interval). The change is already committed,
    /// so a failure here is logged, not shown: the next poll catches up.
    pub async fn reference_changed(&self) {
        if let Err(e) = self.reference.refresh(&self.db).await {
            tracing::warn!(error = %e, "cannot refresh organisations and programmes");
        }
    }
}

impl FromRef<AppState> for DatabaseConnection {
    fn from_ref(state: &AppState) -> Self {
        state.db.clone()
    }
}
