use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000001_create_organisations::Organisations;
use crate::m20261123_000002_create_users::Users;
use crate::m20261123_000009_create_programmes::Programmes;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Vacancies::Table)
                    .col(pk_auto(Vacancies::Id))
                    .col(integer(Vacancies::OrganisationId))
                    .col(integer_null(Vacancies::ProgrammeId))
                    .col(string_len(Vacancies::Title, 200))
                    // "job", "apprenticeship" or "placement".
                    .col(string_len(Vacancies::Kind, 20))
                    // Agenda for Change band: "2" … "9", "8a" … "8d".
                    .col(string_len(Vacancies::Band, 4))
                    .col(string_len(Vacancies::WorkingPattern, 200))
                    .col(string_len(Vacancies::Salary, 200))
                    .col(string_len(Vacancies::Location, 200))
                    .col(integer(Vacancies::Positions))
                    // Stored in UTC; entered and shown in Europe/London time.
                    .col(timestamp_with_time_zone(Vacancies::ClosesAt))
                    .col(boolean(Vacancies::RingFenced))
                    .col(text(Vacancies::Summary))
                    .col(text(Vacancies::Description))
                    // Comma-separated reference types accepted (DOMAIN.md §6).
                    .col(string_len(Vacancies::ReferenceOptions, 300))
                    .col(string_len(Vacancies::ContactName, 200))
                    .col(string_len(Vacancies::ContactRole, 200))
                    .col(string_len(Vacancies::ContactEmail, 254))
                    .col(string_len(Vacancies::ContactPhone, 40))
                    // "draft", "published" or "closed".
                    .col(string_len(Vacancies::Status, 20))
                    .col(integer(Vacancies::CreatedBy))
                    .col(timestamp_with_time_zone_null(Vacancies::PublishedAt))
                    .col(timestamp_with_time_zone(Vacancies::CreatedAt))
                    .col(timestamp_with_time_zone(Vacancies::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Vacancies::Table, Vacancies::OrganisationId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Vacancies::Table, Vacancies::ProgrammeId)
                            .to(Programmes::Table, Programmes::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Vacancies::Table, Vacancies::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        // The public list: published vacancies by closing time.
        manager
            .create_index(
                Index::create()
                    .name("idx_vacancies_status_closes_at")
                    .table(Vacancies::Table)
                    .col(Vacancies::Status)
                    .col(Vacancies::ClosesAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_vacancies_organisation")
                    .table(Vacancies::Table)
                    .col(Vacancies::OrganisationId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(VacancyCriteria::Table)
                    .col(pk_auto(VacancyCriteria::Id))
                    .col(integer(VacancyCriteria::VacancyId))
                    .col(boolean(VacancyCriteria::Essential))
                    .col(integer(VacancyCriteria::Position))
                    .col(string_len(VacancyCriteria::Text, 500))
                    .foreign_key(
                        ForeignKey::create()
                            .from(VacancyCriteria::Table, VacancyCriteria::VacancyId)
                            .to(Vacancies::Table, Vacancies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_vacancy_criteria_vacancy")
                    .table(VacancyCriteria::Table)
                    .col(VacancyCriteria::VacancyId)
                    .col(VacancyCriteria::Position)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(VacancyCriteria::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Vacancies::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Vacancies {
    Table,
    Id,
    OrganisationId,
    ProgrammeId,
    Title,
    Kind,
    Band,
    WorkingPattern,
    Salary,
    Location,
    Positions,
    ClosesAt,
    RingFenced,
    Summary,
    Description,
    ReferenceOptions,
    ContactName,
    ContactRole,
    ContactEmail,
    ContactPhone,
    Status,
    CreatedBy,
    PublishedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum VacancyCriteria {
    Table,
    Id,
    VacancyId,
    Essential,
    Position,
    Text,
}
