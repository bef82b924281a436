//! The panel: changing a vacancy's shortlisting panel, and saving one member's review of an
//! application from its one form.
//!
//! Only the panel's lead may change it, or an admin; once shortlisting is complete only an
//! admin may, with a reason, because a new member would see the revealed names. Every change
//! is audited with who made it.

use sea_orm::{DatabaseTransaction, DbErr};
use serde_json::json;

use crate::config::Config;
use crate::db::audit::{self, AuditAction};
use crate::db::{shortlisting, users, vacancies};
use crate::domain::audit_subject::AuditSubject;
use crate::domain::shortlisting::{Proposal, Refusal, Score};
use crate::services::shortlisting::{
    FinalsSaved, LockedBoard, ShortlistRefusal, decide, save_finals, save_scores,
};
use crate::services::{Actor, Outcome};

/// What to do to the panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PanelChange {
    /// Add a hiring manager of the vacancy's organisation.
    Add,
    /// Remove a member who is not the lead.
    Remove,
    /// Hand the lead to a member (adding them if need be).
    MakeLead,
}

impl PanelChange {
    /// Reads the form's action.
    pub fn parse(action: &str) -> Option<Self> {
        match action {
            "add" => Some(Self::Add),
            "remove" => Some(Self::Remove),
            "lead" => Some(Self::MakeLead),
            _ => None,
        }
    }
}

/// Who is changing the panel.
#[derive(Clone, Copy, Debug)]
pub struct PanelEditor<'a> {
    /// Who they are.
    pub actor: Actor<'a>,
    /// Whether they are an admin.
    pub is_admin: bool,
}

/// Why a change to the panel was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PanelRefusal {
    /// Only the panel's lead or an admin may change it; after completion only an admin.
    NotAllowed,
    /// After completion an admin must give a reason.
    ReasonNeeded,
    /// The person chosen is not a hiring manager of the vacancy's organisation.
    NotAManager,
    /// The lead cannot be removed; hand the lead on first.
    LeadCannotBeRemoved,
    /// The person chosen is not on the panel.
    NotOnPanel,
}

impl PanelRefusal {
    /// What the person should do, in plain words.
    pub fn explanation(self) -> &'static str {
        match self {
            PanelRefusal::NotAllowed => {
                "Only the lead of this panel, or an administrator, can change it. Once shortlisting is complete, only an administrator can."
            }
            PanelRefusal::ReasonNeeded => {
                "Shortlisting is complete, so give the reason for changing the panel. It is kept in the audit log."
            }
            PanelRefusal::NotAManager => "Choose a hiring manager of the vacancy's organisation",
            PanelRefusal::LeadCannotBeRemoved => {
                "The lead cannot be removed. Make someone else the lead first."
            }
            PanelRefusal::NotOnPanel => "That person is not on the panel",
        }
    }
}

/// The change made, for the message to the person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PanelChanged {
    /// The member's name.
    pub member_name: String,
}

/// Changes the panel, under the vacancy's shortlisting lock, with the rules read inside the
/// transaction: the editor's place on the panel, completion, and the member's role.
pub async fn change(
    txn: &DatabaseTransaction,
    editor: PanelEditor<'_>,
    vacancy_id: i32,
    member_id: i32,
    change: PanelChange,
    reason: &str,
) -> Outcome<PanelChanged, PanelRefusal> {
    let state = shortlisting::lock(txn, vacancy_id).await?;
    let vacancy = vacancies::find(txn, vacancy_id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("vacancy {vacancy_id}")))?;
    let complete = state.completed_at.is_some();
    let editor_leads = shortlisting::membership(txn, vacancy_id, editor.actor.id)
        .await?
        .is_some_and(|m| m.is_lead);
    if !(editor.is_admin || (editor_leads && !complete)) {
        return Ok(Err(PanelRefusal::NotAllowed));
    }
    if complete && reason.trim().is_empty() {
        return Ok(Err(PanelRefusal::ReasonNeeded));
    }
    // Only a current hiring manager of the organisation may join or lead. Anyone on the panel
    // may be removed, even someone deactivated or moved since, or they would stay on it for
    // good, their scores still counting.
    let member = if change == PanelChange::Remove {
        shortlisting::panel_of(txn, vacancy_id)
            .await?
            .into_iter()
            .map(|(_, u)| u)
            .find(|u| u.id == member_id)
    } else {
        users::hiring_managers_of(txn, vacancy.organisation_id)
            .await?
            .into_iter()
            .find(|u| u.id == member_id)
    };
    let Some(member) = member else {
        return Ok(Err(if change == PanelChange::Remove {
            PanelRefusal::NotOnPanel
        } else {
            PanelRefusal::NotAManager
        }));
    };
    let action = match change {
        PanelChange::Add => {
            shortlisting::add_member(txn, vacancy_id, member.id, false).await?;
            AuditAction::PanelMemberAdded
        }
        PanelChange::MakeLead => {
            shortlisting::add_member(txn, vacancy_id, member.id, false).await?;
            shortlisting::set_lead(txn, vacancy_id, member.id).await?;
            AuditAction::PanelLeadChanged
        }
        PanelChange::Remove => {
            let on_panel = shortlisting::membership(txn, vacancy_id, member.id).await?;
            match on_panel {
                None => return Ok(Err(PanelRefusal::NotOnPanel)),
                Some(m) if m.is_lead => return Ok(Err(PanelRefusal::LeadCannotBeRemoved)),
                Some(_) => {}
            }
            shortlisting::remove_member(txn, vacancy_id, member.id).await?;
            AuditAction::PanelMemberRemoved
        }
    };
    audit::record(
        txn,
        Some(editor.actor.id),
        action,
        &AuditSubject::Vacancy(vacancy_id),
        json!({
            "member": member.id,
            "by_admin": editor.is_admin,
            "after_completion": complete,
            "reason": reason.trim(),
        }),
    )
    .await?;
    Ok(Ok(PanelChanged {
        member_name: member.full_name,
    }))
}

/// Audits a view of the revealed names by a panel member who joined after shortlisting was
/// complete: they were never part of the decisions, so each look is recorded. Returns whether
/// it recorded one.
pub async fn record_late_reveal_view(
    txn: &DatabaseTransaction,
    vacancy_id: i32,
    viewer: Actor<'_>,
    page: &str,
) -> Result<bool, DbErr> {
    let state = shortlisting::state_of(txn, vacancy_id).await?;
    let Some(completed_at) = state.completed_at else {
        return Ok(false);
    };
    let joined_late = shortlisting::membership(txn, vacancy_id, viewer.id)
        .await?
        .is_some_and(|m| m.created_at > completed_at);
    if !joined_late {
        return Ok(false);
    }
    audit::record(
        txn,
        Some(viewer.id),
        AuditAction::RevealViewed,
        &AuditSubject::Vacancy(vacancy_id),
        json!({ "page": page }),
    )
    .await?;
    Ok(true)
}

/// What one press of the review page's button asks to save. Each part is optional: a part
/// left blank is not changed.
#[derive(Clone, Debug, Default)]
pub struct Review<'a> {
    /// The member's own scores: criterion ID, score, note.
    pub scores: Option<&'a [(i32, i16, String)]>,
    /// The lead's final scores: criterion ID, score.
    pub finals: Option<&'a [(i32, Score)]>,
    /// The lead's decision, with the feedback for the applicant.
    pub decision: Option<(Proposal, &'a str)>,
}

/// What became of the decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecisionSaved {
    /// None was given.
    NotGiven,
    /// The one given is the one already recorded, so nothing changed.
    Unchanged,
    /// It was recorded.
    Saved,
    /// The guaranteed-interview rule refused it; the scores were saved all the same.
    Refused(Refusal),
}

/// What one press of the review page's button saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReviewSaved {
    /// The member's own scores were saved.
    pub scores: bool,
    /// The final scores were saved, and whether that invited the application automatically.
    pub finals: Option<FinalsSaved>,
    /// The decision.
    pub decision: DecisionSaved,
}

/// Saves everything the review page's one form holds, in one transaction and in order: the
/// member's own scores, then the lead's final scores (which may invite the application
/// automatically), then the decision, judged on the final scores just saved. Every rule is
/// judged on `locked`, the board read once under the shortlisting's lock in this transaction
/// ([`crate::services::shortlisting::lock_board`]). A decision the rule refuses leaves the
/// scores saved, so nothing typed is lost; any other refusal saves nothing (the caller rolls
/// back).
pub async fn save_review(
    txn: &DatabaseTransaction,
    config: &Config,
    member: Actor<'_>,
    locked: &mut LockedBoard,
    application_id: i32,
    review: Review<'_>,
) -> Outcome<ReviewSaved, ShortlistRefusal> {
    let vacancy_id = locked.vacancy.id;
    if let Some(scores) = review.scores
        && let Err(refusal) = save_scores(txn, member, vacancy_id, application_id, scores).await?
    {
        return Ok(Err(refusal));
    }
    let finals = match review.finals {
        Some(finals) => match save_finals(txn, member, locked, application_id, finals).await? {
            Ok(saved) => Some(saved),
            Err(refusal) => return Ok(Err(refusal)),
        },
        None => None,
    };
    let decision = match review.decision {
        None => DecisionSaved::NotGiven,
        Some((proposal, feedback)) => {
            let current = shortlisting::decisions_for(txn, &[application_id]).await?;
            let invite = proposal == Proposal::Invite;
            if current
                .first()
                .is_some_and(|d| d.invited == invite && d.feedback == feedback)
            {
                DecisionSaved::Unchanged
            } else {
                match decide(
                    txn,
                    config,
                    member,
                    locked,
                    application_id,
                    proposal,
                    feedback,
                )
                .await?
                {
                    Ok(()) => DecisionSaved::Saved,
                    Err(ShortlistRefusal::Rule(refusal)) => DecisionSaved::Refused(refusal),
                    Err(refusal) => return Ok(Err(refusal)),
                }
            }
        }
    };
    Ok(Ok(ReviewSaved {
        scores: review.scores.is_some(),
        finals,
        decision,
    }))
}
