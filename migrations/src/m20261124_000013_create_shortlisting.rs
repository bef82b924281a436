use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000002_create_users::Users;
use crate::m20261123_000010_create_vacancies::Vacancies;
use crate::m20261123_000012_create_applications::Applications;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The shortlisting panel of each vacancy: hiring managers of its organisation.
        manager
            .create_table(
                Table::create()
                    .table(PanelMembers::Table)
                    .col(pk_auto(PanelMembers::Id))
                    .col(integer(PanelMembers::VacancyId))
                    .col(integer(PanelMembers::UserId))
                    .col(boolean(PanelMembers::IsLead))
                    .col(timestamp_with_time_zone(PanelMembers::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PanelMembers::Table, PanelMembers::VacancyId)
                            .to(Vacancies::Table, Vacancies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PanelMembers::Table, PanelMembers::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_panel_members_one_per_vacancy")
                    .table(PanelMembers::Table)
                    .col(PanelMembers::VacancyId)
                    .col(PanelMembers::UserId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Each vacancy's shortlisting: when it was completed, and its high-volume exception.
        manager
            .create_table(
                Table::create()
                    .table(Shortlistings::Table)
                    .col(integer(Shortlistings::VacancyId).primary_key())
                    .col(timestamp_with_time_zone_null(Shortlistings::CompletedAt))
                    .col(integer_null(Shortlistings::CompletedBy))
                    // "none", "requested", "approved" or "refused".
                    .col(string_len(Shortlistings::ExceptionStatus, 16).default("none"))
                    .col(text(Shortlistings::ExceptionReason).default(""))
                    .col(integer_null(Shortlistings::ExceptionCap))
                    .col(integer_null(Shortlistings::ExceptionRequestedBy))
                    .col(timestamp_with_time_zone_null(
                        Shortlistings::ExceptionRequestedAt,
                    ))
                    .col(integer_null(Shortlistings::ExceptionDecidedBy))
                    .col(timestamp_with_time_zone_null(
                        Shortlistings::ExceptionDecidedAt,
                    ))
                    .col(text(Shortlistings::ExceptionDecisionNote).default(""))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Shortlistings::Table, Shortlistings::VacancyId)
                            .to(Vacancies::Table, Vacancies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Each panel member's score for each criterion of each application.
        manager
            .create_table(
                Table::create()
                    .table(ShortlistScores::Table)
                    .col(pk_auto(ShortlistScores::Id))
                    .col(integer(ShortlistScores::ApplicationId))
                    .col(integer(ShortlistScores::CriterionId))
                    .col(integer(ShortlistScores::ScorerId))
                    .col(small_integer(ShortlistScores::Score))
                    .col(text(ShortlistScores::Note))
                    .col(timestamp_with_time_zone(ShortlistScores::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ShortlistScores::Table, ShortlistScores::ApplicationId)
                            .to(Applications::Table, Applications::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ShortlistScores::Table, ShortlistScores::CriterionId)
                            .to(VacancyCriteria::Table, VacancyCriteria::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ShortlistScores::Table, ShortlistScores::ScorerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_shortlist_scores_one_per_scorer")
                    .table(ShortlistScores::Table)
                    .col(ShortlistScores::ApplicationId)
                    .col(ShortlistScores::CriterionId)
                    .col(ShortlistScores::ScorerId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The lead's final score for each criterion, which the rule judges.
        manager
            .create_table(
                Table::create()
                    .table(FinalScores::Table)
                    .col(pk_auto(FinalScores::Id))
                    .col(integer(FinalScores::ApplicationId))
                    .col(integer(FinalScores::CriterionId))
                    .col(small_integer(FinalScores::Score))
                    .col(integer(FinalScores::SetBy))
                    .col(timestamp_with_time_zone(FinalScores::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(FinalScores::Table, FinalScores::ApplicationId)
                            .to(Applications::Table, Applications::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(FinalScores::Table, FinalScores::CriterionId)
                            .to(VacancyCriteria::Table, VacancyCriteria::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_final_scores_one_per_criterion")
                    .table(FinalScores::Table)
                    .col(FinalScores::ApplicationId)
                    .col(FinalScores::CriterionId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The lead's decision on each application, until shortlisting is completed.
        manager
            .create_table(
                Table::create()
                    .table(ShortlistDecisions::Table)
                    .col(integer(ShortlistDecisions::ApplicationId).primary_key())
                    .col(boolean(ShortlistDecisions::Invited))
                    // Written feedback; required when declining an opted-in application.
                    .col(text(ShortlistDecisions::Feedback))
                    .col(boolean(ShortlistDecisions::Automatic))
                    .col(integer(ShortlistDecisions::DecidedBy))
                    .col(timestamp_with_time_zone(ShortlistDecisions::DecidedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ShortlistDecisions::Table, ShortlistDecisions::ApplicationId)
                            .to(Applications::Table, Applications::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ShortlistDecisions::Table.into_iden(),
            FinalScores::Table.into_iden(),
            ShortlistScores::Table.into_iden(),
            Shortlistings::Table.into_iden(),
            PanelMembers::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum VacancyCriteria {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum PanelMembers {
    Table,
    Id,
    VacancyId,
    UserId,
    IsLead,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Shortlistings {
    Table,
    VacancyId,
    CompletedAt,
    CompletedBy,
    ExceptionStatus,
    ExceptionReason,
    ExceptionCap,
    ExceptionRequestedBy,
    ExceptionRequestedAt,
    ExceptionDecidedBy,
    ExceptionDecidedAt,
    ExceptionDecisionNote,
}

#[derive(DeriveIden)]
enum ShortlistScores {
    Table,
    Id,
    ApplicationId,
    CriterionId,
    ScorerId,
    Score,
    Note,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum FinalScores {
    Table,
    Id,
    ApplicationId,
    CriterionId,
    Score,
    SetBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ShortlistDecisions {
    Table,
    ApplicationId,
    Invited,
    Feedback,
    Automatic,
    DecidedBy,
    DecidedAt,
}
