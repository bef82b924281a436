//! The logs hold no secrets: a request is logged by its route's pattern, never by the path that
//! carries a reset, confirmation or invitation token, and never with an email address.

use std::cell::RefCell;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use sea_orm::EntityTrait;
use spectra::domain::Role;
use tracing_subscriber::fmt::MakeWriter;

use crate::helpers::{PASSWORD, location, spawn_app};

thread_local! {
    /// Where this thread's log lines go, while a test captures them.
    static CAPTURE: RefCell<Option<Arc<Mutex<Vec<u8>>>>> = const { RefCell::new(None) };
}

/// Sends each log line to the capture of the thread that logs it, or nowhere.
///
/// The subscriber is global, not set per test with `set_default`: tracing caches whether a
/// call site is wanted, and a site first reached by another test's thread while only a scoped
/// subscriber exists is cached as unwanted for every thread, so lines go missing at random.
struct ByThread;

/// A writer into one thread's capture, or into nothing.
struct ThreadWriter(Option<Arc<Mutex<Vec<u8>>>>);

impl Write for ThreadWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some(buffer) = &self.0 {
            buffer.lock().unwrap().extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for ByThread {
    type Writer = ThreadWriter;

    fn make_writer(&'a self) -> Self::Writer {
        ThreadWriter(CAPTURE.with(|c| c.borrow().clone()))
    }
}

/// Captures what this thread logs at INFO and above (the service's default), from now on.
fn capture_this_thread() -> Arc<Mutex<Vec<u8>>> {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    let installed = *INSTALLED.get_or_init(|| {
        tracing_subscriber::fmt()
            .with_writer(ByThread)
            .with_max_level(tracing::Level::INFO)
            .with_ansi(false)
            .try_init()
            .is_ok()
    });
    assert!(installed, "another global subscriber was installed first");
    let buffer = Arc::new(Mutex::new(Vec::new()));
    CAPTURE.with(|c| *c.borrow_mut() = Some(buffer.clone()));
    buffer
}

/// The last part of a link's path: the token.
fn token_of(link: &str) -> String {
    link.rsplit('/').next().unwrap().to_owned()
}

// One thread: the server, its connections and the mail worker are tasks on the test's own
// runtime, so every line they log is this thread's.
#[tokio::test(flavor = "current_thread")]
async fn links_that_carry_tokens_are_logged_by_their_route_pattern_only() {
    // Arrange: capture everything logged at INFO and above, as the service logs by default.
    let captured = capture_this_thread();
    let mut app = spawn_app().await;
    let org = app.create_organisation("Mersey Care NHS FT").await;
    app.create_user("admin.logs@example.org", &[Role::Admin], None)
        .await;
    app.create_user("reset.logs@example.org", &[Role::Applicant], None)
        .await;
    let mut tokens = Vec::new();

    // Act 1: an applicant registers and follows the confirmation link.
    let visitor = app.new_client();
    let response = visitor
        .post(
            "/register",
            &[
                ("full_name", "Logan Applicant"),
                ("email", "new.logs@example.org"),
                ("password", PASSWORD),
                ("confirm_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(location(&response), "/register/check-email");
    let link = app
        .wait_for_email("new.logs@example.org", "Confirm your email address")
        .await
        .link(&format!("{}/verify-email/", app.base));
    tokens.push(token_of(&link));
    let path = link.trim_start_matches(&app.base).to_owned();
    assert_eq!(visitor.get(&path).await.status().as_u16(), 200);
    assert_eq!(location(&visitor.post(&path, &[]).await), "/login");

    // Act 2: a password reset, its link opened and used.
    let response = visitor
        .post("/forgot-password", &[("email", "reset.logs@example.org")])
        .await;
    assert_eq!(location(&response), "/forgot-password/sent");
    let link = app
        .wait_for_email("reset.logs@example.org", "Reset your password")
        .await
        .link(&format!("{}/reset-password/", app.base));
    tokens.push(token_of(&link));
    let path = link.trim_start_matches(&app.base).to_owned();
    assert_eq!(visitor.get(&path).await.status().as_u16(), 200);
    let response = visitor
        .post(
            &path,
            &[
                ("password", "a-brand-new-password"),
                ("confirm_password", "a-brand-new-password"),
            ],
        )
        .await;
    assert_eq!(location(&response), "/login");

    // Act 3: an invitation, opened and accepted.
    let admin = app.new_client();
    admin.sign_in("admin.logs@example.org", PASSWORD).await;
    let response = admin
        .post(
            "/admin/invitations",
            &[
                ("full_name", "Iris Invited"),
                ("email", "invited.logs@example.org"),
                ("roles", "hiring_manager"),
                ("organisation", &org.to_string()),
            ],
        )
        .await;
    assert_eq!(location(&response), "/admin/invitations");
    let link = app
        .wait_for_email("invited.logs@example.org", "You have been invited")
        .await
        .link(&format!("{}/invitation/", app.base));
    tokens.push(token_of(&link));
    let path = link.trim_start_matches(&app.base).to_owned();
    let invitee = app.new_client();
    assert_eq!(invitee.get(&path).await.status().as_u16(), 200);
    let response = invitee
        .post(
            &path,
            &[
                ("password", "iris-secret-words"),
                ("confirm_password", "iris-secret-words"),
            ],
        )
        .await;
    assert_eq!(location(&response), "/manage");

    // Act 4: a path no route matches, carrying something secret-looking.
    let stray = "stray-secret-looking-token-1234567890";
    assert_eq!(
        visitor
            .get(&format!("/reset-password/{stray}/more"))
            .await
            .status()
            .as_u16(),
        404
    );
    tokens.push(stray.to_owned());

    // Act 5: a cross-site POST refused, whose Referer is a page of ours with a token in it.
    let leaked = "referer-secret-token-0987654321";
    let refused = reqwest::Client::new()
        .post(format!("{}/reset-password/{leaked}", app.base))
        .header("sec-fetch-site", "cross-site")
        .header("referer", format!("{}/reset-password/{leaked}", app.base))
        .form(&[("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 403);
    tokens.push(leaked.to_owned());
    app.stop().await;

    // Assert: the routes are there by pattern, and no token or email address is.
    let logs = String::from_utf8(captured.lock().unwrap().clone()).unwrap();
    for pattern in [
        "/verify-email/{token}",
        "/reset-password/{token}",
        "/invitation/{token}",
        "/admin/invitations",
        "(unmatched)",
    ] {
        assert!(logs.contains(pattern), "{pattern} not logged:\n{logs}");
    }
    assert!(logs.contains("cross-origin POST refused"), "{logs}");
    for token in &tokens {
        assert!(!token.is_empty());
        assert!(!logs.contains(token.as_str()), "{token} logged:\n{logs}");
    }
    for email in [
        "new.logs@example.org",
        "reset.logs@example.org",
        "invited.logs@example.org",
        "admin.logs@example.org",
    ] {
        assert!(!logs.contains(email), "{email} logged:\n{logs}");
    }
    assert!(
        !logs.contains('@'),
        "an email address may be logged:\n{logs}"
    );
}

// Issue 21: a form kept after the session ended is personal data, and is never logged.
#[tokio::test(flavor = "current_thread")]
async fn a_kept_form_and_the_browser_binding_are_never_logged() {
    // Arrange
    let captured = capture_this_thread();
    let mut app = spawn_app().await;
    let v = crate::applications::post_vacancy(&app, "Logged clerk", false).await;
    let (user_id, client) =
        crate::applications::applicant(&app, "kept.logs@example.org", "no").await;
    let id = crate::applications::start(&client, v.id).await;
    let path = format!("/applications/{id}/evidence");
    let (_, page) = client.page(&path).await;
    let token = crate::helpers::csrf_in(&page);
    let secret_answer = "my-private-answer-about-my-foster-family";

    // Act: the session ends, the form is sent and kept, then shown after signing in again.
    crate::kept_forms::end_sessions(&app, user_id, crate::kept_forms::Ended::Swept).await;
    let response = crate::kept_forms::post_with(
        &client,
        &path,
        &token,
        &[("evidence-1", secret_answer), ("action", "continue")],
    )
    .await;
    assert!(location(&response).ends_with("reason=kept"));
    client.sign_in("kept.logs@example.org", PASSWORD).await;
    let (_, shown) = client.page(&path).await;
    assert!(shown.contains(secret_answer));
    let bindings = spectra::entities::browser_binding::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    app.stop().await;

    // Assert: neither what was typed, nor the binding, nor the form token is in the logs.
    let logs = String::from_utf8(captured.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("form sent after the session ended"), "{logs}");
    assert!(!logs.contains(secret_answer), "{logs}");
    assert!(!logs.contains(&token), "{logs}");
    for binding in bindings {
        assert!(!logs.contains(&binding.token_hash), "{logs}");
    }
}
