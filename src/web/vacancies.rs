//! The public vacancy pages: a filtered, paginated list of open vacancies, and each one's page.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use serde::Deserialize;

use crate::app::AppState;
use crate::db::vacancies::OpenFilter;
use crate::db::{self, vacancies};
use crate::domain::london_time;
use crate::domain::vacancy::{VacancyKind, VacancyStatus};
use crate::entities::organisation;
use crate::web::error::{AppError, AppResult};
use crate::web::page::{IdPath, Page};
use crate::web::vacancy_view::VacancyView;

const PER_PAGE: u64 = 20;

/// The public vacancy routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/vacancies", get(list))
        .route("/vacancies/{id}", get(show))
}

/// The list's filters, as in the query string.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListQuery {
    organisation: String,
    kind: String,
    ring_fenced: String,
    closing_soon: String,
    page: String,
}

/// One vacancy in the list.
struct ListItem {
    id: i32,
    title: String,
    organisation: String,
    kind: &'static str,
    salary: String,
    location: String,
    closes: String,
    ring_fenced: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "vacancies/list.html")]
struct ListTemplate {
    page: Page,
    items: Vec<ListItem>,
    organisations: Vec<organisation::Model>,
    kinds: [VacancyKind; 3],
    query: ListQuery,
    total: u64,
    page_number: u64,
    page_count: u64,
    filter_query: String,
}

async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<ListQuery>,
) -> AppResult<ListTemplate> {
    let filter = OpenFilter {
        organisation_id: query.organisation.parse().ok(),
        kind: VacancyKind::parse(&query.kind),
        ring_fenced: match query.ring_fenced.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
        closing_soon: query.closing_soon == "yes",
    };
    let requested = query.page.parse::<u64>().unwrap_or(1).max(1);
    let now = db::now();
    let (rows, total) =
        vacancies::open_page(&state.db, &filter, now, requested - 1, PER_PAGE).await?;
    let page_count = total.div_ceil(PER_PAGE).max(1);
    let reference = state.reference.get(&state.db).await?;
    let items = rows
        .into_iter()
        .map(|v| ListItem {
            organisation: reference.organisation_name(v.organisation_id),
            kind: v.kind.label(),
            closes: london_time::describe(v.closes_at),
            id: v.id,
            title: v.title,
            salary: v.salary,
            location: v.location,
            ring_fenced: v.ring_fenced,
        })
        .collect();
    let filter_query = form_urlencoded::Serializer::new(String::new())
        .append_pair("organisation", &query.organisation)
        .append_pair("kind", &query.kind)
        .append_pair("ring_fenced", &query.ring_fenced)
        .append_pair("closing_soon", &query.closing_soon)
        .finish();
    Ok(ListTemplate {
        page,
        items,
        organisations: reference.organisations().to_vec(),
        kinds: VacancyKind::ALL,
        query,
        total,
        page_number: requested,
        page_count,
        filter_query,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "vacancies/show.html")]
struct ShowTemplate {
    page: Page,
    v: VacancyView,
}

/// A vacancy's public page. Drafts do not exist for the public; closed vacancies say so.
async fn show(
    State(state): State<AppState>,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<ShowTemplate> {
    let vacancy = vacancies::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if vacancy.status == VacancyStatus::Draft {
        return Err(AppError::NotFound);
    }
    let criteria = vacancies::criteria_of(&state.db, id).await?;
    let reference = state.reference.get(&state.db).await?;
    let organisation = reference.organisation_name(vacancy.organisation_id);
    let (name, about) = vacancy
        .programme_id
        .and_then(|pid| reference.programme(pid))
        .map(|p| (p.name.clone(), p.description.clone()))
        .unzip();
    Ok(ShowTemplate {
        page,
        v: VacancyView::new(vacancy, criteria, organisation, name, db::now())?
            .with_programme_about(about.unwrap_or_default()),
    })
}
