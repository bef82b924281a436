//! The coordinator's matching: run the optimal matcher, review each proposed pair with its
//! score broken down (weakest first) and each student's next-best mentors, and each unmatched
//! student with the reason, pin or forbid pairs, run again, and confirm. Confirming first shows
//! what will happen and to whom; confirming there starts every relationship, emails
//! introductions to both sides and tells each student left over (once) that they are on the
//! waiting list, all in one transaction.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sea_orm::{DatabaseTransaction, TransactionTrait};
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::audit::{self, AuditAction};
use crate::db::mentoring::matching::{self, Pool, Proposal, StoredPair, StoredPart};
use crate::db::mentoring::{self as mentoring_db, mentee_profile, mentor_profile};
use crate::db::outbox;
use crate::domain::london_time;
use crate::domain::mentoring::alternatives::{Alternative, Instead};
use crate::entities::{match_run, mentee, mentor};
use crate::error::{AppError, AppResult};
use crate::mail::templates::{EmailContent, MentoringNotice};
use crate::web::mentoring::require_coordinator;
use crate::web::page::{FormErrors, IdPath, Page, flash};

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
        use sea_orm::EntityTrait;
        Ok(Names {
            mentors: mentor::Entity::find()
                .all(db)
                .await?
                .into_iter()
                .map(|m| (m.id, m))
                .collect(),
            mentees: mentee::Entity::find()
                .all(db)
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

fn run_view(run: &match_run::Model, names: &Names, out_of_date: bool) -> RunView {
    let proposal = matching::proposal_of(run);
    let mut pairs: Vec<&StoredPair> = proposal.pairs.iter().collect();
    // Weakest first: those are the pairs to look at.
    pairs.sort_by_key(|p| p.score);
    RunView {
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
    }
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
    let run = latest.as_ref().map(|run| {
        let out_of_date = run.confirmed_at.is_none() && is_out_of_date(run, &pool, settings);
        run_view(run, &names, out_of_date)
    });
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

async fn show(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    page: Page,
) -> AppResult<MatchingTemplate> {
    require_coordinator(&me)?;
    page_of(&state, page, FormErrors::default(), (None, None)).await
}

async fn run(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    session: Session,
) -> AppResult<Response> {
    require_coordinator(&me)?;
    let txn = state.db.begin().await?;
    let settings = mentoring_db::settings(&txn).await?;
    let pool = matching::pool(&txn).await?;
    let plan = pool.plan(settings);
    let proposal = Proposal::from(&plan);
    matching::store_run(&txn, settings, &proposal, me.id).await?;
    txn.commit().await?;
    flash(
        &session,
        format!(
            "Matching run: {} of {} students matched",
            proposal.pairs.len(),
            pool.waiting.len()
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("{PAGE}#proposal")).into_response())
}

async fn pin(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    session: Session,
    page: Page,
    Form(form): Form<PairForm>,
) -> AppResult<Response> {
    require_coordinator(&me)?;
    let (mentor_id, mentee_id) = form.ids();
    let mut errors = FormErrors::default();
    if mentee_id.is_none() {
        errors.add("mentee_id", "Choose a student");
    }
    if mentor_id.is_none() {
        errors.add("mentor_id", "Choose a mentor");
    }
    let txn = state.db.begin().await?;
    if let (Some(mentor_id), Some(mentee_id)) = (mentor_id, mentee_id) {
        let pool = matching::pool(&txn).await?;
        if let Some(why) = pool.refuse_pair(mentor_id, mentee_id) {
            errors.add("mentor_id", why);
        } else {
            matching::pin(&txn, mentor_id, mentee_id, me.id).await?;
            audit::record(
                &txn,
                Some(me.id),
                AuditAction::MentoringExclusionChanged,
                &format!("mentee:{mentee_id}"),
                json!({ "mentor_id": mentor_id, "pinned": true }),
            )
            .await?;
        }
    }
    if !errors.is_empty() {
        drop(txn);
        let template = page_of(&state, page, errors, (mentor_id, mentee_id)).await?;
        return Ok(template.into_response());
    }
    txn.commit().await?;
    flash(
        &session,
        "Pair pinned. Run the matching again to see the effect.",
    )
    .await?;
    Ok(Redirect::to(&format!("{PAGE}#pins")).into_response())
}

async fn unpin(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    session: Session,
    IdPath(mentee_id): IdPath,
) -> AppResult<Response> {
    require_coordinator(&me)?;
    let txn = state.db.begin().await?;
    if !matching::unpin(&txn, mentee_id).await? {
        return Err(AppError::NotFound);
    }
    audit::record(
        &txn,
        Some(me.id),
        AuditAction::MentoringExclusionChanged,
        &format!("mentee:{mentee_id}"),
        json!({ "pinned": false }),
    )
    .await?;
    txn.commit().await?;
    flash(
        &session,
        "Pin removed. Run the matching again to see the effect.",
    )
    .await?;
    Ok(Redirect::to(&format!("{PAGE}#pins")).into_response())
}

async fn forbid(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    session: Session,
    Form(form): Form<PairForm>,
) -> AppResult<Response> {
    require_coordinator(&me)?;
    let (Some(mentor_id), Some(mentee_id)) = form.ids() else {
        return Err(AppError::BadRequest("Choose the pair to forbid".to_owned()));
    };
    let txn = state.db.begin().await?;
    let names = Names::load(&txn).await?;
    if !names.mentors.contains_key(&mentor_id) || !names.mentees.contains_key(&mentee_id) {
        return Err(AppError::NotFound);
    }
    let added = matching::forbid(
        &txn,
        mentor_id,
        mentee_id,
        "Forbidden by the coordinator when reviewing matches",
        me.id,
    )
    .await?;
    if added {
        audit::record(
            &txn,
            Some(me.id),
            AuditAction::MentoringExclusionChanged,
            &format!("mentee:{mentee_id}"),
            json!({ "mentor_id": mentor_id, "excluded": true, "source": "coordinator" }),
        )
        .await?;
    }
    txn.commit().await?;
    flash(
        &session,
        format!(
            "{} and {} will not be matched. Run the matching again to see the effect.",
            names.mentor(mentor_id),
            names.mentee(mentee_id)
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("{PAGE}#proposal")).into_response())
}

/// Whether a run would come out differently now: the matcher is deterministic, so any change
/// to pins, exclusions, weights, students or mentors since shows as a different proposal.
fn is_out_of_date(run: &match_run::Model, pool: &Pool, settings: mentoring_db::Settings) -> bool {
    Proposal::from(&pool.plan(settings)) != matching::proposal_of(run)
}

/// The number of pairs of the newest run, if it is unconfirmed and still up to date: a
/// proposal waiting for the coordinator to confirm.
pub(super) async fn proposal_to_confirm(
    db: &impl sea_orm::ConnectionTrait,
    pool: &Pool,
) -> AppResult<Option<usize>> {
    let Some(run) = matching::latest_run(db).await? else {
        return Ok(None);
    };
    if run.confirmed_at.is_some() {
        return Ok(None);
    }
    let settings = mentoring_db::settings(db).await?;
    let proposal = matching::proposal_of(&run);
    let current = !is_out_of_date(&run, pool, settings);
    Ok((current && !proposal.pairs.is_empty()).then_some(proposal.pairs.len()))
}

/// On Postgres, stops two confirmations from filling the same places at once (SQLite has one
/// writer at a time already).
async fn lock_relationships(txn: &DatabaseTransaction) -> Result<(), sea_orm::DbErr> {
    use sea_orm::ConnectionTrait;
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        txn.execute_unprepared("LOCK TABLE mentoring_relationships IN SHARE ROW EXCLUSIVE MODE")
            .await?;
    }
    Ok(())
}

/// Why a pair of a run can no longer be confirmed, if it can't.
fn still_possible(pool: &Pool, pair: &StoredPair, used: &mut HashMap<i32, u32>) -> Option<String> {
    if let Some(why) = pool.refuse_pair(pair.mentor_id, pair.mentee_id) {
        return Some(why);
    }
    let room = pool.room_of(pair.mentor_id).unwrap_or(0);
    let taken = used.entry(pair.mentor_id).or_default();
    *taken += 1;
    (*taken > room).then(|| "The mentor has no places left".to_owned())
}

/// Why a run cannot be confirmed now.
enum Refusal {
    /// The run is already confirmed: nothing to do.
    Confirmed,
    /// Not the newest run, out of date, or empty: shown on the matching page.
    Message(&'static str),
}

const NEWER_RUN: &str =
    "A newer run has replaced this one. Review the newest run before you confirm.";
const OUT_OF_DATE: &str = "Something has changed since this run, such as a pin, a forbidden pair, a student or a mentor. Run the matching again before you confirm.";
const NO_PAIRS: &str = "This run proposed no pairs, so there is nothing to confirm.";
const NO_LONGER_FREE: &str = "Things have changed since this run (a student or a mentor is no longer free). Run the matching again before you confirm.";

/// Checks that a run can be confirmed now: the newest, unconfirmed, not out of date, with
/// pairs, each still possible. Run it inside the transaction that confirms.
async fn check_run(
    db: &impl sea_orm::ConnectionTrait,
    run_id: i32,
) -> AppResult<Result<(match_run::Model, Proposal), Refusal>> {
    let Some(latest) = matching::latest_run(db).await? else {
        return Err(AppError::NotFound);
    };
    if latest.id != run_id {
        if matching::find_run(db, run_id).await?.is_none() {
            return Err(AppError::NotFound);
        }
        return Ok(Err(Refusal::Message(NEWER_RUN)));
    }
    if latest.confirmed_at.is_some() {
        return Ok(Err(Refusal::Confirmed));
    }
    let pool = matching::pool(db).await?;
    let settings = mentoring_db::settings(db).await?;
    if is_out_of_date(&latest, &pool, settings) {
        return Ok(Err(Refusal::Message(OUT_OF_DATE)));
    }
    let proposal = matching::proposal_of(&latest);
    if proposal.pairs.is_empty() {
        return Ok(Err(Refusal::Message(NO_PAIRS)));
    }
    let mut used = HashMap::new();
    if proposal
        .pairs
        .iter()
        .any(|p| still_possible(&pool, p, &mut used).is_some())
    {
        return Ok(Err(Refusal::Message(NO_LONGER_FREE)));
    }
    Ok(Ok((latest, proposal)))
}

/// What refusing looks like: back to the relationships if already confirmed, otherwise the
/// matching page with the reason.
async fn refuse(state: &AppState, page: Page, refusal: Refusal) -> AppResult<Response> {
    match refusal {
        Refusal::Confirmed => Err(AppError::Elsewhere {
            to: "/mentoring/coordinator/relationships".to_owned(),
        }),
        Refusal::Message(message) => {
            let mut errors = FormErrors::default();
            errors.add("confirm", message.to_owned());
            Ok(page_of(state, page, errors, (None, None))
                .await?
                .into_response())
        }
    }
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
    CurrentUser(me): CurrentUser,
    page: Page,
    IdPath(run_id): IdPath,
) -> AppResult<Response> {
    require_coordinator(&me)?;
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
    CurrentUser(me): CurrentUser,
    session: Session,
    page: Page,
    IdPath(run_id): IdPath,
) -> AppResult<Response> {
    require_coordinator(&me)?;
    let txn = state.db.begin().await?;
    lock_relationships(&txn).await?;
    let (_, proposal) = match check_run(&txn, run_id).await? {
        Ok(ok) => ok,
        Err(refusal) => {
            drop(txn);
            return refuse(&state, page, refusal).await;
        }
    };
    if !matching::mark_confirmed(&txn, run_id, me.id).await? {
        drop(txn);
        return refuse(&state, page, Refusal::Message(NO_LONGER_FREE)).await;
    }
    let names = Names::load(&txn).await?;
    for pair in &proposal.pairs {
        let relationship = matching::start_relationship(&txn, pair, run_id).await?;
        introduce(&state, &txn, &names, pair, relationship.id).await?;
    }
    let matched: Vec<i32> = proposal.pairs.iter().map(|p| p.mentee_id).collect();
    matching::clear_pins(&txn, &matched).await?;
    let left_over: Vec<i32> = proposal.unmatched.iter().map(|u| u.mentee_id).collect();
    let to_tell = matching::mark_waiting_list_told(&txn, &left_over).await?;
    for id in &to_tell {
        if let Some(mentee) = names.mentees.get(id) {
            tell_waiting(&state, &txn, mentee).await?;
        }
    }
    audit::record(
        &txn,
        Some(me.id),
        AuditAction::MatchConfirmed,
        &format!("match_run:{run_id}"),
        json!({
            "pairs": proposal.pairs.len(),
            "total_score": proposal.total_score,
            "unmatched": left_over.len(),
            "told_waiting_list": to_tell.len(),
        }),
    )
    .await?;
    txn.commit().await?;
    state.mail_wakeup.notify_one();
    let mut message = format!(
        "{} confirmed. Introductions have been emailed to both sides.",
        count(proposal.pairs.len(), "match", "matches")
    );
    if !to_tell.is_empty() {
        message.push_str(&format!(
            " {} told they are on the waiting list.",
            count(to_tell.len(), "student was", "students were"),
        ));
    }
    flash(&session, message).await?;
    Ok(Redirect::to("/mentoring/coordinator/relationships").into_response())
}

/// Queues the email telling a student left over that they are on the waiting list.
async fn tell_waiting(
    state: &AppState,
    txn: &DatabaseTransaction,
    mentee: &mentee::Model,
) -> AppResult<()> {
    let notice = MentoringNotice {
        subject: "You are on the waiting list for a mentor".to_owned(),
        name: mentee.full_name.clone(),
        paragraphs: vec![
            "We have matched mentors and students in the mentoring pilot for care-experienced medical students. We could not match you with a mentor this time.".to_owned(),
            "You are on the waiting list. You do not need to do anything. We match again when a mentor has a free place, and we will email you as soon as you have a mentor.".to_owned(),
            "You can see where you are in SPECTRA:".to_owned(),
        ],
        link: Some(state.config.link("/mentoring/mine")),
    };
    outbox::enqueue(txn, &notice.to_email(&mentee.email)?).await?;
    Ok(())
}

/// Queues the introductions of a confirmed pair, one to each side.
async fn introduce(
    state: &AppState,
    txn: &DatabaseTransaction,
    names: &Names,
    pair: &StoredPair,
    relationship_id: i32,
) -> AppResult<()> {
    let (Some(mentor), Some(mentee)) = (
        names.mentors.get(&pair.mentor_id),
        names.mentees.get(&pair.mentee_id),
    ) else {
        return Err(AppError::Internal(anyhow::anyhow!(
            "a confirmed pair names a missing mentor or student"
        )));
    };
    let link = Some(
        state
            .config
            .link(&format!("/mentoring/relationships/{relationship_id}")),
    );
    let student = mentee_profile(mentee);
    let clinician = mentor_profile(mentor);
    let shared = crate::domain::mentoring::profile::Availability::parse(&mentor.availability)
        .unwrap_or_default();
    let common = shared.overlap(student.availability);
    let to_mentor = MentoringNotice {
        subject: format!("Your new mentee: {}", mentee.full_name),
        name: mentor.full_name.clone(),
        paragraphs: vec![
            format!(
                "Thank you for mentoring in the pilot for care-experienced medical students. You have been matched with {}.",
                mentee.full_name
            ),
            format!(
                "{} is in year {} at {}, interested in {}. They can meet {}, and are free: {}.",
                mentee.full_name,
                mentee.year_of_study,
                mentee.university,
                if student.specialty_interests.is_empty() {
                    "several specialties".to_owned()
                } else {
                    student.specialty_interests.join(", ")
                },
                student.modes.describe(),
                student.availability.describe()
            ),
            format!(
                "Please get in touch to arrange your first meeting: {}. {}",
                mentee.email,
                match common {
                    0 =>
                        "You have no free times in common yet, so agree a time that suits you both."
                            .to_owned(),
                    1 => "You have 1 free time a week in common.".to_owned(),
                    n => format!("You have {n} free times a week in common."),
                }
            ),
            "You can log your meetings, and see your mentee's details, in SPECTRA:".to_owned(),
        ],
        link: link.clone(),
    };
    let to_mentee = MentoringNotice {
        subject: format!("Meet your mentor: {}", mentor.full_name),
        name: mentee.full_name.clone(),
        paragraphs: vec![
            format!(
                "You have been matched with a mentor in the pilot for care-experienced medical students: {}.",
                mentor.full_name
            ),
            format!(
                "{} is a {} in {} at {}. They can meet {}.",
                mentor.full_name,
                mentor.grade,
                mentor.specialty,
                mentor.organisation,
                clinician.modes.describe()
            ),
            format!(
                "Your mentor will get in touch to arrange your first meeting. You can also write to them: {}.",
                mentor.email
            ),
            "If anything about the match worries you, you can ask the coordinator to end it at any time. You can log your meetings in SPECTRA:".to_owned(),
        ],
        link,
    };
    outbox::enqueue(txn, &to_mentor.to_email(&mentor.email)?).await?;
    outbox::enqueue(txn, &to_mentee.to_email(&mentee.email)?).await?;
    Ok(())
}
