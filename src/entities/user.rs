//! A person who can sign in.

use sea_orm::entity::prelude::*;

/// A row of `users`.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub email: String,
    pub full_name: String,
    pub password_hash: String,
    pub email_verified_at: Option<TimeDateTimeWithTimeZone>,
    pub is_active: bool,
    pub organisation_id: Option<i32>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    /// When the account was deleted: the row is then a pseudonymous stub.
    pub deleted_at: Option<TimeDateTimeWithTimeZone>,
}

// Written by hand so that the password hash never reaches a log.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("user::Model")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("is_active", &self.is_active)
            .field("organisation_id", &self.organisation_id)
            .finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::user_role::Entity")]
    UserRole,
}

impl Related<super::user_role::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::UserRole.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
