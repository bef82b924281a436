//! A vacancy advertised by one organisation.

use sea_orm::entity::prelude::*;

/// A row of `vacancies`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vacancies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organisation_id: i32,
    pub programme_id: Option<i32>,
    pub title: String,
    pub kind: crate::domain::vacancy::VacancyKind,
    pub band: String,
    pub working_pattern: String,
    pub salary: String,
    pub location: String,
    pub positions: i32,
    pub closes_at: TimeDateTimeWithTimeZone,
    pub ring_fenced: bool,
    pub summary: String,
    pub description: String,
    /// Entry requirements and the adjustments made, for apprenticeships; empty for other kinds.
    pub entry_requirements: String,
    pub reference_options: String,
    pub contact_name: String,
    pub contact_role: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub status: crate::domain::vacancy::VacancyStatus,
    pub created_by: i32,
    pub published_at: Option<TimeDateTimeWithTimeZone>,
    /// When a manager closed it before its closing date; cleared when it is reopened.
    pub closed_early_at: Option<TimeDateTimeWithTimeZone>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::vacancy_criterion::Entity")]
    Criterion,
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::OrganisationId",
        to = "super::organisation::Column::Id",
        on_delete = "Restrict"
    )]
    Organisation,
}

impl Related<super::vacancy_criterion::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Criterion.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
