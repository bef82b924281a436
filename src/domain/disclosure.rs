//! What a table for sharing may show (DOMAIN.md §7): the disclosure control NHS Digital has
//! used for Hospital Episode Statistics since September 2018.
//!
//! - A count from 1 to 7 is shown as `*`.
//! - Every other count is rounded to the nearest 5; 0 stays 0.
//! - A total is computed from the exact counts, then rounded the same way.
//! - A rate, or a share still in post, is shown only where its group has 10 or more people
//!   and none of the counts it is made of is hidden.
//! - The retention curve is shown only at 3, 6, 12 and 24 months.
//!
//! Also here, pure and generic: the attacker's check ([`attack`]). Given what a table shows
//! and how its cells add up, it narrows each cell to the values it could really be, by
//! interval arithmetic. Tests run it on every table for sharing.

/// Counts from 1 to this are hidden.
pub const HIDDEN_UP_TO: u64 = 7;
/// Other counts are rounded to a multiple of this.
pub const ROUND_TO: u64 = 5;
/// A rate is shown only for a group of at least this many people.
pub const RATE_MIN_GROUP: u64 = 10;
/// How a hidden count is written.
pub const HIDDEN: &str = "*";

/// A count as a table for sharing shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shown {
    /// Nothing: 0 is shown as it is.
    Zero,
    /// From 1 to 7: shown as `*`.
    Hidden,
    /// 8 or more, rounded to the nearest 5 (so 10 or more).
    Rounded(u64),
}

impl Shown {
    /// The count as written in a file: "0", "*" or "15".
    pub fn text(self) -> String {
        match self {
            Shown::Zero => "0".into(),
            Shown::Hidden => HIDDEN.into(),
            Shown::Rounded(n) => n.to_string(),
        }
    }

    /// Whether the count is hidden.
    pub fn is_hidden(self) -> bool {
        self == Shown::Hidden
    }
}

/// The rule for one count (or one total, computed from the exact counts first).
pub fn count(n: u64) -> Shown {
    match n {
        0 => Shown::Zero,
        1..=HIDDEN_UP_TO => Shown::Hidden,
        _ => Shown::Rounded((n + ROUND_TO / 2) / ROUND_TO * ROUND_TO),
    }
}

/// Whether a rate of a group of `group` people, made of `counts`, may be shown: the group has
/// 10 or more people and none of the counts (nor the group) is hidden.
pub fn rate_shown(group: u64, counts: &[u64]) -> bool {
    group >= RATE_MIN_GROUP
        && !count(group).is_hidden()
        && counts.iter().all(|&n| !count(n).is_hidden())
}

/// The months at which a curve for sharing is shown.
pub const CURVE_MONTHS: [i32; 4] = [3, 6, 12, 24];

/// The values a count could be: from `lo` to `hi`, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interval {
    /// The smallest.
    pub lo: i64,
    /// The largest.
    pub hi: i64,
}

impl Interval {
    /// What a cell of a table for sharing says of its true count, or `None` when it is not a
    /// count ("*" is 1 to 7, 0 is 0, a multiple of 5, v, is v − 2 to v + 2 and at least 8).
    pub fn of_text(text: &str) -> Option<Interval> {
        let text = text.trim();
        if text == HIDDEN {
            #[allow(clippy::cast_possible_wrap)] // 7
            return Some(Interval {
                lo: 1,
                hi: HIDDEN_UP_TO as i64,
            });
        }
        let v: i64 = text.parse().ok()?;
        Some(if v == 0 {
            Interval { lo: 0, hi: 0 }
        } else {
            #[allow(clippy::cast_possible_wrap)] // small constants
            let (half, least) = ((ROUND_TO / 2) as i64, HIDDEN_UP_TO as i64 + 1);
            Interval {
                lo: (v - half).max(least),
                hi: v + half,
            }
        })
    }

    /// Whether only one value is possible.
    pub fn is_single(self) -> bool {
        self.lo == self.hi
    }
}

/// How cells add up: the sum of `parts` equals (or, when `at_most`, is at most) `total`.
/// Cells are numbered as in the slice given to [`attack`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sum {
    /// The cells added up.
    pub parts: Vec<usize>,
    /// The cell they make, or bound.
    pub total: usize,
    /// `sum(parts) <= total` instead of `=`.
    pub at_most: bool,
}

impl Sum {
    /// `sum(parts) = total`.
    pub fn equals(parts: Vec<usize>, total: usize) -> Sum {
        Sum {
            parts,
            total,
            at_most: false,
        }
    }

    /// `sum(parts) <= total`.
    pub fn at_most(parts: Vec<usize>, total: usize) -> Sum {
        Sum {
            parts,
            total,
            at_most: true,
        }
    }
}

/// The attacker's narrowing: starting from what each cell shows, applies every sum again and
/// again until nothing narrows (each step only narrows, so it ends). Returns each cell's
/// feasible interval, or `None` when the sums cannot all hold (the table is inconsistent).
pub fn attack(cells: &[Interval], sums: &[Sum]) -> Option<Vec<Interval>> {
    let mut cells = cells.to_vec();
    loop {
        let before = cells.clone();
        for sum in sums {
            narrow(&mut cells, sum)?;
        }
        if cells == before {
            return Some(cells);
        }
    }
}

/// One pass of one sum.
fn narrow(cells: &mut [Interval], sum: &Sum) -> Option<()> {
    let get = |cells: &[Interval], i: usize| cells.get(i).copied();
    let total = get(cells, sum.total)?;
    let lo_sum: i64 = sum
        .parts
        .iter()
        .map(|&i| get(cells, i).map(|c| c.lo))
        .sum::<Option<i64>>()?;
    let hi_sum: i64 = sum
        .parts
        .iter()
        .map(|&i| get(cells, i).map(|c| c.hi))
        .sum::<Option<i64>>()?;
    // Each part: at most the total's largest less the others' smallest; when the sum is
    // exact, at least the total's smallest less the others' largest.
    for &i in &sum.parts {
        let part = get(cells, i)?;
        let hi = total.hi - (lo_sum - part.lo);
        let lo = if sum.at_most {
            part.lo
        } else {
            total.lo - (hi_sum - part.hi)
        };
        set(cells, i, lo, hi)?;
    }
    // The total: at least the parts' smallest; when exact, at most their largest.
    let hi = if sum.at_most { total.hi } else { hi_sum };
    set(cells, sum.total, lo_sum, hi)
}

/// Narrows cell `i` to `lo..=hi`; `None` when nothing is left.
fn set(cells: &mut [Interval], i: usize, lo: i64, hi: i64) -> Option<()> {
    let cell = cells.get_mut(i)?;
    cell.lo = cell.lo.max(lo);
    cell.hi = cell.hi.min(hi);
    (cell.lo <= cell.hi).then_some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(lo: i64, hi: i64) -> Interval {
        Interval { lo, hi }
    }

    #[test]
    fn zero_stays_zero_and_1_to_7_are_hidden() {
        assert_eq!(count(0), Shown::Zero);
        for n in 1..=7 {
            assert_eq!(count(n), Shown::Hidden, "{n}");
        }
    }

    #[test]
    fn from_8_counts_round_to_the_nearest_5() {
        let expected = [
            (8, 10),
            (9, 10),
            (10, 10),
            (11, 10),
            (12, 10),
            (13, 15),
            (14, 15),
            (15, 15),
            (17, 15),
            (18, 20),
            (22, 20),
            (23, 25),
            (38, 40),
            (1002, 1000),
            (1003, 1005),
        ];
        for (n, shown) in expected {
            assert_eq!(count(n), Shown::Rounded(shown), "{n}");
        }
    }

    #[test]
    fn every_count_reads_back_to_an_interval_that_holds_it() {
        for n in 0..500_u64 {
            let text = count(n).text();
            let interval = Interval::of_text(&text).unwrap();
            let n = i64::try_from(n).unwrap();
            assert!(
                interval.lo <= n && n <= interval.hi,
                "{n} {text} {interval:?}"
            );
            // Never shown as a bare count from 1 to 7.
            assert!(!matches!(text.parse::<u64>(), Ok(1..=7)), "{n} {text}");
        }
    }

    #[test]
    fn the_texts_are_0_star_and_multiples_of_5() {
        assert_eq!(count(0).text(), "0");
        assert_eq!(count(3).text(), "*");
        assert_eq!(count(8).text(), "10");
        assert!(count(3).is_hidden());
        assert!(!count(8).is_hidden());
    }

    #[test]
    fn intervals_from_text() {
        assert_eq!(Interval::of_text("*"), Some(iv(1, 7)));
        assert_eq!(Interval::of_text("0"), Some(iv(0, 0)));
        assert_eq!(Interval::of_text("10"), Some(iv(8, 12)));
        assert_eq!(Interval::of_text("25"), Some(iv(23, 27)));
        assert_eq!(Interval::of_text(""), None);
        assert_eq!(Interval::of_text("75.0"), None);
        assert!(iv(3, 3).is_single());
        assert!(!iv(3, 4).is_single());
    }

    #[test]
    fn a_rate_needs_10_people_and_no_hidden_count() {
        assert!(rate_shown(10, &[10, 0]));
        assert!(rate_shown(40, &[24, 12, 0]));
        assert!(!rate_shown(9, &[9, 0]), "a group of 9");
        assert!(!rate_shown(6, &[4, 2]), "a group of 6");
        assert!(!rate_shown(40, &[24, 12, 4]), "4 moved is hidden");
        assert!(!rate_shown(0, &[]));
    }

    #[test]
    fn the_curve_is_shown_at_the_checkpoints() {
        assert_eq!(CURVE_MONTHS, [3, 6, 12, 24]);
    }

    /// The old export's "Everyone,40,24,12,<5": with exact figures, 40 − 24 − 12 = 4 moved.
    #[test]
    fn exact_totals_give_away_a_lone_hidden_cell() {
        let cells = [iv(40, 40), iv(24, 24), iv(12, 12), iv(1, 7)];
        let after = attack(&cells, &[Sum::equals(vec![1, 2, 3], 0)]).unwrap();
        assert_eq!(after[3], iv(4, 4));
    }

    /// The same row for sharing: 40, 25, 10, * gives moved between 1 and 7, all still possible.
    #[test]
    fn rounded_totals_keep_a_lone_hidden_cell_hidden() {
        let shown: Vec<Interval> = [40, 24, 12, 4]
            .map(|n| Interval::of_text(&count(n).text()).unwrap())
            .to_vec();
        let after = attack(&shown, &[Sum::equals(vec![1, 2, 3], 0)]).unwrap();
        assert_eq!(after[3], iv(1, 7));
    }

    /// A part that is the only non-zero part of its total is as wide as the total.
    #[test]
    fn zeros_are_exact() {
        let cells = [iv(1, 7), iv(0, 0), iv(1, 7)];
        let after = attack(&cells, &[Sum::equals(vec![0, 1], 2)]).unwrap();
        assert_eq!(after, vec![iv(1, 7), iv(0, 0), iv(1, 7)]);
    }

    /// 10 (8 to 12) made of 10 (8 to 12) and four hidden cells: 8 + 4 × 1 = 12, so every one
    /// is pinned. The rule alone does not prevent this; the attack finds it.
    #[test]
    fn the_attack_finds_a_pinned_cell() {
        let cells = [iv(8, 12), iv(8, 12), iv(1, 7), iv(1, 7), iv(1, 7), iv(1, 7)];
        let after = attack(&cells, &[Sum::equals(vec![1, 2, 3, 4, 5], 0)]).unwrap();
        assert!(after[2].is_single(), "{after:?}");
        assert_eq!(after[1], iv(8, 8));
    }

    #[test]
    fn at_most_narrows_the_parts_from_above_only() {
        // a + b <= 10 (8 to 12) with a shown 10 (8 to 12): b is at most 4.
        let cells = [iv(8, 12), iv(8, 12), iv(1, 7)];
        let after = attack(&cells, &[Sum::at_most(vec![1, 2], 0)]).unwrap();
        assert_eq!(after[2], iv(1, 4));
        assert_eq!(after[0], iv(9, 12));
        // An ordering: b <= a.
        let after = attack(&[iv(1, 7), iv(1, 3)], &[Sum::at_most(vec![0], 1)]).unwrap();
        assert_eq!(after[0], iv(1, 3));
    }

    #[test]
    fn sums_that_cannot_hold_are_refused() {
        let cells = [iv(0, 0), iv(1, 7)];
        assert_eq!(attack(&cells, &[Sum::equals(vec![1], 0)]), None);
        // A cell that is not there.
        assert_eq!(attack(&cells, &[Sum::equals(vec![5], 0)]), None);
    }

    /// Chained sums narrow each other until nothing changes.
    #[test]
    fn sums_are_applied_until_nothing_narrows() {
        // x0 = x1 + x2; x1 = x3 exactly known; x2 bounded by x0.
        let cells = [iv(10, 10), iv(0, 100), iv(0, 100), iv(6, 6)];
        let sums = [Sum::equals(vec![1, 2], 0), Sum::equals(vec![3], 1)];
        let after = attack(&cells, &sums).unwrap();
        assert_eq!(after, vec![iv(10, 10), iv(6, 6), iv(4, 4), iv(6, 6)]);
    }
}
