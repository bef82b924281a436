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
