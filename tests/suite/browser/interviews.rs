//! Browser tests: interviews journeys (keyboard only, axe-core on every page).

use super::*;

/// The final scores stored for an application, in criterion order.
async fn stored_finals(app: &TestApp, id: i32) -> Vec<i16> {
    let mut finals = spectra::db::shortlisting::finals_for(&app.db, &[id])
        .await
        .unwrap();
    finals.sort_by_key(|f| f.criterion_id);
    finals.into_iter().map(|f| f.score).collect()
}

#[tokio::test]
async fn the_leads_typed_final_scores_are_kept_when_they_save_the_decision_by_keyboard() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app_with_demo().await;
    let (vacancy, _, other) = closed_demo_vacancy(&app).await;
    let browser = Browser::start().await;
    let b = &app.base;

    // Arrange: the lead opens the application from the list.
    keyboard_sign_in(&browser, b, "manager.alderhey@example.org").await;
    browser.visit(&format!("{b}/shortlisting/{vacancy}")).await;
    browser
        .activate(&format!(
            "main a[href='/shortlisting/{vacancy}/applications/{other}']"
        ))
        .await;

    // Act: type the final scores, choose "Not shortlisted", write feedback, and press the
    // page's one button.
    browser.replace("#final-1", "1").await;
    browser.replace("#final-2", "1").await;
    browser.replace("#final-3", "0").await;
    browser.tab_to("input[name=decision]").await;
    browser.keys(&ARROW_DOWN.to_string()).await;
    browser
        .fill("#feedback", "Thank you. Show more about working in a team.")
        .await;
    browser.activate("main form button[type=submit]").await;

    // Assert: back on the list, told what was saved; the final scores and decision stored.
    assert_eq!(browser.path().await, format!("/shortlisting/{vacancy}"));
    let source = browser.source().await;
    assert!(
        source.contains("the final scores and the decision: not shortlisted"),
        "{source}"
    );
    assert_eq!(stored_finals(&app, other).await, [1, 1, 0]);
    let decision = spectra::db::shortlisting::decisions_for(&app.db, &[other])
        .await
        .unwrap();
    assert!(!decision[0].invited);
    assert_eq!(
        decision[0].feedback,
        "Thank you. Show more about working in a team."
    );

    // The page shows them again when reopened.
    browser
        .activate(&format!(
            "main a[href='/shortlisting/{vacancy}/applications/{other}']"
        ))
        .await;
    assert_eq!(browser.value("#final-2").await, "1");
    assert_eq!(browser.value("#feedback").await, decision[0].feedback);

    browser.close().await;
}
