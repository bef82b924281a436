//! The references behind a figure on the dashboard: the applications that reached a stage or
//! that the guaranteed-interview rule covered, or the people in a retention group. References
//! only: names stay on the records, where their viewing is controlled.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use serde::Deserialize;
use time::Date;

use crate::app::AppState;
use crate::db::reports::{self, FUNNEL, ReportFilter};
use crate::domain::application::{Stage, reference};
use crate::domain::dashboard::{GuaranteeStatus, guarantee_status};
use crate::domain::employment;
use crate::services::dashboard::{Dimension, Names, spell_of};
use crate::web::champion::dashboard::{DashboardQuery, long_date, parse_filter, today};
use crate::web::error::{AppError, AppResult};
use crate::web::page::Page;
use crate::web::roles::ChampionOrAdmin;

/// The most rows listed.
const LIMIT: usize = 500;

/// The filters of the dashboard, and which figure.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    organisation: String,
    programme: String,
    from: String,
    to: String,
    /// A funnel stage's stored name.
    stage: String,
    /// `qualifying` or `breach`.
    compliance: String,
    /// `in_post`, `left` or `moved`.
    employment: String,
    /// A retention group: `dimension:key`.
    group: String,
}

/// One row of the list.
pub struct ListRow {
    reference: String,
    what: String,
    organisation: String,
    status: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "champion/list.html")]
pub struct ListTemplate {
    page: Page,
    title: String,
    rows: Vec<ListRow>,
    more: bool,
    back: String,
    columns: [&'static str; 4],
}

/// One list, before it is put on the page.
struct Listed {
    title: String,
    rows: Vec<ListRow>,
    more: bool,
    columns: [&'static str; 4],
}

/// The references behind a figure.
pub async fn show(
    State(state): State<AppState>,
    ChampionOrAdmin(_me): ChampionOrAdmin,
    page: Page,
    Query(query): Query<ListQuery>,
) -> AppResult<ListTemplate> {
    let dashboard_query = DashboardQuery {
        organisation: query.organisation.clone(),
        programme: query.programme.clone(),
        from: query.from.clone(),
        to: query.to.clone(),
    };
    let known = state.reference.get(&state.db).await?;
    let organisation_list = known.organisations();
    let programme_list = known.programmes();
    let (filter, as_of) =
        parse_filter(&dashboard_query, organisation_list, programme_list, today()).map_err(
            |_| AppError::BadRequest("Correct the filters on the dashboard first.".into()),
        )?;
    let names = Names::load(&state.db).await?;
    let back = format!("/champion?{}", dashboard_query.query_string());

    let listed = if let Some(stage) = FUNNEL.into_iter().find(|s| s.as_str() == query.stage) {
        reaching(&state, &filter, &names, stage).await?
    } else if matches!(query.compliance.as_str(), "qualifying" | "breach") {
        qualifying(&state, &filter, &names, query.compliance == "breach").await?
    } else {
        let selection = employment_selection(&query)?;
        employment(&state, &filter, &names, as_of, &selection).await?
    };
    Ok(ListTemplate {
        page,
        title: listed.title,
        rows: listed.rows,
        more: listed.more,
        back,
        columns: listed.columns,
    })
}

/// The applications that reached a stage of the funnel.
async fn reaching(
    state: &AppState,
    filter: &ReportFilter,
    names: &Names,
    stage: Stage,
) -> AppResult<Listed> {
    let found =
        reports::applications_reaching(&state.db, filter, stage, (LIMIT + 1) as u64).await?;
    let more = found.len() > LIMIT;
    let rows = found
        .into_iter()
        .take(LIMIT)
        .map(|a| ListRow {
            reference: reference(a.application_id),
            what: a.title,
            organisation: names.organisation(a.organisation_id),
            status: a.stage.label().to_owned(),
        })
        .collect();
    Ok(Listed {
        title: format!("Applications that reached \"{}\"", stage.label()),
        rows,
        more,
        columns: ["Application", "Vacancy", "Organisation", "Where it is now"],
    })
}

/// The applications the guaranteed-interview rule covered, or only its breaches.
async fn qualifying(
    state: &AppState,
    filter: &ReportFilter,
    names: &Names,
    breaches_only: bool,
) -> AppResult<Listed> {
    let rows: Vec<ListRow> = reports::qualifying_for_interview(&state.db, filter)
        .await?
        .into_iter()
        .filter(|q| {
            !breaches_only || guarantee_status(q.stage, q.interviewed) == GuaranteeStatus::Breach
        })
        .map(|q| ListRow {
            reference: reference(q.application_id),
            what: q.title,
            organisation: names.organisation(q.organisation_id),
            status: match guarantee_status(q.stage, q.interviewed) {
                GuaranteeStatus::Interviewed => "Interviewed".into(),
                GuaranteeStatus::Awaiting => "Interview to come".into(),
                GuaranteeStatus::Breach => "Not interviewed: a breach".into(),
            },
        })
        .collect();
    let more = rows.len() > LIMIT;
    Ok(Listed {
        title: if breaches_only {
            "Breaches of the guaranteed interview scheme".into()
        } else {
            "Applications that qualified for a guaranteed interview".into()
        },
        rows: rows.into_iter().take(LIMIT).collect(),
        more,
        columns: ["Application", "Vacancy", "Organisation", "Interview"],
    })
}

/// Which people a list of employment records shows.
struct Selection {
    /// A retention group: its dimension and key.
    group: Option<(Dimension, String)>,
    /// `in_post`, `left` or `moved`.
    status: Option<&'static str>,
}

/// The retention group (`dimension:key`) and the employment status asked for: at least one,
/// each one known, or the list is not found.
fn employment_selection(query: &ListQuery) -> AppResult<Selection> {
    let group = match query.group.split_once(':') {
        Some((dimension, key)) => Some((
            Dimension::parse(dimension).ok_or(AppError::NotFound)?,
            key.to_owned(),
        )),
        None if query.group.is_empty() => None,
        None => return Err(AppError::NotFound),
    };
    let status = match query.employment.as_str() {
        "" => None,
        "in_post" => Some("in_post"),
        "left" => Some("left"),
        "moved" => Some("moved"),
        _ => return Err(AppError::NotFound),
    };
    if group.is_none() && status.is_none() {
        return Err(AppError::NotFound);
    }
    Ok(Selection { group, status })
}

/// The people who started, in a retention group or by where they are now, as of `as_of`.
async fn employment(
    state: &AppState,
    filter: &ReportFilter,
    names: &Names,
    as_of: Date,
    selection: &Selection,
) -> AppResult<Listed> {
    let (group, status) = (selection.group.as_ref(), selection.status);
    let mut rows = Vec::new();
    for e in reports::employment_facts(&state.db, filter).await? {
        if e.start_date > as_of {
            continue;
        }
        if let Some((dimension, key)) = group
            && dimension.key_of(&e) != *key
        {
            continue;
        }
        let spell = spell_of(&e);
        let (code, words) = match spell.end.filter(|end| *end <= as_of) {
            None => ("in_post", "In post".to_owned()),
            Some(end) if spell.moved => (
                "moved",
                format!("Moved within the NHS on {}", long_date(end)),
            ),
            Some(end) => ("left", format!("Left on {}", long_date(end))),
        };
        if status.is_some_and(|s| s != code) {
            continue;
        }
        rows.push(ListRow {
            reference: employment::reference(e.id),
            what: format!("Started on {}", long_date(e.start_date)),
            organisation: names.organisation(e.organisation_id),
            status: words,
        });
    }
    let more = rows.len() > LIMIT;
    let title = match (group, status) {
        (Some((dimension, key)), _) => {
            format!("People who started: {}", names.group(*dimension, key))
        }
        (None, Some("in_post")) => "People still in post".into(),
        (None, Some("left")) => "People who left".into(),
        _ => "People who moved to another NHS organisation".into(),
    };
    Ok(Listed {
        title,
        rows: rows.into_iter().take(LIMIT).collect(),
        more,
        columns: ["Employment record", "Start", "Organisation", "Now"],
    })
}
