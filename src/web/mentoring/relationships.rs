//! Mentoring once a pair is confirmed (DOMAIN.md §8: "relationships are tracked: meetings
//! logged, ended, rematched").
//!
//! Mentors and students see only their own relationships: any other ID is "not found", so IDs
//! cannot be probed. A meeting's note is shown only to whoever logged it, never to the other
//! side nor to the coordinator. The coordinator sees every relationship, which ones have gone
//! quiet, and ends them; the student is then free to be matched again.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::{Next, from_fn};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sea_orm::{ConnectionTrait, DatabaseTransaction, TransactionTrait};
use serde::Deserialize;
use time::{Date, OffsetDateTime};
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::current_user::require_any_role;
use crate::auth::{AuthUser, CurrentUser};
use crate::db::audit::{self, AuditAction};
use crate::db::mentoring::relationships::{self as rels, NewMeeting};
use crate::db::mentoring::{mentee_for_user, mentor_for_email, status_of};
use crate::db::outbox;
use crate::domain::Role;
use crate::domain::london_time;
use crate::domain::mentoring::pilot::{MenteeStatus, QUIET_DAYS, mentor_next_step};
use crate::domain::mentoring::profile::{Availability, MeetingMode, Modes, items};
use crate::domain::mentoring::scoring::Criterion;
use crate::entities::{mentee, mentor, mentoring_meeting, mentoring_relationship, user};
use crate::error::{AppError, AppResult};
use crate::mail::templates::{EmailContent, MentoringNotice};
use crate::web::mentoring::{coordinator_only, require_coordinator};
use crate::web::page::{FormErrors, IdPath, Page, flash, notice, warning};

/// The longest note on a meeting.
const NOTE_MAX: usize = 2_000;
/// The longest reason for asking to end, and the longest note of the coordinator on ending.
const REASON_MAX: usize = 2_000;

/// The mentor and student pages, and the coordinator's overview.
pub fn router() -> Router<AppState> {
    let mine = Router::new()
        .route("/mentoring/mine", get(mine))
        .route("/mentoring/relationships/{id}", get(show))
        .route("/mentoring/relationships/{id}/meetings", post(log_meeting))
        .route(
            "/mentoring/relationships/{id}/end-request",
            post(request_end),
        )
        .route_layer(from_fn(|user: CurrentUser, req: Request, next: Next| {
            require_any_role(&[Role::Mentor, Role::Mentee], user, req, next)
        }));
    let coordinator = Router::new()
        .route("/mentoring/coordinator/relationships", get(overview))
        .route(
            "/mentoring/coordinator/relationships/{id}",
            get(coordinator_show),
        )
        .route("/mentoring/coordinator/relationships/{id}/end", post(end));
    mine.merge(coordinator_only(coordinator))
}

// ---------------------------------------------------------------------------------------------
// Plain rules and words

/// Whether a pair has gone quiet: no meeting for [`QUIET_DAYS`] since the last one, or since
/// they started if they have not met yet.
pub fn is_quiet(last_contact: Date, today: Date) -> bool {
    (today - last_contact).whole_days() >= QUIET_DAYS
}

/// How many active pairs have gone quiet, and how many asked to end: for the coordinator's
/// next steps.
pub(super) async fn attention_counts(db: &impl ConnectionTrait) -> AppResult<(usize, usize)> {
    let active = crate::db::mentoring::active_relationships(db).await?;
    let last = rels::last_meetings(db).await?;
    let today = today();
    let quiet = active
        .iter()
        .filter(|r| {
            let since = last
                .get(&r.id)
                .copied()
                .unwrap_or_else(|| date_of(r.started_at));
            is_quiet(since, today)
        })
        .count();
    let end_requested = active
        .iter()
        .filter(|r| r.end_requested_at.is_some())
        .count();
    Ok((quiet, end_requested))
}

/// Today in London, where the pilot runs.
fn today() -> Date {
    london_time::from_utc(crate::db::now()).date()
}

/// The London date of an instant.
fn date_of(instant: OffsetDateTime) -> Date {
    london_time::from_utc(instant).date()
}

/// "5 December 2026".
fn long_date(date: Date) -> String {
    format!("{} {} {}", date.day(), date.month(), date.year())
}

/// A meeting mode in words, such as "In person".
fn mode_words(mode: &str) -> &'static str {
    MeetingMode::parse(mode).map_or("Not recorded", MeetingMode::label)
}

/// A typed date, or why it cannot be read.
fn parse_met_on(day: &str, month: &str, year: &str) -> Result<Date, &'static str> {
    if day.trim().is_empty() && month.trim().is_empty() && year.trim().is_empty() {
        return Err("Enter the date you met");
    }
    london_time::parse_local(day, month, year, "12:00")
        .map(date_of)
        .map_err(|_| "Enter a real date you met, like 27 3 2026")
}

/// Checks the date of a meeting against today and the start of the relationship.
fn check_met_on(met_on: Date, started: Date, today: Date) -> Result<Date, String> {
    if met_on > today {
        Err("The date you met must be today or in the past".to_owned())
    } else if met_on < started {
        Err(format!(
            "The date you met must be on or after {}, when your mentoring started",
            long_date(started)
        ))
    } else {
        Ok(met_on)
    }
}

/// A paragraph per line of what someone typed.
fn paragraphs(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Loading, with the check that the relationship is the signed-in user's

/// Which side of a relationship the signed-in user is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Mentor,
    Mentee,
}

/// The signed-in user's own mentoring records, for the roles they hold.
struct MyRecords {
    mentor: Option<mentor::Model>,
    mentee: Option<mentee::Model>,
}

async fn my_records(db: &impl ConnectionTrait, me: &AuthUser) -> AppResult<MyRecords> {
    let mentor = if me.has(Role::Mentor) {
        mentor_for_email(db, &me.email).await?
    } else {
        None
    };
    let mentee = if me.has(Role::Mentee) {
        mentee_for_user(db, me.id, &me.email).await?
    } else {
        None
    };
    Ok(MyRecords { mentor, mentee })
}

/// A relationship with both people in it.
struct Loaded {
    relationship: mentoring_relationship::Model,
    mentor: mentor::Model,
    mentee: mentee::Model,
}

async fn load(db: &impl ConnectionTrait, id: i32) -> AppResult<Loaded> {
    let relationship = rels::find(db, id).await?.ok_or(AppError::NotFound)?;
    let mentor = rels::mentors_by_id(db, &[relationship.mentor_id])
        .await?
        .remove(&relationship.mentor_id)
        .ok_or(AppError::NotFound)?;
    let mentee = rels::mentees_by_id(db, &[relationship.mentee_id])
        .await?
        .remove(&relationship.mentee_id)
        .ok_or(AppError::NotFound)?;
    Ok(Loaded {
        relationship,
        mentor,
        mentee,
    })
}

/// A relationship the signed-in user is in, and their side of it. Anything else is "not
/// found", so nobody can learn which IDs exist.
async fn load_mine(db: &impl ConnectionTrait, me: &AuthUser, id: i32) -> AppResult<(Loaded, Side)> {
    let records = my_records(db, me).await?;
    let relationship = rels::find(db, id).await?.ok_or(AppError::NotFound)?;
    let side = if records
        .mentor
        .as_ref()
        .is_some_and(|m| m.id == relationship.mentor_id)
    {
        Side::Mentor
    } else if records
        .mentee
        .as_ref()
        .is_some_and(|m| m.id == relationship.mentee_id)
    {
        Side::Mentee
    } else {
        return Err(AppError::NotFound);
    };
    Ok((load(db, id).await?, side))
}

/// Who logged a meeting, in words.
fn logged_by_words(
    logged_by: Option<i32>,
    me: Option<i32>,
    loaded: &Loaded,
    users: &HashMap<i32, user::Model>,
) -> String {
    let Some(id) = logged_by else {
        return "Someone who has left the service".to_owned();
    };
    if Some(id) == me {
        return "You".to_owned();
    }
    match users.get(&id) {
        Some(u) if u.email.eq_ignore_ascii_case(&loaded.mentor.email) => {
            format!("{} (mentor)", loaded.mentor.full_name)
        }
        Some(u)
            if loaded.mentee.user_id == Some(u.id)
                || u.email.eq_ignore_ascii_case(&loaded.mentee.email) =>
        {
            format!("{} (student)", loaded.mentee.full_name)
        }
        Some(u) => u.full_name.clone(),
        None => "Someone who has left the service".to_owned(),
    }
}

/// A meeting as shown.
pub struct MeetingLine {
    date: String,
    mode: &'static str,
    logged_by: String,
    /// Only for meetings the viewer logged.
    note: Option<Vec<String>>,
}

/// The meetings of a relationship. Notes are kept only for those `viewer` logged; pass `None`
/// for the coordinator, who never sees notes.
async fn meeting_lines(
    db: &impl ConnectionTrait,
    loaded: &Loaded,
    viewer: Option<i32>,
) -> AppResult<Vec<MeetingLine>> {
    let meetings: Vec<mentoring_meeting::Model> =
        rels::meetings_of(db, loaded.relationship.id).await?;
    let ids: Vec<i32> = meetings.iter().filter_map(|m| m.logged_by).collect();
    let users = rels::user_names(db, &ids).await?;
    Ok(meetings
        .into_iter()
        .map(|m| {
            let mine = viewer.is_some() && m.logged_by == viewer;
            MeetingLine {
                date: long_date(m.met_on),
                mode: mode_words(&m.mode),
                logged_by: logged_by_words(m.logged_by, viewer, loaded, &users),
                note: (mine && !m.note.trim().is_empty()).then(|| paragraphs(&m.note)),
            }
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// GET /mentoring/mine

/// A relationship in a list on "Your mentoring".
pub struct MineLine {
    id: i32,
    name: String,
    about: String,
    started: String,
    ended: Option<String>,
    last_meeting: Option<String>,
    /// What to do next, for a mentor's current student.
    next_step: Option<String>,
}

/// A next step on "Your mentoring": what to do, and the link to do it.
pub struct Step {
    text: String,
    href: String,
    link_text: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/mine.html")]
pub struct MineTemplate {
    page: Page,
    steps: Vec<Step>,
    /// What a student without a mentor should know about where they stand.
    student_standing: Option<String>,
    is_mentor: bool,
    mentor_found: bool,
    mentees_now: Vec<MineLine>,
    mentees_before: Vec<MineLine>,
    is_mentee: bool,
    mentee_found: bool,
    mentee_status: Option<&'static str>,
    my_mentor: Option<MineLine>,
    mentors_before: Vec<MineLine>,
}

/// A mentor's mentees, or a student's mentor, or both for someone who is both.
pub async fn mine(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    page: Page,
) -> AppResult<MineTemplate> {
    let db = &state.db;
    let records = my_records(db, &me).await?;
    let last = rels::last_meetings(db).await?;
    let today = today();
    let line = |r: &mentoring_relationship::Model, name: String, about: String| MineLine {
        id: r.id,
        next_step: None,
        name,
        about,
        started: long_date(date_of(r.started_at)),
        ended: r.ended_at.map(|t| long_date(date_of(t))),
        last_meeting: last.get(&r.id).map(|d| long_date(*d)),
    };
    let mut steps = Vec::new();

    let (mut mentees_now, mut mentees_before) = (Vec::new(), Vec::new());
    if let Some(m) = &records.mentor {
        let relationships = rels::of_mentor(db, m.id).await?;
        let ids: Vec<i32> = relationships.iter().map(|r| r.mentee_id).collect();
        let mentees = rels::mentees_by_id(db, &ids).await?;
        for r in &relationships {
            let Some(s) = mentees.get(&r.mentee_id) else {
                continue;
            };
            let about = format!("{}, year {}", s.university, s.year_of_study);
            let mut l = line(r, s.full_name.clone(), about);
            if r.ended_at.is_none() {
                l.next_step = mentor_next_step(&s.full_name, last.get(&r.id).copied(), today);
                if let Some(text) = &l.next_step {
                    steps.push(Step {
                        text: text.clone(),
                        href: format!("/mentoring/relationships/{}#log-a-meeting", r.id),
                        link_text: "Log a meeting",
                    });
                }
                mentees_now.push(l);
            } else {
                mentees_before.push(l);
            }
        }
    }

    let (mut my_mentor, mut mentors_before) = (None, Vec::new());
    if let Some(s) = &records.mentee {
        let relationships = rels::of_mentee(db, s.id).await?;
        let ids: Vec<i32> = relationships.iter().map(|r| r.mentor_id).collect();
        let mentors = rels::mentors_by_id(db, &ids).await?;
        for r in &relationships {
            let Some(m) = mentors.get(&r.mentor_id) else {
                continue;
            };
            let about = format!("{}, {}, {}", m.grade, m.specialty, m.organisation);
            let l = line(r, m.full_name.clone(), about);
            if r.ended_at.is_none() && my_mentor.is_none() {
                my_mentor = Some(l);
            } else {
                mentors_before.push(l);
            }
        }
    }

    let mut student_standing = None;
    if let Some(s) = &records.mentee {
        if let Some(l) = &my_mentor {
            if !last.contains_key(&l.id) {
                steps.push(Step {
                    text: format!(
                        "Your mentor is {}. They will get in touch to arrange your first meeting, or you can write to them first",
                        l.name
                    ),
                    href: format!("/mentoring/relationships/{}", l.id),
                    link_text: "See your mentor's details",
                });
            }
        } else {
            student_standing = Some(match status_of(s) {
                MenteeStatus::Pending => "Your sign-up is waiting for the coordinator to approve it. We will email you when they have decided.",
                MenteeStatus::Approved => "You are on the waiting list for a mentor. You do not need to do anything: we will email you when you are matched.",
                MenteeStatus::Declined => "Your sign-up was not approved. The email we sent you says why. You can contact the mentoring coordinator if you have questions.",
                MenteeStatus::Left => "You have left the mentoring pilot. Contact the mentoring coordinator if you would like to join again.",
            }
            .to_owned());
        }
    }

    Ok(MineTemplate {
        page,
        steps,
        student_standing,
        is_mentor: me.has(Role::Mentor),
        mentor_found: records.mentor.is_some(),
        mentees_now,
        mentees_before,
        is_mentee: me.has(Role::Mentee),
        mentee_found: records.mentee.is_some(),
        mentee_status: records
            .mentee
            .as_ref()
            .map(status_of)
            .filter(|s| *s != MenteeStatus::Approved)
            .map(MenteeStatus::label),
        my_mentor,
        mentors_before,
    })
}

// ---------------------------------------------------------------------------------------------
// GET /mentoring/relationships/{id}

/// What the meeting form holds, to show again after an error.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct MeetingForm {
    #[serde(default)]
    day: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    note: String,
}

/// The "ask to end" form.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct EndRequestForm {
    #[serde(default)]
    reason: String,
}

/// A row of a summary list.
pub struct Fact {
    key: &'static str,
    value: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/relationship.html")]
pub struct RelationshipTemplate {
    page: Page,
    errors: FormErrors,
    id: i32,
    /// "Your mentor" or "Your student".
    other_role: &'static str,
    name: String,
    email: String,
    facts: Vec<Fact>,
    started: String,
    ended: Option<String>,
    end_requested: Option<String>,
    meetings: Vec<MeetingLine>,
    form: MeetingForm,
    modes: Vec<(&'static str, &'static str)>,
    reason: String,
}

async fn render_relationship(
    state: &AppState,
    page: Page,
    me: &AuthUser,
    (loaded, side): (Loaded, Side),
    errors: FormErrors,
    form: MeetingForm,
    reason: String,
) -> AppResult<RelationshipTemplate> {
    let meetings = meeting_lines(&state.db, &loaded, Some(me.id)).await?;
    let r = &loaded.relationship;
    let (other_role, name, email, facts) = match side {
        Side::Mentee => {
            let m = &loaded.mentor;
            (
                "Your mentor",
                m.full_name.clone(),
                m.email.clone(),
                vec![
                    Fact {
                        key: "Organisation",
                        value: m.organisation.clone(),
                    },
                    Fact {
                        key: "Grade",
                        value: m.grade.clone(),
                    },
                    Fact {
                        key: "Specialty",
                        value: m.specialty.clone(),
                    },
                    Fact {
                        key: "Can meet",
                        value: Modes::parse(&m.meeting_modes)
                            .unwrap_or_default()
                            .describe(),
                    },
                    Fact {
                        key: "Usually free",
                        value: Availability::parse(&m.availability)
                            .unwrap_or_default()
                            .describe(),
                    },
                ],
            )
        }
        Side::Mentor => {
            let s = &loaded.mentee;
            let interests: Vec<&str> = items(&s.specialty_interests).collect();
            (
                "Your student",
                s.full_name.clone(),
                s.email.clone(),
                vec![
                    Fact {
                        key: "University",
                        value: s.university.clone(),
                    },
                    Fact {
                        key: "Year of study",
                        value: s.year_of_study.to_string(),
                    },
                    Fact {
                        key: "Interested in",
                        value: if interests.is_empty() {
                            "None given".to_owned()
                        } else {
                            interests.join(", ")
                        },
                    },
                    Fact {
                        key: "Can meet",
                        value: Modes::parse(&s.meeting_modes)
                            .unwrap_or_default()
                            .describe(),
                    },
                    Fact {
                        key: "Usually free",
                        value: Availability::parse(&s.availability)
                            .unwrap_or_default()
                            .describe(),
                    },
                ],
            )
        }
    };
    Ok(RelationshipTemplate {
        page,
        errors,
        id: r.id,
        other_role,
        name,
        email,
        facts,
        started: long_date(date_of(r.started_at)),
        ended: r.ended_at.map(|t| long_date(date_of(t))),
        end_requested: r.end_requested_at.map(|t| long_date(date_of(t))),
        meetings,
        form,
        modes: MeetingMode::ALL
            .iter()
            .map(|m| (m.as_str(), m.label()))
            .collect(),
        reason,
    })
}

/// One of the signed-in user's relationships.
pub async fn show(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<RelationshipTemplate> {
    let loaded = load_mine(&state.db, &me, id).await?;
    render_relationship(
        &state,
        page,
        &me,
        loaded,
        FormErrors::default(),
        MeetingForm::default(),
        String::new(),
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// POST /mentoring/relationships/{id}/meetings

/// Either side logs a meeting.
pub async fn log_meeting(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(form): Form<MeetingForm>,
) -> AppResult<Response> {
    let loaded = load_mine(&state.db, &me, id).await?;
    if loaded.0.relationship.ended_at.is_some() {
        warning(
            &session,
            "This mentoring has ended, so meetings can no longer be logged.",
        )
        .await?;
        return Ok(Redirect::to(&format!("/mentoring/relationships/{id}")).into_response());
    }
    let mut errors = FormErrors::default();
    let started = date_of(loaded.0.relationship.started_at);
    let met_on = match parse_met_on(&form.day, &form.month, &form.year) {
        Ok(date) => match check_met_on(date, started, today()) {
            Ok(date) => Some(date),
            Err(message) => {
                errors.add("met-day", message);
                None
            }
        },
        Err(message) => {
            errors.add("met-day", message);
            None
        }
    };
    let mode = errors.check(
        "mode",
        MeetingMode::parse(&form.mode).ok_or("Select how you met"),
    );
    let note = form.note.trim();
    if note.chars().count() > NOTE_MAX {
        errors.add("note", "The note must be 2000 characters or fewer");
    }
    let (Some(met_on), Some(mode), true) = (met_on, mode, errors.is_empty()) else {
        let template =
            render_relationship(&state, page, &me, loaded, errors, form, String::new()).await?;
        return Ok(template.into_response());
    };
    rels::log_meeting(
        &state.db,
        &NewMeeting {
            relationship_id: id,
            logged_by: me.id,
            met_on,
            mode: mode.as_str(),
            note,
        },
    )
    .await?;
    flash(
        &session,
        format!("Meeting on {} logged.", long_date(met_on)),
    )
    .await?;
    Ok(Redirect::to(&format!("/mentoring/relationships/{id}")).into_response())
}

// ---------------------------------------------------------------------------------------------
// POST /mentoring/relationships/{id}/end-request

/// Either side asks the coordinator to end their mentoring; every coordinator is emailed.
pub async fn request_end(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(form): Form<EndRequestForm>,
) -> AppResult<Response> {
    let loaded = load_mine(&state.db, &me, id).await?;
    let back = Redirect::to(&format!("/mentoring/relationships/{id}")).into_response();
    let relationship = &loaded.0.relationship;
    if relationship.ended_at.is_some() {
        notice(&session, "This mentoring has already ended.").await?;
        return Ok(back);
    }
    if relationship.end_requested_at.is_some() {
        notice(
            &session,
            "You have already asked to end this mentoring. The coordinator will be in touch.",
        )
        .await?;
        return Ok(back);
    }
    let reason = form.reason.trim();
    let mut errors = FormErrors::default();
    if reason.is_empty() {
        errors.add("reason", "Enter why you want to end this mentoring");
    } else if reason.chars().count() > REASON_MAX {
        errors.add("reason", "The reason must be 2000 characters or fewer");
    }
    if !errors.is_empty() {
        let template = render_relationship(
            &state,
            page,
            &me,
            loaded,
            errors,
            MeetingForm::default(),
            form.reason,
        )
        .await?;
        return Ok(template.into_response());
    }
    let (pair, side) = loaded;
    let txn = state.db.begin().await?;
    if !rels::request_end(&txn, id, me.id, reason).await? {
        txn.rollback().await?;
        notice(
            &session,
            "Someone has already asked to end this mentoring. The coordinator will be in touch.",
        )
        .await?;
        return Ok(back);
    }
    let (asker, role) = match side {
        Side::Mentor => (&pair.mentor.full_name, "mentor"),
        Side::Mentee => (&pair.mentee.full_name, "student"),
    };
    for coordinator in rels::coordinators(&txn).await? {
        let notice = MentoringNotice {
            subject: "A mentor or student asks to end their mentoring".to_owned(),
            name: coordinator.full_name.clone(),
            paragraphs: vec![
                format!(
                    "{asker}, the {role}, has asked to end the mentoring of {} by {}.",
                    pair.mentee.full_name, pair.mentor.full_name
                ),
                "Sign in to read their reason and to end the mentoring.".to_owned(),
            ],
            link: Some(
                state
                    .config
                    .link(&format!("/mentoring/coordinator/relationships/{id}")),
            ),
        };
        queue(&txn, &notice, &coordinator.email).await?;
    }
    txn.commit().await?;
    state.mail_wakeup.notify_one();
    flash(
        &session,
        "You have asked to end this mentoring. The coordinator will be in touch.",
    )
    .await?;
    Ok(back)
}

/// Queues a notice inside the transaction that makes the change it tells of.
async fn queue(txn: &DatabaseTransaction, notice: &MentoringNotice, to: &str) -> AppResult<()> {
    let email = notice.to_email(to)?;
    outbox::enqueue(txn, &email).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// GET /mentoring/coordinator/relationships

/// A relationship on the coordinator's overview.
pub struct OverviewLine {
    id: i32,
    mentor: String,
    mentee: String,
    started: String,
    last_meeting: Option<String>,
    quiet: bool,
    end_requested: Option<String>,
    end_reason: Vec<String>,
    ended: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/relationships.html")]
pub struct OverviewTemplate {
    page: Page,
    quiet_weeks: i64,
    active: Vec<OverviewLine>,
    quiet_count: usize,
    end_requested: Vec<OverviewLine>,
    ended: Vec<OverviewLine>,
}

/// Every relationship, for the coordinator: active ones with those gone quiet flagged, those
/// where an end was asked for, and ended ones.
pub async fn overview(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    page: Page,
) -> AppResult<OverviewTemplate> {
    require_coordinator(&me)?;
    let db = &state.db;
    let all = rels::all(db).await?;
    let mentor_ids: Vec<i32> = all.iter().map(|r| r.mentor_id).collect();
    let mentee_ids: Vec<i32> = all.iter().map(|r| r.mentee_id).collect();
    let mentors = rels::mentors_by_id(db, &mentor_ids).await?;
    let mentees = rels::mentees_by_id(db, &mentee_ids).await?;
    let last = rels::last_meetings(db).await?;
    let today = today();
    let (mut active, mut end_requested, mut ended) = (Vec::new(), Vec::new(), Vec::new());
    for r in &all {
        let started = date_of(r.started_at);
        let last_meeting = last.get(&r.id).copied();
        let line = OverviewLine {
            id: r.id,
            mentor: mentors
                .get(&r.mentor_id)
                .map_or_else(String::new, |m| m.full_name.clone()),
            mentee: mentees
                .get(&r.mentee_id)
                .map_or_else(String::new, |m| m.full_name.clone()),
            started: long_date(started),
            last_meeting: last_meeting.map(long_date),
            quiet: r.ended_at.is_none() && is_quiet(last_meeting.unwrap_or(started), today),
            end_requested: r.end_requested_at.map(|t| long_date(date_of(t))),
            end_reason: paragraphs(&r.end_reason),
            ended: r.ended_at.map(|t| long_date(date_of(t))),
        };
        if line.ended.is_some() {
            ended.push(line);
        } else if line.end_requested.is_some() {
            end_requested.push(line);
        } else {
            active.push(line);
        }
    }
    Ok(OverviewTemplate {
        page,
        quiet_weeks: QUIET_DAYS / 7,
        quiet_count: active
            .iter()
            .chain(&end_requested)
            .filter(|l| l.quiet)
            .count(),
        active,
        end_requested,
        ended,
    })
}

// ---------------------------------------------------------------------------------------------
// GET /mentoring/coordinator/relationships/{id}

/// One criterion of the score the pair was matched on.
pub struct PartLine {
    label: String,
    points: u64,
    out_of: u64,
    reason: String,
}

/// Reads the stored breakdown (the JSON of the score's parts). Anything unreadable is left
/// out rather than failing the page.
fn breakdown_lines(json: &str) -> Vec<PartLine> {
    let Ok(serde_json::Value::Array(parts)) = serde_json::from_str::<serde_json::Value>(json)
    else {
        return Vec::new();
    };
    parts
        .iter()
        .filter_map(|p| {
            let key = p.get("criterion")?.as_str()?;
            // Stored by key or by label, depending on who wrote it.
            let label = Criterion::ALL
                .into_iter()
                .find(|c| c.key() == key || c.label() == key)
                .map_or_else(|| key.replace('_', " "), |c| c.label().to_owned());
            Some(PartLine {
                label,
                points: p.get("points")?.as_u64()?,
                out_of: p.get("out_of")?.as_u64()?,
                reason: p
                    .get("reason")
                    .and_then(|r| r.as_str())
                    .unwrap_or_default()
                    .to_owned(),
            })
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/relationship_coordinator.html")]
pub struct CoordinatorRelationshipTemplate {
    page: Page,
    errors: FormErrors,
    id: i32,
    mentor: mentor::Model,
    mentee: mentee::Model,
    started: String,
    score: i32,
    parts: Vec<PartLine>,
    meetings: Vec<MeetingLine>,
    last_meeting: Option<String>,
    quiet: bool,
    quiet_weeks: i64,
    end_requested: Option<String>,
    end_requested_by: String,
    end_reason: Vec<String>,
    ended: Option<String>,
    ended_by: String,
    /// The student has no relationship now, so the next matching run includes them.
    waiting_again: bool,
    note: String,
}

async fn render_coordinator(
    state: &AppState,
    page: Page,
    loaded: Loaded,
    errors: FormErrors,
    note: String,
) -> AppResult<CoordinatorRelationshipTemplate> {
    let db = &state.db;
    let meetings = meeting_lines(db, &loaded, None).await?;
    let r = &loaded.relationship;
    let people: Vec<i32> = [r.end_requested_by, r.ended_by]
        .into_iter()
        .flatten()
        .collect();
    let users = rels::user_names(db, &people).await?;
    let name_of = |id: Option<i32>| logged_by_words(id, None, &loaded, &users);
    let started = date_of(r.started_at);
    let last = rels::meetings_of(db, r.id)
        .await?
        .into_iter()
        .map(|m| m.met_on)
        .max();
    let waiting_again = r.ended_at.is_some()
        && status_of(&loaded.mentee) == MenteeStatus::Approved
        && !rels::has_active(db, loaded.mentee.id).await?;
    Ok(CoordinatorRelationshipTemplate {
        page,
        errors,
        id: r.id,
        started: long_date(started),
        score: r.score,
        parts: breakdown_lines(&r.breakdown),
        meetings,
        last_meeting: last.map(long_date),
        quiet: r.ended_at.is_none() && is_quiet(last.unwrap_or(started), today()),
        quiet_weeks: QUIET_DAYS / 7,
        end_requested: r.end_requested_at.map(|t| long_date(date_of(t))),
        end_requested_by: name_of(r.end_requested_by),
        end_reason: paragraphs(&r.end_reason),
        ended: r.ended_at.map(|t| long_date(date_of(t))),
        ended_by: r
            .ended_by
            .and_then(|id| users.get(&id))
            .map_or_else(|| "the coordinator".to_owned(), |u| u.full_name.clone()),
        waiting_again,
        note,
        mentor: loaded.mentor,
        mentee: loaded.mentee,
    })
}

/// One relationship, for the coordinator. Notes on meetings are never shown here.
pub async fn coordinator_show(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<CoordinatorRelationshipTemplate> {
    require_coordinator(&me)?;
    let loaded = load(&state.db, id).await?;
    render_coordinator(&state, page, loaded, FormErrors::default(), String::new()).await
}

// ---------------------------------------------------------------------------------------------
// POST /mentoring/coordinator/relationships/{id}/end

/// The coordinator's form to end a relationship.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct EndForm {
    #[serde(default)]
    note: String,
}

/// The coordinator ends a relationship. In one transaction: it is marked ended, the student is
/// freed to be matched again, the pair is excluded from future matching, the audit log records
/// it, and both are emailed.
pub async fn end(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(form): Form<EndForm>,
) -> AppResult<Response> {
    require_coordinator(&me)?;
    let loaded = load(&state.db, id).await?;
    let back = Redirect::to(&format!("/mentoring/coordinator/relationships/{id}")).into_response();
    let note = form.note.trim();
    if note.chars().count() > REASON_MAX {
        let mut errors = FormErrors::default();
        errors.add("note", "The note must be 2000 characters or fewer");
        let template = render_coordinator(&state, page, loaded, errors, form.note).await?;
        return Ok(template.into_response());
    }
    let (mentor, mentee) = (&loaded.mentor, &loaded.mentee);
    let txn = state.db.begin().await?;
    if !rels::end(&txn, id, me.id).await? {
        txn.rollback().await?;
        notice(&session, "This mentoring had already ended.").await?;
        return Ok(back);
    }
    rels::exclude_pair(
        &txn,
        mentor.id,
        mentee.id,
        "Their mentoring ended, so they are not matched again.",
        me.id,
    )
    .await?;
    audit::record(
        &txn,
        Some(me.id),
        AuditAction::MentoringEnded,
        &format!("mentoring_relationship:{id}"),
        serde_json::json!({
            "mentor": mentor.reference,
            "mentee": mentee.reference,
            "end_requested": loaded.relationship.end_requested_at.is_some(),
            // The note is free text about the pair: the log says only that one was given.
            "note_given": !note.trim().is_empty(),
        }),
    )
    .await?;
    let link = Some(state.config.link("/mentoring/mine"));
    queue(
        &txn,
        &MentoringNotice {
            subject: "Your mentoring has ended".to_owned(),
            name: mentor.full_name.clone(),
            paragraphs: vec![
                format!(
                    "Your mentoring of {} has now ended. Thank you for the time you gave.",
                    mentee.full_name
                ),
                "You can still see the meetings you logged.".to_owned(),
            ],
            link: link.clone(),
        },
        &mentor.email,
    )
    .await?;
    queue(
        &txn,
        &MentoringNotice {
            subject: "Your mentoring has ended".to_owned(),
            name: mentee.full_name.clone(),
            paragraphs: vec![
                format!(
                    "Your mentoring with {} has now ended.",
                    mentor.full_name
                ),
                "You are now waiting to be matched with a new mentor. We will email you when you have one.".to_owned(),
            ],
            link,
        },
        &mentee.email,
    )
    .await?;
    txn.commit().await?;
    state.mail_wakeup.notify_one();
    flash(
        &session,
        format!(
            "The mentoring of {} by {} has ended. Both have been emailed.",
            mentee.full_name, mentor.full_name
        ),
    )
    .await?;
    Ok(back)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_pair_is_quiet_after_six_weeks_without_meeting() {
        let today = date!(2026 - 11 - 24);
        assert!(!is_quiet(today, today));
        assert!(!is_quiet(date!(2026 - 10 - 14), today)); // 41 days
        assert!(is_quiet(date!(2026 - 10 - 13), today)); // 42 days
        assert!(is_quiet(date!(2026 - 01 - 01), today));
    }

    #[test]
    fn a_meeting_date_is_not_in_the_future_nor_before_the_start() {
        let (started, today) = (date!(2026 - 09 - 01), date!(2026 - 11 - 24));
        assert_eq!(check_met_on(today, started, today), Ok(today));
        assert_eq!(check_met_on(started, started, today), Ok(started));
        assert!(
            check_met_on(date!(2026 - 11 - 25), started, today)
                .unwrap_err()
                .contains("today or in the past")
        );
        assert!(
            check_met_on(date!(2026 - 08 - 31), started, today)
                .unwrap_err()
                .contains("1 September 2026")
        );
    }

    #[test]
    fn typed_dates_are_read_or_explained() {
        assert_eq!(parse_met_on("3", "2", "2026"), Ok(date!(2026 - 02 - 03)));
        assert_eq!(parse_met_on("", " ", ""), Err("Enter the date you met"));
        assert!(parse_met_on("31", "2", "2026").is_err());
        assert!(parse_met_on("1", "1", "26").is_err());
    }

    #[test]
    fn the_breakdown_is_read_leniently() {
        let json = r#"[{"criterion":"specialty","points":200,"out_of":250,"reason":"Both paediatrics"},{"criterion":"nonsense"}]"#;
        let lines = breakdown_lines(json);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].label, "Specialty");
        assert_eq!((lines[0].points, lines[0].out_of), (200, 250));
        let by_label = breakdown_lines(
            r#"[{"criterion":"Times both are free","points":10,"out_of":150,"reason":""}]"#,
        );
        assert_eq!(by_label[0].label, "Times both are free");
        assert!(breakdown_lines("[]").is_empty());
        assert!(breakdown_lines("not json").is_empty());
    }
}
