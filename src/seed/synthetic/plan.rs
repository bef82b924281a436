//! What to make, decided without the database: the counts asked for and whether they fit
//! together, whether a database may be seeded, how applications are shared out and which
//! stages they pass through, how likely each thing is, and the random draws.

use rand::Rng;
use time::{Date, Duration, OffsetDateTime, Time};

use super::{EMAIL_DOMAIN, NAME_PREFIX};
use crate::domain::NewPassword;
use crate::domain::application::Stage;
use crate::domain::london_time;

/// How many rows to add.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    /// Organisations, each with one hiring manager (the first gets two more for its panel,
    /// with [`Counts::shortlisting_applications`]).
    pub organisations: u32,
    /// Vacancies, spread over the new organisations.
    pub vacancies: u32,
    /// Of the vacancies, how many are open (published, closing in the future).
    pub open: u32,
    /// Applicants, each with a profile.
    pub applicants: u32,
    /// Applications, each by a new applicant for a new vacancy.
    pub applications: u32,
    /// Sent applications, by as many of the new applicants, for one more vacancy: closed, of
    /// the first new organisation, and being shortlisted by a panel. 0 for no such vacancy.
    pub shortlisting_applications: u32,
    /// Employment records beyond the started applications' own, with their checkpoints,
    /// started over the last five years across the new organisations.
    pub hires: u32,
}

/// The default number of open vacancies: 5% of them, rounded.
pub fn default_open(vacancies: u32) -> u32 {
    vacancies / 20 + u32::from(vacancies % 20 >= 10)
}

impl Counts {
    /// Checks the numbers make sense together, before touching the database.
    pub fn check(&self) -> Result<(), String> {
        if self.open > self.vacancies {
            return Err(format!(
                "--open ({}) cannot be more than --vacancies ({})",
                self.open, self.vacancies
            ));
        }
        if self.vacancies > 0 && self.organisations == 0 {
            return Err("vacancies need organisations: give --organisations 1 or more".into());
        }
        if self.applications > 0 && (self.applicants == 0 || self.vacancies == 0) {
            return Err("applications need applicants and vacancies to apply for".into());
        }
        let pairs = u64::from(self.applicants) * u64::from(self.vacancies);
        if u64::from(self.applications) > pairs {
            return Err(format!(
                "--applications ({}) cannot be more than --applicants × --vacancies ({pairs}): \
                 an applicant applies for a vacancy once",
                self.applications
            ));
        }
        if self.shortlisting_applications > 0 && self.organisations == 0 {
            return Err(
                "--shortlisting-applications needs --organisations 1 or more: its vacancy is the \
                 first new organisation's"
                    .into(),
            );
        }
        if self.hires > 0 && self.organisations == 0 {
            return Err("--hires needs --organisations 1 or more: the hires work there".into());
        }
        if self.shortlisting_applications > self.applicants {
            return Err(format!(
                "--shortlisting-applications ({}) cannot be more than --applicants ({}): an \
                 applicant applies for a vacancy once",
                self.shortlisting_applications, self.applicants
            ));
        }
        Ok(())
    }
}

/// Why a lead's password cannot be set without a shortlisting vacancy.
pub const LEAD_PASSWORD_NEEDS_SHORTLISTING: &str = "--lead-password-stdin needs \
    --shortlisting-applications: it is the password of that vacancy's panel lead";

/// What `seed-synthetic` was asked to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// How many of each.
    pub counts: Counts,
    /// Seed of the random generator, to repeat a run exactly; random when absent.
    pub seed: Option<u64>,
    /// A password for the lead of the shortlisting vacancy's panel, so that a benchmark can sign
    /// in as them. Only with [`Counts::shortlisting_applications`]; without it nobody can sign
    /// in as any synthetic user.
    pub lead_password: Option<NewPassword>,
}

impl Options {
    /// Checks the options make sense together, before touching the database.
    pub fn check(&self) -> Result<(), String> {
        self.counts.check()?;
        if self.lead_password.is_some() && self.counts.shortlisting_applications == 0 {
            return Err(LEAD_PASSWORD_NEEDS_SHORTLISTING.into());
        }
        Ok(())
    }
}

/// Rows already in the database that are not synthetic.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Census {
    /// Users whose email is not at [`EMAIL_DOMAIN`].
    pub users: u64,
    /// Organisations whose name does not start with [`NAME_PREFIX`].
    pub organisations: u64,
    /// Programmes whose name does not start with [`NAME_PREFIX`].
    pub programmes: u64,
    /// Vacancies of a non-synthetic organisation or created by a non-synthetic user.
    pub vacancies: u64,
    /// Invitations to an email not at [`EMAIL_DOMAIN`].
    pub invitations: u64,
}

/// Why seeding must not go ahead on a database with this census, or `None` when it may.
pub fn refusal(census: &Census) -> Option<String> {
    let found: Vec<String> = [
        (census.users, "user", "users"),
        (census.organisations, "organisation", "organisations"),
        (census.programmes, "programme", "programmes"),
        (census.vacancies, "vacancy", "vacancies"),
        (census.invitations, "invitation", "invitations"),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
    .collect();
    if found.is_empty() {
        return None;
    }
    Some(format!(
        "refusing to add synthetic data: this database holds data that is not synthetic ({}). \
         Synthetic users have emails at @{EMAIL_DOMAIN}, and synthetic organisations and \
         programmes have names starting \"{NAME_PREFIX}\". Use an empty database.",
        found.join(", ")
    ))
}

/// Shares `total` as evenly as possible among people who can each take at most their cap.
/// `None` when the caps add up to less than the total.
pub fn spread(total: u64, caps: &[u64]) -> Option<Vec<u64>> {
    let mut order: Vec<usize> = (0..caps.len()).collect();
    order.sort_by_key(|&i| caps.get(i).copied().unwrap_or(0));
    let mut shares = vec![0; caps.len()];
    let mut remaining = total;
    for (done, &i) in order.iter().enumerate() {
        let left = u64::try_from(caps.len() - done).unwrap_or(u64::MAX);
        let give = remaining
            .div_ceil(left)
            .min(caps.get(i).copied().unwrap_or(0));
        if let Some(share) = shares.get_mut(i) {
            *share = give;
        }
        remaining -= give;
    }
    (remaining == 0).then_some(shares)
}

/// The stages an application passed through to reach `target`, starting with a draft.
/// `withdrawn_from` is the stage a withdrawn application was at when withdrawn.
pub fn path_to(target: Stage, withdrawn_from: Stage) -> Vec<Stage> {
    const PIPELINE: [Stage; 9] = [
        Stage::Draft,
        Stage::Submitted,
        Stage::Shortlisting,
        Stage::InvitedToInterview,
        Stage::InterviewBooked,
        Stage::Interviewed,
        Stage::ConditionalOffer,
        Stage::ChecksComplete,
        Stage::Started,
    ];
    let up_to = |last: Stage| -> Vec<Stage> {
        let end = PIPELINE.iter().position(|s| *s == last).unwrap_or(0);
        PIPELINE.iter().take(end + 1).copied().collect()
    };
    match target {
        Stage::Withdrawn => {
            let from = if withdrawn_from == Stage::Started || !PIPELINE.contains(&withdrawn_from) {
                Stage::Submitted
            } else {
                withdrawn_from
            };
            let mut path = up_to(from);
            path.push(Stage::Withdrawn);
            path
        }
        Stage::Unsuccessful => {
            let mut path = up_to(Stage::Interviewed);
            path.push(Stage::Unsuccessful);
            path
        }
        Stage::NotShortlisted => {
            let mut path = up_to(Stage::Shortlisting);
            path.push(Stage::NotShortlisted);
            path
        }
        other => up_to(other),
    }
}

/// The shortlisting vacancy's criteria: how many essential, then how many desirable.
pub(super) const SHORTLISTING_CRITERIA: (usize, usize) = (3, 2);

/// How well an application shows a criterion (a score from 0 to 3), and how common each is.
pub(super) const STANDING: [(i16, u32); 4] = [(0, 8), (1, 22), (2, 45), (3, 25)];

/// How far a panel member's score is from the application's standing, and how often.
pub(super) const SCORE_NOISE: [(i16, u32); 3] = [(-1, 15), (0, 70), (1, 15)];

/// How likely each panel member is to have scored an application.
pub(super) const SCORED_BY_EACH: f64 = 0.85;

/// How likely the lead is to have set final scores for an application the whole panel scored.
pub(super) const FINALS_SET: f64 = 0.35;

/// How likely the lead is to have decided on an application with final scores, when the rule
/// has not already invited it automatically.
pub(super) const DECIDED: f64 = 0.3;
/// Application stages of an open vacancy's applications, and how common each is.
pub(super) const OPEN_STAGES: [(Stage, u32); 3] = [
    (Stage::Draft, 20),
    (Stage::Submitted, 72),
    (Stage::Withdrawn, 8),
];

/// Application stages of a closed vacancy's applications, and how common each is.
pub(super) const CLOSED_STAGES: [(Stage, u32); 12] = [
    (Stage::Draft, 6),
    (Stage::Submitted, 3),
    (Stage::Shortlisting, 5),
    (Stage::NotShortlisted, 42),
    (Stage::InvitedToInterview, 3),
    (Stage::InterviewBooked, 3),
    (Stage::Interviewed, 4),
    (Stage::Unsuccessful, 16),
    (Stage::ConditionalOffer, 2),
    (Stage::ChecksComplete, 2),
    (Stage::Started, 7),
    (Stage::Withdrawn, 7),
];

/// Where withdrawn applications of a closed vacancy were when withdrawn.
pub(super) const WITHDRAWN_FROM: [(Stage, u32); 6] = [
    (Stage::Draft, 20),
    (Stage::Submitted, 40),
    (Stage::Shortlisting, 15),
    (Stage::InvitedToInterview, 10),
    (Stage::InterviewBooked, 10),
    (Stage::ConditionalOffer, 5),
];

/// One in this many submitted applications gets evidence and referee rows.
pub(super) const WITH_DETAILS_ONE_IN: u32 = 20;

/// Of a year's headcount, the share who leave NHS employment: the hazard of leaving.
pub const LEFT_PER_YEAR: f64 = 0.15;

/// Of a year's headcount, the share who move to another NHS organisation.
pub const MOVED_PER_YEAR: f64 = 0.05;

/// How far back `--hires` start: five years.
pub(super) const HIRES_OVER_DAYS: i64 = 5 * 365;

/// Of `--hires`, the share of existing staff brought in from ESR; the rest are SPECTRA hires.
pub(super) const ESR_SHARE: f64 = 0.25;

/// Of `--hires` hired through SPECTRA, the share hired under a programme.
pub(super) const PROGRAMME_SHARE: f64 = 0.6;

/// How likely a checkpoint that fell due in the last 14 days is to be still unrecorded.
pub(super) const RECENTLY_DUE_UNRECORDED: f64 = 0.5;

/// How likely an older checkpoint is to be still unrecorded: overdue.
pub(super) const OVERDUE_UNRECORDED: f64 = 0.03;

/// ESR assignment numbers of synthetic staff: eight digits from here, then the assignment.
pub(super) const ASSIGNMENT_BASE: i64 = 30_000_000;
/// How common each ESR leaving reason is among leavers (by its code's start): resignations
/// most, then the ends of fixed terms; no retirements or deaths among young care leavers.
pub(super) fn leaving_weight(code: &str) -> u32 {
    if code.starts_with("vr_") {
        10
    } else if code.starts_with("end_fixed_term") {
        6
    } else if code.starts_with("dismissal") {
        2
    } else if code.starts_with("retirement")
        || code == "death_in_service"
        || code == "employee_transfer"
    {
        0
    } else {
        1
    }
}
/// The instant of `hour` o'clock in London on `date`.
pub(super) fn at_london(date: Date, hour: u8) -> OffsetDateTime {
    let time = Time::from_hms(hour, 0, 0).unwrap_or(Time::MIDNIGHT);
    london_time::to_utc(time::PrimitiveDateTime::new(date, time))
}

pub(super) fn pick<'a, T>(rng: &mut impl Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

pub(super) fn weighted<T: Copy>(rng: &mut impl Rng, choices: &[(T, u32)]) -> T {
    let total: u32 = choices.iter().map(|c| c.1).sum();
    let mut roll = rng.random_range(0..total.max(1));
    for &(item, weight) in choices {
        if roll < weight {
            return item;
        }
        roll -= weight;
    }
    choices[choices.len() - 1].0
}

pub(super) fn seconds(rng: &mut impl Rng, from: Duration, to: Duration) -> Duration {
    let (low, high) = (from.whole_seconds(), to.whole_seconds());
    Duration::seconds(if high > low {
        rng.random_range(low..high)
    } else {
        low
    })
}

pub(super) fn drama_phone(rng: &mut impl Rng, mobile: bool) -> String {
    // Ofcom keeps these ranges for drama: they are never anyone's number.
    if mobile {
        format!("07700 900{:03}", rng.random_range(0..1000))
    } else {
        format!("0151 496 0{:03}", rng.random_range(0..1000))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;
    use crate::domain::application::can_move;
    use crate::domain::employment::LEAVING_REASONS;
    use crate::seed::synthetic::words::{ROLES, staff_group_of};

    #[test]
    fn an_empty_or_synthetic_database_may_be_seeded() {
        assert_eq!(refusal(&Census::default()), None);
    }

    #[test]
    fn any_real_row_refuses_naming_what_was_found() {
        let census = Census {
            users: 1,
            vacancies: 3,
            ..Census::default()
        };
        let reason = refusal(&census).unwrap();
        assert!(reason.contains("1 user,"), "{reason}");
        assert!(reason.contains("3 vacancies"), "{reason}");
        assert!(reason.contains("@synthetic.invalid"), "{reason}");
        for census in [
            Census {
                organisations: 1,
                ..Census::default()
            },
            Census {
                programmes: 2,
                ..Census::default()
            },
            Census {
                invitations: 1,
                ..Census::default()
            },
        ] {
            assert!(refusal(&census).is_some(), "{census:?}");
        }
    }

    #[test]
    fn counts_that_cannot_fit_together_are_refused() {
        let ok = Counts {
            organisations: 8,
            vacancies: 10_000,
            open: 500,
            applicants: 20_000,
            applications: 200_000,
            shortlisting_applications: 500,
            hires: 0,
        };
        assert_eq!(ok.check(), Ok(()));
        assert!(
            Counts {
                shortlisting_applications: 20_001,
                ..ok
            }
            .check()
            .is_err()
        );
        let only_shortlisting = Counts {
            organisations: 1,
            vacancies: 0,
            open: 0,
            applicants: 3,
            applications: 0,
            shortlisting_applications: 3,
            hires: 0,
        };
        assert_eq!(only_shortlisting.check(), Ok(()));
        assert!(
            Counts {
                organisations: 0,
                ..only_shortlisting
            }
            .check()
            .is_err()
        );
        assert!(Counts { open: 10_001, ..ok }.check().is_err());
        assert!(
            Counts {
                organisations: 0,
                ..ok
            }
            .check()
            .is_err()
        );
        assert!(
            Counts {
                applicants: 0,
                ..ok
            }
            .check()
            .is_err()
        );
        assert!(
            Counts {
                applicants: 2,
                vacancies: 3,
                open: 0,
                applications: 7,
                shortlisting_applications: 2,
                ..ok
            }
            .check()
            .is_err()
        );
        assert_eq!(
            Counts {
                applicants: 2,
                vacancies: 3,
                open: 0,
                applications: 6,
                shortlisting_applications: 2,
                ..ok
            }
            .check(),
            Ok(())
        );
    }

    #[test]
    fn hires_need_an_organisation_and_every_role_has_an_esr_staff_group() {
        let hires = Counts {
            organisations: 0,
            vacancies: 0,
            open: 0,
            applicants: 0,
            applications: 0,
            shortlisting_applications: 0,
            hires: 10,
        };
        assert!(hires.check().unwrap_err().contains("--hires"));
        assert_eq!(
            Counts {
                organisations: 1,
                ..hires
            }
            .check(),
            Ok(())
        );
        for (title, _, _) in ROLES {
            let group = staff_group_of(title);
            assert!(
                crate::domain::employment::STAFF_GROUPS.contains(&group),
                "{title}"
            );
        }
        for reason in LEAVING_REASONS {
            assert!(leaving_weight(reason.code) < 20);
        }
        assert_eq!(leaving_weight("employee_transfer"), 0);
    }

    #[test]
    fn five_percent_are_open_by_default() {
        assert_eq!(default_open(10_000), 500);
        assert_eq!(default_open(0), 0);
        assert_eq!(default_open(9), 0);
        assert_eq!(default_open(10), 1);
        assert_eq!(default_open(30), 2);
    }

    #[test]
    fn spread_shares_evenly_within_caps_or_says_it_cannot() {
        assert_eq!(spread(10, &[5, 5]), Some(vec![5, 5]));
        assert_eq!(spread(9, &[100, 1, 100]), Some(vec![4, 1, 4]));
        assert_eq!(spread(0, &[3, 3]), Some(vec![0, 0]));
        assert_eq!(spread(11, &[5, 5]), None);
        assert_eq!(spread(1, &[]), None);
        let caps: Vec<u64> = (0..1000).map(|i| if i % 3 == 0 { 4 } else { 50 }).collect();
        let shares = spread(20_000, &caps).unwrap();
        assert_eq!(shares.iter().sum::<u64>(), 20_000);
        assert!(shares.iter().zip(&caps).all(|(s, c)| s <= c));
    }

    #[test]
    fn every_path_starts_as_a_draft_moves_only_as_allowed_and_ends_at_its_stage() {
        for target in Stage::ALL {
            for from in Stage::ALL {
                let path = path_to(target, from);
                assert_eq!(path.first(), Some(&Stage::Draft));
                assert_eq!(path.last(), Some(&target));
                for pair in path.windows(2) {
                    assert!(can_move(pair[0], pair[1]), "{target:?} via {pair:?}");
                }
            }
        }
        assert_eq!(
            path_to(Stage::Withdrawn, Stage::Draft),
            vec![Stage::Draft, Stage::Withdrawn]
        );
        assert_eq!(
            path_to(Stage::NotShortlisted, Stage::Draft),
            vec![
                Stage::Draft,
                Stage::Submitted,
                Stage::Shortlisting,
                Stage::NotShortlisted
            ]
        );
    }

    #[test]
    fn stage_weights_only_name_reachable_stages() {
        let mut rng = StdRng::seed_from_u64(3);
        let seen: HashSet<Stage> = (0..1000)
            .map(|_| weighted(&mut rng, &OPEN_STAGES))
            .collect();
        assert_eq!(seen.len(), 3);
        for (stage, _) in OPEN_STAGES {
            assert!(
                matches!(stage, Stage::Draft | Stage::Submitted | Stage::Withdrawn),
                "an open vacancy's applications are not yet shortlisted"
            );
        }
    }

    #[test]
    fn a_lead_password_needs_a_shortlisting_vacancy() {
        let password =
            NewPassword::parse("correct-horse-battery", "correct-horse-battery", "").unwrap();
        let counts = Counts {
            organisations: 1,
            vacancies: 0,
            open: 0,
            applicants: 5,
            applications: 0,
            shortlisting_applications: 0,
            hires: 0,
        };
        let options = Options {
            counts,
            seed: None,
            lead_password: Some(password),
        };
        assert_eq!(
            options.check(),
            Err(LEAD_PASSWORD_NEEDS_SHORTLISTING.to_owned())
        );
        let options = Options {
            counts: Counts {
                shortlisting_applications: 5,
                ..counts
            },
            ..options
        };
        assert_eq!(options.check(), Ok(()));
    }
}
