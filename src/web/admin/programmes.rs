//! Programmes, such as SPECTRA 25/7: their target, the care-experience definition they use,
//! and their named contact.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use tower_sessions::Session;

use crate::app::AppState;
use crate::db::programmes;
use crate::domain::programme::{CareDefinition, ProgrammeForm, ProgrammeInput};
use crate::entities::programme;
use crate::services;
use crate::services::programmes::ProgrammeRefusal;
use crate::web::error::{AppError, AppResult};
use crate::web::page::{FormErrors, IdPath, Page, flash};
use crate::web::unit_of_work::UnitOfWork;

/// One programme in the list.
pub struct ProgrammeRow {
    programme: programme::Model,
    definition: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/programmes.html")]
pub struct ListTemplate {
    page: Page,
    rows: Vec<ProgrammeRow>,
}

pub async fn list(State(state): State<AppState>, page: Page) -> AppResult<ListTemplate> {
    let rows = programmes::all(&state.db)
        .await?
        .into_iter()
        .map(|p| ProgrammeRow {
            definition: p.care_definition.label(),
            programme: p,
        })
        .collect();
    Ok(ListTemplate { page, rows })
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/programme_form.html")]
pub struct FormTemplate {
    page: Page,
    heading: &'static str,
    action: String,
    form: ProgrammeForm,
    definitions: [CareDefinition; 2],
    errors: FormErrors,
}

pub async fn new(page: Page) -> FormTemplate {
    FormTemplate {
        page,
        heading: "Add a programme",
        action: "/admin/programmes".into(),
        form: ProgrammeForm {
            care_definition: CareDefinition::CareExperienced.as_str().into(),
            ..ProgrammeForm::default()
        },
        definitions: CareDefinition::ALL,
        errors: FormErrors::default(),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<FormTemplate> {
    let p = programmes::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(FormTemplate {
        page,
        heading: "Change the programme",
        action: format!("/admin/programmes/{id}"),
        form: ProgrammeForm {
            name: p.name,
            description: p.description,
            target_hires: p.target_hires.to_string(),
            care_definition: p.care_definition.as_str().to_owned(),
            contact_name: p.contact_name,
            contact_role: p.contact_role,
            contact_email: p.contact_email,
            contact_phone: p.contact_phone,
        },
        definitions: CareDefinition::ALL,
        errors: FormErrors::default(),
    })
}

fn again(
    page: Page,
    heading: &'static str,
    action: String,
    form: ProgrammeForm,
    found: Vec<(&'static str, String)>,
) -> Response {
    let mut errors = FormErrors::default();
    for (field, message) in found {
        errors.add(field, message);
    }
    FormTemplate {
        page,
        heading,
        action,
        form,
        definitions: CareDefinition::ALL,
        errors,
    }
    .into_response()
}

/// Said when another programme has the name.
fn name_taken() -> Vec<(&'static str, String)> {
    vec![("name", "A programme with this name already exists".into())]
}

pub async fn create(
    State(state): State<AppState>,
    session: Session,
    page: Page,
    Form(form): Form<ProgrammeForm>,
) -> AppResult<Response> {
    let action = "/admin/programmes".to_owned();
    let input = match ProgrammeInput::parse(&form) {
        Ok(input) => input,
        Err(found) => return Ok(again(page, "Add a programme", action, form, found)),
    };
    let uow = UnitOfWork::begin(&state).await?;
    match services::programmes::add(&uow, &input).await? {
        Ok(_) => uow.commit().await?,
        Err(_) => return Ok(again(page, "Add a programme", action, form, name_taken())),
    }
    state.reference_changed().await;
    flash(&session, format!("{} added", input.name)).await?;
    Ok(Redirect::to("/admin/programmes").into_response())
}

pub async fn update(
    State(state): State<AppState>,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(form): Form<ProgrammeForm>,
) -> AppResult<Response> {
    programmes::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let action = format!("/admin/programmes/{id}");
    let input = match ProgrammeInput::parse(&form) {
        Ok(input) => input,
        Err(found) => return Ok(again(page, "Change the programme", action, form, found)),
    };
    let uow = UnitOfWork::begin(&state).await?;
    match services::programmes::change(&uow, id, &input).await? {
        Ok(()) => uow.commit().await?,
        Err(ProgrammeRefusal::NotFound) => return Err(AppError::NotFound),
        Err(ProgrammeRefusal::NameTaken) => {
            return Ok(again(
                page,
                "Change the programme",
                action,
                form,
                name_taken(),
            ));
        }
    }
    state.reference_changed().await;
    flash(&session, format!("{} updated", input.name)).await?;
    Ok(Redirect::to("/admin/programmes").into_response())
}
