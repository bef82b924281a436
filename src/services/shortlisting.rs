//! Shortlisting by the vacancy's panel, as use cases: the board every page and rule reads,
//! the lead's final scores (with the automatic invitation under the guaranteed-interview rule),
//! decisions and completion. Each write locks the vacancy's shortlisting first and judges the
//! rule on rows read in its own transaction, so two panel actions at once cannot get round it.

use std::collections::{HashMap, HashSet};

use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr};
use serde_json::json;

use crate::config::Config;
use crate::db::audit::{self, AuditAction};
use crate::db::shortlisting::ScoreTally;
use crate::db::{self, applications, shortlisting, vacancies};
use crate::domain::application::Stage;
use crate::domain::audit_subject::AuditSubject;
use crate::domain::count::stored_count;
use crate::domain::shortlisting::{
    Blocker, Candidate, Exception, Minimum, Proposal, Ranked, Refusal, Score, Standing,
    check_decision, completion_blockers, invited_automatically, minimum, within_cap,
};
use crate::entities::stored::{UnknownStoredName, unreadable};
use crate::entities::{
    application, shortlist_decision, shortlisting as shortlisting_entity, vacancy,
    vacancy_criterion,
};
use crate::services::emails::email_applicant;
use crate::services::{Actor, Outcome};

/// One application on the board, with what the rule makes of it.
#[derive(Debug)]
pub struct Entry {
    /// The application.
    pub application: application::Model,
    /// Its stage.
    pub stage: Stage,
    /// Final scores by criterion, in criterion order.
    pub finals: Vec<Option<Score>>,
    /// The minimum criteria on final scores.
    pub minimum: Minimum,
    /// What the rule knows of it.
    pub candidate: Candidate,
    /// The decision recorded, if any.
    pub decision: Option<shortlist_decision::Model>,
    /// How many panel members have scored every criterion.
    pub scored_by: usize,
}

impl Entry {
    /// Whether the applicant opted in to the guaranteed interview scheme.
    pub fn opted_in(&self) -> bool {
        self.candidate.opted_in
    }
}

/// Everything shortlisting a vacancy needs: criteria, the applications still in the running,
/// everyone's scores and the lead's, decisions, and the exception.
#[derive(Debug)]
pub struct Board {
    /// The person specification, in order.
    pub criteria: Vec<vacancy_criterion::Model>,
    /// The applications, oldest sent first.
    pub entries: Vec<Entry>,
    /// How far each member of the panel as it is now has scored each application.
    pub tallies: Tallies,
    /// The shortlisting row.
    pub state: shortlisting_entity::Model,
    /// The exception as the rule sees it.
    pub exception: Exception,
    /// Whether the vacancy has closed, so decisions may be made.
    pub closed: bool,
    /// How many people are on the panel.
    pub panel_size: usize,
}

/// The stages of an application that shortlisting considers: sent, and not withdrawn.
pub fn in_shortlisting(stage: Stage) -> bool {
    matches!(
        stage,
        Stage::Submitted
            | Stage::Shortlisting
            | Stage::InvitedToInterview
            | Stage::NotShortlisted
            | Stage::InterviewBooked
            | Stage::Interviewed
            | Stage::ConditionalOffer
            | Stage::ChecksComplete
            | Stage::Started
            | Stage::Unsuccessful
    )
}

/// Builds the board of a vacancy. Pass the transaction when a rule guards a write, so the rule
/// is judged on the rows that transaction reads.
pub async fn board(db: &impl ConnectionTrait, vacancy: &vacancy::Model) -> Result<Board, DbErr> {
    let criteria = vacancies::criteria_of(db, vacancy.id).await?;
    let sent = crate::db::applications::sent_models_for_vacancy(db, vacancy.id).await?;
    let sent: Vec<(application::Model, Stage)> = sent
        .into_iter()
        .filter_map(|a| {
            let stage = a.stage;
            in_shortlisting(stage).then_some((a, stage))
        })
        .collect();
    let panel_size = shortlisting::panel_of(db, vacancy.id).await?.len();
    let tallies = Tallies::new(shortlisting::score_tallies(db, vacancy.id).await?);
    let final_scores = final_scores(db, vacancy.id).await?;
    let decisions = shortlisting::decisions_of_vacancy(db, vacancy.id).await?;
    let state_row = shortlisting::state_of(db, vacancy.id).await?;
    let exception = match (state_row.exception_status, state_row.exception_cap) {
        (crate::domain::shortlisting::ExceptionStatus::Approved, Some(cap)) => {
            Exception::Approved {
                cap: stored_count(cap)?,
            }
        }
        _ => Exception::NotApproved,
    };
    let mut decisions: HashMap<i32, shortlist_decision::Model> = decisions
        .into_iter()
        .map(|d| (d.application_id, d))
        .collect();
    let mut entries: Vec<Entry> = sent
        .into_iter()
        .map(|(a, stage)| {
            let finals: Vec<Option<Score>> = criteria
                .iter()
                .map(|c| final_scores.get(&(a.id, c.id)).copied())
                .collect();
            let minimum = essential_minimum(&criteria, &finals);
            Entry {
                candidate: Candidate {
                    opted_in: a.guaranteed_interview == Some(true),
                    minimum,
                    within_cap: false,
                },
                finals,
                minimum,
                decision: decisions.remove(&a.id),
                scored_by: tallies.done_by(a.id, criteria.len()),
                stage,
                application: a,
            }
        })
        .collect();
    judge(&criteria, exception, &mut entries);
    Ok(Board {
        closed: vacancy.closes_at <= db::now()
            || vacancy.status == crate::domain::vacancy::VacancyStatus::Closed,
        criteria,
        entries,
        tallies,
        state: state_row,
        exception,
        panel_size,
    })
}

/// The final scores of the applications, by (application ID, criterion ID): indexed once, so
/// the page stays quick with hundreds of applications. A stored score that is not 0 to 3 is
/// an error, never a score missing.
async fn final_scores(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
) -> Result<HashMap<(i32, i32), Score>, DbErr> {
    shortlisting::finals_of_vacancy(db, vacancy_id)
        .await?
        .iter()
        .map(|f| {
            let score = Score::from_stored(i32::from(f.score)).ok_or_else(|| {
                unreadable(
                    "Score",
                    UnknownStoredName {
                        type_name: "Score",
                        found: f.score.to_string(),
                    },
                )
            })?;
            Ok(((f.application_id, f.criterion_id), score))
        })
        .collect()
}

/// How far each member of the panel as it is now has scored each application
/// (`db::shortlisting::score_tallies`), by application.
#[derive(Debug, Default)]
pub struct Tallies(HashMap<i32, Vec<ScoreTally>>);

impl Tallies {
    /// The tallies read, indexed by application.
    pub fn new(tallies: Vec<ScoreTally>) -> Self {
        let mut by_application: HashMap<i32, Vec<ScoreTally>> = HashMap::new();
        for t in tallies {
            by_application.entry(t.application_id).or_default().push(t);
        }
        Tallies(by_application)
    }

    fn of(&self, application_id: i32) -> &[ScoreTally] {
        self.0.get(&application_id).map_or(&[], Vec::as_slice)
    }

    /// How many criteria `scorer_id` has scored on the application.
    pub fn scored(&self, application_id: i32, scorer_id: i32) -> usize {
        self.of(application_id)
            .iter()
            .find(|t| t.scorer_id == scorer_id)
            .map_or(0, |t| usize::try_from(t.scored).unwrap_or(usize::MAX))
    }

    /// How many members have scored every one of the `criteria` on the application.
    pub fn done_by(&self, application_id: i32, criteria: usize) -> usize {
        self.of(application_id)
            .iter()
            .filter(|t| usize::try_from(t.scored).is_ok_and(|n| n >= criteria))
            .count()
    }

    /// The panel's average score of the application over every criterion, if anyone scored.
    pub fn average(&self, application_id: i32) -> Option<f64> {
        let (total, scored) = self
            .of(application_id)
            .iter()
            .fold((0_i64, 0_i64), |(t, n), x| (t + x.total, n + x.scored));
        (scored > 0).then(|| total as f64 / scored as f64)
    }
}

/// The minimum criteria on the final scores (in criterion order) of the essential criteria.
fn essential_minimum(criteria: &[vacancy_criterion::Model], finals: &[Option<Score>]) -> Minimum {
    let essential: Vec<Option<Score>> = criteria
        .iter()
        .zip(finals)
        .filter(|(c, _)| c.essential)
        .map(|(_, s)| *s)
        .collect();
    minimum(&essential)
}

/// The sum of the final scores given for the essential, or the desirable, criteria.
fn total(criteria: &[vacancy_criterion::Model], finals: &[Option<Score>], essential: bool) -> u32 {
    criteria
        .iter()
        .zip(finals)
        .filter(|(c, _)| c.essential == essential)
        .filter_map(|(_, s)| *s)
        .map(|s| u32::from(s.value()))
        .sum()
}

/// Judges every entry on its final scores: the minimum criteria, and whether it is within an
/// approved exception's cap, which ranks the whole board.
fn judge(criteria: &[vacancy_criterion::Model], exception: Exception, entries: &mut [Entry]) {
    let ranked: Vec<Ranked> = entries
        .iter()
        .map(|e| Ranked {
            id: e.application.id,
            minimum: essential_minimum(criteria, &e.finals),
            essential_total: total(criteria, &e.finals, true),
            desirable_total: total(criteria, &e.finals, false),
        })
        .collect();
    let capped: HashSet<i32> = match exception {
        Exception::Approved { cap } => within_cap(&ranked, cap),
        Exception::NotApproved => HashSet::new(),
    };
    for entry in entries {
        let minimum = essential_minimum(criteria, &entry.finals);
        entry.minimum = minimum;
        entry.candidate = Candidate {
            opted_in: entry.application.guaranteed_interview == Some(true),
            minimum,
            within_cap: capped.contains(&entry.application.id),
        };
    }
}

/// Whether shortlisting of this board is complete, so identities are revealed.
pub fn is_complete(board: &Board) -> bool {
    board.state.completed_at.is_some()
}

/// Why the panel's action was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShortlistRefusal {
    /// The person does not lead the panel (any more).
    NotLead,
    /// The application is not one of this vacancy's in shortlisting.
    NotFound,
    /// Shortlisting is complete, so scores and decisions no longer change.
    Complete,
    /// Decisions and completion wait until the vacancy has closed.
    VacancyOpen,
    /// The guaranteed-interview rule refuses this decision.
    Rule(Refusal),
    /// Shortlisting cannot be completed yet: these applications, and why.
    Blocked(Vec<(i32, Blocker)>),
}

/// Locks the vacancy's shortlisting and checks that `actor` leads its panel and that it is
/// not complete. Returns the vacancy as read inside the transaction.
async fn lead_open(
    txn: &DatabaseTransaction,
    vacancy_id: i32,
    actor: i32,
) -> anyhow::Result<Result<vacancy::Model, ShortlistRefusal>> {
    let state = shortlisting::lock(txn, vacancy_id).await?;
    let leads = shortlisting::membership(txn, vacancy_id, actor)
        .await?
        .is_some_and(|m| m.is_lead);
    if !leads {
        return Ok(Err(ShortlistRefusal::NotLead));
    }
    if state.completed_at.is_some() {
        return Ok(Err(ShortlistRefusal::Complete));
    }
    let vacancy = vacancies::find(txn, vacancy_id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("vacancy {vacancy_id}")))?;
    Ok(Ok(vacancy))
}

/// A vacancy's shortlisting, locked for the transaction that read it, with its board as read
/// under the lock: one POST reads the board once and judges every check on it.
#[derive(Debug)]
pub struct LockedBoard {
    /// The vacancy, as read inside the transaction.
    pub vacancy: vacancy::Model,
    /// Its board.
    pub board: Board,
}

/// Locks the vacancy's shortlisting, then reads the vacancy and its board in the same
/// transaction, so nothing the rule reads changes under it.
pub async fn lock_board(txn: &DatabaseTransaction, vacancy_id: i32) -> Result<LockedBoard, DbErr> {
    shortlisting::lock(txn, vacancy_id).await?;
    let vacancy = vacancies::find(txn, vacancy_id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("vacancy {vacancy_id}")))?;
    let board = board(txn, &vacancy).await?;
    Ok(LockedBoard { vacancy, board })
}

/// Checks that `actor` leads the panel of a locked board's vacancy and that its shortlisting is
/// not complete (the state read under the lock).
async fn leads_open(
    txn: &DatabaseTransaction,
    locked: &LockedBoard,
    actor: i32,
) -> anyhow::Result<Result<(), ShortlistRefusal>> {
    let leads = shortlisting::membership(txn, locked.vacancy.id, actor)
        .await?
        .is_some_and(|m| m.is_lead);
    if !leads {
        return Ok(Err(ShortlistRefusal::NotLead));
    }
    if is_complete(&locked.board) {
        return Ok(Err(ShortlistRefusal::Complete));
    }
    Ok(Ok(()))
}

/// Sets an entry's final scores (criterion ID, score) in the board as read, as the database now
/// holds them, and judges the whole board again: the exception's cap ranks every application.
fn apply_finals(board: &mut Board, application_id: i32, stored: &[(i32, Score)]) {
    let criteria = &board.criteria;
    if let Some(entry) = board
        .entries
        .iter_mut()
        .find(|e| e.application.id == application_id)
    {
        for (c, score) in criteria.iter().zip(entry.finals.iter_mut()) {
            if let Some((_, new)) = stored.iter().find(|(id, _)| *id == c.id) {
                *score = Some(*new);
            }
        }
    }
    judge(criteria, board.exception, &mut board.entries);
}

/// A panel member saves their own scores (criterion ID, score, note) for an application,
/// refused once shortlisting is complete or if they have left the panel meanwhile: both are
/// read under the lock that completion takes.
pub async fn save_scores(
    txn: &DatabaseTransaction,
    member: Actor<'_>,
    vacancy_id: i32,
    application_id: i32,
    scores: &[(i32, i16, String)],
) -> Outcome<(), ShortlistRefusal> {
    let state = shortlisting::lock(txn, vacancy_id).await?;
    if shortlisting::membership(txn, vacancy_id, member.id)
        .await?
        .is_none()
    {
        return Ok(Err(ShortlistRefusal::NotFound));
    }
    if state.completed_at.is_some() {
        return Ok(Err(ShortlistRefusal::Complete));
    }
    let in_vacancy = applications::find(txn, application_id)
        .await?
        .is_some_and(|a| a.vacancy_id == vacancy_id);
    if !in_vacancy {
        return Ok(Err(ShortlistRefusal::NotFound));
    }
    shortlisting::save_scores(txn, application_id, member.id, scores).await?;
    Ok(Ok(()))
}

/// What saving final scores led to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FinalsSaved {
    /// The rule invited the application to interview, there and then.
    pub invited_automatically: bool,
}

/// The lead sets the final score of each criterion (criterion ID, score); criteria of other
/// vacancies are ignored. An opted-in application whose final essential scores all meet the
/// bar is invited there and then, automatically, and that is audited; so is any later change
/// to the final scores of an application invited that way, with the old and new scores. The
/// rule is judged on `locked`'s board, read under the lock, with the new final scores (and the
/// automatic invitation) applied to it as they are written.
pub async fn save_finals(
    txn: &DatabaseTransaction,
    lead: Actor<'_>,
    locked: &mut LockedBoard,
    application_id: i32,
    scores: &[(i32, Score)],
) -> Outcome<FinalsSaved, ShortlistRefusal> {
    if let Err(refusal) = leads_open(txn, locked, lead.id).await? {
        return Ok(Err(refusal));
    }
    let vacancy_id = locked.vacancy.id;
    let before = &locked.board;
    let Some(entry) = before
        .entries
        .iter()
        .find(|e| e.application.id == application_id)
    else {
        return Ok(Err(ShortlistRefusal::NotFound));
    };
    let stored: Vec<(i32, i16)> = before
        .criteria
        .iter()
        .filter_map(|c| {
            let (_, score) = scores.iter().find(|(id, _)| *id == c.id)?;
            Some((c.id, i16::from(score.value())))
        })
        .collect();
    let old: Vec<Option<u8>> = entry.finals.iter().map(|s| s.map(Score::value)).collect();
    let new: Vec<Option<u8>> = before
        .criteria
        .iter()
        .zip(&old)
        .map(|(c, old)| {
            stored
                .iter()
                .find(|(id, _)| *id == c.id)
                .and_then(|(_, s)| u8::try_from(*s).ok())
                .or(*old)
        })
        .collect();
    let was_automatic = entry
        .decision
        .as_ref()
        .is_some_and(|d| d.invited && d.automatic);
    shortlisting::save_finals(txn, application_id, lead.id, &stored).await?;
    if was_automatic && old != new {
        audit::record(
            txn,
            Some(lead.id),
            AuditAction::FinalScoresChangedAfterInvitation,
            &AuditSubject::Application(application_id),
            json!({ "vacancy": vacancy_id, "old": old, "new": new }),
        )
        .await?;
    }
    let written: Vec<(i32, Score)> = stored
        .iter()
        .filter_map(|(id, s)| Some((*id, Score::from_stored(i32::from(*s))?)))
        .collect();
    apply_finals(&mut locked.board, application_id, &written);
    let after = &mut locked.board;
    let Some(entry) = after
        .entries
        .iter_mut()
        .find(|e| e.application.id == application_id)
    else {
        return Ok(Err(ShortlistRefusal::NotFound));
    };
    let invite = invited_automatically(entry.candidate, after.exception)
        && entry.decision.as_ref().is_none_or(|d| !d.invited);
    if invite {
        shortlisting::save_decision(txn, application_id, true, "", true, lead.id).await?;
        entry.decision = Some(shortlist_decision::Model {
            application_id,
            invited: true,
            feedback: String::new(),
            automatic: true,
            decided_by: lead.id,
            decided_at: db::now(),
        });
        audit::record(
            txn,
            Some(lead.id),
            AuditAction::InvitedAutomatically,
            &AuditSubject::Application(application_id),
            json!({ "vacancy": vacancy_id, "final_scores": new }),
        )
        .await?;
    }
    Ok(Ok(FinalsSaved {
        invited_automatically: invite,
    }))
}

/// The lead decides: invite, or not shortlisted with feedback. The guaranteed-interview rule
/// is judged on `locked`'s board, read in this transaction under the lock (with any final
/// scores saved before it applied); a refused attempt to decline a guaranteed interview is
/// audited (the only write of a refusal), and so is each decline with feedback. The first
/// decision tells the applicant their application is being reviewed.
pub async fn decide(
    txn: &DatabaseTransaction,
    config: &Config,
    lead: Actor<'_>,
    locked: &LockedBoard,
    application_id: i32,
    proposal: Proposal,
    feedback: &str,
) -> Outcome<(), ShortlistRefusal> {
    if let Err(refusal) = leads_open(txn, locked, lead.id).await? {
        return Ok(Err(refusal));
    }
    let (vacancy, board) = (&locked.vacancy, &locked.board);
    let vacancy_id = vacancy.id;
    let Some(entry) = board
        .entries
        .iter()
        .find(|e| e.application.id == application_id)
    else {
        return Ok(Err(ShortlistRefusal::NotFound));
    };
    let subject = AuditSubject::Application(application_id);
    if let Err(refusal) = check_decision(entry.candidate, board.exception, board.closed, proposal) {
        if refusal == Refusal::GuaranteedInterview {
            audit::record(
                txn,
                Some(lead.id),
                AuditAction::OverrideRefused,
                &subject,
                json!({ "vacancy": vacancy_id, "attempted": "not_shortlisted" }),
            )
            .await?;
            tracing::warn!(
                application_id,
                user_id = lead.id,
                "guaranteed interview override refused"
            );
        }
        return Ok(Err(ShortlistRefusal::Rule(refusal)));
    }
    let invited = proposal == Proposal::Invite;
    shortlisting::save_decision(txn, application_id, invited, feedback, false, lead.id).await?;
    if entry.stage == Stage::Submitted
        && applications::change_stage(
            txn,
            application_id,
            Stage::Submitted,
            Stage::Shortlisting,
            Some(lead.id),
            "",
        )
        .await?
    {
        email_applicant(
            txn,
            config,
            vacancy,
            &entry.application,
            Stage::Shortlisting,
            "",
        )
        .await?;
    }
    if !invited && entry.opted_in() {
        audit::record(
            txn,
            Some(lead.id),
            AuditAction::DeclinedWithFeedback,
            &subject,
            // The feedback is free text about the applicant, kept on the decision: the log
            // says only that it was given, and how long it is.
            json!({
                "vacancy": vacancy_id,
                "feedback_given": !feedback.trim().is_empty(),
                "feedback_words": feedback.split_whitespace().count(),
            }),
        )
        .await?;
    }
    Ok(Ok(()))
}

/// What completing shortlisting would do, for the lead to confirm: nothing is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionPreview {
    /// Applicants who would be invited to interview (and their names shown to the panel).
    pub invited: usize,
    /// Applicants who would be told they were not taken forward.
    pub declined: usize,
    /// Of those, how many get the panel's written feedback.
    pub with_feedback: usize,
    /// The panel members who would see the invited applicants' names.
    pub panel: Vec<String>,
}

/// The applications completion moves on, if the rule lets it: refused until the vacancy has
/// closed, every application has a decision, every application the rule invites is invited,
/// and none is invited beyond an approved cap.
fn deciding(board: &Board) -> Result<Vec<&Entry>, ShortlistRefusal> {
    if !board.closed {
        return Err(ShortlistRefusal::VacancyOpen);
    }
    let deciding: Vec<&Entry> = board
        .entries
        .iter()
        .filter(|e| matches!(e.stage, Stage::Submitted | Stage::Shortlisting))
        .collect();
    let standings: Vec<Standing> = deciding
        .iter()
        .map(|e| Standing {
            id: e.application.id,
            candidate: e.candidate,
            invited: e.decision.as_ref().map(|d| d.invited),
        })
        .collect();
    let blockers = completion_blockers(&standings, board.exception);
    if blockers.is_empty() {
        Ok(deciding)
    } else {
        Err(ShortlistRefusal::Blocked(blockers))
    }
}

/// What completing shortlisting would do now, or why it would be refused, judged by the same
/// rule as [`complete`]. It reads only: the lead sees it before they confirm.
pub async fn preview_completion(
    db: &impl ConnectionTrait,
    vacancy: &vacancy::Model,
) -> Outcome<CompletionPreview, ShortlistRefusal> {
    let board = board(db, vacancy).await?;
    if is_complete(&board) {
        return Ok(Err(ShortlistRefusal::Complete));
    }
    let entries = match deciding(&board) {
        Ok(entries) => entries,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let decisions: Vec<&shortlist_decision::Model> =
        entries.iter().filter_map(|e| e.decision.as_ref()).collect();
    let panel = shortlisting::panel_of(db, vacancy.id)
        .await?
        .into_iter()
        .map(|(_, u)| u.full_name)
        .collect();
    Ok(Ok(CompletionPreview {
        invited: decisions.iter().filter(|d| d.invited).count(),
        declined: decisions.iter().filter(|d| !d.invited).count(),
        with_feedback: decisions
            .iter()
            .filter(|d| !d.invited && !d.feedback.trim().is_empty())
            .count(),
        panel,
    }))
}

/// Shortlisting completed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completed {
    /// The applications invited to interview.
    pub invited: Vec<i32>,
}

/// Completes shortlisting: refused until the vacancy has closed, every application has a
/// decision, every application the rule invites is invited, and none is invited beyond an
/// approved cap, all judged on rows read in this transaction. Then each application moves on,
/// each applicant is emailed (with feedback where declined), and the panel sees the names of
/// those invited: that reveal is audited.
pub async fn complete(
    txn: &DatabaseTransaction,
    config: &Config,
    lead: Actor<'_>,
    vacancy_id: i32,
) -> Outcome<Completed, ShortlistRefusal> {
    let vacancy = match lead_open(txn, vacancy_id, lead.id).await? {
        Ok(v) => v,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let board = board(txn, &vacancy).await?;
    let deciding = match deciding(&board) {
        Ok(entries) => entries,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if !shortlisting::complete(txn, vacancy_id, lead.id).await? {
        return Ok(Err(ShortlistRefusal::Complete));
    }
    let mut invited = Vec::new();
    for entry in deciding {
        let Some(decision) = &entry.decision else {
            continue;
        };
        let app_id = entry.application.id;
        if entry.stage == Stage::Submitted {
            applications::change_stage(
                txn,
                app_id,
                Stage::Submitted,
                Stage::Shortlisting,
                Some(lead.id),
                "",
            )
            .await?;
        }
        let (to, note) = if decision.invited {
            invited.push(app_id);
            (Stage::InvitedToInterview, "")
        } else {
            (Stage::NotShortlisted, decision.feedback.as_str())
        };
        // Every application was read in this transaction, under the lock: a move refused here
        // is a fault, and the whole completion is undone.
        if !applications::change_stage(txn, app_id, Stage::Shortlisting, to, Some(lead.id), note)
            .await?
        {
            anyhow::bail!("application {app_id} changed stage while shortlisting completed");
        }
        email_applicant(txn, config, &vacancy, &entry.application, to, note).await?;
    }
    audit::record(
        txn,
        Some(lead.id),
        AuditAction::IdentitiesRevealed,
        &AuditSubject::Vacancy(vacancy_id),
        json!({ "invited_applications": invited }),
    )
    .await?;
    Ok(Ok(Completed { invited }))
}
