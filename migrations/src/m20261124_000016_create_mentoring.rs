use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000002_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A foreign key from `table.column` to a user, with nulling on delete.
fn to_users(table: impl IntoIden, column: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(Users::Table, Users::Id)
        .on_delete(ForeignKeyAction::SetNull)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The pilot's settings: one row, id 1.
        manager
            .create_table(
                Table::create()
                    .table(MentoringSettings::Table)
                    .col(integer(MentoringSettings::Id).primary_key())
                    .col(integer(MentoringSettings::MenteeCap))
                    .col(integer(MentoringSettings::WeightSpecialty))
                    .col(integer(MentoringSettings::WeightMeetingMode))
                    .col(integer(MentoringSettings::WeightAvailability))
                    .col(integer(MentoringSettings::WeightLivedExperience))
                    .col(integer(MentoringSettings::WeightGender))
                    .col(integer(MentoringSettings::WeightTeachingHospital))
                    .col(integer_null(MentoringSettings::UpdatedBy))
                    .col(timestamp_with_time_zone(MentoringSettings::UpdatedAt))
                    .foreign_key(&mut to_users(
                        MentoringSettings::Table,
                        MentoringSettings::UpdatedBy,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Mentors::Table)
                    .col(pk_auto(Mentors::Id))
                    // The id used in the coordinator's spreadsheets.
                    .col(string_len(Mentors::Reference, 64).unique_key())
                    .col(string_len(Mentors::FullName, 200))
                    .col(string_len(Mentors::Email, 254).unique_key())
                    .col(string_len(Mentors::Organisation, 200))
                    .col(string_len(Mentors::Grade, 200))
                    .col(string_len(Mentors::Specialty, 200))
                    .col(integer(Mentors::Capacity))
                    // Lists separated by ";", as in the CSV files.
                    .col(string_len(Mentors::MeetingModes, 64))
                    .col(text(Mentors::Availability))
                    .col(boolean(Mentors::LivedExperience))
                    .col(string_len(Mentors::Gender, 200))
                    .col(timestamp_with_time_zone_null(Mentors::ArchivedAt))
                    .col(timestamp_with_time_zone(Mentors::CreatedAt))
                    .col(timestamp_with_time_zone(Mentors::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Mentees::Table)
                    .col(pk_auto(Mentees::Id))
                    .col(string_len(Mentees::Reference, 64).unique_key())
                    // Set when the student signed up themselves; imported students are linked
                    // to an account by email.
                    .col(integer_null(Mentees::UserId).unique_key())
                    .col(string_len(Mentees::FullName, 200))
                    .col(string_len(Mentees::Email, 254).unique_key())
                    .col(string_len(Mentees::University, 200))
                    .col(integer(Mentees::YearOfStudy))
                    .col(text(Mentees::SpecialtyInterests))
                    .col(string_len(Mentees::MeetingModes, 64))
                    .col(text(Mentees::Availability))
                    // "required", "preferred" or "".
                    .col(string_len(Mentees::LivedExperiencePreference, 16))
                    .col(string_len(Mentees::GenderPreference, 200))
                    .col(string_len(Mentees::GenderPreferenceStrength, 16))
                    // Conflicts of interest the student declared, in their words.
                    .col(text(Mentees::DeclaredConflicts))
                    // "pending", "approved", "declined" or "left".
                    .col(string_len(Mentees::Status, 16))
                    .col(timestamp_with_time_zone(Mentees::ConsentedAt))
                    .col(timestamp_with_time_zone_null(Mentees::DecidedAt))
                    .col(integer_null(Mentees::DecidedBy))
                    .col(timestamp_with_time_zone(Mentees::CreatedAt))
                    .col(timestamp_with_time_zone(Mentees::UpdatedAt))
                    .foreign_key(&mut to_users(Mentees::Table, Mentees::UserId))
                    .foreign_key(&mut to_users(Mentees::Table, Mentees::DecidedBy))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_mentees_status")
                    .table(Mentees::Table)
                    .col(Mentees::Status)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MentoringExclusions::Table)
                    .col(pk_auto(MentoringExclusions::Id))
                    .col(integer(MentoringExclusions::MentorId))
                    .col(integer(MentoringExclusions::MenteeId))
                    .col(string_len(MentoringExclusions::Reason, 500))
                    // "conflict", "coordinator", "ended".
                    .col(string_len(MentoringExclusions::Source, 16))
                    .col(integer_null(MentoringExclusions::CreatedBy))
                    .col(timestamp_with_time_zone(MentoringExclusions::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MentoringExclusions::Table, MentoringExclusions::MentorId)
                            .to(Mentors::Table, Mentors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MentoringExclusions::Table, MentoringExclusions::MenteeId)
                            .to(Mentees::Table, Mentees::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut to_users(
                        MentoringExclusions::Table,
                        MentoringExclusions::CreatedBy,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_mentoring_exclusions_pair")
                    .table(MentoringExclusions::Table)
                    .col(MentoringExclusions::MentorId)
                    .col(MentoringExclusions::MenteeId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Pairs the coordinator fixed for the next run: at most one per student.
        manager
            .create_table(
                Table::create()
                    .table(MatchPins::Table)
                    .col(pk_auto(MatchPins::Id))
                    .col(integer(MatchPins::MentorId))
                    .col(integer(MatchPins::MenteeId).unique_key())
                    .col(integer_null(MatchPins::CreatedBy))
                    .col(timestamp_with_time_zone(MatchPins::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MatchPins::Table, MatchPins::MentorId)
                            .to(Mentors::Table, Mentors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MatchPins::Table, MatchPins::MenteeId)
                            .to(Mentees::Table, Mentees::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut to_users(MatchPins::Table, MatchPins::CreatedBy))
                    .to_owned(),
            )
            .await?;
        // Each run of the matcher, with its proposal as JSON.
        manager
            .create_table(
                Table::create()
                    .table(MatchRuns::Table)
                    .col(pk_auto(MatchRuns::Id))
                    .col(text(MatchRuns::Weights))
                    .col(text(MatchRuns::Proposal))
                    .col(integer_null(MatchRuns::CreatedBy))
                    .col(timestamp_with_time_zone(MatchRuns::CreatedAt))
                    .col(timestamp_with_time_zone_null(MatchRuns::ConfirmedAt))
                    .col(integer_null(MatchRuns::ConfirmedBy))
                    .foreign_key(&mut to_users(MatchRuns::Table, MatchRuns::CreatedBy))
                    .foreign_key(&mut to_users(MatchRuns::Table, MatchRuns::ConfirmedBy))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MentoringRelationships::Table)
                    .col(pk_auto(MentoringRelationships::Id))
                    .col(integer(MentoringRelationships::MentorId))
                    .col(integer(MentoringRelationships::MenteeId))
                    // The mentee's id while the relationship is active, else null: a unique
                    // index on it allows one active mentor per student on both databases.
                    .col(integer_null(MentoringRelationships::ActiveMenteeId).unique_key())
                    .col(integer_null(MentoringRelationships::RunId))
                    .col(integer(MentoringRelationships::Score))
                    .col(text(MentoringRelationships::Breakdown))
                    .col(timestamp_with_time_zone(MentoringRelationships::StartedAt))
                    .col(timestamp_with_time_zone_null(
                        MentoringRelationships::EndRequestedAt,
                    ))
                    .col(integer_null(MentoringRelationships::EndRequestedBy))
                    .col(text(MentoringRelationships::EndReason))
                    .col(timestamp_with_time_zone_null(
                        MentoringRelationships::EndedAt,
                    ))
                    .col(integer_null(MentoringRelationships::EndedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                MentoringRelationships::Table,
                                MentoringRelationships::MentorId,
                            )
                            .to(Mentors::Table, Mentors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                MentoringRelationships::Table,
                                MentoringRelationships::MenteeId,
                            )
                            .to(Mentees::Table, Mentees::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MentoringRelationships::Table, MentoringRelationships::RunId)
                            .to(MatchRuns::Table, MatchRuns::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(&mut to_users(
                        MentoringRelationships::Table,
                        MentoringRelationships::EndRequestedBy,
                    ))
                    .foreign_key(&mut to_users(
                        MentoringRelationships::Table,
                        MentoringRelationships::EndedBy,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_mentoring_relationships_mentor")
                    .table(MentoringRelationships::Table)
                    .col(MentoringRelationships::MentorId)
                    .col(MentoringRelationships::EndedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MentoringMeetings::Table)
                    .col(pk_auto(MentoringMeetings::Id))
                    .col(integer(MentoringMeetings::RelationshipId))
                    .col(integer_null(MentoringMeetings::LoggedBy))
                    .col(date(MentoringMeetings::MetOn))
                    .col(string_len(MentoringMeetings::Mode, 16))
                    // Seen only by whoever logged the meeting.
                    .col(text(MentoringMeetings::Note))
                    .col(timestamp_with_time_zone(MentoringMeetings::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MentoringMeetings::Table, MentoringMeetings::RelationshipId)
                            .to(MentoringRelationships::Table, MentoringRelationships::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut to_users(
                        MentoringMeetings::Table,
                        MentoringMeetings::LoggedBy,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_mentoring_meetings_relationship")
                    .table(MentoringMeetings::Table)
                    .col(MentoringMeetings::RelationshipId)
                    .col(MentoringMeetings::MetOn)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            MentoringMeetings::Table.into_iden(),
            MentoringRelationships::Table.into_iden(),
            MatchRuns::Table.into_iden(),
            MatchPins::Table.into_iden(),
            MentoringExclusions::Table.into_iden(),
            Mentees::Table.into_iden(),
            Mentors::Table.into_iden(),
            MentoringSettings::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum MentoringSettings {
    Table,
    Id,
    MenteeCap,
    WeightSpecialty,
    WeightMeetingMode,
    WeightAvailability,
    WeightLivedExperience,
    WeightGender,
    WeightTeachingHospital,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Mentors {
    Table,
    Id,
    Reference,
    FullName,
    Email,
    Organisation,
    Grade,
    Specialty,
    Capacity,
    MeetingModes,
    Availability,
    LivedExperience,
    Gender,
    ArchivedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Mentees {
    Table,
    Id,
    Reference,
    UserId,
    FullName,
    Email,
    University,
    YearOfStudy,
    SpecialtyInterests,
    MeetingModes,
    Availability,
    LivedExperiencePreference,
    GenderPreference,
    GenderPreferenceStrength,
    DeclaredConflicts,
    Status,
    ConsentedAt,
    DecidedAt,
    DecidedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MentoringExclusions {
    Table,
    Id,
    MentorId,
    MenteeId,
    Reason,
    Source,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MatchPins {
    Table,
    Id,
    MentorId,
    MenteeId,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MatchRuns {
    Table,
    Id,
    Weights,
    Proposal,
    CreatedBy,
    CreatedAt,
    ConfirmedAt,
    ConfirmedBy,
}

#[derive(DeriveIden)]
enum MentoringRelationships {
    Table,
    Id,
    MentorId,
    MenteeId,
    ActiveMenteeId,
    RunId,
    Score,
    Breakdown,
    StartedAt,
    EndRequestedAt,
    EndRequestedBy,
    EndReason,
    EndedAt,
    EndedBy,
}

#[derive(DeriveIden)]
enum MentoringMeetings {
    Table,
    Id,
    RelationshipId,
    LoggedBy,
    MetOn,
    Mode,
    Note,
    CreatedAt,
}
