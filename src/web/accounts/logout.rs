//! Signing out (a POST, so a link or image elsewhere cannot sign anyone out).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use crate::app::AppState;
use crate::error::AppResult;
use crate::services::kept_forms;
use crate::web::page::Page;
use crate::web::session_timeout;

/// Ends the session, and this browser's binding with whatever was kept for it (issue 21).
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: Session,
) -> AppResult<Response> {
    session.flush().await?;
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
