//! The dashboard's summary tables (issue 24 point 5): for the demo's data and for a synthetic
//! seed, and after stage changes made by the service, every funnel count and every stay count
//! read from the summaries is the same as counted straight from the stage history (the
//! straightforward queries, `db::reports::history`, the oracle), for the whole partnership and
//! for each filter. `spectra reports check` finds a summary that has gone wrong, and `spectra
//! reports rebuild` puts it right.

use std::process::{Command, Output, Stdio};

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use spectra::db::applications;
use spectra::db::reports::{self, ReportFilter, StageCount, StageStay, history};
use spectra::domain::application::{Stage, can_move};
use spectra::seed::synthetic::{self, Counts, Options};
use time::{Date, Duration};

use crate::helpers::{TestApp, spawn_app};

/// The integers one query returns, in order.
async fn ids(db: &DatabaseConnection, sql: &str) -> Vec<i32> {
    let backend = db.get_database_backend();
    db.query_all_raw(Statement::from_string(backend, sql))
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get_by_index::<i32>(0).unwrap())
        .collect()
}

/// The one number a counting query returns.
async fn number(db: &DatabaseConnection, sql: &str) -> i64 {
    let backend = db.get_database_backend();
    db.query_one_raw(Statement::from_string(backend, sql))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap()
}

/// The first and last days applications were sent.
async fn days_sent(db: &DatabaseConnection) -> (Date, Date) {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT MIN(submitted_at) AS first, MAX(submitted_at) AS last FROM applications",
        ))
        .await
        .unwrap()
        .unwrap();
    let first: time::OffsetDateTime = row.try_get("", "first").unwrap();
    let last: time::OffsetDateTime = row.try_get("", "last").unwrap();
    (first.date(), last.date())
}

/// Every filter the champion can choose, over the data's organisations, programmes and days:
/// none, each organisation, each programme, no programme, periods (a day, open-ended at either
/// end, one whose edges fall on days with data), and some of them together.
async fn filters(db: &DatabaseConnection) -> Vec<ReportFilter> {
    let organisations = ids(db, "SELECT id FROM organisations ORDER BY id").await;
    let programmes = ids(db, "SELECT id FROM programmes ORDER BY id").await;
    let (first, last) = days_sent(db).await;
    let middle = first + (last - first) / 2;
    let periods = [
        (None, None),
        (Some(middle), None),
        (None, Some(middle)),
        (
            Some(first + Duration::days(1)),
            Some(last - Duration::days(1)),
        ),
        (Some(middle), Some(middle)),
    ];
    let mut filters = Vec::new();
    for (from, to) in periods {
        let dated = ReportFilter {
            from,
            to,
            ..ReportFilter::default()
        };
        filters.push(dated);
        filters.push(ReportFilter {
            no_programme: true,
            ..dated
        });
        for &organisation in &organisations {
            filters.push(ReportFilter {
                organisation_id: Some(organisation),
                ..dated
            });
        }
        for &programme in &programmes {
            filters.push(ReportFilter {
                programme_id: Some(programme),
                ..dated
            });
            if let Some(&organisation) = organisations.first() {
                filters.push(ReportFilter {
                    organisation_id: Some(organisation),
                    programme_id: Some(programme),
                    ..dated
                });
            }
        }
    }
    filters
}

fn funnel_key(c: &StageCount) -> (i32, Option<i32>, &'static str) {
    (c.organisation_id, c.programme_id, c.stage.as_str())
}

fn stay_key(s: &StageStay) -> (i32, Option<i32>, &'static str, i64) {
    (s.organisation_id, s.programme_id, s.stage.as_str(), s.days)
}

/// Asserts that, for every filter, the summaries give exactly the history's figures; returns
/// how many applications the unfiltered funnel counts as sent and how many stays it counts,
/// so a test can see it compared something.
async fn assert_same_as_history(db: &DatabaseConnection, what: &str) -> (i64, i64) {
    let all = filters(db).await;
    assert!(all.len() > 10, "{what}: too few filters: {all:?}");
    for filter in &all {
        let mut kept = reports::funnel_counts(db, filter).await.unwrap();
        let mut counted = history::funnel_counts(db, filter).await.unwrap();
        kept.sort_by_key(funnel_key);
        counted.sort_by_key(funnel_key);
        assert_eq!(kept, counted, "{what}: the funnel for {filter:?}");

        let mut kept = reports::stage_stays(db, filter).await.unwrap();
        let mut counted = history::stage_stays(db, filter).await.unwrap();
        kept.sort_by_key(stay_key);
        counted.sort_by_key(stay_key);
        assert_eq!(kept, counted, "{what}: the stays for {filter:?}");
    }
    let everything = ReportFilter::default();
    let sent = history::funnel_counts(db, &everything)
        .await
        .unwrap()
        .iter()
        .filter(|c| c.stage == Stage::Submitted)
        .map(|c| c.count)
        .sum();
    let stays = history::stage_stays(db, &everything)
        .await
        .unwrap()
        .iter()
        .map(|s| s.count)
        .sum();
    (sent, stays)
}

/// Applications sent (not drafts), as stored.
async fn sent_applications(db: &DatabaseConnection) -> i64 {
    number(
        db,
        "SELECT COUNT(*) FROM applications WHERE submitted_at IS NOT NULL",
    )
    .await
}

fn synthetic_options(seed: u64) -> Options {
    Options {
        counts: Counts {
            organisations: 3,
            vacancies: 30,
            open: 6,
            applicants: 80,
            applications: 400,
            shortlisting_applications: 0,
            hires: 0,
        },
        seed: Some(seed),
        lead_password: None,
    }
}

#[tokio::test]
async fn the_demo_figures_from_the_summaries_are_those_of_the_history() {
    let app = spawn_app().await;
    spectra::seed::demo::load(&app.db, spectra::seed::demo::DEFAULT_PASSWORD)
        .await
        .unwrap();

    let (sent, stays) = assert_same_as_history(&app.db, "the demo").await;

    assert!(sent > 20, "the demo sends {sent} applications");
    assert!(stays > 20, "the demo has {stays} stays");
}

#[tokio::test]
async fn the_synthetic_figures_from_the_summaries_are_those_of_the_history() {
    let app = spawn_app().await;
    synthetic::seed(&app.db, &synthetic_options(11))
        .await
        .unwrap();
    let (sent, stays) = assert_same_as_history(&app.db, "one seeding").await;
    assert_eq!(sent, sent_applications(&app.db).await);
    assert!(sent > 300, "{sent} of the 400 applications were sent");
    assert!(stays > sent, "{stays} stays");

    // A second seeding adds to the history; the summaries count all of it.
    synthetic::seed(&app.db, &synthetic_options(12))
        .await
        .unwrap();
    let (more, _) = assert_same_as_history(&app.db, "two seedings").await;
    assert_eq!(more, sent_applications(&app.db).await);
    assert!(more > sent, "{sent} then {more}");
}

/// The stage an application may go to next, chosen by `pick` among the moves the pipeline
/// allows (withdrawing and unsuccessful aside, so that most stay open to move again).
fn next_stage(from: Stage, pick: usize) -> Option<Stage> {
    let forward: Vec<Stage> = Stage::ALL
        .iter()
        .copied()
        .filter(|to| can_move(from, *to) && !matches!(to, Stage::Withdrawn | Stage::Unsuccessful))
        .collect();
    match pick % 7 {
        0 if can_move(from, Stage::Withdrawn) => Some(Stage::Withdrawn),
        _ if forward.is_empty() => None,
        n => Some(forward[n % forward.len()]),
    }
}

/// Moves every open application of the seeded data a few steps through the pipeline with the
/// service's own function, in its own transaction each, including bookings cancelled (back to
/// "invited to interview", a stage entered twice).
async fn move_applications(app: &TestApp) -> usize {
    use sea_orm::TransactionTrait;
    let mut moved = 0;
    let open = ids(
        &app.db,
        "SELECT id FROM applications WHERE stage NOT IN \
         ('draft', 'not_shortlisted', 'started', 'withdrawn', 'unsuccessful') ORDER BY id",
    )
    .await;
    for (n, id) in open.into_iter().enumerate() {
        for step in 0..4 {
            let stage = spectra::db::applications::find(&app.db, id)
                .await
                .unwrap()
                .unwrap()
                .stage;
            let Some(to) = next_stage(stage, n + step) else {
                break;
            };
            let txn = app.db.begin().await.unwrap();
            assert!(
                applications::change_stage(&txn, id, stage, to, None, "")
                    .await
                    .unwrap()
            );
            txn.commit().await.unwrap();
            moved += 1;
        }
    }
    moved
}

#[tokio::test]
async fn stage_changes_made_by_the_service_keep_the_summaries_those_of_the_history() {
    let app = spawn_app().await;
    synthetic::seed(&app.db, &synthetic_options(13))
        .await
        .unwrap();
    let revisits_before = number(
        &app.db,
        "SELECT COUNT(*) FROM application_stage_changes WHERE to_stage = 'invited_to_interview' \
         AND from_stage = 'interview_booked'",
    )
    .await;

    let moved = move_applications(&app).await;

    let revisits_after = number(
        &app.db,
        "SELECT COUNT(*) FROM application_stage_changes WHERE to_stage = 'invited_to_interview' \
         AND from_stage = 'interview_booked'",
    )
    .await;
    assert!(moved > 100, "{moved} moves");
    assert!(
        revisits_after > revisits_before,
        "some bookings were cancelled: {revisits_before} then {revisits_after}"
    );
    assert_same_as_history(&app.db, "after the service's moves").await;
}

fn spectra_cli(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spectra"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[tokio::test]
async fn the_check_finds_a_wrong_summary_and_the_rebuild_puts_it_right() {
    let app = spawn_app().await;
    synthetic::seed(&app.db, &synthetic_options(14))
        .await
        .unwrap();
    let url = app.db_url();
    let agreed = spectra_cli(&url, &["reports", "check"]);
    assert!(agreed.status.success(), "{agreed:?}");
    assert!(
        String::from_utf8_lossy(&agreed.stdout)
            .contains("The dashboard's summaries agree with the stage history."),
        "{agreed:?}"
    );

    // A summary row goes wrong (as a restore of only some tables would leave it).
    let backend = app.db.get_database_backend();
    app.db
        .execute_raw(Statement::from_string(
            backend,
            "UPDATE report_stage_stays SET count = count + 1 WHERE days = \
             (SELECT MIN(days) FROM report_stage_stays)",
        ))
        .await
        .unwrap();
    app.db
        .execute_raw(Statement::from_string(
            backend,
            "DELETE FROM report_stage_reach WHERE stage = 'interviewed'",
        ))
        .await
        .unwrap();

    let differed = spectra_cli(&url, &["reports", "check"]);
    assert_eq!(differed.status.code(), Some(1), "{differed:?}");
    let said = String::from_utf8_lossy(&differed.stderr);
    assert!(
        said.contains("the dashboard's summaries differ from the stage history"),
        "{said}"
    );
    assert!(said.contains("run `spectra reports rebuild`"), "{said}");

    let rebuilt = spectra_cli(&url, &["reports", "rebuild"]);
    assert!(rebuilt.status.success(), "{rebuilt:?}");
    assert_same_as_history(&app.db, "after the rebuild").await;
    assert!(spectra_cli(&url, &["reports", "check"]).status.success());
}

/// Moves `ids` (all at "submitted") to "shortlisting" one after another in one transaction.
async fn move_all(db: DatabaseConnection, ids: Vec<i32>) -> Result<(), sea_orm::DbErr> {
    use sea_orm::TransactionTrait;
    let txn = db.begin().await?;
    for id in ids {
        let moved =
            applications::change_stage(&txn, id, Stage::Submitted, Stage::Shortlisting, None, "")
                .await?;
        assert!(moved, "application {id} was at submitted");
    }
    txn.commit().await
}

#[tokio::test]
async fn two_transactions_moving_applications_of_one_organisation_in_opposite_orders_both_commit() {
    // Arrange: applications of one organisation and programme waiting at "submitted", sent
    // on a few days, so that two transactions moving them add to the same summary rows.
    let app = spawn_app().await;
    synthetic::seed(&app.db, &synthetic_options(15))
        .await
        .unwrap();
    let waiting = ids(
        &app.db,
        "SELECT a.id FROM applications a JOIN vacancies v ON v.id = a.vacancy_id \
         WHERE a.stage = 'submitted' AND v.organisation_id = \
         (SELECT MIN(organisation_id) FROM vacancies) AND v.programme_id IS NULL \
         ORDER BY a.id",
    )
    .await;
    assert!(waiting.len() >= 8, "{} waiting", waiting.len());
    let days = ["2026-03-02 09:00:00+00", "2026-03-03 09:00:00+00"];
    for (n, id) in waiting.iter().enumerate() {
        app.db
            .execute_unprepared(&format!(
                "UPDATE applications SET submitted_at = '{}' WHERE id = {id}",
                days[n % 2]
            ))
            .await
            .unwrap();
    }
    spectra::services::report_summaries::rebuild(&app.db)
        .await
        .unwrap();
    let half = waiting.len() / 2;
    let first: Vec<i32> = waiting[..half].to_vec();
    let mut second: Vec<i32> = waiting[half..].to_vec();
    second.reverse();

    // Act: both at once, one in each order of the days.
    let (a, b) = tokio::join!(
        tokio::spawn(move_all(app.db.clone(), first)),
        tokio::spawn(move_all(app.db.clone(), second)),
    );

    // Assert: neither failed (a deadlock would fail one), and the summaries count both.
    a.unwrap().unwrap();
    b.unwrap().unwrap();
    assert_same_as_history(&app.db, "after two transactions at once").await;
}
