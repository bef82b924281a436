//! Someone who can give the applicant a reference, of any kind the vacancy accepts.

use sea_orm::entity::prelude::*;

/// A row of `application_referees`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "application_referees")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub application_id: i32,
    pub position: i32,
    pub kind: crate::domain::vacancy::ReferenceType,
    pub name: String,
    pub relationship: String,
    pub email: String,
    pub phone: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
