//! The partner organisations and their ODS codes (the NHS's Organisation Data Service).

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
}
