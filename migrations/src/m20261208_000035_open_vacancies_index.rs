use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The public list of open vacancies (`/vacancies`, issue 24 point 4) in one query: a partial
/// index of the published vacancies only, by closing time and then ID, the list's order, so
/// the page and its window count are read from one scan of it with no sort, however many
/// drafts and closed vacancies there are. SQLite and Postgres both support partial indexes.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Vacancies::Table)
                    .col(Vacancies::ClosesAt)
                    .col(Vacancies::Id)
                    .and_where(Expr::col(Vacancies::Status).eq("published"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(Vacancies::Table).to_owned())
            .await
    }
}

const INDEX: &str = "idx_vacancies_published_closes_at";

#[derive(DeriveIden)]
enum Vacancies {
    Table,
    Id,
    Status,
    ClosesAt,
}
