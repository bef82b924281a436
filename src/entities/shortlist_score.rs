//! One panel member's score for one criterion of one application.

use sea_orm::entity::prelude::*;

/// A row of `shortlist_scores`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shortlist_scores")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub application_id: i32,
    pub criterion_id: i32,
    pub scorer_id: i32,
    pub score: i16,
    pub note: String,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
