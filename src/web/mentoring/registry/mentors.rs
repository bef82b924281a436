//! The coordinator's mentors: the list, adding one, a mentor's page, and inviting them.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use tower_sessions::Session;

use super::{MentorPlaces, mentor_places};
use crate::app::AppState;
use crate::db::mentoring::registry as reg;
use crate::db::users;
use crate::domain::mentoring::input::{MentorForm, MentorInput};
use crate::entities::mentor;
use crate::services;
use crate::services::mentoring::mentors::{InviteRefusal, Invited};
use crate::services::mentoring::registry::Viewed;
use crate::web::error::{AppError, AppResult};
use crate::web::mentoring::signup::{Day, availability_grid};
use crate::web::page::{FormErrors, IdPath, Page, flash};
use crate::web::roles::Coordinator;
use crate::web::unit_of_work::UnitOfWork;

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/mentors.html")]
pub struct MentorListTemplate {
    page: Page,
    mentors: Vec<MentorPlaces>,
}

pub async fn list(State(state): State<AppState>, page: Page) -> AppResult<MentorListTemplate> {
    Ok(MentorListTemplate {
        page,
        mentors: mentor_places(&state).await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/mentors_new.html")]
pub struct NewMentorTemplate {
    page: Page,
    form: MentorForm,
    days: Vec<Day>,
    availability_question: &'static str,
    errors: FormErrors,
}

impl NewMentorTemplate {
    fn new(page: Page, form: MentorForm, errors: FormErrors) -> Self {
        NewMentorTemplate {
            page,
            days: availability_grid(&form.availability),
            form,
            availability_question: "When is the mentor usually free?",
            errors,
        }
    }

    fn mode_checked(&self, mode: &str) -> bool {
        self.form.modes.iter().any(|m| m == mode)
    }
}

pub async fn new(page: Page) -> AppResult<NewMentorTemplate> {
    Ok(NewMentorTemplate::new(
        page,
        MentorForm::default(),
        FormErrors::default(),
    ))
}

/// What inviting did, for the flash message.
fn invited_words(invited: &Invited) -> String {
    match invited {
        Invited::RoleGiven { name, role } => format!(
            "{name} already has an account, so it now has the {} role",
            role.label().to_lowercase()
        ),
        Invited::InvitationSent(email) => format!("Invitation sent to {email}"),
    }
}

/// An invitation refused where it cannot happen in the normal course (a mentor gone, or an
/// unusable address stored for them).
fn invite_refused(refusal: InviteRefusal) -> AppError {
    match refusal {
        InviteRefusal::NotFound => AppError::NotFound,
        InviteRefusal::UnusableEmail | InviteRefusal::EmailTaken => {
            AppError::BadRequest("This email address cannot be used for an invitation.".into())
        }
    }
}

pub async fn create(
    State(state): State<AppState>,
    Coordinator(me): Coordinator,
    session: Session,
    page: Page,
    Form(form): Form<MentorForm>,
) -> AppResult<Response> {
    let input = match MentorInput::parse(&form) {
        Ok(input) => input,
        Err(errors) => {
            let errors = errors.into_iter().collect();
            return Ok(NewMentorTemplate::new(page, form, errors).into_response());
        }
    };
    let uow = UnitOfWork::begin(&state).await?;
    let added = match services::mentoring::mentors::create(&uow, &state.config, (&me).into(), input)
        .await?
    {
        Ok(added) => added,
        Err(InviteRefusal::EmailTaken) => {
            drop(uow);
            let mut errors = FormErrors::default();
            errors.add(
                "email",
                "A mentor with this email address is already in the list",
            );
            return Ok(NewMentorTemplate::new(page, form, errors).into_response());
        }
        Err(refusal) => return Err(invite_refused(refusal)),
    };
    uow.commit().await?;
    flash(
        &session,
        format!(
            "{} added. {}.",
            added.mentor.full_name,
            invited_words(&added.invited)
        ),
    )
    .await?;
    Ok(Redirect::to(&format!(
        "/mentoring/coordinator/mentors/{}",
        added.mentor.id
    ))
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/mentors_show.html")]
pub struct MentorTemplate {
    page: Page,
    mentor: mentor::Model,
    modes: String,
    availability: String,
    has_account: bool,
    current: u32,
}

pub async fn show(
    State(state): State<AppState>,
    Coordinator(me): Coordinator,
    IdPath(id): IdPath,
    page: Page,
) -> AppResult<MentorTemplate> {
    let mentor = reg::find_mentor(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let uow = UnitOfWork::begin(&state).await?;
    services::mentoring::registry::record_viewed(&uow, (&me).into(), Viewed::Mentor(id)).await?;
    uow.commit().await?;
    let has_account = users::find_by_email(&state.db, &mentor.email)
        .await?
        .is_some();
    let current = reg::current_mentees(&state.db)
        .await?
        .get(&mentor.id)
        .copied()
        .unwrap_or(0);
    Ok(MentorTemplate {
        page,
        modes: mentor.meeting_modes.describe(),
        availability: mentor.availability.describe(),
        mentor,
        has_account,
        current,
    })
}

pub async fn invite(
    State(state): State<AppState>,
    Coordinator(me): Coordinator,
    IdPath(id): IdPath,
    session: Session,
) -> AppResult<Response> {
    let uow = UnitOfWork::begin(&state).await?;
    let invited = services::mentoring::mentors::invite(&uow, &state.config, (&me).into(), id)
        .await?
        .map_err(invite_refused)?;
    uow.commit().await?;
    flash(&session, invited_words(&invited)).await?;
    Ok(Redirect::to(&format!("/mentoring/coordinator/mentors/{id}")).into_response())
}
