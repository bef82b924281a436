//! What a mentor and a mentee tell us (DOMAIN.md §8), with the text forms used in forms, in
//! CSV files and in the database: lists separated by `;`, availability as `mon_am`, `tue_pm`,
//! `wed_eve`.

use std::fmt;

/// How a pair can meet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MeetingMode {
    InPerson,
    Online,
}

impl MeetingMode {
    pub const ALL: [MeetingMode; 2] = [MeetingMode::InPerson, MeetingMode::Online];

    pub fn as_str(self) -> &'static str {
        match self {
            MeetingMode::InPerson => "in_person",
            MeetingMode::Online => "online",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MeetingMode::InPerson => "In person",
            MeetingMode::Online => "Online",
        }
    }

    pub fn parse(text: &str) -> Option<MeetingMode> {
        let text = text.trim();
        MeetingMode::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(text))
    }
}

/// A set of meeting modes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Modes(u8);

impl Modes {
    pub fn of(modes: &[MeetingMode]) -> Modes {
        Modes(modes.iter().fold(0, |bits, m| bits | Self::bit(*m)))
    }

    fn bit(mode: MeetingMode) -> u8 {
        match mode {
            MeetingMode::InPerson => 1,
            MeetingMode::Online => 2,
        }
    }

    pub fn contains(self, mode: MeetingMode) -> bool {
        self.0 & Self::bit(mode) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn shares_with(self, other: Modes) -> bool {
        self.0 & other.0 != 0
    }

    pub fn iter(self) -> impl Iterator<Item = MeetingMode> {
        MeetingMode::ALL
            .into_iter()
            .filter(move |m| self.contains(*m))
    }

    /// Reads `in_person;online`. An empty text is the empty set.
    pub fn parse(text: &str) -> Result<Modes, String> {
        let mut modes = Vec::new();
        for item in items(text) {
            match MeetingMode::parse(item) {
                Some(m) => modes.push(m),
                None => {
                    return Err(format!(
                        "meeting mode \"{item}\" is not one of in_person or online"
                    ));
                }
            }
        }
        Ok(Modes::of(&modes))
    }

    /// Plain words, such as "in person or online".
    pub fn describe(self) -> String {
        let labels: Vec<String> = self.iter().map(|m| m.label().to_lowercase()).collect();
        if labels.is_empty() {
            "none given".to_owned()
        } else {
            labels.join(" or ")
        }
    }
}

impl fmt::Display for Modes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(MeetingMode::as_str).collect();
        f.write_str(&names.join(";"))
    }
}

/// Days of the week, Monday first.
pub const DAYS: [(&str, &str); 7] = [
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
];

/// Parts of a day.
pub const PARTS: [(&str, &str); 3] = [("am", "morning"), ("pm", "afternoon"), ("eve", "evening")];

/// The times of the week someone is free: weekday × morning, afternoon or evening.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Availability(u32);

impl Availability {
    /// The code of one slot, such as `tue_pm`.
    pub fn code(day: usize, part: usize) -> String {
        format!("{}_{}", DAYS[day % 7].0, PARTS[part % 3].0)
    }

    /// Every slot code, Monday morning first.
    pub fn all_codes() -> Vec<String> {
        (0..7)
            .flat_map(|d| (0..3).map(move |p| Availability::code(d, p)))
            .collect()
    }

    fn index_of(code: &str) -> Option<u32> {
        let (day, part) = code.trim().split_once('_')?;
        let d = DAYS.iter().position(|(c, _)| c.eq_ignore_ascii_case(day))?;
        let p = PARTS
            .iter()
            .position(|(c, _)| c.eq_ignore_ascii_case(part))?;
        u32::try_from(d * 3 + p).ok()
    }

    /// Reads `mon_am;tue_pm;wed_eve`. An empty text is no times at all.
    pub fn parse(text: &str) -> Result<Availability, String> {
        let mut bits = 0u32;
        for item in items(text) {
            match Availability::index_of(item) {
                Some(i) => bits |= 1 << i,
                None => {
                    return Err(format!(
                        "availability \"{item}\" is not a day and time like mon_am, tue_pm or wed_eve"
                    ));
                }
            }
        }
        Ok(Availability(bits))
    }

    pub fn contains(self, code: &str) -> bool {
        Availability::index_of(code).is_some_and(|i| self.0 & (1 << i) != 0)
    }

    pub fn count(self) -> u32 {
        self.0.count_ones()
    }

    pub fn overlap(self, other: Availability) -> u32 {
        (self.0 & other.0).count_ones()
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    fn codes(self) -> impl Iterator<Item = (usize, usize)> {
        (0..21usize)
            .filter(move |i| self.0 & (1 << i) != 0)
            .map(|i| (i / 3, i % 3))
    }

    /// Plain words, such as "Monday morning, Tuesday evening".
    pub fn describe(self) -> String {
        let words: Vec<String> = self
            .codes()
            .map(|(d, p)| format!("{} {}", DAYS[d].1, PARTS[p].1))
            .collect();
        if words.is_empty() {
            "none given".to_owned()
        } else {
            words.join(", ")
        }
    }
}

impl fmt::Display for Availability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let codes: Vec<String> = self
            .codes()
            .map(|(d, p)| Availability::code(d, p))
            .collect();
        f.write_str(&codes.join(";"))
    }
}

/// How strongly a mentee wants something of their mentor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Strength {
    /// No wish.
    #[default]
    None,
    /// Counts towards the score.
    Preferred,
    /// A hard rule: mentors without it are never matched.
    Required,
}

impl Strength {
    pub fn as_str(self) -> &'static str {
        match self {
            Strength::None => "",
            Strength::Preferred => "preferred",
            Strength::Required => "required",
        }
    }

    pub fn parse(text: &str) -> Option<Strength> {
        match text.trim().to_ascii_lowercase().as_str() {
            "" => Some(Strength::None),
            "preferred" => Some(Strength::Preferred),
            "required" => Some(Strength::Required),
            _ => None,
        }
    }
}

/// The universities in the pilot.
pub const UNIVERSITIES: [&str; 2] = ["University of Liverpool", "Edge Hill University"];

/// The hospitals where a university's students are taught and assessed. A mentor working
/// there may end up assessing their mentee, so the score prefers mentors elsewhere.
pub fn teaching_hospitals(university: &str) -> &'static [&'static str] {
    match university.trim() {
        u if u.eq_ignore_ascii_case("University of Liverpool") => {
            &["Liverpool University Hospitals NHS FT"]
        }
        u if u.eq_ignore_ascii_case("Edge Hill University") => {
            &["Mersey and West Lancashire Teaching Hospitals NHS Trust"]
        }
        _ => &[],
    }
}

/// What the matcher needs to know of a mentor.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MentorProfile {
    pub organisation: String,
    pub specialty: String,
    pub modes: Modes,
    pub availability: Availability,
    pub lived_experience: bool,
    pub gender: String,
}

/// What the matcher needs to know of a mentee.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MenteeProfile {
    pub university: String,
    pub specialty_interests: Vec<String>,
    pub modes: Modes,
    pub availability: Availability,
    pub lived_experience: Strength,
    pub gender: String,
    pub gender_strength: Strength,
}

/// The items of a `;`-separated list, trimmed, without empty ones.
pub fn items(text: &str) -> impl Iterator<Item = &str> {
    text.split(';').map(str::trim).filter(|s| !s.is_empty())
}

/// Joins a list for storage.
pub fn join(list: &[String]) -> String {
    list.join(";")
}

/// Compares two free-text values, ignoring case and surrounding spaces.
pub fn same_text(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// A student's gender wish in plain words: "a mentor who is a woman", "a mentor who is
/// non-binary". Nouns such as "woman" get "a"; other words are used as typed, in lower case.
pub fn mentor_who_is(gender: &str) -> String {
    let g = gender.trim().to_lowercase();
    let noun = g.ends_with("man") || g.ends_with("person");
    if noun && !g.starts_with("a ") && !g.starts_with("an ") {
        format!("a mentor who is a {g}")
    } else {
        format!("a mentor who is {g}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gender_wish_reads_naturally() {
        assert_eq!(mentor_who_is("Woman"), "a mentor who is a woman");
        assert_eq!(mentor_who_is(" man "), "a mentor who is a man");
        assert_eq!(
            mentor_who_is("trans woman"),
            "a mentor who is a trans woman"
        );
        assert_eq!(mentor_who_is("Non-binary"), "a mentor who is non-binary");
        assert_eq!(mentor_who_is("female"), "a mentor who is female");
        assert_eq!(mentor_who_is("a woman"), "a mentor who is a woman");
    }

    #[test]
    fn modes_round_trip_and_refuse_unknown_ones() {
        let modes = Modes::parse(" online ; in_person").unwrap();
        assert!(modes.contains(MeetingMode::Online) && modes.contains(MeetingMode::InPerson));
        assert_eq!(modes.to_string(), "in_person;online");
        assert_eq!(modes.describe(), "in person or online");
        assert!(Modes::parse("").unwrap().is_empty());
        assert_eq!(Modes::parse("").unwrap().describe(), "none given");
        let err = Modes::parse("online;phone").unwrap_err();
        assert!(err.contains("\"phone\""), "{err}");
        assert!(
            Modes::parse("in_person")
                .unwrap()
                .shares_with(Modes::parse("in_person;online").unwrap())
        );
        assert!(
            !Modes::parse("in_person")
                .unwrap()
                .shares_with(Modes::parse("online").unwrap())
        );
    }

    #[test]
    fn availability_round_trips_and_counts_overlap() {
        let a = Availability::parse("mon_am;tue_pm;wed_eve").unwrap();
        let b = Availability::parse("TUE_PM; wed_eve;sun_eve").unwrap();
        assert_eq!(a.to_string(), "mon_am;tue_pm;wed_eve");
        assert_eq!(a.count(), 3);
        assert_eq!(a.overlap(b), 2);
        assert!(a.contains("mon_am") && !a.contains("mon_pm") && !a.contains("nonsense"));
        assert_eq!(
            a.describe(),
            "Monday morning, Tuesday afternoon, Wednesday evening"
        );
        assert_eq!(Availability::all_codes().len(), 21);
        assert_eq!(Availability::all_codes()[20], "sun_eve");
        for bad in ["mon", "mon_night", "monday_am", "_am"] {
            assert!(Availability::parse(bad).is_err(), "{bad}");
        }
        assert!(Availability::parse(" ; ").unwrap().is_empty());
    }

    #[test]
    fn strengths_parse() {
        assert_eq!(Strength::parse(""), Some(Strength::None));
        assert_eq!(Strength::parse("Required"), Some(Strength::Required));
        assert_eq!(Strength::parse("preferred"), Some(Strength::Preferred));
        assert_eq!(Strength::parse("maybe"), None);
        assert_eq!(Strength::Preferred.as_str(), "preferred");
    }

    #[test]
    fn teaching_hospitals_are_known_for_the_pilot_universities_only() {
        assert_eq!(teaching_hospitals("university of liverpool").len(), 1);
        assert_eq!(teaching_hospitals("Edge Hill University").len(), 1);
        assert!(teaching_hospitals("Lancaster University").is_empty());
    }
}
