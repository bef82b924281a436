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

#[tokio::test]
async fn the_lead_adds_times_and_tells_applicants_who_book_from_the_emailed_link_by_keyboard() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app_with_demo().await;
    let (vacancy, opted, other) = closed_demo_vacancy(&app).await;

    // Arrange, as the panel lead over HTTP: invite one, decline the other, complete.
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
    let done = lead
        .post(&format!("/shortlisting/{vacancy}/complete"), &[])
        .await;
    assert_eq!(done.status().as_u16(), 303);

    // Act: the lead adds two times by keyboard, one after the other.
    let browser = Browser::start().await;
    let b = &app.base;
    keyboard_sign_in(&browser, b, "manager.alderhey@example.org").await;
    browser
        .visit(&format!("{b}/shortlisting/{vacancy}/interviews"))
        .await;
    for days in [4, 5] {
        let day = spectra::domain::london_time::from_utc(
            time::OffsetDateTime::now_utc() + time::Duration::days(days),
        );
        browser.fill("#day", &day.day().to_string()).await;
        browser
            .fill("#month", &u8::from(day.month()).to_string())
            .await;
        browser.fill("#year", &day.year().to_string()).await;
        browser.fill("#place", "Room 4, Alder Hey").await;
        browser
            .activate("form[action$='/interviews'] button[type=submit]")
            .await;
        assert!(browser.source().await.contains("Interview time added"));
    }
    assert!(
        !app.emails()
            .iter()
            .any(|e| e.subject.starts_with("Choose your interview time")),
        "adding times emails nobody"
    );

    // Then tells the invited applicants, after seeing who will be emailed.
    browser
        .activate(&format!(
            "a[href='/shortlisting/{vacancy}/interviews/tell']"
        ))
        .await;
    assert_eq!(
        browser.heading().await,
        "Tell applicants the interview times are ready"
    );
    assert!(browser.source().await.contains(&format!("SPX-{opted:06}")));
    browser.activate("main form button[type=submit]").await;
    assert!(
        browser
            .source()
            .await
            .contains("We have emailed 1 applicant the link to choose an interview time.")
    );

    // Assert: the invited applicant is emailed the link; the declined one is not.
    let email = app
        .wait_for_email("applicant@example.org", "Choose your interview time")
        .await;
    let link = email.link("http");
    assert!(link.ends_with(&format!("/applications/{opted}/interview")));
    assert!(
        !app.emails().iter().any(|e| e.to == "applicant2@example.org"
            && e.subject.starts_with("Choose your interview time"))
    );
    browser.close().await;

    // The applicant books from the link, by keyboard.
    let browser = Browser::start().await;
    keyboard_sign_in(&browser, b, "applicant@example.org").await;
    browser.visit(&link).await;
    browser.tab_to("#slot_id").await;
    browser.keys(" ").await;
    browser.activate("main form button[type=submit]").await;
    assert!(browser.source().await.contains("Your interview is booked"));
    assert_eq!(
        spectra::db::applications::find(&app.db, opted)
            .await
            .unwrap()
            .unwrap()
            .stage
            .as_str(),
        "interview_booked"
    );
    let booked = app
        .wait_for_email("applicant@example.org", "is booked")
        .await;
    assert!(
        booked
            .text
            .replace("\r\n", "\n")
            .contains("Your interview\n\nWhen: ")
    );
    browser.close().await;
}
