//! Offers, checks, employment records and their checkpoints.

use anyhow::bail;
use rand::Rng;
use sea_orm::ActiveValue::Set;
use sea_orm::ConnectionTrait;
use time::{Date, Duration, OffsetDateTime};

use super::batch::Batch;
use super::{Org, Seeder, Vac};
use crate::domain::application::Stage;
use crate::domain::employment::{
    CHECKPOINT_MONTHS, CheckpointOutcome, CheckpointSource, EndKind, LEAVING_REASONS, Route,
    checkpoint_due,
};
use crate::domain::london_time;
use crate::domain::offer::{CheckStatus, checks_for};
use crate::domain::vacancy::VacancyKind;
use crate::entities::{employment_checkpoint, employment_record, offer, offer_check};
use crate::seed::synthetic::plan::{
    ASSIGNMENT_BASE, ESR_SHARE, HIRES_OVER_DAYS, LEFT_PER_YEAR, MOVED_PER_YEAR, OVERDUE_UNRECORDED,
    PROGRAMME_SHARE, RECENTLY_DUE_UNRECORDED, at_london, leaving_weight, pick, seconds, weighted,
};
use crate::seed::synthetic::words::{NHS_TRUSTS, ROLES, staff_group_of};

/// Offers, checks, employment records and checkpoints waiting to be written, in the order
/// they refer to each other.
pub(super) struct Hiring {
    pub(super) offers: Batch<offer::ActiveModel>,
    pub(super) checks: Batch<offer_check::ActiveModel>,
    pub(super) employments: Batch<employment_record::ActiveModel>,
    pub(super) checkpoints: Batch<employment_checkpoint::ActiveModel>,
}

impl Hiring {
    pub(super) fn new() -> Self {
        Self {
            offers: Batch::new(),
            checks: Batch::new(),
            employments: Batch::new(),
            checkpoints: Batch::new(),
        }
    }

    pub(super) fn is_full(&self) -> bool {
        self.offers.is_full()
            || self.checks.is_full()
            || self.employments.is_full()
            || self.checkpoints.is_full()
    }

    pub(super) async fn flush(&mut self, db: &impl ConnectionTrait) -> anyhow::Result<()> {
        self.offers.flush(db).await?;
        self.checks.flush(db).await?;
        self.employments.flush(db).await?;
        self.checkpoints.flush(db).await
    }

    pub(super) fn written(&self) -> u64 {
        self.offers.written
            + self.checks.written
            + self.employments.written
            + self.checkpoints.written
    }
}

/// An application that reached an offer.
pub(super) struct Hire {
    pub(super) application_id: i32,
    pub(super) applicant_id: i32,
    /// The organisation's hiring manager, who made the offer.
    pub(super) manager: i32,
    /// Whether the applicant used the guaranteed interview scheme.
    pub(super) opted_in: bool,
}

/// How an employment ended.
pub(super) struct Ending {
    on: Date,
    kind: EndKind,
    reason: &'static str,
    moved_to: Option<&'static str>,
    /// When the manager (or an ESR extract) recorded it.
    recorded_at: OffsetDateTime,
}

impl Seeder {
    /// The offer of an application that reached one, with its checks and, once started, the
    /// employment record: accepted (and checked, for some) at a conditional offer, every check
    /// verified after, and declined where the applicant withdrew at the offer.
    pub(super) fn offer(
        &mut self,
        hire: &Hire,
        vac: &Vac,
        path: &[Stage],
        times: &[OffsetDateTime],
        hiring: &mut Hiring,
    ) -> anyhow::Result<()> {
        let Some(made) = path.iter().position(|s| *s == Stage::ConditionalOffer) else {
            return Ok(());
        };
        let (Some(&offered_at), Some(&last)) = (times.get(made), path.last()) else {
            return Ok(());
        };
        let reached = |stage: Stage| {
            path.iter()
                .position(|s| *s == stage)
                .and_then(|i| times.get(i).copied())
        };
        let now = self.now;
        let rng = &mut self.extra;
        let answered_by = times.get(made + 1).copied().unwrap_or(now);
        let responded_at = (offered_at + seconds(rng, Duration::hours(1), Duration::days(3)))
            .min(offered_at + (answered_by - offered_at) / 2);
        if last == Stage::Withdrawn {
            hiring.offers.push(offer::ActiveModel {
                application_id: Set(hire.application_id),
                vacancy_id: Set(vac.id),
                status: Set(crate::domain::offer::OfferStatus::Declined),
                offered_by: Set(hire.manager),
                offered_at: Set(offered_at),
                responded_at: Set(Some(answered_by)),
                start_date: Set(None),
            });
            return Ok(());
        }
        let complete_at = reached(Stage::ChecksComplete);
        let started_at = reached(Stage::Started);
        let start_date = match (started_at, complete_at) {
            (Some(started), _) => Some(london_time::from_utc(started).date()),
            (None, Some(_)) if rng.random_bool(0.7) => {
                Some(self.today + Duration::days(rng.random_range(7..=60)))
            }
            _ => None,
        };
        hiring.offers.push(offer::ActiveModel {
            application_id: Set(hire.application_id),
            vacancy_id: Set(vac.id),
            status: Set(crate::domain::offer::OfferStatus::Accepted),
            offered_by: Set(hire.manager),
            offered_at: Set(offered_at),
            responded_at: Set(Some(responded_at)),
            start_date: Set(start_date),
        });
        self.offer_checks(hire, vac, complete_at, responded_at, hiring)?;
        let (Some(started_at), Some(start)) = (started_at, start_date) else {
            return Ok(());
        };
        let id = self.employments.next()?;
        let ending = self.ending(start);
        hiring.employments.push(employment_record(
            id,
            EmploymentRow {
                application_id: Some(hire.application_id),
                user_id: Some(hire.applicant_id),
                organisation_id: vac.organisation_id,
                programme_id: vac.programme_id,
                title: vac.title,
                band: vac.band,
                apprenticeship: vac.kind == VacancyKind::Apprenticeship,
                start,
                route: Route::Spectra,
                assignment_number: None,
                created_at: started_at,
            },
            ending.as_ref(),
        ));
        self.checkpoints(
            id,
            start,
            ending.as_ref(),
            Route::Spectra,
            hire.manager,
            hiring,
        )
    }

    /// The pre-employment checks of an accepted offer: at a conditional offer at least one is
    /// still waiting; once the checks are complete, every one verified.
    fn offer_checks(
        &mut self,
        hire: &Hire,
        vac: &Vac,
        complete_at: Option<OffsetDateTime>,
        responded_at: OffsetDateTime,
        hiring: &mut Hiring,
    ) -> anyhow::Result<()> {
        let rng = &mut self.extra;
        let kinds = checks_for(vac.ring_fenced, hire.opted_in);
        let waiting = rng.random_range(0..kinds.len().max(1));
        let checked_by = complete_at.unwrap_or(self.now);
        for (i, kind) in kinds.iter().enumerate() {
            let rng = &mut self.extra;
            let status = if complete_at.is_some() {
                CheckStatus::Verified
            } else if i == waiting {
                weighted(
                    rng,
                    &[(CheckStatus::Pending, 60), (CheckStatus::Received, 40)],
                )
            } else {
                weighted(
                    rng,
                    &[
                        (CheckStatus::Pending, 30),
                        (CheckStatus::Received, 30),
                        (CheckStatus::Verified, 40),
                    ],
                )
            };
            let updated_at = if status == CheckStatus::Pending {
                responded_at
            } else {
                responded_at + seconds(rng, Duration::ZERO, checked_by - responded_at)
            };
            hiring.checks.push(offer_check::ActiveModel {
                id: Set(self.offer_checks.next()?),
                application_id: Set(hire.application_id),
                kind: Set(*kind),
                status: Set(status),
                note: Set(String::new()),
                updated_by: Set((status != CheckStatus::Pending).then_some(hire.manager)),
                updated_at: Set(updated_at),
            });
        }
        Ok(())
    }

    /// Whether and how an employment that started on `start` has ended by today, drawn from
    /// the hazards of leaving and of moving within the NHS.
    fn ending(&mut self, start: Date) -> Option<Ending> {
        let rng = &mut self.extra;
        let mut days_until = |per_year: f64| {
            let u: f64 = rng.random();
            -(1.0 - u).ln() / per_year * 365.25
        };
        let (left, moved) = (days_until(LEFT_PER_YEAR), days_until(MOVED_PER_YEAR));
        let (after, kind) = if left <= moved {
            (left, EndKind::Left)
        } else {
            (moved, EndKind::Moved)
        };
        let served = (self.today - start).whole_days();
        if after >= served as f64 {
            return None;
        }
        // Whole days, so the end falls before today and never before the start.
        let on = start + Duration::days(after as i64);
        let (reason, moved_to) = match kind {
            EndKind::Left => {
                let reasons: Vec<(&'static str, u32)> = LEAVING_REASONS
                    .iter()
                    .map(|r| (r.code, leaving_weight(r.code)))
                    .collect();
                (weighted(rng, &reasons), None)
            }
            EndKind::Moved => ("employee_transfer", Some(*pick(rng, &NHS_TRUSTS))),
        };
        let recorded_at =
            (at_london(on, 10) + seconds(rng, Duration::ZERO, Duration::days(14))).min(self.now);
        Some(Ending {
            on,
            kind,
            reason,
            moved_to,
            recorded_at,
        })
    }

    /// The four checkpoints of an employment record. Those that fell due while the person was
    /// in post are recorded as in post (some of the last fortnight's, and a few older ones, not
    /// yet: overdue); the first after they left or moved records it; any later ones are
    /// closed; the rest wait. Reminders are marked sent as the daily job would have sent them.
    fn checkpoints(
        &mut self,
        record_id: i32,
        start: Date,
        ending: Option<&Ending>,
        route: Route,
        manager: i32,
        hiring: &mut Hiring,
    ) -> anyhow::Result<()> {
        let (source, by) = match route {
            Route::Spectra => (CheckpointSource::Manager, Some(manager)),
            Route::Esr => (CheckpointSource::Esr, None),
        };
        let mut end_recorded = false;
        for months in CHECKPOINT_MONTHS {
            let due = checkpoint_due(start, months);
            let rng = &mut self.extra;
            let (outcome, recorded_at) = match ending {
                Some(end) if due >= end.on => {
                    let outcome = if end_recorded {
                        CheckpointOutcome::Closed
                    } else {
                        end_recorded = true;
                        match end.kind {
                            EndKind::Left => CheckpointOutcome::Left,
                            EndKind::Moved => CheckpointOutcome::Moved,
                        }
                    };
                    (Some(outcome), Some(end.recorded_at))
                }
                _ if due > self.today => (None, None),
                _ => {
                    let late = (self.today - due).whole_days();
                    let unrecorded = ending.is_none()
                        && rng.random_bool(
                            if late < crate::domain::employment::OVERDUE_AFTER_DAYS {
                                RECENTLY_DUE_UNRECORDED
                            } else {
                                OVERDUE_UNRECORDED
                            },
                        );
                    if unrecorded {
                        (None, None)
                    } else {
                        let mut at = (at_london(due, 9)
                            + seconds(rng, Duration::ZERO, Duration::days(10)))
                        .min(self.now);
                        if let Some(end) = ending {
                            at = at.min(end.recorded_at);
                        }
                        (Some(CheckpointOutcome::InPost), Some(at))
                    }
                }
            };
            // The daily job reminds at 7am on the day it falls due, and 14 days after.
            let reminded = |at: OffsetDateTime| {
                (at <= self.now && recorded_at.is_none_or(|r| r > at)).then_some(at)
            };
            let due_reminded_at = reminded(at_london(due, 7));
            let overdue_reminded_at = reminded(at_london(
                due + Duration::days(crate::domain::employment::OVERDUE_AFTER_DAYS),
                7,
            ));
            hiring.checkpoints.push(employment_checkpoint::ActiveModel {
                id: Set(self.checkpoints.next()?),
                employment_record_id: Set(record_id),
                months: Set(months),
                due_on: Set(due),
                outcome: Set(outcome),
                source: Set(outcome.map(|_| source)),
                recorded_by: Set(outcome.and(by)),
                recorded_at: Set(recorded_at),
                due_reminded_at: Set(due_reminded_at),
                overdue_reminded_at: Set(overdue_reminded_at),
            });
        }
        Ok(())
    }

    /// `count` employment records beyond the started applications', started over the last
    /// five years across the new organisations: SPECTRA hires from before the service kept
    /// applications (some under a programme), and existing staff brought in from ESR with
    /// their assignment numbers. Each has its checkpoints; some have left or moved.
    pub(super) async fn hires(
        &mut self,
        db: &impl ConnectionTrait,
        orgs: &[Org],
        count: u32,
    ) -> anyhow::Result<()> {
        if count == 0 {
            return Ok(());
        }
        if orgs.is_empty() {
            bail!("--hires needs --organisations 1 or more");
        }
        let programmes = self.programmes(db).await?;
        let roles: Vec<(&'static str, VacancyKind, &'static [&'static str])> = ROLES
            .iter()
            .copied()
            .filter(|r| r.1 != VacancyKind::Placement)
            .collect();
        let mut hiring = Hiring::new();
        let (mut left, mut moved) = (0_u64, 0_u64);
        for _ in 0..count {
            let id = self.employments.next()?;
            let rng = &mut self.extra;
            let org = pick(rng, orgs);
            let (organisation_id, manager) = (org.id, org.manager_id);
            let (title, kind, bands) = *pick(rng, &roles);
            let band = *pick(rng, bands);
            let route = if rng.random_bool(ESR_SHARE) {
                Route::Esr
            } else {
                Route::Spectra
            };
            let programme_id = (route == Route::Spectra
                && !programmes.is_empty()
                && rng.random_bool(PROGRAMME_SHARE))
            .then(|| pick(rng, &programmes).0);
            let start = self.today - Duration::days(rng.random_range(1..=HIRES_OVER_DAYS));
            let assignment_number = (route == Route::Esr).then(|| {
                format!(
                    "{:08}-{}",
                    ASSIGNMENT_BASE + i64::from(id),
                    rng.random_range(1..=2)
                )
            });
            let created_at = match route {
                Route::Spectra => at_london(start, 9),
                Route::Esr => self.now - seconds(rng, Duration::hours(1), Duration::days(180)),
            };
            let ending = self.ending(start);
            match ending.as_ref().map(|e| e.kind) {
                Some(EndKind::Left) => left += 1,
                Some(EndKind::Moved) => moved += 1,
                None => {}
            }
            hiring.employments.push(employment_record(
                id,
                EmploymentRow {
                    application_id: None,
                    user_id: None,
                    organisation_id,
                    programme_id,
                    title,
                    band,
                    apprenticeship: kind == VacancyKind::Apprenticeship,
                    start,
                    route,
                    assignment_number,
                    created_at,
                },
                ending.as_ref(),
            ));
            self.checkpoints(id, start, ending.as_ref(), route, manager, &mut hiring)?;
            if hiring.is_full() {
                hiring.flush(db).await?;
            }
        }
        hiring.flush(db).await?;
        self.rows += hiring.written();
        self.employments_written += hiring.employments.written;
        println!(
            "  hires: {} employment records ({left} left, {moved} moved within the NHS), with {} \
             checkpoints",
            hiring.employments.written, hiring.checkpoints.written
        );
        Ok(())
    }
}

/// What an employment record holds, before how it ended.
pub(super) struct EmploymentRow {
    application_id: Option<i32>,
    user_id: Option<i32>,
    organisation_id: i32,
    programme_id: Option<i32>,
    title: &'static str,
    band: &'static str,
    apprenticeship: bool,
    start: Date,
    route: Route,
    assignment_number: Option<String>,
    created_at: OffsetDateTime,
}

pub(super) fn employment_record(
    id: i32,
    row: EmploymentRow,
    ending: Option<&Ending>,
) -> employment_record::ActiveModel {
    employment_record::ActiveModel {
        id: Set(id),
        application_id: Set(row.application_id),
        user_id: Set(row.user_id),
        organisation_id: Set(row.organisation_id),
        role: Set(row.title.to_owned()),
        band: Set(row.band.to_owned()),
        start_date: Set(row.start),
        apprenticeship: Set(row.apprenticeship),
        created_at: Set(row.created_at),
        staff_group: Set(staff_group_of(row.title).to_owned()),
        route: Set(row.route),
        assignment_number: Set(row.assignment_number),
        programme_id: Set(row.programme_id),
        end_date: Set(ending.map(|e| e.on)),
        end_kind: Set(ending.map(|e| e.kind)),
        leaving_reason: Set(ending.map(|e| e.reason.to_owned())),
        moved_to: Set(ending.and_then(|e| e.moved_to).map(str::to_owned)),
        updated_at: Set(ending.map(|e| e.recorded_at)),
    }
}
