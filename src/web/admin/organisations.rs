//! Organisations: administrators add them, change their name and ODS code, and deactivate
//! them (their vacancies stay, no new ones) or reactivate them.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use tower_sessions::Session;

use crate::app::AppState;
use crate::db::organisations;
use crate::domain::organisation::{OrganisationForm, OrganisationInput, is_active, status_label};
use crate::entities::organisation;
use crate::services::Actor;
use crate::services::organisations::{self as service, DetailsRefusal, StatusRefusal};
use crate::web::error::{AppError, AppResult};
use crate::web::page::{FormErrors, IdPath, Page, flash, notice, warning};
use crate::web::roles::Admin;
use crate::web::unit_of_work::UnitOfWork;

/// One organisation in the list.
pub struct OrganisationRow {
    organisation: organisation::Model,
    active: bool,
    status: &'static str,
    vacancies: i64,
    hiring_managers: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/organisations.html")]
pub struct ListTemplate {
    page: Page,
    rows: Vec<OrganisationRow>,
}

fn count_for(counts: &[(i32, i64)], id: i32) -> i64 {
    counts.iter().find(|(o, _)| *o == id).map_or(0, |(_, n)| *n)
}

/// Every organisation, with its status and how many vacancies and hiring managers it has.
pub async fn list(State(state): State<AppState>, page: Page) -> AppResult<ListTemplate> {
    let vacancies = organisations::vacancy_counts(&state.db).await?;
    let managers = organisations::hiring_manager_counts(&state.db).await?;
    let rows = organisations::all(&state.db)
        .await?
        .into_iter()
        .map(|o| {
            let active = is_active(o.deactivated_at.as_ref());
            OrganisationRow {
                active,
                status: status_label(active),
                vacancies: count_for(&vacancies, o.id),
                hiring_managers: count_for(&managers, o.id),
                organisation: o,
            }
        })
        .collect();
    Ok(ListTemplate { page, rows })
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/organisations_form.html")]
pub struct FormTemplate {
    page: Page,
    heading: &'static str,
    action: String,
    form: OrganisationForm,
    /// The organisation being changed (none when adding one), for the links to
    /// deactivate or reactivate it.
    existing: Option<(i32, bool)>,
    errors: FormErrors,
}

const ADD: &str = "Add an organisation";
const CHANGE: &str = "Change the organisation";

/// The form to add an organisation.
pub async fn new(page: Page) -> FormTemplate {
    FormTemplate {
        page,
        heading: ADD,
        action: "/admin/organisations/new".into(),
        form: OrganisationForm::default(),
        existing: None,
        errors: FormErrors::default(),
    }
}

async fn load(state: &AppState, id: i32) -> AppResult<organisation::Model> {
    organisations::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The form to change an organisation's name and ODS code.
pub async fn edit(
    State(state): State<AppState>,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<FormTemplate> {
    let o = load(&state, id).await?;
    Ok(FormTemplate {
        page,
        heading: CHANGE,
        action: format!("/admin/organisations/{id}/edit"),
        form: OrganisationForm::of(&o.name, o.ods_code.as_deref()),
        existing: Some((id, is_active(o.deactivated_at.as_ref()))),
        errors: FormErrors::default(),
    })
}

/// The words for a refusal, against its field.
fn refusal_error(refusal: DetailsRefusal) -> AppResult<(&'static str, &'static str)> {
    match refusal {
        DetailsRefusal::NotFound => Err(AppError::NotFound),
        DetailsRefusal::NameTaken => Ok(("name", "An organisation with this name already exists")),
        DetailsRefusal::OdsCodeTaken => {
            Ok(("ods_code", "Another organisation already has this ODS code"))
        }
    }
}

/// Adds an organisation.
pub async fn create(
    State(state): State<AppState>,
    Admin(me): Admin,
    session: Session,
    page: Page,
    Form(form): Form<OrganisationForm>,
) -> AppResult<Response> {
    let mut template = FormTemplate {
        page,
        heading: ADD,
        action: "/admin/organisations/new".into(),
        form,
        existing: None,
        errors: FormErrors::default(),
    };
    let input = match OrganisationInput::parse(&template.form) {
        Ok(input) => input,
        Err(found) => {
            template.errors = found.into_iter().collect();
            return Ok(template.into_response());
        }
    };
    let uow = UnitOfWork::begin(&state).await?;
    match service::add(&uow, Actor::from(&me), &input).await? {
        Ok(added) => {
            uow.commit().await?;
            tracing::info!(
                organisation_id = added.id,
                user_id = me.id,
                "organisation added"
            );
            state.reference_changed().await;
            flash(&session, format!("{} added", added.name)).await?;
            Ok(Redirect::to("/admin/organisations").into_response())
        }
        Err(refusal) => {
            drop(uow);
            let (field, message) = refusal_error(refusal)?;
            template.errors.add(field, message);
            Ok(template.into_response())
        }
    }
}

/// Changes an organisation's name and ODS code.
pub async fn update(
    State(state): State<AppState>,
    Admin(me): Admin,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(form): Form<OrganisationForm>,
) -> AppResult<Response> {
    let stored = load(&state, id).await?;
    let mut template = FormTemplate {
        page,
        heading: CHANGE,
        action: format!("/admin/organisations/{id}/edit"),
        form,
        existing: Some((id, is_active(stored.deactivated_at.as_ref()))),
        errors: FormErrors::default(),
    };
    let input = match OrganisationInput::parse(&template.form) {
        Ok(input) => input,
        Err(found) => {
            template.errors = found.into_iter().collect();
            return Ok(template.into_response());
        }
    };
    let uow = UnitOfWork::begin(&state).await?;
    match service::change(&uow, Actor::from(&me), id, &input).await? {
        Ok(outcome) => {
            uow.commit().await?;
            if outcome.changed {
                tracing::info!(
                    organisation_id = id,
                    user_id = me.id,
                    "organisation changed"
                );
                state.reference_changed().await;
                flash(&session, format!("{} updated", outcome.organisation.name)).await?;
            } else {
                notice(&session, "Nothing was changed.").await?;
            }
            Ok(Redirect::to("/admin/organisations").into_response())
        }
        Err(refusal) => {
            drop(uow);
            let (field, message) = refusal_error(refusal)?;
            template.errors.add(field, message);
            Ok(template.into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/organisations_status.html")]
pub struct StatusTemplate {
    page: Page,
    organisation: organisation::Model,
    /// True to confirm deactivating it, false to confirm reactivating it.
    deactivating: bool,
    vacancies: i64,
    hiring_managers: i64,
}

/// Asks before changing an organisation's status, saying what it means.
async fn confirm(
    state: &AppState,
    session: &Session,
    page: Page,
    id: i32,
    deactivating: bool,
) -> AppResult<Response> {
    let organisation = load(state, id).await?;
    if is_active(organisation.deactivated_at.as_ref()) != deactivating {
        let now = if deactivating {
            "deactivated"
        } else {
            "active"
        };
        notice(session, format!("{} is already {now}.", organisation.name)).await?;
        return Ok(Redirect::to("/admin/organisations").into_response());
    }
    let vacancies = count_for(&organisations::vacancy_counts(&state.db).await?, id);
    let hiring_managers = count_for(&organisations::hiring_manager_counts(&state.db).await?, id);
    Ok(StatusTemplate {
        page,
        organisation,
        deactivating,
        vacancies,
        hiring_managers,
    }
    .into_response())
}

/// Asks before deactivating an organisation.
pub async fn confirm_deactivate(
    State(state): State<AppState>,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    confirm(&state, &session, page, id, true).await
}

/// Asks before reactivating an organisation.
pub async fn confirm_reactivate(
    State(state): State<AppState>,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    confirm(&state, &session, page, id, false).await
}

/// Deactivates an organisation, once the administrator has confirmed.
pub async fn deactivate(
    State(state): State<AppState>,
    Admin(me): Admin,
    session: Session,
    IdPath(id): IdPath,
) -> AppResult<Redirect> {
    let uow = UnitOfWork::begin(&state).await?;
    let outcome = service::deactivate(&uow, Actor::from(&me), id).await?;
    uow.commit().await?;
    status_changed(&state, &session, me.id, id, outcome, true).await
}

/// Reactivates an organisation, once the administrator has confirmed.
pub async fn reactivate(
    State(state): State<AppState>,
    Admin(me): Admin,
    session: Session,
    IdPath(id): IdPath,
) -> AppResult<Redirect> {
    let uow = UnitOfWork::begin(&state).await?;
    let outcome = service::reactivate(&uow, Actor::from(&me), id).await?;
    uow.commit().await?;
    status_changed(&state, &session, me.id, id, outcome, false).await
}

async fn status_changed(
    state: &AppState,
    session: &Session,
    user_id: i32,
    id: i32,
    outcome: Result<organisation::Model, StatusRefusal>,
    deactivated: bool,
) -> AppResult<Redirect> {
    match outcome {
        Ok(o) if deactivated => {
            tracing::info!(organisation_id = id, user_id, "organisation deactivated");
            state.reference_changed().await;
            flash(
                session,
                format!(
                    "{} has been deactivated. Its vacancies stay; no new vacancies can be created for it.",
                    o.name
                ),
            )
            .await?;
        }
        Ok(o) => {
            tracing::info!(organisation_id = id, user_id, "organisation reactivated");
            state.reference_changed().await;
            flash(
                session,
                format!(
                    "{} has been reactivated. Its hiring managers can create vacancies again.",
                    o.name
                ),
            )
            .await?;
        }
        Err(StatusRefusal::NotFound) => return Err(AppError::NotFound),
        Err(StatusRefusal::Unchanged) => {
            let status = if deactivated { "deactivated" } else { "active" };
            warning(
                session,
                format!("That organisation was already {status}, so nothing changed."),
            )
            .await?;
        }
    }
    Ok(Redirect::to("/admin/organisations"))
}
