//! One relationship, for the mentor or the student in it: the other person's details, the
//! meetings, logging a meeting, and asking the coordinator to end it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use super::{Loaded, MeetingLine, Side, load_mine, meeting_lines, today};
use crate::app::AppState;
use crate::domain::mentoring::meetings::{self, MeetingInput, REASON_MAX, date_of, long_date};
use crate::domain::mentoring::profile::{MeetingMode, items};
use crate::services;
use crate::services::mentoring::relationships::{AlreadyAsked, Ended};
use crate::web::AuthUser;
use crate::web::error::AppResult;
use crate::web::page::{FormErrors, IdPath, Page, flash, notice, warning};
use crate::web::roles::MentorOrMentee;
use crate::web::unit_of_work::UnitOfWork;

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
                        value: m.meeting_modes.describe(),
                    },
                    Fact {
                        key: "Usually free",
                        value: m.availability.describe(),
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
                        value: s.meeting_modes.describe(),
                    },
                    Fact {
                        key: "Usually free",
                        value: s.availability.describe(),
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
    MentorOrMentee(me): MentorOrMentee,
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
    MentorOrMentee(me): MentorOrMentee,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(form): Form<MeetingForm>,
) -> AppResult<Response> {
    let loaded = load_mine(&state.db, &me, id).await?;
    let back = Redirect::to(&format!("/mentoring/relationships/{id}")).into_response();
    if loaded.0.relationship.ended_at.is_some() {
        return ended(&session, back).await;
    }
    let typed = meetings::MeetingForm {
        day: &form.day,
        month: &form.month,
        year: &form.year,
        mode: &form.mode,
        note: &form.note,
    };
    let started = date_of(loaded.0.relationship.started_at);
    let meeting = match MeetingInput::parse(&typed, started, today()) {
        Ok(meeting) => meeting,
        Err(errors) => {
            let errors = errors.into_iter().collect();
            let template =
                render_relationship(&state, page, &me, loaded, errors, form, String::new()).await?;
            return Ok(template.into_response());
        }
    };
    let uow = UnitOfWork::begin(&state).await?;
    if let Err(Ended) =
        services::mentoring::relationships::log_meeting(&uow, (&me).into(), id, &meeting).await?
    {
        drop(uow);
        return ended(&session, back).await;
    }
    uow.commit().await?;
    flash(
        &session,
        format!("Meeting on {} logged.", long_date(meeting.met_on)),
    )
    .await?;
    Ok(back)
}

/// Says that meetings of an ended relationship can no longer be logged.
async fn ended(session: &Session, back: Response) -> AppResult<Response> {
    warning(
        session,
        "This mentoring has ended, so meetings can no longer be logged.",
    )
    .await?;
    Ok(back)
}

// ---------------------------------------------------------------------------------------------
// POST /mentoring/relationships/{id}/end-request

/// Either side asks the coordinator to end their mentoring; every coordinator is emailed.
pub async fn request_end(
    State(state): State<AppState>,
    MentorOrMentee(me): MentorOrMentee,
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
    let side = loaded.1;
    let uow = UnitOfWork::begin(&state).await?;
    if let Err(AlreadyAsked) = services::mentoring::relationships::request_end(
        &uow,
        &state.config,
        (&me).into(),
        side,
        id,
        reason,
    )
    .await?
    {
        drop(uow);
        notice(
            &session,
            "Someone has already asked to end this mentoring. The coordinator will be in touch.",
        )
        .await?;
        return Ok(back);
    }
    uow.commit().await?;
    flash(
        &session,
        "You have asked to end this mentoring. The coordinator will be in touch.",
    )
    .await?;
    Ok(back)
}
