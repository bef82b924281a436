//! The champion's dashboard: the funnel, guaranteed-interview compliance with its breaches,
//! retention figures computed from employment records, the drill-down lists, the exports with
//! small numbers suppressed and audited, the filters, and who may see any of it.

use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use spectra::db::employment::{self, NewEmployment};
use spectra::domain::Role;
use spectra::domain::employment::Route;
use spectra::entities::employment_record;
use time::{Duration, OffsetDateTime};

use crate::applications::{Posted, expect_redirect, post_vacancy, stored};
use crate::helpers::{Client, PASSWORD, TestApp, spawn_app, text_of};
use crate::interviews::{applicant_client, invited_pair};
use crate::shortlisting::{audited, lead};

async fn champion(app: &TestApp) -> Client {
    app.create_user("champion@nhs.net", &[Role::Champion], None)
        .await;
    let client = app.new_client();
    client.sign_in("champion@nhs.net", PASSWORD).await;
    client
}

/// Today's date in London, as the dashboard counts it.
fn today() -> time::Date {
    OffsetDateTime::now_utc().date()
}

/// A person who started `days_ago` days ago at `organisation_id`, ending (left or moved)
/// `ended_after` days after starting.
async fn hire(app: &TestApp, organisation_id: i32, days_ago: i64, end: Option<(i64, &str)>) -> i32 {
    let start = today() - Duration::days(days_ago);
    let record = employment::start(
        &app.db,
        &NewEmployment {
            application_id: None,
            user_id: None,
            organisation_id,
            programme_id: None,
            role: "Porter".into(),
            band: "2".into(),
            staff_group: "Estates and Ancillary".into(),
            start_date: start,
            apprenticeship: false,
            route: Route::Spectra,
            assignment_number: None,
        },
    )
    .await
    .unwrap();
    if let Some((after, kind)) = end {
        employment_record::ActiveModel {
            id: Set(record.id),
            end_date: Set(Some(start + Duration::days(after))),
            end_kind: Set(Some(kind.to_owned())),
            leaving_reason: Set((kind == "left").then(|| "vr_relocation".to_owned())),
            ..Default::default()
        }
        .update(&app.db)
        .await
        .unwrap();
    }
    record.id
}

/// A vacancy with two qualifying applications, both invited; the second withdraws before its
/// interview: a breach of the guarantee.
async fn vacancy_with_a_breach(app: &TestApp) -> (Posted, [i32; 2]) {
    let v = post_vacancy(app, "Porter apprentice", false).await;
    let lead = lead(app, &v).await;
    let [first, second] = invited_pair(app, &v, &lead).await;
    let client = applicant_client(app, "second@example.org").await;
    expect_redirect(
        client
            .post(
                &format!("/applications/{second}/withdraw"),
                &[("reason", "I found another job")],
            )
            .await,
        &format!("/applications/{second}"),
    )
    .await;
    assert_eq!(stored(app, second).await.stage, "withdrawn");
    (v, [first, second])
}

#[tokio::test]
async fn the_champion_sees_the_funnel_and_every_breach_of_the_guarantee() {
    // Arrange
    let app = spawn_app().await;
    let (_, [first, second]) = vacancy_with_a_breach(&app).await;
    let champion = champion(&app).await;

    // Act
    let (status, page) = champion.page("/champion").await;

    // Assert: two sent, both shortlisted; both qualified, one still to be interviewed, one a
    // breach listed by its reference with what happened.
    assert_eq!(status, 200);
    let funnel = text_of(&page, "table");
    assert!(
        funnel.contains("Trust for Porter apprentice: No programme"),
        "{funnel}"
    );
    assert!(funnel.contains("Sent 2"), "{funnel}");
    assert!(funnel.contains("Shortlisted 2"), "{funnel}");
    assert!(funnel.contains("(100%)"), "{funnel}");
    let compliance = text_of(&page, ".nhsuk-summary-list");
    assert!(
        compliance.contains("Opted in and met every essential criterion 2"),
        "{compliance}"
    );
    assert!(
        compliance.contains("Invited to interview 2 (100%)"),
        "{compliance}"
    );
    assert!(
        compliance.contains("Interview still to come 1"),
        "{compliance}"
    );
    assert!(page.contains("1 breach"));
    let breaches = text_of(&page, "#guaranteed-interviews ~ table");
    assert!(
        breaches.contains(&spectra::domain::application::reference(second)),
        "{breaches}"
    );
    assert!(breaches.contains("Invited, then withdrew before the interview"));
    assert!(!breaches.contains(&spectra::domain::application::reference(first)));

    // The figure links to the references behind it.
    let (status, list) = champion.page("/champion/list?compliance=qualifying").await;
    assert_eq!(status, 200);
    let rows = text_of(&list, "table");
    assert!(rows.contains(&spectra::domain::application::reference(first)));
    assert!(rows.contains("Interview to come"));
    assert!(rows.contains("Not interviewed: a breach"));
    // References only: no applicant's name or email.
    assert!(!list.contains("Applicant second") && !list.contains("second@example.org"));
    let (_, sent_list) = champion.page("/champion/list?stage=submitted").await;
    assert_eq!(
        text_of(&sent_list, "caption"),
        "2 records",
        "the drill-down lists both sent applications"
    );
}

#[tokio::test]
async fn retention_is_measured_from_the_employment_records() {
    // Arrange: four people who started 400 days ago: one left after 100 days, one moved to
    // another NHS organisation after 200, two are still in post.
    let app = spawn_app().await;
    let org = app.create_organisation("Walton Test Trust").await;
    hire(&app, org, 400, Some((100, "left"))).await;
    hire(&app, org, 400, Some((200, "moved"))).await;
    hire(&app, org, 400, None).await;
    hire(&app, org, 400, None).await;
    let champion = champion(&app).await;

    // Act
    let (_, page) = champion.page("/champion").await;

    // Assert: the Kaplan–Meier figures worked by hand. At day 100, 4 at risk and 1 leaves:
    // S = 3/4. The mover is censored at 200. At 365 days two are still followed: 75%. Nobody
    // reaches 730 days. Leaver rate: 1 leaver; headcount 4 a year ago and 2 now: 1/3.
    let retention = text_of(&page, "#retention ~ .nhsuk-summary-list");
    for expected in [
        "Still in post after 3 months 100.0%",
        "Still in post after 6 months 75.0%",
        "Still in post after 12 months 75.0%",
        "Still in post after 24 months No one has been in post that long yet",
        "Leaver rate in the last 12 months 33.3% (1 leaver; average headcount of 4 and 2)",
        "16.2%",
        "10.8%",
    ] {
        assert!(
            retention.contains(expected),
            "{expected} missing from {retention}"
        );
    }
    assert!(page.contains("4 people started"));
    assert!(page.contains("2 still in post"));
    assert!(page.contains("1 left"));
    assert!(page.contains("1 moved to another NHS organisation"));
    // The chart is drawn on the server, and its data is in a table beside it.
    assert!(page.contains("<svg"));
    let curve = text_of(&page, "figure ~ table tbody");
    assert!(curve.contains("Days since starting 100"), "{curve}");
    assert!(curve.contains("Still being followed 4"), "{curve}");
    assert!(curve.contains("Still in post 75.0%"), "{curve}");

    // The list behind "1 left" names the record by reference.
    let (_, list) = champion.page("/champion/list?employment=left").await;
    assert_eq!(text_of(&list, "caption"), "1 record");
    assert!(text_of(&list, "tbody").contains("E-0"));
}

#[tokio::test]
async fn exports_suppress_small_numbers_and_are_audited() {
    // Arrange
    let app = spawn_app().await;
    vacancy_with_a_breach(&app).await;
    let org = app.create_organisation("Walton Test Trust").await;
    for _ in 0..6 {
        hire(&app, org, 500, None).await;
    }
    let champion = champion(&app).await;

    // Act
    let funnel = champion.get("/champion/export/funnel.csv").await;
    assert_eq!(funnel.status().as_u16(), 200);
    assert!(
        funnel.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let funnel = funnel.text().await.unwrap();
    let retention = champion
        .get("/champion/export/retention.csv")
        .await
        .text()
        .await
        .unwrap();

    // Assert: counts under 5 show as "<5"; 6 people in post are shown.
    assert!(
        funnel.starts_with("organisation,programme,sent,shortlisted,interviewed,offered,started")
    );
    assert!(
        funnel.contains("Trust for Porter apprentice,No programme,<5,<5,<5,<5,<5"),
        "{funnel}"
    );
    assert!(!funnel.contains(",2,"), "{funnel}");
    assert!(
        retention.contains("organisation,Walton Test Trust,6,6,<5,<5,"),
        "{retention}"
    );
    assert!(
        !retention.contains(",0,"),
        "a zero is a count under 5: {retention}"
    );

    // One more person, at an organisation whose name a spreadsheet would run as a formula.
    let hostile = app.create_organisation("=HYPERLINK(\"http://x\")").await;
    hire(&app, hostile, 100, None).await;
    let retention = champion
        .get("/champion/export/retention.csv")
        .await
        .text()
        .await
        .unwrap();
    // The formula is written so that a spreadsheet shows it, not runs it.
    assert!(
        retention.contains("organisation,\"'=HYPERLINK(\"\"http://x\"\")\",<5,"),
        "{retention}"
    );
    // Secondary suppression: with the total of 7 shown, the 6 would reveal the 1, so it is
    // hidden too.
    assert!(
        retention.contains("organisation,Walton Test Trust,<5,<5,"),
        "{retention}"
    );
    assert!(
        retention.contains("organisation,Everyone,7,7,"),
        "{retention}"
    );
    // Each export is audited, with the filters and never personal data.
    let events = audited(&app, "report_exported").await;
    let subjects: Vec<&str> = events.iter().map(|e| e.subject.as_str()).collect();
    assert_eq!(
        subjects,
        [
            "dashboard:funnel",
            "dashboard:retention",
            "dashboard:retention"
        ]
    );
    assert!(events.iter().all(|e| !e.details.contains('@')));
    // An unknown table is not found.
    assert_eq!(
        champion
            .get("/champion/export/users.csv")
            .await
            .status()
            .as_u16(),
        404
    );
}

#[tokio::test]
async fn filters_narrow_the_figures_and_bad_filters_are_explained() {
    // Arrange
    let app = spawn_app().await;
    let (v, _) = vacancy_with_a_breach(&app).await;
    let other = app.create_organisation("Another Trust").await;
    let champion = champion(&app).await;

    // Act / Assert: another organisation has nothing.
    let (_, page) = champion
        .page(&format!("/champion?organisation={other}"))
        .await;
    assert!(page.contains("No applications were sent in the period."));
    assert!(page.contains("No breaches"));
    // The vacancy's own organisation has the breach.
    let (_, page) = champion
        .page(&format!("/champion?organisation={}", v.organisation_id))
        .await;
    assert!(page.contains("1 breach"));
    // A period that ended before anything was sent.
    let (_, page) = champion.page("/champion?to=2020-01-01").await;
    assert!(page.contains("No applications were sent in the period."));

    // Bad filters: each explained against its field, and no figures.
    let (status, page) = champion
        .page("/champion?organisation=abc&from=2026-13-01&to=2020-01-01")
        .await;
    assert_eq!(status, 200);
    let summary = text_of(&page, ".nhsuk-error-summary");
    assert!(
        summary.contains("Choose an organisation from the list"),
        "{summary}"
    );
    assert!(
        summary.contains("Enter the first day as a real date"),
        "{summary}"
    );
    assert!(!page.contains("From application to starting work"));
    let (_, page) = champion
        .page("/champion?from=2021-01-01&to=2020-01-01")
        .await;
    assert!(
        text_of(&page, ".nhsuk-error-summary")
            .contains("The last day must be the same as or after the first day")
    );
}

#[tokio::test]
async fn only_the_champion_and_administrators_see_the_dashboard() {
    let app = spawn_app().await;
    let org = app.create_organisation("Some Trust").await;
    let paths = [
        "/champion",
        "/champion/list?stage=submitted",
        "/champion/export/funnel.csv",
        "/champion/export/retention.csv",
    ];
    for (email, role) in [
        ("applicant@example.org", Role::Applicant),
        ("manager@nhs.net", Role::HiringManager),
        ("coordinator@nhs.net", Role::Coordinator),
        ("mentor@nhs.net", Role::Mentor),
    ] {
        app.create_user(email, &[role], Some(org)).await;
        let client = app.new_client();
        client.sign_in(email, PASSWORD).await;
        for path in paths {
            let response = client.get(path).await;
            assert_eq!(response.status().as_u16(), 403, "{email} reached {path}");
        }
    }
    let anonymous = app.new_client();
    for path in paths {
        let response = anonymous.get(path).await;
        assert_eq!(response.status().as_u16(), 303, "anonymous reached {path}");
        assert!(
            response.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/login"),
            "{path}"
        );
    }
    app.create_user("admin@nhs.net", &[Role::Admin], None).await;
    let admin = app.new_client();
    admin.sign_in("admin@nhs.net", PASSWORD).await;
    for path in paths {
        assert_eq!(
            admin.get(path).await.status().as_u16(),
            200,
            "admin: {path}"
        );
    }
    // Nothing was exported by those refused: only the administrator's downloads are audited.
    assert_eq!(audited(&app, "report_exported").await.len(), 2);
}

#[tokio::test]
async fn the_champion_lands_on_the_dashboard_after_signing_in() {
    let app = spawn_app().await;
    app.create_user("champion@nhs.net", &[Role::Champion], None)
        .await;
    let client = app.new_client();
    let response = client
        .post(
            "/login",
            &[("email", "champion@nhs.net"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"], "/champion");
}
