//! Deleting your own account (applicants, mentors and mentees), after re-entering the
//! password. Attempts are throttled like signing in, and the password is checked off the async
//! runtime. Staff ask an administrator instead (`/admin/users/{id}/delete`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::throttle;
use crate::db::users;
use crate::domain::login_throttle::ACCOUNT;
use crate::services::Actor;
use crate::services::privacy::{self, DeleteRefusal, Deleted, Requester};
use crate::web::CurrentUser;
use crate::web::error::{AppError, AppResult};
use crate::web::page::{FormErrors, Page};
use crate::web::unit_of_work::UnitOfWork;

/// The message while the password cannot be checked.
pub const LOCKED: &str = "You have tried your password too many times. Wait 15 minutes, then try again. If you have forgotten it, sign out and reset it first.";

/// The form as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeleteForm {
    password: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/delete.html")]
pub struct DeleteTemplate {
    page: Page,
    errors: FormErrors,
    /// Applications in progress, which deleting withdraws.
    in_progress: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/delete_ask_admin.html")]
pub struct AskAdminTemplate {
    page: Page,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/deleted.html")]
pub struct DeletedTemplate {
    page: Page,
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    page: Page,
) -> AppResult<Response> {
    if !me.can_delete_own_account() {
        return Ok(AskAdminTemplate { page }.into_response());
    }
    let in_progress = privacy::in_progress(&state.db, me.id).await?;
    Ok(DeleteTemplate {
        page,
        errors: FormErrors::default(),
        in_progress,
    }
    .into_response())
}

pub async fn submit(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    session: Session,
    page: Page,
    Form(form): Form<DeleteForm>,
) -> AppResult<Response> {
    if !me.can_delete_own_account() {
        return Ok((StatusCode::FORBIDDEN, AskAdminTemplate { page }).into_response());
    }
    let user = users::find_by_id(&state.db, me.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FormErrors::default();
    let mut status = StatusCode::OK;
    // A place at the hashing gate first: a busy moment (503) costs no attempt.
    let ticket = if form.password.is_empty() {
        None
    } else {
        Some(state.hash_gate.admit()?)
    };
    if let Some(ticket) = ticket {
        if !throttle::take(&state.db, &privacy::deletion_throttle_key(me.id), ACCOUNT).await? {
            tracing::warn!(user_id = me.id, "account deletion refused: locked");
            errors.add("password", LOCKED);
            status = StatusCode::TOO_MANY_REQUESTS;
        } else if !ticket
            .verify(form.password, Some(user.password_hash.clone()))
            .await?
        {
            errors.add("password", "Your password is not correct");
        }
    } else {
        errors.add("password", "Enter your password");
    }
    if !errors.is_empty() {
        let in_progress = privacy::in_progress(&state.db, me.id).await?;
        let template = DeleteTemplate {
            page,
            errors,
            in_progress,
        };
        return Ok((status, template).into_response());
    }

    let uow = UnitOfWork::begin(&state).await?;
    let outcome = privacy::delete_account(
        &uow,
        &state.config,
        Actor::from(&me),
        me.id,
        Requester::Themselves,
    )
    .await?;
    match outcome {
        Ok(Deleted::Erased { withdrawn }) => {
            uow.commit().await?;
            tracing::info!(user_id = me.id, withdrawn, "account deleted by its owner");
        }
        // Pressed twice: the first press deleted it.
        Err(DeleteRefusal::AlreadyDeleted) => drop(uow),
        Ok(Deleted::Retired) | Err(_) => {
            drop(uow);
            return Ok((StatusCode::FORBIDDEN, AskAdminTemplate { page }).into_response());
        }
    }
    session.flush().await?;
    Ok(Redirect::to("/account/deleted").into_response())
}

/// The page after deleting, for someone no longer signed in.
pub async fn deleted(page: Page) -> DeletedTemplate {
    DeletedTemplate { page }
}
