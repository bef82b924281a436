use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};
use sea_orm_migration::{prelude::*, schema::*};
use sha2::{Digest, Sha256};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The audit log becomes a hash chain (issue 22): each event stores the hash of the event
/// before it (`prev_hash`) and its own (`hash`), over that and its content, so an edited,
/// deleted or inserted event is found by `spectra audit verify`.
///
/// Events already in the log are chained here, in ID order from the genesis hash, so the
/// chain covers the whole log, not only what comes after the upgrade. This is the only place
/// that writes to existing audit rows: it fills the two new columns, with the append-only
/// trigger of migration 000024 switched off for the length of this migration's transaction and
/// put back exactly as it was. The hash below is a frozen copy of version 1 of
/// `spectra::domain::audit_chain::hash`; the suite checks that a log chained here verifies.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// One transaction on SQLite as well, so the trigger cannot stay off after a failure.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [AuditEvents::PrevHash, AuditEvents::Hash] {
            manager
                .alter_table(
                    Table::alter()
                        .table(AuditEvents::Table)
                        .add_column(string_len(column, 64).default(""))
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        match backend {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only",
                )
                .await?;
                chain_existing(db).await?;
                db.execute_unprepared(
                    "ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only",
                )
                .await?;
            }
            DatabaseBackend::Sqlite => {
                db.execute_unprepared("DROP TRIGGER audit_events_no_update")
                    .await?;
                chain_existing(db).await?;
                // As migration 000024 made it.
                db.execute_unprepared(
                    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events \
                     BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE is refused'); END",
                )
                .await?;
            }
            other => {
                return Err(DbErr::Migration(format!(
                    "audit hash chain: {other:?} is not supported"
                )));
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [AuditEvents::Hash, AuditEvents::PrevHash] {
            manager
                .alter_table(
                    Table::alter()
                        .table(AuditEvents::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

/// The `prev_hash` of the first event.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Events read at a time.
const PAGE: u64 = 1000;

/// Version 1 of the chain's hash (a frozen copy of `spectra::domain::audit_chain::hash`).
fn hash_v1(
    prev_hash: &str,
    id: i64,
    created_at: time::OffsetDateTime,
    actor_user_id: Option<i32>,
    action: &str,
    subject: &str,
    details: &str,
) -> String {
    let mut digest = Sha256::new();
    digest.update(b"spectra audit chain v1\n");
    let actor = actor_user_id.map_or_else(|| "-".to_owned(), |id| id.to_string());
    let micros = created_at.unix_timestamp_nanos().div_euclid(1_000);
    for field in [
        prev_hash,
        &id.to_string(),
        &micros.to_string(),
        &actor,
        action,
        subject,
        details,
    ] {
        digest.update(field.len().to_string().as_bytes());
        digest.update(b":");
        digest.update(field.as_bytes());
        digest.update(b"\n");
    }
    hex::encode(digest.finalize())
}

/// Chains every event already in the log, in ID order.
async fn chain_existing(db: &SchemaManagerConnection<'_>) -> Result<(), DbErr> {
    let mut prev_hash = GENESIS.to_owned();
    let mut after = i64::MIN;
    loop {
        let page = db
            .query_all(
                &Query::select()
                    .columns([
                        AuditEvents::Id,
                        AuditEvents::ActorUserId,
                        AuditEvents::Action,
                        AuditEvents::Subject,
                        AuditEvents::Details,
                        AuditEvents::CreatedAt,
                    ])
                    .from(AuditEvents::Table)
                    .and_where(Expr::col(AuditEvents::Id).gt(after))
                    .order_by(AuditEvents::Id, Order::Asc)
                    .limit(PAGE)
                    .to_owned(),
            )
            .await?;
        if page.is_empty() {
            return Ok(());
        }
        for row in page {
            let id: i64 = row.try_get("", "id")?;
            let hash = hash_v1(
                &prev_hash,
                id,
                row.try_get("", "created_at")?,
                row.try_get("", "actor_user_id")?,
                &row.try_get::<String>("", "action")?,
                &row.try_get::<String>("", "subject")?,
                &row.try_get::<String>("", "details")?,
            );
            db.execute(
                &Query::update()
                    .table(AuditEvents::Table)
                    .values([
                        (AuditEvents::PrevHash, prev_hash.clone().into()),
                        (AuditEvents::Hash, hash.clone().into()),
                    ])
                    .and_where(Expr::col(AuditEvents::Id).eq(id))
                    .to_owned(),
            )
            .await?;
            prev_hash = hash;
            after = id;
        }
    }
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    ActorUserId,
    Action,
    Subject,
    Details,
    CreatedAt,
    PrevHash,
    Hash,
}
