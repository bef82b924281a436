//! The ESR extract: upload, preview, import (twice, with bad rows, with leavers), export and
//! import back, the command line, who may use it, and the form check on uploads. The import
//! runs as a background job (issue 22): these tests confirm the preview and wait for the job's
//! page to say it is done.

use std::process::Command;

use reqwest::header::{CONTENT_TYPE, HeaderValue, ORIGIN};
use scraper::{Html, Selector};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use spectra::db::employment::{self, NewEmployment};
use spectra::domain::Role;
use spectra::domain::employment::Route;
use spectra::entities::{audit_event, employment_checkpoint, employment_record};
use time::{Date, Duration, OffsetDateTime};

use crate::helpers::{Client, PASSWORD, TestApp, TestDb, location, spawn_app, text_of};

pub const HEADER: &str = "assignment_number,organisation_code,job_role,staff_group,band,start_date,end_date,leaving_reason,care_experienced";

fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

fn ymd(date: Date) -> String {
    spectra::domain::esr::format_date(date)
}

pub fn csv(rows: &[&str]) -> String {
    let mut text = format!("{HEADER}\n");
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    text
}

/// Alder Hey (RBS) and Liverpool University Hospitals (REM), with their ODS codes.
pub async fn organisations(app: &TestApp) -> (i32, i32) {
    (
        app.create_organisation("Alder Hey Children's NHS FT").await,
        app.create_organisation("Liverpool University Hospitals NHS FT")
            .await,
    )
}

pub async fn signed_in(app: &TestApp, email: &str, roles: &[Role], org: Option<i32>) -> Client {
    app.create_user(email, roles, org).await;
    let client = app.new_client();
    client.sign_in(email, PASSWORD).await;
    client
}

pub async fn champion(app: &TestApp) -> Client {
    signed_in(app, "champion@nhs.net", &[Role::Champion], None).await
}

pub const BOUNDARY: &str = "spectra-test-boundary-7MA4YWxkTrZu0gW";

/// A `multipart/form-data` body with these fields and, if given, a file in the `file` part.
pub fn multipart(fields: &[(&str, &str)], file: Option<&str>) -> Vec<u8> {
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    if let Some(content) = file {
        body.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"extract.csv\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n"
        ));
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    body.into_bytes()
}

/// POSTs a multipart form, with the session's token unless `token` is false.
pub async fn post_multipart(
    client: &Client,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<&str>,
    token: bool,
) -> reqwest::Response {
    let csrf = client.csrf().await;
    let mut all = fields.to_vec();
    if token {
        all.push(("csrf_token", &csrf));
    }
    client
        .http
        .post(format!("{}{path}", client.base))
        .header(
            CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart(&all, file))
        .send()
        .await
        .unwrap()
}

/// Uploads a file for the preview and returns the page.
pub async fn upload(client: &Client, text: &str) -> String {
    let response = post_multipart(client, "/champion/esr/preview", &[], Some(text), true).await;
    assert_eq!(response.status().as_u16(), 200);
    response.text().await.unwrap()
}

/// The value of the hidden field `name` in a page.
pub fn hidden(body: &str, name: &str) -> String {
    let doc = Html::parse_document(body);
    let selector = Selector::parse(&format!("input[name={name}]")).unwrap();
    doc.select(&selector)
        .next()
        .and_then(|e| e.value().attr("value"))
        .unwrap_or_else(|| panic!("no {name} field in {body}"))
        .to_owned()
}

/// Presses the preview's import button: it sends the kept file's ID and the fingerprint of the
/// plan shown, never the file.
pub async fn confirm(client: &Client, preview: &str) -> reqwest::Response {
    let upload = hidden(preview, "upload");
    let fingerprint = hidden(preview, "fingerprint");
    client
        .post(
            "/champion/esr/import",
            &[("upload", &upload), ("fingerprint", &fingerprint)],
        )
        .await
}

/// Waits until the import whose page is at `path` has finished (its page no longer offers to
/// refresh), and returns the page.
pub async fn finished(client: &Client, path: &str) -> String {
    crate::helpers::eventually(&format!("the import at {path} to finish"), async || {
        let (status, page) = client.page(path).await;
        assert_eq!(status, 200, "{path}: {page}");
        (!page.contains("id=\"refresh\"")).then_some(page)
    })
    .await
}

/// Confirms a preview, expecting the import's page, and waits for the import to finish.
pub async fn confirm_and_wait(client: &Client, preview: &str) -> String {
    let response = confirm(client, preview).await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "{}",
        response.text().await.unwrap()
    );
    let path = location(&response);
    assert!(path.starts_with("/champion/esr/imports/"), "{path}");
    finished(client, &path).await
}

/// Uploads, checks and imports a file, expecting it to be imported: the preview and the
/// import's page.
pub async fn import(client: &Client, text: &str) -> (String, String) {
    let preview = upload(client, text).await;
    let done = confirm_and_wait(client, &preview).await;
    assert_eq!(text_of(&done, "h1"), "ESR extract imported", "{done}");
    (preview, done)
}

pub fn count(body: &str, id: &str) -> String {
    text_of(body, &format!("#count-{id}"))
}

pub async fn records(app: &TestApp) -> Vec<employment_record::Model> {
    employment_record::Entity::find()
        .order_by_asc(employment_record::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

async fn checkpoints(app: &TestApp) -> Vec<employment_checkpoint::Model> {
    employment_checkpoint::Entity::find()
        .order_by_asc(employment_checkpoint::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

async fn record(app: &TestApp, number: &str) -> employment_record::Model {
    employment_record::Entity::find()
        .filter(employment_record::Column::AssignmentNumber.eq(number))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no record {number}"))
}

/// The outcomes of a record's checkpoints, with their sources, at 3, 6, 12 and 24 months.
async fn outcomes(app: &TestApp, record_id: i32) -> Vec<(Option<String>, Option<String>)> {
    employment::checkpoints_of(&app.db, record_id)
        .await
        .unwrap()
        .into_iter()
        .map(|c| {
            (
                c.outcome.map(|o| o.as_str().to_owned()),
                c.source.map(|s| s.as_str().to_owned()),
            )
        })
        .collect()
}

pub async fn audit(app: &TestApp, action: &str) -> Vec<audit_event::Model> {
    audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq(action))
        .order_by_asc(audit_event::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

fn esr(outcome: &str) -> (Option<String>, Option<String>) {
    (Some(outcome.to_owned()), Some("esr".to_owned()))
}

/// Someone long in post, a leaver, someone who moved within the NHS, and two rows that are not
/// saved (not marked care experienced, one at an organisation the service does not know).
pub fn first_extract() -> String {
    csv(&[
        "10000001,RBS,Healthcare Assistant,Additional Clinical Services,3,2020-01-31,,,yes",
        "10000002,rem,Porter,Estates and Ancillary,Band 2,2024-01-15,2024-05-01,Voluntary Resignation - Relocation,yes",
        "10000003,REM,Staff Nurse,Nursing and Midwifery Registered,5,2023-03-01,2023-11-30,Employee Transfer,YES",
        "10000004,RBS,Clerk,Administrative and Clerical,2,2019-06-01,,,no",
        "10000005,ZZZ9,Clerk,Administrative and Clerical,2,2019-06-01,,,",
    ])
}

#[tokio::test]
async fn the_same_extract_twice_changes_nothing_the_second_time() {
    let app = spawn_app().await;
    let (alder_hey, luh) = organisations(&app).await;
    let champion = champion(&app).await;

    let (status, form) = champion.page("/champion/esr").await;
    assert_eq!(status, 200);
    assert!(form.contains(HEADER), "the form lists the columns");
    assert!(form.contains("enctype=\"multipart/form-data\""));

    let (preview, done) = import(&champion, &first_extract()).await;
    assert_eq!(count(&preview, "rows"), "5");
    assert_eq!(count(&preview, "create"), "3");
    assert_eq!(count(&preview, "update"), "0");
    assert_eq!(count(&preview, "not-care-experienced"), "2");
    assert!(text_of(&preview, "#creates").contains("10000001"));
    assert!(
        text_of(&preview, "#creates")
            .contains("Left on 1 May 2024: Voluntary Resignation - Relocation")
    );
    assert!(
        text_of(&preview, "form[action=\"/champion/esr/import\"] button")
            .contains("Import these 3 changes")
    );
    assert!(
        text_of(&done, "#result")
            .contains("ESR extract imported: 3 created, 0 updated, 0 closed, 0 unchanged.")
    );
    assert_eq!(count(&done, "created"), "3");
    assert_eq!(count(&done, "not-care-experienced"), "2");
    // The file is kept only until it is imported.
    assert_eq!(app.count("esr_uploads").await, 0);
    let (_, after) = champion.page("/champion/esr").await;
    assert!(text_of(&after, "#recent-imports").contains("Imported"));

    let stored = records(&app).await;
    assert_eq!(stored.len(), 3);
    let in_post = record(&app, "10000001").await;
    assert_eq!(in_post.organisation_id, alder_hey);
    assert_eq!(in_post.route, Route::Esr);
    assert_eq!(
        (
            in_post.user_id,
            in_post.application_id,
            in_post.programme_id
        ),
        (None, None, None)
    );
    assert_eq!(in_post.role, "Healthcare Assistant");
    assert_eq!(in_post.staff_group, "Additional Clinical Services");
    assert_eq!(in_post.band, "3");
    assert_eq!(in_post.end_date, None);
    assert_eq!(outcomes(&app, in_post.id).await, vec![esr("in_post"); 4]);
    let leaver = record(&app, "10000002").await;
    assert_eq!(leaver.organisation_id, luh);
    assert_eq!(leaver.band, "2");
    assert_eq!(leaver.end_date, Some(time::macros::date!(2024 - 05 - 01)));
    assert_eq!(leaver.end_kind.map(|v| v.as_str()), Some("left"));
    assert_eq!(leaver.leaving_reason.as_deref(), Some("vr_relocation"));
    // In post at 3 months (15 April), left before 6 months.
    assert_eq!(
        outcomes(&app, leaver.id).await,
        vec![esr("in_post"), esr("left"), esr("closed"), esr("closed")]
    );
    let mover = record(&app, "10000003").await;
    assert_eq!(mover.end_kind.map(|v| v.as_str()), Some("moved"));
    assert_eq!(mover.leaving_reason.as_deref(), Some("employee_transfer"));
    assert_eq!(
        outcomes(&app, mover.id).await,
        vec![esr("in_post"), esr("in_post"), esr("moved"), esr("closed")]
    );

    let records_before = records(&app).await;
    let checkpoints_before = checkpoints(&app).await;
    let (n_records, n_checkpoints) = (
        app.count("employment_records").await,
        app.count("employment_checkpoints").await,
    );
    assert_eq!((n_records, n_checkpoints), (3, 12));

    let (again, done) = import(&champion, &first_extract()).await;
    assert!(text_of(&done, "#result").contains("0 created, 0 updated, 0 closed, 3 unchanged."));
    assert_eq!(count(&again, "create"), "0");
    assert_eq!(count(&again, "update"), "0");
    assert_eq!(count(&again, "close"), "0");
    assert_eq!(count(&again, "unchanged"), "3");
    assert!(
        text_of(&again, "form[action=\"/champion/esr/import\"] button")
            .contains("Import (no changes)")
    );
    assert_eq!(app.count("employment_records").await, n_records);
    assert_eq!(app.count("employment_checkpoints").await, n_checkpoints);
    assert_eq!(records(&app).await, records_before);
    assert_eq!(checkpoints(&app).await, checkpoints_before);

    let events = audit(&app, "esr_imported").await;
    assert_eq!(events.len(), 2);
    let first: serde_json::Value = serde_json::from_str(&events[0].details).unwrap();
    assert_eq!(first["created"], 3);
    assert_eq!(first["rows"], 5);
    let second: serde_json::Value = serde_json::from_str(&events[1].details).unwrap();
    assert_eq!(second["created"], 0);
    assert_eq!(second["unchanged"], 3);
    for event in &events {
        assert!(
            !event.details.contains("10000001"),
            "no personal data: {}",
            event.details
        );
        assert!(event.actor_user_id.is_some());
    }
}

#[tokio::test]
async fn a_file_with_bad_rows_lists_every_one_and_stores_nothing() {
    let app = spawn_app().await;
    organisations(&app).await;
    let champion = champion(&app).await;

    let text = csv(&[
        "10000001,RBS,Healthcare Assistant,Additional Clinical Services,3,2020-01-31,,,yes",
        "10000002,XYZ,Porter,Estates and Ancillary,2,2024-01-15,,,yes",
        "10000003,RBS,Porter,Estates and Ancillary,10,2024-01-15,,,yes",
        "10000004,RBS,Porter,Estates and Ancillary,2,2024-01-15,2024-05-01,,yes",
        "10000005,RBS,Porter,Estates and Ancillary,2,2024-01-15,2023-05-01,Retirement Age,no",
        "10000006,RBS,Porter,Estates and Ancillary,2,2024-01-15,2024-05-01,Fired,yes",
        "10000001,RBS,Porter,Estates and Ancillary,2,2024-01-15,,,yes",
        "10000007,QQQ,Porter,Estates and Ancillary,2,2024-01-15,,,no",
    ]);
    let page = upload(&champion, &text).await;
    let summary = text_of(&page, ".nhsuk-error-summary");
    assert!(
        summary.contains("The file has 6 rows with problems. Nothing was imported."),
        "{summary}"
    );
    for expected in [
        "Line 3: organisation_code XYZ is not an organisation in SPECTRA",
        "Line 4: band \"10\" is not an Agenda for Change band",
        "Line 5: end_date is given but leaving_reason is empty",
        "Line 6: end_date is before start_date",
        "Line 7: leaving_reason \"Fired\" is not one of ESR's leaving reasons",
        "Line 8: assignment_number 10000001 is also on line 2",
    ] {
        assert!(
            summary.contains(expected),
            "{expected} missing from {summary}"
        );
        assert!(text_of(&page, "#file-rows").contains(expected));
    }
    // A row not saved may name an organisation the service does not know.
    assert!(!summary.contains("Line 9"));
    assert!(page.contains("<title>Error: "));
    assert!(!page.contains("name=\"fingerprint\""), "no import button");

    // A file with bad rows is not kept, so there is nothing to import; a confirm form naming
    // no kept file, or a made-up one, changes nothing.
    assert_eq!(app.count("esr_uploads").await, 0);
    for upload in ["", "x", "1", "999"] {
        let tampered = champion
            .post(
                "/champion/esr/import",
                &[("upload", upload), ("fingerprint", "x")],
            )
            .await;
        assert_eq!(tampered.status().as_u16(), 404, "{upload}");
        let tampered = tampered.text().await.unwrap();
        assert!(
            text_of(&tampered, ".nhsuk-error-summary")
                .contains("The file you checked is no longer kept")
        );
    }
    assert_eq!(app.count("esr_import_jobs").await, 0);

    // The first column that differs from the expected header is named.
    let wrong_header = upload(&champion, "assignment,organisation\n1,RBS\n").await;
    assert!(
        text_of(&wrong_header, ".nhsuk-error-summary").contains(&format!(
            "Line 1: Column 1 is headed 'assignment', but it should be 'assignment_number'. The first line must be exactly the column names {HEADER}"
        ))
    );
    let band_header = HEADER.replace("staff_group", "Band");
    let wrong_header = upload(&champion, &format!("{band_header}\n")).await;
    assert!(
        text_of(&wrong_header, ".nhsuk-error-summary")
            .contains("Column 4 is headed 'Band', but it should be 'staff_group'")
    );
    let nothing = post_multipart(&champion, "/champion/esr/preview", &[], Some(""), true).await;
    let nothing = nothing.text().await.unwrap();
    assert!(text_of(&nothing, ".nhsuk-error-summary").contains("Choose the ESR extract to upload"));

    assert_eq!(app.count("employment_records").await, 0);
    assert_eq!(app.count("employment_checkpoints").await, 0);
    assert_eq!(
        app.count("audit_events WHERE action <> 'signed_in'").await,
        0
    );
}

#[tokio::test]
async fn an_update_records_a_leaver_and_closes_the_later_checkpoints() {
    let app = spawn_app().await;
    let (_, luh) = organisations(&app).await;
    let champion = champion(&app).await;
    let started = today() - Duration::days(100);
    let recent = today() - Duration::days(20);
    import(
        &champion,
        &csv(&[
            &format!(
                "20000001,RBS,Porter,Estates and Ancillary,2,{},,,yes",
                ymd(started)
            ),
            &format!(
                "20000002,RBS,Clerk,Administrative and Clerical,2,{},,,yes",
                ymd(recent)
            ),
        ]),
    )
    .await;
    let porter = record(&app, "20000001").await;
    assert_eq!(
        outcomes(&app, porter.id).await,
        vec![esr("in_post"), (None, None), (None, None), (None, None)]
    );

    // After the 3-month checkpoint (about 9 days ago), before the 6-month one.
    let left = today() - Duration::days(3);
    let moved_start = recent - Duration::days(10);
    let second = csv(&[
        &format!(
            "20000001,REM,Senior Porter,Estates and Ancillary,3,{},{},Voluntary Resignation - Work Life Balance,yes",
            ymd(started),
            ymd(left)
        ),
        &format!(
            "20000002,RBS,Clerk,Administrative and Clerical,2,{},,,yes",
            ymd(moved_start)
        ),
    ]);
    let preview = upload(&champion, &second).await;
    assert_eq!(count(&preview, "update"), "2");
    assert_eq!(count(&preview, "close"), "1");
    let updates = text_of(&preview, "#updates");
    assert!(updates.contains("Band: 2 changes to 3"), "{updates}");
    assert!(updates.contains("Job role: Porter changes to Senior Porter"));
    assert!(updates.contains("Organisation: Alder Hey Children's NHS FT (RBS) changes to Liverpool University Hospitals NHS FT (REM)"));
    let closes = text_of(&preview, "#closes");
    assert!(
        closes.contains("20000001") && closes.contains("Voluntary Resignation - Work Life Balance")
    );
    assert!(closes.contains("Left"));
    assert!(
        text_of(&preview, "form[action=\"/champion/esr/import\"] button")
            .contains("Import these 2 changes")
    );
    confirm_and_wait(&champion, &preview).await;

    let porter = record(&app, "20000001").await;
    assert_eq!(porter.end_date, Some(left));
    assert_eq!(porter.end_kind.map(|v| v.as_str()), Some("left"));
    assert_eq!(
        porter.leaving_reason.as_deref(),
        Some("vr_work_life_balance")
    );
    assert_eq!(
        (porter.band.as_str(), porter.role.as_str()),
        ("3", "Senior Porter")
    );
    assert_eq!(porter.organisation_id, luh);
    assert!(porter.updated_at.is_some());
    assert_eq!(
        outcomes(&app, porter.id).await,
        vec![esr("in_post"), esr("left"), esr("closed"), esr("closed")]
    );
    // A new start date moves the due dates of the checkpoints not yet recorded.
    let clerk = record(&app, "20000002").await;
    assert_eq!(clerk.start_date, moved_start);
    let due: Vec<Date> = employment::checkpoints_of(&app.db, clerk.id)
        .await
        .unwrap()
        .iter()
        .map(|c| c.due_on)
        .collect();
    let expected: Vec<Date> = [3, 6, 12, 24]
        .iter()
        .map(|&m| spectra::domain::employment::checkpoint_due(moved_start, m))
        .collect();
    assert_eq!(due, expected);

    // The record has ended: a later extract showing them in post does not reopen it.
    let reopen = csv(&[&format!(
        "20000001,REM,Senior Porter,Estates and Ancillary,3,{},,,yes",
        ymd(started)
    )]);
    let preview = upload(&champion, &reopen).await;
    assert_eq!(count(&preview, "unchanged"), "1");
    assert!(text_of(&preview, "#kept").contains("The record stays ended."));
    confirm_and_wait(&champion, &preview).await;
    assert_eq!(record(&app, "20000001").await.end_date, Some(left));
}

#[tokio::test]
async fn the_preview_writes_nothing_and_a_stale_preview_is_shown_again() {
    let app = spawn_app().await;
    organisations(&app).await;
    let champion = champion(&app).await;
    let preview = upload(&champion, &first_extract()).await;
    assert_eq!(count(&preview, "create"), "3");
    assert_eq!(app.count("employment_records").await, 0);
    assert_eq!(app.count("employment_checkpoints").await, 0);
    assert_eq!(
        app.count("audit_events WHERE action <> 'signed_in'").await,
        0
    );

    // Someone else imports the same file meanwhile: the first preview is out of date.
    let admin = signed_in(&app, "admin@nhs.net", &[Role::Admin], None).await;
    import(&admin, &first_extract()).await;
    let stale = confirm_and_wait(&champion, &preview).await;
    assert_eq!(text_of(&stale, "h1"), "The ESR extract was not imported");
    assert!(text_of(&stale, "#changed-since").contains("Nothing was imported"));
    assert_eq!(app.count("employment_records").await, 3);
    assert_eq!(audit(&app, "esr_imported").await.len(), 1);
    // The file is kept, to be checked again: the new preview shows what it changes now.
    let again = hidden_link(&stale, "#check-again");
    let (status, page) = champion.page(&again).await;
    assert_eq!(status, 200);
    assert_eq!(count(&page, "create"), "0");
    assert_eq!(count(&page, "unchanged"), "3");
    // Confirming the new preview imports it.
    let done = confirm_and_wait(&champion, &page).await;
    assert_eq!(text_of(&done, "h1"), "ESR extract imported");
    assert_eq!(audit(&app, "esr_imported").await.len(), 2);
    assert_eq!(app.count("esr_uploads").await, 0);
}

/// The `href` of the link matched by `css`.
pub fn hidden_link(body: &str, css: &str) -> String {
    let doc = Html::parse_document(body);
    let selector = Selector::parse(css).unwrap();
    doc.select(&selector)
        .next()
        .and_then(|e| e.value().attr("href"))
        .unwrap_or_else(|| panic!("no {css} link in {body}"))
        .to_owned()
}

#[tokio::test]
async fn an_export_imports_back_unchanged() {
    let app = spawn_app().await;
    let (alder_hey, _) = organisations(&app).await;
    let champion = champion(&app).await;
    import(&champion, &first_extract()).await;
    // A SPECTRA hire, with no staff group or assignment number yet.
    employment::start(
        &app.db,
        &NewEmployment {
            application_id: None,
            user_id: None,
            organisation_id: alder_hey,
            programme_id: None,
            role: "Apprentice Healthcare Assistant".into(),
            band: "2".into(),
            staff_group: String::new(),
            start_date: today() - Duration::days(40),
            apprenticeship: true,
            route: Route::Spectra,
            assignment_number: None,
        },
    )
    .await
    .unwrap();

    let response = champion.get("/champion/esr/export.csv").await;
    assert_eq!(response.status().as_u16(), 200);
    let disposition = response
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"spectra-esr-"),
        "{disposition}"
    );
    assert!(
        response
            .headers()
            .get("content-type")
            .is_some_and(|v| v.to_str().unwrap_or_default().starts_with("text/csv"))
    );
    let exported = response.text().await.unwrap();
    let lines: Vec<&str> = exported.lines().collect();
    assert_eq!(lines[0], HEADER);
    assert_eq!(lines.len(), 5);
    assert!(lines.contains(&"10000002,REM,Porter,Estates and Ancillary,2,2024-01-15,2024-05-01,Voluntary Resignation - Relocation,yes"));
    assert!(lines.contains(&"10000003,REM,Staff Nurse,Nursing and Midwifery Registered,5,2023-03-01,2023-11-30,Employee Transfer,yes"));
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(",RBS,Apprentice Healthcare Assistant,,2,"))
    );
    let exports = audit(&app, "report_exported").await;
    assert_eq!(exports.len(), 1);
    assert_eq!(exports[0].subject, "esr_export");

    let records_before = records(&app).await;
    let checkpoints_before = checkpoints(&app).await;
    let (preview, _) = import(&champion, &exported).await;
    assert_eq!(count(&preview, "create"), "0");
    assert_eq!(count(&preview, "update"), "0");
    assert_eq!(count(&preview, "close"), "0");
    assert_eq!(count(&preview, "unchanged"), "3");
    assert_eq!(count(&preview, "unnumbered"), "1");
    assert_eq!(records(&app).await, records_before);
    assert_eq!(checkpoints(&app).await, checkpoints_before);
}

#[tokio::test]
async fn only_the_champion_and_the_administrator_reach_the_esr_pages() {
    let app = spawn_app().await;
    let (alder_hey, _) = organisations(&app).await;
    let admin = signed_in(&app, "admin@nhs.net", &[Role::Admin], None).await;
    assert_eq!(admin.page("/champion/esr").await.0, 200);
    assert_eq!(
        admin
            .get("/champion/esr/export.csv")
            .await
            .status()
            .as_u16(),
        200
    );
    let preview = upload(&admin, &first_extract()).await;
    assert_eq!(count(&preview, "create"), "3");

    let others = [
        ("applicant@example.org", Role::Applicant, None),
        ("manager@nhs.net", Role::HiringManager, Some(alder_hey)),
        ("coordinator@nhs.net", Role::Coordinator, None),
        ("mentor@nhs.net", Role::Mentor, None),
    ];
    let text = first_extract();
    for (email, role, org) in others {
        let client = signed_in(&app, email, &[role], org).await;
        for path in ["/champion/esr", "/champion/esr/export.csv"] {
            assert_eq!(
                client.get(path).await.status().as_u16(),
                403,
                "{role:?} {path}"
            );
        }
        let posted = post_multipart(&client, "/champion/esr/preview", &[], Some(&text), true).await;
        assert_eq!(posted.status().as_u16(), 403, "{role:?} preview");
        let posted = confirm(&client, &preview).await;
        assert_eq!(posted.status().as_u16(), 403, "{role:?} import");
    }
    let anonymous = app.new_client();
    for path in ["/champion/esr", "/champion/esr/export.csv"] {
        let response = anonymous.get(path).await;
        assert_eq!(response.status().as_u16(), 303);
        assert!(location(&response).starts_with("/login?next="), "{path}");
    }
    for path in ["/champion/esr/preview", "/champion/esr/import"] {
        let response = post_multipart(&anonymous, path, &[], Some(&text), true).await;
        assert_eq!(response.status().as_u16(), 303, "{path}");
        assert!(location(&response).starts_with("/login"));
    }
    assert_eq!(app.count("employment_records").await, 0);
    assert_eq!(audit(&app, "esr_imported").await.len(), 0);
    assert_eq!(
        audit(&app, "report_exported").await.len(),
        1,
        "only the admin's"
    );
}

#[tokio::test]
async fn an_upload_without_the_form_token_or_from_another_site_is_refused() {
    let app = spawn_app().await;
    organisations(&app).await;
    let champion = champion(&app).await;
    let text = first_extract();

    let no_token =
        post_multipart(&champion, "/champion/esr/preview", &[], Some(&text), false).await;
    assert_eq!(no_token.status().as_u16(), 403);
    let wrong = post_multipart(
        &champion,
        "/champion/esr/preview",
        &[("csrf_token", "not-the-token")],
        Some(&text),
        false,
    )
    .await;
    assert_eq!(wrong.status().as_u16(), 403);

    let preview = upload(&champion, &text).await;
    let token = hidden(&preview, "csrf_token");
    let upload_id = hidden(&preview, "upload");
    let fingerprint = hidden(&preview, "fingerprint");
    let fields = [
        ("csrf_token", token.as_str()),
        ("upload", upload_id.as_str()),
        ("fingerprint", fingerprint.as_str()),
    ];
    let cross_site = champion
        .http
        .post(format!("{}/champion/esr/import", champion.base))
        .header(ORIGIN, HeaderValue::from_static("https://evil.example"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status().as_u16(), 403);
    let no_token = champion
        .http
        .post(format!("{}/champion/esr/import", champion.base))
        .form(&fields[1..])
        .send()
        .await
        .unwrap();
    assert_eq!(no_token.status().as_u16(), 403);
    assert_eq!(app.count("esr_import_jobs").await, 0);
    assert_eq!(app.count("employment_records").await, 0);
    assert_eq!(
        app.count("audit_events WHERE action <> 'signed_in'").await,
        0
    );

    // The same fields with the token and this site's origin are accepted.
    confirm_and_wait(&champion, &preview).await;
    assert_eq!(app.count("employment_records").await, 3);
}

fn spectra() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spectra"))
}

#[tokio::test]
async fn the_command_line_previews_on_a_dry_run_and_imports_otherwise() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("extract.csv");
    std::fs::write(&file, first_extract()).unwrap();
    let run = |args: &[&str]| {
        spectra()
            .args(args)
            .env("DATABASE_URL", &db.url)
            .output()
            .unwrap()
    };
    let path = file.display().to_string();

    // No organisations yet: the rows marked care experienced name unknown ones.
    let bad = run(&["esr", "import", &path]);
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    for line in [2, 3, 4] {
        assert!(
            stderr.contains(&format!("{path}:{line}: organisation_code")),
            "{stderr}"
        );
    }

    let conn = spectra::db::connect(&db.url).await.unwrap();
    for name in [
        "Alder Hey Children's NHS FT",
        "Liverpool University Hospitals NHS FT",
    ] {
        spectra::db::organisations::ensure(&conn, name)
            .await
            .unwrap();
    }
    let count = |table: &'static str| {
        let conn = conn.clone();
        async move {
            use sea_orm::ConnectionTrait;
            let row = conn
                .query_one_raw(sea_orm::Statement::from_string(
                    conn.get_database_backend(),
                    format!("SELECT COUNT(*) AS n FROM {table}"),
                ))
                .await
                .unwrap()
                .unwrap();
            row.try_get::<i64>("", "n").unwrap()
        }
    };

    let dry = run(&["esr", "import", &path, "--dry-run"]);
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    let out = String::from_utf8_lossy(&dry.stdout);
    assert!(out.contains("5 rows: 3 to create, 0 to update, 0 to close, 0 unchanged, 2 not marked care experienced"), "{out}");
    assert!(out.contains("create 10000001 at RBS: Healthcare Assistant, Additional Clinical Services, band 3, started 2020-01-31"));
    assert!(out.contains("create 10000002 at REM: Porter, Estates and Ancillary, band 2, started 2024-01-15, left 2024-05-01 (Voluntary Resignation - Relocation)"));
    assert!(out.contains("Dry run: nothing was written."));
    assert_eq!(count("employment_records").await, 0);
    assert_eq!(count("audit_events WHERE action <> 'signed_in'").await, 0);

    let real = run(&["esr", "import", &path]);
    assert!(
        real.status.success(),
        "{}",
        String::from_utf8_lossy(&real.stderr)
    );
    assert!(
        String::from_utf8_lossy(&real.stdout)
            .contains("Imported: 3 created, 0 updated, 0 closed, 0 unchanged.")
    );
    assert_eq!(count("employment_records").await, 3);
    assert_eq!(count("employment_checkpoints").await, 12);
    let events = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("esr_imported"))
        .all(&conn)
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].actor_user_id, None);

    let again = run(&["esr", "import", &path]);
    assert!(again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stdout)
            .contains("0 to create, 0 to update, 0 to close, 3 unchanged")
    );
    assert_eq!(count("employment_records").await, 3);

    let missing = run(&["esr", "import", "/nonexistent/extract.csv"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&missing.stderr)
            .contains("/nonexistent/extract.csv: cannot be read")
    );
    conn.close().await.unwrap();
}

#[tokio::test]
async fn an_extract_that_proves_someone_in_post_records_their_overdue_checkpoints() {
    // Arrange: two people from an earlier extract whose 3- and 6-month checkpoints are overdue
    // (imported before they fell due), and one more whose 3-month checkpoint is not yet due.
    let app = spawn_app().await;
    let (rbs, _) = organisations(&app).await;
    let champion = champion(&app).await;
    let started = today() - Duration::days(200);
    let recent = today() - Duration::days(30);
    let mut ids = Vec::new();
    for (number, start) in [
        ("60000001", started),
        ("60000002", started),
        ("60000003", recent),
    ] {
        let record = employment::start(
            &app.db,
            &NewEmployment {
                application_id: None,
                user_id: None,
                organisation_id: rbs,
                programme_id: None,
                role: "Porter".into(),
                band: "2".into(),
                staff_group: "Estates and Ancillary".into(),
                start_date: start,
                apprenticeship: false,
                route: Route::Esr,
                assignment_number: Some(number.into()),
            },
        )
        .await
        .unwrap();
        ids.push(record.id);
    }
    let (_, overdue) = champion.page("/champion/checkpoints").await;
    assert!(overdue.contains(&spectra::domain::employment::reference(ids[0])));
    // The second left after the 3-month checkpoint and before the 6-month one.
    let three_months = spectra::domain::employment::checkpoint_due(started, 3);
    let left = three_months + Duration::days(10);
    let text = csv(&[
        &format!(
            "60000001,RBS,Porter,Estates and Ancillary,2,{},,,yes",
            ymd(started)
        ),
        &format!(
            "60000002,RBS,Porter,Estates and Ancillary,2,{},{},Voluntary Resignation - Relocation,yes",
            ymd(started),
            ymd(left)
        ),
        &format!(
            "60000003,RBS,Porter,Estates and Ancillary,2,{},,,yes",
            ymd(recent)
        ),
    ]);

    // Act: the preview, then the import.
    let preview = upload(&champion, &text).await;
    assert_eq!(count(&preview, "proved"), "3");
    assert!(text_of(&preview, "#proved").contains("will be recorded as in post, from ESR"));
    assert_eq!(count(&preview, "unchanged"), "1");
    let done = confirm_and_wait(&champion, &preview).await;

    // Assert: in post from ESR where proved; the leaver's 6-month checkpoint records the
    // leaving; the record not yet at a checkpoint is untouched.
    assert_eq!(
        outcomes(&app, ids[0]).await,
        vec![esr("in_post"), esr("in_post"), (None, None), (None, None)]
    );
    assert_eq!(
        outcomes(&app, ids[1]).await,
        vec![esr("in_post"), esr("left"), esr("closed"), esr("closed")]
    );
    assert_eq!(
        outcomes(&app, ids[2]).await,
        vec![(None, None), (None, None), (None, None), (None, None)]
    );
    let proved = employment::checkpoints_of(&app.db, ids[0]).await.unwrap();
    assert!(
        proved[..2]
            .iter()
            .all(|c| c.recorded_by.is_none() && c.recorded_at.is_some())
    );
    assert!(
        text_of(&done, "#result").contains("3 checkpoints recorded as in post, from ESR."),
        "{done}"
    );
    let events = audit(&app, "esr_imported").await;
    let details: serde_json::Value = serde_json::from_str(&events[0].details).unwrap();
    assert_eq!(details["proved_in_post"], 3);
    // No longer overdue.
    let (_, overdue) = champion.page("/champion/checkpoints").await;
    assert!(!overdue.contains(&spectra::domain::employment::reference(ids[0])));
    assert!(!overdue.contains(&spectra::domain::employment::reference(ids[1])));

    // The same extract again changes nothing, and says so in plain words.
    let again = upload(&champion, &text).await;
    assert_eq!(count(&again, "proved"), "0");
    assert_eq!(count(&again, "unchanged"), "3");
    assert!(again.contains(
        "Nothing will change. If you import it, the audit log will show that you checked this file."
    ));
}
