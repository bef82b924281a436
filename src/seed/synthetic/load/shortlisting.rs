//! The shortlisting vacancy: its panel, sent applications, scores and decisions.

use anyhow::bail;
use rand::Rng;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use time::{Duration, OffsetDateTime};

use super::applications::ApplicationRows;
use super::batch::Batch;
use super::vacancies::{criteria_texts, place_and_description, reference_options};
use super::{Applicant, Org, Seeder, ShortlistingReport, count_users_like};
use crate::domain::Role;
use crate::domain::application::{self, Stage};
use crate::domain::shortlisting::{Minimum, Score, minimum};
use crate::domain::vacancy::{ReferenceType, VacancyKind, VacancyStatus};
use crate::entities::{
    application as application_entity, application_stage_change, final_score, panel_member,
    shortlist_decision, shortlist_score, user, user_role, vacancy, vacancy_criterion,
};
use crate::seed::synthetic::plan::{
    DECIDED, FINALS_SET, SCORE_NOISE, SCORED_BY_EACH, SHORTLISTING_CRITERIA, STANDING, drama_phone,
    pick, seconds, weighted,
};
use crate::seed::synthetic::words::{
    ADJUSTMENTS, CONTACT_ROLES, FEEDBACK, JOB_PATTERNS, SCHEME_FEEDBACK, SCORE_NOTES, SITES,
    SUMMARIES, person_name, salary,
};
use crate::seed::synthetic::{EMAIL_DOMAIN, synthetic_email};

/// The shortlisting vacancy, as its applications need it.
struct Board {
    vacancy_id: i32,
    /// The panel's lead: the organisation's usual hiring manager.
    lead: i32,
    /// The lead first, then the two members added for it.
    panel: Vec<i32>,
    published_at: OffsetDateTime,
    closes_at: OffsetDateTime,
    /// Each criterion's ID and whether it is essential.
    criteria: Vec<(i32, bool)>,
    criterion_ids: Vec<i32>,
    references: Vec<ReferenceType>,
}

/// The shortlisting vacancy's applications and the panel's work on them, waiting to be
/// written, in the order they refer to each other.
struct ShortlistRows {
    applications: ApplicationRows,
    scores: Batch<shortlist_score::ActiveModel>,
    finals: Batch<final_score::ActiveModel>,
    decisions: Batch<shortlist_decision::ActiveModel>,
}

impl ShortlistRows {
    fn new() -> Self {
        Self {
            applications: ApplicationRows::new(),
            scores: Batch::new(),
            finals: Batch::new(),
            decisions: Batch::new(),
        }
    }

    fn is_full(&self) -> bool {
        self.applications.is_full()
            || self.scores.is_full()
            || self.finals.is_full()
            || self.decisions.is_full()
    }

    async fn flush(&mut self, db: &impl ConnectionTrait) -> anyhow::Result<()> {
        self.applications.flush(db).await?;
        self.scores.flush(db).await?;
        self.finals.flush(db).await?;
        self.decisions.flush(db).await
    }

    fn written(&self) -> u64 {
        self.applications.written()
            + self.scores.written
            + self.finals.written
            + self.decisions.written
    }
}

impl Seeder {
    /// One closed vacancy of the first new organisation, with `count` sent applications by as
    /// many of the new applicants, being shortlisted: a panel of three of the organisation's
    /// hiring managers, their scores, some final scores and a few decisions, as the
    /// shortlisting pages would have recorded them. Nothing when `count` is 0.
    pub(super) async fn shortlisting(
        &mut self,
        db: &impl ConnectionTrait,
        orgs: &[Org],
        applicants: &[Applicant],
        count: u32,
        lead_password_hash: Option<String>,
    ) -> anyhow::Result<Option<ShortlistingReport>> {
        if count == 0 {
            return Ok(None);
        }
        let Some(org) = orgs.first() else {
            bail!("--shortlisting-applications needs --organisations 1 or more");
        };
        let count = usize::try_from(count).unwrap_or(usize::MAX);
        if count > applicants.len() {
            bail!("--shortlisting-applications cannot be more than --applicants");
        }
        let (panel, member_emails) = self.panel(db, org, lead_password_hash).await?;
        let board = self.board(db, org, panel).await?;

        let mut rows = ShortlistRows::new();
        let chosen = rand::seq::index::sample(&mut self.rng, applicants.len(), count);
        for applicant in chosen.into_iter().filter_map(|i| applicants.get(i)) {
            self.sent_application(&board, applicant, &mut rows)?;
            if rows.is_full() {
                rows.flush(db).await?;
            }
        }
        rows.flush(db).await?;
        self.rows += rows.written();
        println!(
            "  shortlisting: vacancy {} with {} sent applications, a panel of {} \
             ({} scores, {} final scores, {} decisions)",
            board.vacancy_id,
            rows.applications.apps.written,
            board.panel.len(),
            rows.scores.written,
            rows.finals.written,
            rows.decisions.written
        );
        Ok(Some(ShortlistingReport {
            vacancy_id: board.vacancy_id,
            lead_email: org.manager_email.clone(),
            member_emails,
            criteria: board.criteria.len() as u64,
            applications: rows.applications.apps.written,
            scores: rows.scores.written,
            finals: rows.finals.written,
            decisions: rows.decisions.written,
        }))
    }

    /// The panel: the organisation's own hiring manager, who leads (with the password given,
    /// if any), and two more hiring managers of the organisation, added for it. Returns the
    /// panel and the added members' emails.
    async fn panel(
        &mut self,
        db: &impl ConnectionTrait,
        org: &Org,
        lead_password_hash: Option<String>,
    ) -> anyhow::Result<(Vec<i32>, Vec<String>)> {
        let managers_before = count_users_like(db, "manager").await?;
        let mut users = Batch::<user::ActiveModel>::new();
        let mut roles = Batch::<user_role::ActiveModel>::new();
        let mut panel = vec![org.manager_id];
        let mut member_emails = Vec::new();
        for i in 1..=2 {
            let id = self.users.next()?;
            let email = synthetic_email("manager", managers_before + i);
            let name = person_name(&mut self.rng);
            users.push(self.user(id, email.clone(), name, Some(org.id)));
            roles.push(self.role(id, Role::HiringManager));
            panel.push(id);
            member_emails.push(email);
        }
        users.flush(db).await?;
        roles.flush(db).await?;
        self.rows += users.written + roles.written;
        if let Some(hash) = lead_password_hash {
            let updated = user::Entity::update_many()
                .col_expr(user::Column::PasswordHash, Expr::value(hash))
                .filter(user::Column::Id.eq(org.manager_id))
                .filter(user::Column::Email.like(format!("%@{EMAIL_DOMAIN}").as_str()))
                .exec(db)
                .await?;
            if updated.rows_affected != 1 {
                bail!("the panel's lead is not a synthetic user");
            }
        }
        Ok((panel, member_emails))
    }

    /// The vacancy, closed a week or so ago after four weeks open, with its criteria and its
    /// panel.
    async fn board(
        &mut self,
        db: &impl ConnectionTrait,
        org: &Org,
        panel: Vec<i32>,
    ) -> anyhow::Result<Board> {
        let lead = org.manager_id;
        let vacancy_id = self.vacancies.next()?;
        let rng = &mut self.rng;
        let closes_at = self.now - seconds(rng, Duration::days(6), Duration::days(10));
        let published_at = closes_at - Duration::days(28);
        let (essential, desirable) = SHORTLISTING_CRITERIA;
        let texts = criteria_texts(rng, essential, desirable);
        let mut criteria = Batch::<vacancy_criterion::ActiveModel>::new();
        let criterion_ids = self.criteria(vacancy_id, texts, &mut criteria)?;
        let rng = &mut self.rng;
        let (town, description) = place_and_description(rng);
        let references = ReferenceType::ALL.to_vec();
        let mut vacancies = Batch::<vacancy::ActiveModel>::new();
        vacancies.push(vacancy::ActiveModel {
            id: Set(vacancy_id),
            organisation_id: Set(org.id),
            programme_id: Set(None),
            title: Set("Healthcare support worker".to_owned()),
            kind: Set(VacancyKind::Job),
            band: Set("3".to_owned()),
            working_pattern: Set((*pick(rng, &JOB_PATTERNS)).to_owned()),
            salary: Set(salary("3").to_owned()),
            location: Set(format!("{town} {}, {town}", pick(rng, &SITES))),
            positions: Set(5),
            closes_at: Set(closes_at),
            ring_fenced: Set(false),
            summary: Set((*pick(rng, &SUMMARIES)).to_owned()),
            description: Set(description),
            entry_requirements: Set(String::new()),
            reference_options: Set(reference_options(&references)),
            contact_name: Set(org.manager_name.clone()),
            contact_role: Set((*pick(rng, &CONTACT_ROLES)).to_owned()),
            contact_email: Set(org.manager_email.clone()),
            contact_phone: Set(drama_phone(rng, false)),
            status: Set(VacancyStatus::Published),
            created_by: Set(lead),
            published_at: Set(Some(published_at)),
            closed_early_at: Set(None),
            created_at: Set(published_at - Duration::days(2)),
            updated_at: Set(published_at),
        });
        vacancies.flush(db).await?;
        criteria.flush(db).await?;

        let mut members = Batch::<panel_member::ActiveModel>::new();
        for &user_id in &panel {
            members.push(panel_member::ActiveModel {
                id: Set(self.panel_members.next()?),
                vacancy_id: Set(vacancy_id),
                user_id: Set(user_id),
                is_lead: Set(user_id == lead),
                created_at: Set(published_at - Duration::days(1)),
            });
        }
        members.flush(db).await?;
        self.rows += vacancies.written + criteria.written + members.written;
        Ok(Board {
            vacancy_id,
            lead,
            panel,
            published_at,
            closes_at,
            criterion_ids: criterion_ids.iter().map(|(id, _)| *id).collect(),
            criteria: criterion_ids,
            references,
        })
    }

    /// One sent application of the shortlisting vacancy, with its evidence, referees, the
    /// panel's scores and, for some, the lead's final scores and decision.
    fn sent_application(
        &mut self,
        board: &Board,
        applicant: &Applicant,
        rows: &mut ShortlistRows,
    ) -> anyhow::Result<()> {
        let id = self.applications.next()?;
        let rng = &mut self.rng;
        let declared = Some(applicant.care);
        let guaranteed = application::can_opt_in(declared).then(|| rng.random_bool(0.55));
        let span = board.closes_at - board.published_at - Duration::hours(1);
        let created_at = board.published_at + seconds(rng, Duration::ZERO, span);
        let submitted_at = (created_at + seconds(rng, Duration::minutes(5), Duration::days(3)))
            .min(board.closes_at - Duration::minutes(1));
        self.evidence_and_referees(
            id,
            &board.criterion_ids,
            &board.references,
            &mut rows.applications,
        )?;
        let (by_criterion, scored_by) = self.panel_scores(board, id, &mut rows.scores)?;
        let decided_at = if scored_by == board.panel.len() && self.rng.random_bool(FINALS_SET) {
            self.lead_decision(board, id, guaranteed == Some(true), &by_criterion, rows)?
        } else {
            None
        };

        let lead = board.lead;
        let steps = [
            (None, Stage::Draft, created_at, applicant.id),
            (
                Some(Stage::Draft),
                Stage::Submitted,
                submitted_at,
                applicant.id,
            ),
        ]
        .into_iter()
        .chain(decided_at.map(|at| (Some(Stage::Submitted), Stage::Shortlisting, at, lead)));
        let mut updated_at = created_at;
        for (from, to, at, actor) in steps {
            rows.applications
                .changes
                .push(application_stage_change::ActiveModel {
                    id: Set(self.stage_changes.next_big()),
                    application_id: Set(id),
                    from_stage: Set(from),
                    to_stage: Set(to),
                    actor_user_id: Set(Some(actor)),
                    note: Set(String::new()),
                    created_at: Set(at),
                });
            updated_at = at;
        }
        // The lead's first decision moves the application on; the rule's does not.
        let stage = if decided_at.is_some() {
            Stage::Shortlisting
        } else {
            Stage::Submitted
        };
        let rng = &mut self.rng;
        rows.applications
            .apps
            .push(application_entity::ActiveModel {
                id: Set(id),
                vacancy_id: Set(board.vacancy_id),
                applicant_id: Set(applicant.id),
                stage: Set(stage),
                reached_step: Set(i32::try_from(application::steps(declared).len()).unwrap_or(6)),
                guaranteed_interview: Set(guaranteed),
                adjustments: Set(if rng.random_bool(0.1) {
                    (*pick(rng, &ADJUSTMENTS)).to_owned()
                } else {
                    String::new()
                }),
                confirmed_definition: Set(None),
                withdrawal_reason: Set(String::new()),
                submitted_at: Set(Some(submitted_at)),
                created_at: Set(created_at),
                updated_at: Set(updated_at),
                personal_data_purged_at: Set(None),
            });
        Ok(())
    }

    /// Each panel member's scores (most members score each application), near how well the
    /// application shows each criterion. Returns the scores by criterion, and how many
    /// members scored.
    fn panel_scores(
        &mut self,
        board: &Board,
        application_id: i32,
        scores: &mut Batch<shortlist_score::ActiveModel>,
    ) -> anyhow::Result<(Vec<Vec<i16>>, usize)> {
        let rng = &mut self.rng;
        let standing: Vec<i16> = board
            .criteria
            .iter()
            .map(|_| weighted(rng, &STANDING))
            .collect();
        let mut by_criterion: Vec<Vec<i16>> = vec![Vec::new(); board.criteria.len()];
        let mut scored_by = 0;
        for &scorer in &board.panel {
            if !self.rng.random_bool(SCORED_BY_EACH) {
                continue;
            }
            scored_by += 1;
            let at =
                board.closes_at + seconds(&mut self.rng, Duration::hours(2), Duration::days(3));
            for (i, (&(criterion_id, _), &stands)) in
                board.criteria.iter().zip(&standing).enumerate()
            {
                let score = (stands + weighted(&mut self.rng, &SCORE_NOISE)).clamp(0, 3);
                if let Some(list) = by_criterion.get_mut(i) {
                    list.push(score);
                }
                let note = if self.rng.random_bool(0.2) {
                    *pick(&mut self.rng, &SCORE_NOTES)
                } else {
                    ""
                };
                scores.push(shortlist_score::ActiveModel {
                    id: Set(self.scores.next()?),
                    application_id: Set(application_id),
                    criterion_id: Set(criterion_id),
                    scorer_id: Set(scorer),
                    score: Set(score),
                    note: Set(note.to_owned()),
                    updated_at: Set(at),
                });
            }
        }
        Ok((by_criterion, scored_by))
    }

    /// The lead's final scores (the panel's median), and a decision as the rule allows:
    /// automatic for an application in the scheme that meets the essential criteria, otherwise
    /// by the lead for some. Returns when the lead decided, if they did.
    fn lead_decision(
        &mut self,
        board: &Board,
        application_id: i32,
        opted_in: bool,
        by_criterion: &[Vec<i16>],
        rows: &mut ShortlistRows,
    ) -> anyhow::Result<Option<OffsetDateTime>> {
        let rng = &mut self.rng;
        let finals_at = board.closes_at + seconds(rng, Duration::days(3), Duration::days(5));
        let mut essential = Vec::new();
        for (&(criterion_id, is_essential), list) in board.criteria.iter().zip(by_criterion) {
            let mut sorted = list.clone();
            sorted.sort_unstable();
            let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0);
            if is_essential {
                essential.push(Score::from_stored(i32::from(median)));
            }
            rows.finals.push(final_score::ActiveModel {
                id: Set(self.finals.next()?),
                application_id: Set(application_id),
                criterion_id: Set(criterion_id),
                score: Set(median),
                set_by: Set(board.lead),
                updated_at: Set(finals_at),
            });
        }
        let met = minimum(&essential) == Minimum::Met;
        let rng = &mut self.rng;
        let decision = if opted_in && met {
            Some((true, String::new(), true, finals_at))
        } else if rng.random_bool(DECIDED) {
            let feedback = if met {
                ""
            } else if opted_in {
                SCHEME_FEEDBACK
            } else {
                *pick(rng, &FEEDBACK)
            };
            let at = finals_at + seconds(rng, Duration::minutes(10), Duration::days(1));
            Some((met, feedback.to_owned(), false, at))
        } else {
            None
        };
        let Some((invited, feedback, automatic, at)) = decision else {
            return Ok(None);
        };
        rows.decisions.push(shortlist_decision::ActiveModel {
            application_id: Set(application_id),
            invited: Set(invited),
            feedback: Set(feedback),
            automatic: Set(automatic),
            decided_by: Set(board.lead),
            decided_at: Set(at),
        });
        Ok((!automatic).then_some(at))
    }
}
