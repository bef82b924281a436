//! The ESR import job (issue 22), through its service with the app's own worker stopped: two
//! workers (two instances) never run the same job twice; a job resumes after its last batch
//! when its instance stops; a job whose worker went away is taken up again once its claim
//! lapses, and the old worker can no longer write; a job that keeps stopping is given up; an
//! unknown stored status is an error.

use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait};
use spectra::db::esr_import_jobs;
use spectra::domain::esr_import::{BATCH_ROWS, LEASE, MAX_ATTEMPTS};
use spectra::entities::esr_import_job;
use spectra::services::esr_jobs;
use time::{Date, Duration, OffsetDateTime};

use crate::esr::{audit, csv, organisations};
use crate::helpers::{TestApp, acting, spawn_app};

fn today() -> Date {
    spectra::domain::london_time::from_utc(spectra::db::now()).date()
}

/// `n` rows, all to be stored, started ten days ago.
fn extract(n: usize) -> String {
    let start = spectra::domain::esr::format_date(today() - Duration::days(10));
    let rows: Vec<String> = (1..=n)
        .map(|i| {
            format!(
                "{},RBS,Porter,Estates and Ancillary,2,{start},,,yes",
                40_000_000 + i
            )
        })
        .collect();
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    csv(&refs)
}

/// An app whose own worker is stopped, with the organisations and a champion: the database
/// and the champion's ID.
async fn stopped_app() -> (TestApp, i32) {
    let mut app = spawn_app().await;
    organisations(&app).await;
    let user = app
        .create_user("champion@nhs.net", &[spectra::domain::Role::Champion], None)
        .await;
    app.stop().await;
    (app, user)
}

/// Uploads `text` for `user` and queues its import, as the pages do: the job's ID.
async fn queued(db: &DatabaseConnection, user: i32, text: &str) -> i32 {
    let previewed = esr_jobs::upload(
        db,
        acting(user),
        text.to_owned(),
        today(),
        spectra::db::now(),
    )
    .await
    .unwrap()
    .unwrap();
    esr_jobs::queue_import(
        db,
        acting(user),
        previewed.upload_id,
        &previewed.fingerprint,
        today(),
        spectra::db::now(),
    )
    .await
    .unwrap()
    .unwrap()
}

async fn job(db: &DatabaseConnection, id: i32) -> esr_import_job::Model {
    esr_import_job::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

fn never() -> bool {
    false
}

#[tokio::test]
async fn two_workers_never_run_the_same_job() {
    let (app, user) = stopped_app().await;
    let id = queued(&app.db, user, &extract(BATCH_ROWS + 500)).await;

    // Claimed once: a second claim at the same moment finds nothing.
    let now = spectra::db::now();
    let first = esr_import_jobs::claim_next(&app.db, "worker-a", now, LEASE)
        .await
        .unwrap();
    assert_eq!(first.map(|j| j.id), Some(id));
    let second = esr_import_jobs::claim_next(&app.db, "worker-b", now, LEASE)
        .await
        .unwrap();
    assert!(second.is_none());
    // Put back, then two workers on two connections (two instances) race for it.
    assert!(
        esr_import_jobs::release(&app.db, id, "worker-a")
            .await
            .unwrap()
    );
    let other = spectra::db::connect(&app.db_url()).await.unwrap();
    let (a, b) = tokio::join!(
        esr_jobs::run_next(&app.db, "worker-a", now, &never),
        esr_jobs::run_next(&other, "worker-b", now, &never),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(a ^ b, "exactly one worker ran it: {a} {b}");

    let done = job(&app.db, id).await;
    assert_eq!(done.status.as_str(), "done");
    assert_eq!(done.processed_rows, 1500);
    assert_eq!(done.created, 1500);
    assert_eq!(app.count("employment_records").await, 1500);
    assert_eq!(app.count("employment_checkpoints").await, 6000);
    assert_eq!(audit(&app, "esr_imported").await.len(), 1);
    // Nothing is left to claim.
    assert!(
        !esr_jobs::run_next(&app.db, "worker-c", now, &never)
            .await
            .unwrap()
    );
    other.close().await.unwrap();
}

#[tokio::test]
async fn a_job_resumes_after_its_last_batch_when_its_instance_stops() {
    let (app, user) = stopped_app().await;
    let id = queued(&app.db, user, &extract(2 * BATCH_ROWS + 500)).await;

    // The instance stops after the first batch: the job goes back in the queue.
    let calls = std::sync::atomic::AtomicUsize::new(0);
    let stop_after_one = || calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) >= 1;
    let now = spectra::db::now();
    assert!(
        esr_jobs::run_next(&app.db, "worker-a", now, &stop_after_one)
            .await
            .unwrap()
    );
    let paused = job(&app.db, id).await;
    assert_eq!(paused.status.as_str(), "queued");
    assert_eq!(paused.processed_rows, 1000);
    assert_eq!(paused.claimed_by, None);
    assert_eq!(app.count("employment_records").await, 1000);
    assert_eq!(audit(&app, "esr_imported").await.len(), 0);
    let view = esr_jobs::job_for_user(&app.db, user, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((view.processed_rows, view.stored_rows), (1000, 2500));

    // Another instance takes it up after the rows written: nothing twice.
    assert!(
        esr_jobs::run_next(&app.db, "worker-b", now, &never)
            .await
            .unwrap()
    );
    let done = job(&app.db, id).await;
    assert_eq!(done.status.as_str(), "done");
    assert_eq!((done.processed_rows, done.created), (2500, 2500));
    assert_eq!(app.count("employment_records").await, 2500);
    let events = audit(&app, "esr_imported").await;
    assert_eq!(events.len(), 1);
    let details: serde_json::Value = serde_json::from_str(&events[0].details).unwrap();
    assert_eq!(details["created"], 2500);
    assert_eq!(events[0].actor_user_id, Some(user));
}

#[tokio::test]
async fn a_lapsed_claim_is_taken_over_and_the_old_worker_cannot_write() {
    let (app, user) = stopped_app().await;
    let id = queued(&app.db, user, &extract(10)).await;
    let now = spectra::db::now();
    let claimed = esr_import_jobs::claim_next(&app.db, "worker-a", now, LEASE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((claimed.id, claimed.attempts), (id, 1));
    // Its worker went away (the instance was killed). While the claim lasts, nobody else takes
    // it; once it lapses, another worker does, and resumes it.
    let later = now + LEASE - Duration::seconds(1);
    assert!(
        esr_import_jobs::claim_next(&app.db, "worker-b", later, LEASE)
            .await
            .unwrap()
            .is_none()
    );
    let lapsed = now + LEASE + Duration::seconds(1);
    let taken = esr_import_jobs::claim_next(&app.db, "worker-b", lapsed, LEASE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((taken.id, taken.attempts), (id, 2));
    // The first worker, back, cannot write a batch or fail the job.
    let soon = spectra::db::now() + LEASE;
    assert!(
        !esr_import_jobs::hold(&app.db, id, "worker-a", 0, soon)
            .await
            .unwrap()
    );
    assert!(
        !esr_import_jobs::release(&app.db, id, "worker-a")
            .await
            .unwrap()
    );
    assert!(
        esr_import_jobs::hold(&app.db, id, "worker-b", 0, soon)
            .await
            .unwrap()
    );
    assert_eq!(app.count("employment_records").await, 0);
}

#[tokio::test]
async fn a_job_that_keeps_stopping_is_given_up_and_says_so() {
    let (app, user) = stopped_app().await;
    let id = queued(&app.db, user, &extract(10)).await;
    let mut now: OffsetDateTime = spectra::db::now();
    for attempt in 1..=MAX_ATTEMPTS {
        let claimed = esr_import_jobs::claim_next(&app.db, "worker-a", now, LEASE)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(claimed.attempts, attempt);
        now += LEASE + Duration::seconds(1);
    }
    assert!(
        esr_jobs::run_next(&app.db, "worker-b", now, &never)
            .await
            .unwrap()
    );
    let view = esr_jobs::job_for_user(&app.db, user, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.status, spectra::domain::esr_import::JobStatus::Failed);
    assert_eq!(
        view.failure,
        Some(spectra::domain::esr_import::Failure::GaveUp)
    );
    assert_eq!(app.count("employment_records").await, 0);
    assert_eq!(app.count("esr_uploads").await, 0);
    assert_eq!(audit(&app, "esr_imported").await.len(), 0);
}

#[tokio::test]
async fn an_unknown_stored_status_is_an_error() {
    let (app, user) = stopped_app().await;
    let id = queued(&app.db, user, &extract(1)).await;
    app.db
        .execute_unprepared(&format!(
            "UPDATE esr_import_jobs SET status = 'paused' WHERE id = {id}"
        ))
        .await
        .unwrap();
    let error = esr_jobs::job_for_user(&app.db, user, id).await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("unknown JobStatus stored: \"paused\""),
        "{error}"
    );
}

#[tokio::test]
async fn an_unknown_stored_failure_is_an_error() {
    let (app, user) = stopped_app().await;
    let id = queued(&app.db, user, &extract(1)).await;
    app.db
        .execute_unprepared(&format!(
            "UPDATE esr_import_jobs SET status = 'failed', failure = 'oops' WHERE id = {id}"
        ))
        .await
        .unwrap();
    let error = esr_jobs::job_for_user(&app.db, user, id).await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("unknown Failure stored: \"oops\""),
        "{error}"
    );
}
