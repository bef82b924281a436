//! A person's name, as they want it shown.

/// A non-empty name of at most 200 characters with no control characters. Names are not
/// otherwise policed: people's names take every form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FullName(String);

impl FullName {
    /// Checks a name, returning the message to show beside the field when it is wrong.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err("Enter your full name");
        }
        if name.chars().count() > 200 {
            return Err("Full name must be 200 characters or fewer");
        }
        if name.chars().any(char::is_control) {
            return Err("Full name must only include letters, spaces and punctuation");
        }
        Ok(Self(name))
    }

    /// The name, with runs of spaces collapsed.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Consumes the name.
    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidies_spaces() {
        assert_eq!(
            FullName::parse("  Aoife   Ní  Bhriain ").map(FullName::into_string),
            Ok("Aoife Ní Bhriain".into())
        );
    }

    #[test]
    fn refuses_empty_long_and_control_characters() {
        assert_eq!(FullName::parse(" \t "), Err("Enter your full name"));
        assert!(FullName::parse(&"x".repeat(201)).is_err());
        assert!(FullName::parse(&"x".repeat(200)).is_ok());
        assert!(FullName::parse("Jo\u{0}Bloggs").is_err());
    }
}
