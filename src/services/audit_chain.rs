//! Checking the audit log's hash chain (`spectra audit verify`): a walk over every event in ID
//! order, a page at a time, judged by `domain::audit_chain`.

use sea_orm::{AccessMode, DatabaseConnection, DbBackend, DbErr, IsolationLevel, TransactionTrait};

use crate::db::audit;
use crate::domain::audit_chain::{Break, Intact, Step, Stored, Walk};
use crate::entities::audit_event;

/// Events read at a time.
const PAGE: u64 = 1000;

/// What the check found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every event links to the one before it and matches its hash.
    Intact(Intact),
    /// The first broken link, and how many events linked before it.
    Broken {
        /// Events that linked before the break.
        linked: u64,
        /// The break.
        broken: Break,
    },
}

/// Walks the whole chain, in one read-only snapshot on Postgres (SQLite has one connection,
/// so nothing is written while it reads). With `anchor`, also notes where that hash is.
pub async fn verify(db: &DatabaseConnection, anchor: Option<&str>) -> Result<Verdict, DbErr> {
    let (isolation, access) = match db.get_database_backend() {
        DbBackend::Postgres => (
            Some(IsolationLevel::RepeatableRead),
            Some(AccessMode::ReadOnly),
        ),
        _ => (None, None),
    };
    let txn = db.begin_with_config(isolation, access).await?;
    let mut walk = Walk::new(anchor);
    let mut after = i64::MIN;
    loop {
        let page: Vec<Stored> = audit::chain_page(&txn, after, PAGE)
            .await?
            .into_iter()
            .map(stored)
            .collect();
        let Some(last) = page.last() else {
            break;
        };
        after = last.id;
        for (at, event) in page.iter().enumerate() {
            match walk.step(event) {
                Step::Linked => {}
                Step::Broken(broken) => {
                    txn.commit().await?;
                    return Ok(Verdict::Broken {
                        linked: walk.count(),
                        broken,
                    });
                }
                Step::Unlinked(unlinked) => {
                    let next = match page.get(at + 1) {
                        Some(next) => Some(next.clone()),
                        None => audit::chain_page(&txn, event.id, 1)
                            .await?
                            .into_iter()
                            .next()
                            .map(stored),
                    };
                    let named =
                        audit::earlier_with_hash(&txn, &unlinked.prev_hash, event.id).await?;
                    txn.commit().await?;
                    return Ok(Verdict::Broken {
                        linked: walk.count(),
                        broken: unlinked.judge(next.as_ref(), named),
                    });
                }
            }
        }
    }
    txn.commit().await?;
    Ok(Verdict::Intact(walk.finish()))
}

/// A stored event as the chain sees it.
fn stored(model: audit_event::Model) -> Stored {
    Stored {
        id: model.id,
        created_at: model.created_at,
        actor_user_id: model.actor_user_id,
        action: model.action,
        subject: model.subject,
        details: model.details,
        prev_hash: model.prev_hash,
        hash: model.hash,
    }
}
