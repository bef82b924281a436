//! The Executive Champion's pages: deciding requests for the high-volume exception (stored,
//! audited, emailed, and in force for the panel), the audit log and its filters, and who may
//! see them.

use scraper::{Html, Selector};
use sea_orm::{EntityTrait, TransactionTrait};
use serde_json::json;
use spectra::db::audit::{self, AuditAction};
use spectra::domain::Role;
use spectra::entities::{shortlist_decision, shortlisting};

use crate::applications::{Posted, applicant, expect_redirect, post_vacancy, stored};
use crate::helpers::{Client, PASSWORD, TestApp, location, spawn_app, text_of};
use crate::shortlisting::{FEEDBACK, audited, close, decide, finals, lead, sent};

/// A reason of more than 20 words.
const REASON: &str = "We had more than four hundred applications for two posts, and the same three managers run the ward, so we cannot interview everyone who meets the essential criteria this month.";

/// The Executive Champion, signed in.
async fn champion(app: &TestApp) -> (i32, Client) {
    let id = app
        .create_user("champion@nhs.net", &[Role::Champion], None)
        .await;
    let client = app.new_client();
    client.sign_in("champion@nhs.net", PASSWORD).await;
    (id, client)
}

/// The lead asks for the exception with this cap.
async fn request(lead: &Client, v: &Posted, cap: &str) {
    let response = lead
        .post(
            &format!("/shortlisting/{}/exception", v.id),
            &[("reason", REASON), ("cap", cap)],
        )
        .await;
    expect_redirect(response, &format!("/shortlisting/{}", v.id)).await;
}

async fn decide_request(
    champion: &Client,
    v: &Posted,
    decision: &str,
    note: &str,
) -> reqwest::Response {
    champion
        .post(
            &format!("/champion/exceptions/{}", v.id),
            &[("decision", decision), ("note", note)],
        )
        .await
}

async fn exception_of(app: &TestApp, v: &Posted) -> shortlisting::Model {
    spectra::db::shortlisting::state_of(&app.db, v.id)
        .await
        .unwrap()
}

async fn decision_of(app: &TestApp, application_id: i32) -> shortlist_decision::Model {
    shortlist_decision::Entity::find_by_id(application_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

fn lead_email(v: &Posted) -> String {
    format!("author.{}@nhs.net", v.organisation_id)
}

/// The text of each row of the page's table of events.
fn rows(body: &str) -> Vec<String> {
    let doc = Html::parse_document(body);
    let selector = Selector::parse("main table tbody tr").unwrap();
    doc.select(&selector)
        .map(|row| row.text().collect::<Vec<_>>().join(" "))
        .map(|text| text.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[tokio::test]
async fn the_champion_approves_a_request_which_is_stored_audited_and_emailed_to_the_lead() {
    // Arrange: a request for a vacancy with two applications sent.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Porter apprentice", false).await;
    sent(&app, &v, "one@example.org", "yes", Some("yes")).await;
    sent(&app, &v, "two@example.org", "no", None).await;
    let lead = lead(&app, &v).await;
    request(&lead, &v, "1").await;
    let (champion_id, champion) = champion(&app).await;

    // The champion sees what was asked, by whom, and how many applied.
    let (status, page) = champion.page("/champion/exceptions").await;
    assert_eq!(status, 200);
    let card = text_of(&page, ".nhsuk-card");
    for expected in [
        "Porter apprentice",
        "Trust for Porter apprentice",
        "Asked by Test Person",
        "Most people they would interview 1",
        "Applications sent 2",
        "more than four hundred applications",
    ] {
        assert!(card.contains(expected), "{expected} missing from {card}");
    }

    // Act: send the form without a decision.
    let response = decide_request(&champion, &v, "", "Only for this round.").await;

    // Assert: refused against the field, with what was typed kept, and nothing stored.
    assert_eq!(response.status().as_u16(), 200);
    let body = response.text().await.unwrap();
    assert!(
        text_of(&body, ".nhsuk-error-summary")
            .contains("Choose whether to approve or refuse the request")
    );
    assert!(body.contains(&format!("href=\"#decision-{}\"", v.id)));
    assert!(body.contains("Only for this round."));
    assert_eq!(
        exception_of(&app, &v).await.exception_status.as_str(),
        "requested"
    );

    // Act: approve it.
    let response = decide_request(&champion, &v, "approve", "Only for this round.").await;

    // Assert: stored, audited in the same change, and the lead is emailed.
    expect_redirect(response, "/champion/exceptions").await;
    let stored = exception_of(&app, &v).await;
    assert_eq!(stored.exception_status.as_str(), "approved");
    assert_eq!(stored.exception_cap, Some(1));
    assert_eq!(stored.exception_decided_by, Some(champion_id));
    assert_eq!(stored.exception_decision_note, "Only for this round.");
    let requested = audited(&app, "exception_requested").await;
    assert_eq!(requested.len(), 1);
    assert_eq!(requested[0].subject, format!("vacancy:{}", v.id));
    let approved = audited(&app, "exception_approved").await;
    assert_eq!(approved.len(), 1);
    assert_eq!(approved[0].subject, format!("vacancy:{}", v.id));
    assert_eq!(approved[0].actor_user_id, Some(champion_id));
    let details: serde_json::Value = serde_json::from_str(&approved[0].details).unwrap();
    assert_eq!(details, json!({ "cap": 1, "note": "Only for this round." }));
    let email = app
        .wait_for_email(&lead_email(&v), "High-volume exception approved")
        .await;
    assert!(email.subject.contains("Porter apprentice"));
    assert!(
        email
            .text
            .contains("The most people you may now interview is 1")
    );
    assert!(email.text.contains("Only for this round."));
    assert!(email.text.contains(&format!("/shortlisting/{}", v.id)));

    // The page confirms it and lists it as decided; the lead's board shows the limit.
    let (_, page) = champion.page("/champion/exceptions").await;
    assert!(text_of(&page, ".nhsuk-notification-banner").contains("You approved the request"));
    assert!(page.contains("There are no requests waiting for a decision."));
    let decided = rows(&page);
    assert_eq!(decided.len(), 1);
    assert!(decided[0].contains("Porter apprentice") && decided[0].contains("Approved"));
    let (_, board) = lead.page(&format!("/shortlisting/{}", v.id)).await;
    assert!(board.contains("The Executive Champion approved interviewing at most 1 people"));

    // Deciding again is refused with a reason, and nothing more is recorded.
    let again = decide_request(&champion, &v, "refuse", "").await;
    assert_eq!(again.status().as_u16(), 400);
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("There is no request for the high-volume exception waiting")
    );
    assert_eq!(
        exception_of(&app, &v).await.exception_status.as_str(),
        "approved"
    );
    assert_eq!(audited(&app, "exception_refused").await.len(), 0);
}

#[tokio::test]
async fn a_refused_request_leaves_interviews_unlimited_and_the_lead_may_ask_again() {
    // Arrange
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Catering apprentice", false).await;
    let lead = lead(&app, &v).await;
    request(&lead, &v, "5").await;
    let (champion_id, champion) = champion(&app).await;

    // Act
    let note = "Please interview everyone in the scheme.\nAsk the ICB for more panel members.";
    let response = decide_request(&champion, &v, "refuse", note).await;

    // Assert
    expect_redirect(response, "/champion/exceptions").await;
    let stored = exception_of(&app, &v).await;
    assert_eq!(stored.exception_status.as_str(), "refused");
    assert_eq!(stored.exception_decided_by, Some(champion_id));
    let refused = audited(&app, "exception_refused").await;
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].subject, format!("vacancy:{}", v.id));
    assert!(refused[0].details.contains("Ask the ICB"));
    assert!(audited(&app, "exception_approved").await.is_empty());
    let email = app
        .wait_for_email(&lead_email(&v), "High-volume exception refused")
        .await;
    assert!(email.text.contains("Interviews are not limited"));
    assert!(email.text.contains("Ask the ICB for more panel members."));
    let (_, page) = champion.page("/champion/exceptions").await;
    assert!(text_of(&page, ".nhsuk-notification-banner").contains("You refused the request"));
    assert!(rows(&page)[0].contains("Refused"));
    let (_, board) = lead.page(&format!("/shortlisting/{}", v.id)).await;
    assert!(board.contains("refused your last request"));

    // The lead may ask again, and the champion sees the new request.
    request(&lead, &v, "8").await;
    assert_eq!(
        exception_of(&app, &v).await.exception_status.as_str(),
        "requested"
    );
    let (_, page) = champion.page("/champion/exceptions").await;
    assert!(text_of(&page, ".nhsuk-card").contains("Most people they would interview 8"));
}

#[tokio::test]
async fn once_approved_the_lead_may_decline_an_opted_in_application_outside_the_cap() {
    // Arrange: two opted-in applications that both meet the essential criteria, one better.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Theatre apprentice", false).await;
    let higher = sent(&app, &v, "higher@example.org", "yes", Some("yes")).await;
    let lower = sent(&app, &v, "lower@example.org", "yes", Some("yes")).await;
    let lead = lead(&app, &v).await;
    close(&app, v.id).await;
    finals(&lead, &v, higher, ["3", "3", "1"]).await;
    finals(&lead, &v, lower, ["2", "2", "0"]).await;

    // Without the exception, the lower one must be invited.
    let refused = decide(&lead, &v, lower, "decline", FEEDBACK).await;
    assert_eq!(refused.status().as_u16(), 200);
    assert!(
        text_of(&refused.text().await.unwrap(), ".nhsuk-error-summary")
            .contains("must be invited to interview")
    );
    assert_eq!(audited(&app, "override_refused").await.len(), 1);

    // A request alone changes nothing until the champion approves it.
    request(&lead, &v, "1").await;
    let still_refused = decide(&lead, &v, lower, "decline", FEEDBACK).await;
    assert_eq!(still_refused.status().as_u16(), 200);
    assert_eq!(audited(&app, "override_refused").await.len(), 2);
    let (_, champion) = champion(&app).await;
    expect_redirect(
        decide_request(&champion, &v, "approve", "").await,
        "/champion/exceptions",
    )
    .await;

    // Act: decline the lower one again.
    let response = decide(&lead, &v, lower, "decline", FEEDBACK).await;

    // Assert: accepted; the better one stays invited, and shortlisting can be completed.
    expect_redirect(response, &format!("/shortlisting/{}", v.id)).await;
    assert!(!decision_of(&app, lower).await.invited);
    assert!(decision_of(&app, higher).await.invited);
    assert_eq!(audited(&app, "override_refused").await.len(), 2);
    expect_redirect(
        lead.post(&format!("/shortlisting/{}/complete", v.id), &[])
            .await,
        &format!("/shortlisting/{}", v.id),
    )
    .await;
    assert_eq!(
        stored(&app, higher).await.stage.as_str(),
        "invited_to_interview"
    );
    assert_eq!(stored(&app, lower).await.stage.as_str(), "not_shortlisted");
}

#[tokio::test]
async fn only_the_champion_reaches_the_champion_pages() {
    // Arrange
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Stores apprentice", false).await;
    let untouched = post_vacancy(&app, "Laundry apprentice", false).await;
    let lead = lead(&app, &v).await;
    request(&lead, &v, "2").await;
    let (_, applicant) = applicant(&app, "curious@example.org", "yes").await;
    let anonymous = app.new_client();
    let (_, champion) = champion(&app).await;
    let decision_path = format!("/champion/exceptions/{}", v.id);

    // Act and assert: applicants and hiring managers are refused; visitors must sign in.
    for path in ["/champion/exceptions", "/champion/audit"] {
        assert_eq!(applicant.get(path).await.status().as_u16(), 403, "{path}");
        assert_eq!(lead.get(path).await.status().as_u16(), 403, "{path}");
        let response = anonymous.get(path).await;
        assert_eq!(response.status().as_u16(), 303, "{path}");
        assert!(location(&response).starts_with("/login?next="), "{path}");
        assert_eq!(champion.get(path).await.status().as_u16(), 200, "{path}");
    }
    for client in [&applicant, &lead] {
        let response = client
            .post(&decision_path, &[("decision", "approve")])
            .await;
        assert_eq!(response.status().as_u16(), 403);
    }
    let response = anonymous
        .post(&decision_path, &[("decision", "approve")])
        .await;
    assert!(location(&response).starts_with("/login"));
    assert_eq!(
        exception_of(&app, &v).await.exception_status.as_str(),
        "requested"
    );
    assert!(audited(&app, "exception_approved").await.is_empty());

    // The nav link to the dashboard, which leads to the exceptions, is the champion's alone.
    let (_, home) = champion.page("/").await;
    assert!(home.contains("href=\"/champion\">Dashboard"));
    let (_, home) = lead.page("/").await;
    assert!(!home.contains("href=\"/champion\""));

    // Unknown and malformed vacancies do not exist; one with nothing waiting is explained.
    for path in [
        "/champion/exceptions/999999".to_owned(),
        "/champion/exceptions/abc".to_owned(),
        "/champion/exceptions/1.5".to_owned(),
    ] {
        let response = champion.post(&path, &[("decision", "approve")]).await;
        assert_eq!(response.status().as_u16(), 404, "{path}");
    }
    let response = decide_request(&champion, &untouched, "approve", "").await;
    assert_eq!(response.status().as_u16(), 400);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("There is no request for the high-volume exception waiting")
    );
    assert_eq!(
        exception_of(&app, &untouched)
            .await
            .exception_status
            .as_str(),
        "none"
    );
}

#[tokio::test]
async fn a_champion_who_asked_for_an_exception_cannot_approve_it_themselves() {
    // Arrange: the vacancy's lead is also a champion.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Pharmacy apprentice", false).await;
    let author = spectra::db::users::find_by_email(&app.db, &lead_email(&v))
        .await
        .unwrap()
        .unwrap();
    let txn = app.db.begin().await.unwrap();
    spectra::db::users::set_roles(
        &txn,
        author.id,
        &[Role::HiringManager, Role::Champion],
        Some(v.organisation_id),
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    let both = lead(&app, &v).await;
    request(&both, &v, "3").await;

    // Act
    let (_, page) = both.page("/champion/exceptions").await;
    let response = decide_request(&both, &v, "approve", "").await;

    // Assert
    assert!(page.contains("You asked for this exception yourself"));
    assert!(!page.contains(&format!("action=\"/champion/exceptions/{}\"", v.id)));
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(
        exception_of(&app, &v).await.exception_status.as_str(),
        "requested"
    );
}

/// The rows of the log but the sign-ins, which every test that signs in leaves.
fn without_sign_ins(rows: Vec<String>) -> Vec<String> {
    rows.into_iter()
        .filter(|r| !r.contains("Signed in"))
        .collect()
}

#[tokio::test]
async fn the_audit_log_filters_by_kind_vacancy_and_who_acted() {
    // Arrange: on vacancy A, a refused override on an application and an approved request;
    // on vacancy B, a request still waiting.
    let app = spawn_app().await;
    let a = post_vacancy(&app, "Ward clerk", false).await;
    let b = post_vacancy(&app, "Estates apprentice", false).await;
    let opted = sent(&app, &a, "filters@example.org", "yes", Some("yes")).await;
    let lead_a = lead(&app, &a).await;
    let lead_b = lead(&app, &b).await;
    close(&app, a.id).await;
    finals(&lead_a, &a, opted, ["2", "2", "0"]).await;
    assert_eq!(
        decide(&lead_a, &a, opted, "decline", FEEDBACK)
            .await
            .status()
            .as_u16(),
        200
    );
    request(&lead_a, &a, "3").await;
    request(&lead_b, &b, "4").await;
    let (champion_id, champion) = champion(&app).await;
    expect_redirect(
        decide_request(&champion, &a, "approve", "Fine for now.").await,
        "/champion/exceptions",
    )
    .await;
    let lead_b_id = spectra::db::users::find_by_email(&app.db, &lead_email(&b))
        .await
        .unwrap()
        .unwrap()
        .id;

    // Act and assert: everything, newest first, in plain words and London time.
    let (status, page) = champion.page("/champion/audit").await;
    assert_eq!(status, 200);
    // Each sign-in is in the log too; the rest are the events of this test.
    let all = without_sign_ins(rows(&page));
    // The automatic invitation under the scheme is audited too.
    assert_eq!(all.len(), 5, "{all:#?}");
    assert!(all[0].contains("High-volume exception approved"));
    assert!(all[0].contains("Vacancy"));
    assert!(all[0].contains("Ward clerk"));
    assert!(all[0].contains("Fine for now."));
    assert!(all[0].contains(" at "), "a London time: {}", all[0]);
    assert!(all[3].contains("Attempt to decline a guaranteed interview refused"));
    assert!(all[3].contains(&format!("Application SPX-{opted:06}")));
    assert!(all[4].contains("Invited to interview automatically"));
    assert!(all[4].contains("Final scores: 2, 2, 0"));
    assert!(page.contains(&format!("<option value=\"{champion_id}\"")));
    assert!(page.contains(&format!("<option value=\"{lead_b_id}\"")));

    // By kind.
    let (_, page) = champion
        .page("/champion/audit?kind=exception_requested")
        .await;
    let requested = rows(&page);
    assert_eq!(requested.len(), 2, "{requested:#?}");
    assert!(
        requested
            .iter()
            .all(|r| r.contains("High-volume exception requested"))
    );
    assert!(page.contains("<option value=\"exception_requested\" selected>"));

    // By vacancy: its own events and its applications' events, nobody else's.
    let (_, page) = champion
        .page(&format!("/champion/audit?vacancy={}", a.id))
        .await;
    let of_a = rows(&page);
    assert_eq!(of_a.len(), 4, "{of_a:#?}");
    assert!(of_a.iter().all(|r| !r.contains("Estates apprentice")));
    assert!(of_a[2].contains("Attempt to decline a guaranteed interview refused"));

    // By who acted, and in combination.
    let (_, page) = champion
        .page(&format!("/champion/audit?actor={lead_b_id}"))
        .await;
    let by_b = without_sign_ins(rows(&page));
    assert_eq!(by_b.len(), 1, "{by_b:#?}");
    assert!(by_b[0].contains("Estates apprentice"));
    let (_, page) = champion
        .page(&format!(
            "/champion/audit?vacancy={}&kind=exception_approved&actor=",
            b.id
        ))
        .await;
    assert!(rows(&page).is_empty());
    assert!(page.contains("No events match these filters."));
    let (_, page) = champion.page("/champion/audit?actor=system").await;
    assert!(rows(&page).is_empty());

    // A filter that cannot be read is explained, not ignored.
    let (status, page) = champion.page("/champion/audit?vacancy=twelve").await;
    assert_eq!(status, 200);
    assert!(text_of(&page, ".nhsuk-error-summary").contains("Enter a vacancy number"));
    assert!(rows(&page).is_empty());
}

#[tokio::test]
async fn the_audit_log_shows_50_events_a_page_and_keeps_the_filters_across_pages() {
    // Arrange
    let app = spawn_app().await;
    for i in 0..55 {
        audit::record(
            &app.db,
            None,
            AuditAction::AccountCreatedByCli,
            &spectra::domain::audit_subject::AuditSubject::User(i),
            json!({ "roles": "admin" }),
        )
        .await
        .unwrap();
    }
    let (_, champion) = champion(&app).await;

    // Act
    let (_, first) = champion
        .page("/champion/audit?kind=account_created_by_cli")
        .await;
    let (_, second) = champion
        .page("/champion/audit?kind=account_created_by_cli&page=2")
        .await;

    // Assert
    let first_rows = rows(&first);
    assert_eq!(first_rows.len(), 50);
    assert!(first_rows[0].contains("Account 54 (removed)"));
    assert!(first_rows[0].contains("No one: the command line"));
    assert!(first.contains("page=2"));
    assert!(first.contains("kind=account_created_by_cli"));
    assert_eq!(rows(&second).len(), 5);
    assert!(text_of(&second, "caption").contains("page 2 of 2"));
}

#[tokio::test]
async fn final_scores_that_rank_an_application_within_the_cap_invite_it_in_the_same_form() {
    // Arrange: an approved cap of 1 and two opted-in applications meeting every essential
    // criterion; the lower one is outside the cap, so it is not invited automatically.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Pharmacy apprentice", false).await;
    let higher = sent(&app, &v, "first@example.org", "yes", Some("yes")).await;
    let lower = sent(&app, &v, "second@example.org", "yes", Some("yes")).await;
    let lead = lead(&app, &v).await;
    close(&app, v.id).await;
    finals(&lead, &v, higher, ["3", "3", "1"]).await;
    request(&lead, &v, "1").await;
    let (_, champion) = champion(&app).await;
    expect_redirect(
        decide_request(&champion, &v, "approve", "").await,
        "/champion/exceptions",
    )
    .await;
    finals(&lead, &v, lower, ["2", "2", "0"]).await;
    assert_eq!(audited(&app, "invited_automatically").await.len(), 1);

    // Act: one form raises the lower one's final scores above the other's, and declines it.
    let response = lead
        .post(
            &format!("/shortlisting/{}/applications/{lower}", v.id),
            &[
                ("final-1", "3"),
                ("final-2", "3"),
                ("final-3", "3"),
                ("decision", "decline"),
                ("feedback", FEEDBACK),
            ],
        )
        .await;

    // Assert: the cap is ranked on the scores just saved, so the application is now within it:
    // invited automatically, and the decline refused with the final scores kept.
    assert_eq!(response.status().as_u16(), 200);
    let page = response.text().await.unwrap();
    assert!(
        text_of(&page, ".nhsuk-error-summary").contains("must be invited to interview"),
        "{page}"
    );
    let invited = audited(&app, "invited_automatically").await;
    assert_eq!(invited.len(), 2);
    assert!(
        invited
            .iter()
            .any(|e| e.subject == format!("application:{lower}"))
    );
    assert_eq!(audited(&app, "override_refused").await.len(), 1);
    assert!(decision_of(&app, lower).await.invited);
}
