//! What the mentoring pilot is, and a student's sign-up: their answers, their wishes and their
//! consent, stored as a sign-up waiting for the coordinator's approval.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::Form;
use tower_sessions::Session;

use crate::app::AppState;
use crate::db::mentoring::{mentee_for_user, status_of};
use crate::domain::mentoring::input::{OTHER_UNIVERSITY, SignUpForm, SignUpInput};
use crate::domain::mentoring::pilot::MenteeStatus;
use crate::domain::mentoring::profile::{Availability, DAYS, PARTS, Strength, UNIVERSITIES, items};
use crate::entities::mentee;
use crate::services;
use crate::services::mentoring::signup::{SignedUp, SubmitRefusal};
use crate::web::error::{AppError, AppResult};
use crate::web::page::{FormErrors, Page, flash, notice};
use crate::web::unit_of_work::UnitOfWork;
use crate::web::{AuthUser, CurrentUser, MaybeUser};

/// The pages for everyone: about the pilot, and signing up.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/mentoring", get(about))
        .route("/mentoring/sign-up", get(form).post(submit))
}

/// One checkbox of the availability grid.
pub struct Slot {
    pub code: String,
    pub label: &'static str,
    pub checked: bool,
}

/// One day of the availability grid, asked as its own fieldset.
pub struct Day {
    pub label: &'static str,
    pub slots: Vec<Slot>,
}

/// The availability grid with `chosen` codes ticked.
pub fn availability_grid(chosen: &[String]) -> Vec<Day> {
    DAYS.iter()
        .enumerate()
        .map(|(d, (_, day))| Day {
            label: day,
            slots: PARTS
                .iter()
                .enumerate()
                .map(|(p, (_, part))| {
                    let code = Availability::code(d, p);
                    Day::slot(code.clone(), part, chosen.contains(&code))
                })
                .collect(),
        })
        .collect()
}

impl Day {
    fn slot(code: String, label: &'static str, checked: bool) -> Slot {
        Slot {
            code,
            label,
            checked,
        }
    }
}

/// The answers of a student the coordinator added, to start the form from.
fn form_of_mentee(m: &mentee::Model) -> SignUpForm {
    let known = UNIVERSITIES.iter().any(|u| *u == m.university);
    SignUpForm {
        university: if known {
            m.university.clone()
        } else if m.university.is_empty() {
            String::new()
        } else {
            OTHER_UNIVERSITY.to_owned()
        },
        other_university: if known {
            String::new()
        } else {
            m.university.clone()
        },
        year: m.year_of_study.to_string(),
        interests: items(&m.specialty_interests).collect::<Vec<_>>().join("; "),
        modes: m
            .meeting_modes
            .iter()
            .map(|mode| mode.as_str().to_owned())
            .collect(),
        availability: items(&m.availability.to_string())
            .map(str::to_owned)
            .collect(),
        lived_experience: match m.lived_experience_preference {
            Strength::None => "none".to_owned(),
            other => other.as_str().to_owned(),
        },
        gender_preference: m.gender_preference.clone(),
        gender_strength: m.gender_preference_strength.as_str().to_owned(),
        conflicts: m.declared_conflicts.clone(),
        consent: false,
    }
}

/// Where a signed-in person stands with the pilot.
pub enum Standing {
    /// Not signed in, or not signed up.
    NotSignedUp,
    /// The coordinator added them; they have not yet confirmed their answers.
    AddedByCoordinator,
    /// They signed up; this is their status.
    SignedUp(MenteeStatus),
}

async fn standing_of(state: &AppState, me: Option<&AuthUser>) -> AppResult<Standing> {
    let Some(me) = me else {
        return Ok(Standing::NotSignedUp);
    };
    Ok(match mentee_for_user(&state.db, me.id, &me.email).await? {
        Some(m) if m.user_id == Some(me.id) => Standing::SignedUp(status_of(&m)),
        Some(_) => Standing::AddedByCoordinator,
        None => Standing::NotSignedUp,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/about.html")]
struct AboutTemplate {
    page: Page,
    standing: Standing,
}

impl AboutTemplate {
    fn status_label(&self) -> &'static str {
        match self.standing {
            Standing::SignedUp(s) => s.label(),
            _ => "",
        }
    }

    fn is(&self, status: &str) -> bool {
        matches!(self.standing, Standing::SignedUp(s) if s.as_str() == status)
    }

    fn signed_up(&self) -> bool {
        matches!(self.standing, Standing::SignedUp(_))
    }

    fn added(&self) -> bool {
        matches!(self.standing, Standing::AddedByCoordinator)
    }
}

/// What the pilot is, who can join and how their information is used.
async fn about(
    State(state): State<AppState>,
    MaybeUser(me): MaybeUser,
    page: Page,
) -> AppResult<AboutTemplate> {
    let standing = standing_of(&state, me.as_ref()).await?;
    Ok(AboutTemplate { page, standing })
}

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/signup.html")]
struct SignUpTemplate {
    page: Page,
    name: String,
    email: String,
    form: SignUpForm,
    universities: [&'static str; 2],
    days: Vec<Day>,
    availability_question: &'static str,
    added_by_coordinator: bool,
    errors: FormErrors,
}

impl SignUpTemplate {
    fn new(page: Page, me: &AuthUser, form: SignUpForm, added: bool, errors: FormErrors) -> Self {
        SignUpTemplate {
            page,
            name: me.full_name.clone(),
            email: me.email.clone(),
            days: availability_grid(&form.availability),
            form,
            universities: UNIVERSITIES,
            availability_question: "When are you usually free?",
            added_by_coordinator: added,
            errors,
        }
    }

    fn mode_checked(&self, mode: &str) -> bool {
        self.form.modes.iter().any(|m| m == mode)
    }
}

/// The sign-up form, or where the student stands if they have signed up already.
async fn form(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    page: Page,
) -> AppResult<Response> {
    match mentee_for_user(&state.db, me.id, &me.email).await? {
        Some(m) if m.user_id.is_none() => {
            let form = form_of_mentee(&m);
            Ok(SignUpTemplate::new(page, &me, form, true, FormErrors::default()).into_response())
        }
        Some(_) => Err(AppError::Elsewhere {
            to: "/mentoring".into(),
        }),
        None => Ok(SignUpTemplate::new(
            page,
            &me,
            SignUpForm::default(),
            false,
            FormErrors::default(),
        )
        .into_response()),
    }
}

/// Tells the student they have signed up already, and shows them where they stand.
async fn already_signed_up(session: &Session) -> AppResult<Response> {
    notice(
        session,
        "You have already signed up for the mentoring pilot",
    )
    .await?;
    Ok(Redirect::to("/mentoring").into_response())
}

/// Stores the sign-up, or links the student the coordinator added to this account.
async fn submit(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    session: Session,
    page: Page,
    Form(form): Form<SignUpForm>,
) -> AppResult<Response> {
    let already = mentee_for_user(&state.db, me.id, &me.email).await?;
    let added = already.as_ref().is_some_and(|m| m.user_id.is_none());
    if already.is_some() && !added {
        return already_signed_up(&session).await;
    }
    let sign_up = match SignUpInput::parse(&form, &me.full_name, &me.email) {
        Ok(s) => s,
        Err(errors) => {
            let errors = errors.into_iter().collect();
            return Ok(SignUpTemplate::new(page, &me, form, added, errors).into_response());
        }
    };
    let uow = UnitOfWork::begin(&state).await?;
    let signed_up = match services::mentoring::signup::submit(&uow, (&me).into(), sign_up).await? {
        Ok(signed_up) => signed_up,
        Err(SubmitRefusal::AlreadySignedUp) => return already_signed_up(&session).await,
        Err(SubmitRefusal::SomeoneElse) => {
            return Err(AppError::Elsewhere {
                to: "/mentoring".into(),
            });
        }
    };
    uow.commit().await?;
    flash(
        &session,
        match signed_up {
            SignedUp::Linked => "Thank you. Your answers are saved and linked to your account.",
            SignedUp::New => {
                "Thank you for signing up. The coordinator will email you when they have decided."
            }
        },
    )
    .await?;
    Ok(Redirect::to("/mentoring").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_has_a_fieldset_a_day() {
        let grid = availability_grid(&["tue_pm".into()]);
        assert_eq!(grid.len(), 7);
        assert!(grid[1].slots[1].checked && !grid[0].slots[0].checked);
    }

    #[test]
    fn every_ticked_box_is_read_and_consent_is_yes_alone() {
        let form: SignUpForm =
            serde_html_form::from_str("modes=online&year=2&modes=in_person&consent=yes").unwrap();
        assert_eq!(form.modes, ["online", "in_person"]);
        assert_eq!(form.year, "2");
        assert!(form.availability.is_empty() && form.consent);
        let unticked: SignUpForm = serde_html_form::from_str("consent=no&csrf_token=x").unwrap();
        assert!(!unticked.consent);
        assert!(!serde_html_form::from_str::<SignUpForm>("").unwrap().consent);
    }
}
