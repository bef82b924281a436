//! "Forgotten your password?": an emailed, single-use link that works for one hour and is
//! stored only as a hash. Using it ends every session of the account.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::{password, tokens};
use crate::db::user_tokens::Purpose;
use crate::db::{user_tokens, users};
use crate::domain::{EmailAddress, NewPassword, account};
use crate::entities::{user, user_token};
use crate::services::accounts;
use crate::web::ClientAddress;
use crate::web::error::AppResult;
use crate::web::page::{FormErrors, FormPage, Page, flash};
use crate::web::unit_of_work::UnitOfWork;

/// The request form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RequestForm {
    email: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/forgot_password.html")]
pub struct RequestTemplate {
    page: Page,
    email: String,
    errors: FormErrors,
}

pub async fn show_request(FormPage(page): FormPage) -> RequestTemplate {
    RequestTemplate {
        page,
        email: String::new(),
        errors: FormErrors::default(),
    }
}

/// Sends a link if the address has an active account, within the limits on these emails;
/// the reply is the same whatever happened.
pub async fn request(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    page: Page,
    Form(form): Form<RequestForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::default();
    let Some(email) = errors.check("email", EmailAddress::parse(&form.email)) else {
        return Ok(RequestTemplate {
            page,
            email: form.email,
            errors,
        }
        .into_response());
    };
    match accounts::request_password_reset(&state.db, &state.config, client, &email).await? {
        Ok(()) => UnitOfWork::mail_queued(&state),
        Err(reason) => tracing::info!(?reason, "password reset email not sent"),
    }
    Ok(Redirect::to("/forgot-password/sent").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/reset_sent.html")]
pub struct SentTemplate {
    page: Page,
}

pub async fn sent(page: Page) -> SentTemplate {
    SentTemplate { page }
}

/// The new-password form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResetForm {
    password: String,
    confirm_password: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/reset_password.html")]
pub struct ResetTemplate {
    page: Page,
    token: String,
    usable: bool,
    errors: FormErrors,
}

pub async fn show_reset(
    State(state): State<AppState>,
    FormPage(page): FormPage,
    Path(token): Path<String>,
) -> AppResult<ResetTemplate> {
    let usable = usable_link(&state, &token).await?.is_some();
    Ok(ResetTemplate {
        page,
        token,
        usable,
        errors: FormErrors::default(),
    })
}

/// The reset link `token` and its account, if the link is unused and unexpired and the account
/// can still be used (not deleted, not deactivated). Judged again when the password is set.
async fn usable_link(
    state: &AppState,
    token: &str,
) -> AppResult<Option<(user_token::Model, user::Model)>> {
    let token_hash = tokens::hash(token);
    let Some(found) =
        user_tokens::find_usable(&state.db, Purpose::ResetPassword, &token_hash).await?
    else {
        return Ok(None);
    };
    let user = users::find_by_id(&state.db, found.user_id)
        .await?
        .filter(|u| account::is_usable(u.is_active, u.deleted_at.is_some()));
    Ok(user.map(|user| (found, user)))
}

pub async fn reset(
    State(state): State<AppState>,
    session: Session,
    page: Page,
    Path(token): Path<String>,
    Form(form): Form<ResetForm>,
) -> AppResult<Response> {
    let Some((found, user)) = usable_link(&state, &token).await? else {
        return Ok(ResetTemplate {
            page,
            token,
            usable: false,
            errors: FormErrors::default(),
        }
        .into_response());
    };
    let new_password = match NewPassword::parse(&form.password, &form.confirm_password, &user.email)
    {
        Ok(p) => p,
        Err((field, message)) => {
            let mut errors = FormErrors::default();
            errors.add(field, message);
            return Ok(ResetTemplate {
                page,
                token,
                usable: true,
                errors,
            }
            .into_response());
        }
    };
    // Hashed before the transaction, without the account's row locked: the link and the
    // account are judged again inside, as they are by then.
    let hash = password::hash(&state.hash_gate, &new_password).await?;
    let uow = UnitOfWork::begin(&state).await?;
    let outcome = accounts::reset_password(&uow, &state.config, found.id, user.id, &hash).await?;
    if let Err(refusal) = outcome {
        drop(uow);
        tracing::info!(user_id = user.id, ?refusal, "password reset refused");
        return Ok(ResetTemplate {
            page,
            token,
            usable: false,
            errors: FormErrors::default(),
        }
        .into_response());
    }
    uow.commit().await?;

    tracing::info!(user_id = user.id, "password reset");
    flash(
        &session,
        "Your password has been reset. Sign in with your new password.",
    )
    .await?;
    Ok(Redirect::to("/login").into_response())
}
