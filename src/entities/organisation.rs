//! An NHS organisation taking part: a trust or the ICB.

use sea_orm::entity::prelude::*;

/// A row of `organisations`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organisations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    pub ods_code: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
    /// When an administrator deactivated it: no new vacancies are created for it.
    pub deactivated_at: Option<TimeDateTimeWithTimeZone>,
    /// When an administrator last changed its name or ODS code.
    pub updated_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
