//! The coordinator's students: the list, a student's page, approving or declining a sign-up,
//! reviewing declared conflicts, and the pairs never to be matched.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::db::mentoring::matching::conflicts_unreviewed;
use crate::db::mentoring::registry as reg;
use crate::db::mentoring::{self, approved_count, status_of};
use crate::domain::mentoring::pilot::{MenteeStatus, cap_reached};
use crate::domain::mentoring::profile::{Strength, items, mentor_who_is};
use crate::entities::{mentee, mentor, mentoring_exclusion};
use crate::services;
use crate::services::mentoring::NotFound;
use crate::services::mentoring::registry::{
    ApproveRefusal, DeclineRefusal, ExclusionInput, ExclusionRefusal, Viewed,
};
use crate::web::error::{AppError, AppResult};
use crate::web::page::{FormErrors, IdPairPath, IdPath, Page, flash, notice, warning};
use crate::web::roles::Coordinator;
use crate::web::unit_of_work::UnitOfWork;

/// The students of one status, for the list.
pub struct StatusGroup {
    pub status: MenteeStatus,
    pub mentees: Vec<mentee::Model>,
}

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/mentees.html")]
pub struct MenteeListTemplate {
    page: Page,
    groups: Vec<StatusGroup>,
    filter: Option<MenteeStatus>,
    statuses: [MenteeStatus; 4],
}

impl MenteeListTemplate {
    fn is_shown(&self, status: &MenteeStatus) -> bool {
        self.filter == Some(*status)
    }
}

/// Which students to list.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StatusFilter {
    status: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    Query(filter): Query<StatusFilter>,
    page: Page,
) -> AppResult<MenteeListTemplate> {
    let filter = filter.status.as_deref().and_then(MenteeStatus::parse);
    let all = reg::mentees(&state.db).await?;
    let groups = MenteeStatus::ALL
        .into_iter()
        .filter(|s| filter.is_none_or(|f| f == *s))
        .map(|status| StatusGroup {
            status,
            mentees: all
                .iter()
                .filter(|m| status_of(m) == status)
                .cloned()
                .collect(),
        })
        .collect();
    Ok(MenteeListTemplate {
        page,
        groups,
        filter,
        statuses: MenteeStatus::ALL,
    })
}

/// An exclusion with the mentor's name, for the student's page.
pub struct ExclusionRow {
    pub exclusion: mentoring_exclusion::Model,
    pub mentor_name: String,
    pub mentor_reference: String,
}

impl ExclusionRow {
    fn source_label(&self) -> &'static str {
        self.exclusion.source.label()
    }
}

/// What the coordinator typed on a student's page (the exclusion form, or the reason for
/// declining), as posted and to show again with errors.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct MenteeForms {
    mentor: String,
    reason: String,
    source: String,
    decline_reason: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/mentees_show.html")]
pub struct MenteeTemplate {
    page: Page,
    mentee: mentee::Model,
    status: MenteeStatus,
    interests: String,
    modes: String,
    availability: String,
    lived_experience: &'static str,
    gender: String,
    exclusions: Vec<ExclusionRow>,
    mentors: Vec<mentor::Model>,
    forms: MenteeForms,
    approved: u64,
    cap: u32,
    errors: FormErrors,
}

impl MenteeTemplate {
    fn can_approve(&self) -> bool {
        matches!(self.status, MenteeStatus::Pending | MenteeStatus::Declined)
    }

    fn can_decline(&self) -> bool {
        self.status == MenteeStatus::Pending
    }

    fn has_conflicts(&self) -> bool {
        !self.mentee.declared_conflicts.trim().is_empty()
    }

    fn conflicts_to_review(&self) -> bool {
        self.status == MenteeStatus::Approved && conflicts_unreviewed(&self.mentee)
    }

    fn mentor_chosen(&self, id: &i32) -> bool {
        self.forms.mentor == id.to_string()
    }
}

fn strength_words(s: Strength) -> &'static str {
    match s {
        Strength::None => "No wish",
        Strength::Preferred => "Preferred",
        Strength::Required => "Required",
    }
}

/// A student's page, with what was typed and any errors of a form just refused.
async fn mentee_page(
    state: &AppState,
    page: Page,
    id: i32,
    forms: MenteeForms,
    errors: FormErrors,
) -> AppResult<MenteeTemplate> {
    let mentee = reg::find_mentee(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mentors = reg::mentors(&state.db).await?;
    let names: HashMap<i32, (String, String)> = reg::all_mentors(&state.db)
        .await?
        .into_iter()
        .map(|m| (m.id, (m.full_name, m.reference)))
        .collect();
    let exclusions = reg::exclusions_of(&state.db, id)
        .await?
        .into_iter()
        .map(|exclusion| {
            let (mentor_name, mentor_reference) =
                names.get(&exclusion.mentor_id).cloned().unwrap_or_default();
            ExclusionRow {
                exclusion,
                mentor_name,
                mentor_reference,
            }
        })
        .collect();
    let profile = mentoring::mentee_profile(&mentee);
    let gender = match profile.gender_strength {
        _ if profile.gender.trim().is_empty() => "No wish".to_owned(),
        Strength::Required => format!("Only wants {}", mentor_who_is(&profile.gender)),
        Strength::Preferred | Strength::None => {
            format!("Would like {}", mentor_who_is(&profile.gender))
        }
    };
    let settings = mentoring::settings(&state.db).await?;
    Ok(MenteeTemplate {
        page,
        status: status_of(&mentee),
        interests: items(&mentee.specialty_interests)
            .collect::<Vec<_>>()
            .join(", "),
        modes: profile.modes.describe(),
        availability: profile.availability.describe(),
        lived_experience: strength_words(profile.lived_experience),
        gender,
        mentee,
        exclusions,
        mentors,
        forms,
        approved: approved_count(&state.db).await?,
        cap: settings.cap,
        errors,
    })
}

/// Back to the student's page.
fn to_mentee(id: i32) -> Response {
    Redirect::to(&format!("/mentoring/coordinator/mentees/{id}")).into_response()
}

pub async fn show(
    State(state): State<AppState>,
    Coordinator(me): Coordinator,
    IdPath(id): IdPath,
    page: Page,
) -> AppResult<MenteeTemplate> {
    let template = mentee_page(
        &state,
        page,
        id,
        MenteeForms::default(),
        FormErrors::default(),
    )
    .await?;
    // Only once the page exists: an unknown ID is a 404 and views nothing.
    let uow = UnitOfWork::begin(&state).await?;
    services::mentoring::registry::record_viewed(&uow, (&me).into(), Viewed::Mentee(id)).await?;
    uow.commit().await?;
    Ok(template)
}

pub async fn approve(
    State(state): State<AppState>,
    Coordinator(me): Coordinator,
    IdPath(id): IdPath,
    session: Session,
    page: Page,
) -> AppResult<Response> {
    let uow = UnitOfWork::begin(&state).await?;
    match services::mentoring::registry::approve(&uow, &state.config, (&me).into(), id).await? {
        Ok(mentee) => {
            uow.commit().await?;
            flash(&session, format!("{} is approved", mentee.full_name)).await?;
            Ok(to_mentee(id))
        }
        Err(ApproveRefusal::NotFound) => Err(AppError::NotFound),
        Err(ApproveRefusal::Left(name)) => Err(AppError::BadRequest(format!(
            "{name} has left the pilot. Ask them to sign up again if they want to come back."
        ))),
        Err(ApproveRefusal::AlreadyApproved(name)) => {
            drop(uow);
            notice(&session, format!("{name} is already approved")).await?;
            Ok(to_mentee(id))
        }
        Err(ApproveRefusal::CapReached(cap)) => {
            drop(uow);
            let mut errors = FormErrors::default();
            errors.add("approve", cap_reached(cap));
            let template = mentee_page(&state, page, id, MenteeForms::default(), errors).await?;
            Ok(template.into_response())
        }
    }
}

pub async fn conflicts_reviewed(
    State(state): State<AppState>,
    Coordinator(me): Coordinator,
    IdPath(id): IdPath,
    session: Session,
) -> AppResult<Response> {
    let uow = UnitOfWork::begin(&state).await?;
    services::mentoring::registry::mark_conflicts_reviewed(&uow, (&me).into(), id)
        .await?
        .map_err(|NotFound| AppError::NotFound)?;
    uow.commit().await?;
    flash(
        &session,
        "Conflicts reviewed. The student can be matched again.",
    )
    .await?;
    Ok(to_mentee(id))
}

pub async fn decline(
    State(state): State<AppState>,
    Coordinator(me): Coordinator,
    IdPath(id): IdPath,
    session: Session,
    page: Page,
    Form(form): Form<MenteeForms>,
) -> AppResult<Response> {
    let reason = form.decline_reason.trim().to_owned();
    if reason.chars().count() > 2000 {
        let mut errors = FormErrors::default();
        errors.add(
            "decline_reason",
            "The reason must be 2000 characters or fewer",
        );
        let forms = MenteeForms {
            decline_reason: reason,
            ..MenteeForms::default()
        };
        return Ok(mentee_page(&state, page, id, forms, errors)
            .await?
            .into_response());
    }
    let uow = UnitOfWork::begin(&state).await?;
    match services::mentoring::registry::decline(&uow, (&me).into(), id, &reason).await? {
        Ok(mentee) => {
            uow.commit().await?;
            flash(
                &session,
                format!("{}'s sign-up is declined", mentee.full_name),
            )
            .await?;
        }
        Err(DeclineRefusal::NotFound) => return Err(AppError::NotFound),
        Err(DeclineRefusal::NotPending) => {
            drop(uow);
            warning(
                &session,
                "Only a sign-up waiting for approval can be declined",
            )
            .await?;
        }
    }
    Ok(to_mentee(id))
}

pub async fn add_exclusion(
    State(state): State<AppState>,
    Coordinator(me): Coordinator,
    IdPath(id): IdPath,
    session: Session,
    page: Page,
    Form(form): Form<MenteeForms>,
) -> AppResult<Response> {
    let forms = MenteeForms {
        reason: form.reason.trim().to_owned(),
        decline_reason: String::new(),
        ..form
    };
    let input = ExclusionInput {
        mentor_id: forms.mentor.parse().ok(),
        reason: &forms.reason,
        source: &forms.source,
    };
    let uow = UnitOfWork::begin(&state).await?;
    let excluded =
        match services::mentoring::registry::add_exclusion(&uow, (&me).into(), id, input).await? {
            Ok(excluded) => excluded,
            Err(ExclusionRefusal::NotFound) => return Err(AppError::NotFound),
            Err(ExclusionRefusal::Invalid(errors)) => {
                drop(uow);
                let errors = errors.into_iter().collect();
                return Ok(mentee_page(&state, page, id, forms, errors)
                    .await?
                    .into_response());
            }
        };
    uow.commit().await?;
    flash(
        &session,
        format!(
            "{} will not be matched with {}",
            excluded.mentee, excluded.mentor
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("/mentoring/coordinator/mentees/{id}#exclusions")).into_response())
}

pub async fn delete_exclusion(
    State(state): State<AppState>,
    Coordinator(me): Coordinator,
    IdPairPath(id, exclusion_id): IdPairPath,
    session: Session,
) -> AppResult<Response> {
    let uow = UnitOfWork::begin(&state).await?;
    services::mentoring::registry::remove_exclusion(&uow, (&me).into(), id, exclusion_id)
        .await?
        .map_err(|NotFound| AppError::NotFound)?;
    uow.commit().await?;
    flash(&session, "The exclusion is removed").await?;
    Ok(Redirect::to(&format!("/mentoring/coordinator/mentees/{id}#exclusions")).into_response())
}
