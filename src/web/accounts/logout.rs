//! Signing out (a POST, so a link or image elsewhere cannot sign anyone out).

use askama::Template;
use askama_web::WebTemplate;
use axum::response::Redirect;
use tower_sessions::Session;

use crate::error::AppResult;
use crate::web::page::Page;

pub async fn submit(session: Session) -> AppResult<Redirect> {
    session.flush().await?;
    Ok(Redirect::to("/signed-out"))
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/signed_out.html")]
pub struct SignedOutTemplate {
    page: Page,
}

pub async fn signed_out(page: Page) -> SignedOutTemplate {
    SignedOutTemplate { page }
}
