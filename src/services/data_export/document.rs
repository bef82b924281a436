//! The document a person downloads: every part, as `docs/DATA-DOWNLOAD.md` describes it.

use serde::Serialize;
use serde_json::json;

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
