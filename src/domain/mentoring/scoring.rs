//! How well a mentor suits a mentee: a score from 0 to 1000 with a breakdown by criterion, and
//! the hard rules that make a pair not allowed at all (DOMAIN.md §8).
//!
//! Each criterion has a weight the coordinator can change. A criterion earns a fraction of its
//! weight (all, none, or part for availability). A criterion that doesn't apply to the mentee
//! (no wish given, or a university without a listed teaching hospital) earns its whole weight:
//! there is nothing to miss. The score is `1000 × earned ÷ total weight`, rounded down, and the
//! breakdown's points add up to it exactly.

use serde::Serialize;

use super::profile::{
    MenteeProfile, MentorProfile, Strength, items, mentor_who_is, same_text, teaching_hospitals,
};

/// The criteria, in the order they are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    Specialty,
    MeetingMode,
    Availability,
    LivedExperience,
    Gender,
    TeachingHospital,
}

impl Criterion {
    pub const ALL: [Criterion; 6] = [
        Criterion::Specialty,
        Criterion::MeetingMode,
        Criterion::Availability,
        Criterion::LivedExperience,
        Criterion::Gender,
        Criterion::TeachingHospital,
    ];

    /// The key used in forms, JSON and storage.
    pub fn key(self) -> &'static str {
        match self {
            Criterion::Specialty => "specialty",
            Criterion::MeetingMode => "meeting_mode",
            Criterion::Availability => "availability",
            Criterion::LivedExperience => "lived_experience",
            Criterion::Gender => "gender",
            Criterion::TeachingHospital => "teaching_hospital",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Criterion::Specialty => "Specialty",
            Criterion::MeetingMode => "Meeting mode",
            Criterion::Availability => "Times both are free",
            Criterion::LivedExperience => "Mentor with lived experience of care",
            Criterion::Gender => "Gender the student would like",
            Criterion::TeachingHospital => "Works away from the student's teaching hospital",
        }
    }

    pub fn default_weight(self) -> u32 {
        match self {
            Criterion::Specialty => 35,
            Criterion::MeetingMode => 15,
            Criterion::Availability => 25,
            Criterion::LivedExperience => 10,
            Criterion::Gender => 5,
            Criterion::TeachingHospital => 10,
        }
    }
}

/// The largest weight a criterion can have.
pub const MAX_WEIGHT: u32 = 100;

/// The weight of each criterion, in the order of [`Criterion::ALL`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Weights(pub [u32; 6]);

impl Default for Weights {
    fn default() -> Self {
        Weights(Criterion::ALL.map(Criterion::default_weight))
    }
}

impl Weights {
    pub fn of(self, criterion: Criterion) -> u32 {
        Criterion::ALL
            .iter()
            .position(|c| *c == criterion)
            .map_or(0, |i| self.0[i])
    }

    fn total(self) -> u64 {
        self.0.iter().map(|w| u64::from(*w)).sum()
    }

    /// Checks weights typed by a coordinator: whole numbers from 0 to 100, not all 0.
    pub fn check(values: [u32; 6]) -> Result<Weights, &'static str> {
        if values.iter().any(|w| *w > MAX_WEIGHT) {
            return Err("Each weight must be a whole number from 0 to 100");
        }
        if values.iter().all(|w| *w == 0) {
            return Err("At least one weight must be more than 0");
        }
        Ok(Weights(values))
    }
}

/// What one criterion gave a pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Part {
    pub criterion: Criterion,
    /// Points out of 1000 that this criterion contributed.
    pub points: u32,
    /// The most this criterion could have contributed.
    pub out_of: u32,
    /// Why, in plain words.
    pub reason: String,
}

/// A pair's score with its breakdown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Score {
    pub total: u32,
    pub parts: Vec<Part>,
}

/// Why a pair can never be matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotAllowed {
    /// Excluded by a declared conflict, the mentee, the coordinator, or an ended match.
    Excluded(String),
    /// The mentee requires a mentor with lived experience of care.
    LivedExperienceRequired,
    /// The mentee requires a mentor of this gender.
    GenderRequired(String),
    /// The mentor has no room.
    NoCapacity,
}

impl NotAllowed {
    pub fn describe(&self) -> String {
        match self {
            NotAllowed::Excluded(reason) if reason.trim().is_empty() => "excluded".to_owned(),
            NotAllowed::Excluded(reason) => format!("excluded: {}", reason.trim()),
            NotAllowed::LivedExperienceRequired => {
                "the student requires a mentor with lived experience of care".to_owned()
            }
            NotAllowed::GenderRequired(g) => {
                format!("the student only wants {}", mentor_who_is(g))
            }
            NotAllowed::NoCapacity => "the mentor has no room for another student".to_owned(),
        }
    }
}

/// The hard rules, apart from capacity and exclusions (which the caller knows): a preference the
/// mentee marked as required and the mentor doesn't satisfy.
pub fn required_preferences(
    mentor: &MentorProfile,
    mentee: &MenteeProfile,
) -> Result<(), NotAllowed> {
    if mentee.lived_experience == Strength::Required && !mentor.lived_experience {
        return Err(NotAllowed::LivedExperienceRequired);
    }
    if mentee.gender_strength == Strength::Required
        && !mentee.gender.trim().is_empty()
        && !same_text(&mentee.gender, &mentor.gender)
    {
        return Err(NotAllowed::GenderRequired(mentee.gender.clone()));
    }
    Ok(())
}

/// A fraction of a criterion's weight, in sixths (so halves and thirds are exact).
struct Earned {
    sixths: u64,
    reason: String,
}

fn full(reason: impl Into<String>) -> Earned {
    Earned {
        sixths: 6,
        reason: reason.into(),
    }
}

fn nothing(reason: impl Into<String>) -> Earned {
    Earned {
        sixths: 0,
        reason: reason.into(),
    }
}

fn judge(criterion: Criterion, mentor: &MentorProfile, mentee: &MenteeProfile) -> Earned {
    match criterion {
        Criterion::Specialty => {
            if mentee.specialty_interests.is_empty() {
                full("The student gave no specialty interests")
            } else if mentee
                .specialty_interests
                .iter()
                .any(|s| same_text(s, &mentor.specialty))
            {
                full(format!(
                    "Works in {}, which the student is interested in",
                    mentor.specialty.trim()
                ))
            } else {
                nothing(format!(
                    "Works in {}; the student is interested in {}",
                    mentor.specialty.trim(),
                    mentee.specialty_interests.join(", ")
                ))
            }
        }
        Criterion::MeetingMode => {
            if mentee.modes.is_empty() {
                full("The student gave no meeting mode")
            } else if mentor.modes.shares_with(mentee.modes) {
                let shared: Vec<String> = mentor
                    .modes
                    .iter()
                    .filter(|m| mentee.modes.contains(*m))
                    .map(|m| m.label().to_lowercase())
                    .collect();
                full(format!("Both can meet {}", shared.join(" or ")))
            } else {
                nothing(format!(
                    "The mentor meets {}; the student {}",
                    mentor.modes.describe(),
                    mentee.modes.describe()
                ))
            }
        }
        Criterion::Availability => {
            let wanted = u64::from(mentee.availability.count().min(3));
            if wanted == 0 {
                return full("The student gave no times");
            }
            let shared = u64::from(mentor.availability.overlap(mentee.availability));
            let counted = shared.min(wanted);
            Earned {
                sixths: 6 * counted / wanted,
                reason: match shared {
                    0 => "No free times a week in common".to_owned(),
                    1 => "1 time a week in common".to_owned(),
                    n => format!("{n} times a week in common"),
                },
            }
        }
        Criterion::LivedExperience => match mentee.lived_experience {
            Strength::None => {
                full("The student has no wish about a mentor with lived experience of care")
            }
            Strength::Required => full(
                "The student needs a mentor with lived experience of care, and this mentor has that experience",
            ),
            Strength::Preferred if mentor.lived_experience => full(
                "The student would like a mentor with lived experience of care, and this mentor has that experience",
            ),
            Strength::Preferred => nothing(
                "The student would like a mentor with lived experience of care; this mentor has not said they have lived experience of care",
            ),
        },
        Criterion::Gender => {
            if mentee.gender.trim().is_empty() || mentee.gender_strength == Strength::None {
                full("The student has no wish about the mentor's gender")
            } else if mentee.gender_strength == Strength::Required {
                full(format!(
                    "The student needs {}, and this mentor is",
                    mentor_who_is(&mentee.gender)
                ))
            } else if same_text(&mentee.gender, &mentor.gender) {
                full(format!(
                    "The student would like {}, and this mentor is",
                    mentor_who_is(&mentee.gender)
                ))
            } else {
                nothing(format!(
                    "The student would like {}",
                    mentor_who_is(&mentee.gender)
                ))
            }
        }
        Criterion::TeachingHospital => {
            let hospitals = teaching_hospitals(&mentee.university);
            if hospitals.is_empty() {
                full("Not relevant for the student's university")
            } else if hospitals.iter().any(|h| same_text(h, &mentor.organisation)) {
                nothing(format!(
                    "Works at {}, where the student is taught",
                    mentor.organisation.trim()
                ))
            } else {
                full("Works away from where the student is taught")
            }
        }
    }
}

/// Scores a pair. Call [`required_preferences`] first: this doesn't refuse anything.
pub fn score(mentor: &MentorProfile, mentee: &MenteeProfile, weights: Weights) -> Score {
    let total_weight = weights.total().max(1);
    let scale = 6 * total_weight;
    let judged: Vec<(Criterion, u64, Earned)> = Criterion::ALL
        .iter()
        .map(|c| (*c, u64::from(weights.of(*c)), judge(*c, mentor, mentee)))
        .collect();
    let earned: u64 = judged.iter().map(|(_, w, e)| w * e.sixths).sum();
    let total = earned * 1000 / scale;
    // Share the total out by largest remainder, so the parts add up to it exactly.
    let mut parts: Vec<(u64, u64)> = judged
        .iter()
        .map(|(_, w, e)| ((w * e.sixths * 1000) / scale, (w * e.sixths * 1000) % scale))
        .collect();
    let mut left = total - parts.iter().map(|(p, _)| p).sum::<u64>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by_key(|i| (std::cmp::Reverse(parts[*i].1), *i));
    for i in order {
        if left == 0 {
            break;
        }
        if parts[i].1 > 0 {
            parts[i].0 += 1;
            left -= 1;
        }
    }
    Score {
        total: u32::try_from(total).unwrap_or(1000),
        parts: judged
            .into_iter()
            .zip(parts)
            .map(|((criterion, w, e), (points, _))| Part {
                criterion,
                points: u32::try_from(points).unwrap_or(0),
                out_of: u32::try_from(w * 1000 / total_weight).unwrap_or(0),
                reason: e.reason,
            })
            .collect(),
    }
}

/// Reads a `;`-separated list of specialties.
pub fn specialties(text: &str) -> Vec<String> {
    items(text).map(str::to_owned).collect()
}

#[cfg(test)]
mod why_tests {
    use super::*;

    /// Each reason names what the student wants and what the mentor has: no bare "this"/"it".
    #[test]
    fn every_reason_names_what_it_is_about() {
        for (strength, has) in [
            (Strength::None, false),
            (Strength::Required, true),
            (Strength::Preferred, true),
            (Strength::Preferred, false),
        ] {
            let reason = lived_reason(strength, has);
            assert!(reason.contains("lived experience of care"), "{reason}");
            assert!(
                !reason.contains(" this;") && !reason.ends_with(" it"),
                "{reason}"
            );
        }
    }

    fn lived_reason(strength: Strength, has: bool) -> String {
        let mentor = MentorProfile {
            lived_experience: has,
            ..MentorProfile::default()
        };
        let mentee = MenteeProfile {
            lived_experience: strength,
            ..MenteeProfile::default()
        };
        judge(Criterion::LivedExperience, &mentor, &mentee).reason
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mentoring::profile::{Availability, Modes};

    fn mentor() -> MentorProfile {
        MentorProfile {
            organisation: "Alder Hey Children's NHS FT".into(),
            specialty: "Paediatrics".into(),
            modes: Modes::parse("in_person;online").unwrap(),
            availability: Availability::parse("mon_am;tue_pm;wed_eve").unwrap(),
            lived_experience: true,
            gender: "Woman".into(),
        }
    }

    fn mentee() -> MenteeProfile {
        MenteeProfile {
            university: "University of Liverpool".into(),
            specialty_interests: vec!["paediatrics".into(), "Surgery".into()],
            modes: Modes::parse("online").unwrap(),
            availability: Availability::parse("mon_am;tue_pm;wed_eve").unwrap(),
            lived_experience: Strength::Preferred,
            gender: "woman".into(),
            gender_strength: Strength::Preferred,
        }
    }

    fn points(s: &Score, c: Criterion) -> u32 {
        s.parts.iter().find(|p| p.criterion == c).unwrap().points
    }

    #[test]
    fn a_perfect_pair_scores_1000_and_the_parts_add_up() {
        let s = score(&mentor(), &mentee(), Weights::default());
        assert_eq!(s.total, 1000);
        assert_eq!(s.parts.iter().map(|p| p.points).sum::<u32>(), 1000);
        assert_eq!(points(&s, Criterion::Specialty), 350);
        assert_eq!(s.parts.len(), 6);
    }

    #[test]
    fn each_criterion_missed_costs_its_weight() {
        let w = Weights::default();
        let mut m = mentor();
        m.specialty = "Cardiology".into();
        let s = score(&m, &mentee(), w);
        assert_eq!(s.total, 650);
        assert_eq!(points(&s, Criterion::Specialty), 0);
        assert!(s.parts[0].reason.contains("Cardiology"));

        let mut m = mentor();
        m.modes = Modes::parse("in_person").unwrap();
        assert_eq!(score(&m, &mentee(), w).total, 850);

        let mut m = mentor();
        m.lived_experience = false;
        assert_eq!(score(&m, &mentee(), w).total, 900);

        let mut m = mentor();
        m.gender = "Man".into();
        assert_eq!(score(&m, &mentee(), w).total, 950);

        let mut m = mentor();
        m.organisation = "Liverpool University Hospitals NHS FT".into();
        let s = score(&m, &mentee(), w);
        assert_eq!(s.total, 900);
        assert!(s.parts[5].reason.contains("where the student is taught"));
    }

    #[test]
    fn availability_earns_a_share_of_up_to_three_times() {
        let w = Weights::default();
        for (times, expected) in [
            ("mon_am", 1000 - 250 + 83),
            ("mon_am;tue_pm", 1000 - 250 + 166),
            ("sun_eve", 750),
        ] {
            let mut m = mentor();
            m.availability = Availability::parse(times).unwrap();
            let s = score(&m, &mentee(), w);
            assert_eq!(s.total, expected, "{times}");
            assert_eq!(s.parts.iter().map(|p| p.points).sum::<u32>(), s.total);
        }
        // More than three shared times count as three.
        let mut e = mentee();
        e.availability = Availability::parse("mon_am;tue_pm;wed_eve;thu_am;fri_am").unwrap();
        let mut m = mentor();
        m.availability = e.availability;
        assert_eq!(score(&m, &e, w).total, 1000);
    }

    #[test]
    fn criteria_that_do_not_apply_earn_full_marks() {
        let mut e = mentee();
        e.specialty_interests.clear();
        e.modes = Modes::default();
        e.availability = Availability::default();
        e.lived_experience = Strength::None;
        e.gender_strength = Strength::None;
        e.university = "Other".into();
        let mut m = mentor();
        m.specialty = "Cardiology".into();
        m.modes = Modes::default();
        m.lived_experience = false;
        m.organisation = "Liverpool University Hospitals NHS FT".into();
        assert_eq!(score(&m, &e, Weights::default()).total, 1000);
    }

    #[test]
    fn weights_change_the_score_and_are_checked() {
        let mut m = mentor();
        m.specialty = "Cardiology".into();
        let only_specialty = Weights::check([10, 0, 0, 0, 0, 0]).unwrap();
        assert_eq!(score(&m, &mentee(), only_specialty).total, 0);
        let no_specialty = Weights::check([0, 10, 10, 10, 10, 10]).unwrap();
        assert_eq!(score(&m, &mentee(), no_specialty).total, 1000);
        assert!(Weights::check([0; 6]).is_err());
        assert!(Weights::check([101, 0, 0, 0, 0, 0]).is_err());
        assert_eq!(Weights::default().0.iter().sum::<u32>(), 100);
    }

    #[test]
    fn parts_add_up_under_awkward_weights() {
        let w = Weights::check([7, 3, 11, 1, 0, 13]).unwrap();
        for times in ["", "mon_am", "mon_am;tue_pm", "sun_eve"] {
            let mut m = mentor();
            m.availability = Availability::parse(times).unwrap();
            m.lived_experience = false;
            let s = score(&m, &mentee(), w);
            assert_eq!(
                s.parts.iter().map(|p| p.points).sum::<u32>(),
                s.total,
                "{times}"
            );
            assert!(s.total <= 1000);
        }
    }

    #[test]
    fn required_preferences_are_hard_rules() {
        let mut e = mentee();
        e.lived_experience = Strength::Required;
        let mut m = mentor();
        assert_eq!(required_preferences(&m, &e), Ok(()));
        m.lived_experience = false;
        assert_eq!(
            required_preferences(&m, &e),
            Err(NotAllowed::LivedExperienceRequired)
        );

        let mut e = mentee();
        e.gender_strength = Strength::Required;
        let mut m = mentor();
        assert_eq!(required_preferences(&m, &e), Ok(()));
        m.gender = "Man".into();
        assert_eq!(
            required_preferences(&m, &e),
            Err(NotAllowed::GenderRequired("woman".into()))
        );
        // Preferred wishes are never hard rules.
        assert_eq!(required_preferences(&m, &mentee()), Ok(()));
        assert!(
            NotAllowed::GenderRequired("woman".into())
                .describe()
                .contains("woman")
        );
        assert_eq!(NotAllowed::Excluded(" ".into()).describe(), "excluded");
    }
}
