//! Importing the coordinator's spreadsheets (see `domain::mentoring::import` for the rules).
//! Every student in an imported file is approved (the coordinator vouches for them), so the
//! file must fit under the cap; it is judged with every approval waiting for the import.

use sea_orm::DatabaseTransaction;
use serde_json::json;

use super::grant;
use crate::db::audit::{self, AuditAction};
use crate::db::mentoring::registry as reg;
use crate::db::mentoring::{self, approved_count, lock_mentees, status_of};
use crate::domain::Role;
use crate::domain::audit_subject::{AuditSubject, MentoringSheet};
use crate::domain::mentoring::files::{self, MenteeRecord, RowError};
use crate::domain::mentoring::import::{Sheet, match_identities};
use crate::domain::mentoring::pilot::{ExclusionSource, MenteeStatus, within_cap};
use crate::services::{Actor, Outcome};

/// What an import stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Imported {
    /// Which spreadsheet.
    pub sheet: Sheet,
    /// Records added.
    pub added: u32,
    /// Records updated.
    pub updated: u32,
}

/// Why a file was not imported. Nothing was stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportRefusal {
    /// The file has no rows under the column names.
    NoRows,
    /// Some rows are wrong, each by its line.
    BadRows(Vec<RowError>),
    /// The students would not fit under the cap.
    OverCap {
        /// How many more students the file would approve.
        adding: u64,
        /// How many places are left.
        left: u64,
        /// The cap.
        cap: u32,
    },
}

/// The coordinator imports one spreadsheet, pasted as `text`: every row is stored, or none.
pub async fn import(
    txn: &DatabaseTransaction,
    coordinator: Actor<'_>,
    sheet: Sheet,
    text: &str,
) -> Outcome<Imported, ImportRefusal> {
    lock_mentees(txn).await?;
    let done = match sheet {
        Sheet::Mentors => import_mentors(txn, coordinator, text).await?,
        Sheet::Mentees => import_mentees(txn, coordinator, text).await?,
        Sheet::Exclusions => import_exclusions(txn, coordinator, text).await?,
    };
    Ok(done.map(|(added, updated)| Imported {
        sheet,
        added,
        updated,
    }))
}

/// Records read from a file, or why the file is refused.
fn rows<T>(read: Result<Vec<T>, Vec<RowError>>) -> Result<Vec<T>, ImportRefusal> {
    match read {
        Ok(r) if r.is_empty() => Err(ImportRefusal::NoRows),
        Ok(r) => Ok(r),
        Err(e) => Err(ImportRefusal::BadRows(e)),
    }
}

/// Grants `role` to the accounts with these emails; returns how many were granted it.
async fn grant_to_accounts(
    txn: &DatabaseTransaction,
    emails: Vec<String>,
    role: Role,
    by: Actor<'_>,
) -> anyhow::Result<u32> {
    let mut granted = 0;
    for (_, user_id) in reg::emails_with_accounts(txn, emails).await? {
        if grant(txn, by, user_id, role).await? {
            granted += 1;
        }
    }
    Ok(granted)
}

async fn import_mentors(
    txn: &DatabaseTransaction,
    by: Actor<'_>,
    text: &str,
) -> Outcome<(u32, u32), ImportRefusal> {
    let records = match rows(files::read_mentors(text)) {
        Ok(r) => r,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let stored = reg::all_mentors(txn).await?;
    let known = stored
        .iter()
        .map(|m| (m.id, m.reference.as_str(), m.email.as_str()));
    let identities = records.iter().map(|r| (r.id.as_str(), r.email.as_str()));
    let plan = match match_identities("mentor", text, identities, known) {
        Ok(existing) => records.iter().zip(existing),
        Err(bad) => return Ok(Err(ImportRefusal::BadRows(bad))),
    };
    let (mut added, mut updated) = (0, 0);
    for (record, existing) in plan {
        match existing.and_then(|id| stored.iter().find(|m| m.id == id)) {
            Some(m) => {
                reg::update_mentor(txn, m.clone(), record).await?;
                updated += 1;
            }
            None => {
                reg::insert_mentor(txn, record).await?;
                added += 1;
            }
        }
    }
    let emails = records.iter().map(|r| r.email.clone()).collect();
    let granted = grant_to_accounts(txn, emails, Role::Mentor, by).await?;
    audit::record(
        txn,
        Some(by.id),
        AuditAction::MentoringImported,
        &AuditSubject::Mentoring(MentoringSheet::Mentors),
        json!({ "file": "mentors", "added": added, "updated": updated, "roles_granted": granted }),
    )
    .await?;
    Ok(Ok((added, updated)))
}

async fn import_mentees(
    txn: &DatabaseTransaction,
    by: Actor<'_>,
    text: &str,
) -> Outcome<(u32, u32), ImportRefusal> {
    let records: Vec<MenteeRecord> = match rows(files::read_mentees(text)) {
        Ok(r) => r,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let stored = reg::mentees(txn).await?;
    let known = stored
        .iter()
        .map(|m| (m.id, m.reference.as_str(), m.email.as_str()));
    let identities = records.iter().map(|r| (r.id.as_str(), r.email.as_str()));
    let plan: Vec<_> = match match_identities("student", text, identities, known) {
        Ok(existing) => records
            .iter()
            .zip(existing)
            .map(|(r, id)| (r, id.and_then(|id| stored.iter().find(|m| m.id == id))))
            .collect(),
        Err(bad) => return Ok(Err(ImportRefusal::BadRows(bad))),
    };
    let newly_approved = plan
        .iter()
        .filter(|(_, existing)| existing.is_none_or(|m| status_of(m) != MenteeStatus::Approved))
        .count();
    let approved = approved_count(txn).await?;
    let cap = mentoring::settings(txn).await?.cap;
    let adding = u64::try_from(newly_approved).unwrap_or(u64::MAX);
    if !within_cap(approved, adding, cap) {
        let left = u64::from(cap).saturating_sub(approved);
        return Ok(Err(ImportRefusal::OverCap { adding, left, cap }));
    }
    let (mut added, mut updated) = (0, 0);
    for (record, existing) in plan {
        match existing {
            Some(m) => {
                reg::update_imported_mentee(txn, m.clone(), record, by.id).await?;
                updated += 1;
            }
            None => {
                reg::insert_imported_mentee(txn, record, by.id).await?;
                added += 1;
            }
        }
    }
    let emails = records.iter().map(|r| r.email.clone()).collect();
    let granted = grant_to_accounts(txn, emails, Role::Mentee, by).await?;
    audit::record(
        txn,
        Some(by.id),
        AuditAction::MentoringImported,
        &AuditSubject::Mentoring(MentoringSheet::Mentees),
        json!({ "file": "mentees", "added": added, "updated": updated, "newly_approved": adding, "roles_granted": granted }),
    )
    .await?;
    Ok(Ok((added, updated)))
}

async fn import_exclusions(
    txn: &DatabaseTransaction,
    by: Actor<'_>,
    text: &str,
) -> Outcome<(u32, u32), ImportRefusal> {
    let records = match rows(files::read_exclusions(text)) {
        Ok(r) => r,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let (mentors, mentees) = reg::references(txn).await?;
    let lines = files::row_lines(text);
    let mut plan = Vec::new();
    let mut bad = Vec::new();
    for (i, r) in records.iter().enumerate() {
        let mut problems = Vec::new();
        let mentor = mentors.get(&r.mentor_id);
        if mentor.is_none() {
            problems.push(format!(
                "mentor_id \"{}\" is not a known mentor",
                r.mentor_id
            ));
        }
        let mentee = mentees.get(&r.mentee_id);
        if mentee.is_none() {
            problems.push(format!(
                "mentee_id \"{}\" is not a known student",
                r.mentee_id
            ));
        }
        match (mentor, mentee) {
            (Some(a), Some(b)) => plan.push((*a, *b, r)),
            _ => bad.push(RowError {
                line: files::line_of(&lines, i),
                message: problems.join("; "),
            }),
        }
    }
    if !bad.is_empty() {
        return Ok(Err(ImportRefusal::BadRows(bad)));
    }
    let (mut added, mut updated) = (0, 0);
    for (mentor_id, mentee_id, record) in plan {
        match reg::exclusion_of_pair(txn, mentor_id, mentee_id).await? {
            Some(existing) => {
                reg::set_exclusion_reason(txn, existing, &record.reason).await?;
                updated += 1;
            }
            None => {
                reg::add_exclusion(
                    txn,
                    mentor_id,
                    mentee_id,
                    &record.reason,
                    ExclusionSource::Coordinator,
                    by.id,
                )
                .await?;
                added += 1;
            }
        }
    }
    audit::record(
        txn,
        Some(by.id),
        AuditAction::MentoringImported,
        &AuditSubject::Mentoring(MentoringSheet::Exclusions),
        json!({ "file": "exclusions", "added": added, "updated": updated }),
    )
    .await?;
    Ok(Ok((added, updated)))
}
