//! The names and texts synthetic data draws on: people, places, job titles, what applicants
//! and panels write.

use rand::Rng;

use super::NAME_PREFIX;
use super::plan::pick;
use crate::domain::vacancy::VacancyKind;

pub(super) const FIRST_NAMES: [&str; 40] = [
    "Aaliyah", "Adam", "Amelia", "Archie", "Ava", "Ben", "Bethany", "Callum", "Charlie", "Chloe",
    "Connor", "Daisy", "Dylan", "Ella", "Ethan", "Evie", "Faith", "Freddie", "Grace", "Harvey",
    "Isla", "Jack", "Jade", "Jayden", "Kai", "Keira", "Leah", "Liam", "Lily", "Mason", "Mia",
    "Nathan", "Niamh", "Noah", "Olivia", "Reece", "Ruby", "Ryan", "Sophie", "Tyler",
];

#[rustfmt::skip]
pub(super) const LAST_NAMES: [&str; 40] = [
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

pub(super) const PLACES: [&str; 12] = [
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

pub(super) const ORGANISATION_KINDS: [&str; 6] = [
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
pub(super) const ROLES: [(&str, VacancyKind, &[&str]); 26] = [
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

pub(super) const TOWNS: [&str; 14] = [
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

pub(super) const SITES: [&str; 6] = [
    "General Hospital",
    "Community Health Centre",
    "Children's Centre",
    "Treatment Centre",
    "Headquarters",
    "Mental Health Unit",
];

pub(super) const JOB_PATTERNS: [&str; 5] = [
    "37.5 hours a week, Monday to Friday",
    "37.5 hours a week, shifts including nights and weekends",
    "30 hours a week, days, flexible",
    "22.5 hours a week, term time only",
    "37.5 hours a week, days, with some weekends",
];

pub(super) const APPRENTICESHIP_PATTERNS: [&str; 2] = [
    "37.5 hours a week, one day a week at college",
    "30 hours a week plus one day a week at college",
];

pub(super) const PLACEMENT_PATTERNS: [&str; 2] =
    ["Full time for 6 weeks", "Two days a week for 12 weeks"];

pub(super) const SUMMARIES: [&str; 6] = [
    "Join a friendly team and help patients feel safe and looked after.",
    "Keep the hospital running smoothly while you learn new skills with full training.",
    "Support the team behind the scenes so that clinicians can spend more time with patients.",
    "Start your NHS career with a mentor, a qualification and a clear route to promotion.",
    "Help families through their visit, from the first phone call to the way home.",
    "Use your organisation and people skills in a busy, welcoming department.",
];

pub(super) const DESCRIPTION_PARAGRAPHS: [&str; 8] = [
    "You will work alongside experienced colleagues who will show you how everything is done. Nobody is expected to know it all on day one.",
    "We will give you a full induction, a named mentor and protected time for training. Many of our team started in posts like this one.",
    "The work is varied: no two days are the same. You will talk to patients, families and staff, and you will need to stay calm when things get busy.",
    "We welcome applications from people with experience of the care system. You can get support with your application from the named contact.",
    "You will be paid from your first day, including for training days, and you will join the NHS Pension Scheme.",
    "We can make reasonable adjustments at every stage, from the interview to your working pattern. Tell us what helps you.",
    "You will be part of a team that cares about each other as much as about the people we look after.",
    "There is free parking on site and good bus links. We can help with travel costs for your first month.",
];

pub(super) const ESSENTIAL_CRITERIA: [&str; 10] = [
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

pub(super) const DESIRABLE_CRITERIA: [&str; 6] = [
    "Some caring experience, paid or unpaid",
    "Experience of customer service",
    "A first aid certificate",
    "Experience of volunteering",
    "Some experience in a hospital or care home",
    "A full driving licence",
];

/// Entry requirements of apprenticeships, with the adjustments made, as managers write them.
pub(super) const ENTRY_REQUIREMENTS: [&str; 4] = [
    "No GCSEs needed: you can take Functional Skills English and maths during the apprenticeship.",
    "You do not need any qualifications to start.\nWe will help you with English and maths at work, in work time.",
    "No work history needed. Caring for family or volunteering counts.\nFunctional Skills English and maths are part of the apprenticeship if you need them.",
    "You need to be 16 or over.\nIf you do not have GCSE English and maths, you can study for them with us.",
];

pub(super) const CONTACT_ROLES: [&str; 5] = [
    "Ward manager",
    "Recruiting manager",
    "Team leader",
    "Department manager",
    "Practice educator",
];

pub(super) const LOCAL_AUTHORITIES: [&str; 9] = [
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

pub(super) const ADJUSTMENTS: [&str; 5] = [
    "I am dyslexic. Questions in writing before the interview help me.",
    "I have ADHD. A quiet room and short breaks help me.",
    "I use a wheelchair. Please make sure the interview room is accessible.",
    "I have anxiety. Knowing who will be on the panel beforehand helps me.",
    "I am autistic. Clear, direct questions help me.",
];

pub(super) const WITHDRAWAL_REASONS: [&str; 4] = [
    "I have accepted another job.",
    "The hours do not fit with my college course.",
    "I have moved out of the area.",
    "",
];

pub(super) const EVIDENCE: [&str; 4] = [
    "I looked after my younger brother for two years, making sure he got to school on time and had his tea.",
    "At college I worked in a group of four on a project and I made sure everyone knew what to do.",
    "I volunteered at a food bank on Saturdays, talking to people and packing parcels.",
    "In my part-time job in a shop I dealt with customers every day, including some who were upset.",
];

pub(super) const REFEREE_RELATIONSHIPS: [&str; 4] = [
    "My personal adviser for three years",
    "My college tutor",
    "My manager at my Saturday job",
    "The coordinator where I volunteer",
];
pub(super) const SCORE_NOTES: [&str; 5] = [
    "Clear example with the result explained.",
    "Good start but says little about what they did themselves.",
    "No example given.",
    "Strong answer, well structured.",
    "Relevant, though the example is from a while ago.",
];

/// Feedback for declining an application in the guaranteed interview scheme: at least the
/// 50 words the rule asks for.
pub(super) const SCHEME_FEEDBACK: &str = "Thank you for applying. Your answers showed that you care about people, but they did not yet show the essential criteria with real examples. Next time, for each criterion describe one thing you did yourself, at school, in a job, volunteering or caring for someone, what happened and what you learned. Your personal adviser or our named contact can help you prepare.";

pub(super) const FEEDBACK: [&str; 3] = [
    "",
    "Thank you for applying. Other applicants showed the essential criteria more clearly.",
    "Your answers did not give examples of working in a team. Try to include one next time.",
];

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

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;
    use crate::domain::application;
    use crate::seed::synthetic::is_synthetic_name;

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
    fn feedback_for_declining_an_application_in_the_scheme_is_long_enough() {
        assert!(
            application::word_count(SCHEME_FEEDBACK)
                >= crate::domain::shortlisting::MIN_FEEDBACK_WORDS
        );
    }
}
