//! Download your data (DOMAIN.md §9, UK GDPR right of access): everything the service holds
//! about one person, gathered in one read-only transaction so the parts agree with each other,
//! as one document that `docs/DATA-DOWNLOAD.md` describes section by section.
//!
//! Only data about the person is included. Other people appear only as far as the person
//! already sees them in the service (a mentor's or student's name); staff who scored, decided
//! or acted are not named. Secrets are never included: no password hash, no session, and the
//! one-time links in emails are blanked out.

use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DbBackend, IsolationLevel, TransactionTrait,
};
use serde::Serialize;
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use crate::db::audit::{self, AuditAction};
use crate::db::mentoring::registry;
use crate::db::mentoring::relationships as rels;
use crate::db::{
    applicant_profiles, applications, employment, interviews, invitations, offers, organisations,
    outbox, programmes, shortlisting, users, vacancies,
};
use crate::domain::Role;
use crate::domain::application::{Stage, reference};
use crate::domain::offer::CheckKind;
use crate::domain::profile::CareExperience;
use crate::entities::{application, mentee, mentor, mentoring_relationship, user};

/// The version of the document's layout. Raise it when a field is renamed or removed.
pub const FORMAT_VERSION: u32 = 1;

/// Everything held about one person.
#[derive(Clone, Debug, Serialize)]
pub struct DataExport {
    /// The version of this layout (see `docs/DATA-DOWNLOAD.md`).
    pub format_version: u32,
    /// When the document was made.
    pub generated_at: String,
    /// What the document is, in words.
    pub about: &'static str,
    /// The account.
    pub account: Account,
    /// The roles held, with when each was given.
    pub roles: Vec<RoleHeld>,
    /// The organisation the person works for, if any.
    pub organisation: Option<String>,
    /// The applicant's profile, if they have one.
    pub profile: Option<Profile>,
    /// Every application, oldest first.
    pub applications: Vec<Application>,
    /// Employment records, with their retention checkpoints.
    pub employment: Vec<Employment>,
    /// Mentoring records and relationships.
    pub mentoring: Mentoring,
    /// Every email queued for the person's address.
    pub emails: Vec<EmailSent>,
    /// Audit log entries about the person or by them.
    pub audit_events: Vec<AuditEntry>,
    /// Staff invitations sent to the person's address.
    pub invitations: Vec<Invitation>,
}

/// The account itself.
#[derive(Clone, Debug, Serialize)]
pub struct Account {
    /// Account ID.
    pub id: i32,
    /// Name.
    pub name: String,
    /// Sign-in email address.
    pub email: String,
    /// When the account was made.
    pub created_at: String,
    /// Whether the email address was confirmed.
    pub email_confirmed: bool,
    /// When it was confirmed.
    pub email_confirmed_at: Option<String>,
    /// Whether the account can sign in.
    pub active: bool,
}

/// A role held.
#[derive(Clone, Debug, Serialize)]
pub struct RoleHeld {
    /// Stored name.
    pub role: String,
    /// In words.
    pub name: String,
    /// When it was given.
    pub given_at: String,
}

/// The applicant's profile, as they last saved it.
#[derive(Clone, Debug, Serialize)]
pub struct Profile {
    /// Phone number.
    pub phone: String,
    /// How they like to be contacted.
    pub contact_preference: String,
    /// Their answer to "Have you been in care?", as stored.
    pub care_experience: String,
    /// The same answer in words.
    pub care_experience_in_words: String,
    /// The local authority that looked after them.
    pub local_authority: String,
    /// Their personal adviser's name.
    pub adviser_name: String,
    /// How to contact the adviser.
    pub adviser_contact: String,
    /// Support they need.
    pub support_needs: String,
    /// When it was last saved.
    pub updated_at: String,
}

/// One application.
#[derive(Clone, Debug, Serialize)]
pub struct Application {
    /// Application ID.
    pub id: i32,
    /// The reference staff see while shortlisting.
    pub reference: String,
    /// The vacancy applied for.
    pub vacancy: VacancyApplied,
    /// Stage, as stored.
    pub stage: String,
    /// Stage, in words.
    pub stage_in_words: String,
    /// When it was started.
    pub started_at: String,
    /// When it was sent.
    pub sent_at: Option<String>,
    /// When it last changed.
    pub updated_at: String,
    /// The guaranteed interview scheme: true (opted in), false (not), null (not asked).
    pub guaranteed_interview_scheme: Option<bool>,
    /// The definition of care experience they confirmed they meet, if the programme asked.
    pub confirmed_definition: Option<String>,
    /// Support or adjustments asked for.
    pub support_needs: String,
    /// Why they withdrew, if they did and said.
    pub withdrawal_reason: String,
    /// Evidence against each criterion.
    pub answers: Vec<Answer>,
    /// Referees.
    pub referees: Vec<Referee>,
    /// Every change of stage, oldest first.
    pub stage_history: Vec<StageChange>,
    /// Scores and the decision, once the panel has started.
    pub shortlisting: Shortlisting,
    /// The interview, if invited.
    pub interview: Option<Interview>,
    /// The offer, if one was made.
    pub offer: Option<Offer>,
}

/// The vacancy of an application.
#[derive(Clone, Debug, Serialize)]
pub struct VacancyApplied {
    /// Vacancy ID.
    pub id: i32,
    /// Title.
    pub title: String,
    /// Organisation.
    pub organisation: String,
}

/// Evidence against one criterion.
#[derive(Clone, Debug, Serialize)]
pub struct Answer {
    /// The criterion's text.
    pub criterion: String,
    /// Whether it is essential.
    pub essential: bool,
    /// What they wrote.
    pub evidence: String,
}

/// A referee.
#[derive(Clone, Debug, Serialize)]
pub struct Referee {
    /// Kind, as stored.
    pub kind: String,
    /// Name.
    pub name: String,
    /// How they know the applicant.
    pub relationship: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: String,
}

/// A change of stage.
#[derive(Clone, Debug, Serialize)]
pub struct StageChange {
    /// From (null for the first).
    pub from: Option<String>,
    /// To.
    pub to: String,
    /// `you`, `staff` or `the service`.
    pub by: &'static str,
    /// A note the service recorded.
    pub note: String,
    /// When.
    pub at: String,
}

/// Shortlisting of one application: each panel member's scores and notes, the lead's final
/// scores, and the decision.
#[derive(Clone, Debug, Serialize)]
pub struct Shortlisting {
    /// Whether the panel has finished; until then scores and the decision may still change.
    pub complete: bool,
    /// Each panel member's score and note for each criterion. Panel members are numbered,
    /// not named.
    pub scores: Vec<Score>,
    /// The lead's final score for each criterion.
    pub final_scores: Vec<FinalScore>,
    /// Whether they were invited to interview, and the feedback.
    pub decision: Option<Decision>,
}

/// One panel member's score for one criterion.
#[derive(Clone, Debug, Serialize)]
pub struct Score {
    /// Panel member 1, 2, … for this application.
    pub panel_member: usize,
    /// The criterion's text.
    pub criterion: String,
    /// 0 no evidence, 1 partly meets, 2 meets, 3 exceeds.
    pub score: i16,
    /// Their note.
    pub note: String,
    /// When it was last changed.
    pub updated_at: String,
}

/// The lead's final score for one criterion.
#[derive(Clone, Debug, Serialize)]
pub struct FinalScore {
    /// The criterion's text.
    pub criterion: String,
    /// 0 to 3.
    pub score: i16,
}

/// The shortlisting decision.
#[derive(Clone, Debug, Serialize)]
pub struct Decision {
    /// Whether they were invited to interview.
    pub invited: bool,
    /// Whether the guaranteed interview rule invited them.
    pub invited_automatically: bool,
    /// Feedback written for them.
    pub feedback: String,
    /// When it was decided.
    pub decided_at: String,
}

/// The interview of one application.
#[derive(Clone, Debug, Serialize)]
pub struct Interview {
    /// When they were told the interview times were ready.
    pub told_times_at: Option<String>,
    /// The time they booked.
    pub booking: Option<Booking>,
    /// The panel's outcome.
    pub outcome: Option<InterviewOutcome>,
}

/// A booked interview.
#[derive(Clone, Debug, Serialize)]
pub struct Booking {
    /// When it starts.
    pub starts_at: String,
    /// How long, in minutes.
    pub minutes: i32,
    /// Where.
    pub place: String,
    /// When they booked it.
    pub booked_at: String,
}

/// The outcome of an interview.
#[derive(Clone, Debug, Serialize)]
pub struct InterviewOutcome {
    /// Whether the panel found them appointable.
    pub appointable: bool,
    /// Feedback written for them.
    pub feedback: String,
    /// When it was recorded.
    pub recorded_at: String,
}

/// An offer and its pre-employment checks.
#[derive(Clone, Debug, Serialize)]
pub struct Offer {
    /// `offered`, `accepted`, `declined` or `withdrawn`.
    pub status: String,
    /// When it was made.
    pub offered_at: String,
    /// When they answered.
    pub answered_at: Option<String>,
    /// The agreed start date.
    pub start_date: Option<String>,
    /// The pre-employment checks.
    pub checks: Vec<Check>,
}

/// One pre-employment check.
#[derive(Clone, Debug, Serialize)]
pub struct Check {
    /// Kind, as stored.
    pub kind: String,
    /// Kind, in words.
    pub name: String,
    /// `pending`, `received` or `verified`.
    pub status: String,
    /// The note recorded with it.
    pub note: String,
    /// When it last changed.
    pub updated_at: String,
}

/// An employment record, for retention reporting.
#[derive(Clone, Debug, Serialize)]
pub struct Employment {
    /// Record ID.
    pub id: i32,
    /// The application it came from, if any.
    pub application_id: Option<i32>,
    /// Employer.
    pub organisation: String,
    /// Job.
    pub role: String,
    /// Band.
    pub band: String,
    /// Staff group.
    pub staff_group: String,
    /// Whether it is an apprenticeship.
    pub apprenticeship: bool,
    /// Programme, if any.
    pub programme: Option<String>,
    /// `spectra` or `esr`: how the person came to be counted.
    pub route: String,
    /// ESR assignment number.
    pub assignment_number: Option<String>,
    /// Start date.
    pub start_date: String,
    /// Leaving or moving date.
    pub end_date: Option<String>,
    /// `left` or `moved`.
    pub end_kind: Option<String>,
    /// Why they left.
    pub leaving_reason: Option<String>,
    /// Where they moved to.
    pub moved_to: Option<String>,
    /// Retention checkpoints, earliest first.
    pub checkpoints: Vec<Checkpoint>,
}

/// A retention checkpoint.
#[derive(Clone, Debug, Serialize)]
pub struct Checkpoint {
    /// Months after the start.
    pub months: i32,
    /// When it is due.
    pub due_on: String,
    /// `in_post`, `left`, `moved` or `closed`; null until recorded.
    pub outcome: Option<String>,
    /// `manager` or `esr`.
    pub source: Option<String>,
    /// When it was recorded.
    pub recorded_at: Option<String>,
}

/// Mentoring records.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Mentoring {
    /// Their record as a mentor.
    pub mentor_record: Option<MentorRecord>,
    /// Their records as a student (one, except in rare cases).
    pub student_records: Vec<StudentRecord>,
    /// Their relationships, as mentor or student.
    pub relationships: Vec<Relationship>,
}

/// A mentor's record.
#[derive(Clone, Debug, Serialize)]
pub struct MentorRecord {
    /// Reference.
    pub reference: String,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Organisation.
    pub organisation: String,
    /// Grade.
    pub grade: String,
    /// Specialty.
    pub specialty: String,
    /// How many students at once.
    pub capacity: i32,
    /// Ways of meeting.
    pub meeting_modes: String,
    /// When they are free.
    pub availability: String,
    /// Whether they have lived experience of care.
    pub lived_experience: bool,
    /// Gender, if given.
    pub gender: String,
    /// When the record was archived.
    pub archived_at: Option<String>,
    /// When it was made.
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
}

/// A student's record.
#[derive(Clone, Debug, Serialize)]
pub struct StudentRecord {
    /// Reference.
    pub reference: String,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// University.
    pub university: String,
    /// Year of study.
    pub year_of_study: i32,
    /// Specialties of interest.
    pub specialty_interests: String,
    /// Ways of meeting.
    pub meeting_modes: String,
    /// When they are free.
    pub availability: String,
    /// Whether they want a mentor with lived experience of care.
    pub lived_experience_preference: String,
    /// A mentor gender they prefer.
    pub gender_preference: String,
    /// How much that matters.
    pub gender_preference_strength: String,
    /// People they should not be matched with.
    pub declared_conflicts: String,
    /// `pending`, `approved`, `declined` or `left`.
    pub status: String,
    /// When they agreed to take part.
    pub consented_at: String,
    /// When the coordinator decided.
    pub decided_at: Option<String>,
    /// When the coordinator reviewed the declared conflicts.
    pub conflicts_reviewed_at: Option<String>,
    /// When they were told they are on the waiting list.
    pub waiting_list_told_at: Option<String>,
    /// When it was made.
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
}

/// A mentoring relationship, seen from the person's side.
#[derive(Clone, Debug, Serialize)]
pub struct Relationship {
    /// Relationship ID.
    pub id: i32,
    /// `mentor` or `student`: the person's side.
    pub you_are: &'static str,
    /// The other person's name, as the service shows it to them.
    pub other_person: String,
    /// When it started.
    pub started_at: String,
    /// When an end was asked for.
    pub end_requested_at: Option<String>,
    /// Whether they were the one who asked.
    pub you_asked_to_end: bool,
    /// Their reason for asking (only when they asked).
    pub your_reason_for_ending: Option<String>,
    /// When it ended.
    pub ended_at: Option<String>,
    /// Meetings, most recent first.
    pub meetings: Vec<Meeting>,
}

/// A logged meeting.
#[derive(Clone, Debug, Serialize)]
pub struct Meeting {
    /// When they met.
    pub met_on: String,
    /// `in_person` or `online`.
    pub mode: String,
    /// `you`, `the other person` or `someone else`.
    pub logged_by: &'static str,
    /// The note, only for meetings they logged (nobody else sees it).
    pub your_note: Option<String>,
}

/// An email queued for the person.
#[derive(Clone, Debug, Serialize)]
pub struct EmailSent {
    /// Subject.
    pub subject: String,
    /// The text, with one-time links blanked out.
    pub text: String,
    /// When it was queued.
    pub queued_at: String,
    /// When it was sent.
    pub sent_at: Option<String>,
    /// `sent`, `waiting` or `failed`.
    pub status: &'static str,
}

/// An entry in the audit log.
#[derive(Clone, Debug, Serialize)]
pub struct AuditEntry {
    /// When.
    pub at: String,
    /// What happened, as stored.
    pub action: String,
    /// What happened, in words.
    pub what: String,
    /// What it was about, such as `application:12`.
    pub subject: String,
    /// `you`, `someone else` or `the service`.
    pub by: &'static str,
    /// Details recorded (IDs, kinds and counts).
    pub details: serde_json::Value,
}

/// A staff invitation sent to the person.
#[derive(Clone, Debug, Serialize)]
pub struct Invitation {
    /// The name it was addressed to.
    pub name: String,
    /// Roles offered.
    pub roles: String,
    /// Organisation.
    pub organisation: Option<String>,
    /// When it was sent.
    pub sent_at: String,
    /// When it expires.
    pub expires_at: String,
    /// When it was accepted.
    pub accepted_at: Option<String>,
    /// When it was revoked.
    pub revoked_at: Option<String>,
}

impl DataExport {
    /// How many of each kind of record, for the audit log (counts, never content).
    pub fn counts(&self) -> serde_json::Value {
        json!({
            "applications": self.applications.len(),
            "employment": self.employment.len(),
            "relationships": self.mentoring.relationships.len(),
            "emails": self.emails.len(),
            "audit_events": self.audit_events.len(),
            "invitations": self.invitations.len(),
        })
    }
}

/// A time as RFC 3339 text, in UTC.
fn at(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

fn at_opt(t: Option<OffsetDateTime>) -> Option<String> {
    t.map(at)
}

/// A date as `YYYY-MM-DD`.
fn day(d: Date) -> String {
    d.to_string()
}

/// Email links that work once and must not outlive the email: the path prefixes whose next
/// segment is a secret token.
const ONE_TIME_LINKS: [&str; 3] = ["/reset-password/", "/verify-email/", "/invitation/"];

/// Blanks out the tokens of one-time links, so a copy of the download cannot be used to reset
/// a password or accept an invitation.
pub fn without_one_time_links(text: &str) -> String {
    let mut out = text.to_owned();
    for prefix in ONE_TIME_LINKS {
        let mut result = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(i) = rest.find(prefix) {
            let (before, after) = rest.split_at(i + prefix.len());
            result.push_str(before);
            let token_len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .unwrap_or(after.len());
            if token_len > 0 {
                result.push_str("(removed)");
            }
            rest = &after[token_len..];
        }
        result.push_str(rest);
        out = result;
    }
    out
}

/// Everything held about `user_id`, read in one read-only transaction (a consistent snapshot
/// on Postgres; SQLite has one connection, so nothing changes under it). `None` if there is no
/// such account.
pub async fn export(db: &DatabaseConnection, user_id: i32) -> anyhow::Result<Option<DataExport>> {
    // SQLite supports neither setting, and would log a warning for each.
    let (isolation, access) = match db.get_database_backend() {
        DbBackend::Postgres => (
            Some(IsolationLevel::RepeatableRead),
            Some(AccessMode::ReadOnly),
        ),
        _ => (None, None),
    };
    let txn = db.begin_with_config(isolation, access).await?;
    let export = gather(&txn, user_id).await?;
    txn.commit().await?;
    Ok(export)
}

/// Records the download in the audit log: a GET that writes, because DOMAIN.md §9 requires
/// every export to be audited. Only counts and the size go in the details.
pub async fn record_download(
    db: &impl ConnectionTrait,
    user_id: i32,
    export: &DataExport,
    bytes: usize,
) -> anyhow::Result<()> {
    let mut details = export.counts();
    details["bytes"] = json!(bytes);
    audit::record(
        db,
        Some(user_id),
        AuditAction::DataDownloaded,
        &format!("user:{user_id}"),
        details,
    )
    .await?;
    Ok(())
}

async fn gather(db: &impl ConnectionTrait, user_id: i32) -> anyhow::Result<Option<DataExport>> {
    let Some(me) = users::find_by_id(db, user_id).await? else {
        return Ok(None);
    };
    let roles = users::role_grants_of(db, me.id)
        .await?
        .into_iter()
        .map(|r| RoleHeld {
            name: Role::parse(&r.role)
                .map_or_else(|| r.role.clone(), |role| role.label().to_owned()),
            role: r.role,
            given_at: at(r.granted_at),
        })
        .collect();
    let organisation = match me.organisation_id {
        Some(id) => organisations::find(db, id).await?.map(|o| o.name),
        None => None,
    };
    let profile = applicant_profiles::find(db, me.id).await?.map(|p| Profile {
        care_experience_in_words: CareExperience::parse(&p.care_experience)
            .map(|c| c.label().to_owned())
            .unwrap_or_default(),
        phone: p.phone,
        contact_preference: p.contact_preference,
        care_experience: p.care_experience,
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

    let emails = outbox::to_address(db, &me.email)
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
        .collect();

    let invitation_rows = invitations::sent_to(db, &me.email).await?;
    let mut invitations = Vec::with_capacity(invitation_rows.len());
    for i in &invitation_rows {
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

    let mut subjects = vec![format!("user:{}", me.id)];
    subjects.extend(application_ids.iter().map(|id| format!("application:{id}")));
    subjects.extend(employment.iter().map(|e| format!("employment:{}", e.id)));
    subjects.extend(
        invitation_rows
            .iter()
            .map(|i| format!("invitation:{}", i.id)),
    );
    subjects.extend(mentoring_subjects);
    let audit_events = audit::about(db, me.id, &subjects)
        .await?
        .into_iter()
        .map(|e| AuditEntry {
            at: at(e.created_at),
            what: AuditAction::parse(&e.action)
                .map_or_else(|| e.action.clone(), |a| a.label().to_owned()),
            action: e.action,
            subject: e.subject,
            by: match e.actor_user_id {
                Some(id) if id == me.id => "you",
                Some(_) => "someone else",
                None => "the service",
            },
            details: serde_json::from_str(&e.details).unwrap_or(serde_json::Value::Null),
        })
        .collect();

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

/// One application with everything hanging off it.
async fn application_of(
    db: &impl ConnectionTrait,
    me: i32,
    a: application::Model,
) -> anyhow::Result<Application> {
    let ids = [a.id];
    let vacancy = vacancies::find(db, a.vacancy_id).await?;
    let organisation = match &vacancy {
        Some(v) => organisations::find(db, v.organisation_id)
            .await?
            .map(|o| o.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let criteria = vacancies::criteria_of(db, a.vacancy_id).await?;
    let criterion = |id: i32| {
        criteria
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.text.clone())
            .unwrap_or_default()
    };
    let mut answer_rows = applications::answers_of(db, a.id).await?;
    answer_rows.sort_by_key(|ans| criteria.iter().position(|c| c.id == ans.criterion_id));
    let answers = answer_rows
        .into_iter()
        .map(|ans| Answer {
            criterion: criterion(ans.criterion_id),
            essential: criteria
                .iter()
                .find(|c| c.id == ans.criterion_id)
                .is_some_and(|c| c.essential),
            evidence: ans.evidence,
        })
        .collect();
    let referees = applications::referees_of(db, a.id)
        .await?
        .into_iter()
        .map(|r| Referee {
            kind: r.kind,
            name: r.name,
            relationship: r.relationship,
            email: r.email,
            phone: r.phone,
        })
        .collect();
    let stage_history = applications::timeline(db, a.id)
        .await?
        .into_iter()
        .map(|c| StageChange {
            from: c.from_stage,
            to: c.to_stage,
            by: match c.actor_user_id {
                Some(id) if id == me => "you",
                Some(_) => "staff",
                None => "the service",
            },
            note: c.note,
            at: at(c.created_at),
        })
        .collect();

    let complete = shortlisting::state_of(db, a.vacancy_id)
        .await?
        .completed_at
        .is_some();
    let mut scorer_ids: Vec<i32> = Vec::new();
    let mut score_rows = shortlisting::scores_for(db, &ids).await?;
    score_rows.sort_by_key(|s| {
        (
            s.scorer_id,
            criteria.iter().position(|c| c.id == s.criterion_id),
        )
    });
    let scores = score_rows
        .into_iter()
        .map(|s| {
            let panel_member = match scorer_ids.iter().position(|id| *id == s.scorer_id) {
                Some(i) => i + 1,
                None => {
                    scorer_ids.push(s.scorer_id);
                    scorer_ids.len()
                }
            };
            Score {
                panel_member,
                criterion: criterion(s.criterion_id),
                score: s.score,
                note: s.note,
                updated_at: at(s.updated_at),
            }
        })
        .collect();
    let mut final_rows = shortlisting::finals_for(db, &ids).await?;
    final_rows.sort_by_key(|f| criteria.iter().position(|c| c.id == f.criterion_id));
    let final_scores = final_rows
        .into_iter()
        .map(|f| FinalScore {
            criterion: criterion(f.criterion_id),
            score: f.score,
        })
        .collect();
    let decision = shortlisting::decisions_for(db, &ids)
        .await?
        .into_iter()
        .next()
        .map(|d| Decision {
            invited: d.invited,
            invited_automatically: d.automatic,
            feedback: d.feedback,
            decided_at: at(d.decided_at),
        });

    let told = interviews::told_of(db, &ids).await?.into_iter().next();
    let booking = match interviews::booking_of(db, a.id).await? {
        Some(b) => interviews::find_slot(db, b.slot_id)
            .await?
            .map(|slot| Booking {
                starts_at: at(slot.starts_at),
                minutes: slot.minutes,
                place: slot.place,
                booked_at: at(b.booked_at),
            }),
        None => None,
    };
    let outcome = interviews::outcomes_for(db, &ids)
        .await?
        .into_iter()
        .next()
        .map(|o| InterviewOutcome {
            appointable: o.appointable,
            feedback: o.feedback,
            recorded_at: at(o.recorded_at),
        });
    let interview = (told.is_some() || booking.is_some() || outcome.is_some()).then(|| Interview {
        told_times_at: told.map(|t| at(t.told_at)),
        booking,
        outcome,
    });

    let offer = match offers::find(db, a.id).await? {
        Some(o) => {
            let checks = offers::checks_of(db, a.id)
                .await?
                .into_iter()
                .map(|c| Check {
                    name: CheckKind::parse(&c.kind)
                        .map_or_else(|| c.kind.clone(), |k| k.label().to_owned()),
                    kind: c.kind,
                    status: c.status,
                    note: c.note,
                    updated_at: at(c.updated_at),
                })
                .collect();
            Some(Offer {
                status: o.status,
                offered_at: at(o.offered_at),
                answered_at: at_opt(o.responded_at),
                start_date: o.start_date.map(day),
                checks,
            })
        }
        None => None,
    };

    Ok(Application {
        id: a.id,
        reference: reference(a.id),
        vacancy: VacancyApplied {
            id: a.vacancy_id,
            title: vacancy.map(|v| v.title).unwrap_or_default(),
            organisation,
        },
        stage_in_words: Stage::parse(&a.stage)
            .map_or_else(|| a.stage.clone(), |s| s.label().to_owned()),
        stage: a.stage,
        started_at: at(a.created_at),
        sent_at: at_opt(a.submitted_at),
        updated_at: at(a.updated_at),
        guaranteed_interview_scheme: a.guaranteed_interview,
        confirmed_definition: a.confirmed_definition,
        support_needs: a.adjustments,
        withdrawal_reason: a.withdrawal_reason,
        answers,
        referees,
        stage_history,
        shortlisting: Shortlisting {
            complete,
            scores,
            final_scores,
            decision,
        },
        interview,
        offer,
    })
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
                outcome: c.outcome,
                source: c.source,
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
            route: r.route,
            assignment_number: r.assignment_number,
            start_date: day(r.start_date),
            end_date: r.end_date.map(day),
            end_kind: r.end_kind,
            leaving_reason: r.leaving_reason,
            moved_to: r.moved_to,
            checkpoints,
        });
    }
    Ok(out)
}

/// The person's mentoring records and relationships, and the audit subjects they make.
async fn mentoring_of(
    db: &impl ConnectionTrait,
    me: &user::Model,
) -> anyhow::Result<(Mentoring, Vec<String>)> {
    let mut subjects = Vec::new();
    let mut relationships = Vec::new();

    // A mentor record is the person's when it has their sign-in address.
    let mentor = registry::mentor_with_email(db, &me.email).await?;
    if let Some(m) = &mentor {
        subjects.push(format!("mentor:{}", m.id));
        let rows = rels::of_mentor(db, m.id).await?;
        let ids: Vec<i32> = rows.iter().map(|r| r.mentee_id).collect();
        let others = rels::mentees_by_id(db, &ids).await?;
        for r in rows {
            let name = others
                .get(&r.mentee_id)
                .map(|s| s.full_name.clone())
                .unwrap_or_default();
            relationships.push(relationship_of(db, me.id, r, "mentor", name).await?);
        }
    }

    // A student record is theirs when it is linked to their account, or has their address and
    // is linked to no other account.
    let mut students: Vec<mentee::Model> = Vec::new();
    if let Some(s) = registry::mentee_of_user(db, me.id).await? {
        students.push(s);
    }
    if let Some(s) = registry::mentee_with_email(db, &me.email).await?
        && s.user_id.is_none_or(|id| id == me.id)
        && !students.iter().any(|t| t.id == s.id)
    {
        students.push(s);
    }
    for s in &students {
        subjects.push(format!("mentee:{}", s.id));
        let rows = rels::of_mentee(db, s.id).await?;
        let ids: Vec<i32> = rows.iter().map(|r| r.mentor_id).collect();
        let others = rels::mentors_by_id(db, &ids).await?;
        for r in rows {
            let name = others
                .get(&r.mentor_id)
                .map(|m| m.full_name.clone())
                .unwrap_or_default();
            relationships.push(relationship_of(db, me.id, r, "student", name).await?);
        }
    }
    subjects.extend(
        relationships
            .iter()
            .map(|r| format!("mentoring_relationship:{}", r.id)),
    );

    Ok((
        Mentoring {
            mentor_record: mentor.map(mentor_record),
            student_records: students.into_iter().map(student_record).collect(),
            relationships,
        },
        subjects,
    ))
}

async fn relationship_of(
    db: &impl ConnectionTrait,
    me: i32,
    r: mentoring_relationship::Model,
    you_are: &'static str,
    other_person: String,
) -> anyhow::Result<Relationship> {
    let meetings = rels::meetings_of(db, r.id)
        .await?
        .into_iter()
        .map(|m| {
            let mine = m.logged_by == Some(me);
            Meeting {
                met_on: day(m.met_on),
                mode: m.mode,
                logged_by: match m.logged_by {
                    Some(_) if mine => "you",
                    Some(_) => "the other person",
                    None => "someone else",
                },
                your_note: mine.then_some(m.note),
            }
        })
        .collect();
    let you_asked = r.end_requested_by == Some(me);
    Ok(Relationship {
        id: r.id,
        you_are,
        other_person,
        started_at: at(r.started_at),
        end_requested_at: at_opt(r.end_requested_at),
        you_asked_to_end: you_asked,
        your_reason_for_ending: you_asked.then_some(r.end_reason),
        ended_at: at_opt(r.ended_at),
        meetings,
    })
}

fn mentor_record(m: mentor::Model) -> MentorRecord {
    MentorRecord {
        reference: m.reference,
        name: m.full_name,
        email: m.email,
        organisation: m.organisation,
        grade: m.grade,
        specialty: m.specialty,
        capacity: m.capacity,
        meeting_modes: m.meeting_modes,
        availability: m.availability,
        lived_experience: m.lived_experience,
        gender: m.gender,
        archived_at: at_opt(m.archived_at),
        created_at: at(m.created_at),
        updated_at: at(m.updated_at),
    }
}

fn student_record(s: mentee::Model) -> StudentRecord {
    StudentRecord {
        reference: s.reference,
        name: s.full_name,
        email: s.email,
        university: s.university,
        year_of_study: s.year_of_study,
        specialty_interests: s.specialty_interests,
        meeting_modes: s.meeting_modes,
        availability: s.availability,
        lived_experience_preference: s.lived_experience_preference,
        gender_preference: s.gender_preference,
        gender_preference_strength: s.gender_preference_strength,
        declared_conflicts: s.declared_conflicts,
        status: s.status,
        consented_at: at(s.consented_at),
        decided_at: at_opt(s.decided_at),
        conflicts_reviewed_at: at_opt(s.conflicts_reviewed_at),
        waiting_list_told_at: at_opt(s.waiting_list_told_at),
        created_at: at(s.created_at),
        updated_at: at(s.updated_at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_time_links_lose_their_tokens_and_other_links_stay() {
        let text = "Reset: https://spectra.example/reset-password/abc_DEF-123 within an hour.\n\
                    Confirm: https://spectra.example/verify-email/xyz\n\
                    Join: https://spectra.example/invitation/t0k3n.\n\
                    See https://spectra.example/applications/12";
        assert_eq!(
            without_one_time_links(text),
            "Reset: https://spectra.example/reset-password/(removed) within an hour.\n\
             Confirm: https://spectra.example/verify-email/(removed)\n\
             Join: https://spectra.example/invitation/(removed).\n\
             See https://spectra.example/applications/12"
        );
        assert_eq!(without_one_time_links("no links"), "no links");
        assert_eq!(
            without_one_time_links("/verify-email/ then nothing"),
            "/verify-email/ then nothing"
        );
    }

    #[test]
    fn times_are_rfc3339_in_utc() {
        let t = time::macros::datetime!(2026-03-27 09:30:00 UTC);
        assert_eq!(at(t), "2026-03-27T09:30:00Z");
        assert_eq!(day(time::macros::date!(2027 - 01 - 04)), "2027-01-04");
    }
}
