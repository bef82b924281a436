//! Inviting staff: an email with roles (and an organisation, for hiring managers). The invitee
//! chooses their own password from the emailed link. Open invitations are listed, and can be
//! revoked until they are accepted.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use tower_sessions::Session;

use crate::app::AppState;
use crate::db::{invitations, organisations, users};
use crate::domain::{EmailAddress, FullName, Role, london_time};
use crate::entities::{invitation, organisation};
use crate::services::Actor;
use crate::services::invitations::{
    self as invitation_service, InviteRefusal, NewInvitation, RevokeRefusal,
};
use crate::web::admin::{InviteForm, parse_roles_and_organisation};
use crate::web::error::{AppError, AppResult};
use crate::web::page::{FormErrors, IdPath, Page, flash, warning};
use crate::web::roles::Admin;
use crate::web::unit_of_work::UnitOfWork;

/// Said when the address already has an account.
const ACCOUNT_EXISTS: &str =
    "An account with this email address already exists. Change its roles from the list of users.";
/// Said when the organisation chosen is no longer offered.
const ORGANISATION_CLOSED: &str = "Choose the organisation this hiring manager works for";

/// One open invitation, for the list.
pub struct OpenInvitation {
    invitation: invitation::Model,
    roles: Vec<Role>,
    /// The organisation's name, for a hiring manager, or empty.
    organisation: String,
    /// When the link stops working, in words.
    expires: String,
}

impl OpenInvitation {
    fn new(invitation: invitation::Model, orgs: &[organisation::Model]) -> AppResult<Self> {
        Ok(OpenInvitation {
            roles: invitations::roles_of(&invitation)?,
            organisation: invitation
                .organisation_id
                .and_then(|id| orgs.iter().find(|o| o.id == id))
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            expires: london_time::describe_day(invitation.expires_at),
            invitation,
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/invitations.html")]
pub struct ListTemplate {
    page: Page,
    open: Vec<OpenInvitation>,
}

pub async fn list(State(state): State<AppState>, page: Page) -> AppResult<ListTemplate> {
    let orgs = organisations::all(&state.db).await?;
    let open = invitations::open(&state.db)
        .await?
        .into_iter()
        .map(|invitation| OpenInvitation::new(invitation, &orgs))
        .collect::<AppResult<_>>()?;
    Ok(ListTemplate { page, open })
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/invitation_revoke.html")]
pub struct RevokeTemplate {
    page: Page,
    item: OpenInvitation,
}

/// Asks before revoking an open invitation, saying what will happen. Changes nothing; an
/// invitation no longer open goes back to the list, saying so.
pub async fn confirm_revoke(
    State(state): State<AppState>,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    let invitation = invitations::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if invitation.accepted_at.is_some()
        || invitation.revoked_at.is_some()
        || invitation.expires_at <= crate::db::now()
    {
        warning(
            &session,
            "That invitation had already been accepted, revoked or had expired, so there is nothing to revoke.",
        )
        .await?;
        return Ok(Redirect::to("/admin/invitations").into_response());
    }
    let orgs = organisations::all(&state.db).await?;
    Ok(RevokeTemplate {
        page,
        item: OpenInvitation::new(invitation, &orgs)?,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/invite.html")]
pub struct InviteTemplate {
    page: Page,
    email: String,
    full_name: String,
    chosen: Vec<Role>,
    chosen_organisation: Option<i32>,
    staff_roles: [Role; 5],
    organisations: Vec<organisation::Model>,
    errors: FormErrors,
}

pub async fn new(State(state): State<AppState>, page: Page) -> AppResult<InviteTemplate> {
    Ok(InviteTemplate {
        page,
        email: String::new(),
        full_name: String::new(),
        chosen: Vec::new(),
        chosen_organisation: None,
        staff_roles: Role::STAFF,
        // A deactivated organisation takes no new staff.
        organisations: organisations::offered(&state.db, None).await?,
        errors: FormErrors::default(),
    })
}

pub async fn create(
    State(state): State<AppState>,
    Admin(me): Admin,
    session: Session,
    page: Page,
    Form(form): Form<InviteForm>,
) -> AppResult<Response> {
    let orgs = organisations::offered(&state.db, None).await?;
    let mut errors = FormErrors::default();
    let email = errors.check("email", EmailAddress::parse(&form.email));
    let name = errors.check(
        "full_name",
        FullName::parse(&form.full_name).map_err(|_| "Enter the person's full name"),
    );
    if let Some(email) = &email
        && users::find_by_email(&state.db, email.as_str())
            .await?
            .is_some()
    {
        errors.add("email", ACCOUNT_EXISTS);
    }
    let names = &form.roles;
    let parsed = parse_roles_and_organisation(
        names,
        &form.organisation,
        &Role::STAFF,
        |id| orgs.iter().any(|o| o.id == id),
        &mut errors,
    );
    let (Some(email), Some(name), Some((roles, organisation_id)), true) =
        (email, name, parsed, errors.is_empty())
    else {
        let template = InviteTemplate {
            page,
            email: form.email.clone(),
            full_name: form.full_name.clone(),
            chosen: names.iter().filter_map(|n| Role::parse(n)).collect(),
            chosen_organisation: form.organisation.parse().ok(),
            staff_roles: Role::STAFF,
            organisations: orgs,
            errors,
        };
        return Ok(template.into_response());
    };

    let uow = UnitOfWork::begin(&state).await?;
    let outcome = invitation_service::invite(
        &uow,
        &state.config,
        Actor::from(&me),
        NewInvitation {
            email: &email,
            name: &name,
            roles: &roles,
            organisation_id,
        },
    )
    .await?;
    if let Err(refusal) = outcome {
        drop(uow);
        let mut errors = FormErrors::default();
        match refusal {
            InviteRefusal::AccountExists => errors.add("email", ACCOUNT_EXISTS),
            InviteRefusal::OrganisationClosed => errors.add("organisation", ORGANISATION_CLOSED),
        }
        let template = InviteTemplate {
            page,
            email: form.email.clone(),
            full_name: form.full_name.clone(),
            chosen: names.iter().filter_map(|n| Role::parse(n)).collect(),
            chosen_organisation: form.organisation.parse().ok(),
            staff_roles: Role::STAFF,
            organisations: organisations::offered(&state.db, None).await?,
            errors,
        };
        return Ok(template.into_response());
    }
    uow.commit().await?;

    flash(&session, format!("Invitation sent to {email}")).await?;
    Ok(Redirect::to("/admin/invitations").into_response())
}

/// Revokes an open invitation: its link stops working at once.
pub async fn revoke(
    State(state): State<AppState>,
    Admin(me): Admin,
    session: Session,
    IdPath(id): IdPath,
) -> AppResult<Redirect> {
    let uow = UnitOfWork::begin(&state).await?;
    match invitation_service::revoke(&uow, Actor::from(&me), id).await? {
        Ok(invitation) => {
            uow.commit().await?;
            tracing::info!(invitation_id = id, user_id = me.id, "invitation revoked");
            flash(
                &session,
                format!(
                    "The invitation to {} has been revoked. Its link no longer works.",
                    invitation.full_name
                ),
            )
            .await?;
        }
        Err(RevokeRefusal::NotFound) => return Err(AppError::NotFound),
        Err(RevokeRefusal::NoLongerOpen) => {
            warning(
                &session,
                "That invitation had already been accepted, revoked or had expired, so nothing changed.",
            )
            .await?;
        }
    }
    Ok(Redirect::to("/admin/invitations"))
}
