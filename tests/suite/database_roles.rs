//! Running the service as a database role that owns nothing (issue 22): on Postgres, the real
//! `spectra serve` binary migrates as the owner (`MIGRATION_DATABASE_URL`), serves as a role
//! granted by `spectra db grant-app-role`, audits what it does, and that role cannot switch
//! off, drop, change or empty the audit log, nor alter anything. SQLite has no roles: there
//! the test says so and passes.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, EntityTrait, QueryOrder, Statement};
use spectra::entities::audit_event;

use crate::helpers::{Client, PASSWORD, TestDb};

fn spectra() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_spectra"));
    command
        .env_remove("MIGRATION_DATABASE_URL")
        .env("RUST_LOG", "info");
    command
}

fn assert_success(output: &Output, what: &str) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{what} failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// A login role of its own for one test, dropped at the end with what it was granted.
struct AppRole {
    name: String,
    /// The test database's URL as this role.
    url: String,
    admin_url: String,
    database_url: String,
}

impl AppRole {
    async fn create(admin_url: &str, database_url: &str) -> Self {
        let name = format!("spectra_test_role_{}", uuid::Uuid::new_v4().simple());
        let admin = Database::connect(admin_url).await.unwrap();
        // No password: the test server trusts local connections. No right to create anything.
        admin
            .execute_unprepared(&format!(
                "CREATE ROLE {name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
            ))
            .await
            .unwrap();
        admin.close().await.unwrap();
        let mut url = url::Url::parse(database_url).unwrap();
        url.set_username(&name).unwrap();
        url.set_password(None).unwrap();
        Self {
            name,
            url: url.to_string(),
            admin_url: admin_url.to_owned(),
            database_url: database_url.to_owned(),
        }
    }
}

impl Drop for AppRole {
    fn drop(&mut self) {
        let (name, admin_url, database_url) = (
            self.name.clone(),
            self.admin_url.clone(),
            self.database_url.clone(),
        );
        // Drop runs outside async: a small runtime of its own on another thread.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                // Its grants and default privileges in the test database go first.
                if let Ok(db) = Database::connect(&database_url).await {
                    let _ = db
                        .execute_unprepared(&format!("DROP OWNED BY {name}"))
                        .await;
                    let _ = db.close().await;
                }
                if let Ok(admin) = Database::connect(&admin_url).await {
                    let _ = admin
                        .execute_unprepared(&format!("DROP ROLE IF EXISTS {name}"))
                        .await;
                    let _ = admin.close().await;
                }
            });
        })
        .join();
    }
}

/// The `spectra serve` process, killed if the test ends before it is stopped.
struct Server {
    child: Option<Child>,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start(app_url: &str, owner_url: &str) -> (Self, String) {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let base = format!("http://127.0.0.1:{port}");
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("serve.log");
        let out = std::fs::File::create(&log).unwrap();
        let child = spectra()
            .arg("serve")
            .env("DATABASE_URL", app_url)
            .env("MIGRATION_DATABASE_URL", owner_url)
            .env("BIND_ADDR", format!("127.0.0.1:{port}"))
            .env("BASE_URL", &base)
            .env("MAIL_DIR", dir.path().join("outbox"))
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap();
        (
            Self {
                child: Some(child),
                log,
                _dir: dir,
            },
            base,
        )
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until `/readyz` answers 200, failing with the log if the process ends first.
    async fn ready(&mut self, base: &str) {
        let http = reqwest::Client::new();
        crate::helpers::eventually("serve to become ready", async || {
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().unwrap()) {
                panic!("serve exited with {status}: {}", self.log());
            }
            let response = http.get(format!("{base}/readyz")).send().await.ok()?;
            response.status().is_success().then_some(())
        })
        .await;
    }

    /// Stops it with SIGTERM, as an operator would, and waits for it to finish.
    fn stop(&mut self) -> std::process::ExitStatus {
        let mut child = self.child.take().unwrap();
        let sent = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        child.wait().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

async fn one_i64(db: &DatabaseConnection, sql: &str) -> i64 {
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index(0)
        .unwrap()
}

#[tokio::test]
async fn serve_runs_as_a_role_that_owns_nothing_and_cannot_unprotect_the_audit_log() {
    let Some(admin_url) = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!(
            "SKIPPED: database roles are a Postgres matter and SQLite has none; this test runs when TEST_DATABASE_URL is set (CI's Postgres run)"
        );
        return;
    };

    // Arrange: a fresh database, and a login role with no rights of its own.
    let test_db = TestDb::new().await;
    let owner_url = test_db.url.clone();
    let role = AppRole::create(&admin_url, &owner_url).await;

    // The owner migrates and grants the role what the service needs.
    let granted = spectra()
        .args(["db", "grant-app-role", &role.name])
        .env("DATABASE_URL", &owner_url)
        .output()
        .unwrap();
    let granted = assert_success(&granted, "db grant-app-role");
    assert!(
        granted.contains(&format!("Granted {}", role.name)),
        "{granted}"
    );

    // The first administrator, created from the command line as the service's role.
    let mut create = spectra()
        .args([
            "create-user",
            "--email",
            "admin@example.org",
            "--name",
            "Ada Admin",
        ])
        .env("DATABASE_URL", &role.url)
        .env("MIGRATION_DATABASE_URL", &owner_url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    create
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .unwrap();
    assert_success(&create.wait_with_output().unwrap(), "create-user");

    // Act: the real binary serves as the role; an administrator signs in and adds an
    // organisation (both audited).
    let (mut server, base) = Server::start(&role.url, &owner_url);
    server.ready(&base).await;
    let admin = Client::new(&base);
    admin.sign_in("admin@example.org", PASSWORD).await;
    let added = admin
        .post(
            "/admin/organisations/new",
            &[
                ("name", "Wirral University Teaching Hospital NHS FT"),
                ("ods_code", "RBL"),
            ],
        )
        .await;
    assert_eq!(added.status().as_u16(), 303, "{}", server.log());
    let (status, list) = admin.page("/admin/organisations").await;
    assert_eq!(status, 200);
    assert!(list.contains("Wirral University Teaching Hospital NHS FT"));

    // Assert: what it did is audited, in a chain that verifies as the role.
    let app = Database::connect(&role.url).await.unwrap();
    let actions: Vec<String> = audit_event::Entity::find()
        .order_by_asc(audit_event::Column::Id)
        .all(&app)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        ["account_created_by_cli", "signed_in", "organisation_added"]
    );
    let verified = spectra()
        .args(["audit", "verify"])
        .env("DATABASE_URL", &role.url)
        .output()
        .unwrap();
    let verified = assert_success(&verified, "audit verify");
    assert!(verified.starts_with("OK: 3 events"), "{verified}");

    // As the service's role, nothing can unprotect or rewrite the log, or change the schema.
    for (what, sql) in [
        (
            "DROP TRIGGER",
            "DROP TRIGGER audit_events_append_only ON audit_events",
        ),
        (
            "DISABLE TRIGGER",
            "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only",
        ),
        (
            "ALTER TABLE",
            "ALTER TABLE audit_events ADD COLUMN note TEXT",
        ),
        ("ALTER another table", "ALTER TABLE users DROP COLUMN email"),
        ("DROP TABLE", "DROP TABLE audit_events"),
        ("UPDATE", "UPDATE audit_events SET details = '{}'"),
        ("DELETE", "DELETE FROM audit_events"),
        ("TRUNCATE", "TRUNCATE audit_events"),
        ("skip triggers", "SET session_replication_role = replica"),
        ("CREATE TABLE", "CREATE TABLE mine (id INTEGER)"),
        (
            "DROP FUNCTION",
            "DROP FUNCTION audit_events_append_only() CASCADE",
        ),
    ] {
        let error = app
            .execute_unprepared(sql)
            .await
            .map(|_| ())
            .expect_err(what)
            .to_string();
        assert!(
            error.contains("permission denied") || error.contains("must be owner"),
            "{what}: {error}"
        );
    }
    assert_eq!(
        one_i64(&app, "SELECT COUNT(*) FROM audit_events").await,
        3,
        "nothing was removed"
    );

    // It owns nothing, may truncate nothing, and may only read and add to the log.
    let owner = Database::connect(&owner_url).await.unwrap();
    let r = &role.name;
    assert_eq!(
        one_i64(
            &owner,
            &format!(
                "SELECT (SELECT COUNT(*) FROM pg_class WHERE relowner = '{r}'::regrole) \
                 + (SELECT COUNT(*) FROM pg_proc WHERE proowner = '{r}'::regrole) \
                 + (SELECT COUNT(*) FROM pg_namespace WHERE nspowner = '{r}'::regrole)"
            )
        )
        .await,
        0
    );
    assert_eq!(
        one_i64(
            &owner,
            &format!(
                "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public' \
                 AND has_table_privilege('{r}', format('%I.%I', schemaname, tablename), \
                 'TRUNCATE, REFERENCES, TRIGGER')"
            )
        )
        .await,
        0
    );
    assert_eq!(
        one_i64(
            &owner,
            &format!(
                "SELECT COUNT(*) FROM (VALUES ('SELECT'), ('INSERT'), ('UPDATE'), ('DELETE')) p(x) \
                 WHERE has_table_privilege('{r}', 'audit_events', x)"
            )
        )
        .await,
        2
    );

    // A table a later migration adds (as the owner) is the role's to use, not to alter.
    owner
        .execute_unprepared("CREATE TABLE later_migration (id INTEGER)")
        .await
        .unwrap();
    app.execute_unprepared("INSERT INTO later_migration VALUES (1)")
        .await
        .unwrap();
    assert!(
        app.execute_unprepared("DROP TABLE later_migration")
            .await
            .unwrap_err()
            .to_string()
            .contains("must be owner")
    );
    app.close().await.unwrap();
    owner.close().await.unwrap();

    // It stops cleanly, and nothing it did in the background (sweeping sessions, reminders,
    // purges, the mail worker) was refused.
    let status = server.stop();
    let log = server.log();
    assert!(status.success(), "{status}: {log}");
    assert!(log.contains("spectra is listening"), "{log}");
    for refused in ["permission denied", "must be owner"] {
        assert!(!log.contains(refused), "{refused}: {log}");
    }
}
