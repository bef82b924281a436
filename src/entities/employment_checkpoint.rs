//! A retention checkpoint: 3, 6, 12 or 24 months after someone's start date.

use sea_orm::entity::prelude::*;

/// A row of `employment_checkpoints`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "employment_checkpoints")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub employment_record_id: i32,
    pub months: i32,
    pub due_on: TimeDate,
    /// `in_post`, `left`, `moved` or `closed` (a checkpoint after the person left); empty
    /// until recorded.
    pub outcome: Option<crate::domain::employment::CheckpointOutcome>,
    /// `manager` or `esr`: who or what recorded the outcome.
    pub source: Option<crate::domain::employment::CheckpointSource>,
    pub recorded_by: Option<i32>,
    pub recorded_at: Option<TimeDateTimeWithTimeZone>,
    pub due_reminded_at: Option<TimeDateTimeWithTimeZone>,
    pub overdue_reminded_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
