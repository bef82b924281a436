//! The mentoring pilot's settings: the cap on students and the scoring weights. One row.

use sea_orm::entity::prelude::*;

/// A row of `mentoring_settings`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentoring_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub mentee_cap: i32,
    pub weight_specialty: i32,
    pub weight_meeting_mode: i32,
    pub weight_availability: i32,
    pub weight_lived_experience: i32,
    pub weight_gender: i32,
    pub weight_teaching_hospital: i32,
    pub updated_by: Option<i32>,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
