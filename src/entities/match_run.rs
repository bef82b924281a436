//! One run of the matcher, with its proposal.

use sea_orm::entity::prelude::*;

/// A row of `match_runs`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "match_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub weights: String,
    pub proposal: String,
    pub created_by: Option<i32>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub confirmed_at: Option<TimeDateTimeWithTimeZone>,
    pub confirmed_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
