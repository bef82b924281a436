//! Confirming an email address from the emailed link. Opening the link shows a button; only
//! pressing it (a POST) confirms, so mail scanners that follow links change nothing.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::tokens;
use crate::db::user_tokens;
use crate::db::user_tokens::Purpose;
use crate::domain::EmailAddress;
use crate::services::accounts;
use crate::web::ClientAddress;
use crate::web::error::AppResult;
use crate::web::page::{FormPage, Page, flash};
use crate::web::unit_of_work::UnitOfWork;

#[derive(Template, WebTemplate)]
#[template(path = "accounts/verify_email.html")]
pub struct VerifyTemplate {
    page: Page,
    token: String,
    usable: bool,
}

pub async fn show(
    State(state): State<AppState>,
    FormPage(page): FormPage,
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
    let uow = UnitOfWork::begin(&state).await?;
    if !accounts::confirm_email(&uow, &tokens::hash(&token)).await? {
        drop(uow);
        return Ok(VerifyTemplate {
            page,
            token,
            usable: false,
        }
        .into_response());
    }
    uow.commit().await?;
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

/// Sends a new link if the address has an unconfirmed account, within the limits on these
/// emails; the reply is the same whatever happened.
pub async fn resend(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    page: Page,
    Form(form): Form<ResendForm>,
) -> AppResult<ResentTemplate> {
    let email = EmailAddress::parse(&form.email).ok();
    if let Some(email) = &email {
        match accounts::resend_verification(&state.db, &state.config, client, email).await? {
            Ok(()) => UnitOfWork::mail_queued(&state),
            Err(reason) => tracing::info!(?reason, "confirmation email not sent"),
        }
    }
    Ok(ResentTemplate {
        page,
        email: email.map(|e| e.to_string()),
    })
}
