use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// When a manager closed a vacancy early, so its pages say "Closed early on 7 December 2026"
/// rather than the closing date it was advertised with. Cleared when it is reopened.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Vacancies::Table)
                    .add_column(timestamp_with_time_zone_null(Vacancies::ClosedEarlyAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Vacancies::Table)
                    .drop_column(Vacancies::ClosedEarlyAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Vacancies {
    Table,
    ClosedEarlyAt,
}
