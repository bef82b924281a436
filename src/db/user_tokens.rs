//! The `user_tokens` table: email verification and password reset links.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter,
};

use crate::db::now;
use crate::entities::user_token;

/// What a token lets its holder do: the domain's [`crate::domain::account::TokenPurpose`].
pub use crate::domain::account::TokenPurpose as Purpose;

/// Stores the hash of a new token.
pub async fn create(
    db: &impl ConnectionTrait,
    user_id: i32,
    purpose: Purpose,
    token_hash: &str,
) -> Result<(), DbErr> {
    let now = now();
    user_token::ActiveModel {
        user_id: Set(user_id),
        purpose: Set(purpose),
        token_hash: Set(token_hash.to_owned()),
        expires_at: Set(now + purpose.lifetime()),
        used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// Finds an unused, unexpired token.
pub async fn find_usable(
    db: &impl ConnectionTrait,
    purpose: Purpose,
    token_hash: &str,
) -> Result<Option<user_token::Model>, DbErr> {
    user_token::Entity::find()
        .filter(user_token::Column::TokenHash.eq(token_hash))
        .filter(user_token::Column::Purpose.eq(purpose))
        .filter(user_token::Column::UsedAt.is_null())
        .filter(user_token::Column::ExpiresAt.gt(now()))
        .one(db)
        .await
}

/// Marks a token used. Returns false if it was used (or expired) meanwhile, so two requests
/// racing with one link cannot both succeed.
pub async fn consume(db: &impl ConnectionTrait, id: i32) -> Result<bool, DbErr> {
    let now = now();
    let result = user_token::Entity::update_many()
        .col_expr(user_token::Column::UsedAt, Some(now).into())
        .filter(user_token::Column::Id.eq(id))
        .filter(user_token::Column::UsedAt.is_null())
        .filter(user_token::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Marks every unused token of this purpose used, e.g. older reset links once one is used.
pub async fn revoke_all(
    db: &impl ConnectionTrait,
    user_id: i32,
    purpose: Purpose,
) -> Result<(), DbErr> {
    user_token::Entity::update_many()
        .col_expr(user_token::Column::UsedAt, Some(now()).into())
        .filter(user_token::Column::UserId.eq(user_id))
        .filter(user_token::Column::Purpose.eq(purpose))
        .filter(user_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes every link (email confirmation, password reset) issued to a user.
pub async fn delete_for_user(db: &impl ConnectionTrait, user_id: i32) -> Result<(), DbErr> {
    user_token::Entity::delete_many()
        .filter(user_token::Column::UserId.eq(user_id))
        .exec(db)
        .await
        .map(|_| ())
}
