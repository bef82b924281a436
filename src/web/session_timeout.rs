//! Typed work is never lost to a timeout (issue 21): the browser binding cookie, a form sent
//! after the session ended, the [`Kept`] values a form page shows after signing in again,
//! and the "Stay signed in" endpoint of the timeout warning (static/timeout.js).

use axum::Json;
use axum::extract::{FromRequestParts, OriginalUri, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Router, body::Bytes};
use tower_sessions::Session;
use tower_sessions::cookie::{Cookie, SameSite};

use crate::app::AppState;
use crate::domain::kept_form::{self, KEPT_FOR, ended_message, idle_minutes, kept_message};
use crate::services::Actor;
use crate::services::kept_forms;
use crate::web::error::{AppError, AppResult};
use crate::web::page::{Flash, FlashKind, Page};
use crate::web::{AuthUser, CurrentUser};

/// Name of the cookie that binds this browser to the account that last signed in on it.
pub const BINDING_COOKIE: &str = "spectra_browser";

/// Marks a request from someone who is not signed in but whose browser shows they were: it
/// sent a session cookie the store no longer knows (ended, swept or not), or a browser
/// binding (which only signing out removes).
#[derive(Clone, Copy, Debug)]
pub struct SessionEnded;

/// The "Stay signed in" route.
pub fn router() -> Router<AppState> {
    Router::new().route("/session/keep-alive", post(keep_alive))
}

/// The value of cookie `name` in the request, if sent.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| Cookie::parse(c.trim().to_owned()).ok())
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 100)
}

/// The browser binding token the request carries.
pub fn binding_token(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, BINDING_COOKIE)
}

/// Whether a request that found no signed-in user came from a browser whose session ended.
pub fn session_ended(headers: &HeaderMap, session: &Session) -> bool {
    let stale_session =
        session.id().is_none() && cookie_value(headers, crate::web::SESSION_COOKIE).is_some();
    stale_session || binding_token(headers).is_some()
}

fn binding_cookie(value: String, max_age: time::Duration, secure: bool) -> HeaderValue {
    let cookie = Cookie::build((BINDING_COOKIE, value))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(max_age)
        .build();
    HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Adds the binding cookie (a day long) to a response.
pub fn set_binding(response: &mut Response, token: String, secure: bool) {
    response
        .headers_mut()
        .append(header::SET_COOKIE, binding_cookie(token, KEPT_FOR, secure));
}

/// Removes the binding cookie from the browser.
pub fn clear_binding(response: &mut Response, secure: bool) {
    response.headers_mut().append(
        header::SET_COOKIE,
        binding_cookie(String::new(), time::Duration::ZERO, secure),
    );
}

/// Where the sign-in page is, with the page to come back to and why.
fn sign_in_again(next: &str, kept: bool) -> String {
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("next", next)
        .append_pair("reason", if kept { "kept" } else { "idle" })
        .finish();
    format!("/login?{query}")
}

/// The redirect for a page that needs a signed-in user, asked for after the session ended.
pub fn ended_redirect(next: &str) -> Response {
    Redirect::to(&sign_in_again(next, false)).into_response()
}

/// A POST from this site whose session has ended (its form token cannot be checked, as the
/// session that held it is gone). If it is one of the forms people type at length and this
/// browser is bound to an account, the form is kept for that account in this browser; then
/// the person is asked to sign in again and brought back to the form.
///
/// Why this is safe without the form token: the Origin check has passed, so it came from one
/// of our pages; nothing in it is applied; it is stored only for the account this browser was
/// signed in to, and only that account, signing in again in this same browser, sees it, on
/// the same form, where nothing is saved until they press its button again. A forged or
/// planted binding names no account, so nothing is kept.
pub async fn after_session_ended(
    state: &AppState,
    headers: &HeaderMap,
    path: &str,
    body: &Bytes,
    urlencoded: bool,
) -> AppResult<Response> {
    let form_page = kept_form::form_page_for(path);
    let next = form_page.clone().unwrap_or_else(|| "/".to_owned());
    let kept = match (form_page, binding_token(headers), urlencoded) {
        (Some(page), Some(token), true) => match kept_form::body_to_keep(body) {
            Some(kept_body) => {
                kept_forms::keep(&state.db, &token, &page, kept_body, crate::db::now()).await?
            }
            None => false,
        },
        _ => false,
    };
    tracing::info!(kept, "form sent after the session ended");
    Ok(Redirect::to(&sign_in_again(&next, kept)).into_response())
}

/// What the sign-in page says for `reason` (from [`after_session_ended`]), if anything.
pub fn sign_in_message(reason: Option<&str>, idle: std::time::Duration) -> Option<String> {
    let minutes = idle_minutes(idle);
    match reason {
        Some("kept") => Some(ended_message(minutes, true)),
        Some("idle") => Some(ended_message(minutes, false)),
        _ => None,
    }
}

/// The values of a form kept for the signed-in person on this page, in this browser (taken,
/// so shown once), or nothing. A form page's GET reads it with [`Kept::form`], as the same form
/// type its POST reads, and renders these values instead of the stored ones, with
/// [`Kept::show_message`]; nothing is saved until the person presses the form's button again.
#[derive(Clone, Debug, Default)]
pub struct Kept {
    body: Option<String>,
    message: String,
}

impl Kept {
    /// Whether a form was kept.
    pub fn is_kept(&self) -> bool {
        self.body.is_some()
    }

    /// The kept form, read as the form `T` its page posts (as `axum_extra`'s `Form` reads the
    /// POST), if a form was kept. One that does not read as `T` is a fault, never skipped.
    pub fn form<T: serde::de::DeserializeOwned>(&self) -> AppResult<Option<T>> {
        let Some(body) = &self.body else {
            return Ok(None);
        };
        serde_html_form::from_str(body)
            .map(Some)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("a kept form does not read: {e}")))
    }

    /// Puts the "you were signed out, check and save" message on the page, if a form was kept.
    pub fn show_message(&self, page: &mut Page) {
        if self.body.is_some() {
            page.flash = Some(Flash {
                kind: FlashKind::Warning,
                message: self.message.clone(),
            });
        }
    }
}

impl FromRequestParts<AppState> for Kept {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let message = kept_message(idle_minutes(state.config.session_idle));
        let (Some(user), Some(token)) = (
            parts.extensions.get::<AuthUser>(),
            binding_token(&parts.headers),
        ) else {
            return Ok(Kept::default());
        };
        let path = parts
            .extensions
            .get::<OriginalUri>()
            .map_or(parts.uri.path(), |o| o.0.path());
        let body =
            kept_forms::take(&state.db, Actor::from(user), &token, path, crate::db::now()).await?;
        Ok(Kept { body, message })
    }
}

/// What "Stay signed in" answers: how long the session now lasts without activity.
#[derive(Debug, serde::Serialize)]
pub struct KeptAlive {
    /// Seconds from now until the session ends if nothing else happens.
    pub idle_seconds: u64,
}

/// "Stay signed in": renews the session now, whatever the minute's renewal timer says, and
/// answers with the idle period the page's timer restarts from. A POST with the form token
/// in the `x-csrf-token` header; GET changes nothing.
pub async fn keep_alive(
    State(state): State<AppState>,
    CurrentUser(_me): CurrentUser,
    session: Session,
) -> AppResult<Json<KeptAlive>> {
    crate::web::current_user::renew_now(&session).await?;
    Ok(Json(KeptAlive {
        idle_seconds: state.config.session_idle.as_secs(),
    }))
}
