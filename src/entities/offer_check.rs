//! One pre-employment check of an accepted offer.

use sea_orm::entity::prelude::*;

/// A row of `offer_checks`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "offer_checks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub application_id: i32,
    pub kind: crate::domain::offer::CheckKind,
    pub status: crate::domain::offer::CheckStatus,
    pub note: String,
    pub updated_by: Option<i32>,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
