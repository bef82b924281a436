use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000002_create_users::Users;
use crate::m20261123_000010_create_vacancies::Vacancies;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Applications::Table)
                    .col(pk_auto(Applications::Id))
                    .col(integer(Applications::VacancyId))
                    .col(integer(Applications::ApplicantId))
                    // A stage name from domain::application::Stage.
                    .col(string_len(Applications::Stage, 32))
                    // The highest step of the form saved so far, to resume where they left off.
                    .col(integer(Applications::ReachedStep).default(0))
                    // Opted in to the guaranteed interview scheme; none until the applicant answers.
                    .col(boolean_null(Applications::GuaranteedInterview))
                    .col(text(Applications::Adjustments))
                    // The care-experience definition the applicant confirmed for a ring-fenced
                    // vacancy (domain::programme::CareDefinition), or none.
                    .col(string_len_null(Applications::ConfirmedDefinition, 32))
                    .col(text(Applications::WithdrawalReason))
                    .col(timestamp_with_time_zone_null(Applications::SubmittedAt))
                    .col(timestamp_with_time_zone(Applications::CreatedAt))
                    .col(timestamp_with_time_zone(Applications::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Applications::Table, Applications::VacancyId)
                            .to(Vacancies::Table, Vacancies::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Applications::Table, Applications::ApplicantId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        // One application per applicant per vacancy, however many tabs or clicks.
        manager
            .create_index(
                Index::create()
                    .name("idx_applications_one_per_vacancy")
                    .table(Applications::Table)
                    .col(Applications::VacancyId)
                    .col(Applications::ApplicantId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_applications_vacancy_stage")
                    .table(Applications::Table)
                    .col(Applications::VacancyId)
                    .col(Applications::Stage)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_applications_applicant")
                    .table(Applications::Table)
                    .col(Applications::ApplicantId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApplicationAnswers::Table)
                    .col(pk_auto(ApplicationAnswers::Id))
                    .col(integer(ApplicationAnswers::ApplicationId))
                    .col(integer(ApplicationAnswers::CriterionId))
                    .col(text(ApplicationAnswers::Evidence))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApplicationAnswers::Table, ApplicationAnswers::ApplicationId)
                            .to(Applications::Table, Applications::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_application_answers_one_per_criterion")
                    .table(ApplicationAnswers::Table)
                    .col(ApplicationAnswers::ApplicationId)
                    .col(ApplicationAnswers::CriterionId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApplicationReferees::Table)
                    .col(pk_auto(ApplicationReferees::Id))
                    .col(integer(ApplicationReferees::ApplicationId))
                    .col(integer(ApplicationReferees::Position))
                    // A reference type from domain::vacancy::ReferenceType.
                    .col(string_len(ApplicationReferees::Kind, 32))
                    .col(string_len(ApplicationReferees::Name, 200))
                    .col(string_len(ApplicationReferees::Relationship, 200))
                    .col(string_len(ApplicationReferees::Email, 254))
                    .col(string_len(ApplicationReferees::Phone, 40))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                ApplicationReferees::Table,
                                ApplicationReferees::ApplicationId,
                            )
                            .to(Applications::Table, Applications::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApplicationStageChanges::Table)
                    .col(big_pk_auto(ApplicationStageChanges::Id))
                    .col(integer(ApplicationStageChanges::ApplicationId))
                    .col(string_len_null(ApplicationStageChanges::FromStage, 32))
                    .col(string_len(ApplicationStageChanges::ToStage, 32))
                    .col(integer_null(ApplicationStageChanges::ActorUserId))
                    // Words the applicant sees with the change, such as feedback.
                    .col(text(ApplicationStageChanges::Note).default(""))
                    .col(timestamp_with_time_zone(ApplicationStageChanges::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                ApplicationStageChanges::Table,
                                ApplicationStageChanges::ApplicationId,
                            )
                            .to(Applications::Table, Applications::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_application_stage_changes_application")
                    .table(ApplicationStageChanges::Table)
                    .col(ApplicationStageChanges::ApplicationId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ApplicationStageChanges::Table.into_iden(),
            ApplicationReferees::Table.into_iden(),
            ApplicationAnswers::Table.into_iden(),
            Applications::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
pub enum Applications {
    Table,
    Id,
    VacancyId,
    ApplicantId,
    Stage,
    ReachedStep,
    GuaranteedInterview,
    Adjustments,
    ConfirmedDefinition,
    WithdrawalReason,
    SubmittedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ApplicationAnswers {
    Table,
    Id,
    ApplicationId,
    CriterionId,
    Evidence,
}

#[derive(DeriveIden)]
enum ApplicationReferees {
    Table,
    Id,
    ApplicationId,
    Position,
    Kind,
    Name,
    Relationship,
    Email,
    Phone,
}

#[derive(DeriveIden)]
enum ApplicationStageChanges {
    Table,
    Id,
    ApplicationId,
    FromStage,
    ToStage,
    ActorUserId,
    Note,
    CreatedAt,
}
