//! A member of staff accepts their invitation by choosing a password.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::{home_for, password, tokens};
use crate::db::{invitations, organisations};
use crate::domain::{EmailAddress, NewPassword, Role, role};
use crate::entities::invitation;
use crate::services::Actor;
use crate::services::invitations::{self as invitation_service, AcceptRefusal};
use crate::web::accounts::sign_in;
use crate::web::error::{AppError, AppResult};
use crate::web::page::{FormErrors, FormPage, Page, flash};
use crate::web::unit_of_work::UnitOfWork;

/// The form as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AcceptForm {
    password: String,
    confirm_password: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/accept_invitation.html")]
pub struct AcceptTemplate {
    page: Page,
    token: String,
    invitation: Option<invitation::Model>,
    roles: Vec<Role>,
    organisation: Option<String>,
    /// Why the link no longer works, when it does not.
    gone: Gone,
    errors: FormErrors,
}

/// Why an invitation link no longer works.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gone {
    /// It still works.
    No,
    /// An administrator withdrew (revoked) it.
    Withdrawn,
    /// It has been used to create an account.
    Used,
    /// It is past its 7 days, or the link is not one we sent.
    Expired,
}

impl Gone {
    fn of(invitation: Option<&invitation::Model>) -> Gone {
        match invitation {
            Some(i) if i.revoked_at.is_some() => Gone::Withdrawn,
            Some(i) if i.accepted_at.is_some() => Gone::Used,
            _ => Gone::Expired,
        }
    }

    /// The page's heading.
    pub fn heading(self) -> &'static str {
        match self {
            Gone::No => "Create your account",
            Gone::Withdrawn => "This invitation has been withdrawn",
            Gone::Used => "This invitation has already been used",
            Gone::Expired => "This invitation has expired",
        }
    }
}

async fn template(
    state: &AppState,
    page: Page,
    token: String,
    errors: FormErrors,
) -> AppResult<AcceptTemplate> {
    let invitation = invitations::find_usable(&state.db, &tokens::hash(&token)).await?;
    let gone = if invitation.is_some() {
        Gone::No
    } else {
        Gone::of(
            invitations::find_by_token(&state.db, &tokens::hash(&token))
                .await?
                .as_ref(),
        )
    };
    let roles = invitation
        .as_ref()
        .map(invitations::roles_of)
        .transpose()?
        .unwrap_or_default();
    let organisation = match invitation.as_ref().and_then(|i| i.organisation_id) {
        Some(id) => organisations::find(&state.db, id).await?.map(|o| o.name),
        None => None,
    };
    Ok(AcceptTemplate {
        page,
        token,
        invitation,
        roles,
        organisation,
        gone,
        errors,
    })
}

pub async fn show(
    State(state): State<AppState>,
    FormPage(page): FormPage,
    Path(token): Path<String>,
) -> AppResult<AcceptTemplate> {
    template(&state, page, token, FormErrors::default()).await
}

pub async fn accept(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    session: Session,
    page: Page,
    Path(token): Path<String>,
    Form(form): Form<AcceptForm>,
) -> AppResult<Response> {
    let Some(invitation) = invitations::find_usable(&state.db, &tokens::hash(&token)).await? else {
        return Ok(template(&state, page, token, FormErrors::default())
            .await?
            .into_response());
    };
    let new_password =
        match NewPassword::parse(&form.password, &form.confirm_password, &invitation.email) {
            Ok(p) => p,
            Err((field, message)) => {
                let mut errors = FormErrors::default();
                errors.add(field, message);
                return Ok(template(&state, page, token, errors).await?.into_response());
            }
        };
    let roles = role::parse_list(&invitation.roles).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "invitation {} has unknown roles",
            invitation.id
        ))
    })?;
    let email = EmailAddress::parse(&invitation.email)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("invitation email: {e}")))?;
    let hash = password::hash(&state.hash_gate, &new_password).await?;

    let uow = UnitOfWork::begin(&state).await?;
    let user = match invitation_service::accept(&uow, &invitation, &email, &roles, hash).await? {
        Ok(user) => user,
        Err(AcceptRefusal::NoLongerOpen) => {
            drop(uow);
            return Ok(template(&state, page, token, FormErrors::default())
                .await?
                .into_response());
        }
        Err(AcceptRefusal::AccountExists) => {
            drop(uow);
            return Err(AppError::BadRequest(
                "An account with this email address already exists. Sign in, or ask your administrator to change its roles.".into(),
            ));
        }
    };
    uow.commit().await?;

    if !sign_in(&session, &user, None).await? {
        // Deactivated (or deleted) the moment it was made: it cannot be signed in to.
        return Err(AppError::SignInRequired {
            next: home_for(&roles).path.to_owned(),
        });
    }
    flash(&session, "Your account has been created.").await?;
    tracing::info!(
        user_id = user.id,
        invitation_id = invitation.id,
        "invitation accepted"
    );
    // Straight to the page with their first things to do.
    let mut response = Redirect::to(home_for(&roles).path).into_response();
    crate::web::accounts::bind_browser(&state, &headers, Actor::from(&user), &mut response).await?;
    Ok(response)
}
