//! The test harness: every test gets the real router on port 0 with a fresh database of its
//! own, on SQLite by default or on Postgres when `TEST_DATABASE_URL` is set. Databases are
//! dropped (Postgres) or deleted (SQLite) when the test ends.
//!
//! Migrating 33 migrations for every test was most of a short test's time, so a test's
//! database is a copy of a migrated template ([`template`]): on Postgres a
//! `CREATE DATABASE … TEMPLATE` made ahead and dropped behind by a thread of its own
//! ([`databases`]), on SQLite a copied file. Accounts made here carry a cheap
//! Argon2 hash ([`PASSWORD_HASH`]); only the tests about hashing use production parameters.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use mail_parser::MessageParser;
use reqwest::header::{HeaderMap, HeaderValue, ORIGIN};
use reqwest::redirect::Policy;
use scraper::{Html, Selector};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, TransactionTrait};
use spectra::config::Config;
use spectra::db::users::{self, NewUser};
use spectra::domain::{EmailAddress, Role};
use spectra::server::{self, Running};
use tempfile::TempDir;
use tokio::net::TcpListener;

mod databases;
mod template;
pub use template::PASSWORD_HASH;

/// A password that passes the policy, used for test accounts.
pub const PASSWORD: &str = "correct-horse-battery";

/// Whether tools must be present (CI), or their absence may skip a test with a notice.
pub fn tools_required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Skips (outside CI) or fails (in CI) a test that needs a missing tool.
#[macro_export]
macro_rules! require {
    ($available:expr, $what:expr) => {
        if !$available {
            if $crate::helpers::tools_required() {
                panic!("CI=true but {} is missing", $what);
            }
            eprintln!(
                "SKIPPED: {} is missing (it is required when CI=true)",
                $what
            );
            return;
        }
    };
}

/// A database for one test.
pub struct TestDb {
    /// Connection URL of the test database.
    pub url: String,
    postgres: Option<(String, String)>,
    _dir: Option<TempDir>,
}

impl TestDb {
    /// Creates a database with every migration applied: a copy of the migrated template.
    pub async fn migrated() -> Self {
        match admin_url() {
            Some(admin_url) => {
                let name = databases::take(&admin_url).await;
                Self {
                    url: database_url(&admin_url, &name),
                    postgres: Some((admin_url, name)),
                    _dir: None,
                }
            }
            None => {
                let dir = tempfile::tempdir().expect("temp dir");
                let path = dir.path().join("test.sqlite");
                std::fs::copy(template::sqlite(), &path).expect("copy the migrated template");
                Self {
                    url: format!("sqlite://{}?mode=rwc", path.display()),
                    postgres: None,
                    _dir: Some(dir),
                }
            }
        }
    }

    /// Creates an empty database, for the tests that run the migrations themselves.
    pub async fn new() -> Self {
        match admin_url() {
            Some(admin_url) => Self::empty_on_postgres(admin_url).await,
            None => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("test.sqlite").display()
                );
                Self {
                    url,
                    postgres: None,
                    _dir: Some(dir),
                }
            }
        }
    }
}

impl TestDb {
    /// Creates an empty `spectra_test_<random>` on Postgres.
    async fn empty_on_postgres(admin_url: String) -> Self {
        let name = format!("spectra_test_{}", uuid::Uuid::new_v4().simple());
        let admin = Database::connect(&admin_url)
            .await
            .expect("connect to TEST_DATABASE_URL");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create test database");
        admin.close().await.ok();
        Self {
            url: database_url(&admin_url, &name),
            postgres: Some((admin_url, name)),
            _dir: None,
        }
    }
}

/// `TEST_DATABASE_URL`, when the suite runs on Postgres.
fn admin_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// The URL of database `name` on the server of `admin_url`.
fn database_url(admin_url: &str, name: &str) -> String {
    let mut url = url::Url::parse(admin_url).expect("TEST_DATABASE_URL is a URL");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.postgres.take() {
            // Dropped behind, while the next tests run (see `databases`).
            databases::give_back(&admin_url, name);
        }
    }
}

/// A running app for one test.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// A connection to its database, for arranging and asserting.
    pub db: DatabaseConnection,
    /// Where `.eml` files go (when SMTP is not used).
    pub mail_dir: PathBuf,
    /// A browser-like client with its own cookies.
    pub client: Client,
    running: Option<Running>,
    _mail: TempDir,
    _db: TestDb,
}

/// Starts the app with default test settings.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the app, letting the test adjust the configuration first.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let test_db = TestDb::migrated().await;
    let mail = tempfile::tempdir().expect("mail dir");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
    let addr = listener.local_addr().expect("local addr");
    let base = format!("http://{addr}");
    let url = test_db.url.clone();
    let mail_path = mail.path().display().to_string();
    let base_for_config = base.clone();
    let mut config = Config::from_lookup(move |name| match name {
        "DATABASE_URL" => Some(url.clone()),
        "BIND_ADDR" => Some(addr.to_string()),
        "BASE_URL" => Some(base_for_config.clone()),
        "MAIL_DIR" => Some(mail_path.clone()),
        _ => None,
    })
    .expect("test config");
    config.mail_retry_base = Duration::from_millis(100);
    config.mail_poll = Duration::from_millis(100);
    // Tests look at the dashboard before and after a change: count it on every view.
    config.dashboard_cache = Duration::ZERO;
    // Tests insert organisations and programmes straight into the database: every page
    // checks the reference data's version instead of waiting for a poll.
    config.reference_poll = Duration::ZERO;
    adjust(&mut config);

    let db = server::prepare_database(&config)
        .await
        .expect("migrate test database");
    let running = server::start(config, db.clone(), listener, false)
        .await
        .expect("start app");
    TestApp {
        client: Client::new(&base),
        base,
        db,
        mail_dir: mail.path().to_path_buf(),
        running: Some(running),
        _mail: mail,
        _db: test_db,
    }
}

impl TestApp {
    /// The URL of its database, for running the command line against it.
    pub fn database_url(&self) -> &str {
        &self._db.url
    }

    /// The running app's shared state (its hashing gate, caches).
    pub fn state(&self) -> &spectra::app::AppState {
        &self.running.as_ref().expect("app running").state
    }

    /// Starts a second instance of the app on the same database, as behind a load balancer:
    /// its address, and the instance (stop it with `Running::stop`).
    pub async fn another_instance(&self, adjust: impl FnOnce(&mut Config)) -> (String, Running) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
        let addr = listener.local_addr().expect("local addr");
        let base = format!("http://{addr}");
        let (url, mail_path, base_for_config) = (
            self._db.url.clone(),
            self.mail_dir.display().to_string(),
            base.clone(),
        );
        let mut config = Config::from_lookup(move |name| match name {
            "DATABASE_URL" => Some(url.clone()),
            "BIND_ADDR" => Some(addr.to_string()),
            "BASE_URL" => Some(base_for_config.clone()),
            "MAIL_DIR" => Some(mail_path.clone()),
            _ => None,
        })
        .expect("test config");
        adjust(&mut config);
        let db = server::prepare_database(&config)
            .await
            .expect("connect second instance");
        let running = server::start(config, db, listener, false)
            .await
            .expect("start second instance");
        (base, running)
    }

    /// The URL of its database, for a second connection (a second instance's).
    pub fn db_url(&self) -> String {
        self._db.url.clone()
    }

    /// A second, independent browser.
    pub fn new_client(&self) -> Client {
        Client::new(&self.base)
    }

    /// Stops the app gracefully.
    pub async fn stop(&mut self) {
        if let Some(running) = self.running.take() {
            running.stop().await.expect("graceful stop");
        }
    }

    /// Creates an account directly in the database (email confirmed), with [`PASSWORD`].
    pub async fn create_user(
        &self,
        email: &str,
        roles: &[Role],
        organisation_id: Option<i32>,
    ) -> i32 {
        let email = EmailAddress::parse(email).expect("valid email");
        let txn = self.db.begin().await.expect("txn");
        let user = users::create(
            &txn,
            NewUser {
                email: &email,
                full_name: "Test Person",
                password_hash: PASSWORD_HASH.clone(),
                email_verified: true,
                organisation_id,
                roles,
            },
        )
        .await
        .expect("create user");
        txn.commit().await.expect("commit");
        user.id
    }

    /// Creates an organisation and returns its ID.
    pub async fn create_organisation(&self, name: &str) -> i32 {
        spectra::db::organisations::ensure(&self.db, name)
            .await
            .expect("organisation")
            .id
    }

    /// Waits for the email to `to` whose subject contains `subject`, as sent (an `.eml` file).
    pub async fn wait_for_email(&self, to: &str, subject: &str) -> SentEmail {
        let what = format!("an email to {to} with subject containing {subject:?}");
        eventually(&what, || async {
            self.emails()
                .into_iter()
                .find(|e| e.to == to && e.subject.contains(subject))
        })
        .await
    }

    /// Waits until the mail worker has sent (or given up on) everything queued, so that what
    /// the test then finds in the mail folder is all there will be.
    pub async fn outbox_drained(&self) {
        eventually("the outbox to be empty", async || {
            let pending = spectra::db::outbox::pending_count(&self.db)
                .await
                .expect("count the outbox");
            (pending == 0).then_some(())
        })
        .await;
    }

    /// Gives account `id` a hash of [`PASSWORD`] that takes a while to check (production
    /// memory, ten passes), as a real account's does on a busy server, for the tests of what
    /// happens while a password is checked. Accounts made here otherwise carry
    /// [`PASSWORD_HASH`], which checks in microseconds.
    pub async fn make_slow_to_check(&self, id: i32) {
        let hash = template::slow_hash();
        let backend = self.db.get_database_backend();
        self.db
            .execute_raw(sea_orm::Statement::from_sql_and_values(
                backend,
                match backend {
                    sea_orm::DbBackend::Postgres => {
                        "UPDATE users SET password_hash = $1 WHERE id = $2"
                    }
                    _ => "UPDATE users SET password_hash = ? WHERE id = ?",
                },
                [hash.into(), id.into()],
            ))
            .await
            .expect("store a slow hash");
    }

    /// Every email written to the mail folder.
    pub fn emails(&self) -> Vec<SentEmail> {
        read_emails(&self.mail_dir)
    }

    /// Counts rows of a table.
    pub async fn count(&self, table: &str) -> i64 {
        let backend = self.db.get_database_backend();
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                backend,
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .expect("count query")
            .expect("a row");
        row.try_get::<i64>("", "n").expect("count")
    }
}

/// How long [`eventually`] waits for what a test expects: long enough for a busy machine,
/// short enough that a real failure fails.
const EVENTUALLY: Duration = Duration::from_secs(60);

/// Asks `check` until it answers `Some`, and returns that; fails the test naming `what` if it
/// has not after [`EVENTUALLY`]. For what the service does in the background (an email sent,
/// an import finished): never a fixed sleep.
pub async fn eventually<T>(what: &str, mut check: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + EVENTUALLY;
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "waited {EVENTUALLY:?} for {what}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// An email as it left the service.
#[derive(Debug, Clone)]
pub struct SentEmail {
    /// Recipient.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Plain-text part.
    pub text: String,
    /// HTML part.
    pub html: String,
}

impl SentEmail {
    /// The first link in the text part that starts with `prefix`.
    pub fn link(&self, prefix: &str) -> String {
        self.text
            .split_whitespace()
            .find(|w| w.starts_with(prefix))
            .unwrap_or_else(|| panic!("no link starting {prefix} in {}", self.text))
            .to_owned()
    }
}

/// Parses an RFC 5322 message.
pub fn parse_email(raw: &[u8]) -> SentEmail {
    let message = MessageParser::default().parse(raw).expect("parse email");
    let to = message
        .to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or_default()
        .to_owned();
    SentEmail {
        to,
        subject: message.subject().unwrap_or_default().to_owned(),
        text: message
            .body_text(0)
            .map(|t| t.into_owned())
            .unwrap_or_default(),
        html: message
            .body_html(0)
            .map(|t| t.into_owned())
            .unwrap_or_default(),
    }
}

/// Reads every `.eml` file in a folder.
pub fn read_emails(dir: &Path) -> Vec<SentEmail> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .filter_map(|p| std::fs::read(p).ok())
        .map(|raw| parse_email(&raw))
        .collect()
}

/// A browser-like HTTP client: keeps cookies, sends the site's `Origin` like a browser does,
/// and does not follow redirects, so tests can see them.
#[derive(Clone)]
pub struct Client {
    /// The app's base URL.
    pub base: String,
    /// The underlying client.
    pub http: reqwest::Client,
}

impl Client {
    pub fn new(base: &str) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(ORIGIN, HeaderValue::from_str(base).expect("origin header"));
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .default_headers(headers)
            .build()
            .expect("http client");
        Self {
            base: base.to_owned(),
            http,
        }
    }

    /// GETs a path.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET")
    }

    /// GETs a path and returns its status and body.
    pub async fn page(&self, path: &str) -> (u16, String) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// The session's form token, read from a page that always has a form.
    pub async fn csrf(&self) -> String {
        let (_, body) = self.page("/forgot-password").await;
        csrf_in(&body)
    }

    /// POSTs a form with this session's token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf().await;
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", &token));
        self.http
            .post(format!("{}{path}", self.base))
            .form(&form)
            .send()
            .await
            .expect("POST")
    }

    /// Signs in and checks it worked.
    pub async fn sign_in(&self, email: &str, password: &str) {
        let response = self
            .post("/login", &[("email", email), ("password", password)])
            .await;
        assert_eq!(
            response.status().as_u16(),
            303,
            "sign-in of {email} failed: {}",
            response.text().await.unwrap_or_default()
        );
    }
}

/// The form token in a page.
pub fn csrf_in(body: &str) -> String {
    let doc = Html::parse_document(body);
    let selector = Selector::parse("input[name=csrf_token]").expect("selector");
    doc.select(&selector)
        .next()
        .and_then(|e| e.value().attr("value"))
        .expect("page has a form token")
        .to_owned()
}

/// The text of the first element matching `css`.
pub fn text_of(body: &str, css: &str) -> String {
    let doc = Html::parse_document(body);
    let selector = Selector::parse(css).expect("selector");
    doc.select(&selector)
        .next()
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

/// The `Location` header of a redirect.
pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Someone acting in a use case called directly, known by their user ID (the use cases these
/// tests call read nothing but the ID; the name and address are placeholders).
pub fn acting(id: i32) -> spectra::services::Actor<'static> {
    spectra::services::Actor {
        id,
        name: "Test Person",
        email: "test.person@example.org",
    }
}
