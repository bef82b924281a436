use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// What kind of email a message is, for the emails anyone can ask for (a reset link, a
/// confirmation link, "you already have an account"), so that those sent to one address in
/// the last hour can be counted and limited. Other messages leave it empty.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(OutboxMessages::Table)
                    .add_column(string_len_null(OutboxMessages::Kind, 40))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_recipient_kind")
                    .table(OutboxMessages::Table)
                    .col(OutboxMessages::ToAddress)
                    .col(OutboxMessages::Kind)
                    .col(OutboxMessages::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_outbox_recipient_kind")
                    .table(OutboxMessages::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(OutboxMessages::Table)
                    .drop_column(OutboxMessages::Kind)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum OutboxMessages {
    Table,
    ToAddress,
    Kind,
    CreatedAt,
}
