//! The shortlisting board of a vacancy: every application under its reference, progress,
//! decisions, the high-volume exception, and completing shortlisting.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::db::{shortlisting, users};
use crate::domain::application::{Stage, reference};
use crate::domain::audit_subject::AuditSubject;
use crate::domain::london_time;
use crate::entities::user;
use crate::services::applicant_details::DetailsPage;
use crate::services::exceptions::{ExceptionRequest, RequestRefusal};
use crate::services::shortlisting::{CompletionPreview, ShortlistRefusal};
use crate::services::{self, Actor};
use crate::web::error::{AppError, AppResult};
use crate::web::page::{FormErrors, IdPath, Page, flash, notice};
use crate::web::roles::HiringManager;
use crate::web::shortlisting::review::refused;
use crate::web::shortlisting::{
    Board, PanelSeat, audit_details_view, audit_late_reveal_view, board, is_complete, load_seat,
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
    /// The applicant's name, once shortlisting is complete and they were invited.
    revealed: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "shortlisting/board.html")]
pub struct BoardTemplate {
    page: Page,
    seat: PanelSeat,
    rows: Vec<Row>,
    panel: Vec<(String, bool)>,
    closes: String,
    closed: bool,
    complete: bool,
    panel_size: usize,
    exception_status: String,
    exception_cap: Option<i32>,
    exception_reason: String,
    /// Applications that stop completion: (reference, what to do).
    blockers: Vec<(String, String)>,
    reason: String,
    cap: String,
    errors: FormErrors,
}

async fn render(
    state: &AppState,
    me_id: i32,
    page: Page,
    seat: PanelSeat,
    board: Board,
    blockers: Vec<(String, String)>,
    (reason, cap, errors): (String, String, FormErrors),
) -> AppResult<BoardTemplate> {
    let complete = is_complete(&board);
    let revealed = if complete {
        let ids: Vec<i32> = board
            .entries
            .iter()
            .filter(|e| e.decision.as_ref().is_some_and(|d| d.invited))
            .map(|e| e.application.applicant_id)
            .collect();
        users::by_ids(&state.db, &ids).await?
    } else {
        Vec::new()
    };
    let panel = shortlisting::panel_of(&state.db, seat.vacancy.id)
        .await?
        .into_iter()
        .map(|(m, u)| (u.full_name, m.is_lead))
        .collect();
    let mut mine: std::collections::HashMap<i32, usize> = std::collections::HashMap::new();
    for s in board.scores.iter().filter(|s| s.scorer_id == me_id) {
        *mine.entry(s.application_id).or_default() += 1;
    }
    let rows = board
        .entries
        .iter()
        .map(|e| {
            let invited = e.decision.as_ref().map(|d| d.invited);
            Row {
                id: e.application.id,
                reference: reference(e.application.id),
                invited_automatically: crate::domain::shortlisting::invited_automatically(
                    e.candidate,
                    board.exception,
                ),
                scored_by: e.scored_by,
                scored_by_me: mine.get(&e.application.id).copied().unwrap_or(0)
                    >= board.criteria.len(),
                finals_done: e.finals.iter().all(Option::is_some),
                meets_minimum: match e.minimum {
                    crate::domain::shortlisting::Minimum::Met => Some(true),
                    crate::domain::shortlisting::Minimum::NotMet => Some(false),
                    crate::domain::shortlisting::Minimum::Unscored => None,
                },
                decision: match invited {
                    Some(true) => "Invite",
                    Some(false) => "Not shortlisted",
                    None => "Not decided",
                },
                stage: e.stage,
                revealed: revealed
                    .iter()
                    .find(|u: &&user::Model| {
                        invited == Some(true) && u.id == e.application.applicant_id
                    })
                    .map(|u| u.full_name.clone()),
            }
        })
        .collect();
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
        panel,
        blockers,
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
) -> AppResult<BoardTemplate> {
    let seat = load_seat(&state, &me, id).await?;
    audit_late_reveal_view(&state, Actor::from(&me), &seat, "board").await?;
    let board = board(&state.db, &seat.vacancy).await?;
    // Once complete, the board names those invited.
    let named: Vec<i32> = if is_complete(&board) {
        board
            .entries
            .iter()
            .filter(|e| e.decision.as_ref().is_some_and(|d| d.invited))
            .map(|e| e.application.id)
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
    render(
        &state,
        me.id,
        page,
        seat,
        board,
        Vec::new(),
        Default::default(),
    )
    .await
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
    let listed = blockers
        .into_iter()
        .map(|(app, why)| (reference(app), why.explanation()))
        .collect();
    let board = board(&state.db, &seat.vacancy).await?;
    let template = render(state, me_id, page, seat, board, listed, Default::default()).await?;
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
        let template = render(
            &state,
            me.id,
            page,
            seat,
            board,
            Vec::new(),
            (form.reason, form.cap, errors),
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
