//! Applicants create their own account, then confirm their email address.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use sea_orm::{SqlErr, TransactionTrait};
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::password;
use crate::db::user_tokens::Purpose;
use crate::db::{outbox, user_tokens, users};
use crate::domain::{EmailAddress, FullName, NewPassword, Role};
use crate::error::AppResult;
use crate::mail::templates::{AlreadyRegistered, EmailContent};
use crate::web::accounts::verify_email;
use crate::web::page::{FormErrors, Page};

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

pub async fn show(page: Page) -> RegisterTemplate {
    RegisterTemplate {
        page,
        full_name: String::new(),
        email: String::new(),
        errors: FormErrors::default(),
    }
}

pub async fn submit(
    State(state): State<AppState>,
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

    // Hash first, whatever happens next, so the reply takes as long for a taken address.
    let hash = password::hash(&new_password).await?;
    let existing = users::find_by_email(&state.db, email.as_str()).await?;
    match existing {
        Some(user) => notify_existing(&state, &user.full_name, &email).await?,
        None => match create_applicant(&state, &name, &email, hash).await {
            Ok(()) => {}
            // Two registrations for one address at the same moment: the second is told, like any repeat.
            Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                notify_existing(&state, name.as_str(), &email).await?;
            }
            Err(e) => return Err(e.into()),
        },
    }
    state.mail_wakeup.notify_one();
    session
        .insert(SESSION_PENDING_EMAIL, email.as_str())
        .await?;
    Ok(Redirect::to("/register/check-email").into_response())
}

async fn create_applicant(
    state: &AppState,
    name: &FullName,
    email: &EmailAddress,
    hash: String,
) -> Result<(), sea_orm::DbErr> {
    let (token_hash, message) =
        verify_email::new_link(&state.config, name.as_str(), email.as_str())
            .map_err(|e| sea_orm::DbErr::Custom(format!("rendering email: {e}")))?;
    let txn = state.db.begin().await?;
    let user = users::create(
        &txn,
        users::NewUser {
            email,
            full_name: name.as_str(),
            password_hash: hash,
            email_verified: false,
            organisation_id: None,
            roles: &[Role::Applicant],
        },
    )
    .await?;
    user_tokens::create(&txn, user.id, Purpose::VerifyEmail, &token_hash).await?;
    outbox::enqueue(&txn, &message).await?;
    txn.commit().await
}

async fn notify_existing(state: &AppState, name: &str, email: &EmailAddress) -> AppResult<()> {
    let message = AlreadyRegistered {
        name: name.to_owned(),
        sign_in_link: state.config.link("/login"),
        reset_link: state.config.link("/forgot-password"),
    }
    .to_email(email.as_str())?;
    outbox::enqueue(&state.db, &message).await?;
    Ok(())
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/check_email.html")]
pub struct CheckEmailTemplate {
    page: Page,
    email: Option<String>,
}

pub async fn check_email(session: Session, page: Page) -> AppResult<CheckEmailTemplate> {
    let email = session.get::<String>(SESSION_PENDING_EMAIL).await?;
    Ok(CheckEmailTemplate { page, email })
}
