//! The home page and the service's fixed information pages.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::routing::get;

use crate::app::AppState;
use crate::web::page::Page;

/// The home page and information routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/accessibility", get(accessibility))
        .route("/privacy", get(privacy))
        .route("/cookies", get(cookies))
}

#[derive(Template, WebTemplate)]
#[template(path = "home/index.html")]
struct HomeTemplate {
    page: Page,
}

async fn home(page: Page) -> HomeTemplate {
    HomeTemplate { page }
}

#[derive(Template, WebTemplate)]
#[template(path = "home/accessibility.html")]
struct AccessibilityTemplate {
    page: Page,
}

async fn accessibility(page: Page) -> AccessibilityTemplate {
    AccessibilityTemplate { page }
}

#[derive(Template, WebTemplate)]
#[template(path = "home/privacy.html")]
struct PrivacyTemplate {
    page: Page,
}

async fn privacy(page: Page) -> PrivacyTemplate {
    PrivacyTemplate { page }
}

#[derive(Template, WebTemplate)]
#[template(path = "home/cookies.html")]
struct CookiesTemplate {
    page: Page,
}

async fn cookies(page: Page) -> CookiesTemplate {
    CookiesTemplate { page }
}
