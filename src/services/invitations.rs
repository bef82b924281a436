//! Invitations to staff accounts, as administrators manage them.

use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::db::audit::{self, AuditAction};
use crate::db::invitations;
use crate::entities::invitation;

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
        json!({ "email": invitation.email, "roles": invitation.roles }),
    )
    .await?;
    Ok(Ok(invitation))
}
