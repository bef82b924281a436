//! A conditional offer of a job, and the applicant's answer.

use sea_orm::entity::prelude::*;

/// A row of `offers`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "offers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub application_id: i32,
    pub vacancy_id: i32,
    pub status: crate::domain::offer::OfferStatus,
    pub offered_by: i32,
    pub offered_at: TimeDateTimeWithTimeZone,
    pub responded_at: Option<TimeDateTimeWithTimeZone>,
    pub start_date: Option<TimeDate>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
