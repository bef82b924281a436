//! The lead's shortlisting decision on an application, until shortlisting is completed.

use sea_orm::entity::prelude::*;

/// A row of `shortlist_decisions`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shortlist_decisions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub application_id: i32,
    pub invited: bool,
    pub feedback: String,
    pub automatic: bool,
    pub decided_by: i32,
    pub decided_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
