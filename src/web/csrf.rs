//! Every POST must come from one of our own pages: the browser's `Origin` (or `Referer`) must be
//! this site, and the form must carry the token bound to the session. Either failing gets 403.
//! The token is read from an urlencoded form, from the `csrf_token` part of a
//! `multipart/form-data` form (a file upload), or from the `x-csrf-token` header.
//! A POST from this site whose session has ended is not refused but handed to
//! `session_timeout::after_session_ended`, which may keep the form and asks the person to
//! sign in again (issue 21); a sign-out from it still signs out (issue 22).

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use subtle::ConstantTimeEq;
use tower_sessions::Session;
use url::Url;

use crate::app::AppState;
use crate::web::error::AppError;
use crate::web::page::SESSION_CSRF;
use crate::web::session_timeout::{self, SessionEnded};

/// The form field that carries the token.
pub const FIELD: &str = "csrf_token";
/// The header that may carry it instead (for non-form requests).
pub const HEADER: &str = "x-csrf-token";
/// The sign-out route, which a browser whose session has ended may still use.
const SIGN_OUT: &str = "/logout";
/// The largest form body read for the check.
const BODY_LIMIT: usize = 2 * 1024 * 1024;
/// The largest `multipart/form-data` body (a file upload) read for the check: the largest ESR
/// extract and room for the form around it. The upload route allows as much with
/// `DefaultBodyLimit::max`, and counts the file itself against its own limit, so a file just
/// over it is refused on the form, field by field.
pub const MULTIPART_LIMIT: usize = crate::domain::esr_import::MAX_FORM_BYTES;

/// Checks unsafe requests; lets GET, HEAD and OPTIONS through.
pub async fn verify(
    State(state): State<AppState>,
    session: Session,
    req: Request,
    next: Next,
) -> Result<Response, AppError> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(next.run(req).await);
    }
    if !same_origin(req.headers(), &state) {
        // Only the referring site: the full Referer can be one of our pages with a token in it.
        tracing::warn!(
            origin = ?req.headers().get(header::ORIGIN),
            referer_origin = ?referer_origin(req.headers()),
            "cross-origin POST refused"
        );
        return Err(AppError::CsrfRejected);
    }
    let expected = session.get::<String>(SESSION_CSRF).await?;
    // No one is signed in, but this browser was: its session ended (issue 21).
    let ended = req.extensions().get::<SessionEnded>().is_some();
    if expected.is_none() && !ended {
        return Err(AppError::CsrfRejected);
    }

    let (parts, body) = req.into_parts();
    let boundary = multipart_boundary(&parts.headers);
    let bytes = match boundary {
        None => axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|_| {
            AppError::BadRequest(
                "The form was too large to send. Try again with less text.".into(),
            )
        })?,
        Some(_) => axum::body::to_bytes(body, MULTIPART_LIMIT)
            .await
            .map_err(|_| {
                AppError::BadRequest(
                    "The file was too large to send. Files can be up to 20 MB: split it into smaller files."
                        .into(),
                )
            })?,
    };
    let header_token = parts
        .headers
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let submitted = match (header_token, boundary) {
        (Some(token), _) => Some(token),
        (None, Some(boundary)) => multipart_token(bytes.clone(), boundary).await,
        (None, None) => form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == FIELD)
            .map(|(_, v)| v.into_owned()),
    };
    let valid = match (submitted, expected) {
        (Some(s), Some(expected)) => bool::from(s.as_bytes().ct_eq(expected.as_bytes())),
        _ => false,
    };
    if !valid && ended && parts.uri.path() == SIGN_OUT {
        // Signing out after the session ended still signs out: the handler ends whatever
        // replaced the session on this cookie (a password change in flight) and this
        // browser's binding, and changes nothing else. The Origin check above has passed.
        return Ok(next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await);
    }
    if !valid && ended {
        let urlencoded = is_urlencoded(&parts.headers);
        return session_timeout::after_session_ended(
            &state,
            &parts.headers,
            parts.uri.path(),
            &bytes,
            urlencoded,
        )
        .await;
    }
    if !valid {
        tracing::warn!("POST with a missing or wrong form token refused");
        return Err(AppError::CsrfRejected);
    }
    let mut parts = parts;
    let bytes = if is_urlencoded(&parts.headers) {
        let normalised = normalise_line_breaks(&bytes);
        if normalised.len() != bytes.len() {
            parts
                .headers
                .insert(header::CONTENT_LENGTH, normalised.len().into());
        }
        axum::body::Bytes::from(normalised)
    } else {
        bytes
    };
    Ok(next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await)
}

/// Whether the body is an urlencoded form (what every form of ours but a file upload sends).
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

/// Turns every line break of an urlencoded form body into `\n`: browsers send a textarea's
/// line breaks as `\r\n` (`%0D%0A`), and text split into lines or paragraphs must see one
/// kind. Done once here, before any handler reads the form, so every multi-line field of
/// every form is stored with `\n` only. `%0D%0A` and a lone `%0D` (either case of hex digit)
/// become `%0A`, as do raw carriage returns; nothing else changes.
pub fn normalise_line_breaks(body: &[u8]) -> Vec<u8> {
    fn is_cr(rest: &[u8]) -> bool {
        rest.len() >= 3 && rest[0] == b'%' && rest[1] == b'0' && rest[2].eq_ignore_ascii_case(&b'd')
    }
    fn is_lf(rest: &[u8]) -> bool {
        rest.len() >= 3 && rest[0] == b'%' && rest[1] == b'0' && rest[2].eq_ignore_ascii_case(&b'a')
    }
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let rest = &body[i..];
        if is_cr(rest) {
            out.extend_from_slice(b"%0A");
            i += 3;
            if is_lf(&body[i..]) {
                i += 3;
            }
        } else if rest[0] == b'\r' {
            out.push(b'\n');
            i += 1;
            if body.get(i) == Some(&b'\n') {
                i += 1;
            }
        } else {
            out.push(rest[0]);
            i += 1;
        }
    }
    out
}

/// The boundary of a `multipart/form-data` body, if the request has one.
fn multipart_boundary(headers: &HeaderMap) -> Option<String> {
    let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let is_form_data = content_type
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("multipart/form-data"));
    is_form_data
        .then(|| multer::parse_boundary(content_type).ok())
        .flatten()
}

/// The `csrf_token` part of a buffered `multipart/form-data` body. Parts before it are skipped
/// unread; a malformed body has no token.
async fn multipart_token(bytes: axum::body::Bytes, boundary: String) -> Option<String> {
    let mut form = multer::Multipart::new(Body::from(bytes).into_data_stream(), boundary);
    while let Ok(Some(part)) = form.next_field().await {
        if part.name() == Some(FIELD) {
            return part.text().await.ok();
        }
    }
    None
}

/// Whether the request says it came from this site. `Origin` is checked when present, else
/// `Referer`; a POST with neither is refused, as every current browser sends one of them.
fn same_origin(headers: &HeaderMap, state: &AppState) -> bool {
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return false;
    }
    let claimed = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|o| *o != "null")
        .map(str::to_owned)
        .or_else(|| referer_origin(headers));
    let Some(claimed) = claimed else { return false };
    let configured = state.config.origin();
    // The Host the browser connected to also counts, so http://localhost:3000 works when
    // BASE_URL says 127.0.0.1. A cross-site form still fails: its Origin is the other site.
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(|h| format!("{}://{h}", state.config.base_url.scheme()));
    claimed == configured || host.is_some_and(|h| h == claimed)
}

/// The scheme, host and port of the `Referer`, without its path or query.
fn referer_origin(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| Url::parse(r).ok())
        .map(|u| u.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::normalise_line_breaks;

    fn normalised(body: &str) -> String {
        String::from_utf8(normalise_line_breaks(body.as_bytes())).unwrap()
    }

    #[test]
    fn every_kind_of_line_break_becomes_one_newline() {
        assert_eq!(normalised("a=one%0D%0A%0D%0Atwo"), "a=one%0A%0Atwo");
        assert_eq!(
            normalised("a=one%0d%0atwo%0d%0Athree"),
            "a=one%0Atwo%0Athree"
        );
        assert_eq!(normalised("a=old%0Dmac%0Dstyle"), "a=old%0Amac%0Astyle");
        assert_eq!(normalised("a=x%0D%0D%0Ay"), "a=x%0A%0Ay");
        assert_eq!(normalised("a=raw\r\nbreak\rhere"), "a=raw\nbreak\nhere");
        let parsed: Vec<(String, String)> =
            form_urlencoded::parse(&normalise_line_breaks(b"d=P1%0D%0A%0D%0AP2&e=x"))
                .into_owned()
                .collect();
        assert_eq!(parsed[0].1, "P1\n\nP2");
    }

    #[test]
    fn nothing_else_changes() {
        for body in [
            "",
            "a=b&c=d",
            "a=%0A%0A",
            "a=%0Z%0",
            "a=%25%30D",
            "csrf_token=abc%2B%2F&x=100%25",
            "a=caf%C3%A9+%E2%80%94",
            "a=%",
            "a=%0",
        ] {
            assert_eq!(normalised(body), body, "{body}");
        }
    }
}
