//! The panel's interviews: publishing slots, seeing who booked (with the adjustments they
//! asked for), and the lead recording each outcome with feedback the applicant sees.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use sea_orm::TransactionTrait;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, applications, interviews, users};
use crate::domain::application::{Stage, reference};
use crate::domain::interview::{SlotForm, SlotInput};
use crate::domain::london_time;
use crate::error::{AppError, AppResult};
use crate::services;
use crate::services::interviews::OutcomeRefusal;
use crate::web::page::{FormErrors, IdPairPath, IdPath, Page, flash};
use crate::web::shortlisting::{PanelSeat, audit_late_reveal_view, load_seat};

/// Someone booked into a slot.
pub struct Booked {
    application_id: i32,
    reference: String,
    name: String,
    adjustments: String,
    stage: Stage,
    /// The outcome recorded: (appointable, feedback).
    outcome: Option<(bool, String)>,
    /// Field IDs of its outcome form.
    outcome_field: String,
    feedback_field: String,
    /// Feedback typed before an error, to show again.
    typed_feedback: String,
    /// Whether the interview has started, so its outcome can be recorded.
    started: bool,
}

/// A slot and who booked it.
pub struct SlotRow {
    when: String,
    minutes: i32,
    place: String,
    capacity: i32,
    booked: Vec<Booked>,
}

#[derive(Template, WebTemplate)]
#[template(path = "shortlisting/interviews.html")]
pub struct InterviewsTemplate {
    page: Page,
    seat: PanelSeat,
    slots: Vec<SlotRow>,
    /// Invited applicants who have not booked yet.
    waiting: Vec<String>,
    form: SlotForm,
    errors: FormErrors,
}

/// Interviews come after shortlisting is complete: only then are the invited known by name.
async fn load_after_shortlisting(
    state: &AppState,
    me: &crate::auth::AuthUser,
    id: i32,
) -> AppResult<PanelSeat> {
    let seat = load_seat(state, me, id).await?;
    if crate::db::shortlisting::state_of(&state.db, id)
        .await?
        .completed_at
        .is_none()
    {
        return Err(AppError::BadRequest(
            "Interviews are arranged after shortlisting is complete.".into(),
        ));
    }
    Ok(seat)
}

async fn render(
    state: &AppState,
    page: Page,
    seat: PanelSeat,
    form: SlotForm,
    errors: FormErrors,
    typed_feedback: Option<(i32, String)>,
) -> AppResult<InterviewsTemplate> {
    let slots = interviews::slots_of(&state.db, seat.vacancy.id).await?;
    let slot_ids: Vec<i32> = slots.iter().map(|s| s.id).collect();
    let bookings = interviews::bookings_for_slots(&state.db, &slot_ids).await?;
    let sent = applications::sent_models_for_vacancy(&state.db, seat.vacancy.id).await?;
    let invited: Vec<_> = sent
        .into_iter()
        .filter(|a| {
            matches!(
                Stage::parse(&a.stage),
                Some(
                    Stage::InvitedToInterview
                        | Stage::InterviewBooked
                        | Stage::Interviewed
                        | Stage::ConditionalOffer
                        | Stage::ChecksComplete
                        | Stage::Started
                )
            ) || bookings.iter().any(|b| b.application_id == a.id)
        })
        .collect();
    let people = users::by_ids(
        &state.db,
        &invited.iter().map(|a| a.applicant_id).collect::<Vec<_>>(),
    )
    .await?;
    let ids: Vec<i32> = invited.iter().map(|a| a.id).collect();
    let outcomes = interviews::outcomes_for(&state.db, &ids).await?;
    let name_of = |applicant_id: i32| {
        people
            .iter()
            .find(|u| u.id == applicant_id)
            .map(|u| u.full_name.clone())
            .unwrap_or_default()
    };
    let rows = slots
        .iter()
        .map(|s| SlotRow {
            when: london_time::describe(s.starts_at),
            minutes: s.minutes,
            place: s.place.clone(),
            capacity: s.capacity,
            booked: bookings
                .iter()
                .filter(|b| b.slot_id == s.id)
                .filter_map(|b| invited.iter().find(|a| a.id == b.application_id))
                .map(|a| Booked {
                    application_id: a.id,
                    reference: reference(a.id),
                    name: name_of(a.applicant_id),
                    adjustments: a.adjustments.clone(),
                    stage: Stage::parse(&a.stage).unwrap_or(Stage::InterviewBooked),
                    outcome: outcomes
                        .iter()
                        .find(|o| o.application_id == a.id)
                        .map(|o| (o.appointable, o.feedback.clone())),
                    outcome_field: format!("outcome-{}", a.id),
                    feedback_field: format!("feedback-{}", a.id),
                    started: s.starts_at <= db::now(),
                    typed_feedback: typed_feedback
                        .as_ref()
                        .filter(|(id, _)| *id == a.id)
                        .map(|(_, text)| text.clone())
                        .unwrap_or_default(),
                })
                .collect(),
        })
        .collect();
    let waiting = invited
        .iter()
        .filter(|a| a.stage == Stage::InvitedToInterview.as_str())
        .map(|a| format!("{} ({})", name_of(a.applicant_id), reference(a.id)))
        .collect();
    Ok(InterviewsTemplate {
        page,
        seat,
        slots: rows,
        waiting,
        form,
        errors,
    })
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<InterviewsTemplate> {
    let seat = load_after_shortlisting(&state, &me, id).await?;
    audit_late_reveal_view(&state, &seat, "interviews").await?;
    let form = SlotForm {
        time: "10:00".into(),
        minutes: "45".into(),
        capacity: "1".into(),
        ..SlotForm::default()
    };
    render(&state, page, seat, form, FormErrors::default(), None).await
}

/// Any panel member publishes a slot.
pub async fn add_slot(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(form): Form<SlotForm>,
) -> AppResult<Response> {
    let seat = load_after_shortlisting(&state, &me, id).await?;
    let input = match SlotInput::parse(&form, db::now()) {
        Ok(input) => input,
        Err(found) => {
            let template =
                render(&state, page, seat, form, found.into_iter().collect(), None).await?;
            return Ok(template.into_response());
        }
    };
    interviews::create_slot(&state.db, id, &input, me.id).await?;
    flash(
        &session,
        format!(
            "Interview time added: {}. Invited applicants can book it now.",
            london_time::describe(input.starts_at)
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("/shortlisting/{id}/interviews")).into_response())
}

/// The outcome form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OutcomeForm {
    outcome: String,
    feedback: String,
}

/// The lead records the outcome of an interview, with feedback the applicant sees. Not
/// appointable ends the application as unsuccessful.
pub async fn record_outcome(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    session: Session,
    page: Page,
    IdPairPath(id, app_id): IdPairPath,
    Form(form): Form<OutcomeForm>,
) -> AppResult<Response> {
    let seat = load_after_shortlisting(&state, &me, id).await?;
    seat.require_lead()?;
    let mut errors = FormErrors::default();
    let appointable = match form.outcome.as_str() {
        "appointable" => Some(true),
        "not_appointable" => Some(false),
        _ => {
            errors.add(
                format!("outcome-{app_id}"),
                format!(
                    "Choose appointable or not appointable for {}",
                    reference(app_id)
                ),
            );
            None
        }
    };
    let feedback = form.feedback.trim();
    if feedback.is_empty() {
        errors.add(
            format!("feedback-{app_id}"),
            format!("Write feedback for {}. They will see it", reference(app_id)),
        );
    } else if feedback.chars().count() > 5_000 {
        errors.add(
            format!("feedback-{app_id}"),
            "Feedback must be 5000 characters or fewer",
        );
    }
    let Some(appointable) = appointable.filter(|_| errors.is_empty()) else {
        let template = render(
            &state,
            page,
            seat,
            SlotForm::default(),
            errors,
            Some((app_id, form.feedback.clone())),
        )
        .await?;
        return Ok(template.into_response());
    };
    let txn = state.db.begin().await?;
    let outcome = services::interviews::record_outcome(
        &txn,
        &state.config,
        me.id,
        id,
        app_id,
        appointable,
        feedback,
    )
    .await?;
    match outcome {
        Ok(_) => {}
        Err(refusal) => {
            txn.rollback().await?;
            return Err(match refusal {
                OutcomeRefusal::NotLead => AppError::Forbidden,
                OutcomeRefusal::NotFound => AppError::NotFound,
                OutcomeRefusal::NotYet { starts_at } => AppError::BadRequest(format!(
                    "The outcome of {}'s interview can be recorded once it has started, on {}.",
                    reference(app_id),
                    london_time::describe(starts_at)
                )),
                OutcomeRefusal::NotBooked(stage) => AppError::BadRequest(format!(
                    "An outcome can only be recorded for a booked interview. {} is now: {}.",
                    reference(app_id),
                    stage.label()
                )),
            });
        }
    }
    txn.commit().await?;
    state.mail_wakeup.notify_one();
    flash(
        &session,
        format!(
            "Outcome recorded for {}. The applicant has been emailed.",
            reference(app_id)
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("/shortlisting/{id}/interviews")).into_response())
}
