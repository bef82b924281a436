//! Signing in. One message for every failure, throttled per account and per client address.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::home_for;
use crate::auth::throttle::LoginKeys;
use crate::db::users;
use crate::domain::LocalRedirect;
use crate::services::Actor;
use crate::services::accounts::{self, PasswordRefusal};
use crate::web::accounts::sign_in;
use crate::web::error::AppResult;
use crate::web::page::{Flash, FlashKind, FormErrors, FormPage, Page};
use crate::web::session_timeout;
use crate::web::unit_of_work::UnitOfWork;
use crate::web::{ClientAddress, MaybeUser};

/// The one message for a wrong email, a wrong password, or an account that cannot sign in.
pub const BAD_CREDENTIALS: &str = "The email address or password is not correct";
/// The message while sign-in is locked.
pub const LOCKED: &str = "You have tried to sign in too many times. Wait 15 minutes, then try again. If you have forgotten your password, you can reset it.";

/// Where to go after signing in.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NextQuery {
    next: Option<String>,
    /// Why they are asked to sign in: `idle` or `kept` after a session ended.
    reason: Option<String>,
}

/// The sign-in form as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/login.html")]
pub struct LoginTemplate {
    page: Page,
    email: String,
    next: String,
    errors: FormErrors,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/unverified.html")]
pub struct UnverifiedTemplate {
    page: Page,
    email: String,
}

/// The page asked for, if it is on this site; empty when none was, so the person lands on
/// their home.
fn safe_next(next: Option<&str>) -> String {
    next.and_then(LocalRedirect::parse)
        .map(|n| n.as_str().to_owned())
        .unwrap_or_default()
}

pub async fn show(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    FormPage(mut page): FormPage,
    Query(query): Query<NextQuery>,
) -> Response {
    let next = safe_next(query.next.as_deref());
    if let Some(user) = user {
        let to = if next.is_empty() {
            user.home().path
        } else {
            &next
        };
        return Redirect::to(to).into_response();
    }
    if let Some(message) =
        session_timeout::sign_in_message(query.reason.as_deref(), state.config.session_idle)
    {
        page.flash = Some(Flash {
            kind: FlashKind::Warning,
            message,
        });
    }
    LoginTemplate {
        page,
        email: String::new(),
        next,
        errors: FormErrors::default(),
    }
    .into_response()
}

pub async fn submit(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    session: Session,
    page: Page,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let next = safe_next(form.next.as_deref());
    let email = form.email.trim().to_lowercase();
    let mut errors = FormErrors::default();
    if email.is_empty() {
        errors.add("email", "Enter your email address");
    }
    if form.password.is_empty() {
        errors.add("password", "Enter your password");
    }
    if !errors.is_empty() {
        return Ok(LoginTemplate {
            page,
            email: form.email,
            next,
            errors,
        }
        .into_response());
    }

    let keys = LoginKeys::new(&email, client);
    let user =
        match accounts::authenticate(&state.db, &state.hash_gate, &keys, &email, form.password)
            .await?
        {
            Ok(user) => user,
            Err(PasswordRefusal::Locked) => {
                tracing::warn!(%client, "sign-in refused: locked");
                errors.add("email", LOCKED);
                let page = LoginTemplate {
                    page,
                    email: form.email,
                    next,
                    errors,
                };
                return Ok((StatusCode::TOO_MANY_REQUESTS, page).into_response());
            }
            Err(PasswordRefusal::NotCorrect) => {
                errors.add("email", BAD_CREDENTIALS);
                return Ok(LoginTemplate {
                    page,
                    email: form.email,
                    next,
                    errors,
                }
                .into_response());
            }
        };

    if user.email_verified_at.is_none() {
        return Ok(UnverifiedTemplate {
            page,
            email: user.email,
        }
        .into_response());
    }
    if !sign_in(&session, &user, None).await? {
        // Deleted, deactivated or given a new password since the password was checked.
        errors.add("email", BAD_CREDENTIALS);
        return Ok(LoginTemplate {
            page,
            email: form.email,
            next,
            errors,
        }
        .into_response());
    }
    let uow = UnitOfWork::begin(&state).await?;
    accounts::signed_in(&uow, Actor::from(&user)).await?;
    uow.commit().await?;
    tracing::info!(user_id = user.id, "signed in");
    let to = if next.is_empty() {
        // Nothing asked for: each person lands on the page with their next things to do.
        let roles = users::roles_of(&state.db, user.id).await?;
        home_for(&roles).path.to_owned()
    } else {
        next
    };
    let mut response = Redirect::to(&to).into_response();
    crate::web::accounts::bind_browser(&state, &headers, Actor::from(&user), &mut response).await?;
    Ok(response)
}
