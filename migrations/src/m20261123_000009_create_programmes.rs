use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Programmes::Table)
                    .col(pk_auto(Programmes::Id))
                    .col(string_len_uniq(Programmes::Name, 200))
                    .col(text(Programmes::Description))
                    .col(integer(Programmes::TargetHires))
                    // "statutory_care_leaver" or "care_experienced" (DOMAIN.md §3).
                    .col(string_len(Programmes::CareDefinition, 32))
                    .col(string_len(Programmes::ContactName, 200))
                    .col(string_len(Programmes::ContactRole, 200))
                    .col(string_len(Programmes::ContactEmail, 254))
                    .col(string_len(Programmes::ContactPhone, 40))
                    .col(timestamp_with_time_zone(Programmes::CreatedAt))
                    .col(timestamp_with_time_zone(Programmes::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Programmes::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Programmes {
    Table,
    Id,
    Name,
    Description,
    TargetHires,
    CareDefinition,
    ContactName,
    ContactRole,
    ContactEmail,
    ContactPhone,
    CreatedAt,
    UpdatedAt,
}
