//! The coordinator's matching: running the optimal matcher, reviewing pairs with their
//! breakdowns and unmatched students with reasons, pinning and forbidding, and confirming,
//! which starts relationships and emails introductions. Also who may do it.

use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use spectra::domain::Role;
use spectra::domain::mentoring::profile::{Availability, Modes, Strength};
use spectra::entities::{match_run, mentee, mentor, mentoring_relationship};

use crate::helpers::{Client, PASSWORD, TestApp, location, spawn_app, text_of};

const PAGE: &str = "/mentoring/coordinator/matching";

/// Adds a mentor straight to the database.
pub(crate) async fn add_mentor(
    app: &TestApp,
    reference: &str,
    name: &str,
    specialty: &str,
    capacity: i32,
    lived_experience: bool,
) -> i32 {
    let now = time::OffsetDateTime::now_utc();
    mentor::ActiveModel {
        reference: Set(reference.into()),
        full_name: Set(name.into()),
        email: Set(format!("{}@mentors.example.org", reference.to_lowercase())),
        organisation: Set("Alder Hey Children's NHS FT".into()),
        grade: Set("Consultant".into()),
        specialty: Set(specialty.into()),
        capacity: Set(capacity),
        meeting_modes: Set(Modes::parse("in_person;online").unwrap()),
        availability: Set(Availability::parse("mon_am;tue_pm;wed_eve").unwrap()),
        lived_experience: Set(lived_experience),
        gender: Set("Woman".into()),
        archived_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap()
    .id
}

/// Adds an approved student straight to the database.
pub(crate) async fn add_mentee(app: &TestApp, reference: &str, name: &str, interest: &str) -> i32 {
    let now = time::OffsetDateTime::now_utc();
    mentee::ActiveModel {
        reference: Set(reference.into()),
        user_id: Set(None),
        full_name: Set(name.into()),
        email: Set(format!("{}@students.example.org", reference.to_lowercase())),
        university: Set("Edge Hill University".into()),
        year_of_study: Set(3),
        specialty_interests: Set(interest.into()),
        meeting_modes: Set(Modes::parse("online").unwrap()),
        availability: Set(Availability::parse("mon_am;tue_pm;wed_eve").unwrap()),
        lived_experience_preference: Set(Strength::None),
        gender_preference: Set(String::new()),
        gender_preference_strength: Set(Strength::None),
        declared_conflicts: Set(String::new()),
        status: Set(spectra::domain::mentoring::pilot::MenteeStatus::Approved),
        consented_at: Set(now),
        decided_at: Set(Some(now)),
        decided_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap()
    .id
}

/// The mentoring coordinator, signed in.
pub(crate) async fn coordinator(app: &TestApp) -> Client {
    app.create_user("coordinator@nhs.net", &[Role::Coordinator], None)
        .await;
    let client = app.new_client();
    client.sign_in("coordinator@nhs.net", PASSWORD).await;
    client
}

/// Two mentors with one place each, and three students, two of whom fit them exactly.
pub(crate) struct Pilot {
    pub(crate) paediatrics: i32,
    surgery: i32,
    sam: i32,
    pub(crate) kai: i32,
    lee: i32,
}

pub(crate) async fn pilot(app: &TestApp) -> Pilot {
    Pilot {
        paediatrics: add_mentor(app, "M1", "Dr Asha Patel", "Paediatrics", 1, true).await,
        surgery: add_mentor(app, "M2", "Dr Ben Jones", "Surgery", 1, false).await,
        sam: add_mentee(app, "S1", "Sam Green", "Paediatrics").await,
        kai: add_mentee(app, "S2", "Kai Lee", "Surgery").await,
        lee: add_mentee(app, "S3", "Lee Hart", "Surgery").await,
    }
}

pub(crate) async fn run(client: &Client) -> String {
    let response = client
        .post("/mentoring/coordinator/matching/run", &[])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), format!("{PAGE}#proposal"));
    let (status, body) = client.page(PAGE).await;
    assert_eq!(status, 200);
    body
}

async fn latest_run(app: &TestApp) -> match_run::Model {
    spectra::db::mentoring::matching::latest_run(&app.db)
        .await
        .unwrap()
        .unwrap()
}

async fn relationships(app: &TestApp) -> Vec<mentoring_relationship::Model> {
    mentoring_relationship::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
}

/// The rows of the proposal table: (student, mentor, score cell).
fn pairs(body: &str) -> Vec<(String, String, String)> {
    let html = scraper::Html::parse_document(body);
    let row = scraper::Selector::parse("table tbody tr").unwrap();
    let cell = scraper::Selector::parse("td").unwrap();
    html.select(&row)
        .map(|r| {
            let cells: Vec<String> = r
                .select(&cell)
                .map(|c| {
                    c.text()
                        .collect::<String>()
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            (cells[0].clone(), cells[1].clone(), cells[2].clone())
        })
        .collect()
}

#[tokio::test]
async fn the_coordinator_runs_reviews_and_confirms_the_optimal_matching() {
    let app = spawn_app().await;
    let p = pilot(&app).await;
    let coordinator = coordinator(&app).await;

    let body = run(&coordinator).await;
    let rows = pairs(&body);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[0].0.contains("Sam Green (S1)") && rows[0].1.contains("Dr Asha Patel"));
    assert!(rows[1].0.contains("Kai Lee (S2)") && rows[1].1.contains("Dr Ben Jones"));
    // The breakdown explains the score.
    assert!(
        rows[0].2.contains("1000 for Sam Green with Dr Asha Patel"),
        "{}",
        rows[0].2
    );
    assert!(
        rows[0].2.contains("Specialty: 350 of 350."),
        "{}",
        rows[0].2
    );
    assert!(
        rows[0]
            .2
            .contains("Works in Paediatrics, which the student is interested in")
    );
    // The student left over is listed with the reason.
    assert!(body.contains(
        "Lee Hart (S3):</strong> The places of all 2 possible mentors went to other students"
    ));
    assert!(text_of(&body, "#proposal").contains("Proposed matches"));

    let stored = latest_run(&app).await;
    assert!(stored.confirmed_at.is_none());
    assert!(
        relationships(&app).await.is_empty(),
        "nothing starts before confirming"
    );

    let response = coordinator
        .post(&format!("{PAGE}/runs/{}/confirm", stored.id), &[])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/mentoring/coordinator/relationships");

    let started = relationships(&app).await;
    let mut started_pairs: Vec<(i32, i32)> =
        started.iter().map(|r| (r.mentor_id, r.mentee_id)).collect();
    started_pairs.sort_unstable();
    let mut expected = vec![(p.paediatrics, p.sam), (p.surgery, p.kai)];
    expected.sort_unstable();
    assert_eq!(started_pairs, expected);
    assert!(
        started
            .iter()
            .all(|r| r.active_mentee_id == Some(r.mentee_id) && r.ended_at.is_none())
    );
    assert!(started.iter().all(|r| r.breakdown.contains("Specialty")));
    assert!(latest_run(&app).await.confirmed_at.is_some());
    assert_eq!(
        app.count("audit_events WHERE action = 'match_confirmed'")
            .await,
        1
    );

    let to_mentor = app
        .wait_for_email("m1@mentors.example.org", "Your new mentee: Sam Green")
        .await;
    assert!(to_mentor.text.contains("s1@students.example.org"));
    let to_student = app
        .wait_for_email("s1@students.example.org", "Meet your mentor: Dr Asha Patel")
        .await;
    assert!(to_student.text.contains("m1@mentors.example.org"));
    app.wait_for_email("s2@students.example.org", "Meet your mentor: Dr Ben Jones")
        .await;

    // Confirmed students are no longer waiting; Lee is, and both mentors are now full.
    let body = run(&coordinator).await;
    assert!(body.contains("Students waiting for a mentor</dt>\n        <dd class=\"nhsuk-summary-list__value\">1</dd>"), "{}", text_of(&body, "dl"));
    assert!(pairs(&body).is_empty());
    assert!(body.contains("Lee Hart (S3):</strong> No mentor can be matched: the mentor has no room for another student (2 mentors)"));
    let _ = p.lee;
}

#[tokio::test]
async fn pins_and_forbidden_pairs_change_the_next_run() {
    let app = spawn_app().await;
    let p = pilot(&app).await;
    let coordinator = coordinator(&app).await;
    run(&coordinator).await;

    // Pin Lee to the surgeon: Kai loses the place, as the coordinator asked.
    let response = coordinator
        .post(
            &format!("{PAGE}/pins"),
            &[
                ("mentor_id", &p.surgery.to_string()),
                ("mentee_id", &p.lee.to_string()),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    // The old run is now out of date and can't be confirmed.
    let old = latest_run(&app).await;
    let (_, body) = coordinator.page(PAGE).await;
    assert!(body.contains("Something has changed since this run"));
    let response = coordinator
        .post(&format!("{PAGE}/runs/{}/confirm", old.id), &[])
        .await;
    assert_eq!(response.status(), 200);
    let body = response.text().await.unwrap();
    assert!(
        text_of(&body, ".nhsuk-error-summary")
            .contains("Run the matching again before you confirm")
    );
    assert!(relationships(&app).await.is_empty());

    let body = run(&coordinator).await;
    let rows = pairs(&body);
    assert!(
        rows.iter().any(|r| r.0.contains("Lee Hart")
            && r.0.contains("Pinned")
            && r.1.contains("Dr Ben Jones")),
        "{rows:?}"
    );
    assert!(!rows.iter().any(|r| r.0.contains("Kai Lee")));

    // Forbid Sam with the paediatrician: Sam is left without a mentor, with the reason.
    let response = coordinator
        .post(
            &format!("{PAGE}/forbid"),
            &[
                ("mentor_id", &p.paediatrics.to_string()),
                ("mentee_id", &p.sam.to_string()),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        app.count("mentoring_exclusions WHERE source = 'coordinator'")
            .await,
        1
    );
    let body = run(&coordinator).await;
    let rows = pairs(&body);
    assert!(
        !rows
            .iter()
            .any(|r| r.0.contains("Sam Green") && r.1.contains("Dr Asha Patel")),
        "{rows:?}"
    );
    // Kai now takes the paediatrician's place: one more student matched beats a better score.
    assert!(
        rows.iter()
            .any(|r| r.0.contains("Kai Lee") && r.1.contains("Dr Asha Patel")),
        "{rows:?}"
    );
    assert!(body.contains("Sam Green (S1):</strong>"));

    // Removing the pin is honoured too.
    let response = coordinator
        .post(&format!("{PAGE}/pins/{}/delete", p.lee), &[])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(app.count("match_pins").await, 0);
}

#[tokio::test]
async fn a_pair_the_rules_forbid_cannot_be_pinned() {
    let app = spawn_app().await;
    let p = pilot(&app).await;
    // Kai requires a mentor with lived experience of care; the surgeon has not said so.
    let mut kai: mentee::ActiveModel = mentee::Entity::find_by_id(p.kai)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    kai.lived_experience_preference = Set(Strength::Required);
    kai.update(&app.db).await.unwrap();
    let coordinator = coordinator(&app).await;

    let response = coordinator
        .post(
            &format!("{PAGE}/pins"),
            &[
                ("mentor_id", &p.surgery.to_string()),
                ("mentee_id", &p.kai.to_string()),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    let body = response.text().await.unwrap();
    assert!(text_of(&body, ".nhsuk-error-summary").contains(
        "This pair is not allowed: the student requires a mentor with lived experience of care"
    ));
    assert!(text_of(&body, "#mentor_id-error").contains("lived experience"));
    assert_eq!(app.count("match_pins").await, 0);

    let response = coordinator
        .post(
            &format!("{PAGE}/pins"),
            &[("mentor_id", ""), ("mentee_id", "")],
        )
        .await;
    let body = response.text().await.unwrap();
    assert!(text_of(&body, ".nhsuk-error-summary").contains("Choose a student"));
    assert!(text_of(&body, ".nhsuk-error-summary").contains("Choose a mentor"));

    // And the matcher never proposes it. The paediatrician, who has lived experience, scores
    // better with Sam, and either way two students are matched, so Kai waits, with the reason.
    let body = run(&coordinator).await;
    assert!(!pairs(&body).iter().any(|r| r.0.contains("Kai Lee")));
    assert!(
        text_of(&body, "main")
            .contains("Kai Lee (S2): Their only possible mentor's places went to other students"),
        "{}",
        text_of(&body, "main")
    );
}

#[tokio::test]
async fn only_the_newest_run_can_be_confirmed_and_only_once() {
    let app = spawn_app().await;
    pilot(&app).await;
    let coordinator = coordinator(&app).await;
    run(&coordinator).await;
    let first = latest_run(&app).await;
    run(&coordinator).await;
    let second = latest_run(&app).await;

    let response = coordinator
        .post(&format!("{PAGE}/runs/{}/confirm", first.id), &[])
        .await;
    assert_eq!(response.status(), 200);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("A newer run has replaced this one")
    );
    assert!(relationships(&app).await.is_empty());

    let response = coordinator
        .post(&format!("{PAGE}/runs/{}/confirm", second.id), &[])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(relationships(&app).await.len(), 2);
    // A second click changes nothing.
    let response = coordinator
        .post(&format!("{PAGE}/runs/{}/confirm", second.id), &[])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(relationships(&app).await.len(), 2);
    assert_eq!(
        mentoring_relationship::Entity::find()
            .filter(mentoring_relationship::Column::RunId.eq(second.id))
            .all(&app.db)
            .await
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn only_coordinators_can_match() {
    let app = spawn_app().await;
    let p = pilot(&app).await;
    for (email, role) in [
        ("applicant@nhs.net", Role::Applicant),
        ("mentor@nhs.net", Role::Mentor),
        ("mentee@nhs.net", Role::Mentee),
        ("champion@nhs.net", Role::Champion),
        ("admin@nhs.net", Role::Admin),
    ] {
        app.create_user(email, &[role], None).await;
        let client = app.new_client();
        client.sign_in(email, PASSWORD).await;
        assert_eq!(client.get(PAGE).await.status(), 403, "{email}");
        assert_eq!(
            client.get(&format!("{PAGE}/runs/1/confirm")).await.status(),
            403,
            "{email}"
        );
        for path in [
            format!("{PAGE}/run"),
            format!("{PAGE}/pins"),
            format!("{PAGE}/forbid"),
            format!("{PAGE}/runs/1/confirm"),
        ] {
            let response = client
                .post(
                    &path,
                    &[
                        ("mentor_id", &p.surgery.to_string()),
                        ("mentee_id", &p.kai.to_string()),
                    ],
                )
                .await;
            assert_eq!(response.status(), 403, "{email} {path}");
        }
    }
    assert_eq!(app.count("match_runs").await, 0);
    assert_eq!(app.count("match_pins").await, 0);
    assert_eq!(app.count("mentoring_exclusions").await, 0);

    let visitor = app.new_client();
    let response = visitor.get(PAGE).await;
    assert_eq!(response.status(), 303);
    assert!(location(&response).starts_with("/login"));
}

#[tokio::test]
async fn a_student_with_conflicts_not_yet_reviewed_waits_out_of_matching() {
    let app = spawn_app().await;
    let p = pilot(&app).await;
    // Sam declared a conflict after approval, and nobody has reviewed it yet.
    let mut sam: mentee::ActiveModel = mentee::Entity::find_by_id(p.sam)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    sam.declared_conflicts = Set("Dr Asha Patel assesses me on placement".into());
    sam.conflicts_reviewed_at = Set(None);
    sam.update(&app.db).await.unwrap();
    let coordinator = coordinator(&app).await;

    let body = run(&coordinator).await;
    assert!(text_of(&body, ".nhsuk-warning-callout").contains("Sam Green (S1)"));
    assert!(!pairs(&body).iter().any(|r| r.0.contains("Sam Green")));
    assert!(
        !body.contains("Sam Green (S1):</strong>"),
        "not listed as matched or unmatched"
    );

    // The coordinator records the exclusion and confirms the review: Sam is matched again, but
    // never with the clinician named.
    let response = coordinator
        .post(
            &format!("{PAGE}/forbid"),
            &[
                ("mentor_id", &p.paediatrics.to_string()),
                ("mentee_id", &p.sam.to_string()),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let response = coordinator
        .post(
            &format!(
                "/mentoring/coordinator/mentees/{}/conflicts-reviewed",
                p.sam
            ),
            &[],
        )
        .await;
    assert_eq!(response.status(), 303);
    let stored = mentee::Entity::find_by_id(p.sam)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.conflicts_reviewed_at.is_some());
    let body = run(&coordinator).await;
    assert!(!text_of(&body, "main").contains("Conflicts to review"));
    assert!(
        !pairs(&body)
            .iter()
            .any(|r| r.0.contains("Sam Green") && r.1.contains("Dr Asha Patel"))
    );
    assert!(text_of(&body, "main").contains("Sam Green (S1)"));
}

#[tokio::test]
async fn views_of_records_and_roles_given_are_audited() {
    let app = spawn_app().await;
    let p = pilot(&app).await;
    let coordinator = coordinator(&app).await;
    assert_eq!(
        coordinator
            .get(&format!("/mentoring/coordinator/mentees/{}", p.sam))
            .await
            .status(),
        200
    );
    assert_eq!(
        coordinator
            .get(&format!("/mentoring/coordinator/mentors/{}", p.surgery))
            .await
            .status(),
        200
    );
    assert_eq!(
        coordinator
            .get("/mentoring/coordinator/mentees/99999")
            .await
            .status(),
        404
    );
    assert_eq!(
        app.count(&format!(
            "audit_events WHERE action = 'mentoring_record_viewed' AND subject IN ('mentee:{}', 'mentor:{}')",
            p.sam, p.surgery
        ))
        .await,
        2
    );

    // A pending student with an account is approved: the mentee role is given, and audited.
    let user = app
        .create_user("pending@students.example.org", &[Role::Applicant], None)
        .await;
    let pending = add_mentee(&app, "S9", "Pat Pending", "Surgery").await;
    let mut row: mentee::ActiveModel = mentee::Entity::find_by_id(pending)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    row.status = Set(spectra::domain::mentoring::pilot::MenteeStatus::Pending);
    row.user_id = Set(Some(user));
    row.update(&app.db).await.unwrap();
    let response = coordinator
        .post(
            &format!("/mentoring/coordinator/mentees/{pending}/approve"),
            &[],
        )
        .await;
    assert_eq!(response.status(), 303);
    let roles = spectra::db::users::roles_of(&app.db, user).await.unwrap();
    assert!(roles.contains(&Role::Mentee));
    assert_eq!(
        app.count(&format!(
            "audit_events WHERE action = 'roles_changed' AND subject = 'user:{user}'"
        ))
        .await,
        1
    );
}

/// The rows of the outbox to an address whose subject contains `subject`.
async fn queued(app: &TestApp, to: &str, subject: &str) -> i64 {
    app.count(&format!(
        "outbox_messages WHERE to_address = '{to}' AND subject LIKE '%{subject}%'"
    ))
    .await
}

#[tokio::test]
async fn confirming_shows_who_will_be_emailed_first_and_tells_the_waiting_list_once() {
    let app = spawn_app().await;
    let p = pilot(&app).await;
    let coordinator = coordinator(&app).await;

    // The overview says what to do: three students wait and mentors have places.
    let (_, body) = coordinator.page("/mentoring/coordinator").await;
    let steps = text_of(&body, "#next-steps-list");
    assert!(steps.contains("3 students waiting for a mentor"), "{steps}");
    assert!(steps.contains("Run matching"), "{steps}");
    assert!(text_of(&body, "#waiting-list").contains("Lee Hart (S3): not told yet"));

    let body = run(&coordinator).await;
    let stored = latest_run(&app).await;
    let confirm = format!("{PAGE}/runs/{}/confirm", stored.id);
    // "Confirm 2 matches" is a link to the confirmation page, not a form that acts at once.
    let html = scraper::Html::parse_document(&body);
    let link = scraper::Selector::parse("a#confirm").unwrap();
    let button = html.select(&link).next().expect("the confirm link");
    assert_eq!(button.value().attr("href"), Some(confirm.as_str()));
    assert!(
        button
            .text()
            .collect::<String>()
            .contains("Confirm 2 matches")
    );
    let (_, overview) = coordinator.page("/mentoring/coordinator").await;
    assert!(
        text_of(&overview, "#next-steps-list")
            .contains("Review and confirm the proposed matches (2 pairs)")
    );

    // The confirmation page says what will happen and to whom, and changes nothing.
    let (status, body) = coordinator.page(&confirm).await;
    assert_eq!(status, 200);
    let what = text_of(&body, "#what-happens");
    assert!(what.contains("2 mentoring relationships start"), "{what}");
    assert!(
        what.contains("2 mentors and 2 students are emailed an introduction"),
        "{what}"
    );
    assert!(
        what.contains("Each learns the other's name, email address and details"),
        "{what}"
    );
    assert!(
        what.contains(
            "1 student stays without a mentor and is emailed that they are on the waiting list"
        ),
        "{what}"
    );
    let who = text_of(&body, "#pairs");
    assert!(
        who.contains("Sam Green (S1)") && who.contains("Dr Asha Patel"),
        "{who}"
    );
    assert!(text_of(&body, "#left-over").contains("Lee Hart (S3)"));
    assert!(text_of(&body, "#confirm").contains("Confirm and send 5 emails"));
    assert!(relationships(&app).await.is_empty());
    assert!(latest_run(&app).await.confirmed_at.is_none());
    assert_eq!(app.count("outbox_messages").await, 0);

    // Confirming does it: relationships, introductions, and the waiting list.
    let response = coordinator.post(&confirm, &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(relationships(&app).await.len(), 2);
    assert_eq!(app.count("outbox_messages").await, 5);
    let told = app
        .wait_for_email(
            "s3@students.example.org",
            "You are on the waiting list for a mentor",
        )
        .await;
    assert!(told.text.contains("You are on the waiting list"));
    assert!(told.text.contains("/mentoring/mine"));
    let lee = mentee::Entity::find_by_id(p.lee)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(lee.waiting_list_told_at.is_some());
    let (_, body) = coordinator
        .page("/mentoring/coordinator/relationships")
        .await;
    assert!(body.contains("1 student was told they are on the waiting list"));

    // A second press changes nothing.
    let response = coordinator.post(&confirm, &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/mentoring/coordinator/relationships");
    assert_eq!(relationships(&app).await.len(), 2);
    assert_eq!(app.count("outbox_messages").await, 5);
    // And the confirmation page of a confirmed run sends the coordinator to the relationships.
    let response = coordinator.get(&confirm).await;
    assert_eq!(response.status(), 303);

    // The overview flags Lee, told already.
    let (_, body) = coordinator.page("/mentoring/coordinator").await;
    assert!(text_of(&body, "#next-steps-list").contains("1 student waiting for a mentor"));
    assert!(text_of(&body, "#active").contains("2 active relationships"));
    assert!(
        text_of(&body, "#waiting-list")
            .contains("Lee Hart (S3): told they are on the waiting list")
    );

    // Next round: a new mentor takes a better-suited student; Lee waits again, told only once.
    add_mentor(&app, "M3", "Dr Cara Lim", "Cardiology", 1, false).await;
    add_mentee(&app, "S4", "Ira Cole", "Cardiology").await;
    run(&coordinator).await;
    let second = latest_run(&app).await;
    let confirm = format!("{PAGE}/runs/{}/confirm", second.id);
    let (_, body) = coordinator.page(&confirm).await;
    let what = text_of(&body, "#what-happens");
    assert!(
        what.contains("1 student who stays without a mentor was told before"),
        "{what}"
    );
    assert!(text_of(&body, "#confirm").contains("Confirm and send 2 emails"));
    coordinator.post(&confirm, &[]).await;
    assert_eq!(
        queued(&app, "s3@students.example.org", "waiting list").await,
        1
    );
    assert_eq!(app.count("outbox_messages").await, 7);
}

#[tokio::test]
async fn pairs_are_shown_weakest_first_with_each_students_next_best_mentors() {
    let app = spawn_app().await;
    add_mentor(&app, "M1", "Dr Asha Patel", "Paediatrics", 1, true).await;
    add_mentor(&app, "M2", "Dr Ben Jones", "Surgery", 1, false).await;
    add_mentee(&app, "S1", "Sam Green", "Paediatrics").await;
    // Kai wants cardiology, which neither mentor does: Kai's pair is the weakest.
    add_mentee(&app, "S2", "Kai Lee", "Cardiology").await;
    add_mentee(&app, "S3", "Lee Hart", "Paediatrics").await;
    let coordinator = coordinator(&app).await;

    let body = run(&coordinator).await;
    let rows = pairs(&body);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[0].0.contains("Kai Lee"), "weakest first: {rows:?}");
    assert!(rows[1].0.contains("Sam Green"), "{rows:?}");
    assert!(text_of(&body, "caption").contains("weakest score first"));
    // Kai's next-best mentor, with the score, the reason and why not, in plain words.
    let next_best = text_of(&body, "tbody tr:first-child .app-next-best");
    assert!(
        next_best.contains("Dr Asha Patel would score 650 with Kai Lee"),
        "{next_best}"
    );
    assert!(
        next_best.contains("Works in Paediatrics; the student is interested in Cardiology"),
        "{next_best}"
    );
    assert!(
        next_best.contains("but is matched with Sam Green, where the total is higher"),
        "{next_best}"
    );
    // Lee, left over, sees the mentors that went to others.
    let unmatched = text_of(&body, "main");
    assert!(
        unmatched.contains(
            "Dr Asha Patel would score 1000 with Lee Hart (a perfect score), but is matched with Sam Green"
        ),
        "{unmatched}"
    );
}

#[tokio::test]
async fn a_gender_wish_reads_as_a_mentor_who_is_a_woman() {
    let app = spawn_app().await;
    let id = add_mentee(&app, "S1", "Sam Green", "Paediatrics").await;
    let mut sam: mentee::ActiveModel = mentee::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    sam.gender_preference = Set("Woman".into());
    sam.gender_preference_strength = Set(Strength::Preferred);
    sam.update(&app.db).await.unwrap();
    let coordinator = coordinator(&app).await;
    let (_, body) = coordinator
        .page(&format!("/mentoring/coordinator/mentees/{id}"))
        .await;
    let facts = text_of(&body, "dl");
    assert!(
        facts.contains("Gender of their mentorWould like a mentor who is a woman"),
        "{facts}"
    );
    assert!(!facts.contains("Mentor's gender"));
}
