//! The `spectra` command line.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::helpers::{PASSWORD, TestDb};

fn spectra() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spectra"))
}

#[test]
fn help_lists_the_commands_and_every_variable() {
    let output = spectra().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&output.stdout);

    assert!(output.status.success());
    for word in [
        "serve",
        "migrate",
        "create-user",
        "demo",
        "audit",
        "db",
        "DATABASE_URL",
        "MIGRATION_DATABASE_URL",
        "BIND_ADDR",
        "BASE_URL",
        "SMTP_URL",
        "MAIL_FROM",
        "RUST_LOG",
    ] {
        assert!(help.contains(word), "--help lacks {word}");
    }
    let migrate = spectra().args(["migrate", "--help"]).output().unwrap();
    let migrate = String::from_utf8_lossy(&migrate.stdout);
    for word in ["up", "down", "status"] {
        assert!(migrate.contains(word));
    }
}

#[test]
fn a_bad_setting_stops_start_up_naming_the_variable() {
    for (variable, value) in [
        ("BIND_ADDR", "nonsense"),
        ("BASE_URL", "ftp://x"),
        ("SMTP_URL", "not a url"),
        ("DATABASE_URL", "mysql://x"),
        ("MIGRATION_DATABASE_URL", "mysql://x"),
    ] {
        let output = spectra()
            .arg("migrate")
            .arg("status")
            .env(variable, value)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{variable}={value} should fail");
        assert!(stderr.contains(variable), "{variable}: {stderr}");
    }
}

#[tokio::test]
async fn create_user_makes_the_first_admin_and_migrate_reports_status() {
    let db = TestDb::new().await;

    let mut child = spectra()
        .args([
            "create-user",
            "--email",
            "First.Admin@example.org",
            "--name",
            "First Admin",
        ])
        .env("DATABASE_URL", &db.url)
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
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let conn = spectra::db::connect(&db.url).await.unwrap();
    let user = spectra::db::users::find_by_email(&conn, "first.admin@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        spectra::db::users::roles_of(&conn, user.id).await.unwrap(),
        vec![spectra::domain::Role::Admin]
    );
    assert!(
        spectra::auth::password::verify(
            &spectra::auth::password::HashGate::for_tools(),
            PASSWORD.into(),
            Some(user.password_hash)
        )
        .await
        .unwrap()
    );
    conn.close().await.unwrap();

    let status = spectra()
        .args(["migrate", "status"])
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&status.stdout);
    assert!(
        listing.contains("m20261123_000001_create_organisations") && listing.contains("Applied"),
        "{listing}"
    );

    let again = spectra()
        .args([
            "create-user",
            "--email",
            "first.admin@example.org",
            "--name",
            "Again",
        ])
        .env("DATABASE_URL", &db.url)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

/// The coordinator's files for `match plan`: a student who requires a woman mentor, one whose
/// only possible mentor is excluded, and one who requires lived experience.
fn mentoring_files(dir: &std::path::Path) {
    std::fs::write(
        dir.join("mentors.csv"),
        "id,name,email,organisation,grade,specialty,capacity,meeting_modes,availability,lived_experience,gender\n\
         M1,Dr Asha Patel,asha@example.org,Alder Hey Children's NHS FT,Consultant,Paediatrics,1,in_person;online,mon_am;tue_pm,yes,Woman\n\
         M2,Dr Ben Jones,ben@example.org,Liverpool University Hospitals NHS FT,Registrar,Surgery,2,online,mon_am,no,Man\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("mentees.csv"),
        "id,name,email,university,year_of_study,specialty_interests,meeting_modes,availability,lived_experience_preference,gender_preference,gender_preference_strength\n\
         S1,Sam Green,sam@example.org,University of Liverpool,3,Paediatrics;Surgery,online,mon_am,preferred,woman,required\n\
         S2,Kai Lee,kai@example.org,Edge Hill University,1,Surgery,in_person,,,,\n\
         S3,Lee Hart,lee@example.org,Edge Hill University,2,Surgery,online,mon_am,,,\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("exclusions.csv"),
        "mentor_id,mentee_id,reason\nM2,S2,Assesses the student\n",
    )
    .unwrap();
}

#[test]
fn match_plan_applies_the_rules_explains_each_pair_and_agrees_with_solve() {
    let dir = tempfile::tempdir().unwrap();
    mentoring_files(dir.path());
    let output = spectra()
        .current_dir(dir.path())
        .args([
            "match",
            "plan",
            "--mentors",
            "mentors.csv",
            "--mentees",
            "mentees.csv",
        ])
        .args([
            "--exclusions",
            "exclusions.csv",
            "--emit-scores",
            "scores.csv",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let plan: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // S1 can only have M1 (a woman); S3 then takes M2; S2's only other mentor is excluded.
    assert_eq!(plan["matched"], 2);
    let pairs: Vec<(String, String)> = plan["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["mentor_id"].as_str().unwrap().to_owned(),
                p["mentee_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("M1".to_owned(), "S1".to_owned()),
            ("M2".to_owned(), "S3".to_owned())
        ]
    );
    assert_eq!(plan["unmatched_mentees"], serde_json::json!(["S2"]));
    for pair in plan["pairs"].as_array().unwrap() {
        let parts = pair["breakdown"].as_array().unwrap();
        assert_eq!(parts.len(), 6);
        let sum: u64 = parts.iter().map(|p| p["points"].as_u64().unwrap()).sum();
        assert_eq!(
            sum,
            pair["score"].as_u64().unwrap(),
            "the breakdown adds up"
        );
    }
    let total: u64 = plan["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["score"].as_u64().unwrap())
        .sum();
    assert_eq!(plan["total_score"].as_u64().unwrap(), total);

    // The emitted scores, solved with the same capacities, give the same answer.
    let scores = std::fs::read_to_string(dir.path().join("scores.csv")).unwrap();
    assert!(scores.starts_with("mentor_id,mentee_id,score\n"));
    assert!(
        !scores.contains("M2,S2,"),
        "an excluded pair is not allowed"
    );
    assert!(
        !scores.contains("M2,S1,"),
        "a required wish the mentor misses is not allowed"
    );
    std::fs::write(
        dir.path().join("capacities.csv"),
        "mentor_id,capacity\nM1,1\nM2,2\n",
    )
    .unwrap();
    let output = spectra()
        .current_dir(dir.path())
        .args([
            "match",
            "solve",
            "--capacities",
            "capacities.csv",
            "--scores",
            "scores.csv",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let solved: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(solved["matched"], plan["matched"]);
    assert_eq!(solved["total_score"], plan["total_score"]);
    assert_eq!(solved["unmatched_mentees"], plan["unmatched_mentees"]);
}

#[test]
fn match_commands_name_the_file_and_line_of_bad_input_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    mentoring_files(dir.path());
    std::fs::write(
        dir.path().join("exclusions.csv"),
        "mentor_id,mentee_id,reason\nM1,S1,fine\n\nM9,S2,unknown mentor\n",
    )
    .unwrap();
    let output = spectra()
        .current_dir(dir.path())
        .args([
            "match",
            "plan",
            "--mentors",
            "mentors.csv",
            "--mentees",
            "mentees.csv",
        ])
        .args(["--exclusions", "exclusions.csv"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("exclusions.csv line 4: mentor_id \"M9\" is not in mentors.csv"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());

    std::fs::write(
        dir.path().join("capacities.csv"),
        "mentor_id,capacity\nM1,1\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("scores.csv"),
        "mentor_id,mentee_id,score\nM1,S1,10\nM1,S2,ten\n",
    )
    .unwrap();
    let output = spectra()
        .current_dir(dir.path())
        .args([
            "match",
            "solve",
            "--capacities",
            "capacities.csv",
            "--scores",
            "scores.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("scores.csv line 3:"), "{stderr}");
    assert!(stderr.contains("\"ten\""), "{stderr}");
}
