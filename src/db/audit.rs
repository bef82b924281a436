//! The `audit_events` table: the audit log.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, QueryOrder,
    QuerySelect,
};

use crate::db::now;
use crate::entities::audit_event;

/// What happened, as stored in the `action` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditAction {
    /// An administrator changed someone's roles or organisation.
    RolesChanged,
    /// An account was deactivated.
    AccountDeactivated,
    /// An account was reactivated.
    AccountReactivated,
    /// A member of staff was invited.
    InvitationSent,
    /// An account was created from the command line.
    AccountCreatedByCli,
    /// A lead asked for the high-volume exception.
    ExceptionRequested,
    /// The champion approved the high-volume exception.
    ExceptionApproved,
    /// The champion refused the high-volume exception.
    ExceptionRefused,
    /// Shortlisting was completed and the panel saw who was invited.
    IdentitiesRevealed,
    /// A lead tried to decline a guaranteed interview, and was refused.
    OverrideRefused,
    /// A lead declined an opted-in application, with written feedback.
    DeclinedWithFeedback,
}

impl AuditAction {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::RolesChanged => "roles_changed",
            AuditAction::AccountDeactivated => "account_deactivated",
            AuditAction::AccountReactivated => "account_reactivated",
            AuditAction::InvitationSent => "invitation_sent",
            AuditAction::AccountCreatedByCli => "account_created_by_cli",
            AuditAction::ExceptionRequested => "exception_requested",
            AuditAction::ExceptionApproved => "exception_approved",
            AuditAction::ExceptionRefused => "exception_refused",
            AuditAction::IdentitiesRevealed => "identities_revealed",
            AuditAction::OverrideRefused => "override_refused",
            AuditAction::DeclinedWithFeedback => "declined_with_feedback",
        }
    }
}

/// Appends an event to the audit log.
pub async fn record(
    db: &impl ConnectionTrait,
    actor_user_id: Option<i32>,
    action: AuditAction,
    subject: &str,
    details: serde_json::Value,
) -> Result<(), DbErr> {
    audit_event::ActiveModel {
        actor_user_id: Set(actor_user_id),
        action: Set(action.as_str().to_owned()),
        subject: Set(subject.to_owned()),
        details: Set(details.to_string()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// The most recent events, newest first.
pub async fn recent(
    db: &impl ConnectionTrait,
    limit: u64,
) -> Result<Vec<audit_event::Model>, DbErr> {
    audit_event::Entity::find()
        .order_by_desc(audit_event::Column::Id)
        .limit(limit)
        .all(db)
        .await
}
