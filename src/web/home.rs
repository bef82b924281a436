//! The home page and the service's fixed information pages.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
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
    /// How long after the final decision an unsuccessful application's personal details are
    /// kept, in words.
    retention: String,
}

/// The privacy notice, with the retention period the service is configured with, so the
/// page never promises something the purge does not do.
async fn privacy(State(state): State<AppState>, page: Page) -> PrivacyTemplate {
    PrivacyTemplate {
        page,
        retention: retention_period(state.config.purge_after_days),
    }
}

/// A number of days in plain words: whole years as years ("1 year"), anything else in days.
fn retention_period(days: u32) -> String {
    match days {
        1 => "1 day".to_owned(),
        365 => "1 year".to_owned(),
        d if d > 0 && d % 365 == 0 => format!("{} years", d / 365),
        d => format!("{d} days"),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "home/cookies.html")]
struct CookiesTemplate {
    page: Page,
}

async fn cookies(page: Page) -> CookiesTemplate {
    CookiesTemplate { page }
}

#[cfg(test)]
mod tests {
    use super::retention_period;

    #[test]
    fn retention_reads_as_years_when_whole_and_days_otherwise() {
        assert_eq!(retention_period(365), "1 year");
        assert_eq!(retention_period(730), "2 years");
        assert_eq!(retention_period(90), "90 days");
        assert_eq!(retention_period(366), "366 days");
        assert_eq!(retention_period(1), "1 day");
        assert_eq!(retention_period(0), "0 days");
    }
}
