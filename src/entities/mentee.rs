//! A care-experienced medical student in the mentoring pilot.

use sea_orm::entity::prelude::*;

/// A row of `mentees`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentees")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub reference: String,
    pub user_id: Option<i32>,
    pub full_name: String,
    pub email: String,
    pub university: String,
    pub year_of_study: i32,
    pub specialty_interests: String,
    pub meeting_modes: crate::domain::mentoring::profile::Modes,
    pub availability: crate::domain::mentoring::profile::Availability,
    pub lived_experience_preference: crate::domain::mentoring::profile::Strength,
    pub gender_preference: String,
    pub gender_preference_strength: crate::domain::mentoring::profile::Strength,
    pub declared_conflicts: String,
    pub status: crate::domain::mentoring::pilot::MenteeStatus,
    pub consented_at: TimeDateTimeWithTimeZone,
    pub decided_at: Option<TimeDateTimeWithTimeZone>,
    pub decided_by: Option<i32>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    /// When the coordinator reviewed the declared conflicts; unreviewed ones keep the student
    /// out of matching.
    pub conflicts_reviewed_at: Option<TimeDateTimeWithTimeZone>,
    /// When a confirmed round left the student without a mentor and they were told they are on
    /// the waiting list; each student is told once.
    pub waiting_list_told_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
