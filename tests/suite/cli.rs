//! The `spectra` command line.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::helpers::{PASSWORD, TestDb};

fn spectra() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spectra"))
}

#[test]
fn help_lists_the_commands_and_every_variable() {
    let output = spectra().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&output.stdout);

    assert!(output.status.success());
    for word in [
        "serve",
        "migrate",
        "create-user",
        "demo",
        "DATABASE_URL",
        "BIND_ADDR",
        "BASE_URL",
        "SMTP_URL",
        "MAIL_FROM",
        "RUST_LOG",
    ] {
        assert!(help.contains(word), "--help lacks {word}");
    }
    let migrate = spectra().args(["migrate", "--help"]).output().unwrap();
    let migrate = String::from_utf8_lossy(&migrate.stdout);
    for word in ["up", "down", "status"] {
        assert!(migrate.contains(word));
    }
}

#[test]
fn a_bad_setting_stops_start_up_naming_the_variable() {
    for (variable, value) in [
        ("BIND_ADDR", "nonsense"),
        ("BASE_URL", "ftp://x"),
        ("SMTP_URL", "not a url"),
        ("DATABASE_URL", "mysql://x"),
    ] {
        let output = spectra()
            .arg("migrate")
            .arg("status")
            .env(variable, value)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{variable}={value} should fail");
        assert!(stderr.contains(variable), "{variable}: {stderr}");
    }
}

#[tokio::test]
async fn create_user_makes_the_first_admin_and_migrate_reports_status() {
    let db = TestDb::new().await;

    let mut child = spectra()
        .args([
            "create-user",
            "--email",
            "First.Admin@example.org",
            "--name",
            "First Admin",
        ])
        .env("DATABASE_URL", &db.url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let conn = spectra::db::connect(&db.url).await.unwrap();
    let user = spectra::db::users::find_by_email(&conn, "first.admin@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        spectra::db::users::roles_of(&conn, user.id).await.unwrap(),
        vec![spectra::domain::Role::Admin]
    );
    assert!(
        spectra::auth::password::verify(PASSWORD.into(), Some(user.password_hash))
            .await
            .unwrap()
    );
    conn.close().await.unwrap();

    let status = spectra()
        .args(["migrate", "status"])
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&status.stdout);
    assert!(
        listing.contains("m20261123_000001_create_organisations") && listing.contains("Applied"),
        "{listing}"
    );

    let again = spectra()
        .args([
            "create-user",
            "--email",
            "first.admin@example.org",
            "--name",
            "Again",
        ])
        .env("DATABASE_URL", &db.url)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}
