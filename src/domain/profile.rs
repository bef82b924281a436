//! The applicant's profile and their care-experience declaration (DOMAIN.md §3): voluntary,
//! self-declared, and explained before it is asked.

/// The answer to "Have you been in care?".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CareExperience {
    /// Declares care experience.
    Yes,
    /// Does not.
    No,
    /// Chooses not to say; treated as not declared.
    PreferNotToSay,
}

impl CareExperience {
    /// Every answer, in the order offered.
    pub const ALL: [CareExperience; 3] = [
        CareExperience::Yes,
        CareExperience::No,
        CareExperience::PreferNotToSay,
    ];

    /// Stored and submitted name.
    pub fn as_str(self) -> &'static str {
        match self {
            CareExperience::Yes => "yes",
            CareExperience::No => "no",
            CareExperience::PreferNotToSay => "prefer_not_to_say",
        }
    }

    /// Reads a stored or submitted name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// Shown to the applicant.
    pub fn label(self) -> &'static str {
        match self {
            CareExperience::Yes => "Yes, I have been in care",
            CareExperience::No => "No",
            CareExperience::PreferNotToSay => "I prefer not to say",
        }
    }
}

/// How the applicant likes to be contacted.
pub const CONTACT_PREFERENCES: [(&str, &str); 3] = [
    ("email", "Email"),
    ("phone", "Phone call"),
    ("text", "Text message"),
];

/// The profile form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ProfileForm {
    /// Phone number (optional unless phone or text is preferred).
    pub phone: String,
    /// "email", "phone" or "text".
    pub contact_preference: String,
    /// The declaration.
    pub care_experience: String,
    /// Local authority that looked after them (optional).
    pub local_authority: String,
    /// Personal adviser's name (optional).
    pub adviser_name: String,
    /// Personal adviser's email or phone (optional).
    pub adviser_contact: String,
    /// Support they need to apply or to work.
    pub adjustments: String,
}

/// A checked profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileInput {
    /// Phone number, or empty.
    pub phone: String,
    /// Contact preference.
    pub contact_preference: &'static str,
    /// The declaration.
    pub care_experience: CareExperience,
    /// Local authority, or empty.
    pub local_authority: String,
    /// Adviser's name, or empty.
    pub adviser_name: String,
    /// Adviser's contact, or empty.
    pub adviser_contact: String,
    /// Adjustments, or empty.
    pub adjustments: String,
}

/// The longest adjustments text accepted.
pub const MAX_ADJUSTMENTS: usize = 2_000;

impl ProfileInput {
    /// Checks the form, returning every field error at once. Care details given with an
    /// answer other than "yes" are dropped rather than kept.
    pub fn parse(form: &ProfileForm) -> Result<Self, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let contact_preference = CONTACT_PREFERENCES
            .iter()
            .find(|(k, _)| *k == form.contact_preference.trim())
            .map(|(k, _)| *k);
        if contact_preference.is_none() {
            errors.push((
                "contact_preference",
                "Choose how you would like us to contact you".to_owned(),
            ));
        }
        let phone = form.phone.trim().to_owned();
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        if !phone.is_empty()
            && (!(10..=15).contains(&digits)
                || phone
                    .chars()
                    .any(|c| !(c.is_ascii_digit() || " +()-".contains(c))))
        {
            errors.push((
                "phone",
                "Enter a phone number, like 07700 900 982".to_owned(),
            ));
        } else if phone.is_empty() && matches!(contact_preference, Some("phone" | "text")) {
            errors.push((
                "phone",
                "Enter a phone number so we can call or text you".to_owned(),
            ));
        }
        let care_experience = CareExperience::parse(form.care_experience.trim());
        if care_experience.is_none() {
            errors.push((
                "care_experience",
                "Choose an answer. You can choose \"I prefer not to say\"".to_owned(),
            ));
        }
        for (field, value, max) in [
            ("local_authority", &form.local_authority, 200),
            ("adviser_name", &form.adviser_name, 200),
            ("adviser_contact", &form.adviser_contact, 254),
            ("adjustments", &form.adjustments, MAX_ADJUSTMENTS),
        ] {
            if value.trim().chars().count() > max {
                errors.push((field, format!("This must be {max} characters or fewer")));
            }
        }
        match (contact_preference, care_experience) {
            (Some(contact_preference), Some(care_experience)) if errors.is_empty() => {
                let keep = |v: &str| {
                    if care_experience == CareExperience::Yes {
                        v.trim().to_owned()
                    } else {
                        String::new()
                    }
                };
                Ok(Self {
                    phone,
                    contact_preference,
                    care_experience,
                    local_authority: keep(&form.local_authority),
                    adviser_name: keep(&form.adviser_name),
                    adviser_contact: keep(&form.adviser_contact),
                    adjustments: form.adjustments.trim().to_owned(),
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> ProfileForm {
        ProfileForm {
            phone: "07700 900 982".into(),
            contact_preference: "text".into(),
            care_experience: "yes".into(),
            local_authority: "Liverpool City Council".into(),
            adviser_name: "Sam".into(),
            adviser_contact: "sam@example.org".into(),
            adjustments: "Extra time, please".into(),
        }
    }

    #[test]
    fn keeps_care_details_only_with_a_yes() {
        let yes = ProfileInput::parse(&good()).unwrap();
        assert_eq!(yes.local_authority, "Liverpool City Council");
        let no = ProfileInput::parse(&ProfileForm {
            care_experience: "prefer_not_to_say".into(),
            ..good()
        })
        .unwrap();
        assert_eq!(
            (no.local_authority.as_str(), no.adviser_name.as_str()),
            ("", "")
        );
        assert_eq!(no.adjustments, "Extra time, please");
    }

    #[test]
    fn refuses_missing_answers_and_needs_a_phone_for_calls_and_texts() {
        let errors = ProfileInput::parse(&ProfileForm::default()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["contact_preference", "care_experience"]);
        let no_phone = ProfileInput::parse(&ProfileForm {
            phone: String::new(),
            ..good()
        })
        .unwrap_err();
        assert_eq!(no_phone[0].0, "phone");
        let bad_phone = ProfileInput::parse(&ProfileForm {
            phone: "ring me".into(),
            ..good()
        })
        .unwrap_err();
        assert_eq!(bad_phone[0].0, "phone");
        let email_only = ProfileInput::parse(&ProfileForm {
            phone: String::new(),
            contact_preference: "email".into(),
            ..good()
        });
        assert!(email_only.is_ok());
    }

    #[test]
    fn limits_lengths() {
        let long = ProfileInput::parse(&ProfileForm {
            adjustments: "x".repeat(MAX_ADJUSTMENTS + 1),
            ..good()
        })
        .unwrap_err();
        assert_eq!(long[0].0, "adjustments");
    }

    #[test]
    fn answers_round_trip() {
        for c in CareExperience::ALL {
            assert_eq!(CareExperience::parse(c.as_str()), Some(c));
        }
    }
}
