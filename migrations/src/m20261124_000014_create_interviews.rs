use sea_orm_migration::{prelude::*, schema::*};

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
                    .table(InterviewSlots::Table)
                    .col(pk_auto(InterviewSlots::Id))
                    .col(integer(InterviewSlots::VacancyId))
                    .col(timestamp_with_time_zone(InterviewSlots::StartsAt))
                    .col(integer(InterviewSlots::Minutes))
                    // A room and address, or a video link.
                    .col(text(InterviewSlots::Place))
                    .col(integer(InterviewSlots::Capacity))
                    .col(integer(InterviewSlots::CreatedBy))
                    .col(timestamp_with_time_zone(InterviewSlots::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(InterviewSlots::Table, InterviewSlots::VacancyId)
                            .to(Vacancies::Table, Vacancies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(InterviewSlots::Table, InterviewSlots::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_interview_slots_vacancy")
                    .table(InterviewSlots::Table)
                    .col(InterviewSlots::VacancyId)
                    .col(InterviewSlots::StartsAt)
                    .to_owned(),
            )
            .await?;
        // At most one booking per application; rebooking moves it to another slot.
        manager
            .create_table(
                Table::create()
                    .table(InterviewBookings::Table)
                    .col(integer(InterviewBookings::ApplicationId).primary_key())
                    .col(integer(InterviewBookings::SlotId))
                    // Goes up with each rebooking, for calendar updates.
                    .col(integer(InterviewBookings::Sequence).default(0))
                    .col(timestamp_with_time_zone(InterviewBookings::BookedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(InterviewBookings::Table, InterviewBookings::ApplicationId)
                            .to(Applications::Table, Applications::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(InterviewBookings::Table, InterviewBookings::SlotId)
                            .to(InterviewSlots::Table, InterviewSlots::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_interview_bookings_slot")
                    .table(InterviewBookings::Table)
                    .col(InterviewBookings::SlotId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InterviewOutcomes::Table)
                    .col(integer(InterviewOutcomes::ApplicationId).primary_key())
                    .col(boolean(InterviewOutcomes::Appointable))
                    .col(text(InterviewOutcomes::Feedback))
                    .col(integer(InterviewOutcomes::RecordedBy))
                    .col(timestamp_with_time_zone(InterviewOutcomes::RecordedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(InterviewOutcomes::Table, InterviewOutcomes::ApplicationId)
                            .to(Applications::Table, Applications::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // An optional calendar invitation (.ics) sent as an attachment.
        manager
            .alter_table(
                Table::alter()
                    .table(OutboxMessages::Table)
                    .add_column(text_null(OutboxMessages::Calendar))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(OutboxMessages::Table)
                    .drop_column(OutboxMessages::Calendar)
                    .to_owned(),
            )
            .await?;
        for table in [
            InterviewOutcomes::Table.into_iden(),
            InterviewBookings::Table.into_iden(),
            InterviewSlots::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum OutboxMessages {
    Table,
    Calendar,
}

#[derive(DeriveIden)]
enum InterviewSlots {
    Table,
    Id,
    VacancyId,
    StartsAt,
    Minutes,
    Place,
    Capacity,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum InterviewBookings {
    Table,
    ApplicationId,
    SlotId,
    Sequence,
    BookedAt,
}

#[derive(DeriveIden)]
enum InterviewOutcomes {
    Table,
    ApplicationId,
    Appointable,
    Feedback,
    RecordedBy,
    RecordedAt,
}
