use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// An apprenticeship states its entry requirements in plain words, with the adjustments the
/// programme makes (DOMAIN.md §1, tailored apprenticeships). Other kinds of post leave it
/// empty, hence the empty default, which also lets rows written without it stay valid.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Vacancies::Table)
                    .add_column(
                        ColumnDef::new(Vacancies::EntryRequirements)
                            .text()
                            .not_null()
                            .default(""),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Vacancies::Table)
                    .drop_column(Vacancies::EntryRequirements)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Vacancies {
    Table,
    EntryRequirements,
}
