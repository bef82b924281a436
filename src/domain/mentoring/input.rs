//! The mentoring forms, read into checked input: a student's sign-up, the coordinator's mentor
//! form and the pilot's settings. Each `parse` returns every field's error at once, by the
//! field's `id` in the form, in the order the form asks.

use serde::{Deserialize, Deserializer};

use crate::domain::mentoring::files::{MenteeRecord, MentorRecord};
use crate::domain::mentoring::pilot::MAX_CAP;
use crate::domain::mentoring::profile::{
    Availability, MeetingMode, Modes, Strength, UNIVERSITIES, join,
};
use crate::domain::mentoring::scoring::{Criterion, Weights};
use crate::domain::vacancy::FieldError;
use crate::domain::{EmailAddress, FullName};

/// The longest free text accepted in a field.
const MAX_TEXT: usize = 200;
/// The longest declared conflicts accepted.
const MAX_CONFLICTS: usize = 2000;
/// The value of the "Other" university radio.
pub const OTHER_UNIVERSITY: &str = "other";

/// Keeps the value of a checked field, or records why it is wrong.
fn check<T>(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    result: Result<T, &'static str>,
) -> Option<T> {
    result.map_err(|m| errors.push((field, m.to_owned()))).ok()
}

/// Reads ticked meeting modes; at least one is needed.
pub fn parse_modes(chosen: &[String]) -> Result<Modes, &'static str> {
    let mut modes = Vec::new();
    for value in chosen {
        modes.push(MeetingMode::parse(value).ok_or("Choose in person, online or both")?);
    }
    let modes = Modes::of(&modes);
    if modes.is_empty() {
        Err("Choose in person, online or both")
    } else {
        Ok(modes)
    }
}

/// Reads ticked times; at least one is needed.
pub fn parse_availability(chosen: &[String]) -> Result<Availability, &'static str> {
    let availability =
        Availability::parse(&join(chosen)).map_err(|_| "Choose times from the list")?;
    if availability.is_empty() {
        Err("Choose at least one time when you are free")
    } else {
        Ok(availability)
    }
}

/// Checks an optional free-text answer.
pub fn optional_text(value: &str, too_long: &'static str) -> Result<String, &'static str> {
    let value = value.trim();
    if value.chars().count() > MAX_TEXT || value.chars().any(char::is_control) {
        Err(too_long)
    } else {
        Ok(value.to_owned())
    }
}

/// A free-text answer that must be given.
fn required_text(
    errors: &mut Vec<FieldError>,
    value: &str,
    field: &'static str,
    missing: &'static str,
) -> String {
    match optional_text(value, "Must be 200 characters or fewer") {
        Ok(v) if v.is_empty() => {
            errors.push((field, missing.to_owned()));
            v
        }
        Ok(v) => v,
        Err(m) => {
            errors.push((field, m.to_owned()));
            String::new()
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A student's sign-up

/// The answers of the sign-up form as typed (one `modes` and one `availability` field per
/// ticked box), to show the form again.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignUpForm {
    pub university: String,
    pub other_university: String,
    pub year: String,
    pub interests: String,
    pub modes: Vec<String>,
    pub availability: Vec<String>,
    pub lived_experience: String,
    pub gender_preference: String,
    pub gender_strength: String,
    pub conflicts: String,
    #[serde(deserialize_with = "ticked")]
    pub consent: bool,
}

/// A checkbox sent as `yes` is ticked; anything else is not.
fn ticked<'de, D: Deserializer<'de>>(value: D) -> Result<bool, D::Error> {
    Ok(String::deserialize(value)? == "yes")
}

/// What a student tells us when they sign up, beyond the spreadsheet's columns.
#[derive(Clone, Debug)]
pub struct SignUpInput {
    /// Their answers, in the spreadsheet's shape (the reference is given when stored).
    pub record: MenteeRecord,
    /// Conflicts of interest they declared, in their words.
    pub declared_conflicts: String,
}

impl SignUpInput {
    /// Checks the answers. Name and email come from the account.
    pub fn parse(form: &SignUpForm, name: &str, email: &str) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let university = university(&mut errors, form);
        let year = form
            .year
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|y| (1..=6).contains(y));
        if year.is_none() {
            errors.push(("year", "Choose your year of study, from 1 to 6".into()));
        }
        let interests: Vec<String> = form
            .interests
            .split([',', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if interests
            .iter()
            .any(|i| i.chars().count() > MAX_TEXT || i.chars().any(char::is_control))
            || join(&interests).chars().count() > 1000
        {
            errors.push(("interests", "Specialty interests must be shorter".into()));
        }
        let modes = check(&mut errors, "modes", parse_modes(&form.modes));
        let availability = check(
            &mut errors,
            "availability",
            parse_availability(&form.availability),
        );
        let lived_experience = match form.lived_experience.as_str() {
            "" | "none" => Strength::None,
            other => Strength::parse(other).unwrap_or_else(|| {
                errors.push(("lived_experience", "Choose an answer from the list".into()));
                Strength::None
            }),
        };
        let (gender_preference, gender_strength) = gender_wish(&mut errors, form);
        let conflicts = form.conflicts.trim().to_owned();
        if conflicts.chars().count() > MAX_CONFLICTS {
            errors.push((
                "conflicts",
                "Conflicts of interest must be 2000 characters or fewer".into(),
            ));
        }
        if !form.consent {
            errors.push((
                "consent",
                "Confirm that you agree to how we use your information".into(),
            ));
        }
        match (university, year, modes, availability) {
            (Some(university), Some(year_of_study), Some(modes), Some(availability))
                if errors.is_empty() =>
            {
                Ok(SignUpInput {
                    record: MenteeRecord {
                        id: String::new(),
                        name: name.to_owned(),
                        email: email.to_owned(),
                        university,
                        year_of_study,
                        specialty_interests: interests,
                        modes,
                        availability,
                        lived_experience,
                        gender_preference,
                        gender_strength,
                    },
                    declared_conflicts: conflicts,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The university chosen, or the one typed under "Other".
fn university(errors: &mut Vec<FieldError>, form: &SignUpForm) -> Option<String> {
    match form.university.as_str() {
        OTHER_UNIVERSITY => match optional_text(
            &form.other_university,
            "University must be 200 characters or fewer",
        ) {
            Ok(u) if u.is_empty() => {
                errors.push((
                    "other_university",
                    "Enter the name of your university".into(),
                ));
                None
            }
            Ok(u) => Some(u),
            Err(m) => {
                errors.push(("other_university", m.into()));
                None
            }
        },
        u if UNIVERSITIES.contains(&u) => Some(u.to_owned()),
        _ => {
            errors.push(("university", "Choose your university".into()));
            None
        }
    }
}

/// The gender the student would like their mentor to be, and how strongly: both or neither.
fn gender_wish(errors: &mut Vec<FieldError>, form: &SignUpForm) -> (String, Strength) {
    let preference = check(
        errors,
        "gender_preference",
        optional_text(
            &form.gender_preference,
            "The gender you would like your mentor to be must be 200 characters or fewer",
        ),
    )
    .unwrap_or_default();
    let strength = match Strength::parse(&form.gender_strength) {
        Some(s) if !preference.is_empty() && s == Strength::None => {
            errors.push((
                "gender_strength",
                "Choose whether the mentor's gender is preferred or required".into(),
            ));
            s
        }
        Some(s) if preference.is_empty() && s != Strength::None => {
            errors.push((
                "gender_preference",
                "Enter the gender you would like your mentor to be, or leave both questions blank"
                    .into(),
            ));
            s
        }
        Some(s) => s,
        None => {
            errors.push(("gender_strength", "Choose preferred or required".into()));
            Strength::None
        }
    };
    (preference, strength)
}

// ---------------------------------------------------------------------------------------------
// The coordinator's mentor form

/// The mentor form as typed (one `modes` and one `availability` field per ticked box).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct MentorForm {
    pub full_name: String,
    pub email: String,
    pub organisation: String,
    pub grade: String,
    pub specialty: String,
    pub capacity: String,
    pub modes: Vec<String>,
    pub availability: Vec<String>,
    pub lived_experience: String,
    pub gender: String,
}

/// A checked mentor, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MentorInput {
    /// The mentor in the spreadsheet's shape; the reference is given when stored.
    pub record: MentorRecord,
}

impl MentorInput {
    /// Checks the form.
    pub fn parse(form: &MentorForm) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = check(
            &mut errors,
            "full_name",
            FullName::parse(&form.full_name).map_err(|_| "Enter the mentor's full name"),
        );
        let email = check(
            &mut errors,
            "email",
            EmailAddress::parse(&form.email)
                .map_err(|_| "Enter an email address in the right format, like name@example.org"),
        );
        let organisation = required_text(
            &mut errors,
            &form.organisation,
            "organisation",
            "Enter the mentor's organisation",
        );
        let grade = required_text(
            &mut errors,
            &form.grade,
            "grade",
            "Enter the mentor's grade",
        );
        let specialty = required_text(
            &mut errors,
            &form.specialty,
            "specialty",
            "Enter the mentor's specialty",
        );
        let capacity = form
            .capacity
            .parse::<u32>()
            .ok()
            .filter(|c| (1..=3).contains(c));
        if capacity.is_none() {
            errors.push((
                "capacity",
                "Choose how many students they can mentor, from 1 to 3".into(),
            ));
        }
        let modes = check(&mut errors, "modes", parse_modes(&form.modes));
        let availability = check(
            &mut errors,
            "availability",
            parse_availability(&form.availability)
                .map_err(|_| "Choose at least one time when the mentor is free"),
        );
        let lived_experience = match form.lived_experience.as_str() {
            "yes" => Some(true),
            "no" | "not_said" => Some(false),
            _ => {
                errors.push((
                    "lived_experience",
                    "Choose whether the mentor has been in care, or that they prefer not to say"
                        .into(),
                ));
                None
            }
        };
        let gender = check(
            &mut errors,
            "gender",
            optional_text(&form.gender, "Gender must be 200 characters or fewer"),
        )
        .unwrap_or_default();
        match (name, email, capacity, modes, availability, lived_experience) {
            (
                Some(name),
                Some(email),
                Some(capacity),
                Some(modes),
                Some(availability),
                Some(lived_experience),
            ) if errors.is_empty() => Ok(MentorInput {
                record: MentorRecord {
                    id: String::new(),
                    name: name.into_string(),
                    email: email.as_str().to_owned(),
                    organisation,
                    grade,
                    specialty,
                    capacity,
                    modes,
                    availability,
                    lived_experience,
                    gender,
                },
            }),
            _ => Err(errors),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The pilot's settings

/// The settings form's field for a criterion's weight.
pub fn weight_field(c: Criterion) -> String {
    format!("weight_{}", c.key())
}

/// The settings form as typed: the cap, and a weight for each criterion in
/// [`Criterion::ALL`]'s order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SettingsForm {
    pub cap: String,
    pub weights: [String; 6],
}

/// Checked settings, ready to store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SettingsInput {
    /// The most students approved at once.
    pub cap: u32,
    /// The weights of the matching's criteria.
    pub weights: Weights,
}

impl SettingsInput {
    /// Checks the form, given how many students are approved now (the cap cannot go below
    /// them). The weights are checked together only once everything else is right. Field
    /// names are owned, as a weight's field is named after its criterion.
    pub fn parse(form: &SettingsForm, approved: u64) -> Result<Self, Vec<(String, String)>> {
        let mut errors: Vec<(String, String)> = Vec::new();
        let cap = match form.cap.trim().parse::<u32>() {
            Ok(c) if c > MAX_CAP => {
                errors.push(("cap".into(), format!("The cap must be {MAX_CAP} or fewer")));
                None
            }
            Ok(c) if u64::from(c) < approved => {
                errors.push((
                    "cap".into(),
                    format!(
                        "The cap must be at least {approved}, the number of students already approved"
                    ),
                ));
                None
            }
            Ok(c) => Some(c),
            Err(_) => {
                errors.push((
                    "cap".into(),
                    "Enter the cap as a whole number, like 30".into(),
                ));
                None
            }
        };
        let mut values = [0u32; 6];
        for (i, c) in Criterion::ALL.into_iter().enumerate() {
            match form.weights[i].trim().parse::<u32>() {
                Ok(w) if w <= 100 => values[i] = w,
                _ => errors.push((
                    weight_field(c),
                    format!(
                        "Enter the weight of \"{}\" as a whole number from 0 to 100",
                        c.label()
                    ),
                )),
            }
        }
        let (Some(cap), true) = (cap, errors.is_empty()) else {
            return Err(errors);
        };
        match Weights::check(values) {
            Ok(weights) => Ok(SettingsInput { cap, weights }),
            Err(m) => Err(vec![(weight_field(Criterion::ALL[0]), m.to_owned())]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(errors: &[(impl AsRef<str>, String)], field: &str) -> bool {
        errors.iter().any(|(f, _)| f.as_ref() == field)
    }

    fn good() -> SignUpForm {
        SignUpForm {
            university: "Edge Hill University".into(),
            year: "3".into(),
            interests: "Paediatrics, Surgery; GP".into(),
            modes: vec!["online".into()],
            availability: vec!["mon_am".into(), "sun_eve".into()],
            lived_experience: "preferred".into(),
            consent: true,
            ..SignUpForm::default()
        }
    }

    fn sign_up(form: &SignUpForm) -> Result<SignUpInput, Vec<FieldError>> {
        SignUpInput::parse(form, "Sam Green", "sam@example.org")
    }

    #[test]
    fn reads_a_good_sign_up() {
        let s = sign_up(&good()).unwrap();
        assert_eq!(
            s.record.specialty_interests,
            ["Paediatrics", "Surgery", "GP"]
        );
        assert_eq!(s.record.availability.to_string(), "mon_am;sun_eve");
        assert_eq!(s.record.lived_experience, Strength::Preferred);
        assert_eq!(s.record.gender_strength, Strength::None);
        assert_eq!(
            (s.record.name.as_str(), s.record.email.as_str()),
            ("Sam Green", "sam@example.org")
        );
    }

    #[test]
    fn other_university_needs_a_name() {
        let mut f = good();
        f.university = OTHER_UNIVERSITY.into();
        assert!(has(&sign_up(&f).unwrap_err(), "other_university"));
        f.other_university = "Lancaster University".into();
        assert_eq!(
            sign_up(&f).unwrap().record.university,
            "Lancaster University"
        );
    }

    #[test]
    fn refuses_missing_answers_and_consent() {
        let errors = sign_up(&SignUpForm::default()).unwrap_err();
        for field in ["university", "year", "modes", "availability", "consent"] {
            assert!(has(&errors, field), "{field}");
        }
    }

    #[test]
    fn a_gender_wish_needs_its_strength_and_the_other_way_round() {
        let mut f = good();
        f.gender_preference = "Woman".into();
        assert!(has(&sign_up(&f).unwrap_err(), "gender_strength"));
        f.gender_strength = "required".into();
        assert_eq!(
            sign_up(&f).unwrap().record.gender_strength,
            Strength::Required
        );
        f.gender_preference = String::new();
        assert!(has(&sign_up(&f).unwrap_err(), "gender_preference"));
    }

    #[test]
    fn long_conflicts_and_unknown_answers_are_refused() {
        let mut f = good();
        f.conflicts = "x".repeat(2001);
        f.lived_experience = "always".into();
        f.modes = vec!["by post".into()];
        let errors = sign_up(&f).unwrap_err();
        for field in ["conflicts", "lived_experience", "modes"] {
            assert!(has(&errors, field), "{field}");
        }
    }

    fn mentor() -> MentorForm {
        MentorForm {
            full_name: "Dr Ada Jones".into(),
            email: "ada@example.org".into(),
            organisation: "Alder Hey".into(),
            grade: "Consultant".into(),
            specialty: "Paediatrics".into(),
            capacity: "2".into(),
            modes: vec!["in_person".into(), "online".into()],
            availability: vec!["tue_pm".into()],
            lived_experience: "not_said".into(),
            gender: String::new(),
        }
    }

    #[test]
    fn reads_a_good_mentor() {
        let m = MentorInput::parse(&mentor()).unwrap().record;
        assert_eq!(m.name, "Dr Ada Jones");
        assert_eq!(m.capacity, 2);
        assert!(!m.lived_experience);
        assert!(m.id.is_empty());
    }

    #[test]
    fn the_mentor_form_needs_every_answer() {
        let errors = MentorInput::parse(&MentorForm::default()).unwrap_err();
        for f in [
            "full_name",
            "email",
            "organisation",
            "grade",
            "specialty",
            "capacity",
            "modes",
            "availability",
            "lived_experience",
        ] {
            assert!(has(&errors, f), "{f}");
        }
    }

    #[test]
    fn a_mentor_takes_one_to_three_students() {
        for (capacity, ok) in [("0", false), ("1", true), ("3", true), ("4", false)] {
            let mut f = mentor();
            f.capacity = capacity.into();
            assert_eq!(MentorInput::parse(&f).is_ok(), ok, "{capacity}");
        }
    }

    fn settings(cap: &str, weights: [&str; 6]) -> SettingsForm {
        SettingsForm {
            cap: cap.into(),
            weights: weights.map(str::to_owned),
        }
    }

    #[test]
    fn settings_are_read_and_the_cap_stays_above_those_approved() {
        let ok = SettingsInput::parse(&settings("30", ["1", "2", "3", "4", "5", "6"]), 3).unwrap();
        assert_eq!(ok.cap, 30);
        let errors =
            SettingsInput::parse(&settings("2", ["1", "2", "3", "4", "5", "6"]), 3).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].1.contains("at least 3"));
        assert!(has(
            &SettingsInput::parse(&settings("lots", ["1"; 6]), 0).unwrap_err(),
            "cap"
        ));
        assert!(has(
            &SettingsInput::parse(&settings("20000", ["1"; 6]), 0).unwrap_err(),
            "cap"
        ));
    }

    #[test]
    fn weights_are_checked_one_by_one_then_together() {
        let field = weight_field(Criterion::ALL[1]);
        let errors =
            SettingsInput::parse(&settings("30", ["1", "101", "3", "4", "5", "6"]), 0).unwrap_err();
        assert!(has(&errors, &field));
        let none = SettingsInput::parse(&settings("30", ["0"; 6]), 0).unwrap_err();
        assert_eq!(
            none,
            [(
                weight_field(Criterion::ALL[0]),
                "At least one weight must be more than 0".to_owned()
            )]
        );
        // A wrong cap is shown alone: the weights are not summed until the rest is right.
        let both = SettingsInput::parse(&settings("x", ["0"; 6]), 0).unwrap_err();
        assert_eq!(both.len(), 1);
    }
}
