//! The pages of the ESR extract (DOMAIN.md §7, issue 22): the upload form, the preview of what
//! a file changes (counts, and the first rows of each kind of change: never every row, never
//! the file), and the page of an import running in the background.

use askama::Template;
use askama_web::WebTemplate;
use time::Date;

use crate::domain::employment::EndKind;
use crate::domain::esr::{self, COLUMNS, Ending, Field};
use crate::domain::esr_import::{
    Failure, JobStatus, MAX_FILE_BYTES, MAX_ROWS, PREVIEW_ROWS, not_shown, progress_words,
    with_commas,
};
use crate::domain::london_time;
use crate::services::esr::Plan;
use crate::services::esr_jobs::{JobView, Previewed};
use crate::web::page::{FormErrors, Page};

/// "2 December 2026".
pub fn long_date(date: Date) -> String {
    format!("{} {} {}", date.day(), date.month(), date.year())
}

fn ending_words(ending: Option<Ending>) -> String {
    match ending {
        None => "In post".to_owned(),
        Some(e) => format!(
            "{} on {}: {}",
            match e.kind() {
                EndKind::Left => "Left",
                EndKind::Moved => "Moved within the NHS",
            },
            long_date(e.date),
            e.reason.esr
        ),
    }
}

/// An import of the person's, as the upload page lists it.
pub struct RecentImport {
    id: i32,
    started: String,
    status: &'static str,
}

/// The upload form, with the problems of the last file if any.
#[derive(Template, WebTemplate)]
#[template(path = "champion/esr.html")]
pub struct UploadTemplate {
    page: Page,
    columns: &'static [&'static str],
    limit: String,
    errors: FormErrors,
    bad_rows: Vec<String>,
    recent: Vec<RecentImport>,
}

impl UploadTemplate {
    /// The form, with errors and bad rows (already cut to what is shown) and the person's
    /// recent imports.
    pub fn new(page: Page, errors: FormErrors, bad_rows: Vec<String>, recent: &[JobView]) -> Self {
        UploadTemplate {
            page,
            columns: &COLUMNS,
            limit: format!(
                "{} MB and {} rows",
                MAX_FILE_BYTES / (1024 * 1024),
                with_commas(MAX_ROWS)
            ),
            errors,
            bad_rows,
            recent: recent
                .iter()
                .map(|job| RecentImport {
                    id: job.id,
                    started: london_time::describe(job.created_at),
                    status: job.status.words(),
                })
                .collect(),
        }
    }
}

/// A record to create, as shown.
pub struct CreateRow {
    assignment_number: String,
    organisation: String,
    job_role: String,
    staff_group: String,
    band: String,
    start_date: String,
    ending: String,
}

/// A record to update, as shown.
pub struct UpdateRow {
    assignment_number: String,
    organisation: String,
    changes: Vec<(&'static str, String, String)>,
}

/// A record to close, as shown.
pub struct CloseRow {
    assignment_number: String,
    organisation: String,
    how: &'static str,
    date: String,
    reason: &'static str,
}

/// A record whose ending the extract contradicts, as shown.
pub struct KeptRow {
    assignment_number: String,
    line: u64,
    organisation: String,
    what: String,
}

/// How many of a kind of change there are, and how many are not listed.
pub struct Counted {
    count: usize,
    more: usize,
}

impl Counted {
    fn of(count: usize) -> Self {
        Counted {
            count,
            more: not_shown(count, PREVIEW_ROWS),
        }
    }

    /// "and 4,980 more, not listed here", or nothing.
    pub fn more_words(&self) -> String {
        match self.more {
            0 => String::new(),
            n => format!("And {} more, not listed here.", with_commas(n)),
        }
    }
}

/// The preview: counts, then the first rows of each kind of change, and the confirm form,
/// which carries the kept file's ID and the plan's fingerprint, never the file.
#[derive(Template, WebTemplate)]
#[template(path = "champion/esr_preview.html")]
pub struct PreviewTemplate {
    page: Page,
    upload_id: i32,
    fingerprint: String,
    today: String,
    shown: usize,
    rows: usize,
    unchanged: usize,
    not_care_experienced: usize,
    unnumbered: usize,
    change_count: usize,
    proved: usize,
    create_count: Counted,
    update_count: Counted,
    close_count: Counted,
    kept_count: Counted,
    creates: Vec<CreateRow>,
    updates: Vec<UpdateRow>,
    closes: Vec<CloseRow>,
    kept: Vec<KeptRow>,
}

fn shown_value(field: Field, value: &str) -> String {
    match field {
        Field::StartDate => esr::parse_date(value).map_or_else(|| value.to_owned(), long_date),
        _ if value.is_empty() => "(none)".to_owned(),
        _ => value.to_owned(),
    }
}

fn kept_words(k: &crate::services::esr::Kept) -> String {
    match k.extract {
        None => format!(
            "Recorded here as ended on {}, but in post in the extract. The record stays ended.",
            long_date(k.stored_end)
        ),
        Some(e) => format!(
            "Recorded here as ended on {}, but the extract says: {}. The record stays as recorded here.",
            long_date(k.stored_end),
            ending_words(Some(e)).to_lowercase()
        ),
    }
}

impl PreviewTemplate {
    /// The preview of a kept upload.
    pub fn new(page: Page, previewed: &Previewed) -> Self {
        let plan: &Plan = &previewed.plan;
        let updates = plan.updates();
        let closures = plan.closures();
        PreviewTemplate {
            page,
            upload_id: previewed.upload_id,
            fingerprint: previewed.fingerprint.clone(),
            today: long_date(plan.today),
            shown: PREVIEW_ROWS,
            rows: plan.rows,
            unchanged: plan.unchanged,
            not_care_experienced: plan.not_care_experienced,
            unnumbered: plan.unnumbered,
            change_count: plan.change_count(),
            proved: plan.proved_count(),
            create_count: Counted::of(plan.create.len()),
            update_count: Counted::of(updates.len()),
            close_count: Counted::of(closures.len()),
            kept_count: Counted::of(plan.kept.len()),
            creates: plan
                .create
                .iter()
                .take(PREVIEW_ROWS)
                .map(|c| CreateRow {
                    assignment_number: c.row.assignment_number.clone(),
                    organisation: c.organisation.clone(),
                    job_role: c.row.job_role.clone(),
                    staff_group: c.row.staff_group.clone(),
                    band: c.row.band.clone(),
                    start_date: long_date(c.row.start_date),
                    ending: ending_words(c.row.ending),
                })
                .collect(),
            updates: updates
                .iter()
                .take(PREVIEW_ROWS)
                .map(|c| UpdateRow {
                    assignment_number: c.row.assignment_number.clone(),
                    organisation: c.organisation.clone(),
                    changes: c
                        .fields
                        .iter()
                        .map(|f| {
                            (
                                f.field.label(),
                                shown_value(f.field, &f.from),
                                shown_value(f.field, &f.to),
                            )
                        })
                        .collect(),
                })
                .collect(),
            closes: closures
                .iter()
                .filter_map(|c| {
                    let e = c.closes?;
                    Some(CloseRow {
                        assignment_number: c.row.assignment_number.clone(),
                        organisation: c.organisation.clone(),
                        how: match e.kind() {
                            EndKind::Left => "Left",
                            EndKind::Moved => "Moved within the NHS",
                        },
                        date: long_date(e.date),
                        reason: e.reason.esr,
                    })
                })
                .take(PREVIEW_ROWS)
                .collect(),
            kept: plan
                .kept
                .iter()
                .take(PREVIEW_ROWS)
                .map(|k| KeptRow {
                    assignment_number: k.assignment_number.clone(),
                    line: k.line,
                    organisation: k.organisation.clone(),
                    what: kept_words(k),
                })
                .collect(),
        }
    }
}

/// The page of an import job: where it is, and what it did.
#[derive(Template, WebTemplate)]
#[template(path = "champion/esr_import.html")]
pub struct JobTemplate {
    page: Page,
    id: i32,
    heading: &'static str,
    waiting: bool,
    running: bool,
    done: bool,
    progress: String,
    result: String,
    failure: Option<Failure>,
    explanation: String,
    problems: Vec<String>,
    check_again: Option<i32>,
    rows: usize,
    created: usize,
    updated: usize,
    closed: usize,
    proved: usize,
    unchanged: usize,
    kept: usize,
    not_care_experienced: usize,
}

/// "ESR extract imported: 3 created, 0 updated, 0 closed, 0 unchanged." and the checkpoints.
fn result_words(job: &JobView) -> String {
    let s = &job.summary;
    format!(
        "ESR extract imported: {} created, {} updated, {} closed, {} unchanged.{}",
        s.created,
        s.updated,
        s.closed,
        s.unchanged,
        match s.proved_in_post {
            0 => String::new(),
            1 => " 1 checkpoint recorded as in post, from ESR.".to_owned(),
            n => format!(" {n} checkpoints recorded as in post, from ESR."),
        }
    )
}

impl JobTemplate {
    /// The page of one job.
    pub fn new(page: Page, job: &JobView) -> Self {
        let heading = match (job.status, job.processed_rows) {
            (JobStatus::Queued, 0) => "Your ESR extract is waiting to be imported",
            (JobStatus::Queued | JobStatus::Running, _) => "Your ESR extract is being imported",
            (JobStatus::Done, _) => "ESR extract imported",
            (JobStatus::Failed, 0) => "The ESR extract was not imported",
            (JobStatus::Failed, _) => "The ESR extract import stopped",
        };
        let s = &job.summary;
        JobTemplate {
            page,
            id: job.id,
            heading,
            waiting: job.status == JobStatus::Queued && job.processed_rows == 0,
            running: !job.status.is_finished(),
            done: job.status == JobStatus::Done,
            progress: progress_words(job.processed_rows, job.stored_rows),
            result: result_words(job),
            failure: job.failure,
            explanation: job
                .failure
                .map(|f| f.explain(job.processed_rows))
                .unwrap_or_default(),
            problems: job.problems.clone(),
            check_again: job.failure.filter(|f| f.keeps_upload()).and(job.upload_id),
            rows: s.rows,
            created: s.created,
            updated: s.updated,
            closed: s.closed,
            proved: s.proved_in_post,
            unchanged: s.unchanged,
            kept: s.kept,
            not_care_experienced: s.not_care_experienced,
        }
    }

    /// Whether the failure is that the changes moved on since the preview.
    pub fn changed_since(&self) -> bool {
        self.failure == Some(Failure::PlanChanged)
    }
}
