//! The demo's history, worked out from today: the SPECTRA vacancies of the last four years
//! and where each application got to, existing staff from ESR, and when each thing happened.

use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};

use crate::domain::application::Stage;
use crate::domain::employment::{CheckpointOutcome, EndKind, add_months, checkpoint_due};
use crate::domain::london_time;
use crate::domain::vacancy::VacancyKind;

/// When a demo hire started.
#[derive(Clone, Copy, Debug)]
pub(super) enum Start {
    /// This many days ago.
    DaysAgo(i64),
    /// So that the checkpoint this many months on falls due this many days from today
    /// (negative: that many days ago).
    Due(i32, i64),
}

/// How a demo employment has gone.
#[derive(Clone, Copy, Debug)]
pub(super) enum Fate {
    /// In post, every checkpoint that fell due recorded.
    InPost,
    /// In post, the checkpoints from this many months on not recorded although due: overdue.
    Unrecorded(i32),
    /// Left this many days after starting, for this ESR reason (its code).
    Left(i64, &'static str),
    /// Moved to this NHS organisation this many days after starting.
    Moved(i64, &'static str),
}

/// Where a demo application got to.
#[derive(Clone, Copy, Debug)]
pub(super) enum Outcome {
    /// Sent, waiting for shortlisting.
    Submitted,
    /// The lead has decided on it; shortlisting is not complete.
    Shortlisting,
    /// Not shortlisted: its essential criteria were not met.
    NotShortlisted,
    /// Invited to interview, not yet booked.
    Invited,
    /// Booked into an interview still to come.
    Booked,
    /// Interviewed and appointable, with no offer (yet).
    Interviewed,
    /// Interviewed and not appointable.
    Unsuccessful,
    /// Withdrew from this stage.
    Withdrawn(Stage),
    /// Offer accepted, checks under way.
    ConditionalOffer,
    /// Every check verified; starts this many days from today.
    ChecksComplete(i64),
    /// Hired: the person (a demo-only account), when they started and how it has gone.
    Started(&'static str, Start, Fate),
    /// In the guaranteed interview scheme and meeting every essential criterion, but not
    /// shortlisted: a breach of the guarantee.
    BreachNotShortlisted,
    /// In the guaranteed interview scheme, meeting every essential criterion and invited, but
    /// the post was filled before any interview: a breach of the guarantee.
    BreachNoInterview,
}

/// A vacancy of the demo's history and its applications.
pub(super) struct HistoryVacancy {
    pub(super) organisation: usize,
    pub(super) title: &'static str,
    pub(super) kind: VacancyKind,
    pub(super) band: &'static str,
    pub(super) staff_group: &'static str,
    pub(super) programme: bool,
    pub(super) ring_fenced: bool,
    /// Days ago it closed; `None`: 60 days before its first hire started.
    pub(super) closed_days_ago: Option<i64>,
    /// Each application, and whether it opted in to the guaranteed interview scheme.
    pub(super) applications: &'static [(Outcome, bool)],
}

pub(super) const ACS: &str = "Additional Clinical Services";
pub(super) const ADMIN: &str = "Administrative and Clerical";
pub(super) const ESTATES: &str = "Estates and Ancillary";

/// The SPECTRA vacancies of the last four years, oldest first, then those still going.
#[rustfmt::skip]
pub(super) const HISTORY: [HistoryVacancy; 16] = [
    HistoryVacancy { organisation: 0, title: "Healthcare support worker apprentice", kind: VacancyKind::Apprenticeship, band: "2", staff_group: ACS, programme: true, ring_fenced: true, closed_days_ago: None, applications: &[
        (Outcome::Started("Kayden Rowe", Start::DaysAgo(1440), Fate::InPost), true),
        (Outcome::Started("Shannon Birch", Start::DaysAgo(1440), Fate::Left(250, "vr_education")), true),
        (Outcome::Started("Tia Marsden", Start::DaysAgo(1433), Fate::Moved(600, "Wirral University Teaching Hospital NHS FT")), false),
        (Outcome::NotShortlisted, false),
        (Outcome::Unsuccessful, true),
        (Outcome::Withdrawn(Stage::Submitted), false),
    ] },
    HistoryVacancy { organisation: 1, title: "Porter", kind: VacancyKind::Job, band: "2", staff_group: ESTATES, programme: true, ring_fenced: true, closed_days_ago: None, applications: &[
        (Outcome::Started("Declan Hurst", Start::DaysAgo(1290), Fate::Left(80, "vr_working_relationships")), true),
        (Outcome::Started("Marcus Feeney", Start::DaysAgo(1290), Fate::InPost), true),
        (Outcome::Started("Owen Garside", Start::DaysAgo(1283), Fate::Left(500, "dismissal_conduct")), false),
        (Outcome::NotShortlisted, false),
        (Outcome::NotShortlisted, false),
        (Outcome::Unsuccessful, true),
    ] },
    HistoryVacancy { organisation: 2, title: "Ward clerk", kind: VacancyKind::Job, band: "2", staff_group: ADMIN, programme: false, ring_fenced: false, closed_days_ago: None, applications: &[
        (Outcome::Started("Paige Lunt", Start::DaysAgo(1150), Fate::InPost), true),
        (Outcome::Started("Abdul Karim", Start::DaysAgo(1150), Fate::Moved(300, "Liverpool Heart and Chest Hospital NHS FT")), false),
        (Outcome::NotShortlisted, false),
        (Outcome::Unsuccessful, false),
        (Outcome::Withdrawn(Stage::Submitted), false),
    ] },
    HistoryVacancy { organisation: 6, title: "Healthcare support worker", kind: VacancyKind::Job, band: "3", staff_group: ACS, programme: true, ring_fenced: true, closed_days_ago: None, applications: &[
        (Outcome::Started("Chantelle Moss", Start::DaysAgo(1000), Fate::InPost), true),
        (Outcome::Started("Lewis Tierney", Start::DaysAgo(1000), Fate::Left(150, "vr_health")), true),
        (Outcome::Started("Jordan Fairclough", Start::DaysAgo(993), Fate::Left(420, "vr_child_dependants")), true),
        (Outcome::Unsuccessful, true),
        (Outcome::NotShortlisted, false),
    ] },
    HistoryVacancy { organisation: 3, title: "Healthcare science apprentice", kind: VacancyKind::Apprenticeship, band: "3", staff_group: "Healthcare Scientists", programme: false, ring_fenced: false, closed_days_ago: None, applications: &[
        (Outcome::Started("Ellie Sutcliffe", Start::DaysAgo(880), Fate::InPost), false),
        (Outcome::Started("Reuben Okoro", Start::DaysAgo(880), Fate::Left(700, "end_fixed_term_training")), true),
        (Outcome::NotShortlisted, false),
        (Outcome::Unsuccessful, false),
    ] },
    HistoryVacancy { organisation: 4, title: "Pharmacy assistant apprentice", kind: VacancyKind::Apprenticeship, band: "2", staff_group: "Add Prof Scientific and Technic", programme: true, ring_fenced: true, closed_days_ago: None, applications: &[
        (Outcome::Started("Amira Haddad", Start::Due(24, -30), Fate::Unrecorded(24)), true),
        (Outcome::Started("Connor Bibby", Start::DaysAgo(760), Fate::Left(200, "vr_lack_of_opportunities")), true),
        (Outcome::Unsuccessful, true),
        (Outcome::Withdrawn(Stage::InvitedToInterview), false),
    ] },
    HistoryVacancy { organisation: 5, title: "Business administration apprentice", kind: VacancyKind::Apprenticeship, band: "2", staff_group: ADMIN, programme: false, ring_fenced: false, closed_days_ago: None, applications: &[
        (Outcome::Started("Skye Whitehead", Start::DaysAgo(640), Fate::InPost), true),
        (Outcome::Started("Nathan Crooks", Start::DaysAgo(640), Fate::Moved(380, "Bridgewater Community Healthcare NHS FT")), false),
        (Outcome::Started("Holly Kenny", Start::DaysAgo(633), Fate::InPost), true),
        (Outcome::NotShortlisted, false),
        (Outcome::NotShortlisted, false),
    ] },
    HistoryVacancy { organisation: 7, title: "Administrative assistant", kind: VacancyKind::Job, band: "3", staff_group: ADMIN, programme: false, ring_fenced: false, closed_days_ago: None, applications: &[
        (Outcome::Started("Bradley Nuttall", Start::DaysAgo(520), Fate::InPost), false),
        (Outcome::Started("Jasmine Eccles", Start::DaysAgo(520), Fate::Left(60, "vr_better_reward")), true),
        (Outcome::BreachNoInterview, true),
        (Outcome::NotShortlisted, false),
    ] },
    HistoryVacancy { organisation: 0, title: "Catering assistant", kind: VacancyKind::Job, band: "2", staff_group: ESTATES, programme: true, ring_fenced: true, closed_days_ago: None, applications: &[
        (Outcome::Started("Kyle Brennan", Start::Due(12, -35), Fate::Unrecorded(12)), true),
        (Outcome::Started("Ruby Slater", Start::DaysAgo(400), Fate::Left(100, "vr_relocation")), true),
        (Outcome::Unsuccessful, true),
        (Outcome::NotShortlisted, false),
    ] },
    HistoryVacancy { organisation: 1, title: "Student nurse (degree apprenticeship)", kind: VacancyKind::Apprenticeship, band: "3", staff_group: "Students", programme: true, ring_fenced: false, closed_days_ago: None, applications: &[
        (Outcome::Started("Aimee Cowley", Start::DaysAgo(300), Fate::InPost), true),
        (Outcome::Started("Jamal Adeyinka", Start::DaysAgo(300), Fate::InPost), true),
        (Outcome::Unsuccessful, false),
    ] },
    HistoryVacancy { organisation: 6, title: "Receptionist", kind: VacancyKind::Job, band: "2", staff_group: ADMIN, programme: true, ring_fenced: true, closed_days_ago: None, applications: &[
        (Outcome::Started("Lacey Dwyer", Start::Due(6, -17), Fate::Unrecorded(6)), true),
        (Outcome::Started("Ben Ashcroft", Start::DaysAgo(200), Fate::InPost), true),
        (Outcome::Started("Mollie Rimmer", Start::DaysAgo(200), Fate::Left(45, "vr_work_life_balance")), true),
        (Outcome::BreachNotShortlisted, true),
        (Outcome::NotShortlisted, false),
    ] },
    HistoryVacancy { organisation: 5, title: "Porter", kind: VacancyKind::Job, band: "2", staff_group: ESTATES, programme: true, ring_fenced: true, closed_days_ago: None, applications: &[
        (Outcome::Started("Tyrone Bell", Start::Due(3, -29), Fate::Unrecorded(3)), true),
        (Outcome::Started("Harvey Gill", Start::DaysAgo(120), Fate::InPost), false),
        (Outcome::Unsuccessful, true),
    ] },
    HistoryVacancy { organisation: 0, title: "Ward clerk", kind: VacancyKind::Job, band: "3", staff_group: ADMIN, programme: false, ring_fenced: false, closed_days_ago: None, applications: &[
        (Outcome::Started("Niamh Prescott", Start::Due(3, 3), Fate::InPost), true),
        (Outcome::Started("Evan Lightfoot", Start::Due(3, -6), Fate::Unrecorded(3)), false),
        (Outcome::Started("Grace Tomlinson", Start::DaysAgo(35), Fate::InPost), true),
        (Outcome::NotShortlisted, false),
        (Outcome::Unsuccessful, true),
    ] },
    HistoryVacancy { organisation: 1, title: "Healthcare support worker", kind: VacancyKind::Job, band: "3", staff_group: ACS, programme: true, ring_fenced: true, closed_days_ago: Some(45), applications: &[
        (Outcome::ConditionalOffer, true),
        (Outcome::ChecksComplete(12), false),
        (Outcome::Interviewed, true),
        (Outcome::Unsuccessful, true),
        (Outcome::NotShortlisted, false),
        (Outcome::Withdrawn(Stage::InvitedToInterview), false),
    ] },
    HistoryVacancy { organisation: 0, title: "Play assistant", kind: VacancyKind::Job, band: "2", staff_group: ACS, programme: true, ring_fenced: false, closed_days_ago: Some(12), applications: &[
        (Outcome::Invited, false),
        (Outcome::Booked, false),
        (Outcome::NotShortlisted, false),
    ] },
    HistoryVacancy { organisation: 1, title: "Ward clerk", kind: VacancyKind::Job, band: "2", staff_group: ADMIN, programme: true, ring_fenced: false, closed_days_ago: Some(4), applications: &[
        (Outcome::Shortlisting, false),
        (Outcome::Submitted, true),
        (Outcome::Submitted, false),
    ] },
];

/// Existing staff who said they are care experienced, from ESR: organisation, job role, band,
/// staff group, assignment number, start, how it has gone.
#[rustfmt::skip]
pub(super) const ESR_STAFF: [(usize, &str, &str, &str, &str, Start, Fate); 8] = [
    (0, "Staff nurse", "5", "Nursing and Midwifery Registered", "20481736-1", Start::DaysAgo(1380), Fate::InPost),
    (1, "Occupational therapist", "6", "Allied Health Professionals", "31597024-1", Start::DaysAgo(1100), Fate::Left(700, "vr_relocation")),
    (6, "Healthcare support worker", "3", ACS, "44120958-2", Start::DaysAgo(980), Fate::Moved(500, "Mersey and West Lancashire Teaching Hospitals NHS Trust")),
    (4, "Medical secretary", "4", ADMIN, "52873140-1", Start::Due(24, -90), Fate::Unrecorded(24)),
    (5, "Estates technician", "4", ESTATES, "60318275-1", Start::DaysAgo(610), Fate::Left(400, "end_fixed_term")),
    (3, "Pharmacy technician", "5", "Add Prof Scientific and Technic", "71940362-1", Start::DaysAgo(450), Fate::InPost),
    (2, "Maternity support worker", "3", ACS, "83056419-1", Start::DaysAgo(260), Fate::InPost),
    (7, "Project support officer", "4", ADMIN, "94627501-1", Start::Due(3, -68), Fate::Unrecorded(3)),
];

/// The first start date whose checkpoint `months` on falls due on or after `due`.
pub(super) fn start_for_due(due: Date, months: i32) -> Date {
    let mut start = add_months(due, -months) - Duration::days(3);
    while checkpoint_due(start, months) < due {
        start = start.next_day().unwrap_or(due);
    }
    start
}

/// The instant of `hour`:`minute` in London on `date`.
pub(super) fn london(date: Date, hour: u8, minute: u8) -> OffsetDateTime {
    let time = Time::from_hms(hour, minute, 0).unwrap_or(Time::MIDNIGHT);
    london_time::to_utc(PrimitiveDateTime::new(date, time))
}

/// How an employment of the demo ended.
pub(super) struct DemoEnding {
    pub(super) on: Date,
    pub(super) outcome: CheckpointOutcome,
    pub(super) kind: EndKind,
    pub(super) reason: &'static str,
    pub(super) moved_to: Option<&'static str>,
    pub(super) recorded_at: OffsetDateTime,
}

/// What the demo's history needs as it goes: today, the programme, each organisation with its
/// hiring manager, and the applicants not hired.
pub(super) struct History {
    pub(super) now: OffsetDateTime,
    pub(super) today: Date,
    pub(super) programme_id: i32,
    pub(super) organisations: Vec<(i32, i32)>,
    pub(super) others: Vec<(i32, bool)>,
    pub(super) next_other: usize,
}

impl History {
    pub(super) fn start_date(&self, start: Start) -> Date {
        match start {
            Start::DaysAgo(days) => self.today - Duration::days(days),
            Start::Due(months, in_days) => {
                start_for_due(self.today + Duration::days(in_days), months)
            }
        }
    }

    pub(super) fn ending(&self, start: Date, fate: Fate) -> Option<DemoEnding> {
        let (after, kind, reason, moved_to) = match fate {
            Fate::InPost | Fate::Unrecorded(_) => return None,
            Fate::Left(after, reason) => (after, EndKind::Left, reason, None),
            Fate::Moved(after, to) => (after, EndKind::Moved, "employee_transfer", Some(to)),
        };
        let on = start + Duration::days(after);
        Some(DemoEnding {
            on,
            outcome: match kind {
                EndKind::Left => CheckpointOutcome::Left,
                EndKind::Moved => CheckpointOutcome::Moved,
            },
            kind,
            reason,
            moved_to,
            recorded_at: london(on + Duration::days(3), 10, 30).min(self.now),
        })
    }

    /// The next applicant not hired who may apply for a vacancy (ring-fenced ones take only
    /// people who declared care experience).
    pub(super) fn other_applicant(
        &mut self,
        ring_fenced: bool,
        opted_in: bool,
    ) -> anyhow::Result<(i32, bool)> {
        for _ in 0..self.others.len() {
            let candidate = self
                .others
                .get(self.next_other % self.others.len())
                .copied();
            self.next_other += 1;
            if let Some((id, declared)) = candidate
                && (declared || !(ring_fenced || opted_in))
            {
                return Ok((id, declared));
            }
        }
        anyhow::bail!("no demo applicant may apply")
    }
}

/// The stages an application of the demo's history went through, and when: sent before the
/// vacancy closed on `closed_on`, shortlisted over the next days, interviewed a fortnight
/// after, offered, checked, and started on its start date.
pub(super) fn demo_path(
    outcome: Outcome,
    closed_on: Date,
    created: OffsetDateTime,
    started: Option<OffsetDateTime>,
) -> Vec<(Stage, OffsetDateTime)> {
    use Stage::*;
    let at = |days: i64, hour: u8| london(closed_on + Duration::days(days), hour, 0);
    let mut path = vec![(Draft, created), (Submitted, created + Duration::hours(2))];
    let shortlisted = [(Shortlisting, at(3, 10)), (InvitedToInterview, at(5, 15))];
    let interviewed = [(InterviewBooked, at(7, 12)), (Interviewed, at(14, 11))];
    let offered = (ConditionalOffer, at(16, 10));
    let checked = (ChecksComplete, at(40, 14));
    match outcome {
        Outcome::Submitted => {}
        Outcome::Shortlisting => path.push((Shortlisting, at(3, 10))),
        Outcome::NotShortlisted | Outcome::BreachNotShortlisted => {
            path.extend([(Shortlisting, at(3, 10)), (NotShortlisted, at(5, 15))]);
        }
        Outcome::Invited => path.extend(shortlisted),
        Outcome::Booked => {
            path.extend(shortlisted);
            path.push((InterviewBooked, at(7, 12)));
        }
        Outcome::Interviewed => {
            path.extend(shortlisted);
            path.extend(interviewed);
        }
        Outcome::Unsuccessful => {
            path.extend(shortlisted);
            path.extend(interviewed);
            path.push((Unsuccessful, at(14, 16)));
        }
        Outcome::BreachNoInterview => {
            path.extend(shortlisted);
            path.push((Unsuccessful, at(21, 12)));
        }
        Outcome::Withdrawn(from) => {
            if from == Submitted {
                path.push((Withdrawn, at(-2, 18)));
            } else {
                path.extend(shortlisted);
                path.push((Withdrawn, at(8, 9)));
            }
        }
        Outcome::ConditionalOffer => {
            path.extend(shortlisted);
            path.extend(interviewed);
            path.push(offered);
        }
        Outcome::ChecksComplete(_) => {
            path.extend(shortlisted);
            path.extend(interviewed);
            path.extend([offered, checked]);
        }
        Outcome::Started(..) => {
            path.extend(shortlisted);
            path.extend(interviewed);
            path.extend([offered, checked]);
            path.push((Started, started.unwrap_or(at(60, 9))));
        }
    }
    path
}
