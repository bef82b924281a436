//! Changing a password when signed in. Every other session of the account ends, and every
//! reset link sent before stops working. The current password is checked under the same
//! throttle as signing in.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::password;
use crate::auth::throttle::LoginKeys;
use crate::db::users;
use crate::domain::NewPassword;
use crate::services::Actor;
use crate::services::accounts::{self, PasswordRefusal};
use crate::web::accounts::sign_in;
use crate::web::error::{AppError, AppResult};
use crate::web::page::{FormErrors, Page, flash};
use crate::web::unit_of_work::UnitOfWork;
use crate::web::{ClientAddress, CurrentUser};

/// The message while the current password cannot be checked.
pub const LOCKED: &str = "You have tried your current password too many times. Wait 15 minutes, then try again. If you have forgotten it, sign out and reset it.";

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
    ClientAddress(client): ClientAddress,
    session: Session,
    page: Page,
    Form(form): Form<ChangeForm>,
) -> AppResult<Response> {
    let user = users::find_by_id(&state.db, me.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FormErrors::default();
    let new_password = NewPassword::parse(&form.password, &form.confirm_password, &user.email)
        .map_err(|(field, message)| errors.add(field, message))
        .ok();
    if form.current_password.is_empty() {
        errors.add("current_password", "Enter your current password");
    } else {
        let keys = LoginKeys::new(&user.email, client);
        match accounts::check_current_password(
            &state.db,
            &state.hash_gate,
            &keys,
            &user,
            form.current_password,
        )
        .await?
        {
            Ok(()) => {}
            Err(PasswordRefusal::NotCorrect) => {
                errors.add("current_password", "Your current password is not correct");
            }
            Err(PasswordRefusal::Locked) => {
                tracing::warn!(user_id = user.id, %client, "password change refused: locked");
                errors.add("current_password", LOCKED);
                let page = ChangeTemplate { page, errors };
                return Ok((StatusCode::TOO_MANY_REQUESTS, page).into_response());
            }
        }
    }
    let Some(new_password) = new_password.filter(|_| errors.is_empty()) else {
        return Ok(ChangeTemplate { page, errors }.into_response());
    };

    // Hashed before the transaction: the account's row is never locked while a hash runs, so
    // the rules are judged again on it, as it is by then, inside.
    let hash = password::hash(&state.hash_gate, &new_password).await?;
    let Some(session_id) = session.id().map(|id| id.to_string()) else {
        return Err(session_ended());
    };
    let uow = UnitOfWork::begin(&state).await?;
    let changed = match accounts::change_password(
        &uow,
        &state.config,
        Actor::from(&user),
        &hash,
        &session_id,
    )
    .await?
    {
        Ok(changed) => changed,
        Err(refusal) => {
            drop(uow);
            tracing::info!(user_id = user.id, ?refusal, "password change refused");
            session.clear().await;
            return Err(session_ended());
        }
    };
    uow.commit().await?;
    tracing::info!(user_id = user.id, "password changed");

    if !sign_in(&session, &changed.user, Some(changed.handover)).await? {
        tracing::info!(
            user_id = user.id,
            "signed out, or the account ended, while the password changed: not signed in again"
        );
        return Err(session_ended());
    }
    flash(
        &session,
        "Your password has been changed. You have been signed out everywhere else.",
    )
    .await?;
    Ok(Redirect::to("/account").into_response())
}

/// The answer when the session the change came from has ended (signed out meanwhile, say), or
/// its account has: the person is asked to sign in again.
fn session_ended() -> AppError {
    AppError::SessionEnded {
        next: "/account".to_owned(),
    }
}
