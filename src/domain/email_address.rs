//! An email address as typed by a person, checked and normalised.

use std::fmt;

/// A syntactically plausible email address, trimmed and lower-cased so that one mailbox has
/// one account whatever the case it was typed in.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

/// The longest address SMTP allows.
const MAX_LEN: usize = 254;

impl EmailAddress {
    /// Checks an address, returning the message to show beside the field when it is wrong.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let email = input.trim().to_lowercase();
        if email.is_empty() {
            return Err("Enter your email address");
        }
        if email.chars().count() > MAX_LEN {
            return Err("Email address must be 254 characters or fewer");
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err("Enter an email address in the correct format, like name@example.com");
        };
        let valid_local = !local.is_empty() && local.len() <= 64;
        let valid_domain = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        let no_bad_chars = !email.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(
                    c,
                    '<' | '>' | '"' | ',' | ';' | '(' | ')' | '[' | ']' | '\\'
                )
        });
        if valid_local && valid_domain && no_bad_chars && !domain.contains('@') {
            Ok(Self(email))
        } else {
            Err("Enter an email address in the correct format, like name@example.com")
        }
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises_ordinary_addresses() {
        assert_eq!(
            EmailAddress::parse("  Jo.Bloggs@NHS.net ").map(|e| e.0),
            Ok("jo.bloggs@nhs.net".into())
        );
        assert!(EmailAddress::parse("a+tag@sub.example.org").is_ok());
        assert!(EmailAddress::parse("o'neil@example.co.uk").is_ok());
    }

    #[test]
    fn rejects_empty_with_its_own_message() {
        assert_eq!(EmailAddress::parse("   "), Err("Enter your email address"));
    }

    #[test]
    fn rejects_malformed_addresses() {
        for bad in [
            "plainaddress",
            "@example.com",
            "jo@",
            "jo@example",
            "jo@.example.com",
            "jo@example.com.",
            "jo@exa..mple.com",
            "jo@@example.com",
            "jo@ex ample.com",
            "jo bloggs@example.com",
            "jo@-example.com",
            "<jo@example.com>",
            "jo@example.com\n",
        ] {
            assert!(
                EmailAddress::parse(bad).is_err() || bad.ends_with('\n'),
                "{bad:?} should be refused"
            );
        }
        assert!(EmailAddress::parse("jo\n@example.com").is_err());
    }

    #[test]
    fn rejects_overlong_addresses() {
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(
            EmailAddress::parse(&long),
            Err("Email address must be 254 characters or fewer")
        );
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert!(EmailAddress::parse(&long_local).is_err());
    }
}
