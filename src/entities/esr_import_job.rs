//! The import of a kept ESR extract, run in the background in batches (issue 22). Holds counts
//! only, and the problems of the rows it could not import.

use sea_orm::entity::prelude::*;

/// A row of `esr_import_jobs`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "esr_import_jobs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Who started it: the only one who sees it, and the actor of its audit event.
    pub user_id: Option<i32>,
    /// The kept file; none once the import is over (the file is deleted).
    pub upload_id: Option<i32>,
    pub status: crate::domain::esr_import::JobStatus,
    /// The fingerprint of the plan the person previewed.
    pub expected_fingerprint: String,
    /// The date of the import, which decides which checkpoints have fallen due.
    pub import_date: TimeDate,
    /// Rows in the file.
    pub total_rows: i32,
    /// Rows to write: marked care experienced, with an assignment number.
    pub stored_rows: i32,
    /// Of those, how many are written.
    pub processed_rows: i32,
    pub created: i32,
    pub updated: i32,
    pub closed: i32,
    pub proved_in_post: i32,
    pub unchanged: i32,
    pub kept: i32,
    pub not_care_experienced: i32,
    pub unnumbered: i32,
    pub failure: Option<crate::domain::esr_import::Failure>,
    /// The problems of rows that could not be imported, one a line.
    pub problems: Option<String>,
    /// The worker that holds the job, while it runs.
    pub claimed_by: Option<String>,
    pub lease_until: Option<TimeDateTimeWithTimeZone>,
    /// Claims in a row that wrote no batch.
    pub attempts: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub started_at: Option<TimeDateTimeWithTimeZone>,
    pub finished_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
