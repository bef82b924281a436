//! Accounts: registering, confirming an email address, signing in and out, resetting and
//! changing a password, accepting a staff invitation, and deleting your own account.

mod account;
mod change_password;
mod data;
mod delete;
mod invitation;
mod login;
mod logout;
mod password_reset;
mod register;
mod verify_email;

use axum::Router;
use axum::routing::get;
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::{SESSION_AUTH_FP, SESSION_HANDOVER, SESSION_USER_ID, password};
use crate::entities::user;
use crate::web::error::AppError;
use crate::web::page::new_csrf_token;
use crate::web::session_store;
use crate::web::unit_of_work::UnitOfWork;

/// The account routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/register", get(register::show).post(register::submit))
        .route("/register/check-email", get(register::check_email))
        .route(
            "/verify-email/resend",
            axum::routing::post(verify_email::resend),
        )
        .route(
            "/verify-email/{token}",
            get(verify_email::show).post(verify_email::confirm),
        )
        .route("/login", get(login::show).post(login::submit))
        .route("/logout", axum::routing::post(logout::submit))
        .route("/signed-out", get(logout::signed_out))
        .route(
            "/forgot-password",
            get(password_reset::show_request).post(password_reset::request),
        )
        .route("/forgot-password/sent", get(password_reset::sent))
        .route(
            "/reset-password/{token}",
            get(password_reset::show_reset).post(password_reset::reset),
        )
        .route("/account", get(account::show))
        .route("/account/data", get(data::show))
        .route("/account/data.json", get(data::download))
        .route(
            "/account/password",
            get(change_password::show).post(change_password::submit),
        )
        .route("/account/delete", get(delete::show).post(delete::submit))
        .route("/account/deleted", get(delete::deleted))
        .route(
            "/invitation/{token}",
            get(invitation::show).post(invitation::accept),
        )
}

/// Signs `user` in on this session: a new session ID (so a planted ID is useless), a new form
/// token, and the password fingerprint that ties the session to the current password. The
/// session is stored at once, and only if the account can still be used with that password
/// and, for a password change (`handover`), the session it came from was not signed out
/// meanwhile (see `services::sessions`). Returns false when it was not: the session is emptied,
/// so the browser is signed out, and nothing is stored.
pub(crate) async fn sign_in(
    session: &Session,
    user: &user::Model,
    handover: Option<String>,
) -> Result<bool, AppError> {
    session.cycle_id().await?;
    new_csrf_token(session).await?;
    session.insert(SESSION_USER_ID, user.id).await?;
    session
        .insert(SESSION_AUTH_FP, password::fingerprint(&user.password_hash))
        .await?;
    if let Some(handover) = handover {
        session.insert(SESSION_HANDOVER, handover).await?;
    }
    match session.save().await {
        Ok(()) => Ok(true),
        Err(tower_sessions::session::Error::Store(e)) if session_store::is_refused(&e) => {
            session.clear().await;
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

/// Binds this browser to the account just signed in (issue 21), so a form it sends after the
/// session ends can be kept for that account alone.
pub(crate) async fn bind_browser(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    user: crate::services::Actor<'_>,
    response: &mut axum::response::Response,
) -> Result<(), AppError> {
    use crate::web::session_timeout;
    let current = session_timeout::binding_token(headers);
    let uow = UnitOfWork::begin(state).await?;
    let Some(token) =
        crate::services::kept_forms::bind_signed_in_browser(&uow, user, current.as_deref()).await?
    else {
        return Ok(());
    };
    uow.commit().await?;
    session_timeout::set_binding(response, token, state.config.is_https());
    Ok(())
}
