//! Privacy rights (DOMAIN.md §9): deleting an account, and purging the personal data of
//! applications that ended without a hire, a set time after the final decision.
//!
//! Both erase through the same routine, [`erase_application`], so an application is erased in
//! exactly the same way whichever caused it. What stays is a pseudonymous stub that keeps the
//! aggregate reports true: stage history and times, decisions, scores, the scheme opt-in,
//! employment dates and leaving reasons, organisation and programme. Audit events name the
//! stub's ID only.

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, TransactionTrait};
use serde_json::json;
use time::OffsetDateTime;

use crate::config::Config;
use crate::db::applications::DueForPurge;
use crate::db::audit::{self, AuditAction};
use crate::db::mentoring::{registry, relationships};
use crate::db::{
    applicant_profiles, applications, interviews, invitations, login_throttles, mentoring, offers,
    outbox, sessions, shortlisting, user_tokens, users,
};
use crate::domain::application::Stage;
use crate::domain::audit_subject::AuditSubject;
use crate::domain::mentoring::pilot::MenteeStatus;
use crate::domain::privacy::{
    self, DeletionReason, ERASED_PASSWORD_HASH, PURGED_STAGES, REMOVED_MESSAGE, is_deciding_staff,
    may_delete_own_account,
};
use crate::entities::{outbox_message, user};
use crate::services::withdrawal;
use crate::services::{Actor, Outcome};

/// Who asked for an account to be deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requester {
    /// The person, signed in, after re-entering their password.
    Themselves,
    /// An administrator, for someone who asked by other means.
    Administrator(DeletionReason),
}

impl Requester {
    fn by(self) -> &'static str {
        match self {
            Requester::Themselves => "self",
            Requester::Administrator(_) => "admin",
        }
    }

    fn reason(self) -> Option<&'static str> {
        match self {
            Requester::Themselves => None,
            Requester::Administrator(reason) => Some(reason.as_str()),
        }
    }
}

/// What deleting an account did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deleted {
    /// The account was erased and a pseudonymous stub is left; this many applications in
    /// progress were withdrawn first.
    Erased {
        /// Applications withdrawn first.
        withdrawn: usize,
    },
    /// A member of staff whose decisions other records depend on: the account was
    /// deactivated instead (signed out everywhere, cannot sign in), and nothing was erased.
    Retired,
}

/// Why an account was not deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeleteRefusal {
    /// No such account.
    NotFound,
    /// It was deleted already (two presses, or two administrators at once).
    AlreadyDeleted,
    /// Someone asked, as themselves, to delete an account that is not theirs.
    NotYours,
    /// An administrator asked to delete their own account.
    OwnAccount,
    /// The person makes decisions on others' records: an administrator deletes it.
    AskAdministrator,
}

/// Deletes `user_id`'s account, as `actor` asked, in the caller's transaction (every row is
/// read inside it, the account's first, locked). Applications in progress are withdrawn first
/// with the same effects as the applicant withdrawing (an offer is withdrawn, a booking
/// cancelled and the panel told); then every application and the person are erased. A
/// deciding member of staff deleted by an administrator is deactivated instead.
pub async fn delete_account(
    txn: &DatabaseTransaction,
    config: &Config,
    actor: Actor<'_>,
    user_id: i32,
    requester: Requester,
) -> Outcome<Deleted, DeleteRefusal> {
    let Some(user) = users::find_for_update(txn, user_id).await? else {
        return Ok(Err(DeleteRefusal::NotFound));
    };
    if user.deleted_at.is_some() {
        return Ok(Err(DeleteRefusal::AlreadyDeleted));
    }
    let roles = users::roles_of(txn, user_id).await?;
    match requester {
        Requester::Themselves if actor.id != user_id => return Ok(Err(DeleteRefusal::NotYours)),
        Requester::Themselves if !may_delete_own_account(&roles) => {
            return Ok(Err(DeleteRefusal::AskAdministrator));
        }
        Requester::Administrator(_) if actor.id == user_id => {
            return Ok(Err(DeleteRefusal::OwnAccount));
        }
        Requester::Administrator(reason) if is_deciding_staff(&roles) => {
            users::set_active(txn, user_id, false).await?;
            sessions::delete_for_user(txn, user_id, None).await?;
            audit::record(
                txn,
                Some(actor.id),
                AuditAction::StaffAccountRetired,
                &AuditSubject::User(user_id),
                json!({ "by": "admin", "reason": reason.as_str() }),
            )
            .await?;
            return Ok(Ok(Deleted::Retired));
        }
        _ => {}
    }

    let withdrawn = withdraw_in_progress(txn, config, &user, actor).await?;
    for application in applications::of_applicant_for_update(txn, user_id).await? {
        erase_application(txn, application.id).await?;
    }
    erase_person(txn, &user).await?;
    audit::record(
        txn,
        Some(actor.id),
        AuditAction::AccountDeleted,
        &AuditSubject::User(user_id),
        json!({ "by": requester.by(), "withdrawn": withdrawn, "reason": requester.reason() }),
    )
    .await?;
    Ok(Ok(Deleted::Erased { withdrawn }))
}

/// How many of `user_id`'s applications are still in progress (would be withdrawn by deleting
/// the account), for the page that asks to confirm.
pub async fn in_progress(db: &impl ConnectionTrait, user_id: i32) -> anyhow::Result<usize> {
    Ok(applications::of_applicant(db, user_id)
        .await?
        .iter()
        .filter(|a| a.stage.can_withdraw())
        .count())
}

/// Withdraws every application of `user` still in progress, with the same effects as when they
/// withdraw themselves; `by` (who asked for the deletion) is recorded as acting.
async fn withdraw_in_progress(
    txn: &DatabaseTransaction,
    config: &Config,
    user: &user::Model,
    by: Actor<'_>,
) -> anyhow::Result<usize> {
    let applicant = Actor {
        id: user.id,
        name: &user.full_name,
        email: &user.email,
    };
    let mut withdrawn = 0;
    for application in applications::of_applicant_for_update(txn, user.id).await? {
        let open = Some(application.stage).is_some_and(Stage::can_withdraw);
        if open
            && withdrawal::withdraw(
                txn,
                config,
                applicant,
                application.id,
                "",
                withdrawal::Cause::AccountDeleted { by },
            )
            .await?
            .is_ok()
        {
            withdrawn += 1;
        }
    }
    Ok(withdrawn)
}

/// Erases the personal data of one application: the evidence, referees, support needs and
/// reason for withdrawing the applicant wrote; what staff wrote about them (notes with stage
/// changes, shortlisting feedback and score notes, interview feedback, check notes); and the
/// emails about it. Its stages and their times, decisions, scores, scheme opt-in, offer and
/// employment record stay. Returns false, doing nothing, if it was erased before: the claim on
/// its row makes two callers at once erase it once.
pub async fn erase_application(
    txn: &DatabaseTransaction,
    application_id: i32,
) -> anyhow::Result<bool> {
    if !applications::claim_for_erasure(txn, application_id).await? {
        return Ok(false);
    }
    applications::erase_answers(txn, application_id).await?;
    applications::delete_referees(txn, application_id).await?;
    applications::erase_stage_notes(txn, application_id).await?;
    shortlisting::erase_feedback_and_notes(txn, application_id).await?;
    interviews::erase_outcome_feedback(txn, application_id).await?;
    offers::erase_check_notes(txn, application_id).await?;
    // The emails about it link to its page: they held its feedback and its details.
    let link = format!("/applications/{application_id}");
    for message in outbox::containing(txn, &link).await? {
        if !links_to(&message, &link) {
            continue;
        }
        if message.sent_at.is_none() {
            outbox::delete(txn, message.id).await?;
        } else {
            outbox::rewrite(
                txn,
                message.id,
                outbox::Rewritten {
                    to_address: message.to_address,
                    subject: REMOVED_MESSAGE.to_owned(),
                    body_text: REMOVED_MESSAGE.to_owned(),
                    body_html: REMOVED_MESSAGE.to_owned(),
                    calendar: None,
                    last_error: None,
                },
            )
            .await?;
        }
    }
    Ok(true)
}

/// Whether a message links to exactly `link` (not to `/applications/12` for `/applications/1`).
fn links_to(message: &outbox_message::Model, link: &str) -> bool {
    [&message.subject, &message.body_text, &message.body_html]
        .iter()
        .any(|text| {
            text.match_indices(link).any(|(at, _)| {
                !text[at + link.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit())
            })
        })
}

/// Erases the person: their profile, their mentoring records and the notes on them, every
/// email to them or naming them, their links, invitations, sign-in throttles and sessions;
/// then their account becomes the stub (no name, no address, no usable password).
async fn erase_person(txn: &DatabaseTransaction, user: &user::Model) -> anyhow::Result<()> {
    applicant_profiles::delete(txn, user.id).await?;

    let mut relationship_ids = Vec::new();
    // Who was told about this person by name: the other side of each of their mentoring
    // relationships, and the coordinators. Only their emails and sessions have the name taken
    // out: anything else is left alone, so a name chosen to match ordinary words ("Interview")
    // cannot spoil other people's emails.
    let mut told_by_name: Vec<String> = Vec::new();
    if let Some(mentee) = mentoring::mentee_for_user(txn, user.id, &user.email).await? {
        let of_mentee = relationships::of_mentee(txn, mentee.id).await?;
        let mentor_ids: Vec<i32> = of_mentee.iter().map(|r| r.mentor_id).collect();
        told_by_name.extend(
            relationships::mentors_by_id(txn, &mentor_ids)
                .await?
                .into_values()
                .map(|m| m.email),
        );
        for relationship in of_mentee {
            relationships::end(txn, relationship.id, user.id).await?;
            relationship_ids.push(relationship.id);
        }
        let status = match mentoring::status_of(&mentee) {
            MenteeStatus::Approved => MenteeStatus::Left,
            MenteeStatus::Pending => MenteeStatus::Declined,
            other => other,
        };
        registry::erase_mentee(
            txn,
            mentee.id,
            &privacy::erased_name(user.id),
            &privacy::erased_record_email("mentee", mentee.id),
            status,
        )
        .await?;
        registry::erase_exclusion_reasons(txn, Some(mentee.id), None).await?;
    }
    if let Some(mentor) = registry::mentor_with_email(txn, &user.email).await? {
        let of_mentor = relationships::of_mentor(txn, mentor.id).await?;
        let mentee_ids: Vec<i32> = of_mentor.iter().map(|r| r.mentee_id).collect();
        told_by_name.extend(
            relationships::mentees_by_id(txn, &mentee_ids)
                .await?
                .into_values()
                .map(|m| m.email),
        );
        for relationship in of_mentor {
            relationships::end(txn, relationship.id, user.id).await?;
            relationship_ids.push(relationship.id);
        }
        registry::erase_mentor(
            txn,
            mentor.id,
            &privacy::erased_name(user.id),
            &privacy::erased_record_email("mentor", mentor.id),
        )
        .await?;
        registry::erase_exclusion_reasons(txn, None, Some(mentor.id)).await?;
    }
    relationships::erase_notes(txn, user.id, &relationship_ids).await?;
    if !relationship_ids.is_empty() {
        told_by_name.extend(
            relationships::coordinators(txn)
                .await?
                .into_iter()
                .map(|c| c.email),
        );
    }

    let erased_email = privacy::erased_email(user.id);
    outbox::delete_unsent_to(txn, &user.email).await?;
    outbox::redact_sent_to(txn, &user.email, &erased_email, REMOVED_MESSAGE).await?;
    redact_mentions(txn, &user.full_name, &user.email, &told_by_name).await?;

    user_tokens::delete_for_user(txn, user.id).await?;
    invitations::delete_for_email(txn, &user.email).await?;
    // The keys of `auth::throttle`: sign-in failures per account, and deletion attempts.
    login_throttles::clear(txn, &crate::auth::throttle::account_key(&user.email)).await?;
    login_throttles::clear(txn, &deletion_throttle_key(user.id)).await?;
    sessions::delete_for_user(txn, user.id, None).await?;
    // Forms kept after a session ended hold what the person typed (issue 21).
    crate::db::kept_forms::delete_for_user(txn, user.id).await?;
    // ESR extracts they uploaded and have not imported hold other people's details.
    crate::db::esr_uploads::delete_for_user(txn, user.id).await?;
    crate::db::browser_bindings::delete_for_user(txn, user.id).await?;
    users::erase(
        txn,
        user.id,
        &erased_email,
        &privacy::erased_name(user.id),
        ERASED_PASSWORD_HASH,
    )
    .await?;
    Ok(())
}

/// The throttle key of attempts to delete `user_id`'s account with a password.
pub fn deletion_throttle_key(user_id: i32) -> String {
    format!("delete:user:{user_id}")
}

/// Takes the person's address out of every other email and one-off session message that holds
/// it (the address is theirs: they proved it to sign in), and their name (as words and as HTML
/// writes it) out of the emails to, and the waiting one-off messages of, the people in
/// `told_by_name` (a mentoring notice naming them, say). A name is never matched anywhere else.
async fn redact_mentions(
    txn: &DatabaseTransaction,
    full_name: &str,
    email: &str,
    told_by_name: &[String],
) -> anyhow::Result<()> {
    let told: Vec<String> = told_by_name.iter().map(|e| e.to_lowercase()).collect();
    let told_user_ids: Vec<i32> = {
        let mut ids = Vec::new();
        for address in &told {
            if let Some(u) = users::find_by_email(txn, address).await? {
                ids.push(u.id);
            }
        }
        ids
    };
    let mut names = vec![full_name.to_owned()];
    for escaped in html_forms(full_name) {
        if !names.contains(&escaped) {
            names.push(escaped);
        }
    }
    let email_only = [email];
    let with_name: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .chain(std::iter::once(email))
        .collect();

    let mut found = BTreeMap::new();
    let mut sessions_found = BTreeMap::new();
    for needle in &with_name {
        for message in outbox::containing(txn, needle).await? {
            found.insert(message.id, message);
        }
        for session in sessions::containing(txn, needle).await? {
            sessions_found.insert(session.id.clone(), session);
        }
    }
    // Other people's sessions: a one-off message naming the person, waiting to be shown.
    for session in sessions_found.into_values() {
        let Ok(mut data) = serde_json::from_str::<serde_json::Value>(&session.data) else {
            continue;
        };
        let needles: &[&str] = if session
            .user_id
            .is_some_and(|id| told_user_ids.contains(&id))
        {
            &with_name
        } else {
            &email_only
        };
        let redact = |text: &str| privacy::redact(text, needles).unwrap_or_else(|| text.to_owned());
        redact_strings(&mut data, &redact);
        let rewritten = data.to_string();
        if rewritten != session.data {
            sessions::set_data(txn, &session.id, &rewritten).await?;
        }
    }
    for message in found.into_values() {
        let needles: &[&str] = if told.contains(&message.to_address.to_lowercase()) {
            &with_name
        } else {
            &email_only
        };
        let redact = |text: &str| privacy::redact(text, needles).unwrap_or_else(|| text.to_owned());
        let new = outbox::Rewritten {
            to_address: redact(&message.to_address),
            subject: redact(&message.subject),
            body_text: redact(&message.body_text),
            body_html: redact(&message.body_html),
            calendar: message.calendar.as_deref().map(redact),
            last_error: message.last_error.as_deref().map(redact),
        };
        let unchanged = new.to_address == message.to_address
            && new.subject == message.subject
            && new.body_text == message.body_text
            && new.body_html == message.body_html
            && new.calendar == message.calendar
            && new.last_error == message.last_error;
        if !unchanged {
            outbox::rewrite(txn, message.id, new).await?;
        }
    }
    Ok(())
}

/// Applies `redact` to every string inside a JSON value.
fn redact_strings(value: &mut serde_json::Value, redact: &impl Fn(&str) -> String) {
    match value {
        serde_json::Value::String(text) => *text = redact(text),
        serde_json::Value::Array(items) => {
            for item in items {
                redact_strings(item, redact);
            }
        }
        serde_json::Value::Object(fields) => {
            for field in fields.values_mut() {
                redact_strings(field, redact);
            }
        }
        _ => {}
    }
}

/// The ways an HTML template may have written `text` (apostrophes and quotes are escaped one
/// way or another), other than as it is.
fn html_forms(text: &str) -> Vec<String> {
    let base = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let mut forms = Vec::new();
    for (apostrophe, quote) in [
        ("&#39;", "&#34;"),
        ("&#x27;", "&quot;"),
        ("&#x27;", "&#34;"),
    ] {
        let form = base.replace('\'', apostrophe).replace('"', quote);
        if form != text && !forms.contains(&form) {
            forms.push(form);
        }
    }
    forms
}

/// What a purge found, and what it did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PurgeReport {
    /// The applications due (all of them on a dry run).
    pub due: Vec<DueForPurge>,
    /// The applications this run purged (none on a dry run, and none that another instance
    /// purged first).
    pub purged: Vec<i32>,
}

/// Purges the personal data of every application that ended unsuccessful or withdrawn more
/// than `config.purge_after_days` days before `now`, each erased as [`erase_application`]
/// does, all in one transaction with one audit event. Employment records, and the applicant's
/// account and profile, are kept. With `dry_run`, lists what is due and writes nothing.
pub async fn purge_due(
    db: &DatabaseConnection,
    config: &Config,
    now: OffsetDateTime,
    dry_run: bool,
) -> anyhow::Result<PurgeReport> {
    let cutoff = privacy::purge_cutoff(now, config.purge_after_days);
    if dry_run {
        let due = applications::due_for_purge(db, &PURGED_STAGES, cutoff).await?;
        return Ok(PurgeReport {
            due,
            purged: Vec::new(),
        });
    }
    let txn = db.begin().await?;
    let due = applications::due_for_purge(&txn, &PURGED_STAGES, cutoff).await?;
    let mut purged = Vec::new();
    for application in &due {
        let is_due = privacy::is_due_for_purge(
            application.stage,
            application.decided_at,
            now,
            config.purge_after_days,
        );
        if is_due && erase_application(&txn, application.id).await? {
            purged.push(application.id);
        }
    }
    if !purged.is_empty() {
        audit::record(
            &txn,
            None,
            AuditAction::ApplicationsPurged,
            &AuditSubject::Purge,
            json!({
                "count": purged.len(),
                "applications": purged,
                "after_days": config.purge_after_days,
            }),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(PurgeReport { due, purged })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(text: &str) -> outbox_message::Model {
        let now = crate::db::now();
        outbox_message::Model {
            id: 1,
            to_address: "a@example.org".into(),
            subject: "Subject".into(),
            body_text: text.into(),
            body_html: String::new(),
            attempts: 0,
            next_attempt_at: now,
            locked_until: None,
            last_error: None,
            sent_at: None,
            failed_at: None,
            created_at: now,
            calendar: None,
            kind: None,
        }
    }

    #[test]
    fn a_message_links_to_an_application_only_by_its_exact_id() {
        let link = "/applications/1";
        assert!(links_to(&message("See https://x/applications/1 now"), link));
        assert!(links_to(&message("https://x/applications/1/offer"), link));
        assert!(!links_to(&message("https://x/applications/12"), link));
        assert!(links_to(
            &message("https://x/applications/12 and /applications/1."),
            link
        ));
    }

    #[test]
    fn names_are_looked_for_as_html_writes_them() {
        assert!(html_forms("Sam Lee").is_empty());
        let forms = html_forms("Siobhán O'Neil & \"Jo\"");
        assert!(forms.contains(&"Siobhán O&#39;Neil &amp; &#34;Jo&#34;".to_owned()));
        assert!(forms.contains(&"Siobhán O&#x27;Neil &amp; &quot;Jo&quot;".to_owned()));
    }
}
