//! Hiring managers' retention pages: their organisation's employment records, each with its
//! checkpoints at 3, 6, 12 and 24 months, the forms to record them, and a form to record a
//! leaving date at any time. Another organisation's records, and records from an ESR extract
//! (the champion's only), do not exist here (404).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use time::Date;
use tower_sessions::Session;

use crate::app::AppState;
use crate::db::employment::{self, ListedHire};
use crate::db::users;
use crate::domain::audit_subject::AuditSubject;
use crate::domain::employment::{
    CheckpointOutcome, CheckpointSource, EndKind, LEAVING_REASONS, LeavingReason, Route,
};
use crate::domain::london_time;
use crate::domain::paging::Paging;
use crate::entities::employment_record;
use crate::services::Actor;
use crate::services::applicant_details::{self, DetailsPage};
use crate::services::employees;
use crate::services::retention::{
    self, CheckpointEntry, Ending, MAX_ORGANISATION, RetentionRefusal, long_date, reference,
};
use crate::web::AuthUser;
use crate::web::error::{AppError, AppResult};
use crate::web::page::{FormErrors, IdPairPath, IdPath, Page, flash};
use crate::web::roles::HiringManager;
use crate::web::unit_of_work::UnitOfWork;

/// The manager's organisation; a hiring manager without one has no employees to see.
pub(super) fn organisation_of(user: &AuthUser) -> AppResult<i32> {
    user.organisation_id.ok_or(AppError::Forbidden)
}

/// Loads the employment record of someone the manager's own organisation hired through the
/// service; another organisation's, and any record from an ESR extract (the champion's only),
/// is "not found".
pub(super) async fn load_own(
    state: &AppState,
    user: &AuthUser,
    id: i32,
) -> AppResult<employment_record::Model> {
    let organisation_id = organisation_of(user)?;
    employment::find(&state.db, id)
        .await?
        .filter(|r| r.organisation_id == organisation_id && r.route == Route::Spectra)
        .ok_or(AppError::NotFound)
}

/// The name of the person an employment record is about: their account's name, or empty
/// where the record has no account.
pub(super) async fn name_of(state: &AppState, r: &employment_record::Model) -> AppResult<String> {
    Ok(match r.user_id {
        Some(id) => users::by_ids(&state.db, &[id])
            .await?
            .into_iter()
            .next()
            .map(|u| u.full_name)
            .unwrap_or_default(),
        None => String::new(),
    })
}

/// Where a checkpoint stands today.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Standing {
    /// Due before today and not recorded.
    Overdue,
    /// Due today.
    DueToday,
    /// Not due yet.
    Upcoming,
}

impl Standing {
    fn of(due_on: Date, today: Date) -> Standing {
        if due_on < today {
            Standing::Overdue
        } else if due_on == today {
            Standing::DueToday
        } else {
            Standing::Upcoming
        }
    }
}

/// The next checkpoint still to record.
pub struct NextCheckpoint {
    months: i32,
    due: String,
    standing: Standing,
    days_overdue: i64,
}

impl NextCheckpoint {
    fn of(months: i32, due_on: Date, today: Date) -> NextCheckpoint {
        NextCheckpoint {
            months,
            due: long_date(due_on),
            standing: Standing::of(due_on, today),
            days_overdue: (today - due_on).whole_days(),
        }
    }

    /// Whether it is overdue (for templates).
    fn is_overdue(&self) -> bool {
        self.standing == Standing::Overdue
    }

    /// Whether it falls due today (for templates).
    fn is_due_today(&self) -> bool {
        self.standing == Standing::DueToday
    }
}

/// Where an employment stands, in words: "In post", "Left on 3 May 2027", "Moved within the
/// NHS on 3 May 2027".
fn status_of(end_date: Option<Date>, end_kind: Option<EndKind>) -> String {
    match (end_date, end_kind) {
        (Some(date), Some(EndKind::Moved)) => {
            format!("Moved within the NHS on {}", long_date(date))
        }
        (Some(date), _) => format!("Left on {}", long_date(date)),
        (None, _) => "In post".to_owned(),
    }
}

/// One row of the list.
pub struct EmployeeRow {
    id: i32,
    reference: String,
    name: String,
    assignment_number: Option<String>,
    role: String,
    band: String,
    started: String,
    status: String,
    ended: bool,
    next: Option<NextCheckpoint>,
}

/// Which page of the list, as in the address (`?page=N`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    page: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "manage/employees.html")]
pub struct ListTemplate {
    page: Page,
    organisation: String,
    rows: Vec<EmployeeRow>,
    /// People with a checkpoint overdue, in the whole organisation.
    overdue: u64,
    /// Which page, of how many, and the whole organisation's number of records.
    paging: Paging,
}

impl EmployeeRow {
    fn of(r: ListedHire, today: Date) -> EmployeeRow {
        EmployeeRow {
            reference: reference(r.id),
            name: r.full_name.unwrap_or_default(),
            started: long_date(r.start_date),
            status: status_of(r.end_date, r.end_kind),
            ended: r.end_date.is_some(),
            next: r
                .next_due
                .zip(r.next_months)
                .map(|(due_on, months)| NextCheckpoint::of(months, due_on, today)),
            id: r.id,
            assignment_number: r.assignment_number,
            role: r.role,
            band: r.band,
        }
    }
}

/// The organisation's employment records, a page at a time, those with a checkpoint overdue
/// first.
pub async fn list(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    page: Page,
    Query(query): Query<ListQuery>,
) -> AppResult<ListTemplate> {
    let organisation_id = organisation_of(&me)?;
    let organisation = state.organisation_name(organisation_id).await?;
    let today = retention::today();
    let uow = UnitOfWork::begin(&state).await?;
    let found =
        employees::employees_page(&uow, Actor::from(&me), organisation_id, &query.page, today)
            .await?;
    uow.commit().await?;
    Ok(ListTemplate {
        page,
        organisation,
        overdue: u64::try_from(found.counts.overdue).unwrap_or(0),
        paging: found.paging,
        rows: found
            .rows
            .into_iter()
            .map(|r| EmployeeRow::of(r, today))
            .collect(),
    })
}

/// What a manager typed in a checkpoint form or the leaving form, to read and to show again.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct OutcomeForm {
    pub(super) outcome: String,
    pub(super) left_day: String,
    pub(super) left_month: String,
    pub(super) left_year: String,
    pub(super) reason: String,
    pub(super) moved_day: String,
    pub(super) moved_month: String,
    pub(super) moved_year: String,
    pub(super) organisation: String,
}

/// A checkpoint on the record's page.
pub struct CheckpointView {
    id: i32,
    months: i32,
    due: String,
    outcome: Option<&'static str>,
    recorded: String,
    standing: Standing,
    /// Whether it can be recorded now: due and unrecorded.
    open: bool,
    /// The prefix of its form's field IDs.
    prefix: String,
    /// What was typed, after an error.
    typed: OutcomeForm,
}

impl CheckpointView {
    /// Whether it is overdue (for templates).
    fn is_overdue(&self) -> bool {
        self.outcome.is_none() && self.standing == Standing::Overdue
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "manage/employees_show.html")]
pub struct ShowTemplate {
    page: Page,
    r: employment_record::Model,
    reference: String,
    name: String,
    /// Whether there is anything to correct: a leaving date, or a checkpoint in post.
    correctable: bool,
    started: String,
    route: &'static str,
    status: String,
    leaving_reason: Option<&'static str>,
    checkpoints: Vec<CheckpointView>,
    /// The leaving form's typed values, after an error.
    leaving: OutcomeForm,
    reasons: Vec<LeavingReason>,
    errors: FormErrors,
}

/// What a form on the page had typed in it, to show again with the errors.
pub(super) enum Typed {
    Nothing,
    Checkpoint(i32, OutcomeForm),
    Leaving(OutcomeForm),
}

pub(super) async fn render(
    state: &AppState,
    page: Page,
    r: employment_record::Model,
    typed: Typed,
    errors: FormErrors,
) -> AppResult<ShowTemplate> {
    let today = retention::today();
    let leaving_reason = match r.leaving_reason.as_deref() {
        Some(code) => Some(LeavingReason::from_code(code).ok_or_else(|| {
            anyhow::anyhow!("employment {} has an unknown leaving reason {code:?}", r.id)
        })?),
        None => None,
    };
    let checkpoints = employment::checkpoints_of(&state.db, r.id).await?;
    let correctable = r.end_date.is_some()
        || checkpoints
            .iter()
            .any(|c| c.outcome == Some(CheckpointOutcome::InPost));
    let name = name_of(state, &r).await?;
    let ids: Vec<i32> = checkpoints.iter().filter_map(|c| c.recorded_by).collect();
    let recorders = users::by_ids(&state.db, &ids).await?;
    let (typed_checkpoint, leaving) = match typed {
        Typed::Nothing => (None, OutcomeForm::default()),
        Typed::Checkpoint(id, form) => (Some((id, form)), OutcomeForm::default()),
        Typed::Leaving(form) => (None, form),
    };
    let checkpoints = checkpoints
        .into_iter()
        .map(|c| {
            let outcome = c.outcome.map(CheckpointOutcome::label);
            let by = match (c.source, c.recorded_by) {
                (Some(CheckpointSource::Esr), _) => "the ESR extract".to_owned(),
                (_, Some(id)) => recorders.iter().find(|u| u.id == id).map_or_else(
                    || "a former member of staff".to_owned(),
                    |u| u.full_name.clone(),
                ),
                _ => String::new(),
            };
            let recorded = match c.recorded_at {
                Some(at) if by.is_empty() => london_time::describe(at),
                Some(at) => format!("{by}, {}", london_time::describe(at)),
                None => String::new(),
            };
            CheckpointView {
                id: c.id,
                months: c.months,
                due: long_date(c.due_on),
                standing: Standing::of(c.due_on, today),
                open: c.outcome.is_none() && c.due_on <= today,
                prefix: format!("c{}", c.id),
                typed: typed_checkpoint
                    .as_ref()
                    .filter(|(id, _)| *id == c.id)
                    .map(|(_, form)| form.clone())
                    .unwrap_or_default(),
                outcome,
                recorded,
            }
        })
        .collect();
    Ok(ShowTemplate {
        page,
        reference: reference(r.id),
        name,
        correctable,
        started: long_date(r.start_date),
        route: r.route.label(),
        status: status_of(r.end_date, r.end_kind),
        leaving_reason: leaving_reason
            .filter(|reason| !reason.is_move_within_nhs())
            .map(|reason| reason.esr),
        r,
        checkpoints,
        leaving,
        reasons: leaving_reasons(),
        errors,
    })
}

/// The leaving reasons a manager may choose: ESR's, without "Employee Transfer", which is a
/// move within the NHS and has its own choice.
fn leaving_reasons() -> Vec<LeavingReason> {
    LEAVING_REASONS
        .iter()
        .copied()
        .filter(|r| !r.is_move_within_nhs())
        .collect()
}

/// An employment record with its checkpoints.
pub async fn show(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<ShowTemplate> {
    let r = load_own(&state, &me, id).await?;
    // A care-experienced employee's record: each look is audited (DOMAIN.md §9), the one
    // write of this GET.
    let uow = UnitOfWork::begin(&state).await?;
    applicant_details::record_view(
        &uow,
        Actor::from(&me),
        &AuditSubject::Employment(id),
        DetailsPage::Employee,
        &r.application_id.into_iter().collect::<Vec<_>>(),
    )
    .await?;
    uow.commit().await?;
    render(&state, page, r, Typed::Nothing, FormErrors::default()).await
}

/// A typed date, or the error to show against its day field.
pub(super) fn parse_date(day: &str, month: &str, year: &str, what: &str) -> Result<Date, String> {
    if [day, month, year].iter().all(|s| s.trim().is_empty()) {
        return Err(format!("Enter the date they {what}"));
    }
    london_time::parse_local(day, month, year, "12:00")
        .map(|at| london_time::from_utc(at).date())
        .map_err(|_| format!("Enter a real date they {what}, like 27 3 2027"))
}

/// Reads a form: in post (at a checkpoint only), left with date and reason, or moved with date
/// and organisation. Errors go against the fields of the form whose IDs start with `prefix`.
pub(super) fn read_entry(
    form: &OutcomeForm,
    prefix: &str,
    at_checkpoint: bool,
    errors: &mut FormErrors,
) -> Option<CheckpointEntry> {
    match form.outcome.as_str() {
        "in_post" if at_checkpoint => Some(CheckpointEntry::InPost),
        "left" => {
            let date = parse_date(&form.left_day, &form.left_month, &form.left_year, "left")
                .map_err(|m| errors.add(format!("{prefix}-left-day"), m))
                .ok();
            let reason = match LeavingReason::from_code(form.reason.trim()) {
                Some(r) if !r.is_move_within_nhs() => Some(r),
                Some(_) => {
                    errors.add(
                        format!("{prefix}-reason"),
                        RetentionRefusal::TransferIsAMove.explanation(),
                    );
                    None
                }
                None if form.reason.trim().is_empty() => {
                    errors.add(format!("{prefix}-reason"), "Choose why they left");
                    None
                }
                None => {
                    errors.add(
                        format!("{prefix}-reason"),
                        "Choose a leaving reason from the list",
                    );
                    None
                }
            };
            Some(CheckpointEntry::Left {
                date: date?,
                reason: reason?,
            })
        }
        "moved" => {
            let date = parse_date(
                &form.moved_day,
                &form.moved_month,
                &form.moved_year,
                "moved",
            )
            .map_err(|m| errors.add(format!("{prefix}-moved-day"), m))
            .ok();
            let organisation = form.organisation.trim();
            if organisation.is_empty() {
                errors.add(
                    format!("{prefix}-organisation"),
                    RetentionRefusal::NoOrganisation.explanation(),
                );
            } else if organisation.chars().count() > MAX_ORGANISATION {
                errors.add(
                    format!("{prefix}-organisation"),
                    RetentionRefusal::OrganisationTooLong.explanation(),
                );
            }
            let organisation = Some(organisation.to_owned())
                .filter(|o| !o.is_empty() && o.chars().count() <= MAX_ORGANISATION);
            Some(CheckpointEntry::Moved {
                date: date?,
                organisation: organisation?,
            })
        }
        _ => {
            errors.add(
                format!("{prefix}-outcome"),
                if at_checkpoint {
                    "Choose whether they are in post, have left, or have moved within the NHS"
                } else {
                    "Choose whether they left or moved within the NHS"
                },
            );
            None
        }
    }
}

/// The field a refusal of the service belongs to, or `None` for a refusal of the whole
/// request.
fn field_of(refusal: &RetentionRefusal, form: &OutcomeForm, prefix: &str) -> Option<String> {
    let date_field = if form.outcome == "moved" {
        "moved-day"
    } else {
        "left-day"
    };
    match refusal {
        RetentionRefusal::EndDate(..) | RetentionRefusal::BeforeInPost(_) => {
            Some(format!("{prefix}-{date_field}"))
        }
        RetentionRefusal::TransferIsAMove => Some(format!("{prefix}-reason")),
        RetentionRefusal::NoOrganisation | RetentionRefusal::OrganisationTooLong => {
            Some(format!("{prefix}-organisation"))
        }
        RetentionRefusal::AlreadyEnded(_) if prefix != LEAVING => Some(format!("{prefix}-outcome")),
        RetentionRefusal::NotFound
        | RetentionRefusal::NotEnded
        | RetentionRefusal::CorrectTheLeavingDate
        | RetentionRefusal::NotYetDue(_)
        | RetentionRefusal::AlreadyRecorded
        | RetentionRefusal::AlreadyEnded(_) => None,
    }
}

/// The prefix of the leaving form's field IDs.
pub(super) const LEAVING: &str = "leaving";

/// A manager records a checkpoint.
pub async fn record_checkpoint(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    session: Session,
    page: Page,
    IdPairPath(id, checkpoint_id): IdPairPath,
    Form(form): Form<OutcomeForm>,
) -> AppResult<Response> {
    let organisation_id = organisation_of(&me)?;
    let r = load_own(&state, &me, id).await?;
    let checkpoint = employment::find_checkpoint(&state.db, checkpoint_id)
        .await?
        .filter(|c| c.employment_record_id == r.id)
        .ok_or(AppError::NotFound)?;
    let prefix = format!("c{}", checkpoint.id);
    let mut errors = FormErrors::default();
    let Some(entry) = read_entry(&form, &prefix, true, &mut errors).filter(|_| errors.is_empty())
    else {
        let typed = Typed::Checkpoint(checkpoint.id, form);
        return Ok(render(&state, page, r, typed, errors)
            .await?
            .into_response());
    };
    let uow = UnitOfWork::begin(&state).await?;
    let outcome = retention::record_checkpoint(
        &uow,
        (&me).into(),
        organisation_id,
        checkpoint.id,
        entry.clone(),
    )
    .await?;
    let recorded = match outcome {
        Ok(recorded) => recorded,
        Err(refusal) => {
            drop(uow);
            return refuse(
                &state,
                page,
                r,
                refusal,
                Typed::Checkpoint(checkpoint.id, form),
                &prefix,
            )
            .await;
        }
    };
    uow.commit().await?;
    tracing::info!(
        employment_id = r.id,
        checkpoint_id = checkpoint.id,
        user_id = me.id,
        "checkpoint recorded"
    );
    let what = match &entry {
        CheckpointEntry::InPost => "in post".to_owned(),
        CheckpointEntry::Left { date, .. } => format!("left on {}", long_date(*date)),
        CheckpointEntry::Moved { date, .. } => {
            format!("moved within the NHS on {}", long_date(*date))
        }
    };
    let closed = if recorded.closed.is_empty() {
        ""
    } else {
        " Their later checkpoints are closed."
    };
    flash(
        &session,
        format!(
            "{}-month checkpoint recorded for {}: {what}.{closed}",
            checkpoint.months,
            reference(r.id)
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("/manage/employees/{}", r.id)).into_response())
}

/// A manager records a leaving date (or a move within the NHS), at any time.
pub async fn record_leaving(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(form): Form<OutcomeForm>,
) -> AppResult<Response> {
    let organisation_id = organisation_of(&me)?;
    let r = load_own(&state, &me, id).await?;
    let mut errors = FormErrors::default();
    let ending = read_entry(&form, LEAVING, false, &mut errors).and_then(|e| e.ending());
    let Some(ending) = ending.filter(|_| errors.is_empty()) else {
        return Ok(render(&state, page, r, Typed::Leaving(form), errors)
            .await?
            .into_response());
    };
    let uow = UnitOfWork::begin(&state).await?;
    let outcome =
        retention::record_leaving(&uow, (&me).into(), organisation_id, r.id, ending.clone())
            .await?;
    let recorded = match outcome {
        Ok(recorded) => recorded,
        Err(refusal) => {
            drop(uow);
            // Sent twice (the button pressed again, or Back and send): already done.
            if matches!(refusal, RetentionRefusal::AlreadyEnded(_))
                && let Some(now) = employment::find(&state.db, r.id).await?
                && retention::is_recorded_ending(&now, &ending)
            {
                return Ok(Redirect::to(&format!("/manage/employees/{}", r.id)).into_response());
            }
            return refuse(&state, page, r, refusal, Typed::Leaving(form), LEAVING).await;
        }
    };
    uow.commit().await?;
    tracing::info!(employment_id = r.id, user_id = me.id, "leaving recorded");
    let what = match &ending {
        Ending::Left { date, .. } => format!("left on {}", long_date(*date)),
        Ending::Moved { date, .. } => format!("moved within the NHS on {}", long_date(*date)),
    };
    let closed = match recorded.closed.len() {
        0 => String::new(),
        1 => " One checkpoint after that date is closed.".to_owned(),
        n => format!(" {n} checkpoints after that date are closed."),
    };
    flash(
        &session,
        format!("Recorded: {} {what}.{closed}", reference(r.id)),
    )
    .await?;
    Ok(Redirect::to(&format!("/manage/employees/{}", r.id)).into_response())
}

/// Turns a refusal of the service into the page with the error by its field, or a plain
/// refusal where no field is to blame.
pub(super) async fn refuse(
    state: &AppState,
    page: Page,
    r: employment_record::Model,
    refusal: RetentionRefusal,
    typed: Typed,
    prefix: &str,
) -> AppResult<Response> {
    let form = match &typed {
        Typed::Checkpoint(_, form) | Typed::Leaving(form) => form.clone(),
        Typed::Nothing => OutcomeForm::default(),
    };
    match field_of(&refusal, &form, prefix) {
        Some(field) => {
            let mut errors = FormErrors::default();
            errors.add(field, refusal.explanation());
            Ok(render(state, page, r, typed, errors).await?.into_response())
        }
        None if refusal == RetentionRefusal::NotFound => Err(AppError::NotFound),
        None => Err(AppError::BadRequest(refusal.explanation())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(outcome: &str) -> OutcomeForm {
        OutcomeForm {
            outcome: outcome.into(),
            ..OutcomeForm::default()
        }
    }

    #[test]
    fn a_leaving_needs_a_real_date_and_a_reason_from_the_list() {
        let mut errors = FormErrors::default();
        let mut f = form("left");
        f.reason = "fired".into();
        assert!(read_entry(&f, "c1", true, &mut errors).is_none());
        assert_eq!(errors.get("c1-left-day"), Some("Enter the date they left"));
        assert_eq!(
            errors.get("c1-reason"),
            Some("Choose a leaving reason from the list")
        );

        let mut errors = FormErrors::default();
        let mut f = form("left");
        (f.left_day, f.left_month, f.left_year) = ("31".into(), "2".into(), "2027".into());
        f.reason = "employee_transfer".into();
        assert!(read_entry(&f, "c1", true, &mut errors).is_none());
        assert!(errors.get("c1-left-day").unwrap().contains("real date"));
        assert!(
            errors
                .get("c1-reason")
                .unwrap()
                .contains("Moved within the NHS")
        );

        let mut errors = FormErrors::default();
        (f.left_day, f.reason) = ("28".into(), "vr_relocation".into());
        let entry = read_entry(&f, "c1", true, &mut errors).unwrap();
        assert!(errors.is_empty());
        assert!(
            matches!(entry, CheckpointEntry::Left { reason, .. } if reason.code == "vr_relocation")
        );
    }

    #[test]
    fn a_move_needs_a_date_and_an_organisation() {
        let mut errors = FormErrors::default();
        let mut f = form("moved");
        f.organisation = "   ".into();
        assert!(read_entry(&f, LEAVING, false, &mut errors).is_none());
        assert!(errors.has("leaving-moved-day"));
        assert_eq!(
            errors.get("leaving-organisation"),
            Some("Enter the NHS organisation they moved to")
        );
        let mut errors = FormErrors::default();
        (f.moved_day, f.moved_month, f.moved_year) = ("1".into(), "3".into(), "2027".into());
        f.organisation = "x".repeat(MAX_ORGANISATION + 1);
        assert!(read_entry(&f, LEAVING, false, &mut errors).is_none());
        assert!(errors.has("leaving-organisation"));
    }

    #[test]
    fn in_post_is_a_choice_at_checkpoints_only() {
        let mut errors = FormErrors::default();
        assert_eq!(
            read_entry(&form("in_post"), "c1", true, &mut errors),
            Some(CheckpointEntry::InPost)
        );
        assert!(read_entry(&form("in_post"), LEAVING, false, &mut errors).is_none());
        assert!(read_entry(&form(""), "c2", true, &mut errors).is_none());
        assert!(errors.has("leaving-outcome") && errors.has("c2-outcome"));
    }

    #[test]
    fn overdue_comes_before_due_today_before_upcoming() {
        let today = time::macros::date!(2027 - 05 - 10);
        assert_eq!(
            Standing::of(time::macros::date!(2027 - 05 - 09), today),
            Standing::Overdue
        );
        assert_eq!(Standing::of(today, today), Standing::DueToday);
        assert!(Standing::Overdue < Standing::DueToday && Standing::DueToday < Standing::Upcoming);
    }
}
