//! Where to send someone after they sign in.

/// A path on this site. Anything that could leave the site (`//evil.example`, `https://…`,
/// `/\evil.example`) is refused, so a `?next=` link can never be an open redirect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalRedirect(String);

impl LocalRedirect {
    /// Accepts only an absolute path on this site.
    pub fn parse(input: &str) -> Option<Self> {
        let local = input.starts_with('/')
            && !input.starts_with("//")
            && !input.starts_with("/\\")
            && !input
                .chars()
                .any(|c| c.is_control() || c == '\\' || c.is_whitespace())
            && input.len() <= 2000;
        local.then(|| Self(input.to_owned()))
    }

    /// Parses `next`, falling back to `default` when it is missing or not local.
    pub fn or_default(next: Option<&str>, default: &str) -> Self {
        next.and_then(Self::parse)
            .unwrap_or_else(|| Self(default.to_owned()))
    }

    /// The path.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_local_paths() {
        assert_eq!(
            LocalRedirect::parse("/admin/users?page=2").map(|r| r.0),
            Some("/admin/users?page=2".into())
        );
        assert!(LocalRedirect::parse("/").is_some());
    }

    #[test]
    fn refuses_anything_that_leaves_the_site() {
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "evil.example",
            "javascript:alert(1)",
            "/\tevil",
            "/ok\r\nLocation: https://evil.example",
            "",
        ] {
            assert_eq!(LocalRedirect::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn falls_back_to_the_default() {
        assert_eq!(
            LocalRedirect::or_default(Some("//evil.example"), "/account").as_str(),
            "/account"
        );
        assert_eq!(
            LocalRedirect::or_default(None, "/account").as_str(),
            "/account"
        );
        assert_eq!(
            LocalRedirect::or_default(Some("/admin"), "/account").as_str(),
            "/admin"
        );
    }
}
