//! The Kaplan–Meier curve as a server-made SVG: a step line with its 95% confidence band, axes
//! in months and percentages. The same figures are in a table beside it, for anyone who cannot
//! see the chart.

use crate::domain::retention::Curve;

/// Width and height of the drawing, in SVG units.
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 320.0;
/// Room for the axes' labels.
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 48.0;

/// A tick on an axis: where, and its label.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    /// Position along the axis, in SVG units.
    pub at: String,
    /// The label.
    pub label: String,
}

/// What the template draws.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// The step line of survival.
    pub line: String,
    /// The confidence band, as a closed polygon.
    pub band: String,
    /// Ticks along the time axis (months).
    pub x_ticks: Vec<Tick>,
    /// Ticks up the retention axis (percent).
    pub y_ticks: Vec<Tick>,
    /// Where the axes meet and end, for the template's lines.
    pub x0: String,
    /// Right end of the time axis.
    pub x1: String,
    /// Bottom of the plot.
    pub y0: String,
    /// Top of the plot.
    pub y1: String,
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

/// Draws `curve` up to the longest follow-up, in whole years (at least one).
#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)] // days and ticks are small
pub fn draw(curve: &Curve) -> Chart {
    let years = ((curve.max_time.max(1) as f64) / 365.25).ceil().max(1.0);
    let span = years * 365.25;
    let x = |day: f64| LEFT + (day / span).min(1.0) * (WIDTH - LEFT - RIGHT);
    let y = |s: f64| TOP + (1.0 - s.clamp(0.0, 1.0)) * (HEIGHT - TOP - BOTTOM);
    let end = (curve.max_time as f64).min(span);

    // Survival is 1 until the first event, then steps down at each event time.
    let mut line = format!("M{},{}", fmt(x(0.0)), fmt(y(1.0)));
    let mut upper = vec![(0.0, 1.0)];
    let mut lower = vec![(0.0, 1.0)];
    let (mut hi, mut lo) = (1.0, 1.0);
    for p in &curve.points {
        let day = p.day as f64;
        line.push_str(&format!(" H{} V{}", fmt(x(day)), fmt(y(p.survival))));
        upper.extend([(day, hi), (day, p.ci_high)]);
        lower.extend([(day, lo), (day, p.ci_low)]);
        (hi, lo) = (p.ci_high, p.ci_low);
    }
    line.push_str(&format!(" H{}", fmt(x(end))));
    upper.push((end, hi));
    lower.push((end, lo));
    let band = upper
        .iter()
        .chain(lower.iter().rev())
        .map(|(d, v)| format!("{},{}", fmt(x(*d)), fmt(y(*v))))
        .collect::<Vec<_>>()
        .join(" ");

    let step = if years > 3.0 { 12 } else { 6 };
    let x_ticks = (0..=(years as i64 * 12))
        .step_by(step)
        .map(|months| Tick {
            at: fmt(x(months as f64 * 365.25 / 12.0)),
            label: format!("{months}"),
        })
        .collect();
    let y_ticks = (0..=4)
        .map(|i| {
            let v = f64::from(i) * 0.25;
            Tick {
                at: fmt(y(v)),
                label: format!("{}%", i * 25),
            }
        })
        .collect();
    Chart {
        line,
        band,
        x_ticks,
        y_ticks,
        x0: fmt(LEFT),
        x1: fmt(WIDTH - RIGHT),
        y0: fmt(HEIGHT - BOTTOM),
        y1: fmt(TOP),
    }
}

/// One row of the table beside the chart.
#[derive(Clone, Debug, PartialEq)]
pub struct CurveRow {
    /// The day, or the month, it is about.
    pub when: String,
    /// People still followed then (per day only).
    pub at_risk: Option<u32>,
    /// People who left that day, or in that month.
    pub events: u32,
    /// Still in post.
    pub survival: f64,
    /// Lower end of the 95% interval.
    pub ci_low: f64,
    /// Upper end of the 95% interval.
    pub ci_high: f64,
}

/// The most rows listed day by day; beyond it the table lists months.
pub const MOST_DAILY_ROWS: usize = 60;

/// Average days in a month.
const MONTH_DAYS: f64 = 365.25 / 12.0;

/// The table beside the chart: each day someone left while there are few such days, else each
/// month from the first to the last followed (the download keeps every day).
#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)] // days and months are small
pub fn table(curve: &Curve) -> (bool, Vec<CurveRow>) {
    if curve.points.len() <= MOST_DAILY_ROWS {
        let rows = curve
            .points
            .iter()
            .map(|p| CurveRow {
                when: p.day.to_string(),
                at_risk: Some(p.at_risk),
                events: p.events,
                survival: p.survival,
                ci_low: p.ci_low,
                ci_high: p.ci_high,
            })
            .collect();
        return (false, rows);
    }
    let months = (curve.max_time as f64 / MONTH_DAYS).floor() as i64;
    let rows = (1..=months)
        .filter_map(|month| {
            let end = (month as f64 * MONTH_DAYS).floor() as i64;
            let start = ((month - 1) as f64 * MONTH_DAYS).floor() as i64;
            let (survival, ci_low, ci_high) = curve.point_at(end)?;
            let events = curve
                .points
                .iter()
                .filter(|p| p.day > start && p.day <= end)
                .map(|p| p.events)
                .sum();
            Some(CurveRow {
                when: month.to_string(),
                at_risk: None,
                events,
                survival,
                ci_low,
                ci_high,
            })
        })
        .collect();
    (true, rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::retention::{Spell, kaplan_meier};
    use time::macros::date;

    fn spells(n: usize, leave_every: i64) -> Vec<Spell> {
        (0..n)
            .map(|i| {
                let start = date!(2020 - 01 - 01);
                let i = i64::try_from(i).unwrap_or(0);
                Spell {
                    start,
                    end: (i % 2 == 0).then(|| start + time::Duration::days(1 + i * leave_every)),
                    moved: false,
                }
            })
            .collect()
    }

    #[test]
    fn few_leaving_days_are_listed_day_by_day() {
        let curve = kaplan_meier(&spells(10, 7), date!(2021 - 01 - 01));
        let (by_month, rows) = table(&curve);
        assert!(!by_month);
        assert_eq!(rows.len(), curve.points.len());
        assert_eq!(rows[0].when, curve.points[0].day.to_string());
        assert_eq!(rows[0].at_risk, Some(curve.points[0].at_risk));
    }

    #[test]
    fn many_leaving_days_are_listed_by_month_with_every_leaver_counted() {
        let curve = kaplan_meier(&spells(400, 2), date!(2023 - 01 - 01));
        assert!(curve.points.len() > MOST_DAILY_ROWS);
        let (by_month, rows) = table(&curve);
        assert!(by_month);
        let counted: u32 = rows.iter().map(|r| r.events).sum();
        let last_month_end = (rows.len() as f64 * MONTH_DAYS).floor() as i64;
        let expected: u32 = curve
            .points
            .iter()
            .filter(|p| p.day <= last_month_end)
            .map(|p| p.events)
            .sum();
        assert_eq!(counted, expected);
        // Survival only falls, month by month.
        assert!(rows.windows(2).all(|w| w[1].survival <= w[0].survival));
        assert_eq!(rows[0].when, "1");
    }

    #[test]
    fn the_drawing_spans_whole_years_and_closes_its_band() {
        let curve = kaplan_meier(&spells(10, 7), date!(2021 - 01 - 01));
        let chart = draw(&curve);
        assert!(chart.line.starts_with("M56.0,16.0"));
        assert_eq!(chart.y_ticks.len(), 5);
        assert_eq!(chart.x_ticks.first().map(|t| t.label.as_str()), Some("0"));
        assert!(!chart.band.is_empty());
    }
}
