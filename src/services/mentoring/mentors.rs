//! The coordinator's mentors: adding one by hand, and inviting a mentor to SPECTRA (or giving
//! an account they already have the mentor role).

use sea_orm::DatabaseTransaction;
use serde_json::json;

use super::grant;
use crate::auth::tokens;
use crate::config::Config;
use crate::db::audit::{self, AuditAction};
use crate::db::mentoring::registry as reg;
use crate::db::{invitations, outbox, users};
use crate::domain::audit_subject::AuditSubject;
use crate::domain::mentoring::input::MentorInput;
use crate::domain::{EmailAddress, Role, role};
use crate::entities::mentor;
use crate::mail::templates::{EmailContent, Invitation};
use crate::services::{Actor, Outcome};

/// What inviting someone did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Invited {
    /// They have an account already, which now has the role.
    RoleGiven {
        /// Their name.
        name: String,
        /// The role given.
        role: Role,
    },
    /// An invitation to create an account was emailed to this address.
    InvitationSent(String),
}

/// Why someone could not be invited. Nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InviteRefusal {
    /// No such mentor.
    NotFound,
    /// The email address stored for them cannot be used for an invitation.
    UnusableEmail,
    /// A mentor with this email address is already in the list.
    EmailTaken,
}

/// A mentor added, and what was done about their account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MentorAdded {
    /// The mentor as stored.
    pub mentor: mentor::Model,
    /// Their account: given the role, or invited.
    pub invited: Invited,
}

/// The coordinator adds a mentor, who is given a reference, audited, and invited to SPECTRA
/// (or their account given the mentor role), all in one transaction.
pub async fn create(
    txn: &DatabaseTransaction,
    config: &Config,
    coordinator: Actor<'_>,
    input: MentorInput,
) -> Outcome<MentorAdded, InviteRefusal> {
    let mut record = input.record;
    if reg::mentor_with_email(txn, &record.email).await?.is_some() {
        return Ok(Err(InviteRefusal::EmailTaken));
    }
    record.id = reg::unused_reference(txn, 'M').await?;
    let stored = reg::insert_mentor(txn, &record).await?;
    audit::record(
        txn,
        Some(coordinator.id),
        AuditAction::MentorAdded,
        &AuditSubject::Mentor(stored.id),
        json!({ "reference": stored.reference }),
    )
    .await?;
    let invited = match invite_or_grant(
        txn,
        config,
        coordinator,
        &record.name,
        &record.email,
        Role::Mentor,
    )
    .await?
    {
        Ok(invited) => invited,
        Err(refusal) => return Ok(Err(refusal)),
    };
    Ok(Ok(MentorAdded {
        mentor: stored,
        invited,
    }))
}

/// The coordinator invites a listed mentor to SPECTRA, or gives their account the role.
pub async fn invite(
    txn: &DatabaseTransaction,
    config: &Config,
    coordinator: Actor<'_>,
    mentor_id: i32,
) -> Outcome<Invited, InviteRefusal> {
    let Some(mentor) = reg::find_mentor(txn, mentor_id).await? else {
        return Ok(Err(InviteRefusal::NotFound));
    };
    invite_or_grant(
        txn,
        config,
        coordinator,
        &mentor.full_name,
        &mentor.email,
        Role::Mentor,
    )
    .await
}

/// Gives an existing account the role, or sends an invitation to create one, keeping the
/// roles of an invitation still open for the same person. The email is queued in the same
/// transaction.
async fn invite_or_grant(
    txn: &DatabaseTransaction,
    config: &Config,
    by: Actor<'_>,
    name: &str,
    email: &str,
    role_to_give: Role,
) -> Outcome<Invited, InviteRefusal> {
    if let Some(user) = users::find_by_email(txn, email).await? {
        grant(txn, by, user.id, role_to_give).await?;
        return Ok(Ok(Invited::RoleGiven {
            name: name.to_owned(),
            role: role_to_give,
        }));
    }
    let Ok(address) = EmailAddress::parse(email) else {
        return Ok(Err(InviteRefusal::UnusableEmail));
    };
    let open = invitations::open(txn)
        .await?
        .into_iter()
        .find(|i| i.email == address.as_str());
    let mut roles = open
        .as_ref()
        .map(invitations::roles_of)
        .transpose()?
        .unwrap_or_default();
    if !roles.contains(&role_to_give) {
        roles.push(role_to_give);
    }
    let organisation_id = open.as_ref().and_then(|i| i.organisation_id);
    let (token, token_hash) = tokens::generate();
    let message = Invitation {
        name: name.to_owned(),
        invited_by: by.name.to_owned(),
        roles: roles.iter().map(|r| r.label().to_owned()).collect(),
        organisation: None,
        link: config.link(&format!("/invitation/{token}")),
        expires: format!("{} days", invitations::LIFETIME.whole_days()),
    }
    .to_email(address.as_str())?;
    let replaced = invitations::revoke_open_for(txn, &address).await?;
    let invitation = invitations::create(
        txn,
        &address,
        name,
        &roles,
        organisation_id,
        &token_hash,
        by.id,
    )
    .await?;
    audit::record(
        txn,
        Some(by.id),
        AuditAction::InvitationSent,
        &AuditSubject::Invitation(invitation.id),
        json!({ "roles": role::format_list(&roles), "organisation_id": organisation_id, "replaced_invitations": replaced }),
    )
    .await?;
    outbox::enqueue(txn, &message).await?;
    Ok(Ok(Invited::InvitationSent(address.as_str().to_owned())))
}
