//! Rows written in bulk: IDs chosen up front, multi-row INSERTs under both databases'
//! parameter limits, and the tables they go to.

use anyhow::Context;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Iterable};

/// Most bound parameters in one statement: SQLite allows 32,766, Postgres 65,535.
pub const MAX_PARAMETERS: usize = 32_766;

/// How many rows of `columns` columns fit in one INSERT without passing [`MAX_PARAMETERS`].
pub fn rows_per_batch(columns: usize) -> usize {
    (MAX_PARAMETERS / columns.max(1)).max(1)
}

/// Hands out IDs after the highest in a table.
#[derive(Debug)]
pub(super) struct Ids(pub(super) i64);

impl Ids {
    pub(super) fn next(&mut self) -> anyhow::Result<i32> {
        self.0 += 1;
        i32::try_from(self.0).context("IDs would pass the largest the table can hold")
    }

    pub(super) fn next_big(&mut self) -> i64 {
        self.0 += 1;
        self.0
    }
}

/// Rows waiting to be written in one multi-row INSERT.
pub(super) struct Batch<A: ActiveModelTrait> {
    rows: Vec<A>,
    size: usize,
    pub(super) written: u64,
}

impl<A> Batch<A>
where
    A: ActiveModelTrait + Send,
{
    pub(super) fn new() -> Self {
        let columns = <<A::Entity as EntityTrait>::Column as Iterable>::iter().count();
        let size = rows_per_batch(columns);
        Self {
            rows: Vec::with_capacity(size),
            size,
            written: 0,
        }
    }

    pub(super) fn push(&mut self, row: A) {
        self.rows.push(row);
    }

    pub(super) fn is_full(&self) -> bool {
        self.rows.len() >= self.size
    }

    /// Writes every waiting row, at most a batch's size in each INSERT (a batch may have
    /// grown past its size when one application added several rows).
    pub(super) async fn flush(&mut self, db: &impl ConnectionTrait) -> anyhow::Result<()> {
        while !self.rows.is_empty() {
            let take = self.rows.len().min(self.size);
            let rows: Vec<A> = self.rows.drain(..take).collect();
            A::Entity::insert_many(rows)
                .exec_without_returning(db)
                .await?;
            self.written += take as u64;
        }
        Ok(())
    }
}

/// Tables written, in the order their rows refer to each other.
pub(super) const TABLES: [&str; 21] = [
    "organisations",
    "users",
    "user_roles",
    "applicant_profiles",
    "programmes",
    "vacancies",
    "vacancy_criteria",
    "applications",
    "application_answers",
    "application_referees",
    "application_stage_changes",
    "panel_members",
    "shortlist_scores",
    "final_scores",
    "shortlist_decisions",
    "offers",
    "offer_checks",
    "employment_records",
    "employment_checkpoints",
    "report_stage_reach",
    "report_stage_stays",
];

/// Tables whose IDs are chosen here, so Postgres's sequences must be moved past them.
pub(super) const ID_TABLES: [&str; 15] = [
    "organisations",
    "users",
    "programmes",
    "vacancies",
    "vacancy_criteria",
    "applications",
    "application_answers",
    "application_referees",
    "application_stage_changes",
    "panel_members",
    "shortlist_scores",
    "final_scores",
    "offer_checks",
    "employment_records",
    "employment_checkpoints",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_stay_under_both_databases_parameter_limits() {
        for columns in 1..40 {
            let rows = rows_per_batch(columns);
            assert!(rows * columns <= 32_766);
            assert!(rows * columns > 32_766 - columns);
        }
        assert_eq!(rows_per_batch(0), 32_766);
    }
}
