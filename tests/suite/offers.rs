//! Offers: accepting and declining, the positions cap under concurrency, the pre-employment
//! checks, the start date and the hire, with its employment record.

use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use spectra::entities::vacancy;

use crate::applications::{Posted, expect_redirect, post_vacancy, stored};
use crate::helpers::{Client, TestApp, spawn_app};
use crate::interviews::{add_slot, applicant_client, in_days, interviews_start, invited_pair};
use crate::shortlisting::lead;

/// Both invited applicants interviewed, found appointable and offered the job.
pub(crate) async fn offered_pair(app: &TestApp, v: &Posted, lead: &Client) -> [(i32, Client); 2] {
    let [first, second] = invited_pair(app, v, lead).await;
    add_slot(lead, v, in_days(3), "2").await;
    let slot = spectra::db::interviews::slots_of(&app.db, v.id)
        .await
        .unwrap()[0]
        .id;
    let mut out = Vec::new();
    for (id, email) in [(first, "first@example.org"), (second, "second@example.org")] {
        let client = applicant_client(app, email).await;
        expect_redirect(
            client
                .post(
                    &format!("/applications/{id}/interview"),
                    &[("slot_id", &slot.to_string())],
                )
                .await,
            &format!("/applications/{id}/interview"),
        )
        .await;
        out.push((id, client));
    }
    interviews_start(app, v.id).await;
    for (id, _) in &out {
        expect_redirect(
            lead.post(
                &format!("/shortlisting/{}/interviews/{id}/outcome", v.id),
                &[("outcome", "appointable"), ("feedback", "Strong answers.")],
            )
            .await,
            &format!("/shortlisting/{}/interviews", v.id),
        )
        .await;
        expect_redirect(
            lead.post(&format!("/shortlisting/{}/offers/{id}", v.id), &[])
                .await,
            &format!("/shortlisting/{}/offers", v.id),
        )
        .await;
        assert_eq!(stored(app, *id).await.stage.as_str(), "conditional_offer");
    }
    let second = out.pop().unwrap();
    let first = out.pop().unwrap();
    [first, second]
}

#[tokio::test]
async fn an_accepted_offer_goes_through_the_checks_to_a_hire_with_an_employment_record() {
    // Arrange
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Offer apprentice", false).await;
    let lead = lead(&app, &v).await;
    let [(first, one), (second, two)] = offered_pair(&app, &v, &lead).await;
    app.wait_for_email("first@example.org", "You are offered the job")
        .await;

    // Act: accept, pressed twice at once.
    let path = format!("/applications/{first}/offer");
    let accept = [("decision", "accept")];
    let (a, b) = tokio::join!(one.post(&path, &accept), one.post(&path, &accept));

    // Assert: one acceptance, one set of checks (the six standards and care experience,
    // because the scheme was used).
    for r in [a, b] {
        expect_redirect(r, &path).await;
    }
    let checks = spectra::db::offers::checks_of(&app.db, first)
        .await
        .unwrap();
    assert_eq!(checks.len(), 7);
    assert!(checks.iter().all(|c| c.status.as_str() == "pending"));
    let (_, page) = one.page(&path).await;
    assert!(page.contains("Criminal record (DBS)") && page.contains("Care experience verified"));

    // The other declines.
    expect_redirect(
        two.post(
            &format!("/applications/{second}/offer"),
            &[("decision", "decline")],
        )
        .await,
        &format!("/applications/{second}/offer"),
    )
    .await;
    assert_eq!(stored(&app, second).await.stage.as_str(), "withdrawn");

    // Act: the lead verifies every check, agrees a start date and marks the start.
    let mut fields: Vec<(String, String)> = Vec::new();
    for c in &checks {
        fields.push((format!("status-{}", c.kind.as_str()), "verified".into()));
        fields.push((format!("note-{}", c.kind.as_str()), "Seen".into()));
    }
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let offers_page = format!("/shortlisting/{}/offers", v.id);
    let long_note = "x".repeat(1_001);
    let refused = lead
        .post(
            &format!("{offers_page}/{first}/checks"),
            &[
                ("status-identity", "verified"),
                ("note-identity", long_note.as_str()),
            ],
        )
        .await;
    let body = refused.text().await.unwrap();
    assert!(
        crate::helpers::text_of(&body, ".nhsuk-error-summary").contains("1000 characters or fewer")
    );
    assert!(body.contains(&format!("href=\"#note-{first}-identity\"")));
    assert!(
        spectra::db::offers::checks_of(&app.db, first)
            .await
            .unwrap()
            .iter()
            .all(|c| c.status.as_str() == "pending"),
        "nothing partial is stored"
    );
    expect_redirect(
        lead.post(&format!("{offers_page}/{first}/checks"), &borrowed)
            .await,
        &offers_page,
    )
    .await;
    assert_eq!(stored(&app, first).await.stage.as_str(), "checks_complete");
    app.wait_for_email("first@example.org", "are complete")
        .await;
    let early = lead
        .post(
            &format!("{offers_page}/{first}/started"),
            &[("staff_group", "Estates and Ancillary")],
        )
        .await;
    assert_eq!(early.status().as_u16(), 400, "a start date comes first");
    let typo = lead
        .post(
            &format!("{offers_page}/{first}/start-date"),
            &[("day", "31"), ("month", "2"), ("year", "2027")],
        )
        .await;
    let body = typo.text().await.unwrap();
    assert!(crate::helpers::text_of(&body, ".nhsuk-error-summary").contains("real start date"));
    assert!(body.contains(&format!("href=\"#day-{first}\"")));
    expect_redirect(
        lead.post(
            &format!("{offers_page}/{first}/start-date"),
            &[("day", "4"), ("month", "1"), ("year", "2027")],
        )
        .await,
        &offers_page,
    )
    .await;
    expect_redirect(
        lead.post(
            &format!("{offers_page}/{first}/started"),
            &[("staff_group", "Estates and Ancillary")],
        )
        .await,
        &offers_page,
    )
    .await;

    // Assert: hired, with the record retention tracking will follow.
    assert_eq!(stored(&app, first).await.stage.as_str(), "started");
    let record = spectra::db::employment::of_application(&app.db, first)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.organisation_id, v.organisation_id);
    assert_eq!(record.role, "Offer apprentice");
    assert_eq!(record.band, "2");
    assert!(record.apprenticeship);
    assert_eq!(record.staff_group, "Estates and Ancillary");
    assert_eq!(record.start_date.to_string(), "2027-01-04");
    app.wait_for_email("first@example.org", "Welcome to your new job")
        .await;
    let stages: Vec<String> = spectra::db::applications::timeline(&app.db, first)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.to_stage.as_str().to_owned())
        .collect();
    assert_eq!(
        stages,
        [
            "draft",
            "submitted",
            "shortlisting",
            "invited_to_interview",
            "interview_booked",
            "interviewed",
            "conditional_offer",
            "checks_complete",
            "started"
        ]
    );
}

#[tokio::test]
async fn acceptances_arriving_together_never_exceed_the_positions() {
    // Arrange: one position, two offers.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Single post", false).await;
    let lead = lead(&app, &v).await;
    let [(first, one), (second, two)] = offered_pair(&app, &v, &lead).await;
    vacancy::ActiveModel {
        id: Set(v.id),
        positions: Set(1),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .unwrap();

    // Act: both accept at the same moment.
    let accept = [("decision", "accept")];
    let (path_one, path_two) = (
        format!("/applications/{first}/offer"),
        format!("/applications/{second}/offer"),
    );
    let (a, b) = tokio::join!(one.post(&path_one, &accept), two.post(&path_two, &accept));

    // Assert: exactly one accepted; the other is told kindly.
    let statuses = [a.status().as_u16(), b.status().as_u16()];
    assert!(
        statuses.contains(&303) && statuses.contains(&400),
        "{statuses:?}"
    );
    let refused = if a.status().as_u16() == 400 { a } else { b };
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("every position for this job has now been filled")
    );
    let offers = spectra::db::offers::of_vacancy(&app.db, v.id)
        .await
        .unwrap();
    assert_eq!(
        offers
            .iter()
            .filter(|o| o.status.as_str() == "accepted")
            .count(),
        1
    );
}
