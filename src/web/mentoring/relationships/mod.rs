//! Mentoring once a pair is confirmed (DOMAIN.md §8: "relationships are tracked: meetings
//! logged, ended, rematched").
//!
//! Mentors and students see only their own relationships: any other ID is "not found", so IDs
//! cannot be probed. A meeting's note is shown only to whoever logged it, never to the other
//! side nor to the coordinator. The coordinator sees every relationship, which ones have gone
//! quiet, and ends them; the student is then free to be matched again.

mod coordinator;
mod mine;
mod pair;

use std::collections::HashMap;

use axum::Router;
use axum::middleware::from_fn;
use axum::routing::{get, post};
use sea_orm::ConnectionTrait;
use time::Date;

use crate::app::AppState;
use crate::db::mentoring::relationships as rels;
use crate::db::mentoring::{mentee_for_user, mentor_for_email};
use crate::domain::Role;
use crate::domain::london_time;
use crate::domain::mentoring::meetings::{date_of, is_quiet, long_date};
use crate::domain::mentoring::profile::MeetingMode;
use crate::domain::text_input::paragraphs;
use crate::entities::{mentee, mentor, mentoring_meeting, user};
use crate::services::mentoring::relationships::{Pair as Loaded, Side};
use crate::web::AuthUser;
use crate::web::error::{AppError, AppResult};
use crate::web::mentoring::coordinator_only;
use crate::web::roles::{MentorOrMentee, only};

/// The mentor and student pages, and the coordinator's overview.
pub fn router() -> Router<AppState> {
    let mine = Router::new()
        .route("/mentoring/mine", get(mine::mine))
        .route("/mentoring/relationships/{id}", get(pair::show))
        .route(
            "/mentoring/relationships/{id}/meetings",
            post(pair::log_meeting),
        )
        .route(
            "/mentoring/relationships/{id}/end-request",
            post(pair::request_end),
        )
        .route_layer(from_fn(only::<MentorOrMentee>));
    let coordinator = Router::new()
        .route(
            "/mentoring/coordinator/relationships",
            get(coordinator::overview),
        )
        .route(
            "/mentoring/coordinator/relationships/{id}",
            get(coordinator::show),
        )
        .route(
            "/mentoring/coordinator/relationships/{id}/end",
            post(coordinator::end),
        );
    mine.merge(coordinator_only(coordinator))
}

/// How many active pairs have gone quiet, and how many asked to end: for the coordinator's
/// next steps.
pub(in crate::web::mentoring) async fn attention_counts(
    db: &impl ConnectionTrait,
) -> AppResult<(usize, usize)> {
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

/// A meeting mode in words, such as "In person".
fn mode_words(mode: &str) -> &'static str {
    MeetingMode::parse(mode).map_or("Not recorded", MeetingMode::label)
}

// ---------------------------------------------------------------------------------------------
// Loading, with the check that the relationship is the signed-in user's

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

/// A relationship with both people in it, or "not found".
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
