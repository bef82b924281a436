//! The vacancies, with their criteria.

use std::cell::Cell;

use anyhow::bail;
use rand::Rng;
use sea_orm::ActiveValue::Set;
use sea_orm::ConnectionTrait;
use time::{Duration, OffsetDateTime};

use super::batch::Batch;
use super::{Org, Seeder, Vac};
use crate::domain::vacancy::{FlexibleReferences, ReferenceType, VacancyKind, VacancyStatus};
use crate::entities::{vacancy, vacancy_criterion};
use crate::seed::synthetic::plan::{drama_phone, pick, seconds, weighted};
use crate::seed::synthetic::words::{
    APPRENTICESHIP_PATTERNS, CONTACT_ROLES, DESCRIPTION_PARAGRAPHS, DESIRABLE_CRITERIA,
    ENTRY_REQUIREMENTS, ESSENTIAL_CRITERIA, JOB_PATTERNS, PLACEMENT_PATTERNS, ROLES, SITES,
    SUMMARIES, TOWNS, salary,
};

/// When a vacancy was published, closes, was last changed and stopped taking applications,
/// and its status.
struct Dates {
    status: VacancyStatus,
    published_at: OffsetDateTime,
    closes_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    ended_at: OffsetDateTime,
}

/// What a vacancy is, drawn before its row: who advertises it, the post, and who may apply.
struct Post {
    organisation: usize,
    title: &'static str,
    kind: VacancyKind,
    band: &'static str,
    ring_fenced: bool,
    programme: Option<(i32, String)>,
}

impl Seeder {
    /// Vacancies, `open` of them open and the rest closed, with their criteria.
    pub(super) async fn vacancies(
        &mut self,
        db: &impl ConnectionTrait,
        orgs: &[Org],
        count: u32,
        open: u32,
    ) -> anyhow::Result<Vec<Vac>> {
        if count == 0 {
            return Ok(Vec::new());
        }
        let programmes = self.programmes(db).await?;
        let total = usize::try_from(count).unwrap_or(0);
        let mut is_open = vec![false; total];
        for i in rand::seq::index::sample(&mut self.rng, total, usize::try_from(open).unwrap_or(0))
        {
            if let Some(flag) = is_open.get_mut(i) {
                *flag = true;
            }
        }
        let mut vacancies = Batch::<vacancy::ActiveModel>::new();
        let mut criteria = Batch::<vacancy_criterion::ActiveModel>::new();
        let mut out = Vec::with_capacity(total);
        for open in is_open {
            let (row, vac) = self.vacancy(orgs, &programmes, open, &mut criteria)?;
            vacancies.push(row);
            out.push(vac);
            if vacancies.is_full() || criteria.is_full() {
                vacancies.flush(db).await?;
                criteria.flush(db).await?;
            }
        }
        vacancies.flush(db).await?;
        criteria.flush(db).await?;
        self.rows += vacancies.written + criteria.written;
        println!(
            "  vacancies: {} ({open} open), with {} criteria",
            vacancies.written, criteria.written
        );
        Ok(out)
    }

    /// One vacancy's row, with its criteria added to `criteria`.
    fn vacancy(
        &mut self,
        orgs: &[Org],
        programmes: &[(i32, String)],
        open: bool,
        criteria: &mut Batch<vacancy_criterion::ActiveModel>,
    ) -> anyhow::Result<(vacancy::ActiveModel, Vac)> {
        let id = self.vacancies.next()?;
        let post = self.post(orgs, programmes);
        let Some(org) = orgs.get(post.organisation) else {
            bail!("vacancies need organisations");
        };
        let dates = self.dates(open);
        let rng = &mut self.rng;
        // Ring-fenced and programme vacancies must accept every kind (DOMAIN.md §6).
        let references: Vec<ReferenceType> =
            if FlexibleReferences::required(post.ring_fenced, post.programme.is_some()).is_some()
                || rng.random_bool(0.7)
            {
                ReferenceType::ALL.to_vec()
            } else {
                ReferenceType::ALL
                    .into_iter()
                    .filter(|r| *r == ReferenceType::PersonalAdviser || rng.random_bool(0.5))
                    .collect()
            };
        let n_criteria = rng.random_range(2..=6_usize);
        let n_essential = rng.random_range(1..=n_criteria.min(ESSENTIAL_CRITERIA.len()));
        let texts = criteria_texts(rng, n_essential, n_criteria - n_essential);
        let criterion_ids = self.criteria(id, texts, criteria)?;
        let (row, positions) = self.vacancy_row(id, org, &post, &dates, &references);
        let vac = Vac {
            id,
            organisation: post.organisation,
            organisation_id: org.id,
            title: post.title,
            kind: post.kind,
            band: post.band,
            programme_id: post.programme.as_ref().map(|p| p.0),
            positions,
            accepted: Cell::new(0),
            ring_fenced: post.ring_fenced,
            open,
            care_definition: post.ring_fenced.then(|| {
                post.programme
                    .map(|p| p.1)
                    .unwrap_or_else(|| "care_experienced".to_owned())
            }),
            published_at: dates.published_at,
            ended_at: dates.ended_at,
            criteria: criterion_ids.into_iter().map(|(id, _)| id).collect(),
            references,
        };
        Ok((row, vac))
    }

    /// Who advertises a vacancy, the post, and who may apply.
    fn post(&mut self, orgs: &[Org], programmes: &[(i32, String)]) -> Post {
        let organisation = self.rng.random_range(0..orgs.len());
        let (title, kind, bands) = *pick(&mut self.rng, &ROLES);
        let band = *pick(&mut self.rng, bands);
        let ring_fenced = self.rng.random_bool(0.4);
        let programme = if self.rng.random_bool(if ring_fenced { 0.9 } else { 0.2 }) {
            Some(pick(&mut self.rng, programmes).clone())
        } else {
            None
        };
        Post {
            organisation,
            title,
            kind,
            band,
            ring_fenced,
            programme,
        }
    }

    /// An open vacancy's dates, or a closed one's: most ran to their closing date, some were
    /// closed early.
    fn dates(&mut self, open: bool) -> Dates {
        let now = self.now;
        let rng = &mut self.rng;
        if open {
            let published = now - seconds(rng, Duration::hours(1), Duration::days(30));
            let closes = now + seconds(rng, Duration::hours(2), Duration::days(60));
            Dates {
                status: VacancyStatus::Published,
                published_at: published,
                closes_at: closes,
                updated_at: published,
                ended_at: now,
            }
        } else if rng.random_bool(0.85) {
            let closes = now - seconds(rng, Duration::days(1), Duration::days(365));
            let published = closes - seconds(rng, Duration::days(14), Duration::days(42));
            Dates {
                status: VacancyStatus::Published,
                published_at: published,
                closes_at: closes,
                updated_at: published,
                ended_at: closes,
            }
        } else {
            let published = now - seconds(rng, Duration::days(15), Duration::days(400));
            let closes = published + seconds(rng, Duration::days(14), Duration::days(42));
            let closed = published + seconds(rng, Duration::days(1), Duration::days(14));
            Dates {
                status: VacancyStatus::Closed,
                published_at: published,
                closes_at: closes,
                updated_at: closed,
                ended_at: closed,
            }
        }
    }

    /// A vacancy's criteria rows, in `texts`' order; their IDs and whether each is essential.
    pub(super) fn criteria(
        &mut self,
        vacancy_id: i32,
        texts: Vec<(bool, &str)>,
        criteria: &mut Batch<vacancy_criterion::ActiveModel>,
    ) -> anyhow::Result<Vec<(i32, bool)>> {
        let mut ids = Vec::with_capacity(texts.len());
        for (position, (essential, text)) in texts.into_iter().enumerate() {
            let id = self.criteria.next()?;
            criteria.push(vacancy_criterion::ActiveModel {
                id: Set(id),
                vacancy_id: Set(vacancy_id),
                essential: Set(essential),
                position: Set(i32::try_from(position).unwrap_or(0)),
                text: Set(text.to_owned()),
            });
            ids.push((id, essential));
        }
        Ok(ids)
    }

    /// The vacancy's row and its positions: its words drawn in the order they always were, so
    /// that a seed gives what it gave.
    fn vacancy_row(
        &mut self,
        id: i32,
        org: &Org,
        post: &Post,
        dates: &Dates,
        references: &[ReferenceType],
    ) -> (vacancy::ActiveModel, i32) {
        let rng = &mut self.rng;
        let (town, description) = place_and_description(rng);
        let kind = post.kind;
        let positions;
        let row = vacancy::ActiveModel {
            id: Set(id),
            organisation_id: Set(org.id),
            programme_id: Set(post.programme.as_ref().map(|p| p.0)),
            title: Set(post.title.to_owned()),
            kind: Set(kind),
            band: Set(post.band.to_owned()),
            working_pattern: Set((*pick(
                rng,
                match kind {
                    VacancyKind::Job => &JOB_PATTERNS[..],
                    VacancyKind::Apprenticeship => &APPRENTICESHIP_PATTERNS[..],
                    VacancyKind::Placement => &PLACEMENT_PATTERNS[..],
                },
            ))
            .to_owned()),
            salary: Set(salary(post.band).to_owned()),
            location: Set(format!("{town} {}, {town}", pick(rng, &SITES))),
            positions: Set({
                positions = weighted(rng, &[(1, 60), (2, 25), (3, 10), (5, 5)]);
                positions
            }),
            closes_at: Set(dates.closes_at),
            ring_fenced: Set(post.ring_fenced),
            summary: Set((*pick(rng, &SUMMARIES)).to_owned()),
            description: Set(description),
            entry_requirements: Set(match kind {
                VacancyKind::Apprenticeship => (*pick(rng, &ENTRY_REQUIREMENTS)).to_owned(),
                VacancyKind::Job | VacancyKind::Placement => String::new(),
            }),
            reference_options: Set(reference_options(references)),
            contact_name: Set(org.manager_name.clone()),
            contact_role: Set((*pick(rng, &CONTACT_ROLES)).to_owned()),
            contact_email: Set(org.manager_email.clone()),
            contact_phone: Set(drama_phone(rng, false)),
            status: Set(dates.status),
            created_by: Set(org.manager_id),
            published_at: Set(Some(dates.published_at)),
            closed_early_at: Set(
                (dates.status == VacancyStatus::Closed).then_some(dates.updated_at)
            ),
            created_at: Set(
                dates.published_at - seconds(rng, Duration::minutes(10), Duration::days(3))
            ),
            updated_at: Set(dates.updated_at),
        };
        (row, positions)
    }
}

/// `essential` of the essential criteria and `desirable` of the desirable ones, drawn at
/// random, essential first.
pub(super) fn criteria_texts(
    rng: &mut impl Rng,
    essential: usize,
    desirable: usize,
) -> Vec<(bool, &'static str)> {
    let mut texts: Vec<(bool, &'static str)> =
        rand::seq::index::sample(rng, ESSENTIAL_CRITERIA.len(), essential)
            .into_iter()
            .filter_map(|i| ESSENTIAL_CRITERIA.get(i))
            .map(|t| (true, *t))
            .collect();
    texts.extend(
        rand::seq::index::sample(
            rng,
            DESIRABLE_CRITERIA.len(),
            desirable.min(DESIRABLE_CRITERIA.len()),
        )
        .into_iter()
        .filter_map(|i| DESIRABLE_CRITERIA.get(i))
        .map(|t| (false, *t)),
    );
    texts
}

/// The town a vacancy is in, and its description: four paragraphs drawn at random.
pub(super) fn place_and_description(rng: &mut impl Rng) -> (&'static str, String) {
    let town = *pick(rng, &TOWNS);
    let mut description = Vec::new();
    for i in rand::seq::index::sample(rng, DESCRIPTION_PARAGRAPHS.len(), 4) {
        description.extend(DESCRIPTION_PARAGRAPHS.get(i).copied());
    }
    (town, description.join("\n\n"))
}

/// The kinds of referee a vacancy accepts, as stored.
pub(super) fn reference_options(references: &[ReferenceType]) -> String {
    references
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",")
}
