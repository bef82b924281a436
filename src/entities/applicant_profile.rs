//! An applicant's profile: contact details, the care-experience declaration, adjustments.

use sea_orm::entity::prelude::*;

/// A row of `applicant_profiles`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "applicant_profiles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i32,
    pub phone: String,
    pub contact_preference: String,
    pub care_experience: crate::domain::profile::CareExperience,
    pub local_authority: String,
    pub adviser_name: String,
    pub adviser_contact: String,
    pub adjustments: String,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
