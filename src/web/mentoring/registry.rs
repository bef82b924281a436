//! The coordinator's registries: the dashboard, mentors (and their invitations), students
//! (approval under the cap, and the pairs never to be matched), spreadsheet import and export,
//! and the pilot's settings.
//!
//! Import rules: a file with any bad row is refused whole and nothing is stored. A row whose id
//! is already stored with the same email updates that record; a row whose id or email belongs to
//! a different stored record is a bad row. Every student in an imported file is approved (the
//! coordinator vouches for them), so the file must fit under the cap.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseTransaction, DbErr, TransactionTrait};
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;

use super::signup::{
    Day, availability_grid, optional_text, parse_availability, parse_modes, repeated,
};
use super::{grant_audited, require_coordinator};
use crate::app::AppState;
use crate::auth::{AuthUser, CurrentUser, tokens};
use crate::db::audit::{self, AuditAction};
use crate::db::mentoring::registry::{self as reg, SOURCE_CONFLICT, SOURCE_COORDINATOR};
use crate::db::mentoring::{self, Settings, approved_count, status_of};
use crate::db::{invitations, outbox, users};
use crate::domain::mentoring::files::{self, MenteeRecord, MentorRecord, RowError};
use crate::domain::mentoring::pilot::{
    CoordinatorCounts, MAX_CAP, MenteeStatus, NextStep, cap_reached, coordinator_next_steps,
    plural, within_cap,
};
use crate::domain::mentoring::profile::{Availability, Modes, Strength, items, mentor_who_is};
use crate::domain::mentoring::scoring::{Criterion, Weights};
use crate::domain::{EmailAddress, FullName, Role, role};
use crate::entities::{mentee, mentor, mentoring_exclusion};
use crate::error::{AppError, AppResult};
use crate::mail::templates::{EmailContent, Invitation, MentoringNotice};
use crate::web::page::{FormErrors, IdPairPath, IdPath, Page, flash, form_field, notice, warning};

/// The coordinator's registry pages. Mounted behind the coordinator role check.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/mentoring/coordinator", get(dashboard))
        .route("/mentoring/coordinator/mentors", get(mentor_list))
        .route(
            "/mentoring/coordinator/mentors/new",
            get(new_mentor).post(create_mentor),
        )
        .route("/mentoring/coordinator/mentors/{id}", get(show_mentor))
        .route(
            "/mentoring/coordinator/mentors/{id}/invite",
            post(invite_mentor),
        )
        .route("/mentoring/coordinator/mentees", get(mentee_list))
        .route("/mentoring/coordinator/mentees/{id}", get(show_mentee))
        .route("/mentoring/coordinator/mentees/{id}/approve", post(approve))
        .route("/mentoring/coordinator/mentees/{id}/decline", post(decline))
        .route(
            "/mentoring/coordinator/mentees/{id}/conflicts-reviewed",
            post(conflicts_reviewed),
        )
        .route(
            "/mentoring/coordinator/mentees/{id}/exclusions",
            post(add_exclusion),
        )
        .route(
            "/mentoring/coordinator/mentees/{id}/exclusions/{exclusion_id}/delete",
            post(delete_exclusion),
        )
        .route(
            "/mentoring/coordinator/import",
            get(import_form).post(import),
        )
        .route(
            "/mentoring/coordinator/export/mentors.csv",
            get(export_mentors),
        )
        .route(
            "/mentoring/coordinator/export/mentees.csv",
            get(export_mentees),
        )
        .route(
            "/mentoring/coordinator/export/exclusions.csv",
            get(export_exclusions),
        )
        .route(
            "/mentoring/coordinator/settings",
            get(settings_form).post(save_settings),
        )
}

fn to_u32(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

/// Makes approvals and imports wait for each other, so two at once cannot both fit under the
/// cap. SQLite already lets one writer at a time through.
async fn lock_mentees(txn: &DatabaseTransaction) -> Result<(), DbErr> {
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        txn.execute_unprepared("LOCK TABLE mentees IN SHARE ROW EXCLUSIVE MODE")
            .await?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Dashboard

/// A mentor and how many more students they can take.
pub struct MentorPlaces {
    pub mentor: mentor::Model,
    pub current: u32,
    pub free: u32,
    pub has_account: bool,
}

async fn mentor_places(state: &AppState) -> AppResult<Vec<MentorPlaces>> {
    let mentors = reg::mentors(&state.db).await?;
    let current = reg::current_mentees(&state.db).await?;
    let accounts =
        reg::emails_with_accounts(&state.db, mentors.iter().map(|m| m.email.clone()).collect())
            .await?;
    Ok(mentors
        .into_iter()
        .map(|m| {
            let now = current.get(&m.id).copied().unwrap_or(0);
            MentorPlaces {
                current: now,
                free: to_u32(m.capacity).saturating_sub(now),
                has_account: accounts.contains_key(&m.email),
                mentor: m,
            }
        })
        .collect())
}

/// A student waiting for a mentor, flagged on the dashboard.
pub struct WaitingLine {
    id: i32,
    name: String,
    reference: String,
    /// When they were told they are on the waiting list, if they have been.
    told: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/registry_dashboard.html")]
struct DashboardTemplate {
    page: Page,
    approved: u64,
    cap: u32,
    pending: u64,
    mentors: Vec<MentorPlaces>,
    free_places: u32,
    active: usize,
    next_steps: Vec<NextStep>,
    waiting: Vec<WaitingLine>,
}

impl DashboardTemplate {
    fn count(&self, n: &u32, one: &str, many: &str) -> String {
        plural(usize::try_from(*n).unwrap_or(0), one, many)
    }
}

async fn dashboard(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    page: Page,
) -> AppResult<DashboardTemplate> {
    require_coordinator(&me)?;
    let db = &state.db;
    let settings = mentoring::settings(db).await?;
    let mentors = mentor_places(&state).await?;
    let pending = reg::pending_count(db).await?;
    let free_places: u32 = mentors.iter().map(|m| m.free).sum();
    let pool = crate::db::mentoring::matching::pool(db).await?;
    let (quiet, end_requested) = super::relationships::attention_counts(db).await?;
    let next_steps = coordinator_next_steps(CoordinatorCounts {
        pending: usize::try_from(pending).unwrap_or(usize::MAX),
        conflicts_to_review: crate::db::mentoring::matching::awaiting_conflict_review(db)
            .await?
            .len(),
        waiting: pool.waiting.len(),
        free_places: pool.mentors.iter().map(|(_, room)| *room as usize).sum(),
        proposal: super::matching::proposal_to_confirm(db, &pool).await?,
        quiet,
        end_requested,
    });
    let waiting = pool
        .waiting
        .iter()
        .map(|m| WaitingLine {
            id: m.id,
            name: m.full_name.clone(),
            reference: m.reference.clone(),
            told: m
                .waiting_list_told_at
                .map(crate::domain::london_time::describe),
        })
        .collect();
    Ok(DashboardTemplate {
        page,
        approved: approved_count(db).await?,
        cap: settings.cap,
        pending,
        free_places,
        mentors,
        active: mentoring::active_relationships(db).await?.len(),
        next_steps,
        waiting,
    })
}

// ---------------------------------------------------------------------------------------------
// Mentors

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/mentors.html")]
struct MentorListTemplate {
    page: Page,
    mentors: Vec<MentorPlaces>,
}

async fn mentor_list(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    page: Page,
) -> AppResult<MentorListTemplate> {
    require_coordinator(&me)?;
    Ok(MentorListTemplate {
        page,
        mentors: mentor_places(&state).await?,
    })
}

/// The mentor form as typed.
#[derive(Clone, Debug, Default)]
pub struct MentorForm {
    pub full_name: String,
    pub email: String,
    pub organisation: String,
    pub grade: String,
    pub specialty: String,
    pub capacity: String,
    pub modes: Vec<String>,
    pub availability: Vec<String>,
    pub lived_experience: String,
    pub gender: String,
}

fn required_text(
    value: &str,
    field: &'static str,
    missing: &'static str,
    errors: &mut FormErrors,
) -> String {
    match optional_text(value, "Must be 200 characters or fewer") {
        Ok(v) if v.is_empty() => {
            errors.add(field, missing);
            v
        }
        Ok(v) => v,
        Err(m) => {
            errors.add(field, m);
            String::new()
        }
    }
}

impl MentorForm {
    fn from_pairs(pairs: &[(String, String)]) -> Self {
        MentorForm {
            full_name: form_field(pairs, "full_name").to_owned(),
            email: form_field(pairs, "email").to_owned(),
            organisation: form_field(pairs, "organisation").to_owned(),
            grade: form_field(pairs, "grade").to_owned(),
            specialty: form_field(pairs, "specialty").to_owned(),
            capacity: form_field(pairs, "capacity").to_owned(),
            modes: repeated(pairs, "modes"),
            availability: repeated(pairs, "availability"),
            lived_experience: form_field(pairs, "lived_experience").to_owned(),
            gender: form_field(pairs, "gender").to_owned(),
        }
    }

    /// Checks the form. The reference is given when stored.
    pub fn parse(&self) -> Result<MentorRecord, FormErrors> {
        let mut errors = FormErrors::default();
        let name = errors.check(
            "full_name",
            FullName::parse(&self.full_name).map_err(|_| "Enter the mentor's full name"),
        );
        let email = errors.check(
            "email",
            EmailAddress::parse(&self.email)
                .map_err(|_| "Enter an email address in the right format, like name@example.org"),
        );
        let organisation = required_text(
            &self.organisation,
            "organisation",
            "Enter the mentor's organisation",
            &mut errors,
        );
        let grade = required_text(
            &self.grade,
            "grade",
            "Enter the mentor's grade",
            &mut errors,
        );
        let specialty = required_text(
            &self.specialty,
            "specialty",
            "Enter the mentor's specialty",
            &mut errors,
        );
        let capacity = self
            .capacity
            .parse::<u32>()
            .ok()
            .filter(|c| (1..=3).contains(c));
        if capacity.is_none() {
            errors.add(
                "capacity",
                "Choose how many students they can mentor, from 1 to 3",
            );
        }
        let modes = errors.check("modes", parse_modes(&self.modes));
        let availability = errors.check(
            "availability",
            parse_availability(&self.availability)
                .map_err(|_| "Choose at least one time when the mentor is free"),
        );
        let lived_experience = match self.lived_experience.as_str() {
            "yes" => Some(true),
            "no" | "not_said" => Some(false),
            _ => {
                errors.add(
                    "lived_experience",
                    "Choose whether the mentor has been in care, or that they prefer not to say",
                );
                None
            }
        };
        let gender = errors
            .check(
                "gender",
                optional_text(&self.gender, "Gender must be 200 characters or fewer"),
            )
            .unwrap_or_default();
        match (name, email, capacity, modes, availability, lived_experience) {
            (
                Some(name),
                Some(email),
                Some(capacity),
                Some(modes),
                Some(availability),
                Some(lived_experience),
            ) if errors.is_empty() => Ok(MentorRecord {
                id: String::new(),
                name: name.into_string(),
                email: email.as_str().to_owned(),
                organisation,
                grade,
                specialty,
                capacity,
                modes,
                availability,
                lived_experience,
                gender,
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/mentors_new.html")]
struct NewMentorTemplate {
    page: Page,
    form: MentorForm,
    days: Vec<Day>,
    availability_question: &'static str,
    errors: FormErrors,
}

impl NewMentorTemplate {
    fn new(page: Page, form: MentorForm, errors: FormErrors) -> Self {
        NewMentorTemplate {
            page,
            days: availability_grid(&form.availability),
            form,
            availability_question: "When is the mentor usually free?",
            errors,
        }
    }

    fn mode_checked(&self, mode: &str) -> bool {
        self.form.modes.iter().any(|m| m == mode)
    }
}

async fn new_mentor(CurrentUser(me): CurrentUser, page: Page) -> AppResult<NewMentorTemplate> {
    require_coordinator(&me)?;
    Ok(NewMentorTemplate::new(
        page,
        MentorForm::default(),
        FormErrors::default(),
    ))
}

/// Gives an existing account the role, or sends an invitation to create one. Runs inside the
/// caller's transaction; returns what was done, for the flash message. The email is queued in
/// the same transaction.
async fn invite_or_grant(
    txn: &DatabaseTransaction,
    state: &AppState,
    me: &AuthUser,
    name: &str,
    email: &str,
    role_to_give: Role,
) -> AppResult<String> {
    if let Some(user) = users::find_by_email(txn, email).await? {
        grant_audited(txn, Some(me.id), user.id, role_to_give).await?;
        return Ok(format!(
            "{name} already has an account, so it now has the {} role",
            role_to_give.label().to_lowercase()
        ));
    }
    let Ok(address) = EmailAddress::parse(email) else {
        return Err(AppError::BadRequest(
            "This email address cannot be used for an invitation.".into(),
        ));
    };
    // Keep the roles of an invitation still open for the same person.
    let open = invitations::open(txn)
        .await?
        .into_iter()
        .find(|i| i.email == address.as_str());
    let mut roles = open
        .as_ref()
        .and_then(|i| role::parse_list(&i.roles))
        .unwrap_or_default();
    if !roles.contains(&role_to_give) {
        roles.push(role_to_give);
    }
    let organisation_id = open.as_ref().and_then(|i| i.organisation_id);
    let (token, token_hash) = tokens::generate();
    let message = Invitation {
        name: name.to_owned(),
        invited_by: me.full_name.clone(),
        roles: roles.iter().map(|r| r.label().to_owned()).collect(),
        organisation: None,
        link: state.config.link(&format!("/invitation/{token}")),
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
        me.id,
    )
    .await?;
    audit::record(
        txn,
        Some(me.id),
        AuditAction::InvitationSent,
        &format!("invitation:{}", invitation.id),
        json!({ "roles": role::format_list(&roles), "organisation_id": organisation_id, "replaced_invitations": replaced }),
    )
    .await?;
    outbox::enqueue(txn, &message).await?;
    Ok(format!("Invitation sent to {}", address.as_str()))
}

async fn create_mentor(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    session: Session,
    page: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    require_coordinator(&me)?;
    let form = MentorForm::from_pairs(&pairs);
    let mut record = match form.parse() {
        Ok(r) => r,
        Err(errors) => return Ok(NewMentorTemplate::new(page, form, errors).into_response()),
    };
    let txn = state.db.begin().await?;
    if reg::mentor_with_email(&txn, &record.email).await?.is_some() {
        txn.rollback().await?;
        let mut errors = FormErrors::default();
        errors.add(
            "email",
            "A mentor with this email address is already in the list",
        );
        return Ok(NewMentorTemplate::new(page, form, errors).into_response());
    }
    record.id = reg::unused_reference(&txn, 'M').await?;
    let stored = reg::insert_mentor(&txn, &record).await?;
    audit::record(
        &txn,
        Some(me.id),
        AuditAction::MentorAdded,
        &format!("mentor:{}", stored.id),
        json!({ "reference": stored.reference }),
    )
    .await?;
    let done =
        invite_or_grant(&txn, &state, &me, &record.name, &record.email, Role::Mentor).await?;
    txn.commit().await?;
    state.mail_wakeup.notify_one();
    flash(&session, format!("{} added. {done}.", record.name)).await?;
    Ok(Redirect::to(&format!("/mentoring/coordinator/mentors/{}", stored.id)).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/mentors_show.html")]
struct MentorTemplate {
    page: Page,
    mentor: mentor::Model,
    modes: String,
    availability: String,
    has_account: bool,
    current: u32,
}

async fn show_mentor(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    IdPath(id): IdPath,
    page: Page,
) -> AppResult<MentorTemplate> {
    require_coordinator(&me)?;
    let mentor = reg::find_mentor(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record_alone(
        &state.db,
        Some(me.id),
        AuditAction::MentoringRecordViewed,
        &format!("mentor:{id}"),
        json!({}),
    )
    .await?;
    let has_account = users::find_by_email(&state.db, &mentor.email)
        .await?
        .is_some();
    let current = reg::current_mentees(&state.db)
        .await?
        .get(&mentor.id)
        .copied()
        .unwrap_or(0);
    Ok(MentorTemplate {
        page,
        modes: Modes::parse(&mentor.meeting_modes)
            .unwrap_or_default()
            .describe(),
        availability: Availability::parse(&mentor.availability)
            .unwrap_or_default()
            .describe(),
        mentor,
        has_account,
        current,
    })
}

async fn invite_mentor(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    IdPath(id): IdPath,
    session: Session,
) -> AppResult<Response> {
    require_coordinator(&me)?;
    let mentor = reg::find_mentor(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let txn = state.db.begin().await?;
    let done = invite_or_grant(
        &txn,
        &state,
        &me,
        &mentor.full_name,
        &mentor.email,
        Role::Mentor,
    )
    .await?;
    txn.commit().await?;
    state.mail_wakeup.notify_one();
    flash(&session, done).await?;
    Ok(Redirect::to(&format!("/mentoring/coordinator/mentors/{id}")).into_response())
}

// ---------------------------------------------------------------------------------------------
// Students

/// The students of one status, for the list.
pub struct StatusGroup {
    pub status: MenteeStatus,
    pub mentees: Vec<mentee::Model>,
}

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/mentees.html")]
struct MenteeListTemplate {
    page: Page,
    groups: Vec<StatusGroup>,
    filter: Option<MenteeStatus>,
    statuses: [MenteeStatus; 4],
}

impl MenteeListTemplate {
    fn is_shown(&self, status: &MenteeStatus) -> bool {
        self.filter == Some(*status)
    }
}

/// Which students to list.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StatusFilter {
    status: Option<String>,
}

async fn mentee_list(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(filter): Query<StatusFilter>,
    page: Page,
) -> AppResult<MenteeListTemplate> {
    require_coordinator(&me)?;
    let filter = filter.status.as_deref().and_then(MenteeStatus::parse);
    let all = reg::mentees(&state.db).await?;
    let groups = MenteeStatus::ALL
        .into_iter()
        .filter(|s| filter.is_none_or(|f| f == *s))
        .map(|status| StatusGroup {
            status,
            mentees: all
                .iter()
                .filter(|m| status_of(m) == status)
                .cloned()
                .collect(),
        })
        .collect();
    Ok(MenteeListTemplate {
        page,
        groups,
        filter,
        statuses: MenteeStatus::ALL,
    })
}

/// An exclusion with the mentor's name, for the student's page.
pub struct ExclusionRow {
    pub exclusion: mentoring_exclusion::Model,
    pub mentor_name: String,
    pub mentor_reference: String,
}

impl ExclusionRow {
    fn source_label(&self) -> &'static str {
        match self.exclusion.source.as_str() {
            SOURCE_CONFLICT => "Conflict of interest",
            SOURCE_COORDINATOR => "Coordinator's decision",
            "ended" => "Earlier relationship ended",
            _ => "Other",
        }
    }
}

/// What the coordinator typed on a student's page, to show again with errors.
#[derive(Clone, Debug, Default)]
struct MenteeForms {
    mentor: String,
    reason: String,
    source: String,
    decline_reason: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/mentees_show.html")]
struct MenteeTemplate {
    page: Page,
    mentee: mentee::Model,
    status: MenteeStatus,
    interests: String,
    modes: String,
    availability: String,
    lived_experience: &'static str,
    gender: String,
    exclusions: Vec<ExclusionRow>,
    mentors: Vec<mentor::Model>,
    forms: MenteeForms,
    approved: u64,
    cap: u32,
    errors: FormErrors,
}

impl MenteeTemplate {
    fn can_approve(&self) -> bool {
        matches!(self.status, MenteeStatus::Pending | MenteeStatus::Declined)
    }

    fn can_decline(&self) -> bool {
        self.status == MenteeStatus::Pending
    }

    fn has_conflicts(&self) -> bool {
        !self.mentee.declared_conflicts.trim().is_empty()
    }

    fn conflicts_to_review(&self) -> bool {
        self.status == MenteeStatus::Approved
            && crate::db::mentoring::matching::conflicts_unreviewed(&self.mentee)
    }

    fn mentor_chosen(&self, id: &i32) -> bool {
        self.forms.mentor == id.to_string()
    }
}

fn strength_words(s: Strength) -> &'static str {
    match s {
        Strength::None => "No wish",
        Strength::Preferred => "Preferred",
        Strength::Required => "Required",
    }
}

async fn mentee_page(
    state: &AppState,
    page: Page,
    id: i32,
    forms: MenteeForms,
    errors: FormErrors,
) -> AppResult<MenteeTemplate> {
    let mentee = reg::find_mentee(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mentors = reg::mentors(&state.db).await?;
    let names: HashMap<i32, (String, String)> = reg::all_mentors(&state.db)
        .await?
        .into_iter()
        .map(|m| (m.id, (m.full_name, m.reference)))
        .collect();
    let exclusions = reg::exclusions_of(&state.db, id)
        .await?
        .into_iter()
        .map(|exclusion| {
            let (mentor_name, mentor_reference) =
                names.get(&exclusion.mentor_id).cloned().unwrap_or_default();
            ExclusionRow {
                exclusion,
                mentor_name,
                mentor_reference,
            }
        })
        .collect();
    let profile = mentoring::mentee_profile(&mentee);
    let gender = match profile.gender_strength {
        _ if profile.gender.trim().is_empty() => "No wish".to_owned(),
        Strength::Required => format!("Only wants {}", mentor_who_is(&profile.gender)),
        Strength::Preferred | Strength::None => {
            format!("Would like {}", mentor_who_is(&profile.gender))
        }
    };
    let settings = mentoring::settings(&state.db).await?;
    Ok(MenteeTemplate {
        page,
        status: status_of(&mentee),
        interests: items(&mentee.specialty_interests)
            .collect::<Vec<_>>()
            .join(", "),
        modes: profile.modes.describe(),
        availability: profile.availability.describe(),
        lived_experience: strength_words(profile.lived_experience),
        gender,
        mentee,
        exclusions,
        mentors,
        forms,
        approved: approved_count(&state.db).await?,
        cap: settings.cap,
        errors,
    })
}

async fn show_mentee(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    IdPath(id): IdPath,
    page: Page,
) -> AppResult<MenteeTemplate> {
    require_coordinator(&me)?;
    let template = mentee_page(
        &state,
        page,
        id,
        MenteeForms::default(),
        FormErrors::default(),
    )
    .await?;
    // Only once the page exists: an unknown ID is a 404 and views nothing.
    audit::record_alone(
        &state.db,
        Some(me.id),
        AuditAction::MentoringRecordViewed,
        &format!("mentee:{id}"),
        json!({}),
    )
    .await?;
    Ok(template)
}

async fn approve(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    IdPath(id): IdPath,
    session: Session,
    page: Page,
) -> AppResult<Response> {
    require_coordinator(&me)?;
    let txn = state.db.begin().await?;
    lock_mentees(&txn).await?;
    let mentee = reg::find_mentee(&txn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let before = status_of(&mentee);
    if before == MenteeStatus::Left {
        return Err(AppError::BadRequest(format!(
            "{} has left the pilot. Ask them to sign up again if they want to come back.",
            mentee.full_name
        )));
    }
    if before == MenteeStatus::Approved {
        txn.rollback().await?;
        notice(
            &session,
            format!("{} is already approved", mentee.full_name),
        )
        .await?;
        return Ok(Redirect::to(&format!("/mentoring/coordinator/mentees/{id}")).into_response());
    }
    let cap = mentoring::settings(&txn).await?.cap;
    if !within_cap(approved_count(&txn).await?, 1, cap) {
        txn.rollback().await?;
        let mut errors = FormErrors::default();
        errors.add("approve", cap_reached(cap));
        let template = mentee_page(&state, page, id, MenteeForms::default(), errors).await?;
        return Ok(template.into_response());
    }
    let mentee = reg::decide(&txn, mentee, MenteeStatus::Approved, me.id).await?;
    let mut role_granted = false;
    if let Some(user_id) = mentee.user_id {
        role_granted = grant_audited(&txn, Some(me.id), user_id, Role::Mentee).await?;
    }
    audit::record(
        &txn,
        Some(me.id),
        AuditAction::MenteeApproved,
        &format!("mentee:{id}"),
        json!({ "before": before.as_str(), "after": "approved", "mentee_role_granted": role_granted }),
    )
    .await?;
    let notice = MentoringNotice {
        subject: "You have a place in the mentoring pilot".into(),
        name: mentee.full_name.clone(),
        paragraphs: vec![
            "The coordinator has approved your sign-up for the mentoring pilot.".into(),
            "We will email you again when we have matched you with a mentor.".into(),
        ],
        link: Some(state.config.link("/mentoring")),
    };
    outbox::enqueue(&txn, &notice.to_email(&mentee.email)?).await?;
    txn.commit().await?;
    state.mail_wakeup.notify_one();
    flash(&session, format!("{} is approved", mentee.full_name)).await?;
    Ok(Redirect::to(&format!("/mentoring/coordinator/mentees/{id}")).into_response())
}

async fn conflicts_reviewed(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    IdPath(id): IdPath,
    session: Session,
) -> AppResult<Response> {
    require_coordinator(&me)?;
    let txn = state.db.begin().await?;
    if !reg::mark_conflicts_reviewed(&txn, id).await? {
        return Err(AppError::NotFound);
    }
    audit::record(
        &txn,
        Some(me.id),
        AuditAction::MentoringExclusionChanged,
        &format!("mentee:{id}"),
        json!({ "conflicts_reviewed": true }),
    )
    .await?;
    txn.commit().await?;
    flash(
        &session,
        "Conflicts reviewed. The student can be matched again.",
    )
    .await?;
    Ok(Redirect::to(&format!("/mentoring/coordinator/mentees/{id}")).into_response())
}

async fn decline(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    IdPath(id): IdPath,
    session: Session,
    page: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    require_coordinator(&me)?;
    let reason = form_field(&pairs, "decline_reason").trim().to_owned();
    if reason.chars().count() > 2000 {
        let mut errors = FormErrors::default();
        errors.add(
            "decline_reason",
            "The reason must be 2000 characters or fewer",
        );
        let forms = MenteeForms {
            decline_reason: reason,
            ..MenteeForms::default()
        };
        return Ok(mentee_page(&state, page, id, forms, errors)
            .await?
            .into_response());
    }
    let txn = state.db.begin().await?;
    let mentee = reg::find_mentee(&txn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if status_of(&mentee) != MenteeStatus::Pending {
        txn.rollback().await?;
        warning(
            &session,
            "Only a sign-up waiting for approval can be declined",
        )
        .await?;
        return Ok(Redirect::to(&format!("/mentoring/coordinator/mentees/{id}")).into_response());
    }
    let mentee = reg::decide(&txn, mentee, MenteeStatus::Declined, me.id).await?;
    audit::record(
        &txn,
        Some(me.id),
        AuditAction::MenteeDeclined,
        &format!("mentee:{id}"),
        // The reason is free text about the student: the log says only that one was given.
        json!({ "reason_given": !reason.trim().is_empty() }),
    )
    .await?;
    let mut paragraphs =
        vec!["Thank you for signing up. The coordinator could not offer you a place in the mentoring pilot this time.".to_owned()];
    if !reason.is_empty() {
        paragraphs.push(format!("The coordinator said: {reason}"));
    }
    paragraphs.push(format!(
        "If you have questions, write to the coordinator, {}: {}",
        me.full_name, me.email
    ));
    let notice = MentoringNotice {
        subject: "Your sign-up for the mentoring pilot".into(),
        name: mentee.full_name.clone(),
        paragraphs,
        link: None,
    };
    outbox::enqueue(&txn, &notice.to_email(&mentee.email)?).await?;
    txn.commit().await?;
    state.mail_wakeup.notify_one();
    flash(
        &session,
        format!("{}'s sign-up is declined", mentee.full_name),
    )
    .await?;
    Ok(Redirect::to(&format!("/mentoring/coordinator/mentees/{id}")).into_response())
}

async fn add_exclusion(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    IdPath(id): IdPath,
    session: Session,
    page: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    require_coordinator(&me)?;
    let forms = MenteeForms {
        mentor: form_field(&pairs, "mentor").to_owned(),
        reason: form_field(&pairs, "reason").trim().to_owned(),
        source: form_field(&pairs, "source").to_owned(),
        decline_reason: String::new(),
    };
    let mentee = reg::find_mentee(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FormErrors::default();
    let mentor = match forms.mentor.parse::<i32>() {
        Ok(mentor_id) => reg::find_mentor(&state.db, mentor_id).await?,
        Err(_) => None,
    };
    if mentor.is_none() {
        errors.add("mentor", "Choose a mentor");
    }
    if forms.reason.is_empty() {
        errors.add("reason", "Enter why they must not be matched");
    } else if forms.reason.chars().count() > 500 {
        errors.add("reason", "The reason must be 500 characters or fewer");
    }
    if ![SOURCE_CONFLICT, SOURCE_COORDINATOR].contains(&forms.source.as_str()) {
        errors.add("source", "Choose where this comes from");
    }
    let txn = state.db.begin().await?;
    if let Some(m) = &mentor
        && reg::exclusion_of_pair(&txn, m.id, mentee.id)
            .await?
            .is_some()
    {
        errors.add(
            "mentor",
            format!("{} is already excluded for this student", m.full_name),
        );
    }
    let Some(mentor) = mentor.filter(|_| errors.is_empty()) else {
        txn.rollback().await?;
        return Ok(mentee_page(&state, page, id, forms, errors)
            .await?
            .into_response());
    };
    let stored = reg::add_exclusion(
        &txn,
        mentor.id,
        mentee.id,
        &forms.reason,
        &forms.source,
        me.id,
    )
    .await?;
    audit::record(
        &txn,
        Some(me.id),
        AuditAction::MentoringExclusionChanged,
        &format!("mentee:{id}"),
        json!({ "added": stored.id, "mentor_id": mentor.id, "source": forms.source, "reason_given": !forms.reason.trim().is_empty() }),
    )
    .await?;
    txn.commit().await?;
    flash(
        &session,
        format!(
            "{} will not be matched with {}",
            mentee.full_name, mentor.full_name
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("/mentoring/coordinator/mentees/{id}#exclusions")).into_response())
}

async fn delete_exclusion(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    IdPairPath(id, exclusion_id): IdPairPath,
    session: Session,
) -> AppResult<Response> {
    require_coordinator(&me)?;
    let txn = state.db.begin().await?;
    let removed = reg::delete_exclusion(&txn, id, exclusion_id)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(
        &txn,
        Some(me.id),
        AuditAction::MentoringExclusionChanged,
        &format!("mentee:{id}"),
        json!({ "removed": removed.id, "mentor_id": removed.mentor_id, "source": removed.source, "reason_given": !removed.reason.trim().is_empty() }),
    )
    .await?;
    txn.commit().await?;
    flash(&session, "The exclusion is removed").await?;
    Ok(Redirect::to(&format!("/mentoring/coordinator/mentees/{id}#exclusions")).into_response())
}

// ---------------------------------------------------------------------------------------------
// Import

/// The three spreadsheets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sheet {
    Mentors,
    Mentees,
    Exclusions,
}

impl Sheet {
    pub const ALL: [Sheet; 3] = [Sheet::Mentors, Sheet::Mentees, Sheet::Exclusions];

    pub fn as_str(self) -> &'static str {
        match self {
            Sheet::Mentors => "mentors",
            Sheet::Mentees => "mentees",
            Sheet::Exclusions => "exclusions",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sheet::Mentors => "Mentors (mentors.csv)",
            Sheet::Mentees => "Students (mentees.csv)",
            Sheet::Exclusions => "Pairs never to be matched (exclusions.csv)",
        }
    }

    pub fn columns(self) -> String {
        match self {
            Sheet::Mentors => files::MENTOR_COLUMNS.join(","),
            Sheet::Mentees => files::MENTEE_COLUMNS.join(","),
            Sheet::Exclusions => files::EXCLUSION_COLUMNS.join(","),
        }
    }

    fn parse(text: &str) -> Option<Sheet> {
        Sheet::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/import.html")]
struct ImportTemplate {
    page: Page,
    sheets: [Sheet; 3],
    chosen: String,
    text: String,
    row_errors: Vec<String>,
    errors: FormErrors,
}

impl ImportTemplate {
    fn has_errors(&self) -> bool {
        !self.errors.is_empty() || !self.row_errors.is_empty()
    }
}

async fn import_form(CurrentUser(me): CurrentUser, page: Page) -> AppResult<ImportTemplate> {
    require_coordinator(&me)?;
    Ok(ImportTemplate {
        page,
        sheets: Sheet::ALL,
        chosen: String::new(),
        text: String::new(),
        row_errors: Vec::new(),
        errors: FormErrors::default(),
    })
}

/// The result of checking a file against what is stored.
enum Outcome {
    /// Stored; the message says what was done.
    Done(String),
    /// Bad rows: nothing stored.
    BadRows(Vec<RowError>),
    /// The whole file is refused: nothing stored.
    Refused(String),
}

impl Outcome {
    fn no_rows() -> Outcome {
        Outcome::Refused("The file has no rows under the column names".into())
    }
}

/// Checks that a row's id and email name the same stored record, or none. Returns the id of the
/// record to update.
fn identity_check(
    kind: &str,
    id: &str,
    email: &str,
    by_reference: &HashMap<String, (i32, String)>,
    by_email: &HashMap<String, (i32, String)>,
) -> Result<Option<i32>, String> {
    match (by_reference.get(id), by_email.get(email)) {
        (None, None) => Ok(None),
        (Some((a, _)), Some((b, _))) if a == b => Ok(Some(*a)),
        (Some((_, other_email)), _) => Err(format!(
            "id \"{id}\" already belongs to the {kind} with email {other_email}"
        )),
        (None, Some((_, other_id))) => Err(format!(
            "email {email} already belongs to the {kind} with id \"{other_id}\""
        )),
    }
}

/// Checks every row's id and email against the stored records (see [`identity_check`]):
/// the stored id to update for each row, or every bad row by line.
fn match_identities<'a>(
    kind: &str,
    text: &str,
    rows: impl Iterator<Item = (&'a str, &'a str)>,
    stored: impl Iterator<Item = (i32, &'a str, &'a str)>,
) -> Result<Vec<Option<i32>>, Vec<RowError>> {
    let (mut by_reference, mut by_email) = (HashMap::new(), HashMap::new());
    for (id, reference, email) in stored {
        by_reference.insert(reference.to_owned(), (id, email.to_owned()));
        by_email.insert(email.to_owned(), (id, reference.to_owned()));
    }
    let lines = files::row_lines(text);
    let mut existing = Vec::new();
    let mut bad = Vec::new();
    for (i, (id, email)) in rows.enumerate() {
        match identity_check(kind, id, email, &by_reference, &by_email) {
            Ok(found) => existing.push(found),
            Err(message) => bad.push(RowError {
                line: files::line_of(&lines, i),
                message,
            }),
        }
    }
    if bad.is_empty() {
        Ok(existing)
    } else {
        Err(bad)
    }
}

/// Grants `role` to the accounts with these emails; returns how many were granted it.
async fn grant_to_accounts(
    txn: &DatabaseTransaction,
    emails: Vec<String>,
    role_to_give: Role,
    by: i32,
) -> Result<u32, DbErr> {
    let mut granted = 0;
    for (_, user_id) in reg::emails_with_accounts(txn, emails).await? {
        if grant_audited(txn, Some(by), user_id, role_to_give).await? {
            granted += 1;
        }
    }
    Ok(granted)
}

async fn import_mentors(
    txn: &DatabaseTransaction,
    text: &str,
    me: &AuthUser,
) -> AppResult<Outcome> {
    let records = match files::read_mentors(text) {
        Ok(r) if r.is_empty() => return Ok(Outcome::no_rows()),
        Ok(r) => r,
        Err(e) => return Ok(Outcome::BadRows(e)),
    };
    let stored = reg::all_mentors(txn).await?;
    let known = stored
        .iter()
        .map(|m| (m.id, m.reference.as_str(), m.email.as_str()));
    let identities = records.iter().map(|r| (r.id.as_str(), r.email.as_str()));
    let plan = match match_identities("mentor", text, identities, known) {
        Ok(existing) => records.iter().zip(existing),
        Err(bad) => return Ok(Outcome::BadRows(bad)),
    };
    let (mut added, mut updated) = (0, 0);
    for (record, existing) in plan {
        match existing.and_then(|id| stored.iter().find(|m| m.id == id)) {
            Some(m) => {
                reg::update_mentor(txn, m.clone(), record).await?;
                updated += 1;
            }
            None => {
                reg::insert_mentor(txn, record).await?;
                added += 1;
            }
        }
    }
    let granted = grant_to_accounts(
        txn,
        records.iter().map(|r| r.email.clone()).collect(),
        Role::Mentor,
        me.id,
    )
    .await?;
    audit::record(
        txn,
        Some(me.id),
        AuditAction::MentoringImported,
        "mentoring:mentors",
        json!({ "file": "mentors", "added": added, "updated": updated, "roles_granted": granted }),
    )
    .await?;
    Ok(Outcome::Done(format!(
        "Mentors imported: {added} added, {updated} updated"
    )))
}

async fn import_mentees(
    txn: &DatabaseTransaction,
    text: &str,
    me: &AuthUser,
) -> AppResult<Outcome> {
    let records: Vec<MenteeRecord> = match files::read_mentees(text) {
        Ok(r) if r.is_empty() => return Ok(Outcome::no_rows()),
        Ok(r) => r,
        Err(e) => return Ok(Outcome::BadRows(e)),
    };
    let stored = reg::mentees(txn).await?;
    let known = stored
        .iter()
        .map(|m| (m.id, m.reference.as_str(), m.email.as_str()));
    let identities = records.iter().map(|r| (r.id.as_str(), r.email.as_str()));
    let plan: Vec<_> = match match_identities("student", text, identities, known) {
        Ok(existing) => records
            .iter()
            .zip(existing)
            .map(|(r, id)| (r, id.and_then(|id| stored.iter().find(|m| m.id == id))))
            .collect(),
        Err(bad) => return Ok(Outcome::BadRows(bad)),
    };
    let newly_approved = plan
        .iter()
        .filter(|(_, existing)| existing.is_none_or(|m| status_of(m) != MenteeStatus::Approved))
        .count();
    let approved = approved_count(txn).await?;
    let cap = mentoring::settings(txn).await?.cap;
    let adding = u64::try_from(newly_approved).unwrap_or(u64::MAX);
    if !within_cap(approved, adding, cap) {
        let left = u64::from(cap).saturating_sub(approved);
        return Ok(Outcome::Refused(format!(
            "Importing this file would approve {adding} more students, but only {left} of the {cap} places are left. Nothing was imported. Raise the cap in the settings, or import fewer students."
        )));
    }
    let (mut added, mut updated) = (0, 0);
    for (record, existing) in plan {
        match existing {
            Some(m) => {
                reg::update_imported_mentee(txn, m.clone(), record, me.id).await?;
                updated += 1;
            }
            None => {
                reg::insert_imported_mentee(txn, record, me.id).await?;
                added += 1;
            }
        }
    }
    let granted = grant_to_accounts(
        txn,
        records.iter().map(|r| r.email.clone()).collect(),
        Role::Mentee,
        me.id,
    )
    .await?;
    audit::record(
        txn,
        Some(me.id),
        AuditAction::MentoringImported,
        "mentoring:mentees",
        json!({ "file": "mentees", "added": added, "updated": updated, "newly_approved": adding, "roles_granted": granted }),
    )
    .await?;
    Ok(Outcome::Done(format!(
        "Students imported and approved: {added} added, {updated} updated"
    )))
}

async fn import_exclusions(
    txn: &DatabaseTransaction,
    text: &str,
    me: &AuthUser,
) -> AppResult<Outcome> {
    let records = match files::read_exclusions(text) {
        Ok(r) if r.is_empty() => return Ok(Outcome::no_rows()),
        Ok(r) => r,
        Err(e) => return Ok(Outcome::BadRows(e)),
    };
    let (mentors, mentees) = reg::references(txn).await?;
    let lines = files::row_lines(text);
    let mut plan = Vec::new();
    let mut bad = Vec::new();
    for (i, r) in records.iter().enumerate() {
        let mut problems = Vec::new();
        let mentor = mentors.get(&r.mentor_id);
        if mentor.is_none() {
            problems.push(format!(
                "mentor_id \"{}\" is not a known mentor",
                r.mentor_id
            ));
        }
        let mentee = mentees.get(&r.mentee_id);
        if mentee.is_none() {
            problems.push(format!(
                "mentee_id \"{}\" is not a known student",
                r.mentee_id
            ));
        }
        match (mentor, mentee) {
            (Some(a), Some(b)) => plan.push((*a, *b, r)),
            _ => bad.push(RowError {
                line: files::line_of(&lines, i),
                message: problems.join("; "),
            }),
        }
    }
    if !bad.is_empty() {
        return Ok(Outcome::BadRows(bad));
    }
    let (mut added, mut updated) = (0, 0);
    for (mentor_id, mentee_id, record) in plan {
        match reg::exclusion_of_pair(txn, mentor_id, mentee_id).await? {
            Some(existing) => {
                reg::set_exclusion_reason(txn, existing, &record.reason).await?;
                updated += 1;
            }
            None => {
                reg::add_exclusion(
                    txn,
                    mentor_id,
                    mentee_id,
                    &record.reason,
                    SOURCE_COORDINATOR,
                    me.id,
                )
                .await?;
                added += 1;
            }
        }
    }
    audit::record(
        txn,
        Some(me.id),
        AuditAction::MentoringImported,
        "mentoring:exclusions",
        json!({ "file": "exclusions", "added": added, "updated": updated }),
    )
    .await?;
    Ok(Outcome::Done(format!(
        "Exclusions imported: {added} added, {updated} updated"
    )))
}

async fn import(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    session: Session,
    page: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    require_coordinator(&me)?;
    let chosen = form_field(&pairs, "file").to_owned();
    let text = form_field(&pairs, "csv").to_owned();
    let mut errors = FormErrors::default();
    let sheet = Sheet::parse(&chosen);
    if sheet.is_none() {
        errors.add("file", "Choose which file you are importing");
    }
    if text.trim().is_empty() {
        errors.add("csv", "Paste the contents of the file");
    }
    let mut row_errors = Vec::new();
    if let (Some(sheet), true) = (sheet, errors.is_empty()) {
        let txn = state.db.begin().await?;
        lock_mentees(&txn).await?;
        let outcome = match sheet {
            Sheet::Mentors => import_mentors(&txn, &text, &me).await?,
            Sheet::Mentees => import_mentees(&txn, &text, &me).await?,
            Sheet::Exclusions => import_exclusions(&txn, &text, &me).await?,
        };
        match outcome {
            Outcome::Done(message) => {
                txn.commit().await?;
                flash(&session, message).await?;
                return Ok(Redirect::to("/mentoring/coordinator/import").into_response());
            }
            Outcome::BadRows(bad) => {
                txn.rollback().await?;
                let count = bad.len();
                errors.add(
                    "csv",
                    format!(
                        "The file has {count} {} with problems. Nothing was imported. Correct {} and import the whole file again.",
                        if count == 1 { "row" } else { "rows" },
                        if count == 1 { "it" } else { "them" },
                    ),
                );
                row_errors = files::describe(&bad);
            }
            Outcome::Refused(message) => {
                txn.rollback().await?;
                errors.add("csv", message);
            }
        }
    }
    Ok(ImportTemplate {
        page,
        sheets: Sheet::ALL,
        chosen,
        text,
        row_errors,
        errors,
    }
    .into_response())
}

// ---------------------------------------------------------------------------------------------
// Export

async fn csv_download(
    state: &AppState,
    me: &AuthUser,
    sheet: Sheet,
    rows: usize,
    body: String,
) -> AppResult<Response> {
    // Reading personal data out of the service is recorded, though nothing changes.
    audit::record_alone(
        &state.db,
        Some(me.id),
        AuditAction::MentoringExported,
        &format!("mentoring:{}", sheet.as_str()),
        json!({ "file": sheet.as_str(), "rows": rows }),
    )
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.csv\"", sheet.as_str()),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

async fn export_mentors(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> AppResult<Response> {
    require_coordinator(&me)?;
    let records: Vec<MentorRecord> = reg::mentors(&state.db)
        .await?
        .iter()
        .map(reg::mentor_record)
        .collect();
    let body = files::write_mentors(&records);
    csv_download(&state, &me, Sheet::Mentors, records.len(), body).await
}

async fn export_mentees(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> AppResult<Response> {
    require_coordinator(&me)?;
    let records: Vec<MenteeRecord> = reg::approved_mentees(&state.db)
        .await?
        .iter()
        .map(reg::mentee_record)
        .collect();
    let body = files::write_mentees(&records);
    csv_download(&state, &me, Sheet::Mentees, records.len(), body).await
}

async fn export_exclusions(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> AppResult<Response> {
    require_coordinator(&me)?;
    let records = reg::exclusion_records(&state.db).await?;
    let body = files::write_exclusions(&records);
    csv_download(&state, &me, Sheet::Exclusions, records.len(), body).await
}

// ---------------------------------------------------------------------------------------------
// Settings

/// One weight on the settings form.
pub struct WeightField {
    pub name: String,
    pub label: &'static str,
    pub explanation: &'static str,
    pub value: String,
}

/// Plain words on what each criterion rewards.
fn explanation(c: Criterion) -> &'static str {
    match c {
        Criterion::Specialty => "The mentor's specialty is one the student is interested in.",
        Criterion::MeetingMode => "They can meet the same way: in person, online or both.",
        Criterion::Availability => "How many times of the week both are usually free.",
        Criterion::LivedExperience => {
            "The student would prefer a mentor who has been in care, and the mentor has."
        }
        Criterion::Gender => {
            "The student would prefer a mentor of a gender, and the mentor is of that gender."
        }
        Criterion::TeachingHospital => {
            "The mentor works away from the hospitals where the student is taught and assessed."
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/settings.html")]
struct SettingsTemplate {
    page: Page,
    cap: String,
    approved: u64,
    max_cap: u32,
    weights: Vec<WeightField>,
    errors: FormErrors,
}

fn weight_fields(values: impl Fn(Criterion) -> String) -> Vec<WeightField> {
    Criterion::ALL
        .into_iter()
        .map(|c| WeightField {
            name: format!("weight_{}", c.key()),
            label: c.label(),
            explanation: explanation(c),
            value: values(c),
        })
        .collect()
}

async fn settings_form(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    page: Page,
) -> AppResult<SettingsTemplate> {
    require_coordinator(&me)?;
    let settings = mentoring::settings(&state.db).await?;
    Ok(SettingsTemplate {
        page,
        cap: settings.cap.to_string(),
        approved: approved_count(&state.db).await?,
        max_cap: MAX_CAP,
        weights: weight_fields(|c| settings.weights.of(c).to_string()),
        errors: FormErrors::default(),
    })
}

fn settings_json(s: Settings) -> serde_json::Value {
    let weights: serde_json::Map<String, serde_json::Value> = Criterion::ALL
        .into_iter()
        .map(|c| (c.key().to_owned(), json!(s.weights.of(c))))
        .collect();
    json!({ "cap": s.cap, "weights": weights })
}

async fn save_settings(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    session: Session,
    page: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    require_coordinator(&me)?;
    let mut errors = FormErrors::default();
    let cap_text = form_field(&pairs, "cap").trim().to_owned();
    let txn = state.db.begin().await?;
    lock_mentees(&txn).await?;
    let approved = approved_count(&txn).await?;
    let cap = match cap_text.parse::<u32>() {
        Ok(c) if c > MAX_CAP => {
            errors.add("cap", format!("The cap must be {MAX_CAP} or fewer"));
            None
        }
        Ok(c) if u64::from(c) < approved => {
            errors.add(
                "cap",
                format!(
                    "The cap must be at least {approved}, the number of students already approved"
                ),
            );
            None
        }
        Ok(c) => Some(c),
        Err(_) => {
            errors.add("cap", "Enter the cap as a whole number, like 30");
            None
        }
    };
    let mut values = [0u32; 6];
    for (i, c) in Criterion::ALL.into_iter().enumerate() {
        let field = format!("weight_{}", c.key());
        match form_field(&pairs, &field).trim().parse::<u32>() {
            Ok(w) if w <= 100 => values[i] = w,
            _ => errors.add(
                field,
                format!(
                    "Enter the weight of \"{}\" as a whole number from 0 to 100",
                    c.label()
                ),
            ),
        }
    }
    let weights = if errors.is_empty() {
        match Weights::check(values) {
            Ok(w) => Some(w),
            Err(m) => {
                errors.add(format!("weight_{}", Criterion::ALL[0].key()), m);
                None
            }
        }
    } else {
        None
    };
    let (Some(cap), Some(weights)) = (cap, weights) else {
        txn.rollback().await?;
        return Ok(SettingsTemplate {
            page,
            cap: cap_text,
            approved,
            max_cap: MAX_CAP,
            weights: weight_fields(|c| {
                form_field(&pairs, &format!("weight_{}", c.key())).to_owned()
            }),
            errors,
        }
        .into_response());
    };
    let before = mentoring::settings(&txn).await?;
    let after = Settings { cap, weights };
    mentoring::save_settings(&txn, after, me.id).await?;
    audit::record(
        &txn,
        Some(me.id),
        AuditAction::MentoringSettingsChanged,
        "mentoring:settings",
        json!({ "before": settings_json(before), "after": settings_json(after) }),
    )
    .await?;
    txn.commit().await?;
    flash(&session, "Settings saved").await?;
    Ok(Redirect::to("/mentoring/coordinator/settings").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_must_name_one_record() {
        let by_ref = HashMap::from([("M1".to_owned(), (1, "a@example.org".to_owned()))]);
        let by_email = HashMap::from([("a@example.org".to_owned(), (1, "M1".to_owned()))]);
        assert_eq!(
            identity_check("mentor", "M1", "a@example.org", &by_ref, &by_email),
            Ok(Some(1))
        );
        assert_eq!(
            identity_check("mentor", "M2", "b@example.org", &by_ref, &by_email),
            Ok(None)
        );
        assert!(
            identity_check("mentor", "M1", "b@example.org", &by_ref, &by_email)
                .unwrap_err()
                .contains("a@example.org")
        );
        assert!(
            identity_check("mentor", "M2", "a@example.org", &by_ref, &by_email)
                .unwrap_err()
                .contains("\"M1\"")
        );
    }

    #[test]
    fn the_mentor_form_needs_every_answer() {
        let errors = MentorForm::default().parse().unwrap_err();
        for f in [
            "full_name",
            "email",
            "organisation",
            "grade",
            "specialty",
            "capacity",
            "modes",
            "availability",
            "lived_experience",
        ] {
            assert!(errors.has(f), "{f}");
        }
    }
}
