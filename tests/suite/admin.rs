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
    let events: Vec<_> = spectra::db::audit::recent(&app.db, 10)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action != "signed_in")
        .collect();
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
    assert_eq!(
        app.count("audit_events WHERE action <> 'signed_in'").await,
        0
    );
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

fn programme_form<'a>(name: &'a str, target: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("description", "Recruit care leavers into NHS jobs."),
        ("target_hires", target),
        ("care_definition", "statutory_care_leaver"),
        ("contact_name", "Rowan Ellis"),
        ("contact_role", "Programme lead"),
        ("contact_email", "rowan@nhs.net"),
        ("contact_phone", "0151 000 0000"),
    ]
}

#[tokio::test]
async fn an_admin_adds_and_changes_a_programme() {
    let app = spawn_app().await;
    app.create_user("admin@example.org", &[Role::Admin], None)
        .await;
    app.client.sign_in("admin@example.org", PASSWORD).await;

    let response = app
        .client
        .post("/admin/programmes", &programme_form("SPECTRA 25/7", "25"))
        .await;
    assert_eq!(location(&response), "/admin/programmes");
    let (_, list) = app.client.page("/admin/programmes").await;
    assert!(list.contains("SPECTRA 25/7") && list.contains("Care leaver (the legal definition)"));
    let stored = spectra::db::programmes::all(&app.db).await.unwrap();
    assert_eq!(
        (
            stored.len(),
            stored[0].target_hires,
            stored[0].care_definition.as_str()
        ),
        (1, 25, "statutory_care_leaver")
    );

    let id = stored[0].id;
    let (_, edit) = app
        .client
        .page(&format!("/admin/programmes/{id}/edit"))
        .await;
    assert!(edit.contains("value=\"SPECTRA 25/7\""));
    app.client
        .post(
            &format!("/admin/programmes/{id}"),
            &programme_form("SPECTRA 25/7", "30"),
        )
        .await;
    assert_eq!(
        spectra::db::programmes::find(&app.db, id)
            .await
            .unwrap()
            .unwrap()
            .target_hires,
        30
    );

    let duplicate = app
        .client
        .post("/admin/programmes", &programme_form("SPECTRA 25/7", "5"))
        .await;
    assert!(
        duplicate
            .text()
            .await
            .unwrap()
            .contains("A programme with this name already exists")
    );
    let bad = app
        .client
        .post("/admin/programmes", &programme_form("", "many"))
        .await;
    let body = bad.text().await.unwrap();
    assert!(
        body.contains("Enter the programme&#39;s name")
            || body.contains("Enter the programme&#x27;s name")
    );
    assert!(body.contains("Enter the target number of hires as a whole number, like 25"));
    assert_eq!(app.count("programmes").await, 1);
}

#[tokio::test]
async fn only_admins_manage_programmes() {
    let app = spawn_app().await;
    app.create_user("champion@example.org", &[Role::Champion], None)
        .await;
    let champion = app.new_client();
    champion.sign_in("champion@example.org", PASSWORD).await;

    assert_eq!(
        champion.get("/admin/programmes").await.status().as_u16(),
        403
    );
    assert_eq!(
        champion
            .post("/admin/programmes", &programme_form("Sneaky", "1"))
            .await
            .status()
            .as_u16(),
        403
    );
    assert_eq!(app.count("programmes").await, 0);
}

#[tokio::test]
async fn an_admin_sees_pending_invitations_and_revokes_one_whose_link_then_fails() {
    let app = spawn_app().await;
    app.create_user("admin@example.org", &[Role::Admin], None)
        .await;
    app.create_user("manager@example.org", &[Role::Champion], None)
        .await;
    app.client.sign_in("admin@example.org", PASSWORD).await;
    for (name, email) in [
        ("Wrong Address", "wrong@example.org"),
        ("Right Address", "right@example.org"),
    ] {
        let r = app
            .client
            .post(
                "/admin/invitations",
                &[("full_name", name), ("email", email), ("roles", "champion")],
            )
            .await;
        assert_eq!(location(&r), "/admin/invitations");
    }
    let email = app
        .wait_for_email("wrong@example.org", "You have been invited")
        .await;
    let path = email
        .link(&format!("{}/invitation/", app.base))
        .trim_start_matches(&app.base)
        .to_owned();
    let (_, list) = app.client.page("/admin/invitations").await;
    assert!(list.contains("wrong@example.org") && list.contains("right@example.org"));
    let wrong_id = spectra::db::invitations::open(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.email == "wrong@example.org")
        .unwrap()
        .id;
    let revoke = format!("/admin/invitations/{wrong_id}/revoke");
    assert!(list.contains(&format!("href=\"{revoke}\"")));
    // The list writes the date in words ("14 December 2026"), not "2026-12-14".
    let wrong = spectra::db::invitations::find(&app.db, wrong_id)
        .await
        .unwrap()
        .unwrap();
    let expires = spectra::domain::london_time::describe_day(wrong.expires_at);
    assert!(text_of(&list, "table").contains(&expires), "{expires}");
    assert!(!list.contains(&wrong.expires_at.date().to_string()));

    // Someone who is not an admin cannot revoke it, nor see the confirmation page.
    let champion = app.new_client();
    champion.sign_in("manager@example.org", PASSWORD).await;
    assert_eq!(champion.post(&revoke, &[]).await.status().as_u16(), 403);
    assert_eq!(champion.page(&revoke).await.0, 403);

    // The confirmation page says what will happen and changes nothing.
    let audit_before = spectra::db::audit::recent(&app.db, 100)
        .await
        .unwrap()
        .len();
    let (status, confirm) = app.client.page(&revoke).await;
    assert_eq!(status, 200);
    assert_eq!(
        text_of(&confirm, "h1"),
        "Revoke the invitation to Wrong Address?"
    );
    assert!(text_of(&confirm, "main").contains("the link in the email stops working at once"));
    assert!(confirm.contains(&format!("action=\"{revoke}\"")));
    assert_eq!(
        spectra::db::audit::recent(&app.db, 100)
            .await
            .unwrap()
            .len(),
        audit_before
    );
    assert!(
        spectra::db::invitations::open(&app.db)
            .await
            .unwrap()
            .iter()
            .any(|i| i.id == wrong_id),
        "still open after the GET"
    );

    // Act
    let r = app.client.post(&revoke, &[]).await;

    // Assert: gone from the list, audited, and the link no longer works.
    assert_eq!(location(&r), "/admin/invitations");
    let (_, list) = app.client.page("/admin/invitations").await;
    assert!(
        text_of(&list, ".nhsuk-notification-banner--success")
            .contains("The invitation to Wrong Address has been revoked"),
        "a revocation that happened is a success"
    );
    assert!(!list.contains("wrong@example.org"));
    assert!(list.contains("right@example.org"));
    let events = spectra::db::audit::recent(&app.db, 10).await.unwrap();
    assert_eq!(events[0].action, "invitation_revoked");
    assert_eq!(events[0].subject, format!("invitation:{wrong_id}"));
    let invitee = app.new_client();
    let (_, page) = invitee.page(&path).await;
    assert_eq!(text_of(&page, "h1"), "This invitation has been withdrawn");
    invitee
        .post(
            &path,
            &[
                ("password", "wrong-person-words"),
                ("confirm_password", "wrong-person-words"),
            ],
        )
        .await;
    assert!(
        spectra::db::users::find_by_email(&app.db, "wrong@example.org")
            .await
            .unwrap()
            .is_none()
    );

    // Revoking it again changes nothing; an invitation that does not exist is not found.
    let r = app.client.post(&revoke, &[]).await;
    assert_eq!(location(&r), "/admin/invitations");
    let (_, list) = app.client.page("/admin/invitations").await;
    assert!(
        text_of(&list, ".nhsuk-card--warning")
            .contains("had already been accepted, revoked or had expired"),
        "nothing happened: a warning"
    );
    assert!(!list.contains("Success"), "and not a Success banner");
    let revocations = spectra::db::audit::recent(&app.db, 10)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "invitation_revoked")
        .count();
    assert_eq!(revocations, 1);
    // Its confirmation page, once revoked, goes back to the list saying so.
    let again = app.client.get(&revoke).await;
    assert_eq!(location(&again), "/admin/invitations");
    let missing = app
        .client
        .post("/admin/invitations/99999/revoke", &[])
        .await;
    assert_eq!(missing.status().as_u16(), 404);
}
