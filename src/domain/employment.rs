//! Employment records and their checkpoints (DOMAIN.md §7): how someone came in, the ESR staff
//! groups and leaving reasons, and when the checkpoints fall. Pure; the maths of retention is in
//! [`crate::domain::retention`].

use time::{Date, Month};

/// The checkpoints, in months after the start date.
pub const CHECKPOINT_MONTHS: [i32; 4] = [3, 6, 12, 24];

/// Days after a checkpoint falls due when the second reminder goes.
pub const OVERDUE_AFTER_DAYS: i64 = 14;

/// The same day `months` calendar months after `start`, or the month's last day where it has no
/// such day: 31 August plus 6 months is the last day of February.
pub fn add_months(start: Date, months: i32) -> Date {
    let index = start.year() * 12 + i32::from(u8::from(start.month())) - 1 + months;
    let (year, month0) = (index.div_euclid(12), index.rem_euclid(12));
    let month = u8::try_from(month0 + 1)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .unwrap_or(Month::January);
    let day = start.day().min(time::util::days_in_month(month, year));
    Date::from_calendar_date(year, month, day).unwrap_or(start)
}

/// When the checkpoint `months` after `start` falls due.
pub fn checkpoint_due(start: Date, months: i32) -> Date {
    add_months(start, months)
}

/// An employment record's reference, as managers and the champion see it: `E-000123`.
/// It names no one.
pub fn reference(id: i32) -> String {
    format!("E-{id:06}")
}

/// How someone's employment record came to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// Hired through a SPECTRA vacancy on this service.
    Spectra,
    /// Existing staff who self-identify as care experienced, brought in from an ESR extract.
    Esr,
}

impl Route {
    /// Both routes.
    pub const ALL: [Route; 2] = [Route::Spectra, Route::Esr];

    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Route::Spectra => "spectra",
            Route::Esr => "esr",
        }
    }

    /// In plain words.
    pub fn label(self) -> &'static str {
        match self {
            Route::Spectra => "Hired through SPECTRA",
            Route::Esr => "Existing staff (from ESR)",
        }
    }

    /// Reads a stored route.
    pub fn parse(s: &str) -> Option<Route> {
        Route::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// ESR's staff groups.
pub const STAFF_GROUPS: [&str; 9] = [
    "Add Prof Scientific and Technic",
    "Additional Clinical Services",
    "Administrative and Clerical",
    "Allied Health Professionals",
    "Estates and Ancillary",
    "Healthcare Scientists",
    "Medical and Dental",
    "Nursing and Midwifery Registered",
    "Students",
];

/// The staff group as ESR spells it, whatever the case or spacing typed.
pub fn parse_staff_group(input: &str) -> Option<&'static str> {
    let wanted = normalise(input);
    STAFF_GROUPS.into_iter().find(|g| normalise(g) == wanted)
}

/// Why someone left, from ESR's list of leaving reasons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeavingReason {
    /// As stored.
    pub code: &'static str,
    /// As ESR spells it, in extracts and on screen.
    pub esr: &'static str,
}

macro_rules! reasons {
    ($($code:literal => $esr:literal,)*) => {
        /// ESR's leaving reasons, grouped as ESR groups them.
        pub const LEAVING_REASONS: &[LeavingReason] = &[$(LeavingReason { code: $code, esr: $esr },)*];
    };
}

reasons! {
    "vr_adult_dependants" => "Voluntary Resignation - Adult Dependants",
    "vr_better_reward" => "Voluntary Resignation - Better Reward Package",
    "vr_child_dependants" => "Voluntary Resignation - Child Dependants",
    "vr_health" => "Voluntary Resignation - Health",
    "vr_working_relationships" => "Voluntary Resignation - Incompatible Working Relationships",
    "vr_lack_of_opportunities" => "Voluntary Resignation - Lack of Opportunities",
    "vr_other" => "Voluntary Resignation - Other/Not Known",
    "vr_promotion" => "Voluntary Resignation - Promotion",
    "vr_relocation" => "Voluntary Resignation - Relocation",
    "vr_education" => "Voluntary Resignation - To undertake further education or training",
    "vr_work_life_balance" => "Voluntary Resignation - Work Life Balance",
    "vr_career_change" => "Voluntary Resignation - Career Change",
    "end_fixed_term" => "End of Fixed Term Contract",
    "end_fixed_term_training" => "End of Fixed Term Contract - Completion of Training Scheme",
    "end_fixed_term_work" => "End of Fixed Term Contract - End of Work Requirement",
    "end_fixed_term_rotation" => "End of Fixed Term Contract - External Rotation",
    "end_fixed_term_other" => "End of Fixed Term Contract - Other",
    "dismissal_capability" => "Dismissal - Capability",
    "dismissal_conduct" => "Dismissal - Conduct",
    "dismissal_sosr" => "Dismissal - Some Other Substantial Reason",
    "dismissal_statutory" => "Dismissal - Statutory Reason",
    "retirement_age" => "Retirement Age",
    "retirement_ill_health" => "Retirement - Ill Health",
    "retirement_flexi" => "Flexi Retirement",
    "retirement_early_no_reduction" => "Voluntary Early Retirement - no Actuarial Reduction",
    "retirement_early_with_reduction" => "Voluntary Early Retirement - with Actuarial Reduction",
    "redundancy_compulsory" => "Redundancy - Compulsory",
    "redundancy_voluntary" => "Redundancy - Voluntary",
    "mars" => "Mutually Agreed Resignation - Local Scheme with Repayment",
    "mars_national" => "Mutually Agreed Resignation - National Scheme with Repayment",
    "death_in_service" => "Death in Service",
    "pregnancy" => "Pregnancy",
    "bank_minimum_work" => "Bank Staff not fulfilled Minimum Work Requirement",
    "employee_transfer" => "Employee Transfer",
}

impl LeavingReason {
    /// The reason stored under this code.
    pub fn from_code(code: &str) -> Option<LeavingReason> {
        LEAVING_REASONS.iter().copied().find(|r| r.code == code)
    }

    /// The reason as ESR spells it, whatever the case or spacing.
    pub fn from_esr(text: &str) -> Option<LeavingReason> {
        let wanted = normalise(text);
        LEAVING_REASONS
            .iter()
            .copied()
            .find(|r| normalise(r.esr) == wanted)
    }

    /// ESR's "Employee Transfer" is a move to another NHS employer: not a leaver, as in the
    /// NHS stability index.
    pub fn is_move_within_nhs(self) -> bool {
        self.code == "employee_transfer"
    }
}

/// How an employment ended, as stored in `end_kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndKind {
    /// Left NHS employment: a leaver.
    Left,
    /// Moved to another NHS organisation: not a leaver.
    Moved,
}

impl EndKind {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            EndKind::Left => "left",
            EndKind::Moved => "moved",
        }
    }

    /// Reads a stored kind.
    pub fn parse(s: &str) -> Option<EndKind> {
        match s {
            "left" => Some(EndKind::Left),
            "moved" => Some(EndKind::Moved),
            _ => None,
        }
    }
}

/// What a checkpoint recorded, as stored in `outcome`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckpointOutcome {
    /// Still in post.
    InPost,
    /// Left, with a date and an ESR reason on the employment record.
    Left,
    /// Moved within the NHS, with the new organisation on the employment record.
    Moved,
    /// Falls after the person left or moved: nothing to record.
    Closed,
}

impl CheckpointOutcome {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckpointOutcome::InPost => "in_post",
            CheckpointOutcome::Left => "left",
            CheckpointOutcome::Moved => "moved",
            CheckpointOutcome::Closed => "closed",
        }
    }

    /// In plain words.
    pub fn label(self) -> &'static str {
        match self {
            CheckpointOutcome::InPost => "In post",
            CheckpointOutcome::Left => "Left",
            CheckpointOutcome::Moved => "Moved within the NHS",
            CheckpointOutcome::Closed => "Closed (after they left)",
        }
    }

    /// Reads a stored outcome.
    pub fn parse(s: &str) -> Option<CheckpointOutcome> {
        [
            CheckpointOutcome::InPost,
            CheckpointOutcome::Left,
            CheckpointOutcome::Moved,
            CheckpointOutcome::Closed,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    }
}

/// Who or what recorded a checkpoint's outcome, as stored in `source`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckpointSource {
    /// A hiring manager of the organisation.
    Manager,
    /// An ESR extract: it proved the person in post, or recorded their leaving.
    Esr,
}

impl CheckpointSource {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckpointSource::Manager => "manager",
            CheckpointSource::Esr => "esr",
        }
    }

    /// Reads a stored source.
    pub fn parse(s: &str) -> Option<CheckpointSource> {
        [CheckpointSource::Manager, CheckpointSource::Esr]
            .into_iter()
            .find(|o| o.as_str() == s)
    }
}

/// Why a manager corrects an employment record. A choice, never free text: the audit log
/// that keeps it is append-only and outlives erasing the person (DOMAIN.md §9), so it must
/// hold nothing about their health or private life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CorrectionReason {
    /// The manager typed or chose the wrong thing.
    Mistyped,
    /// Newer information, for example from ESR or payroll.
    NewerInformation,
    /// It was recorded for the wrong person.
    WrongPerson,
    /// Another reason.
    Other,
}

impl CorrectionReason {
    /// Every reason, in the order the form offers them.
    pub const ALL: [CorrectionReason; 4] = [
        CorrectionReason::Mistyped,
        CorrectionReason::NewerInformation,
        CorrectionReason::WrongPerson,
        CorrectionReason::Other,
    ];

    /// As sent by the form and kept in the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            CorrectionReason::Mistyped => "mistyped",
            CorrectionReason::NewerInformation => "newer_information",
            CorrectionReason::WrongPerson => "wrong_person",
            CorrectionReason::Other => "other",
        }
    }

    /// In words, on the form and in the audit log.
    pub fn label(self) -> &'static str {
        match self {
            CorrectionReason::Mistyped => "I typed or chose the wrong thing",
            CorrectionReason::NewerInformation => {
                "I have newer information, for example from ESR or payroll"
            }
            CorrectionReason::WrongPerson => "It was recorded for the wrong person",
            CorrectionReason::Other => "Another reason",
        }
    }

    /// Reads a sent or stored reason.
    pub fn parse(s: &str) -> Option<CorrectionReason> {
        CorrectionReason::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Whether an ESR extract proves someone was in post at a checkpoint due on `due`: the
/// extract, dated `extract_date`, shows them still in post after that date, or shows a leaving
/// date (`end`) on or after it. A checkpoint that has not yet fallen due by the extract date is
/// never proved: a leaving date ahead is a plan, not a fact.
pub fn esr_proves_in_post(due: Date, extract_date: Date, end: Option<Date>) -> bool {
    due < extract_date && end.is_none_or(|end| end >= due)
}

/// What correcting an employment's leaving date does to one of its checkpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckpointCorrection {
    /// It was closed (or recorded as the leaving) by the old date and falls on or before the
    /// new one (or there is no leaving date any more): it is open to record again.
    Reopen,
    /// It was open and falls after the new leaving date: it closes.
    Close,
}

/// Why a leaving date cannot be corrected as asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CorrectionRefusal {
    /// A checkpoint after the new leaving date, due on this date, is recorded as in post:
    /// correct that checkpoint first.
    InPostAfter(Date),
}

/// What correcting a leaving date to `new_end` (or removing it, with `None`) does to each
/// checkpoint, given as (due date, stored outcome): checkpoints that the old ending closed (or
/// recorded as the leaving) and that the new date no longer closes reopen; open checkpoints
/// after the new date close. Gives one entry per checkpoint, in order: `None` where nothing
/// changes.
pub fn correct_leaving(
    checkpoints: &[(Date, Option<CheckpointOutcome>)],
    new_end: Option<Date>,
) -> Result<Vec<Option<CheckpointCorrection>>, CorrectionRefusal> {
    let after_end = |due: Date| new_end.is_some_and(|end| due > end);
    checkpoints
        .iter()
        .map(|&(due, outcome)| match outcome {
            Some(CheckpointOutcome::InPost) if after_end(due) => {
                Err(CorrectionRefusal::InPostAfter(due))
            }
            Some(CheckpointOutcome::InPost) => Ok(None),
            Some(
                CheckpointOutcome::Left | CheckpointOutcome::Moved | CheckpointOutcome::Closed,
            ) if !after_end(due) => Ok(Some(CheckpointCorrection::Reopen)),
            Some(_) => Ok(None),
            None if after_end(due) => Ok(Some(CheckpointCorrection::Close)),
            None => Ok(None),
        })
        .collect()
}

/// Why an end of employment cannot be recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndRefusal {
    /// The leaving date is before the start date.
    BeforeStart,
    /// The leaving date is more than a year ahead: almost certainly a typing error.
    TooFarAhead,
}

/// Checks a leaving (or moving) date against the start date and today.
pub fn check_end_date(start: Date, end: Date, today: Date) -> Result<(), EndRefusal> {
    if end < start {
        Err(EndRefusal::BeforeStart)
    } else if end > add_months(today, 12) {
        Err(EndRefusal::TooFarAhead)
    } else {
        Ok(())
    }
}

/// Lower case with single spaces, for matching what people and spreadsheets type.
fn normalise(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_correction_reason_reads_back_as_written_and_nothing_else() {
        for reason in CorrectionReason::ALL {
            assert_eq!(CorrectionReason::parse(reason.as_str()), Some(reason));
            assert!(!reason.label().is_empty());
        }
        assert_eq!(CorrectionReason::parse(""), None);
        assert_eq!(CorrectionReason::parse("I typed the wrong month"), None);
        assert_eq!(CorrectionReason::parse("Mistyped"), None);
    }
    use time::macros::date;

    #[test]
    fn checkpoints_fall_on_the_same_day_of_later_months() {
        let start = date!(2026 - 01 - 15);
        let due: Vec<Date> = CHECKPOINT_MONTHS
            .iter()
            .map(|&m| checkpoint_due(start, m))
            .collect();
        assert_eq!(
            due,
            [
                date!(2026 - 04 - 15),
                date!(2026 - 07 - 15),
                date!(2027 - 01 - 15),
                date!(2028 - 01 - 15)
            ]
        );
    }

    #[test]
    fn checkpoints_in_shorter_months_fall_on_their_last_day() {
        assert_eq!(add_months(date!(2026 - 08 - 31), 6), date!(2027 - 02 - 28));
        assert_eq!(add_months(date!(2027 - 08 - 31), 6), date!(2028 - 02 - 29));
        assert_eq!(add_months(date!(2026 - 11 - 30), 3), date!(2027 - 02 - 28));
        assert_eq!(add_months(date!(2028 - 02 - 29), 12), date!(2029 - 02 - 28));
        assert_eq!(add_months(date!(2026 - 12 - 31), 12), date!(2027 - 12 - 31));
    }

    #[test]
    fn leaving_reasons_read_as_esr_spells_them() {
        let r = LeavingReason::from_esr("voluntary resignation -  work life balance").unwrap();
        assert_eq!(r.code, "vr_work_life_balance");
        assert_eq!(LeavingReason::from_code(r.code), Some(r));
        assert!(LeavingReason::from_esr("Fired").is_none());
        assert!(
            LeavingReason::from_esr("Employee Transfer")
                .unwrap()
                .is_move_within_nhs()
        );
        assert!(!r.is_move_within_nhs());
    }

    #[test]
    fn leaving_reason_codes_and_texts_are_unique() {
        for (i, a) in LEAVING_REASONS.iter().enumerate() {
            for b in &LEAVING_REASONS[i + 1..] {
                assert_ne!(a.code, b.code);
                assert_ne!(normalise(a.esr), normalise(b.esr));
            }
        }
    }

    #[test]
    fn staff_groups_read_whatever_the_case() {
        assert_eq!(
            parse_staff_group("estates and  ancillary"),
            Some("Estates and Ancillary")
        );
        assert_eq!(parse_staff_group("Porters"), None);
    }

    #[test]
    fn references_name_no_one() {
        assert_eq!(reference(123), "E-000123");
    }

    #[test]
    fn stored_names_read_back() {
        for r in Route::ALL {
            assert_eq!(Route::parse(r.as_str()), Some(r));
        }
        for o in ["in_post", "left", "moved", "closed"] {
            assert_eq!(CheckpointOutcome::parse(o).unwrap().as_str(), o);
        }
        assert_eq!(EndKind::parse("moved"), Some(EndKind::Moved));
        assert_eq!(EndKind::parse("x"), None);
        assert_eq!(CheckpointOutcome::parse("x"), None);
    }

    #[test]
    fn sources_read_back_and_unknown_ones_do_not() {
        for s in [CheckpointSource::Manager, CheckpointSource::Esr] {
            assert_eq!(CheckpointSource::parse(s.as_str()), Some(s));
        }
        assert_eq!(CheckpointSource::parse("ESR"), None);
        assert_eq!(CheckpointSource::parse(""), None);
    }

    #[test]
    fn an_extract_proves_in_post_only_after_the_checkpoint_fell_due() {
        let due = date!(2027 - 04 - 15);
        // Still in post on an extract dated after the checkpoint.
        assert!(esr_proves_in_post(due, date!(2027 - 04 - 16), None));
        // On the day itself the checkpoint is not yet past.
        assert!(!esr_proves_in_post(due, due, None));
        assert!(!esr_proves_in_post(due, date!(2027 - 04 - 14), None));
        // A leaving date on or after the checkpoint proves it; one before it does not.
        assert!(esr_proves_in_post(due, date!(2027 - 06 - 01), Some(due)));
        assert!(esr_proves_in_post(
            due,
            date!(2027 - 06 - 01),
            Some(date!(2027 - 05 - 01))
        ));
        assert!(!esr_proves_in_post(
            due,
            date!(2027 - 06 - 01),
            Some(date!(2027 - 04 - 14))
        ));
        // A leaving date ahead does not prove a checkpoint not yet due.
        assert!(!esr_proves_in_post(
            due,
            date!(2027 - 04 - 01),
            Some(date!(2027 - 09 - 01))
        ));
    }

    #[test]
    fn correcting_a_leaving_date_reopens_what_it_no_longer_closes() {
        use CheckpointCorrection::{Close, Reopen};
        use CheckpointOutcome::{Closed, InPost, Left};
        let cps = [
            (date!(2027 - 01 - 01), Some(InPost)),
            (date!(2027 - 04 - 01), Some(Left)),
            (date!(2027 - 10 - 01), Some(Closed)),
            (date!(2028 - 10 - 01), Some(Closed)),
        ];
        // Later: the checkpoints up to the new date reopen, the one after stays closed.
        assert_eq!(
            correct_leaving(&cps, Some(date!(2027 - 12 - 01))),
            Ok(vec![None, Some(Reopen), Some(Reopen), None])
        );
        // Removed: every closed one reopens; in post stays.
        assert_eq!(
            correct_leaving(&cps, None),
            Ok(vec![None, Some(Reopen), Some(Reopen), Some(Reopen)])
        );
        // Earlier, before a checkpoint recorded in post: refused.
        assert_eq!(
            correct_leaving(&cps, Some(date!(2026 - 12 - 01))),
            Err(CorrectionRefusal::InPostAfter(date!(2027 - 01 - 01)))
        );
        // Earlier, with open checkpoints after it: they close.
        let open = [
            (date!(2027 - 01 - 01), Some(InPost)),
            (date!(2027 - 04 - 01), None),
            (date!(2027 - 10 - 01), Some(Closed)),
        ];
        assert_eq!(
            correct_leaving(&open, Some(date!(2027 - 02 - 01))),
            Ok(vec![None, Some(Close), None])
        );
        // The same date again changes nothing.
        assert_eq!(
            correct_leaving(&cps[..], Some(date!(2027 - 03 - 01))),
            Ok(vec![None, None, None, None])
        );
    }

    #[test]
    fn a_leaving_date_must_follow_the_start_and_not_be_far_ahead() {
        let start = date!(2026 - 03 - 01);
        let today = date!(2026 - 12 - 02);
        assert_eq!(
            check_end_date(start, date!(2026 - 02 - 28), today),
            Err(EndRefusal::BeforeStart)
        );
        assert_eq!(check_end_date(start, start, today), Ok(()));
        assert_eq!(check_end_date(start, date!(2027 - 01 - 31), today), Ok(()));
        assert_eq!(
            check_end_date(start, date!(2027 - 12 - 03), today),
            Err(EndRefusal::TooFarAhead)
        );
    }
}
