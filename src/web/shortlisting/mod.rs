//! Shortlisting by the vacancy's panel: anonymised applications, everyone's scores, the lead's
//! final scores and decisions under the guaranteed-interview rule, the high-volume exception,
//! and completion, which reveals who was invited. Every route is for hiring managers, and each
//! vacancy is loaded only for members of its panel, in its own organisation.

mod board;
mod interviews;
mod offers;
mod review;

use axum::Router;
use axum::middleware::from_fn;
use axum::routing::{get, post};

use crate::app::AppState;
use crate::db::{shortlisting, vacancies};
use crate::domain::audit_subject::AuditSubject;
use crate::entities::{panel_member, vacancy};
use crate::services::Actor;
use crate::services::applicant_details::{self, DetailsPage};
use crate::web::AuthUser;
use crate::web::error::{AppError, AppResult};
use crate::web::roles::{HiringManager, only};
use crate::web::unit_of_work::UnitOfWork;

/// The shortlisting routes, all behind the hiring manager role check.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/shortlisting/{id}", get(board::show))
        .route(
            "/shortlisting/{id}/complete",
            get(board::confirm_complete).post(board::complete),
        )
        .route(
            "/shortlisting/{id}/exception",
            post(board::request_exception),
        )
        .route(
            "/shortlisting/{id}/interviews",
            get(interviews::show).post(interviews::add_slot),
        )
        .route(
            "/shortlisting/{id}/interviews/tell",
            get(interviews::confirm_tell).post(interviews::tell),
        )
        .route(
            "/shortlisting/{id}/interviews/slots/{slot}",
            get(interviews::edit_slot).post(interviews::save_slot),
        )
        .route(
            "/shortlisting/{id}/interviews/slots/{slot}/remove",
            get(interviews::confirm_remove_slot).post(interviews::remove_slot),
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
            "/shortlisting/{id}/offers/{application}/withdraw",
            post(offers::withdraw_offer),
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
            get(review::show).post(review::save),
        )
        .route_layer(from_fn(only::<HiringManager>))
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

/// Records a look at a page that shows revealed names by a member who joined the panel after
/// shortlisting was complete: they took no part in the decisions, so each look is audited.
pub(crate) async fn audit_late_reveal_view(
    state: &AppState,
    viewer: Actor<'_>,
    seat: &PanelSeat,
    page: &str,
) -> AppResult<()> {
    let uow = UnitOfWork::begin(state).await?;
    crate::services::panel::record_late_reveal_view(&uow, seat.vacancy.id, viewer, page).await?;
    uow.commit().await?;
    Ok(())
}

/// Records a look by `viewer` at applicants' names or care details after the reveal; nothing
/// when the page showed nobody. A GET that writes, as DOMAIN.md §9 requires.
pub(crate) async fn audit_details_view(
    state: &AppState,
    viewer: Actor<'_>,
    subject: &AuditSubject,
    page: DetailsPage,
    applications: &[i32],
) -> AppResult<()> {
    if !applications.is_empty() {
        let uow = UnitOfWork::begin(state).await?;
        applicant_details::record_view(&uow, viewer, subject, page, applications).await?;
        uow.commit().await?;
    }
    Ok(())
}

pub(crate) use crate::services::shortlisting::{Board, Entry, board, is_complete};
