//! Every overdue retention checkpoint, across organisations, for the champion (and admin):
//! due before today and not recorded by the employing organisation's hiring managers.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::app::AppState;
use crate::db::employment;
use crate::services::retention::{self, long_date, reference};
use crate::web::error::AppResult;
use crate::web::page::Page;

/// An overdue checkpoint.
pub struct OverdueRow {
    reference: String,
    role: String,
    started: String,
    months: i32,
    due: String,
    days_overdue: i64,
}

/// An organisation's overdue checkpoints.
pub struct OrganisationGroup {
    name: String,
    rows: Vec<OverdueRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "champion/checkpoints.html")]
pub struct CheckpointsTemplate {
    page: Page,
    today: String,
    total: usize,
    groups: Vec<OrganisationGroup>,
}

pub async fn list(State(state): State<AppState>, page: Page) -> AppResult<CheckpointsTemplate> {
    let today = retention::today();
    let overdue = employment::overdue(&state.db, today).await?;
    let total = overdue.len();
    let mut groups: Vec<(i32, OrganisationGroup)> = Vec::new();
    for c in overdue {
        let row = OverdueRow {
            reference: reference(c.employment_record_id),
            role: c.role,
            started: long_date(c.start_date),
            months: c.months,
            due: long_date(c.due_on),
            days_overdue: (today - c.due_on).whole_days(),
        };
        match groups.last_mut() {
            Some((id, group)) if *id == c.organisation_id => group.rows.push(row),
            _ => groups.push((
                c.organisation_id,
                OrganisationGroup {
                    name: c.organisation,
                    rows: vec![row],
                },
            )),
        }
    }
    Ok(CheckpointsTemplate {
        page,
        today: long_date(today),
        total,
        groups: groups.into_iter().map(|(_, g)| g).collect(),
    })
}
