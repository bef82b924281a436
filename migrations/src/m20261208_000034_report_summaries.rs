use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Two summary tables for the champion's dashboard (issue 24), so that its funnel and its
/// time-in-stage medians read a few thousand summed rows instead of joining a million
/// applications' stage history:
///
/// - `report_stage_reach`: for each organisation, programme (0: none), UTC day the
///   application was sent, and funnel stage, how many applications reached the stage;
/// - `report_stage_stays`: for each organisation, programme, day sent and stage, how many
///   stays in the stage lasted each number of whole days (every entry into the stage paired
///   with every exit from it, as the history's self-join pairs them).
///
/// The application keeps them up to date in the transaction that records each stage change
/// (`src/db/report_summaries.rs`), and `spectra reports rebuild` counts them again from the
/// history. This migration counts them once from the history already stored; its SQL is a
/// frozen copy of the rebuild's, as a migration's must be.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ReportStageReach::Table)
                    .col(
                        ColumnDef::new(ReportStageReach::OrganisationId)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ReportStageReach::ProgrammeId)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ReportStageReach::SubmittedOn)
                            .date()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ReportStageReach::Stage).string().not_null())
                    .col(
                        ColumnDef::new(ReportStageReach::Count)
                            .big_integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(ReportStageReach::OrganisationId)
                            .col(ReportStageReach::ProgrammeId)
                            .col(ReportStageReach::SubmittedOn)
                            .col(ReportStageReach::Stage),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReportStageStays::Table)
                    .col(
                        ColumnDef::new(ReportStageStays::OrganisationId)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ReportStageStays::ProgrammeId)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ReportStageStays::SubmittedOn)
                            .date()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ReportStageStays::Stage).string().not_null())
                    .col(
                        ColumnDef::new(ReportStageStays::Days)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ReportStageStays::Count)
                            .big_integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(ReportStageStays::OrganisationId)
                            .col(ReportStageStays::ProgrammeId)
                            .col(ReportStageStays::SubmittedOn)
                            .col(ReportStageStays::Stage)
                            .col(ReportStageStays::Days),
                    )
                    .to_owned(),
            )
            .await?;
        // A period's figures are read by day sent.
        manager
            .create_index(
                Index::create()
                    .name(REACH_BY_DAY)
                    .table(ReportStageReach::Table)
                    .col(ReportStageReach::SubmittedOn)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(STAYS_BY_DAY)
                    .table(ReportStageStays::Table)
                    .col(ReportStageStays::SubmittedOn)
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let backend = db.get_database_backend();
        for sql in fill(backend) {
            db.execute_raw(Statement::from_string(backend, sql)).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ReportStageStays::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ReportStageReach::Table).to_owned())
            .await
    }
}

const REACH_BY_DAY: &str = "idx_report_stage_reach_day";
const STAYS_BY_DAY: &str = "idx_report_stage_stays_day";

/// The two statements that count the summaries from the stored history.
fn fill(backend: DbBackend) -> [String; 2] {
    let (day, days) = match backend {
        DbBackend::Postgres => (
            "CAST((a.submitted_at AT TIME ZONE 'UTC') AS DATE)",
            "CAST(FLOOR(EXTRACT(EPOCH FROM (c_out.created_at - c_in.created_at)) / 86400) AS BIGINT)",
        ),
        _ => (
            "substr(a.submitted_at, 1, 10)",
            "CAST(julianday(substr(c_out.created_at, 1, 19)) \
             - julianday(substr(c_in.created_at, 1, 19)) AS INTEGER)",
        ),
    };
    [
        format!(
            "INSERT INTO report_stage_reach \
             (organisation_id, programme_id, submitted_on, stage, count) \
             SELECT v.organisation_id, COALESCE(v.programme_id, 0), {day}, c.to_stage, \
             COUNT(DISTINCT c.application_id) \
             FROM application_stage_changes c \
             JOIN applications a ON a.id = c.application_id \
             JOIN vacancies v ON v.id = a.vacancy_id \
             WHERE a.submitted_at IS NOT NULL AND c.to_stage IN \
             ('submitted', 'invited_to_interview', 'interviewed', 'conditional_offer', 'started') \
             GROUP BY v.organisation_id, COALESCE(v.programme_id, 0), {day}, c.to_stage"
        ),
        format!(
            "INSERT INTO report_stage_stays \
             (organisation_id, programme_id, submitted_on, stage, days, count) \
             SELECT v.organisation_id, COALESCE(v.programme_id, 0), {day}, c_in.to_stage, \
             {days}, COUNT(*) \
             FROM application_stage_changes c_in \
             JOIN application_stage_changes c_out \
               ON c_out.application_id = c_in.application_id AND c_out.from_stage = c_in.to_stage \
             JOIN applications a ON a.id = c_in.application_id \
             JOIN vacancies v ON v.id = a.vacancy_id \
             WHERE a.submitted_at IS NOT NULL \
             GROUP BY v.organisation_id, COALESCE(v.programme_id, 0), {day}, c_in.to_stage, {days}"
        ),
    ]
}

#[derive(DeriveIden)]
enum ReportStageReach {
    Table,
    OrganisationId,
    ProgrammeId,
    SubmittedOn,
    Stage,
    Count,
}

#[derive(DeriveIden)]
enum ReportStageStays {
    Table,
    OrganisationId,
    ProgrammeId,
    SubmittedOn,
    Stage,
    Days,
    Count,
}
