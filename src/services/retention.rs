//! Retention tracking (DOMAIN.md §7): the hire that starts an employment record, the hiring
//! managers' checkpoints at 3, 6, 12 and 24 months, leaving dates recorded at any time, and the
//! reminders of checkpoints due and overdue.

use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, TransactionTrait};
use serde_json::json;
use time::{Date, Duration};

use crate::config::Config;
use crate::db::audit::{self, AuditAction};
use crate::db::employment::{
    self, Ending as StoredEnding, NewEmployment, OpenCheckpoint, Reminder,
};
use crate::db::{applications, offers, organisations, outbox, users};
use crate::domain::application::Stage;
use crate::domain::audit_subject::AuditSubject;
use crate::domain::employment::{
    CheckpointCorrection, CheckpointOutcome, CorrectionReason, CorrectionRefusal, EndKind,
    EndRefusal, LeavingReason, OVERDUE_AFTER_DAYS, Route, check_end_date, correct_leaving,
};
use crate::domain::london_time;
use crate::domain::vacancy::VacancyKind;
use crate::entities::{employment_record, vacancy};
use crate::mail::templates::{CheckpointReminder, EmailContent};
use crate::services::emails::email_applicant;
use crate::services::{Actor, Outcome};

pub use crate::domain::employment::reference;

/// Today in London, where the partnership works.
pub fn today() -> Date {
    london_time::from_utc(crate::db::now()).date()
}

/// A date as people read it: "2 December 2026".
pub fn long_date(date: Date) -> String {
    format!("{} {} {}", date.day(), date.month(), date.year())
}

/// The most characters of the name of the organisation someone moved to (as stored).
pub const MAX_ORGANISATION: usize = 200;

// ---------------------------------------------------------------------------------------------
// The hire

/// Why the lead could not mark someone as started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartRefusal {
    /// No such application on this vacancy.
    NotFound,
    /// No start date has been agreed.
    NoStartDate,
    /// The application is not at "checks complete" (already started, or withdrawn meanwhile).
    NotReady,
}

/// The lead marks the person hired from `application_id` as started: the application moves to
/// "started", the employment record and its four checkpoints begin, in the ESR staff group the
/// lead chose, the start is audited, and the applicant is emailed. The caller has checked that `lead` leads the
/// vacancy's panel.
pub async fn start_employment(
    txn: &DatabaseTransaction,
    config: &Config,
    lead: Actor<'_>,
    vacancy: &vacancy::Model,
    application_id: i32,
    staff_group: &'static str,
) -> Outcome<employment_record::Model, StartRefusal> {
    let Some(application) = applications::find_for_update(txn, application_id)
        .await?
        .filter(|a| a.vacancy_id == vacancy.id)
    else {
        return Ok(Err(StartRefusal::NotFound));
    };
    let Some(start_date) = offers::find(txn, application.id)
        .await?
        .and_then(|o| o.start_date)
    else {
        return Ok(Err(StartRefusal::NoStartDate));
    };
    if !applications::change_stage(
        txn,
        application.id,
        Stage::ChecksComplete,
        Stage::Started,
        Some(lead.id),
        "",
    )
    .await?
    {
        return Ok(Err(StartRefusal::NotReady));
    }
    let record = employment::start(
        txn,
        &NewEmployment {
            application_id: Some(application.id),
            user_id: Some(application.applicant_id),
            organisation_id: vacancy.organisation_id,
            programme_id: vacancy.programme_id,
            role: vacancy.title.clone(),
            band: vacancy.band.clone(),
            staff_group: staff_group.to_owned(),
            start_date,
            apprenticeship: vacancy.kind == VacancyKind::Apprenticeship,
            route: Route::Spectra,
            assignment_number: None,
        },
    )
    .await?;
    audit::record(
        txn,
        Some(lead.id),
        AuditAction::StartConfirmed,
        &AuditSubject::Application(application.id),
        json!({
            "vacancy": vacancy.id,
            "employment": record.id,
            "start_date": start_date.to_string(),
            "staff_group": staff_group,
        }),
    )
    .await?;
    email_applicant(txn, config, vacancy, &application, Stage::Started, "").await?;
    Ok(Ok(record))
}

// ---------------------------------------------------------------------------------------------
// Checkpoints and leaving dates

/// How an employment ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ending {
    /// Left, on this date, for this ESR reason.
    Left {
        /// The last day.
        date: Date,
        /// Why, from ESR's list.
        reason: LeavingReason,
    },
    /// Moved to another NHS organisation on this date: not a leaver.
    Moved {
        /// The day of the move.
        date: Date,
        /// The new organisation, as typed.
        organisation: String,
    },
}

impl Ending {
    /// The date it ended.
    pub fn date(&self) -> Date {
        match self {
            Ending::Left { date, .. } | Ending::Moved { date, .. } => *date,
        }
    }

    fn kind(&self) -> EndKind {
        match self {
            Ending::Left { .. } => EndKind::Left,
            Ending::Moved { .. } => EndKind::Moved,
        }
    }
}

/// What a manager records at a checkpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckpointEntry {
    /// Still in post.
    InPost,
    /// Left, on this date, for this ESR reason.
    Left {
        /// The last day.
        date: Date,
        /// Why, from ESR's list.
        reason: LeavingReason,
    },
    /// Moved to another NHS organisation on this date.
    Moved {
        /// The day of the move.
        date: Date,
        /// The new organisation, as typed.
        organisation: String,
    },
}

impl CheckpointEntry {
    /// How the employment ended, unless the person is in post.
    pub fn ending(&self) -> Option<Ending> {
        match self {
            CheckpointEntry::InPost => None,
            CheckpointEntry::Left { date, reason } => Some(Ending::Left {
                date: *date,
                reason: *reason,
            }),
            CheckpointEntry::Moved { date, organisation } => Some(Ending::Moved {
                date: *date,
                organisation: organisation.clone(),
            }),
        }
    }

    fn outcome(&self) -> CheckpointOutcome {
        match self {
            CheckpointEntry::InPost => CheckpointOutcome::InPost,
            CheckpointEntry::Left { .. } => CheckpointOutcome::Left,
            CheckpointEntry::Moved { .. } => CheckpointOutcome::Moved,
        }
    }
}

/// Why a checkpoint or a leaving date was not recorded. Nothing is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RetentionRefusal {
    /// No such record or checkpoint in the manager's organisation (another organisation's is
    /// "not found" too: managers must not learn that it exists).
    NotFound,
    /// The checkpoint falls due on this date, in the future.
    NotYetDue(Date),
    /// The checkpoint already has an outcome (someone else recorded it, or it closed).
    AlreadyRecorded,
    /// The employment already ended on this date.
    AlreadyEnded(Date),
    /// The leaving date is before the start date (given) or more than a year ahead.
    EndDate(EndRefusal, Date),
    /// The leaving date is before a checkpoint, on this date, recorded as in post.
    BeforeInPost(Date),
    /// "Employee Transfer" is a move within the NHS, not a reason for leaving.
    TransferIsAMove,
    /// A move needs the new organisation.
    NoOrganisation,
    /// The new organisation's name is longer than [`MAX_ORGANISATION`].
    OrganisationTooLong,
    /// There is no leaving date to correct.
    NotEnded,
    /// This checkpoint records the leaving (or falls after it): correct the leaving date.
    CorrectTheLeavingDate,
}

impl RetentionRefusal {
    /// The refusal in plain words.
    pub fn explanation(&self) -> String {
        match self {
            RetentionRefusal::NotFound => "There is no such employee in your organisation.".into(),
            RetentionRefusal::NotYetDue(due) => format!(
                "This checkpoint is not due until {}. Record it then.",
                long_date(*due)
            ),
            RetentionRefusal::AlreadyRecorded => {
                "This checkpoint has already been recorded, perhaps by someone else. The page shows what was recorded.".into()
            }
            RetentionRefusal::AlreadyEnded(date) => format!(
                "A leaving date of {} is already recorded for this person.",
                long_date(*date)
            ),
            RetentionRefusal::EndDate(EndRefusal::BeforeStart, start) => format!(
                "The date must be on or after their start date, {}",
                long_date(*start)
            ),
            RetentionRefusal::EndDate(EndRefusal::TooFarAhead, _) => {
                "The date must be no more than a year from today".into()
            }
            RetentionRefusal::BeforeInPost(due) => format!(
                "The date must be after {}: they were recorded as in post then",
                long_date(*due)
            ),
            RetentionRefusal::TransferIsAMove => {
                "Employee Transfer is a move within the NHS: choose \"Moved within the NHS\" instead".into()
            }
            RetentionRefusal::NoOrganisation => {
                "Enter the NHS organisation they moved to".into()
            }
            RetentionRefusal::OrganisationTooLong => format!(
                "The organisation's name must be {MAX_ORGANISATION} characters or fewer"
            ),
            RetentionRefusal::NotEnded => {
                "No leaving date is recorded for this person, so there is none to correct".into()
            }
            RetentionRefusal::CorrectTheLeavingDate => {
                "This checkpoint was set by the leaving date. To change it, correct the leaving date, or choose \"They have not left\"".into()
            }
        }
    }
}

/// What was recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    /// The employment record.
    pub employment_id: i32,
    /// The months of the checkpoints closed because the person has gone.
    pub closed: Vec<i32>,
}

/// A manager records a checkpoint of one of their organisation's employees: in post, left or
/// moved within the NHS. Leaving or moving ends the employment record and closes the later
/// checkpoints still unrecorded. The record is locked first, and the checkpoint written only
/// while still unrecorded, so of two managers recording at once one wins and the other is
/// refused.
pub async fn record_checkpoint(
    txn: &DatabaseTransaction,
    actor: Actor<'_>,
    actor_org_id: i32,
    checkpoint_id: i32,
    entry: CheckpointEntry,
) -> Outcome<Recorded, RetentionRefusal> {
    let Some(seen) = employment::find_checkpoint(txn, checkpoint_id).await? else {
        return Ok(Err(RetentionRefusal::NotFound));
    };
    let Some(record) = employment::find_for_update(txn, seen.employment_record_id)
        .await?
        .filter(|r| r.organisation_id == actor_org_id && r.route == Route::Spectra)
    else {
        return Ok(Err(RetentionRefusal::NotFound));
    };
    // Read again under the record's lock: another manager may have recorded it meanwhile.
    let Some(checkpoint) = employment::find_checkpoint(txn, checkpoint_id).await? else {
        return Ok(Err(RetentionRefusal::NotFound));
    };
    if checkpoint.outcome.is_some() {
        return Ok(Err(RetentionRefusal::AlreadyRecorded));
    }
    let today = today();
    if checkpoint.due_on > today {
        return Ok(Err(RetentionRefusal::NotYetDue(checkpoint.due_on)));
    }
    let ending = entry.ending();
    if let Some(ending) = &ending
        && let Err(refusal) = check_ending(txn, &record, ending, today).await?
    {
        return Ok(Err(refusal));
    }
    if !employment::record_outcome(txn, checkpoint.id, entry.outcome(), actor.id).await? {
        return Ok(Err(RetentionRefusal::AlreadyRecorded));
    }
    let mut closed = Vec::new();
    if let Some(ending) = &ending {
        if !employment::end(txn, record.id, stored(ending)).await? {
            anyhow::bail!("employment record {} ended while locked", record.id);
        }
        closed = employment::close_checkpoints(
            txn,
            record.id,
            ending.date(),
            Some(checkpoint.months),
            actor.id,
        )
        .await?;
    }
    audit::record(
        txn,
        Some(actor.id),
        AuditAction::CheckpointRecorded,
        &AuditSubject::Employment(record.id),
        json!({
            "checkpoint": checkpoint.id,
            "months": checkpoint.months,
            "outcome": entry.outcome().as_str(),
            "date": ending.as_ref().map(|e| e.date().to_string()),
            "reason": match &ending { Some(Ending::Left { reason, .. }) => Some(reason.code), _ => None },
            "closed": closed,
        }),
    )
    .await?;
    Ok(Ok(Recorded {
        employment_id: record.id,
        closed,
    }))
}

/// A manager records that one of their organisation's employees left, or moved within the
/// NHS, at any time: the record ends and its checkpoints due after that date close.
pub async fn record_leaving(
    txn: &DatabaseTransaction,
    actor: Actor<'_>,
    actor_org_id: i32,
    employment_id: i32,
    end: Ending,
) -> Outcome<Recorded, RetentionRefusal> {
    let Some(record) = employment::find_for_update(txn, employment_id)
        .await?
        .filter(|r| r.organisation_id == actor_org_id && r.route == Route::Spectra)
    else {
        return Ok(Err(RetentionRefusal::NotFound));
    };
    if let Err(refusal) = check_ending(txn, &record, &end, today()).await? {
        return Ok(Err(refusal));
    }
    if !employment::end(txn, record.id, stored(&end)).await? {
        anyhow::bail!("employment record {} ended while locked", record.id);
    }
    let closed = employment::close_checkpoints(txn, record.id, end.date(), None, actor.id).await?;
    audit::record(
        txn,
        Some(actor.id),
        AuditAction::LeavingRecorded,
        &AuditSubject::Employment(record.id),
        json!({
            "outcome": end.kind().as_str(),
            "date": end.date().to_string(),
            "reason": match &end { Ending::Left { reason, .. } => Some(reason.code), Ending::Moved { .. } => None },
            "closed": closed,
        }),
    )
    .await?;
    Ok(Ok(Recorded {
        employment_id: record.id,
        closed,
    }))
}

/// What recording this ending would close: the checkpoints not yet recorded that fall after
/// its date, as (months, due date). Writes nothing: for the page that asks the manager to
/// confirm. The same rules as [`record_leaving`] are checked.
pub async fn preview_leaving(
    db: &impl ConnectionTrait,
    actor_org_id: i32,
    employment_id: i32,
    end: &Ending,
) -> Outcome<Vec<(i32, Date)>, RetentionRefusal> {
    let Some(record) = employment::find(db, employment_id)
        .await?
        .filter(|r| r.organisation_id == actor_org_id && r.route == Route::Spectra)
    else {
        return Ok(Err(RetentionRefusal::NotFound));
    };
    if let Err(refusal) = check_ending(db, &record, end, today()).await? {
        return Ok(Err(refusal));
    }
    Ok(Ok(employment::checkpoints_of(db, record.id)
        .await?
        .into_iter()
        .filter(|c| c.outcome.is_none() && c.due_on > end.date())
        .map(|c| (c.months, c.due_on))
        .collect()))
}

/// What a manager corrects on an employment record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Correction {
    /// The leaving (or moving) date was wrong: this is the right one.
    LeavingDate(Date),
    /// They have not left or moved: the leaving date is removed.
    NotLeft,
    /// This checkpoint was wrongly recorded as in post: it is cleared, to record again.
    Checkpoint(i32),
}

impl Correction {
    fn kind(self) -> &'static str {
        match self {
            Correction::LeavingDate(_) => "leaving_date",
            Correction::NotLeft => "not_left",
            Correction::Checkpoint(_) => "checkpoint",
        }
    }
}

/// What a correction did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Corrected {
    /// Whether anything changed: sending the same correction twice changes nothing the second
    /// time.
    pub changed: bool,
    /// The months of the checkpoints reopened, to record again.
    pub reopened: Vec<i32>,
    /// The months of the checkpoints closed.
    pub closed: Vec<i32>,
}

/// A manager corrects a wrong leaving date, removes a leaving that did not happen, or clears a
/// checkpoint wrongly recorded as in post, giving a reason. Checkpoints the corrected leaving
/// date no longer closes reopen; open ones after it close. The record is locked and the rules
/// checked on what is stored now; the change is audited with what it was before and after,
/// and the reason. A correction that changes nothing is not stored or audited.
pub async fn correct_record(
    txn: &DatabaseTransaction,
    actor: Actor<'_>,
    actor_org_id: i32,
    employment_id: i32,
    correction: Correction,
    reason: CorrectionReason,
) -> Outcome<Corrected, RetentionRefusal> {
    let Some(record) = employment::find_for_update(txn, employment_id)
        .await?
        .filter(|r| r.organisation_id == actor_org_id && r.route == Route::Spectra)
    else {
        return Ok(Err(RetentionRefusal::NotFound));
    };
    let checkpoints = employment::checkpoints_of(txn, record.id).await?;
    let outcomes: Vec<(Date, Option<CheckpointOutcome>)> =
        checkpoints.iter().map(|c| (c.due_on, c.outcome)).collect();
    let (changes, before, after) = match correction {
        Correction::LeavingDate(date) => match correct_date(txn, &record, &outcomes, date).await? {
            Ok(Some(planned)) => planned,
            Ok(None) => return Ok(Ok(Corrected::default())),
            Err(refusal) => return Ok(Err(refusal)),
        },
        Correction::NotLeft => {
            if record.end_date.is_none() {
                return Ok(Ok(Corrected::default()));
            }
            let changes = correct_leaving(&outcomes, None)
                .map_err(|_| anyhow::anyhow!("removing an ending cannot be refused"))?;
            employment::set_end(txn, record.id, None).await?;
            (
                changes,
                json!({
                    "end_date": record.end_date.map(|d| d.to_string()),
                    "end_kind": record.end_kind.map(EndKind::as_str),
                    "leaving_reason": record.leaving_reason,
                }),
                json!({ "end_date": null }),
            )
        }
        Correction::Checkpoint(id) => {
            let Some((c, outcome)) = checkpoints.iter().zip(&outcomes).find(|(c, _)| c.id == id)
            else {
                return Ok(Err(RetentionRefusal::NotFound));
            };
            match outcome.1 {
                None => return Ok(Ok(Corrected::default())),
                Some(CheckpointOutcome::InPost) => {}
                Some(_) => return Ok(Err(RetentionRefusal::CorrectTheLeavingDate)),
            }
            let changes = checkpoints
                .iter()
                .map(|x| (x.id == c.id).then_some(CheckpointCorrection::Reopen))
                .collect();
            (
                changes,
                json!({ "checkpoint": c.months, "outcome": CheckpointOutcome::InPost.as_str() }),
                json!({ "checkpoint": c.months, "outcome": null }),
            )
        }
    };
    let pick = |wanted: CheckpointCorrection| -> (Vec<i32>, Vec<i32>) {
        checkpoints
            .iter()
            .zip(&changes)
            .filter(|(_, change)| **change == Some(wanted))
            .map(|(c, _)| (c.id, c.months))
            .unzip()
    };
    let (reopen_ids, reopened) = pick(CheckpointCorrection::Reopen);
    let (close_ids, closed) = pick(CheckpointCorrection::Close);
    employment::reopen_checkpoints(txn, &reopen_ids).await?;
    employment::close_checkpoint_ids(txn, &close_ids, actor.id).await?;
    audit::record(
        txn,
        Some(actor.id),
        AuditAction::RecordCorrected,
        &AuditSubject::Employment(record.id),
        json!({
            "correction": correction.kind(),
            "record_before": before,
            "record_after": after,
            "reopened": reopened,
            "closed": closed,
            "reason": reason.as_str(),
        }),
    )
    .await?;
    Ok(Ok(Corrected {
        changed: true,
        reopened,
        closed,
    }))
}

/// What a correction changes: each checkpoint's change, and the record before and after.
type Planned = (
    Vec<Option<CheckpointCorrection>>,
    serde_json::Value,
    serde_json::Value,
);

/// Corrects the leaving date of a locked record to `date`, if the rules allow; `None` when it
/// is that date already.
async fn correct_date(
    txn: &DatabaseTransaction,
    record: &employment_record::Model,
    outcomes: &[(Date, Option<CheckpointOutcome>)],
    date: Date,
) -> Outcome<Option<Planned>, RetentionRefusal> {
    let Some(ended) = record.end_date else {
        return Ok(Err(RetentionRefusal::NotEnded));
    };
    if ended == date {
        return Ok(Ok(None));
    }
    if let Err(refusal) = check_end_date(record.start_date, date, today()) {
        return Ok(Err(RetentionRefusal::EndDate(refusal, record.start_date)));
    }
    let changes = match correct_leaving(outcomes, Some(date)) {
        Ok(changes) => changes,
        Err(CorrectionRefusal::InPostAfter(due)) => {
            return Ok(Err(RetentionRefusal::BeforeInPost(due)));
        }
    };
    let kind = record
        .end_kind
        .ok_or_else(|| anyhow::anyhow!("employment {} has no end kind", record.id))?;
    employment::set_end(
        txn,
        record.id,
        Some(StoredEnding {
            date,
            kind,
            leaving_reason: record.leaving_reason.as_deref(),
            moved_to: record.moved_to.as_deref(),
        }),
    )
    .await?;
    Ok(Ok(Some((
        changes,
        json!({ "end_date": ended.to_string() }),
        json!({ "end_date": date.to_string() }),
    ))))
}

/// The rules of an ending, on the record read (and locked) in this transaction.
async fn check_ending(
    txn: &impl ConnectionTrait,
    record: &employment_record::Model,
    ending: &Ending,
    today: Date,
) -> Outcome<(), RetentionRefusal> {
    if let Some(ended) = record.end_date {
        return Ok(Err(RetentionRefusal::AlreadyEnded(ended)));
    }
    match ending {
        Ending::Left { reason, .. } if reason.is_move_within_nhs() => {
            return Ok(Err(RetentionRefusal::TransferIsAMove));
        }
        Ending::Moved { organisation, .. } if organisation.trim().is_empty() => {
            return Ok(Err(RetentionRefusal::NoOrganisation));
        }
        Ending::Moved { organisation, .. }
            if organisation.trim().chars().count() > MAX_ORGANISATION =>
        {
            return Ok(Err(RetentionRefusal::OrganisationTooLong));
        }
        _ => {}
    }
    if let Err(refusal) = check_end_date(record.start_date, ending.date(), today) {
        return Ok(Err(RetentionRefusal::EndDate(refusal, record.start_date)));
    }
    let in_post_since = employment::checkpoints_of(txn, record.id)
        .await?
        .into_iter()
        .filter(|c| c.outcome == Some(CheckpointOutcome::InPost))
        .map(|c| c.due_on)
        .max();
    if let Some(due) = in_post_since.filter(|due| ending.date() < *due) {
        return Ok(Err(RetentionRefusal::BeforeInPost(due)));
    }
    Ok(Ok(()))
}

/// Whether the record already ended exactly this way: the same date, kind, reason and new
/// organisation (a leaving sent twice).
pub fn is_recorded_ending(record: &employment_record::Model, ending: &Ending) -> bool {
    let s = stored(ending);
    record.end_date == Some(s.date)
        && record.end_kind == Some(s.kind)
        && record.leaving_reason.as_deref() == s.leaving_reason
        && record.moved_to.as_deref() == s.moved_to
}

/// The ending as stored. A move is stored with ESR's "Employee Transfer" reason, as an ESR
/// extract would give it.
fn stored(ending: &Ending) -> StoredEnding<'_> {
    match ending {
        Ending::Left { date, reason } => StoredEnding {
            date: *date,
            kind: EndKind::Left,
            leaving_reason: Some(reason.code),
            moved_to: None,
        },
        Ending::Moved { date, organisation } => StoredEnding {
            date: *date,
            kind: EndKind::Moved,
            leaving_reason: LeavingReason::from_esr("Employee Transfer").map(|r| r.code),
            moved_to: Some(organisation.trim()),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Reminders

/// The most checkpoints listed in one reminder; the rest are counted.
pub const REMINDER_LINES: usize = 50;

/// What a run of the reminder job did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReminderSummary {
    /// Organisations reminded.
    pub organisations: usize,
    /// Checkpoints reminded as due.
    pub due: usize,
    /// Checkpoints reminded as overdue.
    pub overdue: usize,
    /// Emails queued.
    pub emails: usize,
}

/// Emails each organisation's hiring managers about its checkpoints that fell due by `today`,
/// and again about those [`OVERDUE_AFTER_DAYS`] days overdue, each checkpoint once per kind.
/// Each organisation is one transaction: its checkpoints are claimed (with
/// `FOR UPDATE SKIP LOCKED` on Postgres, after taking the organisation so another worker
/// leaves it alone), marked reminded, and one email of each kind is queued per manager. Safe
/// to run as often as wanted, from several instances at once.
pub async fn send_checkpoint_reminders(
    db: &DatabaseConnection,
    config: &Config,
    today: Date,
) -> anyhow::Result<ReminderSummary> {
    let overdue_by = today - Duration::days(OVERDUE_AFTER_DAYS);
    let mut summary = ReminderSummary::default();
    for organisation_id in employment::organisations_to_remind(db, today, overdue_by).await? {
        let managers = users::hiring_managers_of(db, organisation_id).await?;
        if managers.is_empty() {
            tracing::warn!(
                organisation_id,
                "checkpoints are due but the organisation has no active hiring manager"
            );
            continue;
        }
        let organisation = organisations::find(db, organisation_id)
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        let txn = db.begin().await?;
        if !employment::lock_organisation_reminders(&txn, organisation_id).await? {
            txn.rollback().await?;
            continue;
        }
        let overdue =
            employment::claim_reminders(&txn, organisation_id, Reminder::Overdue, overdue_by)
                .await?;
        let due = employment::claim_reminders(&txn, organisation_id, Reminder::Due, today).await?;
        let mut emails = 0;
        for (checkpoints, is_overdue) in [(&due, false), (&overdue, true)] {
            if checkpoints.is_empty() {
                continue;
            }
            let lines: Vec<String> = checkpoints
                .iter()
                .take(REMINDER_LINES)
                .map(reminder_line)
                .collect();
            for manager in &managers {
                let email = CheckpointReminder {
                    name: manager.full_name.clone(),
                    organisation: organisation.clone(),
                    overdue: is_overdue,
                    lines: lines.clone(),
                    more: checkpoints.len().saturating_sub(REMINDER_LINES),
                    link: config.link("/manage/employees"),
                }
                .to_email(&manager.email)?;
                outbox::enqueue(&txn, &email).await?;
                emails += 1;
            }
        }
        txn.commit().await?;
        if emails > 0 {
            tracing::info!(
                organisation_id,
                due = due.len(),
                overdue = overdue.len(),
                emails,
                "checkpoint reminders queued"
            );
            summary.organisations += 1;
        }
        summary.due += due.len();
        summary.overdue += overdue.len();
        summary.emails += emails;
    }
    Ok(summary)
}

/// A checkpoint in a reminder, naming nobody.
fn reminder_line(c: &OpenCheckpoint) -> String {
    format!(
        "{}: {}, started {}. {}-month checkpoint, due {}",
        reference(c.employment_record_id),
        c.role,
        long_date(c.start_date),
        c.months,
        long_date(c.due_on)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn references_and_dates_read_as_people_read_them() {
        assert_eq!(reference(123), "E-000123");
        assert_eq!(reference(1_234_567), "E-1234567");
        assert_eq!(long_date(date!(2026 - 12 - 02)), "2 December 2026");
    }

    #[test]
    fn a_reminder_line_names_nobody() {
        let line = reminder_line(&OpenCheckpoint {
            id: 9,
            months: 6,
            due_on: date!(2027 - 07 - 04),
            employment_record_id: 12,
            organisation_id: 1,
            organisation: "Alder Hey".into(),
            role: "Porter".into(),
            start_date: date!(2027 - 01 - 04),
        });
        assert_eq!(
            line,
            "E-000012: Porter, started 4 January 2027. 6-month checkpoint, due 4 July 2027"
        );
    }

    #[test]
    fn a_move_is_stored_as_an_employee_transfer() {
        let moved = Ending::Moved {
            date: date!(2027 - 03 - 01),
            organisation: "  Mersey Care NHS FT ".into(),
        };
        let s = stored(&moved);
        assert_eq!(s.kind, EndKind::Moved);
        assert_eq!(s.leaving_reason, Some("employee_transfer"));
        assert_eq!(s.moved_to, Some("Mersey Care NHS FT"));
    }

    #[test]
    fn refusals_explain_themselves() {
        let r = RetentionRefusal::EndDate(EndRefusal::BeforeStart, date!(2027 - 01 - 04));
        assert!(r.explanation().contains("4 January 2027"));
        assert!(
            RetentionRefusal::TransferIsAMove
                .explanation()
                .contains("Moved within the NHS")
        );
    }
}
