//! Applying: the steps with save and resume, ring-fencing, the closing time, one application
//! per vacancy under double submission, withdrawal, the emails, and who may see what.

use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, TransactionTrait};
use spectra::db::vacancies;
use spectra::domain::Role;
use spectra::domain::application::Stage;
use spectra::domain::vacancy::{CriterionInput, ReferenceType, VacancyInput, VacancyKind};
use spectra::entities::{application, vacancy};
use time::{Duration, OffsetDateTime};

use crate::helpers::{Client, PASSWORD, TestApp, location, spawn_app, text_of};

/// A published vacancy of a new organisation, with two essential criteria and one desirable.
pub(crate) struct Posted {
    pub id: i32,
    pub organisation_id: i32,
    pub title: String,
}

pub(crate) async fn post_vacancy(app: &TestApp, title: &str, ring_fenced: bool) -> Posted {
    let organisation_id = app.create_organisation(&format!("Trust for {title}")).await;
    let author = app
        .create_user(
            &format!("author.{}@nhs.net", organisation_id),
            &[Role::HiringManager],
            Some(organisation_id),
        )
        .await;
    let input = VacancyInput {
        title: title.to_owned(),
        programme_id: None,
        kind: VacancyKind::Apprenticeship,
        band: "2".into(),
        working_pattern: "37.5 hours a week".into(),
        salary: "£24,465 a year".into(),
        location: "Liverpool".into(),
        positions: 2,
        closes_at: OffsetDateTime::now_utc() + Duration::days(14),
        ring_fenced,
        summary: "Help look after patients.".into(),
        description: "You will learn on the job.".into(),
        entry_requirements: "No GCSEs needed.".into(),
        criteria: vec![
            CriterionInput {
                essential: true,
                text: "Kind to people".into(),
            },
            CriterionInput {
                essential: true,
                text: "Willing to learn".into(),
            },
            CriterionInput {
                essential: false,
                text: "Some caring experience".into(),
            },
        ],
        reference_options: ReferenceType::ALL.to_vec(),
        contact_name: "Pat Lee".into(),
        contact_role: "Care leaver lead".into(),
        contact_email: "pat.lee@nhs.net".into(),
        contact_phone: "0151 228 4811".into(),
    };
    let txn = app.db.begin().await.unwrap();
    let created = vacancies::create(&txn, organisation_id, author, &input)
        .await
        .unwrap();
    txn.commit().await.unwrap();
    assert!(vacancies::publish(&app.db, created.id).await.unwrap());
    Posted {
        id: created.id,
        organisation_id,
        title: title.to_owned(),
    }
}

/// An applicant with a profile answering `care` to the care-experience question, signed in.
pub(crate) async fn applicant(app: &TestApp, email: &str, care: &str) -> (i32, Client) {
    let id = app.create_user(email, &[Role::Applicant], None).await;
    let client = app.new_client();
    client.sign_in(email, PASSWORD).await;
    let response = client
        .post(
            "/profile",
            &[
                ("contact_preference", "email"),
                ("care_experience", care),
                ("adjustments", "Questions in writing, please"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    (id, client)
}

/// Starts an application and returns its ID.
pub(crate) async fn start(client: &Client, vacancy_id: i32) -> i32 {
    let response = client
        .post(&format!("/vacancies/{vacancy_id}/apply"), &[])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let to = location(&response);
    assert!(to.ends_with("/evidence"), "{to}");
    to.split('/').nth(2).unwrap().parse().unwrap()
}

pub(crate) async fn expect_redirect(response: reqwest::Response, to: &str) {
    let status = response.status().as_u16();
    let at = location(&response);
    assert_eq!(
        (status, at.as_str()),
        (303, to),
        "{}",
        response.text().await.unwrap_or_default()
    );
}

/// Completes every step up to the declaration.
pub(crate) async fn fill_in(client: &Client, id: i32, scheme: Option<&str>) {
    let base = format!("/applications/{id}");
    expect_redirect(
        client
            .post(
                &format!("{base}/evidence"),
                &[
                    ("evidence-1", "I look after my younger brother."),
                    ("evidence-2", "I taught myself to cook."),
                    ("evidence-3", ""),
                ],
            )
            .await,
        &format!("{base}/references"),
    )
    .await;
    expect_redirect(
        client
            .post(
                &format!("{base}/references"),
                &[
                    ("referee1_kind", "personal_adviser"),
                    ("referee1_name", "Sam Patel"),
                    ("referee1_relationship", "My personal adviser"),
                    ("referee1_email", "sam.patel@example.org"),
                    ("referee1_phone", ""),
                ],
            )
            .await,
        &format!("{base}/support"),
    )
    .await;
    let after_support = if scheme.is_some() {
        format!("{base}/guaranteed-interview")
    } else {
        format!("{base}/check")
    };
    expect_redirect(
        client
            .post(
                &format!("{base}/support"),
                &[("adjustments", "Questions in writing, please")],
            )
            .await,
        &after_support,
    )
    .await;
    if let Some(answer) = scheme {
        expect_redirect(
            client
                .post(
                    &format!("{base}/guaranteed-interview"),
                    &[("guaranteed_interview", answer)],
                )
                .await,
            &format!("{base}/check"),
        )
        .await;
    }
}

pub(crate) async fn stored(app: &TestApp, id: i32) -> application::Model {
    application::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn an_applicant_starts_leaves_resumes_on_another_device_and_sends() {
    // Arrange
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Healthcare support apprentice", true).await;
    let (applicant_id, phone) = applicant(&app, "care.leaver@example.org", "yes").await;
    spectra::entities::user::ActiveModel {
        id: Set(applicant_id),
        full_name: Set("Jordan Rivers".into()),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .unwrap();

    // Act: start, and save part of the first step for later.
    let (status, start_page) = phone.page(&format!("/vacancies/{}/apply", v.id)).await;
    assert_eq!(status, 200);
    assert!(start_page.contains("Guaranteed interview scheme"));
    let id = start(&phone, v.id).await;
    let (_, step1) = phone.page(&format!("/applications/{id}/evidence")).await;
    assert!(text_of(&step1, ".nhsuk-caption-l").contains("Step 1 of 6"));
    assert!(step1.contains("You can enter up to 300 words"));
    expect_redirect(
        phone
            .post(
                &format!("/applications/{id}/evidence"),
                &[
                    ("evidence-1", "I look after my younger brother."),
                    ("action", "save"),
                ],
            )
            .await,
        "/applications",
    )
    .await;

    // Act: come back on another device.
    let laptop = app.new_client();
    laptop.sign_in("care.leaver@example.org", PASSWORD).await;
    let (_, mine) = laptop.page("/applications").await;
    assert!(mine.contains(&v.title));
    assert!(mine.contains("Not sent yet"));
    let (_, detail) = laptop.page(&format!("/applications/{id}")).await;
    assert!(detail.contains(&format!("href=\"/applications/{id}/evidence\"")));
    let (_, resumed) = laptop.page(&format!("/applications/{id}/evidence")).await;
    assert!(resumed.contains("I look after my younger brother."));

    // An essential criterion left blank stops "Save and continue", keeping what was typed.
    let response = laptop
        .post(
            &format!("/applications/{id}/evidence"),
            &[("evidence-1", "Typed again"), ("evidence-2", "")],
        )
        .await;
    let body = response.text().await.unwrap();
    assert!(
        text_of(&body, ".nhsuk-error-summary").contains("Tell us how you meet 'Willing to learn'")
    );
    assert!(body.contains("Typed again"));

    fill_in(&laptop, id, Some("yes")).await;
    let (_, check) = laptop.page(&format!("/applications/{id}/check")).await;
    assert!(check.contains("I taught myself to cook."));
    assert!(check.contains("Sam Patel"));
    assert!(check.contains(&format!("/applications/{id}/declaration")));

    let refused = laptop
        .post(&format!("/applications/{id}/declaration"), &[])
        .await;
    let body = refused.text().await.unwrap();
    assert!(text_of(&body, ".nhsuk-error-summary").contains("Confirm that the information"));
    assert_eq!(stored(&app, id).await.stage.as_str(), "draft");

    let sent = laptop
        .post(
            &format!("/applications/{id}/declaration"),
            &[("declaration", "yes")],
        )
        .await;
    expect_redirect(sent, &format!("/applications/{id}/sent")).await;

    // Assert: what the applicant sees, what was stored, and the email.
    let (_, confirmation) = laptop.page(&format!("/applications/{id}/sent")).await;
    assert!(text_of(&confirmation, "h1").contains("Application sent"));
    let reference = format!("SPX-{id:06}");
    assert!(confirmation.contains(&reference));
    let row = stored(&app, id).await;
    assert_eq!(row.stage.as_str(), "submitted");
    assert!(row.submitted_at.is_some());
    assert_eq!(row.guaranteed_interview, Some(true));
    assert_eq!(row.adjustments, "Questions in writing, please");
    let answers = spectra::db::applications::answers_of(&app.db, id)
        .await
        .unwrap();
    assert_eq!(answers.len(), 3);
    let timeline = spectra::db::applications::timeline(&app.db, id)
        .await
        .unwrap();
    let stages: Vec<_> = timeline.iter().map(|c| c.to_stage.as_str()).collect();
    assert_eq!(stages, ["draft", "submitted"]);
    assert_eq!(timeline[1].from_stage.map(|s| s.as_str()), Some("draft"));
    let email = app
        .wait_for_email("care.leaver@example.org", "has been sent")
        .await;
    assert!(email.subject.contains(&v.title));
    assert!(email.text.contains(&reference));
    assert!(email.text.contains(&format!("/applications/{id}")));
    assert!(email.text.contains("Dear Jordan Rivers"));

    // Sent applications can no longer be changed.
    let late_edit = laptop
        .post(
            &format!("/applications/{id}/evidence"),
            &[("evidence-1", "Changed after sending"), ("evidence-2", "x")],
        )
        .await;
    expect_redirect(late_edit, &format!("/applications/{id}")).await;
    let answers = spectra::db::applications::answers_of(&app.db, id)
        .await
        .unwrap();
    assert!(
        answers
            .iter()
            .all(|a| a.evidence != "Changed after sending")
    );

    // The hiring manager sees the count and stage, but not who applied.
    let manager = app.new_client();
    let manager_email = format!("author.{}@nhs.net", v.organisation_id);
    manager.sign_in(&manager_email, PASSWORD).await;
    let (_, managed) = manager.page(&format!("/manage/vacancies/{}", v.id)).await;
    assert!(managed.contains("1 application has been sent"));
    assert!(managed.contains(&reference));
    assert!(!managed.contains("care.leaver@example.org"));
    assert!(!managed.contains("Jordan Rivers"));
    assert!(!managed.contains("Sam Patel"));
    let (_, list) = manager.page("/manage/vacancies").await;
    assert_eq!(
        text_of(&list, "tbody tr td:nth-child(4)"),
        "Applications sent 1"
    );
    // Staff are not offered "Apply" on the public page.
    let (_, public) = manager.page(&format!("/vacancies/{}", v.id)).await;
    assert!(!public.contains(&format!("/vacancies/{}/apply", v.id)));
}

#[tokio::test]
async fn a_ring_fenced_vacancy_kindly_refuses_applicants_who_have_not_declared_care_experience() {
    // Arrange
    let app = spawn_app().await;
    let ring_fenced = post_vacancy(&app, "Ring-fenced apprentice", true).await;
    let open_to_all = post_vacancy(&app, "Porter", false).await;

    for (email, answer) in [
        ("no@example.org", "no"),
        ("private@example.org", "prefer_not_to_say"),
    ] {
        let (applicant_id, client) = applicant(&app, email, answer).await;

        // Act
        let (status, page) = client
            .page(&format!("/vacancies/{}/apply", ring_fenced.id))
            .await;
        let posted = client
            .post(&format!("/vacancies/{}/apply", ring_fenced.id), &[])
            .await;

        // Assert
        assert_eq!(status, 403);
        assert_eq!(posted.status().as_u16(), 403);
        assert!(text_of(&page, "h1").contains("only for people who have been in care"));
        assert!(page.contains("href=\"/vacancies?ring_fenced=no\""));
        assert!(page.contains("pat.lee@nhs.net"));
        assert!(page.contains("/profile?next="));
        let none = spectra::db::applications::find_for(&app.db, ring_fenced.id, applicant_id)
            .await
            .unwrap();
        assert!(none.is_none());

        // The same applicant can apply for a vacancy open to everyone, without the scheme step.
        let id = start(&client, open_to_all.id).await;
        let (_, step1) = client.page(&format!("/applications/{id}/evidence")).await;
        assert!(text_of(&step1, ".nhsuk-caption-l").contains("Step 1 of 5"));
        let scheme = client
            .get(&format!("/applications/{id}/guaranteed-interview"))
            .await;
        assert_eq!(scheme.status().as_u16(), 303);
        fill_in(&client, id, None).await;
        let sent = client
            .post(
                &format!("/applications/{id}/declaration"),
                &[("declaration", "yes")],
            )
            .await;
        expect_redirect(sent, &format!("/applications/{id}/sent")).await;
        assert_eq!(stored(&app, id).await.guaranteed_interview, None);
    }

    // Someone without a profile is asked to fill it in first, and brought back.
    app.create_user("new@example.org", &[Role::Applicant], None)
        .await;
    let newcomer = app.new_client();
    newcomer.sign_in("new@example.org", PASSWORD).await;
    let response = newcomer
        .get(&format!("/vacancies/{}/apply", ring_fenced.id))
        .await;
    assert_eq!(
        location(&response),
        format!("/profile?next=/vacancies/{}/apply", ring_fenced.id)
    );
}

#[tokio::test]
async fn an_application_cannot_be_sent_after_the_closing_time() {
    // Arrange: a finished draft whose vacancy then reaches its closing time.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Catering apprentice", false).await;
    let (_, client) = applicant(&app, "late@example.org", "yes").await;
    let id = start(&client, v.id).await;
    fill_in(&client, id, Some("no")).await;
    vacancy::ActiveModel {
        id: Set(v.id),
        closes_at: Set(OffsetDateTime::now_utc() - Duration::minutes(1)),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .unwrap();

    // Act
    let response = client
        .post(
            &format!("/applications/{id}/declaration"),
            &[("declaration", "yes")],
        )
        .await;

    // Assert
    expect_redirect(response, &format!("/applications/{id}")).await;
    assert_eq!(stored(&app, id).await.stage.as_str(), "draft");
    let (_, page) = client.page(&format!("/applications/{id}")).await;
    assert!(page.contains("This job has closed"));
    assert!(!page.contains("Continue your application"));
    let (status, closed) = client.page(&format!("/vacancies/{}/apply", v.id)).await;
    assert_eq!(status, 303, "{closed}");
    let (_, mine) = client.page("/applications").await;
    assert!(mine.contains("Closed before it was sent"));

    // A newcomer is told it has closed.
    let (_, other) = applicant(&app, "other@example.org", "no").await;
    let (status, page) = other.page(&format!("/vacancies/{}/apply", v.id)).await;
    assert_eq!(status, 410);
    assert!(text_of(&page, "h1").contains("This job has closed"));
    assert!(
        app.emails()
            .iter()
            .all(|e| !e.subject.contains("has been sent"))
    );
}

#[tokio::test]
async fn pressing_send_twice_or_starting_in_two_tabs_makes_one_application() {
    // Arrange
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Admin apprentice", false).await;
    let (applicant_id, client) = applicant(&app, "twice@example.org", "no").await;

    // Act: two tabs start at the same moment.
    let path = format!("/vacancies/{}/apply", v.id);
    let (a, b) = tokio::join!(client.post(&path, &[]), client.post(&path, &[]));
    let targets = [location(&a), location(&b)];
    assert!(targets.iter().all(|t| t.starts_with("/applications/")));

    // Assert: one application.
    assert_eq!(app.count("applications").await, 1);
    let id = spectra::db::applications::find_for(&app.db, v.id, applicant_id)
        .await
        .unwrap()
        .unwrap()
        .id;

    // Act: the send button pressed twice at once.
    fill_in(&client, id, None).await;
    let send = format!("/applications/{id}/declaration");
    let fields = [("declaration", "yes")];
    let (first, second) = tokio::join!(client.post(&send, &fields), client.post(&send, &fields));

    // Assert: both see the confirmation; one submission is recorded and one email sent.
    for response in [first, second] {
        expect_redirect(response, &format!("/applications/{id}/sent")).await;
    }
    let changes = spectra::db::applications::timeline(&app.db, id)
        .await
        .unwrap();
    assert_eq!(
        changes
            .iter()
            .filter(|c| c.to_stage.as_str() == "submitted")
            .count(),
        1
    );
    app.wait_for_email("twice@example.org", "has been sent")
        .await;
    app.outbox_drained().await;
    let sent_emails = app
        .emails()
        .into_iter()
        .filter(|e| e.to == "twice@example.org" && e.subject.contains("has been sent"))
        .count();
    assert_eq!(sent_emails, 1);
    assert_eq!(app.count("application_stage_changes").await, 2);
}

#[tokio::test]
async fn an_applicant_can_withdraw_before_being_hired_and_is_told_by_email() {
    // Arrange: one sent application, one draft, one already hired.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Pharmacy apprentice", false).await;
    let other = post_vacancy(&app, "Estates apprentice", false).await;
    let hired_post = post_vacancy(&app, "Records apprentice", false).await;
    let (_, client) = applicant(&app, "leaving@example.org", "no").await;
    let id = start(&client, v.id).await;
    fill_in(&client, id, None).await;
    client
        .post(
            &format!("/applications/{id}/declaration"),
            &[("declaration", "yes")],
        )
        .await;
    let draft = start(&client, other.id).await;
    let hired = start(&client, hired_post.id).await;
    application::ActiveModel {
        id: Set(hired),
        stage: Set(Stage::Started),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .unwrap();

    // Act
    let (status, page) = client.page(&format!("/applications/{id}/withdraw")).await;
    assert_eq!(status, 200);
    assert!(text_of(&page, "h1").contains("Withdraw your application"));
    let too_long = "x".repeat(1_001);
    let refused = client
        .post(
            &format!("/applications/{id}/withdraw"),
            &[("reason", too_long.as_str())],
        )
        .await;
    assert!(
        text_of(&refused.text().await.unwrap(), ".nhsuk-error-summary")
            .contains("1000 characters or fewer")
    );
    assert_eq!(stored(&app, id).await.stage.as_str(), "submitted");
    let response = client
        .post(
            &format!("/applications/{id}/withdraw"),
            &[("reason", "I got another job")],
        )
        .await;

    // Assert
    expect_redirect(response, &format!("/applications/{id}")).await;
    let row = stored(&app, id).await;
    assert_eq!(row.stage.as_str(), "withdrawn");
    assert_eq!(row.withdrawal_reason, "I got another job");
    let (_, detail) = client.page(&format!("/applications/{id}")).await;
    assert!(detail.contains("Withdrawn"));
    assert!(!detail.contains("Withdraw this application"));
    let email = app
        .wait_for_email("leaving@example.org", "is withdrawn")
        .await;
    assert!(email.text.contains(&v.title));
    let again = client
        .post(&format!("/applications/{id}/withdraw"), &[])
        .await;
    assert_eq!(again.status().as_u16(), 400);

    // A draft can be withdrawn too; a hire cannot.
    let response = client
        .post(&format!("/applications/{draft}/withdraw"), &[])
        .await;
    expect_redirect(response, &format!("/applications/{draft}")).await;
    assert_eq!(stored(&app, draft).await.stage.as_str(), "withdrawn");
    let response = client
        .post(&format!("/applications/{hired}/withdraw"), &[])
        .await;
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(stored(&app, hired).await.stage.as_str(), "started");
}

#[tokio::test]
async fn nobody_else_can_see_or_change_an_application() {
    // Arrange
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Theatre apprentice", false).await;
    let (_, owner) = applicant(&app, "owner@example.org", "no").await;
    let id = start(&owner, v.id).await;
    let (_, stranger) = applicant(&app, "stranger@example.org", "no").await;
    app.create_user(
        "manager@nhs.net",
        &[Role::HiringManager],
        Some(v.organisation_id),
    )
    .await;
    let manager = app.new_client();
    manager.sign_in("manager@nhs.net", PASSWORD).await;
    let anonymous = app.new_client();

    // Act and assert
    for path in ["", "/evidence", "/check", "/withdraw", "/sent"] {
        let url = format!("/applications/{id}{path}");
        assert_eq!(stranger.get(&url).await.status().as_u16(), 404, "{url}");
        assert_eq!(manager.get(&url).await.status().as_u16(), 403, "{url}");
        let to_login = anonymous.get(&url).await;
        assert!(location(&to_login).starts_with("/login?next="), "{url}");
    }
    let response = stranger
        .post(
            &format!("/applications/{id}/evidence"),
            &[("evidence-1", "not mine")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 404);
    let response = stranger
        .post(&format!("/applications/{id}/withdraw"), &[])
        .await;
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(stored(&app, id).await.stage.as_str(), "draft");
    assert!(
        spectra::db::applications::answers_of(&app.db, id)
            .await
            .unwrap()
            .is_empty()
    );
    for path in ["/applications/999999", "/applications/abc/evidence"] {
        assert_eq!(owner.get(path).await.status().as_u16(), 404, "{path}");
    }
    let (_, mine) = stranger.page("/applications").await;
    assert!(!mine.contains(&v.title));
}

#[tokio::test]
async fn bad_answers_are_shown_against_their_fields_and_only_good_ones_are_stored() {
    // Arrange
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Lab apprentice", false).await;
    let (_, client) = applicant(&app, "typo@example.org", "no").await;
    let id = start(&client, v.id).await;

    // Act: too many words, on continuing (saving for later keeps them: issue 21).
    let long = "word ".repeat(301);
    let response = client
        .post(
            &format!("/applications/{id}/evidence"),
            &[
                ("evidence-1", "Fine"),
                ("evidence-2", long.as_str()),
                ("action", "continue"),
            ],
        )
        .await;
    let body = response.text().await.unwrap();

    // Assert
    assert!(text_of(&body, ".nhsuk-error-summary").contains("301 words"));
    assert!(body.contains("href=\"#evidence-2\""));
    assert!(body.contains("id=\"evidence-2\""));
    // The good answer is kept; the one over the limit is not stored.
    let answers = spectra::db::applications::answers_of(&app.db, id)
        .await
        .unwrap();
    assert!(answers.iter().any(|a| a.evidence == "Fine"));
    assert!(answers.iter().all(|a| !a.evidence.starts_with("word")));

    // Act: a referee half filled in, with a bad email.
    let response = client
        .post(
            &format!("/applications/{id}/references"),
            &[
                ("referee1_kind", "character"),
                ("referee1_name", "Alex Jones"),
                ("referee1_relationship", ""),
                ("referee1_email", "alex at example"),
            ],
        )
        .await;
    let body = response.text().await.unwrap();

    // Assert
    let summary = text_of(&body, ".nhsuk-error-summary");
    assert!(summary.contains("how they know you"));
    assert!(summary.contains("correct format"));
    assert!(body.contains("value=\"Alex Jones\""));
    assert!(body.contains("value=\"alex at example\""));
    assert_eq!(app.count("application_referees").await, 0);
    assert_eq!(stored(&app, id).await.reached_step, 0);
}

#[tokio::test]
async fn a_programme_using_the_legal_definition_asks_applicants_to_confirm_they_meet_it() {
    // Arrange: a ring-fenced vacancy in a programme that uses the statutory definition.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Statutory apprentice", true).await;
    let programme = spectra::db::programmes::create(
        &app.db,
        &spectra::domain::programme::ProgrammeInput {
            name: "Care leavers into work".into(),
            description: "For care leavers.".into(),
            target_hires: 5,
            care_definition: spectra::domain::programme::CareDefinition::StatutoryCareLeaver,
            contact_name: "Pat Lee".into(),
            contact_role: "Lead".into(),
            contact_email: "pat.lee@nhs.net".into(),
            contact_phone: "0151 228 4811".into(),
        },
    )
    .await
    .unwrap();
    vacancy::ActiveModel {
        id: Set(v.id),
        programme_id: Set(Some(programme.id)),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .unwrap();
    let (_, client) = applicant(&app, "statutory@example.org", "yes").await;

    // Act: start without confirming.
    let (_, page) = client.page(&format!("/vacancies/{}/apply", v.id)).await;
    assert!(page.contains("at least 13 weeks between the ages of 14 and 16"));
    let response = client
        .post(&format!("/vacancies/{}/apply", v.id), &[])
        .await;

    // Assert: asked to confirm, nothing stored.
    assert_eq!(response.status().as_u16(), 200);
    let body = response.text().await.unwrap();
    assert!(text_of(&body, ".nhsuk-error-summary").contains("Confirm that you meet"));
    assert_eq!(app.count("applications").await, 0);

    // Act: confirm.
    let response = client
        .post(
            &format!("/vacancies/{}/apply", v.id),
            &[("confirm_definition", "yes")],
        )
        .await;

    // Assert: the definition confirmed is kept with the application.
    let id: i32 = location(&response)
        .split('/')
        .nth(2)
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        stored(&app, id).await.confirmed_definition.as_deref(),
        Some("statutory_care_leaver")
    );
}

/// The evidence stored for an application, in the order of the vacancy's criteria.
pub(crate) async fn evidence_stored(app: &TestApp, vacancy_id: i32, id: i32) -> Vec<String> {
    let criteria = vacancies::criteria_of(&app.db, vacancy_id).await.unwrap();
    let answers = spectra::db::applications::answers_of(&app.db, id)
        .await
        .unwrap();
    criteria
        .iter()
        .map(|c| {
            answers
                .iter()
                .find(|a| a.criterion_id == c.id)
                .map(|a| a.evidence.clone())
                .unwrap_or_default()
        })
        .collect()
}

#[tokio::test]
async fn a_failed_check_saves_every_good_answer_and_shows_what_was_typed() {
    // Arrange
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Ward clerk", false).await;
    let (_, client) = applicant(&app, "half.done@example.org", "no").await;
    let id = start(&client, v.id).await;

    // Act: answer 1 filled, answer 2 (essential) blank, "Save and continue".
    let response = client
        .post(
            &format!("/applications/{id}/evidence"),
            &[
                ("evidence-1", "I help at my local youth club."),
                ("evidence-2", ""),
                ("evidence-3", ""),
                ("action", "continue"),
            ],
        )
        .await;

    // Assert: the error names the criterion, what was typed is on the page, and stored.
    assert_eq!(response.status().as_u16(), 200);
    let body = response.text().await.unwrap();
    assert!(
        text_of(&body, ".nhsuk-error-summary").contains("Tell us how you meet 'Willing to learn'"),
        "{}",
        text_of(&body, ".nhsuk-error-summary")
    );
    assert!(body.contains("I help at my local youth club."));
    assert_eq!(
        evidence_stored(&app, v.id, id).await,
        ["I help at my local youth club.", "", ""]
    );
    assert_eq!(
        stored(&app, id).await.reached_step,
        0,
        "the step is not done"
    );

    // Leaving and coming back finds answer 1.
    let (_, detail) = client.page(&format!("/applications/{id}")).await;
    assert!(detail.contains("I help at my local youth club."));
    let (_, again) = client.page(&format!("/applications/{id}/evidence")).await;
    assert!(again.contains("I help at my local youth club."));

    // Act: one whole referee and one half typed.
    let response = client
        .post(
            &format!("/applications/{id}/references"),
            &[
                ("referee1_kind", "personal_adviser"),
                ("referee1_name", "Sam Patel"),
                ("referee1_relationship", "My personal adviser"),
                ("referee1_email", "sam@example.org"),
                ("referee2_name", "Jo"),
            ],
        )
        .await;

    // Assert: the whole referee is kept, the half one shown again with its errors.
    assert_eq!(response.status().as_u16(), 200);
    let body = response.text().await.unwrap();
    assert!(text_of(&body, ".nhsuk-error-summary").contains("Choose who the referee is"));
    assert!(body.contains("value=\"Jo\""));
    let referees = spectra::db::applications::referees_of(&app.db, id)
        .await
        .unwrap();
    let names: Vec<_> = referees.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["Sam Patel"]);

    // Act: the support answer over its limit is shown again, as typed.
    let long = "x".repeat(spectra::domain::application::MAX_ADJUSTMENTS + 1);
    let response = client
        .post(
            &format!("/applications/{id}/support"),
            &[("adjustments", long.as_str())],
        )
        .await;
    let body = response.text().await.unwrap();
    assert!(body.contains(&long));
    assert_eq!(
        stored(&app, id).await.adjustments,
        "Questions in writing, please"
    );
}

#[tokio::test]
async fn line_breaks_typed_in_a_browser_are_stored_as_one_kind() {
    // Arrange
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Porter", false).await;
    let (_, client) = applicant(&app, "windows@example.org", "no").await;
    let id = start(&client, v.id).await;

    // Act: browsers send a textarea's line breaks as \r\n.
    client
        .post(
            &format!("/applications/{id}/evidence"),
            &[
                ("evidence-1", "First part.\r\n\r\nSecond part.\rThird."),
                ("action", "save"),
            ],
        )
        .await;

    // Assert
    assert_eq!(
        evidence_stored(&app, v.id, id).await[0],
        "First part.\n\nSecond part.\nThird."
    );
}

#[tokio::test]
async fn your_applications_says_what_to_do_next_for_each() {
    use spectra::db::{interviews, offers};
    use spectra::domain::interview::SlotInput;

    // Arrange: a new applicant with no profile yet.
    let app = spawn_app().await;
    app.create_user("new.here@example.org", &[Role::Applicant], None)
        .await;
    let newcomer = app.new_client();
    newcomer.sign_in("new.here@example.org", PASSWORD).await;

    // Act + Assert: the profile comes first.
    let (_, home) = newcomer.page("/applications").await;
    assert!(text_of(&home, ".nhsuk-inset-text").contains("First, fill in your profile"));
    assert!(home.contains("href=\"/profile?next=/applications\""));

    // Arrange: four applications at different stages.
    let (applicant_id, client) = applicant(&app, "busy@example.org", "no").await;
    let draft_v = post_vacancy(&app, "Draft job", false).await;
    let invited_v = post_vacancy(&app, "Invited job", false).await;
    let booked_v = post_vacancy(&app, "Booked job", false).await;
    let offer_v = post_vacancy(&app, "Offered job", false).await;
    let draft = start(&client, draft_v.id).await;
    let invited = start(&client, invited_v.id).await;
    let booked = start(&client, booked_v.id).await;
    let offered = start(&client, offer_v.id).await;
    for (id, stage) in [
        (invited, Stage::InvitedToInterview),
        (booked, Stage::InterviewBooked),
        (offered, Stage::ConditionalOffer),
    ] {
        application::ActiveModel {
            id: Set(id),
            stage: Set(stage),
            submitted_at: Set(Some(OffsetDateTime::now_utc())),
            ..Default::default()
        }
        .update(&app.db)
        .await
        .unwrap();
    }
    let starts_at = OffsetDateTime::now_utc() + Duration::days(5);
    let slot = interviews::create_slot(
        &app.db,
        booked_v.id,
        &SlotInput {
            starts_at,
            minutes: 30,
            place: "Room 4, Alder Hey".into(),
            capacity: 1,
        },
        applicant_id,
    )
    .await
    .unwrap();
    interviews::book(&app.db, booked, slot.id, OffsetDateTime::now_utc())
        .await
        .unwrap()
        .unwrap();
    offers::make(&app.db, offered, offer_v.id, applicant_id)
        .await
        .unwrap();

    // Act
    let (status, home) = client.page("/applications").await;

    // Assert
    assert_eq!(status, 200);
    assert!(!home.contains("First, fill in your profile"));
    assert!(home.contains("3 applications need something from you"));
    assert!(home.contains(&format!("href=\"/applications/{draft}/evidence\"")));
    assert!(home.contains("Continue your application"));
    assert!(home.contains(&format!("href=\"/applications/{invited}/interview\"")));
    let doc = scraper::Html::parse_document(&home);
    let book = scraper::Selector::parse("a.nhsuk-button").unwrap();
    let buttons: Vec<String> = doc
        .select(&book)
        .map(|b| b.text().collect::<String>())
        .collect();
    assert_eq!(buttons.len(), 1, "{buttons:?}");
    assert!(buttons[0].starts_with("Book"));
    assert!(home.contains(&spectra::domain::london_time::describe(starts_at)));
    assert!(home.contains("Room 4, Alder Hey"));
    assert!(home.contains(&format!("href=\"/applications/{offered}/offer\"")));
    assert!(home.contains("Answer the offer"));
    // What needs doing comes before what does not.
    let booked_at = home.find("Booked job").unwrap();
    for first in ["Draft job", "Invited job", "Offered job"] {
        assert!(home.find(first).unwrap() < booked_at, "{first}");
    }
}

#[tokio::test]
async fn the_timeline_tells_what_happened_and_the_time_at_the_current_stage_once() {
    // Arrange
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Receptionist", false).await;
    let (_, client) = applicant(&app, "timeline@example.org", "no").await;
    let id = start(&client, v.id).await;
    fill_in(&client, id, None).await;
    expect_redirect(
        client
            .post(
                &format!("/applications/{id}/declaration"),
                &[("declaration", "yes")],
            )
            .await,
        &format!("/applications/{id}/sent"),
    )
    .await;

    // Act
    let (_, page) = client.page(&format!("/applications/{id}")).await;

    // Assert
    let timeline = text_of(&page, ".app-timeline");
    assert!(timeline.contains("You sent your application"), "{timeline}");
    assert!(
        timeline.contains("You started your application"),
        "{timeline}"
    );
    assert!(!timeline.contains("Not sent yet"), "{timeline}");
    assert_eq!(page.matches("At this stage for").count(), 1);
    assert!(!page.contains("Time in this stage"));
}
