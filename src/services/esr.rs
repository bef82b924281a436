//! ESR extracts (DOMAIN.md §7): the preview of what an extract will change, the import that
//! applies it, and the export of every employment record in the same columns.
//!
//! Rows are matched on their assignment number, so importing the same extract twice changes
//! nothing the second time. Only rows marked `care_experienced=yes` with an assignment number
//! are stored; every row has been checked already ([`crate::domain::esr::read`]), and here
//! their organisation codes are checked against the organisations of the service (only for the
//! rows that are stored: the others may name any organisation, as a whole trust's extract can
//! name organisations the service does not know). A file with any bad row changes nothing.
//!
//! What an import does:
//! - a new assignment number creates a record (route ESR, with no account, application or
//!   programme) and its four checkpoints: those that fell due before the import while the
//!   person was in post are recorded in post, the first after a leaving date records the
//!   leaving (or the move), later ones are closed; all with source `esr`;
//! - a known one updates the organisation, job role, staff group, band and start date where
//!   they differ (a new start date moves the due dates of the checkpoints not yet recorded),
//!   records as in post (source ESR) each checkpoint not yet recorded that the extract proves
//!   ([`esr_proves_in_post`]: due before the import and on or before any leaving date), and
//!   records a leaving the record does not have yet: end date, left or moved, the reason, and
//!   the checkpoints not yet recorded after it;
//! - a record that has ended (recorded by a manager, or by an earlier extract) is never reopened
//!   or re-dated by an extract: where the extract says otherwise, the preview lists it so that
//!   someone can check, and nothing about the ending changes.

use std::collections::HashMap;
use std::fmt::Write as _;

use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr};
use serde_json::json;
use sha2::{Digest, Sha256};
use time::Date;

use crate::db::audit::{self, AuditAction};
use crate::db::employment::{self, EsrDetails, NewEmployment};
use crate::db::organisations;
use crate::domain::audit_subject::AuditSubject;
use crate::domain::employment::{
    CheckpointOutcome, CheckpointSource, EndKind, Route, checkpoint_due, esr_proves_in_post,
};
use crate::domain::esr::{
    self, BadRow, Ending, EndingVerdict, EsrRow, ExportRow, Field, Stored, StoredEnd,
    changed_fields, checkpoint_outcomes, format_date,
};
use crate::entities::{employment_record, organisation};
use crate::services::Outcome;

/// Why an extract cannot be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EsrRefusal {
    /// Rows that name organisations the service does not know (or, from the caller, rows that
    /// could not be read): nothing is imported.
    BadRows(Vec<BadRow>),
    /// What the import would do is not what the preview showed: the new plan, to confirm.
    PlanChanged(Box<Plan>),
}

/// A change to one field of a record, as the extract writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    /// The field.
    pub field: Field,
    /// Its stored value (dates as `YYYY-MM-DD`, organisations by ODS code or name).
    pub from: String,
    /// Its value in the extract.
    pub to: String,
}

/// A record an import creates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Creation {
    /// The row.
    pub row: EsrRow,
    /// Its organisation.
    pub organisation_id: i32,
    /// Its organisation's name.
    pub organisation: String,
}

/// A stored record the extract changes: its fields, its ending, or both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordChange {
    /// The record.
    pub record_id: i32,
    /// The row.
    pub row: EsrRow,
    /// The organisation in the extract.
    pub organisation_id: i32,
    /// Its name.
    pub organisation: String,
    /// The fields that change, in column order.
    pub fields: Vec<FieldChange>,
    /// The leaving (or move) the record gains.
    pub closes: Option<Ending>,
    /// The months of the checkpoints not yet recorded that the extract proves the person was in
    /// post for ([`esr_proves_in_post`]): recorded as in post, from ESR.
    pub proves: Vec<i32>,
}

/// A record whose ending the extract contradicts, left as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kept {
    /// The assignment number.
    pub assignment_number: String,
    /// The line of the row.
    pub line: u64,
    /// Its organisation's name.
    pub organisation: String,
    /// The stored leaving date.
    pub stored_end: Date,
    /// What the extract says instead: in post (`None`) or another ending.
    pub extract: Option<Ending>,
}

impl Kept {
    /// What differs, in plain words (dates `YYYY-MM-DD`).
    pub fn describe(&self) -> String {
        match self.extract {
            None => format!(
                "ended here on {}, but in post in the extract: not reopened",
                format_date(self.stored_end)
            ),
            Some(e) => format!(
                "ended here on {}, but the extract says {} on {} ({}): left as recorded here",
                format_date(self.stored_end),
                kind_words(e.kind()),
                format_date(e.date),
                e.reason.esr
            ),
        }
    }
}

fn kind_words(kind: EndKind) -> &'static str {
    match kind {
        EndKind::Left => "left",
        EndKind::Moved => "moved within the NHS",
    }
}

/// What an extract will change, worked out from the stored records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The date of the import, which decides which checkpoints have fallen due.
    pub today: Date,
    /// The rows of the file.
    pub rows: usize,
    /// Records to create.
    pub create: Vec<Creation>,
    /// Stored records that change.
    pub changes: Vec<RecordChange>,
    /// Rows whose records do not change.
    pub unchanged: usize,
    /// Records whose ending the extract contradicts, left as they are (counted as unchanged,
    /// or among the changes if other fields change).
    pub kept: Vec<Kept>,
    /// Rows not marked care experienced: checked, never stored.
    pub not_care_experienced: usize,
    /// Rows marked care experienced but with no assignment number (SPECTRA hires that ESR
    /// has no number for yet, in an export): nothing to match them on, so never stored.
    pub unnumbered: usize,
}

impl Plan {
    /// The records whose fields change.
    pub fn updates(&self) -> Vec<&RecordChange> {
        self.changes
            .iter()
            .filter(|c| !c.fields.is_empty())
            .collect()
    }

    /// The records that gain an end date: leavers and movers.
    pub fn closures(&self) -> Vec<&RecordChange> {
        self.changes.iter().filter(|c| c.closes.is_some()).collect()
    }

    /// The stored records with checkpoints the extract proves in post.
    pub fn proofs(&self) -> Vec<&RecordChange> {
        self.changes
            .iter()
            .filter(|c| !c.proves.is_empty())
            .collect()
    }

    /// How many checkpoints of stored records the extract proves in post.
    pub fn proved_count(&self) -> usize {
        self.changes.iter().map(|c| c.proves.len()).sum()
    }

    /// How many records the import writes: created, or changed in any way.
    pub fn change_count(&self) -> usize {
        self.create.len() + self.changes.len()
    }

    /// The counts on one line.
    pub fn summary(&self) -> String {
        format!(
            "{} rows: {} to create, {} to update, {} to close, {} unchanged, {} not marked care experienced, {} without an assignment number, {} checkpoints proved in post",
            self.rows,
            self.create.len(),
            self.updates().len(),
            self.closures().len(),
            self.unchanged,
            self.not_care_experienced,
            self.unnumbered,
            self.proved_count()
        )
    }

    /// Each change on a line, for the command line: `create`, `update`, `close` and `kept`.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for c in &self.create {
            let row = &c.row;
            let mut line = format!(
                "create {} at {}: {}, {}, band {}, started {}",
                row.assignment_number,
                row.organisation_code,
                row.job_role,
                row.staff_group,
                row.band,
                format_date(row.start_date)
            );
            if let Some(e) = row.ending {
                let _ = write!(
                    line,
                    ", {} {} ({})",
                    kind_words(e.kind()),
                    format_date(e.date),
                    e.reason.esr
                );
            }
            lines.push(line);
        }
        for c in self.updates() {
            let fields: Vec<String> = c
                .fields
                .iter()
                .map(|f| format!("{} \"{}\" -> \"{}\"", f.field.column(), f.from, f.to))
                .collect();
            lines.push(format!(
                "update {}: {}",
                c.row.assignment_number,
                fields.join("; ")
            ));
        }
        for c in self.closures() {
            if let Some(e) = c.closes {
                lines.push(format!(
                    "close {}: {} {} ({})",
                    c.row.assignment_number,
                    kind_words(e.kind()),
                    format_date(e.date),
                    e.reason.esr
                ));
            }
        }
        for c in self.proofs() {
            let months: Vec<String> = c.proves.iter().map(i32::to_string).collect();
            lines.push(format!(
                "in post {}: {}-month checkpoints",
                c.row.assignment_number,
                months.join(", ")
            ));
        }
        for k in &self.kept {
            lines.push(format!("kept {}: {}", k.assignment_number, k.describe()));
        }
        lines
    }

    /// A digest of everything the plan would do, to tell whether it changed between the
    /// preview and the import.
    pub fn fingerprint(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(format_date(self.today));
        hasher.update(self.summary());
        for line in self.lines() {
            hasher.update([0]);
            hasher.update(line);
        }
        hex::encode(hasher.finalize())
    }
}

/// What an import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Rows in the file.
    pub rows: usize,
    /// Records created.
    pub created: usize,
    /// Records whose fields changed.
    pub updated: usize,
    /// Records that gained an end date.
    pub closed: usize,
    /// Checkpoints of stored records recorded as in post because the extract proves it.
    pub proved_in_post: usize,
    /// Rows whose records did not change.
    pub unchanged: usize,
    /// Records whose ending the extract contradicted, left as they were.
    pub kept: usize,
    /// Rows not marked care experienced.
    pub not_care_experienced: usize,
    /// Rows with no assignment number.
    pub unnumbered: usize,
}

/// What the extract would change, written nowhere. Refuses rows that name an organisation the
/// service does not know.
pub async fn preview(
    db: &impl ConnectionTrait,
    rows: &[EsrRow],
    today: Date,
) -> Outcome<Plan, EsrRefusal> {
    Ok(plan(db, rows, today, false).await?)
}

/// Applies the extract, as the preview showed it if `expected` (its fingerprint) is given, and
/// audits it. Call inside a transaction: the rows are checked and the plan made again on what
/// is stored now. The command line's import, in one transaction; the web's runs as a job in
/// batches of [`import_batch`] (`services::esr_jobs`).
pub async fn import(
    txn: &DatabaseTransaction,
    actor: Option<i32>,
    rows: &[EsrRow],
    today: Date,
    expected: Option<&str>,
) -> Outcome<ImportSummary, EsrRefusal> {
    employment::lock_for_esr_import(txn).await?;
    let plan = match plan(txn, rows, today, true).await? {
        Ok(plan) => plan,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if expected.is_some_and(|e| e != plan.fingerprint()) {
        return Ok(Err(EsrRefusal::PlanChanged(Box::new(plan))));
    }
    apply(txn, &plan).await?;
    let summary = summary_of(&plan);
    audit_import(txn, actor, &summary, None, None).await?;
    Ok(Ok(summary))
}

/// Applies one batch of an import's rows (every one to be stored), judged on the records read
/// and locked in this transaction, without the audit (written once, with the last batch). The
/// whole file was checked, and its plan compared with the preview, before the first batch.
pub async fn import_batch(
    txn: &DatabaseTransaction,
    rows: &[EsrRow],
    today: Date,
) -> Outcome<ImportSummary, Vec<BadRow>> {
    employment::lock_for_esr_import(txn).await?;
    let plan = match plan(txn, rows, today, true).await? {
        Ok(plan) => plan,
        Err(EsrRefusal::BadRows(bad)) => return Ok(Err(bad)),
        Err(EsrRefusal::PlanChanged(plan)) => *plan,
    };
    apply(txn, &plan).await?;
    Ok(Ok(summary_of(&plan)))
}

/// Writes what a plan says.
async fn apply(txn: &DatabaseTransaction, plan: &Plan) -> Result<(), DbErr> {
    for c in &plan.create {
        create(txn, c, plan.today).await?;
    }
    for c in &plan.changes {
        change(txn, c, plan.today).await?;
    }
    Ok(())
}

/// The counts of what a plan does.
fn summary_of(plan: &Plan) -> ImportSummary {
    ImportSummary {
        rows: plan.rows,
        created: plan.create.len(),
        updated: plan.updates().len(),
        closed: plan.closures().len(),
        proved_in_post: plan.proved_count(),
        unchanged: plan.unchanged,
        kept: plan.kept.len(),
        not_care_experienced: plan.not_care_experienced,
        unnumbered: plan.unnumbered,
    }
}

/// Audits an import: counts only, never an assignment number or anything else about a
/// person; with the background job's ID where it ran as one, and why it stopped if it failed
/// after writing some of its rows.
pub async fn audit_import(
    txn: &DatabaseTransaction,
    actor: Option<i32>,
    summary: &ImportSummary,
    job: Option<i32>,
    failed: Option<&str>,
) -> Result<(), DbErr> {
    let mut details = json!({
        "rows": summary.rows,
        "created": summary.created,
        "updated": summary.updated,
        "closed": summary.closed,
        "proved_in_post": summary.proved_in_post,
        "unchanged": summary.unchanged,
        "kept": summary.kept,
        "not_care_experienced": summary.not_care_experienced,
        "without_assignment_number": summary.unnumbered,
    });
    if let Some(job) = job {
        details["job"] = json!(job);
    }
    if let Some(failed) = failed {
        details["failed"] = json!(failed);
    }
    audit::record(
        txn,
        actor,
        AuditAction::EsrImported,
        &AuditSubject::EsrImport,
        details,
    )
    .await
}

/// Every employment record as an extract, SPECTRA hires too (with an empty assignment number
/// where they have none), and the download audited.
pub async fn export(txn: &DatabaseTransaction, actor: Option<i32>) -> anyhow::Result<String> {
    let orgs = organisations::all(txn).await?;
    let code_of: HashMap<i32, String> = orgs
        .iter()
        .map(|o| (o.id, o.ods_code.clone().unwrap_or_default()))
        .collect();
    let records = employment::all(txn).await?;
    let rows: Vec<ExportRow> = records
        .iter()
        .map(|r| ExportRow {
            assignment_number: r.assignment_number.clone().unwrap_or_default(),
            organisation_code: code_of.get(&r.organisation_id).cloned().unwrap_or_default(),
            job_role: r.role.clone(),
            staff_group: r.staff_group.clone(),
            band: r.band.clone(),
            start_date: r.start_date,
            ending: r.end_date.and_then(|date| {
                esr::export_reason(r.end_kind, r.leaving_reason.as_deref())
                    .map(|reason| (date, reason))
            }),
        })
        .collect();
    audit::record(
        txn,
        actor,
        AuditAction::ReportExported,
        &AuditSubject::EsrExport,
        json!({ "report": "esr_export", "rows": rows.len() }),
    )
    .await?;
    Ok(esr::write(&rows)?)
}

/// Works out the plan; `lock` locks the matched records (inside the import's transaction).
async fn plan(
    db: &impl ConnectionTrait,
    rows: &[EsrRow],
    today: Date,
    lock: bool,
) -> Result<Result<Plan, EsrRefusal>, DbErr> {
    let orgs = organisations::all(db).await?;
    let by_code = by_code(&orgs);
    let by_id: HashMap<i32, &organisation::Model> = orgs.iter().map(|o| (o.id, o)).collect();

    let stored_rows: Vec<&EsrRow> = rows.iter().filter(|r| r.is_stored()).collect();
    let bad = unknown_organisations(&by_code, rows);
    if !bad.is_empty() {
        return Ok(Err(EsrRefusal::BadRows(bad)));
    }

    let numbers: Vec<String> = stored_rows
        .iter()
        .map(|r| r.assignment_number.clone())
        .collect();
    let found = if lock {
        employment::by_assignment_numbers_for_update(db, &numbers).await?
    } else {
        employment::by_assignment_numbers(db, &numbers).await?
    };
    let existing: HashMap<&str, &employment_record::Model> = found
        .iter()
        .filter_map(|r| Some((r.assignment_number.as_deref()?, r)))
        .collect();
    let open = open_checkpoints(db, &found).await?;

    let mut plan = Plan {
        today,
        rows: rows.len(),
        create: Vec::new(),
        changes: Vec::new(),
        unchanged: 0,
        kept: Vec::new(),
        not_care_experienced: rows.iter().filter(|r| !r.care_experienced).count(),
        unnumbered: rows
            .iter()
            .filter(|r| r.care_experienced && r.assignment_number.is_empty())
            .count(),
    };
    for row in stored_rows {
        let Some(org) = by_code.get(&row.organisation_code) else {
            continue;
        };
        let Some(record) = existing.get(row.assignment_number.as_str()) else {
            plan.create.push(Creation {
                row: row.clone(),
                organisation_id: org.id,
                organisation: org.name.clone(),
            });
            continue;
        };
        let stored_org = by_id.get(&record.organisation_id);
        let stored = Stored {
            organisation_code: stored_org
                .and_then(|o| o.ods_code.as_deref())
                .map(str::to_ascii_uppercase),
            job_role: record.role.clone(),
            staff_group: record.staff_group.clone(),
            band: record.band.clone(),
            start_date: record.start_date,
            end: record.end_date.map(|date| StoredEnd {
                date,
                kind: record.end_kind,
                reason: record.leaving_reason.clone(),
            }),
        };
        let fields = field_changes(&stored, row, stored_org.copied(), org);
        let closes = match esr::ending(stored.end.as_ref(), row.ending) {
            EndingVerdict::Same => None,
            EndingVerdict::Closes(ending) => Some(ending),
            EndingVerdict::StaysEnded | EndingVerdict::EndedDifferently(_) => {
                if let Some(end) = &stored.end {
                    plan.kept.push(Kept {
                        assignment_number: row.assignment_number.clone(),
                        line: row.line,
                        organisation: org.name.clone(),
                        stored_end: end.date,
                        extract: row.ending,
                    });
                }
                None
            }
        };
        let proves = proved_in_post(
            open.get(&record.id).map_or(&[], Vec::as_slice),
            stored.end.as_ref().map(|e| e.date),
            row,
            today,
        );
        if fields.is_empty() && closes.is_none() && proves.is_empty() {
            plan.unchanged += 1;
        } else {
            plan.changes.push(RecordChange {
                record_id: record.id,
                row: row.clone(),
                organisation_id: org.id,
                organisation: org.name.clone(),
                fields,
                closes,
                proves,
            });
        }
    }
    Ok(Ok(plan))
}

/// The fields of a stored record that the row changes, with their values before and after.
fn field_changes(
    stored: &Stored,
    row: &EsrRow,
    stored_org: Option<&organisation::Model>,
    org: &organisation::Model,
) -> Vec<FieldChange> {
    changed_fields(stored, row)
        .into_iter()
        .map(|field| {
            let (from, to) = match field {
                Field::Organisation => (
                    stored_org.map_or_else(String::new, org_words),
                    org_words(org),
                ),
                Field::JobRole => (stored.job_role.clone(), row.job_role.clone()),
                Field::StaffGroup => (stored.staff_group.clone(), row.staff_group.clone()),
                Field::Band => (stored.band.clone(), row.band.clone()),
                Field::StartDate => (format_date(stored.start_date), format_date(row.start_date)),
            };
            FieldChange { field, from, to }
        })
        .collect()
}

/// The months of the checkpoints not yet recorded of each of these records.
async fn open_checkpoints(
    db: &impl ConnectionTrait,
    records: &[employment_record::Model],
) -> Result<HashMap<i32, Vec<i32>>, DbErr> {
    let ids: Vec<i32> = records.iter().map(|r| r.id).collect();
    let mut open: HashMap<i32, Vec<i32>> = HashMap::new();
    for c in employment::checkpoints_of_records(db, &ids).await? {
        if c.outcome.is_none() {
            open.entry(c.employment_record_id)
                .or_default()
                .push(c.months);
        }
    }
    Ok(open)
}

/// Of a stored record's checkpoints not yet recorded (`open`, by months), those the row proves
/// the person was in post for, up to the earliest leaving known, stored or in the extract (a
/// record ended here stays ended), with the due dates of the row's start date.
fn proved_in_post(open: &[i32], stored_end: Option<Date>, row: &EsrRow, today: Date) -> Vec<i32> {
    let last_day = [stored_end, row.ending.map(|e| e.date)]
        .into_iter()
        .flatten()
        .min();
    open.iter()
        .copied()
        .filter(|&m| esr_proves_in_post(checkpoint_due(row.start_date, m), today, last_day))
        .collect()
}

/// Reads and checks a whole extract: every row ([`esr::read_all`]), and the organisations of
/// the rows to be stored. Gives the rows, or every bad row in line order.
pub async fn check_file(
    db: &impl ConnectionTrait,
    text: &str,
    today: Date,
) -> Result<Result<Vec<EsrRow>, Vec<BadRow>>, DbErr> {
    let (rows, mut bad) = esr::read_all(text, today);
    bad.extend(check_organisations(db, &rows).await?);
    bad.sort_by_key(|b| b.line);
    Ok(if bad.is_empty() { Ok(rows) } else { Err(bad) })
}

/// The rows to be stored whose organisation codes name no organisation of the service, as bad
/// rows. Rows that are not stored may name any organisation.
pub async fn check_organisations(
    db: &impl ConnectionTrait,
    rows: &[EsrRow],
) -> Result<Vec<BadRow>, DbErr> {
    let orgs = organisations::all(db).await?;
    let by_code = by_code(&orgs);
    Ok(unknown_organisations(&by_code, rows))
}

/// The organisations by their ODS codes, upper case.
fn by_code(orgs: &[organisation::Model]) -> HashMap<String, &organisation::Model> {
    orgs.iter()
        .filter_map(|o| Some((o.ods_code.as_deref()?.to_ascii_uppercase(), o)))
        .collect()
}

fn unknown_organisations(
    by_code: &HashMap<String, &organisation::Model>,
    rows: &[EsrRow],
) -> Vec<BadRow> {
    rows.iter()
        .filter(|r| r.is_stored() && !by_code.contains_key(&r.organisation_code))
        .map(|r| BadRow {
            line: r.line,
            reason: format!(
                "organisation_code {} is not an organisation in SPECTRA: correct the code, or ask an administrator to add the organisation with this ODS code",
                r.organisation_code
            ),
        })
        .collect()
}

/// An organisation as shown in a change: its name and ODS code.
fn org_words(org: &organisation::Model) -> String {
    match &org.ods_code {
        Some(code) => format!("{} ({code})", org.name),
        None => org.name.clone(),
    }
}

/// Creates a record, its ending and its checkpoints' outcomes at once (two statements: an
/// import may create many thousands).
async fn create(db: &impl ConnectionTrait, c: &Creation, today: Date) -> Result<(), DbErr> {
    let row = &c.row;
    let ending = row.ending.map(|e| (e.date, e.kind()));
    let outcomes: Vec<(i32, Option<CheckpointOutcome>)> =
        checkpoint_outcomes(row.start_date, ending, today)
            .iter()
            .map(|&(months, _, outcome)| (months, outcome))
            .collect();
    employment::start_recorded(
        db,
        &NewEmployment {
            application_id: None,
            user_id: None,
            organisation_id: c.organisation_id,
            programme_id: None,
            role: row.job_role.clone(),
            band: row.band.clone(),
            staff_group: row.staff_group.clone(),
            start_date: row.start_date,
            apprenticeship: false,
            route: Route::Esr,
            assignment_number: Some(row.assignment_number.clone()),
        },
        row.ending.map(|e| (e.date, e.kind(), e.reason.code)),
        &outcomes,
        CheckpointSource::Esr,
    )
    .await?;
    Ok(())
}

async fn change(db: &impl ConnectionTrait, c: &RecordChange, today: Date) -> Result<(), DbErr> {
    let row = &c.row;
    if !c.fields.is_empty() {
        employment::update_from_esr(
            db,
            c.record_id,
            &EsrDetails {
                organisation_id: c.organisation_id,
                role: row.job_role.clone(),
                staff_group: row.staff_group.clone(),
                band: row.band.clone(),
                start_date: row.start_date,
            },
        )
        .await?;
        if c.fields.iter().any(|f| f.field == Field::StartDate) {
            employment::reschedule_unrecorded(db, c.record_id, row.start_date).await?;
        }
    }
    for &months in &c.proves {
        employment::record_outcome_if_unrecorded(
            db,
            c.record_id,
            months,
            CheckpointOutcome::InPost,
            CheckpointSource::Esr,
            None,
        )
        .await?;
    }
    let Some(e) = c.closes else {
        return Ok(());
    };
    if !employment::record_end_if_open(db, c.record_id, e.date, e.kind(), e.reason.code).await? {
        return Ok(());
    }
    // The leaving and what follows it (those before it are proved in post above).
    for (months, _, outcome) in checkpoint_outcomes(row.start_date, Some((e.date, e.kind())), today)
    {
        if let Some(
            outcome @ (CheckpointOutcome::Left
            | CheckpointOutcome::Moved
            | CheckpointOutcome::Closed),
        ) = outcome
        {
            employment::record_outcome_if_unrecorded(
                db,
                c.record_id,
                months,
                outcome,
                CheckpointSource::Esr,
                None,
            )
            .await?;
        }
    }
    Ok(())
}
