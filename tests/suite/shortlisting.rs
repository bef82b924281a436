//! Shortlisting: anonymity, scoring, the guaranteed-interview rule enforced on the server,
//! feedback, completion with its reveal, and who may see the panel's pages.

use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use spectra::domain::Role;
use spectra::entities::{audit_event, shortlist_decision, vacancy};
use time::{Duration, OffsetDateTime};

use crate::applications::{
    Posted, applicant, expect_redirect, fill_in, post_vacancy, start, stored,
};
use crate::helpers::{Client, PASSWORD, TestApp, location, spawn_app, text_of};

/// Feedback of more than 50 words.
pub(crate) const FEEDBACK: &str = "Thank you for applying. Your answer about working in a team was a good start, but it did not yet show how you worked with other people to get something done. Next time, describe one real example, say what you did yourself, what the others did, and what happened in the end. A short example from school, sport, volunteering or caring for someone is fine.";

/// A sent application by a new applicant answering `care` and `scheme`.
pub(crate) async fn sent(
    app: &TestApp,
    v: &Posted,
    email: &str,
    care: &str,
    scheme: Option<&str>,
) -> i32 {
    let (user_id, client) = applicant(app, email, care).await;
    spectra::entities::user::ActiveModel {
        id: Set(user_id),
        full_name: Set(name_of(email)),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .unwrap();
    let id = start(&client, v.id).await;
    fill_in(&client, id, scheme).await;
    let response = client
        .post(
            &format!("/applications/{id}/declaration"),
            &[("declaration", "yes")],
        )
        .await;
    expect_redirect(response, &format!("/applications/{id}/sent")).await;
    id
}

/// A name that is the applicant's alone, to check where it is shown.
pub(crate) fn name_of(email: &str) -> String {
    format!("Applicant {}", email.split('@').next().unwrap_or_default())
}

pub(crate) async fn close(app: &TestApp, vacancy_id: i32) {
    vacancy::ActiveModel {
        id: Set(vacancy_id),
        closes_at: Set(OffsetDateTime::now_utc() - Duration::minutes(1)),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .unwrap();
}

/// The vacancy's author, who leads its panel, signed in.
pub(crate) async fn lead(app: &TestApp, v: &Posted) -> Client {
    let client = app.new_client();
    client
        .sign_in(&format!("author.{}@nhs.net", v.organisation_id), PASSWORD)
        .await;
    client
}

pub(crate) async fn finals(client: &Client, v: &Posted, id: i32, scores: [&str; 3]) {
    let response = client
        .post(
            &format!("/shortlisting/{}/applications/{id}", v.id),
            &[
                ("final-1", scores[0]),
                ("final-2", scores[1]),
                ("final-3", scores[2]),
            ],
        )
        .await;
    expect_redirect(
        response,
        &format!("/shortlisting/{}/applications/{id}", v.id),
    )
    .await;
}

pub(crate) async fn decide(
    client: &Client,
    v: &Posted,
    id: i32,
    decision: &str,
    feedback: &str,
) -> reqwest::Response {
    client
        .post(
            &format!("/shortlisting/{}/applications/{id}", v.id),
            &[("decision", decision), ("feedback", feedback)],
        )
        .await
}

pub(crate) async fn audited(app: &TestApp, action: &str) -> Vec<audit_event::Model> {
    audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq(action))
        .all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_system_invites_a_guaranteed_interview_and_refuses_to_decline_it() {
    // Arrange: an opted-in applicant and one who did not declare care experience.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Ward apprentice", false).await;
    let opted = sent(&app, &v, "opted.in@example.org", "yes", Some("yes")).await;
    let other = sent(&app, &v, "other@example.org", "no", None).await;
    let lead = lead(&app, &v).await;

    // The panel sees references and evidence; no names, contact details, nor the scheme.
    let (status, board) = lead.page(&format!("/shortlisting/{}", v.id)).await;
    assert_eq!(status, 200);
    assert!(board.contains(&format!("SPX-{opted:06}")));
    let (_, page) = lead
        .page(&format!("/shortlisting/{}/applications/{opted}", v.id))
        .await;
    // Nothing marks the opted-in application: its row and page read as the other's do.
    let (_, other_page) = lead
        .page(&format!("/shortlisting/{}/applications/{other}", v.id))
        .await;
    let unmarked = |text: String, _: i32| {
        text.replace(&format!("SPX-{opted:06}"), "SPX-X")
            .replace(&format!("SPX-{other:06}"), "SPX-X")
    };
    assert_eq!(
        unmarked(text_of(&board, &format!("#row-SPX-{opted:06}")), opted),
        unmarked(text_of(&board, &format!("#row-SPX-{other:06}")), other)
    );
    assert_eq!(
        unmarked(text_of(&page, "main"), opted),
        unmarked(text_of(&other_page, "main"), other)
    );
    for shown in [&board, &page] {
        assert!(!shown.contains("Invited automatically"));
        assert!(!shown.contains("scheme applies"));
    }
    assert!(page.contains("I look after my younger brother."));
    // A personal adviser names a care leaver: referees stay hidden until the reveal.
    assert!(!page.contains("A personal adviser or leaving care worker"));
    assert!(page.contains("Referees are shown once shortlisting is complete"));
    let hidden_name = name_of("opted.in@example.org");
    for hidden in [
        "opted.in@example.org",
        "Sam Patel",
        "sam.patel@example.org",
        &hidden_name,
    ] {
        assert!(
            !board.contains(hidden) && !page.contains(hidden),
            "{hidden} shown"
        );
    }

    // Scoring can start before closing; decisions cannot.
    let response = lead
        .post(
            &format!("/shortlisting/{}/applications/{opted}", v.id),
            &[
                ("score-1", "2"),
                ("score-2", "3"),
                ("score-3", "1"),
                ("note-1", "Good"),
            ],
        )
        .await;
    expect_redirect(
        response,
        &format!("/shortlisting/{}/applications/{opted}", v.id),
    )
    .await;
    let early = decide(&lead, &v, other, "invite", "").await;
    assert!(
        text_of(&early.text().await.unwrap(), ".nhsuk-error-summary")
            .contains("after the vacancy closes")
    );
    close(&app, v.id).await;

    // Act: final scores meeting every essential criterion invite the opted-in application.
    finals(&lead, &v, opted, ["2", "2", "0"]).await;
    let decision = shortlist_decision::Entity::find_by_id(opted)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(decision.invited && decision.automatic);
    // Only now does the panel learn of the scheme, where it changed what they may do.
    let (_, board) = lead.page(&format!("/shortlisting/{}", v.id)).await;
    assert!(text_of(&board, &format!("#row-SPX-{opted:06}")).contains("Invited automatically"));
    assert!(!text_of(&board, &format!("#row-SPX-{other:06}")).contains("Invited automatically"));
    let (_, page) = lead
        .page(&format!("/shortlisting/{}/applications/{opted}", v.id))
        .await;
    assert!(text_of(&page, ".nhsuk-inset-text").contains("Invited automatically"));

    // Act: try to decline it anyway.
    let refused = decide(&lead, &v, opted, "decline", FEEDBACK).await;

    // Assert: refused with an explanation, audited, and nothing changed.
    assert_eq!(refused.status().as_u16(), 200);
    let body = refused.text().await.unwrap();
    assert!(text_of(&body, ".nhsuk-error-summary").contains("must be invited to interview"));
    assert_eq!(audited(&app, "override_refused").await.len(), 1);
    assert!(
        shortlist_decision::Entity::find_by_id(opted)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .invited
    );

    // The other application is declined without the scheme's feedback rule.
    finals(&lead, &v, other, ["1", "1", "0"]).await;
    expect_redirect(
        decide(&lead, &v, other, "decline", "").await,
        &format!("/shortlisting/{}", v.id),
    )
    .await;

    // Act: complete shortlisting.
    let response = lead
        .post(&format!("/shortlisting/{}/complete", v.id), &[])
        .await;

    // Assert: stages, emails, the audited reveal, and the name now shown.
    expect_redirect(response, &format!("/shortlisting/{}", v.id)).await;
    assert_eq!(
        stored(&app, opted).await.stage.as_str(),
        "invited_to_interview"
    );
    assert_eq!(stored(&app, other).await.stage.as_str(), "not_shortlisted");
    app.wait_for_email("opted.in@example.org", "invited to an interview")
        .await;
    app.wait_for_email("other@example.org", "not been taken forward")
        .await;
    assert_eq!(audited(&app, "identities_revealed").await.len(), 1);
    let (_, board) = lead.page(&format!("/shortlisting/{}", v.id)).await;
    assert!(board.contains("Shortlisting complete"));
    assert!(
        board.contains(&name_of("opted.in@example.org")),
        "invited names are revealed"
    );
    assert!(
        !board.contains(&name_of("other@example.org")),
        "others stay hidden"
    );
    let stages: Vec<String> = spectra::db::applications::timeline(&app.db, opted)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.to_stage.as_str().to_owned())
        .collect();
    assert_eq!(
        stages,
        ["draft", "submitted", "shortlisting", "invited_to_interview"]
    );
}

#[tokio::test]
async fn declining_an_opted_in_application_needs_50_words_of_feedback_which_the_applicant_gets() {
    // Arrange
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Clinic apprentice", false).await;
    let opted = sent(&app, &v, "feedback@example.org", "yes", Some("yes")).await;
    let lead = lead(&app, &v).await;
    close(&app, v.id).await;
    finals(&lead, &v, opted, ["1", "2", "0"]).await;

    // Act: decline with too little feedback.
    let short = decide(&lead, &v, opted, "decline", "Not enough evidence.").await;

    // Assert
    let body = short.text().await.unwrap();
    let summary = text_of(&body, ".nhsuk-error-summary");
    assert!(summary.contains("at least 50 words"));
    // The refusal says why: this is where the scheme changes what the lead may do.
    assert!(
        summary.contains("in the guaranteed interview scheme"),
        "{summary}"
    );
    assert!(body.contains("Not enough evidence."));
    assert!(
        shortlist_decision::Entity::find_by_id(opted)
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );

    // Act: decline with constructive feedback, then complete.
    expect_redirect(
        decide(&lead, &v, opted, "decline", FEEDBACK).await,
        &format!("/shortlisting/{}", v.id),
    )
    .await;
    assert_eq!(stored(&app, opted).await.stage.as_str(), "shortlisting");
    expect_redirect(
        lead.post(&format!("/shortlisting/{}/complete", v.id), &[])
            .await,
        &format!("/shortlisting/{}", v.id),
    )
    .await;

    // Assert: the feedback is emailed, kept in the timeline, and the decline audited.
    let email = app
        .wait_for_email("feedback@example.org", "not been taken forward")
        .await;
    assert!(email.text.contains("describe one real example"));
    let timeline = spectra::db::applications::timeline(&app.db, opted)
        .await
        .unwrap();
    assert_eq!(timeline.last().unwrap().note, FEEDBACK);
    let owner = app.new_client();
    owner.sign_in("feedback@example.org", PASSWORD).await;
    let (_, page) = owner.page(&format!("/applications/{opted}")).await;
    assert!(page.contains("describe one real example"));
    assert_eq!(audited(&app, "declined_with_feedback").await.len(), 1);
}

#[tokio::test]
async fn bad_scores_and_early_completion_are_refused_with_clear_errors() {
    // Arrange
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Kitchen apprentice", false).await;
    let id = sent(&app, &v, "scores@example.org", "no", None).await;
    let lead = lead(&app, &v).await;

    // Act and assert: a score outside 0 to 3.
    let response = lead
        .post(
            &format!("/shortlisting/{}/applications/{id}", v.id),
            &[("score-1", "4"), ("score-2", ""), ("score-3", "1")],
        )
        .await;
    let body = response.text().await.unwrap();
    let summary = text_of(&body, ".nhsuk-error-summary");
    assert!(summary.contains("from 0 to 3"));
    assert!(summary.contains("Choose your score for \"Willing to learn\""));
    assert_eq!(app.count("shortlist_scores").await, 0);

    // Completing before closing is refused.
    let response = lead
        .post(&format!("/shortlisting/{}/complete", v.id), &[])
        .await;
    assert_eq!(response.status().as_u16(), 400);

    // After closing, an undecided application blocks completion.
    close(&app, v.id).await;
    let response = lead
        .post(&format!("/shortlisting/{}/complete", v.id), &[])
        .await;
    let body = response.text().await.unwrap();
    assert!(body.contains("Shortlisting cannot be completed yet"));
    assert!(body.contains(&format!("SPX-{id:06}")));
    assert_eq!(stored(&app, id).await.stage.as_str(), "submitted");
}

#[tokio::test]
async fn only_the_vacancys_panel_reaches_shortlisting() {
    // Arrange
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Stores apprentice", false).await;
    let id = sent(&app, &v, "private@example.org", "no", None).await;
    let elsewhere = post_vacancy(&app, "Other trust post", false).await;
    let outsider = app.new_client();
    outsider
        .sign_in(
            &format!("author.{}@nhs.net", elsewhere.organisation_id),
            PASSWORD,
        )
        .await;
    app.create_user(
        "colleague@nhs.net",
        &[Role::HiringManager],
        Some(v.organisation_id),
    )
    .await;
    let colleague = app.new_client();
    colleague.sign_in("colleague@nhs.net", PASSWORD).await;
    let (_, applicant_client) = applicant(&app, "nosy@example.org", "no").await;
    let anonymous = app.new_client();
    let lead = lead(&app, &v).await;

    // Act and assert: every panel page.
    for path in [
        format!("/shortlisting/{}", v.id),
        format!("/shortlisting/{}/applications/{id}", v.id),
    ] {
        assert_eq!(outsider.get(&path).await.status().as_u16(), 404, "{path}");
        assert_eq!(colleague.get(&path).await.status().as_u16(), 404, "{path}");
        assert_eq!(
            applicant_client.get(&path).await.status().as_u16(),
            403,
            "{path}"
        );
        assert!(
            location(&anonymous.get(&path).await).starts_with("/login"),
            "{path}"
        );
        assert_eq!(lead.get(&path).await.status().as_u16(), 200, "{path}");
    }
    let response = outsider
        .post(
            &format!("/shortlisting/{}/applications/{id}", v.id),
            &[("score-1", "3"), ("score-2", "3"), ("score-3", "3")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(app.count("shortlist_scores").await, 0);

    // A colleague added to the panel may score but not decide.
    let response = lead
        .post(
            &format!("/manage/vacancies/{}/panel", v.id),
            &[
                ("user_id", &colleague_id(&app).await.to_string()),
                ("action", "add"),
            ],
        )
        .await;
    expect_redirect(response, &format!("/manage/vacancies/{}/panel", v.id)).await;
    let response = colleague
        .post(
            &format!("/shortlisting/{}/applications/{id}", v.id),
            &[("score-1", "3"), ("score-2", "2"), ("score-3", "1")],
        )
        .await;
    // A member stays on the page, which offers the next application.
    expect_redirect(
        response,
        &format!("/shortlisting/{}/applications/{id}", v.id),
    )
    .await;
    assert_eq!(app.count("shortlist_scores").await, 3);
    let response = colleague
        .post(
            &format!("/shortlisting/{}/applications/{id}", v.id),
            &[("final-1", "3"), ("final-2", "3"), ("final-3", "3")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(app.count("final_scores").await, 0);
    // Nor decide, even alongside their own scores: the whole form is refused.
    let response = colleague
        .post(
            &format!("/shortlisting/{}/applications/{id}", v.id),
            &[
                ("score-1", "1"),
                ("score-2", "1"),
                ("score-3", "1"),
                ("decision", "invite"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(app.count("shortlist_decisions").await, 0);
    // Someone from another organisation cannot be put on the panel.
    let outsider_id = spectra::db::users::find_by_email(
        &app.db,
        &format!("author.{}@nhs.net", elsewhere.organisation_id),
    )
    .await
    .unwrap()
    .unwrap()
    .id;
    let response = lead
        .post(
            &format!("/manage/vacancies/{}/panel", v.id),
            &[("user_id", &outsider_id.to_string()), ("action", "add")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 400);
}

async fn colleague_id(app: &TestApp) -> i32 {
    spectra::db::users::find_by_email(&app.db, "colleague@nhs.net")
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn changing_the_final_scores_of_an_automatic_invitation_is_audited() {
    // Arrange: an opted-in application invited automatically.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Domestic assistant", true).await;
    let id = sent(&app, &v, "scheme@example.org", "yes", Some("yes")).await;
    let lead = lead(&app, &v).await;
    close(&app, v.id).await;
    finals(&lead, &v, id, ["2", "2", "1"]).await;
    assert_eq!(audited(&app, "invited_automatically").await.len(), 1);
    assert_eq!(
        audited(&app, "final_scores_changed_after_invitation")
            .await
            .len(),
        0
    );

    // Act: the lead lowers a score, then saves the same scores again.
    finals(&lead, &v, id, ["1", "2", "1"]).await;
    finals(&lead, &v, id, ["1", "2", "1"]).await;

    // Assert: one change, with the old and new scores and who made it.
    let changed = audited(&app, "final_scores_changed_after_invitation").await;
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].subject, format!("application:{id}"));
    assert!(
        changed[0].details.contains("\"old\":[2,2,1]"),
        "{}",
        changed[0].details
    );
    assert!(
        changed[0].details.contains("\"new\":[1,2,1]"),
        "{}",
        changed[0].details
    );
    let lead_id = spectra::db::shortlisting::panel_of(&app.db, v.id)
        .await
        .unwrap()[0]
        .0
        .user_id;
    assert_eq!(changed[0].actor_user_id, Some(lead_id));
}

#[tokio::test]
async fn an_approved_cap_is_enforced_when_shortlisting_is_completed() {
    // Arrange: two applications invited, then the champion approves a cap of 1.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Admin assistant", false).await;
    let best = sent(&app, &v, "best@example.org", "no", None).await;
    let next = sent(&app, &v, "next@example.org", "no", None).await;
    let lead = lead(&app, &v).await;
    close(&app, v.id).await;
    finals(&lead, &v, best, ["3", "3", "3"]).await;
    finals(&lead, &v, next, ["2", "2", "2"]).await;
    for id in [best, next] {
        expect_redirect(
            decide(&lead, &v, id, "invite", "").await,
            &format!("/shortlisting/{}", v.id),
        )
        .await;
    }
    let lead_id = spectra::db::shortlisting::panel_of(&app.db, v.id)
        .await
        .unwrap()[0]
        .0
        .user_id;
    assert!(
        spectra::db::shortlisting::request_exception(&app.db, v.id, lead_id, "Too many", 1)
            .await
            .unwrap()
    );
    assert!(
        spectra::db::shortlisting::decide_exception(&app.db, v.id, lead_id, true, "")
            .await
            .unwrap()
    );

    // Act
    let response = lead
        .post(&format!("/shortlisting/{}/complete", v.id), &[])
        .await;

    // Assert: refused, naming the application beyond the cap; nothing moved.
    assert_eq!(response.status().as_u16(), 200);
    let page = response.text().await.unwrap();
    let summary = text_of(&page, ".nhsuk-error-summary");
    assert!(
        summary.contains(&spectra::domain::application::reference(next)),
        "{summary}"
    );
    assert!(summary.contains("approved limit of 1"), "{summary}");
    assert!(!summary.contains(&spectra::domain::application::reference(best)));
    assert!(
        spectra::db::shortlisting::state_of(&app.db, v.id)
            .await
            .unwrap()
            .completed_at
            .is_none()
    );
    assert_eq!(stored(&app, next).await.stage.as_str(), "shortlisting");
}

#[tokio::test]
async fn a_decline_racing_the_scores_that_guarantee_an_interview_cannot_get_round_the_rule() {
    // Arrange: opted-in applications whose final scores fail an essential criterion, so a
    // decline with feedback is allowed; then the lead sends, at once, scores that meet every
    // essential criterion and that decline.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Porter", false).await;
    let lead = lead(&app, &v).await;
    let mut ids = Vec::new();
    for n in 0..4 {
        ids.push(
            sent(
                &app,
                &v,
                &format!("race{n}@example.org"),
                "yes",
                Some("yes"),
            )
            .await,
        );
    }
    close(&app, v.id).await;
    for id in &ids {
        finals(&lead, &v, *id, ["1", "1", "1"]).await;
    }

    for id in &ids {
        // Act
        let finals_path = format!("/shortlisting/{}/applications/{id}", v.id);
        let scores = [("final-1", "2"), ("final-2", "2"), ("final-3", "0")];
        let _ = tokio::join!(
            lead.post(&finals_path, &scores),
            decide(&lead, &v, *id, "decline", FEEDBACK)
        );

        // Assert: whichever came first, the application ends invited.
        let decision = shortlist_decision::Entity::find_by_id(*id)
            .one(&app.db)
            .await
            .unwrap()
            .expect("a decision");
        assert!(
            decision.invited,
            "application {id} was declined though it meets the minimum"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Issue 12, points 7 and 14: completing shortlisting asks first, and the board says what the
// panel sees in each state.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn completing_shortlisting_asks_first_and_says_what_will_happen_to_whom() {
    // Arrange: one application invited, two declined (one with feedback), the vacancy closed.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Catering assistant", false).await;
    let invited = sent(&app, &v, "invited@example.org", "no", None).await;
    let declined = sent(&app, &v, "declined@example.org", "no", None).await;
    let quiet = sent(&app, &v, "quiet@example.org", "no", None).await;
    let lead = lead(&app, &v).await;
    close(&app, v.id).await;
    finals(&lead, &v, invited, ["3", "2", "2"]).await;
    finals(&lead, &v, declined, ["1", "1", "0"]).await;
    finals(&lead, &v, quiet, ["1", "0", "0"]).await;
    for (id, decision, feedback) in [
        (invited, "invite", ""),
        (declined, "decline", FEEDBACK),
        (quiet, "decline", ""),
    ] {
        expect_redirect(
            decide(&lead, &v, id, decision, feedback).await,
            &format!("/shortlisting/{}", v.id),
        )
        .await;
    }
    let path = format!("/shortlisting/{}/complete", v.id);
    let outbox_before = app.count("outbox_messages").await;

    // Act: the board's button, then the confirmation page.
    let (_, board) = lead.page(&format!("/shortlisting/{}", v.id)).await;
    let (status, confirm) = lead.page(&path).await;

    // Assert: the board links to the confirmation; it says what will happen and to whom, and
    // nothing has happened yet.
    assert!(board.contains(&format!("href=\"{path}\"")));
    assert!(!board.contains(&format!("action=\"{path}\"")));
    assert_eq!(status, 200);
    let what = text_of(&confirm, "#what-happens");
    assert!(
        what.contains("1 applicant is emailed an invitation to interview."),
        "{what}"
    );
    assert!(
        what.contains(
            "2 applicants are emailed that they were not taken forward, 1 of them with the panel's written feedback."
        ),
        "{what}"
    );
    let lead_name = spectra::db::shortlisting::panel_of(&app.db, v.id)
        .await
        .unwrap()[0]
        .1
        .full_name
        .clone();
    assert!(
        what.contains(&format!("The panel ({lead_name}) will see the names")),
        "{what}"
    );
    assert!(confirm.contains("This cannot be undone"));
    assert!(
        !confirm.contains(&name_of("invited@example.org")),
        "no names yet"
    );
    let state = spectra::db::shortlisting::state_of(&app.db, v.id)
        .await
        .unwrap();
    assert!(state.completed_at.is_none());
    assert_eq!(stored(&app, invited).await.stage.as_str(), "shortlisting");
    assert!(audited(&app, "identities_revealed").await.is_empty());
    assert_eq!(app.count("outbox_messages").await, outbox_before);

    // Only the lead of this vacancy's panel reaches it.
    let elsewhere = post_vacancy(&app, "Other trust post", false).await;
    let outsider = app.new_client();
    outsider
        .sign_in(
            &format!("author.{}@nhs.net", elsewhere.organisation_id),
            PASSWORD,
        )
        .await;
    assert_eq!(outsider.get(&path).await.status().as_u16(), 404);
    assert_eq!(outsider.post(&path, &[]).await.status().as_u16(), 404);
    assert!(
        spectra::db::shortlisting::state_of(&app.db, v.id)
            .await
            .unwrap()
            .completed_at
            .is_none()
    );

    // Act: confirm, then press again.
    expect_redirect(
        lead.post(&path, &[]).await,
        &format!("/shortlisting/{}", v.id),
    )
    .await;
    let outbox_after = app.count("outbox_messages").await;
    let again = lead.post(&path, &[]).await;

    // Assert: completed once, three emails once; the second press changes nothing.
    expect_redirect(again, &format!("/shortlisting/{}", v.id)).await;
    assert_eq!(outbox_after, outbox_before + 3);
    assert_eq!(app.count("outbox_messages").await, outbox_after);
    assert_eq!(audited(&app, "identities_revealed").await.len(), 1);
    assert_eq!(
        stored(&app, invited).await.stage.as_str(),
        "invited_to_interview"
    );
    assert_eq!(stored(&app, quiet).await.stage.as_str(), "not_shortlisted");
    let (_, board) = lead.page(&format!("/shortlisting/{}", v.id)).await;
    assert!(board.contains("Nothing changed and nobody was emailed again"));

    // Point 14: after completion the board no longer says the panel sees no names.
    assert!(board.contains(&name_of("invited@example.org")));
    assert!(!board.contains("You do not see names"), "worded by state");
    assert!(board.contains("you now see the names of the applicants invited to interview"));
    let confirm_again = lead.get(&path).await;
    assert_eq!(location(&confirm_again), format!("/shortlisting/{}", v.id));
}

#[tokio::test]
async fn the_confirmation_lists_what_stops_completion_and_changes_nothing() {
    // Arrange: an undecided application after closing; before closing, nothing at all.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Play assistant", false).await;
    let id = sent(&app, &v, "undecided@example.org", "no", None).await;
    let lead = lead(&app, &v).await;
    let path = format!("/shortlisting/{}/complete", v.id);
    let (_, board) = lead.page(&format!("/shortlisting/{}", v.id)).await;
    assert!(board.contains("You do not see names"), "worded by state");
    assert_eq!(lead.get(&path).await.status().as_u16(), 400);
    close(&app, v.id).await;

    // Act
    let (status, page) = lead.page(&path).await;

    // Assert
    assert_eq!(status, 200);
    assert!(page.contains("Shortlisting cannot be completed yet"));
    assert!(page.contains(&format!("SPX-{id:06}")));
    assert_eq!(stored(&app, id).await.stage.as_str(), "submitted");
    assert!(
        spectra::db::shortlisting::state_of(&app.db, v.id)
            .await
            .unwrap()
            .completed_at
            .is_none()
    );
}
