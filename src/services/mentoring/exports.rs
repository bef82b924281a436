//! The coordinator's spreadsheet downloads. Reading personal data out of the service is
//! audited, though nothing changes.

use sea_orm::DatabaseTransaction;
use serde_json::json;

use crate::db::audit::{self, AuditAction};
use crate::db::mentoring::registry as reg;
use crate::domain::audit_subject::AuditSubject;
use crate::domain::mentoring::files::{self, MenteeRecord, MentorRecord};
use crate::domain::mentoring::import::Sheet;
use crate::services::Actor;

/// A spreadsheet to download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    /// Which spreadsheet.
    pub sheet: Sheet,
    /// Its text, in CSV.
    pub body: String,
}

/// The coordinator downloads one spreadsheet: every mentor, every approved student, or every
/// pair never to be matched. The download is audited with its number of rows.
pub async fn export(
    txn: &DatabaseTransaction,
    coordinator: Actor<'_>,
    sheet: Sheet,
) -> anyhow::Result<Export> {
    let (rows, body) = match sheet {
        Sheet::Mentors => {
            let records: Vec<MentorRecord> = reg::mentors(txn)
                .await?
                .iter()
                .map(reg::mentor_record)
                .collect::<Result<_, _>>()?;
            (records.len(), files::write_mentors(&records)?)
        }
        Sheet::Mentees => {
            let records: Vec<MenteeRecord> = reg::approved_mentees(txn)
                .await?
                .iter()
                .map(reg::mentee_record)
                .collect::<Result<_, _>>()?;
            (records.len(), files::write_mentees(&records)?)
        }
        Sheet::Exclusions => {
            let records = reg::exclusion_records(txn).await?;
            (records.len(), files::write_exclusions(&records)?)
        }
    };
    audit::record(
        txn,
        Some(coordinator.id),
        AuditAction::MentoringExported,
        &AuditSubject::Mentoring(sheet.into()),
        json!({ "file": sheet.as_str(), "rows": rows }),
    )
    .await?;
    Ok(Export { sheet, body })
}
