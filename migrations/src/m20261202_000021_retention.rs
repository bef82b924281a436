use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Retention tracking (DOMAIN.md §7): organisations get their ODS code; employment records get
/// what retention needs (staff group, how the person came in, their ESR assignment, the
/// programme, and how the employment ended); and each record gets its checkpoints at 3, 6, 12
/// and 24 months, with the reminders sent for each.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(Organisations::Table)
                    .add_column(string_len_null(Organisations::OdsCode, 10))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_organisations_ods_code")
                    .table(Organisations::Table)
                    .col(Organisations::OdsCode)
                    .unique()
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        for (name, code) in [
            ("Alder Hey Children's NHS FT", "RBS"),
            ("Liverpool University Hospitals NHS FT", "REM"),
            ("Liverpool Women's NHS FT", "REP"),
            ("Liverpool Heart and Chest Hospital NHS FT", "RBQ"),
            ("The Clatterbridge Cancer Centre NHS FT", "REN"),
            ("The Walton Centre NHS FT", "RET"),
            ("Mersey Care NHS FT", "RW4"),
            ("NHS Cheshire and Merseyside (the ICB)", "QYG"),
            ("NHS Cheshire and Merseyside", "QYG"),
        ] {
            let update = Query::update()
                .table(Organisations::Table)
                .value(Organisations::OdsCode, code)
                .and_where(Expr::col(Organisations::Name).eq(name))
                .and_where(Expr::col(Organisations::OdsCode).is_null())
                .to_owned();
            // The ICB may be stored under either name; only the first gets the code.
            let taken = Query::select()
                .expr(Expr::col(Organisations::Id).count())
                .from(Organisations::Table)
                .and_where(Expr::col(Organisations::OdsCode).eq(code))
                .to_owned();
            let row = db.query_one(&taken).await?;
            let count: i64 = row.map_or(Ok(0), |r| r.try_get_by_index(0))?;
            if count == 0 {
                db.execute(&update).await?;
            }
        }

        let columns = [
            string_len(EmploymentRecords::StaffGroup, 60)
                .default("")
                .to_owned(),
            string_len(EmploymentRecords::Route, 10)
                .default("spectra")
                .to_owned(),
            string_len_null(EmploymentRecords::AssignmentNumber, 30),
            integer_null(EmploymentRecords::ProgrammeId),
            date_null(EmploymentRecords::EndDate),
            string_len_null(EmploymentRecords::EndKind, 10),
            string_len_null(EmploymentRecords::LeavingReason, 80),
            string_len_null(EmploymentRecords::MovedTo, 200),
            timestamp_with_time_zone_null(EmploymentRecords::UpdatedAt),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(EmploymentRecords::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_employment_records_assignment")
                    .table(EmploymentRecords::Table)
                    .col(EmploymentRecords::AssignmentNumber)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_employment_records_organisation")
                    .table(EmploymentRecords::Table)
                    .col(EmploymentRecords::OrganisationId)
                    .col(EmploymentRecords::StartDate)
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared(
            "UPDATE employment_records SET programme_id = (SELECT v.programme_id \
             FROM applications a JOIN vacancies v ON v.id = a.vacancy_id \
             WHERE a.id = employment_records.application_id) \
             WHERE application_id IS NOT NULL",
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(EmploymentCheckpoints::Table)
                    .col(pk_auto(EmploymentCheckpoints::Id))
                    .col(integer(EmploymentCheckpoints::EmploymentRecordId))
                    .col(integer(EmploymentCheckpoints::Months))
                    .col(date(EmploymentCheckpoints::DueOn))
                    .col(string_len_null(EmploymentCheckpoints::Outcome, 10))
                    .col(string_len_null(EmploymentCheckpoints::Source, 10))
                    .col(integer_null(EmploymentCheckpoints::RecordedBy))
                    .col(timestamp_with_time_zone_null(
                        EmploymentCheckpoints::RecordedAt,
                    ))
                    .col(timestamp_with_time_zone_null(
                        EmploymentCheckpoints::DueRemindedAt,
                    ))
                    .col(timestamp_with_time_zone_null(
                        EmploymentCheckpoints::OverdueRemindedAt,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                EmploymentCheckpoints::Table,
                                EmploymentCheckpoints::EmploymentRecordId,
                            )
                            .to(EmploymentRecords::Table, EmploymentRecords::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                EmploymentCheckpoints::Table,
                                EmploymentCheckpoints::RecordedBy,
                            )
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_employment_checkpoints_record_months")
                    .table(EmploymentCheckpoints::Table)
                    .col(EmploymentCheckpoints::EmploymentRecordId)
                    .col(EmploymentCheckpoints::Months)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_employment_checkpoints_due")
                    .table(EmploymentCheckpoints::Table)
                    .col(EmploymentCheckpoints::Outcome)
                    .col(EmploymentCheckpoints::DueOn)
                    .to_owned(),
            )
            .await?;

        // Checkpoints for the records that already exist: 3, 6, 12 and 24 calendar months
        // after the start date, computed here because the two databases do date arithmetic
        // differently.
        let existing = Query::select()
            .columns([EmploymentRecords::Id, EmploymentRecords::StartDate])
            .from(EmploymentRecords::Table)
            .to_owned();
        for row in db.query_all(&existing).await? {
            let id: i32 = row.try_get_by_index(0)?;
            let start: time::Date = row.try_get_by_index(1)?;
            for months in [3, 6, 12, 24] {
                let insert = Query::insert()
                    .into_table(EmploymentCheckpoints::Table)
                    .columns([
                        EmploymentCheckpoints::EmploymentRecordId,
                        EmploymentCheckpoints::Months,
                        EmploymentCheckpoints::DueOn,
                    ])
                    .values_panic([id.into(), months.into(), add_months(start, months).into()])
                    .to_owned();
                db.execute(&insert).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(EmploymentCheckpoints::Table).to_owned())
            .await?;
        for index in [
            "idx_employment_records_assignment",
            "idx_employment_records_organisation",
        ] {
            manager
                .drop_index(
                    Index::drop()
                        .name(index)
                        .table(EmploymentRecords::Table)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            EmploymentRecords::StaffGroup,
            EmploymentRecords::Route,
            EmploymentRecords::AssignmentNumber,
            EmploymentRecords::ProgrammeId,
            EmploymentRecords::EndDate,
            EmploymentRecords::EndKind,
            EmploymentRecords::LeavingReason,
            EmploymentRecords::MovedTo,
            EmploymentRecords::UpdatedAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(EmploymentRecords::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("idx_organisations_ods_code")
                    .table(Organisations::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Organisations::Table)
                    .drop_column(Organisations::OdsCode)
                    .to_owned(),
            )
            .await
    }
}

/// The same day `months` calendar months later, or the month's last day where it has no such
/// day (31 August + 6 months is 28 or 29 February). Kept here so that the migration does not
/// depend on the application crate; `spectra::domain::employment::checkpoint_due` is the same rule.
fn add_months(start: time::Date, months: i32) -> time::Date {
    let index = start.year() * 12 + i32::from(u8::from(start.month())) - 1 + months;
    let (year, month0) = (index.div_euclid(12), index.rem_euclid(12));
    let month = <u8 as TryFrom<i32>>::try_from(month0 + 1)
        .ok()
        .and_then(|m| <time::Month as TryFrom<u8>>::try_from(m).ok())
        .unwrap_or(time::Month::January);
    let last = time::util::days_in_month(month, year);
    time::Date::from_calendar_date(year, month, Ord::min(start.day(), last)).unwrap_or(start)
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
    Name,
    OdsCode,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum EmploymentRecords {
    Table,
    Id,
    OrganisationId,
    StartDate,
    StaffGroup,
    Route,
    AssignmentNumber,
    ProgrammeId,
    EndDate,
    EndKind,
    LeavingReason,
    MovedTo,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EmploymentCheckpoints {
    Table,
    Id,
    EmploymentRecordId,
    Months,
    DueOn,
    Outcome,
    Source,
    RecordedBy,
    RecordedAt,
    DueRemindedAt,
    OverdueRemindedAt,
}
