//! An entry in the audit log: overrides, exceptions, views of care details, role changes, exports.

use sea_orm::entity::prelude::*;

/// A row of `audit_events`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub actor_user_id: Option<i32>,
    pub action: String,
    pub subject: String,
    pub details: String,
    pub created_at: TimeDateTimeWithTimeZone,
    /// The hash of the event before it (`domain::audit_chain::GENESIS` for the first).
    pub prev_hash: String,
    /// The hash of `prev_hash` and this event's content (`domain::audit_chain::hash`).
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
