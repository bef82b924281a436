//! The web layer: one module per area, each with its own `router()`, assembled here with the
//! layers every request passes through.

pub mod accounts;
pub mod admin;
pub mod applications;
pub mod assets;
pub mod champion;
pub mod client_address;
pub mod csrf;
pub mod current_user;
pub mod download;
pub mod error;
pub mod errors;
pub mod health;
pub mod home;
pub mod manage;
pub mod mentoring;
pub mod page;
pub mod profile;
pub mod roles;
pub mod security_headers;
pub mod session_store;
pub mod session_timeout;
pub mod shortlisting;
pub mod text_guard;
pub mod unit_of_work;
pub mod vacancies;
pub mod vacancy_view;

pub use client_address::ClientAddress;
pub use current_user::{AuthUser, CurrentUser, MaybeUser};

use std::time::Duration;

use axum::Router;
use axum::extract::MatchedPath;
use axum::http::{HeaderName, Request, StatusCode};
use axum::middleware::from_fn_with_state;
use time::Duration as TimeDuration;
use tower_http::LatencyUnit;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tracing::Level;

use crate::app::AppState;
use crate::web::current_user::load_current_user;
use crate::web::session_store::SeaOrmSessionStore;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "spectra_session";
const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// What a request's log lines name it by: its route's pattern, like `/reset-password/{token}`,
/// never the path itself, which may carry a reset, confirmation or invitation token. Query
/// strings are never logged. The trace layer is added with `Router::layer`, which wraps each
/// route after matching, so the pattern is known when the span is made; a path no route
/// matches is not echoed at all.
fn route_of<B>(req: &Request<B>) -> &str {
    req.extensions()
        .get::<MatchedPath>()
        .map_or("(unmatched)", MatchedPath::as_str)
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let config = state.config.clone();
    let idle = TimeDuration::try_from(config.session_idle).unwrap_or(TimeDuration::minutes(30));
    let sessions = SessionManagerLayer::new(SeaOrmSessionStore::new(state.db.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.is_https())
        .with_expiry(Expiry::OnInactivity(idle))
        // Saved only when changed: a visitor's page writes nothing, and a signed-in person's
        // session is renewed (its idle timer restarted) at most once a minute, by
        // `load_current_user`.
        .with_always_save(false);

    // Layers run bottom-up for requests: the session first, then the user, error pages, CSRF.
    let pages = Router::new()
        .merge(home::router())
        .merge(accounts::router())
        .merge(vacancies::router())
        .merge(profile::router())
        .merge(applications::router())
        .merge(shortlisting::router())
        .merge(champion::router())
        .merge(mentoring::router())
        .merge(session_timeout::router())
        .nest("/admin", admin::router(state.clone()))
        .nest("/manage", manage::router())
        .fallback(errors::not_found)
        .layer(CatchPanicLayer::custom(errors::panic_response))
        .layer(axum::middleware::from_fn(
            text_guard::refuse_hidden_characters,
        ))
        .layer(from_fn_with_state(state.clone(), csrf::verify))
        .layer(from_fn_with_state(
            state.clone(),
            errors::render_error_pages,
        ))
        .layer(from_fn_with_state(state.clone(), load_current_user))
        .layer(sessions)
        .layer(from_fn_with_state(
            state.clone(),
            errors::render_bare_errors,
        ));

    let app = Router::new()
        .merge(assets::router())
        .merge(health::router())
        .merge(pages);
    security_headers::apply(app, config.is_https())
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<_>| {
                    let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", request_id = %id, method = %req.method(), route = %route_of(req))
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO).latency_unit(LatencyUnit::Millis)),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}
