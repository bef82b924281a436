//! Offers, for the lead: conditional offers to appointable candidates, the pre-employment
//! checks of each accepted offer, the start date, and marking the person as started, which
//! creates the employment record retention tracking follows.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use tower_sessions::Session;

use crate::app::AppState;
use crate::db::offers;
use crate::db::{applications, interviews, users};
use crate::domain::application::{Stage, reference};
use crate::domain::audit_subject::AuditSubject;
use crate::domain::employment::{STAFF_GROUPS, parse_staff_group};
use crate::domain::london_time;
use crate::domain::offer::CheckStatus;
use crate::domain::offer::OfferStatus;
use crate::entities::application;
use crate::services;
use crate::services::Actor;
use crate::services::applicant_details::DetailsPage;
use crate::services::offers::{CheckUpdate, ChecksRefusal, MakeRefusal, OfferWithdrawalRefusal};
use crate::services::retention::StartRefusal;
use crate::web::AuthUser;
use crate::web::error::{AppError, AppResult};
use crate::web::page::{FormErrors, IdPairPath, IdPath, Numbered, Page, flash};
use crate::web::roles::HiringManager;
use crate::web::shortlisting::{PanelSeat, audit_details_view, audit_late_reveal_view, load_seat};
use crate::web::unit_of_work::UnitOfWork;

/// A check on the lead's page.
pub struct CheckLine {
    kind: &'static str,
    label: &'static str,
    status: &'static str,
    note: String,
    /// The ID of its note field, for errors.
    note_field: String,
}

/// A candidate on the offers page.
pub struct Candidate {
    id: i32,
    reference: String,
    name: String,
    stage: Stage,
    offer_status: Option<&'static str>,
    checks: Vec<CheckLine>,
    start_date: Option<String>,
    /// The ID of its start-date field, for errors.
    day_field: String,
    /// The ID of its withdrawal feedback field, for errors.
    withdraw_field: String,
    /// Withdrawal feedback typed before an error, to show again.
    typed_feedback: String,
    /// The ID of its staff group field, for errors.
    staff_group_field: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "shortlisting/offers.html")]
pub struct OffersTemplate {
    page: Page,
    seat: PanelSeat,
    candidates: Vec<Candidate>,
    statuses: [CheckStatus; 3],
    staff_groups: [&'static str; 9],
    accepted: usize,
    errors: FormErrors,
}

/// The lead of the vacancy's panel, and an application of that vacancy.
async fn lead_and_application(
    state: &AppState,
    me: &AuthUser,
    id: i32,
    app_id: i32,
) -> AppResult<(PanelSeat, application::Model)> {
    let seat = load_seat(state, me, id).await?;
    seat.require_lead()?;
    let application = applications::find(&state.db, app_id)
        .await?
        .filter(|a| a.vacancy_id == id)
        .ok_or(AppError::NotFound)?;
    Ok((seat, application))
}

pub async fn show(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<OffersTemplate> {
    let seat = load_seat(&state, &me, id).await?;
    seat.require_lead()?;
    audit_late_reveal_view(&state, Actor::from(&me), &seat, "offers").await?;
    let template = render(&state, page, seat, FormErrors::default()).await?;
    let named: Vec<i32> = template.candidates.iter().map(|c| c.id).collect();
    audit_details_view(
        &state,
        Actor::from(&me),
        &AuditSubject::Vacancy(id),
        DetailsPage::Offers,
        &named,
    )
    .await?;
    Ok(template)
}

async fn render(
    state: &AppState,
    page: Page,
    seat: PanelSeat,
    errors: FormErrors,
) -> AppResult<OffersTemplate> {
    render_typed(state, page, seat, errors, None).await
}

/// The page, with withdrawal feedback typed for one application shown again.
async fn render_typed(
    state: &AppState,
    page: Page,
    seat: PanelSeat,
    errors: FormErrors,
    typed: Option<(i32, String)>,
) -> AppResult<OffersTemplate> {
    let id = seat.vacancy.id;
    let sent = applications::sent_models_for_vacancy(&state.db, id).await?;
    let ids: Vec<i32> = sent.iter().map(|a| a.id).collect();
    let outcomes = interviews::outcomes_for(&state.db, &ids).await?;
    let vacancy_offers = offers::of_vacancy(&state.db, id).await?;
    let mut candidates = Vec::new();
    for a in &sent {
        let stage = a.stage;
        let appointable = outcomes
            .iter()
            .any(|o| o.application_id == a.id && o.appointable);
        let offer = vacancy_offers.iter().find(|o| o.application_id == a.id);
        if !(appointable || offer.is_some()) {
            continue;
        }
        let checks = offers::checks_of(&state.db, a.id)
            .await?
            .into_iter()
            .map(|c| CheckLine {
                kind: c.kind.as_str(),
                label: c.kind.label(),
                status: c.status.as_str(),
                note_field: format!("note-{}-{}", a.id, c.kind.as_str()),
                note: c.note,
            })
            .collect();
        let name = users::find_by_id(&state.db, a.applicant_id)
            .await?
            .map(|u| u.full_name)
            .unwrap_or_default();
        candidates.push(Candidate {
            id: a.id,
            reference: reference(a.id),
            name,
            stage,
            offer_status: offer.map(|o| o.status.as_str()),
            checks,
            start_date: offer
                .and_then(|o| o.start_date)
                .map(|d| format!("{} {} {}", d.day(), d.month(), d.year())),
            day_field: format!("day-{}", a.id),
            withdraw_field: format!("withdraw-feedback-{}", a.id),
            staff_group_field: format!("staff-group-{}", a.id),
            typed_feedback: typed
                .as_ref()
                .filter(|(id, _)| *id == a.id)
                .map(|(_, text)| text.clone())
                .unwrap_or_default(),
        });
    }
    Ok(OffersTemplate {
        page,
        accepted: vacancy_offers
            .iter()
            .filter(|o| o.status == OfferStatus::Accepted)
            .count(),
        seat,
        candidates,
        statuses: CheckStatus::ALL,
        staff_groups: STAFF_GROUPS,
        errors,
    })
}

/// The lead makes a conditional offer to an appointable candidate.
pub async fn make_offer(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    session: Session,
    IdPairPath(id, app_id): IdPairPath,
) -> AppResult<Response> {
    let (seat, application) = lead_and_application(&state, &me, id, app_id).await?;
    let uow = UnitOfWork::begin(&state).await?;
    let outcome = services::offers::make(
        &uow,
        &state.config,
        Actor::from(&me),
        seat.vacancy.id,
        application.id,
    )
    .await?;
    if let Err(refusal) = outcome {
        drop(uow);
        return Err(match refusal {
            MakeRefusal::NotLead => AppError::Forbidden,
            MakeRefusal::NotFound => AppError::NotFound,
            MakeRefusal::NotAppointable => AppError::BadRequest(
                "An offer can only be made to someone interviewed and found appointable.".into(),
            ),
        });
    }
    uow.commit().await?;
    flash(
        &session,
        format!("Conditional offer made to {}.", reference(application.id)),
    )
    .await?;
    Ok(Redirect::to(&format!("/shortlisting/{}/offers", seat.vacancy.id)).into_response())
}

/// Turns a refusal to record checks or a start date into words for the lead.
fn checks_refused(refusal: ChecksRefusal) -> AppError {
    match refusal {
        ChecksRefusal::NotLead => AppError::Forbidden,
        ChecksRefusal::NotFound => AppError::NotFound,
        ChecksRefusal::NotAccepted => {
            AppError::BadRequest("Checks start once the offer is accepted.".into())
        }
        ChecksRefusal::ChecksNotComplete => {
            AppError::BadRequest("A start date is agreed once every check is verified.".into())
        }
    }
}

/// The lead records the checks (`status-{kind}` and `note-{kind}` for each); when every one is
/// verified the offer becomes unconditional.
pub async fn save_checks(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    session: Session,
    page: Page,
    IdPairPath(id, app_id): IdPairPath,
    Form(fields): Form<Numbered>,
) -> AppResult<Response> {
    let (seat, application) = lead_and_application(&state, &me, id, app_id).await?;
    let offer = offers::find(&state.db, application.id)
        .await?
        .filter(|o| o.status == OfferStatus::Accepted)
        .ok_or_else(|| AppError::BadRequest("Checks start once the offer is accepted.".into()))?;
    let existing = offers::checks_of(&state.db, offer.application_id).await?;
    // A check whose fields are not sent keeps its status and note.
    let field = |name: String| fields.sent(&name).map(|v| v.trim().to_owned());
    let mut updates = Vec::new();
    let mut errors = FormErrors::default();
    for check in &existing {
        let kind = check.kind;
        let status = match field(format!("status-{}", kind.as_str())) {
            Some(s) => CheckStatus::parse(&s).ok_or_else(|| {
                AppError::BadRequest(format!(
                    "Choose pending, received or verified for {}.",
                    kind.label()
                ))
            })?,
            None => check.status,
        };
        let note = field(format!("note-{}", kind.as_str())).unwrap_or_else(|| check.note.clone());
        if note.chars().count() > 1_000 {
            errors.add(
                format!("note-{}-{}", application.id, kind.as_str()),
                format!(
                    "The note for {} must be 1000 characters or fewer",
                    kind.label()
                ),
            );
        }
        updates.push((kind, status, note));
    }
    if !errors.is_empty() {
        return Ok(render(&state, page, seat, errors).await?.into_response());
    }
    let updates: Vec<CheckUpdate> = updates
        .into_iter()
        .map(|(kind, status, note)| CheckUpdate { kind, status, note })
        .collect();
    let uow = UnitOfWork::begin(&state).await?;
    let complete = match services::offers::save_checks(
        &uow,
        &state.config,
        Actor::from(&me),
        seat.vacancy.id,
        application.id,
        &updates,
    )
    .await?
    {
        Ok(complete) => complete,
        Err(refusal) => {
            drop(uow);
            return Err(checks_refused(refusal));
        }
    };
    uow.commit().await?;
    let message = if complete {
        format!(
            "Every check is verified: the offer to {} is now unconditional. Agree a start date.",
            reference(application.id)
        )
    } else {
        format!("Checks saved for {}.", reference(application.id))
    };
    flash(&session, message).await?;
    Ok(Redirect::to(&format!("/shortlisting/{}/offers", seat.vacancy.id)).into_response())
}

/// The start date form as sent.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct StartDateForm {
    day: String,
    month: String,
    year: String,
}

/// The lead records the agreed start date.
pub async fn save_start_date(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    session: Session,
    page: Page,
    IdPairPath(id, app_id): IdPairPath,
    Form(form): Form<StartDateForm>,
) -> AppResult<Response> {
    let (seat, application) = lead_and_application(&state, &me, id, app_id).await?;
    if application.stage != Stage::ChecksComplete {
        return Err(AppError::BadRequest(
            "A start date is agreed once every check is verified.".into(),
        ));
    }
    let Ok(start) = london_time::parse_local(&form.day, &form.month, &form.year, "09:00") else {
        let mut errors = FormErrors::default();
        errors.add(
            format!("day-{}", application.id),
            format!(
                "Enter a real start date for {}, like 4 1 2027",
                reference(application.id)
            ),
        );
        return Ok(render(&state, page, seat, errors).await?.into_response());
    };
    let date = london_time::from_utc(start).date();
    let uow = UnitOfWork::begin(&state).await?;
    if let Err(refusal) = services::offers::set_start_date(
        &uow,
        Actor::from(&me),
        seat.vacancy.id,
        application.id,
        date,
    )
    .await?
    {
        drop(uow);
        return Err(checks_refused(refusal));
    }
    uow.commit().await?;
    flash(
        &session,
        format!("Start date agreed for {}.", reference(application.id)),
    )
    .await?;
    Ok(Redirect::to(&format!("/shortlisting/{}/offers", seat.vacancy.id)).into_response())
}

/// The "mark as started" form: the ESR staff group of the post.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct StartedForm {
    staff_group: String,
}

/// The lead marks the person as started, choosing the post's ESR staff group: the hire, and
/// the employment record retention tracking follows.
pub async fn mark_started(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    session: Session,
    page: Page,
    IdPairPath(id, app_id): IdPairPath,
    Form(form): Form<StartedForm>,
) -> AppResult<Response> {
    let (seat, application) = lead_and_application(&state, &me, id, app_id).await?;
    let Some(staff_group) = parse_staff_group(&form.staff_group) else {
        let mut errors = FormErrors::default();
        errors.add(
            format!("staff-group-{}", application.id),
            format!(
                "Choose the ESR staff group of {}'s post",
                reference(application.id)
            ),
        );
        return Ok(render(&state, page, seat, errors).await?.into_response());
    };
    let uow = UnitOfWork::begin(&state).await?;
    let outcome = services::retention::start_employment(
        &uow,
        &state.config,
        (&me).into(),
        &seat.vacancy,
        application.id,
        staff_group,
    )
    .await?;
    if let Err(refusal) = outcome {
        drop(uow);
        return Err(match refusal {
            StartRefusal::NotFound => AppError::NotFound,
            StartRefusal::NoStartDate => AppError::BadRequest("Agree a start date first.".into()),
            StartRefusal::NotReady => AppError::BadRequest(
                "Only someone whose checks are complete can be marked as started.".into(),
            ),
        });
    }
    uow.commit().await?;
    flash(
        &session,
        format!(
            "{} has started. Retention tracking begins from their start date.",
            reference(application.id)
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("/shortlisting/{}/offers", seat.vacancy.id)).into_response())
}

/// The withdrawal form.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct WithdrawForm {
    feedback: String,
}

/// The most characters of the feedback when an offer is withdrawn.
const MAX_FEEDBACK: usize = 5_000;

/// The lead withdraws a conditional offer, for example after a failed DBS check, with feedback
/// the applicant sees. The application ends as unsuccessful and the position is freed.
pub async fn withdraw_offer(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    session: Session,
    page: Page,
    IdPairPath(id, app_id): IdPairPath,
    Form(form): Form<WithdrawForm>,
) -> AppResult<Response> {
    let (seat, application) = lead_and_application(&state, &me, id, app_id).await?;
    let feedback = form.feedback.trim();
    let field = format!("withdraw-feedback-{}", application.id);
    let mut errors = FormErrors::default();
    if feedback.is_empty() {
        errors.add(
            field,
            format!(
                "Write feedback for {}: what happened, and who they can talk to",
                reference(application.id)
            ),
        );
    } else if feedback.chars().count() > MAX_FEEDBACK {
        errors.add(
            field,
            format!("Feedback must be {MAX_FEEDBACK} characters or fewer"),
        );
    }
    if !errors.is_empty() {
        let typed = Some((application.id, form.feedback.clone()));
        return Ok(render_typed(&state, page, seat, errors, typed)
            .await?
            .into_response());
    }
    let uow = UnitOfWork::begin(&state).await?;
    let outcome = services::offers::withdraw_offer(
        &uow,
        &state.config,
        Actor::from(&me),
        id,
        application.id,
        feedback,
    )
    .await?;
    if let Err(refusal) = outcome {
        drop(uow);
        return Err(match refusal {
            OfferWithdrawalRefusal::NotLead => AppError::Forbidden,
            OfferWithdrawalRefusal::NotFound => AppError::NotFound,
            OfferWithdrawalRefusal::NotConditional(stage) => AppError::BadRequest(format!(
                "Only a conditional offer can be withdrawn. {} is now: {}.",
                reference(application.id),
                stage.label()
            )),
        });
    }
    uow.commit().await?;
    tracing::info!(
        application_id = application.id,
        user_id = me.id,
        "offer withdrawn"
    );
    flash(
        &session,
        format!(
            "The offer to {} is withdrawn and the applicant has been emailed your feedback.",
            reference(application.id)
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("/shortlisting/{}/offers", seat.vacancy.id)).into_response())
}
