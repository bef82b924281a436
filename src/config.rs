//! Configuration from environment variables, with defaults that work on a fresh machine.
//!
//! Every variable is documented in `spectra --help` ([`HELP`]) and in the README. A bad value
//! stops the service at start-up with a message naming the variable.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use lettre::message::Mailbox;
use url::Url;

use crate::domain::client_address::TrustedProxies;

/// The environment variables, as shown by `spectra --help`.
pub const HELP: &str = "\
Configuration (environment variables):
  DATABASE_URL           Database to use. sqlite://FILE?mode=rwc or postgres://USER@HOST/DB
                         [default: sqlite://spectra.sqlite?mode=rwc, a file in the working folder]
  MIGRATION_DATABASE_URL The same database as a role that owns the schema, for migrations (at start-up,
                         `migrate`, `db grant-app-role`), so DATABASE_URL can be a role that owns
                         nothing (docs/DATABASE-ROLES.md) [default: DATABASE_URL]
  BIND_ADDR              Address and port to listen on [default: 127.0.0.1:3000]
  BASE_URL               The public address people use, for links in emails. Cookies are marked
                         Secure and HSTS is sent when it starts with https:// [default: http://BIND_ADDR]
  SMTP_URL               Mail server, e.g. smtp://user:pass@host:587?tls=required or smtps://host.
                         Unset means emails are written as .eml files to MAIL_DIR instead
  MAIL_DIR               Folder for .eml files when SMTP_URL is unset [default: ./outbox]
  MAIL_FROM              Sender of emails [default: SPECTRA <no-reply@spectra.localhost>]
  TRUSTED_PROXIES        Reverse proxies whose X-Forwarded-For is believed, as addresses or ranges
                         separated by commas, e.g. 10.0.0.0/8,::1. The client's address is then
                         the right-most one in X-Forwarded-For that is not a proxy [default: none]
  PURGE_AFTER_DAYS       Days after the final decision on an unsuccessful or withdrawn application
                         before its personal data is deleted (1 to 3650) [default: 365]
  HASH_CONCURRENCY       Password hashes (sign-ins, new passwords) run at once, each taking 19 MiB
                         (1 to 64) [default: one fewer than the cores, at least 1]
  HASH_QUEUE             Sign-ins that may wait for a hash; beyond them the service answers 503
                         with Retry-After (0 to 10000) [default: 8 times HASH_CONCURRENCY]
  RUST_LOG               Log filter, e.g. info or spectra=debug,tower_http=info [default: info]
  SPECTRA_DEMO_PASSWORD  Password of every demo account (spectra demo) [default: demo-password-123]";

/// A configuration value that cannot be used, naming the variable.
#[derive(Debug, thiserror::Error)]
#[error("{variable} is not valid: {reason}")]
pub struct ConfigError {
    /// The environment variable at fault.
    pub variable: &'static str,
    /// What is wrong with it, in words an operator can act on.
    pub reason: String,
}

/// Where emails go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MailDelivery {
    /// Sent to this SMTP server (a lettre connection URL).
    Smtp(String),
    /// Written as `.eml` files to this folder.
    Files(PathBuf),
}

/// The settings the service runs with.
#[derive(Clone, Debug)]
pub struct Config {
    /// Database connection URL (SQLite or Postgres): everything the service does.
    pub database_url: String,
    /// The same database as its owner, for migrations (`MIGRATION_DATABASE_URL`); `None` means
    /// `database_url` migrates too.
    pub migration_database_url: Option<String>,
    /// Address to listen on.
    pub bind_addr: SocketAddr,
    /// The public address people use; links in emails start with it.
    pub base_url: Url,
    /// How email leaves the service.
    pub mail_delivery: MailDelivery,
    /// Sender of every email.
    pub mail_from: Mailbox,
    /// Reverse proxies whose `X-Forwarded-For` gives the client's address.
    pub trusted_proxies: TrustedProxies,
    /// Whether the demo banner is shown (set by `spectra demo`).
    pub demo: bool,
    /// How long a signed-in session lasts without activity.
    pub session_idle: Duration,
    /// First wait before retrying an email the server did not take; it doubles each time.
    pub mail_retry_base: Duration,
    /// How often the mail worker looks for due messages when nothing wakes it.
    pub mail_poll: Duration,
    /// How long the champion's dashboard figures are reused before being counted again
    /// (`DASHBOARD_CACHE_SECONDS`, default 60; 0 counts them on every view).
    pub dashboard_cache: Duration,
    /// How long a view of the dashboard waits for its figures to be counted before showing
    /// the last ones counted instead (issue 24: a page never times out on a count; the
    /// request timeout is 30 s). The count goes on in the background.
    pub dashboard_count_limit: Duration,
    /// Days after the final decision on an unsuccessful or withdrawn application before its
    /// personal data is purged (`PURGE_AFTER_DAYS`, default 365).
    pub purge_after_days: u32,
    /// How many password hashes may run at once (`HASH_CONCURRENCY`, default one fewer than
    /// the cores, at least 1).
    pub hash_concurrency: usize,
    /// How many may wait for a turn before sign-ins get 503 (`HASH_QUEUE`, default 8 times
    /// `hash_concurrency`).
    pub hash_queue: usize,
    /// How often each instance looks for organisations or programmes changed by another.
    pub reference_poll: Duration,
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup`, so tests need not touch the environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        let (database_url, migration_database_url) = database_urls(&get)?;
        let bind_addr = bind_addr(&get)?;
        let base_url = base_url(&get, bind_addr)?;
        let mail_delivery = mail_delivery(&get)?;
        let mail_from = mail_from(&get)?;

        let trusted_proxies = TrustedProxies::parse(&get("TRUSTED_PROXIES").unwrap_or_default())
            .map_err(|entry| ConfigError {
                variable: "TRUSTED_PROXIES",
                reason: format!(
                    "{entry:?} is not an address like 10.0.0.7 or a range like 10.0.0.0/8"
                ),
            })?;

        let dashboard_cache = number(
            &get,
            "DASHBOARD_CACHE_SECONDS",
            || 60,
            |s: &u64| *s <= 3600,
            "a number of seconds from 0 to 3600",
        )
        .map(Duration::from_secs)?;
        let purge_after_days = number(
            &get,
            "PURGE_AFTER_DAYS",
            || 365,
            |d: &u32| (1..=3650).contains(d),
            "a number of days from 1 to 3650",
        )?;
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let hash_concurrency = number(
            &get,
            "HASH_CONCURRENCY",
            || crate::domain::load::default_hash_concurrency(cores),
            |n: &usize| (1..=64).contains(n),
            "a number from 1 to 64",
        )?;
        let hash_queue = number(
            &get,
            "HASH_QUEUE",
            || crate::domain::load::default_hash_queue(hash_concurrency),
            |n: &usize| *n <= 10_000,
            "a number from 0 to 10000",
        )?;

        Ok(Self {
            database_url,
            migration_database_url,
            bind_addr,
            base_url,
            mail_delivery,
            mail_from,
            trusted_proxies,
            demo: false,
            session_idle: Duration::from_secs(30 * 60),
            mail_retry_base: Duration::from_secs(30),
            mail_poll: Duration::from_secs(5),
            dashboard_cache,
            dashboard_count_limit: Duration::from_secs(10),
            purge_after_days,
            hash_concurrency,
            hash_queue,
            reference_poll: Duration::from_secs(2),
        })
    }

    /// The URL migrations run with: `MIGRATION_DATABASE_URL`, or else `DATABASE_URL`.
    pub fn migration_url(&self) -> &str {
        self.migration_database_url
            .as_deref()
            .unwrap_or(&self.database_url)
    }

    /// Whether people reach the service over https, so cookies must be Secure and HSTS sent.
    pub fn is_https(&self) -> bool {
        self.base_url.scheme() == "https"
    }

    /// The origin (scheme, host and port) forms must be posted from.
    pub fn origin(&self) -> String {
        self.base_url.origin().ascii_serialization()
    }

    /// An absolute link to `path` on this service, for emails.
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.base_url.as_str().trim_end_matches('/'), path)
    }
}

/// `DATABASE_URL` (SQLite or Postgres) and `MIGRATION_DATABASE_URL`, checked against it.
fn database_urls(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<(String, Option<String>), ConfigError> {
    let database_url =
        get("DATABASE_URL").unwrap_or_else(|| "sqlite://spectra.sqlite?mode=rwc".into());
    if !(database_url.starts_with("sqlite:")
        || database_url.starts_with("postgres://")
        || database_url.starts_with("postgresql://"))
    {
        return Err(ConfigError {
            variable: "DATABASE_URL",
            reason: "it must start with sqlite: or postgres://".into(),
        });
    }
    let migration_database_url = get("MIGRATION_DATABASE_URL");
    if let Some(url) = &migration_database_url {
        check_migration_url(url, &database_url)?;
    }
    Ok((database_url, migration_database_url))
}

/// `BIND_ADDR`, an address and port.
fn bind_addr(get: &impl Fn(&str) -> Option<String>) -> Result<SocketAddr, ConfigError> {
    match get("BIND_ADDR") {
        None => Ok(SocketAddr::from(([127, 0, 0, 1], 3000))),
        Some(v) => v.parse().map_err(|_| ConfigError {
            variable: "BIND_ADDR",
            reason: format!("{v:?} is not an address and port like 127.0.0.1:3000"),
        }),
    }
}

/// `BASE_URL`, an http:// or https:// address; by default the bind address over http.
fn base_url(
    get: &impl Fn(&str) -> Option<String>,
    bind_addr: SocketAddr,
) -> Result<Url, ConfigError> {
    let base_url_text = get("BASE_URL").unwrap_or_else(|| format!("http://{bind_addr}"));
    Url::parse(&base_url_text)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .ok_or_else(|| ConfigError {
            variable: "BASE_URL",
            reason: format!("{base_url_text:?} is not an http:// or https:// address"),
        })
}

/// `SMTP_URL`, or else `.eml` files in `MAIL_DIR`.
fn mail_delivery(get: &impl Fn(&str) -> Option<String>) -> Result<MailDelivery, ConfigError> {
    match get("SMTP_URL") {
        Some(smtp) => {
            let parsed = Url::parse(&smtp)
                .ok()
                .filter(|u| matches!(u.scheme(), "smtp" | "smtps") && u.host().is_some());
            if parsed.is_none() {
                return Err(ConfigError {
                    variable: "SMTP_URL",
                    reason:
                        "it must look like smtp://user:pass@host:587?tls=required or smtps://host"
                            .into(),
                });
            }
            Ok(MailDelivery::Smtp(smtp))
        }
        None => Ok(MailDelivery::Files(PathBuf::from(
            get("MAIL_DIR").unwrap_or_else(|| "outbox".into()),
        ))),
    }
}

/// `MAIL_FROM`, a mailbox.
fn mail_from(get: &impl Fn(&str) -> Option<String>) -> Result<Mailbox, ConfigError> {
    let from_text =
        get("MAIL_FROM").unwrap_or_else(|| "SPECTRA <no-reply@spectra.localhost>".into());
    from_text.parse::<Mailbox>().map_err(|_| ConfigError {
        variable: "MAIL_FROM",
        reason: format!(
            "{from_text:?} is not an email address like \"SPECTRA <no-reply@example.org>\""
        ),
    })
}

/// A number in `variable`, or `default()` when it is unset; refused unless `valid`, with a
/// reason saying it is not `what`.
fn number<T: std::str::FromStr>(
    get: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: impl FnOnce() -> T,
    valid: impl Fn(&T) -> bool,
    what: &str,
) -> Result<T, ConfigError> {
    match get(variable) {
        None => Ok(default()),
        Some(text) => text
            .parse::<T>()
            .ok()
            .filter(valid)
            .ok_or_else(|| ConfigError {
                variable,
                reason: format!("{text:?} is not {what}"),
            }),
    }
}

/// `MIGRATION_DATABASE_URL` must name the same kind of database as `DATABASE_URL`.
fn check_migration_url(url: &str, database_url: &str) -> Result<(), ConfigError> {
    let kind = |u: &str| {
        if u.starts_with("sqlite:") {
            Some("sqlite")
        } else if u.starts_with("postgres://") || u.starts_with("postgresql://") {
            Some("postgres")
        } else {
            None
        }
    };
    match kind(url) {
        None => {
            return Err(ConfigError {
                variable: "MIGRATION_DATABASE_URL",
                reason: "it must start with sqlite: or postgres://".into(),
            });
        }
        Some(k) if Some(k) != kind(database_url) => {
            return Err(ConfigError {
                variable: "MIGRATION_DATABASE_URL",
                reason: "it must be the same kind of database as DATABASE_URL".into(),
            });
        }
        Some(_) => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_work_on_a_fresh_machine() {
        let c = config(&[]).unwrap();
        assert_eq!(c.database_url, "sqlite://spectra.sqlite?mode=rwc");
        assert_eq!(c.migration_database_url, None);
        assert_eq!(c.migration_url(), c.database_url);
        assert_eq!(c.bind_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.base_url.as_str(), "http://127.0.0.1:3000/");
        assert_eq!(c.mail_delivery, MailDelivery::Files("outbox".into()));
        assert!(!c.is_https());
        assert_eq!(c.link("/login"), "http://127.0.0.1:3000/login");
        assert_eq!(c.origin(), "http://127.0.0.1:3000");
        assert_eq!(c.purge_after_days, 365);
        assert_eq!(
            config(&[("PURGE_AFTER_DAYS", "90")])
                .unwrap()
                .purge_after_days,
            90
        );
        assert!(c.hash_concurrency >= 1);
        assert_eq!(c.hash_queue, 8 * c.hash_concurrency);
        let c = config(&[("HASH_CONCURRENCY", "3"), ("HASH_QUEUE", "0")]).unwrap();
        assert_eq!((c.hash_concurrency, c.hash_queue), (3, 0));
        assert_eq!(config(&[("HASH_CONCURRENCY", "2")]).unwrap().hash_queue, 16);
    }

    #[test]
    fn each_bad_value_names_its_variable() {
        for (var, value) in [
            ("DATABASE_URL", "mysql://x"),
            ("MIGRATION_DATABASE_URL", "mysql://x"),
            (
                "MIGRATION_DATABASE_URL",
                "postgres://owner@localhost/spectra",
            ),
            ("BIND_ADDR", "localhost"),
            ("BASE_URL", "ftp://example.org"),
            ("BASE_URL", "not a url"),
            ("SMTP_URL", "mail.example.org"),
            ("MAIL_FROM", "not an address"),
            ("TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal"),
            ("PURGE_AFTER_DAYS", "0"),
            ("PURGE_AFTER_DAYS", "a year"),
            ("HASH_CONCURRENCY", "0"),
            ("HASH_CONCURRENCY", "65"),
            ("HASH_QUEUE", "-1"),
            ("HASH_QUEUE", "10001"),
        ] {
            let err = config(&[(var, value)]).unwrap_err();
            assert_eq!(err.variable, var);
            assert!(err.to_string().starts_with(var));
        }
    }

    #[test]
    fn migrations_may_run_as_another_role_of_the_same_database() {
        let c = config(&[
            ("DATABASE_URL", "postgres://spectra_app@db/spectra"),
            (
                "MIGRATION_DATABASE_URL",
                "postgres://spectra_owner@db/spectra",
            ),
        ])
        .unwrap();
        assert_eq!(c.database_url, "postgres://spectra_app@db/spectra");
        assert_eq!(c.migration_url(), "postgres://spectra_owner@db/spectra");
    }

    #[test]
    fn trusted_proxies_are_none_by_default_and_read_as_a_list() {
        assert!(config(&[]).unwrap().trusted_proxies.is_empty());
        let c = config(&[("TRUSTED_PROXIES", "10.0.0.0/8, ::1")]).unwrap();
        assert!(c.trusted_proxies.trusts("10.1.2.3".parse().unwrap()));
        assert!(c.trusted_proxies.trusts("::1".parse().unwrap()));
        assert!(!c.trusted_proxies.trusts("192.0.2.1".parse().unwrap()));
    }

    #[test]
    fn https_base_url_turns_on_secure_cookies() {
        let c = config(&[("BASE_URL", "https://spectra.example.nhs.uk")]).unwrap();
        assert!(c.is_https());
        assert_eq!(c.origin(), "https://spectra.example.nhs.uk");
    }

    #[test]
    fn smtp_url_selects_smtp() {
        let c = config(&[("SMTP_URL", "smtp://127.0.0.1:2525")]).unwrap();
        assert_eq!(
            c.mail_delivery,
            MailDelivery::Smtp("smtp://127.0.0.1:2525".into())
        );
    }
}
