//! Creating, editing, previewing, publishing and closing vacancies.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use tower_sessions::Session;

use crate::app::AppState;
use crate::db::{self, applications, organisations, programmes, vacancies};
use crate::domain::application::{self, Stage};
use crate::domain::london_time;
use crate::domain::organisation::is_active;
use crate::domain::plain_language::{self, PlainLanguageReport};
use crate::domain::vacancy::{
    BANDS, ReferenceType, ReopenRefusal, VacancyForm, VacancyInput, VacancyKind, VacancyStatus,
    is_entry_level, is_open, parse_new_closing,
};
use crate::entities::{programme, vacancy};
use crate::services::vacancies::{
    Affected, ChangeRefusal, CloseRefusal, DraftRefusal, PublishRefusal, ReopenFailure,
};
use crate::services::{self, Actor};
use crate::web::AuthUser;
use crate::web::error::{AppError, AppResult};
use crate::web::page::{FormErrors, IdPath, Page, flash, notice, warning};
use crate::web::roles::HiringManager;
use crate::web::session_timeout::Kept;
use crate::web::unit_of_work::UnitOfWork;
use crate::web::vacancy_view::VacancyView;

/// The manager's organisation; a hiring manager without one can do nothing here.
fn organisation_of(user: &AuthUser) -> AppResult<i32> {
    user.organisation_id.ok_or(AppError::Forbidden)
}

/// Loads a vacancy of the manager's own organisation. Another organisation's vacancy is
/// "not found": managers must not learn that it exists.
pub(crate) async fn load_own(
    state: &AppState,
    user: &AuthUser,
    id: i32,
) -> AppResult<vacancy::Model> {
    let organisation_id = organisation_of(user)?;
    vacancies::find(&state.db, id)
        .await?
        .filter(|v| v.organisation_id == organisation_id)
        .ok_or(AppError::NotFound)
}

/// One row of the manager's list.
pub struct VacancyRow {
    vacancy: vacancy::Model,
    status: &'static str,
    closes: String,
    /// Applications sent for it.
    sent: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "manage/vacancies.html")]
pub struct ListTemplate {
    page: Page,
    organisation: String,
    /// False when an administrator has deactivated the organisation.
    takes_new_vacancies: bool,
    rows: Vec<VacancyRow>,
}

pub async fn list(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    page: Page,
) -> AppResult<ListTemplate> {
    let organisation_id = organisation_of(&me)?;
    let found = organisations::find(&state.db, organisation_id).await?;
    let takes_new_vacancies = found
        .as_ref()
        .is_some_and(|o| is_active(o.deactivated_at.as_ref()));
    let organisation = found.map(|o| o.name).unwrap_or_default();
    let now = db::now();
    let sent = applications::sent_counts_for_organisation(&state.db, organisation_id).await?;
    let rows = vacancies::of_organisation(&state.db, organisation_id)
        .await?
        .into_iter()
        .map(|v| {
            let status = match v.status {
                VacancyStatus::Draft => "Draft",
                VacancyStatus::Published if v.closes_at > now => "Published",
                _ => "Closed",
            };
            VacancyRow {
                sent: sent
                    .iter()
                    .find(|(id, _)| *id == v.id)
                    .map_or(0, |(_, n)| *n),
                closes: crate::domain::vacancy::closed_early(v.status, v.closed_early_at)
                    .unwrap_or_else(|| london_time::describe(v.closes_at)),
                status,
                vacancy: v,
            }
        })
        .collect();
    Ok(ListTemplate {
        page,
        organisation,
        takes_new_vacancies,
        rows,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "manage/vacancy_form.html")]
pub struct FormTemplate {
    page: Page,
    action: String,
    heading: &'static str,
    form: VacancyForm,
    references: Vec<String>,
    programmes: Vec<programme::Model>,
    kinds: [VacancyKind; 3],
    bands: [&'static str; 11],
    reference_types: [ReferenceType; 4],
    errors: FormErrors,
    /// Changing a published vacancy: what may change is limited, and its closing date in words.
    published: Option<String>,
}

impl FormTemplate {
    fn reference_checked(&self, r: &ReferenceType) -> bool {
        self.references.iter().any(|x| x == r.as_str())
    }
}

/// Said instead of the form when the manager's organisation has been deactivated.
#[derive(Template, WebTemplate)]
#[template(path = "manage/vacancy_new_refused.html")]
pub struct NewRefusedTemplate {
    page: Page,
    organisation: String,
}

/// The page saying that no vacancy can be created for the (deactivated) organisation.
async fn new_refused(state: &AppState, page: Page, organisation_id: i32) -> AppResult<Response> {
    let organisation = state.organisation_name(organisation_id).await?;
    Ok(NewRefusedTemplate { page, organisation }.into_response())
}

pub async fn new(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    mut page: Page,
    kept: Kept,
) -> AppResult<Response> {
    let organisation_id = organisation_of(&me)?;
    if !organisations::find(&state.db, organisation_id)
        .await?
        .is_some_and(|o| is_active(o.deactivated_at.as_ref()))
    {
        return new_refused(&state, page, organisation_id).await;
    }
    let form = VacancyForm {
        closes_time: "23:59".into(),
        contact_name: me.full_name.clone(),
        contact_email: me.email.clone(),
        positions: "1".into(),
        ..VacancyForm::default()
    };
    let all_references = || {
        ReferenceType::ALL
            .iter()
            .map(|r| r.as_str().to_owned())
            .collect()
    };
    // A form sent after the session ended is shown again as typed (issue 21).
    kept.show_message(&mut page);
    let (form, references) = match kept.form::<PostedVacancy>()? {
        Some(kept) => (kept.form, kept.reference_options),
        None => (form, all_references()),
    };
    Ok(FormTemplate {
        page,
        action: "/manage/vacancies".into(),
        heading: "Create a vacancy",
        form,
        references,
        programmes: programmes::all(&state.db).await?,
        kinds: VacancyKind::ALL,
        bands: BANDS,
        reference_types: ReferenceType::ALL,
        errors: FormErrors::default(),
        published: None,
    }
    .into_response())
}

/// The vacancy form as posted: its fields, and one `reference_options` field per ticked
/// reference type.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct PostedVacancy {
    #[serde(flatten)]
    form: VacancyForm,
    #[serde(default)]
    reference_options: Vec<String>,
}

/// Parses the form and checks the programme exists; on failure, the form to show again.
async fn parse(
    state: &AppState,
    posted: PostedVacancy,
) -> AppResult<Result<VacancyInput, (VacancyForm, Vec<String>, FormErrors)>> {
    let PostedVacancy {
        form,
        reference_options: references,
    } = posted;
    let mut errors = FormErrors::default();
    let parsed = VacancyInput::parse(&form, &references, db::now());
    let input = match parsed {
        Ok(input) => Some(input),
        Err(found) => {
            for (field, message) in found {
                errors.add(field, message);
            }
            None
        }
    };
    if let Some(id) = input.as_ref().and_then(|i| i.programme_id)
        && programmes::find(&state.db, id).await?.is_none()
    {
        errors.add("programme", "Choose a programme from the list");
    }
    Ok(match input {
        Some(input) if errors.is_empty() => Ok(input),
        _ => Err((form, references, errors)),
    })
}

async fn form_again(
    state: &AppState,
    page: Page,
    action: String,
    heading: &'static str,
    again: (VacancyForm, Vec<String>, FormErrors),
) -> AppResult<Response> {
    form_for(state, page, action, heading, again, None).await
}

/// The form, for a draft (`published` is None) or a published vacancy closing then.
async fn form_for(
    state: &AppState,
    page: Page,
    action: String,
    heading: &'static str,
    (form, references, errors): (VacancyForm, Vec<String>, FormErrors),
    published: Option<String>,
) -> AppResult<Response> {
    Ok(FormTemplate {
        page,
        action,
        heading,
        form,
        references,
        programmes: programmes::all(&state.db).await?,
        kinds: VacancyKind::ALL,
        bands: BANDS,
        reference_types: ReferenceType::ALL,
        errors,
        published,
    }
    .into_response())
}

pub async fn create(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    session: Session,
    page: Page,
    Form(posted): Form<PostedVacancy>,
) -> AppResult<Response> {
    let organisation_id = organisation_of(&me)?;
    let input = match parse(&state, posted).await? {
        Ok(input) => input,
        Err(again) => {
            return form_again(
                &state,
                page,
                "/manage/vacancies".into(),
                "Create a vacancy",
                again,
            )
            .await;
        }
    };
    let uow = UnitOfWork::begin(&state).await?;
    // Judged inside the transaction, which holds the organisation until it ends: an
    // administrator deactivating it meanwhile waits, or is seen here.
    let outcome =
        services::vacancies::create_draft(&uow, Actor::from(&me), organisation_id, &input).await?;
    let Ok(created) = outcome else {
        drop(uow);
        let refused = new_refused(&state, page, organisation_id).await?;
        return Ok((StatusCode::CONFLICT, refused).into_response());
    };
    uow.commit().await?;
    flash(&session, "Draft saved.").await?;
    Ok(Redirect::to(&format!("/manage/vacancies/{}", created.id)).into_response())
}

/// A sent application as the manager sees it: no name, contact or care details.
pub struct ApplicationRow {
    reference: String,
    stage: Stage,
    sent: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "manage/vacancy.html")]
pub struct ShowTemplate {
    page: Page,
    v: VacancyView,
    is_draft: bool,
    advice: PlainLanguageReport,
    /// How many sent applications are at each stage, in pipeline order (only stages in use).
    stage_counts: Vec<(Stage, usize)>,
    applications: Vec<ApplicationRow>,
    /// It no longer takes applications and shortlisting has not started, so it may reopen.
    can_reopen: bool,
}

pub async fn show(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<ShowTemplate> {
    let vacancy = load_own(&state, &me, id).await?;
    let is_draft = vacancy.status == VacancyStatus::Draft;
    let kind = vacancy.kind;
    let entry_level = is_entry_level(kind, &vacancy.band);
    let criteria = vacancies::criteria_of(&state.db, id).await?;
    let criteria_text: String = criteria.iter().map(|c| format!("{}.\n", c.text)).collect();
    let advice = plain_language::check(
        &format!(
            "{}\n{}\n{}\n{}",
            vacancy.summary, vacancy.description, vacancy.entry_requirements, criteria_text
        ),
        entry_level,
    );
    let organisation = state.organisation_name(vacancy.organisation_id).await?;
    let programme = match vacancy.programme_id {
        Some(pid) => programmes::find(&state.db, pid).await?.map(|p| p.name),
        None => None,
    };
    let can_reopen = !is_draft
        && !is_open(vacancy.status, vacancy.closes_at, db::now())
        && !db::shortlisting::started(&state.db, id).await?;
    let v = VacancyView::new(vacancy, criteria, organisation, programme, db::now())?;
    let applications: Vec<ApplicationRow> = applications::sent_for_vacancy(&state.db, id)
        .await?
        .into_iter()
        .map(|a| ApplicationRow {
            reference: application::reference(a.id),
            stage: a.stage,
            sent: a
                .submitted_at
                .map(london_time::describe)
                .unwrap_or_default(),
        })
        .collect();
    let stage_counts = Stage::ALL
        .into_iter()
        .map(|s| (s, applications.iter().filter(|a| a.stage == s).count()))
        .filter(|(_, n)| *n > 0)
        .collect();
    Ok(ShowTemplate {
        page,
        v,
        is_draft,
        advice,
        stage_counts,
        applications,
        can_reopen,
    })
}

/// The form as the stored draft fills it, with its ticked reference types.
async fn stored_form(
    state: &AppState,
    vacancy: &vacancy::Model,
) -> AppResult<(VacancyForm, Vec<String>)> {
    let criteria = vacancies::criteria_of(&state.db, vacancy.id).await?;
    let local = london_time::from_utc(vacancy.closes_at);
    let lines = |essential: bool| {
        criteria
            .iter()
            .filter(|c| c.essential == essential)
            .map(|c| c.text.clone())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let form = VacancyForm {
        title: vacancy.title.clone(),
        programme: vacancy
            .programme_id
            .map(|p| p.to_string())
            .unwrap_or_default(),
        kind: vacancy.kind.as_str().to_owned(),
        band: vacancy.band.clone(),
        working_pattern: vacancy.working_pattern.clone(),
        salary: vacancy.salary.clone(),
        location: vacancy.location.clone(),
        positions: vacancy.positions.to_string(),
        closes_day: local.day().to_string(),
        closes_month: u8::from(local.month()).to_string(),
        closes_year: local.year().to_string(),
        closes_time: format!("{:02}:{:02}", local.hour(), local.minute()),
        ring_fenced: if vacancy.ring_fenced { "yes" } else { "no" }.into(),
        summary: vacancy.summary.clone(),
        description: vacancy.description.clone(),
        entry_requirements: vacancy.entry_requirements.clone(),
        essential_criteria: lines(true),
        desirable_criteria: lines(false),
        contact_name: vacancy.contact_name.clone(),
        contact_role: vacancy.contact_role.clone(),
        contact_email: vacancy.contact_email.clone(),
        contact_phone: vacancy.contact_phone.clone(),
    };
    let references = vacancy
        .reference_options
        .split(',')
        .map(str::to_owned)
        .collect();
    Ok((form, references))
}

pub async fn edit(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    mut page: Page,
    IdPath(id): IdPath,
    kept: Kept,
) -> AppResult<Response> {
    let vacancy = load_own(&state, &me, id).await?;
    let published = published_closing(&vacancy)?;
    // A form sent after the session ended is shown again as typed (issue 21).
    kept.show_message(&mut page);
    let (form, references) = match kept.form::<PostedVacancy>()? {
        Some(kept) => (kept.form, kept.reference_options),
        None => stored_form(&state, &vacancy).await?,
    };
    form_for(
        &state,
        page,
        format!("/manage/vacancies/{id}"),
        heading_for(published.is_some()),
        (form, references, FormErrors::default()),
        published,
    )
    .await
}

fn heading_for(published: bool) -> &'static str {
    if published {
        "Change the published vacancy"
    } else {
        "Change the vacancy"
    }
}

/// None for a draft; the closing date in words for a published vacancy still taking
/// applications. One that has closed is not changed: it can be reopened first.
fn published_closing(vacancy: &vacancy::Model) -> AppResult<Option<String>> {
    let status = vacancy.status;
    if status == VacancyStatus::Draft {
        Ok(None)
    } else if is_open(status, vacancy.closes_at, db::now()) {
        Ok(Some(london_time::describe(vacancy.closes_at)))
    } else {
        Err(AppError::BadRequest(
            "This vacancy has closed, so it can no longer be changed. If shortlisting has not started, you can reopen it with a new closing date from the vacancy's page.".into(),
        ))
    }
}

pub async fn update(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(posted): Form<PostedVacancy>,
) -> AppResult<Response> {
    let vacancy = load_own(&state, &me, id).await?;
    let published = published_closing(&vacancy)?;
    let action = format!("/manage/vacancies/{id}");
    let heading = heading_for(published.is_some());
    let input = match parse(&state, posted.clone()).await? {
        Ok(input) => input,
        Err(again) => return form_for(&state, page, action, heading, again, published).await,
    };
    let organisation_id = organisation_of(&me)?;
    let uow = UnitOfWork::begin(&state).await?;
    if published.is_none() {
        let outcome =
            services::vacancies::update_draft(&uow, Actor::from(&me), organisation_id, id, &input)
                .await?;
        match outcome {
            Ok(()) => uow.commit().await?,
            Err(DraftRefusal::NotDraft) => {
                return Err(AppError::BadRequest(
                    "This vacancy was published while you were changing it. Open it again to change it."
                        .into(),
                ));
            }
            Err(_) => return Err(AppError::NotFound),
        }
        flash(&session, "Changes saved.").await?;
        return Ok(Redirect::to(&action).into_response());
    }
    let outcome = services::vacancies::change_published(
        &uow,
        &state.config,
        Actor::from(&me),
        organisation_id,
        id,
        &input,
        db::now(),
    )
    .await?;
    let changed = match outcome {
        Ok(changed) => changed,
        Err(refusal) => {
            drop(uow);
            return match refusal {
                ChangeRefusal::NotFound => Err(AppError::NotFound),
                ChangeRefusal::NotOpen => Err(AppError::BadRequest(
                    "This vacancy has closed, so it can no longer be changed.".into(),
                )),
                ChangeRefusal::Refused(problems) => {
                    let PostedVacancy {
                        form,
                        reference_options,
                    } = posted;
                    form_for(
                        &state,
                        page,
                        action,
                        heading,
                        (form, reference_options, problems.into_iter().collect()),
                        published,
                    )
                    .await
                }
            };
        }
    };
    uow.commit().await?;
    tracing::info!(
        vacancy_id = id,
        user_id = me.id,
        "published vacancy changed"
    );
    if changed.change.fields.is_empty() {
        notice(
            &session,
            "Nothing was changed: the form was the same as before.",
        )
        .await?;
    } else {
        let fields: Vec<&str> = changed.change.fields.iter().map(|(_, w)| *w).collect();
        let told = match changed.told {
            0 => String::new(),
            1 => " The 1 person who has started an application has been emailed the new closing date.".into(),
            n => format!(" The {n} people who have started an application have been emailed the new closing date."),
        };
        flash(
            &session,
            format!("Changes saved: {}.{told}", fields.join(", ")),
        )
        .await?;
    }
    Ok(Redirect::to(&action).into_response())
}

pub async fn publish(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    let organisation_id = organisation_of(&me)?;
    let uow = UnitOfWork::begin(&state).await?;
    let refusal =
        match services::vacancies::publish(&uow, Actor::from(&me), organisation_id, id, db::now())
            .await?
        {
            Ok(vacancy) => {
                uow.commit().await?;
                tracing::info!(vacancy_id = id, user_id = me.id, "vacancy published");
                flash(
                    &session,
                    format!(
                        "{} is published. Applicants can now find it.",
                        vacancy.title
                    ),
                )
                .await?;
                return Ok(Redirect::to(&format!("/manage/vacancies/{id}")).into_response());
            }
            Err(refusal) => refusal,
        };
    drop(uow);
    match refusal {
        PublishRefusal::NotFound => Err(AppError::NotFound),
        PublishRefusal::NotDraft => Err(AppError::BadRequest(
            "This vacancy has already been published.".into(),
        )),
        PublishRefusal::ClosingDatePassed => Err(AppError::BadRequest(
            "The closing date has passed. Change it before publishing.".into(),
        )),
        // The draft was saved before a rule existed: show it with what must change.
        PublishRefusal::Incomplete(problems) => {
            let vacancy = load_own(&state, &me, id).await?;
            let (form, references) = stored_form(&state, &vacancy).await?;
            form_again(
                &state,
                page,
                format!("/manage/vacancies/{id}"),
                "Change the vacancy before you publish it",
                (form, references, problems.into_iter().collect()),
            )
            .await
        }
    }
}

/// "3 people", "1 person".
fn people(n: i64) -> String {
    if n == 1 {
        "1 person".into()
    } else {
        format!("{n} people")
    }
}

/// "3 applications", "1 application".
fn applications_count(n: i64) -> String {
    if n == 1 {
        "1 application".into()
    } else {
        format!("{n} applications")
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "manage/vacancy_close.html")]
pub struct CloseTemplate {
    page: Page,
    vacancy: vacancy::Model,
    closes: String,
    affected: Affected,
    unfinished: String,
    sent: String,
}

/// Asks before closing: what closing does and to whom. Nothing changes here.
pub async fn confirm_close(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    let vacancy = load_own(&state, &me, id).await?;
    let status = vacancy.status;
    if status == VacancyStatus::Draft {
        return Err(AppError::BadRequest(
            "This vacancy is a draft: it has not been published, so there is nothing to close."
                .into(),
        ));
    }
    if !is_open(status, vacancy.closes_at, db::now()) {
        notice(&session, "This vacancy has already closed.").await?;
        return Ok(Redirect::to(&format!("/manage/vacancies/{id}")).into_response());
    }
    let affected = services::vacancies::affected(&state.db, id).await?;
    Ok(CloseTemplate {
        page,
        closes: london_time::describe(vacancy.closes_at),
        unfinished: people(affected.unfinished),
        sent: applications_count(affected.sent),
        affected,
        vacancy,
    }
    .into_response())
}

/// Closes the vacancy, once the manager has confirmed. A second press changes nothing.
pub async fn close(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    session: Session,
    IdPath(id): IdPath,
) -> AppResult<Redirect> {
    let organisation_id = organisation_of(&me)?;
    let uow = UnitOfWork::begin(&state).await?;
    let outcome =
        services::vacancies::close(&uow, Actor::from(&me), organisation_id, id, db::now()).await?;
    let back = format!("/manage/vacancies/{id}");
    let (vacancy, _) = match outcome {
        Ok(closed) => closed,
        Err(refusal) => {
            drop(uow);
            return match refusal {
                CloseRefusal::NotFound => Err(AppError::NotFound),
                CloseRefusal::Draft => Err(AppError::BadRequest(
                    "Only a published vacancy can be closed.".into(),
                )),
                CloseRefusal::AlreadyClosed => {
                    notice(
                        &session,
                        "This vacancy had already closed. Nothing changed.",
                    )
                    .await?;
                    Ok(Redirect::to(&back))
                }
            };
        }
    };
    uow.commit().await?;
    tracing::info!(vacancy_id = id, user_id = me.id, "vacancy closed early");
    flash(
        &session,
        format!(
            "{} is closed. It no longer takes applications. Shortlisting can start.",
            vacancy.title
        ),
    )
    .await?;
    Ok(Redirect::to(&back))
}

/// The new closing date, as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ReopenForm {
    closes_day: String,
    closes_month: String,
    closes_year: String,
    closes_time: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "manage/vacancy_reopen.html")]
pub struct ReopenTemplate {
    page: Page,
    vacancy: vacancy::Model,
    form: ReopenForm,
    affected: Affected,
    unfinished: String,
    sent: String,
    errors: FormErrors,
}

/// Why reopening is refused, in words.
fn reopen_refused(refusal: ReopenRefusal) -> AppError {
    AppError::BadRequest(
        match refusal {
            ReopenRefusal::NotClosed => "This vacancy is not closed, so it cannot be reopened.",
            ReopenRefusal::ShortlistingStarted => {
                "Shortlisting has started, so this vacancy cannot be reopened: applicants would not all be judged in the same way. Create a new vacancy instead."
            }
            ReopenRefusal::ClosingDateNotLater => "The new closing date must be in the future.",
        }
        .into(),
    )
}

async fn reopen_page(
    state: &AppState,
    page: Page,
    vacancy: vacancy::Model,
    form: ReopenForm,
    errors: FormErrors,
) -> AppResult<Response> {
    let affected = services::vacancies::affected(&state.db, vacancy.id).await?;
    Ok(ReopenTemplate {
        page,
        unfinished: people(affected.unfinished),
        sent: people(affected.sent),
        affected,
        vacancy,
        form,
        errors,
    }
    .into_response())
}

/// Asks for the new closing date of a closed vacancy, saying who will be told. Nothing
/// changes here.
pub async fn confirm_reopen(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    let vacancy = load_own(&state, &me, id).await?;
    let status = vacancy.status;
    let started = db::shortlisting::started(&state.db, id).await?;
    // Any future date shows whether the rest of the rule allows reopening.
    let later = db::now() + time::Duration::days(1);
    crate::domain::vacancy::check_reopen(status, vacancy.closes_at, started, later, db::now())
        .map_err(reopen_refused)?;
    let form = ReopenForm {
        closes_time: "23:59".into(),
        ..ReopenForm::default()
    };
    reopen_page(&state, page, vacancy, form, FormErrors::default()).await
}

/// Reopens a closed vacancy with a new closing date, before shortlisting starts.
pub async fn reopen(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(form): Form<ReopenForm>,
) -> AppResult<Response> {
    let vacancy = load_own(&state, &me, id).await?;
    let closes_at = match parse_new_closing(
        &form.closes_day,
        &form.closes_month,
        &form.closes_year,
        &form.closes_time,
        db::now(),
    ) {
        Ok(closes_at) => closes_at,
        Err((field, message)) => {
            let mut errors = FormErrors::default();
            errors.add(field, message);
            return reopen_page(&state, page, vacancy, form, errors).await;
        }
    };
    let organisation_id = organisation_of(&me)?;
    let uow = UnitOfWork::begin(&state).await?;
    let outcome = services::vacancies::reopen(
        &uow,
        &state.config,
        Actor::from(&me),
        organisation_id,
        id,
        closes_at,
        db::now(),
    )
    .await?;
    let reopened = match outcome {
        Ok(reopened) => reopened,
        Err(failure) => {
            drop(uow);
            return match failure {
                ReopenFailure::NotFound => Err(AppError::NotFound),
                ReopenFailure::Rule(ReopenRefusal::NotClosed) => {
                    warning(&session, "This vacancy was already open. Nothing changed.").await?;
                    Ok(Redirect::to(&format!("/manage/vacancies/{id}")).into_response())
                }
                ReopenFailure::Rule(refusal) => Err(reopen_refused(refusal)),
            };
        }
    };
    uow.commit().await?;
    tracing::info!(vacancy_id = id, user_id = me.id, "vacancy reopened");
    let told = match reopened.told {
        0 => String::new(),
        1 => " The 1 person who had started an application has been emailed.".into(),
        n => format!(" The {n} people who had started an application have been emailed."),
    };
    flash(
        &session,
        format!(
            "{} is open again until {}.{told}",
            reopened.vacancy.title,
            london_time::describe(reopened.vacancy.closes_at)
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("/manage/vacancies/{id}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_posted_vacancy_reads_every_ticked_reference_type_beside_its_fields() {
        let posted: PostedVacancy = serde_html_form::from_str(
            "title=Porter&reference_options=employer&csrf_token=t&reference_options=character",
        )
        .unwrap();

        assert_eq!(posted.form.title, "Porter");
        assert_eq!(posted.reference_options, ["employer", "character"]);
        assert_eq!(posted.form.positions, "");
        let none: PostedVacancy = serde_html_form::from_str("title=Porter").unwrap();
        assert!(none.reference_options.is_empty());
    }
}
