//! Applying for a vacancy: starting (with the ring-fence check), the steps of the form with
//! save and resume, sending, "My applications" with each one's timeline, and withdrawing.
//! Every route is for applicants, and every application is loaded only for its own applicant.

mod apply;
mod interview;
mod mine;
mod offer;
mod steps;
mod withdraw;

use axum::Router;
use axum::middleware::from_fn;
use axum::routing::get;

use crate::app::AppState;
use crate::db::{applicant_profiles, applications, programmes, vacancies};
use crate::domain::application::{self, Stage, Step};
use crate::domain::programme::CareDefinition;
use crate::entities::{application as application_entity, vacancy, vacancy_criterion};
use crate::web::AuthUser;
use crate::web::error::{AppError, AppResult};
use crate::web::roles::{Applicant, only};

/// The applying routes, all behind the applicant role check.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/vacancies/{id}/apply", get(apply::show).post(apply::start))
        .route("/applications", get(mine::list))
        .route("/applications/{id}", get(mine::show))
        .route("/applications/{id}/sent", get(mine::sent))
        .route(
            "/applications/{id}/evidence",
            get(steps::evidence).post(steps::save_evidence),
        )
        .route(
            "/applications/{id}/references",
            get(steps::references).post(steps::save_references),
        )
        .route(
            "/applications/{id}/support",
            get(steps::support).post(steps::save_support),
        )
        .route(
            "/applications/{id}/guaranteed-interview",
            get(steps::guaranteed_interview).post(steps::save_guaranteed_interview),
        )
        .route("/applications/{id}/check", get(steps::check))
        .route(
            "/applications/{id}/declaration",
            get(steps::declaration).post(steps::submit),
        )
        .route(
            "/applications/{id}/interview",
            get(interview::show).post(interview::book),
        )
        .route(
            "/applications/{id}/interview/cancel",
            get(interview::cancel_confirm).post(interview::cancel),
        )
        .route(
            "/applications/{id}/offer",
            get(offer::show).post(offer::answer),
        )
        .route(
            "/applications/{id}/withdraw",
            get(withdraw::show).post(withdraw::confirm),
        )
        .route_layer(from_fn(only::<Applicant>))
}

/// An application with everything its pages need.
pub(crate) struct Loaded {
    /// The application.
    pub application: application_entity::Model,
    /// Its stage.
    pub stage: Stage,
    /// Its vacancy.
    pub vacancy: vacancy::Model,
    /// The vacancy's person specification, in order.
    pub criteria: Vec<vacancy_criterion::Model>,
    /// The vacancy's organisation.
    pub organisation: String,
    /// The steps of this applicant's form.
    pub steps: Vec<Step>,
}

impl Loaded {
    /// Whether the vacancy still takes applications.
    pub fn vacancy_open(&self) -> bool {
        crate::services::application_form::vacancy_open(&self.vacancy)
    }

    /// "Step N of M" numbers of a step.
    pub fn step_number(&self, step: Step) -> (usize, usize) {
        let n = self.steps.iter().position(|s| *s == step).unwrap_or(0) + 1;
        (n, self.steps.len())
    }

    /// Whether `step` is part of this applicant's form.
    pub fn has_step(&self, step: Step) -> bool {
        self.steps.contains(&step)
    }

    /// The application's public reference.
    pub fn reference(&self) -> String {
        application::reference(self.application.id)
    }

    /// Where the applicant should carry on.
    pub fn resume_path(&self) -> String {
        let step = application::resume_step(&self.steps, self.application.reached_step);
        step_path(self.application.id, step)
    }
}

/// The address of a step.
pub(crate) fn step_path(id: i32, step: Step) -> String {
    format!("/applications/{id}/{}", step.slug())
}

/// Loads an application of the signed-in applicant. Anyone else's is "not found": nobody
/// learns that it exists.
pub(crate) async fn load_own(state: &AppState, me: &AuthUser, id: i32) -> AppResult<Loaded> {
    let application = applications::find(&state.db, id)
        .await?
        .filter(|a| a.applicant_id == me.id)
        .ok_or(AppError::NotFound)?;
    let stage = application.stage;
    let vacancy = vacancies::find(&state.db, application.vacancy_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("application {id} has no vacancy"))?;
    let criteria = vacancies::criteria_of(&state.db, vacancy.id).await?;
    let organisation = state.organisation_name(vacancy.organisation_id).await?;
    let declared = applicant_profiles::find(&state.db, me.id)
        .await?
        .map(|p| p.care_experience);
    Ok(Loaded {
        steps: application::steps(declared),
        application,
        stage,
        vacancy,
        criteria,
        organisation,
    })
}

/// The care-experience definition of a vacancy's programme; without a programme, the broader
/// NHS Employers definition.
pub(crate) async fn definition_of(
    state: &AppState,
    vacancy: &vacancy::Model,
) -> AppResult<CareDefinition> {
    let programme = match vacancy.programme_id {
        Some(id) => programmes::find(&state.db, id).await?,
        None => None,
    };
    Ok(programme.map_or(CareDefinition::CareExperienced, |p| p.care_definition))
}
