//! `spectra seed-synthetic`: fills a database with realistic random data, quickly, for load
//! tests and benchmarks (docs/BENCHMARKS.md).
//!
//! Everything it makes is marked as synthetic: users' emails are at [`EMAIL_DOMAIN`] (a domain
//! reserved by RFC 2606, so no email can ever reach anyone), and organisations' and programmes'
//! names start with [`NAME_PREFIX`]. It refuses to touch a database that holds anything else,
//! so made-up people never mix with real ones. Run again on a synthetic database, it adds more.
//!
//! Rows are built in memory with their IDs chosen up front (after the highest in each table,
//! with the tables locked on Postgres), then written with multi-row INSERTs in batches that stay
//! under SQLite's and Postgres's bound-parameter limits, all in one transaction: either
//! everything is added or nothing is.
//!
//! With `--shortlisting-applications N` it also adds one closed vacancy of the first new
//! organisation, with N sent applications being shortlisted: a panel of three of the
//! organisation's hiring managers (its usual manager leads; two more are added), their scores,
//! some of the lead's final scores and a few decisions, as the shortlisting pages would have
//! made them. Those rows come after all the others, so a seed gives the same data with or
//! without them. `--lead-password-stdin` sets that lead's password, so a benchmark can sign in
//! as them; every other synthetic user keeps a password nobody knows.
//!
//! Hires are consistent: every application at conditional offer, checks complete or started has
//! its accepted offer (never more than the vacancy's positions) and its pre-employment checks,
//! and every started one its employment record with its four checkpoints. `--hires N` adds N
//! more employment records, started over the last five years across the new organisations
//! (hired before the service kept applications, or existing staff brought in from ESR), with
//! leavers and moves drawn at [`LEFT_PER_YEAR`] and [`MOVED_PER_YEAR`], and the checkpoints
//! that fell due recorded, a few of them overdue. These come from a random generator of their
//! own, so a seed gives the same applications with or without them.

use std::cell::Cell;
use std::time::{Duration as StdDuration, Instant};

use anyhow::{Context, bail};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend,
    EntityTrait, Iterable, PaginatorTrait, QueryFilter, Statement, TransactionTrait,
};
use time::{Date, Duration, OffsetDateTime, Time};

use crate::auth::password;
use crate::db;
use crate::domain::application::{self, Stage};
use crate::domain::employment::{
    CHECKPOINT_MONTHS, CheckpointOutcome, EndKind, LEAVING_REASONS, Route, checkpoint_due,
};
use crate::domain::london_time;
use crate::domain::offer::{CheckStatus, checks_for};
use crate::domain::profile::CareExperience;
use crate::domain::shortlisting::{Minimum, Score, minimum};
use crate::domain::vacancy::{FlexibleReferences, ReferenceType, VacancyKind, VacancyStatus};
use crate::domain::{NewPassword, Role};
use crate::entities::{
    applicant_profile, application as application_entity, application_answer, application_referee,
    application_stage_change, employment_checkpoint, employment_record, final_score, invitation,
    offer, offer_check, organisation, panel_member, programme, shortlist_decision, shortlist_score,
    user, user_role, vacancy, vacancy_criterion,
};

/// The domain of every synthetic user's email (reserved: it can never receive mail).
pub const EMAIL_DOMAIN: &str = "synthetic.invalid";

/// How every synthetic organisation's and programme's name starts.
pub const NAME_PREFIX: &str = "Synthetic ";

/// Most bound parameters in one statement: SQLite allows 32,766, Postgres 65,535.
pub const MAX_PARAMETERS: usize = 32_766;

/// How many rows of `columns` columns fit in one INSERT without passing [`MAX_PARAMETERS`].
pub fn rows_per_batch(columns: usize) -> usize {
    (MAX_PARAMETERS / columns.max(1)).max(1)
}

/// Whether an email address is a synthetic user's.
pub fn is_synthetic_email(email: &str) -> bool {
    email
        .strip_suffix(EMAIL_DOMAIN)
        .is_some_and(|local| local.ends_with('@') && local.len() > 1)
}

/// Whether an organisation's or programme's name is a synthetic one.
pub fn is_synthetic_name(name: &str) -> bool {
    name.starts_with(NAME_PREFIX) && name.len() > NAME_PREFIX.len()
}

/// A synthetic user's email: `applicant12@synthetic.invalid`.
pub fn synthetic_email(kind: &str, number: u64) -> String {
    format!("{kind}{number}@{EMAIL_DOMAIN}")
}

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

#[rustfmt::skip]
const FIRST_NAMES: [&str; 40] = [
    "Aaliyah", "Adam", "Amelia", "Archie", "Ava", "Ben", "Bethany", "Callum", "Charlie", "Chloe",
    "Connor", "Daisy", "Dylan", "Ella", "Ethan", "Evie", "Faith", "Freddie", "Grace", "Harvey",
    "Isla", "Jack", "Jade", "Jayden", "Kai", "Keira", "Leah", "Liam", "Lily", "Mason", "Mia",
    "Nathan", "Niamh", "Noah", "Olivia", "Reece", "Ruby", "Ryan", "Sophie", "Tyler",
];

#[rustfmt::skip]
const LAST_NAMES: [&str; 40] = [
    "Ahmed", "Ali", "Bailey", "Barnes", "Brennan", "Carroll", "Chen", "Clarke", "Connolly",
    "Davies", "Doyle", "Edwards", "Evans", "Fitzgerald", "Gallagher", "Green", "Hughes", "Jones",
    "Kaur", "Kelly", "Khan", "Lewis", "McCarthy", "Mensah", "Murphy", "Nolan", "Okafor", "Owen",
    "Patel", "Quinn", "Roberts", "Ryan", "Singh", "Smith", "Taylor", "Thomas", "Walsh", "Ward",
    "Williams", "Wright",
];

/// A random full name.
pub fn person_name(rng: &mut impl Rng) -> String {
    format!("{} {}", pick(rng, &FIRST_NAMES), pick(rng, &LAST_NAMES))
}

const PLACES: [&str; 12] = [
    "Mersey Valley",
    "Wirral Coast",
    "Dee Estuary",
    "Ribble Bank",
    "Weaver Vale",
    "Sefton Shore",
    "Halton Bridge",
    "Cheshire Plain",
    "Knowsley Park",
    "Runcorn Gap",
    "Formby Dunes",
    "Delamere Forest",
];

const ORGANISATION_KINDS: [&str; 6] = [
    "Teaching Hospitals NHS FT",
    "Community Health NHS Trust",
    "Children's NHS FT",
    "Mental Health NHS FT",
    "Acute Hospitals NHS Trust",
    "Primary Care Partnership",
];

/// The name of the `index`th synthetic organisation; different for every index.
pub fn organisation_name(index: u64) -> String {
    let places = PLACES.len() as u64;
    let kinds = ORGANISATION_KINDS.len() as u64;
    let place = PLACES
        .get(usize::try_from(index % places).unwrap_or(0))
        .copied()
        .unwrap_or_default();
    let kind = ORGANISATION_KINDS
        .get(usize::try_from(index / places % kinds).unwrap_or(0))
        .copied()
        .unwrap_or_default();
    let round = index / (places * kinds);
    if round == 0 {
        format!("{NAME_PREFIX}{place} {kind}")
    } else {
        format!("{NAME_PREFIX}{place} {kind} {}", round + 1)
    }
}

/// Job titles with their kind and the bands they are advertised at.
const ROLES: [(&str, VacancyKind, &[&str]); 26] = [
    ("Healthcare support worker", VacancyKind::Job, &["2", "3"]),
    (
        "Healthcare support worker apprentice",
        VacancyKind::Apprenticeship,
        &["2"],
    ),
    ("Porter", VacancyKind::Job, &["2"]),
    ("Domestic assistant", VacancyKind::Job, &["2"]),
    ("Catering assistant", VacancyKind::Job, &["2"]),
    ("Administrative assistant", VacancyKind::Job, &["2", "3"]),
    (
        "Business administration apprentice",
        VacancyKind::Apprenticeship,
        &["2", "3"],
    ),
    ("Ward clerk", VacancyKind::Job, &["2", "3"]),
    ("Receptionist", VacancyKind::Job, &["2", "3"]),
    ("Medical secretary", VacancyKind::Job, &["3", "4"]),
    (
        "Pharmacy assistant apprentice",
        VacancyKind::Apprenticeship,
        &["2", "3"],
    ),
    ("Phlebotomist", VacancyKind::Job, &["3"]),
    ("Physiotherapy assistant", VacancyKind::Job, &["3"]),
    (
        "Occupational therapy support worker",
        VacancyKind::Job,
        &["3", "4"],
    ),
    (
        "Estates maintenance apprentice",
        VacancyKind::Apprenticeship,
        &["3"],
    ),
    ("IT service desk analyst", VacancyKind::Job, &["4", "5"]),
    ("Finance assistant", VacancyKind::Job, &["3", "4"]),
    (
        "People team apprentice",
        VacancyKind::Apprenticeship,
        &["3"],
    ),
    ("Nursing associate", VacancyKind::Job, &["4"]),
    ("Staff nurse", VacancyKind::Job, &["5"]),
    ("Data analyst", VacancyKind::Job, &["5", "6"]),
    ("Ward manager", VacancyKind::Job, &["7"]),
    ("Service manager", VacancyKind::Job, &["8a", "8b"]),
    ("Head of workforce", VacancyKind::Job, &["8c", "8d"]),
    (
        "Work experience placement: ward support",
        VacancyKind::Placement,
        &["2"],
    ),
    (
        "Work experience placement: hospital pharmacy",
        VacancyKind::Placement,
        &["2", "3"],
    ),
];

pub(crate) fn salary(band: &str) -> &'static str {
    match band {
        "2" => "£24,465 a year",
        "3" => "£24,937 to £26,598 a year",
        "4" => "£27,485 to £30,162 a year",
        "5" => "£31,049 to £37,796 a year",
        "6" => "£38,682 to £46,580 a year",
        "7" => "£47,810 to £54,710 a year",
        "8a" => "£55,690 to £62,682 a year",
        "8b" => "£64,455 to £75,405 a year",
        "8c" => "£77,045 to £88,682 a year",
        "8d" => "£91,342 to £105,337 a year",
        _ => "£109,179 to £125,637 a year",
    }
}

const TOWNS: [&str; 14] = [
    "Liverpool",
    "Birkenhead",
    "Chester",
    "Warrington",
    "Southport",
    "St Helens",
    "Crewe",
    "Macclesfield",
    "Widnes",
    "Runcorn",
    "Ormskirk",
    "Wallasey",
    "Huyton",
    "Ellesmere Port",
];

const SITES: [&str; 6] = [
    "General Hospital",
    "Community Health Centre",
    "Children's Centre",
    "Treatment Centre",
    "Headquarters",
    "Mental Health Unit",
];

const JOB_PATTERNS: [&str; 5] = [
    "37.5 hours a week, Monday to Friday",
    "37.5 hours a week, shifts including nights and weekends",
    "30 hours a week, days, flexible",
    "22.5 hours a week, term time only",
    "37.5 hours a week, days, with some weekends",
];

const APPRENTICESHIP_PATTERNS: [&str; 2] = [
    "37.5 hours a week, one day a week at college",
    "30 hours a week plus one day a week at college",
];

const PLACEMENT_PATTERNS: [&str; 2] = ["Full time for 6 weeks", "Two days a week for 12 weeks"];

const SUMMARIES: [&str; 6] = [
    "Join a friendly team and help patients feel safe and looked after.",
    "Keep the hospital running smoothly while you learn new skills with full training.",
    "Support the team behind the scenes so that clinicians can spend more time with patients.",
    "Start your NHS career with a mentor, a qualification and a clear route to promotion.",
    "Help families through their visit, from the first phone call to the way home.",
    "Use your organisation and people skills in a busy, welcoming department.",
];

const DESCRIPTION_PARAGRAPHS: [&str; 8] = [
    "You will work alongside experienced colleagues who will show you how everything is done. Nobody is expected to know it all on day one.",
    "We will give you a full induction, a named mentor and protected time for training. Many of our team started in posts like this one.",
    "The work is varied: no two days are the same. You will talk to patients, families and staff, and you will need to stay calm when things get busy.",
    "We welcome applications from people with experience of the care system. You can get support with your application from the named contact.",
    "You will be paid from your first day, including for training days, and you will join the NHS Pension Scheme.",
    "We can make reasonable adjustments at every stage, from the interview to your working pattern. Tell us what helps you.",
    "You will be part of a team that cares about each other as much as about the people we look after.",
    "There is free parking on site and good bus links. We can help with travel costs for your first month.",
];

const ESSENTIAL_CRITERIA: [&str; 10] = [
    "Kind and patient with people",
    "Willing to learn new skills",
    "Able to work as part of a team",
    "Reliable and on time",
    "Good with people on the phone and face to face",
    "Able to use a computer for email and typing",
    "Able to follow instructions and ask for help when unsure",
    "Calm when things are busy",
    "Respectful of people's privacy",
    "Able to keep simple written records",
];

const DESIRABLE_CRITERIA: [&str; 6] = [
    "Some caring experience, paid or unpaid",
    "Experience of customer service",
    "A first aid certificate",
    "Experience of volunteering",
    "Some experience in a hospital or care home",
    "A full driving licence",
];

/// Entry requirements of apprenticeships, with the adjustments made, as managers write them.
const ENTRY_REQUIREMENTS: [&str; 4] = [
    "No GCSEs needed: you can take Functional Skills English and maths during the apprenticeship.",
    "You do not need any qualifications to start.\nWe will help you with English and maths at work, in work time.",
    "No work history needed. Caring for family or volunteering counts.\nFunctional Skills English and maths are part of the apprenticeship if you need them.",
    "You need to be 16 or over.\nIf you do not have GCSE English and maths, you can study for them with us.",
];

const CONTACT_ROLES: [&str; 5] = [
    "Ward manager",
    "Recruiting manager",
    "Team leader",
    "Department manager",
    "Practice educator",
];

const LOCAL_AUTHORITIES: [&str; 9] = [
    "Liverpool City Council",
    "Wirral Council",
    "Sefton Council",
    "Knowsley Council",
    "St Helens Council",
    "Cheshire West and Chester Council",
    "Cheshire East Council",
    "Warrington Borough Council",
    "Halton Borough Council",
];

const ADJUSTMENTS: [&str; 5] = [
    "I am dyslexic. Questions in writing before the interview help me.",
    "I have ADHD. A quiet room and short breaks help me.",
    "I use a wheelchair. Please make sure the interview room is accessible.",
    "I have anxiety. Knowing who will be on the panel beforehand helps me.",
    "I am autistic. Clear, direct questions help me.",
];

const WITHDRAWAL_REASONS: [&str; 4] = [
    "I have accepted another job.",
    "The hours do not fit with my college course.",
    "I have moved out of the area.",
    "",
];

const EVIDENCE: [&str; 4] = [
    "I looked after my younger brother for two years, making sure he got to school on time and had his tea.",
    "At college I worked in a group of four on a project and I made sure everyone knew what to do.",
    "I volunteered at a food bank on Saturdays, talking to people and packing parcels.",
    "In my part-time job in a shop I dealt with customers every day, including some who were upset.",
];

const REFEREE_RELATIONSHIPS: [&str; 4] = [
    "My personal adviser for three years",
    "My college tutor",
    "My manager at my Saturday job",
    "The coordinator where I volunteer",
];

/// The shortlisting vacancy's criteria: how many essential, then how many desirable.
const SHORTLISTING_CRITERIA: (usize, usize) = (3, 2);

/// How well an application shows a criterion (a score from 0 to 3), and how common each is.
const STANDING: [(i16, u32); 4] = [(0, 8), (1, 22), (2, 45), (3, 25)];

/// How far a panel member's score is from the application's standing, and how often.
const SCORE_NOISE: [(i16, u32); 3] = [(-1, 15), (0, 70), (1, 15)];

/// How likely each panel member is to have scored an application.
const SCORED_BY_EACH: f64 = 0.85;

/// How likely the lead is to have set final scores for an application the whole panel scored.
const FINALS_SET: f64 = 0.35;

/// How likely the lead is to have decided on an application with final scores, when the rule
/// has not already invited it automatically.
const DECIDED: f64 = 0.3;

const SCORE_NOTES: [&str; 5] = [
    "Clear example with the result explained.",
    "Good start but says little about what they did themselves.",
    "No example given.",
    "Strong answer, well structured.",
    "Relevant, though the example is from a while ago.",
];

/// Feedback for declining an application in the guaranteed interview scheme: at least the
/// 50 words the rule asks for.
const SCHEME_FEEDBACK: &str = "Thank you for applying. Your answers showed that you care about people, but they did not yet show the essential criteria with real examples. Next time, for each criterion describe one thing you did yourself, at school, in a job, volunteering or caring for someone, what happened and what you learned. Your personal adviser or our named contact can help you prepare.";

const FEEDBACK: [&str; 3] = [
    "",
    "Thank you for applying. Other applicants showed the essential criteria more clearly.",
    "Your answers did not give examples of working in a team. Try to include one next time.",
];

/// Application stages of an open vacancy's applications, and how common each is.
const OPEN_STAGES: [(Stage, u32); 3] = [
    (Stage::Draft, 20),
    (Stage::Submitted, 72),
    (Stage::Withdrawn, 8),
];

/// Application stages of a closed vacancy's applications, and how common each is.
const CLOSED_STAGES: [(Stage, u32); 12] = [
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
const WITHDRAWN_FROM: [(Stage, u32); 6] = [
    (Stage::Draft, 20),
    (Stage::Submitted, 40),
    (Stage::Shortlisting, 15),
    (Stage::InvitedToInterview, 10),
    (Stage::InterviewBooked, 10),
    (Stage::ConditionalOffer, 5),
];

/// One in this many submitted applications gets evidence and referee rows.
const WITH_DETAILS_ONE_IN: u32 = 20;

/// Of a year's headcount, the share who leave NHS employment: the hazard of leaving.
pub const LEFT_PER_YEAR: f64 = 0.15;

/// Of a year's headcount, the share who move to another NHS organisation.
pub const MOVED_PER_YEAR: f64 = 0.05;

/// How far back `--hires` start: five years.
const HIRES_OVER_DAYS: i64 = 5 * 365;

/// Of `--hires`, the share of existing staff brought in from ESR; the rest are SPECTRA hires.
const ESR_SHARE: f64 = 0.25;

/// Of `--hires` hired through SPECTRA, the share hired under a programme.
const PROGRAMME_SHARE: f64 = 0.6;

/// How likely a checkpoint that fell due in the last 14 days is to be still unrecorded.
const RECENTLY_DUE_UNRECORDED: f64 = 0.5;

/// How likely an older checkpoint is to be still unrecorded: overdue.
const OVERDUE_UNRECORDED: f64 = 0.03;

/// ESR assignment numbers of synthetic staff: eight digits from here, then the assignment.
const ASSIGNMENT_BASE: i64 = 30_000_000;

/// Where people who moved within the NHS went.
pub const NHS_TRUSTS: [&str; 10] = [
    "Wirral University Teaching Hospital NHS FT",
    "Countess of Chester Hospital NHS FT",
    "Warrington and Halton Teaching Hospitals NHS FT",
    "Mersey and West Lancashire Teaching Hospitals NHS Trust",
    "Bridgewater Community Healthcare NHS FT",
    "Cheshire and Wirral Partnership NHS FT",
    "Mid Cheshire Hospitals NHS FT",
    "East Cheshire NHS Trust",
    "Manchester University NHS FT",
    "North West Ambulance Service NHS Trust",
];

/// How common each ESR leaving reason is among leavers (by its code's start): resignations
/// most, then the ends of fixed terms; no retirements or deaths among young care leavers.
fn leaving_weight(code: &str) -> u32 {
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

/// The ESR staff group of a synthetic job title.
pub fn staff_group_of(title: &str) -> &'static str {
    match title {
        "Healthcare support worker"
        | "Healthcare support worker apprentice"
        | "Phlebotomist"
        | "Physiotherapy assistant"
        | "Occupational therapy support worker"
        | "Nursing associate" => "Additional Clinical Services",
        "Porter"
        | "Domestic assistant"
        | "Catering assistant"
        | "Estates maintenance apprentice" => "Estates and Ancillary",
        "Pharmacy assistant apprentice" => "Add Prof Scientific and Technic",
        "Staff nurse" | "Ward manager" => "Nursing and Midwifery Registered",
        t if t.starts_with("Work experience placement") => "Students",
        _ => "Administrative and Clerical",
    }
}

/// The instant of `hour` o'clock in London on `date`.
fn at_london(date: Date, hour: u8) -> OffsetDateTime {
    let time = Time::from_hms(hour, 0, 0).unwrap_or(Time::MIDNIGHT);
    london_time::to_utc(time::PrimitiveDateTime::new(date, time))
}

fn pick<'a, T>(rng: &mut impl Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn weighted<T: Copy>(rng: &mut impl Rng, choices: &[(T, u32)]) -> T {
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

fn seconds(rng: &mut impl Rng, from: Duration, to: Duration) -> Duration {
    let (low, high) = (from.whole_seconds(), to.whole_seconds());
    Duration::seconds(if high > low {
        rng.random_range(low..high)
    } else {
        low
    })
}

fn drama_phone(rng: &mut impl Rng, mobile: bool) -> String {
    // Ofcom keeps these ranges for drama: they are never anyone's number.
    if mobile {
        format!("07700 900{:03}", rng.random_range(0..1000))
    } else {
        format!("0151 496 0{:03}", rng.random_range(0..1000))
    }
}

/// Hands out IDs after the highest in a table.
#[derive(Debug)]
struct Ids(i64);

impl Ids {
    fn next(&mut self) -> anyhow::Result<i32> {
        self.0 += 1;
        i32::try_from(self.0).context("IDs would pass the largest the table can hold")
    }

    fn next_big(&mut self) -> i64 {
        self.0 += 1;
        self.0
    }
}

/// Rows waiting to be written in one multi-row INSERT.
struct Batch<A: ActiveModelTrait> {
    rows: Vec<A>,
    size: usize,
    written: u64,
}

impl<A> Batch<A>
where
    A: ActiveModelTrait + Send,
{
    fn new() -> Self {
        let columns = <<A::Entity as EntityTrait>::Column as Iterable>::iter().count();
        let size = rows_per_batch(columns);
        Self {
            rows: Vec::with_capacity(size),
            size,
            written: 0,
        }
    }

    fn push(&mut self, row: A) {
        self.rows.push(row);
    }

    fn is_full(&self) -> bool {
        self.rows.len() >= self.size
    }

    /// Writes every waiting row, at most a batch's size in each INSERT (a batch may have
    /// grown past its size when one application added several rows).
    async fn flush(&mut self, db: &impl ConnectionTrait) -> anyhow::Result<()> {
        while !self.rows.is_empty() {
            let take = self.rows.len().min(self.size);
            let rows: Vec<A> = self.rows.drain(..take).collect();
            A::Entity::insert_many(rows)
                .exec_without_returning(db)
                .await?;
            self.written += take as u64;
        }
        Ok(())
    }
}

/// Tables written, in the order their rows refer to each other.
const TABLES: [&str; 19] = [
    "organisations",
    "users",
    "user_roles",
    "applicant_profiles",
    "programmes",
    "vacancies",
    "vacancy_criteria",
    "applications",
    "application_answers",
    "application_referees",
    "application_stage_changes",
    "panel_members",
    "shortlist_scores",
    "final_scores",
    "shortlist_decisions",
    "offers",
    "offer_checks",
    "employment_records",
    "employment_checkpoints",
];

/// Tables whose IDs are chosen here, so Postgres's sequences must be moved past them.
const ID_TABLES: [&str; 15] = [
    "organisations",
    "users",
    "programmes",
    "vacancies",
    "vacancy_criteria",
    "applications",
    "application_answers",
    "application_referees",
    "application_stage_changes",
    "panel_members",
    "shortlist_scores",
    "final_scores",
    "offer_checks",
    "employment_records",
    "employment_checkpoints",
];

async fn max_id(db: &impl ConnectionTrait, table: &str) -> anyhow::Result<i64> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS m FROM {table}"),
        ))
        .await?
        .context("MAX(id) returned no row")?;
    Ok(row.try_get::<i64>("", "m")?)
}

async fn census(db: &impl ConnectionTrait) -> anyhow::Result<Census> {
    let email_pattern = format!("%@{EMAIL_DOMAIN}");
    let name_pattern = format!("{NAME_PREFIX}%");
    let synthetic_organisations = Query::select()
        .column(organisation::Column::Id)
        .from(organisation::Entity)
        .and_where(organisation::Column::Name.like(name_pattern.as_str()))
        .to_owned();
    let synthetic_users = Query::select()
        .column(user::Column::Id)
        .from(user::Entity)
        .and_where(user::Column::Email.like(email_pattern.as_str()))
        .to_owned();
    Ok(Census {
        users: user::Entity::find()
            .filter(user::Column::Email.not_like(email_pattern.as_str()))
            .count(db)
            .await?,
        organisations: organisation::Entity::find()
            .filter(organisation::Column::Name.not_like(name_pattern.as_str()))
            .count(db)
            .await?,
        programmes: programme::Entity::find()
            .filter(programme::Column::Name.not_like(name_pattern.as_str()))
            .count(db)
            .await?,
        vacancies: vacancy::Entity::find()
            .filter(
                Condition::any()
                    .add(vacancy::Column::OrganisationId.not_in_subquery(synthetic_organisations))
                    .add(vacancy::Column::CreatedBy.not_in_subquery(synthetic_users)),
            )
            .count(db)
            .await?,
        invitations: invitation::Entity::find()
            .filter(invitation::Column::Email.not_like(email_pattern.as_str()))
            .count(db)
            .await?,
    })
}

async fn count_users_like(db: &impl ConnectionTrait, kind: &str) -> anyhow::Result<u64> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.like(format!("{kind}%@{EMAIL_DOMAIN}").as_str()))
        .count(db)
        .await?)
}

/// What a run added, and how fast.
#[derive(Clone, Debug)]
pub struct Report {
    /// Rows inserted, in every table.
    pub rows: u64,
    /// Applications inserted, the shortlisting vacancy's included.
    pub applications: u64,
    /// Employment records inserted: the started applications' and `--hires`.
    pub employments: u64,
    /// Time from the start to the commit.
    pub elapsed: StdDuration,
    /// The random generator's seed, to repeat the run.
    pub seed: u64,
    /// The vacancy being shortlisted, when one was asked for.
    pub shortlisting: Option<ShortlistingReport>,
}

/// The vacancy added for `--shortlisting-applications`, and what its panel has done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShortlistingReport {
    /// The vacancy's ID: its board is at `/shortlisting/{vacancy_id}`.
    pub vacancy_id: i32,
    /// The email of the panel's lead (the organisation's usual hiring manager).
    pub lead_email: String,
    /// The emails of the two other panel members, added for it.
    pub member_emails: Vec<String>,
    /// The vacancy's criteria.
    pub criteria: u64,
    /// Sent applications.
    pub applications: u64,
    /// Panel members' scores, one per criterion.
    pub scores: u64,
    /// The lead's final scores, one per criterion.
    pub finals: u64,
    /// Decisions recorded.
    pub decisions: u64,
}

impl Report {
    /// Rows a second.
    pub fn rows_per_second(&self) -> f64 {
        self.rows as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Applications a minute.
    pub fn applications_per_minute(&self) -> f64 {
        self.applications as f64 * 60.0 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// A manager's organisation, as the later rows need it.
struct Org {
    id: i32,
    manager_id: i32,
    manager_name: String,
    manager_email: String,
}

/// An applicant, as their applications need them.
struct Applicant {
    id: i32,
    care: CareExperience,
}

/// A vacancy, as its applications need it.
struct Vac {
    id: i32,
    organisation: usize,
    organisation_id: i32,
    title: &'static str,
    kind: VacancyKind,
    band: &'static str,
    programme_id: Option<i32>,
    positions: i32,
    /// Offers accepted so far: never more than the positions.
    accepted: Cell<i32>,
    ring_fenced: bool,
    open: bool,
    care_definition: Option<String>,
    published_at: OffsetDateTime,
    /// When it stopped taking applications: its closing time, when it was closed, or now.
    ended_at: OffsetDateTime,
    criteria: Vec<i32>,
    references: Vec<ReferenceType>,
}

/// Checks the database holds only synthetic data, then adds the rows `options` asks for.
pub async fn seed(db: &DatabaseConnection, options: &Options) -> anyhow::Result<Report> {
    let counts = options.counts;
    options.check().map_err(anyhow::Error::msg)?;
    let started = Instant::now();
    let seed = options.seed.unwrap_or_else(|| rand::rng().random());
    let mut rng = StdRng::seed_from_u64(seed);
    // Offers, checks and employment come from a generator of their own, so that the
    // applications a seed gives do not depend on them.
    let extra = StdRng::seed_from_u64(seed ^ 0x9e37_79b9_7f4a_7c15);

    // One hash of a random password nobody is told: nobody can sign in as a synthetic user.
    let secret: String = (&mut rng)
        .sample_iter(rand::distr::Alphanumeric)
        .take(32)
        .map(char::from)
        .collect();
    let secret = NewPassword::parse(&secret, &secret, "").map_err(|(_, m)| anyhow::anyhow!(m))?;
    let password_hash = password::hash(&password::HashGate::for_tools(), &secret).await?;
    let lead_password_hash = match &options.lead_password {
        Some(lead_password) => {
            Some(password::hash(&password::HashGate::for_tools(), lead_password).await?)
        }
        None => None,
    };

    let txn = db.begin().await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared(&format!(
            "LOCK TABLE {}, invitations IN EXCLUSIVE MODE",
            TABLES.join(", ")
        ))
        .await?;
    }
    if let Some(reason) = refusal(&census(&txn).await?) {
        bail!(reason);
    }
    let now = db::now();
    let mut seeder = Seeder {
        rng,
        extra,
        now,
        today: london_time::from_utc(now).date(),
        password_hash,
        organisations: Ids(max_id(&txn, "organisations").await?),
        users: Ids(max_id(&txn, "users").await?),
        programmes: Ids(max_id(&txn, "programmes").await?),
        vacancies: Ids(max_id(&txn, "vacancies").await?),
        criteria: Ids(max_id(&txn, "vacancy_criteria").await?),
        applications: Ids(max_id(&txn, "applications").await?),
        answers: Ids(max_id(&txn, "application_answers").await?),
        referees: Ids(max_id(&txn, "application_referees").await?),
        stage_changes: Ids(max_id(&txn, "application_stage_changes").await?),
        panel_members: Ids(max_id(&txn, "panel_members").await?),
        scores: Ids(max_id(&txn, "shortlist_scores").await?),
        finals: Ids(max_id(&txn, "final_scores").await?),
        offer_checks: Ids(max_id(&txn, "offer_checks").await?),
        employments: Ids(max_id(&txn, "employment_records").await?),
        checkpoints: Ids(max_id(&txn, "employment_checkpoints").await?),
        employments_written: 0,
        rows: 0,
    };
    println!("Seeding synthetic data (seed {seed}; pass --seed {seed} to repeat it)");
    let organisations = seeder.organisations(&txn, counts.organisations).await?;
    let applicants = seeder.applicants(&txn, counts.applicants).await?;
    let vacancies = seeder
        .vacancies(&txn, &organisations, counts.vacancies, counts.open)
        .await?;
    let applications = seeder
        .applications(
            &txn,
            &organisations,
            &applicants,
            &vacancies,
            counts.applications,
        )
        .await?;
    let shortlisting = seeder
        .shortlisting(
            &txn,
            &organisations,
            &applicants,
            counts.shortlisting_applications,
            lead_password_hash,
        )
        .await?;
    seeder.hires(&txn, &organisations, counts.hires).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        for table in ID_TABLES {
            txn.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table} \
                 HAVING MAX(id) IS NOT NULL"
            ))
            .await?;
        }
    }
    println!("  committing");
    txn.commit().await?;
    if db.get_database_backend() == DbBackend::Postgres {
        // Fresh statistics, so the planner sees the tables as they now are, as it would after
        // autovacuum's next visit.
        println!("  analysing");
        db.execute_unprepared(&format!("ANALYZE {}", TABLES.join(", ")))
            .await?;
    }
    Ok(Report {
        rows: seeder.rows,
        applications: applications + shortlisting.as_ref().map_or(0, |s| s.applications),
        employments: seeder.employments_written,
        elapsed: started.elapsed(),
        seed,
        shortlisting,
    })
}

/// The state of one run: the random generator, the next IDs, and rows written so far.
struct Seeder {
    rng: StdRng,
    /// For offers, checks and employment.
    extra: StdRng,
    now: OffsetDateTime,
    /// Today in London.
    today: Date,
    password_hash: String,
    organisations: Ids,
    users: Ids,
    programmes: Ids,
    vacancies: Ids,
    criteria: Ids,
    applications: Ids,
    answers: Ids,
    referees: Ids,
    stage_changes: Ids,
    panel_members: Ids,
    scores: Ids,
    finals: Ids,
    offer_checks: Ids,
    employments: Ids,
    checkpoints: Ids,
    employments_written: u64,
    rows: u64,
}

impl Seeder {
    fn user(
        &mut self,
        id: i32,
        email: String,
        full_name: String,
        organisation_id: Option<i32>,
    ) -> user::ActiveModel {
        let created = self.now - seconds(&mut self.rng, Duration::days(1), Duration::days(700));
        user::ActiveModel {
            id: Set(id),
            email: Set(email),
            full_name: Set(full_name),
            password_hash: Set(self.password_hash.clone()),
            email_verified_at: Set(Some(created + Duration::minutes(5))),
            is_active: Set(true),
            organisation_id: Set(organisation_id),
            created_at: Set(created),
            updated_at: Set(created),
            deleted_at: Set(None),
        }
    }

    fn role(&self, user_id: i32, role: Role) -> user_role::ActiveModel {
        user_role::ActiveModel {
            user_id: Set(user_id),
            role: Set(role.as_str().to_owned()),
            granted_at: Set(self.now),
        }
    }

    /// Organisations, each with one hiring manager.
    async fn organisations(
        &mut self,
        db: &impl ConnectionTrait,
        count: u32,
    ) -> anyhow::Result<Vec<Org>> {
        let existing = organisation::Entity::find()
            .filter(organisation::Column::Name.like(format!("{NAME_PREFIX}%").as_str()))
            .count(db)
            .await?;
        let managers_before = count_users_like(db, "manager").await?;
        let mut orgs = Batch::<organisation::ActiveModel>::new();
        let mut users = Batch::<user::ActiveModel>::new();
        let mut roles = Batch::<user_role::ActiveModel>::new();
        let mut out = Vec::new();
        for i in 0..u64::from(count) {
            let id = self.organisations.next()?;
            orgs.push(organisation::ActiveModel {
                id: Set(id),
                name: Set(organisation_name(existing + i)),
                // Synthetic codes start with X, which no real organisation's does.
                ods_code: Set(Some(format!("X{:04}", existing + i + 1))),
                created_at: Set(self.now - Duration::days(800)),
                deactivated_at: Set(None),
                updated_at: Set(None),
            });
            let manager_id = self.users.next()?;
            let email = synthetic_email("manager", managers_before + i + 1);
            let manager_name = person_name(&mut self.rng);
            users.push(self.user(manager_id, email.clone(), manager_name.clone(), Some(id)));
            roles.push(self.role(manager_id, Role::HiringManager));
            out.push(Org {
                id,
                manager_id,
                manager_name,
                manager_email: email,
            });
        }
        orgs.flush(db).await?;
        users.flush(db).await?;
        roles.flush(db).await?;
        self.rows += orgs.written + users.written + roles.written;
        println!(
            "  organisations: {} (with {} hiring managers)",
            orgs.written, users.written
        );
        Ok(out)
    }

    /// Applicants, with their role and profile.
    async fn applicants(
        &mut self,
        db: &impl ConnectionTrait,
        count: u32,
    ) -> anyhow::Result<Vec<Applicant>> {
        let before = count_users_like(db, "applicant").await?;
        let mut users = Batch::<user::ActiveModel>::new();
        let mut roles = Batch::<user_role::ActiveModel>::new();
        let mut profiles = Batch::<applicant_profile::ActiveModel>::new();
        let mut out = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
        for i in 0..u64::from(count) {
            let id = self.users.next()?;
            let name = person_name(&mut self.rng);
            let email = synthetic_email("applicant", before + i + 1);
            users.push(self.user(id, email, name, None));
            roles.push(self.role(id, Role::Applicant));
            let care = weighted(
                &mut self.rng,
                &[
                    (CareExperience::Yes, 60),
                    (CareExperience::No, 28),
                    (CareExperience::PreferNotToSay, 12),
                ],
            );
            let declared = care == CareExperience::Yes;
            let has_adviser = declared && self.rng.random_bool(0.6);
            profiles.push(applicant_profile::ActiveModel {
                user_id: Set(id),
                phone: Set(drama_phone(&mut self.rng, true)),
                contact_preference: Set((*pick(&mut self.rng, &["email", "phone", "text"])).into()),
                care_experience: Set(care.as_str().to_owned()),
                local_authority: Set(if declared {
                    (*pick(&mut self.rng, &LOCAL_AUTHORITIES)).to_owned()
                } else {
                    String::new()
                }),
                adviser_name: Set(if has_adviser {
                    person_name(&mut self.rng)
                } else {
                    String::new()
                }),
                adviser_contact: Set(if has_adviser {
                    drama_phone(&mut self.rng, false)
                } else {
                    String::new()
                }),
                adjustments: Set(if self.rng.random_bool(0.12) {
                    (*pick(&mut self.rng, &ADJUSTMENTS)).to_owned()
                } else {
                    String::new()
                }),
                updated_at: Set(self.now),
            });
            out.push(Applicant { id, care });
            if users.is_full() || profiles.is_full() || roles.is_full() {
                users.flush(db).await?;
                roles.flush(db).await?;
                profiles.flush(db).await?;
            }
        }
        users.flush(db).await?;
        roles.flush(db).await?;
        profiles.flush(db).await?;
        self.rows += users.written + roles.written + profiles.written;
        println!("  applicants: {} (with roles and profiles)", users.written);
        Ok(out)
    }

    /// The synthetic programmes, created on the first run.
    async fn programmes(
        &mut self,
        db: &impl ConnectionTrait,
    ) -> anyhow::Result<Vec<(i32, String)>> {
        let existing = programme::Entity::find()
            .filter(programme::Column::Name.like(format!("{NAME_PREFIX}%").as_str()))
            .all(db)
            .await?;
        if !existing.is_empty() {
            return Ok(existing
                .into_iter()
                .map(|p| (p.id, p.care_definition))
                .collect());
        }
        let mut batch = Batch::<programme::ActiveModel>::new();
        let mut out = Vec::new();
        for (name, definition, target) in [
            ("Care Leaver Pathway", "statutory_care_leaver", 25),
            ("Care Experienced Apprenticeships", "care_experienced", 40),
        ] {
            let id = self.programmes.next()?;
            let contact = person_name(&mut self.rng);
            batch.push(programme::ActiveModel {
                id: Set(id),
                name: Set(format!("{NAME_PREFIX}{name}")),
                description: Set(
                    "Synthetic programme for load testing: organisations working together to recruit care leavers."
                        .into(),
                ),
                target_hires: Set(target),
                care_definition: Set(definition.into()),
                contact_name: Set(contact),
                contact_role: Set("Programme lead".into()),
                contact_email: Set(synthetic_email("programme", u64::try_from(id).unwrap_or(0))),
                contact_phone: Set(drama_phone(&mut self.rng, false)),
                created_at: Set(self.now - Duration::days(800)),
                updated_at: Set(self.now - Duration::days(800)),
            });
            out.push((id, definition.to_owned()));
        }
        batch.flush(db).await?;
        self.rows += batch.written;
        Ok(out)
    }

    /// Vacancies, `open` of them open and the rest closed, with their criteria.
    async fn vacancies(
        &mut self,
        db: &impl ConnectionTrait,
        orgs: &[Org],
        count: u32,
        open: u32,
    ) -> anyhow::Result<Vec<Vac>> {
        if count == 0 {
            return Ok(Vec::new());
        }
        let programmes = self.programmes(db).await?;
        let total = usize::try_from(count).unwrap_or(0);
        let mut is_open = vec![false; total];
        for i in rand::seq::index::sample(&mut self.rng, total, usize::try_from(open).unwrap_or(0))
        {
            if let Some(flag) = is_open.get_mut(i) {
                *flag = true;
            }
        }
        let mut vacancies = Batch::<vacancy::ActiveModel>::new();
        let mut criteria = Batch::<vacancy_criterion::ActiveModel>::new();
        let mut out = Vec::with_capacity(total);
        for open in is_open {
            let id = self.vacancies.next()?;
            let organisation = self.rng.random_range(0..orgs.len());
            let Some(org) = orgs.get(organisation) else {
                bail!("vacancies need organisations");
            };
            let (title, kind, bands) = *pick(&mut self.rng, &ROLES);
            let band = *pick(&mut self.rng, bands);
            let ring_fenced = self.rng.random_bool(0.4);
            let programme = if self.rng.random_bool(if ring_fenced { 0.9 } else { 0.2 }) {
                Some(pick(&mut self.rng, &programmes).clone())
            } else {
                None
            };
            let rng = &mut self.rng;
            let (status, published_at, closes_at, updated_at, ended_at) = if open {
                let published = self.now - seconds(rng, Duration::hours(1), Duration::days(30));
                let closes = self.now + seconds(rng, Duration::hours(2), Duration::days(60));
                (
                    VacancyStatus::Published,
                    published,
                    closes,
                    published,
                    self.now,
                )
            } else if rng.random_bool(0.85) {
                let closes = self.now - seconds(rng, Duration::days(1), Duration::days(365));
                let published = closes - seconds(rng, Duration::days(14), Duration::days(42));
                (
                    VacancyStatus::Published,
                    published,
                    closes,
                    published,
                    closes,
                )
            } else {
                let published = self.now - seconds(rng, Duration::days(15), Duration::days(400));
                let closes = published + seconds(rng, Duration::days(14), Duration::days(42));
                let closed = published + seconds(rng, Duration::days(1), Duration::days(14));
                (VacancyStatus::Closed, published, closes, closed, closed)
            };
            // Ring-fenced and programme vacancies must accept every kind (DOMAIN.md §6).
            let references: Vec<ReferenceType> =
                if FlexibleReferences::required(ring_fenced, programme.is_some()).is_some()
                    || rng.random_bool(0.7)
                {
                    ReferenceType::ALL.to_vec()
                } else {
                    ReferenceType::ALL
                        .into_iter()
                        .filter(|r| *r == ReferenceType::PersonalAdviser || rng.random_bool(0.5))
                        .collect()
                };
            let n_criteria = rng.random_range(2..=6_usize);
            let n_essential = rng.random_range(1..=n_criteria.min(ESSENTIAL_CRITERIA.len()));
            let mut texts: Vec<(bool, &str)> =
                rand::seq::index::sample(rng, ESSENTIAL_CRITERIA.len(), n_essential)
                    .into_iter()
                    .filter_map(|i| ESSENTIAL_CRITERIA.get(i))
                    .map(|t| (true, *t))
                    .collect();
            texts.extend(
                rand::seq::index::sample(
                    rng,
                    DESIRABLE_CRITERIA.len(),
                    (n_criteria - n_essential).min(DESIRABLE_CRITERIA.len()),
                )
                .into_iter()
                .filter_map(|i| DESIRABLE_CRITERIA.get(i))
                .map(|t| (false, *t)),
            );
            let mut criterion_ids = Vec::with_capacity(texts.len());
            for (position, (essential, text)) in texts.into_iter().enumerate() {
                let criterion_id = self.criteria.next()?;
                criteria.push(vacancy_criterion::ActiveModel {
                    id: Set(criterion_id),
                    vacancy_id: Set(id),
                    essential: Set(essential),
                    position: Set(i32::try_from(position).unwrap_or(0)),
                    text: Set(text.to_owned()),
                });
                criterion_ids.push(criterion_id);
            }
            let rng = &mut self.rng;
            let town = *pick(rng, &TOWNS);
            let mut description = Vec::new();
            for i in rand::seq::index::sample(rng, DESCRIPTION_PARAGRAPHS.len(), 4) {
                description.extend(DESCRIPTION_PARAGRAPHS.get(i).copied());
            }
            let positions;
            vacancies.push(vacancy::ActiveModel {
                id: Set(id),
                organisation_id: Set(org.id),
                programme_id: Set(programme.as_ref().map(|p| p.0)),
                title: Set(title.to_owned()),
                kind: Set(kind.as_str().to_owned()),
                band: Set(band.to_owned()),
                working_pattern: Set((*pick(
                    rng,
                    match kind {
                        VacancyKind::Job => &JOB_PATTERNS[..],
                        VacancyKind::Apprenticeship => &APPRENTICESHIP_PATTERNS[..],
                        VacancyKind::Placement => &PLACEMENT_PATTERNS[..],
                    },
                ))
                .to_owned()),
                salary: Set(salary(band).to_owned()),
                location: Set(format!("{town} {}, {town}", pick(rng, &SITES))),
                // Drawn here, in the order it always was, so that a seed gives what it gave.
                positions: Set({
                    positions = weighted(rng, &[(1, 60), (2, 25), (3, 10), (5, 5)]);
                    positions
                }),
                closes_at: Set(closes_at),
                ring_fenced: Set(ring_fenced),
                summary: Set((*pick(rng, &SUMMARIES)).to_owned()),
                description: Set(description.join("\n\n")),
                entry_requirements: Set(match kind {
                    VacancyKind::Apprenticeship => (*pick(rng, &ENTRY_REQUIREMENTS)).to_owned(),
                    VacancyKind::Job | VacancyKind::Placement => String::new(),
                }),
                reference_options: Set(references
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(",")),
                contact_name: Set(org.manager_name.clone()),
                contact_role: Set((*pick(rng, &CONTACT_ROLES)).to_owned()),
                contact_email: Set(org.manager_email.clone()),
                contact_phone: Set(drama_phone(rng, false)),
                status: Set(status.as_str().to_owned()),
                created_by: Set(org.manager_id),
                published_at: Set(Some(published_at)),
                closed_early_at: Set((status == VacancyStatus::Closed).then_some(updated_at)),
                created_at: Set(
                    published_at - seconds(rng, Duration::minutes(10), Duration::days(3))
                ),
                updated_at: Set(updated_at),
            });
            out.push(Vac {
                id,
                organisation,
                organisation_id: org.id,
                title,
                kind,
                band,
                programme_id: programme.as_ref().map(|p| p.0),
                positions,
                accepted: Cell::new(0),
                ring_fenced,
                open,
                care_definition: ring_fenced.then(|| {
                    programme
                        .map(|p| p.1)
                        .unwrap_or_else(|| "care_experienced".to_owned())
                }),
                published_at,
                ended_at,
                criteria: criterion_ids,
                references,
            });
            if vacancies.is_full() || criteria.is_full() {
                vacancies.flush(db).await?;
                criteria.flush(db).await?;
            }
        }
        vacancies.flush(db).await?;
        criteria.flush(db).await?;
        self.rows += vacancies.written + criteria.written;
        println!(
            "  vacancies: {} ({open} open), with {} criteria",
            vacancies.written, criteria.written
        );
        Ok(out)
    }

    /// Applications spread evenly over the applicants, each applicant applying for distinct
    /// vacancies they are eligible for, with their stage changes and, for some, evidence and
    /// referees. Returns how many were added.
    async fn applications(
        &mut self,
        db: &impl ConnectionTrait,
        orgs: &[Org],
        applicants: &[Applicant],
        vacancies: &[Vac],
        count: u32,
    ) -> anyhow::Result<u64> {
        if count == 0 {
            return Ok(0);
        }
        // Ring-fenced vacancies take only applicants who declared care experience.
        let everyone: Vec<usize> = (0..vacancies.len()).collect();
        let open_to_all: Vec<usize> = everyone
            .iter()
            .copied()
            .filter(|&i| vacancies.get(i).is_some_and(|v| !v.ring_fenced))
            .collect();
        let eligible = |a: &Applicant| {
            if application::eligibility(true, Some(a.care)) == application::Eligibility::Eligible {
                &everyone
            } else {
                &open_to_all
            }
        };
        let caps: Vec<u64> = applicants
            .iter()
            .map(|a| eligible(a).len() as u64)
            .collect();
        let Some(shares) = spread(u64::from(count), &caps) else {
            bail!(
                "--applications ({count}) is more than the {} distinct pairs of applicant and \
                 vacancy they are eligible for (ring-fenced vacancies take only applicants who \
                 declared care experience): ask for fewer applications or more applicants",
                caps.iter().sum::<u64>()
            );
        };

        let mut apps = Batch::<application_entity::ActiveModel>::new();
        let mut changes = Batch::<application_stage_change::ActiveModel>::new();
        let mut answers = Batch::<application_answer::ActiveModel>::new();
        let mut referees = Batch::<application_referee::ActiveModel>::new();
        let mut hiring = Hiring::new();
        let report_every = (u64::from(count) / 10).max(10_000);
        let mut written: u64 = 0;
        for (applicant, share) in applicants.iter().zip(shares) {
            let list = eligible(applicant);
            if share == 0 || list.is_empty() {
                continue;
            }
            let start = self.rng.random_range(0..list.len());
            for j in 0..usize::try_from(share).unwrap_or(0) {
                let Some(vac) = list
                    .get((start + j) % list.len())
                    .and_then(|&i| vacancies.get(i))
                else {
                    continue;
                };
                let manager = orgs.get(vac.organisation).map(|o| o.manager_id);
                self.application(
                    applicant,
                    vac,
                    manager,
                    &mut apps,
                    &mut changes,
                    &mut answers,
                    &mut referees,
                    &mut hiring,
                )?;
                written += 1;
                if apps.is_full()
                    || changes.is_full()
                    || answers.is_full()
                    || referees.is_full()
                    || hiring.is_full()
                {
                    apps.flush(db).await?;
                    changes.flush(db).await?;
                    answers.flush(db).await?;
                    referees.flush(db).await?;
                    hiring.flush(db).await?;
                }
                if written.is_multiple_of(report_every) {
                    println!("  applications: {written} of {count}");
                }
            }
        }
        apps.flush(db).await?;
        changes.flush(db).await?;
        answers.flush(db).await?;
        referees.flush(db).await?;
        hiring.flush(db).await?;
        self.rows +=
            apps.written + changes.written + answers.written + referees.written + hiring.written();
        self.employments_written += hiring.employments.written;
        println!(
            "  applications: {} with {} stage changes, {} answers and {} referees",
            apps.written, changes.written, answers.written, referees.written
        );
        println!(
            "  offers: {} with {} checks; {} started, with {} checkpoints",
            hiring.offers.written,
            hiring.checks.written,
            hiring.employments.written,
            hiring.checkpoints.written
        );
        Ok(apps.written)
    }

    #[allow(clippy::too_many_arguments)]
    fn application(
        &mut self,
        applicant: &Applicant,
        vac: &Vac,
        manager: Option<i32>,
        apps: &mut Batch<application_entity::ActiveModel>,
        changes: &mut Batch<application_stage_change::ActiveModel>,
        answers: &mut Batch<application_answer::ActiveModel>,
        referees: &mut Batch<application_referee::ActiveModel>,
        hiring: &mut Hiring,
    ) -> anyhow::Result<()> {
        let id = self.applications.next()?;
        let now = self.now;
        let rng = &mut self.rng;
        let declared = Some(applicant.care);
        let mut target = if vac.open {
            weighted(rng, &OPEN_STAGES)
        } else {
            weighted(rng, &CLOSED_STAGES)
        };
        let guaranteed = application::can_opt_in(declared) && rng.random_bool(0.5);
        if guaranteed && target == Stage::NotShortlisted {
            // A guaranteed interview is never lost at shortlisting.
            target = Stage::Unsuccessful;
        }
        let withdrawn_from = if vac.open {
            weighted(rng, &[(Stage::Draft, 40), (Stage::Submitted, 60)])
        } else {
            weighted(rng, &WITHDRAWN_FROM)
        };
        let mut path = path_to(target, withdrawn_from);

        // When each stage was reached: the draft while the vacancy took applications, the
        // submission soon after, and the team's decisions after the closing date. A decision
        // that would fall in the future has not happened yet, so the application stops short.
        let span = (vac.ended_at - vac.published_at - Duration::hours(1)).max(Duration::minutes(1));
        let created_at = vac.published_at + seconds(rng, Duration::ZERO, span);
        let mut at = created_at;
        let mut times = Vec::with_capacity(path.len());
        for (i, step) in path.iter().enumerate() {
            let next = match (i, step) {
                (0, _) => created_at,
                (_, Stage::Submitted) => (at
                    + seconds(rng, Duration::minutes(5), Duration::days(3)))
                .min(vac.ended_at - Duration::minutes(1)),
                (_, Stage::Withdrawn) => {
                    (at + seconds(rng, Duration::hours(1), Duration::days(7))).min(now)
                }
                (_, Stage::Shortlisting) => {
                    vac.ended_at.max(at) + seconds(rng, Duration::days(1), Duration::days(4))
                }
                _ => at + seconds(rng, Duration::days(1), Duration::days(10)),
            }
            .max(at);
            if next > now {
                break;
            }
            at = next;
            times.push(at);
        }
        path.truncate(times.len().max(1));
        // An offer is accepted only while one of the vacancy's positions is free; past them,
        // the interview was not successful.
        if path.last().is_some_and(|s| {
            matches!(
                s,
                Stage::ConditionalOffer | Stage::ChecksComplete | Stage::Started
            )
        }) {
            if vac.accepted.get() < vac.positions {
                vac.accepted.set(vac.accepted.get() + 1);
            } else if let Some(offer) = path.iter().position(|s| *s == Stage::ConditionalOffer) {
                let at = times.get(offer).copied().unwrap_or(now);
                path.truncate(offer);
                times.truncate(offer);
                path.push(Stage::Unsuccessful);
                times.push(at);
            }
        }
        let stage = path.last().copied().unwrap_or(Stage::Draft);
        let submitted = path.contains(&Stage::Submitted);
        let submitted_at = path
            .iter()
            .zip(&times)
            .find(|(s, _)| **s == Stage::Submitted)
            .map(|(_, t)| *t);
        let steps = i32::try_from(application::steps(declared).len()).unwrap_or(6);
        let opted_in = application::can_opt_in(declared) && submitted && guaranteed;
        apps.push(application_entity::ActiveModel {
            id: Set(id),
            vacancy_id: Set(vac.id),
            applicant_id: Set(applicant.id),
            stage: Set(stage.as_str().to_owned()),
            reached_step: Set(if submitted {
                steps
            } else {
                rng.random_range(0..steps)
            }),
            // Only applicants who declared care experience are asked; drafts may not have answered.
            guaranteed_interview: Set(
                (application::can_opt_in(declared) && submitted).then_some(guaranteed)
            ),
            adjustments: Set(if rng.random_bool(0.1) {
                (*pick(rng, &ADJUSTMENTS)).to_owned()
            } else {
                String::new()
            }),
            confirmed_definition: Set(vac.care_definition.clone().filter(|_| submitted)),
            withdrawal_reason: Set(if stage == Stage::Withdrawn {
                (*pick(rng, &WITHDRAWAL_REASONS)).to_owned()
            } else {
                String::new()
            }),
            submitted_at: Set(submitted_at),
            created_at: Set(created_at),
            updated_at: Set(times.last().copied().unwrap_or(created_at)),
            personal_data_purged_at: Set(None),
        });
        let mut from: Option<Stage> = None;
        for (step, at) in path.iter().zip(&times) {
            let by_applicant = matches!(step, Stage::Draft | Stage::Submitted | Stage::Withdrawn);
            changes.push(application_stage_change::ActiveModel {
                id: Set(self.stage_changes.next_big()),
                application_id: Set(id),
                from_stage: Set(from.map(|s| s.as_str().to_owned())),
                to_stage: Set(step.as_str().to_owned()),
                actor_user_id: Set(if by_applicant {
                    Some(applicant.id)
                } else {
                    manager
                }),
                note: Set(String::new()),
                created_at: Set(*at),
            });
            from = Some(*step);
        }
        if submitted && self.rng.random_range(0..WITH_DETAILS_ONE_IN) == 0 {
            for &criterion_id in &vac.criteria {
                answers.push(application_answer::ActiveModel {
                    id: Set(self.answers.next()?),
                    application_id: Set(id),
                    criterion_id: Set(criterion_id),
                    evidence: Set((*pick(&mut self.rng, &EVIDENCE)).to_owned()),
                });
            }
            for position in 0..self.rng.random_range(1..=2) {
                let referee_id = self.referees.next()?;
                let kind = *pick(&mut self.rng, &vac.references);
                referees.push(application_referee::ActiveModel {
                    id: Set(referee_id),
                    application_id: Set(id),
                    position: Set(position),
                    kind: Set(kind.as_str().to_owned()),
                    name: Set(person_name(&mut self.rng)),
                    relationship: Set((*pick(&mut self.rng, &REFEREE_RELATIONSHIPS)).to_owned()),
                    email: Set(synthetic_email(
                        "referee",
                        u64::try_from(referee_id).unwrap_or(0),
                    )),
                    phone: Set(drama_phone(&mut self.rng, true)),
                });
            }
        }
        if let Some(manager) = manager {
            let hire = Hire {
                application_id: id,
                applicant_id: applicant.id,
                manager,
                opted_in,
            };
            self.offer(&hire, vac, &path, &times, hiring)?;
        }
        Ok(())
    }

    /// One closed vacancy of the first new organisation, with `count` sent applications by as
    /// many of the new applicants, being shortlisted: a panel of three of the organisation's
    /// hiring managers, their scores, some final scores and a few decisions, as the
    /// shortlisting pages would have recorded them. Nothing when `count` is 0.
    async fn shortlisting(
        &mut self,
        db: &impl ConnectionTrait,
        orgs: &[Org],
        applicants: &[Applicant],
        count: u32,
        lead_password_hash: Option<String>,
    ) -> anyhow::Result<Option<ShortlistingReport>> {
        if count == 0 {
            return Ok(None);
        }
        let Some(org) = orgs.first() else {
            bail!("--shortlisting-applications needs --organisations 1 or more");
        };
        let count = usize::try_from(count).unwrap_or(usize::MAX);
        if count > applicants.len() {
            bail!("--shortlisting-applications cannot be more than --applicants");
        }
        let now = self.now;

        // Two more hiring managers of the organisation, to sit on the panel with its own.
        let managers_before = count_users_like(db, "manager").await?;
        let mut users = Batch::<user::ActiveModel>::new();
        let mut roles = Batch::<user_role::ActiveModel>::new();
        let mut panel = vec![org.manager_id];
        let mut member_emails = Vec::new();
        for i in 1..=2 {
            let id = self.users.next()?;
            let email = synthetic_email("manager", managers_before + i);
            let name = person_name(&mut self.rng);
            users.push(self.user(id, email.clone(), name, Some(org.id)));
            roles.push(self.role(id, Role::HiringManager));
            panel.push(id);
            member_emails.push(email);
        }
        users.flush(db).await?;
        roles.flush(db).await?;
        let lead = org.manager_id;
        if let Some(hash) = lead_password_hash {
            let updated = user::Entity::update_many()
                .col_expr(user::Column::PasswordHash, Expr::value(hash))
                .filter(user::Column::Id.eq(lead))
                .filter(user::Column::Email.like(format!("%@{EMAIL_DOMAIN}").as_str()))
                .exec(db)
                .await?;
            if updated.rows_affected != 1 {
                bail!("the panel's lead is not a synthetic user");
            }
        }

        // The vacancy, closed a week or so ago after four weeks open.
        let vacancy_id = self.vacancies.next()?;
        let rng = &mut self.rng;
        let closes_at = now - seconds(rng, Duration::days(6), Duration::days(10));
        let published_at = closes_at - Duration::days(28);
        let (essential, desirable) = SHORTLISTING_CRITERIA;
        let mut texts: Vec<(bool, &str)> =
            rand::seq::index::sample(rng, ESSENTIAL_CRITERIA.len(), essential)
                .into_iter()
                .filter_map(|i| ESSENTIAL_CRITERIA.get(i))
                .map(|t| (true, *t))
                .collect();
        texts.extend(
            rand::seq::index::sample(rng, DESIRABLE_CRITERIA.len(), desirable)
                .into_iter()
                .filter_map(|i| DESIRABLE_CRITERIA.get(i))
                .map(|t| (false, *t)),
        );
        let mut criteria = Batch::<vacancy_criterion::ActiveModel>::new();
        let mut criterion_ids = Vec::with_capacity(texts.len());
        for (position, (essential, text)) in texts.into_iter().enumerate() {
            let id = self.criteria.next()?;
            criteria.push(vacancy_criterion::ActiveModel {
                id: Set(id),
                vacancy_id: Set(vacancy_id),
                essential: Set(essential),
                position: Set(i32::try_from(position).unwrap_or(0)),
                text: Set(text.to_owned()),
            });
            criterion_ids.push((id, essential));
        }
        let rng = &mut self.rng;
        let town = *pick(rng, &TOWNS);
        let mut description = Vec::new();
        for i in rand::seq::index::sample(rng, DESCRIPTION_PARAGRAPHS.len(), 4) {
            description.extend(DESCRIPTION_PARAGRAPHS.get(i).copied());
        }
        let references = ReferenceType::ALL.to_vec();
        let mut vacancies = Batch::<vacancy::ActiveModel>::new();
        vacancies.push(vacancy::ActiveModel {
            id: Set(vacancy_id),
            organisation_id: Set(org.id),
            programme_id: Set(None),
            title: Set("Healthcare support worker".to_owned()),
            kind: Set(VacancyKind::Job.as_str().to_owned()),
            band: Set("3".to_owned()),
            working_pattern: Set((*pick(rng, &JOB_PATTERNS)).to_owned()),
            salary: Set(salary("3").to_owned()),
            location: Set(format!("{town} {}, {town}", pick(rng, &SITES))),
            positions: Set(5),
            closes_at: Set(closes_at),
            ring_fenced: Set(false),
            summary: Set((*pick(rng, &SUMMARIES)).to_owned()),
            description: Set(description.join("\n\n")),
            entry_requirements: Set(String::new()),
            reference_options: Set(references
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(",")),
            contact_name: Set(org.manager_name.clone()),
            contact_role: Set((*pick(rng, &CONTACT_ROLES)).to_owned()),
            contact_email: Set(org.manager_email.clone()),
            contact_phone: Set(drama_phone(rng, false)),
            status: Set(VacancyStatus::Published.as_str().to_owned()),
            created_by: Set(lead),
            published_at: Set(Some(published_at)),
            closed_early_at: Set(None),
            created_at: Set(published_at - Duration::days(2)),
            updated_at: Set(published_at),
        });
        vacancies.flush(db).await?;
        criteria.flush(db).await?;

        let mut members = Batch::<panel_member::ActiveModel>::new();
        for &user_id in &panel {
            members.push(panel_member::ActiveModel {
                id: Set(self.panel_members.next()?),
                vacancy_id: Set(vacancy_id),
                user_id: Set(user_id),
                is_lead: Set(user_id == lead),
                created_at: Set(published_at - Duration::days(1)),
            });
        }
        members.flush(db).await?;

        let mut apps = Batch::<application_entity::ActiveModel>::new();
        let mut changes = Batch::<application_stage_change::ActiveModel>::new();
        let mut answers = Batch::<application_answer::ActiveModel>::new();
        let mut referees = Batch::<application_referee::ActiveModel>::new();
        let mut scores = Batch::<shortlist_score::ActiveModel>::new();
        let mut finals = Batch::<final_score::ActiveModel>::new();
        let mut decisions = Batch::<shortlist_decision::ActiveModel>::new();
        let chosen = rand::seq::index::sample(&mut self.rng, applicants.len(), count);
        for applicant in chosen.into_iter().filter_map(|i| applicants.get(i)) {
            let id = self.applications.next()?;
            let rng = &mut self.rng;
            let declared = Some(applicant.care);
            let guaranteed = application::can_opt_in(declared).then(|| rng.random_bool(0.55));
            let span = closes_at - published_at - Duration::hours(1);
            let created_at = published_at + seconds(rng, Duration::ZERO, span);
            let submitted_at = (created_at + seconds(rng, Duration::minutes(5), Duration::days(3)))
                .min(closes_at - Duration::minutes(1));
            for &(criterion_id, _) in &criterion_ids {
                answers.push(application_answer::ActiveModel {
                    id: Set(self.answers.next()?),
                    application_id: Set(id),
                    criterion_id: Set(criterion_id),
                    evidence: Set((*pick(&mut self.rng, &EVIDENCE)).to_owned()),
                });
            }
            for position in 0..self.rng.random_range(1..=2) {
                let referee_id = self.referees.next()?;
                let kind = *pick(&mut self.rng, &references);
                referees.push(application_referee::ActiveModel {
                    id: Set(referee_id),
                    application_id: Set(id),
                    position: Set(position),
                    kind: Set(kind.as_str().to_owned()),
                    name: Set(person_name(&mut self.rng)),
                    relationship: Set((*pick(&mut self.rng, &REFEREE_RELATIONSHIPS)).to_owned()),
                    email: Set(synthetic_email(
                        "referee",
                        u64::try_from(referee_id).unwrap_or(0),
                    )),
                    phone: Set(drama_phone(&mut self.rng, true)),
                });
            }

            // Each panel member's scores, near how well the application shows each criterion.
            let rng = &mut self.rng;
            let standing: Vec<i16> = criterion_ids
                .iter()
                .map(|_| weighted(rng, &STANDING))
                .collect();
            let mut by_criterion: Vec<Vec<i16>> = vec![Vec::new(); criterion_ids.len()];
            let mut scored_by = 0;
            for &scorer in &panel {
                if !self.rng.random_bool(SCORED_BY_EACH) {
                    continue;
                }
                scored_by += 1;
                let at = closes_at + seconds(&mut self.rng, Duration::hours(2), Duration::days(3));
                for (i, (&(criterion_id, _), &stands)) in
                    criterion_ids.iter().zip(&standing).enumerate()
                {
                    let score = (stands + weighted(&mut self.rng, &SCORE_NOISE)).clamp(0, 3);
                    if let Some(list) = by_criterion.get_mut(i) {
                        list.push(score);
                    }
                    let note = if self.rng.random_bool(0.2) {
                        *pick(&mut self.rng, &SCORE_NOTES)
                    } else {
                        ""
                    };
                    scores.push(shortlist_score::ActiveModel {
                        id: Set(self.scores.next()?),
                        application_id: Set(id),
                        criterion_id: Set(criterion_id),
                        scorer_id: Set(scorer),
                        score: Set(score),
                        note: Set(note.to_owned()),
                        updated_at: Set(at),
                    });
                }
            }

            // The lead's final scores (the panel's median) once everyone has scored, and a
            // decision as the rule allows: automatic for an application in the scheme that
            // meets the essential criteria, otherwise by the lead for some.
            let mut stage = Stage::Submitted;
            let mut decided_at = None;
            if scored_by == panel.len() && self.rng.random_bool(FINALS_SET) {
                let rng = &mut self.rng;
                let finals_at = closes_at + seconds(rng, Duration::days(3), Duration::days(5));
                let mut essential = Vec::new();
                for (&(criterion_id, is_essential), list) in criterion_ids.iter().zip(&by_criterion)
                {
                    let mut sorted = list.clone();
                    sorted.sort_unstable();
                    let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0);
                    if is_essential {
                        essential.push(Score::from_stored(i32::from(median)));
                    }
                    finals.push(final_score::ActiveModel {
                        id: Set(self.finals.next()?),
                        application_id: Set(id),
                        criterion_id: Set(criterion_id),
                        score: Set(median),
                        set_by: Set(lead),
                        updated_at: Set(finals_at),
                    });
                }
                let met = minimum(&essential) == Minimum::Met;
                let opted_in = guaranteed == Some(true);
                let rng = &mut self.rng;
                let decision = if opted_in && met {
                    Some((true, String::new(), true, finals_at))
                } else if rng.random_bool(DECIDED) {
                    let feedback = if met {
                        ""
                    } else if opted_in {
                        SCHEME_FEEDBACK
                    } else {
                        *pick(rng, &FEEDBACK)
                    };
                    let at = finals_at + seconds(rng, Duration::minutes(10), Duration::days(1));
                    Some((met, feedback.to_owned(), false, at))
                } else {
                    None
                };
                if let Some((invited, feedback, automatic, at)) = decision {
                    decisions.push(shortlist_decision::ActiveModel {
                        application_id: Set(id),
                        invited: Set(invited),
                        feedback: Set(feedback),
                        automatic: Set(automatic),
                        decided_by: Set(lead),
                        decided_at: Set(at),
                    });
                    // The lead's first decision moves the application on; the rule's does not.
                    if !automatic {
                        stage = Stage::Shortlisting;
                        decided_at = Some(at);
                    }
                }
            }

            let steps = [
                (None, Stage::Draft, created_at, applicant.id),
                (
                    Some(Stage::Draft),
                    Stage::Submitted,
                    submitted_at,
                    applicant.id,
                ),
            ]
            .into_iter()
            .chain(decided_at.map(|at| (Some(Stage::Submitted), Stage::Shortlisting, at, lead)));
            let mut updated_at = created_at;
            for (from, to, at, actor) in steps {
                changes.push(application_stage_change::ActiveModel {
                    id: Set(self.stage_changes.next_big()),
                    application_id: Set(id),
                    from_stage: Set(from.map(|s| s.as_str().to_owned())),
                    to_stage: Set(to.as_str().to_owned()),
                    actor_user_id: Set(Some(actor)),
                    note: Set(String::new()),
                    created_at: Set(at),
                });
                updated_at = at;
            }
            let rng = &mut self.rng;
            apps.push(application_entity::ActiveModel {
                id: Set(id),
                vacancy_id: Set(vacancy_id),
                applicant_id: Set(applicant.id),
                stage: Set(stage.as_str().to_owned()),
                reached_step: Set(i32::try_from(application::steps(declared).len()).unwrap_or(6)),
                guaranteed_interview: Set(guaranteed),
                adjustments: Set(if rng.random_bool(0.1) {
                    (*pick(rng, &ADJUSTMENTS)).to_owned()
                } else {
                    String::new()
                }),
                confirmed_definition: Set(None),
                withdrawal_reason: Set(String::new()),
                submitted_at: Set(Some(submitted_at)),
                created_at: Set(created_at),
                updated_at: Set(updated_at),
                personal_data_purged_at: Set(None),
            });
            if apps.is_full()
                || changes.is_full()
                || answers.is_full()
                || referees.is_full()
                || scores.is_full()
                || finals.is_full()
                || decisions.is_full()
            {
                apps.flush(db).await?;
                changes.flush(db).await?;
                answers.flush(db).await?;
                referees.flush(db).await?;
                scores.flush(db).await?;
                finals.flush(db).await?;
                decisions.flush(db).await?;
            }
        }
        apps.flush(db).await?;
        changes.flush(db).await?;
        answers.flush(db).await?;
        referees.flush(db).await?;
        scores.flush(db).await?;
        finals.flush(db).await?;
        decisions.flush(db).await?;
        self.rows += users.written
            + roles.written
            + vacancies.written
            + criteria.written
            + members.written
            + apps.written
            + changes.written
            + answers.written
            + referees.written
            + scores.written
            + finals.written
            + decisions.written;
        println!(
            "  shortlisting: vacancy {vacancy_id} with {} sent applications, a panel of {} \
             ({} scores, {} final scores, {} decisions)",
            apps.written, members.written, scores.written, finals.written, decisions.written
        );
        Ok(Some(ShortlistingReport {
            vacancy_id,
            lead_email: org.manager_email.clone(),
            member_emails,
            criteria: criteria.written,
            applications: apps.written,
            scores: scores.written,
            finals: finals.written,
            decisions: decisions.written,
        }))
    }
}

/// Offers, checks, employment records and checkpoints waiting to be written, in the order
/// they refer to each other.
struct Hiring {
    offers: Batch<offer::ActiveModel>,
    checks: Batch<offer_check::ActiveModel>,
    employments: Batch<employment_record::ActiveModel>,
    checkpoints: Batch<employment_checkpoint::ActiveModel>,
}

impl Hiring {
    fn new() -> Self {
        Self {
            offers: Batch::new(),
            checks: Batch::new(),
            employments: Batch::new(),
            checkpoints: Batch::new(),
        }
    }

    fn is_full(&self) -> bool {
        self.offers.is_full()
            || self.checks.is_full()
            || self.employments.is_full()
            || self.checkpoints.is_full()
    }

    async fn flush(&mut self, db: &impl ConnectionTrait) -> anyhow::Result<()> {
        self.offers.flush(db).await?;
        self.checks.flush(db).await?;
        self.employments.flush(db).await?;
        self.checkpoints.flush(db).await
    }

    fn written(&self) -> u64 {
        self.offers.written
            + self.checks.written
            + self.employments.written
            + self.checkpoints.written
    }
}

/// An application that reached an offer.
struct Hire {
    application_id: i32,
    applicant_id: i32,
    /// The organisation's hiring manager, who made the offer.
    manager: i32,
    /// Whether the applicant used the guaranteed interview scheme.
    opted_in: bool,
}

/// How an employment ended.
struct Ending {
    on: Date,
    kind: EndKind,
    reason: &'static str,
    moved_to: Option<&'static str>,
    /// When the manager (or an ESR extract) recorded it.
    recorded_at: OffsetDateTime,
}

impl Seeder {
    /// The offer of an application that reached one, with its checks and, once started, the
    /// employment record: accepted (and checked, for some) at a conditional offer, every check
    /// verified after, and declined where the applicant withdrew at the offer.
    fn offer(
        &mut self,
        hire: &Hire,
        vac: &Vac,
        path: &[Stage],
        times: &[OffsetDateTime],
        hiring: &mut Hiring,
    ) -> anyhow::Result<()> {
        let Some(made) = path.iter().position(|s| *s == Stage::ConditionalOffer) else {
            return Ok(());
        };
        let (Some(&offered_at), Some(&last)) = (times.get(made), path.last()) else {
            return Ok(());
        };
        let reached = |stage: Stage| {
            path.iter()
                .position(|s| *s == stage)
                .and_then(|i| times.get(i).copied())
        };
        let now = self.now;
        let rng = &mut self.extra;
        let answered_by = times.get(made + 1).copied().unwrap_or(now);
        let responded_at = (offered_at + seconds(rng, Duration::hours(1), Duration::days(3)))
            .min(offered_at + (answered_by - offered_at) / 2);
        if last == Stage::Withdrawn {
            hiring.offers.push(offer::ActiveModel {
                application_id: Set(hire.application_id),
                vacancy_id: Set(vac.id),
                status: Set("declined".into()),
                offered_by: Set(hire.manager),
                offered_at: Set(offered_at),
                responded_at: Set(Some(answered_by)),
                start_date: Set(None),
            });
            return Ok(());
        }
        let complete_at = reached(Stage::ChecksComplete);
        let started_at = reached(Stage::Started);
        let start_date = match (started_at, complete_at) {
            (Some(started), _) => Some(london_time::from_utc(started).date()),
            (None, Some(_)) if rng.random_bool(0.7) => {
                Some(self.today + Duration::days(rng.random_range(7..=60)))
            }
            _ => None,
        };
        hiring.offers.push(offer::ActiveModel {
            application_id: Set(hire.application_id),
            vacancy_id: Set(vac.id),
            status: Set("accepted".into()),
            offered_by: Set(hire.manager),
            offered_at: Set(offered_at),
            responded_at: Set(Some(responded_at)),
            start_date: Set(start_date),
        });
        // At a conditional offer at least one check is still waiting; after it, all verified.
        let kinds = checks_for(vac.ring_fenced, hire.opted_in);
        let waiting = rng.random_range(0..kinds.len().max(1));
        let checked_by = complete_at.unwrap_or(now);
        for (i, kind) in kinds.iter().enumerate() {
            let rng = &mut self.extra;
            let status = if complete_at.is_some() {
                CheckStatus::Verified
            } else if i == waiting {
                weighted(
                    rng,
                    &[(CheckStatus::Pending, 60), (CheckStatus::Received, 40)],
                )
            } else {
                weighted(
                    rng,
                    &[
                        (CheckStatus::Pending, 30),
                        (CheckStatus::Received, 30),
                        (CheckStatus::Verified, 40),
                    ],
                )
            };
            let updated_at = if status == CheckStatus::Pending {
                responded_at
            } else {
                responded_at + seconds(rng, Duration::ZERO, checked_by - responded_at)
            };
            hiring.checks.push(offer_check::ActiveModel {
                id: Set(self.offer_checks.next()?),
                application_id: Set(hire.application_id),
                kind: Set(kind.as_str().to_owned()),
                status: Set(status.as_str().to_owned()),
                note: Set(String::new()),
                updated_by: Set((status != CheckStatus::Pending).then_some(hire.manager)),
                updated_at: Set(updated_at),
            });
        }
        let (Some(started_at), Some(start)) = (started_at, start_date) else {
            return Ok(());
        };
        let id = self.employments.next()?;
        let ending = self.ending(start);
        hiring.employments.push(employment_record(
            id,
            EmploymentRow {
                application_id: Some(hire.application_id),
                user_id: Some(hire.applicant_id),
                organisation_id: vac.organisation_id,
                programme_id: vac.programme_id,
                title: vac.title,
                band: vac.band,
                apprenticeship: vac.kind == VacancyKind::Apprenticeship,
                start,
                route: Route::Spectra,
                assignment_number: None,
                created_at: started_at,
            },
            ending.as_ref(),
        ));
        self.checkpoints(
            id,
            start,
            ending.as_ref(),
            Route::Spectra,
            hire.manager,
            hiring,
        )
    }

    /// Whether and how an employment that started on `start` has ended by today, drawn from
    /// the hazards of leaving and of moving within the NHS.
    fn ending(&mut self, start: Date) -> Option<Ending> {
        let rng = &mut self.extra;
        let mut days_until = |per_year: f64| {
            let u: f64 = rng.random();
            -(1.0 - u).ln() / per_year * 365.25
        };
        let (left, moved) = (days_until(LEFT_PER_YEAR), days_until(MOVED_PER_YEAR));
        let (after, kind) = if left <= moved {
            (left, EndKind::Left)
        } else {
            (moved, EndKind::Moved)
        };
        let served = (self.today - start).whole_days();
        if after >= served as f64 {
            return None;
        }
        // Whole days, so the end falls before today and never before the start.
        let on = start + Duration::days(after as i64);
        let (reason, moved_to) = match kind {
            EndKind::Left => {
                let reasons: Vec<(&'static str, u32)> = LEAVING_REASONS
                    .iter()
                    .map(|r| (r.code, leaving_weight(r.code)))
                    .collect();
                (weighted(rng, &reasons), None)
            }
            EndKind::Moved => ("employee_transfer", Some(*pick(rng, &NHS_TRUSTS))),
        };
        let recorded_at =
            (at_london(on, 10) + seconds(rng, Duration::ZERO, Duration::days(14))).min(self.now);
        Some(Ending {
            on,
            kind,
            reason,
            moved_to,
            recorded_at,
        })
    }

    /// The four checkpoints of an employment record. Those that fell due while the person was
    /// in post are recorded as in post (some of the last fortnight's, and a few older ones, not
    /// yet: overdue); the first after they left or moved records it; any later ones are
    /// closed; the rest wait. Reminders are marked sent as the daily job would have sent them.
    fn checkpoints(
        &mut self,
        record_id: i32,
        start: Date,
        ending: Option<&Ending>,
        route: Route,
        manager: i32,
        hiring: &mut Hiring,
    ) -> anyhow::Result<()> {
        let (source, by) = match route {
            Route::Spectra => ("manager", Some(manager)),
            Route::Esr => ("esr", None),
        };
        let mut end_recorded = false;
        for months in CHECKPOINT_MONTHS {
            let due = checkpoint_due(start, months);
            let rng = &mut self.extra;
            let (outcome, recorded_at) = match ending {
                Some(end) if due >= end.on => {
                    let outcome = if end_recorded {
                        CheckpointOutcome::Closed
                    } else {
                        end_recorded = true;
                        match end.kind {
                            EndKind::Left => CheckpointOutcome::Left,
                            EndKind::Moved => CheckpointOutcome::Moved,
                        }
                    };
                    (Some(outcome), Some(end.recorded_at))
                }
                _ if due > self.today => (None, None),
                _ => {
                    let late = (self.today - due).whole_days();
                    let unrecorded = ending.is_none()
                        && rng.random_bool(
                            if late < crate::domain::employment::OVERDUE_AFTER_DAYS {
                                RECENTLY_DUE_UNRECORDED
                            } else {
                                OVERDUE_UNRECORDED
                            },
                        );
                    if unrecorded {
                        (None, None)
                    } else {
                        let mut at = (at_london(due, 9)
                            + seconds(rng, Duration::ZERO, Duration::days(10)))
                        .min(self.now);
                        if let Some(end) = ending {
                            at = at.min(end.recorded_at);
                        }
                        (Some(CheckpointOutcome::InPost), Some(at))
                    }
                }
            };
            // The daily job reminds at 7am on the day it falls due, and 14 days after.
            let reminded = |at: OffsetDateTime| {
                (at <= self.now && recorded_at.is_none_or(|r| r > at)).then_some(at)
            };
            let due_reminded_at = reminded(at_london(due, 7));
            let overdue_reminded_at = reminded(at_london(
                due + Duration::days(crate::domain::employment::OVERDUE_AFTER_DAYS),
                7,
            ));
            hiring.checkpoints.push(employment_checkpoint::ActiveModel {
                id: Set(self.checkpoints.next()?),
                employment_record_id: Set(record_id),
                months: Set(months),
                due_on: Set(due),
                outcome: Set(outcome.map(|o| o.as_str().to_owned())),
                source: Set(outcome.map(|_| source.to_owned())),
                recorded_by: Set(outcome.and(by)),
                recorded_at: Set(recorded_at),
                due_reminded_at: Set(due_reminded_at),
                overdue_reminded_at: Set(overdue_reminded_at),
            });
        }
        Ok(())
    }

    /// `count` employment records beyond the started applications', started over the last
    /// five years across the new organisations: SPECTRA hires from before the service kept
    /// applications (some under a programme), and existing staff brought in from ESR with
    /// their assignment numbers. Each has its checkpoints; some have left or moved.
    async fn hires(
        &mut self,
        db: &impl ConnectionTrait,
        orgs: &[Org],
        count: u32,
    ) -> anyhow::Result<()> {
        if count == 0 {
            return Ok(());
        }
        if orgs.is_empty() {
            bail!("--hires needs --organisations 1 or more");
        }
        let programmes = self.programmes(db).await?;
        let roles: Vec<(&'static str, VacancyKind, &'static [&'static str])> = ROLES
            .iter()
            .copied()
            .filter(|r| r.1 != VacancyKind::Placement)
            .collect();
        let mut hiring = Hiring::new();
        let (mut left, mut moved) = (0_u64, 0_u64);
        for _ in 0..count {
            let id = self.employments.next()?;
            let rng = &mut self.extra;
            let org = pick(rng, orgs);
            let (organisation_id, manager) = (org.id, org.manager_id);
            let (title, kind, bands) = *pick(rng, &roles);
            let band = *pick(rng, bands);
            let route = if rng.random_bool(ESR_SHARE) {
                Route::Esr
            } else {
                Route::Spectra
            };
            let programme_id = (route == Route::Spectra
                && !programmes.is_empty()
                && rng.random_bool(PROGRAMME_SHARE))
            .then(|| pick(rng, &programmes).0);
            let start = self.today - Duration::days(rng.random_range(1..=HIRES_OVER_DAYS));
            let assignment_number = (route == Route::Esr).then(|| {
                format!(
                    "{:08}-{}",
                    ASSIGNMENT_BASE + i64::from(id),
                    rng.random_range(1..=2)
                )
            });
            let created_at = match route {
                Route::Spectra => at_london(start, 9),
                Route::Esr => self.now - seconds(rng, Duration::hours(1), Duration::days(180)),
            };
            let ending = self.ending(start);
            match ending.as_ref().map(|e| e.kind) {
                Some(EndKind::Left) => left += 1,
                Some(EndKind::Moved) => moved += 1,
                None => {}
            }
            hiring.employments.push(employment_record(
                id,
                EmploymentRow {
                    application_id: None,
                    user_id: None,
                    organisation_id,
                    programme_id,
                    title,
                    band,
                    apprenticeship: kind == VacancyKind::Apprenticeship,
                    start,
                    route,
                    assignment_number,
                    created_at,
                },
                ending.as_ref(),
            ));
            self.checkpoints(id, start, ending.as_ref(), route, manager, &mut hiring)?;
            if hiring.is_full() {
                hiring.flush(db).await?;
            }
        }
        hiring.flush(db).await?;
        self.rows += hiring.written();
        self.employments_written += hiring.employments.written;
        println!(
            "  hires: {} employment records ({left} left, {moved} moved within the NHS), with {} \
             checkpoints",
            hiring.employments.written, hiring.checkpoints.written
        );
        Ok(())
    }
}

/// What an employment record holds, before how it ended.
struct EmploymentRow {
    application_id: Option<i32>,
    user_id: Option<i32>,
    organisation_id: i32,
    programme_id: Option<i32>,
    title: &'static str,
    band: &'static str,
    apprenticeship: bool,
    start: Date,
    route: Route,
    assignment_number: Option<String>,
    created_at: OffsetDateTime,
}

fn employment_record(
    id: i32,
    row: EmploymentRow,
    ending: Option<&Ending>,
) -> employment_record::ActiveModel {
    employment_record::ActiveModel {
        id: Set(id),
        application_id: Set(row.application_id),
        user_id: Set(row.user_id),
        organisation_id: Set(row.organisation_id),
        role: Set(row.title.to_owned()),
        band: Set(row.band.to_owned()),
        start_date: Set(row.start),
        apprenticeship: Set(row.apprenticeship),
        created_at: Set(row.created_at),
        staff_group: Set(staff_group_of(row.title).to_owned()),
        route: Set(row.route.as_str().to_owned()),
        assignment_number: Set(row.assignment_number),
        programme_id: Set(row.programme_id),
        end_date: Set(ending.map(|e| e.on)),
        end_kind: Set(ending.map(|e| e.kind.as_str().to_owned())),
        leaving_reason: Set(ending.map(|e| e.reason.to_owned())),
        moved_to: Set(ending.and_then(|e| e.moved_to).map(str::to_owned)),
        updated_at: Set(ending.map(|e| e.recorded_at)),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::domain::application::can_move;

    #[test]
    fn synthetic_marks_are_recognised_and_real_ones_are_not() {
        assert!(is_synthetic_email(&synthetic_email("applicant", 12)));
        assert_eq!(
            synthetic_email("applicant", 12),
            "applicant12@synthetic.invalid"
        );
        for real in [
            "applicant@example.org",
            "x@synthetic.invalid.example.org",
            "@synthetic.invalid",
            "x@notsynthetic.invalid",
        ] {
            assert!(!is_synthetic_email(real), "{real}");
        }
        assert!(is_synthetic_name(
            "Synthetic Mersey Valley Children's NHS FT"
        ));
        assert!(!is_synthetic_name("Alder Hey Children's NHS FT"));
        assert!(!is_synthetic_name("Synthetic "));
        assert!(!is_synthetic_name("synthetic lower case"));
    }

    #[test]
    fn organisation_names_are_synthetic_distinct_and_fit_the_column() {
        let names: Vec<String> = (0..2_000).map(organisation_name).collect();
        let distinct: HashSet<&String> = names.iter().collect();
        assert_eq!(distinct.len(), names.len());
        assert!(names.iter().all(|n| is_synthetic_name(n) && n.len() <= 200));
        assert_eq!(
            organisation_name(0),
            "Synthetic Mersey Valley Teaching Hospitals NHS FT"
        );
    }

    #[test]
    fn person_names_are_two_words_and_repeatable_from_a_seed() {
        let mut a = StdRng::seed_from_u64(1);
        let mut b = StdRng::seed_from_u64(1);
        for _ in 0..100 {
            let name = person_name(&mut a);
            assert_eq!(name.split(' ').count(), 2, "{name}");
            assert_eq!(name, person_name(&mut b));
        }
    }

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
    fn batches_stay_under_both_databases_parameter_limits() {
        for columns in 1..40 {
            let rows = rows_per_batch(columns);
            assert!(rows * columns <= 32_766);
            assert!(rows * columns > 32_766 - columns);
        }
        assert_eq!(rows_per_batch(0), 32_766);
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

    #[test]
    fn feedback_for_declining_an_application_in_the_scheme_is_long_enough() {
        assert!(
            application::word_count(SCHEME_FEEDBACK)
                >= crate::domain::shortlisting::MIN_FEEDBACK_WORDS
        );
    }

    async fn memory_database() -> DatabaseConnection {
        use migration::{Migrator, MigratorTrait};
        let db = db::connect("sqlite::memory:").await.unwrap();
        Migrator::up(&db, None).await.unwrap();
        db
    }

    fn options(shortlisting_applications: u32) -> Options {
        Options {
            counts: Counts {
                organisations: 2,
                vacancies: 6,
                open: 1,
                applicants: 80,
                applications: 40,
                shortlisting_applications,
                hires: 0,
            },
            seed: Some(7),
            lead_password: None,
        }
    }

    #[tokio::test]
    async fn the_shortlisting_vacancy_follows_the_guaranteed_interview_rule() {
        use crate::domain::shortlisting::{
            Candidate, Exception, Proposal, check_decision, invited_automatically,
        };
        let db = memory_database().await;
        let report = seed(&db, &options(60)).await.unwrap();
        let shortlisting = report.shortlisting.unwrap();
        assert_eq!(shortlisting.applications, 60);
        assert_eq!(report.applications, 40 + 60);
        let vacancy = vacancy::Entity::find_by_id(shortlisting.vacancy_id)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert!(vacancy.closes_at < db::now(), "the vacancy has closed");
        let criteria = vacancy_criterion::Entity::find()
            .filter(vacancy_criterion::Column::VacancyId.eq(vacancy.id))
            .all(&db)
            .await
            .unwrap();
        let apps = application_entity::Entity::find()
            .filter(application_entity::Column::VacancyId.eq(vacancy.id))
            .all(&db)
            .await
            .unwrap();
        let finals = final_score::Entity::find().all(&db).await.unwrap();
        let decisions = shortlist_decision::Entity::find().all(&db).await.unwrap();
        assert_eq!(apps.len(), 60);
        assert!(apps.iter().any(|a| a.guaranteed_interview == Some(true)));
        assert!(!decisions.is_empty() && decisions.len() < 30);
        for app in &apps {
            let stage = Stage::parse(&app.stage);
            assert!(
                matches!(stage, Some(Stage::Submitted | Stage::Shortlisting)),
                "{app:?}"
            );
            let essential: Vec<Option<Score>> = criteria
                .iter()
                .filter(|c| c.essential)
                .map(|c| {
                    finals
                        .iter()
                        .find(|f| f.application_id == app.id && f.criterion_id == c.id)
                        .and_then(|f| Score::from_stored(i32::from(f.score)))
                })
                .collect();
            let candidate = Candidate {
                opted_in: app.guaranteed_interview == Some(true),
                minimum: minimum(&essential),
                within_cap: false,
            };
            let automatic = invited_automatically(candidate, Exception::NotApproved);
            let decision = decisions.iter().find(|d| d.application_id == app.id);
            // The rule has invited every application it must, and only the lead's decisions
            // move an application on.
            assert_eq!(decision.is_some_and(|d| d.automatic), automatic, "{app:?}");
            assert_eq!(
                stage == Some(Stage::Shortlisting),
                decision.is_some_and(|d| !d.automatic),
                "{app:?}"
            );
            if let Some(d) = decision.filter(|d| !d.automatic) {
                let proposal = if d.invited {
                    Proposal::Invite
                } else {
                    Proposal::NotShortlisted {
                        feedback_words: application::word_count(&d.feedback),
                    }
                };
                assert_eq!(
                    check_decision(candidate, Exception::NotApproved, true, proposal),
                    Ok(()),
                    "{d:?}"
                );
            }
        }
    }

    #[tokio::test]
    async fn a_seed_gives_the_same_data_with_or_without_the_shortlisting_vacancy() {
        let without = memory_database().await;
        let with = memory_database().await;
        seed(&without, &options(0)).await.unwrap();
        seed(&with, &options(25)).await.unwrap();
        let applications = |db: DatabaseConnection| async move {
            application_entity::Entity::find()
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|a| (a.id, a.vacancy_id, a.applicant_id, a.stage))
                .collect::<Vec<_>>()
        };
        let before = applications(without).await;
        let after = applications(with).await;
        assert_eq!(before.len(), 40);
        assert_eq!(after.len(), 65);
        assert_eq!(after.get(..40), Some(&before[..]));
    }
}
