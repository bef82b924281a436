//! A hiring manager's home (/manage): their own organisation's vacancies with what is waiting,
//! in words, each linked to where it is done, and nothing of another organisation's.

use scraper::{Html, Selector};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use spectra::db::employment::NewEmployment;
use spectra::domain::Role;
use spectra::domain::application::Stage;
use spectra::domain::employment::Route;
use spectra::entities::{application, interview_booking, interview_slot, offer, vacancy};
use time::{Duration, OffsetDateTime};

use crate::helpers::{PASSWORD, TestApp, location, spawn_app};

/// The state a test vacancy is in.
enum Advert {
    Draft,
    Open,
    Closed,
}

async fn vacancy(app: &TestApp, organisation_id: i32, author: i32, title: &str, a: Advert) -> i32 {
    let now = spectra::db::now();
    let (status, closes_at) = match a {
        Advert::Draft => ("draft", now + Duration::days(10)),
        Advert::Open => ("published", now + Duration::days(10)),
        Advert::Closed => ("published", now - Duration::days(1)),
    };
    let v = vacancy::ActiveModel {
        organisation_id: Set(organisation_id),
        programme_id: Set(None),
        title: Set(title.to_owned()),
        kind: Set(spectra::domain::vacancy::VacancyKind::Job),
        band: Set("2".into()),
        working_pattern: Set("Full time".into()),
        salary: Set("£24,000".into()),
        location: Set("Liverpool".into()),
        positions: Set(2),
        closes_at: Set(closes_at),
        ring_fenced: Set(false),
        summary: Set("A job.".into()),
        description: Set("A job.".into()),
        entry_requirements: Set(String::new()),
        reference_options: Set("employer,personal_adviser,education_or_community,character".into()),
        contact_name: Set("Casey Contact".into()),
        contact_role: Set("Recruiter".into()),
        contact_email: Set("casey@nhs.net".into()),
        contact_phone: Set("0151 000 0000".into()),
        status: Set(spectra::domain::vacancy::VacancyStatus::parse(status).unwrap()),
        created_by: Set(author),
        published_at: Set((status == "published").then_some(now - Duration::days(20))),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    spectra::db::shortlisting::add_member(&app.db, v.id, author, true)
        .await
        .unwrap();
    v.id
}

async fn application(app: &TestApp, vacancy_id: i32, applicant: i32, stage: Stage) -> i32 {
    let now = spectra::db::now();
    application::ActiveModel {
        vacancy_id: Set(vacancy_id),
        applicant_id: Set(applicant),
        stage: Set(stage),
        reached_step: Set(6),
        guaranteed_interview: Set(None),
        adjustments: Set(String::new()),
        confirmed_definition: Set(None),
        withdrawal_reason: Set(String::new()),
        submitted_at: Set((stage != Stage::Draft).then_some(now - Duration::days(5))),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap()
    .id
}

async fn slot(
    app: &TestApp,
    vacancy_id: i32,
    by: i32,
    starts_at: OffsetDateTime,
    capacity: i32,
) -> i32 {
    interview_slot::ActiveModel {
        vacancy_id: Set(vacancy_id),
        starts_at: Set(starts_at),
        minutes: Set(30),
        place: Set("Room 1".into()),
        capacity: Set(capacity),
        created_by: Set(by),
        created_at: Set(spectra::db::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap()
    .id
}

async fn book(app: &TestApp, application_id: i32, slot_id: i32) {
    interview_booking::ActiveModel {
        application_id: Set(application_id),
        slot_id: Set(slot_id),
        sequence: Set(1),
        booked_at: Set(spectra::db::now()),
    }
    .insert(&app.db)
    .await
    .unwrap();
}

async fn offer(app: &TestApp, application_id: i32, vacancy_id: i32, by: i32, status: &str) {
    offer::ActiveModel {
        application_id: Set(application_id),
        vacancy_id: Set(vacancy_id),
        status: Set(spectra::domain::offer::OfferStatus::parse(status).unwrap()),
        offered_by: Set(by),
        offered_at: Set(spectra::db::now()),
        responded_at: Set(None),
        start_date: Set(None),
    }
    .insert(&app.db)
    .await
    .unwrap();
}

/// Someone hired about seven months ago: their 3- and 6-month checkpoints are overdue.
async fn hire(app: &TestApp, organisation_id: i32) {
    let start = spectra::services::retention::today() - Duration::days(215);
    spectra::db::employment::start(
        &app.db,
        &NewEmployment {
            application_id: None,
            user_id: None,
            organisation_id,
            programme_id: None,
            role: "Porter".into(),
            band: "2".into(),
            staff_group: spectra::domain::employment::STAFF_GROUPS[0].into(),
            start_date: start,
            apprenticeship: false,
            route: Route::Spectra,
            assignment_number: None,
        },
    )
    .await
    .unwrap();
}

/// The text and link of each line in a list on the page.
fn lines(body: &str, list: &str) -> Vec<(String, String)> {
    let doc = Html::parse_document(body);
    let selector = Selector::parse(&format!("#{list} li a")).unwrap();
    doc.select(&selector)
        .map(|a| {
            (
                a.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
                a.value().attr("href").unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_manager_sees_what_is_waiting_in_their_own_organisation_only() {
    // Arrange: two organisations, each with vacancies at different points.
    let app = spawn_app().await;
    let ours = app.create_organisation("Our Trust").await;
    let theirs = app.create_organisation("Their Trust").await;
    let lead = app
        .create_user("lead@nhs.net", &[Role::HiringManager], Some(ours))
        .await;
    app.create_user("colleague@nhs.net", &[Role::HiringManager], Some(ours))
        .await;
    let other = app
        .create_user("other@nhs.net", &[Role::HiringManager], Some(theirs))
        .await;
    let mut applicants = Vec::new();
    for n in 0..5 {
        applicants.push(
            app.create_user(
                &format!("applicant{n}@example.org"),
                &[Role::Applicant],
                None,
            )
            .await,
        );
    }

    vacancy(&app, ours, lead, "Healthcare assistant", Advert::Draft).await;
    let domestic = vacancy(&app, ours, lead, "Domestic assistant", Advert::Closed).await;
    application(&app, domestic, applicants[0], Stage::Submitted).await;
    application(&app, domestic, applicants[1], Stage::Shortlisting).await;
    application(&app, domestic, applicants[2], Stage::Withdrawn).await;
    application(&app, domestic, applicants[3], Stage::Draft).await;

    let porter = vacancy(&app, ours, lead, "Porter", Advert::Closed).await;
    spectra::db::shortlisting::complete(&app.db, porter, lead)
        .await
        .unwrap();
    let past = slot(
        &app,
        porter,
        lead,
        spectra::db::now() - Duration::hours(2),
        3,
    )
    .await;
    for a in &applicants[0..3] {
        let id = application(&app, porter, *a, Stage::InterviewBooked).await;
        book(&app, id, past).await;
    }
    let hired = application(&app, porter, applicants[3], Stage::ConditionalOffer).await;
    offer(&app, hired, porter, lead, "accepted").await;
    application(&app, porter, applicants[4], Stage::InvitedToInterview).await;
    slot(
        &app,
        porter,
        lead,
        spectra::db::now() + Duration::days(3),
        2,
    )
    .await;

    let clerk = vacancy(&app, ours, lead, "Admin clerk", Advert::Open).await;
    application(&app, clerk, applicants[0], Stage::Submitted).await;
    hire(&app, ours).await;

    let ward = vacancy(&app, theirs, other, "Ward clerk", Advert::Closed).await;
    for a in &applicants[0..4] {
        application(&app, ward, *a, Stage::Submitted).await;
    }
    vacancy(&app, theirs, other, "Theatre porter", Advert::Draft).await;
    hire(&app, theirs).await;
    hire(&app, theirs).await;
    let audit_before = app.count("audit_events WHERE action <> 'signed_in'").await;
    let stages_before = app.count("application_stage_changes").await;

    // Act: the lead opens their home.
    let client = app.new_client();
    client.sign_in("lead@nhs.net", PASSWORD).await;
    let (status, body) = client.page("/manage").await;

    // Assert: what waits for them, in words, each linked to where it is done.
    assert_eq!(status, 200);
    let yours = lines(&body, "waiting-for-you");
    let texts: Vec<&str> = yours.iter().map(|(t, _)| t.as_str()).collect();
    for expected in [
        "Healthcare assistant: draft, not yet published",
        "Domestic assistant has closed: 2 to shortlist",
        "Porter: 3 interviews to score",
        "Porter: 1 offer waiting for checks",
        "2 retention checkpoints are overdue: record whether each person is still in post",
    ] {
        assert!(texts.contains(&expected), "{expected:?} in {texts:?}");
    }
    assert_eq!(texts.len(), 5, "{texts:?}");
    let href_of = |text: &str| {
        yours
            .iter()
            .find(|(t, _)| t == text)
            .map(|(_, h)| h.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        href_of("Domestic assistant has closed: 2 to shortlist"),
        format!("/shortlisting/{domestic}")
    );
    assert_eq!(
        href_of("Porter: 3 interviews to score"),
        format!("/shortlisting/{porter}/interviews")
    );
    assert_eq!(
        href_of("Porter: 1 offer waiting for checks"),
        format!("/shortlisting/{porter}/offers")
    );
    assert!(
        href_of("Healthcare assistant: draft, not yet published").starts_with("/manage/vacancies/")
    );
    let others = lines(&body, "waiting-for-others");
    let other_texts: Vec<&str> = others.iter().map(|(t, _)| t.as_str()).collect();
    assert!(
        other_texts.contains(&"Porter: 1 person invited to interview, not booked yet"),
        "{other_texts:?}"
    );
    assert!(
        other_texts.iter().any(
            |t| t.starts_with("Admin clerk: open until") && t.ends_with("1 application so far")
        ),
        "{other_texts:?}"
    );
    // Nothing of the other organisation, whose vacancies and hires are not theirs.
    for theirs in [
        "Ward clerk",
        "Theatre porter",
        "4 to shortlist",
        "4 retention",
    ] {
        assert!(!body.contains(theirs), "{theirs} must not be shown");
    }
    // Looking changes nothing.
    assert_eq!(
        app.count("audit_events WHERE action <> 'signed_in'").await,
        audit_before
    );
    assert_eq!(app.count("application_stage_changes").await, stages_before);

    // A colleague not on the panels sees the same, but not as theirs to do.
    let colleague = app.new_client();
    colleague.sign_in("colleague@nhs.net", PASSWORD).await;
    let (_, body) = colleague.page("/manage").await;
    let others = lines(&body, "waiting-for-others");
    assert!(
        others.contains(&(
            "Domestic assistant has closed: 2 to shortlist (by its panel: you are not on it)"
                .to_owned(),
            format!("/manage/vacancies/{domestic}")
        )),
        "{others:?}"
    );
    assert!(!body.contains(&format!("/shortlisting/{domestic}")));

    // The other organisation's manager sees theirs, and nothing of ours.
    let them = app.new_client();
    them.sign_in("other@nhs.net", PASSWORD).await;
    let (_, body) = them.page("/manage").await;
    let texts: Vec<String> = lines(&body, "waiting-for-you")
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert!(texts.contains(&"Ward clerk has closed: 4 to shortlist".to_owned()));
    assert!(texts.contains(&"Theatre porter: draft, not yet published".to_owned()));
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("4 retention checkpoints are overdue"))
    );
    for ours in [
        "Porter:",
        "Domestic assistant",
        "Healthcare assistant",
        "Admin clerk",
    ] {
        assert!(!body.contains(ours), "{ours} must not be shown");
    }
}

#[tokio::test]
async fn only_hiring_managers_have_the_manager_home() {
    let app = spawn_app().await;
    app.create_user("applicant@example.org", &[Role::Applicant], None)
        .await;
    app.create_user("champion@nhs.net", &[Role::Champion], None)
        .await;

    let visitor = app.new_client();
    let response = visitor.get("/manage").await;
    assert_eq!(response.status().as_u16(), 303);
    assert!(
        location(&response).starts_with("/login?next=%2Fmanage"),
        "{}",
        location(&response)
    );

    for email in ["applicant@example.org", "champion@nhs.net"] {
        let client = app.new_client();
        client.sign_in(email, PASSWORD).await;
        assert_eq!(
            client.get("/manage").await.status().as_u16(),
            403,
            "{email}"
        );
    }
}

#[tokio::test]
async fn a_manager_with_nothing_waiting_is_told_so() {
    let app = spawn_app().await;
    let ours = app.create_organisation("Quiet Trust").await;
    app.create_user("quiet@nhs.net", &[Role::HiringManager], Some(ours))
        .await;
    let client = app.new_client();
    client.sign_in("quiet@nhs.net", PASSWORD).await;

    let (status, body) = client.page("/manage").await;

    assert_eq!(status, 200);
    assert!(body.contains("Nothing is waiting for you at the moment."));
    assert!(body.contains("href=\"/manage/vacancies/new\""));
}
