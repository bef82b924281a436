//! The list of users; changing a user's roles; deactivating and reactivating accounts; and
//! deleting an account for someone who asked by other means (a deciding member of staff's is
//! deactivated instead).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::db::{organisations, users};
use crate::domain::Role;
use crate::domain::privacy::{DeletionReason, is_deciding_staff};
use crate::entities::{organisation, user};
use crate::services::Actor;
use crate::services::privacy::{self, DeleteRefusal, Deleted, Requester};
use crate::services::user_admin::{self, AdminRefusal};
use crate::web::admin::{RolesForm, parse_roles_and_organisation};
use crate::web::error::{AppError, AppResult};
use crate::web::page::{FormErrors, IdPath, Page, flash, notice};
use crate::web::roles::Admin;
use crate::web::unit_of_work::UnitOfWork;

const PER_PAGE: u64 = 50;

/// Which page of the list.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    page: Option<u64>,
}

/// One row of the list.
pub struct UserRow {
    user: user::Model,
    roles: Vec<Role>,
    organisation: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/users.html")]
pub struct ListTemplate {
    page: Page,
    rows: Vec<UserRow>,
    page_number: u64,
    page_count: u64,
    total: u64,
}

pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<ListQuery>,
) -> AppResult<ListTemplate> {
    let total = users::count(&state.db).await?;
    let page_count = total.div_ceil(PER_PAGE).max(1);
    let page_number = query.page.unwrap_or(1).clamp(1, page_count);
    let orgs = organisations::all(&state.db).await?;
    let rows = users::page_with_roles(&state.db, page_number - 1, PER_PAGE)
        .await?
        .into_iter()
        .map(|(user, roles)| UserRow {
            organisation: org_name(&orgs, user.organisation_id),
            user,
            roles,
        })
        .collect();
    Ok(ListTemplate {
        page,
        rows,
        page_number,
        page_count,
        total,
    })
}

fn org_name(orgs: &[organisation::Model], id: Option<i32>) -> Option<String> {
    id.and_then(|id| orgs.iter().find(|o| o.id == id))
        .map(|o| match o.deactivated_at {
            Some(_) => format!("{} (deactivated)", o.name),
            None => o.name.clone(),
        })
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/user.html")]
pub struct ShowTemplate {
    page: Page,
    user: user::Model,
    roles: Vec<Role>,
    organisations: Vec<organisation::Model>,
    chosen_organisation: Option<i32>,
    all_roles: [Role; 7],
    is_me: bool,
    errors: FormErrors,
}

async fn load(state: &AppState, id: i32) -> AppResult<user::Model> {
    users::find_by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Refuses to change a deleted account: only its anonymous record is left. (Judged again on
/// the locked row when the change is written.)
fn refuse_if_deleted(user: &user::Model) -> AppResult<()> {
    if user.deleted_at.is_some() {
        return Err(deleted_account());
    }
    Ok(())
}

fn deleted_account() -> AppError {
    AppError::BadRequest(
        "This account was deleted: only an anonymous record is left, and it cannot sign in again."
            .into(),
    )
}

pub async fn show(
    State(state): State<AppState>,
    Admin(me): Admin,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<ShowTemplate> {
    let user = load(&state, id).await?;
    let roles = users::roles_of(&state.db, id).await?;
    let orgs = organisations::offered(&state.db, user.organisation_id).await?;
    Ok(ShowTemplate {
        page,
        chosen_organisation: user.organisation_id,
        is_me: me.id == user.id,
        user,
        roles,
        organisations: orgs,
        all_roles: Role::ALL,
        errors: FormErrors::default(),
    })
}

pub async fn update_roles(
    State(state): State<AppState>,
    Admin(me): Admin,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(form): Form<RolesForm>,
) -> AppResult<Response> {
    let user = load(&state, id).await?;
    refuse_if_deleted(&user)?;
    let before = users::roles_of(&state.db, id).await?;
    let orgs = organisations::offered(&state.db, user.organisation_id).await?;
    let names = &form.roles;
    let mut errors = FormErrors::default();
    let parsed = parse_roles_and_organisation(
        names,
        &form.organisation,
        &Role::ALL,
        |oid| orgs.iter().any(|o| o.id == oid),
        &mut errors,
    );
    if let Some((roles, _)) = &parsed
        && me.id == id
        && before.contains(&Role::Admin)
        && !roles.contains(&Role::Admin)
    {
        errors.add(
            "roles",
            "You cannot remove your own administrator role. Ask another administrator to do it.",
        );
    }
    let Some((roles, organisation_id)) = parsed.filter(|_| errors.is_empty()) else {
        let chosen: Vec<Role> = names.iter().filter_map(|n| Role::parse(n)).collect();
        let template = ShowTemplate {
            page,
            chosen_organisation: form.organisation.parse().ok(),
            is_me: me.id == user.id,
            user,
            roles: chosen,
            organisations: orgs,
            all_roles: Role::ALL,
            errors,
        };
        return Ok(template.into_response());
    };

    let uow = UnitOfWork::begin(&state).await?;
    let outcome =
        user_admin::change_roles(&uow, Actor::from(&me), id, &roles, organisation_id).await?;
    finish(uow, outcome).await?;
    flash(&session, format!("Roles updated for {}", user.full_name)).await?;
    Ok(Redirect::to(&format!("/admin/users/{id}")).into_response())
}

pub async fn deactivate(
    State(state): State<AppState>,
    Admin(me): Admin,
    session: Session,
    IdPath(id): IdPath,
) -> AppResult<Redirect> {
    let user = load(&state, id).await?;
    let uow = UnitOfWork::begin(&state).await?;
    let outcome = user_admin::set_active(&uow, Actor::from(&me), id, false).await?;
    finish(uow, outcome).await?;
    flash(
        &session,
        format!("{} can no longer sign in", user.full_name),
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/users/{id}")))
}

pub async fn reactivate(
    State(state): State<AppState>,
    Admin(me): Admin,
    session: Session,
    IdPath(id): IdPath,
) -> AppResult<Redirect> {
    let user = load(&state, id).await?;
    refuse_if_deleted(&user)?;
    let uow = UnitOfWork::begin(&state).await?;
    let outcome = user_admin::set_active(&uow, Actor::from(&me), id, true).await?;
    finish(uow, outcome).await?;
    flash(&session, format!("{} can sign in again", user.full_name)).await?;
    Ok(Redirect::to(&format!("/admin/users/{id}")))
}

/// Commits a change to an account, or rolls it back and says why it was refused.
async fn finish(uow: UnitOfWork, outcome: Result<(), AdminRefusal>) -> AppResult<()> {
    match outcome {
        Ok(()) => Ok(uow.commit().await?),
        Err(refusal) => {
            drop(uow);
            Err(match refusal {
                AdminRefusal::NotFound => AppError::NotFound,
                AdminRefusal::Deleted => deleted_account(),
                AdminRefusal::OwnAccount => {
                    AppError::BadRequest("You cannot deactivate your own account.".into())
                }
            })
        }
    }
}

/// The reason chosen on the deletion form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeleteForm {
    reason: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/user_delete.html")]
pub struct DeleteTemplate {
    page: Page,
    user: user::Model,
    is_me: bool,
    /// Their account is deactivated rather than erased.
    retire: bool,
    /// Applications in progress, which deleting withdraws.
    in_progress: usize,
    reasons: [DeletionReason; 5],
    chosen: String,
    errors: FormErrors,
}

async fn delete_page(
    state: &AppState,
    me_id: i32,
    page: Page,
    user: user::Model,
    chosen: String,
    errors: FormErrors,
) -> AppResult<DeleteTemplate> {
    let roles = users::roles_of(&state.db, user.id).await?;
    let in_progress = privacy::in_progress(&state.db, user.id).await?;
    Ok(DeleteTemplate {
        page,
        is_me: me_id == user.id,
        retire: is_deciding_staff(&roles),
        in_progress,
        reasons: DeletionReason::ALL,
        chosen,
        errors,
        user,
    })
}

pub async fn delete_form(
    State(state): State<AppState>,
    Admin(me): Admin,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<DeleteTemplate> {
    let user = load(&state, id).await?;
    delete_page(
        &state,
        me.id,
        page,
        user,
        String::new(),
        FormErrors::default(),
    )
    .await
}

pub async fn delete(
    State(state): State<AppState>,
    Admin(me): Admin,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(form): Form<DeleteForm>,
) -> AppResult<Response> {
    let user = load(&state, id).await?;
    let Some(reason) = DeletionReason::parse(&form.reason) else {
        let mut errors = FormErrors::default();
        errors.add(
            "reason",
            "Select how the person asked for their account to be deleted",
        );
        let template = delete_page(&state, me.id, page, user, form.reason, errors).await?;
        return Ok(template.into_response());
    };
    let uow = UnitOfWork::begin(&state).await?;
    let outcome = privacy::delete_account(
        &uow,
        &state.config,
        Actor::from(&me),
        id,
        Requester::Administrator(reason),
    )
    .await?;
    match outcome {
        Ok(Deleted::Erased { withdrawn }) => {
            uow.commit().await?;
            tracing::info!(
                user_id = id,
                withdrawn,
                "account deleted by an administrator"
            );
            let withdrew = match withdrawn {
                0 => String::new(),
                1 => " 1 application in progress was withdrawn first.".to_owned(),
                n => format!(" {n} applications in progress were withdrawn first."),
            };
            flash(
                &session,
                format!(
                    "The account has been deleted. Only an anonymous record is kept.{withdrew}"
                ),
            )
            .await?;
        }
        Ok(Deleted::Retired) => {
            uow.commit().await?;
            flash(
                &session,
                "The account has been deactivated: it is signed out everywhere and cannot sign in. It stays on the record of the decisions it made.",
            )
            .await?;
        }
        Err(refusal) => {
            drop(uow);
            match refusal {
                DeleteRefusal::NotFound => return Err(AppError::NotFound),
                DeleteRefusal::AlreadyDeleted => {
                    notice(&session, "This account had already been deleted.").await?;
                }
                DeleteRefusal::OwnAccount
                | DeleteRefusal::NotYours
                | DeleteRefusal::AskAdministrator => {
                    return Err(AppError::BadRequest(
                        "You cannot delete your own account. Ask another administrator to do it."
                            .into(),
                    ));
                }
            }
        }
    }
    Ok(Redirect::to(&format!("/admin/users/{id}")).into_response())
}
