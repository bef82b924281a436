//! Confirm before what can't be taken back: cancelling a booked interview and removing an
//! interview time each ask first on a page that changes nothing; the POST does it once, and
//! a second POST is harmless. (Revoking an invitation: see admin.rs.)

use crate::applications::{expect_redirect, post_vacancy, stored};
use crate::helpers::{Client, PASSWORD, TestApp, location, spawn_app, text_of};
use crate::interviews::{add_slot, applicant_client, in_days, invited_pair};
use crate::shortlisting::{audited, lead};
use spectra::domain::Role;

/// What a confirmation page must not change: bookings, slots, audit events, emails queued.
async fn counts(app: &TestApp) -> [i64; 4] {
    [
        app.count("interview_bookings").await,
        app.count("interview_slots").await,
        app.count("audit_events").await,
        app.count("outbox_messages").await,
    ]
}

#[tokio::test]
async fn cancelling_a_booked_interview_asks_first_tells_the_panel_and_happens_once() {
    // Arrange: an applicant booked on a time.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Ward porter", false).await;
    let lead_client = lead(&app, &v).await;
    let [first, second] = invited_pair(&app, &v, &lead_client).await;
    add_slot(&lead_client, &v, in_days(4), "1").await;
    let slot = spectra::db::interviews::slots_of(&app.db, v.id)
        .await
        .unwrap()[0]
        .id;
    let one = applicant_client(&app, "first@example.org").await;
    expect_redirect(
        one.post(
            &format!("/applications/{first}/interview"),
            &[("slot_id", &slot.to_string())],
        )
        .await,
        &format!("/applications/{first}/interview"),
    )
    .await;
    let cancel = format!("/applications/{first}/interview/cancel");
    let (_, page) = one.page(&format!("/applications/{first}/interview")).await;
    assert!(
        page.contains(&format!("href=\"{cancel}\"")),
        "a link, not a button"
    );

    let two = applicant_client(&app, "second@example.org").await;

    // Act: the confirmation page.
    let before = counts(&app).await;
    let (status, confirm) = one.page(&cancel).await;

    // Assert: it says what will happen, and changes nothing.
    assert_eq!(status, 200);
    assert_eq!(text_of(&confirm, "h1"), "Cancel your interview?");
    let main = text_of(&confirm, "main");
    assert!(main.contains("free for someone else to book"), "{main}");
    assert!(main.contains("we will email the panel"), "{main}");
    assert!(confirm.contains(&format!("action=\"{cancel}\"")));
    assert_eq!(counts(&app).await, before);
    assert_eq!(stored(&app, first).await.stage.as_str(), "interview_booked");

    // Another applicant can neither see nor use it.
    for response in [two.get(&cancel).await, two.post(&cancel, &[]).await] {
        assert!(
            matches!(response.status().as_u16(), 403 | 404),
            "{}",
            response.status()
        );
    }
    let (_, other) = two
        .page(&format!("/applications/{second}/interview/cancel"))
        .await;
    assert!(!other.contains("Cancel your interview?"), "nothing booked");
    assert_eq!(counts(&app).await, before);

    // Act: cancel.
    expect_redirect(
        one.post(&cancel, &[]).await,
        &format!("/applications/{first}/interview"),
    )
    .await;

    // Assert: cancelled once, the place is free, and the panel is told.
    assert_eq!(
        stored(&app, first).await.stage.as_str(),
        "invited_to_interview"
    );
    assert_eq!(app.count("interview_bookings").await, before[0] - 1);
    let notice = app
        .wait_for_email(
            &format!("author.{}@nhs.net", v.organisation_id),
            "Interview cancelled",
        )
        .await;
    assert!(notice.text.contains("free for another applicant to book"));
    let queued = app.count("outbox_messages").await;
    let timeline = spectra::db::applications::timeline(&app.db, first)
        .await
        .unwrap()
        .len();

    // Act: the same button again (a double press, or Back and resend).
    let again = one.post(&cancel, &[]).await;

    // Assert: harmless: no error, nothing changed, no second email.
    assert_eq!(location(&again), format!("/applications/{first}/interview"));
    let (_, page) = one.page(&format!("/applications/{first}/interview")).await;
    assert!(text_of(&page, "main").contains("nothing to cancel"));
    assert_eq!(app.count("outbox_messages").await, queued);
    assert_eq!(
        spectra::db::applications::timeline(&app.db, first)
            .await
            .unwrap()
            .len(),
        timeline
    );
    assert_eq!(
        stored(&app, first).await.stage.as_str(),
        "invited_to_interview"
    );
    // With nothing booked, the confirmation page goes back to the interview page.
    assert_eq!(
        location(&one.get(&cancel).await),
        format!("/applications/{first}/interview")
    );
}

#[tokio::test]
async fn removing_an_interview_time_asks_first_and_happens_once() {
    // Arrange
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Clinic porter", false).await;
    let lead_client = lead(&app, &v).await;
    invited_pair(&app, &v, &lead_client).await;
    add_slot(&lead_client, &v, in_days(6), "2").await;
    let slot = spectra::db::interviews::slots_of(&app.db, v.id)
        .await
        .unwrap()[0]
        .clone();
    let interviews = format!("/shortlisting/{}/interviews", v.id);
    let remove = format!("{interviews}/slots/{}/remove", slot.id);
    let (_, page) = lead_client.page(&interviews).await;
    assert!(
        page.contains(&format!("href=\"{remove}\"")),
        "a link, not a button"
    );

    let other_org = app.create_organisation("Another trust").await;
    app.create_user(
        "other.manager@nhs.net",
        &[Role::HiringManager],
        Some(other_org),
    )
    .await;
    let outsider = app.new_client();
    outsider.sign_in("other.manager@nhs.net", PASSWORD).await;
    let applicant: Client = applicant_client(&app, "first@example.org").await;

    // Act: the confirmation page.
    let before = counts(&app).await;
    let (status, confirm) = lead_client.page(&remove).await;

    // Assert: it names the time, says what will happen, and changes nothing.
    assert_eq!(status, 200);
    assert_eq!(text_of(&confirm, "h1"), "Remove this interview time?");
    let main = text_of(&confirm, "main");
    assert!(
        main.contains(&spectra::domain::london_time::describe(slot.starts_at)),
        "{main}"
    );
    assert!(main.contains("applicants can no longer choose it"));
    assert!(confirm.contains(&format!("action=\"{remove}\"")));
    assert_eq!(counts(&app).await, before);

    // A manager of another organisation, and an applicant, cannot reach it.
    for client in [&outsider, &applicant] {
        for response in [client.get(&remove).await, client.post(&remove, &[]).await] {
            assert!(
                matches!(response.status().as_u16(), 403 | 404),
                "{}",
                response.status()
            );
        }
    }
    assert_eq!(counts(&app).await, before);

    // Act: remove it.
    expect_redirect(lead_client.post(&remove, &[]).await, &interviews).await;

    // Assert: gone, audited once.
    assert_eq!(app.count("interview_slots").await, before[1] - 1);
    assert_eq!(audited(&app, "interview_time_changed").await.len(), 1);

    // Act: the same button again.
    let again = lead_client.post(&remove, &[]).await;

    // Assert: harmless: back to the list, saying so; nothing more recorded.
    assert_eq!(location(&again), interviews);
    let (_, page) = lead_client.page(&interviews).await;
    assert!(text_of(&page, "main").contains("already been removed"));
    assert_eq!(audited(&app, "interview_time_changed").await.len(), 1);
    assert_eq!(app.count("interview_slots").await, before[1] - 1);
}
