//! A vacancy's shortlisting panel: hiring managers of its organisation, one of them the lead.
//! Every manager of the organisation may see who is on it; only the lead may change it, until
//! shortlisting is complete. Administrators may change any panel, at any time, from
//! `/admin/vacancies/{id}/panel`, giving a reason once shortlisting is complete.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::db::{shortlisting, users, vacancies};
use crate::entities::{user, vacancy};
use crate::services::Actor;
use crate::services::panel::{self, PanelChange, PanelEditor, PanelRefusal};
use crate::web::AuthUser;
use crate::web::error::{AppError, AppResult};
use crate::web::manage::vacancies::load_own;
use crate::web::page::{FormErrors, IdPath, Page, flash};
use crate::web::roles::{Admin, HiringManager};
use crate::web::unit_of_work::UnitOfWork;

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
    /// Whether this person may change the panel from this page.
    can_change: bool,
    /// Whether shortlisting is complete.
    complete: bool,
    /// The administrator's page, with one form and a reason.
    admin: bool,
    /// Where the forms post.
    action: String,
    /// What an administrator typed, to show again with errors.
    typed: MemberForm,
    errors: FormErrors,
}

/// Builds the page for `me`, on the manager's page or the administrator's.
async fn render(
    state: &AppState,
    me: &AuthUser,
    page: Page,
    v: vacancy::Model,
    admin: bool,
    typed: MemberForm,
    errors: FormErrors,
) -> AppResult<PanelTemplate> {
    let members: Vec<(user::Model, bool)> = shortlisting::panel_of(&state.db, v.id)
        .await?
        .into_iter()
        .map(|(m, u)| (u, m.is_lead))
        .collect();
    let others = users::hiring_managers_of(&state.db, v.organisation_id)
        .await?
        .into_iter()
        .filter(|u| members.iter().all(|(m, _)| m.id != u.id))
        .collect();
    let complete = shortlisting::state_of(&state.db, v.id)
        .await?
        .completed_at
        .is_some();
    let leads = members.iter().any(|(u, lead)| *lead && u.id == me.id);
    Ok(PanelTemplate {
        page,
        on_panel: members.iter().any(|(u, _)| u.id == me.id),
        can_change: if admin { true } else { leads && !complete },
        complete,
        action: if admin {
            format!("/admin/vacancies/{}/panel", v.id)
        } else {
            format!("/manage/vacancies/{}/panel", v.id)
        },
        admin,
        v,
        members,
        others,
        typed,
        errors,
    })
}

pub async fn show(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<PanelTemplate> {
    let v = load_own(&state, &me, id).await?;
    render(
        &state,
        &me,
        page,
        v,
        false,
        MemberForm::default(),
        FormErrors::default(),
    )
    .await
}

/// The administrator's view of any vacancy's panel.
pub async fn admin_show(
    State(state): State<AppState>,
    Admin(me): Admin,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<PanelTemplate> {
    let v = vacancies::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    render(
        &state,
        &me,
        page,
        v,
        true,
        MemberForm::default(),
        FormErrors::default(),
    )
    .await
}

/// A member chosen on the panel page.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct MemberForm {
    user_id: String,
    action: String,
    reason: String,
}

/// The most characters of a reason for changing a panel.
const MAX_REASON: usize = 1_000;

/// The lead adds a member, hands the lead on, or removes one.
pub async fn change(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(form): Form<MemberForm>,
) -> AppResult<Response> {
    let v = load_own(&state, &me, id).await?;
    apply(&state, &me, session, page, v, false, form).await
}

/// An administrator changes any vacancy's panel.
pub async fn admin_change(
    State(state): State<AppState>,
    Admin(me): Admin,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(form): Form<MemberForm>,
) -> AppResult<Response> {
    let v = vacancies::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    apply(&state, &me, session, page, v, true, form).await
}

async fn apply(
    state: &AppState,
    me: &AuthUser,
    session: Session,
    page: Page,
    v: vacancy::Model,
    admin: bool,
    form: MemberForm,
) -> AppResult<Response> {
    let mut errors = FormErrors::default();
    let member = form.user_id.parse::<i32>().ok();
    if member.is_none() {
        errors.add("user_id", "Choose a hiring manager");
    }
    let change = PanelChange::parse(&form.action);
    if change.is_none() {
        errors.add("action", "Choose what to do");
    }
    let reason = form.reason.trim();
    if reason.chars().count() > MAX_REASON {
        errors.add(
            "reason",
            format!("The reason must be {MAX_REASON} characters or fewer"),
        );
    }
    let (Some(member), Some(change), true) = (member, change, errors.is_empty()) else {
        return refuse(state, me, page, v, admin, form, errors).await;
    };
    let editor = PanelEditor {
        actor: Actor::from(me),
        // The manager's page never acts with admin rights, even for someone who holds both.
        is_admin: admin && me.is_admin(),
    };
    let uow = UnitOfWork::begin(state).await?;
    let changed = match panel::change(&uow, editor, v.id, member, change, reason).await? {
        Ok(changed) => changed,
        Err(refusal) => {
            drop(uow);
            if refusal == PanelRefusal::NotAllowed {
                tracing::warn!(vacancy_id = v.id, user_id = me.id, "panel change refused");
                return Err(AppError::Forbidden);
            }
            let field = match refusal {
                PanelRefusal::ReasonNeeded => "reason",
                _ => "user_id",
            };
            errors.add(field, refusal.explanation());
            return refuse(state, me, page, v, admin, form, errors).await;
        }
    };
    uow.commit().await?;
    tracing::info!(vacancy_id = v.id, user_id = me.id, member, action = %form.action, "panel changed");
    let message = match change {
        PanelChange::Add => format!("{} is on the panel.", changed.member_name),
        PanelChange::MakeLead => format!("{} now leads the panel.", changed.member_name),
        PanelChange::Remove => format!("{} is no longer on the panel.", changed.member_name),
    };
    flash(&session, message).await?;
    let back = if admin {
        format!("/admin/vacancies/{}/panel", v.id)
    } else {
        format!("/manage/vacancies/{}/panel", v.id)
    };
    Ok(Redirect::to(&back).into_response())
}

/// Shows the page again with the errors: on the administrator's page by the fields; on the
/// manager's, where each button is its own form, as a plain refusal.
async fn refuse(
    state: &AppState,
    me: &AuthUser,
    page: Page,
    v: vacancy::Model,
    admin: bool,
    form: MemberForm,
    errors: FormErrors,
) -> AppResult<Response> {
    if !admin {
        let message = errors
            .iter()
            .map(|(_, m)| m.trim_end_matches('.').to_owned())
            .collect::<Vec<_>>()
            .join(". ");
        return Err(AppError::BadRequest(format!("{message}.")));
    }
    let template = render(state, me, page, v, true, form, errors).await?;
    Ok(template.into_response())
}
