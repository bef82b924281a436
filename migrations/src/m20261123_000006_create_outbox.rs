use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OutboxMessages::Table)
                    .col(big_pk_auto(OutboxMessages::Id))
                    .col(string_len(OutboxMessages::ToAddress, 254))
                    .col(string_len(OutboxMessages::Subject, 300))
                    .col(text(OutboxMessages::BodyText))
                    .col(text(OutboxMessages::BodyHtml))
                    .col(integer(OutboxMessages::Attempts).default(0))
                    .col(timestamp_with_time_zone(OutboxMessages::NextAttemptAt))
                    // A worker that claims a message leases it until then; another may take it after.
                    .col(timestamp_with_time_zone_null(OutboxMessages::LockedUntil))
                    .col(text_null(OutboxMessages::LastError))
                    .col(timestamp_with_time_zone_null(OutboxMessages::SentAt))
                    // Set when the mail server refused the message for good (a 5xx reply).
                    .col(timestamp_with_time_zone_null(OutboxMessages::FailedAt))
                    .col(timestamp_with_time_zone(OutboxMessages::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_due")
                    .table(OutboxMessages::Table)
                    .col(OutboxMessages::SentAt)
                    .col(OutboxMessages::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OutboxMessages::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum OutboxMessages {
    Table,
    Id,
    ToAddress,
    Subject,
    BodyText,
    BodyHtml,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    LastError,
    SentAt,
    FailedAt,
    CreatedAt,
}
