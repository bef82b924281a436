//! The `browser_bindings` table.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use time::OffsetDateTime;

use crate::entities::browser_binding::{self, Entity as Binding};

/// Binds a browser (by its token's hash) to a user until `expires_at`, or moves the expiry
/// of a binding it already has.
pub async fn upsert(
    db: &impl ConnectionTrait,
    token_hash: &str,
    user_id: i32,
    expires_at: OffsetDateTime,
) -> Result<(), DbErr> {
    let row = browser_binding::ActiveModel {
        token_hash: Set(token_hash.to_owned()),
        user_id: Set(user_id),
        expires_at: Set(expires_at),
    };
    Binding::insert(row)
        .on_conflict(
            OnConflict::column(browser_binding::Column::TokenHash)
                .update_columns([
                    browser_binding::Column::UserId,
                    browser_binding::Column::ExpiresAt,
                ])
                .to_owned(),
        )
        .exec(db)
        .await
        .map(|_| ())
}

/// The user a live binding names.
pub async fn user_of(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: OffsetDateTime,
) -> Result<Option<i32>, DbErr> {
    Ok(Binding::find_by_id(token_hash.to_owned())
        .filter(browser_binding::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
        .map(|b| b.user_id))
}

/// Removes one binding (signing out).
pub async fn delete(db: &impl ConnectionTrait, token_hash: &str) -> Result<(), DbErr> {
    Binding::delete_by_id(token_hash.to_owned())
        .exec(db)
        .await
        .map(|_| ())
}

/// Removes every binding of a user (deleting their data).
pub async fn delete_for_user(db: &impl ConnectionTrait, user_id: i32) -> Result<u64, DbErr> {
    Ok(Binding::delete_many()
        .filter(browser_binding::Column::UserId.eq(user_id))
        .exec(db)
        .await?
        .rows_affected)
}

/// Removes expired bindings.
pub async fn delete_expired(db: &impl ConnectionTrait, now: OffsetDateTime) -> Result<u64, DbErr> {
    Ok(Binding::delete_many()
        .filter(browser_binding::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}
