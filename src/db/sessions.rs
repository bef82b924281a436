//! The `sessions` table.

use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use time::OffsetDateTime;

use crate::entities::session::{self, Entity as Session};

/// Inserts a new session; fails with a unique violation if the ID is taken.
pub async fn insert(db: &impl ConnectionTrait, row: session::Model) -> Result<(), DbErr> {
    Session::insert(active(row)).exec(db).await.map(|_| ())
}

/// Updates a session that is still stored; returns whether there was one. A session that
/// was deleted (signed out, or ended by a password change) stays deleted: a request that
/// loaded it before then must not bring it back when it saves.
pub async fn update(db: &impl ConnectionTrait, row: session::Model) -> Result<bool, DbErr> {
    let result = Session::update_many()
        .col_expr(session::Column::Data, row.data.into())
        .col_expr(session::Column::ExpiresAt, row.expires_at.into())
        .col_expr(session::Column::UserId, row.user_id.into())
        .filter(session::Column::Id.eq(row.id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Loads a session that has not expired.
pub async fn find_live(
    db: &impl ConnectionTrait,
    id: &str,
    now: OffsetDateTime,
) -> Result<Option<session::Model>, DbErr> {
    Session::find_by_id(id.to_owned())
        .filter(session::Column::ExpiresAt.gt(now))
        .one(db)
        .await
}

/// Deletes one session.
pub async fn delete(db: &impl ConnectionTrait, id: &str) -> Result<(), DbErr> {
    Session::delete_by_id(id.to_owned())
        .exec(db)
        .await
        .map(|_| ())
}

/// Ends every session of a user except `keep` (the one making the request, if any).
pub async fn delete_for_user(
    db: &impl ConnectionTrait,
    user_id: i32,
    keep: Option<&str>,
) -> Result<u64, DbErr> {
    let mut query = Session::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(keep) = keep {
        query = query.filter(session::Column::Id.ne(keep));
    }
    Ok(query.exec(db).await?.rows_affected)
}

/// Removes expired sessions.
pub async fn delete_expired(db: &impl ConnectionTrait, now: OffsetDateTime) -> Result<u64, DbErr> {
    Ok(Session::delete_many()
        .filter(session::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}

fn active(row: session::Model) -> session::ActiveModel {
    session::ActiveModel {
        id: Set(row.id),
        data: Set(row.data),
        expires_at: Set(row.expires_at),
        user_id: Set(row.user_id),
    }
}

/// The sessions whose stored data contains `needle` (ignoring ASCII case), for taking a
/// deleted person's name out of other people's one-off messages.
pub async fn containing(
    db: &impl ConnectionTrait,
    needle: &str,
) -> Result<Vec<session::Model>, DbErr> {
    use sea_orm::sea_query::{Expr, ExprTrait, Func};
    Session::find()
        .filter(
            Expr::expr(Func::lower(Expr::col(session::Column::Data)))
                .like(format!("%{}%", needle.to_lowercase())),
        )
        .all(db)
        .await
}

/// Replaces a session's stored data, keeping its expiry and user.
pub async fn set_data(db: &impl ConnectionTrait, id: &str, data: &str) -> Result<(), DbErr> {
    Session::update_many()
        .col_expr(session::Column::Data, data.into())
        .filter(session::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}
