//! Starting and stopping the service: database, migrations, mail worker, HTTP server.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::app::AppState;
use crate::auth::password::HashGate;
use crate::config::Config;
use crate::mail::worker::{self, Transport};
use crate::services::dashboard::DashboardCache;
use crate::services::reference_data::ReferenceCache;
use crate::{db, web};

/// A running service: its address and how to stop it.
#[derive(Debug)]
pub struct Running {
    /// The address it listens on (useful when the port was 0).
    pub addr: SocketAddr,
    /// The shared state, for tests.
    pub state: AppState,
    shutdown: watch::Sender<bool>,
    server: JoinHandle<anyhow::Result<()>>,
    worker: JoinHandle<()>,
    sweeper: JoinHandle<()>,
    reference: JoinHandle<()>,
    reminders: JoinHandle<()>,
    purges: JoinHandle<()>,
    esr_imports: JoinHandle<()>,
}

impl Running {
    /// Asks everything to stop, lets in-flight requests finish, and waits.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.shutdown.send(true);
        let served = self.server.await.context("server task")?;
        let _ = self.worker.await;
        let _ = self.sweeper.await;
        let _ = self.reference.await;
        let _ = self.reminders.await;
        let _ = self.purges.await;
        let _ = self.esr_imports.await;
        served
    }

    /// Waits until the server stops (after a signal).
    pub async fn wait(self) -> anyhow::Result<()> {
        let served = self.server.await.context("server task");
        let _ = self.shutdown.send(true);
        let _ = self.worker.await;
        let _ = self.sweeper.await;
        let _ = self.reference.await;
        let _ = self.reminders.await;
        let _ = self.purges.await;
        let _ = self.esr_imports.await;
        served?
    }
}

/// Applies pending migrations, then connects for the service.
///
/// With `MIGRATION_DATABASE_URL`, migrations run as that role (the schema's owner) on a
/// connection closed straight after, and the service connects with `DATABASE_URL`, which then
/// needs no right to change the schema (docs/DATABASE-ROLES.md). Without it, `DATABASE_URL`
/// does both, as it always did; if nothing is pending it only reads the list of migrations, so
/// a role without those rights can serve a database migrated by its owner beforehand.
pub async fn prepare_database(config: &Config) -> anyhow::Result<sea_orm::DatabaseConnection> {
    if let Some(url) = &config.migration_database_url {
        let owner = db::connect(url)
            .await
            .context("cannot open the database (MIGRATION_DATABASE_URL)")?;
        Migrator::up(&owner, None)
            .await
            .context("cannot apply migrations (MIGRATION_DATABASE_URL)")?;
        owner
            .close()
            .await
            .context("cannot close the migration connection")?;
        return db::connect(&config.database_url)
            .await
            .context("cannot open the database (DATABASE_URL)");
    }
    let db = db::connect(&config.database_url)
        .await
        .context("cannot open the database (DATABASE_URL)")?;
    let pending = Migrator::get_pending_migrations_read_only(&db)
        .await
        .context("cannot read which migrations are applied")?;
    if !pending.is_empty() {
        Migrator::up(&db, None).await.context(
            "cannot apply migrations (if DATABASE_URL's role may not change the schema, \
             set MIGRATION_DATABASE_URL to its owner's)",
        )?;
    }
    Ok(db)
}

/// Starts the HTTP server and the background workers on `listener`.
/// With `on_signal`, Ctrl-C or SIGTERM starts a graceful shutdown.
pub async fn start(
    config: Config,
    db: sea_orm::DatabaseConnection,
    listener: TcpListener,
    on_signal: bool,
) -> anyhow::Result<Running> {
    let config = Arc::new(config);
    let transport = Transport::from_config(&config)?;
    let state = AppState {
        db: db.clone(),
        config: config.clone(),
        mail_wakeup: Arc::new(Notify::new()),
        esr_wakeup: Arc::new(Notify::new()),
        dashboards: Arc::new(DashboardCache::new(
            config.dashboard_cache,
            config.dashboard_count_limit,
        )),
        hash_gate: HashGate::new(config.hash_concurrency, config.hash_queue),
        reference: Arc::new(
            ReferenceCache::load(&db, config.reference_poll)
                .await
                .context("cannot read organisations and programmes")?,
        ),
    };
    let (shutdown, shutdown_rx) = watch::channel(false);

    let worker = tokio::spawn(worker::run(
        db.clone(),
        transport,
        config.clone(),
        state.mail_wakeup.clone(),
        shutdown_rx.clone(),
    ));
    let sweeper = tokio::spawn(sweep_expired_sessions(db.clone(), shutdown_rx.clone()));
    let reference = tokio::spawn(
        state
            .reference
            .clone()
            .watch(db.clone(), shutdown_rx.clone()),
    );
    let reminders = tokio::spawn(remind_checkpoints(
        db.clone(),
        config.clone(),
        state.mail_wakeup.clone(),
        shutdown_rx.clone(),
    ));
    let purges = tokio::spawn(purge_personal_data(
        db.clone(),
        config.clone(),
        shutdown_rx.clone(),
    ));
    let esr_imports = tokio::spawn(run_esr_imports(
        db.clone(),
        state.esr_wakeup.clone(),
        shutdown_rx.clone(),
    ));

    let addr = listener.local_addr()?;
    let app = web::router(state.clone());
    let mut stop = shutdown_rx.clone();
    let shutdown_tx = shutdown.clone();
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            tokio::select! {
                _ = stop.changed() => {}
                () = signal(on_signal) => {
                    tracing::info!("shutting down: finishing requests in flight");
                    let _ = shutdown_tx.send(true);
                }
            }
        })
        .await
        .context("server failed")
    });
    Ok(Running {
        addr,
        state,
        shutdown,
        server,
        worker,
        sweeper,
        reference,
        reminders,
        purges,
        esr_imports,
    })
}

async fn signal(enabled: bool) {
    if !enabled {
        return std::future::pending().await;
    }
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

async fn sweep_expired_sessions(
    db: sea_orm::DatabaseConnection,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        if let Err(e) = db::sessions::delete_expired(&db, db::now()).await {
            tracing::warn!(error = %e, "cannot delete expired sessions");
        }
        if let Err(e) = db::login_throttles::delete_stale(&db, db::now()).await {
            tracing::warn!(error = %e, "cannot delete old sign-in throttles");
        }
        // Forms kept after a session ended last a day at most (issue 21).
        if let Err(e) = crate::services::kept_forms::sweep(&db, db::now()).await {
            tracing::warn!(error = %e, "cannot delete old kept forms");
        }
        // Uploaded ESR extracts last a day at most (issue 22).
        if let Err(e) = crate::services::esr_jobs::sweep(&db, db::now()).await {
            tracing::warn!(error = %e, "cannot delete old ESR uploads");
        }
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(600)) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// How often the checkpoint reminders run. Each checkpoint is reminded once per kind, however
/// often this runs, so the hour only bounds how late after midnight a reminder can go.
const REMINDER_INTERVAL: Duration = Duration::from_secs(3600);

async fn remind_checkpoints(
    db: sea_orm::DatabaseConnection,
    config: Arc<Config>,
    mail_wakeup: Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let today = crate::services::retention::today();
        match crate::services::retention::send_checkpoint_reminders(&db, &config, today).await {
            Ok(summary) if summary.emails > 0 => mail_wakeup.notify_one(),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "cannot send checkpoint reminders"),
        }
        tokio::select! {
            () = tokio::time::sleep(REMINDER_INTERVAL) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// How often the purge of ended applications' personal data runs. It only picks applications
/// that are due and not purged yet, each claimed in the transaction that erases it, so running
/// it hourly (and on several instances) purges each once, within an hour of falling due.
const PURGE_INTERVAL: Duration = Duration::from_secs(3600);

async fn purge_personal_data(
    db: sea_orm::DatabaseConnection,
    config: Arc<Config>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        match crate::services::privacy::purge_due(&db, &config, db::now(), false).await {
            Ok(report) if !report.purged.is_empty() => {
                tracing::info!(
                    purged = report.purged.len(),
                    "purged ended applications' personal data"
                );
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "cannot purge personal data"),
        }
        tokio::select! {
            () = tokio::time::sleep(PURGE_INTERVAL) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// How often the ESR import worker looks for a job queued on another instance, or one whose
/// worker stopped; a job queued on this instance wakes it at once.
const ESR_IMPORT_POLL: Duration = Duration::from_secs(5);

/// Runs queued ESR imports, one at a time, in batches (issue 22). Each instance runs one of
/// these; a job is claimed by one worker at a time. On shutdown the job in hand goes back in
/// the queue after its current batch, for the next instance to take up.
async fn run_esr_imports(
    db: sea_orm::DatabaseConnection,
    wakeup: Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
) {
    let worker = uuid::Uuid::new_v4().to_string();
    let stopping = shutdown.clone();
    let stop = move || *stopping.borrow();
    loop {
        if stop() {
            return;
        }
        match crate::services::esr_jobs::run_next(&db, &worker, db::now(), &stop).await {
            // There may be another waiting.
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), "ESR import failed; will try again")
            }
        }
        tokio::select! {
            () = wakeup.notified() => {}
            () = tokio::time::sleep(ESR_IMPORT_POLL) => {}
            _ = shutdown.changed() => {}
        }
    }
}
