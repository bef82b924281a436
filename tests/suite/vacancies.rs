//! Vacancies: the organisation boundary, publishing, the plain-language advice, flexible
//! references, apprenticeships' entry requirements, the public list's filters, and closing
//! times.

use migration::{MigratorTrait, SchemaManager};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use spectra::domain::Role;
use spectra::entities::{vacancy, vacancy_criterion};

use crate::helpers::{Client, PASSWORD, TestApp, location, spawn_app, text_of};

/// Every reference type's form value.
const EVERY_REFERENCE: [&str; 4] = [
    "employer",
    "personal_adviser",
    "education_or_community",
    "character",
];

/// A manager of a new organisation, signed in on their own client.
async fn manager(app: &TestApp, org_name: &str, email: &str) -> (i32, Client) {
    let org = app.create_organisation(org_name).await;
    app.create_user(email, &[Role::HiringManager], Some(org))
        .await;
    let client = app.new_client();
    client.sign_in(email, PASSWORD).await;
    (org, client)
}

fn form<'a>(title: &'a str, year: &'a str, ring_fenced: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("kind", "apprenticeship"),
        ("band", "2"),
        ("working_pattern", "37.5 hours a week"),
        ("salary", "£24,465 a year"),
        ("location", "Liverpool"),
        ("positions", "2"),
        ("closes_day", "5"),
        ("closes_month", "12"),
        ("closes_year", year),
        ("closes_time", "17:00"),
        ("ring_fenced", ring_fenced),
        ("summary", "Help care for children."),
        (
            "description",
            "You must have 3 years of experience. You will join the MDT.",
        ),
        (
            "entry_requirements",
            "No GCSEs needed.\r\nYou can take Functional Skills English and maths during the apprenticeship.",
        ),
        ("essential_criteria", "Kind to people\nWilling to learn"),
        ("desirable_criteria", "Some caring experience"),
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

async fn create(client: &Client, title: &str) -> i32 {
    let response = client
        .post("/manage/vacancies", &form(title, "2099", "yes"))
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
async fn a_manager_creates_a_draft_sees_advice_and_publishes_it() {
    let app = spawn_app().await;
    let (org, client) = manager(&app, "Alder Hey Children's NHS FT", "m@example.org").await;

    let id = create(&client, "Healthcare support worker apprentice").await;

    let stored = vacancy::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            stored.organisation_id,
            stored.status.as_str(),
            stored.ring_fenced
        ),
        (org, "draft", true)
    );
    assert_eq!(
        stored.reference_options,
        "employer,personal_adviser,education_or_community,character"
    );
    let criteria = vacancy_criterion::Entity::find()
        .filter(vacancy_criterion::Column::VacancyId.eq(id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(criteria.iter().filter(|c| c.essential).count(), 2);
    assert_eq!(criteria.len(), 3);

    let (_, body) = client.page(&format!("/manage/vacancies/{id}")).await;
    assert!(body.contains("Plain language check"));
    assert!(body.contains("Estimated reading age"));
    assert!(body.contains("asks for years of experience"));
    assert!(body.contains("<li>MDT</li>"));
    assert_eq!(
        app.client
            .get(&format!("/vacancies/{id}"))
            .await
            .status()
            .as_u16(),
        404,
        "drafts are not public"
    );

    let response = client
        .post(&format!("/manage/vacancies/{id}/publish"), &[])
        .await;
    assert_eq!(location(&response), format!("/manage/vacancies/{id}"));
    let (status, body) = app.client.page(&format!("/vacancies/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(text_of(&body, "h1"), "Healthcare support worker apprentice");
    assert!(body.contains("Only for people who have been in care"));
    assert!(body.contains("5 December 2099 at 5:00pm"));
    assert!(body.contains("Pat Lee") && body.contains("pat.lee@nhs.net"));
    let again = client
        .post(&format!("/manage/vacancies/{id}/publish"), &[])
        .await;
    assert_eq!(again.status().as_u16(), 400);
}

#[tokio::test]
async fn bad_vacancy_input_is_shown_per_field_and_nothing_is_stored() {
    let app = spawn_app().await;
    let (_, client) = manager(&app, "Mersey Care NHS FT", "m@example.org").await;

    let mut bad = form("", "2020", "yes");
    bad.retain(|(k, _)| *k != "essential_criteria" && *k != "reference_options");
    let response = client.post("/manage/vacancies", &bad).await;

    assert_eq!(response.status().as_u16(), 200);
    let body = response.text().await.unwrap();
    assert!(text_of(&body, "title").starts_with("Error:"));
    for message in [
        "Enter the job title",
        "Closing date must be in the future",
        "Enter at least one essential criterion",
        "Choose at least one kind of referee you will accept",
    ] {
        assert!(body.contains(message), "missing {message}");
    }
    assert!(body.contains("£24,465 a year"), "what was typed is kept");
    assert_eq!(app.count("vacancies").await, 0);
    assert_eq!(app.count("vacancy_criteria").await, 0);
}

#[tokio::test]
async fn a_manager_cannot_see_or_change_another_organisations_vacancy() {
    let app = spawn_app().await;
    let (_, alder_hey) = manager(&app, "Alder Hey Children's NHS FT", "ah@example.org").await;
    let (_, luhft) = manager(
        &app,
        "Liverpool University Hospitals NHS FT",
        "lu@example.org",
    )
    .await;
    let id = create(&alder_hey, "Porter").await;

    for path in [
        format!("/manage/vacancies/{id}"),
        format!("/manage/vacancies/{id}/edit"),
    ] {
        assert_eq!(luhft.get(&path).await.status().as_u16(), 404, "{path}");
    }
    let update = luhft
        .post(
            &format!("/manage/vacancies/{id}"),
            &form("Hijacked", "2099", "no"),
        )
        .await;
    let publish = luhft
        .post(&format!("/manage/vacancies/{id}/publish"), &[])
        .await;
    assert_eq!(update.status().as_u16(), 404);
    assert_eq!(publish.status().as_u16(), 404);
    let (_, list) = luhft.page("/manage/vacancies").await;
    assert!(!list.contains("Porter"));

    let stored = vacancy::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.title.as_str(), stored.status.as_str()),
        ("Porter", "draft")
    );

    // Applicants and anonymous visitors get nothing either.
    app.create_user("a@example.org", &[Role::Applicant], None)
        .await;
    let applicant = app.new_client();
    applicant.sign_in("a@example.org", PASSWORD).await;
    assert_eq!(
        applicant.get("/manage/vacancies").await.status().as_u16(),
        403
    );
    assert_eq!(
        applicant
            .post(&format!("/manage/vacancies/{id}/publish"), &[])
            .await
            .status()
            .as_u16(),
        403
    );
    assert_eq!(
        app.new_client()
            .get(&format!("/manage/vacancies/{id}"))
            .await
            .status()
            .as_u16(),
        303
    );
}

#[tokio::test]
async fn a_draft_can_be_edited_and_a_published_vacancy_within_limits() {
    let app = spawn_app().await;
    let (_, client) = manager(&app, "The Walton Centre NHS FT", "m@example.org").await;
    let id = create(&client, "Porter").await;

    let (_, edit) = client.page(&format!("/manage/vacancies/{id}/edit")).await;
    assert!(edit.contains("value=\"Porter\"") && edit.contains("Kind to people\nWilling to learn"));
    let response = client
        .post(
            &format!("/manage/vacancies/{id}"),
            &form("Senior porter", "2099", "no"),
        )
        .await;
    assert_eq!(location(&response), format!("/manage/vacancies/{id}"));
    let stored = vacancy::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.title.as_str(), stored.ring_fenced),
        ("Senior porter", false)
    );
    assert_eq!(
        app.count("vacancy_criteria").await,
        3,
        "criteria replaced, not added"
    );

    client
        .post(&format!("/manage/vacancies/{id}/publish"), &[])
        .await;
    let late_edit = client
        .post(
            &format!("/manage/vacancies/{id}"),
            &form("Changed after publishing", "2099", "no"),
        )
        .await;
    // Issue 12, point 8: a new title does not alter the criteria, so it may change.
    assert_eq!(location(&late_edit), format!("/manage/vacancies/{id}"));
    let stored = vacancy::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.title, "Changed after publishing");
    assert_eq!(app.count("vacancy_criteria").await, 3);
}

#[tokio::test]
async fn the_public_list_filters_and_drops_closed_vacancies() {
    let app = spawn_app().await;
    let (ah_org, alder_hey) = manager(&app, "Alder Hey Children's NHS FT", "ah@example.org").await;
    let (_, luhft) = manager(
        &app,
        "Liverpool University Hospitals NHS FT",
        "lu@example.org",
    )
    .await;
    let ring_fenced = create(&alder_hey, "Ring-fenced apprentice").await;
    let open_to_all = {
        let response = luhft
            .post("/manage/vacancies", &form("Open porter", "2099", "no"))
            .await;
        location(&response)
            .rsplit('/')
            .next()
            .unwrap()
            .parse::<i32>()
            .unwrap()
    };
    let closed_early = create(&alder_hey, "Closed early").await;
    create(&alder_hey, "Still a draft").await;
    let expired = create(&alder_hey, "Already expired").await;
    for (client, id) in [
        (&alder_hey, ring_fenced),
        (&luhft, open_to_all),
        (&alder_hey, closed_early),
        (&alder_hey, expired),
    ] {
        client
            .post(&format!("/manage/vacancies/{id}/publish"), &[])
            .await;
    }
    alder_hey
        .post(&format!("/manage/vacancies/{closed_early}/close"), &[])
        .await;
    // The closing time passes without any job running.
    vacancy::Entity::update_many()
        .col_expr(
            vacancy::Column::ClosesAt,
            sea_orm::sea_query::Expr::value(spectra::db::now() - time::Duration::minutes(1)),
        )
        .filter(vacancy::Column::Id.eq(expired))
        .exec(&app.db)
        .await
        .unwrap();

    let (_, all) = app.client.page("/vacancies").await;
    assert!(all.contains("Ring-fenced apprentice") && all.contains("Open porter"));
    for gone in ["Closed early", "Still a draft", "Already expired"] {
        assert!(!all.contains(gone), "{gone} should not be listed");
    }
    assert!(all.contains("2 vacancies are open"));

    let (_, only_ring_fenced) = app.client.page("/vacancies?ring_fenced=yes").await;
    assert!(
        only_ring_fenced.contains("Ring-fenced apprentice")
            && !only_ring_fenced.contains("Open porter")
    );
    let (_, by_org) = app
        .client
        .page(&format!("/vacancies?organisation={ah_org}"))
        .await;
    assert!(by_org.contains("Ring-fenced apprentice") && !by_org.contains("Open porter"));
    let (_, by_kind) = app.client.page("/vacancies?kind=placement").await;
    assert!(by_kind.contains("0 vacancies are open"));
    let (_, soon) = app.client.page("/vacancies?closing_soon=yes").await;
    assert!(soon.contains("0 vacancies are open"), "both close in 2099");

    let (status, closed_page) = app.client.page(&format!("/vacancies/{expired}")).await;
    assert_eq!(status, 200);
    assert!(closed_page.contains("This vacancy has closed"));
    let (_, manager_view) = alder_hey.page("/manage/vacancies").await;
    assert!(manager_view.contains("Closed"));
    assert_eq!(
        app.client
            .get("/vacancies/not-a-number")
            .await
            .status()
            .as_u16(),
        404
    );
    assert_eq!(
        app.client.get("/vacancies/99999").await.status().as_u16(),
        404
    );
}

#[tokio::test]
async fn the_public_list_is_paginated() {
    let app = spawn_app().await;
    let (_, client) = manager(&app, "Mersey Care NHS FT", "m@example.org").await;
    for n in 0..21 {
        let id = create(&client, &format!("Vacancy number {n:02}")).await;
        client
            .post(&format!("/manage/vacancies/{id}/publish"), &[])
            .await;
    }

    let (_, first) = app.client.page("/vacancies").await;
    let (_, second) = app.client.page("/vacancies?page=2").await;

    assert!(first.contains("21 vacancies are open"));
    assert_eq!(first.matches("nhsuk-card__link").count(), 20);
    assert_eq!(second.matches("nhsuk-card__link").count(), 1);
    assert!(first.contains("Page 2 of 2"));
    assert!(second.contains("21 vacancies are open"), "{second}");

    // A page past the end has no row to carry the count, and still says how many are open.
    let (status, past) = app.client.page("/vacancies?page=7").await;
    assert_eq!(status, 200);
    assert_eq!(past.matches("nhsuk-card__link").count(), 0);
    assert!(past.contains("21 vacancies are open"), "{past}");
}

/// The form with `field` replaced by `value` (or removed, when `value` is `None`), and only the
/// given reference types ticked.
fn form_with<'a>(
    base: Vec<(&'a str, &'a str)>,
    changes: &[(&'a str, Option<&'a str>)],
    references: &[&'a str],
) -> Vec<(&'a str, &'a str)> {
    let mut fields: Vec<(&str, &str)> = base
        .into_iter()
        .filter(|(k, _)| *k != "reference_options" && !changes.iter().any(|(c, _)| c == k))
        .collect();
    fields.extend(changes.iter().filter_map(|(k, v)| v.map(|v| (*k, v))));
    fields.extend(references.iter().map(|r| ("reference_options", *r)));
    fields
}

/// A care-leaver programme's ID.
async fn programme(app: &TestApp) -> i32 {
    let now = spectra::db::now();
    spectra::db::programmes::ensure(
        &app.db,
        spectra::entities::programme::Model {
            id: 0,
            name: "SPECTRA 25/7".into(),
            description: "Recruit 25 care leavers.".into(),
            target_hires: 25,
            care_definition: spectra::domain::programme::CareDefinition::CareExperienced,
            contact_name: "Rowan Ellis".into(),
            contact_role: "Programme lead".into(),
            contact_email: "rowan@nhs.net".into(),
            contact_phone: "0151 000 0000".into(),
            created_at: now,
            updated_at: now,
        },
    )
    .await
    .unwrap()
    .id
}

/// A published vacancy's ID, from the redirect after creating it.
async fn create_and_publish(client: &Client, fields: &[(&str, &str)]) -> i32 {
    let response = client.post("/manage/vacancies", fields).await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "{}",
        response.text().await.unwrap_or_default()
    );
    let id: i32 = location(&response)
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let published = client
        .post(&format!("/manage/vacancies/{id}/publish"), &[])
        .await;
    assert_eq!(location(&published), format!("/manage/vacancies/{id}"));
    id
}

#[tokio::test]
async fn ring_fenced_and_programme_vacancies_must_accept_every_kind_of_referee() {
    // Arrange
    let app = spawn_app().await;
    let (_, client) = manager(&app, "Alder Hey Children's NHS FT", "m@example.org").await;
    let programme = programme(&app).await.to_string();

    // Act: employer only, ring-fenced; then employer only, in a care-leaver programme.
    let ring_fenced = client
        .post(
            "/manage/vacancies",
            &form_with(form("Porter", "2099", "yes"), &[], &["employer"]),
        )
        .await;
    let in_programme = client
        .post(
            "/manage/vacancies",
            &form_with(
                form("Porter", "2099", "no"),
                &[("programme", Some(programme.as_str()))],
                &["employer", "personal_adviser"],
            ),
        )
        .await;

    // Assert: refused with a field-level error, and nothing stored.
    for (response, message) in [
        (
            ring_fenced,
            "A vacancy only for people who have been in care must accept every kind of referee. Tick all 4 kinds",
        ),
        (
            in_programme,
            "A vacancy in a programme for care leavers must accept every kind of referee. Tick all 4 kinds",
        ),
    ] {
        assert_eq!(response.status().as_u16(), 200);
        let body = response.text().await.unwrap();
        assert!(text_of(&body, "title").starts_with("Error:"));
        assert_eq!(text_of(&body, ".nhsuk-error-summary__list"), message);
        assert_eq!(
            text_of(
                &body,
                ".nhsuk-error-summary__list a[href='#reference_options']"
            ),
            message
        );
        assert_eq!(
            text_of(&body, "#reference_options-error"),
            format!("Error: {message}")
        );
    }
    assert_eq!(app.count("vacancies").await, 0);
    assert_eq!(app.count("vacancy_criteria").await, 0);

    // A vacancy open to everyone, outside any programme, may still take employers only.
    let open = create_and_publish(
        &client,
        &form_with(form("Open porter", "2099", "no"), &[], &["employer"]),
    )
    .await;
    let stored = vacancy::Entity::find_by_id(open)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.reference_options, "employer");
    // And a ring-fenced one with every kind is stored with every kind, and says so.
    let every = create_and_publish(
        &client,
        &form_with(form("Porter", "2099", "yes"), &[], &EVERY_REFERENCE),
    )
    .await;
    let (_, page) = app.client.page(&format!("/vacancies/{every}")).await;
    assert!(page.contains("A personal adviser or leaving care worker"));
    assert!(page.contains("(a character reference)"));
}

#[tokio::test]
async fn publishing_checks_a_stored_draft_against_the_rules_again() {
    // Arrange: drafts saved before the rules: ring-fenced for employers only, and an
    // apprenticeship without entry requirements.
    let app = spawn_app().await;
    let (_, client) = manager(&app, "Mersey Care NHS FT", "m@example.org").await;
    let narrow = create(&client, "Ring-fenced porter").await;
    let no_requirements = create(&client, "Apprentice without requirements").await;
    for (id, column, value) in [
        (narrow, vacancy::Column::ReferenceOptions, "employer"),
        (no_requirements, vacancy::Column::EntryRequirements, ""),
    ] {
        vacancy::Entity::update_many()
            .col_expr(column, sea_orm::sea_query::Expr::value(value))
            .filter(vacancy::Column::Id.eq(id))
            .exec(&app.db)
            .await
            .unwrap();
    }

    // Act
    let refused_narrow = client
        .post(&format!("/manage/vacancies/{narrow}/publish"), &[])
        .await;
    let refused_empty = client
        .post(&format!("/manage/vacancies/{no_requirements}/publish"), &[])
        .await;

    // Assert: the form is shown again with what must change, and nothing is published.
    for (response, field, message) in [
        (
            refused_narrow,
            "reference_options",
            "A vacancy only for people who have been in care must accept every kind of referee. Tick all 4 kinds",
        ),
        (
            refused_empty,
            "entry_requirements",
            "Enter the entry requirements of the apprenticeship, and the adjustments the programme makes",
        ),
    ] {
        assert_eq!(response.status().as_u16(), 200);
        let body = response.text().await.unwrap();
        assert_eq!(
            text_of(&body, "h1"),
            "Change the vacancy before you publish it"
        );
        assert_eq!(
            text_of(
                &body,
                &format!(".nhsuk-error-summary__list a[href='#{field}']")
            ),
            message
        );
        assert_eq!(
            text_of(&body, &format!("#{field}-error")),
            format!("Error: {message}")
        );
    }
    for id in [narrow, no_requirements] {
        let stored = vacancy::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.status.as_str(), "draft");
        assert_eq!(
            app.client
                .get(&format!("/vacancies/{id}"))
                .await
                .status()
                .as_u16(),
            404
        );
    }
}

#[tokio::test]
async fn an_apprenticeship_states_its_entry_requirements_and_applicants_see_them() {
    // Arrange
    let app = spawn_app().await;
    let (_, client) = manager(&app, "Liverpool Women's NHS FT", "m@example.org").await;

    // Act 1: an apprenticeship without entry requirements.
    let missing = client
        .post(
            "/manage/vacancies",
            &form_with(
                form("Maternity support apprentice", "2099", "yes"),
                &[("entry_requirements", Some("  \r\n "))],
                &EVERY_REFERENCE,
            ),
        )
        .await;

    // Assert 1: a field-level error; nothing stored.
    assert_eq!(missing.status().as_u16(), 200);
    let body = missing.text().await.unwrap();
    let message = "Enter the entry requirements of the apprenticeship, and the adjustments the programme makes";
    assert_eq!(
        text_of(
            &body,
            ".nhsuk-error-summary__list a[href='#entry_requirements']"
        ),
        message
    );
    assert_eq!(
        text_of(&body, "#entry_requirements-error"),
        format!("Error: {message}")
    );
    assert_eq!(app.count("vacancies").await, 0);

    // Act 2: with them, typed with a browser's line breaks.
    let id = create_and_publish(
        &client,
        &form("Maternity support apprentice", "2099", "yes"),
    )
    .await;

    // Assert 2: stored with plain line breaks, shown to applicants and in the preview.
    let stored = vacancy::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.entry_requirements,
        "No GCSEs needed.\nYou can take Functional Skills English and maths during the apprenticeship."
    );
    let (_, public) = app.client.page(&format!("/vacancies/{id}")).await;
    let (_, preview) = client.page(&format!("/manage/vacancies/{id}")).await;
    for page in [&public, &preview] {
        assert!(page.contains("<h2>Entry requirements</h2>"), "{page}");
        assert!(page.contains("<p>No GCSEs needed.</p>"));
        assert!(page.contains(
            "<p>You can take Functional Skills English and maths during the apprenticeship.</p>"
        ));
    }
    let (_, edit_form) = client
        .page(&format!(
            "/manage/vacancies/{}/edit",
            create(&client, "Draft").await
        ))
        .await;
    assert!(edit_form.contains("Entry requirements (apprenticeships only)"));

    // Act 3: a job, with entry requirements typed before the kind was changed.
    let job = create_and_publish(
        &client,
        &form_with(
            form("Porter", "2099", "yes"),
            &[("kind", Some("job"))],
            &EVERY_REFERENCE,
        ),
    )
    .await;

    // Assert 3: other kinds have none.
    let stored = vacancy::Entity::find_by_id(job)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.entry_requirements, "");
    let (_, public) = app.client.page(&format!("/vacancies/{job}")).await;
    assert!(!public.contains("Entry requirements"));
}

#[tokio::test]
async fn the_list_can_be_filtered_to_apprenticeships() {
    // Arrange
    let app = spawn_app().await;
    let (_, client) = manager(
        &app,
        "The Clatterbridge Cancer Centre NHS FT",
        "m@example.org",
    )
    .await;
    create_and_publish(&client, &form("Pharmacy apprentice", "2099", "yes")).await;
    create_and_publish(
        &client,
        &form_with(
            form("Ward clerk", "2099", "yes"),
            &[("kind", Some("job"))],
            &EVERY_REFERENCE,
        ),
    )
    .await;
    create_and_publish(
        &client,
        &form_with(
            form("Summer placement", "2099", "yes"),
            &[("kind", Some("placement"))],
            &EVERY_REFERENCE,
        ),
    )
    .await;

    // Act
    let (_, all) = app.client.page("/vacancies").await;
    let (_, apprenticeships) = app.client.page("/vacancies?kind=apprenticeship").await;

    // Assert: the filter is offered in plain words, and keeps apprenticeships only.
    assert!(all.contains("3 vacancies are open"));
    assert!(
        all.contains("<a href=\"/vacancies?kind=apprenticeship\">Show only apprenticeships</a>")
    );
    assert!(all.contains("<option value=\"apprenticeship\">Apprenticeships</option>"));
    assert!(apprenticeships.contains("1 vacancy is open"));
    assert!(apprenticeships.contains("Pharmacy apprentice"));
    assert!(
        !apprenticeships.contains("Ward clerk") && !apprenticeships.contains("Summer placement")
    );
    assert!(
        apprenticeships
            .contains("<option value=\"apprenticeship\" selected>Apprenticeships</option>")
    );
    assert!(apprenticeships.contains("You are seeing apprenticeships only"));
}

#[tokio::test]
async fn the_migration_widens_stored_care_leaver_vacancies_to_every_kind_of_referee() {
    // Arrange: vacancies stored before the rule, taking employers only.
    let app = spawn_app().await;
    let (_, client) = manager(&app, "Mersey Care NHS FT", "m@example.org").await;
    let ring_fenced_draft = create(&client, "Ring-fenced draft").await;
    let ring_fenced_published =
        create_and_publish(&client, &form("Ring-fenced", "2099", "yes")).await;
    let open_to_all = create_and_publish(&client, &form("Open to all", "2099", "no")).await;
    let in_programme = create_and_publish(&client, &form("In a programme", "2099", "no")).await;
    let programme = programme(&app).await;
    vacancy::Entity::update_many()
        .col_expr(
            vacancy::Column::ProgrammeId,
            sea_orm::sea_query::Expr::value(Some(programme)),
        )
        .filter(vacancy::Column::Id.eq(in_programme))
        .exec(&app.db)
        .await
        .unwrap();
    vacancy::Entity::update_many()
        .col_expr(
            vacancy::Column::ReferenceOptions,
            sea_orm::sea_query::Expr::value("employer"),
        )
        .exec(&app.db)
        .await
        .unwrap();

    // Act: the migration runs again (it only widens, so it may).
    let widen = migration::Migrator::migrations()
        .into_iter()
        .find(|m| m.name() == "m20261201_000019_flexible_references_for_care_leavers")
        .expect("the migration is registered");
    widen.up(&SchemaManager::new(&app.db)).await.unwrap();

    // Assert
    for (id, expected) in [
        (
            ring_fenced_draft,
            "employer,personal_adviser,education_or_community,character",
        ),
        (
            ring_fenced_published,
            "employer,personal_adviser,education_or_community,character",
        ),
        (
            in_programme,
            "employer,personal_adviser,education_or_community,character",
        ),
        (open_to_all, "employer"),
    ] {
        let stored = vacancy::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.reference_options, expected, "{}", stored.title);
    }
}

#[tokio::test]
async fn paragraphs_typed_in_a_browser_stay_paragraphs_on_the_preview_and_the_advert() {
    // Arrange
    let app = spawn_app().await;
    let (_, client) = manager(&app, "Mersey Care NHS FT", "paragraphs@example.org").await;

    // Act: a browser sends the blank line between paragraphs as \r\n\r\n.
    let id = create_and_publish(
        &client,
        &form_with(
            form("Porter", "2099", "no"),
            &[(
                "description",
                Some("You will move patients safely.\r\n\r\nYou will join a friendly team."),
            )],
            &["employer"],
        ),
    )
    .await;

    // Assert: stored with \n only, and two paragraphs wherever it is shown.
    let stored = vacancy::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.description,
        "You will move patients safely.\n\nYou will join a friendly team."
    );
    let (_, preview) = client.page(&format!("/manage/vacancies/{id}")).await;
    let (_, advert) = app.client.page(&format!("/vacancies/{id}")).await;
    for page in [preview, advert] {
        assert!(
            page.contains("<p>You will move patients safely.</p>"),
            "{page}"
        );
        assert!(page.contains("<p>You will join a friendly team.</p>"));
    }
}

#[tokio::test]
async fn applicants_are_told_what_a_programme_is_and_the_filter_reads_plainly() {
    // Arrange
    let app = spawn_app().await;
    let (_, client) = manager(&app, "Alder Hey Children's NHS FT", "prog@example.org").await;
    let programme = programme(&app).await.to_string();
    let id = create_and_publish(
        &client,
        &form_with(
            form("Porter", "2099", "yes"),
            &[("programme", Some(programme.as_str()))],
            &EVERY_REFERENCE,
        ),
    )
    .await;

    // Act
    let (_, advert) = app.client.page(&format!("/vacancies/{id}")).await;
    let (_, list) = app.client.page("/vacancies").await;

    // Assert
    assert!(advert.contains("The SPECTRA 25/7 programme"));
    assert!(advert.contains("Recruit 25 care leavers."));
    assert!(!advert.contains(">Programme<"));
    let filter = text_of(&list, "#ring_fenced");
    assert_eq!(
        filter,
        "All jobs Only jobs for people who have been in care Only jobs open to everyone"
    );
}

// ---------------------------------------------------------------------------------------------
// Issue 12, points 7 and 8: closing asks first and can be undone before shortlisting starts; a
// published vacancy changes within limits, audited, and applicants are told of a new closing
// date.
// ---------------------------------------------------------------------------------------------

mod after_publishing {
    use sea_orm::EntityTrait;
    use spectra::domain::Role;
    use spectra::domain::london_time;
    use spectra::entities::vacancy;
    use time::{Duration, OffsetDateTime};

    use crate::applications::{Posted, applicant, expect_redirect, post_vacancy, start, stored};
    use crate::helpers::{Client, PASSWORD, TestApp, spawn_app, text_of};
    use crate::shortlisting::{audited, decide, finals, lead, sent};

    async fn stored_vacancy(app: &TestApp, id: i32) -> vacancy::Model {
        vacancy::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
    }

    /// A published vacancy with one unfinished application and one sent.
    async fn with_applicants(app: &TestApp, title: &str) -> (Posted, i32, i32) {
        let v = post_vacancy(app, title, false).await;
        let (_, drafting) = applicant(app, "drafting@example.org", "no").await;
        let draft = start(&drafting, v.id).await;
        let sent = sent(app, &v, "sent@example.org", "no", None).await;
        (v, draft, sent)
    }

    /// A manager of another organisation, signed in.
    async fn outsider(app: &TestApp) -> Client {
        let org = app.create_organisation("Mersey Care NHS FT").await;
        app.create_user("outsider@nhs.net", &[Role::HiringManager], Some(org))
            .await;
        let client = app.new_client();
        client.sign_in("outsider@nhs.net", PASSWORD).await;
        client
    }

    /// The form exactly as `post_vacancy` stored the vacancy, with `changes` applied.
    fn form_as_stored(v: &vacancy::Model, changes: &[(&str, &str)]) -> Vec<(String, String)> {
        let local = london_time::from_utc(v.closes_at);
        let mut fields: Vec<(String, String)> = [
            ("title", v.title.clone()),
            ("kind", v.kind.as_str().to_owned()),
            ("band", v.band.clone()),
            ("working_pattern", v.working_pattern.clone()),
            ("salary", v.salary.clone()),
            ("location", v.location.clone()),
            ("positions", v.positions.to_string()),
            ("closes_day", local.day().to_string()),
            ("closes_month", u8::from(local.month()).to_string()),
            ("closes_year", local.year().to_string()),
            (
                "closes_time",
                format!("{:02}:{:02}", local.hour(), local.minute()),
            ),
            (
                "ring_fenced",
                if v.ring_fenced { "yes" } else { "no" }.into(),
            ),
            ("summary", v.summary.clone()),
            ("description", v.description.clone()),
            ("entry_requirements", v.entry_requirements.clone()),
            (
                "essential_criteria",
                "Kind to people\r\nWilling to learn".into(),
            ),
            ("desirable_criteria", "Some caring experience".into()),
            ("contact_name", v.contact_name.clone()),
            ("contact_role", v.contact_role.clone()),
            ("contact_email", v.contact_email.clone()),
            ("contact_phone", v.contact_phone.clone()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        for (key, value) in changes {
            if let Some(field) = fields.iter_mut().find(|(k, _)| k == key) {
                field.1 = (*value).to_owned();
            }
        }
        for r in super::EVERY_REFERENCE {
            fields.push(("reference_options".into(), r.into()));
        }
        fields
    }

    async fn post_owned(
        client: &Client,
        path: &str,
        fields: &[(String, String)],
    ) -> reqwest::Response {
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        client.post(path, &pairs).await
    }

    #[tokio::test]
    async fn closing_asks_first_says_whom_it_affects_and_only_the_confirmation_closes() {
        // Arrange
        let app = spawn_app().await;
        let (v, _, _) = with_applicants(&app, "Porter").await;
        let manager = lead(&app, &v).await;
        let path = format!("/manage/vacancies/{}/close", v.id);

        // Act: the vacancy page links to the confirmation; the confirmation page.
        let (_, page) = manager.page(&format!("/manage/vacancies/{}", v.id)).await;
        let (status, confirm) = manager.page(&path).await;

        // Assert: it says what will happen and to whom, and nothing has happened.
        assert!(
            page.contains(&format!("href=\"{path}\"")),
            "a link, not a form"
        );
        assert!(!page.contains(&format!("action=\"{path}\"")));
        assert_eq!(status, 200);
        let what = text_of(&confirm, "#what-happens");
        assert!(
            what.contains("No one can start or send an application."),
            "{what}"
        );
        assert!(
            what.contains("1 person with an unfinished application will not be able to send it."),
            "{what}"
        );
        assert!(
            what.contains("The 1 application already sent is kept."),
            "{what}"
        );
        assert!(what.contains("Shortlisting can start"), "{what}");
        assert!(confirm.contains("you can reopen it"));
        assert_eq!(
            stored_vacancy(&app, v.id).await.status.as_str(),
            "published"
        );
        assert!(audited(&app, "vacancy_closed").await.is_empty());

        // Another organisation's manager gets nothing and changes nothing.
        let other = outsider(&app).await;
        assert_eq!(other.get(&path).await.status().as_u16(), 404);
        assert_eq!(other.post(&path, &[]).await.status().as_u16(), 404);
        assert_eq!(
            stored_vacancy(&app, v.id).await.status.as_str(),
            "published"
        );

        // Act: confirm, then press again.
        expect_redirect(
            manager.post(&path, &[]).await,
            &format!("/manage/vacancies/{}", v.id),
        )
        .await;
        let again = manager.post(&path, &[]).await;

        // Assert: closed once, audited once with whom it affected; the second press is harmless.
        assert_eq!(again.status().as_u16(), 303);
        assert_eq!(stored_vacancy(&app, v.id).await.status.as_str(), "closed");
        let closed = audited(&app, "vacancy_closed").await;
        assert_eq!(closed.len(), 1);
        assert!(closed[0].details.contains("\"unfinished_applications\":1"));
        assert!(closed[0].details.contains("\"sent_applications\":1"));
        let (_, after) = manager.page(&format!("/manage/vacancies/{}", v.id)).await;
        assert!(
            after.contains("had already closed"),
            "the second press is explained"
        );
        assert!(after.contains("Reopen the vacancy"));
    }

    #[tokio::test]
    async fn a_vacancy_closed_by_mistake_reopens_before_shortlisting_and_those_who_started_are_told()
     {
        // Arrange: closed early, with one unfinished application and one sent.
        let app = spawn_app().await;
        let (v, draft, sent_id) = with_applicants(&app, "Ward clerk").await;
        let manager = lead(&app, &v).await;
        let close = format!("/manage/vacancies/{}/close", v.id);
        let reopen = format!("/manage/vacancies/{}/reopen", v.id);
        manager.post(&close, &[]).await;
        let outbox_before = app.count("outbox_messages").await;

        // Act: the reopen page; a date in the past; another organisation.
        let (status, page) = manager.page(&reopen).await;
        let past = manager
            .post(
                &reopen,
                &[
                    ("closes_day", "1"),
                    ("closes_month", "1"),
                    ("closes_year", "2020"),
                    ("closes_time", "12:00"),
                ],
            )
            .await;
        let other = outsider(&app).await;
        let hijack = other
            .post(
                &reopen,
                &[
                    ("closes_day", "1"),
                    ("closes_month", "1"),
                    ("closes_year", "2099"),
                ],
            )
            .await;

        // Assert: who will be told is said first; nothing changed yet.
        assert_eq!(status, 200);
        let told = text_of(&page, "#who-is-told");
        assert!(
            told.contains("1 person with an unfinished application and 1 person who sent theirs"),
            "{told}"
        );
        assert_eq!(past.status().as_u16(), 200);
        assert!(
            text_of(&past.text().await.unwrap(), ".nhsuk-error-summary")
                .contains("Closing date must be in the future")
        );
        assert_eq!(other.get(&reopen).await.status().as_u16(), 404);
        assert_eq!(hijack.status().as_u16(), 404);
        assert_eq!(stored_vacancy(&app, v.id).await.status.as_str(), "closed");
        assert_eq!(app.count("outbox_messages").await, outbox_before);

        // Act: reopen until a future date.
        let until = london_time::from_utc(OffsetDateTime::now_utc() + Duration::days(10));
        let (day, month, year) = (
            until.day().to_string(),
            u8::from(until.month()).to_string(),
            until.year().to_string(),
        );
        let fields = [
            ("closes_day", day.as_str()),
            ("closes_month", month.as_str()),
            ("closes_year", year.as_str()),
            ("closes_time", "17:00"),
        ];
        expect_redirect(
            manager.post(&reopen, &fields).await,
            &format!("/manage/vacancies/{}", v.id),
        )
        .await;
        let again = manager.post(&reopen, &fields).await;

        // Assert: open again, audited once, both people emailed once; the second press is harmless.
        assert_eq!(again.status().as_u16(), 303);
        let reopened = stored_vacancy(&app, v.id).await;
        assert_eq!(reopened.status.as_str(), "published");
        assert!(reopened.closes_at > OffsetDateTime::now_utc());
        assert_eq!(audited(&app, "vacancy_reopened").await.len(), 1);
        assert_eq!(app.count("outbox_messages").await, outbox_before + 2);
        let unfinished = app
            .wait_for_email("drafting@example.org", "open for applications again")
            .await;
        assert!(
            unfinished.text.contains("finish and send it"),
            "{}",
            unfinished.text
        );
        assert!(unfinished.text.contains(&format!("/applications/{draft}")));
        let sent_email = app
            .wait_for_email("sent@example.org", "open for applications again")
            .await;
        assert!(sent_email.text.contains("You do not need to do anything"));
        assert!(
            sent_email
                .text
                .contains(&format!("/applications/{sent_id}"))
        );

        // Once the panel has made a decision, it cannot reopen.
        manager.post(&close, &[]).await;
        finals(&manager, &v, sent_id, ["2", "2", "1"]).await;
        expect_redirect(
            decide(&manager, &v, sent_id, "invite", "").await,
            &format!("/shortlisting/{}", v.id),
        )
        .await;
        let (_, page) = manager.page(&format!("/manage/vacancies/{}", v.id)).await;
        assert!(!page.contains("Reopen the vacancy"));
        assert_eq!(manager.get(&reopen).await.status().as_u16(), 400);
        let refused = manager.post(&reopen, &fields).await;
        assert_eq!(refused.status().as_u16(), 400);
        assert!(
            refused
                .text()
                .await
                .unwrap()
                .contains("Shortlisting has started")
        );
        assert_eq!(stored_vacancy(&app, v.id).await.status.as_str(), "closed");
        assert_eq!(audited(&app, "vacancy_reopened").await.len(), 1);
        assert_eq!(stored(&app, draft).await.stage.as_str(), "draft");
    }

    #[tokio::test]
    async fn a_published_vacancy_changes_its_words_and_a_later_closing_date_and_applicants_are_told()
     {
        // Arrange
        let app = spawn_app().await;
        let (v, draft, sent_id) = with_applicants(&app, "Porter").await;
        let manager = lead(&app, &v).await;
        let before = stored_vacancy(&app, v.id).await;
        let path = format!("/manage/vacancies/{}", v.id);

        // Act: the form as it is, with no change.
        let (status, edit) = manager.page(&format!("{path}/edit")).await;
        let unchanged = post_owned(&manager, &path, &form_as_stored(&before, &[])).await;

        // Assert: allowed, and nothing recorded or sent.
        assert_eq!(status, 200);
        assert!(edit.contains("This vacancy is published"));
        expect_redirect(unchanged, &path).await;
        assert_eq!(stored_vacancy(&app, v.id).await, before);
        assert!(audited(&app, "vacancy_changed").await.is_empty());
        let outbox_before = app.count("outbox_messages").await;

        // Act: fix a typo, change the contact's phone and move the closing date a week later.
        let later = london_time::from_utc(before.closes_at + Duration::days(7));
        let (day, month, year) = (
            later.day().to_string(),
            u8::from(later.month()).to_string(),
            later.year().to_string(),
        );
        let response = post_owned(
            &manager,
            &path,
            &form_as_stored(
                &before,
                &[
                    ("title", "Hospital porter"),
                    ("contact_phone", "0151 228 4812"),
                    ("closes_day", &day),
                    ("closes_month", &month),
                    ("closes_year", &year),
                ],
            ),
        )
        .await;

        // Assert: saved, audited with what changed, and both people who started are emailed.
        expect_redirect(response, &path).await;
        let after = stored_vacancy(&app, v.id).await;
        assert_eq!(
            (after.title.as_str(), after.contact_phone.as_str()),
            ("Hospital porter", "0151 228 4812")
        );
        assert!(after.closes_at > before.closes_at + Duration::days(6));
        let changed = audited(&app, "vacancy_changed").await;
        assert_eq!(changed.len(), 1);
        for field in ["Job title", "Contact's phone number", "Closing date"] {
            assert!(changed[0].details.contains(field), "{}", changed[0].details);
        }
        assert!(changed[0].details.contains("\"applicants_told\":2"));
        assert_eq!(app.count("outbox_messages").await, outbox_before + 2);
        let email = app
            .wait_for_email("drafting@example.org", "Hospital porter now closes later")
            .await;
        assert!(email.text.contains(&london_time::describe(after.closes_at)));
        assert!(email.text.contains(&format!("/applications/{draft}")));
        app.wait_for_email("sent@example.org", "now closes later")
            .await;
        let (_, page) = manager.page(&path).await;
        assert!(page.contains("Changes saved: Job title"));
        assert!(page.contains("have been emailed the new closing date"));
        assert_eq!(stored(&app, sent_id).await.stage.as_str(), "submitted");

        // The public page shows the new title.
        let (_, public) = app.new_client().page(&format!("/vacancies/{}", v.id)).await;
        assert!(public.contains("Hospital porter"));
    }

    #[tokio::test]
    async fn criteria_who_can_apply_and_an_earlier_closing_date_are_refused_field_by_field() {
        // Arrange
        let app = spawn_app().await;
        let (v, _, _) = with_applicants(&app, "Domestic assistant").await;
        let manager = lead(&app, &v).await;
        let before = stored_vacancy(&app, v.id).await;
        let path = format!("/manage/vacancies/{}", v.id);
        let earlier = london_time::from_utc(before.closes_at - Duration::days(3));
        let (day, month, year) = (
            earlier.day().to_string(),
            u8::from(earlier.month()).to_string(),
            earlier.year().to_string(),
        );
        let outbox_before = app.count("outbox_messages").await;

        // Act: a new title with changes the rule refuses.
        let response = post_owned(
            &manager,
            &path,
            &form_as_stored(
                &before,
                &[
                    ("title", "Renamed"),
                    (
                        "essential_criteria",
                        "Kind to people\r\nHas a driving licence",
                    ),
                    ("ring_fenced", "yes"),
                    ("kind", "job"),
                    ("closes_day", &day),
                    ("closes_month", &month),
                    ("closes_year", &year),
                ],
            ),
        )
        .await;

        // Assert: each refused field is named, what was typed is kept, nothing is stored.
        assert_eq!(response.status().as_u16(), 200);
        let body = response.text().await.unwrap();
        let summary = text_of(&body, ".nhsuk-error-summary");
        for expected in [
            "The essential criteria cannot change once the vacancy is published",
            "stays open to everyone",
            "The type of post cannot change",
            "The closing date can only move later",
        ] {
            assert!(
                summary.contains(expected),
                "{expected} missing from {summary}"
            );
        }
        for field in ["essential_criteria", "ring_fenced", "kind", "closes_day"] {
            assert!(body.contains(&format!("id=\"{field}-error\"")), "{field}");
        }
        assert!(body.contains("value=\"Renamed\""), "what was typed is kept");
        assert_eq!(stored_vacancy(&app, v.id).await, before);
        assert!(audited(&app, "vacancy_changed").await.is_empty());
        assert_eq!(app.count("outbox_messages").await, outbox_before);
        assert_eq!(app.count("vacancy_criteria").await, 3);

        // Another organisation's manager cannot change it at all.
        let other = outsider(&app).await;
        let hijack = post_owned(
            &other,
            &path,
            &form_as_stored(&before, &[("title", "Hijacked")]),
        )
        .await;
        assert_eq!(hijack.status().as_u16(), 404);
        assert_eq!(stored_vacancy(&app, v.id).await.title, "Domestic assistant");

        // Once it has closed, it is not changed (it can be reopened instead).
        manager.post(&format!("{path}/close"), &[]).await;
        let closed = post_owned(
            &manager,
            &path,
            &form_as_stored(&before, &[("title", "Too late")]),
        )
        .await;
        assert_eq!(closed.status().as_u16(), 400);
        assert_eq!(stored_vacancy(&app, v.id).await.title, "Domestic assistant");
    }
}
