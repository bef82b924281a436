//! The `applicant_profiles` table.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

use crate::db::now;
use crate::domain::profile::{CareExperience, ProfileInput};
use crate::entities::applicant_profile;

/// An applicant's profile, if they have saved one.
pub async fn find(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> Result<Option<applicant_profile::Model>, DbErr> {
    applicant_profile::Entity::find_by_id(user_id).one(db).await
}

/// Whether the applicant has declared care experience.
pub async fn declares_care_experience(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> Result<bool, DbErr> {
    Ok(find(db, user_id)
        .await?
        .is_some_and(|p| p.care_experience == CareExperience::Yes))
}

/// Saves a profile, creating or replacing it.
pub async fn save(
    db: &impl ConnectionTrait,
    user_id: i32,
    input: &ProfileInput,
) -> Result<(), DbErr> {
    let row = applicant_profile::ActiveModel {
        user_id: Set(user_id),
        phone: Set(input.phone.clone()),
        contact_preference: Set(input.contact_preference.to_owned()),
        care_experience: Set(input.care_experience),
        local_authority: Set(input.local_authority.clone()),
        adviser_name: Set(input.adviser_name.clone()),
        adviser_contact: Set(input.adviser_contact.clone()),
        adjustments: Set(input.adjustments.clone()),
        updated_at: Set(now()),
    };
    applicant_profile::Entity::insert(row)
        .on_conflict(
            OnConflict::column(applicant_profile::Column::UserId)
                .update_columns([
                    applicant_profile::Column::Phone,
                    applicant_profile::Column::ContactPreference,
                    applicant_profile::Column::CareExperience,
                    applicant_profile::Column::LocalAuthority,
                    applicant_profile::Column::AdviserName,
                    applicant_profile::Column::AdviserContact,
                    applicant_profile::Column::Adjustments,
                    applicant_profile::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(db)
        .await
        .map(|_| ())
}

/// Deletes an applicant's profile (their contact details, care details and support needs).
pub async fn delete(db: &impl ConnectionTrait, user_id: i32) -> Result<(), DbErr> {
    applicant_profile::Entity::delete_by_id(user_id)
        .exec(db)
        .await
        .map(|_| ())
}
