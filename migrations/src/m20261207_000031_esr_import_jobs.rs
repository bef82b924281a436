use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000002_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Large ESR extracts as background work (issue 22). An uploaded extract is kept on the server
/// between its preview and its import (for the person who uploaded it only, a day at most), and
/// the import runs as a job in batches, with its status and progress counts.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EsrUploads::Table)
                    .col(pk_auto(EsrUploads::Id))
                    .col(integer(EsrUploads::UserId))
                    .col(string_len(EsrUploads::Sha256, 64))
                    .col(blob(EsrUploads::Content))
                    .col(integer(EsrUploads::SizeBytes))
                    .col(integer(EsrUploads::Rows))
                    .col(timestamp_with_time_zone(EsrUploads::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(EsrUploads::Table, EsrUploads::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("esr_uploads_user")
                    .table(EsrUploads::Table)
                    .col(EsrUploads::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EsrImportJobs::Table)
                    .col(pk_auto(EsrImportJobs::Id))
                    .col(integer_null(EsrImportJobs::UserId))
                    .col(integer_null(EsrImportJobs::UploadId))
                    .col(string_len(EsrImportJobs::Status, 10))
                    .col(string_len(EsrImportJobs::ExpectedFingerprint, 64))
                    .col(date(EsrImportJobs::ImportDate))
                    .col(integer(EsrImportJobs::TotalRows).default(0))
                    .col(integer(EsrImportJobs::StoredRows).default(0))
                    .col(integer(EsrImportJobs::ProcessedRows).default(0))
                    .col(integer(EsrImportJobs::Created).default(0))
                    .col(integer(EsrImportJobs::Updated).default(0))
                    .col(integer(EsrImportJobs::Closed).default(0))
                    .col(integer(EsrImportJobs::ProvedInPost).default(0))
                    .col(integer(EsrImportJobs::Unchanged).default(0))
                    .col(integer(EsrImportJobs::Kept).default(0))
                    .col(integer(EsrImportJobs::NotCareExperienced).default(0))
                    .col(integer(EsrImportJobs::Unnumbered).default(0))
                    .col(string_len_null(EsrImportJobs::Failure, 20))
                    .col(text_null(EsrImportJobs::Problems))
                    .col(string_len_null(EsrImportJobs::ClaimedBy, 64))
                    .col(timestamp_with_time_zone_null(EsrImportJobs::LeaseUntil))
                    .col(integer(EsrImportJobs::Attempts).default(0))
                    .col(timestamp_with_time_zone(EsrImportJobs::CreatedAt))
                    .col(timestamp_with_time_zone_null(EsrImportJobs::StartedAt))
                    .col(timestamp_with_time_zone_null(EsrImportJobs::FinishedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(EsrImportJobs::Table, EsrImportJobs::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(EsrImportJobs::Table, EsrImportJobs::UploadId)
                            .to(EsrUploads::Table, EsrUploads::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("esr_import_jobs_status")
                    .table(EsrImportJobs::Table)
                    .col(EsrImportJobs::Status)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("esr_import_jobs_user")
                    .table(EsrImportJobs::Table)
                    .col(EsrImportJobs::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("esr_import_jobs_upload")
                    .table(EsrImportJobs::Table)
                    .col(EsrImportJobs::UploadId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(EsrImportJobs::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(EsrUploads::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum EsrUploads {
    Table,
    Id,
    UserId,
    Sha256,
    Content,
    SizeBytes,
    Rows,
    CreatedAt,
}

#[derive(DeriveIden)]
enum EsrImportJobs {
    Table,
    Id,
    UserId,
    UploadId,
    Status,
    ExpectedFingerprint,
    ImportDate,
    TotalRows,
    StoredRows,
    ProcessedRows,
    Created,
    Updated,
    Closed,
    ProvedInPost,
    Unchanged,
    Kept,
    NotCareExperienced,
    Unnumbered,
    Failure,
    Problems,
    ClaimedBy,
    LeaseUntil,
    Attempts,
    CreatedAt,
    StartedAt,
    FinishedAt,
}
