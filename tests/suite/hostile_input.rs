//! Hostile and impossible input, refused in one place (docs/DOMAIN.md §9): a control character
//! in any form or query string, and a date outside what the service believes.

use spectra::domain::Role;

use crate::helpers::{PASSWORD, spawn_app, text_of};
use crate::organisations::vacancy_form;

#[tokio::test]
async fn a_control_character_in_any_form_field_is_refused_and_nothing_is_stored() {
    // Arrange
    let app = spawn_app().await;
    let org = app.create_organisation("The Walton Centre NHS FT").await;
    app.create_user("manager@example.org", &[Role::HiringManager], Some(org))
        .await;
    let manager = app.new_client();
    manager.sign_in("manager@example.org", PASSWORD).await;

    for (field, value) in [
        ("title", "Ward\u{0}clerk"),
        ("description", "Keep the wards \u{1b}[31mclean"),
        ("contact_name", "Pat\u{85}Lee"),
    ] {
        let mut form = vacancy_form("Ward clerk");
        for pair in form.iter_mut().filter(|(name, _)| *name == field) {
            pair.1 = value;
        }

        // Act
        let response = manager.post("/manage/vacancies", &form).await;

        // Assert: a page that says what to do, and no vacancy.
        assert_eq!(response.status().as_u16(), 400, "{field}");
        let body = response.text().await.unwrap();
        assert!(
            body.contains("has a hidden character that cannot be stored"),
            "{field}"
        );
        assert!(body.contains("back button"), "{field}");
        assert_eq!(app.count("vacancies").await, 0, "{field}");
    }

    // Line breaks and tabs in a long answer are text, not hidden characters.
    let mut form = vacancy_form("Ward clerk");
    for pair in form.iter_mut().filter(|(name, _)| *name == "description") {
        pair.1 = "First line\r\n\tSecond line";
    }
    let response = manager.post("/manage/vacancies", &form).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(app.count("vacancies").await, 1);
}

#[tokio::test]
async fn a_control_character_in_a_query_string_is_refused() {
    // Arrange
    let app = spawn_app().await;
    app.create_user("champion@nhs.net", &[Role::Champion], None)
        .await;
    let champion = app.new_client();
    champion.sign_in("champion@nhs.net", PASSWORD).await;

    // Act
    let (status, body) = champion.page("/champion?to=2026-01-01%00").await;
    let (public_status, _) = app.client.page("/vacancies?q=%1B").await;

    // Assert
    assert_eq!(status, 400);
    assert!(body.contains("The address of this page has a hidden character"));
    assert_eq!(public_status, 400);
}

#[tokio::test]
async fn the_dashboard_refuses_impossible_periods_against_their_fields() {
    // Arrange
    let app = spawn_app().await;
    app.create_user("champion@nhs.net", &[Role::Champion], None)
        .await;
    let champion = app.new_client();
    champion.sign_in("champion@nhs.net", PASSWORD).await;

    // Act
    let (status, page) = champion
        .page("/champion?from=-0001-01-01&to=0000-01-01")
        .await;

    // Assert
    assert_eq!(status, 200);
    let from = text_of(&page, "#from-error");
    let to = text_of(&page, "#to-error");
    assert!(
        from.contains("Enter the first day as a real date"),
        "{from}"
    );
    assert!(to.contains("must be in 2000 or later"), "{to}");
    let (_, page) = champion.page("/champion?from=1999-12-31").await;
    assert!(text_of(&page, "#from-error").contains("must be in 2000 or later"));
    let (_, page) = champion.page("/champion?from=2000-01-01").await;
    assert!(!page.contains("nhsuk-error-summary"));
}
