//! The measures of retention (DOMAIN.md §7, issue 11 part 4): the Kaplan–Meier retention curve
//! with its 95% confidence interval, retention at 3, 6, 12 and 24 months, the annual leaver rate
//! as NHS Digital computes it. Pure: the callers read the employment records and pass them in
//! as [`Spell`]s. What an export may show of these is in [`crate::domain::disclosure`].
//!
//! Moving within the NHS is not leaving (as in the NHS stability index): a mover is censored at
//! their move, like someone still in post is censored at the as-of date.

use time::Date;

use crate::domain::employment::add_months;

/// One person's employment, for the measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spell {
    /// The first day in post.
    pub start: Date,
    /// The leaving date (if `!moved`) or the date of moving within the NHS (if `moved`); `None`
    /// while in post.
    pub end: Option<Date>,
    /// Whether the spell ended by moving within the NHS rather than by leaving.
    pub moved: bool,
}

/// The Kaplan–Meier curve at one event time (a day on which at least one person left).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CurvePoint {
    /// Whole days since the start date.
    pub day: i64,
    /// How many were still observed on that day (observed for `day` days or more), including
    /// those censored on it: events come before censorings on the same day.
    pub at_risk: u32,
    /// How many left on that day.
    pub events: u32,
    /// How many were censored on exactly that day (in post or moved, observed no longer).
    pub censored: u32,
    /// The product-limit estimate S(day): the share still in post `day` days after starting.
    pub survival: f64,
    /// The lower end of the 95% confidence interval of `survival` (Greenwood, log-log).
    pub ci_low: f64,
    /// The upper end of that interval.
    pub ci_high: f64,
}

/// A Kaplan–Meier retention curve: see [`kaplan_meier`].
#[derive(Clone, Debug, PartialEq)]
pub struct Curve {
    /// How many spells it counts (those started on or before the as-of date).
    pub n: u32,
    /// How many of them ended in leaving on or before the as-of date.
    pub events: u32,
    /// One point per distinct event time, in order of day. Censorings on days when nobody left
    /// have no point of their own; they count in `n` and in the later points' `at_risk`.
    pub points: Vec<CurvePoint>,
    /// The longest time anyone was observed, in days (0 when nobody is counted).
    pub max_time: i64,
}

/// How one counted spell was observed. Ordered by day, then events (`censored == false`) before
/// censorings, which is the order the product-limit estimate takes them in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Observation {
    /// Whole days from the start to the leaving date or the censoring date.
    days: i64,
    /// Whether the person was still employed in the NHS when last observed.
    censored: bool,
}

impl Observation {
    /// How `spell` is observed as of `as_of`; `None` when it starts after `as_of`.
    ///
    /// A leaving date on or before `as_of` is an event; a later one is not known yet, so it is
    /// censored at `as_of`. A move is censored at the move, or at `as_of` if that comes first.
    /// Someone in post is censored at `as_of`. An end before the start counts as day 0.
    fn of(spell: &Spell, as_of: Date) -> Option<Self> {
        if spell.start > as_of {
            return None;
        }
        let (until, censored) = match spell.end {
            Some(end) if !spell.moved && end <= as_of => (end, false),
            Some(end) if spell.moved => (end.min(as_of), true),
            _ => (as_of, true),
        };
        Some(Observation {
            days: (until - spell.start).whole_days().max(0),
            censored,
        })
    }
}

/// A count as a `u32`, saturating (no realistic count comes near).
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The normal quantile of a two-sided 95% interval.
const Z_95: f64 = 1.96;

/// The 95% confidence interval of a survival estimate `s` whose Greenwood sum is `greenwood`
/// (Σ d/(n(n−d)) over the event times so far), by the log-log transform:
/// se = √greenwood / |ln s|, interval = [s^exp(+1.96·se), s^exp(−1.96·se)].
/// It is (1, 1) when `s` is 1 and (0, 0) when `s` is 0, where the transform is undefined.
fn log_log_interval(s: f64, greenwood: f64) -> (f64, f64) {
    if s >= 1.0 {
        (1.0, 1.0)
    } else if s <= 0.0 {
        (0.0, 0.0)
    } else {
        let se = greenwood.sqrt() / s.ln().abs();
        (s.powf((Z_95 * se).exp()), s.powf((-Z_95 * se).exp()))
    }
}

/// The Kaplan–Meier (product-limit) retention curve of `spells` as of `as_of`.
///
/// Time is whole days from the start date. Spells starting after `as_of` are left out. Leaving
/// on or before `as_of` is an event; everyone else is censored (see [`Spell`]): at `as_of` if in
/// post or leaving later, at the move (or `as_of`, if earlier) if they moved within the NHS.
/// On a day with both, the events come first, so those censored that day are at risk for them.
///
/// At each day t with d ≥ 1 events among n at risk, S(t) = S(before) × (n − d)/n, and the
/// confidence interval uses Greenwood's Σ d/(n(n−d)) with the log-log transform.
pub fn kaplan_meier(spells: &[Spell], as_of: Date) -> Curve {
    let mut observations: Vec<Observation> = spells
        .iter()
        .filter_map(|s| Observation::of(s, as_of))
        .collect();
    observations.sort_unstable();

    let mut points = Vec::new();
    let mut at_risk = count(observations.len());
    let (mut survival, mut greenwood) = (1.0_f64, 0.0_f64);
    for same_day in observations.chunk_by(|a, b| a.days == b.days) {
        let day = same_day.first().map_or(0, |o| o.days);
        let censored = count(same_day.iter().filter(|o| o.censored).count());
        let events = count(same_day.len()) - censored;
        if events > 0 {
            let (n, d) = (f64::from(at_risk), f64::from(events));
            survival *= (n - d) / n;
            if at_risk > events {
                greenwood += d / (n * (n - d));
            }
            let (ci_low, ci_high) = log_log_interval(survival, greenwood);
            points.push(CurvePoint {
                day,
                at_risk,
                events,
                censored,
                survival,
                ci_low,
                ci_high,
            });
        }
        at_risk = at_risk.saturating_sub(events + censored);
    }
    Curve {
        n: count(observations.len()),
        events: count(observations.iter().filter(|o| !o.censored).count()),
        points,
        max_time: observations.last().map_or(0, |o| o.days),
    }
}

impl Curve {
    /// S(`day`): the product over the event times up to and including `day` (1.0 before the
    /// first); `None` where nobody was still at risk at `day` (no observed time ≥ `day`).
    pub fn survival_at(&self, day: i64) -> Option<f64> {
        self.point_at(day).map(|(survival, _, _)| survival)
    }

    /// (S, ci_low, ci_high) at `day`: those of the last event time up to and including `day`,
    /// or (1, 1, 1) before the first; `None` where nobody was still at risk at `day`.
    pub fn point_at(&self, day: i64) -> Option<(f64, f64, f64)> {
        if self.n == 0 || day > self.max_time {
            return None;
        }
        let up_to = self.points.partition_point(|p| p.day <= day);
        Some(
            match up_to.checked_sub(1).and_then(|i| self.points.get(i)) {
                Some(p) => (p.survival, p.ci_low, p.ci_high),
                None => (1.0, 1.0, 1.0),
            },
        )
    }
}

/// (months, days): retention at 3, 6, 12, 24 months is S at 91, 182, 365, 730 days.
pub const RETENTION_POINTS: [(i32, i64); 4] = [(3, 91), (6, 182), (12, 365), (24, 730)];

/// Retention at 3, 6, 12 and 24 months: (months, S at [`RETENTION_POINTS`]' days), `None` where
/// nobody was still at risk at that time.
pub fn retention(curve: &Curve) -> [(i32, Option<f64>); 4] {
    RETENTION_POINTS.map(|(months, days)| (months, curve.survival_at(days)))
}

/// At `day` days after starting: how many were still followed (observed for `day` days or
/// more) and how many had left by then (an event on or before `day`), as of `as_of`. The
/// counts behind a point of the curve, for a table that shows only a few points.
pub fn followed_and_left(spells: &[Spell], as_of: Date, day: i64) -> (u32, u32) {
    let observed: Vec<Observation> = spells
        .iter()
        .filter_map(|s| Observation::of(s, as_of))
        .collect();
    let followed = observed.iter().filter(|o| o.days >= day).count();
    let left = observed
        .iter()
        .filter(|o| !o.censored && o.days <= day)
        .count();
    (count(followed), count(left))
}

/// The annual leaver rate and what it is made of: see [`leaver_rate_12m`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeaverRate {
    /// People who left (not moves) in the 12 months to the as-of date.
    pub leavers: u32,
    /// The headcount on the first day of those 12 months.
    pub headcount_start: u32,
    /// The headcount on the as-of date.
    pub headcount_end: u32,
    /// `leavers` over the mean of the two headcounts; `None` when that mean is 0.
    pub rate: Option<f64>,
}

/// The national leaver rate, the first benchmark the rate is shown beside.
pub const NATIONAL_LEAVER_RATE: f64 = 0.162;
/// The leaver rate at specialist trusts, the second benchmark.
pub const SPECIALIST_LEAVER_RATE: f64 = 0.108;

/// How many of `spells` were in post on `day`: started on or before it and not ended (left or
/// moved) on or before it.
fn headcount(spells: &[Spell], day: Date) -> u32 {
    count(
        spells
            .iter()
            .filter(|s| s.start <= day && s.end.is_none_or(|end| end > day))
            .count(),
    )
}

/// The leaver rate over the 12 months to `as_of`, NHS Digital's way: leavers (not moves) with a
/// leaving date after `as_of` less 12 calendar months and on or before `as_of`, divided by the
/// mean of the headcount on the first of those days (`as_of` less 12 months) and on `as_of`.
pub fn leaver_rate_12m(spells: &[Spell], as_of: Date) -> LeaverRate {
    let from = add_months(as_of, -12);
    let leavers = count(
        spells
            .iter()
            .filter(|s| !s.moved && s.end.is_some_and(|end| from < end && end <= as_of))
            .count(),
    );
    let headcount_start = headcount(spells, from);
    let headcount_end = headcount(spells, as_of);
    let mean = (f64::from(headcount_start) + f64::from(headcount_end)) / 2.0;
    LeaverRate {
        leavers,
        headcount_start,
        headcount_end,
        rate: (mean > 0.0).then(|| f64::from(leavers) / mean),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;
    use time::macros::date;

    /// Floating-point results agree with the hand-computed values to this much.
    const EPSILON: f64 = 1e-9;

    fn close(actual: f64, expected: f64) -> bool {
        (actual - expected).abs() < EPSILON
    }

    #[track_caller]
    fn assert_close(actual: f64, expected: f64) {
        assert!(close(actual, expected), "{actual} != {expected}");
    }

    #[track_caller]
    fn assert_close_some(actual: Option<f64>, expected: f64) {
        match actual {
            Some(a) => assert_close(a, expected),
            None => panic!("None != {expected}"),
        }
    }

    /// Checks a point's counts and day exactly and its figures to [`EPSILON`].
    #[track_caller]
    fn assert_point(
        p: &CurvePoint,
        (day, at_risk, events, censored): (i64, u32, u32, u32),
        (survival, ci_low, ci_high): (f64, f64, f64),
    ) {
        assert_eq!(
            (p.day, p.at_risk, p.events, p.censored),
            (day, at_risk, events, censored),
            "{p:?}"
        );
        assert_close(p.survival, survival);
        assert_close(p.ci_low, ci_low);
        assert_close(p.ci_high, ci_high);
    }

    const START: Date = date!(2024 - 01 - 01);
    /// START + 100 days (2024 is a leap year: 31 + 29 + 31 days to 1 April, then 9 more).
    const AS_OF: Date = date!(2024 - 04 - 10);

    fn day(days: i64) -> Date {
        START + Duration::days(days)
    }

    /// Left `days` days after [`START`].
    fn left(days: i64) -> Spell {
        Spell {
            start: START,
            end: Some(day(days)),
            moved: false,
        }
    }

    /// Moved within the NHS `days` days after [`START`].
    fn moved(days: i64) -> Spell {
        Spell {
            start: START,
            end: Some(day(days)),
            moved: true,
        }
    }

    /// Still in post, since [`START`].
    fn in_post() -> Spell {
        Spell {
            start: START,
            end: None,
            moved: false,
        }
    }

    #[test]
    fn as_of_is_100_days_after_start() {
        assert_eq!(day(100), AS_OF);
    }

    /// Eight people: two leave on day 10, when a third moves (a tie: the mover is still at risk
    /// for that day's leavers); one leaves on day 20; one moves on day 30 (a censoring on a day
    /// without events: no point of its own); one leaves on day 40; two are in post on day 100.
    ///
    /// | day | at risk n | left d | censored | S                 | Σ d/(n(n−d))          |
    /// | 10  | 8         | 2      | 1        | 6/8 = 0.75        | 2/(8·6) = 1/24        |
    /// | 20  | 8−3 = 5   | 1      | 0        | 0.75·4/5 = 0.6    | 1/24 + 1/20 = 11/120  |
    /// | 40  | 5−2 = 3   | 1      | 0        | 0.6·2/3 = 0.4     | 11/120 + 1/6 = 31/120 |
    ///
    /// Log-log intervals, se = √Σ / |ln S| and [S^exp(1.96·se), S^exp(−1.96·se)]:
    /// - day 10: se = 0.2041241/0.2876821 = 0.7095477: [0.3147978, 0.9309000];
    /// - day 20: se = 0.3027650/0.5108256 = 0.5926974: [0.1954891, 0.8522573];
    /// - day 40: se = 0.5082650/0.9162907 = 0.5546984: [0.0660262, 0.7342299].
    fn eight_people() -> Vec<Spell> {
        vec![
            left(10),
            in_post(),
            left(10),
            moved(10),
            left(20),
            moved(30),
            left(40),
            in_post(),
        ]
    }

    #[test]
    fn ties_and_censoring_follow_the_worked_example() {
        let curve = kaplan_meier(&eight_people(), AS_OF);
        assert_eq!((curve.n, curve.events, curve.max_time), (8, 4, 100));
        assert_eq!(curve.points.len(), 3);
        assert_point(
            &curve.points[0],
            (10, 8, 2, 1),
            (0.75, 0.314_797_815_586_686_7, 0.930_900_020_473_841_9),
        );
        assert_point(
            &curve.points[1],
            (20, 5, 1, 0),
            (0.6, 0.195_489_054_717_674_5, 0.852_257_254_168_305_9),
        );
        assert_point(
            &curve.points[2],
            (40, 3, 1, 0),
            (0.4, 0.066_026_189_471_633_33, 0.734_229_876_527_536_1),
        );
    }

    #[test]
    fn the_order_of_the_spells_does_not_matter() {
        let mut spells = eight_people();
        let forwards = kaplan_meier(&spells, AS_OF);
        spells.reverse();
        assert_eq!(kaplan_meier(&spells, AS_OF), forwards);
    }

    #[test]
    fn survival_at_steps_at_event_times_and_stops_where_nobody_is_at_risk() {
        let curve = kaplan_meier(&eight_people(), AS_OF);
        for (t, s) in [
            (0, 1.0),
            (9, 1.0),
            (10, 0.75),
            (19, 0.75),
            (20, 0.6),
            (39, 0.6),
        ] {
            assert_close_some(curve.survival_at(t), s);
        }
        for t in [40, 41, 99, 100] {
            assert_close_some(curve.survival_at(t), 0.4);
        }
        assert_eq!(curve.survival_at(101), None, "nobody observed past day 100");
        assert_eq!(curve.point_at(101), None);
        assert_eq!(curve.point_at(5), Some((1.0, 1.0, 1.0)), "S = 1: CI (1, 1)");
        let (s, low, high) = curve.point_at(30).unwrap();
        assert_eq!(
            (s, low, high),
            (
                curve.points[1].survival,
                curve.points[1].ci_low,
                curve.points[1].ci_high
            )
        );
    }

    #[test]
    fn intervals_contain_the_estimate_and_stay_within_0_and_1() {
        let curve = kaplan_meier(&eight_people(), AS_OF);
        for p in &curve.points {
            assert!(0.0 < p.ci_low && p.ci_low < p.survival, "{p:?}");
            assert!(p.survival < p.ci_high && p.ci_high < 1.0, "{p:?}");
        }
    }

    /// A single leaver on day 50: n = d = 1, so S = 0 with the interval (0, 0); S is 1 before
    /// and unknown after, since nobody is observed past day 50.
    #[test]
    fn a_single_person_who_leaves() {
        let curve = kaplan_meier(&[left(50)], AS_OF);
        assert_eq!((curve.n, curve.events, curve.max_time), (1, 1, 50));
        assert_eq!(curve.points.len(), 1);
        assert_point(&curve.points[0], (50, 1, 1, 0), (0.0, 0.0, 0.0));
        assert_eq!(curve.survival_at(49), Some(1.0));
        assert_eq!(curve.point_at(50), Some((0.0, 0.0, 0.0)));
        assert_eq!(curve.survival_at(51), None);
    }

    /// A single person in post: no events, no points, S = 1 up to the as-of date.
    #[test]
    fn a_single_person_in_post() {
        let curve = kaplan_meier(&[in_post()], AS_OF);
        assert_eq!((curve.n, curve.events, curve.max_time), (1, 0, 100));
        assert!(curve.points.is_empty());
        assert_eq!(curve.point_at(0), Some((1.0, 1.0, 1.0)));
        assert_eq!(curve.point_at(100), Some((1.0, 1.0, 1.0)));
        assert_eq!(curve.survival_at(101), None);
    }

    /// Everyone leaves: two on day 5, the last on day 9.
    ///
    /// | day | n | d | S               | Σ d/(n(n−d))      |
    /// | 5   | 3 | 2 | 1/3             | 2/(3·1) = 2/3     |
    /// | 9   | 1 | 1 | 1/3 · 0/1 = 0   | (n = d: no term)  |
    ///
    /// Day 5: se = √(2/3)/ln 3 = 0.8164966/1.0986123 = 0.7432072, so
    /// [(1/3)^exp(1.4566861), (1/3)^exp(−1.4566861)] = [0.0089605, 0.7741540]. Day 9: (0, 0).
    #[test]
    fn everyone_leaving_ends_at_zero() {
        let curve = kaplan_meier(&[left(9), left(5), left(5)], AS_OF);
        assert_eq!((curve.n, curve.events, curve.max_time), (3, 3, 9));
        assert_point(
            &curve.points[0],
            (5, 3, 2, 0),
            (
                1.0 / 3.0,
                0.008_960_497_421_610_517,
                0.774_153_954_858_257_8,
            ),
        );
        assert_point(&curve.points[1], (9, 1, 1, 0), (0.0, 0.0, 0.0));
        assert_eq!(curve.survival_at(9), Some(0.0));
        assert_eq!(curve.survival_at(10), None);
    }

    #[test]
    fn nobody_counted_gives_an_empty_curve() {
        for spells in [
            vec![],
            vec![Spell {
                start: date!(2024 - 04 - 11),
                end: None,
                moved: false,
            }],
        ] {
            let curve = kaplan_meier(&spells, AS_OF);
            assert_eq!(
                curve,
                Curve {
                    n: 0,
                    events: 0,
                    points: vec![],
                    max_time: 0
                }
            );
            assert_eq!(curve.survival_at(0), None);
            assert_eq!(curve.point_at(0), None);
            assert_eq!(retention(&curve).map(|(_, s)| s), [None; 4]);
        }
    }

    /// As of 30 June 2024, which is day 181 after 1 January 2024 (31+29+31+30+31+29):
    /// - started 1 July 2024, after the as-of date: not counted;
    /// - started on the as-of date, in post: censored on day 0;
    /// - left 31 December 2024, after the as-of date: censored on day 181;
    /// - left on the as-of date: an event on day 181;
    /// - moved 1 March 2024: censored on day 60;
    /// - moved 1 September 2024, after the as-of date: censored on day 181.
    ///
    /// n = 5, one event, on day 181: at risk 3 (the leaver and the two censored that day),
    /// S = 2/3, Σ = 1/(3·2) = 1/6, se = 0.4082483/0.4054651 = 1.0068642:
    /// [(2/3)^exp(1.9734538), (2/3)^exp(−1.9734538)] = [0.0540677, 0.9452083].
    #[test]
    fn the_as_of_date_excludes_later_starts_and_censors_later_ends() {
        let as_of = date!(2024 - 06 - 30);
        let spell = |start, end, moved| Spell { start, end, moved };
        let spells = [
            spell(date!(2024 - 07 - 01), Some(date!(2024 - 08 - 01)), false),
            spell(as_of, None, false),
            spell(START, Some(date!(2024 - 12 - 31)), false),
            spell(START, Some(as_of), false),
            spell(START, Some(date!(2024 - 03 - 01)), true),
            spell(START, Some(date!(2024 - 09 - 01)), true),
        ];
        let curve = kaplan_meier(&spells, as_of);
        assert_eq!((curve.n, curve.events, curve.max_time), (5, 1, 181));
        assert_eq!(curve.points.len(), 1);
        assert_point(
            &curve.points[0],
            (181, 3, 1, 2),
            (2.0 / 3.0, 0.054_067_706_385_543_38, 0.945_208_318_743_172_8),
        );
        assert_eq!(curve.survival_at(60), Some(1.0));
    }

    #[test]
    fn an_end_before_the_start_counts_as_day_0() {
        let spell = Spell {
            start: START,
            end: Some(date!(2023 - 12 - 01)),
            moved: false,
        };
        let curve = kaplan_meier(&[spell, in_post()], AS_OF);
        assert_eq!(curve.points[0].day, 0);
        assert_close(curve.points[0].survival, 0.5);
    }

    /// Four people from 1 January 2020, as of day 800: one leaves on day 100 (S = 3/4), one on
    /// day 400 (S = 3/4 · 2/3 = 1/2), two are in post. S(91) = 1, S(182) = S(365) = 3/4 and
    /// S(730) = 1/2. As of day 729 nobody has been observed for 730 days: no 24-month figure.
    /// As of day 730 the two in post are at risk on day 730: it is shown.
    #[test]
    fn retention_reads_the_curve_at_91_182_365_and_730_days() {
        let start = date!(2020 - 01 - 01);
        let after = |days| Some(start + Duration::days(days));
        let spells = [
            Spell {
                start,
                end: after(100),
                moved: false,
            },
            Spell {
                start,
                end: after(400),
                moved: false,
            },
            Spell {
                start,
                end: None,
                moved: false,
            },
            Spell {
                start,
                end: None,
                moved: false,
            },
        ];
        let as_of = |days| start + Duration::days(days);
        assert_eq!(
            retention(&kaplan_meier(&spells, as_of(800))),
            [
                (3, Some(1.0)),
                (6, Some(0.75)),
                (12, Some(0.75)),
                (24, Some(0.5))
            ]
        );
        assert_eq!(
            retention(&kaplan_meier(&spells, as_of(729))),
            [
                (3, Some(1.0)),
                (6, Some(0.75)),
                (12, Some(0.75)),
                (24, None)
            ]
        );
        assert_eq!(
            retention(&kaplan_meier(&spells, as_of(730)))[3],
            (24, Some(0.5))
        );
        assert_eq!(
            retention(&kaplan_meier(&spells, as_of(90))),
            [(3, None), (6, None), (12, None), (24, None)]
        );
    }

    /// As of 31 March 2025; the 12 months run from 31 March 2024 (exclusive, for leavers; the
    /// first headcount is taken on it) to 31 March 2025 (inclusive).
    ///
    /// | # | start      | end        | how   | leaver | on 31/3/24 | on 31/3/25 |
    /// | 1 | 2023-01-01 |            |       |        | yes        | yes        |
    /// | 2 | 2023-06-01 | 2024-03-31 | left  | no (before the period) | no | no  |
    /// | 3 | 2023-06-01 | 2024-04-01 | left  | yes    | yes        | no         |
    /// | 4 | 2024-01-01 | 2025-03-31 | left  | yes    | yes        | no         |
    /// | 5 | 2024-01-01 | 2024-10-01 | moved | no     | yes        | no         |
    /// | 6 | 2024-06-01 |            |       |        | no         | yes        |
    /// | 7 | 2024-06-01 | 2024-09-01 | left  | yes    | no         | no         |
    /// | 8 | 2025-04-01 |            |       |        | no         | no         |
    /// | 9 | 2022-01-01 | 2025-05-01 | left  | no (after the period) | yes | yes |
    /// | 10| 2024-03-31 |            |       |        | yes        | yes        |
    ///
    /// 3 leavers; headcounts 6 and 4, mean 5; rate 3/5 = 0.6.
    #[test]
    fn the_leaver_rate_follows_the_worked_example() {
        let spell = |start, end, moved| Spell { start, end, moved };
        let spells = [
            spell(date!(2023 - 01 - 01), None, false),
            spell(date!(2023 - 06 - 01), Some(date!(2024 - 03 - 31)), false),
            spell(date!(2023 - 06 - 01), Some(date!(2024 - 04 - 01)), false),
            spell(date!(2024 - 01 - 01), Some(date!(2025 - 03 - 31)), false),
            spell(date!(2024 - 01 - 01), Some(date!(2024 - 10 - 01)), true),
            spell(date!(2024 - 06 - 01), None, false),
            spell(date!(2024 - 06 - 01), Some(date!(2024 - 09 - 01)), false),
            spell(date!(2025 - 04 - 01), None, false),
            spell(date!(2022 - 01 - 01), Some(date!(2025 - 05 - 01)), false),
            spell(date!(2024 - 03 - 31), None, false),
        ];
        let rate = leaver_rate_12m(&spells, date!(2025 - 03 - 31));
        assert_eq!(
            (rate.leavers, rate.headcount_start, rate.headcount_end),
            (3, 6, 4)
        );
        assert_close_some(rate.rate, 0.6);
    }

    #[test]
    fn the_leaver_rate_period_is_12_calendar_months() {
        // From 29 February 2024, 12 months back is 28 February 2023.
        let as_of = date!(2024 - 02 - 29);
        let spells = [
            Spell {
                start: date!(2020 - 01 - 01),
                end: Some(date!(2023 - 02 - 28)),
                moved: false,
            },
            Spell {
                start: date!(2020 - 01 - 01),
                end: Some(date!(2023 - 03 - 01)),
                moved: false,
            },
        ];
        let rate = leaver_rate_12m(&spells, as_of);
        assert_eq!(
            (rate.leavers, rate.headcount_start, rate.headcount_end),
            (1, 1, 0)
        );
        assert_close_some(rate.rate, 2.0);
    }

    #[test]
    fn the_leaver_rate_is_none_without_headcount() {
        let as_of = date!(2025 - 03 - 31);
        assert_eq!(
            leaver_rate_12m(&[], as_of),
            LeaverRate {
                leavers: 0,
                headcount_start: 0,
                headcount_end: 0,
                rate: None
            }
        );
        // Started and left within the period: a leaver, but never in either headcount.
        let brief = Spell {
            start: date!(2024 - 06 - 01),
            end: Some(date!(2024 - 09 - 01)),
            moved: false,
        };
        assert_eq!(
            leaver_rate_12m(&[brief], as_of),
            LeaverRate {
                leavers: 1,
                headcount_start: 0,
                headcount_end: 0,
                rate: None
            }
        );
    }

    #[test]
    fn followed_and_left_at_a_day() {
        let spells = [
            left(10),
            left(10),
            moved(10),
            left(20),
            moved(30),
            in_post(),
        ];
        assert_eq!(followed_and_left(&spells, AS_OF, 0), (6, 0));
        assert_eq!(followed_and_left(&spells, AS_OF, 10), (6, 2));
        assert_eq!(followed_and_left(&spells, AS_OF, 11), (3, 2));
        assert_eq!(followed_and_left(&spells, AS_OF, 25), (2, 3));
        assert_eq!(followed_and_left(&spells, AS_OF, 100), (1, 3));
        assert_eq!(followed_and_left(&spells, AS_OF, 101), (0, 3));
    }

    #[test]
    fn the_benchmarks_are_nhs_figures() {
        assert_close(NATIONAL_LEAVER_RATE, 0.162);
        assert_close(SPECIALIST_LEAVER_RATE, 0.108);
    }
}
