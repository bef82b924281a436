//! The panel's interviews: publishing slots, seeing who booked (with the adjustments they
//! asked for), and the lead recording each outcome with feedback the applicant sees.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::db::{self, applications, interviews, users};
use crate::domain::application::{Stage, reference};
use crate::domain::audit_subject::AuditSubject;
use crate::domain::interview::{SlotForm, SlotInput};
use crate::domain::london_time;
use crate::services::applicant_details::DetailsPage;
use crate::services::interviews::{AddSlotRefusal, OutcomeRefusal, SlotRefusal, TellRefusal};
use crate::services::{self, Actor};
use crate::web::error::{AppError, AppResult};
use crate::web::page::{FormErrors, IdPairPath, IdPath, Page, flash, notice, warning};
use crate::web::roles::HiringManager;
use crate::web::shortlisting::{PanelSeat, audit_details_view, audit_late_reveal_view, load_seat};
use crate::web::unit_of_work::UnitOfWork;

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
    id: i32,
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
    /// How many of them have not been told the times are ready.
    to_tell: usize,
    form: SlotForm,
    errors: FormErrors,
    /// The applications whose applicants the page names.
    named: Vec<i32>,
}

/// Interviews come after shortlisting is complete: only then are the invited known by name.
async fn load_after_shortlisting(
    state: &AppState,
    me: &crate::web::AuthUser,
    id: i32,
) -> AppResult<PanelSeat> {
    let seat = load_seat(state, me, id).await?;
    if crate::db::shortlisting::state_of(&state.db, id)
        .await?
        .completed_at
        .is_none()
    {
        return Err(not_shortlisted());
    }
    Ok(seat)
}

fn not_shortlisted() -> AppError {
    AppError::BadRequest("Interviews are arranged after shortlisting is complete.".into())
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
                a.stage,
                Stage::InvitedToInterview
                    | Stage::InterviewBooked
                    | Stage::Interviewed
                    | Stage::ConditionalOffer
                    | Stage::ChecksComplete
                    | Stage::Started
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
            id: s.id,
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
                    stage: a.stage,
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
        .filter(|a| a.stage == Stage::InvitedToInterview)
        .map(|a| format!("{} ({})", name_of(a.applicant_id), reference(a.id)))
        .collect();
    let to_tell = services::interviews::still_to_tell(&state.db, seat.vacancy.id)
        .await?
        .len();
    Ok(InterviewsTemplate {
        page,
        seat,
        slots: rows,
        waiting,
        to_tell,
        form,
        errors,
        named: ids,
    })
}

pub async fn show(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<InterviewsTemplate> {
    let seat = load_after_shortlisting(&state, &me, id).await?;
    audit_late_reveal_view(&state, Actor::from(&me), &seat, "interviews").await?;
    let form = SlotForm {
        time: "10:00".into(),
        minutes: "45".into(),
        capacity: "1".into(),
        ..SlotForm::default()
    };
    let template = render(&state, page, seat, form, FormErrors::default(), None).await?;
    audit_details_view(
        &state,
        Actor::from(&me),
        &AuditSubject::Vacancy(id),
        DetailsPage::Interviews,
        &template.named,
    )
    .await?;
    Ok(template)
}

/// Any panel member publishes a slot.
pub async fn add_slot(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
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
    let uow = UnitOfWork::begin(&state).await?;
    match services::interviews::add_slot(&uow, Actor::from(&me), id, &input).await? {
        Ok(_) => uow.commit().await?,
        Err(AddSlotRefusal::NotOnPanel) => return Err(AppError::NotFound),
        Err(AddSlotRefusal::NotShortlisted) => return Err(not_shortlisted()),
    }
    flash(
        &session,
        format!(
            "Interview time added: {}.",
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
    HiringManager(me): HiringManager,
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
    let uow = UnitOfWork::begin(&state).await?;
    let outcome = services::interviews::record_outcome(
        &uow,
        &state.config,
        Actor::from(&me),
        id,
        app_id,
        appointable,
        feedback,
    )
    .await?;
    match outcome {
        Ok(_) => {}
        Err(refusal) => {
            drop(uow);
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
    uow.commit().await?;
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

#[derive(Template, WebTemplate)]
#[template(path = "shortlisting/tell_applicants.html")]
pub struct TellTemplate {
    page: Page,
    seat: PanelSeat,
    /// Who will be emailed: name and reference.
    people: Vec<String>,
    /// The times they can choose from.
    times: Vec<String>,
}

/// The lead's confirmation before telling the invited applicants the times are ready: who will
/// be emailed, and the times they will see.
pub async fn confirm_tell(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    let seat = load_after_shortlisting(&state, &me, id).await?;
    seat.require_lead()?;
    let waiting = services::interviews::still_to_tell(&state.db, id).await?;
    if waiting.is_empty() {
        warning(
            &session,
            "Everyone invited has booked or has been told the times are ready already, so there is nobody to email.",
        )
        .await?;
        return Ok(Redirect::to(&format!("/shortlisting/{id}/interviews")).into_response());
    }
    let people = users::by_ids(
        &state.db,
        &waiting.iter().map(|a| a.applicant_id).collect::<Vec<_>>(),
    )
    .await?;
    let now = db::now();
    let times = interviews::slots_of(&state.db, id)
        .await?
        .into_iter()
        .filter(|s| crate::domain::interview::can_change(s.starts_at, now))
        .map(|s| {
            format!(
                "{}, {} minutes, at: {}",
                london_time::describe(s.starts_at),
                s.minutes,
                s.place
            )
        })
        .collect();
    let named: Vec<i32> = waiting.iter().map(|a| a.id).collect();
    audit_details_view(
        &state,
        Actor::from(&me),
        &AuditSubject::Vacancy(id),
        DetailsPage::TellApplicants,
        &named,
    )
    .await?;
    let people = waiting
        .iter()
        .map(|a| {
            let name = people
                .iter()
                .find(|u| u.id == a.applicant_id)
                .map(|u| u.full_name.clone())
                .unwrap_or_default();
            format!("{name} ({})", reference(a.id))
        })
        .collect();
    Ok(TellTemplate {
        page,
        seat,
        people,
        times,
    }
    .into_response())
}

/// The lead tells the invited applicants who have not booked, and were not told before, that
/// the times are ready: one email each, with the link to choose a time.
pub async fn tell(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    session: Session,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    let seat = load_after_shortlisting(&state, &me, id).await?;
    seat.require_lead()?;
    let uow = UnitOfWork::begin(&state).await?;
    let told = match services::interviews::tell_applicants(
        &uow,
        &state.config,
        Actor::from(&me),
        id,
    )
    .await?
    {
        Ok(told) => told,
        Err(refusal) => {
            drop(uow);
            return match refusal {
                TellRefusal::NotLead => Err(AppError::Forbidden),
                TellRefusal::NoTimes => {
                    warning(
                        &session,
                        "Nobody was emailed: there is no time left to book. Add a time at least 24 hours away first.",
                    )
                    .await?;
                    Ok(Redirect::to(&format!("/shortlisting/{id}/interviews")).into_response())
                }
            };
        }
    };
    uow.commit().await?;
    let message = match told.len() {
        0 => "Nobody needed telling: everyone invited had booked or been told already.".to_owned(),
        1 => "We have emailed 1 applicant the link to choose an interview time.".to_owned(),
        n => format!("We have emailed {n} applicants the link to choose an interview time."),
    };
    flash(&session, message).await?;
    Ok(Redirect::to(&format!("/shortlisting/{id}/interviews")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "shortlisting/edit_slot.html")]
pub struct EditSlotTemplate {
    page: Page,
    seat: PanelSeat,
    slot_id: i32,
    when: String,
    form: SlotForm,
    errors: FormErrors,
}

/// Refuses a change to a time someone has booked, or a time of another vacancy.
fn slot_refused(refusal: SlotRefusal) -> AppError {
    match refusal {
        SlotRefusal::NotFound => AppError::NotFound,
        SlotRefusal::Booked => AppError::BadRequest(
            "Someone has booked this time, so it cannot be changed or removed here: their interview would change without them knowing. Ask them to choose another time on SPECTRA, or contact them.".into(),
        ),
    }
}

/// Loads a time of the vacancy that nobody has booked.
async fn unbooked_slot(
    state: &AppState,
    vacancy_id: i32,
    slot_id: i32,
) -> AppResult<crate::entities::interview_slot::Model> {
    let slot = interviews::find_slot(&state.db, slot_id)
        .await?
        .filter(|s| s.vacancy_id == vacancy_id)
        .ok_or(AppError::NotFound)?;
    if interviews::bookings_count(&state.db, slot_id).await? > 0 {
        return Err(slot_refused(SlotRefusal::Booked));
    }
    Ok(slot)
}

/// The form to change a time nobody has booked.
pub async fn edit_slot(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    page: Page,
    IdPairPath(id, slot_id): IdPairPath,
) -> AppResult<EditSlotTemplate> {
    let seat = load_after_shortlisting(&state, &me, id).await?;
    let slot = unbooked_slot(&state, id, slot_id).await?;
    let local = london_time::from_utc(slot.starts_at);
    Ok(EditSlotTemplate {
        page,
        seat,
        slot_id,
        when: london_time::describe(slot.starts_at),
        form: SlotForm {
            day: local.day().to_string(),
            month: u8::from(local.month()).to_string(),
            year: local.year().to_string(),
            time: format!("{:02}:{:02}", local.hour(), local.minute()),
            minutes: slot.minutes.to_string(),
            place: slot.place.clone(),
            capacity: slot.capacity.to_string(),
        },
        errors: FormErrors::default(),
    })
}

/// Saves a change to a time nobody has booked.
pub async fn save_slot(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    session: Session,
    page: Page,
    IdPairPath(id, slot_id): IdPairPath,
    Form(form): Form<SlotForm>,
) -> AppResult<Response> {
    let seat = load_after_shortlisting(&state, &me, id).await?;
    let slot = unbooked_slot(&state, id, slot_id).await?;
    let input = match SlotInput::parse(&form, db::now()) {
        Ok(input) => input,
        Err(found) => {
            return Ok(EditSlotTemplate {
                page,
                seat,
                slot_id,
                when: london_time::describe(slot.starts_at),
                form,
                errors: found.into_iter().collect(),
            }
            .into_response());
        }
    };
    let uow = UnitOfWork::begin(&state).await?;
    if let Err(refusal) =
        services::interviews::change_slot(&uow, Actor::from(&me), id, slot_id, Some(&input)).await?
    {
        drop(uow);
        return Err(slot_refused(refusal));
    }
    uow.commit().await?;
    flash(
        &session,
        format!(
            "Interview time changed to {}.",
            london_time::describe(input.starts_at)
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("/shortlisting/{id}/interviews")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "shortlisting/remove_slot.html")]
pub struct RemoveSlotTemplate {
    page: Page,
    seat: PanelSeat,
    slot_id: i32,
    when: String,
}

/// Asks before removing a time nobody has booked, saying what will happen. Changes nothing.
pub async fn confirm_remove_slot(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    page: Page,
    IdPairPath(id, slot_id): IdPairPath,
) -> AppResult<RemoveSlotTemplate> {
    let seat = load_after_shortlisting(&state, &me, id).await?;
    let slot = unbooked_slot(&state, id, slot_id).await?;
    Ok(RemoveSlotTemplate {
        page,
        seat,
        slot_id,
        when: london_time::describe(slot.starts_at),
    })
}

/// Removes a time nobody has booked. Sent again once it is gone, it changes nothing.
pub async fn remove_slot(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    session: Session,
    IdPairPath(id, slot_id): IdPairPath,
) -> AppResult<Response> {
    load_after_shortlisting(&state, &me, id).await?;
    if interviews::find_slot(&state.db, slot_id).await?.is_none() {
        notice(
            &session,
            "That interview time has already been removed. Nothing else was changed.",
        )
        .await?;
        return Ok(Redirect::to(&format!("/shortlisting/{id}/interviews")).into_response());
    }
    let slot = unbooked_slot(&state, id, slot_id).await?;
    let uow = UnitOfWork::begin(&state).await?;
    if let Err(refusal) =
        services::interviews::change_slot(&uow, Actor::from(&me), id, slot_id, None).await?
    {
        drop(uow);
        return Err(slot_refused(refusal));
    }
    uow.commit().await?;
    flash(
        &session,
        format!(
            "Interview time removed: {}.",
            london_time::describe(slot.starts_at)
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("/shortlisting/{id}/interviews")).into_response())
}
