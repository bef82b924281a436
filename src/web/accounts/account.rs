//! "Your account": the account's settings (name, email address, password, what the person can
//! do) in plain words, and a way on to the page with their next things to do.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::app::AppState;
use crate::auth::Home;
use crate::auth::home::what_you_can_do;
use crate::db::organisations;
use crate::web::error::AppResult;
use crate::web::page::Page;
use crate::web::{AuthUser, CurrentUser};

#[derive(Template, WebTemplate)]
#[template(path = "accounts/account.html")]
pub struct AccountTemplate {
    page: Page,
    me: AuthUser,
    organisation: Option<String>,
    /// Each role's name and what it lets the person do.
    roles: Vec<(&'static str, &'static str)>,
    home: Home,
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    page: Page,
) -> AppResult<AccountTemplate> {
    let organisation = match me.organisation_id {
        Some(id) => organisations::find(&state.db, id).await?.map(|o| o.name),
        None => None,
    };
    let roles = me
        .roles
        .iter()
        .map(|r| (r.label(), what_you_can_do(*r)))
        .collect();
    let home = me.home();
    Ok(AccountTemplate {
        page,
        me,
        organisation,
        roles,
        home,
    })
}
