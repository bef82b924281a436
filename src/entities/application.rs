//! An application by an applicant for a vacancy, from its first saved step to its end.

use sea_orm::entity::prelude::*;

/// A row of `applications`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "applications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub vacancy_id: i32,
    pub applicant_id: i32,
    pub stage: crate::domain::application::Stage,
    pub reached_step: i32,
    pub guaranteed_interview: Option<bool>,
    pub adjustments: String,
    pub confirmed_definition: Option<String>,
    pub withdrawal_reason: String,
    pub submitted_at: Option<TimeDateTimeWithTimeZone>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    /// When its personal data was erased (purged, or its applicant's account deleted).
    pub personal_data_purged_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::vacancy::Entity",
        from = "Column::VacancyId",
        to = "super::vacancy::Column::Id",
        on_delete = "Restrict"
    )]
    Vacancy,
}

impl Related<super::vacancy::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Vacancy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
