//! Starting an application: the start page, the ring-fence check, and the draft.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::db::{self, applicant_profiles, applications, vacancies};
use crate::domain::application::{self, Eligibility, Step};
use crate::domain::london_time;
use crate::domain::profile::CareExperience;
use crate::domain::programme::CareDefinition;
use crate::domain::vacancy::{VacancyStatus, is_open};
use crate::entities::{applicant_profile, vacancy};
use crate::services::{self, Actor};
use crate::web::AuthUser;
use crate::web::applications::{definition_of, step_path};
use crate::web::error::{AppError, AppResult};
use crate::web::page::{FormErrors, IdPath, Page, notice};
use crate::web::roles::Applicant;
use crate::web::unit_of_work::UnitOfWork;

#[derive(Template, WebTemplate)]
#[template(path = "applications/apply.html")]
pub struct ApplyTemplate {
    page: Page,
    v: vacancy::Model,
    organisation: String,
    closes: String,
    definition: CareDefinition,
    /// A ring-fenced vacancy under the statutory definition: the applicant confirms they meet it.
    needs_confirmation: bool,
    steps: Vec<Step>,
    errors: FormErrors,
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/ring_fenced.html")]
pub struct RingFencedTemplate {
    page: Page,
    v: vacancy::Model,
    organisation: String,
    declared: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/closed.html")]
pub struct ClosedTemplate {
    page: Page,
    v: vacancy::Model,
    closes: String,
}

/// What to do with a request to apply, before any form is read.
enum Decision {
    /// Show the start page (or start).
    Start {
        organisation: String,
        definition: CareDefinition,
        declared: CareExperience,
        profile: Box<applicant_profile::Model>,
    },
    /// Respond with this instead.
    Answer(Response),
}

/// Checks, in order: the vacancy is published, the applicant has not already started, it is
/// open, they have a profile, and the ring-fence lets them in.
async fn decide(
    state: &AppState,
    me: &AuthUser,
    page: Page,
    session: &Session,
    v: &vacancy::Model,
) -> AppResult<Decision> {
    if let Some(existing) = applications::find_for(&state.db, v.id, me.id).await? {
        let path = format!("/applications/{}", existing.id);
        let message = if existing.submitted_at.is_none() {
            "You have already started an application for this job. Here it is."
        } else {
            "You have already applied for this job. Here is your application."
        };
        notice(session, message).await?;
        return Ok(Decision::Answer(Redirect::to(&path).into_response()));
    }
    let status = v.status;
    if !is_open(status, v.closes_at, db::now()) {
        let closed = ClosedTemplate {
            page,
            closes: london_time::describe(v.closes_at),
            v: v.clone(),
        };
        return Ok(Decision::Answer((StatusCode::GONE, closed).into_response()));
    }
    let Some(profile) = applicant_profiles::find(&state.db, me.id).await? else {
        notice(
            session,
            "Before you apply, tell us how to contact you and whether you have been in care. You only need to do this once.",
        )
        .await?;
        let next = format!("/profile?next=/vacancies/{}/apply", v.id);
        return Ok(Decision::Answer(Redirect::to(&next).into_response()));
    };
    let declared = profile.care_experience;
    let organisation = state.organisation_name(v.organisation_id).await?;
    match application::eligibility(v.ring_fenced, Some(declared)) {
        Eligibility::Eligible => Ok(Decision::Start {
            definition: definition_of(state, v).await?,
            organisation,
            declared,
            profile: Box::new(profile),
        }),
        Eligibility::NeedsProfile | Eligibility::RingFenced => {
            tracing::info!(
                vacancy_id = v.id,
                user_id = me.id,
                "ring-fenced vacancy refused an applicant"
            );
            let refusal = RingFencedTemplate {
                page,
                v: v.clone(),
                organisation,
                declared: declared.label(),
            };
            Ok(Decision::Answer(
                (StatusCode::FORBIDDEN, refusal).into_response(),
            ))
        }
    }
}

/// A published vacancy (drafts do not exist for applicants).
async fn published(state: &AppState, id: i32) -> AppResult<vacancy::Model> {
    vacancies::find(&state.db, id)
        .await?
        .filter(|v| v.status != VacancyStatus::Draft)
        .ok_or(AppError::NotFound)
}

fn needs_confirmation(v: &vacancy::Model, definition: CareDefinition) -> bool {
    v.ring_fenced && definition == CareDefinition::StatutoryCareLeaver
}

/// The start page: what the form asks for, how long it takes, and that it saves as they go.
pub async fn show(
    State(state): State<AppState>,
    Applicant(me): Applicant,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    let v = published(&state, id).await?;
    let (organisation, definition, declared) =
        match decide(&state, &me, page.clone(), &session, &v).await? {
            Decision::Answer(response) => return Ok(response),
            Decision::Start {
                organisation,
                definition,
                declared,
                ..
            } => (organisation, definition, declared),
        };
    Ok(ApplyTemplate {
        page,
        closes: london_time::describe(v.closes_at),
        needs_confirmation: needs_confirmation(&v, definition),
        v,
        organisation,
        definition,
        steps: application::steps(Some(declared)),
        errors: FormErrors::default(),
    }
    .into_response())
}

/// The start form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StartForm {
    confirm_definition: String,
}

/// Starts the draft (or finds the one already started) and goes to its first step.
pub async fn start(
    State(state): State<AppState>,
    Applicant(me): Applicant,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(form): Form<StartForm>,
) -> AppResult<Response> {
    let v = published(&state, id).await?;
    let (organisation, definition, declared, profile) =
        match decide(&state, &me, page.clone(), &session, &v).await? {
            Decision::Answer(response) => return Ok(response),
            Decision::Start {
                organisation,
                definition,
                declared,
                profile,
            } => (organisation, definition, declared, profile),
        };
    let confirmation_needed = needs_confirmation(&v, definition);
    if confirmation_needed && form.confirm_definition != "yes" {
        let mut errors = FormErrors::default();
        errors.add(
            "confirm_definition",
            "Confirm that you meet this definition of a care leaver, or contact the named contact if you are not sure",
        );
        return Ok(ApplyTemplate {
            page,
            closes: london_time::describe(v.closes_at),
            needs_confirmation: true,
            v,
            organisation,
            definition,
            steps: application::steps(Some(declared)),
            errors,
        }
        .into_response());
    }
    let confirmed = v.ring_fenced.then_some(definition.as_str());
    let uow = UnitOfWork::begin(&state).await?;
    let outcome = services::application_form::start(
        &uow,
        Actor::from(&me),
        v.id,
        &profile.adjustments,
        confirmed,
    )
    .await?;
    let Ok(draft) = outcome else {
        // Closed, or the profile changed, since the page was read: it says why now.
        drop(uow);
        return Ok(Redirect::to(&format!("/vacancies/{id}/apply")).into_response());
    };
    uow.commit().await?;
    tracing::info!(
        application_id = draft.id,
        vacancy_id = v.id,
        "application started"
    );
    Ok(Redirect::to(&step_path(draft.id, Step::Evidence)).into_response())
}
