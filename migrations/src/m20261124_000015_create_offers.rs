use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000001_create_organisations::Organisations;
use crate::m20261123_000002_create_users::Users;
use crate::m20261123_000010_create_vacancies::Vacancies;
use crate::m20261123_000012_create_applications::Applications;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Offers::Table)
                    .col(integer(Offers::ApplicationId).primary_key())
                    .col(integer(Offers::VacancyId))
                    // "offered", "accepted" or "declined".
                    .col(string_len(Offers::Status, 16))
                    .col(integer(Offers::OfferedBy))
                    .col(timestamp_with_time_zone(Offers::OfferedAt))
                    .col(timestamp_with_time_zone_null(Offers::RespondedAt))
                    .col(date_null(Offers::StartDate))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Offers::Table, Offers::ApplicationId)
                            .to(Applications::Table, Applications::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Offers::Table, Offers::VacancyId)
                            .to(Vacancies::Table, Vacancies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_offers_vacancy_status")
                    .table(Offers::Table)
                    .col(Offers::VacancyId)
                    .col(Offers::Status)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OfferChecks::Table)
                    .col(pk_auto(OfferChecks::Id))
                    .col(integer(OfferChecks::ApplicationId))
                    // A check from domain::offer::CheckKind.
                    .col(string_len(OfferChecks::Kind, 32))
                    // "pending", "received" or "verified".
                    .col(string_len(OfferChecks::Status, 16))
                    .col(text(OfferChecks::Note))
                    .col(integer_null(OfferChecks::UpdatedBy))
                    .col(timestamp_with_time_zone(OfferChecks::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OfferChecks::Table, OfferChecks::ApplicationId)
                            .to(Offers::Table, Offers::ApplicationId)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_offer_checks_one_per_kind")
                    .table(OfferChecks::Table)
                    .col(OfferChecks::ApplicationId)
                    .col(OfferChecks::Kind)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The start of retention tracking: one per hire.
        manager
            .create_table(
                Table::create()
                    .table(EmploymentRecords::Table)
                    .col(pk_auto(EmploymentRecords::Id))
                    .col(integer_null(EmploymentRecords::ApplicationId).unique_key())
                    .col(integer_null(EmploymentRecords::UserId))
                    .col(integer(EmploymentRecords::OrganisationId))
                    .col(string_len(EmploymentRecords::Role, 200))
                    .col(string_len(EmploymentRecords::Band, 4))
                    .col(date(EmploymentRecords::StartDate))
                    .col(boolean(EmploymentRecords::Apprenticeship))
                    .col(timestamp_with_time_zone(EmploymentRecords::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(EmploymentRecords::Table, EmploymentRecords::ApplicationId)
                            .to(Applications::Table, Applications::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(EmploymentRecords::Table, EmploymentRecords::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(EmploymentRecords::Table, EmploymentRecords::OrganisationId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            EmploymentRecords::Table.into_iden(),
            OfferChecks::Table.into_iden(),
            Offers::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Offers {
    Table,
    ApplicationId,
    VacancyId,
    Status,
    OfferedBy,
    OfferedAt,
    RespondedAt,
    StartDate,
}

#[derive(DeriveIden)]
enum OfferChecks {
    Table,
    Id,
    ApplicationId,
    Kind,
    Status,
    Note,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EmploymentRecords {
    Table,
    Id,
    ApplicationId,
    UserId,
    OrganisationId,
    Role,
    Band,
    StartDate,
    Apprenticeship,
    CreatedAt,
}
