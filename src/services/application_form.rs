//! Filling in and sending an application, as use cases: saving a step of the form on a draft,
//! and sending it. Each judges what guards its write (the applicant's own draft, the vacancy
//! still open, the ring-fence still met, every step complete) on rows read inside the
//! transaction that writes, with the application's row locked, so a second tab, a withdrawal
//! or the vacancy closing at the same moment is judged before or after, never in between.

use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr};

use crate::config::Config;
use crate::db::applications::{self, StepChange};
use crate::db::{applicant_profiles, organisations, vacancies};
use crate::domain::application::{self, Eligibility, Progress, Referee, Stage, Step};
use crate::domain::profile::CareExperience;
use crate::domain::vacancy::is_open;
use crate::entities::vacancy_criterion;
use crate::entities::{application as application_entity, application_answer, vacancy};
use crate::services::emails::StatusEmail;
use crate::services::{Actor, Outcome};

/// Whether the vacancy still takes applications.
pub fn vacancy_open(vacancy: &vacancy::Model) -> bool {
    let status = vacancy.status;
    is_open(status, vacancy.closes_at, crate::db::now())
}

/// How far the form is filled in, from the stored answers: every essential criterion has
/// evidence, a referee is given, the guaranteed interview question is answered.
pub fn progress(
    criteria: &[vacancy_criterion::Model],
    answers: &[application_answer::Model],
    referees: usize,
    opt_in: Option<bool>,
) -> Progress {
    Progress {
        evidence_done: criteria.iter().all(|c| {
            !c.essential
                || answers
                    .iter()
                    .find(|a| a.criterion_id == c.id)
                    .is_some_and(|a| !a.evidence.trim().is_empty())
        }),
        referees_done: referees > 0,
        opt_in_answered: opt_in.is_some(),
    }
}

/// Why an application was not started. Nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartRefusal {
    /// The vacancy no longer takes applications, or the applicant's profile no longer lets
    /// them apply to it (the vacancy's own page says which).
    NoLongerOpen,
}

/// The applicant starts a draft for a vacancy (or finds the one they started), with the
/// support they need from their profile and, for a ring-fenced vacancy, the care-leaver
/// definition they confirmed. Judged on the vacancy, held so that it cannot close meanwhile,
/// and on the profile as read here.
pub async fn start(
    txn: &DatabaseTransaction,
    applicant: Actor<'_>,
    vacancy_id: i32,
    adjustments: &str,
    confirmed_definition: Option<&str>,
) -> Outcome<application_entity::Model, StartRefusal> {
    let Some(vacancy) = vacancies::find_for_application(txn, vacancy_id)
        .await?
        .filter(vacancy_open)
    else {
        return Ok(Err(StartRefusal::NoLongerOpen));
    };
    let declared = applicant_profiles::find(txn, applicant.id)
        .await?
        .map(|p| p.care_experience);
    if application::eligibility(vacancy.ring_fenced, declared) != Eligibility::Eligible {
        return Ok(Err(StartRefusal::NoLongerOpen));
    }
    let draft = applications::start(
        txn,
        vacancy_id,
        applicant.id,
        adjustments,
        confirmed_definition,
    )
    .await?;
    Ok(Ok(draft))
}

/// Why a step was not saved. Nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepRefusal {
    /// No such application of this applicant.
    NotFound,
    /// It is no longer a draft: sent (perhaps in another tab) or withdrawn.
    NotDraft(Stage),
    /// Its vacancy no longer takes applications.
    Closed,
}

/// What a step saves: the evidence, the referees, and what it changes on the application.
#[derive(Clone, Debug, Default)]
pub struct StepSave<'a> {
    /// The evidence to store (criterion ID, text), replacing what was stored.
    pub answers: Option<&'a [(i32, String)]>,
    /// The referees to store, replacing those stored.
    pub referees: Option<&'a [Referee]>,
    /// What changes on the application row (an answer, the steps complete).
    pub change: StepChange,
}

/// Saves a step of the applicant's own draft, while its vacancy is open.
pub async fn save_step(
    txn: &DatabaseTransaction,
    applicant: Actor<'_>,
    application_id: i32,
    save: StepSave<'_>,
) -> Outcome<(), StepRefusal> {
    let (_, vacancy) = match own_draft(txn, applicant, application_id).await? {
        Ok(found) => found,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if !vacancy_open(&vacancy) {
        return Ok(Err(StepRefusal::Closed));
    }
    if let Some(answers) = save.answers {
        applications::save_answers(txn, application_id, answers).await?;
    }
    if let Some(referees) = save.referees {
        applications::save_referees(txn, application_id, referees).await?;
    }
    if !applications::save_step(txn, application_id, save.change).await? {
        anyhow::bail!("application {application_id} moved while locked");
    }
    Ok(Ok(()))
}

/// The applicant's own application, locked, if it is still a draft; and its vacancy, held
/// so that it cannot be closed meanwhile.
async fn own_draft(
    txn: &DatabaseTransaction,
    applicant: Actor<'_>,
    application_id: i32,
) -> Outcome<(application_entity::Model, vacancy::Model), StepRefusal> {
    let Some(application) = applications::find_for_update(txn, application_id)
        .await?
        .filter(|a| a.applicant_id == applicant.id)
    else {
        return Ok(Err(StepRefusal::NotFound));
    };
    let stage = application.stage;
    if stage != Stage::Draft {
        return Ok(Err(StepRefusal::NotDraft(stage)));
    }
    let vacancy = vacancies::find_for_application(txn, application.vacancy_id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("vacancy {}", application.vacancy_id)))?;
    Ok(Ok((application, vacancy)))
}

/// Why an application was not sent. Nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubmitRefusal {
    /// No such application of this applicant.
    NotFound,
    /// It was sent already (a second press, or another tab): nothing is sent twice.
    AlreadySent,
    /// It is no longer a draft for another reason (withdrawn, or further on).
    NotDraft(Stage),
    /// Its vacancy no longer takes applications.
    Closed,
    /// The vacancy is ring-fenced and the applicant's profile no longer declares care
    /// experience.
    NotEligible,
    /// A step of the form is still to do.
    Incomplete,
    /// The declaration was not made.
    NoDeclaration,
}

impl From<StepRefusal> for SubmitRefusal {
    fn from(refusal: StepRefusal) -> Self {
        match refusal {
            StepRefusal::NotFound => SubmitRefusal::NotFound,
            StepRefusal::NotDraft(Stage::Submitted) => SubmitRefusal::AlreadySent,
            StepRefusal::NotDraft(stage) => SubmitRefusal::NotDraft(stage),
            StepRefusal::Closed => SubmitRefusal::Closed,
        }
    }
}

/// Sends the applicant's draft: judged again on rows read in this transaction (still a
/// draft, the vacancy still open, the ring-fence still met, every step complete, the
/// declaration made), then moved to "sent" and the applicant emailed. A guaranteed interview
/// answer that no longer applies is removed.
pub async fn submit(
    txn: &DatabaseTransaction,
    config: &Config,
    applicant: Actor<'_>,
    application_id: i32,
    declaration_made: bool,
) -> Outcome<(), SubmitRefusal> {
    let (application, vacancy) = match own_draft(txn, applicant, application_id).await? {
        Ok(found) => found,
        Err(refusal) => return Ok(Err(refusal.into())),
    };
    if !vacancy_open(&vacancy) {
        return Ok(Err(SubmitRefusal::Closed));
    }
    let declared = applicant_profiles::find(txn, applicant.id)
        .await?
        .map(|p| p.care_experience);
    if application::eligibility(vacancy.ring_fenced, declared) != Eligibility::Eligible {
        return Ok(Err(SubmitRefusal::NotEligible));
    }
    if !incomplete_steps(txn, &application, declared)
        .await?
        .is_empty()
    {
        return Ok(Err(SubmitRefusal::Incomplete));
    }
    if !declaration_made {
        return Ok(Err(SubmitRefusal::NoDeclaration));
    }
    if !applications::change_stage(
        txn,
        application_id,
        Stage::Draft,
        Stage::Submitted,
        Some(applicant.id),
        "",
    )
    .await?
    {
        return Ok(Err(SubmitRefusal::AlreadySent));
    }
    if !application::can_opt_in(declared) && application.guaranteed_interview.is_some() {
        // They no longer declare care experience, so the scheme cannot apply.
        applications::clear_opt_in(txn, application_id).await?;
    }
    let organisation = organisations::find(txn, vacancy.organisation_id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    StatusEmail {
        name: applicant.name,
        email: applicant.email,
        vacancy: &vacancy,
        organisation: &organisation,
        application_id,
        stage: Stage::Submitted,
        feedback: "",
        calendar: None,
    }
    .queue(txn, config)
    .await?;
    Ok(Ok(()))
}

/// The steps of the application's form still to do, from what is stored.
async fn incomplete_steps(
    db: &impl ConnectionTrait,
    application: &application_entity::Model,
    declared: Option<CareExperience>,
) -> Result<Vec<Step>, DbErr> {
    let criteria = vacancies::criteria_of(db, application.vacancy_id).await?;
    let answers = applications::answers_of(db, application.id).await?;
    let referees = applications::referees_of(db, application.id).await?.len();
    let progress = progress(
        &criteria,
        &answers,
        referees,
        application.guaranteed_interview,
    );
    Ok(application::incomplete_steps(
        &application::steps(declared),
        progress,
    ))
}
