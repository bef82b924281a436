//! The one error type of the web layer.
//!
//! Rules, as in crates.io's `util/errors.rs`:
//! - a 4xx carries a message a person can act on, shown on a friendly page;
//! - a 5xx shows nothing of its cause: the cause chain is logged with the request ID instead;
//! - handlers return `Result<_, AppError>` and never `unwrap`/`expect`.
//!
//! [`AppError::into_response`] only marks the response with an [`ErrorPage`]; the
//! `web::errors::render_error_pages` middleware turns it into a full page, because only it
//! knows who is signed in.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The page, or the row it names, does not exist (or the user may not know it exists).
    #[error("not found")]
    NotFound,
    /// The user is signed in but may not do this.
    #[error("forbidden")]
    Forbidden,
    /// The page needs a signed-in user; they are sent to sign in and back to `next`.
    #[error("sign-in required")]
    SignInRequired {
        /// The local path to return to after signing in.
        next: String,
    },
    /// The page needs a signed-in user and this browser's session has ended (without signing
    /// out): they are sent to sign in, told why, and brought back to `next`.
    #[error("session ended")]
    SessionEnded {
        /// The local path to return to after signing in.
        next: String,
    },
    /// What was asked for is not available here now (the form of an application already sent,
    /// say): the person is sent to `to`, a local path whose page says why.
    #[error("see {to}")]
    Elsewhere {
        /// Where to go instead.
        to: String,
    },
    /// A form was posted without a valid token, or from another site.
    #[error("form security check failed")]
    CsrfRejected,
    /// The request cannot be understood; the message says why in plain words.
    #[error("{0}")]
    BadRequest(String),
    /// Too many attempts; the message says when to try again.
    #[error("{0}")]
    TooManyRequests(String),
    /// Too many people are signing in at this moment to check another password now: the
    /// person is asked to try again in a few seconds (503 with `Retry-After`).
    #[error("busy")]
    Busy,
    /// Anything else: a bug or an outage. Logged, never shown.
    #[error(transparent)]
    Internal(anyhow::Error),
}

/// Seconds a person is asked to wait when the service is busy.
pub const RETRY_AFTER_SECONDS: u32 = 5;

impl From<anyhow::Error> for AppError {
    /// A refusal by the password hashing gate is [`AppError::Busy`], wherever it was wrapped;
    /// anything else is internal.
    fn from(err: anyhow::Error) -> Self {
        if err
            .downcast_ref::<crate::auth::password::HashingBusy>()
            .is_some()
        {
            Self::Busy
        } else {
            Self::Internal(err)
        }
    }
}

/// Marks a response that should be shown as a friendly error page.
#[derive(Clone, Debug)]
pub struct ErrorPage {
    /// Extra words for the person, for 4xx pages only.
    pub message: Option<String>,
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Internal(err.into())
    }
}

impl From<askama::Error> for AppError {
    fn from(err: askama::Error) -> Self {
        Self::Internal(err.into())
    }
}

impl From<tower_sessions::session::Error> for AppError {
    fn from(err: tower_sessions::session::Error) -> Self {
        Self::Internal(err.into())
    }
}

impl AppError {
    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::CsrfRejected => StatusCode::FORBIDDEN,
            AppError::SignInRequired { .. }
            | AppError::SessionEnded { .. }
            | AppError::Elsewhere { .. } => StatusCode::SEE_OTHER,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = match &self {
            AppError::SignInRequired { next } => {
                let query: String = form_urlencoded::Serializer::new(String::new())
                    .append_pair("next", next)
                    .finish();
                return Redirect::to(&format!("/login?{query}")).into_response();
            }
            AppError::SessionEnded { next } => {
                return crate::web::session_timeout::ended_redirect(next);
            }
            AppError::Elsewhere { to } => return Redirect::to(to).into_response(),
            AppError::Internal(cause) => {
                tracing::error!(error = format!("{cause:#}"), "request failed");
                None
            }
            AppError::CsrfRejected => {
                tracing::warn!("form rejected by the CSRF check");
                None
            }
            AppError::BadRequest(m) | AppError::TooManyRequests(m) => Some(m.clone()),
            AppError::NotFound | AppError::Forbidden => None,
            AppError::Busy => {
                tracing::warn!("password check refused: too many waiting");
                let mut response = (StatusCode::SERVICE_UNAVAILABLE, "Busy").into_response();
                response
                    .headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, RETRY_AFTER_SECONDS.into());
                response
                    .extensions_mut()
                    .insert(ErrorPage { message: None });
                return response;
            }
        };
        let body = status.canonical_reason().unwrap_or("Error");
        let mut response = (status, body).into_response();
        response.extensions_mut().insert(ErrorPage { message });
        response
    }
}

/// The result of a handler.
pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_reveal_nothing() {
        let response =
            AppError::Internal(anyhow::anyhow!("password for db is hunter2")).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let page = response.extensions().get::<ErrorPage>().cloned();
        assert!(page.is_some_and(|p| p.message.is_none()));
    }

    #[test]
    fn sign_in_required_redirects_with_the_return_path() {
        let response = AppError::SignInRequired {
            next: "/admin/users?page=2".into(),
        }
        .into_response();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok());
        assert_eq!(location, Some("/login?next=%2Fadmin%2Fusers%3Fpage%3D2"));
    }

    #[test]
    fn elsewhere_sends_the_person_on() {
        let response = AppError::Elsewhere {
            to: "/applications/7".into(),
        }
        .into_response();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok());
        assert_eq!(location, Some("/applications/7"));
        assert!(response.extensions().get::<ErrorPage>().is_none());
    }

    #[test]
    fn a_full_hashing_queue_asks_to_retry_wherever_it_was_wrapped() {
        let wrapped = anyhow::Error::new(crate::auth::password::HashingBusy).context("sign-in");
        let response = AppError::from(wrapped).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok()),
            Some("5")
        );
        assert!(matches!(
            AppError::from(anyhow::anyhow!("disk full")),
            AppError::Internal(_)
        ));
    }

    #[test]
    fn client_errors_keep_their_message() {
        let response = AppError::TooManyRequests("Wait 15 minutes".into()).into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        let message = response
            .extensions()
            .get::<ErrorPage>()
            .and_then(|p| p.message.clone());
        assert_eq!(message.as_deref(), Some("Wait 15 minutes"));
    }
}
