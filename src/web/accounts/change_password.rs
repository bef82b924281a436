//! Changing a password when signed in. Every other session of the account ends.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use sea_orm::TransactionTrait;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::{CurrentUser, password};
use crate::db::{outbox, sessions, users};
use crate::domain::NewPassword;
use crate::error::{AppError, AppResult};
use crate::mail::templates::{EmailContent, PasswordChanged};
use crate::web::accounts::sign_in;
use crate::web::page::{FormErrors, Page, flash};

/// The form as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ChangeForm {
    current_password: String,
    password: String,
    confirm_password: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/change_password.html")]
pub struct ChangeTemplate {
    page: Page,
    errors: FormErrors,
}

pub async fn show(_user: CurrentUser, page: Page) -> ChangeTemplate {
    ChangeTemplate {
        page,
        errors: FormErrors::default(),
    }
}

pub async fn submit(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    session: Session,
    page: Page,
    Form(form): Form<ChangeForm>,
) -> AppResult<Response> {
    let user = users::find_by_id(&state.db, me.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FormErrors::default();
    if form.current_password.is_empty() {
        errors.add("current_password", "Enter your current password");
    } else if !password::verify(form.current_password, Some(user.password_hash.clone())).await? {
        errors.add("current_password", "Your current password is not correct");
    }
    let new_password = NewPassword::parse(&form.password, &form.confirm_password, &user.email)
        .map_err(|(field, message)| errors.add(field, message))
        .ok();
    let Some(new_password) = new_password.filter(|_| errors.is_empty()) else {
        return Ok(ChangeTemplate { page, errors }.into_response());
    };

    let hash = password::hash(&new_password).await?;
    let notice = PasswordChanged {
        name: user.full_name.clone(),
        reset_link: state.config.link("/forgot-password"),
    }
    .to_email(&user.email)?;
    let current_id = session.id().map(|id| id.to_string());
    let txn = state.db.begin().await?;
    users::set_password(&txn, user.id, &hash).await?;
    sessions::delete_for_user(&txn, user.id, current_id.as_deref()).await?;
    outbox::enqueue(&txn, &notice).await?;
    txn.commit().await?;
    state.mail_wakeup.notify_one();

    let updated = users::find_by_id(&state.db, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    sign_in(&session, &updated).await?;
    flash(
        &session,
        "Your password has been changed. You have been signed out everywhere else.",
    )
    .await?;
    tracing::info!(user_id = user.id, "password changed");
    Ok(Redirect::to("/account").into_response())
}
