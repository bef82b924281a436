//! One move of an application from a stage to another: who, when, from where.

use sea_orm::entity::prelude::*;

/// A row of `application_stage_changes`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "application_stage_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub application_id: i32,
    pub from_stage: Option<crate::domain::application::Stage>,
    pub to_stage: crate::domain::application::Stage,
    pub actor_user_id: Option<i32>,
    pub note: String,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
