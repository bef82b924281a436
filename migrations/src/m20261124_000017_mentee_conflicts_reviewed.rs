use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// When the coordinator last reviewed a student's declared conflicts of interest. A student
/// whose declared conflicts are not reviewed is left out of matching.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Mentees::Table)
                    .add_column(timestamp_with_time_zone_null(Mentees::ConflictsReviewedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Mentees::Table)
                    .drop_column(Mentees::ConflictsReviewedAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Mentees {
    Table,
    ConflictsReviewedAt,
}
