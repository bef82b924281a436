//! The outbox: messages go in with the change that caused them, leave once, and survive an
//! SMTP outage. The SMTP tests use a real server (Python's aiosmtpd).

use std::path::Path;
use std::process::{Child, Command, Stdio};

use sea_orm::EntityTrait;
use spectra::config::MailDelivery;
use spectra::db::outbox;
use spectra::domain::email::Email;
use spectra::entities::outbox_message;
use spectra::mail::worker::{self, Transport};

use crate::helpers::{eventually, parse_email, read_emails, spawn_app, spawn_app_with};
use crate::require;

/// A real SMTP server that stores what it receives in a Maildir.
struct SmtpPeer {
    child: Child,
    maildir: tempfile::TempDir,
}

/// The aiosmtpd server of [`SmtpPeer::start_losing_first_acks`]: port and folder as arguments.
const LOSES_FIRST_ACKS: &str = r#"
import itertools, os, sys, time
from email import message_from_bytes
from aiosmtpd.controller import Controller

port, folder = int(sys.argv[1]), sys.argv[2]
seen, numbers = set(), itertools.count()

class LosesFirstAcks:
    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        name = "%d.eml" % next(numbers)
        # Written aside, then moved in, so a reader never sees half a message.
        aside = os.path.join(folder, os.pardir, "tmp", name)
        with open(aside, "wb") as f:
            f.write(raw)
        os.rename(aside, os.path.join(folder, name))
        message_id = message_from_bytes(raw).get("Message-ID")
        if message_id not in seen:
            seen.add(message_id)
            return "451 4.3.0 Stored, but this answer is lost"
        return "250 OK"

Controller(LosesFirstAcks(), hostname="127.0.0.1", port=port).start()
while True:
    time.sleep(3600)
"#;

impl SmtpPeer {
    fn available() -> bool {
        Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    async fn start(port: u16, maildir: tempfile::TempDir) -> Self {
        let child = Command::new("python3")
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(maildir.path().join("mail"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd");
        // Owned at once, so the process is reaped by Drop even if it never answers.
        let peer = Self { child, maildir };
        listening(port).await;
        peer
    }

    /// A real SMTP server that stores every message it receives, but answers the first
    /// delivery of each `Message-ID` with a temporary failure, as if its acknowledgement had
    /// been lost: the sender retries a message the server already has.
    async fn start_losing_first_acks(port: u16, maildir: tempfile::TempDir) -> Self {
        let store = maildir.path().join("mail").join("new");
        std::fs::create_dir_all(&store).unwrap();
        std::fs::create_dir_all(maildir.path().join("mail").join("tmp")).unwrap();
        let child = Command::new("python3")
            .args(["-c", LOSES_FIRST_ACKS, &port.to_string()])
            .arg(&store)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd");
        let peer = Self { child, maildir };
        listening(port).await;
        peer
    }

    fn received(&self) -> Vec<crate::helpers::SentEmail> {
        self.received_raw()
            .iter()
            .map(|raw| parse_email(raw))
            .collect()
    }

    fn received_raw(&self) -> Vec<Vec<u8>> {
        let new = self.maildir.path().join("mail").join("new");
        let Ok(entries) = std::fs::read_dir(&new) else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .filter_map(|e| std::fs::read(e.path()).ok())
            .collect()
    }
}

impl Drop for SmtpPeer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn email(to: &str, n: usize) -> Email {
    Email {
        calendar: None,
        to: to.into(),
        subject: format!("Message {n}"),
        text: format!("Plain text {n}"),
        html: format!("<p>HTML {n}</p>"),
    }
}

async fn wait_until(mut done: impl AsyncFnMut() -> bool, what: &str) {
    eventually(what, async || done().await.then_some(())).await;
}

/// Waits until something listens on `port`.
async fn listening(port: u16) {
    eventually(&format!("aiosmtpd to listen on port {port}"), async || {
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .ok()
            .map(drop)
    })
    .await;
}

#[tokio::test]
async fn a_message_is_delivered_by_smtp_with_text_and_html_parts() {
    require!(SmtpPeer::available(), "python3 with aiosmtpd");
    let port = free_port();
    let peer = SmtpPeer::start(port, tempfile::tempdir().unwrap()).await;
    let app = spawn_app_with(|c| {
        c.mail_delivery = MailDelivery::Smtp(format!("smtp://127.0.0.1:{port}"))
    })
    .await;

    app.client
        .post("/forgot-password", &[("email", "nobody@example.org")])
        .await;
    app.create_user(
        "someone@example.org",
        &[spectra::domain::Role::Applicant],
        None,
    )
    .await;
    app.client
        .post("/forgot-password", &[("email", "someone@example.org")])
        .await;

    wait_until(async || peer.received().len() == 1, "delivery").await;
    let received = &peer.received()[0];
    assert_eq!(received.to, "someone@example.org");
    assert_eq!(received.subject, "Reset your password");
    assert!(received.text.contains("/reset-password/"));
    assert!(received.html.contains("href=\"http://127.0.0.1:"));
    // The worker marks the message sent once the peer has answered, a moment after delivery.
    let sent = async || {
        outbox_message::Entity::find()
            .one(&app.db)
            .await
            .unwrap()
            .is_some_and(|row| row.sent_at.is_some())
    };
    wait_until(sent, "marked sent").await;
    let row = outbox_message::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.attempts, 1);
}

#[tokio::test]
async fn messages_wait_while_smtp_is_down_and_each_is_delivered_once_when_it_returns() {
    require!(SmtpPeer::available(), "python3 with aiosmtpd");
    let port = free_port();
    let app = spawn_app_with(|c| {
        c.mail_delivery = MailDelivery::Smtp(format!("smtp://127.0.0.1:{port}"))
    })
    .await;

    // Arrange: three messages queued while nothing listens on the SMTP port.
    for n in 0..3 {
        outbox::enqueue(&app.db, &email(&format!("person{n}@example.org"), n))
            .await
            .unwrap();
    }
    wait_until(
        async || {
            let rows = outbox_message::Entity::find().all(&app.db).await.unwrap();
            rows.iter()
                .all(|r| r.attempts >= 2 && r.last_error.is_some() && r.sent_at.is_none())
        },
        "failed attempts while the server is down",
    )
    .await;
    assert_eq!(
        spectra::db::outbox::pending_count(&app.db).await.unwrap(),
        3,
        "nothing is lost or dropped"
    );

    // Act: the server comes back.
    let peer = SmtpPeer::start(port, tempfile::tempdir().unwrap()).await;

    // Assert: each message arrives exactly once.
    wait_until(
        async || peer.received().len() >= 3,
        "delivery after the outage",
    )
    .await;
    app.outbox_drained().await;
    let mut subjects: Vec<String> = peer.received().iter().map(|m| m.subject.clone()).collect();
    subjects.sort();
    assert_eq!(subjects, ["Message 0", "Message 1", "Message 2"]);
    let rows = outbox_message::Entity::find().all(&app.db).await.unwrap();
    assert!(
        rows.iter()
            .all(|r| r.sent_at.is_some() && r.locked_until.is_none())
    );
}

#[tokio::test]
async fn two_workers_never_send_the_same_message() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    for n in 0..60 {
        outbox::enqueue(&app.db, &email("many@example.org", n))
            .await
            .unwrap();
    }
    // Two more workers, as a second and third instance would run, racing the app's own.
    let mut config = spectra::config::Config::from_lookup(|_| None).unwrap();
    config.mail_delivery = MailDelivery::Files(dir.path().to_path_buf());
    let transport = Transport::from_config(&config).unwrap();
    let (a, b) = tokio::join!(
        drain(&app.db, &transport, &config),
        drain(&app.db, &transport, &config),
    );

    // The app's own worker may still be sending a batch it claimed; wait for it to finish.
    app.outbox_drained().await;
    let elsewhere = read_emails(&app.mail_dir).len();
    let here = count_files(dir.path());
    assert_eq!(a + b, here);
    assert_eq!(
        here + elsewhere,
        60,
        "every message sent exactly once across all workers"
    );
    assert_eq!(
        spectra::db::outbox::pending_count(&app.db).await.unwrap(),
        0
    );
}

async fn drain(
    db: &sea_orm::DatabaseConnection,
    transport: &Transport,
    config: &spectra::config::Config,
) -> usize {
    let mut total = 0;
    for _ in 0..20 {
        total += worker::deliver_due(db, transport, config).await.unwrap();
        tokio::task::yield_now().await;
    }
    total
}

fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir).map(|e| e.count()).unwrap_or(0)
}

#[tokio::test]
async fn an_email_is_stored_only_if_its_change_is() {
    let app = spawn_app().await;

    // A registration that fails validation stores neither the account nor its email.
    app.client
        .post(
            "/register",
            &[
                ("full_name", "Jo"),
                ("email", "jo@example.org"),
                ("password", "x"),
                ("confirm_password", "x"),
            ],
        )
        .await;

    assert_eq!(app.count("users").await, 0);
    assert_eq!(app.count("outbox_messages").await, 0);
}

/// The `Message-ID` of a raw message, without its angle brackets.
fn message_id_of(raw: &[u8]) -> Option<String> {
    mail_parser::MessageParser::default()
        .parse(raw)
        .and_then(|m| m.message_id().map(str::to_owned))
}

/// The `Message-ID` the worker gives an outbox row, without its angle brackets.
fn expected_message_id(row: &outbox_message::Model) -> String {
    worker::message_id(row, "127.0.0.1")
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_owned()
}

#[tokio::test]
async fn every_email_carries_a_message_id_made_from_its_outbox_row() {
    let app = spawn_app().await;
    for n in 0..2 {
        outbox::enqueue(&app.db, &email("someone@example.org", n))
            .await
            .unwrap();
    }

    wait_until(
        async || read_emails(&app.mail_dir).len() == 2,
        "both messages written",
    )
    .await;

    let rows = outbox_message::Entity::find().all(&app.db).await.unwrap();
    let mut ids: Vec<String> = std::fs::read_dir(&app.mail_dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter_map(|e| std::fs::read(e.path()).ok())
        .map(|raw| message_id_of(&raw).expect("a Message-ID header"))
        .collect();
    ids.sort();
    let mut expected: Vec<String> = rows.iter().map(expected_message_id).collect();
    expected.sort();
    assert_eq!(ids, expected);
    assert_ne!(ids[0], ids[1]);
    assert!(
        ids.iter()
            .all(|id| id.starts_with("outbox-") && id.ends_with("@127.0.0.1"))
    );
}

#[tokio::test]
async fn a_retry_after_a_lost_acknowledgement_is_the_same_message() {
    require!(SmtpPeer::available(), "python3 with aiosmtpd");
    let port = free_port();
    let peer = SmtpPeer::start_losing_first_acks(port, tempfile::tempdir().unwrap()).await;
    let app = spawn_app_with(|c| {
        c.mail_delivery = MailDelivery::Smtp(format!("smtp://127.0.0.1:{port}"))
    })
    .await;

    // Act: two messages; the server keeps each at once, but its first answer is lost.
    for n in 0..2 {
        outbox::enqueue(&app.db, &email(&format!("person{n}@example.org"), n))
            .await
            .unwrap();
    }
    wait_until(
        async || {
            let rows = outbox_message::Entity::find().all(&app.db).await.unwrap();
            rows.iter().all(|r| r.sent_at.is_some())
        },
        "delivery on the second attempt",
    )
    .await;

    // Assert: the server holds two copies of each, and each pair has one Message-ID, the
    // one made from its row.
    let rows = outbox_message::Entity::find().all(&app.db).await.unwrap();
    assert!(rows.iter().all(|r| r.attempts == 2), "{rows:?}");
    let copies = peer.received_raw();
    assert_eq!(copies.len(), 4);
    for row in &rows {
        let expected = expected_message_id(row);
        let of_row: Vec<&Vec<u8>> = copies
            .iter()
            .filter(|raw| parse_email(raw).subject == row.subject)
            .collect();
        assert_eq!(of_row.len(), 2, "{}", row.subject);
        for raw in of_row {
            assert_eq!(message_id_of(raw).as_deref(), Some(expected.as_str()));
        }
    }
}
