//! `spectra seed-synthetic`: exact counts, the seeded vacancies on the public list, the
//! vacancy being shortlisted and its lead's board, consistent hires (offers, checks, employment
//! records and checkpoints), and the refusal to touch a database holding real data.

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::process::{Command, Output, Stdio};

use scraper::{Html, Selector};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Statement};
use spectra::domain::Role;
use spectra::domain::application::Stage;
use spectra::domain::employment::{
    CHECKPOINT_MONTHS, LEAVING_REASONS, OVERDUE_AFTER_DAYS, checkpoint_due,
};
use spectra::domain::offer::{CheckKind, checks_for};
use spectra::domain::vacancy::{check_flexible_references, is_open, stored_references};
use spectra::entities::{
    application, employment_checkpoint, employment_record, offer, offer_check, user, vacancy,
    vacancy_criterion,
};
use spectra::seed::synthetic::{self, Counts, Options};

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

/// Runs `seed-synthetic` with `input` on its standard input.
fn seed_cli_with_input(url: &str, args: &[&str], input: &str) -> Output {
    let mut child = spectra()
        .arg("seed-synthetic")
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command that refuses early may exit before reading its input.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    child.wait_with_output().unwrap()
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
        .filter(|v| is_open(v.status, v.closes_at, now))
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
    // Ring-fenced and programme vacancies accept every kind of referee; apprenticeships state
    // their entry requirements, and other kinds have none.
    for v in vacancy::Entity::find().all(&conn).await.unwrap() {
        let references = stored_references(&v.reference_options).unwrap();
        assert!(
            check_flexible_references(v.ring_fenced, v.programme_id.is_some(), &references).is_ok(),
            "{}: {}",
            v.id,
            v.reference_options
        );
        assert_eq!(
            v.entry_requirements.is_empty(),
            v.kind.as_str() != "apprenticeship",
            "{}: {} {:?}",
            v.id,
            v.kind.as_str(),
            v.entry_requirements
        );
    }
    conn.close().await.unwrap();

    // A synthetic database takes more. With a seed of its own: without one, some draws of
    // five applicants and five vacancies have fewer eligible pairs than ten applications.
    let again = seed_cli(
        &db.url,
        &[
            "--seed",
            "2027",
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
            shortlisting_applications: 0,
            hires: 0,
        },
        seed: Some(5),
        lead_password: None,
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
            shortlisting_applications: 0,
            hires: 0,
        },
        seed: None,
        lead_password: None,
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

/// The counts of a small run with a shortlisting vacancy of `applications` applications.
pub(crate) fn with_shortlisting(applications: u32) -> Counts {
    Counts {
        organisations: 2,
        vacancies: 12,
        open: 2,
        applicants: 80,
        applications: 80,
        shortlisting_applications: applications,
        hires: 0,
    }
}

/// Checks the shortlisting vacancy's rows, exactly where the numbers are chosen and by their
/// shape where they are random.
pub(crate) async fn check_shortlisting(
    db: &DatabaseConnection,
    vacancy_id: i32,
    applications: i64,
) {
    let of_vacancy =
        format!("application_id IN (SELECT id FROM applications WHERE vacancy_id = {vacancy_id})");
    let criteria = count(
        db,
        &format!("vacancy_criteria WHERE vacancy_id = {vacancy_id}"),
    )
    .await;
    assert_eq!(criteria, 5);
    assert_eq!(
        count(
            db,
            &format!("vacancy_criteria WHERE vacancy_id = {vacancy_id} AND essential = TRUE")
        )
        .await,
        3
    );
    assert_eq!(
        count(db, &format!("applications WHERE vacancy_id = {vacancy_id}")).await,
        applications
    );
    // Every application was sent, is at submitted or shortlisting, and has evidence for every
    // criterion and one or two referees.
    assert_eq!(
        count(
            db,
            &format!(
                "applications WHERE vacancy_id = {vacancy_id} AND submitted_at IS NOT NULL \
                 AND stage IN ('submitted', 'shortlisting')"
            )
        )
        .await,
        applications
    );
    assert_eq!(
        count(db, &format!("application_answers WHERE {of_vacancy}")).await,
        applications * criteria
    );
    assert_eq!(
        count(
            db,
            &format!(
                "applications a WHERE vacancy_id = {vacancy_id} AND (SELECT COUNT(*) FROM \
                 application_referees r WHERE r.application_id = a.id) NOT IN (1, 2)"
            )
        )
        .await,
        0
    );
    assert!(
        count(
            db,
            &format!(
                "applications WHERE vacancy_id = {vacancy_id} AND guaranteed_interview = TRUE"
            )
        )
        .await
            > 0,
        "some applicants opted in to the guaranteed interview scheme"
    );
    // The panel: the organisation's manager leads, with two more of its hiring managers.
    assert_eq!(
        count(
            db,
            &format!("panel_members WHERE vacancy_id = {vacancy_id}")
        )
        .await,
        3
    );
    assert_eq!(
        count(
            db,
            &format!(
                "panel_members p JOIN users u ON u.id = p.user_id \
                 JOIN vacancies v ON v.id = p.vacancy_id \
                 JOIN user_roles r ON r.user_id = u.id AND r.role = 'hiring_manager' \
                 WHERE p.vacancy_id = {vacancy_id} AND u.organisation_id = v.organisation_id"
            )
        )
        .await,
        3
    );
    assert_eq!(
        count(
            db,
            &format!(
                "panel_members p JOIN vacancies v ON v.id = p.vacancy_id \
                 WHERE p.vacancy_id = {vacancy_id} AND p.is_lead = TRUE AND p.user_id = v.created_by"
            )
        )
        .await,
        1
    );
    // Scores: each scorer on the panel scored every criterion of what they scored, and most
    // applications were scored by everyone.
    let scores = count(db, &format!("shortlist_scores WHERE {of_vacancy}")).await;
    assert!(scores > applications * criteria * 2, "{scores}");
    assert!(scores <= applications * criteria * 3, "{scores}");
    assert_eq!(
        count(
            db,
            &format!(
                "(SELECT application_id, scorer_id FROM shortlist_scores WHERE {of_vacancy} \
                 GROUP BY application_id, scorer_id HAVING COUNT(*) <> {criteria}) t"
            )
        )
        .await,
        0
    );
    assert_eq!(
        count(
            db,
            &format!(
                "shortlist_scores WHERE {of_vacancy} AND scorer_id NOT IN \
                 (SELECT user_id FROM panel_members WHERE vacancy_id = {vacancy_id})"
            )
        )
        .await,
        0
    );
    // Final scores for some, each for every criterion, only where the whole panel scored.
    let finals = count(db, &format!("final_scores WHERE {of_vacancy}")).await;
    assert!(finals > 0 && finals % criteria == 0, "{finals}");
    assert!(finals < applications * criteria, "{finals}");
    assert_eq!(
        count(
            db,
            &format!(
                "(SELECT DISTINCT application_id FROM final_scores f WHERE {of_vacancy} AND \
                 (SELECT COUNT(DISTINCT scorer_id) FROM shortlist_scores s \
                  WHERE s.application_id = f.application_id) <> 3) t"
            )
        )
        .await,
        0
    );
    // Decisions for a few, only where the final scores are set; the lead's own decisions moved
    // the application to shortlisting, with a stage change.
    let decisions = count(db, &format!("shortlist_decisions WHERE {of_vacancy}")).await;
    assert!(decisions > 0 && decisions < applications / 2, "{decisions}");
    assert_eq!(
        count(
            db,
            &format!(
                "shortlist_decisions d WHERE {of_vacancy} AND NOT EXISTS \
                 (SELECT 1 FROM final_scores f WHERE f.application_id = d.application_id)"
            )
        )
        .await,
        0
    );
    assert_eq!(
        count(
            db,
            &format!("applications WHERE vacancy_id = {vacancy_id} AND stage = 'shortlisting'")
        )
        .await,
        count(
            db,
            &format!("shortlist_decisions WHERE {of_vacancy} AND automatic = FALSE")
        )
        .await
    );
    assert_eq!(
        count(
            db,
            &format!("application_stage_changes WHERE {of_vacancy} AND to_stage = 'shortlisting'")
        )
        .await,
        count(
            db,
            &format!("applications WHERE vacancy_id = {vacancy_id} AND stage = 'shortlisting'")
        )
        .await
    );
}

#[tokio::test]
async fn the_command_adds_a_vacancy_being_shortlisted_and_prints_its_id() {
    let db = TestDb::new().await;
    let output = seed_cli_with_input(
        &db.url,
        &[
            "--organisations",
            "2",
            "--vacancies",
            "12",
            "--open",
            "2",
            "--applicants",
            "50",
            "--applications",
            "80",
            "--shortlisting-applications",
            "40",
            "--lead-password-stdin",
            "--seed",
            "3",
        ],
        &format!("{PASSWORD}\n"),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let vacancy_id: i32 = stdout
        .lines()
        .find_map(|l| l.strip_prefix("Shortlisting vacancy ID: "))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no vacancy ID in {stdout}"))
        .parse()
        .unwrap();
    assert!(stdout.contains("(120 applications)"), "{stdout}");

    let conn = spectra::db::connect(&db.url).await.unwrap();
    assert_eq!(count(&conn, "organisations").await, 2);
    assert_eq!(count(&conn, "users").await, 2 + 2 + 50);
    assert_eq!(
        count(&conn, "user_roles WHERE role = 'hiring_manager'").await,
        4
    );
    assert_eq!(count(&conn, "vacancies").await, 13);
    assert_eq!(open_ids(&conn).await.len(), 2);
    assert_eq!(count(&conn, "applications").await, 120);
    assert_eq!(count(&conn, "panel_members").await, 3);
    check_shortlisting(&conn, vacancy_id, 40).await;
    // Only the lead's password was set: every other synthetic user still shares the unusable one.
    assert_eq!(
        count(
            &conn,
            &format!(
                "users WHERE password_hash = (SELECT u.password_hash FROM users u \
                 JOIN vacancies v ON v.created_by = u.id WHERE v.id = {vacancy_id})"
            )
        )
        .await,
        1
    );
    conn.close().await.unwrap();

    // The lead's password needs the vacancy; refused before anything is read or written.
    let refused = seed_cli_with_input(
        &db.url,
        &[
            "--organisations",
            "1",
            "--vacancies",
            "1",
            "--applicants",
            "1",
            "--applications",
            "1",
            "--lead-password-stdin",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("--shortlisting-applications"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let too_many = seed_cli(
        &db.url,
        &[
            "--organisations",
            "1",
            "--vacancies",
            "1",
            "--applicants",
            "5",
            "--applications",
            "1",
            "--shortlisting-applications",
            "6",
        ],
    );
    assert!(!too_many.status.success());
    let conn = spectra::db::connect(&db.url).await.unwrap();
    assert_eq!(count(&conn, "vacancies").await, 13);
    conn.close().await.unwrap();
}

#[tokio::test]
async fn every_hire_has_its_offer_checks_and_employment_and_hires_add_records_with_checkpoints() {
    let db = TestDb::new().await;
    let output = seed_cli(
        &db.url,
        &[
            "--organisations",
            "3",
            "--vacancies",
            "40",
            "--open",
            "2",
            "--applicants",
            "60",
            "--applications",
            "900",
            "--hires",
            "150",
            "--seed",
            "21",
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("Employment records added"), "{stdout}");

    let conn = spectra::db::connect(&db.url).await.unwrap();
    let today = spectra::domain::london_time::from_utc(spectra::db::now()).date();
    let applications = application::Entity::find().all(&conn).await.unwrap();
    let vacancies: HashMap<i32, vacancy::Model> = vacancy::Entity::find()
        .all(&conn)
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let offers: HashMap<i32, offer::Model> = offer::Entity::find()
        .all(&conn)
        .await
        .unwrap()
        .into_iter()
        .map(|o| (o.application_id, o))
        .collect();
    let mut checks: HashMap<i32, Vec<offer_check::Model>> = HashMap::new();
    for c in offer_check::Entity::find().all(&conn).await.unwrap() {
        checks.entry(c.application_id).or_default().push(c);
    }
    let records = employment_record::Entity::find().all(&conn).await.unwrap();
    let mut checkpoints: HashMap<i32, Vec<employment_checkpoint::Model>> = HashMap::new();
    for c in employment_checkpoint::Entity::find()
        .all(&conn)
        .await
        .unwrap()
    {
        checkpoints
            .entry(c.employment_record_id)
            .or_default()
            .push(c);
    }

    // Every application at an offer stage has its accepted offer, with the six standards
    // (and care experience where the vacancy is ring-fenced or the scheme was used); after
    // the conditional offer every check is verified.
    let mut accepted: HashMap<i32, i32> = HashMap::new();
    let mut stages: HashMap<Stage, usize> = HashMap::new();
    for a in &applications {
        let stage = a.stage;
        *stages.entry(stage).or_default() += 1;
        if !matches!(
            stage,
            Stage::ConditionalOffer | Stage::ChecksComplete | Stage::Started
        ) {
            assert!(
                offers
                    .get(&a.id)
                    .is_none_or(|o| o.status.as_str() != "accepted"),
                "{a:?}"
            );
            assert!(!checks.contains_key(&a.id), "{a:?}");
            continue;
        }
        let vacancy = &vacancies[&a.vacancy_id];
        let offer = offers
            .get(&a.id)
            .unwrap_or_else(|| panic!("no offer: {a:?}"));
        assert_eq!(offer.status.as_str(), "accepted");
        assert_eq!(offer.vacancy_id, a.vacancy_id);
        assert!(offer.responded_at.is_some_and(|r| r >= offer.offered_at));
        *accepted.entry(a.vacancy_id).or_default() += 1;
        let mut kinds: Vec<CheckKind> = checks[&a.id].iter().map(|c| c.kind).collect();
        let mut expected = checks_for(vacancy.ring_fenced, a.guaranteed_interview == Some(true));
        kinds.sort_by_key(|k| k.as_str());
        expected.sort_by_key(|k| k.as_str());
        assert_eq!(kinds, expected, "{a:?}");
        let all_verified = checks[&a.id]
            .iter()
            .all(|c| c.status.as_str() == "verified");
        assert_eq!(all_verified, stage != Stage::ConditionalOffer, "{a:?}");
        if stage == Stage::Started {
            let record = records
                .iter()
                .find(|r| r.application_id == Some(a.id))
                .unwrap_or_else(|| panic!("no employment record: {a:?}"));
            assert_eq!(Some(record.start_date), offer.start_date);
            assert_eq!(record.user_id, Some(a.applicant_id));
            assert_eq!(record.organisation_id, vacancy.organisation_id);
            assert_eq!(record.programme_id, vacancy.programme_id);
            assert_eq!(record.role, vacancy.title);
            assert_eq!(record.route.as_str(), "spectra");
        }
    }
    for stage in [
        Stage::ConditionalOffer,
        Stage::ChecksComplete,
        Stage::Started,
    ] {
        assert!(stages.get(&stage).is_some_and(|n| *n > 0), "{stages:?}");
    }
    // Never more accepted offers than positions.
    for (vacancy_id, n) in &accepted {
        assert!(
            *n <= vacancies[vacancy_id].positions,
            "vacancy {vacancy_id}"
        );
    }

    // The started applications' records, and the 150 hires.
    let started = stages[&Stage::Started];
    assert_eq!(records.len(), started + 150);
    assert_eq!(
        records
            .iter()
            .filter(|r| r.application_id.is_none())
            .count(),
        150
    );
    let reasons: Vec<&str> = LEAVING_REASONS.iter().map(|r| r.code).collect();
    let (mut left, mut moved, mut esr, mut overdue) = (0, 0, 0, 0);
    let mut assignments = BTreeSet::new();
    for r in &records {
        assert!(
            spectra::domain::employment::parse_staff_group(&r.staff_group).is_some(),
            "{r:?}"
        );
        assert!(r.start_date <= today && r.start_date > today - time::Duration::days(5 * 366));
        if r.route.as_str() == "esr" {
            esr += 1;
            let number = r.assignment_number.clone().unwrap();
            assert!(
                number.len() == 10 && number.as_bytes()[8] == b'-',
                "{number}"
            );
            assert!(assignments.insert(number));
        } else {
            assert_eq!(r.route.as_str(), "spectra");
        }
        match r.end_kind.map(|v| v.as_str()) {
            Some("left") => {
                left += 1;
                assert!(r.end_date.unwrap() >= r.start_date, "{r:?}");
                let reason = r.leaving_reason.as_deref().unwrap();
                assert!(
                    reasons.contains(&reason) && reason != "employee_transfer",
                    "{r:?}"
                );
            }
            Some("moved") => {
                moved += 1;
                assert!(r.end_date.unwrap() >= r.start_date, "{r:?}");
                assert!(
                    r.moved_to.as_deref().is_some_and(|m| !m.is_empty()),
                    "{r:?}"
                );
            }
            None => assert!(r.end_date.is_none() && r.leaving_reason.is_none(), "{r:?}"),
            Some(other) => panic!("end kind {other}"),
        }
        // Four checkpoints, due 3, 6, 12 and 24 months after the start.
        let mut points = checkpoints.remove(&r.id).unwrap_or_default();
        points.sort_by_key(|c| c.months);
        assert_eq!(
            points.iter().map(|c| c.months).collect::<Vec<_>>(),
            CHECKPOINT_MONTHS.to_vec()
        );
        let mut ends = 0;
        for c in &points {
            assert_eq!(c.due_on, checkpoint_due(r.start_date, c.months));
            assert_eq!(c.outcome.is_some(), c.recorded_at.is_some(), "{c:?}");
            match (r.end_date, c.outcome.map(|v| v.as_str())) {
                // After someone left or moved, the first checkpoint records it and the rest close.
                (Some(end), outcome) if c.due_on >= end => {
                    let expected = if ends == 0 {
                        r.end_kind.map(|v| v.as_str())
                    } else {
                        Some("closed")
                    };
                    assert_eq!(outcome, expected, "{r:?} {c:?}");
                    ends += 1;
                }
                (_, Some(outcome)) => {
                    assert_eq!(outcome, "in_post", "{r:?} {c:?}");
                    assert!(c.due_on <= today, "{c:?}");
                }
                (_, None) => {
                    if c.due_on < today - time::Duration::days(OVERDUE_AFTER_DAYS) {
                        overdue += 1;
                    }
                }
            }
        }
    }
    assert!(checkpoints.is_empty(), "checkpoints without a record");
    assert!(left > 0 && moved > 0 && esr > 0, "{left} {moved} {esr}");
    assert!(overdue > 0, "some checkpoints are overdue");
    assert!(
        overdue * 10 < records.len(),
        "only a few are overdue: {overdue}"
    );
    conn.close().await.unwrap();

    // Hires need an organisation to work at; refused before anything is written.
    let refused = seed_cli(
        &db.url,
        &[
            "--organisations",
            "0",
            "--vacancies",
            "0",
            "--applicants",
            "0",
            "--applications",
            "0",
            "--hires",
            "5",
        ],
    );
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("--hires"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}
