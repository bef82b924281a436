//! `spectra seed-synthetic`: exact counts, the seeded vacancies on the public list, and the
//! refusal to touch a database holding real data.

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::process::{Command, Output, Stdio};

use scraper::{Html, Selector};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Statement};
use spectra::domain::Role;
use spectra::domain::vacancy::{VacancyStatus, is_open};
use spectra::entities::{user, vacancy, vacancy_criterion};
use spectra::synthetic::{self, Counts, Options};

use crate::helpers::{PASSWORD, TestDb, spawn_app};

fn spectra() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spectra"))
}

fn seed_cli(url: &str, args: &[&str]) -> Output {
    spectra()
        .arg("seed-synthetic")
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {sql}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

/// IDs of the open vacancies, as the database has them.
async fn open_ids(db: &DatabaseConnection) -> BTreeSet<i32> {
    let now = spectra::db::now();
    vacancy::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|v| VacancyStatus::parse(&v.status).is_some_and(|s| is_open(s, v.closes_at, now)))
        .map(|v| v.id)
        .collect()
}

/// The vacancy IDs linked from a list page.
fn listed_ids(body: &str) -> BTreeSet<i32> {
    let doc = Html::parse_document(body);
    let links = Selector::parse("a.nhsuk-card__link").unwrap();
    doc.select(&links)
        .filter_map(|a| a.value().attr("href"))
        .filter_map(|href| href.strip_prefix("/vacancies/"))
        .map(|id| id.parse().unwrap())
        .collect()
}

#[tokio::test]
async fn seeding_a_fresh_database_adds_exactly_what_was_asked_and_again_adds_more() {
    let db = TestDb::new().await;

    let output = seed_cli(
        &db.url,
        &[
            "--organisations",
            "3",
            "--vacancies",
            "30",
            "--open",
            "7",
            "--applicants",
            "40",
            "--applications",
            "150",
            "--seed",
            "11",
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("rows/s"), "{stdout}");

    let conn = spectra::db::connect(&db.url).await.unwrap();
    assert_eq!(count(&conn, "organisations").await, 3);
    assert_eq!(count(&conn, "users").await, 3 + 40);
    assert_eq!(
        count(&conn, "user_roles WHERE role = 'hiring_manager'").await,
        3
    );
    assert_eq!(
        count(&conn, "user_roles WHERE role = 'applicant'").await,
        40
    );
    assert_eq!(count(&conn, "applicant_profiles").await, 40);
    assert_eq!(count(&conn, "vacancies").await, 30);
    assert_eq!(open_ids(&conn).await.len(), 7);
    assert_eq!(count(&conn, "applications").await, 150);

    // Every user is marked synthetic, so nobody real can be emailed.
    for u in user::Entity::find().all(&conn).await.unwrap() {
        assert!(synthetic::is_synthetic_email(&u.email), "{}", u.email);
    }
    // Every vacancy has 2 to 6 criteria, at least one essential.
    let mut criteria: HashMap<i32, (usize, usize)> = HashMap::new();
    for c in vacancy_criterion::Entity::find().all(&conn).await.unwrap() {
        let entry = criteria.entry(c.vacancy_id).or_default();
        entry.0 += 1;
        entry.1 += usize::from(c.essential);
    }
    assert_eq!(criteria.len(), 30);
    assert!(
        criteria
            .values()
            .all(|(n, essential)| (2..=6).contains(n) && *essential >= 1),
        "{criteria:?}"
    );
    // Every application has a timeline, and every sent one records its sending.
    assert_eq!(
        count(
            &conn,
            "applications a WHERE NOT EXISTS \
             (SELECT 1 FROM application_stage_changes c WHERE c.application_id = a.id)"
        )
        .await,
        0
    );
    assert_eq!(
        count(&conn, "applications WHERE submitted_at IS NOT NULL").await,
        count(
            &conn,
            "application_stage_changes WHERE to_stage = 'submitted'"
        )
        .await
    );
    // Ring-fenced vacancies only have applications from people who declared care experience.
    assert_eq!(
        count(
            &conn,
            "applications a JOIN vacancies v ON v.id = a.vacancy_id \
             JOIN applicant_profiles p ON p.user_id = a.applicant_id \
             WHERE v.ring_fenced = TRUE AND p.care_experience <> 'yes'"
        )
        .await,
        0
    );
    conn.close().await.unwrap();

    // A synthetic database takes more.
    let again = seed_cli(
        &db.url,
        &[
            "--organisations",
            "1",
            "--vacancies",
            "5",
            "--open",
            "0",
            "--applicants",
            "5",
            "--applications",
            "10",
        ],
    );
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let conn = spectra::db::connect(&db.url).await.unwrap();
    assert_eq!(count(&conn, "organisations").await, 4);
    assert_eq!(count(&conn, "users").await, 4 + 45);
    assert_eq!(count(&conn, "vacancies").await, 35);
    assert_eq!(open_ids(&conn).await.len(), 7);
    assert_eq!(count(&conn, "applications").await, 160);
    conn.close().await.unwrap();
}

#[tokio::test]
async fn the_seeded_open_vacancies_are_the_ones_listed_publicly() {
    let app = spawn_app().await;
    let options = Options {
        counts: Counts {
            organisations: 2,
            vacancies: 40,
            open: 23,
            applicants: 10,
            applications: 60,
        },
        seed: Some(5),
    };
    synthetic::seed(&app.db, &options).await.unwrap();
    let open = open_ids(&app.db).await;
    assert_eq!(open.len(), 23);

    let (status, first) = app.client.page("/vacancies").await;
    assert_eq!(status, 200);
    assert!(first.contains("23 vacancies are open"), "{first}");
    let (_, second) = app.client.page("/vacancies?page=2").await;
    let mut listed = listed_ids(&first);
    assert_eq!(listed.len(), 20);
    listed.extend(listed_ids(&second));
    assert_eq!(listed, open);

    let ring_fenced = count(
        &app.db,
        &format!(
            "vacancies WHERE ring_fenced = TRUE AND id IN ({})",
            open.iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(",")
        ),
    )
    .await;
    let (status, filtered) = app.client.page("/vacancies?ring_fenced=yes").await;
    assert_eq!(status, 200);
    let expected = if ring_fenced == 1 {
        "1 vacancy is open".to_owned()
    } else {
        format!("{ring_fenced} vacancies are open")
    };
    assert!(filtered.contains(&expected), "{expected}: {filtered}");
}

#[tokio::test]
async fn a_database_with_a_real_user_is_refused_and_left_as_it_was() {
    let app = spawn_app().await;
    app.create_user("real.person@example.org", &[Role::Applicant], None)
        .await;

    let options = Options {
        counts: Counts {
            organisations: 1,
            vacancies: 2,
            open: 1,
            applicants: 2,
            applications: 2,
        },
        seed: None,
    };
    let error = synthetic::seed(&app.db, &options)
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("refusing"), "{error}");
    assert!(error.contains("1 user"), "{error}");
    assert_eq!(app.count("users").await, 1);
    assert_eq!(app.count("organisations").await, 0);
    assert_eq!(app.count("vacancies").await, 0);
    assert_eq!(app.count("applications").await, 0);
}

#[tokio::test]
async fn the_command_refuses_a_database_with_a_real_organisation_and_changes_nothing() {
    let db = TestDb::new().await;
    let mut child = spectra()
        .args([
            "create-user",
            "--email",
            "manager@example.org",
            "--name",
            "Real Manager",
            "--roles",
            "hiring_manager",
            "--organisation",
            "Alder Hey Children's NHS FT",
        ])
        .env("DATABASE_URL", &db.url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .unwrap();
    assert!(child.wait_with_output().unwrap().status.success());

    let output = seed_cli(
        &db.url,
        &[
            "--organisations",
            "2",
            "--vacancies",
            "10",
            "--applicants",
            "10",
            "--applications",
            "20",
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("refusing"), "{stderr}");
    assert!(stderr.contains("1 user, 1 organisation"), "{stderr}");

    let conn = spectra::db::connect(&db.url).await.unwrap();
    assert_eq!(count(&conn, "users").await, 1);
    assert_eq!(count(&conn, "organisations").await, 1);
    assert_eq!(count(&conn, "vacancies").await, 0);
    assert_eq!(count(&conn, "applications").await, 0);
    conn.close().await.unwrap();

    let nonsense = seed_cli(
        &db.url,
        &[
            "--organisations",
            "1",
            "--vacancies",
            "2",
            "--open",
            "3",
            "--applicants",
            "1",
            "--applications",
            "1",
        ],
    );
    assert!(!nonsense.status.success());
    assert!(String::from_utf8_lossy(&nonsense.stderr).contains("--open"));
}
