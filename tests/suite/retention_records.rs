//! Retention records a manager can trust (issue 21, point 3): managers see the names and ESR
//! assignment numbers of their own organisation's hires; records from an ESR extract are the
//! champion's only; a leaving date is confirmed before it closes anything; a wrong leaving date
//! or checkpoint is corrected with a reason, audited.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, TransactionTrait};
use spectra::config::Config;
use spectra::db::employment::{self, NewEmployment};
use spectra::domain::Role;
use spectra::domain::employment::{Route, add_months};
use spectra::entities::{audit_event, employment_checkpoint, employment_record, user};
use spectra::services::retention::{self, long_date, reference};
use time::{Date, Duration};

use crate::helpers::{Client, PASSWORD, TestApp, location, spawn_app, text_of};

/// A hiring manager of an organisation, signed in.
async fn manager_of(app: &TestApp, organisation_id: i32, email: &str) -> Client {
    app.create_user(email, &[Role::HiringManager], Some(organisation_id))
        .await;
    let client = app.new_client();
    client.sign_in(email, PASSWORD).await;
    client
}

/// An employment record, as a hire (with the hired person's account) or an ESR import would
/// start it.
async fn employ(
    app: &TestApp,
    organisation_id: i32,
    route: Route,
    user_id: Option<i32>,
    assignment_number: Option<&str>,
    start_date: Date,
) -> i32 {
    let txn = app.db.begin().await.unwrap();
    let record = employment::start(
        &txn,
        &NewEmployment {
            application_id: None,
            user_id,
            organisation_id,
            programme_id: None,
            role: "Ward clerk".to_owned(),
            band: "3".to_owned(),
            staff_group: "Administrative and Clerical".to_owned(),
            start_date,
            apprenticeship: false,
            route,
            assignment_number: assignment_number.map(str::to_owned),
        },
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    record.id
}

/// Someone hired, with an account named `name`.
async fn person(app: &TestApp, email: &str, name: &str) -> i32 {
    let id = app.create_user(email, &[Role::Applicant], None).await;
    user::Entity::update_many()
        .col_expr(user::Column::FullName, Expr::value(name))
        .filter(user::Column::Id.eq(id))
        .exec(&app.db)
        .await
        .unwrap();
    id
}

/// A start date whose 3- and 6-month checkpoints have fallen due (the 6-month one a few days
/// ago) and whose 12-month one has not.
fn start_with_two_due() -> Date {
    add_months(retention::today(), -6) - Duration::days(3)
}

async fn record_of(app: &TestApp, id: i32) -> employment_record::Model {
    employment::find(&app.db, id).await.unwrap().unwrap()
}

async fn checkpoints(app: &TestApp, id: i32) -> Vec<employment_checkpoint::Model> {
    employment::checkpoints_of(&app.db, id).await.unwrap()
}

fn outcomes(cs: &[employment_checkpoint::Model]) -> Vec<Option<&str>> {
    cs.iter().map(|c| c.outcome.map(|v| v.as_str())).collect()
}

async fn audited(app: &TestApp, action: &str) -> Vec<audit_event::Model> {
    audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq(action))
        .all(&app.db)
        .await
        .unwrap()
}

async fn audit_count(app: &TestApp) -> u64 {
    audit_event::Entity::find().count(&app.db).await.unwrap()
}

async fn post(client: &Client, path: &str, fields: &[(&str, String)]) -> reqwest::Response {
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    client.post(path, &borrowed).await
}

/// The fields of a leaving on `date` for `reason`.
fn left_on(date: Date, reason: &str) -> Vec<(&'static str, String)> {
    vec![
        ("outcome", "left".into()),
        ("left_day", date.day().to_string()),
        ("left_month", u8::from(date.month()).to_string()),
        ("left_year", date.year().to_string()),
        ("reason", reason.into()),
    ]
}

/// The same fields as a query string, for the confirmation page.
fn query(fields: &[(&str, String)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The fields of a correction.
fn correction(what: &str, date: Option<Date>, reason: &str) -> Vec<(&'static str, String)> {
    let mut fields = vec![("what", what.to_owned()), ("reason", reason.to_owned())];
    if let Some(date) = date {
        fields.push(("date_day", date.day().to_string()));
        fields.push(("date_month", u8::from(date.month()).to_string()));
        fields.push(("date_year", date.year().to_string()));
    }
    fields
}

#[tokio::test]
async fn managers_see_the_names_and_assignment_numbers_of_their_own_hires_only() {
    // Arrange: three ward clerks at Trust A, one with an assignment number; one at Trust B.
    let app = spawn_app().await;
    let org = app.create_organisation("Trust A").await;
    let other_org = app.create_organisation("Trust B").await;
    let start = start_with_two_due();
    let amara = person(&app, "amara@example.org", "Amara Okafor").await;
    let ben = person(&app, "ben@example.org", "Ben Hughes").await;
    let cara = person(&app, "cara@example.org", "Cara Jones").await;
    let a = employ(
        &app,
        org,
        Route::Spectra,
        Some(amara),
        Some("40000001"),
        start,
    )
    .await;
    let b = employ(&app, org, Route::Spectra, Some(ben), None, start).await;
    let c = employ(&app, other_org, Route::Spectra, Some(cara), None, start).await;
    let manager = manager_of(&app, org, "hm.a@nhs.net").await;
    let other = manager_of(&app, other_org, "hm.b@nhs.net").await;

    // Act
    let (status, list) = manager.page("/manage/employees").await;

    // Assert: each of their own hires by name, with the assignment number where known.
    assert_eq!(status, 200);
    let table = text_of(&list, "table");
    assert!(
        table.contains("Amara Okafor") && table.contains("40000001"),
        "{table}"
    );
    assert!(table.contains("Ben Hughes") && table.contains("Not known"));
    assert!(!table.contains("Cara Jones"));
    let (status, page) = manager.page(&format!("/manage/employees/{a}")).await;
    assert_eq!(status, 200);
    assert_eq!(text_of(&page, "h1"), "Amara Okafor");
    assert_eq!(text_of(&page, "#assignment-number"), "40000001");
    assert!(page.contains(&reference(a)));
    let (_, page) = manager.page(&format!("/manage/employees/{b}")).await;
    assert_eq!(text_of(&page, "#assignment-number"), "Not known");

    // Another organisation's manager sees none of them, by list or by ID.
    let (_, list) = other.page("/manage/employees").await;
    assert!(!list.contains("Amara Okafor") && !list.contains("40000001"));
    assert!(list.contains("Cara Jones"));
    for id in [a, b] {
        assert_eq!(other.page(&format!("/manage/employees/{id}")).await.0, 404);
    }
    assert_eq!(manager.page(&format!("/manage/employees/{c}")).await.0, 404);
}

#[tokio::test]
async fn people_from_an_esr_extract_are_shown_to_the_champion_only() {
    // Arrange: an ESR record with two checkpoints overdue, at an organisation with a manager.
    let app = spawn_app().await;
    let org = app.create_organisation("Trust A").await;
    let start = start_with_two_due();
    let esr = employ(&app, org, Route::Esr, None, Some("50000001"), start).await;
    let manager = manager_of(&app, org, "hm.a@nhs.net").await;
    let first = checkpoints(&app, esr).await[0].id;

    // Act and assert: not in the list, and not found by its ID on any page or form.
    let (_, list) = manager.page("/manage/employees").await;
    assert!(!list.contains(&reference(esr)) && !list.contains("50000001"));
    assert!(list.contains("no employment records yet"));
    for path in [
        format!("/manage/employees/{esr}"),
        format!("/manage/employees/{esr}/correct"),
        format!(
            "/manage/employees/{esr}/leaving?{}",
            query(&left_on(start + Duration::days(5), "vr_health"))
        ),
    ] {
        assert_eq!(manager.page(&path).await.0, 404, "{path}");
    }
    let checkpoint = manager
        .post(
            &format!("/manage/employees/{esr}/checkpoints/{first}"),
            &[("outcome", "in_post")],
        )
        .await;
    assert_eq!(checkpoint.status().as_u16(), 404);
    let leaving = post(
        &manager,
        &format!("/manage/employees/{esr}/leaving"),
        &left_on(start + Duration::days(5), "vr_health"),
    )
    .await;
    assert_eq!(leaving.status().as_u16(), 404);
    let corrected = post(
        &manager,
        &format!("/manage/employees/{esr}/correct"),
        &correction("not_left", None, "wrong_person"),
    )
    .await;
    assert_eq!(corrected.status().as_u16(), 404);

    // "What is waiting" counts no overdue checkpoint of theirs, and no reminder goes.
    let (_, home) = manager.page("/manage").await;
    assert!(!home.contains("retention checkpoints are"), "{home}");
    let base = app.base.clone();
    let config =
        Config::from_lookup(move |name| (name == "BASE_URL").then(|| base.clone())).unwrap();
    let summary = retention::send_checkpoint_reminders(&app.db, &config, retention::today())
        .await
        .unwrap();
    assert_eq!(summary.emails, 0);
    assert!(
        checkpoints(&app, esr)
            .await
            .iter()
            .all(|c| c.due_reminded_at.is_none())
    );
    // Nothing stored.
    assert_eq!(
        outcomes(&checkpoints(&app, esr).await),
        [None, None, None, None]
    );
    assert!(record_of(&app, esr).await.end_date.is_none());

    // The champion still sees them among the overdue checkpoints.
    app.create_user("champion@nhs.net", &[Role::Champion], None)
        .await;
    let champion = app.new_client();
    champion.sign_in("champion@nhs.net", PASSWORD).await;
    let (status, overdue) = champion.page("/champion/checkpoints").await;
    assert_eq!(status, 200);
    assert!(overdue.contains(&reference(esr)));

    // A hire of the same organisation is counted and reminded as before.
    employ(&app, org, Route::Spectra, None, None, start).await;
    let (_, home) = manager.page("/manage").await;
    assert!(
        home.contains("2 retention checkpoints are overdue"),
        "{home}"
    );
}

#[tokio::test]
async fn a_leaving_date_is_confirmed_first_and_the_confirmation_page_writes_nothing() {
    // Arrange: the 3- and 6-month checkpoints due; a leaving date after the 3-month one.
    let app = spawn_app().await;
    let org = app.create_organisation("Trust A").await;
    let start = start_with_two_due();
    let id = employ(&app, org, Route::Spectra, None, None, start).await;
    let manager = manager_of(&app, org, "hm.a@nhs.net").await;
    let cs = checkpoints(&app, id).await;
    let leaving = cs[0].due_on + Duration::days(5);
    let fields = left_on(leaving, "vr_relocation");
    let audits = audit_count(&app).await;

    // Act: the record page's form sends a GET to the confirmation page.
    let (_, show) = manager.page(&format!("/manage/employees/{id}")).await;
    assert!(show.contains(&format!(
        "form action=\"/manage/employees/{id}/leaving\" method=\"get\""
    )));
    let audits_after_show = audit_count(&app).await;
    assert!(audits_after_show >= audits);
    let (status, confirm) = manager
        .page(&format!(
            "/manage/employees/{id}/leaving?{}",
            query(&fields)
        ))
        .await;

    // Assert: it says what it will record and close, by date; nothing is stored.
    assert_eq!(status, 200);
    assert!(text_of(&confirm, "#what").contains(&format!(
        "left on {} (Voluntary Resignation - Relocation)",
        long_date(leaving)
    )));
    let closes = text_of(&confirm, "#closes");
    for c in &cs[1..] {
        assert!(
            closes.contains(&format!(
                "{}-month checkpoint, due {}",
                c.months,
                long_date(c.due_on)
            )),
            "{closes}"
        );
    }
    assert!(!closes.contains("3-month"));
    assert_eq!(audit_count(&app).await, audits_after_show);
    assert!(record_of(&app, id).await.end_date.is_none());
    assert_eq!(
        outcomes(&checkpoints(&app, id).await),
        [None, None, None, None]
    );

    // Bad answers are shown on the record page, against their fields; nothing stored.
    let (status, bad) = manager
        .page(&format!(
            "/manage/employees/{id}/leaving?outcome=left&reason=vr_health"
        ))
        .await;
    assert_eq!(status, 200);
    assert!(text_of(&bad, ".nhsuk-error-summary").contains("Enter the date they left"));
    let before_start = left_on(start - Duration::days(1), "vr_health");
    let (_, bad) = manager
        .page(&format!(
            "/manage/employees/{id}/leaving?{}",
            query(&before_start)
        ))
        .await;
    assert!(text_of(&bad, ".nhsuk-error-summary").contains("on or after their start date"));
    assert!(record_of(&app, id).await.end_date.is_none());

    // Confirming records it; sending it again is harmless.
    for _ in 0..2 {
        let response = post(
            &manager,
            &format!("/manage/employees/{id}/leaving"),
            &fields,
        )
        .await;
        assert_eq!(response.status().as_u16(), 303);
        assert_eq!(location(&response), format!("/manage/employees/{id}"));
    }
    assert_eq!(record_of(&app, id).await.end_date, Some(leaving));
    assert_eq!(
        outcomes(&checkpoints(&app, id).await),
        [None, Some("closed"), Some("closed"), Some("closed")]
    );
    assert_eq!(audited(&app, "leaving_recorded").await.len(), 1);
    // Once recorded, the confirmation page goes back to the record.
    let response = manager
        .get(&format!(
            "/manage/employees/{id}/leaving?{}",
            query(&fields)
        ))
        .await;
    assert_eq!(response.status().as_u16(), 303);
}

#[tokio::test]
async fn a_wrong_leaving_date_is_corrected_with_a_reason_and_audited() {
    // Arrange: a leaving recorded after the 3-month checkpoint, closing the later ones.
    let app = spawn_app().await;
    let org = app.create_organisation("Trust A").await;
    let other_org = app.create_organisation("Trust B").await;
    let start = start_with_two_due();
    let id = employ(&app, org, Route::Spectra, None, None, start).await;
    let manager = manager_of(&app, org, "hm.a@nhs.net").await;
    let other = manager_of(&app, other_org, "hm.b@nhs.net").await;
    app.create_user("applicant@example.org", &[Role::Applicant], None)
        .await;
    let applicant = app.new_client();
    applicant.sign_in("applicant@example.org", PASSWORD).await;
    let cs = checkpoints(&app, id).await;
    let wrong = cs[0].due_on + Duration::days(5);
    let response = post(
        &manager,
        &format!("/manage/employees/{id}/leaving"),
        &left_on(wrong, "vr_relocation"),
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    let path = format!("/manage/employees/{id}/correct");
    let right = cs[1].due_on + Duration::days(2);

    // Another trust's manager and an applicant cannot reach it.
    assert_eq!(other.page(&path).await.0, 404);
    let response = post(
        &other,
        &path,
        &correction("leaving_date", Some(right), "mistyped"),
    )
    .await;
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(applicant.page(&path).await.0, 403);
    let response = post(&applicant, &path, &correction("not_left", None, "mistyped")).await;
    assert_eq!(response.status().as_u16(), 403);

    // The record page links to the form.
    let (_, show) = manager.page(&format!("/manage/employees/{id}")).await;
    assert!(show.contains(&format!("href=\"{path}\"")));
    let (status, form) = manager.page(&path).await;
    assert_eq!(status, 200);
    assert!(form.contains(&long_date(wrong)));

    // A reason is required, and the date must be real: errors by field, nothing stored.
    let response = post(
        &manager,
        &path,
        &correction("leaving_date", Some(right), "  "),
    )
    .await;
    let body = response.text().await.unwrap();
    let summary = text_of(&body, ".nhsuk-error-summary");
    assert!(
        summary.contains("Choose why you are correcting this record"),
        "{summary}"
    );
    assert!(body.contains("href=\"#reason\""));
    // Free text is refused as a reason: the append-only audit log keeps only a choice, never
    // words about the person.
    let response = post(
        &manager,
        &path,
        &correction(
            "leaving_date",
            Some(right),
            "She left because of her health",
        ),
    )
    .await;
    let body = response.text().await.unwrap();
    assert!(
        text_of(&body, ".nhsuk-error-summary")
            .contains("Choose why you are correcting this record")
    );
    assert!(!body.contains("because of her health"), "not shown again");
    let response = post(
        &manager,
        &path,
        &correction("leaving_date", None, "mistyped"),
    )
    .await;
    let body = response.text().await.unwrap();
    assert!(text_of(&body, ".nhsuk-error-summary").contains("Enter the date"));
    let response = post(&manager, &path, &[("reason", "mistyped".to_owned())]).await;
    let body = response.text().await.unwrap();
    assert!(text_of(&body, ".nhsuk-error-summary").contains("Choose what is wrong"));
    assert_eq!(record_of(&app, id).await.end_date, Some(wrong));
    assert!(audited(&app, "record_corrected").await.is_empty());

    // Act: the right date, after the 6-month checkpoint.
    let fields = correction("leaving_date", Some(right), "mistyped");
    let response = post(&manager, &path, &fields).await;

    // Assert: the date changed; the 6-month checkpoint reopened; the later ones stay closed.
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), format!("/manage/employees/{id}"));
    let r = record_of(&app, id).await;
    assert_eq!(r.end_date, Some(right));
    assert_eq!(r.leaving_reason.as_deref(), Some("vr_relocation"));
    let cs = checkpoints(&app, id).await;
    assert_eq!(outcomes(&cs), [None, None, Some("closed"), Some("closed")]);
    assert!(cs[1].source.is_none() && cs[1].recorded_by.is_none());
    let (_, show) = manager.page(&format!("/manage/employees/{id}")).await;
    assert!(
        text_of(&show, ".nhsuk-notification-banner")
            .contains("Open to record again: 6-month checkpoint")
    );
    assert!(show.contains("Record the 6-month checkpoint"));
    let events = audited(&app, "record_corrected").await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].subject, format!("employment:{id}"));
    let details: serde_json::Value = serde_json::from_str(&events[0].details).unwrap();
    assert_eq!(details["correction"], "leaving_date");
    assert_eq!(details["record_before"]["end_date"], wrong.to_string());
    assert_eq!(details["record_after"]["end_date"], right.to_string());
    assert_eq!(details["reopened"], serde_json::json!([6]));
    assert_eq!(details["reason"], "mistyped");

    // The same correction again changes nothing and is not audited again.
    let response = post(&manager, &path, &fields).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(audited(&app, "record_corrected").await.len(), 1);
    assert_eq!(
        outcomes(&checkpoints(&app, id).await),
        [None, None, Some("closed"), Some("closed")]
    );

    // A date before a checkpoint recorded in post is refused by its field.
    let response = manager
        .post(
            &format!("/manage/employees/{id}/checkpoints/{}", cs[0].id),
            &[("outcome", "in_post")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let early = correction(
        "leaving_date",
        Some(cs[0].due_on - Duration::days(1)),
        "mistyped",
    );
    let body = post(&manager, &path, &early).await.text().await.unwrap();
    assert!(text_of(&body, ".nhsuk-error-summary").contains("recorded as in post"));
    assert!(body.contains("href=\"#date\""));
    assert_eq!(record_of(&app, id).await.end_date, Some(right));

    // They did not leave: the leaving date goes and every closed checkpoint reopens.
    let response = post(
        &manager,
        &path,
        &correction("not_left", None, "wrong_person"),
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    let r = record_of(&app, id).await;
    assert!(r.end_date.is_none() && r.end_kind.is_none() && r.leaving_reason.is_none());
    assert_eq!(
        outcomes(&checkpoints(&app, id).await),
        [Some("in_post"), None, None, None]
    );
    let events = audited(&app, "record_corrected").await;
    assert_eq!(events.len(), 2);
    let details: serde_json::Value = serde_json::from_str(&events[1].details).unwrap();
    assert_eq!(details["correction"], "not_left");
    assert_eq!(details["reopened"], serde_json::json!([12, 24]));
}

#[tokio::test]
async fn a_checkpoint_wrongly_recorded_in_post_is_reopened() {
    // Arrange
    let app = spawn_app().await;
    let org = app.create_organisation("Trust A").await;
    let start = start_with_two_due();
    let id = employ(&app, org, Route::Spectra, None, None, start).await;
    let manager = manager_of(&app, org, "hm.a@nhs.net").await;
    let cs = checkpoints(&app, id).await;
    let path = format!("/manage/employees/{id}/correct");
    // Nothing to correct yet.
    let (_, form) = manager.page(&path).await;
    assert!(form.contains("There is nothing to correct yet"));
    for c in &cs[..2] {
        let response = manager
            .post(
                &format!("/manage/employees/{id}/checkpoints/{}", c.id),
                &[("outcome", "in_post")],
            )
            .await;
        assert_eq!(response.status().as_u16(), 303);
    }

    // Act: no checkpoint chosen, then the 6-month one.
    let body = post(&manager, &path, &correction("checkpoint", None, "other"))
        .await
        .text()
        .await
        .unwrap();
    assert!(text_of(&body, ".nhsuk-error-summary").contains("Choose the checkpoint"));
    let mut fields = correction("checkpoint", None, "other");
    fields.push(("checkpoint", cs[1].id.to_string()));
    let response = post(&manager, &path, &fields).await;

    // Assert: reopened, audited with before and after; a second send changes nothing.
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        outcomes(&checkpoints(&app, id).await),
        [Some("in_post"), None, None, None]
    );
    let events = audited(&app, "record_corrected").await;
    assert_eq!(events.len(), 1);
    let details: serde_json::Value = serde_json::from_str(&events[0].details).unwrap();
    assert_eq!(details["record_before"]["outcome"], "in_post");
    assert_eq!(details["record_after"]["checkpoint"], 6);
    assert!(details["record_after"]["outcome"].is_null());
    let response = post(&manager, &path, &fields).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(audited(&app, "record_corrected").await.len(), 1);
}
