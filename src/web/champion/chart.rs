//! The Kaplan–Meier curve as a server-made SVG: a step line with its 95% confidence band, axes
//! in months and percentages. The same figures are in a table beside it, for anyone who cannot
//! see the chart.

use crate::domain::retention::Curve;

/// The size of a drawing and the room for its labels, in SVG units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    width: f64,
    height: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    /// The labels' font size.
    font: u32,
    /// Months between ticks on the time axis, when the curve spans 3 years or less.
    month_step: usize,
}

/// The chart for wide screens, 640 units across: at 640 px its 12-unit labels are 12 px.
pub const WIDE: Frame = Frame {
    width: 640.0,
    height: 320.0,
    left: 56.0,
    right: 16.0,
    top: 16.0,
    bottom: 48.0,
    font: 12,
    month_step: 6,
};

/// The chart for phones: 300 units across and taller, with 14-unit labels, so that drawn
/// across the 343 px a 375 px screen gives it, the labels are 16 px (and 13 px at 320 px).
pub const NARROW: Frame = Frame {
    width: 300.0,
    height: 300.0,
    left: 52.0,
    right: 14.0,
    top: 14.0,
    bottom: 52.0,
    font: 14,
    month_step: 12,
};

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
    /// The drawing's `viewBox`.
    pub view_box: String,
    /// The labels' font size.
    pub font: u32,
    /// Where the time axis's title goes.
    pub title_x: String,
    /// Its baseline.
    pub title_y: String,
    /// The space below the axis for tick labels.
    pub tick_dy: u32,
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

/// Draws `curve` for wide screens: see [`draw_in`].
pub fn draw(curve: &Curve) -> Chart {
    draw_in(curve, &WIDE)
}

/// Draws `curve` in `frame` up to the longest follow-up, in whole years (at least one).
#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)] // days and ticks are small
pub fn draw_in(curve: &Curve, frame: &Frame) -> Chart {
    let Frame {
        width,
        height,
        left,
        right,
        top,
        bottom,
        ..
    } = *frame;
    let years = ((curve.max_time.max(1) as f64) / 365.25).ceil().max(1.0);
    let span = years * 365.25;
    let x = |day: f64| left + (day / span).min(1.0) * (width - left - right);
    let y = |s: f64| top + (1.0 - s.clamp(0.0, 1.0)) * (height - top - bottom);
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

    let step = if years > 3.0 { 12 } else { frame.month_step };
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
        x0: fmt(left),
        x1: fmt(width - right),
        y0: fmt(height - bottom),
        y1: fmt(top),
        view_box: format!("0 0 {width} {height}"),
        font: frame.font,
        title_x: fmt(left + (width - left - right) / 2.0),
        title_y: fmt(height - 6.0),
        tick_dy: frame.font + 6,
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
        assert_eq!(chart.view_box, "0 0 640 320");
    }

    /// Drawn 343 px across (a 375 px screen less the page's margins), the narrow chart's
    /// labels are at least 12 px; so are the wide chart's at 640 px and more.
    #[test]
    fn labels_are_at_least_12_px_where_each_chart_is_shown() {
        let px = |frame: &Frame, across: f64| f64::from(frame.font) * across / frame.width;
        assert!(px(&NARROW, 343.0) >= 12.0, "{}", px(&NARROW, 343.0));
        assert!(
            px(&NARROW, 288.0) >= 12.0,
            "at 320 px: {}",
            px(&NARROW, 288.0)
        );
        assert!(px(&WIDE, 640.0) >= 12.0);
        let curve = kaplan_meier(&spells(10, 7), date!(2021 - 01 - 01));
        let chart = draw_in(&curve, &NARROW);
        assert_eq!(chart.view_box, "0 0 300 300");
        assert_eq!(chart.font, 14);
        // One tick a year on a phone: a year and a day of follow-up spans 2 years.
        let labels: Vec<&str> = chart.x_ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["0", "12", "24"]);
    }
}
