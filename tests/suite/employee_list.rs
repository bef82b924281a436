//! A hiring manager's list of employees stays quick and right however many records their
//! organisation has (issue 22, point 1): it is paged, 50 to a page, with the counts for the
//! whole organisation; the database orders and pages it, so a page reads a page of records.

use std::cmp::Reverse;

use scraper::{Html, Selector};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, TransactionTrait};
use spectra::db::employment::{self, NewEmployment};
use spectra::domain::Role;
use spectra::domain::employment::{CheckpointOutcome, Route, add_months};
use spectra::entities::employment_checkpoint;
use spectra::services::retention;
use time::{Date, Duration};

use crate::helpers::{Client, PASSWORD, TestApp, spawn_app, text_of};

/// A hiring manager of an organisation, signed in.
async fn manager_of(app: &TestApp, organisation_id: i32, email: &str) -> Client {
    app.create_user(email, &[Role::HiringManager], Some(organisation_id))
        .await;
    let client = app.new_client();
    client.sign_in(email, PASSWORD).await;
    client
}

/// Employment records of an organisation, one for each start date, in one transaction.
async fn employ_all(
    app: &TestApp,
    organisation_id: i32,
    route: Route,
    starts: &[Date],
) -> Vec<i32> {
    let txn = app.db.begin().await.unwrap();
    let mut ids = Vec::new();
    for (i, start) in starts.iter().enumerate() {
        let number = (route == Route::Esr).then(|| format!("{organisation_id}-{i:05}"));
        let record = employment::start(
            &txn,
            &NewEmployment {
                application_id: None,
                user_id: None,
                organisation_id,
                programme_id: None,
                role: "Ward clerk".to_owned(),
                band: "3".to_owned(),
                staff_group: "Administrative and Clerical".to_owned(),
                start_date: *start,
                apprenticeship: false,
                route,
                assignment_number: number,
            },
        )
        .await
        .unwrap();
        ids.push(record.id);
    }
    txn.commit().await.unwrap();
    ids
}

/// `n` start dates a day apart (repeating after 80 days, so no checkpoint is due yet), the
/// first `days_ago` days before today.
fn starts(n: i64, days_ago: i64) -> Vec<Date> {
    let today = retention::today();
    (0..n)
        .map(|i| today - Duration::days(days_ago + i % 80))
        .collect()
}

/// Start dates whose 3-month checkpoint is overdue (a week or more ago) and 12-month one not
/// yet due.
fn overdue_starts(n: i64) -> Vec<Date> {
    let first = add_months(retention::today(), -3) - Duration::days(7);
    (0..n).map(|i| first - Duration::days(i)).collect()
}

/// Records the first `n` checkpoints of each record as in post, as its manager would.
async fn record_checkpoints(app: &TestApp, ids: &[i32], n: usize) {
    for id in ids {
        for checkpoint in employment::checkpoints_of(&app.db, *id)
            .await
            .unwrap()
            .into_iter()
            .take(n)
        {
            let mut c: employment_checkpoint::ActiveModel = checkpoint.into();
            c.outcome = Set(Some(CheckpointOutcome::InPost));
            c.update(&app.db).await.unwrap();
        }
    }
}

/// Start dates more than two years ago, a day apart: every checkpoint has fallen due.
fn long_ago_starts(n: i64) -> Vec<Date> {
    let first = add_months(retention::today(), -25);
    (0..n).map(|i| first - Duration::days(i)).collect()
}

/// The order the list must have, worked out from each record's stored checkpoints: the
/// earliest unrecorded checkpoint first (nothing left to record last), then the newest start.
async fn expected_order(app: &TestApp, ids: &[i32]) -> Vec<i32> {
    let mut keyed = Vec::new();
    for id in ids {
        let record = employment::find(&app.db, *id).await.unwrap().unwrap();
        let next = employment::checkpoints_of(&app.db, *id)
            .await
            .unwrap()
            .into_iter()
            .filter(|c| c.outcome.is_none())
            .map(|c| c.due_on)
            .min();
        keyed.push(((next.is_none(), next), Reverse((record.start_date, *id))));
    }
    keyed.sort();
    keyed.into_iter().map(|(_, Reverse((_, id)))| id).collect()
}

/// The employment records listed on a page, in order, by the IDs in their links.
fn listed(body: &str) -> Vec<i32> {
    let doc = Html::parse_document(body);
    let links = Selector::parse("table tbody a").unwrap();
    doc.select(&links)
        .filter_map(|a| a.value().attr("href"))
        .filter_map(|href| href.strip_prefix("/manage/employees/"))
        .map(|id| id.parse().unwrap())
        .collect()
}

/// The page numbers the pagination links go to: (previous, next).
fn pagination(body: &str) -> (Option<String>, Option<String>) {
    let doc = Html::parse_document(body);
    let href = |css: &str| {
        doc.select(&Selector::parse(css).unwrap())
            .next()
            .and_then(|a| a.value().attr("href"))
            .map(str::to_owned)
    };
    (
        href("a.nhsuk-pagination__link--prev"),
        href("a.nhsuk-pagination__link--next"),
    )
}

#[tokio::test]
async fn the_list_is_paged_with_counts_for_the_whole_organisation_and_no_one_elses_records() {
    // Arrange: at Trust A, 70 hires with a checkpoint overdue, 50 with nothing due yet and 15
    // with every checkpoint recorded, and 40 staff from ESR with checkpoints overdue (the
    // champion's only); at Trust B, 10 hires with a checkpoint overdue.
    let app = spawn_app().await;
    let org = app.create_organisation("Trust A").await;
    let other_org = app.create_organisation("Trust B").await;
    let mut ours = employ_all(&app, org, Route::Spectra, &overdue_starts(70)).await;
    ours.extend(employ_all(&app, org, Route::Spectra, &starts(50, 1)).await);
    let done = employ_all(&app, org, Route::Spectra, &long_ago_starts(15)).await;
    record_checkpoints(&app, &done, 4).await;
    ours.extend(done.iter().copied());
    let esr = employ_all(&app, org, Route::Esr, &overdue_starts(40)).await;
    let theirs = employ_all(&app, other_org, Route::Spectra, &overdue_starts(10)).await;
    let manager = manager_of(&app, org, "hm.a@nhs.net").await;
    let other = manager_of(&app, other_org, "hm.b@nhs.net").await;
    let order = expected_order(&app, &ours).await;

    // Act
    let (status, first) = manager.page("/manage/employees").await;
    let (_, second) = manager.page("/manage/employees?page=2").await;
    let (_, third) = manager.page("/manage/employees?page=3").await;

    // Assert: 50, 50 and 35 of Trust A's own hires, in the list's order: overdue first, those
    // with nothing left to record last (the third page has the last 20 with a checkpoint to
    // record, then those 15).
    assert_eq!(status, 200);
    assert_eq!(listed(&first), order[..50]);
    assert_eq!(listed(&second), order[50..100]);
    assert_eq!(listed(&third), order[100..]);
    assert_eq!(listed(&third)[20..], order[120..]);
    assert!(order[120..].iter().all(|id| done.contains(id)));
    assert_eq!(third.matches("None left to record").count(), 15);
    // The counts are the whole organisation's on every page.
    for (page, number, showing) in [
        (&first, 1, "Showing 1 to 50 of 135 people."),
        (&second, 2, "Showing 51 to 100 of 135 people."),
        (&third, 3, "Showing 101 to 135 of 135 people."),
    ] {
        assert!(
            text_of(page, ".nhsuk-warning-callout")
                .contains("70 people have a checkpoint that fell due and has not been recorded"),
            "{page}"
        );
        assert_eq!(text_of(page, "#showing"), showing);
        assert!(
            text_of(page, "caption").ends_with(&format!("(page {number} of 3)")),
            "{}",
            text_of(page, "caption")
        );
        assert!(
            text_of(page, "title").starts_with(&format!("Employees (page {number} of 3) ")),
            "{}",
            text_of(page, "title")
        );
    }
    // Each page links to its neighbours.
    assert_eq!(
        pagination(&first),
        (None, Some("/manage/employees?page=2".into()))
    );
    assert_eq!(
        pagination(&second),
        (
            Some("/manage/employees?page=1".into()),
            Some("/manage/employees?page=3".into())
        )
    );
    assert_eq!(
        pagination(&third),
        (Some("/manage/employees?page=2".into()), None)
    );
    // No page shows the ESR records or Trust B's.
    for page in [&first, &second, &third] {
        assert!(
            listed(page)
                .iter()
                .all(|id| !esr.contains(id) && !theirs.contains(id))
        );
    }

    // Trust B's manager sees their 10 on one page, without pagination, and none of Trust A's.
    let (_, list) = other.page("/manage/employees").await;
    let mut seen = listed(&list);
    seen.sort_unstable();
    assert_eq!(seen, theirs);
    assert!(text_of(&list, ".nhsuk-warning-callout").contains("10 people have a checkpoint"));
    assert_eq!(pagination(&list), (None, None));
    assert_eq!(text_of(&list, "#showing"), "");
}

#[tokio::test]
async fn a_page_past_the_end_or_not_a_page_number_shows_the_nearest_page() {
    // Arrange: 60 hires, two pages.
    let app = spawn_app().await;
    let org = app.create_organisation("Trust A").await;
    let ids = employ_all(&app, org, Route::Spectra, &starts(60, 1)).await;
    let manager = manager_of(&app, org, "hm.a@nhs.net").await;
    let order = expected_order(&app, &ids).await;

    for (path, page, rows) in [
        ("/manage/employees?page=9", 2, &order[50..]),
        (
            "/manage/employees?page=18446744073709551616",
            1,
            &order[..50],
        ),
        ("/manage/employees?page=0", 1, &order[..50]),
        ("/manage/employees?page=-2", 1, &order[..50]),
        ("/manage/employees?page=two", 1, &order[..50]),
        ("/manage/employees?page=", 1, &order[..50]),
    ] {
        // Act
        let (status, body) = manager.page(path).await;

        // Assert: the nearest page, saying which it is.
        assert_eq!(status, 200, "{path}");
        assert_eq!(listed(&body), rows, "{path}");
        assert!(
            text_of(&body, "caption").ends_with(&format!("(page {page} of 2)")),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_page_reads_fifty_records_however_many_the_organisation_has() {
    // Arrange: 300 hires (120 with a checkpoint overdue, 60 with the first recorded and the
    // next not yet due, 40 with nothing due yet, 80 with every checkpoint recorded), and 300
    // ESR records with checkpoints overdue, all at one organisation.
    let app = spawn_app().await;
    let org = app.create_organisation("Trust A").await;
    let mut ours = employ_all(&app, org, Route::Spectra, &overdue_starts(120)).await;
    let recorded = employ_all(&app, org, Route::Spectra, &overdue_starts(60)).await;
    record_checkpoints(&app, &recorded, 1).await;
    ours.extend(recorded);
    ours.extend(employ_all(&app, org, Route::Spectra, &starts(40, 1)).await);
    let done = employ_all(&app, org, Route::Spectra, &long_ago_starts(80)).await;
    record_checkpoints(&app, &done, 4).await;
    ours.extend(done.iter().copied());
    employ_all(&app, org, Route::Esr, &overdue_starts(300)).await;
    let manager = manager_of(&app, org, "hm.a@nhs.net").await;
    let order = expected_order(&app, &ours).await;

    // Act
    let (status, body) = manager.page("/manage/employees").await;

    // Assert: 50 listed, the 50 longest overdue; the totals are the organisation's.
    assert_eq!(status, 200);
    assert_eq!(listed(&body), order[..50]);
    assert_eq!(body.matches("nhsuk-tag--red\">Overdue").count(), 50);
    assert_eq!(text_of(&body, "#showing"), "Showing 1 to 50 of 300 people.");
    assert!(
        text_of(&body, ".nhsuk-warning-callout").contains("120 people have a checkpoint"),
        "{}",
        text_of(&body, ".nhsuk-warning-callout")
    );
    assert_eq!(
        pagination(&body).1.as_deref(),
        Some("/manage/employees?page=2")
    );
    // The third page: the last 20 overdue, then the next to fall due.
    let (_, third) = manager.page("/manage/employees?page=3").await;
    assert_eq!(listed(&third), order[100..150]);
    assert_eq!(third.matches("nhsuk-tag--red\">Overdue").count(), 20);
    // The fifth page: the last 20 with a checkpoint to record, then the first 30 with nothing
    // left to record; the last page: the other 50 of those, newest start first.
    let (_, fifth) = manager.page("/manage/employees?page=5").await;
    assert_eq!(listed(&fifth), order[200..250]);
    assert_eq!(listed(&fifth)[20..], done[..30]);
    let (_, last) = manager.page("/manage/employees?page=6").await;
    assert_eq!(listed(&last), order[250..]);
    assert_eq!(listed(&last), done[30..]);
    assert_eq!(last.matches("None left to record").count(), 50);
    assert_eq!(
        text_of(&last, "#showing"),
        "Showing 251 to 300 of 300 people."
    );
}
