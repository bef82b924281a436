//! A hiring manager's list of the people their organisation hired through the service
//! (`/manage/employees`), a page at a time: the database counts, orders and pages it, so the
//! work of a page is bounded by the page whatever the organisation's size.

use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr};
use time::Date;

use crate::db::employment::{self, HireCounts, ListedHire};
use crate::domain::audit_subject::AuditSubject;
use crate::domain::count::counted;
use crate::domain::paging::Paging;
use crate::services::Actor;
use crate::services::applicant_details::{self, DetailsPage};

/// How many records a page of a hiring manager's list of employees shows.
pub const EMPLOYEES_PER_PAGE: u64 = 50;

/// One page of a hiring manager's list of their organisation's hires through the service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmployeesPage {
    /// Counted over the whole organisation, not just this page.
    pub counts: HireCounts,
    /// Which page this is, of how many.
    pub paging: Paging,
    /// The page's records, those with a checkpoint overdue first.
    pub rows: Vec<ListedHire>,
}

/// The page of the organisation's hires through the service asked for (`requested`, from the
/// address; a bad or out-of-range page gives the nearest one), with the counts for the whole
/// organisation. The database counts, orders and pages, so the work here is bounded by the page
/// whatever the organisation's size. Everyone listed is care experienced, so the look is a view
/// of care details (DOMAIN.md §9): audited, with the applications on this page, the one write.
pub async fn employees_page(
    txn: &DatabaseTransaction,
    viewer: Actor<'_>,
    organisation_id: i32,
    requested: &str,
    today: Date,
) -> Result<EmployeesPage, DbErr> {
    let counts = employment::hire_counts(txn, organisation_id, today).await?;
    let total = counted(counts.total)?;
    let paging = Paging::of(requested, total, EMPLOYEES_PER_PAGE);
    let rows = hires_page(txn, organisation_id, paging.offset(), paging.per_page).await?;
    if !rows.is_empty() {
        let hired: Vec<i32> = rows.iter().filter_map(|r| r.application_id).collect();
        applicant_details::record_view(
            txn,
            viewer,
            &AuditSubject::Organisation(organisation_id),
            DetailsPage::Employees,
            &hired,
        )
        .await?;
    }
    Ok(EmployeesPage {
        counts,
        paging,
        rows,
    })
}

/// `limit` of the organisation's hires through the service from `offset`, in the list's order:
/// first those with a checkpoint to record, by when the next falls due; then those with nothing
/// left to record, newest start first. From the top of the list, the first part is read until
/// the page is full; further down, how many are in the first part says which part the page
/// starts in, so that only what the page needs is read.
pub async fn hires_page(
    db: &impl ConnectionTrait,
    organisation_id: i32,
    offset: u64,
    limit: u64,
) -> Result<Vec<ListedHire>, DbErr> {
    let first_part = if offset == 0 {
        None
    } else {
        let n = employment::hires_with_checkpoints_to_record(db, organisation_id).await?;
        Some(counted(n)?)
    };
    let mut rows = if first_part.is_some_and(|n| offset >= n) {
        Vec::new()
    } else {
        employment::hires_by_next_checkpoint(db, organisation_id, offset, limit).await?
    };
    let found = rows.len() as u64;
    if found < limit {
        // The first part ended before this page, or ends on it: from the top, after the
        // `found` read.
        let from = (offset + found).saturating_sub(first_part.unwrap_or(offset + found));
        rows.extend(
            employment::hires_with_nothing_to_record(db, organisation_id, from, limit - found)
                .await?,
        );
    }
    Ok(rows)
}
