//! The sums behind the champion's dashboard that are not retention maths: medians from counts,
//! conversions, and what happened to an application the guaranteed-interview rule covered.

use crate::domain::application::Stage;

/// The median of values given as (value, how many times), or None when there are none. With
/// an even number of values it is the mean of the two middle ones.
pub fn median_of_counts(counts: &[(i64, i64)]) -> Option<f64> {
    let mut sorted: Vec<(i64, i64)> = counts.iter().copied().filter(|(_, n)| *n > 0).collect();
    sorted.sort_unstable();
    let total: i64 = sorted.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    // The 1-based positions of the middle values.
    let (low, high) = ((total + 1) / 2, total / 2 + 1);
    let at = |position: i64| {
        let mut seen = 0;
        for (value, n) in &sorted {
            seen += n;
            if seen >= position {
                return *value;
            }
        }
        sorted.last().map_or(0, |(v, _)| *v)
    };
    #[allow(clippy::cast_precision_loss)] // whole days, far below 2^52
    Some((at(low) + at(high)) as f64 / 2.0)
}

/// `part` as a share of `whole`, or None when `whole` is 0.
pub fn share(part: i64, whole: i64) -> Option<f64> {
    #[allow(clippy::cast_precision_loss)] // counts of people
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// A share as a percentage for people: "83%", or "83.3%" with one decimal.
pub fn percent(value: f64, decimals: usize) -> String {
    format!("{:.*}%", decimals, value * 100.0)
}

/// Where an application the guaranteed-interview rule covers stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuaranteeStatus {
    /// Interviewed, as the rule requires.
    Interviewed,
    /// Invited, with the interview still to come.
    Awaiting,
    /// Not interviewed and never will be under this application: a breach.
    Breach,
}

/// Judges a qualifying application from where it is now and whether it was ever invited and
/// interviewed. Any end without an interview is a breach, whatever the reason: the champion
/// sees every one and judges it.
pub fn guarantee_status(stage: Stage, interviewed: bool) -> GuaranteeStatus {
    if interviewed {
        return GuaranteeStatus::Interviewed;
    }
    match stage {
        Stage::InvitedToInterview | Stage::InterviewBooked | Stage::Shortlisting => {
            GuaranteeStatus::Awaiting
        }
        _ => GuaranteeStatus::Breach,
    }
}

/// What happened to a qualifying application that was not interviewed, in plain words.
pub fn what_happened(stage: Stage, invited: bool) -> &'static str {
    match (stage, invited) {
        (Stage::Withdrawn, true) => "Invited, then withdrew before the interview",
        (Stage::Withdrawn, false) => "Withdrew before being invited",
        (Stage::NotShortlisted, _) => "Not taken forward at shortlisting",
        (Stage::Unsuccessful, true) => "Invited, then marked unsuccessful without an interview",
        (Stage::Unsuccessful, false) => "Marked unsuccessful without being invited",
        (_, false) => "Not invited to interview",
        (_, true) => "Invited but not interviewed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_from_counts() {
        assert_eq!(median_of_counts(&[]), None);
        assert_eq!(median_of_counts(&[(4, 0)]), None);
        assert_eq!(median_of_counts(&[(7, 1)]), Some(7.0));
        // 1, 3, 3, 10: the middle two are 3 and 3.
        assert_eq!(median_of_counts(&[(10, 1), (1, 1), (3, 2)]), Some(3.0));
        // 2, 2, 5, 9: the middle two are 2 and 5.
        assert_eq!(median_of_counts(&[(9, 1), (2, 2), (5, 1)]), Some(3.5));
        // 0, 0, 0, 8, 8: the third.
        assert_eq!(median_of_counts(&[(0, 3), (8, 2)]), Some(0.0));
    }

    #[test]
    fn shares_and_percentages() {
        assert_eq!(share(1, 0), None);
        assert_eq!(share(1, 4), Some(0.25));
        assert_eq!(percent(0.25, 0), "25%");
        assert_eq!(percent(0.162, 1), "16.2%");
        assert_eq!(percent(2.0 / 3.0, 1), "66.7%");
    }

    #[test]
    fn judges_the_guarantee() {
        use GuaranteeStatus::*;
        assert_eq!(guarantee_status(Stage::Started, true), Interviewed);
        assert_eq!(guarantee_status(Stage::Unsuccessful, true), Interviewed);
        assert_eq!(guarantee_status(Stage::InterviewBooked, false), Awaiting);
        assert_eq!(guarantee_status(Stage::InvitedToInterview, false), Awaiting);
        assert_eq!(guarantee_status(Stage::Withdrawn, false), Breach);
        assert_eq!(guarantee_status(Stage::NotShortlisted, false), Breach);
        assert_eq!(guarantee_status(Stage::Unsuccessful, false), Breach);
    }

    #[test]
    fn says_what_happened() {
        assert_eq!(
            what_happened(Stage::Withdrawn, true),
            "Invited, then withdrew before the interview"
        );
        assert_eq!(
            what_happened(Stage::NotShortlisted, false),
            "Not taken forward at shortlisting"
        );
        assert_eq!(
            what_happened(Stage::Unsuccessful, false),
            "Marked unsuccessful without being invited"
        );
    }
}
