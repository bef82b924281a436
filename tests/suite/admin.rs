//! The admin pages: roles, organisations and the audit log.

use spectra::domain::Role;

use crate::helpers::{PASSWORD, location, spawn_app, text_of};

#[tokio::test]
async fn an_admin_gives_a_user_roles_and_the_change_is_audited() {
    let app = spawn_app().await;
    let org = app.create_organisation("The Walton Centre NHS FT").await;
    app.create_user("admin@example.org", &[Role::Admin], None)
        .await;
    let user = app
        .create_user("staff@example.org", &[Role::Mentor], None)
        .await;
    app.client.sign_in("admin@example.org", PASSWORD).await;

    let response = app
        .client
        .post(
            &format!("/admin/users/{user}/roles"),
            &[
                ("roles", "hiring_manager"),
                ("roles", "mentor"),
                ("organisation", &org.to_string()),
            ],
        )
        .await;

    assert_eq!(location(&response), format!("/admin/users/{user}"));
    assert_eq!(
        spectra::db::users::roles_of(&app.db, user).await.unwrap(),
        vec![Role::HiringManager, Role::Mentor]
    );
    let stored = spectra::db::users::find_by_id(&app.db, user)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.organisation_id, Some(org));
    let events = spectra::db::audit::recent(&app.db, 10).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].action, "roles_changed");
    assert_eq!(events[0].subject, format!("user:{user}"));
    assert!(events[0].details.contains("\"before\":[\"mentor\"]"));
    assert!(
        events[0]
            .details
            .contains("\"after\":[\"hiring_manager\",\"mentor\"]")
    );

    // The user list shows it.
    let (_, body) = app.client.page("/admin/users").await;
    assert!(body.contains("Hiring manager, Mentor"));
    assert!(body.contains("The Walton Centre NHS FT"));

    // The new role takes effect at once for the user.
    let staff = app.new_client();
    staff.sign_in("staff@example.org", PASSWORD).await;
    let (_, body) = staff.page("/account").await;
    assert!(body.contains("The Walton Centre NHS FT"));
}

#[tokio::test]
async fn a_hiring_manager_needs_an_organisation_and_bad_input_changes_nothing() {
    let app = spawn_app().await;
    app.create_user("admin@example.org", &[Role::Admin], None)
        .await;
    let user = app
        .create_user("staff@example.org", &[Role::Mentor], None)
        .await;
    app.client.sign_in("admin@example.org", PASSWORD).await;

    let no_org = app
        .client
        .post(
            &format!("/admin/users/{user}/roles"),
            &[("roles", "hiring_manager"), ("organisation", "")],
        )
        .await;
    let no_roles = app
        .client
        .post(
            &format!("/admin/users/{user}/roles"),
            &[("organisation", "")],
        )
        .await;
    let bogus = app
        .client
        .post(
            &format!("/admin/users/{user}/roles"),
            &[("roles", "superuser")],
        )
        .await;

    let body = no_org.text().await.unwrap();
    assert!(text_of(&body, "title").starts_with("Error:"));
    assert!(body.contains(
        "<a href=\"#organisation\">Choose the organisation this hiring manager works for</a>"
    ));
    assert!(
        no_roles
            .text()
            .await
            .unwrap()
            .contains("Choose at least one role")
    );
    assert!(
        bogus
            .text()
            .await
            .unwrap()
            .contains("Choose roles from the list")
    );
    assert_eq!(
        spectra::db::users::roles_of(&app.db, user).await.unwrap(),
        vec![Role::Mentor]
    );
    assert_eq!(app.count("audit_events").await, 0);
}

#[tokio::test]
async fn an_admin_cannot_lock_themselves_out() {
    let app = spawn_app().await;
    let me = app
        .create_user("admin@example.org", &[Role::Admin], None)
        .await;
    app.client.sign_in("admin@example.org", PASSWORD).await;

    let demote = app
        .client
        .post(
            &format!("/admin/users/{me}/roles"),
            &[("roles", "champion")],
        )
        .await;
    let deactivate = app
        .client
        .post(&format!("/admin/users/{me}/deactivate"), &[])
        .await;

    assert!(
        demote
            .text()
            .await
            .unwrap()
            .contains("You cannot remove your own administrator role")
    );
    assert_eq!(deactivate.status().as_u16(), 400);
    assert!(
        deactivate
            .text()
            .await
            .unwrap()
            .contains("You cannot deactivate your own account.")
    );
    assert_eq!(
        spectra::db::users::roles_of(&app.db, me).await.unwrap(),
        vec![Role::Admin]
    );
    assert_eq!(app.client.get("/admin/users").await.status().as_u16(), 200);
}

#[tokio::test]
async fn a_reactivated_account_can_sign_in_again() {
    let app = spawn_app().await;
    app.create_user("admin@example.org", &[Role::Admin], None)
        .await;
    let user = app
        .create_user("back@example.org", &[Role::Applicant], None)
        .await;
    app.client.sign_in("admin@example.org", PASSWORD).await;
    app.client
        .post(&format!("/admin/users/{user}/deactivate"), &[])
        .await;

    let response = app
        .client
        .post(&format!("/admin/users/{user}/reactivate"), &[])
        .await;

    assert_eq!(location(&response), format!("/admin/users/{user}"));
    app.new_client().sign_in("back@example.org", PASSWORD).await;
    assert_eq!(
        app.count("audit_events WHERE action = 'account_reactivated'")
            .await,
        1
    );
}
