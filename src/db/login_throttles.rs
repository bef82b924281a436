//! The `login_throttles` table.

use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, QuerySelect};
use time::OffsetDateTime;

use crate::domain::login_throttle::ThrottleState;
use crate::entities::login_throttle;

/// The state of a key, locking its row until the transaction ends (on Postgres).
pub async fn find_for_update(
    db: &impl ConnectionTrait,
    key: &str,
) -> Result<Option<ThrottleState>, DbErr> {
    Ok(login_throttle::Entity::find_by_id(key.to_owned())
        .lock_exclusive()
        .one(db)
        .await?
        .map(|row| ThrottleState {
            failures: row.failures,
            window_started_at: row.window_started_at,
            locked_until: row.locked_until,
        }))
}

/// The state of a key.
pub async fn find(db: &impl ConnectionTrait, key: &str) -> Result<Option<ThrottleState>, DbErr> {
    Ok(login_throttle::Entity::find_by_id(key.to_owned())
        .one(db)
        .await?
        .map(|row| ThrottleState {
            failures: row.failures,
            window_started_at: row.window_started_at,
            locked_until: row.locked_until,
        }))
}

/// Creates the row for a key if it has none, so it can be locked.
pub async fn ensure(
    db: &impl ConnectionTrait,
    key: &str,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    let row = login_throttle::ActiveModel {
        key: Set(key.to_owned()),
        failures: Set(0),
        window_started_at: Set(now),
        locked_until: Set(None),
    };
    login_throttle::Entity::insert(row)
        .on_conflict_do_nothing_on([login_throttle::Column::Key])
        .exec(db)
        .await
        .map(|_| ())
}

/// Stores the state of a key.
pub async fn save(db: &impl ConnectionTrait, key: &str, state: ThrottleState) -> Result<(), DbErr> {
    login_throttle::Entity::update(login_throttle::ActiveModel {
        key: Set(key.to_owned()),
        failures: Set(state.failures),
        window_started_at: Set(state.window_started_at),
        locked_until: Set(state.locked_until),
    })
    .exec(db)
    .await
    .map(|_| ())
}

/// Forgets a key's failures.
pub async fn clear(db: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    login_throttle::Entity::delete_by_id(key.to_owned())
        .exec(db)
        .await
        .map(|_| ())
}

/// Forgets keys that can no longer refuse anything: their window began over a day ago (every
/// window is shorter) and any lock has ended. Returns how many went.
pub async fn delete_stale(db: &impl ConnectionTrait, now: OffsetDateTime) -> Result<u64, DbErr> {
    use sea_orm::{ColumnTrait, Condition, QueryFilter};
    let day_ago = now - time::Duration::days(1);
    Ok(login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::WindowStartedAt.lt(day_ago))
        .filter(
            Condition::any()
                .add(login_throttle::Column::LockedUntil.is_null())
                .add(login_throttle::Column::LockedUntil.lt(now)),
        )
        .exec(db)
        .await?
        .rows_affected)
}
