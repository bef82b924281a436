//! What cannot simply be taken back on an employment record: the page that asks a manager to
//! confirm a leaving date (saying which checkpoints it closes) before it is recorded, and the
//! audited "Correct this record" form for a wrong leaving date or a checkpoint wrongly recorded
//! as in post. Only the organisation's own hires through the service (404 otherwise).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use super::employees::{
    LEAVING, OutcomeForm, Typed, load_own, name_of, organisation_of, parse_date, read_entry,
    refuse, render,
};
use crate::app::AppState;
use crate::db::employment;
use crate::domain::employment::{CheckpointOutcome, CorrectionReason};
use crate::entities::employment_record;
use crate::services::retention::{
    self, Corrected, Correction, Ending, RetentionRefusal, long_date, reference,
};
use crate::web::error::{AppError, AppResult};
use crate::web::page::{FormErrors, IdPath, Page, flash};
use crate::web::roles::HiringManager;
use crate::web::unit_of_work::UnitOfWork;

#[derive(Template, WebTemplate)]
#[template(path = "manage/employees_leaving.html")]
pub struct ConfirmLeavingTemplate {
    page: Page,
    id: i32,
    reference: String,
    name: String,
    /// "left on 3 May 2027 (Voluntary Resignation - Relocation)".
    what: String,
    /// The checkpoints it closes: "12-month checkpoint, due 4 July 2027".
    closes: Vec<String>,
    /// What was typed, sent again on confirming.
    form: OutcomeForm,
}

/// Asks the manager to confirm a leaving date, saying what it closes. Writes nothing: the
/// form's answers come in the query, are checked as the POST checks them, and are sent again
/// by the confirm button.
pub async fn confirm_leaving(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    page: Page,
    IdPath(id): IdPath,
    Query(form): Query<OutcomeForm>,
) -> AppResult<Response> {
    let organisation_id = organisation_of(&me)?;
    let r = load_own(&state, &me, id).await?;
    if r.end_date.is_some() {
        return Ok(Redirect::to(&format!("/manage/employees/{}", r.id)).into_response());
    }
    let mut errors = FormErrors::default();
    let ending = read_entry(&form, LEAVING, false, &mut errors).and_then(|e| e.ending());
    let Some(ending) = ending.filter(|_| errors.is_empty()) else {
        return Ok(render(&state, page, r, Typed::Leaving(form), errors)
            .await?
            .into_response());
    };
    let closes = match retention::preview_leaving(&state.db, organisation_id, r.id, &ending).await?
    {
        Ok(closes) => closes,
        Err(refusal) => {
            return refuse(&state, page, r, refusal, Typed::Leaving(form), LEAVING).await;
        }
    };
    let what = match &ending {
        Ending::Left { date, reason } => format!("left on {} ({})", long_date(*date), reason.esr),
        Ending::Moved { date, organisation } => format!(
            "moved within the NHS on {}, to {}",
            long_date(*date),
            organisation.trim()
        ),
    };
    Ok(ConfirmLeavingTemplate {
        page,
        id: r.id,
        reference: reference(r.id),
        name: name_of(&state, &r).await?,
        what,
        closes: closes
            .into_iter()
            .map(|(months, due)| format!("{months}-month checkpoint, due {}", long_date(due)))
            .collect(),
        form,
    }
    .into_response())
}

/// What a manager typed in the correction form.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CorrectForm {
    what: String,
    date_day: String,
    date_month: String,
    date_year: String,
    checkpoint: String,
    reason: String,
}

/// A checkpoint recorded as in post, which may be cleared.
pub struct InPostCheckpoint {
    id: i32,
    label: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "manage/employees_correct.html")]
pub struct CorrectTemplate {
    page: Page,
    id: i32,
    reference: String,
    name: String,
    /// The leaving date as recorded, if any: "3 May 2027".
    ended: Option<String>,
    in_post: Vec<InPostCheckpoint>,
    form: CorrectForm,
    errors: FormErrors,
    /// The reasons offered, as (value, words).
    reasons: Vec<(&'static str, &'static str)>,
}

async fn correct_page(
    state: &AppState,
    page: Page,
    r: &employment_record::Model,
    form: CorrectForm,
    errors: FormErrors,
) -> AppResult<CorrectTemplate> {
    let in_post = employment::checkpoints_of(&state.db, r.id)
        .await?
        .into_iter()
        .filter(|c| c.outcome == Some(CheckpointOutcome::InPost))
        .map(|c| InPostCheckpoint {
            id: c.id,
            label: format!("{}-month checkpoint, due {}", c.months, long_date(c.due_on)),
        })
        .collect();
    Ok(CorrectTemplate {
        page,
        id: r.id,
        reference: reference(r.id),
        name: name_of(state, r).await?,
        ended: r.end_date.map(long_date),
        in_post,
        form,
        errors,
        reasons: CorrectionReason::ALL
            .into_iter()
            .map(|r| (r.as_str(), r.label()))
            .collect(),
    })
}

/// The form to correct a record.
pub async fn correct_form(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<CorrectTemplate> {
    let r = load_own(&state, &me, id).await?;
    correct_page(
        &state,
        page,
        &r,
        CorrectForm::default(),
        FormErrors::default(),
    )
    .await
}

/// Reads the correction form; errors go against its fields.
fn read_correction(
    form: &CorrectForm,
    errors: &mut FormErrors,
) -> Option<(Correction, CorrectionReason)> {
    let correction = match form.what.as_str() {
        "leaving_date" => parse_date(
            &form.date_day,
            &form.date_month,
            &form.date_year,
            "left or moved",
        )
        .map_err(|m| errors.add("date", m))
        .ok()
        .map(Correction::LeavingDate),
        "not_left" => Some(Correction::NotLeft),
        "checkpoint" => match form.checkpoint.trim().parse() {
            Ok(id) => Some(Correction::Checkpoint(id)),
            Err(_) => {
                errors.add("checkpoint", "Choose the checkpoint to correct");
                None
            }
        },
        _ => {
            errors.add("what", "Choose what is wrong");
            None
        }
    };
    let reason = CorrectionReason::parse(form.reason.trim());
    if reason.is_none() {
        errors.add("reason", "Choose why you are correcting this record");
    }
    correction.zip(reason).filter(|_| errors.is_empty())
}

/// The field a refusal of a correction belongs to.
fn correction_field(refusal: &RetentionRefusal) -> Option<&'static str> {
    match refusal {
        RetentionRefusal::EndDate(..) | RetentionRefusal::BeforeInPost(_) => Some("date"),
        RetentionRefusal::NotEnded => Some("what"),
        RetentionRefusal::CorrectTheLeavingDate => Some("checkpoint"),
        _ => None,
    }
}

/// A manager corrects a record, with a reason. Sending it again changes nothing.
pub async fn correct(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(form): Form<CorrectForm>,
) -> AppResult<Response> {
    let organisation_id = organisation_of(&me)?;
    let r = load_own(&state, &me, id).await?;
    let mut errors = FormErrors::default();
    let Some((correction, reason)) = read_correction(&form, &mut errors) else {
        return Ok(correct_page(&state, page, &r, form, errors)
            .await?
            .into_response());
    };
    let uow = UnitOfWork::begin(&state).await?;
    let outcome = retention::correct_record(
        &uow,
        (&me).into(),
        organisation_id,
        r.id,
        correction,
        reason,
    )
    .await?;
    let corrected = match outcome {
        Ok(corrected) => corrected,
        Err(refusal) => {
            drop(uow);
            return match correction_field(&refusal) {
                Some(field) => {
                    errors.add(field, refusal.explanation());
                    Ok(correct_page(&state, page, &r, form, errors)
                        .await?
                        .into_response())
                }
                None if refusal == RetentionRefusal::NotFound => Err(AppError::NotFound),
                None => Err(AppError::BadRequest(refusal.explanation())),
            };
        }
    };
    uow.commit().await?;
    if corrected.changed {
        tracing::info!(employment_id = r.id, user_id = me.id, "record corrected");
    }
    flash(&session, corrected_message(&reference(r.id), &corrected)).await?;
    Ok(Redirect::to(&format!("/manage/employees/{}", r.id)).into_response())
}

/// What the manager is told after a correction.
fn corrected_message(reference: &str, c: &Corrected) -> String {
    if !c.changed {
        return format!("Nothing changed: the record of {reference} already says that.");
    }
    let months = |ms: &[i32]| {
        ms.iter()
            .map(|m| format!("{m}-month"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut message = format!("Record {reference} corrected.");
    if !c.reopened.is_empty() {
        message.push_str(&format!(
            " Open to record again: {} checkpoint{}.",
            months(&c.reopened),
            if c.reopened.len() == 1 { "" } else { "s" }
        ));
    }
    if !c.closed.is_empty() {
        message.push_str(&format!(
            " Closed: {} checkpoint{}.",
            months(&c.closed),
            if c.closed.len() == 1 { "" } else { "s" }
        ));
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_correction_needs_a_choice_and_a_reason() {
        let mut errors = FormErrors::default();
        assert!(read_correction(&CorrectForm::default(), &mut errors).is_none());
        assert!(errors.has("what") && errors.has("reason"));

        let mut errors = FormErrors::default();
        let form = CorrectForm {
            what: "leaving_date".into(),
            reason: "mistyped".into(),
            ..CorrectForm::default()
        };
        assert!(read_correction(&form, &mut errors).is_none());
        assert!(errors.has("date") && !errors.has("reason"));

        let mut errors = FormErrors::default();
        let form = CorrectForm {
            what: "not_left".into(),
            // Free text is not a reason: the audit log keeps only a choice.
            reason: "She told me why she left".into(),
            ..CorrectForm::default()
        };
        assert!(read_correction(&form, &mut errors).is_none());
        assert!(errors.has("reason"));

        let mut errors = FormErrors::default();
        let form = CorrectForm {
            what: "checkpoint".into(),
            checkpoint: "12".into(),
            reason: "wrong_person".into(),
            ..CorrectForm::default()
        };
        assert_eq!(
            read_correction(&form, &mut errors),
            Some((Correction::Checkpoint(12), CorrectionReason::WrongPerson))
        );
    }

    #[test]
    fn the_message_says_what_reopened_and_closed() {
        let c = Corrected {
            changed: true,
            reopened: vec![6, 12],
            closed: vec![],
        };
        assert_eq!(
            corrected_message("E-000001", &c),
            "Record E-000001 corrected. Open to record again: 6-month, 12-month checkpoints."
        );
        assert!(corrected_message("E-000001", &Corrected::default()).starts_with("Nothing"));
    }
}
