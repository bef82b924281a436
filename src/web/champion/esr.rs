//! The ESR extract (DOMAIN.md §7): upload a CSV, see every bad row or a preview of what will be
//! created, updated and closed, then import it; and export every employment record in the same
//! columns. For the champion and the administrator.
//!
//! Large files (issue 22): the upload is counted as it arrives and refused over its limits
//! before it is parsed; a file whose rows are all good is kept on the server for the person
//! who uploaded it, and the preview's confirm form carries only its ID and the fingerprint of
//! the plan shown. The import runs as a background job (`services::esr_jobs`), which checks
//! the file again and makes the plan again before writing: if it is not the one previewed
//! (someone changed records meanwhile, or the day changed), nothing is imported and the job's
//! page offers the new preview.

use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::middleware::from_fn;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::Form;
use serde::Deserialize;
use time::Date;

use crate::app::AppState;
use crate::domain::esr::{self, BadRow};
use crate::domain::esr_import::{
    BAD_ROWS_SHOWN, MAX_FORM_BYTES, UploadMeter, not_shown, with_commas,
};
use crate::domain::london_time;
use crate::services::Actor;
use crate::services::esr as service;
use crate::services::esr_jobs::{self, KeptRefusal, UploadGone};
use crate::web::AuthUser;
use crate::web::champion::esr_pages::{JobTemplate, PreviewTemplate, UploadTemplate};
use crate::web::download;
use crate::web::error::{AppError, AppResult};
use crate::web::page::{FormErrors, IdPath, Page};
use crate::web::roles::{ChampionOrAdmin, only};
use crate::web::unit_of_work::UnitOfWork;

/// The ESR routes, for the champion and the administrator. The upload's body limit is the
/// file's limit and room for the form around it, as the form check reads it
/// (`web::csrf::MULTIPART_LIMIT`), so a file just over its limit gets a field-level error.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/champion/esr", get(form))
        .route(
            "/champion/esr/preview",
            post(preview).layer(DefaultBodyLimit::max(MAX_FORM_BYTES)),
        )
        .route("/champion/esr/uploads/{id}", get(kept_preview))
        .route("/champion/esr/import", post(import))
        .route("/champion/esr/imports/{id}", get(job))
        .route("/champion/esr/export.csv", get(export))
        .route_layer(from_fn(only::<ChampionOrAdmin>))
}

/// Today in London: the date of an import.
fn today() -> Date {
    london_time::from_utc(crate::db::now()).date()
}

const NOT_UTF8: &str = "The file is not a CSV file saved as UTF-8. In Excel, choose Save As and then CSV UTF-8 (Comma delimited), and upload that file";
const NO_FILE: &str = "Choose the ESR extract to upload";
const GONE: &str = "The file you checked is no longer kept. Files are kept for a day, only for the person who uploaded them, and until they are imported or another file is uploaded. Upload it again";

/// The upload page, with these errors and bad rows, and the person's recent imports.
async fn upload_page(
    state: &AppState,
    me: &AuthUser,
    page: Page,
    errors: FormErrors,
    bad_rows: Vec<String>,
) -> AppResult<Response> {
    let recent = esr_jobs::recent_jobs(&state.db, me.id).await?;
    Ok(UploadTemplate::new(page, errors, bad_rows, &recent).into_response())
}

/// The upload page with one error on the file field.
async fn file_error(
    state: &AppState,
    me: &AuthUser,
    page: Page,
    message: impl Into<String>,
) -> AppResult<Response> {
    let mut errors = FormErrors::default();
    errors.add("file", message);
    upload_page(state, me, page, errors, Vec::new()).await
}

/// The upload page with the bad rows: the first [`BAD_ROWS_SHOWN`], then how many more.
async fn bad_rows_page(
    state: &AppState,
    me: &AuthUser,
    page: Page,
    bad: &[BadRow],
) -> AppResult<Response> {
    let count = bad.len();
    let mut errors = FormErrors::default();
    errors.add(
        "file",
        format!(
            "The file has {} {} with problems. Nothing was imported. Correct {} and upload the whole file again.",
            with_commas(count),
            if count == 1 { "row" } else { "rows" },
            if count == 1 { "it" } else { "them" },
        ),
    );
    let mut lines: Vec<String> = bad
        .iter()
        .take(BAD_ROWS_SHOWN)
        .map(ToString::to_string)
        .collect();
    let more = not_shown(count, BAD_ROWS_SHOWN);
    if more > 0 {
        lines.push(format!(
            "And {} more {} with problems, not listed here.",
            with_commas(more),
            if more == 1 { "row" } else { "rows" }
        ));
    }
    upload_page(state, me, page, errors, lines).await
}

/// The upload page saying the kept file is gone (or never was this person's), as a 404.
async fn gone_page(state: &AppState, me: &AuthUser, page: Page) -> AppResult<Response> {
    let mut response = file_error(state, me, page, GONE).await?;
    *response.status_mut() = StatusCode::NOT_FOUND;
    Ok(response)
}

/// `GET /champion/esr`: the upload form.
pub async fn form(
    State(state): State<AppState>,
    ChampionOrAdmin(me): ChampionOrAdmin,
    page: Page,
) -> AppResult<Response> {
    upload_page(&state, &me, page, FormErrors::default(), Vec::new()).await
}

/// The uploaded file's bytes, counted as they arrive and refused (with the words to show) once
/// over a limit, before the rest is read or any of it parsed. The form token was checked
/// already; other parts are skipped.
async fn read_upload(
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<Result<Vec<u8>, String>> {
    let unreadable = || {
        AppError::BadRequest(
            "The form could not be read. Go back, choose the file again and send it.".into(),
        )
    };
    let mut multipart = multipart.map_err(|_| unreadable())?;
    let mut file = None;
    while let Some(mut field) = multipart.next_field().await.map_err(|_| unreadable())? {
        if field.name() != Some("file") {
            continue;
        }
        let mut meter = UploadMeter::default();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|_| unreadable())? {
            if let Err(too_large) = meter.feed(&chunk) {
                return Ok(Err(too_large.message()));
            }
            bytes.extend_from_slice(&chunk);
        }
        if let Err(too_large) = meter.finish() {
            return Ok(Err(too_large.message()));
        }
        file = Some(bytes);
    }
    Ok(file
        .filter(|b| !b.is_empty())
        .ok_or_else(|| NO_FILE.to_owned()))
}

/// `POST /champion/esr/preview`: checks the uploaded file and shows what it would change,
/// keeping it for the import if every row is good. Nothing else is written.
pub async fn preview(
    State(state): State<AppState>,
    ChampionOrAdmin(me): ChampionOrAdmin,
    page: Page,
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    let bytes = match read_upload(multipart).await? {
        Ok(bytes) => bytes,
        Err(message) => return file_error(&state, &me, page, message).await,
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return file_error(&state, &me, page, NOT_UTF8).await;
    };
    match esr_jobs::upload(&state.db, Actor::from(&me), text, today(), crate::db::now()).await? {
        Ok(previewed) => Ok(PreviewTemplate::new(page, &previewed).into_response()),
        Err(bad) => bad_rows_page(&state, &me, page, &bad).await,
    }
}

/// `GET /champion/esr/uploads/{id}`: the preview of a file kept for this person, worked out
/// again on what is stored now (after an import found the changes had moved on).
pub async fn kept_preview(
    State(state): State<AppState>,
    ChampionOrAdmin(me): ChampionOrAdmin,
    IdPath(id): IdPath,
    page: Page,
) -> AppResult<Response> {
    match esr_jobs::preview_kept(&state.db, Actor::from(&me), id, today()).await? {
        Ok(previewed) => Ok(PreviewTemplate::new(page, &previewed).into_response()),
        Err(KeptRefusal::Gone) => gone_page(&state, &me, page).await,
        Err(KeptRefusal::BadRows(bad)) => bad_rows_page(&state, &me, page, &bad).await,
    }
}

/// The preview's confirm form: the kept file and the plan shown.
#[derive(Debug, Deserialize)]
pub struct ImportForm {
    #[serde(default)]
    upload: String,
    #[serde(default)]
    fingerprint: String,
}

/// `POST /champion/esr/import`: queues the import of the kept file as previewed, and shows its
/// page. Pressing twice queues one import.
pub async fn import(
    State(state): State<AppState>,
    ChampionOrAdmin(me): ChampionOrAdmin,
    page: Page,
    Form(form): Form<ImportForm>,
) -> AppResult<Response> {
    let Ok(upload_id) = form.upload.trim().parse::<i32>() else {
        return gone_page(&state, &me, page).await;
    };
    let queued = esr_jobs::queue_import(
        &state.db,
        Actor::from(&me),
        upload_id,
        &form.fingerprint,
        today(),
        crate::db::now(),
    )
    .await?;
    match queued {
        Ok(job) => {
            state.esr_wakeup.notify_one();
            Ok(Redirect::to(&format!("/champion/esr/imports/{job}")).into_response())
        }
        Err(UploadGone) => gone_page(&state, &me, page).await,
    }
}

/// `GET /champion/esr/imports/{id}`: where an import this person started is, and what it did.
pub async fn job(
    State(state): State<AppState>,
    ChampionOrAdmin(me): ChampionOrAdmin,
    IdPath(id): IdPath,
    page: Page,
) -> AppResult<Response> {
    let job = esr_jobs::job_for_user(&state.db, me.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(JobTemplate::new(page, &job).into_response())
}

/// `GET /champion/esr/export.csv`: every employment record in the extract's columns.
pub async fn export(
    State(state): State<AppState>,
    ChampionOrAdmin(me): ChampionOrAdmin,
) -> AppResult<Response> {
    let uow = UnitOfWork::begin(&state).await?;
    let body = service::export(&uow, Some(me.id)).await?;
    uow.commit().await?;
    let filename = format!("spectra-esr-{}.csv", esr::format_date(today()));
    Ok(download::csv(&filename, body))
}
