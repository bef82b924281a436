//! What every page needs besides its own content: who is signed in, the form token, the demo
//! flag, asset URLs and a one-off message. Handlers take a [`Page`] and put it in their template.

use std::borrow::Cow;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use tower_sessions::Session;

use crate::app::AppState;
use crate::web::AuthUser;
use crate::web::assets;
use crate::web::error::AppError;

/// Session key of the form (CSRF) token.
pub const SESSION_CSRF: &str = "csrf";
const SESSION_FLASH: &str = "flash";

/// The frame of every page.
#[derive(Clone, Debug)]
pub struct Page {
    /// The signed-in user, if any.
    pub user: Option<AuthUser>,
    /// The token every form must carry.
    pub csrf_token: String,
    /// Whether to show the demo-data banner.
    pub demo: bool,
    /// URL prefix of this build's static files.
    pub assets: &'static str,
    /// A one-off message to show at the top of the page.
    pub flash: Option<Flash>,
    /// How long a signed-in session lasts without activity, in seconds (for the timeout
    /// warning and the words about it).
    pub idle_seconds: u64,
    /// How long the signed-in person's session has left without activity, in seconds (the
    /// timeout warning starts its count from this); the idle period for anyone else.
    pub seconds_left: u64,
}

/// What kind of one-off message a page shows at its top. Only something that has just
/// succeeded is shown as "Success"; instructions and warnings are worded and styled apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlashKind {
    /// Something the person just did has worked (the green "Success" banner).
    Success,
    /// Something to know or do next (NHS inset text).
    Info,
    /// Something that did not happen, or needs care (the NHS warning callout).
    Warning,
}

/// A one-off message for the next page the person sees.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Flash {
    /// How it is shown.
    pub kind: FlashKind,
    /// What it says.
    pub message: String,
}

impl Flash {
    /// Whether it is the "Success" banner.
    pub fn is_success(&self) -> bool {
        self.kind == FlashKind::Success
    }

    /// Whether it is a warning callout.
    pub fn is_warning(&self) -> bool {
        self.kind == FlashKind::Warning
    }
}

impl Page {
    /// Builds the frame from the session without writing anything for a visitor who is not
    /// signed in: their page carries the session's form token if it already has one, and
    /// none otherwise (pages with a form for them take a [`FormPage`]). A signed-in person
    /// always has a token (created here the first time, which only a session that exists
    /// already can need).
    pub async fn build(
        session: &Session,
        user: Option<AuthUser>,
        state: &AppState,
    ) -> Result<Self, AppError> {
        let csrf_token = if user.is_some() {
            csrf_token(session).await?
        } else {
            session
                .get::<String>(SESSION_CSRF)
                .await?
                .unwrap_or_default()
        };
        let idle = state.config.session_idle;
        let seconds_left = if user.is_some() {
            crate::web::current_user::seconds_left(session, idle).await?
        } else {
            idle.as_secs()
        };
        Ok(Self {
            user,
            csrf_token,
            demo: state.config.demo,
            assets: assets::PREFIX,
            flash: take_flash(session).await?,
            idle_seconds: idle.as_secs(),
            seconds_left,
        })
    }
}

/// The one-off message, if there is one; removing it is the only write, and only then.
async fn take_flash(session: &Session) -> Result<Option<Flash>, AppError> {
    if session.get_value(SESSION_FLASH).await?.is_none() {
        return Ok(None);
    }
    Ok(session.remove::<Flash>(SESSION_FLASH).await?)
}

/// The frame of a page that shows a form to people who may not be signed in (sign in,
/// create an account, reset a password, accept an invitation): it always carries a form
/// token, so the session is created (one row) when such a page is shown. Every other page a
/// visitor reads writes nothing.
#[derive(Clone, Debug)]
pub struct FormPage(pub Page);

impl FromRequestParts<AppState> for FormPage {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let session = session_of(parts)?;
        let mut page = Page::from_request_parts(parts, state).await?;
        if page.csrf_token.is_empty() {
            page.csrf_token = csrf_token(&session).await?;
        }
        Ok(FormPage(page))
    }
}

impl Page {
    /// Whether to offer "Apply": to applicants, and to visitors (who are asked to sign in).
    pub fn can_apply(&self) -> bool {
        self.user.as_ref().is_none_or(AuthUser::is_applicant)
    }

    /// "For your security, we will sign you out if you do nothing for 30 minutes."
    pub fn timeout_notice(&self) -> String {
        let minutes = crate::domain::kept_form::idle_minutes(std::time::Duration::from_secs(
            self.idle_seconds,
        ));
        crate::domain::kept_form::timeout_notice(minutes)
    }

    /// The idle period in words ("30 minutes").
    pub fn idle_in_words(&self) -> String {
        crate::domain::kept_form::minutes_in_words(crate::domain::kept_form::idle_minutes(
            std::time::Duration::from_secs(self.idle_seconds),
        ))
    }

    /// A frame with nobody signed in and no form token, for when the session is unavailable.
    pub fn without_session(state: &AppState) -> Self {
        Self {
            user: None,
            csrf_token: String::new(),
            demo: state.config.demo,
            assets: assets::PREFIX,
            flash: None,
            idle_seconds: state.config.session_idle.as_secs(),
            seconds_left: state.config.session_idle.as_secs(),
        }
    }
}

impl FromRequestParts<AppState> for Page {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let session = session_of(parts)?;
        let user = parts.extensions.get::<AuthUser>().cloned();
        Page::build(&session, user, state).await
    }
}

/// The session of a request; it is always there behind the session layer.
pub fn session_of(parts: &Parts) -> Result<Session, AppError> {
    parts
        .extensions
        .get::<Session>()
        .cloned()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("session layer missing")))
}

/// The session's form token, created on first use.
pub async fn csrf_token(session: &Session) -> Result<String, AppError> {
    if let Some(token) = session.get::<String>(SESSION_CSRF).await? {
        return Ok(token);
    }
    new_csrf_token(session).await
}

/// Gives the session a new form token (at sign-in, so a token seen before it is worthless).
pub async fn new_csrf_token(session: &Session) -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    session.insert(SESSION_CSRF, &token).await?;
    Ok(token)
}

/// Queues a "Success" banner for the next page the person sees: use it only for something that
/// has just succeeded.
pub async fn flash(session: &Session, message: impl Into<String>) -> Result<(), AppError> {
    show_next(session, FlashKind::Success, message).await
}

/// Queues something to know or do next (inset text) for the next page the person sees.
pub async fn notice(session: &Session, message: impl Into<String>) -> Result<(), AppError> {
    show_next(session, FlashKind::Info, message).await
}

/// Queues a warning (something did not happen, or needs care) for the next page.
pub async fn warning(session: &Session, message: impl Into<String>) -> Result<(), AppError> {
    show_next(session, FlashKind::Warning, message).await
}

async fn show_next(
    session: &Session,
    kind: FlashKind,
    message: impl Into<String>,
) -> Result<(), AppError> {
    let flash = Flash {
        kind,
        message: message.into(),
    };
    session.insert(SESSION_FLASH, flash).await?;
    Ok(())
}

/// A numeric ID from the path. Anything that is not a number is a page that does not exist
/// (404), not a malformed request.
#[derive(Clone, Copy, Debug)]
pub struct IdPath(pub i32);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        raw.parse().map(IdPath).map_err(|_| AppError::NotFound)
    }
}

/// Two numeric IDs from the path, such as a vacancy and one of its applications. Anything that
/// is not a number is a page that does not exist (404).
#[derive(Clone, Copy, Debug)]
pub struct IdPairPath(pub i32, pub i32);

impl<S: Send + Sync> FromRequestParts<S> for IdPairPath {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path((a, b)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        match (a.parse(), b.parse()) {
            (Ok(a), Ok(b)) => Ok(IdPairPath(a, b)),
            _ => Err(AppError::NotFound),
        }
    }
}

/// The fields of a form numbered by position (`evidence-1`, `score-2`, `referee3_name`, ...),
/// read beside its named fields with `#[serde(flatten)]` (it holds every field not named). As
/// with any field, one sent twice refuses the whole form.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct Numbered(std::collections::HashMap<String, String>);

impl Numbered {
    /// The value of the field `name`, empty when not sent.
    pub fn get(&self, name: &str) -> &str {
        self.sent(name).unwrap_or("")
    }

    /// The value of the field `name`, if it was sent (perhaps empty).
    pub fn sent(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}

/// Field-level errors of a form, in the order the fields appear.
#[derive(Clone, Debug, Default)]
pub struct FormErrors(Vec<(Cow<'static, str>, String)>);

impl FormErrors {
    /// Adds an error for `field` (its `id` in the form), unless it already has one.
    pub fn add(&mut self, field: impl Into<Cow<'static, str>>, message: impl Into<String>) {
        let field = field.into();
        if self.get(&field).is_none() {
            self.0.push((field, message.into()));
        }
    }

    /// The error of `field`, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// Whether `field` has an error (for templates).
    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    /// Whether the form is free of errors.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every (field, message), for the error summary.
    pub fn iter(&self) -> impl Iterator<Item = &(Cow<'static, str>, String)> {
        self.0.iter()
    }

    /// Takes the result of a parse, keeping the error against `field`.
    pub fn check<T>(&mut self, field: &'static str, result: Result<T, &'static str>) -> Option<T> {
        result.map_err(|m| self.add(field, m)).ok()
    }
}

impl FromIterator<(&'static str, String)> for FormErrors {
    fn from_iter<I: IntoIterator<Item = (&'static str, String)>>(iter: I) -> Self {
        let mut errors = FormErrors::default();
        for (field, message) in iter {
            errors.add(field, message);
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_errors_keep_order_and_first_message() {
        let mut e = FormErrors::default();
        assert!(e.is_empty());
        e.add("email", "Enter your email address");
        e.add("password", "Enter a password");
        e.add("email", "second message ignored");
        assert_eq!(e.get("email"), Some("Enter your email address"));
        assert!(e.has("password"));
        assert!(!e.has("name"));
        let fields: Vec<&str> = e.iter().map(|(f, _)| f.as_ref()).collect();
        assert_eq!(fields, ["email", "password"]);
        assert_eq!(e.check::<i32>("name", Err("Enter your name")), None);
        assert_eq!(e.check("x", Ok(3)), Some(3));
        assert_eq!(e.get("name"), Some("Enter your name"));
    }
}
