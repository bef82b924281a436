//! Organisations as administrators manage them: adding, changing, deactivating (its vacancies
//! stay, no new ones) and reactivating; each audited, and only for administrators.

use sea_orm::{ConnectionTrait, DbBackend, TransactionTrait};
use spectra::domain::Role;
use spectra::domain::organisation::{OrganisationForm, OrganisationInput};
use spectra::entities::{audit_event, organisation};
use spectra::services::organisations::{self as service, DetailsRefusal};

use crate::helpers::{Client, PASSWORD, TestApp, acting, location, spawn_app, text_of};

const ADMIN: &str = "admin@example.org";

/// An administrator, signed in on the app's own client.
async fn admin(app: &TestApp) -> i32 {
    let id = app.create_user(ADMIN, &[Role::Admin], None).await;
    app.client.sign_in(ADMIN, PASSWORD).await;
    id
}

/// The organisation events of the audit log, oldest first.
async fn organisation_events(app: &TestApp) -> Vec<audit_event::Model> {
    let mut events: Vec<_> = spectra::db::audit::recent(&app.db, 1_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action.starts_with("organisation_"))
        .collect();
    events.reverse();
    events
}

async fn stored(app: &TestApp, id: i32) -> organisation::Model {
    spectra::db::organisations::find(&app.db, id)
        .await
        .unwrap()
        .unwrap()
}

async fn by_name(app: &TestApp, name: &str) -> organisation::Model {
    spectra::db::organisations::all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("no organisation named {name}"))
}

/// Adds an organisation through the form and returns its ID.
async fn add(app: &TestApp, name: &str, ods_code: &str) -> i32 {
    let response = app
        .client
        .post(
            "/admin/organisations/new",
            &[("name", name), ("ods_code", ods_code)],
        )
        .await;
    assert_eq!(
        location(&response),
        "/admin/organisations",
        "{}",
        response.text().await.unwrap_or_default()
    );
    by_name(app, name).await.id
}

/// The row of the organisations table that names `name`, as text.
fn row_of(body: &str, name: &str) -> String {
    let doc = scraper::Html::parse_document(body);
    let rows = scraper::Selector::parse("tbody tr").unwrap();
    doc.select(&rows)
        .map(|r| r.text().collect::<Vec<_>>().join(" "))
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .find(|t| t.contains(name))
        .unwrap_or_else(|| panic!("no row for {name}"))
}

#[tokio::test]
async fn an_admin_adds_an_organisation_and_changes_its_name_and_ods_code() {
    // Arrange
    let app = spawn_app().await;
    admin(&app).await;
    let (_, list) = app.client.page("/admin/organisations").await;
    assert!(list.contains("href=\"/admin/organisations/new\""));
    assert!(list.contains("Add an organisation"));
    assert!(list.contains("href=\"/admin/organisations\">Organisations</a>"));

    // Act: add one, its code typed in lower case with spaces around.
    let response = app
        .client
        .post(
            "/admin/organisations/new",
            &[
                ("name", "  Wirral University   Teaching Hospital NHS FT "),
                ("ods_code", " rbl "),
            ],
        )
        .await;

    // Assert: stored tidy and upper case, listed, audited.
    assert_eq!(location(&response), "/admin/organisations");
    let (_, list) = app.client.page("/admin/organisations").await;
    assert!(list.contains("Wirral University Teaching Hospital NHS FT added"));
    let added = by_name(&app, "Wirral University Teaching Hospital NHS FT").await;
    assert_eq!(added.ods_code.as_deref(), Some("RBL"));
    assert_eq!(added.deactivated_at, None);
    assert_eq!(
        row_of(&list, "Wirral"),
        "Name Wirral University Teaching Hospital NHS FT (change) ODS code RBL Status Active Vacancies 0 Hiring managers 0"
    );
    let events = organisation_events(&app).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].action, "organisation_added");
    assert_eq!(events[0].subject, format!("organisation:{}", added.id));
    let details: serde_json::Value = serde_json::from_str(&events[0].details).unwrap();
    assert_eq!(
        details,
        serde_json::json!({ "name": "Wirral University Teaching Hospital NHS FT", "ods_code": "RBL" })
    );

    // Act: change its name only.
    let id = added.id;
    let (status, edit) = app
        .client
        .page(&format!("/admin/organisations/{id}/edit"))
        .await;
    assert_eq!(status, 200);
    assert!(edit.contains("value=\"Wirral University Teaching Hospital NHS FT\""));
    assert!(edit.contains("value=\"RBL\""));
    assert!(edit.contains(&format!("href=\"/admin/organisations/{id}/deactivate\"")));
    let response = app
        .client
        .post(
            &format!("/admin/organisations/{id}/edit"),
            &[
                ("name", "Wirral University Teaching Hospitals NHS FT"),
                ("ods_code", "RBL"),
            ],
        )
        .await;

    // Assert: stored, and only the name's change is in the audit log.
    assert_eq!(location(&response), "/admin/organisations");
    let changed = stored(&app, id).await;
    assert_eq!(changed.name, "Wirral University Teaching Hospitals NHS FT");
    assert!(changed.updated_at.is_some());
    let events = organisation_events(&app).await;
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].action, "organisation_changed");
    assert_eq!(events[1].subject, format!("organisation:{id}"));
    let details: serde_json::Value = serde_json::from_str(&events[1].details).unwrap();
    assert_eq!(
        details,
        serde_json::json!({ "name": {
            "from": "Wirral University Teaching Hospital NHS FT",
            "to": "Wirral University Teaching Hospitals NHS FT",
        } })
    );

    // Act: remove the ODS code.
    app.client
        .post(
            &format!("/admin/organisations/{id}/edit"),
            &[
                ("name", "Wirral University Teaching Hospitals NHS FT"),
                ("ods_code", ""),
            ],
        )
        .await;
    assert_eq!(stored(&app, id).await.ods_code, None);
    let events = organisation_events(&app).await;
    let details: serde_json::Value = serde_json::from_str(&events[2].details).unwrap();
    assert_eq!(
        details,
        serde_json::json!({ "ods_code": { "from": "RBL", "to": null } })
    );

    // Act: save it unchanged.
    let response = app
        .client
        .post(
            &format!("/admin/organisations/{id}/edit"),
            &[
                ("name", "Wirral University Teaching Hospitals NHS FT"),
                ("ods_code", ""),
            ],
        )
        .await;

    // Assert: nothing written, nothing audited, and the admin is told.
    assert_eq!(location(&response), "/admin/organisations");
    let (_, list) = app.client.page("/admin/organisations").await;
    assert!(list.contains("Nothing was changed."));
    assert_eq!(organisation_events(&app).await.len(), 3);

    // Audit details never hold the admin's name or email address.
    for event in organisation_events(&app).await {
        assert!(!event.details.contains(ADMIN), "{}", event.details);
        assert!(!event.details.contains("Test Person"), "{}", event.details);
    }
}

#[tokio::test]
async fn duplicates_and_bad_input_are_refused_against_their_fields_and_nothing_is_stored() {
    // Arrange
    let app = spawn_app().await;
    admin(&app).await;
    let first = add(&app, "Mersey Care NHS FT", "RW4").await;
    let second = add(&app, "Bridgewater Community Healthcare NHS FT", "").await;
    let before = organisation_events(&app).await.len();

    let cases: [(&str, &str, &str, &str); 6] = [
        // The same name, whatever its case and spacing.
        (
            "mersey  care nhs ft",
            "",
            "name",
            "An organisation with this name already exists",
        ),
        // The same code, typed in lower case.
        (
            "Mersey Care Two",
            "rw4",
            "ods_code",
            "Another organisation already has this ODS code",
        ),
        (
            "A trust",
            "R-W",
            "ods_code",
            "Enter an ODS code of 3 to 6 letters and numbers, like RBS, or leave it blank",
        ),
        (
            "A trust",
            "TOOLONG1",
            "ods_code",
            "Enter an ODS code of 3 to 6 letters and numbers, like RBS, or leave it blank",
        ),
        ("   ", "RBQ", "name", "Enter the organisation"),
        (
            &"x".repeat(201),
            "RBQ",
            "name",
            "The organisation&#39;s name must be 200 characters or fewer",
        ),
    ];
    for (name, code, field, message) in cases {
        // Act
        let response = app
            .client
            .post(
                "/admin/organisations/new",
                &[("name", name), ("ods_code", code)],
            )
            .await;

        // Assert: the form again, with the error summary and the error by its field.
        assert_eq!(response.status().as_u16(), 200, "{name} {code}");
        let body = response.text().await.unwrap();
        let summary = text_of(&body, ".nhsuk-error-summary");
        let at_field = text_of(&body, &format!("#{field}-error"));
        let message = message.replace("&#39;", "'");
        assert!(summary.contains(&message), "{name} {code}: {summary}");
        assert!(at_field.contains(&message), "{name} {code}: {at_field}");
        assert!(body.contains("<title>Error: Add an organisation"));
        // What was typed is shown again.
        assert!(body.contains(&format!("value=\"{}\"", code)));
    }
    assert_eq!(app.count("organisations").await, 2);

    // Changing one to another's name or code is refused too.
    let response = app
        .client
        .post(
            &format!("/admin/organisations/{second}/edit"),
            &[("name", "Mersey Care NHS FT"), ("ods_code", "")],
        )
        .await;
    let body = response.text().await.unwrap();
    assert!(
        text_of(&body, "#name-error").contains("An organisation with this name already exists")
    );
    let response = app
        .client
        .post(
            &format!("/admin/organisations/{second}/edit"),
            &[
                ("name", "Bridgewater Community Healthcare NHS FT"),
                ("ods_code", "RW4"),
            ],
        )
        .await;
    let body = response.text().await.unwrap();
    assert!(
        text_of(&body, "#ods_code-error")
            .contains("Another organisation already has this ODS code")
    );
    let response = app
        .client
        .post(
            &format!("/admin/organisations/{second}/edit"),
            &[("name", ""), ("ods_code", "R")],
        )
        .await;
    let body = response.text().await.unwrap();
    assert!(body.contains("<title>Error: Change the organisation"));
    assert!(text_of(&body, "#name-error").contains("Enter the organisation"));
    assert!(text_of(&body, "#ods_code-error").contains("3 to 6 letters and numbers"));

    // An organisation keeps its own name and code when changed in case only.
    let response = app
        .client
        .post(
            &format!("/admin/organisations/{first}/edit"),
            &[("name", "Mersey Care NHS Ft"), ("ods_code", "rw4")],
        )
        .await;
    assert_eq!(location(&response), "/admin/organisations");

    // Assert: nothing else stored, and only that change audited.
    let bridgewater = stored(&app, second).await;
    assert_eq!(
        (bridgewater.name.as_str(), bridgewater.ods_code),
        ("Bridgewater Community Healthcare NHS FT", None)
    );
    let mersey = stored(&app, first).await;
    assert_eq!(
        (mersey.name.as_str(), mersey.ods_code.as_deref()),
        ("Mersey Care NHS Ft", Some("RW4"))
    );
    assert_eq!(organisation_events(&app).await.len(), before + 1);
    // An unknown organisation is not found.
    assert_eq!(
        app.client
            .get("/admin/organisations/999999/edit")
            .await
            .status()
            .as_u16(),
        404
    );
}

#[tokio::test]
async fn markup_in_a_name_is_stored_as_typed_and_shown_as_text() {
    // Arrange
    let app = spawn_app().await;
    admin(&app).await;
    let hostile = "<script>alert(1)</script><b>Trust</b> & \"Co\"";

    // Act
    let id = add(&app, hostile, "").await;

    // Assert: stored as typed, escaped wherever it is shown.
    assert_eq!(stored(&app, id).await.name, hostile);
    for path in [
        "/admin/organisations".to_owned(),
        format!("/admin/organisations/{id}/edit"),
        format!("/admin/organisations/{id}/deactivate"),
        "/admin/invitations/new".to_owned(),
    ] {
        let (status, body) = app.client.page(&path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!body.contains("<script>alert(1)"), "{path}");
        assert!(!body.contains("<b>Trust"), "{path}");
        assert!(
            body.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
            "{path}"
        );
    }
    // Invisible characters are refused.
    let response = app
        .client
        .post(
            "/admin/organisations/new",
            &[("name", "Alder\u{202E}yeH"), ("ods_code", "")],
        )
        .await;
    assert!(
        text_of(&response.text().await.unwrap(), "#name-error")
            .contains("must only include letters, numbers, spaces and punctuation")
    );
    assert_eq!(app.count("organisations").await, 1);
}

pub(crate) fn vacancy_form(title: &str) -> Vec<(&str, &str)> {
    vec![
        ("title", title),
        ("kind", "job"),
        ("band", "2"),
        ("working_pattern", "37.5 hours a week"),
        ("salary", "£24,465 a year"),
        ("location", "Liverpool"),
        ("positions", "1"),
        ("closes_day", "5"),
        ("closes_month", "12"),
        ("closes_year", "2099"),
        ("closes_time", "17:00"),
        ("ring_fenced", "yes"),
        ("summary", "Help keep wards clean."),
        ("description", "You will keep the wards clean and safe."),
        ("essential_criteria", "Kind to people\nWilling to learn"),
        ("desirable_criteria", ""),
        ("reference_options", "employer"),
        ("reference_options", "personal_adviser"),
        ("reference_options", "education_or_community"),
        ("reference_options", "character"),
        ("contact_name", "Pat Lee"),
        ("contact_role", "Ward manager"),
        ("contact_email", "pat.lee@nhs.net"),
        ("contact_phone", "0151 228 4811"),
    ]
}

/// Creates a draft vacancy as the manager and returns its ID.
async fn create_vacancy(manager: &Client, title: &str) -> i32 {
    let response = manager
        .post("/manage/vacancies", &vacancy_form(title))
        .await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "{}",
        response.text().await.unwrap_or_default()
    );
    location(&response)
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_deactivated_organisation_keeps_its_vacancies_but_takes_no_new_ones_until_reactivated() {
    // Arrange: an organisation with a hiring manager, a published vacancy and a draft.
    let app = spawn_app().await;
    admin(&app).await;
    let org = add(&app, "The Walton Centre NHS FT", "RET").await;
    let other = add(&app, "Mersey Care NHS FT", "RW4").await;
    app.create_user("manager@example.org", &[Role::HiringManager], Some(org))
        .await;
    let someone = app
        .create_user("mentor@example.org", &[Role::Mentor], None)
        .await;
    let manager = app.new_client();
    manager.sign_in("manager@example.org", PASSWORD).await;
    let published = create_vacancy(&manager, "Domestic assistant").await;
    let response = manager
        .post(&format!("/manage/vacancies/{published}/publish"), &[])
        .await;
    assert_eq!(
        location(&response),
        format!("/manage/vacancies/{published}")
    );
    let draft = create_vacancy(&manager, "Porter").await;
    let (_, list) = app.client.page("/admin/organisations").await;
    assert_eq!(
        row_of(&list, "Walton"),
        "Name The Walton Centre NHS FT (change) ODS code RET Status Active Vacancies 2 Hiring managers 1"
    );

    // Act: the admin is asked first, in plain words.
    let (status, confirm) = app
        .client
        .page(&format!("/admin/organisations/{org}/deactivate"))
        .await;
    assert_eq!(status, 200);
    let what_happens = text_of(&confirm, "#what-happens");
    assert!(what_happens.contains("No new vacancies can be created for it."));
    assert!(what_happens.contains(
        "Its 2 vacancies stay as they are: published vacancies stay open until their closing date"
    ));
    assert!(what_happens.contains(
        "Its 1 hiring manager keeps their accounts and can still run its existing vacancies"
    ));
    assert!(what_happens.contains("It is not offered when inviting staff"));
    assert_eq!(
        app.count("organisations WHERE deactivated_at IS NOT NULL")
            .await,
        0
    );
    let response = app
        .client
        .post(&format!("/admin/organisations/{org}/deactivate"), &[])
        .await;

    // Assert: stored, audited, shown as deactivated.
    assert_eq!(location(&response), "/admin/organisations");
    assert!(stored(&app, org).await.deactivated_at.is_some());
    assert!(stored(&app, other).await.deactivated_at.is_none());
    let (_, list) = app.client.page("/admin/organisations").await;
    assert!(list.contains("The Walton Centre NHS FT has been deactivated."));
    assert!(row_of(&list, "Walton").contains("Status Deactivated Vacancies 2 Hiring managers 1"));
    let events = organisation_events(&app).await;
    let last = events.last().unwrap();
    assert_eq!(
        (
            last.action.as_str(),
            last.subject.clone(),
            last.details.as_str()
        ),
        (
            "organisation_deactivated",
            format!("organisation:{org}"),
            "{}"
        )
    );

    // A second press changes nothing and is not audited again.
    let again = app
        .client
        .post(&format!("/admin/organisations/{org}/deactivate"), &[])
        .await;
    assert_eq!(location(&again), "/admin/organisations");
    assert_eq!(
        app.count("audit_events WHERE action = 'organisation_deactivated'")
            .await,
        1
    );

    // Its vacancies stay: the published one is still open to applicants.
    assert_eq!(app.count("vacancies").await, 2);
    let (_, public) = app.new_client().page("/vacancies").await;
    assert!(public.contains("Domestic assistant"));
    let (status, _) = manager
        .page(&format!("/manage/vacancies/{published}"))
        .await;
    assert_eq!(status, 200);
    let (status, _) = manager
        .page(&format!("/manage/vacancies/{draft}/edit"))
        .await;
    assert_eq!(status, 200);

    // No new vacancy: the manager is told instead of given the form, and the POST is refused.
    let (_, mine) = manager.page("/manage/vacancies").await;
    assert!(!mine.contains("href=\"/manage/vacancies/new\""));
    assert!(mine.contains("no new vacancies can be created for it"));
    let (status, refused) = manager.page("/manage/vacancies/new").await;
    assert_eq!(status, 200);
    assert!(refused.contains("You cannot create a vacancy for this organisation"));
    assert!(refused.contains("An administrator has deactivated The Walton Centre NHS FT"));
    assert!(!refused.contains("name=\"title\""));
    let response = manager
        .post("/manage/vacancies", &vacancy_form("Sneaked in"))
        .await;
    assert_eq!(response.status().as_u16(), 409);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("You cannot create a vacancy for this organisation")
    );
    assert_eq!(app.count("vacancies").await, 2);

    // Not offered when inviting staff, and an invitation naming it is refused.
    let (_, invite) = app.client.page("/admin/invitations/new").await;
    assert!(!invite.contains(&format!("value=\"{org}\"")));
    assert!(invite.contains(&format!("value=\"{other}\"")));
    let org_id = org.to_string();
    let response = app
        .client
        .post(
            "/admin/invitations",
            &[
                ("full_name", "New Manager"),
                ("email", "new.manager@example.org"),
                ("roles", "hiring_manager"),
                ("organisation", &org_id),
            ],
        )
        .await;
    let body = response.text().await.unwrap();
    assert!(
        text_of(&body, "#organisation-error")
            .contains("Choose the organisation this hiring manager works for")
    );
    assert_eq!(app.count("invitations").await, 0);

    // Not offered when giving someone else an organisation; refused if sent anyway.
    let (_, user_page) = app.client.page(&format!("/admin/users/{someone}")).await;
    assert!(!user_page.contains(&format!("value=\"{org}\"")));
    let response = app
        .client
        .post(
            &format!("/admin/users/{someone}/roles"),
            &[("roles", "hiring_manager"), ("organisation", &org_id)],
        )
        .await;
    assert!(
        text_of(&response.text().await.unwrap(), "#organisation-error")
            .contains("Choose the organisation")
    );
    assert!(
        spectra::db::users::find_by_id(&app.db, someone)
            .await
            .unwrap()
            .unwrap()
            .organisation_id
            .is_none()
    );
    // Its existing member keeps it, marked as deactivated.
    let manager_id = spectra::db::users::find_by_email(&app.db, "manager@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    let (_, member_page) = app.client.page(&format!("/admin/users/{manager_id}")).await;
    assert!(member_page.contains(&format!(
        "<option value=\"{org}\" selected>The Walton Centre NHS FT (deactivated)</option>"
    )));
    let (_, users) = app.client.page("/admin/users").await;
    assert!(users.contains("The Walton Centre NHS FT (deactivated)"));
    let (_, admin_vacancies) = app.client.page("/admin/vacancies").await;
    assert!(admin_vacancies.contains("The Walton Centre NHS FT (deactivated)"));

    // Act: reactivate it, after a confirmation page.
    let (_, edit) = app
        .client
        .page(&format!("/admin/organisations/{org}/edit"))
        .await;
    assert!(edit.contains(&format!("href=\"/admin/organisations/{org}/reactivate\"")));
    let (status, confirm) = app
        .client
        .page(&format!("/admin/organisations/{org}/reactivate"))
        .await;
    assert_eq!(status, 200);
    assert!(confirm.contains("Reactivate this organisation?"));
    let response = app
        .client
        .post(&format!("/admin/organisations/{org}/reactivate"), &[])
        .await;

    // Assert: active again, audited, and new vacancies can be created.
    assert_eq!(location(&response), "/admin/organisations");
    assert!(stored(&app, org).await.deactivated_at.is_none());
    let events = organisation_events(&app).await;
    let last = events.last().unwrap();
    assert_eq!(
        (last.action.as_str(), last.subject.clone()),
        ("organisation_reactivated", format!("organisation:{org}"))
    );
    create_vacancy(&manager, "Healthcare assistant").await;
    assert_eq!(app.count("vacancies").await, 3);
    let (_, invite) = app.client.page("/admin/invitations/new").await;
    assert!(invite.contains(&format!("value=\"{org}\"")));
}

#[tokio::test]
async fn only_admins_reach_the_organisation_pages() {
    // Arrange: one account for every role but admin, and an organisation.
    let app = spawn_app().await;
    admin(&app).await;
    let org = add(&app, "Liverpool Women's NHS FT", "REP").await;
    let events_before = organisation_events(&app).await.len();
    let routes: [(&str, String); 9] = [
        ("GET", "/admin/organisations".into()),
        ("GET", "/admin/organisations/new".into()),
        ("POST", "/admin/organisations/new".into()),
        ("GET", format!("/admin/organisations/{org}/edit")),
        ("POST", format!("/admin/organisations/{org}/edit")),
        ("GET", format!("/admin/organisations/{org}/deactivate")),
        ("POST", format!("/admin/organisations/{org}/deactivate")),
        ("GET", format!("/admin/organisations/{org}/reactivate")),
        ("POST", format!("/admin/organisations/{org}/reactivate")),
    ];
    for role in Role::ALL.into_iter().filter(|r| *r != Role::Admin) {
        let email = format!("{}@example.org", role.as_str());
        let organisation = (role == Role::HiringManager).then_some(org);
        app.create_user(&email, &[role], organisation).await;
        let client = app.new_client();
        client.sign_in(&email, PASSWORD).await;
        for (method, path) in &routes {
            // Act
            let status = if *method == "GET" {
                client.get(path).await.status().as_u16()
            } else {
                client
                    .post(path, &[("name", "Taken over"), ("ods_code", "XXX")])
                    .await
                    .status()
                    .as_u16()
            };

            // Assert
            assert_eq!(status, 403, "{} {method} {path}", role.as_str());
        }
    }

    // Nothing changed.
    assert_eq!(app.count("organisations").await, 1);
    let kept = stored(&app, org).await;
    assert_eq!(kept.name, "Liverpool Women's NHS FT");
    assert_eq!(kept.ods_code.as_deref(), Some("REP"));
    assert!(kept.deactivated_at.is_none());
    assert_eq!(organisation_events(&app).await.len(), events_before);

    // Someone signed out is sent to sign in.
    let response = app.new_client().get("/admin/organisations").await;
    assert_eq!(response.status().as_u16(), 303);
}

/// Whether another session waits for a lock, on Postgres.
async fn someone_waits_for_a_lock(app: &TestApp) -> bool {
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            DbBackend::Postgres,
            "SELECT COUNT(*) AS n FROM pg_stat_activity \
             WHERE wait_event_type = 'Lock' AND datname = current_database()",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap() > 0
}

#[tokio::test]
async fn two_admins_adding_the_same_ods_code_at_once_get_one_organisation_and_a_field_error() {
    // Arrange
    let app = spawn_app().await;
    let admin_id = admin(&app).await;
    let input = OrganisationInput::parse(&OrganisationForm {
        name: "Countess of Chester Hospital NHS FT".into(),
        ods_code: "RJR".into(),
    })
    .unwrap();

    // Act: the first adds it in a transaction not yet committed; the second adds another name
    // with the same ODS code.
    let first = app.db.begin().await.unwrap();
    let added = service::add(&first, acting(admin_id), &input)
        .await
        .unwrap();
    assert!(added.is_ok());
    if app.db.get_database_backend() == DbBackend::Postgres {
        // The second checks before the first commits, so only the unique index can stop it:
        // its insert waits for the first, then fails.
        let db = app.db.clone();
        let racing = OrganisationInput::parse(&OrganisationForm {
            name: "Countess of Chester Hospital".into(),
            ods_code: "rjr".into(),
        })
        .unwrap();
        let second = tokio::spawn(async move {
            let txn = db.begin().await.unwrap();
            let outcome = service::add(&txn, acting(admin_id), &racing).await.unwrap();
            txn.rollback().await.unwrap();
            outcome
        });
        while !someone_waits_for_a_lock(&app).await {
            tokio::task::yield_now().await;
        }
        first.commit().await.unwrap();

        // Assert: the same field error as when checked.
        assert_eq!(second.await.unwrap(), Err(DetailsRefusal::OdsCodeTaken));
    } else {
        // SQLite has one writer at a time: the second is checked after the first commits.
        first.commit().await.unwrap();
        let txn = app.db.begin().await.unwrap();
        let outcome = service::add(&txn, acting(admin_id), &input).await.unwrap();
        txn.rollback().await.unwrap();
        assert_eq!(outcome, Err(DetailsRefusal::NameTaken));
    }
    assert_eq!(app.count("organisations").await, 1);
    assert_eq!(
        app.count("audit_events WHERE action = 'organisation_added'")
            .await,
        1
    );
}

#[tokio::test]
async fn names_that_only_look_different_are_refused_as_the_same_name() {
    // Arrange
    let app = spawn_app().await;
    admin(&app).await;
    add(&app, "Alder Hey Children's NHS FT", "RBS").await;
    add(&app, "Straße Trust", "").await;

    for lookalike in [
        "Alder Hey Children\u{2019}s NHS FT",
        "\u{FF21}lder Hey Children's NHS FT",
        "STRASSE TRUST",
    ] {
        // Act
        let response = app
            .client
            .post(
                "/admin/organisations/new",
                &[("name", lookalike), ("ods_code", "")],
            )
            .await;

        // Assert: the form again with the error at the name, and nothing stored.
        assert_eq!(response.status().as_u16(), 200, "{lookalike}");
        let body = response.text().await.unwrap();
        assert!(
            text_of(&body, "#name-error").contains("An organisation with this name already exists"),
            "{lookalike}"
        );
    }
    assert_eq!(app.count("organisations").await, 2);
}

#[tokio::test]
async fn two_admins_adding_lookalike_names_at_once_get_one_organisation_and_a_field_error() {
    // Arrange
    let app = spawn_app().await;
    let admin_id = admin(&app).await;
    let input = |name: &str, ods_code: &str| {
        OrganisationInput::parse(&OrganisationForm {
            name: name.into(),
            ods_code: ods_code.into(),
        })
        .unwrap()
    };
    let plain = input("Alder Hey Children's NHS FT", "RBS");
    let curly = input("ALDER HEY CHILDREN\u{2019}S NHS FT", "");

    // Act: the first adds its name in a transaction not yet committed; the second adds the
    // lookalike meanwhile. No unique index can see that the two are the same name.
    let first = app.db.begin().await.unwrap();
    assert!(
        service::add(&first, acting(admin_id), &plain)
            .await
            .unwrap()
            .is_ok()
    );
    let outcome = if app.db.get_database_backend() == DbBackend::Postgres {
        let db = app.db.clone();
        let second = tokio::spawn(async move {
            let txn = db.begin().await.unwrap();
            let outcome = service::add(&txn, acting(admin_id), &curly).await.unwrap();
            match outcome {
                Ok(_) => txn.commit().await.unwrap(),
                Err(_) => txn.rollback().await.unwrap(),
            }
            outcome
        });
        // The second is judged only once the first has committed.
        while !someone_waits_for_a_lock(&app).await && !second.is_finished() {
            tokio::task::yield_now().await;
        }
        first.commit().await.unwrap();
        second.await.unwrap()
    } else {
        // SQLite has one writer at a time: the second is checked after the first commits.
        first.commit().await.unwrap();
        let txn = app.db.begin().await.unwrap();
        let outcome = service::add(&txn, acting(admin_id), &curly).await.unwrap();
        txn.rollback().await.unwrap();
        outcome
    };

    // Assert
    assert_eq!(outcome.map(|o| o.name), Err(DetailsRefusal::NameTaken));
    assert_eq!(app.count("organisations").await, 1);
}
