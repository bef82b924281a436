//! A clinician who mentors medical students.

use sea_orm::entity::prelude::*;

/// A row of `mentors`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentors")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub reference: String,
    pub full_name: String,
    pub email: String,
    pub organisation: String,
    pub grade: String,
    pub specialty: String,
    pub capacity: i32,
    pub meeting_modes: crate::domain::mentoring::profile::Modes,
    pub availability: crate::domain::mentoring::profile::Availability,
    pub lived_experience: bool,
    pub gender: String,
    pub archived_at: Option<TimeDateTimeWithTimeZone>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
