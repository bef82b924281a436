use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Who has been told that a vacancy's interview times are ready, when and by whom, so the
/// panel's lead tells each invited applicant once, however many times are added.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InterviewTimesNotices::Table)
                    .col(integer(InterviewTimesNotices::ApplicationId).primary_key())
                    .col(integer(InterviewTimesNotices::ToldBy))
                    .col(timestamp_with_time_zone(InterviewTimesNotices::ToldAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                InterviewTimesNotices::Table,
                                InterviewTimesNotices::ApplicationId,
                            )
                            .to(Applications::Table, Applications::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(InterviewTimesNotices::Table, InterviewTimesNotices::ToldBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(InterviewTimesNotices::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum InterviewTimesNotices {
    Table,
    ApplicationId,
    ToldBy,
    ToldAt,
}

#[derive(DeriveIden)]
enum Applications {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
