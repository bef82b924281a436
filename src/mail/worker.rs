//! Sends queued emails: by SMTP when `SMTP_URL` is set, otherwise as `.eml` files.
//!
//! Nothing is lost: a message leaves the outbox only once the server has taken it. While the
//! server is down, each message waits and is retried with a doubling delay (capped at an
//! hour). A message the server refuses for good (a 5xx reply) is marked failed and logged.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use anyhow::Context;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::DatabaseConnection;
use time::Duration;
use tokio::sync::{Notify, watch};

use crate::config::{Config, MailDelivery};
use crate::db::{self, outbox};
use crate::entities::outbox_message;

/// How long a claimed message is reserved for the worker that claimed it.
const LEASE: Duration = Duration::minutes(5);
/// Messages claimed at a time.
const BATCH: u64 = 20;
/// The longest wait between retries.
const MAX_BACKOFF: StdDuration = StdDuration::from_secs(3600);

/// Where messages go.
#[derive(Clone, Debug)]
pub enum Transport {
    /// An SMTP server.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// A folder of `.eml` files.
    Files(PathBuf),
}

impl Transport {
    /// Builds the transport the configuration asks for, creating the mail folder if needed.
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        Ok(match &config.mail_delivery {
            MailDelivery::Smtp(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .context("SMTP_URL is not valid")?
                    .timeout(Some(StdDuration::from_secs(20)))
                    .build(),
            ),
            MailDelivery::Files(dir) => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create MAIL_DIR {}", dir.display()))?;
                Transport::Files(dir.clone())
            }
        })
    }

    async fn send(&self, message: Message) -> Result<(), SendError> {
        match self {
            Transport::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    SendError::Permanent(e.to_string())
                } else {
                    SendError::Transient(e.to_string())
                }
            }),
            Transport::Files(dir) => write_eml(dir, &message.formatted())
                .await
                .map_err(|e| SendError::Transient(e.to_string())),
        }
    }
}

/// Writes a message into the folder whole or not at all: first under a temporary name, then
/// renamed, so whoever reads the folder (a developer's mail client, the tests) never sees half
/// a message.
async fn write_eml(dir: &Path, message: &[u8]) -> std::io::Result<()> {
    let name = uuid::Uuid::new_v4();
    let partial = dir.join(format!(".{name}.eml.partial"));
    tokio::fs::write(&partial, message).await?;
    tokio::fs::rename(&partial, dir.join(format!("{name}.eml"))).await
}

enum SendError {
    Transient(String),
    Permanent(String),
}

/// The delay before the retry that follows attempt number `attempts` (1-based).
pub fn backoff(base: StdDuration, attempts: i32) -> StdDuration {
    let exponent = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(20);
    base.saturating_mul(2u32.saturating_pow(exponent))
        .min(MAX_BACKOFF)
}

/// The `Message-ID` of a queued message. It is made from the outbox row alone, so every
/// attempt to send the row carries the same one, and a retry after a lost acknowledgement is
/// recognisably the same message (a server or mail client that got it twice keeps one). The
/// time it was queued is in it too, so a database started afresh never reuses one.
pub fn message_id(row: &outbox_message::Model, domain: &str) -> String {
    format!(
        "<outbox-{}.{}@{domain}>",
        row.id,
        row.created_at.unix_timestamp()
    )
}

fn build_message(
    from: &Mailbox,
    domain: &str,
    row: &outbox_message::Model,
) -> anyhow::Result<Message> {
    let to: Mailbox = row
        .to_address
        .parse()
        .with_context(|| format!("bad recipient in message {}", row.id))?;
    let body = MultiPart::alternative_plain_html(row.body_text.clone(), row.body_html.clone());
    let builder = Message::builder()
        .message_id(Some(message_id(row, domain)))
        .from(from.clone())
        .to(to)
        .subject(row.subject.clone());
    match &row.calendar {
        None => builder.multipart(body),
        Some(ics) => {
            let content_type = ContentType::parse("text/calendar; charset=utf-8; method=REQUEST")
                .context("calendar content type")?;
            builder.multipart(MultiPart::mixed().multipart(body).singlepart(
                Attachment::new("interview.ics".to_owned()).body(ics.clone(), content_type),
            ))
        }
    }
    .context("cannot build message")
}

/// Sends every message that is due now; returns how many were sent.
pub async fn deliver_due(
    db: &DatabaseConnection,
    transport: &Transport,
    config: &Config,
) -> anyhow::Result<usize> {
    let claimed = outbox::claim_due(db, db::now(), LEASE, BATCH).await?;
    // The service's own host, so that IDs from two services sharing a sender stay apart.
    let domain = config.base_url.host_str().unwrap_or("spectra.localhost");
    let mut sent = 0;
    for row in claimed {
        let outcome = match build_message(&config.mail_from, domain, &row) {
            Ok(message) => transport.send(message).await,
            Err(e) => Err(SendError::Permanent(format!("{e:#}"))),
        };
        match outcome {
            Ok(()) => {
                outbox::mark_sent(db, row.id).await?;
                sent += 1;
                tracing::info!(message_id = row.id, "email sent");
            }
            Err(SendError::Transient(error)) => {
                let wait = backoff(config.mail_retry_base, row.attempts);
                let retry_at = db::now() + Duration::try_from(wait).unwrap_or(Duration::hours(1));
                tracing::warn!(message_id = row.id, attempts = row.attempts, error = %without_addresses(&error), retry_in = ?wait, "email not sent; will retry");
                outbox::mark_retry(db, row.id, &error, retry_at).await?;
            }
            Err(SendError::Permanent(error)) => {
                tracing::error!(message_id = row.id, error = %without_addresses(&error), "email refused for good");
                outbox::mark_failed(db, row.id, &error).await?;
            }
        }
    }
    Ok(sent)
}

/// Runs until `shutdown` turns true, waking on `wakeup` or every `config.mail_poll`.
pub async fn run(
    db: DatabaseConnection,
    transport: Transport,
    config: Arc<Config>,
    wakeup: Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        match deliver_due(&db, &transport, &config).await {
            // A full batch may mean more are waiting: go again at once.
            Ok(sent) if sent as u64 >= BATCH => continue,
            Ok(_) => {}
            Err(e) => tracing::error!(
                error = format!("{e:#}"),
                "mail worker failed; will try again"
            ),
        }
        tokio::select! {
            () = wakeup.notified() => {}
            () = tokio::time::sleep(config.mail_poll) => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            tracing::info!("mail worker stopped");
            return;
        }
    }
}

/// A mail server's error with every email address in it replaced, for the logs: servers often
/// quote the recipient ("550 <someone@example.org>: no such user").
pub fn without_addresses(error: &str) -> String {
    error
        .split(' ')
        .map(|word| {
            if word.contains('@') {
                "[address]"
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {

    #[test]
    fn addresses_never_reach_the_log() {
        assert_eq!(
            without_addresses("550 5.1.1 <someone@example.org>: Recipient address rejected"),
            "550 5.1.1 [address] Recipient address rejected"
        );
        assert_eq!(
            without_addresses("connection refused"),
            "connection refused"
        );
    }

    use super::*;

    #[test]
    fn the_message_id_comes_from_the_row_alone() {
        let at = time::macros::datetime!(2026-11-25 10:00 UTC);
        let row = outbox_message::Model {
            id: 42,
            to_address: "a@example.org".into(),
            subject: "s".into(),
            body_text: "t".into(),
            body_html: "h".into(),
            attempts: 1,
            next_attempt_at: at,
            locked_until: None,
            last_error: None,
            sent_at: None,
            failed_at: None,
            created_at: at,
            calendar: None,
            kind: None,
        };
        let retried = outbox_message::Model {
            attempts: 3,
            last_error: Some("451".into()),
            ..row.clone()
        };
        let id = message_id(&row, "spectra.example.nhs.uk");
        assert_eq!(
            id,
            format!("<outbox-42.{}@spectra.example.nhs.uk>", at.unix_timestamp())
        );
        assert_eq!(message_id(&retried, "spectra.example.nhs.uk"), id);
        let other = outbox_message::Model { id: 43, ..row };
        assert_ne!(message_id(&other, "spectra.example.nhs.uk"), id);
        let from: Mailbox = "SPECTRA <no-reply@example.org>".parse().unwrap();
        let built = build_message(&from, "spectra.example.nhs.uk", &retried).unwrap();
        let raw = String::from_utf8(built.formatted()).unwrap();
        assert!(raw.contains(&format!("Message-ID: {id}\r\n")), "{raw}");
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let base = StdDuration::from_secs(30);
        assert_eq!(backoff(base, 1), StdDuration::from_secs(30));
        assert_eq!(backoff(base, 2), StdDuration::from_secs(60));
        assert_eq!(backoff(base, 4), StdDuration::from_secs(240));
        assert_eq!(backoff(base, 30), MAX_BACKOFF);
        assert_eq!(backoff(base, 0), base);
    }
}
