//! What an administrator changes on an account: its roles and organisation, and whether it can
//! sign in. Each is judged on the account's row read and locked in the transaction that writes,
//! so a deletion that commits first wins: the anonymous record it leaves is never changed (a
//! reactivation racing a deletion would otherwise leave an erased account active).

use sea_orm::DatabaseTransaction;
use serde_json::json;

use crate::db::audit::{self, AuditAction};
use crate::db::{sessions, users};
use crate::domain::audit_subject::AuditSubject;
use crate::domain::{Role, account};
use crate::entities::user;
use crate::services::{Actor, Outcome};

/// Why an account was not changed. Nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdminRefusal {
    /// No such account.
    NotFound,
    /// It was deleted: only its anonymous record is left.
    Deleted,
    /// An administrator cannot deactivate their own account.
    OwnAccount,
}

/// The account `user_id`, locked, if an administrator can still change it.
async fn lock_changeable(
    txn: &DatabaseTransaction,
    user_id: i32,
) -> Outcome<user::Model, AdminRefusal> {
    match users::find_for_update(txn, user_id).await? {
        None => Ok(Err(AdminRefusal::NotFound)),
        Some(user) if !account::is_changeable(user.deleted_at.is_some()) => {
            Ok(Err(AdminRefusal::Deleted))
        }
        Some(user) => Ok(Ok(user)),
    }
}

/// Replaces `user_id`'s roles and organisation, as `admin` asked, and audits what they were
/// and what they are (both read inside the transaction).
pub async fn change_roles(
    txn: &DatabaseTransaction,
    admin: Actor<'_>,
    user_id: i32,
    roles: &[Role],
    organisation_id: Option<i32>,
) -> Outcome<(), AdminRefusal> {
    let user = match lock_changeable(txn, user_id).await? {
        Ok(user) => user,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let before = users::roles_of(txn, user_id).await?;
    users::set_roles(txn, user_id, roles, organisation_id).await?;
    audit::record(
        txn,
        Some(admin.id),
        AuditAction::RolesChanged,
        &AuditSubject::User(user_id),
        json!({
            "before": before.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
            "after": roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
            "organisation_before": user.organisation_id,
            "organisation_after": organisation_id,
        }),
    )
    .await?;
    Ok(Ok(()))
}

/// Gives `user_id` one more role, as `by` asked, and audits it as a role change with the roles
/// before and after (both read inside the transaction). Returns whether the role was new: an
/// account that holds it already is left as it is, and nothing is audited.
pub async fn grant_role(
    txn: &DatabaseTransaction,
    by: Actor<'_>,
    user_id: i32,
    role: Role,
) -> Outcome<bool, AdminRefusal> {
    if let Err(refusal) = lock_changeable(txn, user_id).await? {
        return Ok(Err(refusal));
    }
    let before = users::roles_of(txn, user_id).await?;
    if !users::grant_role(txn, user_id, role).await? {
        return Ok(Ok(false));
    }
    let after = users::roles_of(txn, user_id).await?;
    let names = |roles: &[Role]| roles.iter().map(|r| r.as_str()).collect::<Vec<_>>();
    audit::record(
        txn,
        Some(by.id),
        AuditAction::RolesChanged,
        &AuditSubject::User(user_id),
        json!({ "before": names(&before), "after": names(&after) }),
    )
    .await?;
    Ok(Ok(true))
}

/// Lets `user_id` sign in again, or stops them (ending every session of theirs), as
/// `admin` asked, and audits it.
pub async fn set_active(
    txn: &DatabaseTransaction,
    admin: Actor<'_>,
    user_id: i32,
    active: bool,
) -> Outcome<(), AdminRefusal> {
    if !active && admin.id == user_id {
        return Ok(Err(AdminRefusal::OwnAccount));
    }
    if let Err(refusal) = lock_changeable(txn, user_id).await? {
        return Ok(Err(refusal));
    }
    users::set_active(txn, user_id, active).await?;
    let action = if active {
        AuditAction::AccountReactivated
    } else {
        sessions::delete_for_user(txn, user_id, None).await?;
        AuditAction::AccountDeactivated
    };
    audit::record(
        txn,
        Some(admin.id),
        action,
        &AuditSubject::User(user_id),
        json!({}),
    )
    .await?;
    Ok(Ok(()))
}
