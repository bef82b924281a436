//! Withdrawing an application, at any stage before being hired.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::domain::application::MAX_WITHDRAWAL_REASON;
use crate::services::withdrawal::WithdrawRefusal;
use crate::services::{self, Actor};
use crate::web::applications::{Loaded, load_own};
use crate::web::error::{AppError, AppResult};
use crate::web::page::{FormErrors, IdPath, Page, flash, warning};
use crate::web::roles::Applicant;
use crate::web::unit_of_work::UnitOfWork;

#[derive(Template, WebTemplate)]
#[template(path = "applications/withdraw.html")]
pub struct WithdrawTemplate {
    page: Page,
    l: Loaded,
    reason: String,
    errors: FormErrors,
}

fn withdrawable(l: &Loaded) -> AppResult<()> {
    if l.stage.can_withdraw() {
        Ok(())
    } else {
        Err(AppError::BadRequest(format!(
            "This application can no longer be withdrawn. Its status is: {}.",
            l.stage.label()
        )))
    }
}

pub async fn show(
    State(state): State<AppState>,
    Applicant(me): Applicant,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<WithdrawTemplate> {
    let l = load_own(&state, &me, id).await?;
    withdrawable(&l)?;
    Ok(WithdrawTemplate {
        page,
        l,
        reason: String::new(),
        errors: FormErrors::default(),
    })
}

/// The withdrawal form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WithdrawForm {
    reason: String,
}

pub async fn confirm(
    State(state): State<AppState>,
    Applicant(me): Applicant,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(form): Form<WithdrawForm>,
) -> AppResult<Response> {
    let l = load_own(&state, &me, id).await?;
    withdrawable(&l)?;
    let reason = form.reason.trim();
    if reason.chars().count() > MAX_WITHDRAWAL_REASON {
        let mut errors = FormErrors::default();
        errors.add(
            "reason",
            format!("Your reason must be {MAX_WITHDRAWAL_REASON} characters or fewer"),
        );
        return Ok(WithdrawTemplate {
            page,
            l,
            reason: form.reason,
            errors,
        }
        .into_response());
    }
    let uow = UnitOfWork::begin(&state).await?;
    match services::withdrawal::withdraw(
        &uow,
        &state.config,
        Actor::from(&me),
        id,
        reason,
        services::withdrawal::Cause::Applicant,
    )
    .await?
    {
        Ok(_) => {}
        Err(WithdrawRefusal::NotFound) => {
            drop(uow);
            return Err(AppError::NotFound);
        }
        Err(WithdrawRefusal::Ended(_)) => {
            drop(uow);
            warning(
                &session,
                "The status of this application changed while you were withdrawing it, and it can no longer be withdrawn. Check it below.",
            )
            .await?;
            return Ok(Redirect::to(&format!("/applications/{id}")).into_response());
        }
    }
    uow.commit().await?;
    tracing::info!(application_id = id, "application withdrawn");
    flash(&session, "Your application has been withdrawn.").await?;
    Ok(Redirect::to(&format!("/applications/{id}")).into_response())
}
