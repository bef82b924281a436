//! The `sessions` table.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use time::OffsetDateTime;

use crate::entities::session::{self, Entity as Session};

/// Inserts a new session; fails with a unique violation if the ID is taken.
pub async fn insert(db: &impl ConnectionTrait, row: session::Model) -> Result<(), DbErr> {
    Session::insert(active(row)).exec(db).await.map(|_| ())
}

/// Inserts or replaces a session.
pub async fn upsert(db: &impl ConnectionTrait, row: session::Model) -> Result<(), DbErr> {
    Session::insert(active(row))
        .on_conflict(
            OnConflict::column(session::Column::Id)
                .update_columns([
                    session::Column::Data,
                    session::Column::ExpiresAt,
                    session::Column::UserId,
                ])
                .to_owned(),
        )
        .exec(db)
        .await
        .map(|_| ())
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
