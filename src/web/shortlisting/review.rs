//! One application on the panel's screen: the evidence under its reference (no name, contact
//! or care details), the member's own scores, and for the lead everyone's scores side by
//! side, the final scores and the decision, checked against the guaranteed-interview rule.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::db::{applications, shortlisting, users};
use crate::domain::application::{reference, word_count};
use crate::domain::audit_subject::AuditSubject;
use crate::domain::shortlisting::{Proposal, Refusal, Score, invited_automatically};
use crate::domain::vacancy::MAX_CRITERIA;
use crate::entities::{application_answer, panel_member, shortlist_score, user, vacancy_criterion};
use crate::services;
use crate::services::Actor;
use crate::services::applicant_details::DetailsPage;
use crate::services::panel::DecisionSaved;
use crate::services::shortlisting::ShortlistRefusal;
use crate::web::error::{AppError, AppResult};
use crate::web::page::{FormErrors, IdPairPath, Numbered, Page, flash};
use crate::web::roles::HiringManager;
use crate::web::session_timeout::Kept;
use crate::web::shortlisting::{
    Board, Entry, PanelSeat, audit_details_view, board, is_complete, load_seat,
};
use crate::web::unit_of_work::UnitOfWork;

macro_rules! names {
    ($prefix:literal) => {
        [
            concat!($prefix, "1"),
            concat!($prefix, "2"),
            concat!($prefix, "3"),
            concat!($prefix, "4"),
            concat!($prefix, "5"),
            concat!($prefix, "6"),
            concat!($prefix, "7"),
            concat!($prefix, "8"),
            concat!($prefix, "9"),
            concat!($prefix, "10"),
            concat!($prefix, "11"),
            concat!($prefix, "12"),
            concat!($prefix, "13"),
            concat!($prefix, "14"),
            concat!($prefix, "15"),
            concat!($prefix, "16"),
            concat!($prefix, "17"),
            concat!($prefix, "18"),
            concat!($prefix, "19"),
            concat!($prefix, "20"),
        ]
    };
}

/// Field names of the scores, notes and final scores, by criterion position.
const SCORE_FIELDS: [&str; MAX_CRITERIA] = names!("score-");
const NOTE_FIELDS: [&str; MAX_CRITERIA] = names!("note-");
const FINAL_FIELDS: [&str; MAX_CRITERIA] = names!("final-");

/// Most characters of a scoring note.
const MAX_NOTE: usize = 1_000;

/// One criterion as the panel sees it.
pub struct CriterionView {
    text: String,
    essential: bool,
    evidence: String,
    score_field: &'static str,
    note_field: &'static str,
    final_field: &'static str,
    /// The member's own score and note, as stored or typed.
    my_score: String,
    my_note: String,
    /// For the lead: each member's score (name, score or "–").
    others: Vec<(String, String)>,
    /// For the lead: the average of the scores given.
    average: String,
    /// For the lead: the final score, as stored or typed, or else the panel's average rounded
    /// once everyone on the panel has scored.
    final_score: String,
    /// For the lead: the final score's label.
    final_label: String,
    /// For the lead: the hint under the final score, saying where its value came from.
    final_hint: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "shortlisting/application.html")]
pub struct ReviewTemplate {
    page: Page,
    seat: PanelSeat,
    app_id: i32,
    reference: String,
    /// Shown only once the final scores are set: the panel scores without seeing the scheme.
    invited_automatically: bool,
    /// The referees, shown only with the reveal.
    referees: Vec<RefereeView>,
    criteria: Vec<CriterionView>,
    scores: [Score; 4],
    decision: String,
    feedback: String,
    decided: Option<bool>,
    complete: bool,
    closed: bool,
    revealed: Option<String>,
    /// Said beside an error when part of the page was saved all the same.
    saved_anyway: String,
    /// The application to go to next: (id, reference).
    next: Option<(i32, String)>,
    errors: FormErrors,
}

/// The application after `app_id` that still needs `me_id`'s scores (going round the board's
/// order), or else simply the next one in the board's order.
fn next_application(board: &Board, me_id: i32, app_id: i32) -> Option<i32> {
    let ids: Vec<i32> = board.entries.iter().map(|e| e.application.id).collect();
    let at = ids.iter().position(|id| *id == app_id)?;
    let scored = |id: i32| board.tallies.scored(id, me_id) >= board.criteria.len();
    let after = ids.iter().skip(at + 1).chain(ids.iter().take(at));
    after
        .copied()
        .find(|id| !scored(*id))
        .or_else(|| ids.get(at + 1).copied())
}

/// A referee, as the panel sees them after the reveal.
pub struct RefereeView {
    kind: &'static str,
    name: String,
    relationship: String,
    email: String,
    phone: String,
}

/// The review form as sent: for each criterion by position, the member's score and note and
/// the lead's final score (`score-1`, `note-1`, `final-1`, ...), and the lead's decision and
/// feedback.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReviewFields {
    decision: String,
    feedback: String,
    /// [`SCORE_FIELDS`], [`NOTE_FIELDS`] and [`FINAL_FIELDS`].
    #[serde(flatten)]
    numbered: Numbered,
}

/// What the person typed, to show again with errors.
#[derive(Default)]
struct Typed {
    scores: Vec<(String, String)>,
    finals: Vec<String>,
    decision: String,
    feedback: String,
}

impl Typed {
    /// Everything the form carries, as typed (for a form kept after the session ended).
    fn from_fields(fields: &ReviewFields) -> Self {
        Self {
            scores: (0..MAX_CRITERIA)
                .map(|i| {
                    (
                        fields.numbered.get(SCORE_FIELDS[i]).to_owned(),
                        fields.numbered.get(NOTE_FIELDS[i]).to_owned(),
                    )
                })
                .collect(),
            finals: (0..MAX_CRITERIA)
                .map(|i| fields.numbered.get(FINAL_FIELDS[i]).to_owned())
                .collect(),
            decision: fields.decision.as_str().to_owned(),
            feedback: fields.feedback.as_str().to_owned(),
        }
    }
}

fn entry_of(board: &Board, app_id: i32) -> AppResult<&Entry> {
    board
        .entries
        .iter()
        .find(|e| e.application.id == app_id)
        .ok_or(AppError::NotFound)
}

/// The review page of application `app_id` on `board`, with what was typed and the errors
/// found in it when the form is shown again.
async fn render(
    state: &AppState,
    me_id: i32,
    page: Page,
    seat: PanelSeat,
    board: &Board,
    app_id: i32,
    again: Option<(Typed, FormErrors)>,
) -> AppResult<ReviewTemplate> {
    let (typed, errors) = match again {
        Some((typed, errors)) => (Some(typed), errors),
        None => (None, FormErrors::default()),
    };
    let entry = entry_of(board, app_id)?;
    let answers = applications::answers_of(&state.db, app_id).await?;
    let panel = shortlisting::panel_of(&state.db, seat.vacancy.id).await?;
    // Only the panel as it is now counts: a removed member's scores stay stored, as the record
    // of what they did, but no longer weigh in the averages.
    let scores: Vec<shortlist_score::Model> = shortlisting::scores_for(&state.db, &[app_id])
        .await?
        .into_iter()
        .filter(|s| panel.iter().any(|(m, _)| m.user_id == s.scorer_id))
        .collect();
    let shown = Shown {
        board,
        entry,
        me_id,
        lead: seat.is_lead(),
        panel: &panel,
        scores: &scores,
        answers: &answers,
        typed: typed.as_ref(),
    };
    let criteria = board
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| shown.criterion(i, c))
        .collect();
    let complete = is_complete(board);
    let decided = entry.decision.as_ref().map(|d| d.invited);
    let (revealed, referees) = if complete && decided == Some(true) {
        revealed(state, entry).await?
    } else {
        (None, Vec::new())
    };
    let (decision, feedback) = match typed {
        Some(t) => (t.decision, t.feedback),
        None => decision_shown(entry),
    };
    Ok(ReviewTemplate {
        page,
        app_id,
        reference: reference(app_id),
        invited_automatically: invited_automatically(entry.candidate, board.exception),
        referees,
        criteria,
        scores: Score::ALL,
        decision,
        feedback,
        decided,
        complete,
        closed: board.closed,
        revealed,
        saved_anyway: String::new(),
        next: next_application(board, me_id, app_id).map(|id| (id, reference(id))),
        seat,
        errors,
    })
}

/// What the review page shows of one application, for one member.
struct Shown<'a> {
    board: &'a Board,
    entry: &'a Entry,
    me_id: i32,
    lead: bool,
    panel: &'a [(panel_member::Model, user::Model)],
    /// The application's scores by the panel as it is now.
    scores: &'a [shortlist_score::Model],
    answers: &'a [application_answer::Model],
    typed: Option<&'a Typed>,
}

impl Shown<'_> {
    /// The scores the panel gave this application for criterion `criterion_id`.
    fn scores_for(
        &self,
        criterion_id: i32,
    ) -> impl Iterator<Item = &shortlist_score::Model> + use<'_> {
        self.scores
            .iter()
            .filter(move |s| s.criterion_id == criterion_id)
    }

    /// The `i`th criterion, `c`, as the panel sees it.
    fn criterion(&self, i: usize, c: &vacancy_criterion::Model) -> CriterionView {
        // The panel's average is filled in as the final score only once everyone on the panel
        // has scored every criterion, so a half-finished average is never saved by the one
        // button.
        let everyone_scored =
            self.board.panel_size > 0 && self.entry.scored_by >= self.board.panel_size;
        let mine = self.scores_for(c.id).find(|s| s.scorer_id == self.me_id);
        let given: Vec<i16> = self.scores_for(c.id).map(|s| s.score).collect();
        let (my_score, my_note) = match self.typed.and_then(|t| t.scores.get(i)) {
            Some((score, note)) => (score.clone(), note.clone()),
            None => (
                mine.map(|s| s.score.to_string()).unwrap_or_default(),
                mine.map(|s| s.note.clone()).unwrap_or_default(),
            ),
        };
        let stored_final = self.entry.finals.get(i).copied().flatten();
        CriterionView {
            text: c.text.clone(),
            essential: c.essential,
            evidence: self
                .answers
                .iter()
                .find(|a| a.criterion_id == c.id)
                .map(|a| a.evidence.clone())
                .unwrap_or_default(),
            score_field: SCORE_FIELDS[i.min(MAX_CRITERIA - 1)],
            note_field: NOTE_FIELDS[i.min(MAX_CRITERIA - 1)],
            final_field: FINAL_FIELDS[i.min(MAX_CRITERIA - 1)],
            my_score,
            my_note,
            others: if self.lead {
                self.others(c.id)
            } else {
                Vec::new()
            },
            average: average(&given),
            final_label: format!("Final score for \"{}\"", c.text),
            final_hint: final_hint(stored_final.is_some(), everyone_scored, &given),
            final_score: self
                .typed
                .and_then(|t| t.finals.get(i).cloned())
                .or_else(|| stored_final.map(|s| s.value().to_string()))
                .or_else(|| {
                    everyone_scored
                        .then(|| rounded_average(&given))
                        .flatten()
                        .map(|s| s.to_string())
                })
                .unwrap_or_default(),
        }
    }

    /// For the lead: each panel member's score for the criterion (name, score or "–").
    fn others(&self, criterion_id: i32) -> Vec<(String, String)> {
        self.panel
            .iter()
            .map(|(_, u)| {
                let score = self
                    .scores_for(criterion_id)
                    .find(|s| s.scorer_id == u.id)
                    .map_or("–".to_owned(), |s| s.score.to_string());
                (u.full_name.clone(), score)
            })
            .collect()
    }
}

/// The applicant's name and referees, for an application invited once shortlisting is
/// complete. Referees name and describe people who know the applicant, and a personal adviser
/// names a care leaver: the panel sees none of it until the reveal, and then only for those
/// invited (DOMAIN.md §3, §6).
async fn revealed(
    state: &AppState,
    entry: &Entry,
) -> AppResult<(Option<String>, Vec<RefereeView>)> {
    let name = users::find_by_id(&state.db, entry.application.applicant_id)
        .await?
        .map(|u| u.full_name);
    let referees = applications::referees_of(&state.db, entry.application.id)
        .await?
        .into_iter()
        .map(|r| RefereeView {
            kind: r.kind.label(),
            name: r.name,
            relationship: r.relationship,
            email: r.email,
            phone: r.phone,
        })
        .collect();
    Ok((name, referees))
}

/// The decision and feedback as recorded, for a form shown afresh.
fn decision_shown(entry: &Entry) -> (String, String) {
    (
        match entry.decision.as_ref().map(|d| d.invited) {
            Some(true) => "invite".to_owned(),
            Some(false) => "decline".to_owned(),
            None => String::new(),
        },
        entry
            .decision
            .as_ref()
            .map(|d| d.feedback.clone())
            .unwrap_or_default(),
    )
}

/// The average of the scores given, to one decimal place (a half rounds up), or "–".
fn average(scores: &[i16]) -> String {
    if scores.is_empty() {
        return "–".to_owned();
    }
    let sum: i32 = scores.iter().map(|s| i32::from(*s)).sum();
    let count = i32::try_from(scores.len()).unwrap_or(1);
    let tenths = (20 * sum + count) / (2 * count);
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// The average of the scores given, rounded to a whole score (a half rounds up, as the
/// applicant's benefit of the doubt), or nothing when no one has scored.
fn rounded_average(scores: &[i16]) -> Option<u8> {
    if scores.is_empty() {
        return None;
    }
    let sum: i32 = scores.iter().map(|s| i32::from(*s)).sum();
    let count = i32::try_from(scores.len()).unwrap_or(1);
    u8::try_from((2 * sum + count) / (2 * count)).ok()
}

/// Where the final score shown came from, in words for the lead.
fn final_hint(stored: bool, everyone_scored: bool, given: &[i16]) -> String {
    let rounded = rounded_average(given);
    match (stored, everyone_scored, rounded) {
        (true, _, Some(_)) => format!(
            "A whole number from 0 to 3. The panel's average is {}.",
            average(given)
        ),
        (false, true, Some(rounded)) => format!(
            "Filled in from the panel's average, {}, rounded to {rounded}. Change it if the panel agreed a different score.",
            average(given)
        ),
        _ => "A whole number from 0 to 3. The panel's average is filled in here once everyone on the panel has scored.".to_owned(),
    }
}

pub async fn show(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    mut page: Page,
    IdPairPath(id, app_id): IdPairPath,
    kept: Kept,
) -> AppResult<ReviewTemplate> {
    let seat = load_seat(&state, &me, id).await?;
    let vacancy_id = seat.vacancy.id;
    // A form sent after the session ended is shown again as typed (issue 21).
    kept.show_message(&mut page);
    let board = board(&state.db, &seat.vacancy).await?;
    let again = kept
        .form::<ReviewFields>()?
        .map(|fields| (Typed::from_fields(&fields), FormErrors::default()));
    let template = render(&state, me.id, page, seat, &board, app_id, again).await?;
    // Only a page actually shown is a look: an application not on this vacancy is a 404 above.
    let uow = UnitOfWork::begin(&state).await?;
    crate::services::panel::record_late_reveal_view(
        &uow,
        vacancy_id,
        Actor::from(&me),
        "application",
    )
    .await?;
    uow.commit().await?;
    // Once revealed, the page names the applicant and their referees.
    if template.revealed.is_some() {
        audit_details_view(
            &state,
            Actor::from(&me),
            &AuditSubject::Application(app_id),
            DetailsPage::Application,
            &[app_id],
        )
        .await?;
    }
    Ok(template)
}

/// The words for a refused panel action.
pub(crate) fn refused(refusal: ShortlistRefusal) -> AppError {
    match refusal {
        ShortlistRefusal::NotLead => AppError::Forbidden,
        ShortlistRefusal::NotFound => AppError::NotFound,
        ShortlistRefusal::Complete => AppError::BadRequest(
            "Shortlisting for this vacancy is complete, so scores and decisions can no longer change.".into(),
        ),
        ShortlistRefusal::VacancyOpen => AppError::BadRequest(Refusal::VacancyOpen.explanation()),
        ShortlistRefusal::Rule(refusal) => AppError::BadRequest(refusal.explanation()),
        ShortlistRefusal::Blocked(_) => AppError::BadRequest(
            "Shortlisting cannot be completed yet. Check the list of applications.".into(),
        ),
    }
}

/// Nothing is scored or decided once shortlisting is complete.
fn still_open(board: &Board) -> AppResult<()> {
    if is_complete(board) {
        Err(AppError::BadRequest(
            "Shortlisting for this vacancy is complete, so scores and decisions can no longer change.".into(),
        ))
    } else {
        Ok(())
    }
}

/// The review form as sent, checked against the board's criteria: what to save, or every
/// problem found, with everything typed to show again.
struct ReviewForm<'a> {
    typed: Typed,
    errors: FormErrors,
    /// The member gave their own scores (all of them, or the form has errors).
    own_given: bool,
    scores: Vec<(i32, i16, String)>,
    /// The lead gave final scores (all of them, or the form has errors).
    finals_given: bool,
    finals: Vec<(i32, Score)>,
    proposal: Option<Proposal>,
    feedback: &'a str,
}

impl<'a> ReviewForm<'a> {
    fn parse(fields: &'a ReviewFields, criteria: &[vacancy_criterion::Model], lead: bool) -> Self {
        let mut form = ReviewForm {
            typed: Typed::default(),
            errors: FormErrors::default(),
            own_given: false,
            scores: Vec::new(),
            finals_given: false,
            finals: Vec::new(),
            proposal: None,
            feedback: "",
        };
        form.own_scores(fields, criteria, lead);
        if lead {
            form.final_scores(fields, criteria);
        }
        form.decision(fields, lead);
        form
    }

    /// The member's own scores: all or (for the lead) none.
    fn own_scores(
        &mut self,
        fields: &ReviewFields,
        criteria: &[vacancy_criterion::Model],
        lead: bool,
    ) {
        self.own_given = criteria.iter().enumerate().any(|(i, _)| {
            let i = i.min(MAX_CRITERIA - 1);
            !fields.numbered.get(SCORE_FIELDS[i]).is_empty()
                || !fields.numbered.get(NOTE_FIELDS[i]).trim().is_empty()
        });
        for (i, c) in criteria.iter().enumerate() {
            let i = i.min(MAX_CRITERIA - 1);
            let (score, note) = (
                fields.numbered.get(SCORE_FIELDS[i]),
                fields.numbered.get(NOTE_FIELDS[i]).trim(),
            );
            self.typed.scores.push((score.to_owned(), note.to_owned()));
            if !self.own_given && lead {
                continue;
            }
            let score = match Score::parse(score) {
                Ok(score) => Some(score),
                Err(_) if score.is_empty() => {
                    self.errors.add(
                        SCORE_FIELDS[i],
                        format!("Choose your score for \"{}\", from 0 to 3", c.text),
                    );
                    None
                }
                Err(_) => {
                    self.errors.add(
                        SCORE_FIELDS[i],
                        format!(
                            "Your score for \"{}\" must be a whole number from 0 to 3",
                            c.text
                        ),
                    );
                    None
                }
            };
            if note.chars().count() > MAX_NOTE {
                self.errors.add(
                    NOTE_FIELDS[i],
                    format!(
                        "Your note on \"{}\" must be {MAX_NOTE} characters or fewer",
                        c.text
                    ),
                );
            }
            if let Some(score) = score {
                self.scores
                    .push((c.id, i16::from(score.value()), note.to_owned()));
            }
        }
    }

    /// The lead's final scores: all or none.
    fn final_scores(&mut self, fields: &ReviewFields, criteria: &[vacancy_criterion::Model]) {
        self.finals_given = criteria.iter().enumerate().any(|(i, _)| {
            !fields
                .numbered
                .get(FINAL_FIELDS[i.min(MAX_CRITERIA - 1)])
                .trim()
                .is_empty()
        });
        for (i, c) in criteria.iter().enumerate() {
            let name = FINAL_FIELDS[i.min(MAX_CRITERIA - 1)];
            let raw = fields.numbered.get(name).trim();
            self.typed.finals.push(raw.to_owned());
            if !self.finals_given {
                continue;
            }
            match Score::parse(raw) {
                Ok(score) => self.finals.push((c.id, score)),
                Err(_) if raw.is_empty() => self.errors.add(
                    name,
                    format!(
                        "Enter the final score for \"{}\", from 0 to 3, or leave every final score blank",
                        c.text
                    ),
                ),
                Err(_) => self.errors.add(
                    name,
                    format!(
                        "The final score for \"{}\" must be a whole number from 0 to 3",
                        c.text
                    ),
                ),
            }
        }
    }

    /// The lead's decision, and the check that the lead entered something to save.
    fn decision(&mut self, fields: &'a ReviewFields, lead: bool) {
        let choice = fields.decision.as_str();
        let feedback = fields.feedback.as_str().trim();
        self.typed.decision = choice.to_owned();
        self.typed.feedback = feedback.to_owned();
        self.feedback = feedback;
        self.proposal = match choice {
            _ if !lead => None,
            "invite" => Some(Proposal::Invite),
            "decline" => Some(Proposal::NotShortlisted {
                feedback_words: word_count(feedback),
            }),
            _ => {
                if !feedback.is_empty() {
                    self.errors.add(
                        "decision",
                        "Choose whether to invite this applicant to interview",
                    );
                }
                None
            }
        };
        if lead && feedback.chars().count() > 5_000 {
            self.errors
                .add("feedback", "Feedback must be 5000 characters or fewer");
        }
        if lead
            && self.errors.is_empty()
            && !self.own_given
            && !self.finals_given
            && self.proposal.is_none()
        {
            self.errors.add(
                "final-1",
                "Enter the final scores or choose a decision: nothing was entered to save",
            );
        }
    }

    /// What to save.
    fn review(&self, lead: bool) -> services::panel::Review<'_> {
        services::panel::Review {
            scores: (self.own_given || !lead).then_some(self.scores.as_slice()),
            finals: self.finals_given.then_some(self.finals.as_slice()),
            decision: self.proposal.map(|p| (p, self.feedback)),
        }
    }
}

/// Whether the form sends any of the lead's part: final scores, a decision or feedback.
fn sends_leads_part(fields: &ReviewFields) -> bool {
    FINAL_FIELDS
        .iter()
        .map(|name| fields.numbered.get(name))
        .chain([fields.decision.as_str(), fields.feedback.as_str()])
        .any(|value| !value.trim().is_empty())
}

/// The review page's one form: a panel member's own scores and, for the lead, the final scores
/// and the decision, saved by one button so no part of the page loses another's input. A part
/// left blank is not changed (a member who is not the lead must give every score). Every
/// problem is shown at once with everything typed kept; a decision the rule refuses is shown
/// the same way, the scores saved.
pub async fn save(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    session: Session,
    page: Page,
    IdPairPath(id, app_id): IdPairPath,
    Form(fields): Form<ReviewFields>,
) -> AppResult<Response> {
    let seat = load_seat(&state, &me, id).await?;
    let lead = seat.is_lead();
    // The board is read once, in the transaction that writes and under the shortlisting's
    // lock: every check of this form, and the guaranteed-interview rule, is judged on it.
    let uow = UnitOfWork::begin(&state).await?;
    let mut locked = services::shortlisting::lock_board(&uow, id).await?;
    entry_of(&locked.board, app_id)?;
    still_open(&locked.board)?;
    // Only the lead sets final scores or decides: anyone else sending them is refused whole.
    if sends_leads_part(&fields) && !lead {
        return Err(AppError::Forbidden);
    }
    let form = ReviewForm::parse(&fields, &locked.board.criteria, lead);
    if !form.errors.is_empty() {
        // Nothing was written: the board as read is the page's.
        drop(uow);
        let again = Some((form.typed, form.errors));
        let template = render(&state, me.id, page, seat, &locked.board, app_id, again).await?;
        return Ok(template.into_response());
    }

    let saved = match services::panel::save_review(
        &uow,
        &state.config,
        Actor::from(&me),
        &mut locked,
        app_id,
        form.review(lead),
    )
    .await?
    {
        Ok(saved) => saved,
        Err(refusal) => {
            drop(uow);
            return Err(refused(refusal));
        }
    };
    // A refused decision keeps its audit record, and the scores saved with it.
    uow.commit().await?;
    if let DecisionSaved::Refused(refusal) = saved.decision {
        // The page shows what is now saved, everyone's scores among it, read after the commit.
        let board = board(&state.db, &seat.vacancy).await?;
        let again = Some((form.typed, refusal_errors(refusal)));
        let mut template = render(&state, me.id, page, seat, &board, app_id, again).await?;
        template.saved_anyway = saved_anyway(&saved);
        return Ok(template.into_response());
    }
    flash(&session, saved_message(app_id, &saved, form.proposal)).await?;
    // A member stays on the page, which offers the next application; the lead goes back to
    // the list once they have decided. Until then the lead stays, to set the final scores and
    // decide.
    if lead && saved.decision == DecisionSaved::Saved {
        return Ok(Redirect::to(&format!("/shortlisting/{id}")).into_response());
    }
    Ok(Redirect::to(&format!("/shortlisting/{id}/applications/{app_id}")).into_response())
}

/// The error shown beside the decision the rule refused.
fn refusal_errors(refusal: Refusal) -> FormErrors {
    let field_name = match refusal {
        Refusal::FeedbackNeeded => "feedback",
        _ => "decision",
    };
    let mut errors = FormErrors::default();
    errors.add(field_name, refusal.explanation());
    errors
}

/// What was saved all the same when the rule refused the decision.
fn saved_anyway(saved: &services::panel::ReviewSaved) -> String {
    if saved.finals.is_some() {
        "The scores and final scores are saved. The decision is not.".to_owned()
    } else if saved.scores {
        "Your scores are saved. The decision is not.".to_owned()
    } else {
        String::new()
    }
}

/// What the flash message says was saved.
fn saved_message(
    app_id: i32,
    saved: &services::panel::ReviewSaved,
    proposal: Option<Proposal>,
) -> String {
    let mut parts = Vec::new();
    if saved.scores {
        parts.push("your scores".to_owned());
    }
    if saved.finals.is_some() {
        parts.push("the final scores".to_owned());
    }
    match (saved.decision, proposal) {
        (DecisionSaved::Saved | DecisionSaved::Unchanged, Some(Proposal::Invite)) => {
            parts.push("the decision: invite to interview".to_owned());
        }
        (DecisionSaved::Saved | DecisionSaved::Unchanged, Some(_)) => {
            parts.push("the decision: not shortlisted".to_owned());
        }
        _ => {}
    }
    let mut message = format!("Saved for {}: {}.", reference(app_id), join(&parts));
    if saved.finals.is_some_and(|f| f.invited_automatically) {
        message.push_str(" It is in the guaranteed interview scheme and meets every essential criterion, so it is invited to interview automatically.");
    }
    if saved.decision == DecisionSaved::Saved {
        message.push_str(" Applicants are told the decisions when you complete shortlisting.");
    }
    message
}

/// "a", "a and b", "a, b and c".
fn join(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_review_form_reads_the_numbered_fields_and_whether_the_leads_part_is_sent() {
        let member: ReviewFields =
            serde_html_form::from_str("csrf_token=t&score-1=2&note-1=Kind&score-2=3").unwrap();
        let lead: ReviewFields =
            serde_html_form::from_str("score-1=2&final-2=+1+&decision=&feedback=").unwrap();
        let deciding: ReviewFields =
            serde_html_form::from_str("decision=invite&feedback=Good").unwrap();

        assert_eq!(member.numbered.get(SCORE_FIELDS[1]), "3");
        assert_eq!(member.numbered.get(NOTE_FIELDS[0]), "Kind");
        assert!(!sends_leads_part(&member));
        assert!(sends_leads_part(&lead));
        assert_eq!(
            (deciding.decision.as_str(), deciding.feedback.as_str()),
            ("invite", "Good")
        );
        assert!(sends_leads_part(&deciding));
    }
}
