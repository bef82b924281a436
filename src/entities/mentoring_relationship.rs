//! A confirmed match of a mentor and a student, from its start to its end.

use sea_orm::entity::prelude::*;

/// A row of `mentoring_relationships`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentoring_relationships")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub mentor_id: i32,
    pub mentee_id: i32,
    pub active_mentee_id: Option<i32>,
    pub run_id: Option<i32>,
    pub score: i32,
    pub breakdown: String,
    pub started_at: TimeDateTimeWithTimeZone,
    pub end_requested_at: Option<TimeDateTimeWithTimeZone>,
    pub end_requested_by: Option<i32>,
    pub end_reason: String,
    pub ended_at: Option<TimeDateTimeWithTimeZone>,
    pub ended_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
