//! The applicant's profile and care-experience declaration.

use spectra::domain::Role;

use crate::helpers::{PASSWORD, location, spawn_app, text_of};

#[tokio::test]
async fn an_applicant_declares_care_experience_after_the_explanation() {
    let app = spawn_app().await;
    let id = app
        .create_user("jo@example.org", &[Role::Applicant], None)
        .await;
    app.client.sign_in("jo@example.org", PASSWORD).await;

    let (_, page) = app.client.page("/profile").await;
    assert!(page.contains("the people who score your application will not see this answer"));
    let response = app
        .client
        .post(
            "/profile",
            &[
                ("contact_preference", "text"),
                ("phone", "07700 900 982"),
                ("care_experience", "yes"),
                ("local_authority", "Wirral Council"),
                ("adjustments", "Questions in writing, please"),
                ("next", "/vacancies"),
            ],
        )
        .await;

    assert_eq!(location(&response), "/vacancies");
    let stored = spectra::db::applicant_profiles::find(&app.db, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            stored.care_experience.as_str(),
            stored.local_authority.as_str()
        ),
        ("yes", "Wirral Council")
    );
    assert!(
        spectra::db::applicant_profiles::declares_care_experience(&app.db, id)
            .await
            .unwrap()
    );
    let (_, again) = app.client.page("/profile").await;
    assert!(
        again.contains("value=\"Wirral Council\"")
            && again.contains("Questions in writing, please")
    );
}

#[tokio::test]
async fn profile_errors_are_per_field_and_nothing_is_stored() {
    let app = spawn_app().await;
    app.create_user("jo@example.org", &[Role::Applicant], None)
        .await;
    app.client.sign_in("jo@example.org", PASSWORD).await;

    let response = app
        .client
        .post(
            "/profile",
            &[
                ("contact_preference", "phone"),
                ("next", "https://evil.example"),
            ],
        )
        .await;

    let body = response.text().await.unwrap();
    assert!(text_of(&body, "title").starts_with("Error:"));
    assert!(body.contains("Enter a phone number so we can call or text you"));
    assert!(body.contains("Choose an answer. You can choose"));
    assert!(
        !body.contains("evil.example"),
        "the return path stays local"
    );
    assert_eq!(app.count("applicant_profiles").await, 0);
}

#[tokio::test]
async fn only_applicants_have_a_profile() {
    let app = spawn_app().await;
    app.create_user("m@example.org", &[Role::Champion], None)
        .await;
    app.client.sign_in("m@example.org", PASSWORD).await;

    assert_eq!(app.client.get("/profile").await.status().as_u16(), 403);
    assert_eq!(
        app.new_client().get("/profile").await.status().as_u16(),
        303
    );
}

#[tokio::test]
async fn each_profile_answer_says_who_sees_it() {
    let app = spawn_app().await;
    app.create_user("who.sees@example.org", &[Role::Applicant], None)
        .await;
    app.client.sign_in("who.sees@example.org", PASSWORD).await;

    let (_, page) = app.client.page("/profile").await;

    for hint in [
        "#contact_preference-hint",
        "#phone-hint",
        "#care_experience-hint",
        "#local_authority-hint",
        "#adviser_name-hint",
        "#adviser_contact-hint",
        "#adjustments-hint",
    ] {
        assert!(
            text_of(&page, hint).contains("Who sees this"),
            "{hint}: {}",
            text_of(&page, hint)
        );
    }
    let care = text_of(&page, "#care_experience-hint");
    assert!(care.contains("never see this answer"));
    let support = text_of(&page, "#adjustments-hint");
    assert!(support.contains("seen by the interview panel once you book an interview"));
    assert!(page.contains("aria-describedby=\"care_experience-hint\""));
}
