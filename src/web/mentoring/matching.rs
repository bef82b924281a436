//! The coordinator's matching: run the optimal matcher, review each proposed pair with its
//! score broken down (weakest first) and each student's next-best mentors, and each unmatched
//! student with the reason, pin or forbid pairs, run again, and confirm. Confirming first shows
//! what will happen and to whom; confirming there starts every relationship, emails
//! introductions to both sides and tells each student left over (once) that they are on the
//! waiting list, all in one transaction.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::db::mentoring::matching::{self, StoredPair, StoredPart};
use crate::db::mentoring::registry as reg;
use crate::db::mentoring::{self as mentoring_db};
use crate::domain::london_time;
use crate::domain::mentoring::alternatives::{Alternative, Instead};
use crate::entities::{match_run, mentee, mentor};
use crate::services;
use crate::services::mentoring::NotFound;
use crate::services::mentoring::matching::{ConfirmRefusal, PinRefusal, check_run, is_out_of_date};
use crate::web::error::{AppError, AppResult};
use crate::web::page::{FormErrors, IdPath, Page, flash};
use crate::web::roles::Coordinator;
use crate::web::unit_of_work::UnitOfWork;

const PAGE: &str = "/mentoring/coordinator/matching";

/// The coordinator's matching routes (mounted behind the coordinator role).
pub fn router() -> Router<AppState> {
    Router::new()
        .route(PAGE, get(show))
        .route("/mentoring/coordinator/matching/run", post(run))
        .route("/mentoring/coordinator/matching/pins", post(pin))
        .route(
            "/mentoring/coordinator/matching/pins/{id}/delete",
            post(unpin),
        )
        .route("/mentoring/coordinator/matching/forbid", post(forbid))
        .route(
            "/mentoring/coordinator/matching/runs/{id}/confirm",
            get(confirm_page).post(confirm),
        )
}

/// A proposed pair, for the page.
pub struct PairView {
    mentee_id: i32,
    mentee_name: String,
    mentee_ref: String,
    mentee_detail: String,
    mentor_id: i32,
    mentor_name: String,
    mentor_detail: String,
    score: u32,
    pinned: bool,
    parts: Vec<StoredPart>,
    alternatives: Vec<String>,
}

/// A student left unmatched, for the page.
pub struct UnmatchedView {
    name: String,
    reference: String,
    reason: String,
    alternatives: Vec<String>,
}

/// A pin that was kept or could not be, for the page.
pub struct PinView {
    mentee_id: i32,
    mentee_name: String,
    mentor_name: String,
    reason: String,
}

/// The latest run, for the page.
pub struct RunView {
    id: i32,
    when: String,
    confirmed: bool,
    out_of_date: bool,
    pairs: Vec<PairView>,
    unmatched: Vec<UnmatchedView>,
    ignored_pins: Vec<PinView>,
    total_score: u64,
}

/// A choice in a select.
pub struct Choice {
    id: i32,
    label: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/matching.html")]
pub struct MatchingTemplate {
    page: Page,
    waiting: usize,
    mentors_with_room: usize,
    places: u32,
    pins: Vec<PinView>,
    run: Option<RunView>,
    mentor_choices: Vec<Choice>,
    mentee_choices: Vec<Choice>,
    to_review: Vec<Choice>,
    chosen_mentor: Option<i32>,
    chosen_mentee: Option<i32>,
    errors: FormErrors,
}

/// The pin form, and the forbid buttons.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct PairForm {
    mentor_id: String,
    mentee_id: String,
}

impl PairForm {
    fn ids(&self) -> (Option<i32>, Option<i32>) {
        (
            self.mentor_id.trim().parse().ok(),
            self.mentee_id.trim().parse().ok(),
        )
    }
}

fn mentor_detail(m: &mentor::Model) -> String {
    format!("{}, {}, {}", m.specialty, m.grade, m.organisation)
}

fn mentee_detail(m: &mentee::Model) -> String {
    format!("Year {} at {}", m.year_of_study, m.university)
}

/// Everyone's names, for showing a stored proposal.
struct Names {
    mentors: HashMap<i32, mentor::Model>,
    mentees: HashMap<i32, mentee::Model>,
}

impl Names {
    async fn load(db: &impl sea_orm::ConnectionTrait) -> AppResult<Names> {
        Ok(Names {
            mentors: reg::all_mentors(db)
                .await?
                .into_iter()
                .map(|m| (m.id, m))
                .collect(),
            mentees: reg::mentees(db)
                .await?
                .into_iter()
                .map(|m| (m.id, m))
                .collect(),
        })
    }

    fn mentor(&self, id: i32) -> String {
        self.mentors.get(&id).map_or_else(
            || "A mentor no longer listed".to_owned(),
            |m| m.full_name.clone(),
        )
    }

    fn mentee(&self, id: i32) -> String {
        self.mentees.get(&id).map_or_else(
            || "A student no longer listed".to_owned(),
            |m| m.full_name.clone(),
        )
    }

    fn reference(&self, id: i32) -> String {
        self.mentees
            .get(&id)
            .map(|m| m.reference.clone())
            .unwrap_or_default()
    }
}

/// Names joined in plain English: "A", "A and B", "A, B and C".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// An alternative mentor in plain words: their score with the student, why it is not higher,
/// and why the matcher chose otherwise.
fn alternative_words(
    a: &Alternative<i32>,
    student: i32,
    chosen: Option<(i32, u32)>,
    names: &Names,
) -> String {
    let mentor = names.mentor(a.mentor);
    let student = names.mentee(student);
    let misses = if a.misses.is_empty() {
        "a perfect score".to_owned()
    } else {
        format!("missing: {}", a.misses.join("; "))
    };
    let why = match (&a.instead, chosen) {
        (Instead::MatchedWith { mentees }, _) => {
            let others: Vec<String> = mentees.iter().map(|id| names.mentee(*id)).collect();
            format!(
                "but is matched with {}, where the total is higher",
                and_list(&others)
            )
        }
        (Instead::Pinned, Some((m, _))) => {
            format!("but you pinned {student} to {}", names.mentor(m))
        }
        (Instead::NoBetter, Some((m, score))) => format!(
            "no more than {} ({score}), so {student} stays with them",
            names.mentor(m)
        ),
        (_, None) => "and has a free place".to_owned(),
    };
    format!(
        "{mentor} would score {} with {student} ({misses}), {why}.",
        a.score
    )
}

fn run_view(run: &match_run::Model, names: &Names, out_of_date: bool) -> AppResult<RunView> {
    let proposal = matching::proposal_of(run)?;
    let mut pairs: Vec<&StoredPair> = proposal.pairs.iter().collect();
    // Weakest first: those are the pairs to look at.
    pairs.sort_by_key(|p| p.score);
    Ok(RunView {
        id: run.id,
        when: london_time::describe(run.created_at),
        confirmed: run.confirmed_at.is_some(),
        out_of_date,
        pairs: pairs
            .into_iter()
            .map(|p| PairView {
                mentee_id: p.mentee_id,
                mentee_name: names.mentee(p.mentee_id),
                mentee_ref: names.reference(p.mentee_id),
                mentee_detail: names
                    .mentees
                    .get(&p.mentee_id)
                    .map(mentee_detail)
                    .unwrap_or_default(),
                mentor_id: p.mentor_id,
                mentor_name: names.mentor(p.mentor_id),
                mentor_detail: names
                    .mentors
                    .get(&p.mentor_id)
                    .map(mentor_detail)
                    .unwrap_or_default(),
                score: p.score,
                pinned: p.pinned,
                parts: p.parts.clone(),
                alternatives: p
                    .alternatives
                    .iter()
                    .map(|a| alternative_words(a, p.mentee_id, Some((p.mentor_id, p.score)), names))
                    .collect(),
            })
            .collect(),
        unmatched: proposal
            .unmatched
            .iter()
            .map(|u| UnmatchedView {
                name: names.mentee(u.mentee_id),
                reference: names.reference(u.mentee_id),
                reason: u.reason.clone(),
                alternatives: u
                    .alternatives
                    .iter()
                    .map(|a| alternative_words(a, u.mentee_id, None, names))
                    .collect(),
            })
            .collect(),
        ignored_pins: proposal
            .ignored_pins
            .iter()
            .map(|p| PinView {
                mentee_id: p.mentee_id,
                mentee_name: names.mentee(p.mentee_id),
                mentor_name: names.mentor(p.mentor_id),
                reason: p.reason.clone(),
            })
            .collect(),
        total_score: proposal.total_score,
    })
}

/// Builds the page, with any errors of a form that was just refused.
async fn page_of(
    state: &AppState,
    page: Page,
    errors: FormErrors,
    chosen: (Option<i32>, Option<i32>),
) -> AppResult<MatchingTemplate> {
    let db = &state.db;
    let pool = matching::pool(db).await?;
    let names = Names::load(db).await?;
    let to_review = matching::awaiting_conflict_review(db)
        .await?
        .into_iter()
        .map(|m| Choice {
            id: m.id,
            label: format!("{} ({})", m.full_name, m.reference),
        })
        .collect();
    let latest = matching::latest_run(db).await?;
    let settings = mentoring_db::settings(db).await?;
    let run = match &latest {
        Some(run) => {
            let out_of_date = run.confirmed_at.is_none() && is_out_of_date(run, &pool, settings)?;
            Some(run_view(run, &names, out_of_date)?)
        }
        None => None,
    };
    let pins = pool
        .pins
        .iter()
        .map(|(mentor_id, mentee_id)| PinView {
            mentee_id: *mentee_id,
            mentee_name: names.mentee(*mentee_id),
            mentor_name: names.mentor(*mentor_id),
            reason: String::new(),
        })
        .collect();
    Ok(MatchingTemplate {
        page,
        waiting: pool.waiting.len(),
        mentors_with_room: pool.mentors.iter().filter(|(_, room)| *room > 0).count(),
        places: pool.mentors.iter().map(|(_, room)| room).sum(),
        pins,
        run,
        mentor_choices: pool
            .mentors
            .iter()
            .filter(|(_, room)| *room > 0)
            .map(|(m, room)| Choice {
                id: m.id,
                label: format!("{} ({}; {} left)", m.full_name, m.specialty, places(*room)),
            })
            .collect(),
        mentee_choices: pool
            .waiting
            .iter()
            .map(|m| Choice {
                id: m.id,
                label: format!("{} ({})", m.full_name, m.reference),
            })
            .collect(),
        to_review,
        chosen_mentor: chosen.0,
        chosen_mentee: chosen.1,
        errors,
    })
}

fn places(n: u32) -> String {
    if n == 1 {
        "1 place".to_owned()
    } else {
        format!("{n} places")
    }
}

async fn show(State(state): State<AppState>, page: Page) -> AppResult<MatchingTemplate> {
    page_of(&state, page, FormErrors::default(), (None, None)).await
}

async fn run(
    State(state): State<AppState>,
    Coordinator(me): Coordinator,
    session: Session,
) -> AppResult<Response> {
    let uow = UnitOfWork::begin(&state).await?;
    let ran = services::mentoring::matching::run(&uow, (&me).into()).await?;
    uow.commit().await?;
    flash(
        &session,
        format!(
            "Matching run: {} of {} students matched",
            ran.matched, ran.waiting
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("{PAGE}#proposal")).into_response())
}

async fn pin(
    State(state): State<AppState>,
    Coordinator(me): Coordinator,
    session: Session,
    page: Page,
    Form(form): Form<PairForm>,
) -> AppResult<Response> {
    let (mentor_id, mentee_id) = form.ids();
    let mut errors = FormErrors::default();
    if mentee_id.is_none() {
        errors.add("mentee_id", "Choose a student");
    }
    if mentor_id.is_none() {
        errors.add("mentor_id", "Choose a mentor");
    }
    if let (Some(mentor), Some(mentee)) = (mentor_id, mentee_id) {
        let uow = UnitOfWork::begin(&state).await?;
        match services::mentoring::matching::pin(&uow, (&me).into(), mentor, mentee).await? {
            Ok(()) => {
                uow.commit().await?;
                flash(
                    &session,
                    "Pair pinned. Run the matching again to see the effect.",
                )
                .await?;
                return Ok(Redirect::to(&format!("{PAGE}#pins")).into_response());
            }
            Err(PinRefusal(why)) => errors.add("mentor_id", why),
        }
    }
    let template = page_of(&state, page, errors, (mentor_id, mentee_id)).await?;
    Ok(template.into_response())
}

async fn unpin(
    State(state): State<AppState>,
    Coordinator(me): Coordinator,
    session: Session,
    IdPath(mentee_id): IdPath,
) -> AppResult<Response> {
    let uow = UnitOfWork::begin(&state).await?;
    services::mentoring::matching::unpin(&uow, (&me).into(), mentee_id)
        .await?
        .map_err(|NotFound| AppError::NotFound)?;
    uow.commit().await?;
    flash(
        &session,
        "Pin removed. Run the matching again to see the effect.",
    )
    .await?;
    Ok(Redirect::to(&format!("{PAGE}#pins")).into_response())
}

async fn forbid(
    State(state): State<AppState>,
    Coordinator(me): Coordinator,
    session: Session,
    Form(form): Form<PairForm>,
) -> AppResult<Response> {
    let (Some(mentor_id), Some(mentee_id)) = form.ids() else {
        return Err(AppError::BadRequest("Choose the pair to forbid".to_owned()));
    };
    let uow = UnitOfWork::begin(&state).await?;
    let forbidden = services::mentoring::matching::forbid(&uow, (&me).into(), mentor_id, mentee_id)
        .await?
        .map_err(|NotFound| AppError::NotFound)?;
    uow.commit().await?;
    flash(
        &session,
        format!(
            "{} and {} will not be matched. Run the matching again to see the effect.",
            forbidden.mentor, forbidden.mentee
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("{PAGE}#proposal")).into_response())
}

const NEWER_RUN: &str =
    "A newer run has replaced this one. Review the newest run before you confirm.";
const OUT_OF_DATE: &str = "Something has changed since this run, such as a pin, a forbidden pair, a student or a mentor. Run the matching again before you confirm.";
const NO_PAIRS: &str = "This run proposed no pairs, so there is nothing to confirm.";
const NO_LONGER_FREE: &str = "Things have changed since this run (a student or a mentor is no longer free). Run the matching again before you confirm.";

/// What refusing looks like: "not found", back to the relationships if already confirmed,
/// otherwise the matching page with the reason.
async fn refuse(state: &AppState, page: Page, refusal: ConfirmRefusal) -> AppResult<Response> {
    let message = match refusal {
        ConfirmRefusal::NotFound => return Err(AppError::NotFound),
        ConfirmRefusal::Confirmed => {
            return Err(AppError::Elsewhere {
                to: "/mentoring/coordinator/relationships".to_owned(),
            });
        }
        ConfirmRefusal::NewerRun => NEWER_RUN,
        ConfirmRefusal::OutOfDate => OUT_OF_DATE,
        ConfirmRefusal::NoPairs => NO_PAIRS,
        ConfirmRefusal::NoLongerFree => NO_LONGER_FREE,
    };
    let mut errors = FormErrors::default();
    errors.add("confirm", message.to_owned());
    Ok(page_of(state, page, errors, (None, None))
        .await?
        .into_response())
}

/// A pair on the confirmation page.
pub struct ConfirmPair {
    mentee_name: String,
    mentee_ref: String,
    mentor_name: String,
}

/// A student left over, on the confirmation page.
pub struct LeftOver {
    name: String,
    reference: String,
    told_before: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/matching_confirm.html")]
pub struct ConfirmTemplate {
    page: Page,
    run_id: i32,
    pairs: Vec<ConfirmPair>,
    mentors: usize,
    students: usize,
    left_over: Vec<LeftOver>,
    to_tell: usize,
    emails: usize,
}

impl ConfirmTemplate {
    fn told_before(&self) -> usize {
        self.left_over.len() - self.to_tell
    }
}

/// "1 mentor", "2 mentors".
fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// GET: says what confirming will do and to whom. Changes nothing.
async fn confirm_page(
    State(state): State<AppState>,
    page: Page,
    IdPath(run_id): IdPath,
) -> AppResult<Response> {
    let (run, proposal) = match check_run(&state.db, run_id).await? {
        Ok(ok) => ok,
        Err(refusal) => return refuse(&state, page, refusal).await,
    };
    let names = Names::load(&state.db).await?;
    let mut pairs: Vec<ConfirmPair> = proposal
        .pairs
        .iter()
        .map(|p| ConfirmPair {
            mentee_name: names.mentee(p.mentee_id),
            mentee_ref: names.reference(p.mentee_id),
            mentor_name: names.mentor(p.mentor_id),
        })
        .collect();
    pairs.sort_by(|a, b| a.mentee_name.cmp(&b.mentee_name));
    let mentors: std::collections::BTreeSet<i32> =
        proposal.pairs.iter().map(|p| p.mentor_id).collect();
    let left_over: Vec<LeftOver> = proposal
        .unmatched
        .iter()
        .map(|u| LeftOver {
            name: names.mentee(u.mentee_id),
            reference: names.reference(u.mentee_id),
            told_before: names
                .mentees
                .get(&u.mentee_id)
                .is_some_and(|m| m.waiting_list_told_at.is_some()),
        })
        .collect();
    let to_tell = left_over.iter().filter(|l| !l.told_before).count();
    Ok(ConfirmTemplate {
        page,
        run_id: run.id,
        mentors: mentors.len(),
        students: pairs.len(),
        emails: 2 * pairs.len() + to_tell,
        pairs,
        left_over,
        to_tell,
    }
    .into_response())
}

/// POST: starts the relationships, emails the introductions and the waiting list. A second
/// POST finds the run confirmed and changes nothing.
async fn confirm(
    State(state): State<AppState>,
    Coordinator(me): Coordinator,
    session: Session,
    page: Page,
    IdPath(run_id): IdPath,
) -> AppResult<Response> {
    let uow = UnitOfWork::begin(&state).await?;
    let confirmed =
        match services::mentoring::matching::confirm(&uow, &state.config, (&me).into(), run_id)
            .await?
        {
            Ok(confirmed) => confirmed,
            Err(refusal) => {
                drop(uow);
                return refuse(&state, page, refusal).await;
            }
        };
    uow.commit().await?;
    let mut message = format!(
        "{} confirmed. Introductions have been emailed to both sides.",
        count(confirmed.pairs, "match", "matches")
    );
    if confirmed.told_waiting > 0 {
        message.push_str(&format!(
            " {} told they are on the waiting list.",
            count(confirmed.told_waiting, "student was", "students were"),
        ));
    }
    flash(&session, message).await?;
    Ok(Redirect::to("/mentoring/coordinator/relationships").into_response())
}
