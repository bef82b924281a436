use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Every reference type, in the order the application stores them (`ReferenceType::ALL`).
const EVERY_REFERENCE_TYPE: &str = "employer,personal_adviser,education_or_community,character";

/// Ring-fenced vacancies and a programme's vacancies must accept every kind of referee
/// (DOMAIN.md §6). Before the rule was enforced a manager could save one that took employers
/// only; this widens those rows. Widening only lets more people apply, so it is safe for
/// vacancies already published, and applications already made keep their referees.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let widen = Query::update()
            .table(Vacancies::Table)
            .value(Vacancies::ReferenceOptions, EVERY_REFERENCE_TYPE)
            .cond_where(
                Condition::all()
                    .add(
                        Condition::any()
                            .add(Expr::col(Vacancies::RingFenced).eq(true))
                            .add(Expr::col(Vacancies::ProgrammeId).is_not_null()),
                    )
                    .add(Expr::col(Vacancies::ReferenceOptions).ne(EVERY_REFERENCE_TYPE)),
            )
            .to_owned();
        manager.exec_stmt(widen).await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // What each vacancy accepted before is not known, and narrowing would break the rule.
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Vacancies {
    Table,
    RingFenced,
    ProgrammeId,
    ReferenceOptions,
}
