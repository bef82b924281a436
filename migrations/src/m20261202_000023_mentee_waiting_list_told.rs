use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// When a student left without a mentor by a confirmed round was told they are on the waiting
/// list, so that each is told once.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Mentees::Table)
                    .add_column(timestamp_with_time_zone_null(Mentees::WaitingListToldAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Mentees::Table)
                    .drop_column(Mentees::WaitingListToldAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Mentees {
    Table,
    WaitingListToldAt,
}
