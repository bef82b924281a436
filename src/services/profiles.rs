//! The applicant's profile: how to contact them, and whether they have been in care.

use sea_orm::{DatabaseTransaction, DbErr};

use crate::db::applicant_profiles;
use crate::domain::profile::ProfileInput;
use crate::services::Actor;

/// The applicant saves their own profile.
pub async fn save(
    txn: &DatabaseTransaction,
    applicant: Actor<'_>,
    input: &ProfileInput,
) -> Result<(), DbErr> {
    applicant_profiles::save(txn, applicant.id, input).await
}
