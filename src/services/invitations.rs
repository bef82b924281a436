//! Invitations to staff accounts: administrators revoke them, and staff accept them.

use sea_orm::{ConnectionTrait, SqlErr};
use serde_json::json;

use crate::db::audit::{self, AuditAction};
use crate::db::{invitations, users};
use crate::domain::{EmailAddress, Role, role};
use crate::entities::{invitation, user};

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
    txn: &impl ConnectionTrait,
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
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Ok(Err(AcceptRefusal::AccountExists));
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        txn,
        Some(user.id),
        AuditAction::InvitationAccepted,
        &format!("invitation:{}", invitation.id),
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
    txn: &impl ConnectionTrait,
    admin_id: i32,
    invitation_id: i32,
) -> anyhow::Result<Result<invitation::Model, RevokeRefusal>> {
    let Some(invitation) = invitations::find(txn, invitation_id).await? else {
        return Ok(Err(RevokeRefusal::NotFound));
    };
    // Conditional on the row still being open, so it cannot race an acceptance.
    if !invitations::revoke(txn, invitation_id).await? {
        return Ok(Err(RevokeRefusal::NoLongerOpen));
    }
    audit::record(
        txn,
        Some(admin_id),
        AuditAction::InvitationRevoked,
        &format!("invitation:{invitation_id}"),
        json!({ "roles": invitation.roles, "organisation_id": invitation.organisation_id }),
    )
    .await?;
    Ok(Ok(invitation))
}
