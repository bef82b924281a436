//! Browser tests: vacancies journeys (keyboard only, axe-core on every page).
//!
//! Issue 12, point 7: closing a vacancy and completing shortlisting each ask first, say what
//! will happen and to whom, and change nothing until confirmed; going back changes nothing.

use spectra::entities::vacancy;

use super::{Browser, closed_demo_vacancy, keyboard_sign_in, spawn_app_with_demo};
use crate::helpers::{PASSWORD, TestApp};
use crate::require;

/// The demo's open "Healthcare support worker apprentice" of Alder Hey.
async fn open_demo_vacancy(app: &TestApp) -> vacancy::Model {
    let alder_hey =
        spectra::db::organisations::ensure(&app.db, spectra::seed::demo::ORGANISATIONS[0])
            .await
            .unwrap();
    let manager = spectra::db::users::find_by_email(&app.db, "manager.alderhey@example.org")
        .await
        .unwrap()
        .unwrap();
    let now = time::OffsetDateTime::now_utc();
    spectra::db::vacancies::of_organisation(&app.db, alder_hey.id)
        .await
        .unwrap()
        .into_iter()
        .find(|v| {
            v.title == "Healthcare support worker apprentice"
                && v.status.as_str() == "published"
                && v.closes_at > now
                && v.created_by == manager.id
        })
        .expect("the demo's open apprenticeship")
}

async fn stage_of(app: &TestApp, id: i32) -> String {
    spectra::db::applications::find(&app.db, id)
        .await
        .unwrap()
        .unwrap()
        .stage
        .as_str()
        .to_owned()
}

async fn status_of(app: &TestApp, id: i32) -> String {
    spectra::db::vacancies::find(&app.db, id)
        .await
        .unwrap()
        .unwrap()
        .status
        .as_str()
        .to_owned()
}

#[tokio::test]
async fn closing_a_vacancy_asks_first_going_back_changes_nothing_and_it_can_reopen() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app_with_demo().await;
    let v = open_demo_vacancy(&app).await;
    // Someone has started an application and not sent it.
    let applicant = app.new_client();
    applicant.sign_in("applicant@example.org", PASSWORD).await;
    crate::applications::start(&applicant, v.id).await;
    let affected = spectra::services::vacancies::affected(&app.db, v.id)
        .await
        .unwrap();
    assert!(affected.unfinished >= 1);
    let browser = Browser::start().await;
    let b = &app.base;
    let page = format!("/manage/vacancies/{}", v.id);
    let close = format!("{page}/close");

    keyboard_sign_in(&browser, b, "manager.alderhey@example.org").await;
    browser.activate("header a[href='/manage/vacancies']").await;
    browser.activate(&format!("main a[href='{page}']")).await;

    // The red button only leads to a question.
    browser.activate(&format!("main a[href='{close}']")).await;
    assert_eq!(browser.path().await, close);
    assert_eq!(browser.heading().await, "Close this vacancy now?");
    let source = browser.source().await;
    assert!(source.contains("No one can start or send an application."));
    let unfinished = if affected.unfinished == 1 {
        "1 person with an unfinished application will not be able to send it.".to_owned()
    } else {
        format!(
            "{} people with unfinished applications will not be able to send them.",
            affected.unfinished
        )
    };
    assert!(source.contains(&unfinished), "{unfinished}");
    assert!(source.contains("Shortlisting can start"));
    assert_eq!(status_of(&app, v.id).await, "published", "nothing yet");

    // Going back changes nothing.
    browser
        .activate(&format!("main a[href='{page}']:not(.nhsuk-back-link)"))
        .await;
    assert_eq!(browser.path().await, page);
    assert_eq!(status_of(&app, v.id).await, "published");

    // Confirming closes it.
    browser.activate(&format!("main a[href='{close}']")).await;
    browser
        .activate(&format!("form[action='{close}'] button[type=submit]"))
        .await;
    assert_eq!(browser.path().await, page);
    assert_eq!(status_of(&app, v.id).await, "closed");
    assert!(
        browser
            .source()
            .await
            .contains("It no longer takes applications")
    );

    // Closed by mistake: reopened with a new closing date, by keyboard.
    browser
        .activate(&format!("main a[href='{page}/reopen']"))
        .await;
    assert!(
        browser
            .source()
            .await
            .contains("We will email the new closing date")
    );
    browser.fill("#closes_day", "5").await;
    browser.fill("#closes_month", "12").await;
    browser.fill("#closes_year", "2099").await;
    browser
        .activate(&format!("form[action='{page}/reopen'] button[type=submit]"))
        .await;
    assert_eq!(browser.path().await, page);
    assert_eq!(status_of(&app, v.id).await, "published");
    assert!(
        browser
            .source()
            .await
            .contains("is open again until 5 December 2099")
    );

    browser.close().await;
}

#[tokio::test]
async fn completing_shortlisting_asks_first_and_going_back_changes_nothing() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app_with_demo().await;
    let (vacancy, opted, other) = closed_demo_vacancy(&app).await;
    // The lead's decisions, over HTTP: the opted-in application is invited by the rule.
    let lead = app.new_client();
    lead.sign_in("manager.alderhey@example.org", PASSWORD).await;
    for (id, scores) in [(opted, ["2", "3", "1"]), (other, ["1", "1", "0"])] {
        lead.post(
            &format!("/shortlisting/{vacancy}/applications/{id}"),
            &[
                ("final-1", scores[0]),
                ("final-2", scores[1]),
                ("final-3", scores[2]),
            ],
        )
        .await;
    }
    lead.post(
        &format!("/shortlisting/{vacancy}/applications/{other}"),
        &[("decision", "decline"), ("feedback", "")],
    )
    .await;
    let completed = || async {
        spectra::db::shortlisting::state_of(&app.db, vacancy)
            .await
            .unwrap()
            .completed_at
            .is_some()
    };
    let stage_before = stage_of(&app, opted).await;
    let board = format!("/shortlisting/{vacancy}");
    let complete = format!("{board}/complete");
    let browser = Browser::start().await;
    let b = &app.base;

    keyboard_sign_in(&browser, b, "manager.alderhey@example.org").await;
    browser.visit(&format!("{b}{board}")).await;
    assert!(browser.source().await.contains("You do not see names"));

    // The button leads to a question.
    browser
        .activate(&format!("main a[href='{complete}']"))
        .await;
    assert_eq!(browser.heading().await, "Complete shortlisting?");
    let source = browser.source().await;
    assert!(source.contains("1 applicant is emailed an invitation to interview."));
    assert!(source.contains("1 applicant is emailed that they were not taken forward."));
    assert!(source.contains("will see the names of the applicants invited to interview"));
    assert!(source.contains("This cannot be undone"));
    assert!(!completed().await, "nothing yet");

    // Going back changes nothing.
    browser
        .activate(&format!("main a[href='{board}']:not(.nhsuk-back-link)"))
        .await;
    assert_eq!(browser.path().await, board);
    assert!(!completed().await);
    assert_eq!(stage_of(&app, opted).await, stage_before, "not moved on");

    // Confirming completes it and the board shows the names, worded as such.
    browser
        .activate(&format!("main a[href='{complete}']"))
        .await;
    browser
        .activate(&format!("form[action='{complete}'] button[type=submit]"))
        .await;
    assert_eq!(browser.path().await, board);
    assert!(completed().await);
    assert_eq!(stage_of(&app, opted).await, "invited_to_interview");
    let source = browser.source().await;
    assert!(source.contains("Shortlisting is complete"));
    assert!(source.contains("you now see the names of the applicants invited to interview"));
    assert!(!source.contains("You do not see names"));

    browser.close().await;
}
