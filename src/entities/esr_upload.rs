//! An ESR extract uploaded and checked, kept for its import (issue 22): for the person who
//! uploaded it only, and a day at most. The content is personal data: never logged.

use sea_orm::entity::prelude::*;

/// A row of `esr_uploads`.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "esr_uploads")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Who uploaded it: the only one who may see or import it.
    pub user_id: i32,
    /// The SHA-256 of the content, hex.
    pub sha256: String,
    /// The file as uploaded (UTF-8 text, checked).
    #[sea_orm(column_type = "Blob")]
    pub content: Vec<u8>,
    pub size_bytes: i32,
    /// Its lines after the column names.
    pub rows: i32,
    pub created_at: TimeDateTimeWithTimeZone,
}

impl std::fmt::Debug for Model {
    /// Everything but the content, so a stray `{:?}` cannot log it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EsrUpload")
            .field("id", &self.id)
            .field("user_id", &self.user_id)
            .field("sha256", &self.sha256)
            .field("size_bytes", &self.size_bytes)
            .field("rows", &self.rows)
            .finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
