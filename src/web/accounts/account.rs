//! "Your account": who you are signed in as, what you can do, and links onward.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::app::AppState;
use crate::auth::{AuthUser, CurrentUser};
use crate::db::organisations;
use crate::error::AppResult;
use crate::web::page::Page;

#[derive(Template, WebTemplate)]
#[template(path = "accounts/account.html")]
pub struct AccountTemplate {
    page: Page,
    me: AuthUser,
    organisation: Option<String>,
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
    Ok(AccountTemplate {
        page,
        me,
        organisation,
    })
}
