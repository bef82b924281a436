//! The coordinator's view of relationships: every one, with those gone quiet and those asked
//! to end flagged; one relationship with the score it was matched on; and ending it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use super::{Loaded, MeetingLine, load, logged_by_words, meeting_lines, paragraphs, today};
use crate::app::AppState;
use crate::db::mentoring::relationships as rels;
use crate::db::mentoring::status_of;
use crate::domain::mentoring::meetings::{REASON_MAX, date_of, is_quiet, long_date};
use crate::domain::mentoring::pilot::{MenteeStatus, QUIET_DAYS};
use crate::domain::mentoring::scoring::Criterion;
use crate::entities::{mentee, mentor};
use crate::services;
use crate::services::mentoring::relationships::EndRefusal;
use crate::web::error::{AppError, AppResult};
use crate::web::page::{FormErrors, IdPath, Page, flash, notice};
use crate::web::roles::Coordinator;
use crate::web::unit_of_work::UnitOfWork;

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
pub async fn overview(State(state): State<AppState>, page: Page) -> AppResult<OverviewTemplate> {
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
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<CoordinatorRelationshipTemplate> {
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

/// The coordinator ends a relationship: see `services::mentoring::relationships::end`.
pub async fn end(
    State(state): State<AppState>,
    Coordinator(me): Coordinator,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(form): Form<EndForm>,
) -> AppResult<Response> {
    let loaded = load(&state.db, id).await?;
    let back = Redirect::to(&format!("/mentoring/coordinator/relationships/{id}")).into_response();
    let note = form.note.trim();
    if note.chars().count() > REASON_MAX {
        let mut errors = FormErrors::default();
        errors.add("note", "The note must be 2000 characters or fewer");
        let template = render_coordinator(&state, page, loaded, errors, form.note).await?;
        return Ok(template.into_response());
    }
    let uow = UnitOfWork::begin(&state).await?;
    let pair =
        match services::mentoring::relationships::end(&uow, &state.config, (&me).into(), id, note)
            .await?
        {
            Ok(pair) => pair,
            Err(EndRefusal::NotFound) => return Err(AppError::NotFound),
            Err(EndRefusal::AlreadyEnded) => {
                drop(uow);
                notice(&session, "This mentoring had already ended.").await?;
                return Ok(back);
            }
        };
    uow.commit().await?;
    flash(
        &session,
        format!(
            "The mentoring of {} by {} has ended. Both have been emailed.",
            pair.mentee.full_name, pair.mentor.full_name
        ),
    )
    .await?;
    Ok(back)
}

#[cfg(test)]
mod tests {
    use super::*;

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
