//! The audit log's hash chain (issue 22): `spectra audit verify` says OK, with the count and
//! the head hash, for a log the service wrote, and finds an edited, a deleted and an inserted
//! event, each tampered with as the database's owner with the append-only triggers off (what
//! an attacker with owner rights could do); events chain in one order however many
//! transactions audit at once; and events logged before the chain existed are chained by its
//! migration.

use std::process::{Command, Output};

use migration::{Migrator, MigratorTrait};
use sea_orm::sea_query::{Alias, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbBackend,
    EntityTrait, QueryOrder, TransactionTrait,
};
use spectra::config::Config;
use spectra::db::audit::{self, AuditAction};
use spectra::domain::Role;
use spectra::domain::audit_chain::{self, Tampering};
use spectra::entities::audit_event;
use spectra::services::audit_chain::{Verdict, verify};

use crate::helpers::{PASSWORD, TestApp, TestDb, spawn_app};

/// Runs `spectra audit verify` against the app's database.
fn verify_cli(app: &TestApp, extra: &[&str]) -> (Output, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_spectra"))
        .args(["audit", "verify"])
        .args(extra)
        .env("DATABASE_URL", app.database_url())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    (output, stdout)
}

/// Every event, oldest first.
async fn events(db: &DatabaseConnection) -> Vec<audit_event::Model> {
    audit_event::Entity::find()
        .order_by_asc(audit_event::Column::Id)
        .all(db)
        .await
        .unwrap()
}

/// Records `n` events as the service does, each in its own transaction.
async fn record_events(db: &DatabaseConnection, n: i32) {
    for i in 1..=n {
        let txn = db.begin().await.unwrap();
        audit::record(
            &txn,
            Some(i),
            AuditAction::RolesChanged,
            &spectra::domain::audit_subject::AuditSubject::User(i),
            serde_json::json!({ "roles": "hiring_manager" }),
        )
        .await
        .unwrap();
        txn.commit().await.unwrap();
    }
}

/// Runs `sql` as the database's owner with the audit log's append-only triggers switched off
/// (Postgres) or dropped (SQLite): what someone with the owner's rights could do.
async fn tamper(db: &DatabaseConnection, sql: &str) {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let txn = db.begin().await.unwrap();
            txn.execute_unprepared("ALTER TABLE audit_events DISABLE TRIGGER USER")
                .await
                .unwrap();
            txn.execute_unprepared(sql).await.unwrap();
            txn.execute_unprepared("ALTER TABLE audit_events ENABLE TRIGGER USER")
                .await
                .unwrap();
            txn.commit().await.unwrap();
        }
        _ => {
            db.execute_unprepared(
                "DROP TRIGGER IF EXISTS audit_events_no_update; \
                 DROP TRIGGER IF EXISTS audit_events_no_delete;",
            )
            .await
            .unwrap();
            db.execute_unprepared(sql).await.unwrap();
        }
    }
}

/// Asserts the command found a break at `event_id` of `kind`, and exited with 1.
fn assert_broken(app: &TestApp, event_id: i64, kind: &str) -> String {
    let (output, stdout) = verify_cli(app, &[]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.starts_with(&format!("BROKEN at event {event_id}: it looks {kind}.")),
        "{stdout}"
    );
    stdout
}

#[tokio::test]
async fn an_intact_log_verifies_ok_with_its_count_and_head_hash() {
    // Arrange: events written by the service, over HTTP and in its transactions.
    let app = spawn_app().await;
    app.create_user("admin@example.org", &[Role::Admin], None)
        .await;
    let admin = app.new_client();
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
    assert_eq!(added.status().as_u16(), 303);
    record_events(&app.db, 3).await;
    let stored = events(&app.db).await;
    assert_eq!(stored.len(), 5);
    assert_eq!(
        stored.iter().map(|e| e.id).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5],
        "consecutive IDs"
    );
    assert_eq!(stored[0].prev_hash, audit_chain::GENESIS);
    for pair in stored.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash);
    }

    // Act
    let (output, stdout) = verify_cli(&app, &[]);

    // Assert
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.starts_with("OK: 5 events, each linked to the one before it"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("Head: event 5, hash {}", stored[4].hash)),
        "{stdout}"
    );

    // A head recorded earlier is still in the log; a hash that never was fails the check.
    let (output, stdout) = verify_cli(&app, &["--anchor", &stored[1].hash]);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("Anchor: event 2 has the hash given"),
        "{stdout}"
    );
    let (output, stdout) = verify_cli(&app, &["--anchor", &"ab".repeat(32)]);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("BROKEN: no event has the anchor hash"),
        "{stdout}"
    );
}

#[tokio::test]
async fn an_edited_event_is_found() {
    // Arrange
    let app = spawn_app().await;
    record_events(&app.db, 4).await;

    // Act: the owner changes what event 2 says.
    tamper(
        &app.db,
        "UPDATE audit_events SET details = '{\"roles\":\"admin\"}' WHERE id = 2",
    )
    .await;

    // Assert
    let stdout = assert_broken(&app, 2, "edited");
    assert!(
        stdout.contains("Events linked before the break: 1."),
        "{stdout}"
    );

    // Working its hash out again does not hide it: event 3 still links to the old hash.
    let edited = events(&app.db).await.remove(1);
    let rehashed = audit_chain::hash(
        &edited.prev_hash,
        &audit_chain::Content {
            id: edited.id,
            created_at: edited.created_at,
            actor_user_id: edited.actor_user_id,
            action: &edited.action,
            subject: &edited.subject,
            details: &edited.details,
        },
    );
    tamper(
        &app.db,
        &format!("UPDATE audit_events SET hash = '{rehashed}' WHERE id = 2"),
    )
    .await;
    let stdout = assert_broken(&app, 2, "edited");
    assert!(
        stdout.contains("Event 3 links to a hash event 2 no longer has"),
        "{stdout}"
    );
}

#[tokio::test]
async fn a_deleted_event_is_found() {
    // Arrange
    let app = spawn_app().await;
    record_events(&app.db, 4).await;

    // Act
    tamper(&app.db, "DELETE FROM audit_events WHERE id = 2").await;

    // Assert
    let stdout = assert_broken(&app, 3, "deleted");
    assert!(stdout.contains("event 2 is missing"), "{stdout}");
}

#[tokio::test]
async fn an_inserted_event_is_found() {
    // Arrange
    let app = spawn_app().await;
    record_events(&app.db, 4).await;
    let stored = events(&app.db).await;

    // Act: the owner adds an event, hashed by the published rule, claiming to follow event 2
    // (as if it had happened then).
    insert_forged(&app.db, 5, &stored[1].hash, stored[1].created_at).await;

    // Assert
    let stdout = assert_broken(&app, 5, "inserted");
    assert!(stdout.contains("links to event 2"), "{stdout}");

    // And one put before the first event.
    tamper(&app.db, "DELETE FROM audit_events WHERE id = 5").await;
    insert_forged(&app.db, 0, audit_chain::GENESIS, stored[0].created_at).await;
    assert_broken(&app, 0, "inserted");
}

/// Inserts, as the owner, an event that says an administrator was given to user 99, correctly
/// hashed over `prev_hash`.
async fn insert_forged(
    db: &DatabaseConnection,
    id: i64,
    prev_hash: &str,
    at: time::OffsetDateTime,
) {
    let details = "{\"roles\":\"admin\"}";
    let hash = audit_chain::hash(
        prev_hash,
        &audit_chain::Content {
            id,
            created_at: at,
            actor_user_id: Some(1),
            action: "roles_changed",
            subject: "user:99",
            details,
        },
    );
    audit_event::ActiveModel {
        id: Set(id),
        actor_user_id: Set(Some(1)),
        action: Set("roles_changed".into()),
        subject: Set("user:99".into()),
        details: Set(details.into()),
        created_at: Set(at),
        prev_hash: Set(prev_hash.into()),
        hash: Set(hash),
    }
    .insert(db)
    .await
    .unwrap();
}

/// On Postgres, transactions that audit at the same time take turns (an advisory lock), so
/// each event links to the one committed before it; without the lock two would read the same
/// newest event and the second would fail on its ID. SQLite has one writer anyway.
#[tokio::test]
async fn events_audited_at_once_chain_in_one_order() {
    // Arrange
    let app = spawn_app().await;

    // Act: 24 transactions, each auditing, then doing more work before it commits.
    let mut tasks = Vec::new();
    for i in 0..24 {
        let db = app.db.clone();
        tasks.push(tokio::spawn(async move {
            let txn = db.begin().await?;
            audit::record(
                &txn,
                Some(i),
                AuditAction::SignedIn,
                &spectra::domain::audit_subject::AuditSubject::User(i),
                serde_json::json!({}),
            )
            .await?;
            txn.query_one_raw(sea_orm::Statement::from_string(
                txn.get_database_backend(),
                "SELECT COUNT(*) AS n FROM users",
            ))
            .await?;
            txn.commit().await
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }

    // Assert
    let stored = events(&app.db).await;
    assert_eq!(
        stored.iter().map(|e| e.id).collect::<Vec<_>>(),
        (1..=24).collect::<Vec<i64>>()
    );
    match verify(&app.db, None).await.unwrap() {
        Verdict::Intact(intact) => assert_eq!(intact.count, 24),
        Verdict::Broken { broken, .. } => panic!("{broken:?}"),
    }
}

/// The events already in a log when the chain arrives are chained by its migration (000032),
/// gaps in their IDs and all, and new events carry on from them. The append-only trigger the
/// migration switched off for the purpose is back.
#[tokio::test]
async fn events_logged_before_the_chain_are_chained_by_its_migration() {
    // Arrange: a database as it was just before migration 000032, with three events, their
    // IDs with a gap as a rolled-back transaction leaves on Postgres.
    let test_db = TestDb::new().await;
    let db = spectra::db::connect(&test_db.url).await.unwrap();
    let before = Migrator::migrations()
        .iter()
        .position(|m| m.name().contains("_000032_"))
        .unwrap();
    Migrator::up(&db, Some(u32::try_from(before).unwrap()))
        .await
        .unwrap();
    let at = time::macros::datetime!(2026-12-01 09:30:00.250001 UTC);
    for (id, actor, subject) in [
        (1, None, "user:1"),
        (2, Some(1), "user:2"),
        (5, Some(2), "vacancy:3"),
    ] {
        let actor: Option<i32> = actor;
        db.execute(
            &Query::insert()
                .into_table(Alias::new("audit_events"))
                .columns(
                    [
                        "id",
                        "actor_user_id",
                        "action",
                        "subject",
                        "details",
                        "created_at",
                    ]
                    .map(Alias::new),
                )
                .values_panic([
                    id.into(),
                    actor.into(),
                    "roles_changed".into(),
                    subject.into(),
                    "{\"roles\":\"admin\"}".into(),
                    (at + time::Duration::seconds(id)).into(),
                ])
                .to_owned(),
        )
        .await
        .unwrap();
    }

    // Act
    let config =
        Config::from_lookup(|name| (name == "DATABASE_URL").then(|| test_db.url.clone())).unwrap();
    let db = spectra::server::prepare_database(&config).await.unwrap();

    // Assert: the old events verify, and a new one follows on from the last.
    match verify(&db, None).await.unwrap() {
        Verdict::Intact(intact) => assert_eq!(intact.count, 3),
        Verdict::Broken { broken, .. } => panic!("{broken:?}"),
    }
    record_events(&db, 1).await;
    let stored = events(&db).await;
    assert_eq!(
        stored.iter().map(|e| e.id).collect::<Vec<_>>(),
        [1, 2, 5, 6]
    );
    assert_eq!(stored[3].prev_hash, stored[2].hash);
    match verify(&db, None).await.unwrap() {
        Verdict::Intact(intact) => assert_eq!(intact.count, 4),
        Verdict::Broken { broken, .. } => panic!("{broken:?}"),
    }
    let refused = db
        .execute_unprepared("UPDATE audit_events SET details = '{}'")
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("append-only"), "{refused}");
    // The migration's frozen copy of the hash and the service's agree: an edit is found.
    tamper(
        &db,
        "UPDATE audit_events SET subject = 'user:3' WHERE id = 2",
    )
    .await;
    match verify(&db, None).await.unwrap() {
        Verdict::Broken { broken, linked } => {
            assert_eq!(
                (broken.event_id, broken.kind, linked),
                (2, Tampering::Edited, 1)
            );
        }
        Verdict::Intact(intact) => panic!("{intact:?}"),
    }
}
