//! The account and what hangs off it: roles, organisation, profile, employment, emails,
//! invitations and the audit log.

use sea_orm::ConnectionTrait;

use super::application::application_of;
use super::mentoring::mentoring_of;
use super::{
    Account, AuditEntry, Checkpoint, DataExport, EmailSent, Employment, FORMAT_VERSION, Invitation,
    Profile, RoleHeld, at, at_opt, day, without_one_time_links,
};
use crate::db::audit::{self, AuditAction};
use crate::db::{
    applicant_profiles, applications, employment, invitations, organisations, outbox, programmes,
    users,
};
use crate::domain::audit_subject::AuditSubject;
use crate::entities::invitation;

pub(super) async fn gather(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> anyhow::Result<Option<DataExport>> {
    let Some(me) = users::find_by_id(db, user_id).await? else {
        return Ok(None);
    };
    let roles = users::role_grants_of(db, me.id)
        .await?
        .into_iter()
        .map(|r| RoleHeld {
            name: r.role.label().to_owned(),
            role: r.role.as_str().to_owned(),
            given_at: at(r.granted_at),
        })
        .collect();
    let organisation = match me.organisation_id {
        Some(id) => organisations::find(db, id).await?.map(|o| o.name),
        None => None,
    };
    let profile = applicant_profiles::find(db, me.id).await?.map(|p| Profile {
        care_experience_in_words: p.care_experience.label().to_owned(),
        phone: p.phone,
        contact_preference: p.contact_preference,
        care_experience: p.care_experience.as_str().to_owned(),
        local_authority: p.local_authority,
        adviser_name: p.adviser_name,
        adviser_contact: p.adviser_contact,
        support_needs: p.adjustments,
        updated_at: at(p.updated_at),
    });

    let stored = applications::all_of_applicant(db, me.id).await?;
    let application_ids: Vec<i32> = stored.iter().map(|a| a.id).collect();
    let mut applications = Vec::with_capacity(stored.len());
    for a in stored {
        applications.push(application_of(db, me.id, a).await?);
    }
    let employment = employment_of(db, me.id, &application_ids).await?;
    let (mentoring, mentoring_subjects) = mentoring_of(db, &me).await?;

    let emails = emails_to(db, &me.email).await?;
    let invitation_rows = invitations::sent_to(db, &me.email).await?;
    let invitations = invitations_of(db, &invitation_rows).await?;

    let mut subjects = vec![AuditSubject::User(me.id)];
    subjects.extend(
        application_ids
            .iter()
            .map(|id| AuditSubject::Application(*id)),
    );
    subjects.extend(employment.iter().map(|e| AuditSubject::Employment(e.id)));
    subjects.extend(
        invitation_rows
            .iter()
            .map(|i| AuditSubject::Invitation(i.id)),
    );
    subjects.extend(mentoring_subjects);
    let audit_events = audit_events_about(db, me.id, &subjects).await?;

    Ok(Some(DataExport {
        format_version: FORMAT_VERSION,
        generated_at: at(crate::db::now()),
        about: "Everything SPECTRA holds about you. docs/DATA-DOWNLOAD.md in the service's source explains each part.",
        account: Account {
            id: me.id,
            name: me.full_name.clone(),
            email: me.email.clone(),
            created_at: at(me.created_at),
            email_confirmed: me.email_verified_at.is_some(),
            email_confirmed_at: at_opt(me.email_verified_at),
            active: me.is_active,
        },
        roles,
        organisation,
        profile,
        applications,
        employment,
        mentoring,
        emails,
        audit_events,
        invitations,
    }))
}

/// The emails queued for the person, with one-time links blanked out.
async fn emails_to(db: &impl ConnectionTrait, email: &str) -> anyhow::Result<Vec<EmailSent>> {
    Ok(outbox::to_address(db, email)
        .await?
        .into_iter()
        .map(|m| EmailSent {
            status: if m.sent_at.is_some() {
                "sent"
            } else if m.failed_at.is_some() {
                "failed"
            } else {
                "waiting"
            },
            subject: m.subject,
            text: without_one_time_links(&m.body_text),
            queued_at: at(m.created_at),
            sent_at: at_opt(m.sent_at),
        })
        .collect())
}

/// The staff invitations sent to the person, with each one's organisation.
async fn invitations_of(
    db: &impl ConnectionTrait,
    invitation_rows: &[invitation::Model],
) -> anyhow::Result<Vec<Invitation>> {
    let mut invitations = Vec::with_capacity(invitation_rows.len());
    for i in invitation_rows {
        let organisation = match i.organisation_id {
            Some(id) => organisations::find(db, id).await?.map(|o| o.name),
            None => None,
        };
        invitations.push(Invitation {
            name: i.full_name.clone(),
            roles: i.roles.clone(),
            organisation,
            sent_at: at(i.created_at),
            expires_at: at(i.expires_at),
            accepted_at: at_opt(i.accepted_at),
            revoked_at: at_opt(i.revoked_at),
        });
    }
    Ok(invitations)
}

/// The audit log's entries about the person's subjects, saying who acted as "you", "someone
/// else" or "the service".
async fn audit_events_about(
    db: &impl ConnectionTrait,
    me: i32,
    subjects: &[AuditSubject],
) -> anyhow::Result<Vec<AuditEntry>> {
    Ok(audit::about(db, me, subjects)
        .await?
        .into_iter()
        .map(|e| AuditEntry {
            at: at(e.created_at),
            what: AuditAction::parse(&e.action)
                .map_or_else(|| e.action.clone(), |a| a.label().to_owned()),
            action: e.action,
            subject: e.subject,
            by: match e.actor_user_id {
                Some(id) if id == me => "you",
                Some(_) => "someone else",
                None => "the service",
            },
            details: serde_json::from_str(&e.details).unwrap_or(serde_json::Value::Null),
        })
        .collect())
}

/// The person's employment records with their checkpoints.
async fn employment_of(
    db: &impl ConnectionTrait,
    me: i32,
    application_ids: &[i32],
) -> anyhow::Result<Vec<Employment>> {
    let mut out = Vec::new();
    for r in employment::of_person(db, me, application_ids).await? {
        let organisation = organisations::find(db, r.organisation_id)
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        let programme = match r.programme_id {
            Some(id) => programmes::find(db, id).await?.map(|p| p.name),
            None => None,
        };
        let checkpoints = employment::checkpoints_of(db, r.id)
            .await?
            .into_iter()
            .map(|c| Checkpoint {
                months: c.months,
                due_on: day(c.due_on),
                outcome: c.outcome.map(|o| o.as_str().to_owned()),
                source: c.source.map(|s| s.as_str().to_owned()),
                recorded_at: at_opt(c.recorded_at),
            })
            .collect();
        out.push(Employment {
            id: r.id,
            application_id: r.application_id,
            organisation,
            role: r.role,
            band: r.band,
            staff_group: r.staff_group,
            apprenticeship: r.apprenticeship,
            programme,
            route: r.route.as_str().to_owned(),
            assignment_number: r.assignment_number,
            start_date: day(r.start_date),
            end_date: r.end_date.map(day),
            end_kind: r.end_kind.map(|k| k.as_str().to_owned()),
            leaving_reason: r.leaving_reason,
            moved_to: r.moved_to,
            checkpoints,
        });
    }
    Ok(out)
}
