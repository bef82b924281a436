//! The ESR extract (DOMAIN.md §7): upload a CSV, see every bad row or a preview of what will be
//! created, updated and closed, then import it; and export every employment record in the same
//! columns. For the champion and the administrator.
//!
//! The file is not trusted between the preview and the import: the confirm form carries the
//! CSV text back, and the import checks it again and makes the plan again inside its
//! transaction. If the plan is not the one previewed (someone changed records meanwhile, or the
//! day changed), nothing is imported and the new preview is shown.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Request, State};
use axum::http::header;
use axum::middleware::{Next, from_fn};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sea_orm::TransactionTrait;
use time::Date;
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::current_user::require_any_role;
use crate::auth::{AuthUser, CurrentUser};
use crate::domain::employment::EndKind;
use crate::domain::esr::{self, BadRow, COLUMNS, Ending, Field};
use crate::domain::{Role, london_time};
use crate::error::{AppError, AppResult};
use crate::services::esr::{self as service, EsrRefusal, Plan};
use crate::web::csrf::MULTIPART_LIMIT;
use crate::web::page::{FormErrors, Page, flash};

/// Who may import and export ESR extracts.
const ESR_ROLES: [Role; 2] = [Role::Champion, Role::Admin];

/// The ESR routes, for the champion and the administrator.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/champion/esr", get(form))
        .route(
            "/champion/esr/preview",
            post(preview).layer(DefaultBodyLimit::max(MULTIPART_LIMIT)),
        )
        .route(
            "/champion/esr/import",
            post(import).layer(DefaultBodyLimit::max(MULTIPART_LIMIT)),
        )
        .route("/champion/esr/export.csv", get(export))
        .route_layer(from_fn(|user: CurrentUser, req: Request, next: Next| {
            require_any_role(&ESR_ROLES, user, req, next)
        }))
}

/// The second check, where the work is done.
fn require_esr_role(me: &AuthUser) -> AppResult<()> {
    if ESR_ROLES.iter().any(|r| me.has(*r)) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Today in London: the date of an import.
fn today() -> Date {
    london_time::from_utc(crate::db::now()).date()
}

/// "2 December 2026".
fn long_date(date: Date) -> String {
    format!("{} {} {}", date.day(), date.month(), date.year())
}

fn ending_words(ending: Option<Ending>) -> String {
    match ending {
        None => "In post".to_owned(),
        Some(e) => format!(
            "{} on {}: {}",
            match e.kind() {
                EndKind::Left => "Left",
                EndKind::Moved => "Moved within the NHS",
            },
            long_date(e.date),
            e.reason.esr
        ),
    }
}

/// The upload form, with the problems of the last file if any.
#[derive(Template, WebTemplate)]
#[template(path = "champion/esr.html")]
pub struct UploadTemplate {
    page: Page,
    columns: &'static [&'static str],
    errors: FormErrors,
    bad_rows: Vec<String>,
}

/// A record to create, as shown.
pub struct CreateRow {
    assignment_number: String,
    organisation: String,
    job_role: String,
    staff_group: String,
    band: String,
    start_date: String,
    ending: String,
}

/// A record to update, as shown.
pub struct UpdateRow {
    assignment_number: String,
    organisation: String,
    changes: Vec<(&'static str, String, String)>,
}

/// A record to close, as shown.
pub struct CloseRow {
    assignment_number: String,
    organisation: String,
    how: &'static str,
    date: String,
    reason: &'static str,
}

/// A record whose ending the extract contradicts, as shown.
pub struct KeptRow {
    assignment_number: String,
    line: u64,
    organisation: String,
    what: String,
}

/// The preview: counts, then tables of what will change, and the confirm form.
#[derive(Template, WebTemplate)]
#[template(path = "champion/esr_preview.html")]
pub struct PreviewTemplate {
    page: Page,
    changed_since: bool,
    csv: String,
    fingerprint: String,
    today: String,
    rows: usize,
    unchanged: usize,
    not_care_experienced: usize,
    unnumbered: usize,
    change_count: usize,
    proved: usize,
    creates: Vec<CreateRow>,
    updates: Vec<UpdateRow>,
    closes: Vec<CloseRow>,
    kept: Vec<KeptRow>,
}

impl PreviewTemplate {
    fn new(page: Page, plan: &Plan, csv: String, changed_since: bool) -> Self {
        let shown = |field: Field, value: &str| match field {
            Field::StartDate => esr::parse_date(value).map_or_else(|| value.to_owned(), long_date),
            _ if value.is_empty() => "(none)".to_owned(),
            _ => value.to_owned(),
        };
        PreviewTemplate {
            page,
            changed_since,
            csv,
            fingerprint: plan.fingerprint(),
            today: long_date(plan.today),
            rows: plan.rows,
            unchanged: plan.unchanged,
            not_care_experienced: plan.not_care_experienced,
            unnumbered: plan.unnumbered,
            change_count: plan.change_count(),
            proved: plan.proved_count(),
            creates: plan
                .create
                .iter()
                .map(|c| CreateRow {
                    assignment_number: c.row.assignment_number.clone(),
                    organisation: c.organisation.clone(),
                    job_role: c.row.job_role.clone(),
                    staff_group: c.row.staff_group.clone(),
                    band: c.row.band.clone(),
                    start_date: long_date(c.row.start_date),
                    ending: ending_words(c.row.ending),
                })
                .collect(),
            updates: plan
                .updates()
                .into_iter()
                .map(|c| UpdateRow {
                    assignment_number: c.row.assignment_number.clone(),
                    organisation: c.organisation.clone(),
                    changes: c
                        .fields
                        .iter()
                        .map(|f| (f.field.label(), shown(f.field, &f.from), shown(f.field, &f.to)))
                        .collect(),
                })
                .collect(),
            closes: plan
                .closures()
                .into_iter()
                .filter_map(|c| {
                    let e = c.closes?;
                    Some(CloseRow {
                        assignment_number: c.row.assignment_number.clone(),
                        organisation: c.organisation.clone(),
                        how: match e.kind() {
                            EndKind::Left => "Left",
                            EndKind::Moved => "Moved within the NHS",
                        },
                        date: long_date(e.date),
                        reason: e.reason.esr,
                    })
                })
                .collect(),
            kept: plan
                .kept
                .iter()
                .map(|k| KeptRow {
                    assignment_number: k.assignment_number.clone(),
                    line: k.line,
                    organisation: k.organisation.clone(),
                    what: match k.extract {
                        None => format!(
                            "Recorded here as ended on {}, but in post in the extract. The record stays ended.",
                            long_date(k.stored_end)
                        ),
                        Some(e) => format!(
                            "Recorded here as ended on {}, but the extract says: {}. The record stays as recorded here.",
                            long_date(k.stored_end),
                            ending_words(Some(e)).to_lowercase()
                        ),
                    },
                })
                .collect(),
        }
    }
}

fn upload_page(page: Page, errors: FormErrors, bad_rows: &[BadRow]) -> Response {
    UploadTemplate {
        page,
        columns: &COLUMNS,
        errors,
        bad_rows: bad_rows.iter().map(ToString::to_string).collect(),
    }
    .into_response()
}

/// The upload page with the list of bad rows.
fn bad_rows_page(page: Page, bad: &[BadRow]) -> Response {
    let count = bad.len();
    let mut errors = FormErrors::default();
    errors.add(
        "file",
        format!(
            "The file has {count} {} with problems. Nothing was imported. Correct {} and upload the whole file again.",
            if count == 1 { "row" } else { "rows" },
            if count == 1 { "it" } else { "them" },
        ),
    );
    upload_page(page, errors, bad)
}

/// `GET /champion/esr`: the upload form.
pub async fn form(CurrentUser(me): CurrentUser, page: Page) -> AppResult<Response> {
    require_esr_role(&me)?;
    Ok(upload_page(page, FormErrors::default(), &[]))
}

/// The named parts of a posted form: an uploaded file's bytes or a field's text.
async fn parts_of(
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<Vec<(String, Vec<u8>)>> {
    let unreadable = || {
        AppError::BadRequest(
            "The form could not be read. Go back, choose the file again and send it.".into(),
        )
    };
    let mut multipart = multipart.map_err(|_| unreadable())?;
    let mut parts = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(|_| unreadable())? {
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.map_err(|_| unreadable())?;
        parts.push((name, bytes.to_vec()));
    }
    Ok(parts)
}

fn part<'a>(parts: &'a [(String, Vec<u8>)], name: &str) -> Option<&'a [u8]> {
    parts
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_slice())
}

/// The text of an uploaded file, or the error to show.
fn file_text(bytes: Option<&[u8]>) -> Result<String, FormErrors> {
    let mut errors = FormErrors::default();
    match bytes.filter(|b| !b.is_empty()) {
        None => errors.add("file", "Choose the ESR extract to upload"),
        Some(bytes) => match std::str::from_utf8(bytes) {
            Ok(text) => return Ok(text.to_owned()),
            Err(_) => errors.add(
                "file",
                "The file is not a CSV file saved as UTF-8. In Excel, choose Save As and then CSV UTF-8 (Comma delimited), and upload that file",
            ),
        },
    }
    Err(errors)
}

/// `POST /champion/esr/preview`: checks the uploaded file and shows what it would change.
/// Nothing is written.
pub async fn preview(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    page: Page,
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    require_esr_role(&me)?;
    let parts = parts_of(multipart).await?;
    let text = match file_text(part(&parts, "file")) {
        Ok(text) => text,
        Err(errors) => return Ok(upload_page(page, errors, &[])),
    };
    let today = today();
    let rows = match service::check_file(&state.db, &text, today).await? {
        Ok(rows) => rows,
        Err(bad) => return Ok(bad_rows_page(page, &bad)),
    };
    match service::preview(&state.db, &rows, today).await? {
        Ok(plan) => Ok(PreviewTemplate::new(page, &plan, text, false).into_response()),
        Err(EsrRefusal::BadRows(bad)) => Ok(bad_rows_page(page, &bad)),
        Err(EsrRefusal::PlanChanged(plan)) => {
            Ok(PreviewTemplate::new(page, &plan, text, true).into_response())
        }
    }
}

/// `POST /champion/esr/import`: checks the file again, makes the plan again inside the
/// transaction and applies it if it is the one previewed.
pub async fn import(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    session: Session,
    page: Page,
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    require_esr_role(&me)?;
    let parts = parts_of(multipart).await?;
    let text = match file_text(part(&parts, "csv")) {
        Ok(text) => text,
        Err(errors) => return Ok(upload_page(page, errors, &[])),
    };
    let fingerprint = part(&parts, "fingerprint")
        .and_then(|b| std::str::from_utf8(b).ok())
        .unwrap_or_default()
        .to_owned();
    let today = today();
    let rows = match service::check_file(&state.db, &text, today).await? {
        Ok(rows) => rows,
        Err(bad) => return Ok(bad_rows_page(page, &bad)),
    };
    let txn = state.db.begin().await?;
    match service::import(&txn, Some(me.id), &rows, today, Some(&fingerprint)).await? {
        Ok(summary) => {
            txn.commit().await?;
            flash(
                &session,
                format!(
                    "ESR extract imported: {} created, {} updated, {} closed, {} unchanged.{}",
                    summary.created,
                    summary.updated,
                    summary.closed,
                    summary.unchanged,
                    match summary.proved_in_post {
                        0 => String::new(),
                        1 => " 1 checkpoint recorded as in post, from ESR.".to_owned(),
                        n => format!(" {n} checkpoints recorded as in post, from ESR."),
                    }
                ),
            )
            .await?;
            Ok(Redirect::to("/champion/esr").into_response())
        }
        Err(EsrRefusal::BadRows(bad)) => {
            txn.rollback().await?;
            Ok(bad_rows_page(page, &bad))
        }
        Err(EsrRefusal::PlanChanged(plan)) => {
            txn.rollback().await?;
            Ok(PreviewTemplate::new(page, &plan, text, true).into_response())
        }
    }
}

/// `GET /champion/esr/export.csv`: every employment record in the extract's columns.
pub async fn export(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> AppResult<Response> {
    require_esr_role(&me)?;
    let txn = state.db.begin().await?;
    let body = service::export(&txn, Some(me.id)).await?;
    txn.commit().await?;
    let filename = format!("spectra-esr-{}.csv", esr::format_date(today()));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}
