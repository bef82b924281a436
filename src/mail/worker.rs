//! Sends queued emails: by SMTP when `SMTP_URL` is set, otherwise as `.eml` files.
//!
//! Nothing is lost: a message leaves the outbox only once the server has taken it. While the
//! server is down, each message waits and is retried with a doubling delay (capped at an
//! hour). A message the server refuses for good (a 5xx reply) is marked failed and logged.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use anyhow::Context;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
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
    Files(AsyncFileTransport<Tokio1Executor>),
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
                Transport::Files(AsyncFileTransport::new(dir))
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
            Transport::Files(files) => files
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| SendError::Transient(e.to_string())),
        }
    }
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

fn build_message(from: &Mailbox, row: &outbox_message::Model) -> anyhow::Result<Message> {
    let to: Mailbox = row
        .to_address
        .parse()
        .with_context(|| format!("bad recipient in message {}", row.id))?;
    let body = MultiPart::alternative_plain_html(row.body_text.clone(), row.body_html.clone());
    let builder = Message::builder()
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
    let mut sent = 0;
    for row in claimed {
        let outcome = match build_message(&config.mail_from, &row) {
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
                tracing::warn!(message_id = row.id, attempts = row.attempts, %error, retry_in = ?wait, "email not sent; will retry");
                outbox::mark_retry(db, row.id, &error, retry_at).await?;
            }
            Err(SendError::Permanent(error)) => {
                tracing::error!(message_id = row.id, %error, "email refused for good");
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

#[cfg(test)]
mod tests {
    use super::*;

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
