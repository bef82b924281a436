use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Indexes for a hiring manager's list of employees (`/manage/employees`), one page at a time
/// however many records the organisation has:
/// - the organisation's records by route, so that its SPECTRA hires are found without reading
///   the records of an ESR extract (the champion's only), in start order;
/// - the checkpoints still to record in due order, so that the list can be read from the
///   longest overdue and stop once it has a page;
/// - the checkpoints still to record by record and due date, so that whether one is a
///   record's next (none earlier), or whether a record has any left, is one index read.
///
/// The last two are partial indexes: recorded checkpoints, most of them, are not in them.
/// SQLite and Postgres both support them.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(RECORDS_INDEX)
                    .table(EmploymentRecords::Table)
                    .col(EmploymentRecords::OrganisationId)
                    .col(EmploymentRecords::Route)
                    .col(EmploymentRecords::StartDate)
                    .col(EmploymentRecords::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(OPEN_BY_DUE_INDEX)
                    .table(EmploymentCheckpoints::Table)
                    .col(EmploymentCheckpoints::DueOn)
                    .and_where(Expr::col(EmploymentCheckpoints::Outcome).is_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(OPEN_CHECKPOINTS_INDEX)
                    .table(EmploymentCheckpoints::Table)
                    .col(EmploymentCheckpoints::EmploymentRecordId)
                    .col(EmploymentCheckpoints::DueOn)
                    .and_where(Expr::col(EmploymentCheckpoints::Outcome).is_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for index in [OPEN_CHECKPOINTS_INDEX, OPEN_BY_DUE_INDEX] {
            manager
                .drop_index(
                    Index::drop()
                        .name(index)
                        .table(EmploymentCheckpoints::Table)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name(RECORDS_INDEX)
                    .table(EmploymentRecords::Table)
                    .to_owned(),
            )
            .await
    }
}

const RECORDS_INDEX: &str = "idx_employment_records_organisation_route";
const OPEN_BY_DUE_INDEX: &str = "idx_employment_checkpoints_open_due";
const OPEN_CHECKPOINTS_INDEX: &str = "idx_employment_checkpoints_open";

#[derive(DeriveIden)]
enum EmploymentRecords {
    Table,
    Id,
    OrganisationId,
    Route,
    StartDate,
}

#[derive(DeriveIden)]
enum EmploymentCheckpoints {
    Table,
    EmploymentRecordId,
    DueOn,
    Outcome,
}
