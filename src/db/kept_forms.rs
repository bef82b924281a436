//! The `kept_forms` table. Bodies are personal data: no function here logs one.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use time::OffsetDateTime;

use crate::entities::kept_form::{self, Entity as KeptForm};

/// Where a kept form belongs: one account, in one browser, on one page.
#[derive(Clone, Copy, Debug)]
pub struct Owner<'a> {
    /// The account whose session ended.
    pub user_id: i32,
    /// The hash of the browser binding it was sent from.
    pub binding_hash: &'a str,
    /// The page that shows the form.
    pub path: &'a str,
}

/// Keeps a form; a newer one for the same owner replaces it.
pub async fn upsert(
    db: &impl ConnectionTrait,
    owner: Owner<'_>,
    body: String,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    let row = kept_form::ActiveModel {
        user_id: Set(owner.user_id),
        binding_hash: Set(owner.binding_hash.to_owned()),
        path: Set(owner.path.to_owned()),
        body: Set(body),
        created_at: Set(now),
        ..Default::default()
    };
    KeptForm::insert(row)
        .on_conflict(
            OnConflict::columns([
                kept_form::Column::UserId,
                kept_form::Column::BindingHash,
                kept_form::Column::Path,
            ])
            .update_columns([kept_form::Column::Body, kept_form::Column::CreatedAt])
            .to_owned(),
        )
        .exec(db)
        .await
        .map(|_| ())
}

/// The form kept for this owner since `since`, if any.
pub async fn find(
    db: &impl ConnectionTrait,
    owner: Owner<'_>,
    since: OffsetDateTime,
) -> Result<Option<kept_form::Model>, DbErr> {
    KeptForm::find()
        .filter(kept_form::Column::UserId.eq(owner.user_id))
        .filter(kept_form::Column::BindingHash.eq(owner.binding_hash))
        .filter(kept_form::Column::Path.eq(owner.path))
        .filter(kept_form::Column::CreatedAt.gt(since))
        .one(db)
        .await
}

/// Deletes one kept form; returns whether it was still there.
pub async fn delete(db: &impl ConnectionTrait, id: i32) -> Result<bool, DbErr> {
    Ok(KeptForm::delete_by_id(id).exec(db).await?.rows_affected == 1)
}

/// Deletes the forms kept in one browser (signing out there).
pub async fn delete_for_binding(
    db: &impl ConnectionTrait,
    binding_hash: &str,
) -> Result<u64, DbErr> {
    Ok(KeptForm::delete_many()
        .filter(kept_form::Column::BindingHash.eq(binding_hash))
        .exec(db)
        .await?
        .rows_affected)
}

/// Deletes every form kept for a user (deleting their data).
pub async fn delete_for_user(db: &impl ConnectionTrait, user_id: i32) -> Result<u64, DbErr> {
    Ok(KeptForm::delete_many()
        .filter(kept_form::Column::UserId.eq(user_id))
        .exec(db)
        .await?
        .rows_affected)
}

/// Deletes forms kept at or before `cutoff`.
pub async fn delete_older_than(
    db: &impl ConnectionTrait,
    cutoff: OffsetDateTime,
) -> Result<u64, DbErr> {
    Ok(KeptForm::delete_many()
        .filter(kept_form::Column::CreatedAt.lte(cutoff))
        .exec(db)
        .await?
        .rows_affected)
}
