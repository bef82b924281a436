use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000002_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ApplicantProfiles::Table)
                    .col(integer(ApplicantProfiles::UserId).primary_key())
                    .col(string_len(ApplicantProfiles::Phone, 40))
                    // "email", "phone" or "text".
                    .col(string_len(ApplicantProfiles::ContactPreference, 20))
                    // "yes", "no" or "prefer_not_to_say"; empty until answered. Never shown to shortlisters.
                    .col(string_len(ApplicantProfiles::CareExperience, 20))
                    .col(string_len(ApplicantProfiles::LocalAuthority, 200))
                    .col(string_len(ApplicantProfiles::AdviserName, 200))
                    .col(string_len(ApplicantProfiles::AdviserContact, 254))
                    .col(text(ApplicantProfiles::Adjustments))
                    .col(timestamp_with_time_zone(ApplicantProfiles::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApplicantProfiles::Table, ApplicantProfiles::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ApplicantProfiles::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ApplicantProfiles {
    Table,
    UserId,
    Phone,
    ContactPreference,
    CareExperience,
    LocalAuthority,
    AdviserName,
    AdviserContact,
    Adjustments,
    UpdatedAt,
}
