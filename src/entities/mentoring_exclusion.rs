//! A mentor and a student who must never be matched.

use sea_orm::entity::prelude::*;

/// A row of `mentoring_exclusions`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentoring_exclusions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub mentor_id: i32,
    pub mentee_id: i32,
    pub reason: String,
    pub source: crate::domain::mentoring::pilot::ExclusionSource,
    pub created_by: Option<i32>,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
