//! The applicant's profile: contact details, the care-experience question (explained first),
//! and the support they need.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::middleware::from_fn;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::db::applicant_profiles;
use crate::domain::LocalRedirect;
use crate::domain::profile::{CONTACT_PREFERENCES, CareExperience, ProfileForm, ProfileInput};
use crate::services::{self, Actor};
use crate::web::error::AppResult;
use crate::web::page::{FormErrors, Page, flash};
use crate::web::roles::{Applicant, only};
use crate::web::unit_of_work::UnitOfWork;

/// The profile routes, for applicants.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/profile", get(show).post(save))
        .route_layer(from_fn(only::<Applicant>))
}

/// Where to go back to after saving (e.g. an application).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ReturnTo {
    next: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "profile/profile.html")]
struct ProfileTemplate {
    page: Page,
    form: ProfileForm,
    next: String,
    answers: [CareExperience; 3],
    contact_preferences: [(&'static str, &'static str); 3],
    errors: FormErrors,
}

async fn show(
    State(state): State<AppState>,
    Applicant(me): Applicant,
    page: Page,
    Query(back): Query<ReturnTo>,
) -> AppResult<ProfileTemplate> {
    let form = match applicant_profiles::find(&state.db, me.id).await? {
        Some(p) => ProfileForm {
            phone: p.phone,
            contact_preference: p.contact_preference,
            care_experience: p.care_experience.as_str().to_owned(),
            local_authority: p.local_authority,
            adviser_name: p.adviser_name,
            adviser_contact: p.adviser_contact,
            adjustments: p.adjustments,
        },
        None => ProfileForm {
            contact_preference: "email".into(),
            ..ProfileForm::default()
        },
    };
    let next = LocalRedirect::or_default(back.next.as_deref(), "/account")
        .as_str()
        .to_owned();
    Ok(ProfileTemplate {
        page,
        form,
        next,
        answers: CareExperience::ALL,
        contact_preferences: CONTACT_PREFERENCES,
        errors: FormErrors::default(),
    })
}

/// The form plus where to return.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SaveForm {
    #[serde(flatten)]
    profile: ProfileForm,
    next: Option<String>,
}

async fn save(
    State(state): State<AppState>,
    Applicant(me): Applicant,
    session: Session,
    page: Page,
    Form(form): Form<SaveForm>,
) -> AppResult<Response> {
    let next = LocalRedirect::or_default(form.next.as_deref(), "/account")
        .as_str()
        .to_owned();
    let input = match ProfileInput::parse(&form.profile) {
        Ok(input) => input,
        Err(found) => {
            let mut errors = FormErrors::default();
            for (field, message) in found {
                errors.add(field, message);
            }
            let template = ProfileTemplate {
                page,
                form: form.profile,
                next,
                answers: CareExperience::ALL,
                contact_preferences: CONTACT_PREFERENCES,
                errors,
            };
            return Ok(template.into_response());
        }
    };
    let uow = UnitOfWork::begin(&state).await?;
    services::profiles::save(&uow, Actor::from(&me), &input).await?;
    uow.commit().await?;
    flash(&session, "Your profile has been saved.").await?;
    Ok(Redirect::to(&next).into_response())
}
