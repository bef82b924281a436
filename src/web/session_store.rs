//! A tower-sessions store on our own SeaORM pool, so sessions live in the same database
//! (SQLite or Postgres) as everything else, and all of a user's sessions can be ended at once.
//!
//! A new session that signs someone in is stored through `services::sessions::start`, which
//! judges on the account's locked row whether it may still be (see there): when it may not,
//! `create` fails with an error [`is_refused`] recognises, and nothing is stored.

use async_trait::async_trait;
use sea_orm::DatabaseConnection;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use crate::auth::{SESSION_AUTH_FP, SESSION_HANDOVER, SESSION_USER_ID};
use crate::db::{self, sessions};
use crate::entities::session;
use crate::services::sessions::{self as signing_in, SignedIn};

/// The error of a session that was not stored because its account, or the session it
/// replaces, ended while it was being made.
const REFUSED: &str = "session refused: its account or the session it replaces has ended";

/// Whether storing a session failed because it was refused (see the module's summary), not
/// because of a fault.
pub fn is_refused(err: &session_store::Error) -> bool {
    matches!(err, session_store::Error::Backend(m) if m == REFUSED)
}

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

/// The user a record signs in, if any.
fn user_of(record: &Record) -> Option<i32> {
    record
        .data
        .get(SESSION_USER_ID)
        .and_then(serde_json::Value::as_i64)
        .and_then(|id| i32::try_from(id).ok())
}

/// The row of a record. The handover key is only for storing it the first time: never kept.
fn to_row(record: &Record) -> session_store::Result<session::Model> {
    let data = if record.data.contains_key(SESSION_HANDOVER) {
        let mut data = record.data.clone();
        data.remove(SESSION_HANDOVER);
        serde_json::to_string(&data)
    } else {
        serde_json::to_string(&record.data)
    }
    .map_err(|e| session_store::Error::Encode(e.to_string()))?;
    let user_id = user_of(record);
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
        let str_of = |key: &str| {
            record
                .data
                .get(key)
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        };
        let (fingerprint, handover) = (str_of(SESSION_AUTH_FP), str_of(SESSION_HANDOVER));
        let user_id = user_of(record);
        loop {
            let row = to_row(record)?;
            let stored = match user_id {
                None if handover.is_none() => sessions::insert(&self.db, row).await.map(|()| true),
                // A handover without an account to sign in cannot be taken.
                None => Ok(false),
                Some(user_id) => {
                    let who = SignedIn {
                        user_id,
                        fingerprint: fingerprint.as_deref(),
                        handover: handover.as_deref(),
                    };
                    signing_in::start(&self.db, row, who).await
                }
            };
            match stored {
                Ok(true) => return Ok(()),
                Ok(false) => return Err(session_store::Error::Backend(REFUSED.to_owned())),
                // 128 random bits rarely collide, but if they do, draw again.
                Err(e) if crate::db::is_unique_violation(&e) => record.id = Id::default(),
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
