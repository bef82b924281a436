//! Downloads of the dashboard's tables: each is audited (DOMAIN.md §9 asks it of every
//! export), with the filters it was made with.

use sea_orm::{DatabaseTransaction, DbErr};
use serde_json::json;

use crate::db::audit::{self, AuditAction};
use crate::db::reports::ReportFilter;
use crate::domain::audit_subject::AuditSubject;
use crate::services::Actor;

/// Records that `exporter` downloaded the table `table` (its name) of the `kind` given ("for
/// sharing" or "exact"), narrowed by `filter`.
pub async fn record(
    txn: &DatabaseTransaction,
    exporter: Actor<'_>,
    table: &str,
    kind: &str,
    filter: &ReportFilter,
) -> Result<(), DbErr> {
    audit::record(
        txn,
        Some(exporter.id),
        AuditAction::ReportExported,
        &AuditSubject::Dashboard(table.to_owned()),
        json!({
            "kind": kind,
            "organisation": filter.organisation_id,
            "programme": filter.programme_id,
            "no_programme": filter.no_programme,
            "from": filter.from.map(|d| d.to_string()),
            "to": filter.to.map(|d| d.to_string()),
        }),
    )
    .await
}
