//! A form sent after its sender's session ended, kept for the same account in the same browser
//! until they sign in again and see it (issue 21). The body is personal data: never logged.

use sea_orm::entity::prelude::*;

/// A row of `kept_forms`.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "kept_forms")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    pub binding_hash: String,
    pub path: String,
    /// The urlencoded form as sent, without its form token.
    pub body: String,
    pub created_at: TimeDateTimeWithTimeZone,
}

impl std::fmt::Debug for Model {
    /// Everything but what was typed, so a stray `{:?}` cannot log it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeptForm")
            .field("id", &self.id)
            .field("user_id", &self.user_id)
            .field("path", &self.path)
            .field("body_bytes", &self.body.len())
            .finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
