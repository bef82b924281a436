//! Browser tests: the pages of an ESR import running in the background (issue 22) pass axe-core
//! in each state (running, failed because the changes moved on, done), and a failed import's
//! "check again" link leads by keyboard to the new preview.

use sea_orm::TransactionTrait;
use spectra::db::esr_import_jobs::{self, Totals};
use spectra::domain::esr_import::LEASE;
use spectra::services::esr_jobs;

use super::{Browser, keyboard_sign_in, spawn_app_with_demo};
use crate::require;

const EXTRACT: &str = "assignment_number,organisation_code,job_role,staff_group,band,start_date,end_date,leaving_reason,care_experienced\n99000001-1,RBS,Porter,Estates and Ancillary,2,2024-01-15,,,yes\n99000002-1,RBS,Porter,Estates and Ancillary,2,2024-01-15,,,no\n";

#[tokio::test]
async fn the_pages_of_an_import_in_the_background_pass_axe_core() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app_with_demo().await;
    let browser = Browser::start().await;
    let b = &app.base;
    keyboard_sign_in(&browser, b, "champion@example.org").await;
    let champion = spectra::db::users::find_by_email(&app.db, "champion@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    let today = spectra::domain::london_time::from_utc(spectra::db::now()).date();
    let upload = |fingerprint: Option<&'static str>| {
        let db = app.db.clone();
        async move {
            let kept = esr_jobs::upload(
                &db,
                crate::helpers::acting(champion),
                EXTRACT.to_owned(),
                today,
                spectra::db::now(),
            )
            .await
            .unwrap()
            .unwrap();
            let fingerprint = fingerprint.map_or(kept.fingerprint.clone(), str::to_owned);
            (kept.upload_id, fingerprint)
        }
    };

    // Running: queued and claimed by another instance in one transaction, so this instance's
    // worker never sees it waiting.
    let (upload_id, fingerprint) = upload(None).await;
    let txn = app.db.begin().await.unwrap();
    let job = esr_import_jobs::insert(
        &txn,
        esr_import_jobs::NewJob {
            user_id: champion,
            upload_id,
            expected_fingerprint: fingerprint,
            import_date: today,
        },
        spectra::db::now(),
    )
    .await
    .unwrap();
    let claimed = esr_import_jobs::claim_next(&txn, "another-instance", spectra::db::now(), LEASE)
        .await
        .unwrap();
    assert_eq!(claimed.map(|j| j.id), Some(job.id));
    let totals = Totals {
        total_rows: 2,
        stored_rows: 1,
        not_care_experienced: 1,
        unnumbered: 0,
    };
    assert!(
        esr_import_jobs::set_totals(&txn, job.id, "another-instance", totals)
            .await
            .unwrap()
    );
    txn.commit().await.unwrap();
    browser
        .visit(&format!("{b}/champion/esr/imports/{}", job.id))
        .await;
    assert_eq!(
        browser.heading().await,
        "Your ESR extract is being imported"
    );
    assert!(
        browser
            .source()
            .await
            .contains("Importing: 0 of 1 row written.")
    );
    browser.activate("#refresh").await;
    assert_eq!(
        browser.heading().await,
        "Your ESR extract is being imported"
    );

    // Failed: the plan it was confirmed with is not the plan now.
    let (upload_id, fingerprint) = upload(Some("not-the-plan")).await;
    let failed = esr_jobs::queue_import(
        &app.db,
        crate::helpers::acting(champion),
        upload_id,
        &fingerprint,
        today,
        spectra::db::now(),
    )
    .await
    .unwrap()
    .unwrap();
    app.state().esr_wakeup.notify_one();
    let path = format!("{b}/champion/esr/imports/{failed}");
    crate::helpers::eventually("the failed import's page to stop refreshing", async || {
        browser.visit(&path).await;
        (!browser.source().await.contains("id=\"refresh\"")).then_some(())
    })
    .await;
    assert_eq!(browser.heading().await, "The ESR extract was not imported");
    assert!(
        browser
            .source()
            .await
            .contains("The changes are different now")
    );
    browser.activate("#check-again").await;
    assert_eq!(
        browser.heading().await,
        "Check the changes before you import"
    );

    // Done, by keyboard from that preview.
    browser
        .activate("form[action='/champion/esr/import'] button[type=submit]")
        .await;
    crate::helpers::eventually("the import to finish", async || {
        if browser.source().await.contains("id=\"refresh\"") {
            browser.activate("#refresh").await;
            return None;
        }
        Some(())
    })
    .await;
    assert_eq!(browser.heading().await, "ESR extract imported");

    // The upload page lists the imports.
    browser.visit(&format!("{b}/champion/esr")).await;
    assert!(browser.source().await.contains("Your recent imports"));
    browser.close().await;
}
