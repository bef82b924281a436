//! Recruitment programmes and the care-experience definition each one uses (DOMAIN.md §3).

use crate::domain::EmailAddress;

/// Which definition of care experience a programme uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CareDefinition {
    /// Looked after for at least 13 weeks between 14 and 16, including a day after turning 16.
    StatutoryCareLeaver,
    /// Any adult who spent time in care before the age of 18 (NHS Employers).
    CareExperienced,
}

impl CareDefinition {
    /// Both, in the order offered.
    pub const ALL: [CareDefinition; 2] = [
        CareDefinition::CareExperienced,
        CareDefinition::StatutoryCareLeaver,
    ];

    /// Stored and submitted name.
    pub fn as_str(self) -> &'static str {
        match self {
            CareDefinition::StatutoryCareLeaver => "statutory_care_leaver",
            CareDefinition::CareExperienced => "care_experienced",
        }
    }

    /// Reads a stored or submitted name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == name)
    }

    /// Its name.
    pub fn label(self) -> &'static str {
        match self {
            CareDefinition::StatutoryCareLeaver => "Care leaver (the legal definition)",
            CareDefinition::CareExperienced => "Care experienced (NHS Employers)",
        }
    }

    /// What it means, in plain words.
    pub fn explanation(self) -> &'static str {
        match self {
            CareDefinition::StatutoryCareLeaver => {
                "Looked after by a local authority for at least 13 weeks between the ages of 14 and 16, including at least one day after their 16th birthday."
            }
            CareDefinition::CareExperienced => {
                "Anyone who spent any time in care before the age of 18."
            }
        }
    }
}

/// The admin's programme form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ProgrammeForm {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Target number of hires.
    pub target_hires: String,
    /// Definition name.
    pub care_definition: String,
    /// Contact name.
    pub contact_name: String,
    /// Contact role.
    pub contact_role: String,
    /// Contact email.
    pub contact_email: String,
    /// Contact phone.
    pub contact_phone: String,
}

/// A checked programme.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgrammeInput {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Target number of hires.
    pub target_hires: i32,
    /// Definition.
    pub care_definition: CareDefinition,
    /// Contact name.
    pub contact_name: String,
    /// Contact role.
    pub contact_role: String,
    /// Contact email.
    pub contact_email: String,
    /// Contact phone.
    pub contact_phone: String,
}

fn text(
    errors: &mut Vec<(&'static str, String)>,
    field: &'static str,
    value: &str,
    empty: &str,
    max: usize,
) -> String {
    let value = value.trim();
    if value.is_empty() {
        errors.push((field, empty.to_owned()));
    } else if value.chars().count() > max {
        errors.push((field, format!("This must be {max} characters or fewer")));
    }
    value.to_owned()
}

impl ProgrammeInput {
    /// Checks the form, returning every field error at once.
    pub fn parse(form: &ProgrammeForm) -> Result<Self, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let name = text(
            &mut errors,
            "name",
            &form.name,
            "Enter the programme's name",
            200,
        );
        let description = text(
            &mut errors,
            "description",
            &form.description,
            "Enter a description",
            5_000,
        );
        let target_hires = match form.target_hires.trim().parse::<i32>() {
            Ok(n) if (1..=10_000).contains(&n) => n,
            _ => {
                errors.push((
                    "target_hires",
                    "Enter the target number of hires as a whole number, like 25".to_owned(),
                ));
                0
            }
        };
        let care_definition = CareDefinition::parse(form.care_definition.trim());
        if care_definition.is_none() {
            errors.push((
                "care_definition",
                "Choose which definition of care experience the programme uses".to_owned(),
            ));
        }
        let contact_name = text(
            &mut errors,
            "contact_name",
            &form.contact_name,
            "Enter the contact's name",
            200,
        );
        let contact_role = text(
            &mut errors,
            "contact_role",
            &form.contact_role,
            "Enter the contact's job title",
            200,
        );
        let contact_email = EmailAddress::parse(&form.contact_email)
            .map(|e| e.to_string())
            .unwrap_or_else(|_| {
                errors.push((
                    "contact_email",
                    "Enter the contact's email address, like name@nhs.net".to_owned(),
                ));
                String::new()
            });
        let contact_phone = text(
            &mut errors,
            "contact_phone",
            &form.contact_phone,
            "Enter the contact's phone number",
            40,
        );
        match care_definition {
            Some(care_definition) if errors.is_empty() => Ok(Self {
                name,
                description,
                target_hires,
                care_definition,
                contact_name,
                contact_role,
                contact_email,
                contact_phone,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> ProgrammeForm {
        ProgrammeForm {
            name: "SPECTRA 25/7".into(),
            description: "Recruit 25 care leavers.".into(),
            target_hires: "25".into(),
            care_definition: "care_experienced".into(),
            contact_name: "Rowan Ellis".into(),
            contact_role: "Programme lead".into(),
            contact_email: "Rowan@nhs.net".into(),
            contact_phone: "0151 000 0000".into(),
        }
    }

    #[test]
    fn parses_a_complete_form() {
        let p = ProgrammeInput::parse(&good()).unwrap();
        assert_eq!(p.target_hires, 25);
        assert_eq!(p.care_definition, CareDefinition::CareExperienced);
        assert_eq!(p.contact_email, "rowan@nhs.net");
    }

    #[test]
    fn reports_every_bad_field() {
        let errors = ProgrammeInput::parse(&ProgrammeForm {
            target_hires: "lots".into(),
            ..ProgrammeForm::default()
        })
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            [
                "name",
                "description",
                "target_hires",
                "care_definition",
                "contact_name",
                "contact_role",
                "contact_email",
                "contact_phone"
            ]
        );
        assert!(
            ProgrammeInput::parse(&ProgrammeForm {
                target_hires: "0".into(),
                ..good()
            })
            .is_err()
        );
    }

    #[test]
    fn definitions_round_trip_and_explain_themselves() {
        for d in CareDefinition::ALL {
            assert_eq!(CareDefinition::parse(d.as_str()), Some(d));
            assert!(d.explanation().ends_with('.'));
        }
    }
}
