//! `spectra esr import FILE [--dry-run]`: the ESR extract import from the command line.
//!
//! Prints what the file changes (the counts, then one line per change: `create`, `update`,
//! `close`, and `kept` for endings the file disagrees with), then imports it, unless
//! `--dry-run`, which writes nothing. A file that cannot be read, or has bad rows, lists each
//! problem on standard error as `FILE:LINE: reason` and exits with code 2, writing nothing.
//! The import is audited with no actor, as the command line has no signed-in user.

use std::path::Path;
use std::process::ExitCode;

use sea_orm::TransactionTrait;

use crate::config::Config;
use crate::domain::esr::BadRow;
use crate::domain::london_time;
use crate::server;
use crate::services::esr::{self as service, EsrRefusal};

/// The exit code when the file is missing, unreadable or has bad rows.
pub const EXIT_BAD_INPUT: u8 = 2;

/// Why the command stopped.
enum Stop {
    /// The file is missing or bad: each line to print.
    BadInput(Vec<String>),
    /// Anything else.
    Fault(anyhow::Error),
}

impl From<anyhow::Error> for Stop {
    fn from(e: anyhow::Error) -> Self {
        Stop::Fault(e)
    }
}

impl From<sea_orm::DbErr> for Stop {
    fn from(e: sea_orm::DbErr) -> Self {
        Stop::Fault(e.into())
    }
}

/// Runs `spectra esr import`.
pub async fn import(file: &Path, dry_run: bool) -> ExitCode {
    match import_file(file, dry_run).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(Stop::BadInput(lines)) => {
            for line in lines {
                eprintln!("{line}");
            }
            ExitCode::from(EXIT_BAD_INPUT)
        }
        Err(Stop::Fault(e)) => {
            eprintln!("spectra: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Each bad row as `FILE:LINE: reason`.
pub fn bad_lines(file: &str, bad: &[BadRow]) -> Vec<String> {
    bad.iter()
        .map(|b| format!("{file}:{}: {}", b.line, b.reason))
        .collect()
}

async fn import_file(file: &Path, dry_run: bool) -> Result<(), Stop> {
    let name = file.display().to_string();
    let bytes = std::fs::read(file)
        .map_err(|e| Stop::BadInput(vec![format!("{name}: cannot be read: {e}")]))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Stop::BadInput(vec![format!("{name}: is not a CSV file saved as UTF-8")]))?;
    let today = london_time::from_utc(crate::db::now()).date();
    let config = Config::from_env().map_err(anyhow::Error::from)?;
    let db = server::prepare_database(&config).await?;
    let rows = service::check_file(&db, &text, today)
        .await?
        .map_err(|bad| Stop::BadInput(bad_lines(&name, &bad)))?;
    let plan = match service::preview(&db, &rows, today).await? {
        Ok(plan) => plan,
        Err(EsrRefusal::BadRows(bad)) => return Err(Stop::BadInput(bad_lines(&name, &bad))),
        Err(EsrRefusal::PlanChanged(_)) => {
            return Err(Stop::Fault(anyhow::anyhow!(
                "the plan changed while making it"
            )));
        }
    };
    println!("{}", plan.summary());
    for line in plan.lines() {
        println!("{line}");
    }
    if dry_run {
        println!("Dry run: nothing was written.");
        return Ok(());
    }
    let txn = db.begin().await?;
    match service::import(&txn, None, &rows, today, Some(&plan.fingerprint())).await? {
        Ok(summary) => {
            txn.commit().await?;
            println!(
                "Imported: {} created, {} updated, {} closed, {} unchanged.",
                summary.created, summary.updated, summary.closed, summary.unchanged
            );
            Ok(())
        }
        Err(EsrRefusal::BadRows(bad)) => {
            txn.rollback().await?;
            Err(Stop::BadInput(bad_lines(&name, &bad)))
        }
        Err(EsrRefusal::PlanChanged(_)) => {
            txn.rollback().await?;
            Err(Stop::Fault(anyhow::anyhow!(
                "the stored records changed while importing, so nothing was written: run the command again"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_rows_name_the_file_and_line() {
        let bad = [BadRow {
            line: 3,
            reason: "band \"10\" is not an Agenda for Change band".into(),
        }];
        assert_eq!(
            bad_lines("extract.csv", &bad),
            ["extract.csv:3: band \"10\" is not an Agenda for Change band"]
        );
    }
}
