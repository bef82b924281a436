//! One line of a vacancy's person specification.

use sea_orm::entity::prelude::*;

/// A row of `vacancy_criteria`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vacancy_criteria")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub vacancy_id: i32,
    pub essential: bool,
    pub position: i32,
    pub text: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::vacancy::Entity",
        from = "Column::VacancyId",
        to = "super::vacancy::Column::Id",
        on_delete = "Cascade"
    )]
    Vacancy,
}

impl Related<super::vacancy::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Vacancy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
