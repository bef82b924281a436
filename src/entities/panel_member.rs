//! A hiring manager on a vacancy's shortlisting panel, perhaps its lead.

use sea_orm::entity::prelude::*;

/// A row of `panel_members`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "panel_members")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub vacancy_id: i32,
    pub user_id: i32,
    pub is_lead: bool,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
