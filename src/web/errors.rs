//! Friendly error pages. `AppError` marks a response with [`ErrorPage`]; this middleware,
//! which knows who is signed in, renders the page around it.

use std::any::Any;

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use tower_sessions::Session;

use crate::app::AppState;
use crate::web::AuthUser;
use crate::web::error::{AppError, ErrorPage};
use crate::web::page::Page;

#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorTemplate {
    page: Page,
    heading: &'static str,
    explanation: &'static str,
    message: Option<String>,
    status: u16,
}

fn words(status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::NOT_FOUND => (
            "Page not found",
            "If you typed the web address, check it is correct. If you pasted the web address, check you copied the entire address.",
        ),
        StatusCode::FORBIDDEN => (
            "You cannot see this page",
            "Your account does not give you access to this page, or the form you sent had expired. Go back, reload the page and try again. If you think you should have access, contact your administrator.",
        ),
        StatusCode::SERVICE_UNAVAILABLE => (
            "The service is busy",
            "A lot of people are signing in at this moment. Wait a few seconds, then go back and try again. You will need to type your password again.",
        ),
        StatusCode::TOO_MANY_REQUESTS => {
            ("Too many attempts", "Wait a few minutes, then try again.")
        }
        s if s.is_client_error() => (
            "There is a problem with your request",
            "Go back to the previous page and try again.",
        ),
        _ => (
            "Sorry, there is a problem with the service",
            "Try again later. Anything you saved has been kept. If the problem continues, contact the team that runs SPECTRA.",
        ),
    }
}

/// Renders friendly pages for marked errors, and for 404/405 responses from the router.
pub async fn render_error_pages(
    State(state): State<AppState>,
    session: Session,
    req: Request,
    next: Next,
) -> Response {
    let user = req.extensions().get::<AuthUser>().cloned();
    let response = next.run(req).await;
    let status = response.status();
    let marked = response.extensions().get::<ErrorPage>().cloned();
    let is_router_error =
        (status.is_client_error() || status.is_server_error()) && !is_html(&response);
    let Some(marked) = marked.or_else(|| is_router_error.then_some(ErrorPage { message: None }))
    else {
        return response;
    };
    // If the session cannot be read (the database is down, say), show the page without it.
    let page = match Page::build(&session, user, &state).await {
        Ok(page) => page,
        Err(e) => {
            tracing::warn!(error = %e, "error page shown without the session");
            Page::without_session(&state)
        }
    };
    render(page, status, marked.message, response)
}

/// The last resort, outside the session layer: a bare 5xx (a session that could not be saved,
/// say) still gets the friendly page, without the session.
pub async fn render_bare_errors(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let response = next.run(req).await;
    if response.status().is_server_error() && !is_html(&response) {
        let status = response.status();
        return render(Page::without_session(&state), status, None, response);
    }
    response
}

fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"))
}

fn render(page: Page, status: StatusCode, message: Option<String>, original: Response) -> Response {
    let (heading, explanation) = words(status);
    let template = ErrorTemplate {
        page,
        heading,
        explanation,
        message,
        status: status.as_u16(),
    };
    match template.render() {
        Ok(html) => {
            let mut rendered = (status, Html(html)).into_response();
            for kept in [header::ALLOW, header::RETRY_AFTER] {
                if let Some(value) = original.headers().get(&kept) {
                    rendered.headers_mut().insert(kept, value.clone());
                }
            }
            rendered
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot render the error page");
            original
        }
    }
}

/// The router's fallback: a 404 page.
pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// Turns a panic into an opaque 500, logged with what is known of it.
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "unknown panic".to_owned());
    AppError::Internal(anyhow::anyhow!("handler panicked: {detail}")).into_response()
}
