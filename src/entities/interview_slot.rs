//! A time the panel offers for interviews.

use sea_orm::entity::prelude::*;

/// A row of `interview_slots`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "interview_slots")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub vacancy_id: i32,
    pub starts_at: TimeDateTimeWithTimeZone,
    pub minutes: i32,
    pub place: String,
    pub capacity: i32,
    pub created_by: i32,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
