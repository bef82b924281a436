use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The public list of open vacancies (`/vacancies`, issue 24 point 4) in one query: a partial
/// index of the published vacancies only, by closing time and then ID (the list's order), that
/// also holds the columns the list filters on (organisation, kind, ring-fenced). The page's
/// count of matching vacancies is then read from the index alone (an index-only scan on
/// Postgres), however many drafts and closed vacancies there are, and the page from it in
/// order. SQLite and Postgres both support partial indexes.
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
                    .col(Vacancies::OrganisationId)
                    .col(Vacancies::Kind)
                    .col(Vacancies::RingFenced)
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
    OrganisationId,
    Kind,
    RingFenced,
}
