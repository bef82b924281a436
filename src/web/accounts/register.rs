//! Applicants create their own account, then confirm their email address.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::domain::{EmailAddress, FullName, NewPassword};
use crate::services::accounts;
use crate::web::ClientAddress;
use crate::web::error::AppResult;
use crate::web::page::{FormErrors, FormPage, Page};
use crate::web::unit_of_work::UnitOfWork;

const SESSION_PENDING_EMAIL: &str = "pending_email";

/// The registration form as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RegisterForm {
    full_name: String,
    email: String,
    password: String,
    confirm_password: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/register.html")]
pub struct RegisterTemplate {
    page: Page,
    full_name: String,
    email: String,
    errors: FormErrors,
}

pub async fn show(FormPage(page): FormPage) -> RegisterTemplate {
    RegisterTemplate {
        page,
        full_name: String::new(),
        email: String::new(),
        errors: FormErrors::default(),
    }
}

pub async fn submit(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    session: Session,
    page: Page,
    Form(form): Form<RegisterForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::default();
    let name = errors.check("full_name", FullName::parse(&form.full_name));
    let email = errors.check("email", EmailAddress::parse(&form.email));
    let new_password =
        NewPassword::parse(&form.password, &form.confirm_password, form.email.trim())
            .map_err(|(field, message)| errors.add(field, message))
            .ok();
    let (Some(name), Some(email), Some(new_password)) = (name, email, new_password) else {
        return Ok(RegisterTemplate {
            page,
            full_name: form.full_name,
            email: form.email,
            errors,
        }
        .into_response());
    };

    // The same page whatever happened: a new account, a taken address, or a limit reached.
    match accounts::register(
        &state.db,
        &state.config,
        &state.hash_gate,
        client,
        &name,
        &email,
        &new_password,
    )
    .await?
    {
        Ok(()) => UnitOfWork::mail_queued(&state),
        Err(reason) => tracing::info!(?reason, "registration email not sent"),
    }
    session
        .insert(SESSION_PENDING_EMAIL, email.as_str())
        .await?;
    Ok(Redirect::to("/register/check-email").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/check_email.html")]
pub struct CheckEmailTemplate {
    page: Page,
    email: Option<String>,
}

pub async fn check_email(
    session: Session,
    FormPage(page): FormPage,
) -> AppResult<CheckEmailTemplate> {
    let email = session.get::<String>(SESSION_PENDING_EMAIL).await?;
    Ok(CheckEmailTemplate { page, email })
}
