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

/// Where an exclusion (a student and a mentor never to be matched) came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExclusionSource {
    /// A conflict of interest the student or the mentor declared.
    Conflict,
    /// The coordinator's own decision.
    Coordinator,
    /// The pair's relationship ended: they are not matched again.
    Ended,
}

impl ExclusionSource {
    /// Every source.
    pub const ALL: [ExclusionSource; 3] = [
        ExclusionSource::Conflict,
        ExclusionSource::Coordinator,
        ExclusionSource::Ended,
    ];

    /// The sources the coordinator chooses between when excluding a pair by hand.
    pub const CHOSEN: [ExclusionSource; 2] =
        [ExclusionSource::Conflict, ExclusionSource::Coordinator];

    /// The name stored (and sent by the coordinator's form).
    pub fn as_str(self) -> &'static str {
        match self {
            ExclusionSource::Conflict => "conflict",
            ExclusionSource::Coordinator => "coordinator",
            ExclusionSource::Ended => "ended",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Option<ExclusionSource> {
        ExclusionSource::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    /// A source the coordinator chose on the form, if it is one they may choose.
    pub fn chosen(text: &str) -> Option<ExclusionSource> {
        ExclusionSource::parse(text).filter(|s| ExclusionSource::CHOSEN.contains(s))
    }

    /// Plain words, for people.
    pub fn label(self) -> &'static str {
        match self {
            ExclusionSource::Conflict => "Conflict of interest",
            ExclusionSource::Coordinator => "Coordinator's decision",
            ExclusionSource::Ended => "Earlier relationship ended",
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

/// How long without a meeting before a mentor's home suggests meeting again.
pub const MEET_AGAIN_DAYS: i64 = 28;

/// A count with its noun: "1 student", "2 students".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// "today", "1 week ago", "5 weeks ago": how long ago a day was, in words.
pub fn time_ago(days: i64) -> String {
    match days {
        ..=0 => "today".to_owned(),
        1 => "yesterday".to_owned(),
        2..=13 => format!("{days} days ago"),
        _ => format!(
            "{} ago",
            plural(usize::try_from(days / 7).unwrap_or(0), "week", "weeks")
        ),
    }
}

/// What a mentor should do next with a student, if anything: meet when no meeting is logged,
/// or when the last was at least four weeks ago.
pub fn mentor_next_step(
    student: &str,
    last_meeting: Option<time::Date>,
    today: time::Date,
) -> Option<String> {
    match last_meeting {
        None => Some(format!(
            "Meet {student}: no meeting is logged yet. Arrange your first meeting, then log it"
        )),
        Some(day) => {
            let days = (today - day).whole_days();
            (days >= MEET_AGAIN_DAYS).then(|| {
                format!(
                    "Meet {student}: your last meeting was {}. Log a meeting when you have met",
                    time_ago(days)
                )
            })
        }
    }
}

/// What the coordinator's overview counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CoordinatorCounts {
    /// Sign-ups waiting for a decision.
    pub pending: usize,
    /// Approved students whose changed conflicts are not reviewed.
    pub conflicts_to_review: usize,
    /// Approved students without a mentor, who can be matched.
    pub waiting: usize,
    /// Free places of mentors not archived.
    pub free_places: usize,
    /// Pairs proposed by the newest run, if it is unconfirmed and still up to date.
    pub proposal: Option<usize>,
    /// Active pairs with no meeting for six weeks.
    pub quiet: usize,
    /// Pairs where someone asked to end.
    pub end_requested: usize,
}

/// A next step on a home page: what to do, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextStep {
    pub text: String,
    pub href: &'static str,
}

/// The coordinator's next steps, most urgent first.
pub fn coordinator_next_steps(c: CoordinatorCounts) -> Vec<NextStep> {
    let mut steps = Vec::new();
    let mut add = |text: String, href: &'static str| steps.push(NextStep { text, href });
    if c.end_requested > 0 {
        add(
            format!(
                "{} asked to end: decide whether to end {}",
                plural(c.end_requested, "pair has", "pairs have"),
                if c.end_requested == 1 { "it" } else { "them" }
            ),
            "/mentoring/coordinator/relationships",
        );
    }
    if c.pending > 0 {
        add(
            format!("{} to approve", plural(c.pending, "student", "students")),
            "/mentoring/coordinator/mentees?status=pending",
        );
    }
    if c.conflicts_to_review > 0 {
        add(
            format!(
                "{} changed their conflicts of interest: review them before matching",
                plural(c.conflicts_to_review, "student", "students")
            ),
            "/mentoring/coordinator/matching",
        );
    }
    if c.waiting > 0 {
        add(
            format!(
                "{} waiting for a mentor",
                plural(c.waiting, "student", "students")
            ),
            "#waiting",
        );
    }
    match c.proposal {
        Some(pairs) => add(
            format!(
                "Review and confirm the proposed matches ({})",
                plural(pairs, "pair", "pairs")
            ),
            "/mentoring/coordinator/matching#proposal",
        ),
        None if c.waiting > 0 && c.free_places > 0 => {
            add("Run matching".to_owned(), "/mentoring/coordinator/matching");
        }
        None if c.waiting > 0 => add(
            "No mentor has a free place: add a mentor, or give a mentor more places".to_owned(),
            "/mentoring/coordinator/mentors",
        ),
        None => {}
    }
    if c.quiet > 0 {
        add(
            format!(
                "{} not met for six weeks: check in with them",
                plural(c.quiet, "pair has", "pairs have")
            ),
            "/mentoring/coordinator/relationships",
        );
    }
    steps
}

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
    fn exclusion_sources_keep_their_stored_names() {
        let names: Vec<&str> = ExclusionSource::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, ["conflict", "coordinator", "ended"]);
        for s in ExclusionSource::ALL {
            assert_eq!(ExclusionSource::parse(s.as_str()), Some(s));
            assert!(!s.label().is_empty());
        }
        assert_eq!(ExclusionSource::parse("Conflict"), None);
        assert_eq!(ExclusionSource::parse(""), None);
        assert_eq!(
            ExclusionSource::chosen("coordinator"),
            Some(ExclusionSource::Coordinator)
        );
        assert_eq!(
            ExclusionSource::chosen("conflict"),
            Some(ExclusionSource::Conflict)
        );
        assert_eq!(
            ExclusionSource::chosen("ended"),
            None,
            "set by ending, never chosen"
        );
        assert_eq!(ExclusionSource::chosen("other"), None);
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

    #[test]
    fn counts_and_times_read_naturally() {
        assert_eq!(
            plural(1, "active relationship", "active relationships"),
            "1 active relationship"
        );
        assert_eq!(plural(0, "student", "students"), "0 students");
        assert_eq!(time_ago(0), "today");
        assert_eq!(time_ago(1), "yesterday");
        assert_eq!(time_ago(10), "10 days ago");
        assert_eq!(time_ago(14), "2 weeks ago");
        assert_eq!(time_ago(37), "5 weeks ago");
    }

    #[test]
    fn a_mentor_is_asked_to_meet_after_four_weeks_or_before_a_first_meeting() {
        let today = time::macros::date!(2026 - 03 - 30);
        assert!(
            mentor_next_step("Sam", None, today)
                .unwrap()
                .contains("no meeting is logged yet")
        );
        assert_eq!(
            mentor_next_step("Sam", Some(today - time::Duration::days(35)), today).unwrap(),
            "Meet Sam: your last meeting was 5 weeks ago. Log a meeting when you have met"
        );
        assert_eq!(
            mentor_next_step("Sam", Some(today - time::Duration::days(27)), today),
            None
        );
    }

    #[test]
    fn the_coordinators_next_steps_say_what_is_waiting() {
        assert!(coordinator_next_steps(CoordinatorCounts::default()).is_empty());
        let steps = coordinator_next_steps(CoordinatorCounts {
            pending: 3,
            waiting: 2,
            free_places: 4,
            quiet: 1,
            ..CoordinatorCounts::default()
        });
        let texts: Vec<&str> = steps.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "3 students to approve",
                "2 students waiting for a mentor",
                "Run matching",
                "1 pair has not met for six weeks: check in with them"
            ]
        );
        // A proposal to confirm replaces "Run matching"; no places says what to do instead.
        let steps = coordinator_next_steps(CoordinatorCounts {
            waiting: 1,
            proposal: Some(1),
            ..CoordinatorCounts::default()
        });
        assert_eq!(
            steps[1].text,
            "Review and confirm the proposed matches (1 pair)"
        );
        let steps = coordinator_next_steps(CoordinatorCounts {
            waiting: 1,
            end_requested: 1,
            conflicts_to_review: 1,
            ..CoordinatorCounts::default()
        });
        assert_eq!(
            steps[0].text,
            "1 pair has asked to end: decide whether to end it"
        );
        assert!(steps[1].text.starts_with("1 student changed"));
        assert!(steps[3].text.starts_with("No mentor has a free place"));
    }
}
