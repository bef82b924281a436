//! Large ESR extracts (issue 22), through the web: the preview of a large file shows counts and
//! the first rows, never every row or the file; the import runs as a background job whose page
//! says how it went; the limits are refused on the form; a kept file and an import are their
//! uploader's alone.

use scraper::{Html, Selector};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use spectra::domain::Role;
use spectra::entities::esr_import_job;
use time::{Duration, OffsetDateTime};

use crate::esr::{
    HEADER, audit, champion, confirm, count, csv, first_extract, hidden, organisations,
    post_multipart, records, signed_in, upload,
};
use crate::helpers::{location, spawn_app, text_of};

/// `n` rows: every second one marked care experienced, at Alder Hey, started ten days ago (so
/// no checkpoint has fallen due); the others not marked, at an organisation the service does
/// not know.
fn large_extract(n: usize) -> String {
    let start =
        spectra::domain::esr::format_date(OffsetDateTime::now_utc().date() - Duration::days(10));
    let rows: Vec<String> = (1..=n)
        .map(|i| {
            if i % 2 == 1 {
                format!(
                    "{},RBS,Healthcare Assistant,Additional Clinical Services,3,{start},,,yes",
                    30_000_000 + i
                )
            } else {
                format!(
                    "{},ZZZ9,Porter,Estates and Ancillary,2,{start},,,no",
                    30_000_000 + i
                )
            }
        })
        .collect();
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    csv(&refs)
}

fn rows_in(body: &str, css: &str) -> usize {
    let doc = Html::parse_document(body);
    doc.select(&Selector::parse(css).unwrap()).count()
}

#[tokio::test]
async fn the_preview_of_a_large_file_is_small_and_its_import_runs_as_a_job() {
    let app = spawn_app().await;
    organisations(&app).await;
    let champion = champion(&app).await;
    let text = large_extract(5_000);
    assert!(text.len() > 300_000);

    let preview = upload(&champion, &text).await;
    // Counts of every row; the first 20 of each kind of change; never the file.
    assert_eq!(count(&preview, "rows"), "5000");
    assert_eq!(count(&preview, "create"), "2500");
    assert_eq!(count(&preview, "not-care-experienced"), "2500");
    assert_eq!(rows_in(&preview, "#creates tbody tr"), 20);
    assert!(text_of(&preview, "#creates-more").contains("And 2,480 more, not listed here."));
    assert!(text_of(&preview, "#first-rows").contains("the first 20 rows"));
    assert!(text_of(&preview, "#creates").contains("30000001"));
    assert!(!preview.contains("30000041"), "row 41 is not listed");
    assert!(!preview.contains("30004999"));
    assert!(
        !preview.contains("name=\"csv\""),
        "no hidden field with the file"
    );
    assert!(
        preview.len() < 60_000,
        "the preview is {} bytes for a {} byte file",
        preview.len(),
        text.len()
    );
    assert!(
        text_of(&preview, "form[action=\"/champion/esr/import\"] button")
            .contains("Import these 2500 changes")
    );
    // The file is kept on the server for the import; nothing else is written.
    assert_eq!(app.count("esr_uploads").await, 1);
    assert_eq!(app.count("employment_records").await, 0);
    assert_eq!(app.count("esr_import_jobs").await, 0);

    // The import is a job: its page says how it went.
    let response = confirm(&champion, &preview).await;
    assert_eq!(response.status().as_u16(), 303);
    let path = location(&response);
    assert!(path.starts_with("/champion/esr/imports/"), "{path}");
    let done = crate::esr::finished(&champion, &path).await;
    assert_eq!(text_of(&done, "h1"), "ESR extract imported");
    assert!(
        text_of(&done, "#result")
            .contains("ESR extract imported: 2500 created, 0 updated, 0 closed, 0 unchanged.")
    );
    assert_eq!(count(&done, "rows"), "5000");
    assert_eq!(count(&done, "created"), "2500");
    assert_eq!(count(&done, "not-care-experienced"), "2500");

    // Stored: every record and its checkpoints; the job's counts; one audit event.
    let stored = records(&app).await;
    assert_eq!(stored.len(), 2500);
    assert!(
        stored
            .iter()
            .all(|r| r.organisation_id > 0 && r.route.as_str() == "esr")
    );
    assert_eq!(app.count("employment_checkpoints").await, 10_000);
    let id: i32 = path.rsplit('/').next().unwrap().parse().unwrap();
    let job = esr_import_job::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.status.as_str(), "done");
    assert_eq!(
        (job.total_rows, job.stored_rows, job.processed_rows),
        (5000, 2500, 2500)
    );
    assert_eq!(
        job.upload_id, None,
        "the kept file is deleted after the import"
    );
    assert_eq!(app.count("esr_uploads").await, 0);
    let events = audit(&app, "esr_imported").await;
    assert_eq!(events.len(), 1);
    let details: serde_json::Value = serde_json::from_str(&events[0].details).unwrap();
    assert_eq!(details["created"], 2500);
    assert_eq!(details["rows"], 5000);
    assert_eq!(details["job"], id);
    assert!(events[0].actor_user_id.is_some());

    // Pressing the button again (the back button) imports nothing more.
    let again = confirm(&champion, &preview).await;
    assert_eq!(again.status().as_u16(), 404);
    assert_eq!(app.count("esr_import_jobs").await, 1);
    assert_eq!(audit(&app, "esr_imported").await.len(), 1);
}

#[tokio::test]
async fn a_file_over_a_limit_is_refused_on_the_form_and_nothing_is_kept() {
    let app = spawn_app().await;
    organisations(&app).await;
    let champion = champion(&app).await;
    let (_, form) = champion.page("/champion/esr").await;
    assert!(
        text_of(&form, "#file-hint").contains("up to 20 MB and 200,000 rows"),
        "the limits are stated on the form"
    );

    // One row more than allowed, refused before the file is parsed (these rows are not even
    // rows of an extract).
    let too_many = format!("{HEADER}\n{}", "x\n".repeat(200_001));
    let page = upload(&champion, &too_many).await;
    assert!(page.contains("<title>Error: "));
    let message =
        "The file has more than 200,000 rows. Split it into smaller files and upload each one";
    assert!(
        text_of(&page, ".nhsuk-error-summary").contains(message),
        "{page}"
    );
    assert!(text_of(&page, "#file-error").contains(message));

    // A byte more than 20 MB, refused on the form too.
    let mut too_big = format!("{HEADER}\n");
    too_big.push_str(&"x".repeat(20 * 1024 * 1024 + 1 - too_big.len()));
    let page = upload(&champion, &too_big).await;
    assert!(
        text_of(&page, "#file-error")
            .contains("The file is larger than 20 MB. Split it into smaller files")
    );

    assert_eq!(app.count("esr_uploads").await, 0);
    assert_eq!(app.count("esr_import_jobs").await, 0);
    assert_eq!(app.count("employment_records").await, 0);
    assert_eq!(
        app.count("audit_events WHERE action <> 'signed_in'").await,
        0
    );
}

#[tokio::test]
async fn a_kept_file_and_an_import_are_their_uploaders_alone() {
    let app = spawn_app().await;
    let (alder_hey, _) = organisations(&app).await;
    let first = champion(&app).await;
    let second = signed_in(&app, "champion2@nhs.net", &[Role::Champion], None).await;
    let admin = signed_in(&app, "admin@nhs.net", &[Role::Admin], None).await;
    let manager = signed_in(
        &app,
        "manager@nhs.net",
        &[Role::HiringManager],
        Some(alder_hey),
    )
    .await;
    let text = first_extract();

    // Someone who may not import is refused, and nothing is kept.
    let refused = post_multipart(&manager, "/champion/esr/preview", &[], Some(&text), true).await;
    assert_eq!(refused.status().as_u16(), 403);
    assert_eq!(app.count("esr_uploads").await, 0);

    let preview = upload(&first, &text).await;
    let upload_id = hidden(&preview, "upload");
    let fingerprint = hidden(&preview, "fingerprint");
    let fields = [
        ("upload", upload_id.as_str()),
        ("fingerprint", fingerprint.as_str()),
    ];
    // Another champion or the administrator cannot see it or import it by its ID.
    for other in [&second, &admin] {
        let (status, _) = other
            .page(&format!("/champion/esr/uploads/{upload_id}"))
            .await;
        assert_eq!(status, 404);
        let posted = other.post("/champion/esr/import", &fields).await;
        assert_eq!(posted.status().as_u16(), 404);
    }
    let posted = manager.post("/champion/esr/import", &fields).await;
    assert_eq!(posted.status().as_u16(), 403);
    assert_eq!(app.count("esr_import_jobs").await, 0);
    // Its uploader can come back to it.
    let (status, again) = first
        .page(&format!("/champion/esr/uploads/{upload_id}"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(count(&again, "create"), "3");

    // A newer upload replaces it: the older one can no longer be imported.
    let newer = upload(&first, &text).await;
    assert_eq!(app.count("esr_uploads").await, 1);
    let stale = first.post("/champion/esr/import", &fields).await;
    assert_eq!(stale.status().as_u16(), 404);
    let stale = stale.text().await.unwrap();
    assert!(text_of(&stale, "#file-error").contains("The file you checked is no longer kept"));
    assert_eq!(app.count("esr_import_jobs").await, 0);

    // The import's page is its starter's alone.
    let response = confirm(&first, &newer).await;
    let path = location(&response);
    let done = crate::esr::finished(&first, &path).await;
    assert_eq!(text_of(&done, "h1"), "ESR extract imported");
    for other in [&second, &admin] {
        assert_eq!(other.page(&path).await.0, 404);
    }
    assert_eq!(manager.page(&path).await.0, 403);
    assert_eq!(first.page("/champion/esr/imports/999999").await.0, 404);
    assert_eq!(first.page("/champion/esr/imports/x").await.0, 404);
    // Once imported, the file is gone: the same form again imports nothing.
    let twice = first
        .post(
            "/champion/esr/import",
            &[
                ("upload", &hidden(&newer, "upload")),
                ("fingerprint", &hidden(&newer, "fingerprint")),
            ],
        )
        .await;
    assert_eq!(twice.status().as_u16(), 404);
    assert_eq!(app.count("esr_import_jobs").await, 1);
    assert_eq!(audit(&app, "esr_imported").await.len(), 1);
}

#[tokio::test]
async fn kept_files_are_swept_after_a_day_and_a_changed_plan_imports_nothing() {
    let app = spawn_app().await;
    organisations(&app).await;
    let champion = champion(&app).await;
    let preview = upload(&champion, &first_extract()).await;
    assert_eq!(app.count("esr_uploads").await, 1);
    let now = spectra::db::now();
    // Within the day it stays.
    spectra::services::esr_jobs::sweep(&app.db, now + Duration::hours(23))
        .await
        .unwrap();
    assert_eq!(app.count("esr_uploads").await, 1);

    // A confirm form whose fingerprint is not the plan's (tampered, or the records changed)
    // imports nothing, and keeps the file to be checked again.
    let tampered = champion
        .post(
            "/champion/esr/import",
            &[
                ("upload", &hidden(&preview, "upload")),
                ("fingerprint", "x"),
            ],
        )
        .await;
    assert_eq!(tampered.status().as_u16(), 303);
    let page = crate::esr::finished(&champion, &location(&tampered)).await;
    assert!(text_of(&page, "#changed-since").contains("Nothing was imported"));
    assert_eq!(app.count("employment_records").await, 0);
    assert_eq!(audit(&app, "esr_imported").await.len(), 0);
    assert_eq!(app.count("esr_uploads").await, 1);

    // After a day it goes.
    spectra::services::esr_jobs::sweep(&app.db, now + Duration::hours(24) + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(app.count("esr_uploads").await, 0);
    let gone = confirm(&champion, &preview).await;
    assert_eq!(gone.status().as_u16(), 404);
    let job = esr_import_job::Entity::find()
        .filter(esr_import_job::Column::Failure.eq("plan_changed"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.upload_id, None);
}
