//! The pilot's own rules: a student's status, and the cap on how many take part.

/// Where a student's sign-up stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MenteeStatus {
    /// Signed up; the coordinator has not decided.
    Pending,
    /// In the pilot: counts towards the cap and can be matched.
    Approved,
    /// Not taken into the pilot.
    Declined,
    /// Left the pilot after being approved.
    Left,
}

impl MenteeStatus {
    pub const ALL: [MenteeStatus; 4] = [
        MenteeStatus::Pending,
        MenteeStatus::Approved,
        MenteeStatus::Declined,
        MenteeStatus::Left,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MenteeStatus::Pending => "pending",
            MenteeStatus::Approved => "approved",
            MenteeStatus::Declined => "declined",
            MenteeStatus::Left => "left",
        }
    }

    pub fn parse(text: &str) -> Option<MenteeStatus> {
        MenteeStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Plain words, for people.
    pub fn label(self) -> &'static str {
        match self {
            MenteeStatus::Pending => "Waiting for approval",
            MenteeStatus::Approved => "Approved",
            MenteeStatus::Declined => "Not approved",
            MenteeStatus::Left => "Left the pilot",
        }
    }
}

/// The cap on students when the pilot starts.
pub const DEFAULT_CAP: u32 = 30;

/// The most the cap can be set to.
pub const MAX_CAP: u32 = 10_000;

/// Whether `adding` more students can be approved when `approved` already are.
pub fn within_cap(approved: u64, adding: u64, cap: u32) -> bool {
    approved.saturating_add(adding) <= u64::from(cap)
}

/// The message when the cap is reached.
pub fn cap_reached(cap: u32) -> String {
    format!(
        "The pilot is full: {cap} students are approved, which is the cap. Raise the cap in the settings, or wait until a student leaves."
    )
}

/// How long without a meeting before the coordinator is told.
pub const QUIET_DAYS: i64 = 42;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip() {
        for s in MenteeStatus::ALL {
            assert_eq!(MenteeStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(MenteeStatus::parse("gone"), None);
    }

    #[test]
    fn the_cap_counts_what_is_being_added() {
        assert!(within_cap(29, 1, 30));
        assert!(!within_cap(30, 1, 30));
        assert!(within_cap(20, 10, 30));
        assert!(!within_cap(20, 11, 30));
        assert!(within_cap(0, 0, 0));
        assert!(cap_reached(30).contains("30 students"));
        assert_eq!(QUIET_DAYS, 6 * 7);
    }
}
