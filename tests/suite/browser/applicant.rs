//! Browser tests: applicant journeys (keyboard only, axe-core on every page).

use super::{Browser, keyboard_sign_in};
use crate::applications::{applicant, post_vacancy};
use crate::helpers::spawn_app;
use crate::require;

/// The text of the first element matching `css`.
async fn text(browser: &Browser, css: &str) -> String {
    browser
        .client
        .find(fantoccini::Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_failed_check_on_the_evidence_step_keeps_the_answer_typed_by_keyboard_only() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Careful porter", false).await;
    let (_, _) = applicant(&app, "keyboard.applicant@example.org", "no").await;
    let browser = Browser::start().await;
    keyboard_sign_in(&browser, &app.base, "keyboard.applicant@example.org").await;

    // Start applying from the advert.
    browser
        .visit(&format!("{}/vacancies/{}", app.base, v.id))
        .await;
    browser
        .activate(&format!("a[href='/vacancies/{}/apply']", v.id))
        .await;
    browser
        .activate(&format!(
            "form[action='/vacancies/{}/apply'] button[type=submit]",
            v.id
        ))
        .await;
    let evidence = browser.path().await;
    assert!(evidence.ends_with("/evidence"), "{evidence}");
    let id: i32 = evidence.split('/').nth(2).unwrap().parse().unwrap();

    // Answer 1 filled, answer 2 (essential) left blank: "Save and continue".
    let answer = "I help run the youth club on Saturdays.";
    browser.fill("#evidence-1", answer).await;
    browser.activate("button[value=continue]").await;

    // The error summary names the criterion, and answer 1 is still there.
    assert_eq!(browser.path().await, format!("/applications/{id}/evidence"));
    let summary = text(&browser, ".nhsuk-error-summary").await;
    assert!(
        summary.contains("Tell us how you meet 'Willing to learn'"),
        "{summary}"
    );
    assert_eq!(browser.value("#evidence-1").await, answer);

    // Leave: back to the application, then to "Your applications".
    browser.activate("a.nhsuk-back-link").await;
    assert_eq!(browser.path().await, format!("/applications/{id}"));
    assert!(browser.source().await.contains(answer));
    browser.activate("a.nhsuk-back-link").await;
    assert_eq!(browser.path().await, "/applications");
    assert!(
        text(&browser, "main")
            .await
            .contains("finish your application")
    );

    // Return: answer 1 is kept.
    browser
        .activate(&format!("a[href='/applications/{id}/evidence']"))
        .await;
    assert_eq!(browser.path().await, format!("/applications/{id}/evidence"));
    assert_eq!(browser.value("#evidence-1").await, answer);

    browser.close().await;
}
