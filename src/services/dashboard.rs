//! The champion's dashboard (DOMAIN.md §5.6, §7): SPECTRA 25/7 progress, the recruitment funnel,
//! guaranteed-interview compliance and retention, as of a chosen date, narrowed by organisation,
//! programme and period. Reads only; the figures are counted by the database
//! ([`crate::db::reports`]) and the maths is in [`crate::domain::retention`] and
//! [`crate::domain::dashboard`].

use std::collections::BTreeMap;

use sea_orm::ConnectionTrait;
use time::Date;

mod cache;

pub use cache::{DashboardCache, Figures};

use crate::db::reports::{self, EmploymentFacts, FUNNEL, ReportFilter, StageStay};
use crate::db::{organisations, programmes};
use crate::domain::application::{Stage, reference};
use crate::domain::dashboard::{
    GuaranteeStatus, guarantee_status, median_of_counts, share, what_happened,
};
use crate::domain::employment::{EndKind, Route};
use crate::domain::retention::{
    Curve, LeaverRate, Spell, kaplan_meier, leaver_rate_12m, retention,
};

/// The stages whose time is reported, in pipeline order.
pub const TIMED_STAGES: [Stage; 7] = [
    Stage::Submitted,
    Stage::Shortlisting,
    Stage::InvitedToInterview,
    Stage::InterviewBooked,
    Stage::Interviewed,
    Stage::ConditionalOffer,
    Stage::ChecksComplete,
];

/// Everything on the dashboard.
#[derive(Clone, Debug)]
pub struct Dashboard {
    /// The date the figures are as of (the end of the period).
    pub as_of: Date,
    /// When they were counted.
    pub counted_at: time::OffsetDateTime,
    /// Each programme with a target.
    pub progress: Vec<Progress>,
    /// The funnel by organisation and programme.
    pub funnel: Funnel,
    /// Guaranteed-interview compliance.
    pub compliance: Compliance,
    /// Retention.
    pub retention: Retention,
    /// Checkpoints due and not recorded (the period does not apply).
    pub overdue_checkpoints: i64,
}

/// One programme's progress to its target.
#[derive(Clone, Debug)]
pub struct Progress {
    /// The programme.
    pub programme_id: i32,
    /// Its name.
    pub name: String,
    /// People it aims to recruit.
    pub target: i64,
    /// People started.
    pub started: i64,
    /// Positions being shortlisted now.
    pub positions_shortlisting: i64,
    /// Accepted offers waiting for checks.
    pub offers_in_checks: i64,
}

/// One row of the funnel: an organisation and a programme, or the total.
#[derive(Clone, Debug, Default)]
pub struct FunnelRow {
    /// The organisation, or None in the total.
    pub organisation_id: Option<i32>,
    /// Its name, or "All organisations".
    pub organisation: String,
    /// The programme (None: no programme, or the total).
    pub programme_id: Option<i32>,
    /// Its name, or "No programme".
    pub programme: String,
    /// Applications reaching each stage of [`FUNNEL`].
    pub counts: [i64; 5],
    /// Stays in each of [`TIMED_STAGES`], as (days, how many).
    pub stays: [Vec<(i64, i64)>; 7],
}

impl FunnelRow {
    /// The share of each stage's applications that reached the next.
    pub fn conversions(&self) -> [Option<f64>; 4] {
        std::array::from_fn(|i| share(self.counts[i + 1], self.counts[i]))
    }

    /// The median days in each of [`TIMED_STAGES`].
    pub fn medians(&self) -> [Option<f64>; 7] {
        std::array::from_fn(|i| median_of_counts(&self.stays[i]))
    }
}

/// The funnel.
#[derive(Clone, Debug, Default)]
pub struct Funnel {
    /// By organisation and programme, by name.
    pub rows: Vec<FunnelRow>,
    /// All of them together.
    pub total: FunnelRow,
}

/// Guaranteed-interview compliance (DOMAIN.md §5.6).
#[derive(Clone, Debug, Default)]
pub struct Compliance {
    /// Opted in and met every essential criterion.
    pub qualifying: i64,
    /// Of those, invited to interview.
    pub invited: i64,
    /// Of those, interviewed.
    pub interviewed: i64,
    /// Of those, invited with the interview still to come.
    pub awaiting: i64,
    /// Every breach: qualifying, not interviewed, and no interview to come.
    pub breaches: Vec<Breach>,
    /// By organisation's name: qualifying, invited, interviewed, awaiting, breaches.
    pub by_organisation: BTreeMap<String, [i64; 5]>,
}

impl Compliance {
    /// The share of qualifying applications invited.
    pub fn share_invited(&self) -> Option<f64> {
        share(self.invited, self.qualifying)
    }

    /// The share interviewed, of those whose interview is not still to come.
    pub fn share_interviewed(&self) -> Option<f64> {
        share(self.interviewed, self.qualifying - self.awaiting)
    }
}

/// A qualifying application that was not interviewed.
#[derive(Clone, Debug)]
pub struct Breach {
    /// The application.
    pub application_id: i32,
    /// Its reference, as applicants and panels see it.
    pub reference: String,
    /// The vacancy.
    pub vacancy_id: i32,
    /// Its title.
    pub title: String,
    /// Its organisation's name.
    pub organisation: String,
    /// What happened.
    pub what_happened: &'static str,
}

/// The ways retention is broken down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dimension {
    /// By employer.
    Organisation,
    /// By programme hired under.
    Programme,
    /// Apprenticeships or not.
    Apprenticeship,
    /// SPECTRA hires or existing staff from ESR.
    Route,
}

impl Dimension {
    /// Every breakdown, in the order shown.
    pub const ALL: [Dimension; 4] = [
        Dimension::Organisation,
        Dimension::Programme,
        Dimension::Apprenticeship,
        Dimension::Route,
    ];

    /// As in links and exports.
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Organisation => "organisation",
            Dimension::Programme => "programme",
            Dimension::Apprenticeship => "apprenticeship",
            Dimension::Route => "route",
        }
    }

    /// As a heading.
    pub fn label(self) -> &'static str {
        match self {
            Dimension::Organisation => "By organisation",
            Dimension::Programme => "By programme",
            Dimension::Apprenticeship => "Apprenticeships and other posts",
            Dimension::Route => "By route in",
        }
    }

    /// Reads a dimension from a link.
    pub fn parse(s: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// The group key of a record in this breakdown.
    pub fn key_of(self, e: &EmploymentFacts) -> String {
        match self {
            Dimension::Organisation => e.organisation_id.to_string(),
            Dimension::Programme => e
                .programme_id
                .map_or_else(|| "none".into(), |p| p.to_string()),
            Dimension::Apprenticeship => if e.apprenticeship { "yes" } else { "no" }.into(),
            Dimension::Route => e.route.as_str().to_owned(),
        }
    }
}

/// The measures for a group of employment records.
#[derive(Clone, Debug)]
pub struct GroupMeasures {
    /// Which breakdown, or None for everyone.
    pub dimension: Option<Dimension>,
    /// The group's key in links ("3", "yes", "esr").
    pub key: String,
    /// The group's name.
    pub label: String,
    /// People in the group.
    pub n: u32,
    /// Still in post on the as-of date.
    pub in_post: u32,
    /// Left (not moved) on or before the as-of date.
    pub left: u32,
    /// Moved within the NHS on or before the as-of date.
    pub moved: u32,
    /// The Kaplan–Meier curve. A breakdown's groups keep its totals but not its points, which
    /// only the overall chart and table show: a cached dashboard stays small.
    pub curve: Curve,
    /// Retention at 3, 6, 12 and 24 months.
    pub retention: [(i32, Option<f64>); 4],
    /// The annual leaver rate.
    pub leaver_rate: LeaverRate,
}

/// Retention, overall and broken down.
#[derive(Clone, Debug)]
pub struct Retention {
    /// Everyone in the filter.
    pub overall: GroupMeasures,
    /// Each breakdown with its groups.
    pub breakdowns: Vec<(Dimension, Vec<GroupMeasures>)>,
}

/// The names of organisations and programmes, for labels.
#[derive(Clone, Debug, Default)]
pub struct Names {
    organisations: BTreeMap<i32, String>,
    programmes: BTreeMap<i32, String>,
}

impl Names {
    /// Reads both lists.
    pub async fn load(db: &impl ConnectionTrait) -> anyhow::Result<Names> {
        Ok(Names {
            organisations: organisations::all(db)
                .await?
                .into_iter()
                .map(|o| (o.id, o.name))
                .collect(),
            programmes: programmes::all(db)
                .await?
                .into_iter()
                .map(|p| (p.id, p.name))
                .collect(),
        })
    }

    /// An organisation's name.
    pub fn organisation(&self, id: i32) -> String {
        self.organisations
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("Organisation {id}"))
    }

    /// A programme's name, or "No programme".
    pub fn programme(&self, id: Option<i32>) -> String {
        id.and_then(|id| self.programmes.get(&id).cloned())
            .unwrap_or_else(|| "No programme".into())
    }

    /// A group's name in a breakdown.
    pub fn group(&self, dimension: Dimension, key: &str) -> String {
        match dimension {
            Dimension::Organisation => key
                .parse()
                .map_or_else(|_| key.to_owned(), |id| self.organisation(id)),
            Dimension::Programme => self.programme(key.parse().ok()),
            Dimension::Apprenticeship => if key == "yes" {
                "Apprenticeships"
            } else {
                "Other posts"
            }
            .into(),
            Dimension::Route => {
                Route::parse(key).map_or_else(|| key.to_owned(), |r| r.label().to_owned())
            }
        }
    }
}

/// Computes the dashboard as of `as_of` (the end of the period, or today).
pub async fn compute(
    db: &impl ConnectionTrait,
    filter: &ReportFilter,
    as_of: Date,
    today: Date,
) -> anyhow::Result<Dashboard> {
    let names = Names::load(db).await?;
    let progress = progress(db, filter, &names).await?;
    let funnel = funnel(db, filter, &names).await?;
    let compliance = compliance(db, filter, &names).await?;
    let facts = reports::employment_facts(db, filter).await?;
    let retention = retention_of(&facts, as_of, &names);
    let overdue_checkpoints =
        reports::overdue_checkpoints(db, filter.organisation_id, today).await?;
    Ok(Dashboard {
        as_of,
        counted_at: crate::db::now(),
        progress,
        funnel,
        compliance,
        retention,
        overdue_checkpoints,
    })
}

async fn progress(
    db: &impl ConnectionTrait,
    filter: &ReportFilter,
    names: &Names,
) -> anyhow::Result<Vec<Progress>> {
    let targets: BTreeMap<i32, i32> = programmes::all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.target_hires))
        .collect();
    Ok(reports::programme_progress(db, filter)
        .await?
        .into_iter()
        .filter(|p| {
            !filter.no_programme && filter.programme_id.is_none_or(|id| id == p.programme_id)
        })
        .filter_map(|p| {
            let target = *targets.get(&p.programme_id)?;
            (target > 0).then(|| Progress {
                programme_id: p.programme_id,
                name: names.programme(Some(p.programme_id)),
                target: i64::from(target),
                started: p.started,
                positions_shortlisting: p.positions_shortlisting,
                offers_in_checks: p.offers_in_checks,
            })
        })
        .collect())
}

/// The funnel's rows, by organisation and programme name, and their total.
pub async fn funnel(
    db: &impl ConnectionTrait,
    filter: &ReportFilter,
    names: &Names,
) -> anyhow::Result<Funnel> {
    let mut rows: BTreeMap<(i32, Option<i32>), FunnelRow> = BTreeMap::new();
    let mut total = FunnelRow {
        organisation: "All organisations".into(),
        programme: "All programmes".into(),
        ..FunnelRow::default()
    };
    for count in reports::funnel_counts(db, filter).await? {
        let Some(i) = FUNNEL.iter().position(|s| *s == count.stage) else {
            continue;
        };
        let (organisation_id, programme_id) = (count.organisation_id, count.programme_id);
        let row = rows
            .entry((organisation_id, programme_id))
            .or_insert_with(|| FunnelRow {
                organisation_id: Some(organisation_id),
                organisation: names.organisation(organisation_id),
                programme_id,
                programme: names.programme(programme_id),
                ..FunnelRow::default()
            });
        row.counts[i] += count.count;
        total.counts[i] += count.count;
    }
    for StageStay {
        organisation_id,
        programme_id,
        stage,
        days,
        count,
    } in reports::stage_stays(db, filter).await?
    {
        let Some(i) = TIMED_STAGES.iter().position(|s| *s == stage) else {
            continue;
        };
        if let Some(r) = rows.get_mut(&(organisation_id, programme_id)) {
            r.stays[i].push((days, count));
        }
        total.stays[i].push((days, count));
    }
    let mut rows: Vec<FunnelRow> = rows.into_values().collect();
    rows.sort_by(|a, b| (&a.organisation, &a.programme).cmp(&(&b.organisation, &b.programme)));
    Ok(Funnel { rows, total })
}

/// Guaranteed-interview compliance, with every breach.
pub async fn compliance(
    db: &impl ConnectionTrait,
    filter: &ReportFilter,
    names: &Names,
) -> anyhow::Result<Compliance> {
    let mut c = Compliance::default();
    for q in reports::qualifying_for_interview(db, filter).await? {
        c.qualifying += 1;
        c.invited += i64::from(q.invited);
        let organisation = names.organisation(q.organisation_id);
        let counts = c.by_organisation.entry(organisation.clone()).or_default();
        counts[0] += 1;
        counts[1] += i64::from(q.invited);
        let stage = q.stage;
        let status = guarantee_status(stage, q.interviewed);
        counts[match status {
            GuaranteeStatus::Interviewed => 2,
            GuaranteeStatus::Awaiting => 3,
            GuaranteeStatus::Breach => 4,
        }] += 1;
        match status {
            GuaranteeStatus::Interviewed => c.interviewed += 1,
            GuaranteeStatus::Awaiting => c.awaiting += 1,
            GuaranteeStatus::Breach => c.breaches.push(Breach {
                application_id: q.application_id,
                reference: reference(q.application_id),
                vacancy_id: q.vacancy_id,
                title: q.title,
                organisation,
                what_happened: what_happened(stage, q.invited),
            }),
        }
    }
    Ok(c)
}

/// A record as the measures see it.
pub fn spell_of(e: &EmploymentFacts) -> Spell {
    Spell {
        start: e.start_date,
        end: e.end_date,
        moved: e.end_kind == Some(EndKind::Moved),
    }
}

/// The measures of a group of records.
fn measures(
    dimension: Option<Dimension>,
    key: String,
    label: String,
    records: &[&EmploymentFacts],
    as_of: Date,
) -> GroupMeasures {
    let spells: Vec<Spell> = records.iter().map(|e| spell_of(e)).collect();
    let mut curve = kaplan_meier(&spells, as_of);
    let (mut in_post, mut left, mut moved) = (0, 0, 0);
    for s in spells.iter().filter(|s| s.start <= as_of) {
        match s.end.filter(|end| *end <= as_of) {
            None => in_post += 1,
            Some(_) if s.moved => moved += 1,
            Some(_) => left += 1,
        }
    }
    let at_checkpoints = retention(&curve);
    if dimension.is_some() {
        curve.points = Vec::new();
    }
    GroupMeasures {
        dimension,
        key,
        label,
        n: curve.n,
        in_post,
        left,
        moved,
        retention: at_checkpoints,
        leaver_rate: leaver_rate_12m(&spells, as_of),
        curve,
    }
}

/// Retention overall and by each breakdown.
pub fn retention_of(facts: &[EmploymentFacts], as_of: Date, names: &Names) -> Retention {
    let everyone: Vec<&EmploymentFacts> = facts.iter().collect();
    let overall = measures(None, String::new(), "Everyone".into(), &everyone, as_of);
    let breakdowns = Dimension::ALL
        .into_iter()
        .map(|dimension| {
            let mut groups: BTreeMap<String, Vec<&EmploymentFacts>> = BTreeMap::new();
            for e in facts {
                groups.entry(dimension.key_of(e)).or_default().push(e);
            }
            let mut measured: Vec<GroupMeasures> = groups
                .into_iter()
                .map(|(key, records)| {
                    let label = names.group(dimension, &key);
                    measures(Some(dimension), key, label, &records, as_of)
                })
                .collect();
            measured.sort_by(|a, b| a.label.cmp(&b.label));
            (dimension, measured)
        })
        .collect();
    Retention {
        overall,
        breakdowns,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn record(id: i32, organisation_id: i32, end: Option<Date>) -> EmploymentFacts {
        EmploymentFacts {
            id,
            organisation_id,
            programme_id: None,
            apprenticeship: false,
            route: Route::Spectra,
            start_date: date!(2025 - 01 - 01),
            end_date: end,
            end_kind: end.map(|_| EndKind::Left),
        }
    }

    #[test]
    fn breakdowns_keep_their_figures_but_only_the_overall_curve_keeps_its_points() {
        let facts = [
            record(1, 1, Some(date!(2025 - 03 - 01))),
            record(2, 1, None),
            record(3, 2, Some(date!(2025 - 06 - 01))),
        ];
        let r = retention_of(&facts, date!(2026 - 01 - 01), &Names::default());
        assert_eq!(r.overall.n, 3);
        assert_eq!(r.overall.curve.points.len(), 2);
        let (dimension, groups) = &r.breakdowns[0];
        assert_eq!(*dimension, Dimension::Organisation);
        assert_eq!(groups.len(), 2);
        assert!(groups.iter().all(|g| g.curve.points.is_empty()));
        // Organisation 1: one of two left on day 59, so half are still in post at 6 months.
        let first = groups.iter().find(|g| g.key == "1").unwrap();
        assert_eq!((first.n, first.left, first.in_post), (2, 1, 1));
        assert_eq!(first.retention[1], (6, Some(0.5)));
        assert_eq!(first.label, "Organisation 1");
    }
}
