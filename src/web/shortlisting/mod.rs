//! Shortlisting by the vacancy's panel: anonymised applications, everyone's scores, the lead's
//! final scores and decisions under the guaranteed-interview rule, the high-volume exception,
//! and completion, which reveals who was invited. Every route is for hiring managers, and each
//! vacancy is loaded only for members of its panel, in its own organisation.

mod board;
mod interviews;
mod offers;
mod review;

use std::collections::{HashMap, HashSet};

use axum::Router;
use axum::extract::Request;
use axum::middleware::{Next, from_fn};
use axum::routing::{get, post};

use crate::app::AppState;
use crate::auth::current_user::require_role;
use crate::auth::{AuthUser, CurrentUser};
use crate::db::{self, shortlisting, vacancies};
use crate::domain::Role;
use crate::domain::application::Stage;
use crate::domain::shortlisting::{
    Candidate, Exception, Minimum, Ranked, Score, minimum, within_cap,
};
use crate::entities::{
    application, panel_member, shortlist_decision, shortlist_score,
    shortlisting as shortlisting_entity, vacancy, vacancy_criterion,
};
use crate::error::{AppError, AppResult};

/// The shortlisting routes, all behind the hiring manager role check.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/shortlisting/{id}", get(board::show))
        .route("/shortlisting/{id}/complete", post(board::complete))
        .route(
            "/shortlisting/{id}/exception",
            post(board::request_exception),
        )
        .route(
            "/shortlisting/{id}/interviews",
            get(interviews::show).post(interviews::add_slot),
        )
        .route(
            "/shortlisting/{id}/interviews/{application}/outcome",
            post(interviews::record_outcome),
        )
        .route("/shortlisting/{id}/offers", get(offers::show))
        .route(
            "/shortlisting/{id}/offers/{application}",
            post(offers::make_offer),
        )
        .route(
            "/shortlisting/{id}/offers/{application}/checks",
            post(offers::save_checks),
        )
        .route(
            "/shortlisting/{id}/offers/{application}/start-date",
            post(offers::save_start_date),
        )
        .route(
            "/shortlisting/{id}/offers/{application}/started",
            post(offers::mark_started),
        )
        .route(
            "/shortlisting/{id}/applications/{application}",
            get(review::show),
        )
        .route(
            "/shortlisting/{id}/applications/{application}/scores",
            post(review::save_scores),
        )
        .route(
            "/shortlisting/{id}/applications/{application}/final",
            post(review::save_finals),
        )
        .route(
            "/shortlisting/{id}/applications/{application}/decision",
            post(review::decide),
        )
        .route_layer(from_fn(|user: CurrentUser, req: Request, next: Next| {
            require_role(Role::HiringManager, user, req, next)
        }))
}

/// A vacancy and the signed-in manager's place on its panel.
pub(crate) struct PanelSeat {
    /// The vacancy.
    pub vacancy: vacancy::Model,
    /// The manager's membership.
    pub member: panel_member::Model,
}

impl PanelSeat {
    /// Whether the manager leads the panel.
    pub fn is_lead(&self) -> bool {
        self.member.is_lead
    }

    /// Refuses anyone but the lead.
    pub fn require_lead(&self) -> AppResult<()> {
        if self.is_lead() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// Loads a vacancy for a member of its panel. A vacancy of another organisation, or one whose
/// panel the manager is not on, is "not found".
pub(crate) async fn load_seat(state: &AppState, me: &AuthUser, id: i32) -> AppResult<PanelSeat> {
    let organisation_id = me.organisation_id.ok_or(AppError::Forbidden)?;
    let vacancy = vacancies::find(&state.db, id)
        .await?
        .filter(|v| v.organisation_id == organisation_id)
        .ok_or(AppError::NotFound)?;
    let member = shortlisting::membership(&state.db, id, me.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(PanelSeat { vacancy, member })
}

/// One application on the board, with what the rule makes of it.
pub(crate) struct Entry {
    /// The application.
    pub application: application::Model,
    /// Its stage.
    pub stage: Stage,
    /// Final scores by criterion, in criterion order.
    pub finals: Vec<Option<Score>>,
    /// The minimum criteria on final scores.
    pub minimum: Minimum,
    /// What the rule knows of it.
    pub candidate: Candidate,
    /// The decision recorded, if any.
    pub decision: Option<shortlist_decision::Model>,
    /// How many panel members have scored every criterion.
    pub scored_by: usize,
}

impl Entry {
    /// Whether the applicant opted in to the guaranteed interview scheme.
    pub fn opted_in(&self) -> bool {
        self.candidate.opted_in
    }
}

/// Everything shortlisting a vacancy needs: criteria, the applications still in the running,
/// everyone's scores and the lead's, decisions, and the exception.
pub(crate) struct Board {
    /// The person specification, in order.
    pub criteria: Vec<vacancy_criterion::Model>,
    /// The applications, oldest sent first.
    pub entries: Vec<Entry>,
    /// Every panel member's scores.
    pub scores: Vec<shortlist_score::Model>,
    /// The shortlisting row.
    pub state: shortlisting_entity::Model,
    /// The exception as the rule sees it.
    pub exception: Exception,
    /// Whether the vacancy has closed, so decisions may be made.
    pub closed: bool,
    /// How many people are on the panel.
    pub panel_size: usize,
}

/// The stages of an application that shortlisting considers: sent, and not withdrawn.
pub(crate) fn in_shortlisting(stage: Stage) -> bool {
    matches!(
        stage,
        Stage::Submitted
            | Stage::Shortlisting
            | Stage::InvitedToInterview
            | Stage::NotShortlisted
            | Stage::InterviewBooked
            | Stage::Interviewed
            | Stage::ConditionalOffer
            | Stage::ChecksComplete
            | Stage::Started
            | Stage::Unsuccessful
    )
}

/// Builds the board of a vacancy.
pub(crate) async fn board(state: &AppState, vacancy: &vacancy::Model) -> AppResult<Board> {
    let criteria = vacancies::criteria_of(&state.db, vacancy.id).await?;
    let sent = crate::db::applications::sent_models_for_vacancy(&state.db, vacancy.id).await?;
    let sent: Vec<(application::Model, Stage)> = sent
        .into_iter()
        .filter_map(|a| {
            let stage = Stage::parse(&a.stage)?;
            in_shortlisting(stage).then_some((a, stage))
        })
        .collect();
    let ids: Vec<i32> = sent.iter().map(|(a, _)| a.id).collect();
    let scores = shortlisting::scores_for(&state.db, &ids).await?;
    let finals = shortlisting::finals_for(&state.db, &ids).await?;
    let decisions = shortlisting::decisions_for(&state.db, &ids).await?;
    let state_row = shortlisting::state_of(&state.db, vacancy.id).await?;
    let panel_size = shortlisting::panel_of(&state.db, vacancy.id).await?.len();
    let exception = match (state_row.exception_status.as_str(), state_row.exception_cap) {
        ("approved", Some(cap)) => Exception::Approved {
            cap: u32::try_from(cap).unwrap_or(0),
        },
        _ => Exception::NotApproved,
    };
    // Indexed once, so the page stays quick with hundreds of applications.
    let final_scores: HashMap<(i32, i32), Score> = finals
        .iter()
        .filter_map(|f| {
            Some((
                (f.application_id, f.criterion_id),
                Score::from_stored(i32::from(f.score))?,
            ))
        })
        .collect();
    let final_of = |application_id: i32, criterion_id: i32| {
        final_scores.get(&(application_id, criterion_id)).copied()
    };
    let mut scored: HashMap<i32, HashMap<i32, HashSet<i32>>> = HashMap::new();
    for s in &scores {
        scored
            .entry(s.application_id)
            .or_default()
            .entry(s.scorer_id)
            .or_default()
            .insert(s.criterion_id);
    }
    let scorers_done = |application_id: i32| {
        scored.get(&application_id).map_or(0, |by_scorer| {
            by_scorer
                .values()
                .filter(|done| criteria.iter().all(|c| done.contains(&c.id)))
                .count()
        })
    };
    let mut decisions: HashMap<i32, shortlist_decision::Model> = decisions
        .into_iter()
        .map(|d| (d.application_id, d))
        .collect();
    let essential_minimum = |application_id: i32| {
        let essential: Vec<Option<Score>> = criteria
            .iter()
            .filter(|c| c.essential)
            .map(|c| final_of(application_id, c.id))
            .collect();
        minimum(&essential)
    };
    let total = |app: i32, essential: bool| -> u32 {
        criteria
            .iter()
            .filter(|c| c.essential == essential)
            .filter_map(|c| final_of(app, c.id))
            .map(|s| u32::from(s.value()))
            .sum()
    };
    let ranked: Vec<Ranked> = sent
        .iter()
        .map(|(a, _)| Ranked {
            id: a.id,
            minimum: essential_minimum(a.id),
            essential_total: total(a.id, true),
            desirable_total: total(a.id, false),
        })
        .collect();
    let capped: HashSet<i32> = match exception {
        Exception::Approved { cap } => within_cap(&ranked, cap),
        Exception::NotApproved => HashSet::new(),
    };
    let entries = sent
        .into_iter()
        .map(|(a, stage)| {
            let minimum = essential_minimum(a.id);
            Entry {
                finals: criteria.iter().map(|c| final_of(a.id, c.id)).collect(),
                candidate: Candidate {
                    opted_in: a.guaranteed_interview == Some(true),
                    minimum,
                    within_cap: capped.contains(&a.id),
                },
                minimum,
                decision: decisions.remove(&a.id),
                scored_by: scorers_done(a.id),
                stage,
                application: a,
            }
        })
        .collect();
    Ok(Board {
        closed: vacancy.closes_at <= db::now() || vacancy.status == "closed",
        criteria,
        entries,
        scores,
        state: state_row,
        exception,
        panel_size,
    })
}

/// Whether shortlisting of this board is complete, so identities are revealed.
pub(crate) fn is_complete(board: &Board) -> bool {
    board.state.completed_at.is_some()
}
