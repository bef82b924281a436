//! Invitations to staff accounts: administrators send and revoke them, and staff accept them.

use sea_orm::DatabaseTransaction;
use serde_json::json;

use crate::auth::tokens;
use crate::config::Config;
use crate::db::audit::{self, AuditAction};
use crate::db::{invitations, organisations, outbox, users};
use crate::domain::audit_subject::AuditSubject;
use crate::domain::{EmailAddress, FullName, Role, role};
use crate::entities::{invitation, user};
use crate::mail::templates::{EmailContent, Invitation};
use crate::services::{Actor, Outcome};

/// Who is invited, as parsed from the administrator's form.
#[derive(Clone, Copy, Debug)]
pub struct NewInvitation<'a> {
    /// Their email address.
    pub email: &'a EmailAddress,
    /// Their full name.
    pub name: &'a FullName,
    /// The roles they will have.
    pub roles: &'a [Role],
    /// Their organisation, for a hiring manager.
    pub organisation_id: Option<i32>,
}

/// Why an invitation was not sent. Nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InviteRefusal {
    /// An account with this email address exists already.
    AccountExists,
    /// The organisation chosen does not exist, or has been deactivated.
    OrganisationClosed,
}

/// An administrator invites someone to a staff account: any invitation still open for the
/// address is revoked, the new one is stored (its link only as a hash), audited and emailed.
/// The address and the organisation are judged inside the transaction; the organisation is
/// held so that it cannot be deactivated meanwhile.
pub async fn invite(
    txn: &DatabaseTransaction,
    config: &Config,
    admin: Actor<'_>,
    new: NewInvitation<'_>,
) -> Outcome<invitation::Model, InviteRefusal> {
    if users::find_by_email(txn, new.email.as_str())
        .await?
        .is_some()
    {
        return Ok(Err(InviteRefusal::AccountExists));
    }
    let organisation = match new.organisation_id {
        None => None,
        Some(id) => match organisations::find_for_new_member(txn, id).await? {
            Some(o) if o.deactivated_at.is_none() => Some(o.name),
            _ => return Ok(Err(InviteRefusal::OrganisationClosed)),
        },
    };
    let (token, token_hash) = tokens::generate();
    let message = Invitation {
        name: new.name.as_str().to_owned(),
        invited_by: admin.name.to_owned(),
        roles: new.roles.iter().map(|r| r.label().to_owned()).collect(),
        organisation,
        link: config.link(&format!("/invitation/{token}")),
        expires: format!("{} days", invitations::LIFETIME.whole_days()),
    }
    .to_email(new.email.as_str())?;
    let replaced = invitations::revoke_open_for(txn, new.email).await?;
    let invitation = invitations::create(
        txn,
        new.email,
        new.name.as_str(),
        new.roles,
        new.organisation_id,
        &token_hash,
        admin.id,
    )
    .await?;
    audit::record(
        txn,
        Some(admin.id),
        AuditAction::InvitationSent,
        &AuditSubject::Invitation(invitation.id),
        json!({ "roles": role::format_list(new.roles), "organisation_id": new.organisation_id, "replaced_invitations": replaced }),
    )
    .await?;
    outbox::enqueue(txn, &message).await?;
    Ok(Ok(invitation))
}

/// Why an invitation could not be accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AcceptRefusal {
    /// It was accepted or revoked meanwhile.
    NoLongerOpen,
    /// An account with its email address exists already.
    AccountExists,
}

/// Accepts an open invitation: the account is created with the invited roles and
/// organisation and a password already hashed, and it is audited. The caller rolls back on
/// a refusal.
pub async fn accept(
    txn: &DatabaseTransaction,
    invitation: &invitation::Model,
    email: &EmailAddress,
    roles: &[Role],
    password_hash: String,
) -> anyhow::Result<Result<user::Model, AcceptRefusal>> {
    // Conditional on the row still being open, so it cannot race a revocation or a second tab.
    if !invitations::accept(txn, invitation.id).await? {
        return Ok(Err(AcceptRefusal::NoLongerOpen));
    }
    let created = users::create(
        txn,
        users::NewUser {
            email,
            full_name: &invitation.full_name,
            password_hash,
            email_verified: true,
            organisation_id: invitation.organisation_id,
            roles,
        },
    )
    .await;
    let user = match created {
        Ok(user) => user,
        Err(e) if crate::db::is_unique_violation(&e) => {
            return Ok(Err(AcceptRefusal::AccountExists));
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        txn,
        Some(user.id),
        AuditAction::InvitationAccepted,
        &AuditSubject::Invitation(invitation.id),
        json!({
            "user": user.id,
            "roles": role::format_list(roles),
            "organisation_id": invitation.organisation_id,
            "invited_by": invitation.invited_by,
        }),
    )
    .await?;
    Ok(Ok(user))
}

/// Why an invitation was not revoked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RevokeRefusal {
    /// There is no such invitation.
    NotFound,
    /// It was accepted, revoked or had expired already.
    NoLongerOpen,
}

/// Revokes an open invitation, so its link no longer works, and records who did it in the
/// audit log. Returns the invitation as it was.
pub async fn revoke(
    txn: &DatabaseTransaction,
    admin: Actor<'_>,
    invitation_id: i32,
) -> Outcome<invitation::Model, RevokeRefusal> {
    let Some(invitation) = invitations::find(txn, invitation_id).await? else {
        return Ok(Err(RevokeRefusal::NotFound));
    };
    // Conditional on the row still being open, so it cannot race an acceptance.
    if !invitations::revoke(txn, invitation_id).await? {
        return Ok(Err(RevokeRefusal::NoLongerOpen));
    }
    audit::record(
        txn,
        Some(admin.id),
        AuditAction::InvitationRevoked,
        &AuditSubject::Invitation(invitation_id),
        json!({ "roles": invitation.roles, "organisation_id": invitation.organisation_id }),
    )
    .await?;
    Ok(Ok(invitation))
}
