//! A vacancy's shortlisting panel: hiring managers of its organisation, one of them the lead.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use sea_orm::TransactionTrait;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{shortlisting, users};
use crate::entities::{user, vacancy};
use crate::error::{AppError, AppResult};
use crate::web::manage::vacancies::load_own;
use crate::web::page::{IdPath, Page, flash};

#[derive(Template, WebTemplate)]
#[template(path = "manage/panel.html")]
pub struct PanelTemplate {
    page: Page,
    v: vacancy::Model,
    /// (user, is lead).
    members: Vec<(user::Model, bool)>,
    /// Hiring managers of the organisation not on the panel.
    others: Vec<user::Model>,
    on_panel: bool,
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<PanelTemplate> {
    let v = load_own(&state, &me, id).await?;
    let members: Vec<(user::Model, bool)> = shortlisting::panel_of(&state.db, id)
        .await?
        .into_iter()
        .map(|(m, u)| (u, m.is_lead))
        .collect();
    let others = users::hiring_managers_of(&state.db, v.organisation_id)
        .await?
        .into_iter()
        .filter(|u| members.iter().all(|(m, _)| m.id != u.id))
        .collect();
    Ok(PanelTemplate {
        page,
        on_panel: members.iter().any(|(u, _)| u.id == me.id),
        v,
        members,
        others,
    })
}

/// A member chosen on the panel page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MemberForm {
    user_id: String,
    action: String,
}

/// Adds a member, makes one the lead, or removes one. Only hiring managers of the vacancy's
/// own organisation can be on its panel.
pub async fn change(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    session: Session,
    IdPath(id): IdPath,
    Form(form): Form<MemberForm>,
) -> AppResult<Response> {
    let v = load_own(&state, &me, id).await?;
    let managers = users::hiring_managers_of(&state.db, v.organisation_id).await?;
    let Some(person) = form
        .user_id
        .parse::<i32>()
        .ok()
        .and_then(|uid| managers.into_iter().find(|u| u.id == uid))
    else {
        return Err(AppError::BadRequest(
            "Choose a hiring manager of your organisation.".into(),
        ));
    };
    let txn = state.db.begin().await?;
    let message = match form.action.as_str() {
        "add" => {
            shortlisting::add_member(&txn, id, person.id, false).await?;
            format!("{} is on the panel.", person.full_name)
        }
        "lead" => {
            shortlisting::add_member(&txn, id, person.id, false).await?;
            shortlisting::set_lead(&txn, id, person.id).await?;
            format!("{} now leads the panel.", person.full_name)
        }
        "remove" => {
            if !shortlisting::remove_member(&txn, id, person.id).await? {
                txn.rollback().await?;
                return Err(AppError::BadRequest(
                    "The lead cannot be removed. Make someone else the lead first.".into(),
                ));
            }
            format!("{} is no longer on the panel.", person.full_name)
        }
        _ => {
            txn.rollback().await?;
            return Err(AppError::BadRequest("Choose what to do.".into()));
        }
    };
    txn.commit().await?;
    tracing::info!(vacancy_id = id, user_id = me.id, member = person.id, action = %form.action, "panel changed");
    flash(&session, message).await?;
    Ok(Redirect::to(&format!("/manage/vacancies/{id}/panel")).into_response())
}
