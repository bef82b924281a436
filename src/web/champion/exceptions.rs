//! Requests for the high-volume exception: every one waiting, each with a form to approve or
//! refuse it, and the latest decisions. A decision is stored, audited and emailed to the
//! panel's lead together, or not at all.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::db::audit::{self, AuditAction};
use crate::db::{applications, organisations, shortlisting, users, vacancies};
use crate::domain::audit_subject::AuditSubject;
use crate::domain::london_time;
use crate::domain::text_input::paragraphs;
use crate::entities::{organisation, user};
use crate::services::Actor;
use crate::services::exceptions::{self, DecideRefusal, ExceptionDecision};
use crate::web::AuthUser;
use crate::web::error::{AppError, AppResult};
use crate::web::page::{FormErrors, IdPath, Page, flash};
use crate::web::roles::Champion;
use crate::web::unit_of_work::UnitOfWork;

/// How many past decisions the page lists.
const RECENTLY_DECIDED: u64 = 20;
/// The longest note, in characters.
const MAX_NOTE: usize = 1_000;

/// The decision form, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    decision: String,
    note: String,
}

/// The champion's decision, parsed from the form.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Decision {
    /// Approve (true) or refuse (false).
    approve: bool,
    /// The note for the lead, trimmed; may be empty.
    note: String,
}

impl TryFrom<&DecisionForm> for Decision {
    type Error = FormErrors;

    fn try_from(form: &DecisionForm) -> Result<Self, Self::Error> {
        let mut errors = FormErrors::default();
        let approve = match form.decision.as_str() {
            "approve" => Some(true),
            "refuse" => Some(false),
            _ => {
                errors.add(
                    "decision",
                    "Choose whether to approve or refuse the request",
                );
                None
            }
        };
        let note = form.note.trim();
        if note.chars().count() > MAX_NOTE {
            errors.add("note", "The note must be 1000 characters or fewer");
        }
        match approve {
            Some(approve) if errors.is_empty() => Ok(Decision {
                approve,
                note: note.to_owned(),
            }),
            _ => Err(errors),
        }
    }
}

/// A request waiting for the champion.
pub struct Waiting {
    vacancy_id: i32,
    title: String,
    organisation: String,
    requested_by: String,
    requested_at: String,
    cap: i32,
    reason: Vec<String>,
    sent: usize,
    /// Shortlisting is already complete, so a limit would change nothing.
    complete: bool,
    /// The signed-in champion asked for it themselves, so may not decide it.
    own: bool,
    /// The decision typed, when the form comes back with errors.
    decision: String,
    /// The note typed, when the form comes back with errors.
    note: String,
    errors: FormErrors,
}

/// A decision made.
pub struct Decided {
    vacancy_id: i32,
    title: String,
    organisation: String,
    approved: bool,
    cap: String,
    note: Vec<String>,
    decided_by: String,
    decided_at: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "champion/exceptions.html")]
pub struct ExceptionsTemplate {
    page: Page,
    waiting: Vec<Waiting>,
    decided: Vec<Decided>,
    has_errors: bool,
}

/// A form that came back with errors: the vacancy it is for, what was typed, and why.
type Returned = (i32, DecisionForm, FormErrors);

fn organisation_name(organisations: &[organisation::Model], id: i32) -> String {
    organisations
        .iter()
        .find(|o| o.id == id)
        .map(|o| o.name.clone())
        .unwrap_or_default()
}

fn person(people: &[user::Model], id: Option<i32>) -> String {
    match id {
        None => "No one recorded".to_owned(),
        Some(id) => people.iter().find(|u| u.id == id).map_or_else(
            || format!("Account {id} (removed)"),
            |u| u.full_name.clone(),
        ),
    }
}

async fn render(
    state: &AppState,
    me: &AuthUser,
    page: Page,
    returned: Option<Returned>,
) -> AppResult<ExceptionsTemplate> {
    let requests = shortlisting::exceptions_waiting(&state.db).await?;
    let decisions = audit::recent_of(
        &state.db,
        &[
            AuditAction::ExceptionApproved,
            AuditAction::ExceptionRefused,
        ],
        RECENTLY_DECIDED,
    )
    .await?;
    let organisations = organisations::all(&state.db).await?;
    let people_ids: Vec<i32> = requests
        .iter()
        .filter_map(|r| r.exception_requested_by)
        .chain(decisions.iter().filter_map(|d| d.actor_user_id))
        .collect();
    let people = users::by_ids(&state.db, &people_ids).await?;

    let mut waiting = Vec::with_capacity(requests.len());
    for request in requests {
        let Some(vacancy) = vacancies::find(&state.db, request.vacancy_id).await? else {
            continue;
        };
        let sent = applications::sent_for_vacancy(&state.db, vacancy.id)
            .await?
            .len();
        let (decision, note, errors) = match &returned {
            Some((id, form, errors)) if *id == vacancy.id => {
                (form.decision.clone(), form.note.clone(), errors.clone())
            }
            _ => Default::default(),
        };
        waiting.push(Waiting {
            vacancy_id: vacancy.id,
            organisation: organisation_name(&organisations, vacancy.organisation_id),
            title: vacancy.title,
            requested_by: person(&people, request.exception_requested_by),
            requested_at: request
                .exception_requested_at
                .map(london_time::describe)
                .unwrap_or_default(),
            cap: request.exception_cap.unwrap_or(0),
            reason: paragraphs(&request.exception_reason),
            sent,
            complete: request.completed_at.is_some(),
            own: request.exception_requested_by == Some(me.id),
            decision,
            note,
            errors,
        });
    }

    let mut decided = Vec::with_capacity(decisions.len());
    for event in decisions {
        let Ok(AuditSubject::Vacancy(vacancy_id)) = event.subject.parse() else {
            continue;
        };
        let details: serde_json::Value = serde_json::from_str(&event.details).unwrap_or_default();
        let vacancy = vacancies::find(&state.db, vacancy_id).await?;
        decided.push(Decided {
            vacancy_id,
            title: vacancy
                .as_ref()
                .map_or_else(|| format!("Vacancy {vacancy_id}"), |v| v.title.clone()),
            organisation: vacancy
                .as_ref()
                .map(|v| organisation_name(&organisations, v.organisation_id))
                .unwrap_or_default(),
            approved: event.action == AuditAction::ExceptionApproved.as_str(),
            cap: details
                .get("cap")
                .and_then(serde_json::Value::as_i64)
                .map_or_else(|| "–".to_owned(), |c| c.to_string()),
            note: paragraphs(
                details
                    .get("note")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default(),
            ),
            decided_by: person(&people, event.actor_user_id),
            decided_at: london_time::describe(event.created_at),
        });
    }

    Ok(ExceptionsTemplate {
        page,
        has_errors: waiting.iter().any(|w| !w.errors.is_empty()),
        waiting,
        decided,
    })
}

/// Every request waiting for a decision, and the latest decisions.
pub async fn list(
    State(state): State<AppState>,
    Champion(me): Champion,
    page: Page,
) -> AppResult<ExceptionsTemplate> {
    render(&state, &me, page, None).await
}

/// Approves or refuses the request waiting for a vacancy. The decision, its audit event and
/// the emails to the panel's leads are stored in one transaction.
pub async fn decide(
    State(state): State<AppState>,
    Champion(me): Champion,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    let decision = match Decision::try_from(&form) {
        Ok(decision) => decision,
        Err(errors) => {
            // Nothing to decide comes first: the form's errors would not help.
            exceptions::decidable(&state.db, Actor::from(&me), id)
                .await?
                .map_err(refused)?;
            let template = render(&state, &me, page, Some((id, form, errors))).await?;
            return Ok(template.into_response());
        }
    };
    let uow = UnitOfWork::begin(&state).await?;
    let decided = exceptions::decide(
        &uow,
        &state.config,
        Actor::from(&me),
        id,
        &ExceptionDecision {
            approve: decision.approve,
            note: &decision.note,
        },
    )
    .await?
    .map_err(refused)?;
    uow.commit().await?;

    let (title, cap) = (decided.title, decided.cap);
    flash(
        &session,
        if decision.approve {
            format!(
                "You approved the request for {title}: interviews are limited to {cap}. The lead has been emailed."
            )
        } else {
            format!(
                "You refused the request for {title}: interviews are not limited. The lead has been emailed."
            )
        },
    )
    .await?;
    Ok(Redirect::to("/champion/exceptions").into_response())
}

/// What the champion is told when the decision was refused.
fn refused(refusal: DecideRefusal) -> AppError {
    match refusal {
        DecideRefusal::NotFound => AppError::NotFound,
        DecideRefusal::NothingWaiting => nothing_waiting(),
        DecideRefusal::OwnRequest => AppError::BadRequest(
            "You asked for this exception yourself, so another Executive Champion must decide it."
                .into(),
        ),
    }
}

fn nothing_waiting() -> AppError {
    AppError::BadRequest(
        "There is no request for the high-volume exception waiting for a decision on this vacancy. It may have been decided already: the list of requests shows the latest decisions."
            .into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(decision: &str, note: &str) -> Result<Decision, FormErrors> {
        Decision::try_from(&DecisionForm {
            decision: decision.to_owned(),
            note: note.to_owned(),
        })
    }

    #[test]
    fn approves_or_refuses_with_a_trimmed_note() {
        assert_eq!(
            parse("approve", "  Fine. \n").ok(),
            Some(Decision {
                approve: true,
                note: "Fine.".into()
            })
        );
        assert_eq!(
            parse("refuse", "").ok(),
            Some(Decision {
                approve: false,
                note: String::new()
            })
        );
    }

    #[test]
    fn needs_a_decision_and_a_note_of_at_most_1000_characters() {
        let errors = parse("", "").unwrap_err();
        assert!(errors.has("decision") && !errors.has("note"));
        assert!(parse("maybe", "").unwrap_err().has("decision"));
        assert!(parse("approve", &"é".repeat(1_000)).is_ok());
        let errors = parse("approve", &"é".repeat(1_001)).unwrap_err();
        assert!(errors.has("note") && !errors.has("decision"));
        let errors = parse("", &"a".repeat(1_001)).unwrap_err();
        assert!(errors.has("note") && errors.has("decision"));
    }
}
