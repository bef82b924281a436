//! Retention tracking: hiring managers record checkpoints and leaving dates for their own
//! organisation's employees only, bad input is refused with nothing stored, two managers at
//! once cannot both record one checkpoint, reminders go once per checkpoint and kind (even
//! from two workers at once), the champion sees every overdue checkpoint, and the lead chooses
//! the staff group when marking someone as started.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use spectra::config::Config;
use spectra::db::employment::{self, NewEmployment};
use spectra::domain::employment::{Route, add_months};
use spectra::domain::{EmailAddress, Role};
use spectra::entities::{employment_checkpoint, employment_record, outbox_message};
use spectra::services::retention::{self, ReminderSummary, long_date, reference};
use time::{Date, Duration};

use crate::applications::{expect_redirect, post_vacancy, stored};
use crate::helpers::{Client, PASSWORD, TestApp, location, spawn_app, text_of};
use crate::offers::offered_pair;
use crate::shortlisting::{audited, lead};

/// An organisation with a hiring manager, signed in.
pub(crate) async fn organisation(app: &TestApp, name: &str, manager: &str) -> (i32, i32, Client) {
    let organisation_id = app.create_organisation(name).await;
    let (manager_id, client) = manager_of(app, organisation_id, manager).await;
    (organisation_id, manager_id, client)
}

/// Another hiring manager of an organisation, signed in.
async fn manager_of(app: &TestApp, organisation_id: i32, email: &str) -> (i32, Client) {
    let id = app
        .create_user(email, &[Role::HiringManager], Some(organisation_id))
        .await;
    let client = app.new_client();
    client.sign_in(email, PASSWORD).await;
    (id, client)
}

/// Starts an employment record directly, as a hire would.
pub(crate) async fn employ(
    app: &TestApp,
    organisation_id: i32,
    role: &str,
    start_date: Date,
) -> i32 {
    let txn = app.db.begin().await.unwrap();
    let record = employment::start(
        &txn,
        &NewEmployment {
            application_id: None,
            user_id: None,
            organisation_id,
            programme_id: None,
            role: role.to_owned(),
            band: "3".to_owned(),
            staff_group: "Additional Clinical Services".to_owned(),
            start_date,
            apprenticeship: false,
            route: Route::Spectra,
            assignment_number: None,
        },
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    record.id
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

/// A start date whose 3- and 6-month checkpoints have fallen due (the 6-month one a few days
/// ago) and whose 12-month one has not.
pub(crate) fn start_with_two_due() -> Date {
    add_months(retention::today(), -6) - Duration::days(3)
}

/// Posts a form of owned pairs.
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

/// The fields of a move on `date` to `organisation`.
fn moved_on(date: Date, organisation: &str) -> Vec<(&'static str, String)> {
    vec![
        ("outcome", "moved".into()),
        ("moved_day", date.day().to_string()),
        ("moved_month", u8::from(date.month()).to_string()),
        ("moved_year", date.year().to_string()),
        ("organisation", organisation.into()),
    ]
}

fn checkpoint_path(record: i32, checkpoint: i32) -> String {
    format!("/manage/employees/{record}/checkpoints/{checkpoint}")
}

#[tokio::test]
async fn a_manager_records_each_kind_of_checkpoint_outcome() {
    // Arrange: three people whose 3- and 6-month checkpoints are due.
    let app = spawn_app().await;
    let (org, manager_id, manager) =
        organisation(&app, "Alder Hey Children's NHS FT", "hm@nhs.net").await;
    let start = start_with_two_due();
    let staying = employ(&app, org, "Porter", start).await;
    let leaving = employ(&app, org, "Healthcare assistant", start).await;
    let moving = employ(&app, org, "Ward clerk", start).await;

    // The list shows them all with their overdue checkpoints; each page offers two forms.
    let (status, list) = manager.page("/manage/employees").await;
    assert_eq!(status, 200);
    for id in [staying, leaving, moving] {
        assert!(list.contains(&reference(id)), "{list}");
    }
    assert!(text_of(&list, ".nhsuk-warning-callout").contains("3 people have a checkpoint"));
    let (_, page) = manager.page(&format!("/manage/employees/{staying}")).await;
    assert!(page.contains("Record the 3-month checkpoint"));
    assert!(page.contains("Record the 6-month checkpoint"));
    assert!(!page.contains("Record the 12-month checkpoint"));
    assert!(page.contains("Record a leaving date"));
    assert!(
        !page.contains(">Employee Transfer<"),
        "a move is its own choice"
    );

    // Act: in post at 3 months.
    let first = checkpoints(&app, staying).await[0].id;
    expect_redirect(
        manager
            .post(&checkpoint_path(staying, first), &[("outcome", "in_post")])
            .await,
        &format!("/manage/employees/{staying}"),
    )
    .await;

    // Assert: stored with who and when, and shown.
    let cs = checkpoints(&app, staying).await;
    assert_eq!(outcomes(&cs), [Some("in_post"), None, None, None]);
    assert_eq!(cs[0].recorded_by, Some(manager_id));
    assert_eq!(cs[0].source.map(|v| v.as_str()), Some("manager"));
    assert!(cs[0].recorded_at.is_some());
    assert!(record_of(&app, staying).await.end_date.is_none());
    let (_, page) = manager.page(&format!("/manage/employees/{staying}")).await;
    assert!(text_of(&page, ".nhsuk-notification-banner").contains("3-month checkpoint recorded"));
    assert!(text_of(&page, "tbody tr").contains("In post"));
    assert!(text_of(&page, "tbody tr").contains("Test Person"));
    assert!(!page.contains("Record the 3-month checkpoint"));

    // Act: left, at the 3-month checkpoint, a week after the start.
    let left_date = start + Duration::days(7);
    let first = checkpoints(&app, leaving).await[0].id;
    expect_redirect(
        post(
            &manager,
            &checkpoint_path(leaving, first),
            &left_on(left_date, "vr_relocation"),
        )
        .await,
        &format!("/manage/employees/{leaving}"),
    )
    .await;

    // Assert: the record ended; the later checkpoints closed.
    let r = record_of(&app, leaving).await;
    assert_eq!(r.end_date, Some(left_date));
    assert_eq!(r.end_kind.map(|v| v.as_str()), Some("left"));
    assert_eq!(r.leaving_reason.as_deref(), Some("vr_relocation"));
    assert_eq!(r.moved_to, None);
    let cs = checkpoints(&app, leaving).await;
    assert_eq!(
        outcomes(&cs),
        [Some("left"), Some("closed"), Some("closed"), Some("closed")]
    );
    let (_, page) = manager.page(&format!("/manage/employees/{leaving}")).await;
    assert!(page.contains(&format!("Left on {}", long_date(left_date))));
    assert!(page.contains("Voluntary Resignation - Relocation"));
    assert!(!page.contains("Record a leaving date"), "it ended");
    assert!(!page.contains("Record the 6-month checkpoint"), "it closed");

    // Act: moved within the NHS at the 6-month checkpoint, after being in post at 3 months.
    let cs = checkpoints(&app, moving).await;
    expect_redirect(
        manager
            .post(
                &checkpoint_path(moving, cs[0].id),
                &[("outcome", "in_post")],
            )
            .await,
        &format!("/manage/employees/{moving}"),
    )
    .await;
    let moved_date = add_months(start, 5);
    expect_redirect(
        post(
            &manager,
            &checkpoint_path(moving, cs[1].id),
            &moved_on(moved_date, "  Mersey Care NHS FT "),
        )
        .await,
        &format!("/manage/employees/{moving}"),
    )
    .await;

    // Assert: a move, not a leaver.
    let r = record_of(&app, moving).await;
    assert_eq!(r.end_kind.map(|v| v.as_str()), Some("moved"));
    assert_eq!(r.end_date, Some(moved_date));
    assert_eq!(r.moved_to.as_deref(), Some("Mersey Care NHS FT"));
    assert_eq!(
        outcomes(&checkpoints(&app, moving).await),
        [
            Some("in_post"),
            Some("moved"),
            Some("closed"),
            Some("closed")
        ]
    );
    let (_, list) = manager.page("/manage/employees").await;
    assert!(list.contains(&format!(
        "Moved within the NHS on {}",
        long_date(moved_date)
    )));
    assert!(list.contains(&format!("Left on {}", long_date(left_date))));
    assert!(
        !text_of(&list, ".nhsuk-warning-callout").contains("3 people"),
        "fewer overdue now"
    );

    // Audited with IDs and outcomes, never names.
    let events = audited(&app, "checkpoint_recorded").await;
    assert_eq!(events.len(), 4);
    let left_event = events
        .iter()
        .find(|e| e.subject == format!("employment:{leaving}"))
        .unwrap();
    assert_eq!(left_event.actor_user_id, Some(manager_id));
    let details = left_event.details.to_string();
    assert!(details.contains("\"outcome\":\"left\"") && details.contains("vr_relocation"));
    for e in &events {
        assert!(!e.details.to_string().contains("Test Person"));
        assert!(!e.details.to_string().contains("Mersey Care"));
    }
}

#[tokio::test]
async fn a_leaving_date_before_the_start_is_refused_with_the_error_shown_and_nothing_stored() {
    // Arrange
    let app = spawn_app().await;
    let (org, _, manager) = organisation(&app, "Trust A", "hm@nhs.net").await;
    let start = start_with_two_due();
    let id = employ(&app, org, "Porter", start).await;
    let first = checkpoints(&app, id).await[0].id;
    let before = start - Duration::days(1);

    // Act
    let response = post(
        &manager,
        &checkpoint_path(id, first),
        &left_on(before, "dismissal_conduct"),
    )
    .await;

    // Assert: the error by the field, what was typed kept, nothing stored.
    assert_eq!(response.status().as_u16(), 200);
    let body = response.text().await.unwrap();
    let summary = text_of(&body, ".nhsuk-error-summary");
    assert!(
        summary.contains(&format!(
            "on or after their start date, {}",
            long_date(start)
        )),
        "{summary}"
    );
    assert!(body.contains(&format!("href=\"#c{first}-left-day\"")));
    assert!(body.contains(&format!("id=\"c{first}-left-day-error\"")));
    assert!(body.contains(&format!("value=\"{}\"", before.year())));
    assert!(body.contains("value=\"dismissal_conduct\" selected"));
    assert!(body.contains(&format!(
        "value=\"left\" aria-describedby=\"c{first}-left-hint\" checked"
    )));
    assert!(text_of(&body, "title").starts_with("Error:"));
    assert_eq!(
        outcomes(&checkpoints(&app, id).await),
        [None, None, None, None]
    );
    assert!(record_of(&app, id).await.end_date.is_none());
    assert!(audited(&app, "checkpoint_recorded").await.is_empty());

    // The leaving form refuses it too, and a date more than a year ahead.
    let response = post(
        &manager,
        &format!("/manage/employees/{id}/leaving"),
        &left_on(before, "dismissal_conduct"),
    )
    .await;
    let body = response.text().await.unwrap();
    assert!(body.contains("href=\"#leaving-left-day\""));
    let far = add_months(retention::today(), 13);
    let response = post(
        &manager,
        &format!("/manage/employees/{id}/leaving"),
        &moved_on(far, "Mersey Care NHS FT"),
    )
    .await;
    let body = response.text().await.unwrap();
    assert!(text_of(&body, ".nhsuk-error-summary").contains("no more than a year from today"));
    assert!(body.contains("href=\"#leaving-moved-day\""));
    assert!(body.contains("value=\"Mersey Care NHS FT\""));
    assert!(record_of(&app, id).await.end_date.is_none());
    assert!(audited(&app, "leaving_recorded").await.is_empty());

    // A leaving date before a checkpoint recorded as in post is refused.
    expect_redirect(
        manager
            .post(&checkpoint_path(id, first), &[("outcome", "in_post")])
            .await,
        &format!("/manage/employees/{id}"),
    )
    .await;
    let response = post(
        &manager,
        &format!("/manage/employees/{id}/leaving"),
        &left_on(start + Duration::days(10), "vr_health"),
    )
    .await;
    let body = response.text().await.unwrap();
    assert!(text_of(&body, ".nhsuk-error-summary").contains("recorded as in post"));
    assert!(record_of(&app, id).await.end_date.is_none());
}

#[tokio::test]
async fn unknown_or_missing_answers_are_refused_and_nothing_is_stored() {
    // Arrange
    let app = spawn_app().await;
    let (org, _, manager) = organisation(&app, "Trust A", "hm@nhs.net").await;
    let start = start_with_two_due();
    let id = employ(&app, org, "Porter", start).await;
    let first = checkpoints(&app, id).await[0].id;
    let path = checkpoint_path(id, first);
    let date = start + Duration::days(20);

    // Act and assert: a reason not on ESR's list.
    let body = post(&manager, &path, &left_on(date, "fired"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        text_of(&body, ".nhsuk-error-summary").contains("Choose a leaving reason from the list")
    );
    assert!(body.contains(&format!("href=\"#c{first}-reason\"")));

    // "Employee Transfer" is a move, not a reason for leaving.
    let body = post(&manager, &path, &left_on(date, "employee_transfer"))
        .await
        .text()
        .await
        .unwrap();
    assert!(text_of(&body, ".nhsuk-error-summary").contains("Moved within the NHS"));

    // No reason, no organisation for a move, no choice at all, a date that does not exist.
    let body = post(&manager, &path, &left_on(date, ""))
        .await
        .text()
        .await
        .unwrap();
    assert!(text_of(&body, ".nhsuk-error-summary").contains("Choose why they left"));
    let body = post(&manager, &path, &moved_on(date, "  "))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        text_of(&body, ".nhsuk-error-summary").contains("Enter the NHS organisation they moved to")
    );
    assert!(body.contains(&format!("href=\"#c{first}-organisation\"")));
    let body = manager.post(&path, &[]).await.text().await.unwrap();
    assert!(text_of(&body, ".nhsuk-error-summary").contains("Choose whether they are in post"));
    assert!(body.contains(&format!("href=\"#c{first}-outcome\"")));
    let mut bad_date = left_on(date, "vr_health");
    bad_date[1].1 = "31".into();
    bad_date[2].1 = "2".into();
    let body = post(&manager, &path, &bad_date).await.text().await.unwrap();
    assert!(text_of(&body, ".nhsuk-error-summary").contains("Enter a real date they left"));

    // Nothing was stored.
    assert_eq!(
        outcomes(&checkpoints(&app, id).await),
        [None, None, None, None]
    );
    assert!(record_of(&app, id).await.end_date.is_none());
    assert!(audited(&app, "checkpoint_recorded").await.is_empty());

    // A checkpoint not yet due cannot be recorded.
    let later = checkpoints(&app, id).await[2].clone();
    let response = manager
        .post(&checkpoint_path(id, later.id), &[("outcome", "in_post")])
        .await;
    assert_eq!(response.status().as_u16(), 400);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains(&format!("not due until {}", long_date(later.due_on)))
    );
    assert_eq!(
        outcomes(&checkpoints(&app, id).await),
        [None, None, None, None]
    );
}

#[tokio::test]
async fn another_organisations_employee_does_not_exist_for_a_manager() {
    // Arrange
    let app = spawn_app().await;
    let (org, _, _) = organisation(&app, "Trust A", "hm.a@nhs.net").await;
    let (other_org, _, other) = organisation(&app, "Trust B", "hm.b@nhs.net").await;
    let start = start_with_two_due();
    let id = employ(&app, org, "Porter", start).await;
    let theirs = employ(&app, other_org, "Cook", start).await;
    let first = checkpoints(&app, id).await[0].id;

    // Act and assert: 404 on every page and form, and not in their list.
    let (status, _) = other.page(&format!("/manage/employees/{id}")).await;
    assert_eq!(status, 404);
    let response = other
        .post(&checkpoint_path(id, first), &[("outcome", "in_post")])
        .await;
    assert_eq!(response.status().as_u16(), 404);
    let response = post(
        &other,
        &format!("/manage/employees/{id}/leaving"),
        &left_on(start + Duration::days(3), "vr_health"),
    )
    .await;
    assert_eq!(response.status().as_u16(), 404);
    // Their own record with another organisation's checkpoint is not found either.
    let response = other
        .post(&checkpoint_path(theirs, first), &[("outcome", "in_post")])
        .await;
    assert_eq!(response.status().as_u16(), 404);
    for path in ["/manage/employees/abc", "/manage/employees/999999"] {
        assert_eq!(other.page(path).await.0, 404, "{path}");
    }
    let (_, list) = other.page("/manage/employees").await;
    assert!(!list.contains(&reference(id)));
    assert!(list.contains(&reference(theirs)));

    // Nothing stored.
    assert_eq!(
        outcomes(&checkpoints(&app, id).await),
        [None, None, None, None]
    );
    assert!(record_of(&app, id).await.end_date.is_none());
    assert!(audited(&app, "checkpoint_recorded").await.is_empty());
    assert!(audited(&app, "leaving_recorded").await.is_empty());
}

#[tokio::test]
async fn only_hiring_managers_reach_the_employee_pages_and_only_the_champion_and_admin_the_overdue_list()
 {
    // Arrange
    let app = spawn_app().await;
    let (org, _, manager) = organisation(&app, "Trust A", "hm@nhs.net").await;
    let id = employ(&app, org, "Porter", start_with_two_due()).await;
    let first = checkpoints(&app, id).await[0].id;
    let mut others = Vec::new();
    for (email, role) in [
        ("applicant@example.org", Role::Applicant),
        ("coordinator@nhs.net", Role::Coordinator),
        ("champion@nhs.net", Role::Champion),
        ("admin@nhs.net", Role::Admin),
        ("mentor@nhs.net", Role::Mentor),
    ] {
        app.create_user(email, &[role], None).await;
        let client = app.new_client();
        client.sign_in(email, PASSWORD).await;
        others.push((role, client));
    }
    let anonymous = app.new_client();
    let pages = [
        "/manage/employees".to_owned(),
        format!("/manage/employees/{id}"),
    ];

    // Act and assert: the manager pages.
    for (role, client) in &others {
        for path in &pages {
            assert_eq!(
                client.get(path).await.status().as_u16(),
                403,
                "{role:?} {path}"
            );
        }
        let response = client
            .post(&checkpoint_path(id, first), &[("outcome", "in_post")])
            .await;
        assert_eq!(response.status().as_u16(), 403, "{role:?}");
        let response = post(
            client,
            &format!("/manage/employees/{id}/leaving"),
            &left_on(retention::today(), "vr_health"),
        )
        .await;
        assert_eq!(response.status().as_u16(), 403, "{role:?}");
    }
    for path in &pages {
        let response = anonymous.get(path).await;
        assert_eq!(response.status().as_u16(), 303);
        assert!(location(&response).starts_with("/login?next="));
    }
    assert_eq!(
        outcomes(&checkpoints(&app, id).await),
        [None, None, None, None]
    );

    // The champion's overdue checkpoints: the champion and administrators only.
    for (role, client) in &others {
        let expected = if matches!(role, Role::Champion | Role::Admin) {
            200
        } else {
            403
        };
        assert_eq!(
            client.get("/champion/checkpoints").await.status().as_u16(),
            expected,
            "{role:?}"
        );
    }
    assert_eq!(
        manager.get("/champion/checkpoints").await.status().as_u16(),
        403
    );
    let response = anonymous.get("/champion/checkpoints").await;
    assert!(location(&response).starts_with("/login?next="));

    // The nav link is the managers'.
    let (_, home) = manager.page("/").await;
    assert!(home.contains("href=\"/manage/employees\""));
    let (_, home) = others[0].1.page("/").await;
    assert!(!home.contains("href=\"/manage/employees\""));
}

#[tokio::test]
async fn the_champion_sees_every_overdue_checkpoint_by_organisation() {
    // Arrange: overdue checkpoints in two organisations, one recorded, one not due.
    let app = spawn_app().await;
    let (org_a, _, manager) = organisation(&app, "Alder Hey Children's NHS FT", "a@nhs.net").await;
    let (org_b, _, _) = organisation(&app, "The Walton Centre NHS FT", "b@nhs.net").await;
    let start = start_with_two_due();
    let a = employ(&app, org_a, "Porter", start).await;
    let b = employ(&app, org_b, "Radiographer", start).await;
    let recent = employ(&app, org_b, "Cook", retention::today() - Duration::days(10)).await;
    let first = checkpoints(&app, a).await[0].id;
    expect_redirect(
        manager
            .post(&checkpoint_path(a, first), &[("outcome", "in_post")])
            .await,
        &format!("/manage/employees/{a}"),
    )
    .await;
    app.create_user("champion@nhs.net", &[Role::Champion], None)
        .await;
    let champion = app.new_client();
    champion.sign_in("champion@nhs.net", PASSWORD).await;

    // Act
    let (status, body) = champion.page("/champion/checkpoints").await;

    // Assert: three overdue, grouped by organisation, with days overdue; nobody named.
    assert_eq!(status, 200);
    assert!(body.contains("3 checkpoints are overdue"), "{body}");
    let captions: Vec<String> = scraper::Html::parse_document(&body)
        .select(&scraper::Selector::parse("caption").unwrap())
        .map(|c| c.text().collect::<String>())
        .collect();
    assert_eq!(
        captions,
        [
            "Alder Hey Children's NHS FT: 1 overdue",
            "The Walton Centre NHS FT: 2 overdue"
        ]
    );
    assert!(body.contains(&reference(a)) && body.contains(&reference(b)));
    assert!(!body.contains(&reference(recent)));
    let six = &checkpoints(&app, a).await[1];
    let days = (retention::today() - six.due_on).whole_days();
    assert!(body.contains(&format!(">Days overdue </span>{days}<")));
    assert!(!text_of(&body, "main").contains("Test Person"));
}

#[tokio::test]
async fn recording_a_leaving_date_closes_the_checkpoints_after_it() {
    // Arrange: someone whose 3-month checkpoint has fallen due.
    let app = spawn_app().await;
    let (org, manager_id, manager) = organisation(&app, "Trust A", "hm@nhs.net").await;
    let start = add_months(retention::today(), -3) - Duration::days(10);
    let id = employ(&app, org, "Porter", start).await;
    let cs = checkpoints(&app, id).await;
    let leaving_date = cs[0].due_on + Duration::days(5);

    // Act
    let response = post(
        &manager,
        &format!("/manage/employees/{id}/leaving"),
        &left_on(leaving_date, "end_fixed_term"),
    )
    .await;

    // Assert: ended; the checkpoints after the date closed, the one before still to record.
    expect_redirect(response, &format!("/manage/employees/{id}")).await;
    let r = record_of(&app, id).await;
    assert_eq!(r.end_date, Some(leaving_date));
    assert_eq!(r.end_kind.map(|v| v.as_str()), Some("left"));
    assert_eq!(r.leaving_reason.as_deref(), Some("end_fixed_term"));
    let cs = checkpoints(&app, id).await;
    assert_eq!(
        outcomes(&cs),
        [None, Some("closed"), Some("closed"), Some("closed")]
    );
    assert!(cs[1..].iter().all(|c| c.recorded_by == Some(manager_id)));
    let (_, page) = manager.page(&format!("/manage/employees/{id}")).await;
    assert!(
        text_of(&page, ".nhsuk-notification-banner")
            .contains("3 checkpoints after that date are closed")
    );
    assert!(page.contains("Record the 3-month checkpoint"));
    assert!(!page.contains("Record a leaving date"));
    let events = audited(&app, "leaving_recorded").await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].subject, format!("employment:{id}"));
    assert!(events[0].details.to_string().contains("end_fixed_term"));

    // A second leaving date is refused; the 3-month checkpoint can still say "in post", but
    // not another leaving.
    let response = post(
        &manager,
        &format!("/manage/employees/{id}/leaving"),
        &left_on(leaving_date, "vr_health"),
    )
    .await;
    assert_eq!(response.status().as_u16(), 400);
    let body = post(
        &manager,
        &checkpoint_path(id, cs[0].id),
        &left_on(leaving_date, "vr_health"),
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(text_of(&body, ".nhsuk-error-summary").contains("already recorded"));
    expect_redirect(
        manager
            .post(&checkpoint_path(id, cs[0].id), &[("outcome", "in_post")])
            .await,
        &format!("/manage/employees/{id}"),
    )
    .await;
    assert_eq!(
        record_of(&app, id).await.leaving_reason.as_deref(),
        Some("end_fixed_term")
    );
    assert_eq!(audited(&app, "leaving_recorded").await.len(), 1);
}

#[tokio::test]
async fn two_managers_recording_one_checkpoint_at_once_one_wins() {
    // Arrange
    let app = spawn_app().await;
    let (org, first_id, first) = organisation(&app, "Trust A", "one@nhs.net").await;
    let (second_id, second) = manager_of(&app, org, "two@nhs.net").await;
    let start = start_with_two_due();
    let id = employ(&app, org, "Porter", start).await;
    let checkpoint = checkpoints(&app, id).await[0].id;
    let path = checkpoint_path(id, checkpoint);
    let left = left_on(start + Duration::days(30), "vr_promotion");

    // Act: one records "in post", the other "left", at the same moment.
    let (a, b) = tokio::join!(
        first.post(&path, &[("outcome", "in_post")]),
        post(&second, &path, &left)
    );

    // Assert: one of them stored, the other told.
    let statuses = [a.status().as_u16(), b.status().as_u16()];
    assert!(
        statuses.contains(&303) && statuses.contains(&400),
        "{statuses:?}"
    );
    let refused = if a.status().as_u16() == 400 { a } else { b };
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("already been recorded")
    );
    let cs = checkpoints(&app, id).await;
    let winner = cs[0].recorded_by.unwrap();
    assert!([first_id, second_id].contains(&winner));
    let r = record_of(&app, id).await;
    if winner == first_id {
        assert_eq!(outcomes(&cs), [Some("in_post"), None, None, None]);
        assert!(r.end_date.is_none());
    } else {
        assert_eq!(cs[0].outcome.map(|v| v.as_str()), Some("left"));
        assert!(r.end_date.is_some());
    }
    assert_eq!(audited(&app, "checkpoint_recorded").await.len(), 1);
}

/// A configuration for running the reminder job from a test, with the app's links.
fn config_of(app: &TestApp) -> Config {
    let base = app.base.clone();
    Config::from_lookup(move |name| (name == "BASE_URL").then(|| base.clone())).unwrap()
}

/// The emails queued to `to` whose subject starts with `subject`.
async fn queued(app: &TestApp, to: &str, subject: &str) -> Vec<outbox_message::Model> {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::ToAddress.eq(to))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.subject.starts_with(subject))
        .collect()
}

const DUE: &str = "Retention checkpoints to record";
const OVERDUE: &str = "Overdue retention checkpoints";

/// An employee with a name, to check the reminders do not carry it.
async fn named_employee(app: &TestApp, email: &str) -> i32 {
    let email = EmailAddress::parse(email).unwrap();
    let txn = app.db.begin().await.unwrap();
    let user = spectra::db::users::create(
        &txn,
        spectra::db::users::NewUser {
            email: &email,
            full_name: "Jordan Quintessa",
            password_hash: "x".into(),
            email_verified: true,
            organisation_id: None,
            roles: &[Role::Applicant],
        },
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    user.id
}

#[tokio::test]
async fn each_checkpoint_is_reminded_once_when_due_and_once_when_overdue() {
    // Arrange: in one organisation, a checkpoint due a few days ago and one more than 14 days
    // overdue; another organisation with an overdue one; two managers here, one deactivated.
    let app = spawn_app().await;
    let (org, _, _) = organisation(&app, "Trust A", "one@nhs.net").await;
    manager_of(&app, org, "two@nhs.net").await;
    let gone = app
        .create_user("gone@nhs.net", &[Role::HiringManager], Some(org))
        .await;
    spectra::db::users::set_active(&app.db, gone, false)
        .await
        .unwrap();
    let (other_org, _, _) = organisation(&app, "Trust B", "other@nhs.net").await;
    let today = retention::today();
    let due = employ(
        &app,
        org,
        "Porter",
        add_months(today, -3) - Duration::days(2),
    )
    .await;
    let overdue = employ(
        &app,
        org,
        "Cook",
        add_months(today, -3) - Duration::days(20),
    )
    .await;
    let theirs = employ(
        &app,
        other_org,
        "Clerk",
        add_months(today, -3) - Duration::days(30),
    )
    .await;
    let person = named_employee(&app, "jordan@example.org").await;
    employment_record::Entity::update_many()
        .col_expr(
            employment_record::Column::UserId,
            sea_orm::sea_query::Expr::value(person),
        )
        .filter(employment_record::Column::Id.eq(due))
        .exec(&app.db)
        .await
        .unwrap();
    let config = config_of(&app);

    // Act
    retention::send_checkpoint_reminders(&app.db, &config, today)
        .await
        .unwrap();

    // Assert: one email of each kind to each active manager of the organisation; the
    // checkpoint first seen overdue is reminded as overdue only.
    for manager in ["one@nhs.net", "two@nhs.net"] {
        let due_emails = queued(&app, manager, DUE).await;
        let overdue_emails = queued(&app, manager, OVERDUE).await;
        assert_eq!(
            (due_emails.len(), overdue_emails.len()),
            (1, 1),
            "{manager}"
        );
        assert!(due_emails[0].body_text.contains(&reference(due)));
        assert!(!due_emails[0].body_text.contains(&reference(overdue)));
        assert!(overdue_emails[0].body_text.contains(&reference(overdue)));
        assert!(!overdue_emails[0].body_text.contains(&reference(due)));
        assert!(!overdue_emails[0].body_text.contains(&reference(theirs)));
        assert!(due_emails[0].body_text.contains("Porter, started"));
        assert!(
            due_emails[0]
                .body_text
                .contains(&format!("{}/manage/employees", app.base))
        );
        for m in due_emails.iter().chain(&overdue_emails) {
            assert!(!m.body_text.contains("Jordan") && !m.body_html.contains("Jordan"));
            assert!(!m.body_text.contains("jordan@example.org"));
        }
    }
    assert!(queued(&app, "gone@nhs.net", "").await.is_empty());
    let other = queued(&app, "other@nhs.net", "").await;
    assert_eq!(other.len(), 1);
    assert!(
        other[0].subject.starts_with(OVERDUE) && other[0].body_text.contains(&reference(theirs))
    );
    let cs = checkpoints(&app, overdue).await;
    assert!(cs[0].due_reminded_at.is_some() && cs[0].overdue_reminded_at.is_some());
    assert!(cs[1].due_reminded_at.is_none());
    let cs = checkpoints(&app, due).await;
    assert!(cs[0].due_reminded_at.is_some() && cs[0].overdue_reminded_at.is_none());
    let sent = app.wait_for_email("one@nhs.net", DUE).await;
    assert!(sent.html.contains(&reference(due)));

    // Act again, the same day: nothing more to send.
    let again = retention::send_checkpoint_reminders(&app.db, &config, today)
        .await
        .unwrap();

    // Assert
    assert_eq!(again, ReminderSummary::default());
    assert_eq!(queued(&app, "one@nhs.net", "").await.len(), 2);

    // Fourteen days on, the due one is overdue: one more reminder, as overdue.
    let later = today + Duration::days(14);
    let summary = retention::send_checkpoint_reminders(&app.db, &config, later)
        .await
        .unwrap();
    assert_eq!(summary.overdue, 1);
    assert_eq!(summary.due, 0);
    let overdue_emails = queued(&app, "one@nhs.net", OVERDUE).await;
    assert_eq!(overdue_emails.len(), 2);
    assert!(
        overdue_emails
            .iter()
            .any(|m| m.body_text.contains(&reference(due)))
    );

    // A recorded checkpoint is never reminded.
    let recorded = employ(
        &app,
        org,
        "Driver",
        add_months(today, -3) - Duration::days(1),
    )
    .await;
    let checkpoint = checkpoints(&app, recorded).await[0].id;
    let one = app.new_client();
    one.sign_in("one@nhs.net", PASSWORD).await;
    expect_redirect(
        one.post(
            &checkpoint_path(recorded, checkpoint),
            &[("outcome", "in_post")],
        )
        .await,
        &format!("/manage/employees/{recorded}"),
    )
    .await;
    let summary = retention::send_checkpoint_reminders(&app.db, &config, today)
        .await
        .unwrap();
    assert_eq!(summary, ReminderSummary::default());
}

#[tokio::test]
async fn two_workers_at_once_send_each_reminder_once() {
    let on_postgres = std::env::var("TEST_DATABASE_URL")
        .is_ok_and(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"));
    if !on_postgres {
        eprintln!("SKIPPED: needs TEST_DATABASE_URL on Postgres");
        return;
    }
    // Arrange: four organisations, each with two managers and checkpoints due and overdue.
    let app = spawn_app().await;
    let today = retention::today();
    let mut managers = Vec::new();
    for n in 0..4 {
        let (org, _, _) = organisation(&app, &format!("Trust {n}"), &format!("a{n}@nhs.net")).await;
        manager_of(&app, org, &format!("b{n}@nhs.net")).await;
        managers.push(format!("a{n}@nhs.net"));
        managers.push(format!("b{n}@nhs.net"));
        for k in 0..5 {
            employ(
                &app,
                org,
                "Porter",
                add_months(today, -3) - Duration::days(k),
            )
            .await;
            employ(
                &app,
                org,
                "Cook",
                add_months(today, -3) - Duration::days(20 + k),
            )
            .await;
        }
    }
    let config = config_of(&app);

    // Act: two workers at the same moment, as two instances of the service would.
    let (one, two) = tokio::join!(
        retention::send_checkpoint_reminders(&app.db, &config, today),
        retention::send_checkpoint_reminders(&app.db, &config, today)
    );
    let (one, two) = (one.unwrap(), two.unwrap());

    // Assert: each manager got exactly one email of each kind, listing all five.
    for manager in &managers {
        let due = queued(&app, manager, DUE).await;
        let overdue = queued(&app, manager, OVERDUE).await;
        assert_eq!((due.len(), overdue.len()), (1, 1), "{manager}");
        assert_eq!(due[0].body_text.matches("Porter, started").count(), 5);
        assert_eq!(overdue[0].body_text.matches("Cook, started").count(), 5);
    }
    assert!(one.due + two.due <= 20 && one.overdue + two.overdue <= 20);
    let unreminded = employment_checkpoint::Entity::find()
        .filter(employment_checkpoint::Column::Months.eq(3))
        .filter(employment_checkpoint::Column::DueRemindedAt.is_null())
        .all(&app.db)
        .await
        .unwrap();
    assert!(unreminded.is_empty());
}

#[tokio::test]
async fn the_lead_chooses_the_staff_group_when_marking_someone_as_started() {
    // Arrange: an accepted offer with every check verified and a start date.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Catering apprentice", false).await;
    let lead = lead(&app, &v).await;
    let [(first, one), _] = offered_pair(&app, &v, &lead).await;
    let offer_path = format!("/applications/{first}/offer");
    expect_redirect(
        one.post(&offer_path, &[("decision", "accept")]).await,
        &offer_path,
    )
    .await;
    let offers_page = format!("/shortlisting/{}/offers", v.id);
    let checks = spectra::db::offers::checks_of(&app.db, first)
        .await
        .unwrap();
    let fields: Vec<(String, String)> = checks
        .iter()
        .map(|c| (format!("status-{}", c.kind.as_str()), "verified".to_owned()))
        .collect();
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    expect_redirect(
        lead.post(&format!("{offers_page}/{first}/checks"), &borrowed)
            .await,
        &offers_page,
    )
    .await;
    expect_redirect(
        lead.post(
            &format!("{offers_page}/{first}/start-date"),
            &[("day", "4"), ("month", "1"), ("year", "2027")],
        )
        .await,
        &offers_page,
    )
    .await;
    let (_, page) = lead.page(&offers_page).await;
    assert!(page.contains(&format!("id=\"staff-group-{first}\"")));
    assert!(page.contains("<option value=\"Estates and Ancillary\">"));

    // Act: no staff group, then one not on ESR's list.
    let started = format!("{offers_page}/{first}/started");
    for typed in ["", "Porters"] {
        let response = lead.post(&started, &[("staff_group", typed)]).await;

        // Assert: the error by the field, and nobody started.
        assert_eq!(response.status().as_u16(), 200);
        let body = response.text().await.unwrap();
        assert!(text_of(&body, ".nhsuk-error-summary").contains("Choose the ESR staff group"));
        assert!(body.contains(&format!("href=\"#staff-group-{first}\"")));
        assert!(body.contains(&format!("id=\"staff-group-{first}-error\"")));
    }
    assert_eq!(stored(&app, first).await.stage.as_str(), "checks_complete");
    assert!(
        employment::of_application(&app.db, first)
            .await
            .unwrap()
            .is_none()
    );

    // Act: a staff group as ESR spells it, typed in another case.
    expect_redirect(
        lead.post(&started, &[("staff_group", "estates and ancillary")])
            .await,
        &offers_page,
    )
    .await;

    // Assert: started, with the staff group stored as ESR spells it, and four checkpoints.
    assert_eq!(stored(&app, first).await.stage.as_str(), "started");
    let record = employment::of_application(&app.db, first)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.staff_group, "Estates and Ancillary");
    assert_eq!(record.route.as_str(), "spectra");
    assert_eq!(record.organisation_id, v.organisation_id);
    let cs = checkpoints(&app, record.id).await;
    assert_eq!(
        cs.iter().map(|c| c.months).collect::<Vec<_>>(),
        [3, 6, 12, 24]
    );
    assert_eq!(cs[0].due_on.to_string(), "2027-04-04");
    // Marking again is refused kindly.
    let response = lead
        .post(&started, &[("staff_group", "Estates and Ancillary")])
        .await;
    assert_eq!(response.status().as_u16(), 400);
}

#[tokio::test]
async fn the_command_line_sends_the_reminders_of_a_day_once() {
    // Arrange: a database with one overdue checkpoint and a manager to remind.
    let test_db = crate::helpers::TestDb::new().await;
    let spectra = || {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_spectra"));
        command
            .env("DATABASE_URL", &test_db.url)
            .env("RUST_LOG", "warn");
        command
    };
    assert!(
        spectra()
            .args(["migrate", "up"])
            .status()
            .unwrap()
            .success()
    );
    let db = spectra::db::connect(&test_db.url).await.unwrap();
    let org = spectra::db::organisations::ensure(&db, "Trust A")
        .await
        .unwrap()
        .id;
    let email = EmailAddress::parse("hm@nhs.net").unwrap();
    let txn = db.begin().await.unwrap();
    spectra::db::users::create(
        &txn,
        spectra::db::users::NewUser {
            email: &email,
            full_name: "Hiring Manager",
            password_hash: "x".into(),
            email_verified: true,
            organisation_id: Some(org),
            roles: &[Role::HiringManager],
        },
    )
    .await
    .unwrap();
    let record = employment::start(
        &txn,
        &NewEmployment {
            application_id: None,
            user_id: None,
            organisation_id: org,
            programme_id: None,
            role: "Porter".into(),
            band: "2".into(),
            staff_group: "Estates and Ancillary".into(),
            start_date: time::macros::date!(2026 - 01 - 05),
            apprenticeship: true,
            route: Route::Spectra,
            assignment_number: None,
        },
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();

    // Act: the 3-month checkpoint (5 April 2026) is 20 days overdue on 25 April.
    let first = spectra()
        .args(["retention", "remind", "--today", "2026-04-25"])
        .output()
        .unwrap();
    let again = spectra()
        .args(["retention", "remind", "--today", "2026-04-25"])
        .output()
        .unwrap();
    let typo = spectra()
        .args(["retention", "remind", "--today", "25/04/2026"])
        .output()
        .unwrap();

    // Assert: one overdue reminder, then nothing; a bad date is named.
    assert!(first.status.success());
    assert!(
        String::from_utf8_lossy(&first.stdout).contains("0 due, 1 overdue; emails queued: 1"),
        "{}",
        String::from_utf8_lossy(&first.stdout)
    );
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 due, 0 overdue; emails queued: 0"));
    assert!(!typo.status.success());
    assert!(String::from_utf8_lossy(&typo.stderr).contains("--today"));
    let queued = outbox_message::Entity::find().all(&db).await.unwrap();
    assert_eq!(queued.len(), 1);
    assert!(queued[0].subject.starts_with(OVERDUE));
    assert!(queued[0].body_text.contains(&reference(record.id)));
}
