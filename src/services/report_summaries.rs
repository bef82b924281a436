//! The dashboard's summary tables (issue 24, `db::reports::summaries`): counted again from the
//! whole stage history, or compared with it.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{DatabaseConnection, TransactionTrait};

use crate::db::reports::{self, ReportFilter, history, summaries};

/// Counts the summaries again from the whole stage history, in one transaction: for after
/// history was written by other means than the service, or restored from a backup.
pub async fn rebuild(db: &DatabaseConnection) -> anyhow::Result<()> {
    let txn = db.begin().await?;
    summaries::rebuild(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// What differs between the summaries and the history, for the whole partnership: none when
/// the dashboard's funnel and medians are right.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Differences {
    /// Funnel counts (organisation, programme, stage) that differ.
    pub funnel: usize,
    /// Stay counts (organisation, programme, stage, days) that differ.
    pub stays: usize,
}

/// Compares the summaries with the history. Writes nothing; the history's self-join takes
/// seconds at a million applications.
pub async fn check(db: &DatabaseConnection) -> anyhow::Result<Differences> {
    let all = ReportFilter::default();
    let funnel = differing(
        reports::funnel_counts(db, &all).await?,
        history::funnel_counts(db, &all).await?,
        |c| {
            (
                (c.organisation_id, c.programme_id, c.stage.as_str(), 0),
                c.count,
            )
        },
    );
    let stays = differing(
        reports::stage_stays(db, &all).await?,
        history::stage_stays(db, &all).await?,
        |s| {
            (
                (s.organisation_id, s.programme_id, s.stage.as_str(), s.days),
                s.count,
            )
        },
    );
    Ok(Differences { funnel, stays })
}

/// A row's key and its count.
type Keyed = ((i32, Option<i32>, &'static str, i64), i64);

/// How many keys have a different count (or none) in one list than in the other.
fn differing<T>(kept: Vec<T>, counted: Vec<T>, key: impl Fn(&T) -> Keyed) -> usize {
    let kept: BTreeMap<_, _> = kept.iter().map(&key).collect();
    let counted: BTreeMap<_, _> = counted.iter().map(&key).collect();
    let keys: BTreeSet<_> = kept.keys().chain(counted.keys()).collect();
    keys.into_iter()
        .filter(|k| kept.get(*k) != counted.get(*k))
        .count()
}
