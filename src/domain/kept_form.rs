//! Rules for keeping a form sent after its sender's session ended (issue 21): which forms are
//! kept, under which page, how much of them, and for how long. Nothing here does I/O.

use time::Duration;

/// The largest form kept, in bytes of its urlencoded body. Twenty evidence answers at the
/// 20,000-character cap of "Save and come back later" fit; the form token is left out first.
pub const MAX_BODY_BYTES: usize = 512 * 1024;

/// How long a kept form, and the browser binding it is tied to, last.
pub const KEPT_FOR: Duration = Duration::days(1);

/// The form field whose value is never kept (the session's form token).
const TOKEN_FIELD: &str = "csrf_token";

/// The page that shows the form a POST to `path` came from, if that form is one that is kept.
/// Only forms where someone types at length are kept; sign-in, passwords and one-press
/// actions never are.
pub fn form_page_for(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let is_id = |s: &str| !s.is_empty() && s.len() <= 10 && s.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        ["", "applications", id, step]
            if is_id(id)
                && matches!(
                    *step,
                    "evidence" | "references" | "support" | "guaranteed-interview"
                ) =>
        {
            Some(path.to_owned())
        }
        ["", "manage", "vacancies"] => Some("/manage/vacancies/new".to_owned()),
        ["", "manage", "vacancies", id] if is_id(id) => {
            Some(format!("/manage/vacancies/{id}/edit"))
        }
        ["", "shortlisting", id, "applications", app] if is_id(id) && is_id(app) => {
            Some(path.to_owned())
        }
        _ => None,
    }
}

/// The body to keep: the urlencoded pairs without the form token, or None if there is
/// nothing else or it is too large to keep.
pub fn body_to_keep(body: &[u8]) -> Option<String> {
    let kept: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form_urlencoded::parse(body).filter(|(k, _)| k != TOKEN_FIELD))
        .finish();
    (!kept.is_empty() && kept.len() <= MAX_BODY_BYTES).then_some(kept)
}

/// The idle period in whole minutes, as people are told it.
pub fn idle_minutes(idle: std::time::Duration) -> u64 {
    (idle.as_secs() / 60).max(1)
}

/// "30 minutes", "1 minute".
pub fn minutes_in_words(minutes: u64) -> String {
    if minutes == 1 {
        "1 minute".to_owned()
    } else {
        format!("{minutes} minutes")
    }
}

/// What the form page says above a kept form.
pub fn kept_message(minutes: u64) -> String {
    format!(
        "You were signed out after {} without activity. Your answers are below: check them and save.",
        minutes_in_words(minutes)
    )
}

/// What the sign-in page says when a session ended without signing out.
pub fn ended_message(minutes: u64, kept: bool) -> String {
    let why = format!(
        "You were signed out because you did nothing for {}.",
        minutes_in_words(minutes)
    );
    if kept {
        format!("{why} We kept what you typed. Sign in again to see it and save it.")
    } else {
        format!("{why} Sign in again to carry on.")
    }
}

/// What pages with a form for a signed-in person say about the time they have.
pub fn timeout_notice(minutes: u64) -> String {
    format!(
        "For your security, we will sign you out if you do nothing for {}.",
        minutes_in_words(minutes)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_long_forms_are_kept_and_each_under_the_page_that_shows_it() {
        for step in ["evidence", "references", "support", "guaranteed-interview"] {
            let path = format!("/applications/12/{step}");
            assert_eq!(form_page_for(&path), Some(path.clone()));
        }
        assert_eq!(
            form_page_for("/manage/vacancies").as_deref(),
            Some("/manage/vacancies/new")
        );
        assert_eq!(
            form_page_for("/manage/vacancies/7").as_deref(),
            Some("/manage/vacancies/7/edit")
        );
        assert_eq!(
            form_page_for("/shortlisting/3/applications/9").as_deref(),
            Some("/shortlisting/3/applications/9")
        );
        for never in [
            "/login",
            "/logout",
            "/register",
            "/account/password",
            "/account/delete",
            "/applications/12/declaration",
            "/applications/12/withdraw",
            "/applications/x/evidence",
            "/applications/12/evidence/extra",
            "/manage/vacancies/7/publish",
            "/manage/vacancies/new",
            "/shortlisting/3/complete",
            "/reset-password/abc",
            "",
            "/",
        ] {
            assert_eq!(form_page_for(never), None, "{never}");
        }
    }

    #[test]
    fn the_form_token_is_never_kept_and_the_size_is_bounded() {
        let body = body_to_keep(b"csrf_token=secret&evidence-1=I+care%0Aa+lot&action=save")
            .unwrap_or_default();
        assert!(!body.contains("secret"));
        let pairs: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
        assert_eq!(
            pairs,
            vec![
                ("evidence-1".to_owned(), "I care\na lot".to_owned()),
                ("action".to_owned(), "save".to_owned())
            ]
        );
        assert_eq!(body_to_keep(b"csrf_token=only"), None);
        assert_eq!(body_to_keep(b""), None);
        let huge = format!("a={}", "x".repeat(MAX_BODY_BYTES));
        assert_eq!(body_to_keep(huge.as_bytes()), None);
        let fits = format!("a={}", "x".repeat(MAX_BODY_BYTES - 2));
        assert!(body_to_keep(fits.as_bytes()).is_some());
    }

    #[test]
    fn messages_use_the_configured_period() {
        assert_eq!(idle_minutes(std::time::Duration::from_secs(1800)), 30);
        assert_eq!(idle_minutes(std::time::Duration::from_secs(20)), 1);
        assert_eq!(
            kept_message(30),
            "You were signed out after 30 minutes without activity. Your answers are below: check them and save."
        );
        assert!(ended_message(1, false).contains("nothing for 1 minute. Sign in again"));
        assert!(ended_message(30, true).contains("We kept what you typed"));
        assert_eq!(
            timeout_notice(30),
            "For your security, we will sign you out if you do nothing for 30 minutes."
        );
    }
}
