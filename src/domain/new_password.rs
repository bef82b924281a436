//! A password someone is choosing.

/// A password that is long enough and not one of the first an attacker would try.
/// Following NCSC guidance there are no composition rules: length is what matters, and
/// three random words make a good password.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

// Written by hand so that a password never reaches a log.
impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(..)")
    }
}

/// The shortest password accepted.
pub const MIN_LEN: usize = 10;
/// The longest password accepted (argon2 would take more, but nobody needs it).
pub const MAX_LEN: usize = 128;

const COMMON: &[&str] = &[
    "password",
    "password1",
    "password12",
    "password123",
    "password1234",
    "1234567890",
    "12345678910",
    "qwertyuiop",
    "iloveyou12",
    "letmein123",
    "welcome123",
    "liverpool1",
    "liverpoolfc",
    "everton123",
    "nhspassword",
    "changeme123",
    "abcdefghij",
    "0987654321",
    "1111111111",
    "qwerty1234",
];

impl NewPassword {
    /// Checks a new password and its confirmation; `email` is refused as a password.
    /// Returns the field (`password` or `confirm_password`) and message when it is wrong.
    pub fn parse(
        password: &str,
        confirm: &str,
        email: &str,
    ) -> Result<Self, (&'static str, &'static str)> {
        let length = password.chars().count();
        if password.is_empty() {
            return Err(("password", "Enter a password"));
        }
        if length < MIN_LEN {
            return Err(("password", "Password must be 10 characters or more"));
        }
        if length > MAX_LEN {
            return Err(("password", "Password must be 128 characters or fewer"));
        }
        let lowered = password.to_lowercase();
        if COMMON.contains(&lowered.as_str()) || lowered == email.to_lowercase() {
            return Err((
                "password",
                "Choose a password that is harder to guess, for example three random words",
            ));
        }
        if password != confirm {
            return Err(("confirm_password", "The passwords do not match"));
        }
        Ok(Self(password.to_owned()))
    }

    /// The password itself, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_a_long_enough_password_that_matches() {
        assert!(
            NewPassword::parse(
                "purple-kettle-river",
                "purple-kettle-river",
                "jo@example.org"
            )
            .is_ok()
        );
        assert!(NewPassword::parse(&"x1".repeat(5), &"x1".repeat(5), "jo@example.org").is_ok());
    }

    #[test]
    fn refuses_each_problem_with_its_field() {
        let e = "jo@example.org";
        assert_eq!(
            NewPassword::parse("", "", e),
            Err(("password", "Enter a password"))
        );
        assert_eq!(
            NewPassword::parse("short", "short", e).map_err(|x| x.0),
            Err("password")
        );
        let long = "y".repeat(129);
        assert_eq!(
            NewPassword::parse(&long, &long, e).map_err(|x| x.0),
            Err("password")
        );
        assert_eq!(
            NewPassword::parse("Password123", "Password123", e).map_err(|x| x.0),
            Err("password")
        );
        assert_eq!(
            NewPassword::parse("jo@example.org", "jo@example.org", e).map_err(|x| x.0),
            Err("password")
        );
        assert_eq!(
            NewPassword::parse("purple-kettle-river", "purple-kettle-rivet", e),
            Err(("confirm_password", "The passwords do not match"))
        );
    }

    #[test]
    fn counts_characters_not_bytes() {
        // Nine characters, eighteen bytes.
        assert!(NewPassword::parse("ééééééééé", "ééééééééé", "x@y.z").is_err());
    }

    #[test]
    fn debug_hides_the_password() {
        let p = NewPassword::parse("purple-kettle-river", "purple-kettle-river", "x@y.z");
        assert!(!format!("{p:?}").contains("purple"));
    }
}
