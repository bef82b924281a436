//! The signed-in user: loaded once per request by [`load_current_user`], then read by the
//! [`CurrentUser`] and [`MaybeUser`] extractors, and checked for roles by the extractors in
//! [`crate::web::roles`].

use axum::extract::{FromRequestParts, OriginalUri, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::{SESSION_AUTH_FP, SESSION_USER_ID, password};
use crate::db::users;
use crate::domain::Role;
use crate::web::error::AppError;

/// A signed-in, active user and their roles.
#[derive(Clone, Debug)]
pub struct AuthUser {
    /// User ID.
    pub id: i32,
    /// Sign-in email address.
    pub email: String,
    /// Name as they want it shown.
    pub full_name: String,
    /// Roles held.
    pub roles: Vec<Role>,
    /// The organisation of a hiring manager.
    pub organisation_id: Option<i32>,
}

impl AuthUser {
    /// Whether the user holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Whether the user holds the applicant role (for templates).
    pub fn is_applicant(&self) -> bool {
        self.has(Role::Applicant)
    }

    /// Whether the user holds the hiring manager role (for templates).
    pub fn is_hiring_manager(&self) -> bool {
        self.has(Role::HiringManager)
    }

    /// Whether the user holds the admin role (for templates).
    pub fn is_admin(&self) -> bool {
        self.has(Role::Admin)
    }

    /// Whether the user holds the champion role (for templates).
    pub fn is_champion(&self) -> bool {
        self.has(Role::Champion)
    }

    /// Whether the user runs the mentoring pilot (for templates).
    pub fn is_coordinator(&self) -> bool {
        self.has(Role::Coordinator)
    }

    /// Whether the user is a mentor or a mentee (for templates).
    pub fn is_in_mentoring(&self) -> bool {
        self.has(Role::Mentor) || self.has(Role::Mentee)
    }

    /// Whether the user may delete their own account (for templates).
    pub fn can_delete_own_account(&self) -> bool {
        crate::domain::privacy::may_delete_own_account(&self.roles)
    }

    /// The page with the user's next things to do.
    pub fn home(&self) -> crate::auth::Home {
        crate::auth::home_for(&self.roles)
    }
}

/// Loads the user named by the session. A session whose user is gone, deactivated, or has
/// changed password since signing in is ended here.
pub async fn load_current_user(
    State(state): State<AppState>,
    session: Session,
    mut req: Request,
    next: Next,
) -> Response {
    if let Err(e) = renew_if_due(&state, &session).await {
        return e.into_response();
    }
    match current_user(&state, &session).await {
        Ok(Some(user)) => {
            req.extensions_mut().insert(user);
        }
        Ok(None) => {
            if crate::web::session_timeout::session_ended(req.headers(), &session) {
                req.extensions_mut()
                    .insert(crate::web::session_timeout::SessionEnded);
            }
        }
        Err(e) => return e.into_response(),
    }
    let response = next.run(req).await;
    if let Err(e) = stamp_if_saved(&session).await {
        return e.into_response();
    }
    response
}

/// Session key of when the session was last renewed (Unix seconds).
const SESSION_RENEWED_AT: &str = "renewed_at";

/// Renews a stored session at most once a renewal interval (a minute): only then is it
/// marked changed, so only then is its row rewritten with a fresh idle expiry and its cookie
/// sent again. Between renewals a request reads the session and writes nothing. A visitor
/// with no session has nothing to renew, and nothing is created for them.
async fn renew_if_due(state: &AppState, session: &Session) -> Result<(), AppError> {
    let renewed = session.get::<i64>(SESSION_RENEWED_AT).await?;
    if session.id().is_none() {
        return Ok(());
    }
    let now = crate::db::now().unix_timestamp();
    let interval = crate::domain::load::renewal_interval(state.config.session_idle);
    if crate::domain::load::renewal_due(renewed, now, interval) {
        session.insert(SESSION_RENEWED_AT, now).await?;
    }
    Ok(())
}

/// How long this session has left without activity (the timeout warning counts down from it).
pub async fn seconds_left(session: &Session, idle: std::time::Duration) -> Result<u64, AppError> {
    let renewed = session.get::<i64>(SESSION_RENEWED_AT).await?;
    let now = crate::db::now().unix_timestamp();
    Ok(crate::domain::load::seconds_left(renewed, now, idle))
}

/// Renews the session now, whatever the minute's timer says ("Stay signed in"): the stamp is
/// taken out and put back, so the session is always marked changed and saved with a fresh
/// idle expiry, even within the second of the last renewal.
pub async fn renew_now(session: &Session) -> Result<(), AppError> {
    session.remove_value(SESSION_RENEWED_AT).await?;
    session
        .insert(SESSION_RENEWED_AT, crate::db::now().unix_timestamp())
        .await?;
    Ok(())
}

/// A session about to be written anyway (created, signed in, given a message) is stamped as
/// renewed now, so the next minute of reading writes nothing. A session emptied (signed out)
/// stays empty, so it is deleted rather than stored again.
async fn stamp_if_saved(session: &Session) -> Result<(), AppError> {
    if session.is_modified() && !session.is_empty().await {
        let now = crate::db::now().unix_timestamp();
        session.insert(SESSION_RENEWED_AT, now).await?;
    }
    Ok(())
}

async fn current_user(state: &AppState, session: &Session) -> Result<Option<AuthUser>, AppError> {
    let Some(user_id) = session.get::<i32>(SESSION_USER_ID).await? else {
        return Ok(None);
    };
    let fingerprint = session.get::<String>(SESSION_AUTH_FP).await?;
    let user = users::find_by_id(&state.db, user_id).await?;
    let Some(user) = user.filter(|u| {
        u.is_active && fingerprint.as_deref() == Some(&password::fingerprint(&u.password_hash))
    }) else {
        session.flush().await?;
        return Ok(None);
    };
    let roles = users::roles_of(&state.db, user.id).await?;
    Ok(Some(AuthUser {
        id: user.id,
        email: user.email,
        full_name: user.full_name,
        roles,
        organisation_id: user.organisation_id,
    }))
}

/// The signed-in user; anyone else is sent to sign in and brought back.
#[derive(Clone, Debug)]
pub struct CurrentUser(pub AuthUser);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<AuthUser>() {
            Some(user) => Ok(CurrentUser(user.clone())),
            None => {
                // Inside a nested router `parts.uri` lacks the prefix; the original has it.
                let uri = parts
                    .extensions
                    .get::<OriginalUri>()
                    .map_or(&parts.uri, |o| &o.0);
                let next = if parts.method == axum::http::Method::GET {
                    uri.path_and_query().map_or("/", |p| p.as_str()).to_owned()
                } else {
                    crate::domain::kept_form::form_page_for(uri.path())
                        .unwrap_or_else(|| "/".to_owned())
                };
                // Someone whose session ended is told so, not just asked to sign in.
                if parts
                    .extensions
                    .get::<crate::web::session_timeout::SessionEnded>()
                    .is_some()
                {
                    return Err(AppError::SessionEnded { next });
                }
                Err(AppError::SignInRequired { next })
            }
        }
    }
}

/// The signed-in user, if there is one.
#[derive(Clone, Debug)]
pub struct MaybeUser(pub Option<AuthUser>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeUser(parts.extensions.get::<AuthUser>().cloned()))
    }
}

/// Who is acting, for the use cases, is the signed-in person.
impl<'a> From<&'a AuthUser> for crate::services::Actor<'a> {
    fn from(user: &'a AuthUser) -> Self {
        crate::services::Actor {
            id: user.id,
            name: &user.full_name,
            email: &user.email,
        }
    }
}
