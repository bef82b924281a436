//! The steps of the application form. Each saves when it is sent: "Save and continue" checks
//! the step is complete and moves on; "Save and come back later" keeps whatever is there
//! (within the limits) so the applicant can carry on later, on any device.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::db::applications::{self, StepChange};
use crate::domain::application::{
    self, EVIDENCE_WORDS, REFEREE_SLOTS, Referee, RefereeForm, Stage, Step, TypedEvidence,
};
use crate::domain::london_time;
use crate::domain::vacancy::{MAX_CRITERIA, ReferenceType};
use crate::entities::application_referee;
use crate::services::application_form::{StepRefusal, StepSave, SubmitRefusal};
use crate::services::{self, Actor};
use crate::web::AuthUser;
use crate::web::applications::{Loaded, load_own, step_path};
use crate::web::error::{AppError, AppResult};
use crate::web::page::{FormErrors, IdPath, Numbered, Page, flash, warning};
use crate::web::roles::Applicant;
use crate::web::session_timeout::Kept;
use crate::web::unit_of_work::UnitOfWork;

/// Field names of the evidence boxes, one per criterion.
const EVIDENCE_FIELDS: [&str; MAX_CRITERIA] = [
    "evidence-1",
    "evidence-2",
    "evidence-3",
    "evidence-4",
    "evidence-5",
    "evidence-6",
    "evidence-7",
    "evidence-8",
    "evidence-9",
    "evidence-10",
    "evidence-11",
    "evidence-12",
    "evidence-13",
    "evidence-14",
    "evidence-15",
    "evidence-16",
    "evidence-17",
    "evidence-18",
    "evidence-19",
    "evidence-20",
];

/// What every step page shows around its form.
pub struct StepFrame {
    /// Application ID.
    id: i32,
    /// Vacancy title.
    title: String,
    /// Organisation name.
    organisation: String,
    /// Step number.
    number: usize,
    /// Number of steps.
    total: usize,
    /// This step's title.
    heading: &'static str,
    /// This step's address.
    action: String,
    /// The back link.
    back: String,
    /// Came from "Check your answers": go back there after saving.
    from_check: bool,
    /// Closing time in words.
    closes: String,
}

fn frame(loaded: &Loaded, step: Step, from_check: bool) -> StepFrame {
    let (number, total) = loaded.step_number(step);
    let id = loaded.application.id;
    let back = if from_check {
        step_path(id, Step::Check)
    } else {
        match number {
            1 => format!("/applications/{id}"),
            n => step_path(id, loaded.steps[n - 2]),
        }
    };
    StepFrame {
        id,
        title: loaded.vacancy.title.clone(),
        organisation: loaded.organisation.clone(),
        number,
        total,
        heading: step.title(),
        action: step_path(id, step),
        back,
        from_check,
        closes: london_time::describe(loaded.vacancy.closes_at),
    }
}

/// Loads a draft of the signed-in applicant for a step; a sent application, or one whose
/// vacancy has closed, goes to its own page instead, which says why.
async fn load_draft(
    state: &AppState,
    me: &AuthUser,
    session: &Session,
    id: i32,
    step: Step,
) -> AppResult<Loaded> {
    let loaded = load_own(state, me, id).await?;
    gate(session, &loaded, step).await?;
    Ok(loaded)
}

/// Sends the applicant elsewhere ([`AppError::Elsewhere`]) if `step` of this application is
/// not theirs to fill in now.
async fn gate(session: &Session, loaded: &Loaded, step: Step) -> AppResult<()> {
    let id = loaded.application.id;
    let detail = AppError::Elsewhere {
        to: format!("/applications/{id}"),
    };
    if loaded.stage != Stage::Draft {
        return Err(not_draft(session, id, loaded.stage).await?);
    }
    if !loaded.vacancy_open() {
        return Err(detail);
    }
    if !loaded.has_step(step) {
        return Err(AppError::Elsewhere {
            to: loaded.resume_path(),
        });
    }
    Ok(())
}

/// Sends the applicant to the application's own page, saying it can no longer be changed.
async fn not_draft(session: &Session, id: i32, stage: Stage) -> AppResult<AppError> {
    let why = if stage == Stage::Withdrawn {
        "This application has been withdrawn, so it can no longer be changed."
    } else {
        "This application has been sent, so it can no longer be changed."
    };
    warning(session, why).await?;
    Ok(AppError::Elsewhere {
        to: format!("/applications/{id}"),
    })
}

/// What the two buttons of a step ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Intent {
    /// Check the step is complete and move on.
    Continue,
    /// Keep what is there and stop for now.
    SaveForLater,
}

/// What every step's form sends besides its answers: the button pressed (`action`), and
/// whether the step was opened from "Check your answers" (`from_check`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct StepButtons {
    action: String,
    from_check: String,
}

impl StepButtons {
    fn intent(&self) -> Intent {
        if self.action == "save" {
            Intent::SaveForLater
        } else {
            Intent::Continue
        }
    }

    fn opened_from_check(&self) -> bool {
        self.from_check == "yes"
    }
}

/// A step's form as sent: its buttons, and its answers (`T`).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct StepForm<T> {
    #[serde(flatten)]
    buttons: StepButtons,
    #[serde(flatten)]
    answers: T,
}

/// Saves a step through its use case. Returns the response to send instead if it was
/// refused: a draft sent in another tab meanwhile changes nothing.
async fn save(
    state: &AppState,
    me: &AuthUser,
    session: &Session,
    id: i32,
    step: StepSave<'_>,
) -> AppResult<Option<Response>> {
    let uow = UnitOfWork::begin(state).await?;
    match services::application_form::save_step(&uow, Actor::from(me), id, step).await? {
        Ok(()) => {
            uow.commit().await?;
            Ok(None)
        }
        Err(StepRefusal::NotFound) => Err(AppError::NotFound),
        Err(StepRefusal::NotDraft(_)) => {
            warning(
                session,
                "This application has been sent, so it can no longer be changed.",
            )
            .await?;
            Ok(Some(
                Redirect::to(&format!("/applications/{id}")).into_response(),
            ))
        }
        Err(StepRefusal::Closed) => Err(AppError::Elsewhere {
            to: format!("/applications/{id}"),
        }),
    }
}

/// Saves a step's change and moves on: to the next step, back to checking answers, or (when
/// saving for later) to "My applications".
async fn finish_step(
    (state, me, session): (&AppState, &AuthUser, &Session),
    loaded: &Loaded,
    step: Step,
    buttons: &StepButtons,
    mut save_step: StepSave<'_>,
) -> AppResult<Response> {
    let id = loaded.application.id;
    let intent = buttons.intent();
    let index = loaded.steps.iter().position(|s| *s == step).unwrap_or(0);
    if intent == Intent::Continue {
        save_step.change.reached_step = Some(i32::try_from(index + 1).unwrap_or(i32::MAX));
    }
    if let Some(refused) = save(state, me, session, id, save_step).await? {
        return Ok(refused);
    }
    let next = match intent {
        Intent::SaveForLater => {
            flash(
                session,
                format!(
                    "Your answers are saved. You can come back and finish your application at any time before {}.",
                    london_time::describe(loaded.vacancy.closes_at)
                ),
            )
            .await?;
            "/applications".to_owned()
        }
        Intent::Continue if buttons.opened_from_check() => step_path(id, Step::Check),
        Intent::Continue => step_path(
            id,
            loaded.steps.get(index + 1).copied().unwrap_or(Step::Check),
        ),
    };
    Ok(Redirect::to(&next).into_response())
}

/// Whether a kept step form had come from "Check your answers".
fn kept_from_check<T>(kept: Option<&StepForm<T>>) -> bool {
    kept.is_some_and(|form| form.buttons.opened_from_check())
}

/// Whether the page was opened from "Check your answers".
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FromCheck {
    from: String,
}

impl FromCheck {
    fn yes(&self) -> bool {
        self.from == "check"
    }
}

// ---- Step: evidence ----

/// One criterion and the applicant's evidence for it.
pub struct EvidenceItem {
    field: &'static str,
    criterion: String,
    essential: bool,
    value: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/evidence.html")]
pub struct EvidenceTemplate {
    page: Page,
    f: StepFrame,
    items: Vec<EvidenceItem>,
    words: usize,
    errors: FormErrors,
}

fn evidence_items(loaded: &Loaded, values: impl Fn(usize, i32) -> String) -> Vec<EvidenceItem> {
    loaded
        .criteria
        .iter()
        .zip(EVIDENCE_FIELDS)
        .enumerate()
        .map(|(i, (c, field))| EvidenceItem {
            field,
            criterion: c.text.clone(),
            essential: c.essential,
            value: values(i, c.id),
        })
        .collect()
}

pub async fn evidence(
    State(state): State<AppState>,
    Applicant(me): Applicant,
    session: Session,
    mut page: Page,
    IdPath(id): IdPath,
    axum::extract::Query(from): axum::extract::Query<FromCheck>,
    kept: Kept,
) -> AppResult<Response> {
    let loaded = load_draft(&state, &me, &session, id, Step::Evidence).await?;
    let answers = applications::answers_of(&state.db, id).await?;
    kept.show_message(&mut page);
    let kept = kept.form::<StepForm<Numbered>>()?;
    let items = evidence_items(&loaded, |i, criterion_id| match &kept {
        Some(form) => {
            let name = EVIDENCE_FIELDS.get(i).copied().unwrap_or("");
            form.answers.get(name).to_owned()
        }
        None => answers
            .iter()
            .find(|a| a.criterion_id == criterion_id)
            .map(|a| a.evidence.clone())
            .unwrap_or_default(),
    });
    Ok(EvidenceTemplate {
        page,
        f: frame(
            &loaded,
            Step::Evidence,
            from.yes() || kept_from_check(kept.as_ref()),
        ),
        items,
        words: EVIDENCE_WORDS,
        errors: FormErrors::default(),
    }
    .into_response())
}

pub async fn save_evidence(
    State(state): State<AppState>,
    Applicant(me): Applicant,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(form): Form<StepForm<Numbered>>,
) -> AppResult<Response> {
    let loaded = load_draft(&state, &me, &session, id, Step::Evidence).await?;
    let typed: Vec<TypedEvidence> = loaded
        .criteria
        .iter()
        .zip(EVIDENCE_FIELDS)
        .map(|(c, name)| TypedEvidence {
            criterion_id: c.id,
            criterion: c.text.clone(),
            essential: c.essential,
            text: form.answers.get(name).to_owned(),
        })
        .collect();
    let complete = form.buttons.intent() == Intent::Continue;
    let answers = match application::parse_evidence(&typed, complete) {
        Ok(answers) => answers,
        Err(problems) => {
            // Every answer that passed is saved before the problems are shown; an answer over
            // the limits leaves the one stored before in place.
            let stored = applications::answers_of(&state.db, id).await?;
            let keep: Vec<(i32, String)> = loaded
                .criteria
                .iter()
                .filter_map(|c| {
                    problems
                        .keep
                        .iter()
                        .find(|(cid, _)| *cid == c.id)
                        .map(|(_, text)| text.clone())
                        .or_else(|| {
                            stored
                                .iter()
                                .find(|a| a.criterion_id == c.id)
                                .map(|a| a.evidence.clone())
                        })
                        .map(|text| (c.id, text))
                })
                .collect();
            // Kept without marking the step done.
            let partial = StepSave {
                answers: Some(&keep),
                ..StepSave::default()
            };
            if let Some(refused) = save(&state, &me, &session, id, partial).await? {
                return Ok(refused);
            }
            let errors: FormErrors = problems
                .errors
                .into_iter()
                .filter_map(|(i, message)| Some((*EVIDENCE_FIELDS.get(i)?, message)))
                .collect();
            let items = evidence_items(&loaded, |i, _| {
                typed.get(i).map(|t| t.text.clone()).unwrap_or_default()
            });
            return Ok(EvidenceTemplate {
                page,
                f: frame(&loaded, Step::Evidence, form.buttons.opened_from_check()),
                items,
                words: EVIDENCE_WORDS,
                errors,
            }
            .into_response());
        }
    };
    let step = StepSave {
        answers: Some(&answers),
        ..StepSave::default()
    };
    finish_step(
        (&state, &me, &session),
        &loaded,
        Step::Evidence,
        &form.buttons,
        step,
    )
    .await
}

// ---- Step: references ----

/// A referee slot on the page.
pub struct RefereeSlot {
    n: usize,
    form: RefereeForm,
    f_kind: String,
    f_name: String,
    f_relationship: String,
    f_email: String,
    f_phone: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/references.html")]
pub struct ReferencesTemplate {
    page: Page,
    f: StepFrame,
    slots: Vec<RefereeSlot>,
    kinds: Vec<ReferenceType>,
    errors: FormErrors,
}

fn accepted_kinds(loaded: &Loaded) -> AppResult<Vec<ReferenceType>> {
    let kinds = crate::db::vacancies::references_of(&loaded.vacancy)?;
    Ok(if kinds.is_empty() {
        ReferenceType::ALL.to_vec()
    } else {
        kinds
    })
}

fn slots(forms: Vec<RefereeForm>) -> Vec<RefereeSlot> {
    forms
        .into_iter()
        .chain(std::iter::repeat_with(RefereeForm::default))
        .take(REFEREE_SLOTS)
        .enumerate()
        .map(|(i, form)| {
            let n = i + 1;
            RefereeSlot {
                n,
                form,
                f_kind: format!("referee{n}_kind"),
                f_name: format!("referee{n}_name"),
                f_relationship: format!("referee{n}_relationship"),
                f_email: format!("referee{n}_email"),
                f_phone: format!("referee{n}_phone"),
            }
        })
        .collect()
}

/// The referee slots as typed.
fn typed_referees(fields: &Numbered) -> Vec<RefereeForm> {
    (1..=REFEREE_SLOTS)
        .map(|n| RefereeForm {
            kind: fields.get(&format!("referee{n}_kind")).to_owned(),
            name: fields.get(&format!("referee{n}_name")).to_owned(),
            relationship: fields.get(&format!("referee{n}_relationship")).to_owned(),
            email: fields.get(&format!("referee{n}_email")).to_owned(),
            phone: fields.get(&format!("referee{n}_phone")).to_owned(),
        })
        .collect()
}

fn stored_referee(r: application_referee::Model) -> RefereeForm {
    RefereeForm {
        kind: r.kind.as_str().to_owned(),
        name: r.name,
        relationship: r.relationship,
        email: r.email,
        phone: r.phone,
    }
}

pub async fn references(
    State(state): State<AppState>,
    Applicant(me): Applicant,
    session: Session,
    mut page: Page,
    IdPath(id): IdPath,
    axum::extract::Query(from): axum::extract::Query<FromCheck>,
    kept: Kept,
) -> AppResult<Response> {
    let loaded = load_draft(&state, &me, &session, id, Step::References).await?;
    let stored = applications::referees_of(&state.db, id).await?;
    kept.show_message(&mut page);
    let kept = kept.form::<StepForm<Numbered>>()?;
    let forms = match &kept {
        Some(form) => typed_referees(&form.answers),
        None => stored.into_iter().map(stored_referee).collect(),
    };
    Ok(ReferencesTemplate {
        page,
        f: frame(
            &loaded,
            Step::References,
            from.yes() || kept_from_check(kept.as_ref()),
        ),
        slots: slots(forms),
        kinds: accepted_kinds(&loaded)?,
        errors: FormErrors::default(),
    }
    .into_response())
}

pub async fn save_references(
    State(state): State<AppState>,
    Applicant(me): Applicant,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(form): Form<StepForm<Numbered>>,
) -> AppResult<Response> {
    let loaded = load_draft(&state, &me, &session, id, Step::References).await?;
    let forms = typed_referees(&form.answers);
    let kinds = accepted_kinds(&loaded)?;
    let complete = form.buttons.intent() == Intent::Continue;
    let referees = match application::parse_referees(&forms, &kinds, complete) {
        Ok(referees) => referees,
        Err(found) => {
            // Each whole, right referee is saved before the problems are shown; a slot with
            // a problem keeps the referee stored at its place.
            let stored: Vec<Referee> = applications::referees_of(&state.db, id)
                .await?
                .into_iter()
                .map(|r| Referee {
                    kind: r.kind,
                    name: r.name,
                    relationship: r.relationship,
                    email: r.email,
                    phone: r.phone,
                })
                .collect();
            let keep = application::referees_to_keep(&forms, &kinds, &stored);
            // Kept without marking the step done.
            let partial = StepSave {
                referees: Some(&keep),
                ..StepSave::default()
            };
            if let Some(refused) = save(&state, &me, &session, id, partial).await? {
                return Ok(refused);
            }
            return Ok(ReferencesTemplate {
                page,
                f: frame(&loaded, Step::References, form.buttons.opened_from_check()),
                slots: slots(forms),
                kinds,
                errors: found.into_iter().collect(),
            }
            .into_response());
        }
    };
    let step = StepSave {
        referees: Some(&referees),
        ..StepSave::default()
    };
    finish_step(
        (&state, &me, &session),
        &loaded,
        Step::References,
        &form.buttons,
        step,
    )
    .await
}

// ---- Step: support needed ----

/// The support step's answer as sent.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SupportAnswer {
    adjustments: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/support.html")]
pub struct SupportTemplate {
    page: Page,
    f: StepFrame,
    adjustments: String,
    errors: FormErrors,
}

pub async fn support(
    State(state): State<AppState>,
    Applicant(me): Applicant,
    session: Session,
    mut page: Page,
    IdPath(id): IdPath,
    axum::extract::Query(from): axum::extract::Query<FromCheck>,
    kept: Kept,
) -> AppResult<Response> {
    let loaded = load_draft(&state, &me, &session, id, Step::Adjustments).await?;
    kept.show_message(&mut page);
    let kept = kept.form::<StepForm<SupportAnswer>>()?;
    Ok(SupportTemplate {
        page,
        f: frame(
            &loaded,
            Step::Adjustments,
            from.yes() || kept_from_check(kept.as_ref()),
        ),
        adjustments: kept.map_or_else(
            || loaded.application.adjustments.clone(),
            |form| form.answers.adjustments,
        ),
        errors: FormErrors::default(),
    }
    .into_response())
}

pub async fn save_support(
    State(state): State<AppState>,
    Applicant(me): Applicant,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(form): Form<StepForm<SupportAnswer>>,
) -> AppResult<Response> {
    let loaded = load_draft(&state, &me, &session, id, Step::Adjustments).await?;
    let typed = form.answers.adjustments.as_str();
    let adjustments = match application::parse_adjustments(typed) {
        Ok(a) => a,
        Err(error) => {
            return Ok(SupportTemplate {
                page,
                f: frame(&loaded, Step::Adjustments, form.buttons.opened_from_check()),
                adjustments: typed.to_owned(),
                errors: [error].into_iter().collect(),
            }
            .into_response());
        }
    };
    let step = StepSave {
        change: StepChange {
            adjustments: Some(adjustments),
            ..StepChange::default()
        },
        ..StepSave::default()
    };
    finish_step(
        (&state, &me, &session),
        &loaded,
        Step::Adjustments,
        &form.buttons,
        step,
    )
    .await
}

// ---- Step: guaranteed interview scheme ----

/// The guaranteed interview step's answer as sent.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct OptInAnswer {
    guaranteed_interview: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/guaranteed_interview.html")]
pub struct GuaranteedInterviewTemplate {
    page: Page,
    f: StepFrame,
    answer: String,
    errors: FormErrors,
}

fn opt_in_answer(value: Option<bool>) -> String {
    match value {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
    .to_owned()
}

pub async fn guaranteed_interview(
    State(state): State<AppState>,
    Applicant(me): Applicant,
    session: Session,
    mut page: Page,
    IdPath(id): IdPath,
    axum::extract::Query(from): axum::extract::Query<FromCheck>,
    kept: Kept,
) -> AppResult<Response> {
    let loaded = load_draft(&state, &me, &session, id, Step::GuaranteedInterview).await?;
    kept.show_message(&mut page);
    let kept = kept.form::<StepForm<OptInAnswer>>()?;
    Ok(GuaranteedInterviewTemplate {
        page,
        f: frame(
            &loaded,
            Step::GuaranteedInterview,
            from.yes() || kept_from_check(kept.as_ref()),
        ),
        answer: kept.map_or_else(
            || opt_in_answer(loaded.application.guaranteed_interview),
            |form| form.answers.guaranteed_interview,
        ),
        errors: FormErrors::default(),
    }
    .into_response())
}

pub async fn save_guaranteed_interview(
    State(state): State<AppState>,
    Applicant(me): Applicant,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(form): Form<StepForm<OptInAnswer>>,
) -> AppResult<Response> {
    let loaded = load_draft(&state, &me, &session, id, Step::GuaranteedInterview).await?;
    let typed = form.answers.guaranteed_interview.as_str();
    let complete = form.buttons.intent() == Intent::Continue;
    let answer = match application::parse_opt_in(typed, complete) {
        Ok(a) => a,
        Err(error) => {
            return Ok(GuaranteedInterviewTemplate {
                page,
                f: frame(
                    &loaded,
                    Step::GuaranteedInterview,
                    form.buttons.opened_from_check(),
                ),
                answer: typed.to_owned(),
                errors: [error].into_iter().collect(),
            }
            .into_response());
        }
    };
    let step = StepSave {
        change: StepChange {
            guaranteed_interview: answer,
            ..StepChange::default()
        },
        ..StepSave::default()
    };
    finish_step(
        (&state, &me, &session),
        &loaded,
        Step::GuaranteedInterview,
        &form.buttons,
        step,
    )
    .await
}

// ---- Check your answers, the declaration, and sending ----

/// Everything on "Check your answers", also used by the application's own page.
pub struct Answers {
    /// (criterion, essential, evidence) in order.
    pub evidence: Vec<(String, bool, String)>,
    /// Referees: (kind in words, name, relationship, email, phone).
    pub referees: Vec<(&'static str, String, String, String, String)>,
    /// Support needed.
    pub adjustments: String,
    /// The guaranteed interview answer, when the step applies.
    pub opt_in: Option<Option<bool>>,
    /// Steps still to do.
    pub incomplete: Vec<Step>,
}

/// Reads the application's answers and works out which steps are still to do.
pub(crate) async fn answers(state: &AppState, loaded: &Loaded) -> AppResult<Answers> {
    let id = loaded.application.id;
    let stored = applications::answers_of(&state.db, id).await?;
    let evidence: Vec<(String, bool, String)> = loaded
        .criteria
        .iter()
        .map(|c| {
            let text = stored
                .iter()
                .find(|a| a.criterion_id == c.id)
                .map(|a| a.evidence.clone())
                .unwrap_or_default();
            (c.text.clone(), c.essential, text)
        })
        .collect();
    let referees: Vec<_> = applications::referees_of(&state.db, id)
        .await?
        .into_iter()
        .map(|r| (r.kind.label(), r.name, r.relationship, r.email, r.phone))
        .collect();
    let progress = services::application_form::progress(
        &loaded.criteria,
        &stored,
        referees.len(),
        loaded.application.guaranteed_interview,
    );
    Ok(Answers {
        incomplete: application::incomplete_steps(&loaded.steps, progress),
        opt_in: loaded
            .has_step(Step::GuaranteedInterview)
            .then_some(loaded.application.guaranteed_interview),
        adjustments: loaded.application.adjustments.clone(),
        evidence,
        referees,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/check.html")]
pub struct CheckTemplate {
    page: Page,
    f: StepFrame,
    a: Answers,
}

pub async fn check(
    State(state): State<AppState>,
    Applicant(me): Applicant,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    let loaded = load_draft(&state, &me, &session, id, Step::Check).await?;
    let a = answers(&state, &loaded).await?;
    Ok(CheckTemplate {
        page,
        f: frame(&loaded, Step::Check, false),
        a,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/declaration.html")]
pub struct DeclarationTemplate {
    page: Page,
    f: StepFrame,
    errors: FormErrors,
}

pub async fn declaration(
    State(state): State<AppState>,
    Applicant(me): Applicant,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    let loaded = load_draft(&state, &me, &session, id, Step::Declaration).await?;
    if !answers(&state, &loaded).await?.incomplete.is_empty() {
        return Ok(Redirect::to(&step_path(id, Step::Check)).into_response());
    }
    Ok(DeclarationTemplate {
        page,
        f: frame(&loaded, Step::Declaration, false),
        errors: FormErrors::default(),
    }
    .into_response())
}

/// The declaration form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeclarationForm {
    declaration: String,
}

/// Sends the application: checked again on the server (still a draft, vacancy still open,
/// ring-fence still met, every step complete, declaration made), inside the transaction that
/// moves it to "sent" with its email. A second press, or a second tab, finds it already sent
/// and shows the same confirmation; nothing is sent twice.
pub async fn submit(
    State(state): State<AppState>,
    Applicant(me): Applicant,
    session: Session,
    page: Page,
    IdPath(id): IdPath,
    Form(form): Form<DeclarationForm>,
) -> AppResult<Response> {
    let loaded = load_own(&state, &me, id).await?;
    let sent = Redirect::to(&format!("/applications/{id}/sent")).into_response();
    let uow = UnitOfWork::begin(&state).await?;
    let outcome = services::application_form::submit(
        &uow,
        &state.config,
        Actor::from(&me),
        id,
        form.declaration == "yes",
    )
    .await?;
    match outcome {
        Ok(()) => {
            uow.commit().await?;
            tracing::info!(application_id = id, "application sent");
            Ok(sent)
        }
        Err(SubmitRefusal::AlreadySent) => Ok(sent),
        Err(SubmitRefusal::NotFound) => Err(AppError::NotFound),
        Err(SubmitRefusal::NotDraft(stage)) => Err(not_draft(&session, id, stage).await?),
        Err(SubmitRefusal::Closed) => Err(AppError::Elsewhere {
            to: format!("/applications/{id}"),
        }),
        Err(SubmitRefusal::NotEligible) => {
            warning(
                &session,
                "This job is only for people who have been in care, and your profile no longer says you have been. Your application has not been sent.",
            )
            .await?;
            Ok(Redirect::to(&format!("/applications/{id}")).into_response())
        }
        Err(SubmitRefusal::Incomplete) => {
            Ok(Redirect::to(&step_path(id, Step::Check)).into_response())
        }
        Err(SubmitRefusal::NoDeclaration) => {
            let mut errors = FormErrors::default();
            errors.add(
                "declaration",
                "Confirm that the information you have given is true and complete",
            );
            Ok(DeclarationTemplate {
                page,
                f: frame(&loaded, Step::Declaration, false),
                errors,
            }
            .into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_form_reads_its_buttons_beside_its_numbered_answers() {
        let form: StepForm<Numbered> = serde_html_form::from_str(
            "csrf_token=t&evidence-1=I+care%0Aa+lot&action=save&from_check=yes&evidence-2=",
        )
        .unwrap();

        assert_eq!(form.buttons.intent(), Intent::SaveForLater);
        assert!(form.buttons.opened_from_check());
        assert_eq!(form.answers.get("evidence-1"), "I care\na lot");
        assert_eq!(form.answers.sent("evidence-2"), Some(""));
        assert_eq!(form.answers.sent("evidence-3"), None);
    }

    #[test]
    fn without_its_buttons_a_step_continues_and_a_field_sent_twice_refuses_the_form() {
        let form: StepForm<OptInAnswer> =
            serde_html_form::from_str("guaranteed_interview=yes").unwrap();

        assert_eq!(form.buttons.intent(), Intent::Continue);
        assert!(!form.buttons.opened_from_check());
        assert_eq!(form.answers.guaranteed_interview, "yes");
        assert!(
            serde_html_form::from_str::<StepForm<SupportAnswer>>("adjustments=a&adjustments=b")
                .is_err()
        );
    }
}
