//! Who may see a page: one extractor per set of roles ([`Admin`], [`Champion`], ...), each the
//! signed-in user holding at least one of its roles, and [`only`], the same check as a router's
//! layer. A handler takes the extractor (`Coordinator(me): Coordinator`), so it checks for
//! itself whatever router it is mounted in; the router checks with the same extractor too, for
//! the routes whose handlers read no user. One check, [`holding`], answers for all of them:
//! anyone signed out is sent to sign in (as [`CurrentUser`] does), and a signed-in user without
//! the role gets 403.

use axum::extract::{FromRequestParts, MatchedPath, Request};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;

use crate::domain::Role;
use crate::web::current_user::{AuthUser, CurrentUser};
use crate::web::error::AppError;

/// The signed-in user if they hold any of `roles`: signed out is [`CurrentUser`]'s answer
/// (sign in, or "your session ended"), and without the role is 403, logged with the route's
/// pattern (never the path, which can carry IDs or tokens).
pub async fn holding(parts: &mut Parts, roles: &[Role]) -> Result<AuthUser, AppError> {
    let CurrentUser(user) = CurrentUser::from_request_parts(parts, &()).await?;
    if roles.iter().any(|r| user.has(*r)) {
        return Ok(user);
    }
    let needed: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    tracing::warn!(
        user_id = user.id,
        needed = needed.join(" or "),
        route = parts
            .extensions
            .get::<MatchedPath>()
            .map_or("(unmatched)", |p| p.as_str()),
        "role check refused"
    );
    Err(AppError::Forbidden)
}

/// A router's layer that lets a request through only if the extractor `R` accepts it (with
/// `R` one of this module's role extractors): `.route_layer(from_fn(only::<Admin>))`.
pub async fn only<R>(_: R, req: Request, next: Next) -> Response
where
    R: FromRequestParts<()>,
{
    next.run(req).await
}

/// Declares a role extractor: a tuple struct of the user, and how it is extracted.
macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident: $($role:ident)|+) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $name(pub AuthUser);

        impl $name {
            /// The roles that let someone in: any one of them.
            pub const ROLES: &'static [Role] = &[$(Role::$role),+];
        }

        impl<S: Send + Sync> FromRequestParts<S> for $name {
            type Rejection = AppError;

            async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
                holding(parts, Self::ROLES).await.map($name)
            }
        }
    };
}

role_extractor!(
    /// A signed-in administrator.
    Admin: Admin
);
role_extractor!(
    /// A signed-in applicant.
    Applicant: Applicant
);
role_extractor!(
    /// A signed-in hiring manager.
    HiringManager: HiringManager
);
role_extractor!(
    /// A signed-in Executive Champion: the exceptions and the audit log are theirs alone.
    Champion: Champion
);
role_extractor!(
    /// A signed-in Executive Champion or administrator: the dashboard, its lists and exports,
    /// the overdue checkpoints, and the ESR import and export.
    ChampionOrAdmin: Champion | Admin
);
role_extractor!(
    /// A signed-in coordinator of the mentoring pilot.
    Coordinator: Coordinator
);
role_extractor!(
    /// A signed-in mentor or mentee.
    MentorOrMentee: Mentor | Mentee
);

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::http::{Request, StatusCode, header};
    use axum::middleware::from_fn;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    fn user(roles: &[Role]) -> AuthUser {
        AuthUser {
            id: 7,
            email: "someone@example.org".into(),
            full_name: "Someone".into(),
            roles: roles.to_vec(),
            organisation_id: None,
        }
    }

    /// What `/page?x=1` answers (status, and where it sends) for `who`: a handler that takes
    /// the extractor, or one that reads no user behind the router's layer.
    async fn answer(app: Router, who: Option<AuthUser>) -> (StatusCode, String) {
        let mut request = Request::get("/page?x=1").body(Body::empty()).unwrap();
        if let Some(who) = who {
            request.extensions_mut().insert(who);
        }
        let response = app.oneshot(request).await.unwrap();
        let to = response
            .headers()
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (response.status(), to)
    }

    fn in_handler() -> Router {
        Router::new().route(
            "/page",
            get(|Coordinator(me): Coordinator| async move { me.full_name }),
        )
    }

    fn in_layer() -> Router {
        Router::new()
            .route("/page", get(|| async { "page" }))
            .route_layer(from_fn(only::<ChampionOrAdmin>))
    }

    #[tokio::test]
    async fn the_extractor_sends_the_signed_out_to_sign_in_and_refuses_the_wrong_role() {
        let signed_out = answer(in_handler(), None).await;
        let wrong = answer(in_handler(), Some(user(&[Role::Mentor]))).await;
        let right = answer(in_handler(), Some(user(&[Role::Mentor, Role::Coordinator]))).await;

        assert_eq!(
            signed_out,
            (StatusCode::SEE_OTHER, "/login?next=%2Fpage%3Fx%3D1".into())
        );
        assert_eq!(wrong, (StatusCode::FORBIDDEN, String::new()));
        assert_eq!(right, (StatusCode::OK, String::new()));
    }

    #[tokio::test]
    async fn the_layer_answers_as_the_extractor_and_any_one_of_its_roles_lets_in() {
        let signed_out = answer(in_layer(), None).await;
        let wrong = answer(in_layer(), Some(user(&[Role::HiringManager]))).await;
        let champion = answer(in_layer(), Some(user(&[Role::Champion]))).await;
        let admin = answer(in_layer(), Some(user(&[Role::Admin]))).await;

        assert_eq!(
            signed_out,
            (StatusCode::SEE_OTHER, "/login?next=%2Fpage%3Fx%3D1".into())
        );
        assert_eq!(wrong, (StatusCode::FORBIDDEN, String::new()));
        assert_eq!(champion, (StatusCode::OK, String::new()));
        assert_eq!(admin, (StatusCode::OK, String::new()));
    }
}
