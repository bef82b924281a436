//! HTTP tests of the mentoring pilot's sign-up and the coordinator's registries.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use spectra::domain::Role;
use spectra::domain::mentoring::files;
use spectra::domain::mentoring::pilot::cap_reached;
use spectra::entities::{invitation, mentee, mentor, mentoring_exclusion};

use crate::helpers::{Client, PASSWORD, TestApp, location, spawn_app, text_of};

const MENTORS: &str = "id,name,email,organisation,grade,specialty,capacity,meeting_modes,availability,lived_experience,gender\n\
M1,Dr Asha Patel,asha@example.org,Alder Hey Children's NHS FT,Consultant,Paediatrics,2,in_person;online,mon_am;tue_pm,yes,Woman\n\
M2,Dr Ben Jones,ben@example.org,The Walton Centre NHS FT,Registrar,Neurology,1,online,wed_eve,no,\n\
M3,Dr Cara Lee,cara@example.org,Liverpool University Hospitals NHS FT,Consultant,Surgery,3,in_person,,no,\n";

const MENTEES: &str = "id,name,email,university,year_of_study,specialty_interests,meeting_modes,availability,lived_experience_preference,gender_preference,gender_preference_strength\n\
S1,Sam Green,sam@example.org,University of Liverpool,3,Paediatrics;Surgery,online,mon_am,preferred,woman,required\n\
S2,Kai Lee,kai@example.org,Edge Hill University,1,,in_person,tue_pm,,,\n";

/// A signed-in coordinator on the app's own client.
async fn coordinator(app: &TestApp) -> i32 {
    let id = app
        .create_user("coordinator@example.org", &[Role::Coordinator], None)
        .await;
    app.client
        .sign_in("coordinator@example.org", PASSWORD)
        .await;
    id
}

/// A new client signed in as a new user with `roles`.
async fn signed_in(app: &TestApp, email: &str, roles: &[Role]) -> (Client, i32) {
    let id = app.create_user(email, roles, None).await;
    let client = app.new_client();
    client.sign_in(email, PASSWORD).await;
    (client, id)
}

fn sign_up_form() -> Vec<(&'static str, &'static str)> {
    vec![
        ("university", "University of Liverpool"),
        ("year", "2"),
        ("interests", "Paediatrics, Surgery"),
        ("modes", "online"),
        ("modes", "in_person"),
        ("availability", "mon_am"),
        ("availability", "tue_eve"),
        ("lived_experience", "preferred"),
        ("gender_preference", ""),
        ("conflicts", "Dr Ben Jones assesses me"),
        ("consent", "yes"),
    ]
}

async fn mentees(app: &TestApp) -> Vec<mentee::Model> {
    mentee::Entity::find().all(&app.db).await.unwrap()
}

async fn import(app: &TestApp, file: &str, csv: &str) -> (u16, String) {
    let response = app
        .client
        .post(
            "/mentoring/coordinator/import",
            &[("file", file), ("csv", csv)],
        )
        .await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

async fn set_cap(app: &TestApp, cap: &str) -> reqwest::Response {
    app.client
        .post(
            "/mentoring/coordinator/settings",
            &[
                ("cap", cap),
                ("weight_specialty", "35"),
                ("weight_meeting_mode", "15"),
                ("weight_availability", "25"),
                ("weight_lived_experience", "10"),
                ("weight_gender", "5"),
                ("weight_teaching_hospital", "10"),
            ],
        )
        .await
}

#[tokio::test]
async fn visitors_read_about_the_pilot_and_are_sent_to_sign_in_to_sign_up() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let (status, about) = app.client.page("/mentoring").await;
    let response = app.client.get("/mentoring/sign-up").await;

    // Assert
    assert_eq!(status, 200);
    assert!(about.contains("University of Liverpool") && about.contains("Edge Hill University"));
    assert!(about.contains("Your mentor sees your name"));
    assert!(about.contains("href=\"/mentoring/sign-up\""));
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), "/login?next=%2Fmentoring%2Fsign-up");
}

#[tokio::test]
async fn a_student_signs_up_once_and_waits_for_approval() {
    // Arrange
    let app = spawn_app().await;
    let (student, user_id) = signed_in(&app, "student@example.org", &[Role::Applicant]).await;
    let mut without_consent = sign_up_form();
    without_consent.retain(|(k, _)| *k != "consent");

    // Act: without consent, then with nothing answered, then properly, then again.
    let refused = student.post("/mentoring/sign-up", &without_consent).await;
    let refused_status = refused.status().as_u16();
    let refused_body = refused.text().await.unwrap();
    let empty = student
        .post("/mentoring/sign-up", &[("consent", "yes")])
        .await
        .text()
        .await
        .unwrap();
    let stored_after_refusals = app.count("mentees").await;
    let done = student.post("/mentoring/sign-up", &sign_up_form()).await;
    let again = student.post("/mentoring/sign-up", &sign_up_form()).await;
    let (_, about) = student.page("/mentoring").await;

    // Assert
    assert_eq!(refused_status, 200);
    assert!(refused_body.contains("There is a problem"));
    assert!(refused_body.contains("Confirm that you agree to how we use your information"));
    assert!(
        refused_body.contains("Dr Ben Jones assesses me"),
        "answers kept"
    );
    for message in [
        "Choose your university",
        "Choose your year of study",
        "Choose in person, online or both",
        "Choose at least one time when you are free",
    ] {
        assert!(empty.contains(message), "{message}");
    }
    assert_eq!(stored_after_refusals, 0);
    assert_eq!(location(&done), "/mentoring");
    assert_eq!(location(&again), "/mentoring");
    let rows = mentees(&app).await;
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.status.as_str(), "pending");
    assert_eq!(row.user_id, Some(user_id));
    assert_eq!(row.email, "student@example.org");
    assert!(row.reference.starts_with('S') && row.reference.len() == 7);
    assert_eq!(row.specialty_interests, "Paediatrics;Surgery");
    assert_eq!(row.meeting_modes.to_string(), "in_person;online");
    assert_eq!(row.availability.to_string(), "mon_am;tue_eve");
    assert_eq!(row.lived_experience_preference.as_str(), "preferred");
    assert_eq!(
        app.count(&format!(
            "mentees WHERE id = {} AND meeting_modes = 'in_person;online' \
             AND availability = 'mon_am;tue_eve' AND lived_experience_preference = 'preferred'",
            row.id
        ))
        .await,
        1,
        "stored as before, in the same words"
    );
    assert_eq!(row.declared_conflicts, "Dr Ben Jones assesses me");
    assert!(about.contains("Waiting for approval"));
    assert!(
        about.contains("already signed up"),
        "the second try is told so"
    );
}

#[tokio::test]
async fn a_student_the_coordinator_added_is_linked_after_consent_not_duplicated() {
    // Arrange
    let app = spawn_app().await;
    coordinator(&app).await;
    import(&app, "mentees", MENTEES).await;
    let (student, user_id) = signed_in(&app, "sam@example.org", &[Role::Applicant]).await;

    // Act
    let (_, form) = student.page("/mentoring/sign-up").await;
    let done = student.post("/mentoring/sign-up", &sign_up_form()).await;

    // Assert
    assert!(form.contains("The coordinator has already added you"));
    assert_eq!(location(&done), "/mentoring");
    let rows = mentees(&app).await;
    assert_eq!(rows.len(), 2);
    let sam = rows.iter().find(|m| m.email == "sam@example.org").unwrap();
    assert_eq!(sam.user_id, Some(user_id));
    assert_eq!(sam.reference, "S1", "the coordinator's id is kept");
    assert_eq!(sam.status.as_str(), "approved");
    assert_eq!(sam.declared_conflicts, "Dr Ben Jones assesses me");
}

#[tokio::test]
async fn approval_stops_at_the_cap() {
    // Arrange
    let app = spawn_app().await;
    coordinator(&app).await;
    let (first, first_user) = signed_in(&app, "first@example.org", &[Role::Applicant]).await;
    let (second, _) = signed_in(&app, "second@example.org", &[Role::Applicant]).await;
    first.post("/mentoring/sign-up", &sign_up_form()).await;
    second.post("/mentoring/sign-up", &sign_up_form()).await;
    assert_eq!(
        location(&set_cap(&app, "1").await),
        "/mentoring/coordinator/settings"
    );
    let rows = mentees(&app).await;
    let id_of = |email: &str| rows.iter().find(|m| m.email == email).unwrap().id;
    let (a, b) = (id_of("first@example.org"), id_of("second@example.org"));

    // Act
    let approved = app
        .client
        .post(&format!("/mentoring/coordinator/mentees/{a}/approve"), &[])
        .await;
    let refused = app
        .client
        .post(&format!("/mentoring/coordinator/mentees/{b}/approve"), &[])
        .await;
    let refused_status = refused.status().as_u16();
    let refused_body = refused.text().await.unwrap();

    // Assert
    assert_eq!(
        location(&approved),
        format!("/mentoring/coordinator/mentees/{a}")
    );
    assert_eq!(refused_status, 200);
    assert!(refused_body.contains("There is a problem"));
    assert!(refused_body.contains(&cap_reached(1)));
    let rows = mentees(&app).await;
    let status_of = |id: i32| rows.iter().find(|m| m.id == id).unwrap().status.as_str();
    assert_eq!(status_of(a), "approved");
    assert_eq!(status_of(b), "pending");
    assert!(
        rows.iter()
            .find(|m| m.id == a)
            .unwrap()
            .decided_by
            .is_some()
    );
    assert!(
        spectra::db::users::roles_of(&app.db, first_user)
            .await
            .unwrap()
            .contains(&Role::Mentee)
    );
    let email = app
        .wait_for_email(
            "first@example.org",
            "You have a place in the mentoring pilot",
        )
        .await;
    assert!(email.text.contains("approved"));
    let actions: Vec<String> = spectra::db::audit::recent(&app.db, 20)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions.iter().filter(|a| *a == "mentee_approved").count(),
        1
    );
}

#[tokio::test]
async fn declining_emails_the_reason_and_keeps_the_row() {
    // Arrange
    let app = spawn_app().await;
    coordinator(&app).await;
    let (student, _) = signed_in(&app, "student@example.org", &[Role::Applicant]).await;
    student.post("/mentoring/sign-up", &sign_up_form()).await;
    let id = mentees(&app).await[0].id;

    // Act
    let response = app
        .client
        .post(
            &format!("/mentoring/coordinator/mentees/{id}/decline"),
            &[(
                "decline_reason",
                "You study at a university outside the pilot",
            )],
        )
        .await;

    // Assert
    assert_eq!(
        location(&response),
        format!("/mentoring/coordinator/mentees/{id}")
    );
    assert_eq!(mentees(&app).await[0].status.as_str(), "declined");
    let email = app
        .wait_for_email(
            "student@example.org",
            "Your sign-up for the mentoring pilot",
        )
        .await;
    assert!(email.text.contains("outside the pilot"));
    let (_, about) = student.page("/mentoring").await;
    assert!(about.contains("Not approved"));
}

#[tokio::test]
async fn only_the_coordinator_can_use_the_registries() {
    // Arrange
    let app = spawn_app().await;
    let (applicant, _) = signed_in(&app, "applicant@example.org", &[Role::Applicant]).await;
    let (mentor_client, _) = signed_in(&app, "mentor@example.org", &[Role::Mentor]).await;
    let gets = [
        "/mentoring/coordinator",
        "/mentoring/coordinator/mentors",
        "/mentoring/coordinator/mentors/new",
        "/mentoring/coordinator/mentors/1",
        "/mentoring/coordinator/mentees",
        "/mentoring/coordinator/mentees/1",
        "/mentoring/coordinator/import",
        "/mentoring/coordinator/export/mentors.csv",
        "/mentoring/coordinator/export/mentees.csv",
        "/mentoring/coordinator/export/exclusions.csv",
        "/mentoring/coordinator/settings",
    ];
    let posts = [
        "/mentoring/coordinator/mentors/new",
        "/mentoring/coordinator/mentors/1/invite",
        "/mentoring/coordinator/mentees/1/approve",
        "/mentoring/coordinator/mentees/1/decline",
        "/mentoring/coordinator/mentees/1/exclusions",
        "/mentoring/coordinator/mentees/1/exclusions/1/delete",
        "/mentoring/coordinator/import",
        "/mentoring/coordinator/settings",
    ];

    // Act and assert
    for client in [&applicant, &mentor_client] {
        for path in gets {
            assert_eq!(client.get(path).await.status().as_u16(), 403, "GET {path}");
        }
        for path in posts {
            let response = client.post(path, &[("cap", "1")]).await;
            assert_eq!(response.status().as_u16(), 403, "POST {path}");
        }
    }
    let visitor = app.new_client();
    let response = visitor.get("/mentoring/coordinator").await;
    assert_eq!(response.status().as_u16(), 303);
    assert!(location(&response).starts_with("/login?next="));
    assert_eq!(app.count("mentoring_settings").await, 0);
}

#[tokio::test]
async fn an_import_with_bad_rows_lists_each_by_line_and_stores_nothing() {
    // Arrange
    let app = spawn_app().await;
    coordinator(&app).await;
    let bad = "id,name,email,organisation,grade,specialty,capacity,meeting_modes,availability,lived_experience,gender\n\
        M1,Dr Asha Patel,asha@example.org,Alder Hey Children's NHS FT,Consultant,Paediatrics,2,online,mon_am,yes,\n\
        M2,Dr Ben Jones,not-an-email,Org,Registrar,Neurology,1,online,,no,\n\
        M3,Dr Cara Lee,cara@example.org,Org,Consultant,Surgery,1,online,,no,\n\
        M4,Dr Dan Roe,dan@example.org,Org,Consultant,Surgery,9,online,,no,\n";

    // Act
    let (status, body) = import(&app, "mentors", bad).await;
    let stored_after_bad = app.count("mentors").await;
    let (good_status, _) = import(&app, "mentors", MENTORS).await;
    let (_, page) = app.client.page("/mentoring/coordinator/import").await;

    // Assert
    assert_eq!(status, 200);
    assert!(body.contains("The file has 2 rows with problems. Nothing was imported."));
    assert!(body.contains("Line 3: email"), "{body}");
    assert!(body.contains("Line 5: capacity"));
    assert_eq!(stored_after_bad, 0);
    assert_eq!(good_status, 303);
    assert!(page.contains("Mentors imported: 3 added, 0 updated"));
    let stored = mentor::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(stored.len(), 3);
    let asha = stored.iter().find(|m| m.reference == "M1").unwrap();
    assert_eq!(asha.capacity, 2);
    assert_eq!(asha.availability.to_string(), "mon_am;tue_pm");
    let events = spectra::db::audit::recent(&app.db, 10).await.unwrap();
    assert!(events.iter().any(|e| e.action == "mentoring_imported"));
}

#[tokio::test]
async fn an_import_updates_known_ids_and_refuses_ids_of_other_people() {
    // Arrange
    let app = spawn_app().await;
    coordinator(&app).await;
    import(&app, "mentors", MENTORS).await;
    let changed = MENTORS.replace(",2,in_person;online,", ",3,in_person;online,");
    let clash = "id,name,email,organisation,grade,specialty,capacity,meeting_modes,availability,lived_experience,gender\n\
        M9,Dr New,new@example.org,Org,Consultant,Surgery,1,online,,no,\n\
        M1,Dr Someone Else,else@example.org,Org,Consultant,Surgery,1,online,,no,\n\
        M7,Dr Ben Again,ben@example.org,Org,Consultant,Surgery,1,online,,no,\n";

    // Act
    let (updated_status, _) = import(&app, "mentors", &changed).await;
    let (clash_status, body) = import(&app, "mentors", clash).await;

    // Assert
    assert_eq!(updated_status, 303);
    assert_eq!(clash_status, 200);
    assert!(body.contains("Line 3: id"), "{body}");
    assert!(body.contains("Line 4: email ben@example.org already belongs"));
    let stored = mentor::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(stored.len(), 3, "M9 was not stored either");
    let asha = stored.iter().find(|m| m.reference == "M1").unwrap();
    assert_eq!(asha.capacity, 3);
    assert_eq!(asha.email, "asha@example.org");
}

#[tokio::test]
async fn imported_students_are_approved_and_a_file_above_the_cap_is_refused() {
    // Arrange
    let app = spawn_app().await;
    coordinator(&app).await;
    let student = app
        .create_user("kai@example.org", &[Role::Applicant], None)
        .await;
    set_cap(&app, "1").await;

    // Act
    let (refused_status, body) = import(&app, "mentees", MENTEES).await;
    let stored_after_refusal = app.count("mentees").await;
    set_cap(&app, "2").await;
    let (status, _) = import(&app, "mentees", MENTEES).await;

    // Assert
    assert_eq!(refused_status, 200);
    assert!(body.contains("would approve 2 more students, but only 1 of the 1 places are left"));
    assert_eq!(stored_after_refusal, 0);
    assert_eq!(status, 303);
    let rows = mentees(&app).await;
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter()
            .all(|m| m.status.as_str() == "approved" && m.user_id.is_none())
    );
    assert!(
        spectra::db::users::roles_of(&app.db, student)
            .await
            .unwrap()
            .contains(&Role::Mentee)
    );
}

#[tokio::test]
async fn exports_give_back_what_was_imported() {
    // Arrange
    let app = spawn_app().await;
    coordinator(&app).await;
    import(&app, "mentors", MENTORS).await;
    import(&app, "mentees", MENTEES).await;
    import(
        &app,
        "exclusions",
        "mentor_id,mentee_id,reason\nM2,S1,Assesses the student\n",
    )
    .await;

    // Act
    let response = app
        .client
        .get("/mentoring/coordinator/export/mentors.csv")
        .await;
    let headers = response.headers().clone();
    let mentors_csv = response.text().await.unwrap();
    let mentees_csv = app
        .client
        .get("/mentoring/coordinator/export/mentees.csv")
        .await
        .text()
        .await
        .unwrap();
    let exclusions_csv = app
        .client
        .get("/mentoring/coordinator/export/exclusions.csv")
        .await
        .text()
        .await
        .unwrap();

    // Assert
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let mut exported = files::read_mentors(&mentors_csv).unwrap();
    let mut original = files::read_mentors(MENTORS).unwrap();
    exported.sort_by(|a, b| a.id.cmp(&b.id));
    original.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(exported, original);
    let mut students = files::read_mentees(&mentees_csv).unwrap();
    students.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(students, files::read_mentees(MENTEES).unwrap());
    let pairs = files::read_exclusions(&exclusions_csv).unwrap();
    assert_eq!(pairs.len(), 1);
    assert_eq!(
        (pairs[0].mentor_id.as_str(), pairs[0].mentee_id.as_str()),
        ("M2", "S1")
    );
    let events = spectra::db::audit::recent(&app.db, 20).await.unwrap();
    assert_eq!(
        events
            .iter()
            .filter(|e| e.action == "mentoring_exported")
            .count(),
        3
    );
}

#[tokio::test]
async fn exclusions_need_known_ids_and_can_be_added_and_removed() {
    // Arrange
    let app = spawn_app().await;
    coordinator(&app).await;
    import(&app, "mentors", MENTORS).await;
    import(&app, "mentees", MENTEES).await;
    let sam = mentees(&app)
        .await
        .into_iter()
        .find(|m| m.reference == "S1")
        .unwrap()
        .id;
    let ben = mentor::Entity::find()
        .filter(mentor::Column::Reference.eq("M2"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let path = format!("/mentoring/coordinator/mentees/{sam}/exclusions");

    // Act
    let (_, unknown) = import(
        &app,
        "exclusions",
        "mentor_id,mentee_id,reason\nM1,S1,ok\nM8,S1,no such mentor\nM1,S9,no such student\n",
    )
    .await;
    let stored_after_unknown = app.count("mentoring_exclusions").await;
    let missing = app
        .client
        .post(
            &path,
            &[("mentor", ""), ("reason", ""), ("source", "conflict")],
        )
        .await
        .text()
        .await
        .unwrap();
    let added = app
        .client
        .post(
            &path,
            &[
                ("mentor", &ben),
                ("reason", "Assesses her"),
                ("source", "conflict"),
            ],
        )
        .await;
    let duplicate = app
        .client
        .post(
            &path,
            &[
                ("mentor", &ben),
                ("reason", "Again"),
                ("source", "coordinator"),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    let stored = mentoring_exclusion::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    let (_, page) = app
        .client
        .page(&format!("/mentoring/coordinator/mentees/{sam}"))
        .await;
    let removed = app
        .client
        .post(&format!("{path}/{}/delete", stored[0].id), &[])
        .await;

    // Assert
    assert!(unknown.contains("Line 3: mentor_id"), "{unknown}");
    assert!(unknown.contains("Line 4: mentee_id"));
    assert_eq!(stored_after_unknown, 0);
    assert!(missing.contains("Choose a mentor"));
    assert!(missing.contains("Enter why they must not be matched"));
    assert_eq!(
        location(&added),
        format!("/mentoring/coordinator/mentees/{sam}#exclusions")
    );
    assert!(duplicate.contains("is already excluded for this student"));
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].source.as_str(), "conflict");
    assert_eq!(stored[0].reason, "Assesses her");
    assert!(page.contains("Assesses her"));
    assert_eq!(removed.status().as_u16(), 303);
    assert_eq!(app.count("mentoring_exclusions").await, 0);
    let events = spectra::db::audit::recent(&app.db, 20).await.unwrap();
    assert_eq!(
        events
            .iter()
            .filter(|e| e.action == "mentoring_exclusion_changed")
            .count(),
        2
    );
}

#[tokio::test]
async fn settings_are_checked_before_they_are_saved() {
    // Arrange
    let app = spawn_app().await;
    coordinator(&app).await;
    import(&app, "mentees", MENTEES).await;

    // Act
    let below = set_cap(&app, "1").await.text().await.unwrap();
    let bad_weights = app
        .client
        .post(
            "/mentoring/coordinator/settings",
            &[
                ("cap", "40"),
                ("weight_specialty", "101"),
                ("weight_meeting_mode", "x"),
                ("weight_availability", "0"),
                ("weight_lived_experience", "0"),
                ("weight_gender", "0"),
                ("weight_teaching_hospital", "0"),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    let all_zero = app
        .client
        .post(
            "/mentoring/coordinator/settings",
            &[
                ("cap", "40"),
                ("weight_specialty", "0"),
                ("weight_meeting_mode", "0"),
                ("weight_availability", "0"),
                ("weight_lived_experience", "0"),
                ("weight_gender", "0"),
                ("weight_teaching_hospital", "0"),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    let stored_after_errors = app.count("mentoring_settings").await;
    let saved = set_cap(&app, "40").await;

    // Assert
    assert!(below.contains("The cap must be at least 2"));
    assert!(bad_weights.contains("Enter the weight of"));
    assert!(bad_weights.contains("href=\"#weight_specialty\""));
    assert!(bad_weights.contains("href=\"#weight_meeting_mode\""));
    assert!(all_zero.contains("At least one weight must be more than 0"));
    assert_eq!(stored_after_errors, 0);
    assert_eq!(location(&saved), "/mentoring/coordinator/settings");
    let settings = spectra::db::mentoring::settings(&app.db).await.unwrap();
    assert_eq!(settings.cap, 40);
    let events = spectra::db::audit::recent(&app.db, 10).await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.action == "mentoring_settings_changed")
    );
}

#[tokio::test]
async fn adding_a_mentor_invites_them_or_gives_their_account_the_role() {
    // Arrange
    let app = spawn_app().await;
    coordinator(&app).await;
    let existing = app
        .create_user("known@example.org", &[Role::HiringManager], None)
        .await;
    let form = |name: &'static str, email: &'static str| {
        vec![
            ("full_name", name),
            ("email", email),
            ("organisation", "Alder Hey Children's NHS FT"),
            ("grade", "Consultant"),
            ("specialty", "Paediatrics"),
            ("capacity", "2"),
            ("modes", "online"),
            ("availability", "wed_pm"),
            ("lived_experience", "not_said"),
            ("gender", ""),
        ]
    };

    // Act
    let empty = app
        .client
        .post("/mentoring/coordinator/mentors/new", &[])
        .await
        .text()
        .await
        .unwrap();
    let invited = app
        .client
        .post(
            "/mentoring/coordinator/mentors/new",
            &form("Dr New Mentor", "new.mentor@example.org"),
        )
        .await;
    let granted = app
        .client
        .post(
            "/mentoring/coordinator/mentors/new",
            &form("Dr Known", "known@example.org"),
        )
        .await;
    let again = app
        .client
        .post(
            "/mentoring/coordinator/mentors/new",
            &form("Dr Known", "known@example.org"),
        )
        .await
        .text()
        .await
        .unwrap();

    // Assert
    assert!(empty.contains("Choose how many students they can mentor, from 1 to 3"));
    assert!(empty.contains("Choose at least one time when the mentor is free"));
    assert!(location(&invited).starts_with("/mentoring/coordinator/mentors/"));
    assert!(location(&granted).starts_with("/mentoring/coordinator/mentors/"));
    assert!(again.contains("already in the list"));
    assert_eq!(app.count("mentors").await, 2);
    let stored = mentor::Entity::find()
        .filter(mentor::Column::Email.eq("new.mentor@example.org"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.reference.starts_with('M'));
    assert_eq!(stored.availability.to_string(), "wed_pm");
    assert!(!stored.lived_experience);
    let invitations = invitation::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(invitations.len(), 1);
    assert_eq!(invitations[0].email, "new.mentor@example.org");
    assert_eq!(invitations[0].roles, "mentor");
    let email = app
        .wait_for_email("new.mentor@example.org", "invited")
        .await;
    assert!(email.link("http").contains("/invitation/"));
    assert_eq!(
        spectra::db::users::roles_of(&app.db, existing)
            .await
            .unwrap(),
        vec![Role::HiringManager, Role::Mentor]
    );
    let (_, page) = app.client.page(&location(&invited)).await;
    assert!(page.contains("Send an invitation"));
}

#[tokio::test]
async fn the_dashboard_counts_places_and_links_every_page() {
    // Arrange
    let app = spawn_app().await;
    coordinator(&app).await;
    import(&app, "mentors", MENTORS).await;
    import(&app, "mentees", MENTEES).await;
    let (student, _) = signed_in(&app, "waiting@example.org", &[Role::Applicant]).await;
    student.post("/mentoring/sign-up", &sign_up_form()).await;

    // Act
    let (status, body) = app.client.page("/mentoring/coordinator").await;
    let (_, list) = app
        .client
        .page("/mentoring/coordinator/mentees?status=pending")
        .await;

    // Assert
    assert_eq!(status, 200);
    assert!(body.contains("2 of 30 places taken"));
    assert!(body.contains("1 student waiting for approval"));
    assert!(text_of(&body, "#next-steps-list").contains("1 student to approve"));
    assert!(body.contains("6 free places in all"));
    for link in [
        "/mentoring/coordinator/mentees",
        "/mentoring/coordinator/mentors",
        "/mentoring/coordinator/matching",
        "/mentoring/coordinator/relationships",
        "/mentoring/coordinator/import",
        "/mentoring/coordinator/settings",
    ] {
        assert!(body.contains(&format!("href=\"{link}\"")), "{link}");
    }
    assert!(list.contains("Test Person"));
    assert!(!list.contains("Sam Green"));
}

#[tokio::test]
async fn two_sign_ups_at_once_store_one_row() {
    // Arrange
    let app = spawn_app().await;
    let (student, _) = signed_in(&app, "quick@example.org", &[Role::Applicant]).await;
    let form = sign_up_form();
    // The session's form token must exist before two requests read it at once.
    student.csrf().await;

    // Act
    let (a, b) = tokio::join!(
        student.post("/mentoring/sign-up", &form),
        student.post("/mentoring/sign-up", &form)
    );

    // Assert
    assert_eq!(a.status().as_u16(), 303);
    assert_eq!(b.status().as_u16(), 303);
    assert_eq!(app.count("mentees").await, 1);
}

#[tokio::test]
async fn a_negative_stored_capacity_is_an_error_never_a_mentor_with_no_places() {
    // Arrange: a mentor whose stored capacity went below zero (no form or file stores one).
    let app = spawn_app().await;
    coordinator(&app).await;
    import(&app, "mentors", MENTORS).await;
    mentor::Entity::update_many()
        .col_expr(
            mentor::Column::Capacity,
            sea_orm::sea_query::Expr::value(-1),
        )
        .filter(mentor::Column::Reference.eq("M1"))
        .exec(&app.db)
        .await
        .unwrap();

    // Act
    let list = app.client.get("/mentoring/coordinator/mentors").await;
    let export = app
        .client
        .get("/mentoring/coordinator/export/mentors.csv")
        .await;
    let matching = app.client.get("/mentoring/coordinator/matching").await;

    // Assert: each page fails rather than showing the mentor as full, and nothing is exported.
    assert_eq!(list.status().as_u16(), 500);
    assert_eq!(export.status().as_u16(), 500);
    assert_eq!(matching.status().as_u16(), 500);
    let events = spectra::db::audit::recent(&app.db, 20).await.unwrap();
    assert!(events.iter().all(|e| e.action != "mentoring_exported"));
}
