//! Static files, embedded at build time under a content-hashed prefix (see `build.rs`), served
//! with year-long immutable caching.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::app::AppState;
use crate::web::error::AppError;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/assets.rs"));
}

/// URL prefix of this build's static files, e.g. `/static/0123456789ab`.
pub const PREFIX: &str = embedded::PREFIX;

/// The static file routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(&format!("{PREFIX}/{{*path}}"), get(serve))
        .route(
            "/favicon.ico",
            get(|| serve(Path("assets/images/favicon.ico".to_owned()))),
        )
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("json") => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

async fn serve(Path(path): Path<String>) -> Result<Response, AppError> {
    let (_, bytes) = embedded::FILES
        .iter()
        .find(|(name, _)| *name == path)
        .ok_or(AppError::NotFound)?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(&path)),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    Ok(response)
}

/// The files embedded, for tests.
pub fn file_names() -> impl Iterator<Item = &'static str> {
    embedded::FILES.iter().map(|(name, _)| *name)
}
