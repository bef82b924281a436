//! Someone in post: the start of retention tracking.

use sea_orm::entity::prelude::*;

/// A row of `employment_records`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "employment_records")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub application_id: Option<i32>,
    pub user_id: Option<i32>,
    pub organisation_id: i32,
    pub role: String,
    pub band: String,
    pub start_date: TimeDate,
    pub apprenticeship: bool,
    pub created_at: TimeDateTimeWithTimeZone,
    pub staff_group: String,
    pub route: crate::domain::employment::Route,
    pub assignment_number: Option<String>,
    pub programme_id: Option<i32>,
    pub end_date: Option<TimeDate>,
    pub end_kind: Option<crate::domain::employment::EndKind>,
    pub leaving_reason: Option<String>,
    pub moved_to: Option<String>,
    pub updated_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
