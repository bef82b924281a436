//! The one place where typed text is checked for hidden characters (docs/DOMAIN.md §9): every
//! query string, and every urlencoded form, whatever page it is for. A value with a control
//! character other than a tab or a line break ([`text_input::is_refused`]) is refused with a
//! 400 page that says what to do, before any handler reads it, so nothing of it is stored.
//! File uploads are checked cell by cell by the import that reads them.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::domain::text_input;
use crate::web::error::AppError;

/// The largest form body read (the token check has read no more than this already).
const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// Refuses a request whose query string or urlencoded form holds a refused character.
pub async fn refuse_hidden_characters(req: Request, next: Next) -> Result<Response, AppError> {
    if req
        .uri()
        .query()
        .is_some_and(|q| holds_refused(q.as_bytes()))
    {
        tracing::warn!(
            path = req.uri().path(),
            "query with a control character refused"
        );
        return Err(AppError::BadRequest(text_input::refusal(
            "The address of this page",
        )));
    }
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || !is_urlencoded(req.headers())
    {
        return Ok(next.run(req).await);
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|_| {
        AppError::BadRequest("The form was too large to send. Try again with less text.".into())
    })?;
    if holds_refused(&bytes) {
        tracing::warn!(
            path = parts.uri.path(),
            "form with a control character refused"
        );
        return Err(AppError::BadRequest(format!(
            "{} Use your browser's back button to return to the form.",
            text_input::refusal("Something you typed")
        )));
    }
    Ok(next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await)
}

/// Whether any name or value of an urlencoded text holds a refused character once decoded.
fn holds_refused(encoded: &[u8]) -> bool {
    form_urlencoded::parse(encoded)
        .any(|(name, value)| text_input::has_refused(&name) || text_input::has_refused(&value))
}

fn is_urlencoded(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|t| t.split(';').next())
        .is_some_and(|t| {
            t.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_control_characters_are_found_in_names_and_values() {
        assert!(holds_refused(b"job_role=Nurse%00"));
        assert!(holds_refused(b"a%1B=1"));
        assert!(holds_refused(b"x=%C2%85"));
    }

    #[test]
    fn line_breaks_tabs_and_any_script_pass() {
        assert!(!holds_refused(
            b"answer=one%0Atwo%0D%0A%09three&name=Stra%C3%9Fe"
        ));
        assert!(!holds_refused(b"to=2026-01-01&organisation="));
    }
}
