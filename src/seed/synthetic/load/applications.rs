//! The applications, with their stage changes, and evidence and referees for some.

use anyhow::bail;
use rand::Rng;
use sea_orm::ActiveValue::Set;
use sea_orm::ConnectionTrait;
use time::{Duration, OffsetDateTime};

use super::batch::Batch;
use super::hiring::{Hire, Hiring};
use super::{Applicant, Org, Seeder, Vac};
use crate::domain::application::{self, Stage};
use crate::domain::vacancy::ReferenceType;
use crate::entities::{
    application as application_entity, application_answer, application_referee,
    application_stage_change,
};
use crate::seed::synthetic::plan::{
    CLOSED_STAGES, OPEN_STAGES, WITH_DETAILS_ONE_IN, WITHDRAWN_FROM, drama_phone, path_to, pick,
    seconds, spread, weighted,
};
use crate::seed::synthetic::synthetic_email;
use crate::seed::synthetic::words::{
    ADJUSTMENTS, EVIDENCE, REFEREE_RELATIONSHIPS, WITHDRAWAL_REASONS, person_name,
};

/// Applications and the rows that belong to them, waiting to be written, in the order they
/// refer to each other.
pub(super) struct ApplicationRows {
    pub(super) apps: Batch<application_entity::ActiveModel>,
    pub(super) changes: Batch<application_stage_change::ActiveModel>,
    pub(super) answers: Batch<application_answer::ActiveModel>,
    pub(super) referees: Batch<application_referee::ActiveModel>,
}

impl ApplicationRows {
    pub(super) fn new() -> Self {
        Self {
            apps: Batch::new(),
            changes: Batch::new(),
            answers: Batch::new(),
            referees: Batch::new(),
        }
    }

    pub(super) fn is_full(&self) -> bool {
        self.apps.is_full()
            || self.changes.is_full()
            || self.answers.is_full()
            || self.referees.is_full()
    }

    pub(super) async fn flush(&mut self, db: &impl ConnectionTrait) -> anyhow::Result<()> {
        self.apps.flush(db).await?;
        self.changes.flush(db).await?;
        self.answers.flush(db).await?;
        self.referees.flush(db).await
    }

    pub(super) fn written(&self) -> u64 {
        self.apps.written + self.changes.written + self.answers.written + self.referees.written
    }
}

/// The stages an application passed through, and when it reached each.
struct Path {
    stages: Vec<Stage>,
    times: Vec<OffsetDateTime>,
    created_at: OffsetDateTime,
    /// Whether the applicant asked for a guaranteed interview, if they could.
    guaranteed: bool,
}

impl Seeder {
    /// Applications spread evenly over the applicants, each applicant applying for distinct
    /// vacancies they are eligible for, with their stage changes and, for some, evidence and
    /// referees. Returns how many were added.
    pub(super) async fn applications(
        &mut self,
        db: &impl ConnectionTrait,
        orgs: &[Org],
        applicants: &[Applicant],
        vacancies: &[Vac],
        count: u32,
    ) -> anyhow::Result<u64> {
        if count == 0 {
            return Ok(0);
        }
        // Ring-fenced vacancies take only applicants who declared care experience.
        let everyone: Vec<usize> = (0..vacancies.len()).collect();
        let open_to_all: Vec<usize> = everyone
            .iter()
            .copied()
            .filter(|&i| vacancies.get(i).is_some_and(|v| !v.ring_fenced))
            .collect();
        let eligible = |a: &Applicant| {
            if application::eligibility(true, Some(a.care)) == application::Eligibility::Eligible {
                &everyone
            } else {
                &open_to_all
            }
        };
        let caps: Vec<u64> = applicants
            .iter()
            .map(|a| eligible(a).len() as u64)
            .collect();
        let Some(shares) = spread(u64::from(count), &caps) else {
            bail!(
                "--applications ({count}) is more than the {} distinct pairs of applicant and \
                 vacancy they are eligible for (ring-fenced vacancies take only applicants who \
                 declared care experience): ask for fewer applications or more applicants",
                caps.iter().sum::<u64>()
            );
        };

        let mut rows = ApplicationRows::new();
        let mut hiring = Hiring::new();
        let report_every = (u64::from(count) / 10).max(10_000);
        let mut written: u64 = 0;
        for (applicant, share) in applicants.iter().zip(shares) {
            let list = eligible(applicant);
            if share == 0 || list.is_empty() {
                continue;
            }
            let start = self.rng.random_range(0..list.len());
            for j in 0..usize::try_from(share).unwrap_or(0) {
                let Some(vac) = list
                    .get((start + j) % list.len())
                    .and_then(|&i| vacancies.get(i))
                else {
                    continue;
                };
                let manager = orgs.get(vac.organisation).map(|o| o.manager_id);
                self.application(applicant, vac, manager, &mut rows, &mut hiring)?;
                written += 1;
                if rows.is_full() || hiring.is_full() {
                    rows.flush(db).await?;
                    hiring.flush(db).await?;
                }
                if written.is_multiple_of(report_every) {
                    println!("  applications: {written} of {count}");
                }
            }
        }
        rows.flush(db).await?;
        hiring.flush(db).await?;
        self.rows += rows.written() + hiring.written();
        self.employments_written += hiring.employments.written;
        println!(
            "  applications: {} with {} stage changes, {} answers and {} referees",
            rows.apps.written, rows.changes.written, rows.answers.written, rows.referees.written
        );
        println!(
            "  offers: {} with {} checks; {} started, with {} checkpoints",
            hiring.offers.written,
            hiring.checks.written,
            hiring.employments.written,
            hiring.checkpoints.written
        );
        Ok(rows.apps.written)
    }

    /// One application with its stage changes, evidence and referees for some, and its offer
    /// and hire when it got that far.
    fn application(
        &mut self,
        applicant: &Applicant,
        vac: &Vac,
        manager: Option<i32>,
        rows: &mut ApplicationRows,
        hiring: &mut Hiring,
    ) -> anyhow::Result<()> {
        let id = self.applications.next()?;
        let declared = Some(applicant.care);
        let path = self.path(applicant, vac);
        let Path {
            stages: path,
            times,
            created_at,
            guaranteed,
        } = path;
        let rng = &mut self.rng;
        let stage = path.last().copied().unwrap_or(Stage::Draft);
        let submitted = path.contains(&Stage::Submitted);
        let submitted_at = path
            .iter()
            .zip(&times)
            .find(|(s, _)| **s == Stage::Submitted)
            .map(|(_, t)| *t);
        let steps = i32::try_from(application::steps(declared).len()).unwrap_or(6);
        let opted_in = application::can_opt_in(declared) && submitted && guaranteed;
        rows.apps.push(application_entity::ActiveModel {
            id: Set(id),
            vacancy_id: Set(vac.id),
            applicant_id: Set(applicant.id),
            stage: Set(stage),
            reached_step: Set(if submitted {
                steps
            } else {
                rng.random_range(0..steps)
            }),
            // Only applicants who declared care experience are asked; drafts may not have answered.
            guaranteed_interview: Set(
                (application::can_opt_in(declared) && submitted).then_some(guaranteed)
            ),
            adjustments: Set(if rng.random_bool(0.1) {
                (*pick(rng, &ADJUSTMENTS)).to_owned()
            } else {
                String::new()
            }),
            confirmed_definition: Set(vac.care_definition.clone().filter(|_| submitted)),
            withdrawal_reason: Set(if stage == Stage::Withdrawn {
                (*pick(rng, &WITHDRAWAL_REASONS)).to_owned()
            } else {
                String::new()
            }),
            submitted_at: Set(submitted_at),
            created_at: Set(created_at),
            updated_at: Set(times.last().copied().unwrap_or(created_at)),
            personal_data_purged_at: Set(None),
        });
        let mut from: Option<Stage> = None;
        for (step, at) in path.iter().zip(&times) {
            let by_applicant = matches!(step, Stage::Draft | Stage::Submitted | Stage::Withdrawn);
            rows.changes.push(application_stage_change::ActiveModel {
                id: Set(self.stage_changes.next_big()),
                application_id: Set(id),
                from_stage: Set(from),
                to_stage: Set(*step),
                actor_user_id: Set(if by_applicant {
                    Some(applicant.id)
                } else {
                    manager
                }),
                note: Set(String::new()),
                created_at: Set(*at),
            });
            from = Some(*step);
        }
        if submitted && self.rng.random_range(0..WITH_DETAILS_ONE_IN) == 0 {
            self.evidence_and_referees(id, &vac.criteria, &vac.references, rows)?;
        }
        if let Some(manager) = manager {
            let hire = Hire {
                application_id: id,
                applicant_id: applicant.id,
                manager,
                opted_in,
            };
            self.offer(&hire, vac, &path, &times, hiring)?;
        }
        Ok(())
    }

    /// Where an application got to, and when it reached each stage: the draft while the
    /// vacancy took applications, the submission soon after, and the team's decisions after the
    /// closing date. A decision that would fall in the future has not happened yet, so the
    /// application stops short.
    fn path(&mut self, applicant: &Applicant, vac: &Vac) -> Path {
        let now = self.now;
        let rng = &mut self.rng;
        let declared = Some(applicant.care);
        let mut target = if vac.open {
            weighted(rng, &OPEN_STAGES)
        } else {
            weighted(rng, &CLOSED_STAGES)
        };
        let guaranteed = application::can_opt_in(declared) && rng.random_bool(0.5);
        if guaranteed && target == Stage::NotShortlisted {
            // A guaranteed interview is never lost at shortlisting.
            target = Stage::Unsuccessful;
        }
        let withdrawn_from = if vac.open {
            weighted(rng, &[(Stage::Draft, 40), (Stage::Submitted, 60)])
        } else {
            weighted(rng, &WITHDRAWN_FROM)
        };
        let mut path = path_to(target, withdrawn_from);
        let span = (vac.ended_at - vac.published_at - Duration::hours(1)).max(Duration::minutes(1));
        let created_at = vac.published_at + seconds(rng, Duration::ZERO, span);
        let mut at = created_at;
        let mut times = Vec::with_capacity(path.len());
        for (i, step) in path.iter().enumerate() {
            let next = match (i, step) {
                (0, _) => created_at,
                (_, Stage::Submitted) => (at
                    + seconds(rng, Duration::minutes(5), Duration::days(3)))
                .min(vac.ended_at - Duration::minutes(1)),
                (_, Stage::Withdrawn) => {
                    (at + seconds(rng, Duration::hours(1), Duration::days(7))).min(now)
                }
                (_, Stage::Shortlisting) => {
                    vac.ended_at.max(at) + seconds(rng, Duration::days(1), Duration::days(4))
                }
                _ => at + seconds(rng, Duration::days(1), Duration::days(10)),
            }
            .max(at);
            if next > now {
                break;
            }
            at = next;
            times.push(at);
        }
        path.truncate(times.len().max(1));
        // An offer is accepted only while one of the vacancy's positions is free; past them,
        // the interview was not successful.
        if path.last().is_some_and(|s| {
            matches!(
                s,
                Stage::ConditionalOffer | Stage::ChecksComplete | Stage::Started
            )
        }) {
            if vac.accepted.get() < vac.positions {
                vac.accepted.set(vac.accepted.get() + 1);
            } else if let Some(offer) = path.iter().position(|s| *s == Stage::ConditionalOffer) {
                let at = times.get(offer).copied().unwrap_or(now);
                path.truncate(offer);
                times.truncate(offer);
                path.push(Stage::Unsuccessful);
                times.push(at);
            }
        }
        Path {
            stages: path,
            times,
            created_at,
            guaranteed,
        }
    }

    /// A sent application's evidence for each criterion, and one or two referees of the kinds
    /// the vacancy accepts.
    pub(super) fn evidence_and_referees(
        &mut self,
        application_id: i32,
        criteria: &[i32],
        references: &[ReferenceType],
        rows: &mut ApplicationRows,
    ) -> anyhow::Result<()> {
        for &criterion_id in criteria {
            rows.answers.push(application_answer::ActiveModel {
                id: Set(self.answers.next()?),
                application_id: Set(application_id),
                criterion_id: Set(criterion_id),
                evidence: Set((*pick(&mut self.rng, &EVIDENCE)).to_owned()),
            });
        }
        for position in 0..self.rng.random_range(1..=2) {
            let referee_id = self.referees.next()?;
            let kind = *pick(&mut self.rng, references);
            rows.referees.push(application_referee::ActiveModel {
                id: Set(referee_id),
                application_id: Set(application_id),
                position: Set(position),
                kind: Set(kind),
                name: Set(person_name(&mut self.rng)),
                relationship: Set((*pick(&mut self.rng, &REFEREE_RELATIONSHIPS)).to_owned()),
                email: Set(synthetic_email(
                    "referee",
                    u64::try_from(referee_id).unwrap_or(0),
                )),
                phone: Set(drama_phone(&mut self.rng, true)),
            });
        }
        Ok(())
    }
}
