//! A vacancy's shortlisting: its completion and its high-volume exception.

use sea_orm::entity::prelude::*;

/// A row of `shortlistings`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shortlistings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub vacancy_id: i32,
    pub completed_at: Option<TimeDateTimeWithTimeZone>,
    pub completed_by: Option<i32>,
    pub exception_status: crate::domain::shortlisting::ExceptionStatus,
    pub exception_reason: String,
    pub exception_cap: Option<i32>,
    pub exception_requested_by: Option<i32>,
    pub exception_requested_at: Option<TimeDateTimeWithTimeZone>,
    pub exception_decided_by: Option<i32>,
    pub exception_decided_at: Option<TimeDateTimeWithTimeZone>,
    pub exception_decision_note: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
