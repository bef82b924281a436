//! The `sessions` table.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
};
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

/// Ends a live session of `user_id` in the caller's transaction; returns whether there was
/// one. The password change that ends it makes its successor only when this is true, so a
/// sign-out that came first is never undone.
pub async fn claim(
    db: &impl ConnectionTrait,
    id: &str,
    user_id: i32,
    now: OffsetDateTime,
) -> Result<bool, DbErr> {
    let result = Session::delete_many()
        .filter(session::Column::Id.eq(id))
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Stores a handover: the row, belonging to no user, that stands for a session ended by a
/// password change until its successor is made (its data empty until then, then the
/// successor's ID). See `auth::session_store`.
pub async fn insert_handover(
    db: &impl ConnectionTrait,
    id: &str,
    expires_at: OffsetDateTime,
) -> Result<(), DbErr> {
    insert(
        db,
        session::Model {
            id: id.to_owned(),
            data: String::new(),
            expires_at,
            user_id: None,
        },
    )
    .await
}

/// Takes a waiting handover for the session `successor`: returns false, changing nothing, if
/// it has gone (its old session was signed out meanwhile), was taken, or has expired.
pub async fn take_handover(
    db: &impl ConnectionTrait,
    id: &str,
    successor: &str,
    now: OffsetDateTime,
) -> Result<bool, DbErr> {
    let result = Session::update_many()
        .col_expr(session::Column::Data, successor.into())
        .filter(session::Column::Id.eq(id))
        .filter(session::Column::UserId.is_null())
        .filter(session::Column::Data.eq(""))
        .filter(session::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// A session row by ID, locked for the rest of the transaction on Postgres (SQLite has one
/// writer at a time).
pub async fn find_for_update(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<session::Model>, DbErr> {
    Session::find_by_id(id.to_owned())
        .lock_exclusive()
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
