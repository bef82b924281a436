//! The partner organisations and their ODS codes (the NHS's Organisation Data Service), and
//! the rules for an administrator adding, changing and deactivating an organisation.

use unicode_normalization::UnicodeNormalization;

/// The partner organisations (DOMAIN.md §1) with their ODS codes.
pub const PARTNERS: [(&str, &str); 8] = [
    ("Alder Hey Children's NHS FT", "RBS"),
    ("Liverpool University Hospitals NHS FT", "REM"),
    ("Liverpool Women's NHS FT", "REP"),
    ("Liverpool Heart and Chest Hospital NHS FT", "RBQ"),
    ("The Clatterbridge Cancer Centre NHS FT", "REN"),
    ("The Walton Centre NHS FT", "RET"),
    ("Mersey Care NHS FT", "RW4"),
    ("NHS Cheshire and Merseyside (the ICB)", "QYG"),
];

/// The ODS code of a partner organisation known by this name.
pub fn known_ods_code(name: &str) -> Option<&'static str> {
    PARTNERS
        .iter()
        .find(|(partner, _)| *partner == name)
        .map(|(_, code)| *code)
}

/// An ODS code as typed: trimmed and upper-cased, if it has the shape of one (3 to 6 letters
/// and digits).
pub fn parse_ods_code(input: &str) -> Option<String> {
    let code = input.trim().to_ascii_uppercase();
    let shaped = (3..=6).contains(&code.len()) && code.chars().all(|c| c.is_ascii_alphanumeric());
    shaped.then_some(code)
}

/// The longest organisation name accepted (the column holds 200 characters).
pub const NAME_MAX: usize = 200;

/// Characters that show nothing but can reorder or hide text (zero-width spaces and joiners,
/// direction marks and overrides, the byte order mark): refused, so that a name reads as it
/// is stored and two names that look the same are the same.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// An organisation's name: plain text of 1 to [`NAME_MAX`] characters, trimmed, with runs of
/// spaces collapsed, and no control or invisible characters. Anything else a person can read
/// is allowed (apostrophes, brackets, "&"): pages escape it when they show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrganisationName(String);

impl OrganisationName {
    /// Checks a name as typed, returning the message to show beside the field when it is wrong.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err("Enter the organisation's name");
        }
        if name.chars().count() > NAME_MAX {
            return Err("The organisation's name must be 200 characters or fewer");
        }
        if name.chars().any(|c| c.is_control() || is_invisible(c)) {
            return Err(
                "The organisation's name must only include letters, numbers, spaces and punctuation",
            );
        }
        Ok(Self(name))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a name is compared by: its Unicode compatibility form (NFKC: a full-width "Ａ" is an
/// "A", a ligature is its letters), typographic quotes and dashes as plain ones, full case
/// folding ("Straße" and "STRASSE" fold alike), runs of spaces as one, and a final NFKC so
/// that folding leaves a normal form.
pub fn name_key(name: &str) -> String {
    let compatible: String = name.nfkc().map(plain_punctuation).collect();
    let folded = caseless::default_case_fold_str(&compatible);
    folded
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .nfkc()
        .collect()
}

/// A typographic quote or dash as the plain one a keyboard types.
fn plain_punctuation(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{00B4}'
        | '\u{0060}' | '\u{02BC}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        c => c,
    }
}

/// Whether two names would be taken for the same organisation: [`name_key`] alike.
pub fn same_name(a: &str, b: &str) -> bool {
    name_key(a) == name_key(b)
}

/// The admin's organisation form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct OrganisationForm {
    /// Name.
    pub name: String,
    /// ODS code, or blank.
    pub ods_code: String,
}

impl OrganisationForm {
    /// The form filled in with an organisation as stored, to change it.
    pub fn of(name: &str, ods_code: Option<&str>) -> Self {
        Self {
            name: name.to_owned(),
            ods_code: ods_code.unwrap_or_default().to_owned(),
        }
    }
}

/// A checked organisation: what an administrator adds or changes it to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrganisationInput {
    /// Its name.
    pub name: OrganisationName,
    /// Its ODS code, upper case; none when left blank (not every partner has one).
    pub ods_code: Option<String>,
}

impl OrganisationInput {
    /// Checks the form, returning every field error at once.
    pub fn parse(form: &OrganisationForm) -> Result<Self, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let name = OrganisationName::parse(&form.name)
            .map_err(|m| errors.push(("name", m.to_owned())))
            .ok();
        let ods_code = if form.ods_code.trim().is_empty() {
            Some(None)
        } else {
            let parsed = parse_ods_code(&form.ods_code);
            if parsed.is_none() {
                errors.push((
                    "ods_code",
                    "Enter an ODS code of 3 to 6 letters and numbers, like RBS, or leave it blank"
                        .to_owned(),
                ));
            }
            parsed.map(Some)
        };
        match (name, ods_code) {
            (Some(name), Some(ods_code)) if errors.is_empty() => Ok(Self { name, ods_code }),
            _ => Err(errors),
        }
    }
}

/// One field an administrator changed, with its value before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    /// The field's name: `name` or `ods_code`.
    pub field: &'static str,
    /// Its value before (none for a blank ODS code).
    pub from: Option<String>,
    /// Its value after.
    pub to: Option<String>,
}

/// The fields that differ between an organisation as stored and as changed, in form order.
/// A name changed only in its case or spacing is a change (it is how it will be shown).
pub fn changes(name: &str, ods_code: Option<&str>, to: &OrganisationInput) -> Vec<FieldChange> {
    let mut found = Vec::new();
    if name != to.name.as_str() {
        found.push(FieldChange {
            field: "name",
            from: Some(name.to_owned()),
            to: Some(to.name.as_str().to_owned()),
        });
    }
    if ods_code != to.ods_code.as_deref() {
        found.push(FieldChange {
            field: "ods_code",
            from: ods_code.map(str::to_owned),
            to: to.ods_code.clone(),
        });
    }
    found
}

/// Whether an organisation is active: it takes new vacancies and is offered when inviting
/// staff or choosing a hiring manager's organisation. `deactivated_at` is when (if ever) an
/// administrator deactivated it.
pub fn is_active<T>(deactivated_at: Option<&T>) -> bool {
    deactivated_at.is_none()
}

/// The organisation's status, in words for administrators.
pub fn status_label(active: bool) -> &'static str {
    if active { "Active" } else { "Deactivated" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_every_partner_code() {
        assert_eq!(known_ods_code("Alder Hey Children's NHS FT"), Some("RBS"));
        assert_eq!(known_ods_code("Mersey Care NHS FT"), Some("RW4"));
        assert_eq!(
            known_ods_code("NHS Cheshire and Merseyside (the ICB)"),
            Some("QYG")
        );
        assert_eq!(known_ods_code("Somewhere else"), None);
    }

    #[test]
    fn reads_codes_as_typed() {
        assert_eq!(parse_ods_code(" rbs "), Some("RBS".into()));
        assert_eq!(parse_ods_code("RW4"), Some("RW4".into()));
        assert_eq!(parse_ods_code("R"), None);
        assert_eq!(parse_ods_code("RB S"), None);
        assert_eq!(parse_ods_code("TOOLONG1"), None);
    }
    fn form(name: &str, ods_code: &str) -> OrganisationForm {
        OrganisationForm {
            name: name.to_owned(),
            ods_code: ods_code.to_owned(),
        }
    }

    fn fields(errors: &[(&'static str, String)]) -> Vec<&'static str> {
        errors.iter().map(|(f, _)| *f).collect()
    }

    #[test]
    fn a_name_is_trimmed_and_its_spaces_collapsed() {
        let name = OrganisationName::parse("  Alder   Hey\tChildren's NHS FT \n").unwrap();
        assert_eq!(name.as_str(), "Alder Hey Children's NHS FT");
    }

    #[test]
    fn a_name_is_required() {
        for blank in ["", " ", "\t\n", "\u{3000}"] {
            assert_eq!(
                OrganisationName::parse(blank),
                Err("Enter the organisation's name"),
                "{blank:?}"
            );
        }
    }

    #[test]
    fn a_name_has_at_most_200_characters_counted_as_characters() {
        assert!(OrganisationName::parse(&"x".repeat(200)).is_ok());
        assert_eq!(
            OrganisationName::parse(&"x".repeat(201)),
            Err("The organisation's name must be 200 characters or fewer")
        );
        // 200 letters of two bytes each still fit.
        assert!(OrganisationName::parse(&"é".repeat(200)).is_ok());
        // Spaces collapsed before counting.
        assert!(OrganisationName::parse(&format!("{}   x", "x".repeat(197))).is_ok());
    }

    #[test]
    fn a_name_is_plain_text() {
        for bad in [
            "Alder\u{0}Hey",
            "Alder\u{7}Hey",
            "Alder\u{1b}[31mHey",
            "Alder\u{7f}Hey",
            "Alder\u{200B}Hey",
            "Alder\u{200D}Hey",
            "Alder\u{202E}yeH",
            "Alder\u{2066}Hey",
            "\u{FEFF}Alder Hey",
            "Alder\u{061C}Hey",
        ] {
            assert_eq!(
                OrganisationName::parse(bad),
                Err(
                    "The organisation's name must only include letters, numbers, spaces and punctuation"
                ),
                "{bad:?}"
            );
        }
        // What looks like markup is text: it is escaped wherever it is shown.
        for fine in [
            "<b>Trust</b>",
            "Bridgewater & Co NHS FT",
            "St Helens and Knowsley (the \"Whiston\")",
            "Ysbyty Gwynedd – Betsi Cadwaladr",
            "Wirral University Teaching Hospital NHS FT",
        ] {
            assert_eq!(OrganisationName::parse(fine).unwrap().as_str(), fine);
        }
    }

    #[test]
    fn names_are_the_same_whatever_their_case_and_spacing() {
        assert!(same_name("Mersey Care NHS FT", "mersey  care nhs ft "));
        assert!(same_name("ÉCOLE", "école"));
        assert!(!same_name("Mersey Care NHS FT", "Mersey Care NHS Trust"));
    }

    #[test]
    fn lookalike_names_are_the_same_name() {
        let alder_hey = "Alder Hey Children's NHS FT";
        assert!(same_name(alder_hey, "Alder Hey Children\u{2019}s NHS FT"));
        assert!(same_name(alder_hey, "\u{FF21}lder Hey Children's NHS FT"));
        assert!(same_name(alder_hey, "ALDER HEY CHILDREN\u{2018}S NHS FT"));
        assert!(same_name("Straße Trust", "STRASSE TRUST"));
        assert!(same_name("Wirral \u{2013} Trust", "wirral - trust"));
        assert!(same_name("Café Trust", "Cafe\u{0301} Trust"));
        assert!(same_name("ﬁrst Trust", "First Trust"));
        assert!(!same_name(alder_hey, "Alder Hey Childrens NHS FT"));
        assert!(!same_name("Straße Trust", "Strasse Trusts"));
    }

    #[test]
    fn the_form_gives_a_name_and_an_upper_case_code() {
        let input = OrganisationInput::parse(&form(" Wirral  NHS FT ", " rbl ")).unwrap();
        assert_eq!(input.name.as_str(), "Wirral NHS FT");
        assert_eq!(input.ods_code.as_deref(), Some("RBL"));
    }

    #[test]
    fn the_ods_code_may_be_left_blank() {
        for blank in ["", "   "] {
            let input = OrganisationInput::parse(&form("A trust", blank)).unwrap();
            assert_eq!(input.ods_code, None);
        }
    }

    #[test]
    fn ods_codes_are_3_to_6_letters_and_digits() {
        for good in ["RBQ", "REM", "RQ6", "01V", "rw4", "R0A12", "ABC123"] {
            assert!(
                OrganisationInput::parse(&form("A trust", good)).is_ok(),
                "{good}"
            );
        }
        for bad in [
            "R",
            "RB",
            "ABCDEFG",
            "RB-Q",
            "RB Q",
            "RÉM",
            "R.B",
            "<b>",
            "RBQ;--",
            "１２３",
        ] {
            let errors = OrganisationInput::parse(&form("A trust", bad)).unwrap_err();
            assert_eq!(fields(&errors), ["ods_code"], "{bad}");
        }
    }

    #[test]
    fn every_field_error_is_given_at_once() {
        let errors = OrganisationInput::parse(&form("", "!")).unwrap_err();
        assert_eq!(fields(&errors), ["name", "ods_code"]);
        let errors = OrganisationInput::parse(&form(&"x".repeat(201), "")).unwrap_err();
        assert_eq!(fields(&errors), ["name"]);
    }

    #[test]
    fn the_form_for_a_change_shows_what_is_stored() {
        assert_eq!(
            OrganisationForm::of("A trust", Some("RBQ")),
            form("A trust", "RBQ")
        );
        assert_eq!(OrganisationForm::of("A trust", None), form("A trust", ""));
    }

    #[test]
    fn changes_list_only_the_fields_that_differ() {
        let to = OrganisationInput::parse(&form("New name", "RBQ")).unwrap();
        assert_eq!(changes("New name", Some("RBQ"), &to), []);
        assert_eq!(
            changes("Old name", Some("RBQ"), &to),
            [FieldChange {
                field: "name",
                from: Some("Old name".into()),
                to: Some("New name".into()),
            }]
        );
        assert_eq!(
            changes("Old name", None, &to),
            [
                FieldChange {
                    field: "name",
                    from: Some("Old name".into()),
                    to: Some("New name".into()),
                },
                FieldChange {
                    field: "ods_code",
                    from: None,
                    to: Some("RBQ".into()),
                },
            ]
        );
        let blank = OrganisationInput::parse(&form("New name", "")).unwrap();
        assert_eq!(
            changes("New name", Some("RBQ"), &blank),
            [FieldChange {
                field: "ods_code",
                from: Some("RBQ".into()),
                to: None,
            }]
        );
        // A change of case is a change: it is how the name will be shown.
        let lower = OrganisationInput::parse(&form("new name", "RBQ")).unwrap();
        assert_eq!(changes("New name", Some("RBQ"), &lower).len(), 1);
    }

    #[test]
    fn only_an_organisation_never_deactivated_is_active() {
        assert!(is_active::<u8>(None));
        assert!(!is_active(Some(&1)));
        assert_eq!(status_label(true), "Active");
        assert_eq!(status_label(false), "Deactivated");
    }
}
