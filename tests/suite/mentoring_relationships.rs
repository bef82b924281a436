//! Mentoring relationships: mentors and students see only their own, meetings with notes only
//! their author sees, asking to end, and the coordinator's overview and ending.

use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use spectra::domain::Role;
use spectra::domain::mentoring::profile::{Availability, Modes, Strength};
use spectra::entities::{
    audit_event, mentee, mentor, mentoring_exclusion, mentoring_meeting, mentoring_relationship,
};
use time::{Date, Duration, OffsetDateTime};

use crate::helpers::{Client, PASSWORD, TestApp, location, spawn_app, text_of};

/// A mentor record with this email (the sign-in address of a mentor account).
pub(crate) async fn add_mentor(app: &TestApp, reference: &str, name: &str, email: &str) -> i32 {
    let now = OffsetDateTime::now_utc();
    mentor::ActiveModel {
        reference: Set(reference.into()),
        full_name: Set(name.into()),
        email: Set(email.into()),
        organisation: Set("Alder Hey Children's NHS FT".into()),
        grade: Set("Consultant".into()),
        specialty: Set("Paediatrics".into()),
        capacity: Set(2),
        meeting_modes: Set(Modes::parse("in_person;online").unwrap()),
        availability: Set(Availability::parse("mon_am;wed_eve").unwrap()),
        lived_experience: Set(false),
        gender: Set(String::new()),
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

/// An approved student, linked to a user account if given.
pub(crate) async fn add_mentee(
    app: &TestApp,
    reference: &str,
    name: &str,
    email: &str,
    user_id: Option<i32>,
) -> i32 {
    let now = OffsetDateTime::now_utc();
    mentee::ActiveModel {
        reference: Set(reference.into()),
        user_id: Set(user_id),
        full_name: Set(name.into()),
        email: Set(email.into()),
        university: Set("University of Liverpool".into()),
        year_of_study: Set(3),
        specialty_interests: Set("Paediatrics;Surgery".into()),
        meeting_modes: Set(Modes::parse("online").unwrap()),
        availability: Set(Availability::parse("wed_eve").unwrap()),
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

/// An active relationship that started `days_ago`.
pub(crate) async fn relate(app: &TestApp, mentor_id: i32, mentee_id: i32, days_ago: i64) -> i32 {
    mentoring_relationship::ActiveModel {
        mentor_id: Set(mentor_id),
        mentee_id: Set(mentee_id),
        active_mentee_id: Set(Some(mentee_id)),
        run_id: Set(None),
        score: Set(640),
        breakdown: Set(
            r#"[{"criterion":"specialty","points":250,"out_of":250,"reason":"Both paediatrics"}]"#
                .into(),
        ),
        started_at: Set(OffsetDateTime::now_utc() - Duration::days(days_ago)),
        end_requested_at: Set(None),
        end_requested_by: Set(None),
        end_reason: Set(String::new()),
        ended_at: Set(None),
        ended_by: Set(None),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap()
    .id
}

/// A meeting `days_ago`, logged by `by`.
pub(crate) async fn meet(app: &TestApp, relationship_id: i32, by: i32, days_ago: i64, note: &str) {
    mentoring_meeting::ActiveModel {
        relationship_id: Set(relationship_id),
        logged_by: Set(Some(by)),
        met_on: Set(OffsetDateTime::now_utc().date() - Duration::days(days_ago)),
        mode: Set("online".into()),
        note: Set(note.into()),
        created_at: Set(OffsetDateTime::now_utc()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
}

async fn signed_in(app: &TestApp, email: &str) -> Client {
    let client = app.new_client();
    client.sign_in(email, PASSWORD).await;
    client
}

/// Two mentors, each with one student, all with accounts.
struct Pilot {
    mentor_a: i32,
    student_a: i32,
    student_a_mentee: i32,
    rel_a: i32,
    rel_b: i32,
    coordinator: i32,
}

async fn pilot(app: &TestApp) -> Pilot {
    let mentor_a = app
        .create_user("dr.amara@example.org", &[Role::Mentor], None)
        .await;
    app.create_user("dr.ben@example.org", &[Role::Mentor], None)
        .await;
    let student_a = app
        .create_user("ali.student@example.org", &[Role::Mentee], None)
        .await;
    let student_b = app
        .create_user("bea.student@example.org", &[Role::Mentee], None)
        .await;
    let coordinator = app
        .create_user("coord@example.org", &[Role::Coordinator], None)
        .await;
    let m_a = add_mentor(app, "M01", "Dr Amara Okafor", "dr.amara@example.org").await;
    let m_b = add_mentor(app, "M02", "Dr Ben Shaw", "dr.ben@example.org").await;
    let s_a = add_mentee(
        app,
        "S01",
        "Ali Student",
        "ali.student@example.org",
        Some(student_a),
    )
    .await;
    let s_b = add_mentee(
        app,
        "S02",
        "Bea Student",
        "bea.student@example.org",
        Some(student_b),
    )
    .await;
    let rel_a = relate(app, m_a, s_a, 30).await;
    let rel_b = relate(app, m_b, s_b, 30).await;
    Pilot {
        mentor_a,
        student_a,
        student_a_mentee: s_a,
        rel_a,
        rel_b,
        coordinator,
    }
}

async fn stored_meetings(app: &TestApp, relationship_id: i32) -> Vec<mentoring_meeting::Model> {
    mentoring_meeting::Entity::find()
        .filter(mentoring_meeting::Column::RelationshipId.eq(relationship_id))
        .all(&app.db)
        .await
        .unwrap()
}

async fn stored_relationship(app: &TestApp, id: i32) -> mentoring_relationship::Model {
    mentoring_relationship::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn mentors_and_students_see_only_their_own_relationships() {
    // Arrange
    let app = spawn_app().await;
    let p = pilot(&app).await;
    let mentor = signed_in(&app, "dr.amara@example.org").await;
    let student = signed_in(&app, "ali.student@example.org").await;

    // Act and assert: the mentor
    let (status, body) = mentor.page("/mentoring/mine").await;
    assert_eq!(status, 200);
    assert!(body.contains("Ali Student"), "{body}");
    assert!(!body.contains("Bea Student"));
    let (status, body) = mentor
        .page(&format!("/mentoring/relationships/{}", p.rel_a))
        .await;
    assert_eq!(status, 200);
    assert_eq!(text_of(&body, "h1"), "Ali Student");
    assert!(body.contains("ali.student@example.org"));
    assert!(body.contains("University of Liverpool"));
    assert!(body.contains("Wednesday evening"));
    let (status, body) = mentor
        .page(&format!("/mentoring/relationships/{}", p.rel_b))
        .await;
    assert_eq!(status, 404);
    assert!(!body.contains("Bea Student"));
    let (status, _) = mentor.page("/mentoring/relationships/999999").await;
    assert_eq!(status, 404);
    let response = mentor
        .post(
            &format!("/mentoring/relationships/{}/meetings", p.rel_b),
            &[
                ("day", "1"),
                ("month", "1"),
                ("year", "2026"),
                ("mode", "online"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 404);
    assert!(stored_meetings(&app, p.rel_b).await.is_empty());

    // Act and assert: the student
    let (status, body) = student.page("/mentoring/mine").await;
    assert_eq!(status, 200);
    assert!(body.contains("Dr Amara Okafor"), "{body}");
    assert!(!body.contains("Dr Ben Shaw"));
    let (status, body) = student
        .page(&format!("/mentoring/relationships/{}", p.rel_a))
        .await;
    assert_eq!(status, 200);
    assert_eq!(text_of(&body, "h1"), "Dr Amara Okafor");
    assert!(body.contains("Alder Hey Children"));
    assert!(body.contains("Consultant"));
    assert!(body.contains("in person or online"));
    let (status, _) = student
        .page(&format!("/mentoring/relationships/{}", p.rel_b))
        .await;
    assert_eq!(status, 404);
    let response = student
        .post(
            &format!("/mentoring/relationships/{}/end-request", p.rel_b),
            &[("reason", "Probing")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 404);
    assert!(
        stored_relationship(&app, p.rel_b)
            .await
            .end_requested_at
            .is_none()
    );
}

#[tokio::test]
async fn a_student_not_matched_yet_is_told_so() {
    // Arrange
    let app = spawn_app().await;
    let user = app
        .create_user("waiting@example.org", &[Role::Mentee], None)
        .await;
    add_mentee(
        &app,
        "S09",
        "Wren Waiting",
        "waiting@example.org",
        Some(user),
    )
    .await;
    let client = signed_in(&app, "waiting@example.org").await;

    // Act
    let (status, body) = client.page("/mentoring/mine").await;

    // Assert
    assert_eq!(status, 200);
    assert!(
        body.contains("not been matched with a mentor yet"),
        "{body}"
    );
    assert!(
        text_of(&body, "#standing").contains("You are on the waiting list for a mentor"),
        "{body}"
    );
}

#[tokio::test]
async fn mentors_and_students_see_their_next_steps() {
    let app = spawn_app().await;
    let p = pilot(&app).await;
    // Amara last met Ali five weeks ago; Ben and Bea have not met yet.
    meet(&app, p.rel_a, p.mentor_a, 35, "").await;
    let amara = signed_in(&app, "dr.amara@example.org").await;
    let (_, body) = amara.page("/mentoring/mine").await;
    let steps = text_of(&body, "#next-steps-list");
    assert!(
        steps.contains("Meet Ali Student: your last meeting was 5 weeks ago"),
        "{steps}"
    );
    assert!(body.contains(&format!(
        "href=\"/mentoring/relationships/{}#log-a-meeting\"",
        p.rel_a
    )));
    let ben = signed_in(&app, "dr.ben@example.org").await;
    let (_, body) = ben.page("/mentoring/mine").await;
    assert!(
        text_of(&body, "#next-steps-list").contains("Meet Bea Student: no meeting is logged yet")
    );
    let bea = signed_in(&app, "bea.student@example.org").await;
    let (_, body) = bea.page("/mentoring/mine").await;
    assert!(
        text_of(&body, "#next-steps-list").contains("Your mentor is Dr Ben Shaw"),
        "{body}"
    );
    // After a recent meeting there is nothing to nag about.
    meet(&app, p.rel_a, p.mentor_a, 3, "").await;
    let (_, body) = amara.page("/mentoring/mine").await;
    assert!(!body.contains("next-steps-list"));
    let _ = p.rel_b;
}

#[tokio::test]
async fn a_note_is_seen_only_by_whoever_wrote_it() {
    // Arrange
    let app = spawn_app().await;
    let p = pilot(&app).await;
    let mentor = signed_in(&app, "dr.amara@example.org").await;
    let student = signed_in(&app, "ali.student@example.org").await;
    let coordinator = signed_in(&app, "coord@example.org").await;
    let today = OffsetDateTime::now_utc().date() - Duration::days(1);
    let (day, month, year) = (
        today.day().to_string(),
        u8::from(today.month()).to_string(),
        today.year().to_string(),
    );

    // Act
    let response = mentor
        .post(
            &format!("/mentoring/relationships/{}/meetings", p.rel_a),
            &[
                ("day", &day),
                ("month", &month),
                ("year", &year),
                ("mode", "in_person"),
                ("note", "Talked about the paediatrics taster week"),
            ],
        )
        .await;

    // Assert: stored as typed, by the mentor
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        location(&response),
        format!("/mentoring/relationships/{}", p.rel_a)
    );
    let stored = stored_meetings(&app, p.rel_a).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].met_on, today);
    assert_eq!(stored[0].mode, "in_person");
    assert_eq!(stored[0].logged_by, Some(p.mentor_a));
    assert_eq!(stored[0].note, "Talked about the paediatrics taster week");

    // Assert: the author sees the note, the other side and the coordinator see the meeting only
    let (_, body) = mentor
        .page(&format!("/mentoring/relationships/{}", p.rel_a))
        .await;
    assert!(body.contains("Talked about the paediatrics taster week"));
    assert!(body.contains("Only you can see this note"));
    let (_, body) = student
        .page(&format!("/mentoring/relationships/{}", p.rel_a))
        .await;
    assert!(text_of(&body, "#meetings").contains("In person"), "{body}");
    assert!(text_of(&body, "#meetings").contains("Dr Amara Okafor (mentor)"));
    assert!(!body.contains("taster week"));
    let (status, body) = coordinator
        .page(&format!("/mentoring/coordinator/relationships/{}", p.rel_a))
        .await;
    assert_eq!(status, 200);
    assert!(body.contains("In person"));
    assert!(!body.contains("taster week"));
    let (_, body) = coordinator
        .page("/mentoring/coordinator/relationships")
        .await;
    assert!(!body.contains("taster week"));
}

#[tokio::test]
async fn a_meeting_in_the_future_or_without_a_mode_is_refused_and_nothing_stored() {
    // Arrange
    let app = spawn_app().await;
    let p = pilot(&app).await;
    let student = signed_in(&app, "ali.student@example.org").await;
    let tomorrow = OffsetDateTime::now_utc().date() + Duration::days(2);
    let path = format!("/mentoring/relationships/{}/meetings", p.rel_a);

    // Act: a date in the future and no mode
    let response = student
        .post(
            &path,
            &[
                ("day", &tomorrow.day().to_string()),
                ("month", &u8::from(tomorrow.month()).to_string()),
                ("year", &tomorrow.year().to_string()),
                ("note", "Kept when shown again"),
            ],
        )
        .await;

    // Assert
    assert_eq!(response.status().as_u16(), 200);
    let body = response.text().await.unwrap();
    let summary = text_of(&body, ".nhsuk-error-summary");
    assert!(summary.contains("today or in the past"), "{summary}");
    assert!(summary.contains("Select how you met"), "{summary}");
    assert!(body.contains("href=\"#met-day\""));
    assert!(body.contains("href=\"#mode\""));
    assert!(body.contains("Kept when shown again"));
    assert!(text_of(&body, "title").starts_with("Error:"));

    // Act: a date before the relationship started, and one that is not a date
    let response = student
        .post(
            &path,
            &[
                ("day", "1"),
                ("month", "1"),
                ("year", "2020"),
                ("mode", "online"),
            ],
        )
        .await;
    let body = response.text().await.unwrap();
    assert!(
        text_of(&body, ".nhsuk-error-summary").contains("when your mentoring started"),
        "{body}"
    );
    let response = student
        .post(
            &path,
            &[
                ("day", "31"),
                ("month", "2"),
                ("year", "2026"),
                ("mode", "online"),
            ],
        )
        .await;
    let body = response.text().await.unwrap();
    assert!(text_of(&body, ".nhsuk-error-summary").contains("Enter a real date"));

    // Assert: nothing stored
    assert!(stored_meetings(&app, p.rel_a).await.is_empty());
    assert_eq!(app.count("mentoring_meetings").await, 0);
}

#[tokio::test]
async fn asking_to_end_emails_the_coordinator_once() {
    // Arrange
    let app = spawn_app().await;
    let p = pilot(&app).await;
    let student = signed_in(&app, "ali.student@example.org").await;
    let path = format!("/mentoring/relationships/{}/end-request", p.rel_a);

    // Act: without a reason
    let response = student.post(&path, &[("reason", "  ")]).await;
    assert_eq!(response.status().as_u16(), 200);
    let body = response.text().await.unwrap();
    assert!(
        text_of(&body, ".nhsuk-error-summary").contains("Enter why you want to end this mentoring")
    );
    assert!(
        stored_relationship(&app, p.rel_a)
            .await
            .end_requested_at
            .is_none()
    );

    // Act: with a reason
    let response = student
        .post(
            &path,
            &[("reason", "We cannot find times that suit us both")],
        )
        .await;

    // Assert
    assert_eq!(response.status().as_u16(), 303);
    let stored = stored_relationship(&app, p.rel_a).await;
    assert!(stored.end_requested_at.is_some());
    assert_eq!(stored.end_requested_by, Some(p.student_a));
    assert_eq!(stored.end_reason, "We cannot find times that suit us both");
    assert!(stored.ended_at.is_none());
    let email = app
        .wait_for_email("coord@example.org", "asks to end their mentoring")
        .await;
    assert!(email.text.contains("Ali Student"));
    assert!(
        email
            .link(&app.base)
            .ends_with(&format!("/mentoring/coordinator/relationships/{}", p.rel_a))
    );
    let (_, body) = student
        .page(&format!("/mentoring/relationships/{}", p.rel_a))
        .await;
    assert!(body.contains("You have asked to end this mentoring"));
    assert!(body.contains("An end to this mentoring was asked for on"));
    assert!(!body.contains("/end-request\""));
    assert!(body.contains("Log a meeting"));

    // Act: a second request is refused politely and changes nothing
    let response = student.post(&path, &[("reason", "Another go")]).await;
    assert_eq!(response.status().as_u16(), 303);
    let (_, body) = student
        .page(&format!("/mentoring/relationships/{}", p.rel_a))
        .await;
    assert!(body.contains("You have already asked to end this mentoring"));
    assert_eq!(
        stored_relationship(&app, p.rel_a).await.end_reason,
        "We cannot find times that suit us both"
    );

    // Assert: the coordinator sees it listed with its reason
    let coordinator = signed_in(&app, "coord@example.org").await;
    let (_, body) = coordinator
        .page("/mentoring/coordinator/relationships")
        .await;
    let asked = body
        .split("id=\"end-requested\"")
        .nth(1)
        .and_then(|rest| rest.split("id=\"active\"").next())
        .unwrap_or_default();
    assert!(asked.contains("Ali Student"), "{body}");
    assert!(asked.contains("We cannot find times that suit us both"));
    assert!(!asked.contains("Bea Student"));
}

#[tokio::test]
async fn the_coordinator_ends_a_relationship_and_the_student_can_be_matched_again() {
    // Arrange
    let app = spawn_app().await;
    let p = pilot(&app).await;
    let coordinator = signed_in(&app, "coord@example.org").await;
    let mentor_id = stored_relationship(&app, p.rel_a).await.mentor_id;

    // Act
    let response = coordinator
        .post(
            &format!("/mentoring/coordinator/relationships/{}/end", p.rel_a),
            &[("note", "Both agreed")],
        )
        .await;

    // Assert: stored
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        location(&response),
        format!("/mentoring/coordinator/relationships/{}", p.rel_a)
    );
    let stored = stored_relationship(&app, p.rel_a).await;
    assert!(stored.ended_at.is_some());
    assert_eq!(stored.ended_by, Some(p.coordinator));
    assert_eq!(stored.active_mentee_id, None);
    let exclusion = mentoring_exclusion::Entity::find()
        .filter(mentoring_exclusion::Column::MentorId.eq(mentor_id))
        .filter(mentoring_exclusion::Column::MenteeId.eq(p.student_a_mentee))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the pair is excluded");
    assert_eq!(exclusion.source.as_str(), "ended");
    let audit = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("mentoring_ended"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].actor_user_id, Some(p.coordinator));
    assert!(audit[0].details.contains("\"note_given\":true"));
    assert!(!audit[0].details.contains("Both agreed"));

    // Assert: both emailed, and what the coordinator sees
    app.wait_for_email("dr.amara@example.org", "Your mentoring has ended")
        .await;
    let email = app
        .wait_for_email("ali.student@example.org", "Your mentoring has ended")
        .await;
    assert!(
        email
            .text
            .contains("waiting to be matched with a new mentor")
    );
    assert!(!email.text.contains("Both agreed"));
    let (_, body) = coordinator
        .page(&format!("/mentoring/coordinator/relationships/{}", p.rel_a))
        .await;
    assert!(
        body.contains("is now waiting to be matched again"),
        "{body}"
    );
    assert!(body.contains("href=\"/mentoring/coordinator/matching\""));
    assert!(!body.contains("action=\"/mentoring/coordinator/relationships"));

    // Assert: ending twice changes nothing
    let response = coordinator
        .post(
            &format!("/mentoring/coordinator/relationships/{}/end", p.rel_a),
            &[],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(app.count("mentoring_exclusions").await, 1);
    assert_eq!(
        app.count("audit_events WHERE action <> 'signed_in'").await,
        1
    );

    // Assert: the student sees it ended, read-only, and can no longer log meetings
    let student = signed_in(&app, "ali.student@example.org").await;
    let (_, body) = student.page("/mentoring/mine").await;
    assert!(
        body.contains("not been matched with a mentor yet"),
        "{body}"
    );
    let (status, body) = student
        .page(&format!("/mentoring/relationships/{}", p.rel_a))
        .await;
    assert_eq!(status, 200);
    assert!(body.contains("This mentoring ended on"));
    assert!(!body.contains("Log a meeting"));
    let today = OffsetDateTime::now_utc().date();
    student
        .post(
            &format!("/mentoring/relationships/{}/meetings", p.rel_a),
            &[
                ("day", &today.day().to_string()),
                ("month", &u8::from(today.month()).to_string()),
                ("year", &today.year().to_string()),
                ("mode", "online"),
            ],
        )
        .await;
    assert!(stored_meetings(&app, p.rel_a).await.is_empty());

    // Act and assert: the student can be related again
    let other = add_mentor(&app, "M03", "Dr Cara Lee", "dr.cara@example.org").await;
    let again = relate(&app, other, p.student_a_mentee, 0).await;
    assert!(stored_relationship(&app, again).await.ended_at.is_none());
}

#[tokio::test]
async fn the_overview_flags_pairs_with_no_meeting_for_six_weeks() {
    // Arrange
    let app = spawn_app().await;
    app.create_user("coord@example.org", &[Role::Coordinator], None)
        .await;
    let logger = app
        .create_user("someone@example.org", &[Role::Mentor], None)
        .await;
    let m1 = add_mentor(&app, "M01", "Dr Quiet Mentor", "quiet@example.org").await;
    let m2 = add_mentor(&app, "M02", "Dr Busy Mentor", "busy@example.org").await;
    let m3 = add_mentor(&app, "M03", "Dr New Mentor", "new@example.org").await;
    let m4 = add_mentor(&app, "M04", "Dr Never Mentor", "never@example.org").await;
    let s1 = add_mentee(&app, "S01", "Quinn Quiet", "s1@example.org", None).await;
    let s2 = add_mentee(&app, "S02", "Bobbi Busy", "s2@example.org", None).await;
    let s3 = add_mentee(&app, "S03", "Nat New", "s3@example.org", None).await;
    let s4 = add_mentee(&app, "S04", "Nev Never", "s4@example.org", None).await;
    let quiet = relate(&app, m1, s1, 120).await;
    meet(&app, quiet, logger, 50, "").await;
    let busy = relate(&app, m2, s2, 120).await;
    meet(&app, busy, logger, 80, "").await;
    meet(&app, busy, logger, 3, "").await;
    relate(&app, m3, s3, 10).await;
    relate(&app, m4, s4, 60).await;
    let coordinator = signed_in(&app, "coord@example.org").await;

    // Act
    let (status, body) = coordinator
        .page("/mentoring/coordinator/relationships")
        .await;

    // Assert
    assert_eq!(status, 200);
    let row = |name: &str| {
        body.split("<tr")
            .find(|r| r.contains(name))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        row("Quinn Quiet").contains("No meeting for 6 weeks"),
        "{body}"
    );
    assert!(!row("Bobbi Busy").contains("No meeting for 6 weeks"));
    let busy_last: Date = OffsetDateTime::now_utc().date() - Duration::days(3);
    assert!(row("Bobbi Busy").contains(&format!("{} {}", busy_last.day(), busy_last.month())));
    assert!(row("Nat New").contains("No meetings yet"));
    assert!(!row("Nat New").contains("No meeting for 6 weeks"));
    assert!(row("Nev Never").contains("No meetings yet"));
    assert!(row("Nev Never").contains("No meeting for 6 weeks"));
    assert!(body.contains("2 pairs have not met"));
}

#[tokio::test]
async fn coordinator_pages_are_for_coordinators_and_mine_for_mentoring() {
    // Arrange
    let app = spawn_app().await;
    let p = pilot(&app).await;
    app.create_user("admin.only@example.org", &[Role::Admin], None)
        .await;
    let mentor = signed_in(&app, "dr.amara@example.org").await;
    let student = signed_in(&app, "ali.student@example.org").await;
    let admin = signed_in(&app, "admin.only@example.org").await;
    let coordinator = signed_in(&app, "coord@example.org").await;

    // Act and assert
    for client in [&mentor, &student, &admin] {
        for path in [
            "/mentoring/coordinator/relationships".to_owned(),
            format!("/mentoring/coordinator/relationships/{}", p.rel_a),
        ] {
            let (status, _) = client.page(&path).await;
            assert_eq!(status, 403, "{path}");
        }
        let response = client
            .post(
                &format!("/mentoring/coordinator/relationships/{}/end", p.rel_a),
                &[],
            )
            .await;
        assert_eq!(response.status().as_u16(), 403);
    }
    assert!(stored_relationship(&app, p.rel_a).await.ended_at.is_none());
    for client in [&admin, &coordinator] {
        let (status, _) = client.page("/mentoring/mine").await;
        assert_eq!(status, 403);
        let (status, _) = client
            .page(&format!("/mentoring/relationships/{}", p.rel_a))
            .await;
        assert_eq!(status, 403);
    }
    let (status, _) = coordinator
        .page("/mentoring/coordinator/relationships")
        .await;
    assert_eq!(status, 200);
    let (status, _) = coordinator
        .page("/mentoring/coordinator/relationships/999999")
        .await;
    assert_eq!(status, 404);
    let anonymous = app.new_client();
    let response = anonymous.get("/mentoring/mine").await;
    assert_eq!(response.status().as_u16(), 303);
    assert!(location(&response).starts_with("/login"));
}

#[tokio::test]
async fn someone_both_mentor_and_student_sees_both() {
    // Arrange
    let app = spawn_app().await;
    let user = app
        .create_user("both@example.org", &[Role::Mentor, Role::Mentee], None)
        .await;
    let as_mentor = add_mentor(&app, "M01", "Dr Both Ways", "both@example.org").await;
    let their_student = add_mentee(&app, "S01", "Ola Student", "ola@example.org", None).await;
    let as_mentee = add_mentee(&app, "S02", "Dr Both Ways", "both@example.org", Some(user)).await;
    let their_mentor = add_mentor(&app, "M02", "Prof Senior", "senior@example.org").await;
    relate(&app, as_mentor, their_student, 5).await;
    relate(&app, their_mentor, as_mentee, 5).await;
    let client = signed_in(&app, "both@example.org").await;

    // Act
    let (status, body) = client.page("/mentoring/mine").await;

    // Assert
    assert_eq!(status, 200);
    assert!(body.contains("Your students"));
    assert!(body.contains("Ola Student"));
    assert!(body.contains("Your mentor"));
    assert!(body.contains("Prof Senior"));
}

#[tokio::test]
async fn the_demo_has_a_matched_pair_and_students_waiting() {
    // Arrange
    let app = spawn_app().await;

    // Act
    spectra::seed::demo::load(&app.db, spectra::seed::demo::DEFAULT_PASSWORD)
        .await
        .unwrap();
    spectra::seed::demo::load(&app.db, spectra::seed::demo::DEFAULT_PASSWORD)
        .await
        .unwrap(); // loading twice is harmless

    // Assert: what was stored
    assert_eq!(app.count("mentors").await, 12);
    assert_eq!(app.count("mentees").await, 30);
    let approved = mentee::Entity::find()
        .filter(mentee::Column::Status.eq("approved"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(approved.len(), 27);
    assert_eq!(app.count("mentoring_relationships").await, 1);
    assert_eq!(app.count("mentoring_meetings").await, 2);
    assert_eq!(app.count("mentoring_exclusions").await, 1);

    // Assert: what the demo accounts see
    let mentee_client = app.new_client();
    mentee_client
        .sign_in("mentee@example.org", spectra::seed::demo::DEFAULT_PASSWORD)
        .await;
    let (status, body) = mentee_client.page("/mentoring/mine").await;
    assert_eq!(status, 200);
    assert!(body.contains("Dr Maya Menon"), "{body}");
    let relationship = mentoring_relationship::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let path = format!("/mentoring/relationships/{}", relationship.id);
    let (_, body) = mentee_client.page(&path).await;
    assert!(body.contains("anatomy exam"));
    assert!(!body.contains("ward round"));
    let mentor_client = app.new_client();
    mentor_client
        .sign_in("mentor@example.org", spectra::seed::demo::DEFAULT_PASSWORD)
        .await;
    let (_, body) = mentor_client.page(&path).await;
    assert_eq!(text_of(&body, "h1"), "Mia Mensah");
    assert!(body.contains("ward round"));
    assert!(!body.contains("anatomy exam"));
    let coordinator = app.new_client();
    coordinator
        .sign_in(
            "coordinator@example.org",
            spectra::seed::demo::DEFAULT_PASSWORD,
        )
        .await;
    let (_, body) = coordinator
        .page(&format!(
            "/mentoring/coordinator/relationships/{}",
            relationship.id
        ))
        .await;
    assert!(body.contains("How the score was made up"), "{body}");
    assert!(!body.contains("ward round") && !body.contains("anatomy exam"));
}
