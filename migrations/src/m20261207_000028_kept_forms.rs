use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000002_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Typed work is never lost to a timeout (issue 21): a browser is bound to the account that
/// signed in on it (only the SHA-256 of the cookie's token is stored), and a form sent after
/// that account's session ended is kept for the same account in the same browser, for a day.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(BrowserBindings::Table)
                    .col(string_len(BrowserBindings::TokenHash, 64).primary_key())
                    .col(integer(BrowserBindings::UserId))
                    .col(timestamp_with_time_zone(BrowserBindings::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(BrowserBindings::Table, BrowserBindings::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(KeptForms::Table)
                    .col(pk_auto(KeptForms::Id))
                    .col(integer(KeptForms::UserId))
                    .col(string_len(KeptForms::BindingHash, 64))
                    .col(string_len(KeptForms::Path, 400))
                    .col(text(KeptForms::Body))
                    .col(timestamp_with_time_zone(KeptForms::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(KeptForms::Table, KeptForms::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("kept_forms_one_per_page")
                    .table(KeptForms::Table)
                    .col(KeptForms::UserId)
                    .col(KeptForms::BindingHash)
                    .col(KeptForms::Path)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(KeptForms::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(BrowserBindings::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum BrowserBindings {
    Table,
    TokenHash,
    UserId,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum KeptForms {
    Table,
    Id,
    UserId,
    BindingHash,
    Path,
    Body,
    CreatedAt,
}
