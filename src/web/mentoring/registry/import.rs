//! Importing and exporting the coordinator's spreadsheets.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::domain::mentoring::files;
use crate::domain::mentoring::import::Sheet;
use crate::services;
use crate::services::mentoring::import::{ImportRefusal, Imported};
use crate::web::download;
use crate::web::error::AppResult;
use crate::web::page::{FormErrors, Page, flash};
use crate::web::roles::Coordinator;
use crate::web::unit_of_work::UnitOfWork;

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/import.html")]
pub struct ImportTemplate {
    page: Page,
    sheets: [Sheet; 3],
    chosen: String,
    text: String,
    row_errors: Vec<String>,
    errors: FormErrors,
}

impl ImportTemplate {
    fn has_errors(&self) -> bool {
        !self.errors.is_empty() || !self.row_errors.is_empty()
    }
}

pub async fn form(page: Page) -> AppResult<ImportTemplate> {
    Ok(ImportTemplate {
        page,
        sheets: Sheet::ALL,
        chosen: String::new(),
        text: String::new(),
        row_errors: Vec::new(),
        errors: FormErrors::default(),
    })
}

/// What was imported, for the flash message.
fn imported_words(done: Imported) -> String {
    let (added, updated) = (done.added, done.updated);
    match done.sheet {
        Sheet::Mentors => format!("Mentors imported: {added} added, {updated} updated"),
        Sheet::Mentees => {
            format!("Students imported and approved: {added} added, {updated} updated")
        }
        Sheet::Exclusions => format!("Exclusions imported: {added} added, {updated} updated"),
    }
}

/// The import form as posted: which file, and its contents pasted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ImportForm {
    file: String,
    csv: String,
}

pub async fn import(
    State(state): State<AppState>,
    Coordinator(me): Coordinator,
    session: Session,
    page: Page,
    Form(form): Form<ImportForm>,
) -> AppResult<Response> {
    let ImportForm {
        file: chosen,
        csv: text,
    } = form;
    let mut errors = FormErrors::default();
    let sheet = Sheet::parse(&chosen);
    if sheet.is_none() {
        errors.add("file", "Choose which file you are importing");
    }
    if text.trim().is_empty() {
        errors.add("csv", "Paste the contents of the file");
    }
    let mut row_errors = Vec::new();
    if let (Some(sheet), true) = (sheet, errors.is_empty()) {
        let uow = UnitOfWork::begin(&state).await?;
        match services::mentoring::import::import(&uow, (&me).into(), sheet, &text).await? {
            Ok(done) => {
                uow.commit().await?;
                flash(&session, imported_words(done)).await?;
                return Ok(Redirect::to("/mentoring/coordinator/import").into_response());
            }
            Err(ImportRefusal::BadRows(bad)) => {
                let count = bad.len();
                errors.add(
                    "csv",
                    format!(
                        "The file has {count} {} with problems. Nothing was imported. Correct {} and import the whole file again.",
                        if count == 1 { "row" } else { "rows" },
                        if count == 1 { "it" } else { "them" },
                    ),
                );
                row_errors = files::describe(&bad);
            }
            Err(ImportRefusal::NoRows) => {
                errors.add("csv", "The file has no rows under the column names");
            }
            Err(ImportRefusal::OverCap { adding, left, cap }) => errors.add(
                "csv",
                format!(
                    "Importing this file would approve {adding} more students, but only {left} of the {cap} places are left. Nothing was imported. Raise the cap in the settings, or import fewer students."
                ),
            ),
        }
    }
    Ok(ImportTemplate {
        page,
        sheets: Sheet::ALL,
        chosen,
        text,
        row_errors,
        errors,
    }
    .into_response())
}

/// Downloads a spreadsheet; the download is audited.
async fn download(
    state: &AppState,
    me: &crate::web::AuthUser,
    sheet: Sheet,
) -> AppResult<Response> {
    let uow = UnitOfWork::begin(state).await?;
    let export = services::mentoring::exports::export(&uow, me.into(), sheet).await?;
    uow.commit().await?;
    let file_name = format!("{}.csv", export.sheet.as_str());
    Ok(download::csv(&file_name, export.body))
}

pub async fn export_mentors(
    State(state): State<AppState>,
    Coordinator(me): Coordinator,
) -> AppResult<Response> {
    download(&state, &me, Sheet::Mentors).await
}

pub async fn export_mentees(
    State(state): State<AppState>,
    Coordinator(me): Coordinator,
) -> AppResult<Response> {
    download(&state, &me, Sheet::Mentees).await
}

pub async fn export_exclusions(
    State(state): State<AppState>,
    Coordinator(me): Coordinator,
) -> AppResult<Response> {
    download(&state, &me, Sheet::Exclusions).await
}
