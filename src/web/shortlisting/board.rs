//! The shortlisting board of a vacancy: every application under its reference, progress,
//! decisions, the high-volume exception, and completing shortlisting.

use askama::Template;
use askama_web::WebTemplate;
use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::db::{shortlisting, users};
use crate::domain::application::{Stage, reference};
use crate::domain::audit_subject::AuditSubject;
use crate::domain::board_view::{Line, Order, Show, Standing, Tally, arrange, tally};
use crate::domain::london_time;
use crate::domain::paging::Paging;
use crate::domain::shortlisting::{Minimum, invited_automatically};
use crate::services::applicant_details::DetailsPage;
use crate::services::exceptions::{ExceptionRequest, RequestRefusal};
use crate::services::shortlisting::{Board, CompletionPreview, Entry, ShortlistRefusal};
use crate::services::{self, Actor};
use crate::web::error::{AppError, AppResult};
use crate::web::page::{FormErrors, IdPath, Page, flash, notice};
use crate::web::roles::HiringManager;
use crate::web::shortlisting::review::refused;
use crate::web::shortlisting::{
    PanelSeat, audit_details_view, audit_late_reveal_view, board, is_complete, load_seat,
};
use crate::web::unit_of_work::UnitOfWork;

/// One row of the board.
pub struct Row {
    id: i32,
    reference: String,
    /// Opted in to the scheme and invited by its rule: shown only once the final scores meet
    /// every essential criterion, so the panel scores without knowing who opted in.
    invited_automatically: bool,
    scored_by: usize,
    scored_by_me: bool,
    finals_done: bool,
    meets_minimum: Option<bool>,
    decision: &'static str,
    stage: Stage,
    /// The panel's average score, shown to the lead only (panel members score independently).
    average: Option<String>,
    /// The applicant's name, once shortlisting is complete and they were invited.
    revealed: Option<String>,
}

/// Applications a page of the board lists.
pub const PER_PAGE: u64 = 50;

/// Blocked applications the error summary names; it says how many more there are.
const BLOCKERS_NAMED: usize = 20;

/// What the address asks the board to list (DOMAIN.md §5.7; `domain::board_view`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BoardQuery {
    show: String,
    order: String,
    page: String,
}

/// The board's listing as asked for: which applications, in what order, which page.
pub struct Listing {
    show: Show,
    order: Order,
    paging: Paging,
    tally: Tally,
    /// The choices of what to list, each with how many it lists: (value, words, count).
    shows: Vec<(&'static str, &'static str, usize)>,
    /// The orders the viewer may choose: (value, words).
    orders: Vec<(&'static str, &'static str)>,
    /// The addresses of the page before and the page after, if any.
    previous: Option<(u64, String)>,
    next: Option<(u64, String)>,
}

/// The address of page `number` of the board listing `show` in `order`.
fn page_link(vacancy_id: i32, show: Show, order: Order, number: u64) -> (u64, String) {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("show", show.as_str())
        .append_pair("order", order.as_str())
        .append_pair("page", &number.to_string())
        .finish();
    (
        number,
        format!("/shortlisting/{vacancy_id}?{query}#applications"),
    )
}

#[derive(Template, WebTemplate)]
#[template(path = "shortlisting/board.html")]
pub struct BoardTemplate {
    page: Page,
    seat: PanelSeat,
    rows: Vec<Row>,
    listing: Listing,
    panel: Vec<(String, bool)>,
    closes: String,
    closed: bool,
    complete: bool,
    panel_size: usize,
    exception_status: String,
    exception_cap: Option<i32>,
    exception_reason: String,
    /// Applications that stop completion: (application, reference, what to do), the first
    /// few of them, and how many more there are.
    blockers: Vec<(i32, String, String)>,
    more_blockers: usize,
    reason: String,
    cap: String,
    errors: FormErrors,
}

/// What the listing needs of each entry, in the board's order (oldest sent first).
fn lines(board: &Board, me_id: i32) -> Vec<Line> {
    board
        .entries
        .iter()
        .map(|e| Line {
            decision: e.decision.as_ref().map(|d| d.invited),
            scored_by_me: board.tallies.scored(e.application.id, me_id) >= board.criteria.len(),
            average: board.tallies.average(e.application.id),
            standing: if invited_automatically(e.candidate, board.exception) {
                Standing::InvitedByRule
            } else {
                match e.minimum {
                    Minimum::Met => Standing::MeetsMinimum,
                    Minimum::Unscored => Standing::NotScored,
                    Minimum::NotMet => Standing::NotMet,
                }
            },
        })
        .collect()
}

/// The entries the listing asks for, in its order: one page of them.
fn listed<'b>(
    board: &'b Board,
    lines: &[Line],
    query: &BoardQuery,
    lead: bool,
) -> (Listing, Vec<(&'b Entry, Line)>) {
    let show = Show::parse(&query.show);
    let order = Order::parse(&query.order, lead);
    let tally = tally(lines);
    let arranged = arrange(lines, show, order);
    let paging = Paging::of(&query.page, arranged.len() as u64, PER_PAGE);
    let shown = arranged
        .into_iter()
        .skip(usize::try_from(paging.offset()).unwrap_or(usize::MAX))
        .take(usize::try_from(PER_PAGE).unwrap_or(usize::MAX))
        .map(|i| (&board.entries[i], lines[i]))
        .collect();
    let listing = Listing {
        show,
        order,
        paging,
        tally,
        shows: Show::ALL
            .iter()
            .map(|s| (s.as_str(), s.label(), tally.of(*s)))
            .collect(),
        orders: Order::ALL
            .iter()
            .filter(|o| lead || !o.for_lead_only())
            .map(|o| (o.as_str(), o.label()))
            .collect(),
        previous: paging
            .previous()
            .map(|n| page_link(board.state.vacancy_id, show, order, n)),
        next: paging
            .next()
            .map(|n| page_link(board.state.vacancy_id, show, order, n)),
    };
    (listing, shown)
}

/// What the board shows besides its rows: blockers, and the exception form's answers.
#[derive(Default)]
struct Extras {
    blockers: Vec<(i32, String, String)>,
    more_blockers: usize,
    form: (String, String, FormErrors),
}

async fn render(
    state: &AppState,
    me_id: i32,
    page: Page,
    seat: PanelSeat,
    board: Board,
    query: &BoardQuery,
    extras: Extras,
) -> AppResult<BoardTemplate> {
    let complete = is_complete(&board);
    let lead = seat.is_lead();
    let lines = lines(&board, me_id);
    let (listing, shown) = listed(&board, &lines, query, lead);
    let revealed: HashMap<i32, String> = if complete {
        let ids: Vec<i32> = shown
            .iter()
            .filter(|(_, line)| line.decision == Some(true))
            .map(|(e, _)| e.application.applicant_id)
            .collect();
        users::by_ids(&state.db, &ids)
            .await?
            .into_iter()
            .map(|u| (u.id, u.full_name))
            .collect()
    } else {
        HashMap::new()
    };
    let panel = shortlisting::panel_of(&state.db, seat.vacancy.id)
        .await?
        .into_iter()
        .map(|(m, u)| (u.full_name, m.is_lead))
        .collect();
    let rows = shown
        .iter()
        .map(|(e, line)| Row {
            id: e.application.id,
            reference: reference(e.application.id),
            invited_automatically: line.standing == Standing::InvitedByRule,
            scored_by: e.scored_by,
            scored_by_me: line.scored_by_me,
            finals_done: e.finals.iter().all(Option::is_some),
            meets_minimum: match e.minimum {
                Minimum::Met => Some(true),
                Minimum::NotMet => Some(false),
                Minimum::Unscored => None,
            },
            decision: match line.decision {
                Some(true) => "Invite",
                Some(false) => "Not shortlisted",
                None => "Not decided",
            },
            stage: e.stage,
            average: lead
                .then(|| line.average.map(|a| format!("{a:.1}")))
                .flatten(),
            revealed: (line.decision == Some(true))
                .then(|| revealed.get(&e.application.applicant_id).cloned())
                .flatten(),
        })
        .collect();
    let (reason, cap, errors) = extras.form;
    Ok(BoardTemplate {
        page,
        closes: london_time::describe(seat.vacancy.closes_at),
        closed: board.closed,
        complete,
        panel_size: board.panel_size,
        exception_status: board.state.exception_status.as_str().to_owned(),
        exception_cap: board.state.exception_cap,
        exception_reason: board.state.exception_reason.clone(),
        seat,
        rows,
        listing,
        panel,
        blockers: extras.blockers,
        more_blockers: extras.more_blockers,
        reason,
        cap,
        errors,
    })
}

pub async fn show(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    page: Page,
    IdPath(id): IdPath,
    Query(query): Query<BoardQuery>,
) -> AppResult<BoardTemplate> {
    let seat = load_seat(&state, &me, id).await?;
    audit_late_reveal_view(&state, Actor::from(&me), &seat, "board").await?;
    let board = board(&state.db, &seat.vacancy).await?;
    let template = render(&state, me.id, page, seat, board, &query, Extras::default()).await?;
    // Once complete, the board names those invited that it lists.
    let named: Vec<i32> = if template.complete {
        template
            .rows
            .iter()
            .filter(|r| r.revealed.is_some())
            .map(|r| r.id)
            .collect()
    } else {
        Vec::new()
    };
    audit_details_view(
        &state,
        Actor::from(&me),
        &AuditSubject::Vacancy(id),
        DetailsPage::Board,
        &named,
    )
    .await?;
    Ok(template)
}

#[derive(Template, WebTemplate)]
#[template(path = "shortlisting/complete_confirm.html")]
pub struct ConfirmCompleteTemplate {
    page: Page,
    seat: PanelSeat,
    preview: CompletionPreview,
}

/// The board again, with the applications that stop completion listed.
async fn blocked(
    state: &AppState,
    me_id: i32,
    page: Page,
    seat: PanelSeat,
    blockers: Vec<(i32, crate::domain::shortlisting::Blocker)>,
) -> AppResult<Response> {
    let more_blockers = blockers.len().saturating_sub(BLOCKERS_NAMED);
    let blockers = blockers
        .into_iter()
        .take(BLOCKERS_NAMED)
        .map(|(app, why)| (app, reference(app), why.explanation()))
        .collect();
    let board = board(&state.db, &seat.vacancy).await?;
    let extras = Extras {
        blockers,
        more_blockers,
        ..Extras::default()
    };
    let query = BoardQuery {
        show: Show::Undecided.as_str().to_owned(),
        ..BoardQuery::default()
    };
    let template = render(state, me_id, page, seat, board, &query, extras).await?;
    Ok(template.into_response())
}

/// Asks the lead before completing shortlisting: how many will be invited and how many told
/// they were not taken forward, that the panel will see names, and that it cannot be undone.
/// Nothing changes here; if completion would be refused, the board says why.
pub async fn confirm_complete(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    let seat = load_seat(&state, &me, id).await?;
    seat.require_lead()?;
    match services::shortlisting::preview_completion(&state.db, &seat.vacancy).await? {
        Ok(preview) => Ok(ConfirmCompleteTemplate {
            page,
            seat,
            preview,
        }
        .into_response()),
        Err(ShortlistRefusal::Blocked(blockers)) => {
            blocked(&state, me.id, page, seat, blockers).await
        }
        Err(ShortlistRefusal::Complete) => {
            notice(&session, "Shortlisting is already complete.").await?;
            Ok(Redirect::to(&format!("/shortlisting/{id}")).into_response())
        }
        Err(refusal) => Err(refused(refusal)),
    }
}

/// Completes shortlisting: refused until the vacancy has closed, every application has a
/// decision, and every application the rule invites is invited. Then each application moves
/// on, each applicant is emailed (with feedback where declined), and the panel sees the names
/// of those invited: that reveal is audited.
pub async fn complete(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    let seat = load_seat(&state, &me, id).await?;
    seat.require_lead()?;
    let uow = UnitOfWork::begin(&state).await?;
    let outcome =
        services::shortlisting::complete(&uow, &state.config, Actor::from(&me), id).await?;
    let completed = match outcome {
        Ok(completed) => completed,
        Err(ShortlistRefusal::Blocked(blockers)) => {
            drop(uow);
            return blocked(&state, me.id, page, seat, blockers).await;
        }
        // A second press, or another tab: nothing is done or sent twice.
        Err(ShortlistRefusal::Complete) => {
            notice(
                &session,
                "Shortlisting was already complete. Nothing changed and nobody was emailed again.",
            )
            .await?;
            return Ok(Redirect::to(&format!("/shortlisting/{id}")).into_response());
        }
        Err(refusal) => return Err(refused(refusal)),
    };
    uow.commit().await?;
    let invited = completed.invited;
    flash(
        &session,
        format!(
            "Shortlisting is complete. {} invited to interview. Everyone has been emailed.",
            invited.len()
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("/shortlisting/{id}")).into_response())
}

/// The exception request form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ExceptionForm {
    reason: String,
    cap: String,
}

/// The lead asks the champion for the high-volume exception: a reason and a proposed cap.
pub async fn request_exception(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(form): Form<ExceptionForm>,
) -> AppResult<Response> {
    let seat = load_seat(&state, &me, id).await?;
    seat.require_lead()?;
    let mut errors = FormErrors::default();
    let reason = form.reason.trim();
    if crate::domain::application::word_count(reason) < 20 {
        errors.add(
            "reason",
            "Explain in at least 20 words why interviewing everyone who meets the essential criteria is impracticable",
        );
    } else if reason.chars().count() > 2_000 {
        errors.add("reason", "The reason must be 2000 characters or fewer");
    }
    let cap = form
        .cap
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|c| (1..=500).contains(c));
    if cap.is_none() {
        errors.add(
            "cap",
            "Enter the most people you can interview, a whole number from 1 to 500",
        );
    }
    let (Some(cap), true) = (cap, errors.is_empty()) else {
        let board = board(&state.db, &seat.vacancy).await?;
        let extras = Extras {
            form: (form.reason, form.cap, errors),
            ..Extras::default()
        };
        let template = render(
            &state,
            me.id,
            page,
            seat,
            board,
            &BoardQuery::default(),
            extras,
        )
        .await?;
        return Ok(template.into_response());
    };
    let uow = UnitOfWork::begin(&state).await?;
    let outcome = services::exceptions::request(
        &uow,
        Actor::from(&me),
        id,
        &ExceptionRequest { reason, cap },
    )
    .await?;
    match outcome {
        Ok(()) => uow.commit().await?,
        Err(RequestRefusal::NotLead) => return Err(AppError::Forbidden),
        Err(RequestRefusal::NotOpen) => {
            return Err(AppError::BadRequest(
                "An exception has already been requested or approved for this vacancy, or shortlisting is complete.".into(),
            ));
        }
    }
    flash(
        &session,
        "Your request has been sent to the Executive Champion.",
    )
    .await?;
    Ok(Redirect::to(&format!("/shortlisting/{id}")).into_response())
}
