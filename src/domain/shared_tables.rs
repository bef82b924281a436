//! How each of the champion's tables for sharing adds up, as someone outside the service would
//! know it, and the guard that refuses a table when a hidden cell can be worked out
//! (DOMAIN.md §7, issue 21 point 5).
//!
//! The sums of each table:
//! - funnel: the last row ("All organisations") is each column's total over the rows above;
//!   in each row, each stage is at most the stage before (sent ≥ shortlisted ≥ interviewed ≥
//!   offered ≥ started).
//! - compliance: the last row is each column's total; in each row, qualifying = interviewed +
//!   interview_to_come + breaches, and invited ≤ qualifying.
//! - retention: the first row ("everyone") is, for each breakdown, the total of that
//!   breakdown's groups, column by column; in each row, people = in_post + left + moved.
//! - curve: the first row (month 0) has everyone as still followed; at each month, still
//!   followed + left by then ≤ everyone; those still followed only fall, and those who left
//!   by then only rise, month by month.
//!
//! [`exposed`] runs [`attack`] on a table's shown cells with these sums. The tests of the
//! suite keep their own copy of the sums, as the attacker's independent view.

use std::collections::BTreeMap;

use crate::domain::disclosure::{HIDDEN, Interval, Sum, attack};

/// A table for sharing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Applications reaching each stage.
    Funnel,
    /// Guaranteed-interview compliance by organisation.
    Compliance,
    /// The retention curve at the checkpoints.
    Curve,
    /// Retention by group.
    Retention,
}

/// The count columns of each table, in the order stages follow each other.
const FUNNEL: [&str; 5] = ["sent", "shortlisted", "interviewed", "offered", "started"];
const COMPLIANCE: [&str; 5] = [
    "qualifying",
    "invited",
    "interviewed",
    "interview_to_come",
    "breaches",
];
const RETENTION: [&str; 4] = ["people", "in_post", "left", "moved"];
const CURVE: [&str; 2] = ["still_followed", "left_by_then"];

/// A table's count cells, numbered row by row, what each says of its true count, and how they
/// add up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shape {
    /// What each cell shows: the values its count could be.
    pub cells: Vec<Interval>,
    /// Whether each cell is hidden (`*`).
    pub hidden: Vec<bool>,
    /// How the cells add up.
    pub sums: Vec<Sum>,
    /// Each cell's (row, column) in the table.
    pub places: Vec<(usize, usize)>,
}

/// Why a table may not be shared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exposure {
    /// The hidden cell at (row, column) can only be this value.
    Pinned {
        /// The row, counted from 0 below the header.
        row: usize,
        /// The column.
        column: usize,
        /// The value it is worked out to be.
        value: i64,
    },
    /// The table cannot be read as its layout says (a count that is not one, a column
    /// missing, sums that cannot hold): refused, as nothing can be promised of it.
    Unreadable,
}

impl Shape {
    /// The count cells of `columns` in every row, numbered.
    fn of(
        header: &[&str],
        rows: &[Vec<String>],
        columns: &[&'static str],
    ) -> Option<(Shape, Index)> {
        let mut shape = Shape {
            cells: Vec::new(),
            hidden: Vec::new(),
            sums: Vec::new(),
            places: Vec::new(),
        };
        let mut index = Index::default();
        for (r, row) in rows.iter().enumerate() {
            for name in columns {
                let c = header.iter().position(|h| h == name)?;
                let text = row.get(c)?;
                index.0.insert((r, *name), shape.cells.len());
                shape.cells.push(Interval::of_text(text)?);
                shape.hidden.push(text.trim() == HIDDEN);
                shape.places.push((r, c));
            }
        }
        Some((shape, index))
    }
}

/// Where each (row, column name) cell is numbered.
#[derive(Default)]
struct Index(BTreeMap<(usize, &'static str), usize>);

impl Index {
    fn at(&self, row: usize, column: &'static str) -> Option<usize> {
        self.0.get(&(row, column)).copied()
    }
}

/// A table's cells and sums, or `None` when it cannot be read as `layout`.
pub fn shape(layout: Layout, header: &[&str], rows: &[Vec<String>]) -> Option<Shape> {
    match layout {
        Layout::Funnel => funnel(header, rows),
        Layout::Compliance => compliance(header, rows),
        Layout::Curve => curve(header, rows),
        Layout::Retention => retention(header, rows),
    }
}

/// Column totals: the last row is the sum of the rows above, for each of `columns`.
fn column_totals(index: &Index, rows: usize, columns: &[&'static str]) -> Option<Vec<Sum>> {
    let Some(last) = rows.checked_sub(1) else {
        return Some(Vec::new());
    };
    columns
        .iter()
        .map(|&name| {
            let parts = (0..last)
                .map(|r| index.at(r, name))
                .collect::<Option<Vec<_>>>()?;
            Some(Sum::equals(parts, index.at(last, name)?))
        })
        .collect()
}

fn funnel(header: &[&str], rows: &[Vec<String>]) -> Option<Shape> {
    let (mut shape, index) = Shape::of(header, rows, &FUNNEL)?;
    shape.sums = column_totals(&index, rows.len(), &FUNNEL)?;
    for r in 0..rows.len() {
        for pair in FUNNEL.windows(2) {
            shape.sums.push(Sum::at_most(
                vec![index.at(r, pair[1])?],
                index.at(r, pair[0])?,
            ));
        }
    }
    Some(shape)
}

fn compliance(header: &[&str], rows: &[Vec<String>]) -> Option<Shape> {
    let (mut shape, index) = Shape::of(header, rows, &COMPLIANCE)?;
    shape.sums = column_totals(&index, rows.len(), &COMPLIANCE)?;
    for r in 0..rows.len() {
        let parts = ["interviewed", "interview_to_come", "breaches"]
            .iter()
            .map(|name| index.at(r, name))
            .collect::<Option<Vec<_>>>()?;
        let qualifying = index.at(r, "qualifying")?;
        shape.sums.push(Sum::equals(parts, qualifying));
        shape
            .sums
            .push(Sum::at_most(vec![index.at(r, "invited")?], qualifying));
    }
    Some(shape)
}

fn retention(header: &[&str], rows: &[Vec<String>]) -> Option<Shape> {
    let (mut shape, index) = Shape::of(header, rows, &RETENTION)?;
    for r in 0..rows.len() {
        let parts = ["in_post", "left", "moved"]
            .iter()
            .map(|name| index.at(r, name))
            .collect::<Option<Vec<_>>>()?;
        shape.sums.push(Sum::equals(parts, index.at(r, "people")?));
    }
    if rows.is_empty() {
        return Some(shape);
    }
    let breakdown = header.iter().position(|h| *h == "breakdown")?;
    if rows[0].get(breakdown)? != "everyone" {
        return None;
    }
    let mut breakdowns: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (r, row) in rows.iter().enumerate().skip(1) {
        breakdowns.entry(row.get(breakdown)?).or_default().push(r);
    }
    for group_rows in breakdowns.values() {
        for name in RETENTION {
            let parts = group_rows
                .iter()
                .map(|&r| index.at(r, name))
                .collect::<Option<Vec<_>>>()?;
            shape.sums.push(Sum::equals(parts, index.at(0, name)?));
        }
    }
    Some(shape)
}

fn curve(header: &[&str], rows: &[Vec<String>]) -> Option<Shape> {
    let (mut shape, index) = Shape::of(header, rows, &CURVE)?;
    let [followed, left] = CURVE;
    for r in 1..rows.len() {
        shape.sums.push(Sum::at_most(
            vec![index.at(r, followed)?, index.at(r, left)?],
            index.at(0, followed)?,
        ));
        shape.sums.push(Sum::at_most(
            vec![index.at(r, followed)?],
            index.at(r - 1, followed)?,
        ));
        shape.sums.push(Sum::at_most(
            vec![index.at(r - 1, left)?],
            index.at(r, left)?,
        ));
    }
    Some(shape)
}

/// The first hidden cell of the table that the attack works out, if any: the table may be
/// shared only when this is `None`.
pub fn exposed(layout: Layout, header: &[&str], rows: &[Vec<String>]) -> Option<Exposure> {
    let Some(shape) = shape(layout, header, rows) else {
        return Some(Exposure::Unreadable);
    };
    let Some(after) = attack(&shape.cells, &shape.sums) else {
        return Some(Exposure::Unreadable);
    };
    after
        .iter()
        .zip(&shape.hidden)
        .zip(&shape.places)
        .find(|((interval, hidden), _)| **hidden && interval.is_single())
        .map(|((interval, _), &(row, column))| Exposure::Pinned {
            row,
            column,
            value: interval.lo,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::disclosure::count;

    fn rows(table: &[&[&str]]) -> Vec<Vec<String>> {
        table
            .iter()
            .map(|row| row.iter().map(|&c| c.to_owned()).collect())
            .collect()
    }

    /// A row of exact counts as a table for sharing shows it, after `labels`.
    fn shown(labels: &[&str], counts: &[u64]) -> Vec<String> {
        labels
            .iter()
            .map(|&l| l.to_owned())
            .chain(counts.iter().map(|&n| count(n).text()))
            .collect()
    }

    const RETENTION_HEADER: [&str; 6] =
        ["breakdown", "group", "people", "in_post", "left", "moved"];

    #[test]
    fn a_row_whose_parts_reach_the_top_of_its_rounded_total_pins_its_hidden_cell() {
        // 17 people (shown 15: 13 to 17), 8 in post and 8 left (each shown 10: 8 to 12), 1
        // moved: 8 + 8 + 1 = 17, the most 15 can be, so "*" can only be 1.
        let table = vec![
            shown(&["everyone", "Everyone"], &[17, 8, 8, 1]),
            shown(&["organisation", "Walton"], &[17, 8, 8, 1]),
        ];
        assert_eq!(
            exposed(Layout::Retention, &RETENTION_HEADER, &table),
            Some(Exposure::Pinned {
                row: 0,
                column: 5,
                value: 1
            })
        );
    }

    #[test]
    fn the_same_row_with_room_to_spare_is_safe() {
        // 16 people: 8 + 7 + 1, shown 15, 10, *, *: each hidden cell is still 1 to several.
        let table = vec![
            shown(&["everyone", "Everyone"], &[16, 8, 7, 1]),
            shown(&["organisation", "Walton"], &[16, 8, 7, 1]),
        ];
        assert_eq!(exposed(Layout::Retention, &RETENTION_HEADER, &table), None);
        // The example, 40 = 24 + 12 + 4, shown 40, 25, 10, *.
        let table = vec![shown(&["everyone", "Everyone"], &[40, 24, 12, 4])];
        assert_eq!(exposed(Layout::Retention, &RETENTION_HEADER, &table), None);
    }

    #[test]
    fn a_breakdowns_groups_add_up_to_everyone() {
        let table = rows(&[
            &["everyone", "Everyone", "20", "20", "0", "0"],
            &["band", "2", "*", "*", "0", "0"],
            &["band", "3", "*", "*", "0", "0"],
        ]);
        let shape = shape(Layout::Retention, &RETENTION_HEADER, &table).unwrap();
        // Three rows' own sums, then one sum per column for the band breakdown.
        assert_eq!(shape.sums.len(), 3 + 4);
        assert_eq!(shape.sums[3], Sum::equals(vec![4, 8], 0));
        // 18 to 22 from two cells of at most 7: the sums cannot hold.
        assert_eq!(
            exposed(Layout::Retention, &RETENTION_HEADER, &table),
            Some(Exposure::Unreadable)
        );
    }

    #[test]
    fn a_total_row_made_of_rounded_and_hidden_rows_can_pin_one() {
        // Funnel: rows sent 8, 8 and 1: the total 17 is shown 15 (at most 17), so the 1 is
        // pinned.
        let header = [
            "organisation",
            "programme",
            "sent",
            "shortlisted",
            "interviewed",
            "offered",
            "started",
        ];
        let table = vec![
            shown(&["A", "P"], &[8, 0, 0, 0, 0]),
            shown(&["B", "P"], &[8, 0, 0, 0, 0]),
            shown(&["C", "P"], &[1, 0, 0, 0, 0]),
            shown(&["All organisations", "All programmes"], &[17, 0, 0, 0, 0]),
        ];
        assert_eq!(
            exposed(Layout::Funnel, &header, &table),
            Some(Exposure::Pinned {
                row: 2,
                column: 2,
                value: 1
            })
        );
        // With 2 in the third row (total 18, shown 20: 18 to 22), it is 1 to 6: safe.
        let table = vec![
            shown(&["A", "P"], &[8, 0, 0, 0, 0]),
            shown(&["B", "P"], &[8, 0, 0, 0, 0]),
            shown(&["C", "P"], &[2, 0, 0, 0, 0]),
            shown(&["All organisations", "All programmes"], &[18, 0, 0, 0, 0]),
        ];
        assert_eq!(exposed(Layout::Funnel, &header, &table), None);
    }

    #[test]
    fn compliance_rows_add_up_and_invited_is_at_most_qualifying() {
        let header = [
            "organisation",
            "qualifying",
            "invited",
            "interviewed",
            "interview_to_come",
            "breaches",
        ];
        // 17 qualifying = 8 interviewed + 8 to come + 1 breach: the breach is pinned.
        let table = vec![
            shown(&["Mersey"], &[17, 17, 8, 8, 1]),
            shown(&["All organisations"], &[17, 17, 8, 8, 1]),
        ];
        assert!(matches!(
            exposed(Layout::Compliance, &header, &table),
            Some(Exposure::Pinned {
                column: 5,
                value: 1,
                ..
            })
        ));
        // The "8,7,7" for sharing: 10, *, *, 0, 0 per row.
        let table = vec![
            shown(&["Mersey"], &[8, 8, 7, 0, 1]),
            shown(&["All organisations"], &[8, 8, 7, 0, 1]),
        ];
        assert_eq!(exposed(Layout::Compliance, &header, &table), None);
        let shape = shape(Layout::Compliance, &header, &table).unwrap();
        // Five column totals, then two sums per row.
        assert_eq!(shape.sums.len(), 5 + 2 * 2);
        assert_eq!(shape.sums[6], Sum::at_most(vec![1], 0));
    }

    #[test]
    fn the_curve_is_bounded_by_everyone_and_moves_one_way() {
        let header = [
            "months",
            "still_followed",
            "left_by_then",
            "still_in_post_pct",
            "ci_low_pct",
            "ci_high_pct",
        ];
        let table = rows(&[
            &["0", "10", "0", "", "", ""],
            &["3", "10", "0", "100", "100", "100"],
            &["6", "*", "*", "", "", ""],
        ]);
        let shape = shape(Layout::Curve, &header, &table).unwrap();
        assert_eq!(shape.sums.len(), 2 * 3);
        assert_eq!(shape.sums[0], Sum::at_most(vec![2, 3], 0));
        assert_eq!(shape.sums[1], Sum::at_most(vec![2], 0));
        assert_eq!(shape.sums[2], Sum::at_most(vec![1], 3));
        assert_eq!(exposed(Layout::Curve, &header, &table), None);
    }

    #[test]
    fn an_empty_table_is_safe_and_a_wrong_one_is_refused() {
        assert_eq!(exposed(Layout::Retention, &RETENTION_HEADER, &[]), None);
        assert_eq!(exposed(Layout::Funnel, &["sent"], &[]), None);
        // A column missing, or a count that is not one.
        let table = rows(&[&["everyone", "Everyone", "10", "10", "0"]]);
        assert_eq!(
            exposed(Layout::Retention, &RETENTION_HEADER, &table),
            Some(Exposure::Unreadable)
        );
        let table = rows(&[&["everyone", "Everyone", "10", "10", "0", "<5"]]);
        assert_eq!(
            exposed(Layout::Retention, &RETENTION_HEADER, &table),
            Some(Exposure::Unreadable)
        );
        // Retention's first row must be everyone's.
        let table = rows(&[&["band", "2", "10", "10", "0", "0"]]);
        assert_eq!(
            exposed(Layout::Retention, &RETENTION_HEADER, &table),
            Some(Exposure::Unreadable)
        );
    }
}
