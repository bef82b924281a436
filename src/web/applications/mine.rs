//! "Your applications", the applicant's home: every application with what to do next, and
//! each one's page with its answers and a timeline of what has happened.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};

use crate::app::AppState;
use crate::db::{self, applicant_profiles, applications};
use crate::domain::application::{self, Stage};
use crate::domain::london_time;
use crate::domain::vacancy::is_open;
use crate::web::applications::steps::{Answers, answers};
use crate::web::applications::{Loaded, load_own, step_path};
use crate::web::error::AppResult;
use crate::web::page::{IdPath, Page};
use crate::web::roles::Applicant;

/// What the applicant can do next with one application.
pub enum Next {
    /// Carry on filling it in, at this address, by this time.
    Finish { path: String, closes: String },
    /// Choose an interview time.
    Book,
    /// The interview booked: when and where.
    Booked { when: String, place: String },
    /// Accept or decline the offer.
    AnswerOffer,
    /// Nothing to do now; what happens next.
    Wait(&'static str),
}

impl Next {
    /// Whether the applicant has something to do.
    pub fn is_action(&self) -> bool {
        matches!(self, Next::Finish { .. } | Next::Book | Next::AnswerOffer)
    }
}

/// One application on the applicant's home.
pub struct Row {
    id: i32,
    reference: String,
    title: String,
    organisation: String,
    stage: Stage,
    /// When it was sent, or when a draft must be sent by.
    when: String,
    next: Next,
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/list.html")]
pub struct ListTemplate {
    page: Page,
    rows: Vec<Row>,
    /// They have no profile yet, so cannot apply.
    needs_profile: bool,
    /// How many applications need something from them.
    to_do: usize,
}

/// "Your applications", the applicant's home: each application with what to do next, the
/// ones needing something first, and the profile first of all if it is not filled in.
pub async fn list(
    State(state): State<AppState>,
    Applicant(me): Applicant,
    page: Page,
) -> AppResult<ListTemplate> {
    let now = db::now();
    let mine = applications::of_applicant(&state.db, me.id).await?;
    let ids: Vec<i32> = mine.iter().map(|a| a.id).collect();
    let booked = applications::booked_interviews(&state.db, &ids).await?;
    let offers = applications::offers_awaiting_answer(&state.db, &ids).await?;
    let profile = applicant_profiles::find(&state.db, me.id).await?;
    let declared = profile.as_ref().map(|p| p.care_experience);
    let steps = application::steps(declared);
    let mut rows: Vec<Row> = mine
        .into_iter()
        .map(|a| {
            let stage = a.stage;
            let closed = a.closes_at <= now;
            let when = match (stage, a.submitted_at) {
                (Stage::Draft, _) if closed => "Closed before it was sent".to_owned(),
                (Stage::Draft, _) => format!("Send by {}", london_time::describe(a.closes_at)),
                (_, Some(at)) => format!("Sent {}", london_time::describe(at)),
                (_, None) => format!("Updated {}", london_time::describe(a.updated_at)),
            };
            let interview = booked.iter().find(|(id, _, _)| *id == a.id);
            let next = match stage {
                Stage::Draft if !closed => Next::Finish {
                    path: step_path(a.id, application::resume_step(&steps, a.reached_step)),
                    closes: london_time::describe(a.closes_at),
                },
                Stage::Draft => Next::Wait(
                    "This job closed before your application was sent, so it can no longer be sent.",
                ),
                Stage::InvitedToInterview if interview.is_none() => Next::Book,
                Stage::InterviewBooked | Stage::InvitedToInterview => match interview {
                    Some((_, at, place)) => Next::Booked {
                        when: london_time::describe(*at),
                        place: place.clone(),
                    },
                    None => Next::Book,
                },
                Stage::ConditionalOffer if offers.contains(&a.id) => Next::AnswerOffer,
                _ => Next::Wait(stage.what_next()),
            };
            Row {
                reference: application::reference(a.id),
                id: a.id,
                title: a.title,
                organisation: a.organisation,
                stage,
                when,
                next,
            }
        })
        .collect();
    // Those needing something from the applicant first; otherwise most recent first.
    rows.sort_by_key(|r| !r.next.is_action());
    Ok(ListTemplate {
        page,
        to_do: rows.iter().filter(|r| r.next.is_action()).count(),
        rows,
        needs_profile: profile.is_none(),
    })
}

/// One entry of an application's timeline: what happened, and when.
pub struct Event {
    when: String,
    /// What happened, in words.
    what: &'static str,
    /// Feedback or other words that came with the change.
    note: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/show.html")]
pub struct ShowTemplate {
    page: Page,
    l: Loaded,
    a: Answers,
    events: Vec<Event>,
    /// How long it has been at its current stage, unless that stage is final.
    time_in_stage: Option<String>,
    open: bool,
    closes: String,
    /// "Closed early on 7 December 2026", for a vacancy its manager closed early.
    closed_early: Option<String>,
    resume: String,
}

pub async fn show(
    State(state): State<AppState>,
    Applicant(me): Applicant,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<ShowTemplate> {
    let l = load_own(&state, &me, id).await?;
    let a = answers(&state, &l).await?;
    let changes: Vec<_> = applications::timeline(&state.db, id)
        .await?
        .into_iter()
        .map(|c| (c.to_stage, c))
        .collect();
    let entered: Vec<_> = changes.iter().map(|(s, c)| (*s, c.created_at)).collect();
    let time_in_stage = application::time_in_stages(&entered, db::now())
        .last()
        .copied()
        .flatten()
        .map(application::describe_duration);
    let events = changes
        .into_iter()
        .map(|(stage, c)| Event {
            what: application::event(c.from_stage, stage, c.actor_user_id == Some(me.id)),
            when: london_time::describe(c.created_at),
            note: c.note,
        })
        .rev()
        .collect();
    let status = l.vacancy.status;
    Ok(ShowTemplate {
        open: is_open(status, l.vacancy.closes_at, db::now()),
        closes: london_time::describe(l.vacancy.closes_at),
        closed_early: crate::domain::vacancy::closed_early(status, l.vacancy.closed_early_at),
        resume: l.resume_path(),
        page,
        l,
        a,
        events,
        time_in_stage,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/sent.html")]
pub struct SentTemplate {
    page: Page,
    l: Loaded,
    email: String,
}

/// The confirmation page after sending.
pub async fn sent(
    State(state): State<AppState>,
    Applicant(me): Applicant,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    let l = load_own(&state, &me, id).await?;
    if l.application.submitted_at.is_none() {
        return Ok(Redirect::to(&format!("/applications/{id}")).into_response());
    }
    Ok(SentTemplate {
        page,
        l,
        email: me.email,
    }
    .into_response())
}
