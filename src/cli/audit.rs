//! `spectra audit verify [--anchor HASH]` and `spectra db grant-app-role ROLE`: checking the
//! audit log's hash chain, and setting up the service's own database role (issue 22).

use std::process::ExitCode;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};

use crate::config::Config;
use crate::db;
use crate::domain::audit_chain::Intact;
use crate::domain::database_role::RoleName;
use crate::services::audit_chain::{self, Verdict};
use crate::services::database_roles;

/// The exit code when the chain is broken, or the anchor is not in it.
pub const EXIT_BROKEN: u8 = 1;

/// The exit code when the log could not be checked (no database, migrations pending).
pub const EXIT_CANNOT_CHECK: u8 = 2;

/// Checks the chain with `DATABASE_URL`, writing nothing, and prints what it found: exit code
/// 0 when intact (and holding the anchor, if one was given), 1 when broken, 2 when it could
/// not check.
pub async fn verify(anchor: Option<&str>) -> ExitCode {
    match check(anchor).await {
        Ok((lines, intact)) => {
            for line in lines {
                println!("{line}");
            }
            if intact {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_BROKEN)
            }
        }
        Err(e) => {
            eprintln!("spectra: cannot check the audit log: {e:#}");
            ExitCode::from(EXIT_CANNOT_CHECK)
        }
    }
}

/// The report's lines, and whether the log passed.
async fn check(anchor: Option<&str>) -> anyhow::Result<(Vec<String>, bool)> {
    let config = Config::from_env()?;
    let db = db::connect(&config.database_url)
        .await
        .context("cannot open the database (DATABASE_URL)")?;
    let pending = Migrator::get_pending_migrations_read_only(&db)
        .await
        .context("cannot read which migrations are applied")?;
    if !pending.is_empty() {
        anyhow::bail!(
            "{} migrations are not applied yet: run `spectra migrate up` first",
            pending.len()
        );
    }
    let verdict = audit_chain::verify(&db, anchor).await?;
    db.close().await?;
    Ok(report(&verdict, anchor))
}

/// What to print for a verdict, and whether it passed.
pub fn report(verdict: &Verdict, anchor: Option<&str>) -> (Vec<String>, bool) {
    match verdict {
        Verdict::Broken { linked, broken } => (
            vec![
                format!(
                    "BROKEN at event {}: it looks {}. {}.",
                    broken.event_id,
                    broken.kind.as_str(),
                    capitalised(&broken.reason)
                ),
                format!("Events linked before the break: {linked}."),
            ],
            false,
        ),
        Verdict::Intact(intact) => intact_report(intact, anchor),
    }
}

fn intact_report(intact: &Intact, anchor: Option<&str>) -> (Vec<String>, bool) {
    let Some(head) = &intact.head else {
        let mut lines = vec!["OK: the audit log has no events yet.".to_owned()];
        if anchor.is_some() {
            lines.push("BROKEN: the anchor is not in the log, which is empty.".to_owned());
            return (lines, false);
        }
        return (lines, true);
    };
    let mut lines = vec![
        if intact.count == 1 {
            "OK: 1 event, which starts the chain and matches its hash.".to_owned()
        } else {
            format!(
                "OK: {} events, each linked to the one before it and matching its hash.",
                intact.count
            )
        },
        format!("Head: event {}, hash {}", head.id, head.hash),
        "Keep the head hash somewhere this service cannot write; `spectra audit verify --anchor HASH` later checks the log still holds it.".to_owned(),
    ];
    match (anchor, intact.anchor_at) {
        (None, _) => (lines, true),
        (Some(_), Some(id)) => {
            lines.push(format!(
                "Anchor: event {id} has the hash given, so nothing up to it has changed since it was recorded."
            ));
            (lines, true)
        }
        (Some(_), None) => {
            lines.push("BROKEN: no event has the anchor hash given: events up to it were changed or deleted after it was recorded (or it is from another database).".to_owned());
            (lines, false)
        }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// Applies pending migrations and grants `role` the rights of the service, as the schema's
/// owner (`MIGRATION_DATABASE_URL`, or `DATABASE_URL` when it is unset). Postgres only.
pub async fn grant_app_role(config: &Config, role: &str) -> anyhow::Result<()> {
    let role = RoleName::parse(role).map_err(anyhow::Error::msg)?;
    let url = config.migration_url();
    if url.starts_with("sqlite:") {
        anyhow::bail!(
            "db grant-app-role is for Postgres: SQLite has no roles (protect the file instead)"
        );
    }
    let owner = db::connect(url)
        .await
        .context("cannot open the database as its owner")?;
    Migrator::up(&owner, None)
        .await
        .context("cannot apply migrations")?;
    let granted = database_roles::grant_app_role(&owner, &role).await?;
    owner.close().await?;
    let granted = granted.map_err(anyhow::Error::new)?;
    println!(
        "Granted {} what the service needs in {}.{} (run as the owner):",
        role.as_str(),
        granted.database,
        granted.schema
    );
    for statement in &granted.statements {
        println!("  {statement};");
    }
    println!(
        "It owns nothing, so it cannot alter, drop or truncate a table or switch off a trigger; it may only read and add to audit_events."
    );
    if granted.public_may_create {
        println!(
            "WARNING: every role may still create tables in {} (Postgres 14 and older allow it by default). As the owner, run: REVOKE CREATE ON SCHEMA {} FROM PUBLIC;",
            granted.schema, granted.schema
        );
    }
    Ok(())
}
