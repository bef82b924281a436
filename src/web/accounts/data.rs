//! "Download your data" (DOMAIN.md §9): a page that says what the file holds, and the file
//! itself. The account is always the signed-in person's own: its ID comes from the session,
//! never from the address, so nobody can download anyone else's data.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::domain::london_time;
use crate::services::Actor;
use crate::services::data_export;
use crate::web::error::{AppError, AppResult};
use crate::web::page::Page;
use crate::web::unit_of_work::UnitOfWork;
use crate::web::{AuthUser, CurrentUser};

#[derive(Template, WebTemplate)]
#[template(path = "accounts/data.html")]
pub struct DataTemplate {
    page: Page,
    me: AuthUser,
}

/// What the download holds, and the button to get it.
pub async fn show(CurrentUser(me): CurrentUser, page: Page) -> DataTemplate {
    DataTemplate { page, me }
}

/// The file: everything held about the signed-in person, as JSON. The one GET that writes:
/// the download is recorded in the audit log, as DOMAIN.md §9 requires of every export.
pub async fn download(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> AppResult<Response> {
    let export = data_export::export(&state.db, me.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let body = serde_json::to_vec_pretty(&export).map_err(anyhow::Error::from)?;
    let uow = UnitOfWork::begin(&state).await?;
    data_export::record_download(&uow, Actor::from(&me), &export, body.len()).await?;
    uow.commit().await?;
    tracing::info!(user_id = me.id, bytes = body.len(), "own data downloaded");
    let filename = format!(
        "spectra-my-data-{}.json",
        london_time::from_utc(time::OffsetDateTime::now_utc()).date()
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/json; charset=utf-8".to_owned(),
            ),
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
