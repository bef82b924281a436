//! The champion's dashboard: the funnel, guaranteed-interview compliance with its breaches,
//! retention figures computed from employment records, the drill-down lists, the exports with
//! small numbers suppressed and audited, the filters, and who may see any of it.

use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};
use spectra::db::employment::{self, NewEmployment};
use spectra::domain::Role;
use spectra::domain::employment::Route;
use spectra::entities::employment_record;
use time::{Duration, OffsetDateTime};

use crate::applications::{Posted, expect_redirect, post_vacancy, stored};
use crate::helpers::{Client, PASSWORD, TestApp, spawn_app, text_of};
use crate::interviews::{applicant_client, invited_pair};
use crate::shortlisting::{audited, lead};

pub(crate) async fn champion(app: &TestApp) -> Client {
    app.create_user("champion@nhs.net", &[Role::Champion], None)
        .await;
    let client = app.new_client();
    client.sign_in("champion@nhs.net", PASSWORD).await;
    client
}

/// Loads the demo and signs in as its champion.
pub(crate) async fn demo_champion(app: &TestApp) -> Client {
    spectra::seed::demo::load(&app.db, spectra::seed::demo::DEFAULT_PASSWORD)
        .await
        .unwrap();
    let client = app.new_client();
    client
        .sign_in(
            "champion@example.org",
            spectra::seed::demo::DEFAULT_PASSWORD,
        )
        .await;
    client
}

/// Today's date in London, as the dashboard counts it.
fn today() -> time::Date {
    OffsetDateTime::now_utc().date()
}

/// A person who started `days_ago` days ago at `organisation_id`, ending (left or moved)
/// `ended_after` days after starting.
pub(crate) async fn hire(
    app: &TestApp,
    organisation_id: i32,
    days_ago: i64,
    end: Option<(i64, &str)>,
) -> i32 {
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
            end_kind: Set(Some(
                spectra::domain::employment::EndKind::parse(kind).expect("left or moved"),
            )),
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
    assert_eq!(stored(app, second).await.stage.as_str(), "withdrawn");
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
    // A share of 2 would say too much about 2 people.
    assert!(funnel.contains("(too few to say)"), "{funnel}");
    assert!(!funnel.contains("(100%)"), "{funnel}");
    let compliance = text_of(&page, ".nhsuk-summary-list");
    assert!(
        compliance.contains("Opted in and met every essential criterion 2"),
        "{compliance}"
    );
    assert!(
        compliance.contains("Invited to interview 2 (too few to say)"),
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
    // With 4 people, the summary gives no shares: "too few to say".
    let retention = text_of(&page, "#retention ~ .nhsuk-summary-list");
    for expected in [
        "Still in post after 3 months Too few to say: fewer than 10 people",
        "Still in post after 24 months Too few to say: fewer than 10 people",
        "Leaver rate in the last 12 months Too few to say: fewer than 10 people",
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
    // Twice: a taller chart with larger labels for phones, and a wide one.
    assert!(page.contains("viewBox=\"0 0 300 300\""));
    assert!(page.contains("viewBox=\"0 0 640 320\""));
    assert!(page.contains("font-size=\"14\""));
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
async fn ten_or_more_show_their_shares_and_a_leaver_rate_above_the_national_rate_is_flagged() {
    // Arrange: 10 people who started 400 days ago at one trust, 3 of whom left after 100
    // days; 12 at another, all in post; 2 at a third.
    let app = spawn_app().await;
    let leaving = app.create_organisation("Leaving Trust").await;
    let staying = app.create_organisation("Staying Trust").await;
    let small = app.create_organisation("Small Trust").await;
    for i in 0..10 {
        hire(&app, leaving, 400, (i < 3).then_some((100, "left"))).await;
    }
    for _ in 0..12 {
        hire(&app, staying, 400, None).await;
    }
    hire(&app, small, 400, None).await;
    hire(&app, small, 400, Some((100, "left"))).await;
    let champion = champion(&app).await;

    // Act
    let (_, page) = champion.page("/champion").await;

    // Assert: 24 people: the summary gives its shares. The leaver rate over the 12 months is
    // 4 leavers over the mean of 24 and 20 people: 18.2%, above the national 16.2%, said in
    // words.
    let summary = text_of(&page, "#retention ~ .nhsuk-summary-list");
    assert!(
        summary.contains("Still in post after 3 months 100.0%"),
        "{summary}"
    );
    assert!(
        summary.contains("Leaver rate in the last 12 months 18.2% Above the national rate"),
        "{summary}"
    );
    // By organisation: the trust of 10 where 3 left (a leaver rate of 3 over 8.5: 35.3%) is
    // flagged; the trust of 12 is not; the trust of 2 says too few to say.
    let document = scraper::Html::parse_document(&page);
    let row = |name: &str| {
        let selector = scraper::Selector::parse("#retention ~ table tbody tr").unwrap();
        document
            .select(&selector)
            .map(|r| {
                r.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .find(|t| t.starts_with(&format!("Group {name}")))
            .unwrap_or_else(|| panic!("no row for {name}"))
    };
    let leaving_row = row("Leaving Trust");
    assert!(
        leaving_row.contains("After 12 months 70.0%")
            && leaving_row.contains("35.3% Above the national rate"),
        "{leaving_row}"
    );
    let staying_row = row("Staying Trust");
    assert!(
        staying_row.contains("After 12 months 100.0%") && !staying_row.contains("Above"),
        "{staying_row}"
    );
    let small_row = row("Small Trust");
    assert!(
        small_row.contains("After 12 months Too few to say")
            && small_row.contains("Leaver rate, last 12 months Too few to say")
            && !small_row.contains('%'),
        "{small_row}"
    );
}

/// Downloads `path` and returns its file name and body.
async fn download(client: &Client, path: &str) -> (String, String) {
    let response = client.get(path).await;
    assert_eq!(response.status().as_u16(), 200, "{path}");
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    let name = disposition
        .split("filename=\"")
        .nth(1)
        .unwrap()
        .trim_end_matches('"')
        .to_owned();
    (name, response.text().await.unwrap())
}

#[tokio::test]
async fn exports_for_sharing_follow_the_disclosure_control_and_exact_ones_are_marked() {
    // Arrange: two applications at one trust; 6 people in post at another.
    let app = spawn_app().await;
    vacancy_with_a_breach(&app).await;
    let org = app.create_organisation("Walton Test Trust").await;
    for _ in 0..6 {
        hire(&app, org, 500, None).await;
    }
    let champion = champion(&app).await;

    // Act
    let (funnel_name, funnel) = download(&champion, "/champion/export/funnel.csv").await;
    let (_, retention) = download(&champion, "/champion/export/retention.csv").await;
    let (exact_name, exact) = download(&champion, "/champion/export/exact/retention.csv").await;

    // Assert: for sharing, counts from 1 to 7 are "*", 0 stays 0, and no rate for so few.
    assert_eq!(
        funnel_name,
        format!("spectra-funnel-for-sharing-{}.csv", today())
    );
    assert!(
        funnel.starts_with("organisation,programme,sent,shortlisted,interviewed,offered,started")
    );
    assert!(
        funnel.contains("Trust for Porter apprentice,No programme,*,*,0,0,0"),
        "{funnel}"
    );
    assert!(
        funnel.contains("All organisations,All programmes,*,*,0,0,0"),
        "{funnel}"
    );
    assert!(!funnel.contains(",2,"), "{funnel}");
    assert!(
        retention.contains("everyone,Everyone,*,*,0,0,,,,,\n"),
        "{retention}"
    );
    assert!(
        retention.contains("organisation,Walton Test Trust,*,*,0,0,,,,,\n"),
        "{retention}"
    );
    assert!(!retention.contains("<5") && !retention.contains("OFFICIAL"));
    // Exact: named and headed as not for sharing, with every figure.
    assert_eq!(
        exact_name,
        format!("official-sensitive-retention-{}.csv", today())
    );
    assert!(
        exact.starts_with("OFFICIAL-SENSITIVE: not for sharing\nbreakdown,group,people"),
        "{exact}"
    );
    assert!(
        exact.contains("organisation,Walton Test Trust,6,6,0,0,100.0,100.0,100.0,,0.0"),
        "{exact}"
    );

    // Eight more in post, one of whom left, at an organisation whose name a spreadsheet
    // would run as a formula: 15 in all.
    let hostile = app.create_organisation("=HYPERLINK(\"http://x\")").await;
    for _ in 0..8 {
        hire(&app, hostile, 100, None).await;
    }
    hire(&app, hostile, 100, Some((50, "left"))).await;
    let (_, retention) = download(&champion, "/champion/export/retention.csv").await;
    // The formula is written so that a spreadsheet shows it, not runs it; 9 rounds to 10,
    // 8 in post to 10, the 1 who left is hidden, so its rates are not shown.
    assert!(
        retention.contains("organisation,\"'=HYPERLINK(\"\"http://x\"\")\",10,10,*,0,,,,,\n"),
        "{retention}"
    );
    // Everyone: 15 (14 in post, 1 left): the total is rounded from the exact figures.
    assert!(
        retention.contains("everyone,Everyone,15,15,*,0,,,,,\n"),
        "{retention}"
    );

    // Each export is audited, with its kind and the filters, never personal data.
    let events = audited(&app, "report_exported").await;
    let subjects: Vec<&str> = events.iter().map(|e| e.subject.as_str()).collect();
    assert_eq!(
        subjects,
        [
            "dashboard:funnel",
            "dashboard:retention",
            "dashboard:retention",
            "dashboard:retention"
        ]
    );
    let kinds: Vec<bool> = events
        .iter()
        .map(|e| e.details.contains("\"kind\":\"exact\""))
        .collect();
    assert_eq!(kinds, [false, false, true, false]);
    assert!(
        events
            .iter()
            .filter(|e| !e.details.contains("\"kind\":\"exact\""))
            .all(|e| e.details.contains("\"kind\":\"for_sharing\""))
    );
    assert!(events.iter().all(|e| !e.details.contains('@')));
    // An unknown table is not found, in either kind.
    for path in [
        "/champion/export/users.csv",
        "/champion/export/exact/users.csv",
    ] {
        assert_eq!(champion.get(path).await.status().as_u16(), 404);
    }
}

#[tokio::test]
async fn a_group_of_10_or_more_shows_its_rates_rounded_and_its_curve_at_the_checkpoints() {
    // Arrange: 12 people who started 500 days ago, all still in post.
    let app = spawn_app().await;
    let org = app.create_organisation("Walton Test Trust").await;
    for _ in 0..12 {
        hire(&app, org, 500, None).await;
    }
    let champion = champion(&app).await;

    // Act
    let (_, retention) = download(&champion, "/champion/export/retention.csv").await;
    let (curve_name, curve) = download(&champion, "/champion/export/curve.csv").await;
    let (_, exact_curve) = download(&champion, "/champion/export/exact/curve.csv").await;

    // Assert: 12 is shown as 10; the rates are shown as whole percentages.
    assert!(
        retention.contains("organisation,Walton Test Trust,10,10,0,0,100,100,100,,0\n"),
        "{retention}"
    );
    assert_eq!(
        curve_name,
        format!("spectra-curve-for-sharing-{}.csv", today())
    );
    assert_eq!(
        curve,
        "months,still_followed,left_by_then,still_in_post_pct,ci_low_pct,ci_high_pct\n\
         0,10,0,,,\n3,10,0,100,100,100\n6,10,0,100,100,100\n12,10,0,100,100,100\n24,0,0,,,\n"
    );
    assert!(exact_curve.starts_with("OFFICIAL-SENSITIVE: not for sharing\nday,at_risk"));
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
        "/champion/export/exact/curve.csv",
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
    assert_eq!(audited(&app, "report_exported").await.len(), 3);
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

/// A number read from the start of `text` ("5 of 25" gives 5).
fn leading_number(text: &str) -> i64 {
    text.split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no number at the start of {text:?}"))
}

/// The demo's SPECTRA 25/7 programme, and the organisation with most of its hires.
async fn demo_programme(app: &TestApp) -> (i32, i32) {
    let backend = app.db.get_database_backend();
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            backend,
            "SELECT e.programme_id AS p, e.organisation_id AS o, COUNT(*) AS n \
             FROM employment_records e WHERE e.programme_id IS NOT NULL \
             GROUP BY e.programme_id, e.organisation_id ORDER BY n DESC, o LIMIT 1",
        ))
        .await
        .unwrap()
        .unwrap();
    (
        row.try_get::<i32>("", "p").unwrap(),
        row.try_get::<i32>("", "o").unwrap(),
    )
}

/// The progress, retention and funnel figures of a dashboard page: (people started against
/// the target, people who started in retention, the funnel's total of starters).
fn progress_retention_funnel(page: &str) -> (i64, Option<i64>, Option<i64>) {
    let progress = leading_number(&text_of(page, ".nhsuk-card__description strong"));
    let retention_text = text_of(page, "#retention ~ p");
    let retention = retention_text
        .contains("started:")
        .then(|| leading_number(&retention_text));
    let document = scraper::Html::parse_document(page);
    let rows = scraper::Selector::parse("#funnel ~ table tbody tr").unwrap();
    let links = scraper::Selector::parse("td a").unwrap();
    // The first table's total row: its fifth link is the number who started.
    let funnel = document
        .select(&rows)
        .find(|r| r.text().collect::<String>().contains("programme All"))
        .and_then(|row| {
            row.select(&links)
                .nth(4)
                .map(|a| leading_number(&a.text().collect::<String>()))
        });
    (progress, retention, funnel)
}

#[tokio::test]
async fn progress_is_counted_with_the_filters_and_the_as_at_day() {
    // Arrange: the demo, whose SPECTRA 25/7 has hires over several years.
    let app = spawn_app().await;
    let client = demo_champion(&app).await;
    let (programme, organisation) = demo_programme(&app).await;

    // Act: today, and as things stood at the end of 2024.
    let (_, today_page) = client
        .page(&format!("/champion?programme={programme}"))
        .await;
    let (_, then_page) = client
        .page(&format!("/champion?programme={programme}&to=2024-12-31"))
        .await;

    // Assert: progress agrees with retention's count of starters, at each day; the end of
    // 2024 counts fewer than today, and the page says it counts to that day.
    let (now, now_retention, _) = progress_retention_funnel(&today_page);
    let (then, then_retention, _) = progress_retention_funnel(&then_page);
    assert_eq!(Some(now), now_retention, "today");
    assert_eq!(Some(then), then_retention, "at the end of 2024");
    assert!(then < now, "{then} started by 2024, {now} today");
    let card = text_of(&then_page, ".nhsuk-card");
    assert!(
        card.contains(&format!(
            "{then} of 25 people have started work against the target of 25, counting those who \
             started by the end of 31 December 2024"
        )),
        "{card}"
    );
    assert!(card.contains("As things are today, whatever the dates above"));

    // Act: one organisation, the programme and a first day.
    let (_, page) = client
        .page(&format!(
            "/champion?organisation={organisation}&programme={programme}&from=2024-01-01"
        ))
        .await;

    // Assert: progress, retention and the funnel's starters agree.
    let (progress, retention, funnel) = progress_retention_funnel(&page);
    assert_eq!(Some(progress), retention, "{page}");
    assert_eq!(
        Some(progress),
        funnel,
        "the funnel's starters: {}",
        text_of(&page, "#funnel ~ table")
    );
    assert!(
        text_of(&page, ".nhsuk-card").contains("counting those who started from 1 January 2024"),
        "{}",
        text_of(&page, ".nhsuk-card")
    );
}

#[tokio::test]
async fn a_slow_count_shows_the_last_figures_with_when_they_were_counted_never_a_timeout() {
    // Arrange: figures never reused, and no count may keep a view waiting at all, as when a
    // count is slower than the limit.
    let app = crate::helpers::spawn_app_with(|config| {
        config.dashboard_cache = std::time::Duration::ZERO;
        config.dashboard_count_limit = std::time::Duration::ZERO;
    })
    .await;
    let client = demo_champion(&app).await;

    // Act: the first view, before anything was ever counted.
    let (status, first) = client.page("/champion").await;

    // Assert: it answers at once, saying the figures are being counted, and shows none.
    assert_eq!(status, 200);
    assert!(
        text_of(&first, ".app-figures-notice").contains(
            "The figures for these filters are being counted. This is taking longer than usual."
        ),
        "{first}"
    );
    assert!(!first.contains("id=\"progress\""), "no figures yet");

    // Act: later views, once the count that went on in the background has finished.
    let late = crate::helpers::eventually("the background count's figures", async || {
        let (status, page) = client.page("/champion").await;
        assert_eq!(status, 200);
        page.contains("id=\"progress\"").then_some(page)
    })
    .await;

    // Assert: they show the last figures counted, saying so and when.
    let notice = text_of(&late, ".app-figures-notice");
    assert!(
        notice.contains(
            "Counting these figures again is taking longer than usual, so these are the last \
             figures counted, at"
        ),
        "{notice}"
    );
    assert!(late.contains("Recruitment programmes"));
}
