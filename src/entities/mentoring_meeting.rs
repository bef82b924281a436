//! A meeting logged by a mentor or a student.

use sea_orm::entity::prelude::*;

/// A row of `mentoring_meetings`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentoring_meetings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub relationship_id: i32,
    pub logged_by: Option<i32>,
    pub met_on: TimeDate,
    pub mode: String,
    pub note: String,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
