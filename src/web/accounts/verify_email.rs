//! Confirming an email address from the emailed link. Opening the link shows a button; only
//! pressing it (a POST) confirms, so mail scanners that follow links change nothing.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use sea_orm::TransactionTrait;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::tokens;
use crate::config::Config;
use crate::db::user_tokens::Purpose;
use crate::db::{outbox, user_tokens, users};
use crate::domain::EmailAddress;
use crate::error::AppResult;
use crate::mail::Email;
use crate::mail::templates::{EmailContent, VerifyEmail};
use crate::web::page::{Page, flash};

#[derive(Template, WebTemplate)]
#[template(path = "accounts/verify_email.html")]
pub struct VerifyTemplate {
    page: Page,
    token: String,
    usable: bool,
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(token): Path<String>,
) -> AppResult<VerifyTemplate> {
    let usable = user_tokens::find_usable(&state.db, Purpose::VerifyEmail, &tokens::hash(&token))
        .await?
        .is_some();
    Ok(VerifyTemplate {
        page,
        token,
        usable,
    })
}

pub async fn confirm(
    State(state): State<AppState>,
    session: Session,
    page: Page,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let txn = state.db.begin().await?;
    let found = user_tokens::find_usable(&txn, Purpose::VerifyEmail, &tokens::hash(&token)).await?;
    let Some(found) = found else {
        txn.rollback().await?;
        return Ok(VerifyTemplate {
            page,
            token,
            usable: false,
        }
        .into_response());
    };
    if !user_tokens::consume(&txn, found.id).await? {
        txn.rollback().await?;
        return Ok(VerifyTemplate {
            page,
            token,
            usable: false,
        }
        .into_response());
    }
    users::mark_email_verified(&txn, found.user_id).await?;
    user_tokens::revoke_all(&txn, found.user_id, Purpose::VerifyEmail).await?;
    txn.commit().await?;
    flash(
        &session,
        "Your email address is confirmed. You can now sign in.",
    )
    .await?;
    Ok(Redirect::to("/login").into_response())
}

/// The resend form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResendForm {
    email: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/check_email.html")]
pub struct ResentTemplate {
    page: Page,
    email: Option<String>,
}

/// Sends a new link if the address has an unconfirmed account; the reply is the same either way.
pub async fn resend(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<ResendForm>,
) -> AppResult<ResentTemplate> {
    if let Ok(email) = EmailAddress::parse(&form.email)
        && let Some(user) = users::find_by_email(&state.db, email.as_str()).await?
        && user.email_verified_at.is_none()
        && user.is_active
    {
        let (token_hash, message) = new_link(&state.config, &user.full_name, &user.email)?;
        let txn = state.db.begin().await?;
        user_tokens::create(&txn, user.id, Purpose::VerifyEmail, &token_hash).await?;
        outbox::enqueue(&txn, &message).await?;
        txn.commit().await?;
        state.mail_wakeup.notify_one();
    }
    Ok(ResentTemplate {
        page,
        email: EmailAddress::parse(&form.email).ok().map(|e| e.to_string()),
    })
}

/// A new confirmation link for `name` at `email`: the hash to store, and the email to queue.
pub(crate) fn new_link(
    config: &Config,
    name: &str,
    email: &str,
) -> askama::Result<(String, Email)> {
    let (token, token_hash) = tokens::generate();
    let message = VerifyEmail {
        name: name.to_owned(),
        link: config.link(&format!("/verify-email/{token}")),
    }
    .to_email(email)?;
    Ok((token_hash, message))
}
