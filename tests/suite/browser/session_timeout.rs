//! Browser tests for issue 21: typed work survives the session ending, and the timeout
//! warning (keyboard only, axe-core on every page and on the open dialog).

use std::time::Duration;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use spectra::entities::session;
use time::OffsetDateTime;

use super::{Browser, keyboard_sign_in};
use crate::applications::{applicant, evidence_stored, post_vacancy, start};
use crate::helpers::{PASSWORD, TestApp, spawn_app, spawn_app_with};
use crate::require;

/// The session rows of a user.
async fn sessions_of(app: &TestApp, user_id: i32) -> Vec<session::Model> {
    session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .all(&app.db)
        .await
        .unwrap()
}

/// Waits (a bounded number of short polls) until `script` returns true in the page.
async fn await_true(browser: &Browser, script: &str, what: &str) {
    crate::helpers::eventually(what, async || {
        (browser.client.execute(script, vec![]).await.unwrap() == json!(true)).then_some(())
    })
    .await;
}

#[tokio::test]
async fn an_answer_typed_when_the_session_ends_is_found_again_after_signing_in() {
    require!(Browser::available(), "Chromium and chromedriver");
    // Arrange: an application started; the applicant signs in by keyboard and opens evidence.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Night porter", false).await;
    let (user_id, client) = applicant(&app, "timed.out@example.org", "no").await;
    let id = start(&client, v.id).await;
    let browser = Browser::start().await;
    keyboard_sign_in(&browser, &app.base, "timed.out@example.org").await;
    browser
        .visit(&format!("{}/applications/{id}/evidence", app.base))
        .await;
    assert!(
        browser
            .source()
            .await
            .contains("we will sign you out if you do nothing for 30 minutes")
    );
    let answer = "I cared for my nan for two years. I did her shopping and her tablets.";
    browser.fill("#evidence-1", answer).await;

    // Act: 30 idle minutes pass (the session's row expires); they press "Save and continue".
    session::Entity::update_many()
        .col_expr(
            session::Column::ExpiresAt,
            (OffsetDateTime::now_utc() - time::Duration::minutes(1)).into(),
        )
        .filter(session::Column::UserId.eq(user_id))
        .exec(&app.db)
        .await
        .unwrap();
    browser.activate("button[value=continue]").await;

    // Assert: the sign-in page says what happened, not "you cannot see this page".
    assert_eq!(browser.path().await, "/login");
    let source = browser.source().await;
    assert!(
        source.contains("You were signed out because you did nothing for 30 minutes"),
        "{source}"
    );
    assert!(!source.contains("does not give you access"));

    // Act: sign in again, by keyboard.
    browser.fill("#email", "timed.out@example.org").await;
    browser.fill("#password", PASSWORD).await;
    browser
        .activate("form[action='/login'] button[type=submit]")
        .await;

    // Assert: back on the form, their words in it, with the message; nothing saved yet.
    assert_eq!(browser.path().await, format!("/applications/{id}/evidence"));
    assert_eq!(browser.value("#evidence-1").await, answer);
    assert!(
        browser.source().await.contains(
            "You were signed out after 30 minutes without activity. Your answers are below: check them and save."
        )
    );
    assert_eq!(evidence_stored(&app, v.id, id).await, ["", "", ""]);

    // Act: they press "Save and come back later"; now it is saved.
    browser.activate("button[value=save]").await;
    assert_eq!(browser.path().await, "/applications");
    assert_eq!(evidence_stored(&app, v.id, id).await, [answer, "", ""]);

    browser.close().await;
}

#[tokio::test]
async fn the_timeout_warning_takes_focus_and_escape_keeps_the_session() {
    require!(Browser::available(), "Chromium and chromedriver");
    // Arrange: a 20-second idle period, so the warning comes after 10 seconds.
    let app = spawn_app_with(|c| c.session_idle = Duration::from_secs(20)).await;
    let (user_id, _) = applicant(&app, "warned@example.org", "no").await;
    let browser = Browser::start().await;
    keyboard_sign_in(&browser, &app.base, "warned@example.org").await;
    browser.visit(&format!("{}/applications", app.base)).await;
    let before = sessions_of(&app, user_id)
        .await
        .into_iter()
        .map(|s| s.expires_at)
        .max()
        .unwrap();

    // Act: wait for the dialog.
    await_true(
        &browser,
        "return document.getElementById('app-timeout').open === true;",
        "the timeout warning",
    )
    .await;

    // Assert: focus is in it, it names the time left, and it passes axe-core while open.
    let focus_inside = browser
        .client
        .execute(
            "return document.getElementById('app-timeout').contains(document.activeElement);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(focus_inside, json!(true));
    let live = browser
        .client
        .execute(
            "return document.querySelector('[data-timeout-live]').textContent;",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        live.as_str()
            .unwrap_or_default()
            .starts_with("We will sign you out in"),
        "{live}"
    );
    browser.assert_accessible().await;

    // Act: Escape.
    browser.keys("\u{E00C}").await;

    // Assert: the dialog closes, focus leaves it, and the session's expiry moved.
    await_true(
        &browser,
        "return document.getElementById('app-timeout').open === false;",
        "the dialog closing",
    )
    .await;
    let focus_inside = browser
        .client
        .execute(
            "return document.getElementById('app-timeout').contains(document.activeElement);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(focus_inside, json!(false));
    let after = crate::helpers::eventually("Escape to renew the session", async || {
        sessions_of(&app, user_id)
            .await
            .into_iter()
            .map(|s| s.expires_at)
            .max()
            .filter(|after| *after > before)
    })
    .await;
    assert!(
        after > before,
        "Escape renewed the session: {before} then {after}"
    );
    // Still signed in: the page needs no sign-in.
    browser.visit(&format!("{}/applications", app.base)).await;
    assert_eq!(browser.path().await, "/applications");

    browser.close().await;
}
