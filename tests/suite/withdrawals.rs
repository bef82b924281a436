//! Withdrawals and offers: withdrawing lets go of an offer and an interview place, a withdrawn
//! application cannot accept, the lead withdraws an offer when a check fails, and an interview
//! outcome is recorded once.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use spectra::entities::{interview_booking, interview_outcome, offer};
use spectra::services::withdrawal::Cause;

use crate::applications::{expect_redirect, post_vacancy, stored};
use crate::helpers::spawn_app;
use crate::interviews::{add_slot, applicant_client, in_days, interviews_start, invited_pair};
use crate::offers::offered_pair;
use crate::shortlisting::{audited, lead};

async fn offer_status(app: &crate::helpers::TestApp, id: i32) -> String {
    offer::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .status
        .as_str()
        .to_owned()
}

/// A slot with one place, booked by the first invited applicant (`first@example.org`): the
/// slot's ID and the applicant, signed in.
async fn booked(
    app: &crate::helpers::TestApp,
    v: &crate::applications::Posted,
    lead: &crate::helpers::Client,
    first: i32,
) -> (i32, crate::helpers::Client) {
    add_slot(lead, v, in_days(4), "1").await;
    let slot = spectra::db::interviews::slots_of(&app.db, v.id)
        .await
        .unwrap()[0]
        .id;
    let client = applicant_client(app, "first@example.org").await;
    expect_redirect(
        client
            .post(
                &format!("/applications/{first}/interview"),
                &[("slot_id", &slot.to_string())],
            )
            .await,
        &format!("/applications/{first}/interview"),
    )
    .await;
    (slot, client)
}

#[tokio::test]
async fn withdrawing_frees_an_accepted_offer_and_a_withdrawn_application_cannot_accept() {
    // Arrange: two offers; the first accepted.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Theatre porter", false).await;
    let lead = lead(&app, &v).await;
    let [(first, first_client), (second, second_client)] = offered_pair(&app, &v, &lead).await;
    let offer_path = |id: i32| format!("/applications/{id}/offer");
    expect_redirect(
        first_client
            .post(&offer_path(first), &[("decision", "accept")])
            .await,
        &offer_path(first),
    )
    .await;
    assert_eq!(offer_status(&app, first).await, "accepted");

    // Act: both withdraw; the second then tries to accept its offer anyway.
    for (id, client) in [(first, &first_client), (second, &second_client)] {
        expect_redirect(
            client
                .post(
                    &format!("/applications/{id}/withdraw"),
                    &[("reason", "I found another job")],
                )
                .await,
            &format!("/applications/{id}"),
        )
        .await;
    }
    let response = second_client
        .post(&offer_path(second), &[("decision", "accept")])
        .await;

    // Assert
    assert_eq!(response.status().as_u16(), 400);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("This offer can no longer be accepted")
    );
    for id in [first, second] {
        assert_eq!(stored(&app, id).await.stage.as_str(), "withdrawn");
        assert_eq!(offer_status(&app, id).await, "withdrawn");
    }
    let accepted = offer::Entity::find()
        .filter(offer::Column::VacancyId.eq(v.id))
        .filter(offer::Column::Status.eq("accepted"))
        .all(&app.db)
        .await
        .unwrap();
    assert!(accepted.is_empty(), "every position is free again");
    assert_eq!(audited(&app, "offer_withdrawn").await.len(), 2);
    let (_, page) = first_client.page(&offer_path(first)).await;
    assert!(page.contains("This offer has been withdrawn"));
}

#[tokio::test]
async fn withdrawing_cancels_the_booking_and_tells_the_panel() {
    // Arrange: an invited applicant books an interview.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Play worker", false).await;
    let lead = lead(&app, &v).await;
    let [first, second] = invited_pair(&app, &v, &lead).await;
    let (slot, client) = booked(&app, &v, &lead, first).await;
    assert_eq!(stored(&app, first).await.stage.as_str(), "interview_booked");

    // Act
    expect_redirect(
        client
            .post(
                &format!("/applications/{first}/withdraw"),
                &[("reason", "")],
            )
            .await,
        &format!("/applications/{first}"),
    )
    .await;

    // Assert: the place is free, the panel no longer sees the person, and is told.
    assert!(
        interview_booking::Entity::find_by_id(first)
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );
    let (_, page) = lead
        .page(&format!("/shortlisting/{}/interviews", v.id))
        .await;
    assert!(!page.contains(&crate::shortlisting::name_of("first@example.org")));
    assert!(!page.contains("Questions in writing"));
    let notice = app
        .wait_for_email(
            &format!("author.{}@nhs.net", v.organisation_id),
            "Interview cancelled",
        )
        .await;
    assert!(notice.text.contains("the place is free"));
    // Someone else can now book the only place.
    let other = applicant_client(&app, "second@example.org").await;
    expect_redirect(
        other
            .post(
                &format!("/applications/{second}/interview"),
                &[("slot_id", &slot.to_string())],
            )
            .await,
        &format!("/applications/{second}/interview"),
    )
    .await;
}

#[tokio::test]
async fn the_lead_withdraws_a_conditional_offer_when_a_check_fails() {
    // Arrange: an accepted offer whose DBS check failed.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Healthcare assistant", false).await;
    let lead = lead(&app, &v).await;
    let [(first, first_client), _] = offered_pair(&app, &v, &lead).await;
    first_client
        .post(
            &format!("/applications/{first}/offer"),
            &[("decision", "accept")],
        )
        .await;
    let path = format!("/shortlisting/{}/offers/{first}/withdraw", v.id);

    // Act: first without feedback, then with it.
    let response = lead.post(&path, &[("feedback", "  ")]).await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Write feedback for")
    );
    assert_eq!(
        stored(&app, first).await.stage.as_str(),
        "conditional_offer"
    );
    let feedback = "The DBS check showed a recent conviction that rules out this role. Talk to Pat Lee about other posts.";
    let response = lead.post(&path, &[("feedback", feedback)]).await;

    // Assert
    expect_redirect(response, &format!("/shortlisting/{}/offers", v.id)).await;
    assert_eq!(stored(&app, first).await.stage.as_str(), "unsuccessful");
    assert_eq!(offer_status(&app, first).await, "withdrawn");
    let events = audited(&app, "offer_withdrawn").await;
    assert_eq!(events.len(), 1);
    assert!(events[0].details.contains("\"feedback_given\":true"));
    assert!(
        !events[0].details.contains("DBS"),
        "no free text in the log"
    );
    let email = app
        .wait_for_email("first@example.org", "was not successful")
        .await;
    assert!(email.text.contains("recent conviction"), "{}", email.text);
    let (_, page) = first_client.page(&format!("/applications/{first}")).await;
    assert!(page.contains("recent conviction"));
    // Nothing more can be withdrawn.
    assert_eq!(
        lead.post(&path, &[("feedback", feedback)])
            .await
            .status()
            .as_u16(),
        400
    );
}

#[tokio::test]
async fn an_interview_outcome_sent_twice_at_once_is_recorded_once() {
    // Arrange
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Receptionist", false).await;
    let lead = lead(&app, &v).await;
    let [first, _] = invited_pair(&app, &v, &lead).await;
    booked(&app, &v, &lead, first).await;
    interviews_start(&app, v.id).await;
    let path = format!("/shortlisting/{}/interviews/{first}/outcome", v.id);
    let fields = [
        ("outcome", "not_appointable"),
        ("feedback", "Thank you for coming."),
    ];

    // Act
    let (a, b) = tokio::join!(lead.post(&path, &fields), lead.post(&path, &fields));

    // Assert: one is recorded, the other is told plainly, and nothing fails.
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [303, 400]);
    let outcomes = interview_outcome::Entity::find()
        .filter(interview_outcome::Column::ApplicationId.eq(first))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(outcomes.len(), 1);
    assert_eq!(stored(&app, first).await.stage.as_str(), "unsuccessful");
}

#[tokio::test]
async fn a_withdrawal_and_an_acceptance_at_once_never_leave_a_withdrawn_application_holding_a_position()
 {
    // Arrange: two conditional offers.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Pharmacy assistant", false).await;
    let lead = lead(&app, &v).await;
    let pair = offered_pair(&app, &v, &lead).await;

    for (id, client) in &pair {
        // Act: the same person withdraws and accepts at the same moment, in two tabs.
        let (withdraw, offer) = (
            format!("/applications/{id}/withdraw"),
            format!("/applications/{id}/offer"),
        );
        let (_, _) = tokio::join!(
            client.post(&withdraw, &[("reason", "Changed my mind")]),
            client.post(&offer, &[("decision", "accept")])
        );

        // Assert: whatever the order, the application is withdrawn and its offer is not
        // holding a position.
        assert_eq!(stored(&app, *id).await.stage.as_str(), "withdrawn");
        assert_eq!(offer_status(&app, *id).await, "withdrawn");
    }
}

#[tokio::test]
async fn the_withdrawal_service_lets_go_of_the_offer_in_one_transaction() {
    // Arrange: an accepted offer, called without HTTP.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Estates apprentice", false).await;
    let lead = lead(&app, &v).await;
    let [(first, first_client), _] = offered_pair(&app, &v, &lead).await;
    first_client
        .post(
            &format!("/applications/{first}/offer"),
            &[("decision", "accept")],
        )
        .await;
    let applicant = stored(&app, first).await.applicant_id;
    let config = spectra::config::Config::from_lookup(|_| None).unwrap();
    let actor = spectra::services::Actor {
        id: applicant,
        name: "First",
        email: "first@example.org",
    };

    // Act: a withdrawal whose transaction is rolled back changes nothing; a committed one
    // frees the position; a second is refused with the stage.
    let txn = app.db.begin().await.unwrap();
    let rolled_back =
        spectra::services::withdrawal::withdraw(&txn, &config, actor, first, "", Cause::Applicant)
            .await
            .unwrap();
    txn.rollback().await.unwrap();
    let untouched = (
        stored(&app, first).await.stage.as_str().to_owned(),
        offer_status(&app, first).await,
    );
    let txn = app.db.begin().await.unwrap();
    let committed =
        spectra::services::withdrawal::withdraw(&txn, &config, actor, first, "", Cause::Applicant)
            .await
            .unwrap();
    txn.commit().await.unwrap();
    let txn = app.db.begin().await.unwrap();
    let again =
        spectra::services::withdrawal::withdraw(&txn, &config, actor, first, "", Cause::Applicant)
            .await
            .unwrap();
    txn.rollback().await.unwrap();
    let txn = app.db.begin().await.unwrap();
    let someone_else = spectra::services::withdrawal::withdraw(
        &txn,
        &config,
        spectra::services::Actor {
            id: applicant + 1000,
            ..actor
        },
        first,
        "",
        Cause::Applicant,
    )
    .await
    .unwrap();
    txn.rollback().await.unwrap();

    // Assert
    let freed = spectra::services::withdrawal::Withdrawn {
        offer_withdrawn: true,
        booking_cancelled: false,
    };
    assert_eq!(rolled_back, Ok(freed));
    assert_eq!(
        untouched,
        ("conditional_offer".to_owned(), "accepted".to_owned())
    );
    assert_eq!(committed, Ok(freed));
    assert_eq!(stored(&app, first).await.stage.as_str(), "withdrawn");
    assert_eq!(offer_status(&app, first).await, "withdrawn");
    assert_eq!(
        again,
        Err(spectra::services::withdrawal::WithdrawRefusal::Ended(
            spectra::domain::application::Stage::Withdrawn
        ))
    );
    assert_eq!(
        someone_else,
        Err(spectra::services::withdrawal::WithdrawRefusal::NotFound)
    );
}
