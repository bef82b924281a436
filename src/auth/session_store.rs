//! A tower-sessions store on our own SeaORM pool, so sessions live in the same database
//! (SQLite or Postgres) as everything else, and all of a user's sessions can be ended at once.

use async_trait::async_trait;
use sea_orm::{DatabaseConnection, SqlErr};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use crate::auth::SESSION_USER_ID;
use crate::db::{self, sessions};
use crate::entities::session;

/// Sessions in the `sessions` table.
#[derive(Clone, Debug)]
pub struct SeaOrmSessionStore {
    db: DatabaseConnection,
}

impl SeaOrmSessionStore {
    /// A store on this pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

fn to_row(record: &Record) -> session_store::Result<session::Model> {
    let data = serde_json::to_string(&record.data)
        .map_err(|e| session_store::Error::Encode(e.to_string()))?;
    let user_id = record
        .data
        .get(SESSION_USER_ID)
        .and_then(serde_json::Value::as_i64)
        .and_then(|id| i32::try_from(id).ok());
    Ok(session::Model {
        id: record.id.to_string(),
        data,
        expires_at: record.expiry_date,
        user_id,
    })
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

#[async_trait]
impl SessionStore for SeaOrmSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        loop {
            match sessions::insert(&self.db, to_row(record)?).await {
                Ok(()) => return Ok(()),
                // 128 random bits rarely collide, but if they do, draw again.
                Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                    record.id = Id::default()
                }
                Err(e) => return Err(backend(e)),
            }
        }
    }

    /// Only ever updates: tower-sessions calls `create` for a session it has no row for (a
    /// new one, or one whose ID was just cycled), and `save` for one it loaded. If that row
    /// has gone since it was loaded, the session was ended (signed out, password changed)
    /// while this request was in flight, and re-creating it would undo that.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let kept = sessions::update(&self.db, to_row(record)?)
            .await
            .map_err(backend)?;
        if !kept {
            tracing::debug!("session ended while a request was in flight; not saved");
        }
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let Some(row) = sessions::find_live(&self.db, &id.to_string(), db::now())
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data = serde_json::from_str(&row.data)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date: row.expires_at,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sessions::delete(&self.db, &id.to_string())
            .await
            .map_err(backend)
    }
}
