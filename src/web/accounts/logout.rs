//! Signing out (a POST, so a link or image elsewhere cannot sign anyone out). It holds even
//! against a password change in flight on the same cookie (see `services::sessions`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use crate::app::AppState;
use crate::services::{kept_forms, sessions};
use crate::web::error::AppResult;
use crate::web::page::Page;
use crate::web::session_timeout;

/// Ends the session, and this browser's binding with whatever was kept for it (issue 21).
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: Session,
) -> AppResult<Response> {
    if session.id().is_some() {
        session.flush().await?;
    } else {
        // Ended already (this is a sign-out sent with a stale cookie): nothing to delete.
        session.clear().await;
    }
    // A password change in flight on this cookie may have replaced its session: that ends too.
    if let Some(old) = session_timeout::cookie_value(&headers, crate::web::SESSION_COOKIE) {
        sessions::end_handed_over(&state.db, &old).await?;
    }
    let mut response = Redirect::to("/signed-out").into_response();
    if let Some(token) = session_timeout::binding_token(&headers) {
        kept_forms::unbind_browser(&state.db, &token).await?;
        session_timeout::clear_binding(&mut response, state.config.is_https());
    }
    Ok(response)
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/signed_out.html")]
pub struct SignedOutTemplate {
    page: Page,
}

pub async fn signed_out(page: Page) -> SignedOutTemplate {
    SignedOutTemplate { page }
}
