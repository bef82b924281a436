//! Words and emails (issue 21, point 6): line breaks shown as typed, the rewritten emails,
//! a published vacancy's locked fields as text, "Closed early on", the review form's errors
//! and "Next application", the invitation list, and a reading age of 9 or under on every
//! public page.

use scraper::{Html, Selector};
use spectra::domain::Role;
use spectra::domain::london_time::describe_day;
use spectra::domain::mentoring::profile::Strength;

use crate::applications::{applicant, expect_redirect, fill_in, post_vacancy, start};
use crate::helpers::{Client, PASSWORD, location, spawn_app, text_of};
use crate::interviews::{add_slot, applicant_client, in_days, invited_pair};
use crate::shortlisting::{FEEDBACK, close, decide, finals, lead, sent};

/// The words of a page's `main`, one line per heading, paragraph, list item or label, as a
/// person reads them.
fn words_of(body: &str) -> String {
    let doc = Html::parse_document(body);
    let blocks = Selector::parse(
        "main h1, main h2, main h3, main p, main li, main label, main legend, main dt, main dd, main .nhsuk-hint, main button",
    )
    .unwrap();
    doc.select(&blocks)
        .map(|e| e.text().collect::<Vec<_>>().join(" "))
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn every_public_page_reads_at_age_9_or_under() {
    // Arrange: a visitor, and one open vacancy so the list is not empty.
    let app = spawn_app().await;
    post_vacancy(&app, "Porter", false).await;
    let visitor = app.new_client();

    for path in [
        "/",
        "/accessibility",
        "/privacy",
        "/cookies",
        "/mentoring",
        "/vacancies",
        "/vacancies?kind=apprenticeship",
        "/login",
        "/register",
        "/forgot-password",
        "/verify-email/not-a-real-token",
        "/invitation/not-a-real-token",
        "/reset-password/not-a-real-token",
    ] {
        // Act
        let (status, body) = visitor.page(path).await;
        assert_eq!(status, 200, "{path}");
        let text = words_of(&body);

        // Assert
        let report = spectra::domain::plain_language::check(&text, false);
        let age = report.reading_age.unwrap_or(0);
        assert!(age <= 9, "{path} reads at age {age}:\n{text}");
    }
}

#[tokio::test]
async fn line_breaks_are_shown_as_typed_to_the_applicant_and_the_panel() {
    // Arrange: evidence typed over three lines.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Ward helper", false).await;
    let (_, client) = applicant(&app, "lines@example.org", "no").await;
    let id = start(&client, v.id).await;
    fill_in(&client, id, None).await;
    let typed = "First, I listen.\nThen I help.\nLast, I check.";
    let response = client
        .post(
            &format!("/applications/{id}/evidence"),
            &[
                ("evidence-1", typed),
                ("evidence-2", "I taught myself to cook."),
                ("evidence-3", ""),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let stored = spectra::db::applications::answers_of(&app.db, id)
        .await
        .unwrap();
    assert!(
        stored
            .iter()
            .any(|a| a.evidence.contains("I listen.\nThen"))
    );

    // Act and assert: each page holds the breaks in an element that shows them.
    let pre_line = Selector::parse(".app-pre-line").unwrap();
    let shows = |body: &str| {
        Html::parse_document(body).select(&pre_line).any(|e| {
            e.text()
                .collect::<String>()
                .contains("I listen.\nThen I help.\n")
        })
    };
    let (_, check) = client.page(&format!("/applications/{id}/check")).await;
    assert!(shows(&check), "check your answers");
    expect_redirect(
        client
            .post(
                &format!("/applications/{id}/declaration"),
                &[("declaration", "yes")],
            )
            .await,
        &format!("/applications/{id}/sent"),
    )
    .await;
    let (_, mine) = client.page(&format!("/applications/{id}")).await;
    assert!(shows(&mine), "the application page");
    let panel = lead(&app, &v).await;
    let (_, review) = panel
        .page(&format!("/shortlisting/{}/applications/{id}", v.id))
        .await;
    assert!(shows(&review), "the panel's review page");
    let css = std::fs::read_to_string("static/app.css").unwrap();
    assert!(css.contains(".app-pre-line {\n  white-space: pre-line;"));
}

#[tokio::test]
async fn the_decline_email_quotes_the_feedback_without_saying_it_is_available() {
    // Arrange: an opted-in applicant declined with written feedback.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Stores assistant", false).await;
    let id = sent(&app, &v, "quoted@example.org", "yes", Some("yes")).await;
    let lead = lead(&app, &v).await;
    close(&app, v.id).await;
    finals(&lead, &v, id, ["1", "1", "0"]).await;
    decide(&lead, &v, id, "decline", FEEDBACK).await;

    // Act
    lead.post(&format!("/shortlisting/{}/complete", v.id), &[])
        .await;

    // Assert
    let email = app
        .wait_for_email("quoted@example.org", "has not been taken forward")
        .await;
    assert!(email.text.contains("describe one real example"));
    assert!(!email.text.contains("is available"), "{}", email.text);
    assert!(email.text.contains("Questions about this feedback"));
    assert!(email.text.contains("talk it through"));
    assert!(email.text.contains("pat.lee@nhs.net"));
}

#[tokio::test]
async fn the_interview_invitation_says_it_once_and_the_booking_email_says_what_to_expect() {
    // Arrange
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Porter apprentice", false).await;
    let lead = lead(&app, &v).await;

    // Act: invited.
    let [first, _] = invited_pair(&app, &v, &lead).await;

    // Assert: the invitation says "invited" once, then what happens next.
    let invited = app
        .wait_for_email("first@example.org", "You are invited to an interview")
        .await;
    let body = invited.text.to_lowercase();
    assert_eq!(body.matches("invited to an interview").count(), 1, "{body}");
    assert!(
        invited
            .text
            .contains("The panel will now set the interview times")
    );

    // Act: booked.
    add_slot(&lead, &v, in_days(3), "2").await;
    let slot = spectra::db::interviews::slots_of(&app.db, v.id)
        .await
        .unwrap()[0]
        .id;
    let one = applicant_client(&app, "first@example.org").await;
    expect_redirect(
        one.post(
            &format!("/applications/{first}/interview"),
            &[("slot_id", &slot.to_string())],
        )
        .await,
        &format!("/applications/{first}/interview"),
    )
    .await;

    // Assert: what the interview is like, what to bring, the support asked for, who to ask.
    let booked = app.wait_for_email("first@example.org", "is booked").await;
    for expected in [
        "What the interview is like",
        "It lasts about 45 minutes. It is a conversation, not a test.",
        "ask you about the evidence you gave",
        "What to bring",
        "Photo ID",
        "Support at your interview",
        "\"Questions in writing, please\"",
        "Who to contact",
        "Pat Lee (Care leaver lead): email pat.lee@nhs.net or call 0151 228 4811",
    ] {
        assert!(
            booked.text.contains(expected),
            "{expected}: {}",
            booked.text
        );
    }
    assert!(booked.html.contains("What to bring"));
}

#[tokio::test]
async fn emails_and_pages_call_the_service_spectra() {
    // The name is written in capitals wherever people read it.
    let mut found = Vec::new();
    for dir in ["templates", "src/mail", "src/services", "src/web"] {
        for entry in walk(std::path::Path::new(dir)) {
            let text = std::fs::read_to_string(&entry).unwrap();
            let rust = entry.extension().is_some_and(|e| e == "rs");
            for (n, line) in text.lines().enumerate() {
                // In Rust, only the words inside string literals are read by people.
                let read: Vec<&str> = if rust {
                    line.split('"').skip(1).step_by(2).collect()
                } else {
                    vec![line]
                };
                for part in read {
                    let part = format!(" {part} ");
                    let forms: &[&str] = if rust {
                        &[
                            "Spectra ",
                            "Spectra.",
                            "Spectra,",
                            "Spectra:",
                            " in spectra",
                        ]
                    } else {
                        &[
                            "Spectra ",
                            " spectra ",
                            "Spectra.",
                            "Spectra,",
                            "Spectra:",
                            " spectra:",
                        ]
                    };
                    for wrong in forms {
                        if part.contains(wrong) {
                            found.push(format!("{}:{}: {line}", entry.display(), n + 1));
                        }
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// The form's fields as the browser would send them, without the form token.
fn form_fields(body: &str) -> Vec<(String, String)> {
    let doc = Html::parse_document(body);
    let mut fields = Vec::new();
    let inputs = Selector::parse("main form input[name]").unwrap();
    for input in doc.select(&inputs) {
        let e = input.value();
        let name = e.attr("name").unwrap_or_default();
        let kind = e.attr("type").unwrap_or("text");
        if name == "csrf_token"
            || (matches!(kind, "radio" | "checkbox") && e.attr("checked").is_none())
        {
            continue;
        }
        fields.push((
            name.to_owned(),
            e.attr("value").unwrap_or_default().to_owned(),
        ));
    }
    let areas = Selector::parse("main form textarea[name]").unwrap();
    for area in doc.select(&areas) {
        let name = area.value().attr("name").unwrap_or_default().to_owned();
        fields.push((name, area.text().collect()));
    }
    let selects = Selector::parse("main form select[name]").unwrap();
    let selected = Selector::parse("option[selected]").unwrap();
    for select in doc.select(&selects) {
        let name = select.value().attr("name").unwrap_or_default().to_owned();
        let value = select
            .select(&selected)
            .next()
            .and_then(|o| o.value().attr("value"))
            .unwrap_or_default();
        fields.push((name, value.to_owned()));
    }
    fields
}

#[tokio::test]
async fn a_published_vacancys_locked_fields_are_text_and_the_rest_saves() {
    // Arrange: a published vacancy.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Catering assistant", false).await;
    let manager = lead(&app, &v).await;
    let path = format!("/manage/vacancies/{}", v.id);

    // Act
    let (status, page) = manager.page(&format!("{path}/edit")).await;

    // Assert: the criteria, band, programme, type and ring-fence are read-only text.
    assert_eq!(status, 200, "{page}");
    let locked = text_of(&page, "main .nhsuk-summary-list");
    for shown in [
        "Kind to people",
        "Willing to learn",
        "Some caring experience",
        "Band 2",
        "Everyone",
        "Not part of a programme",
        "Apprenticeship",
    ] {
        assert!(locked.contains(shown), "{shown} in {locked}");
    }
    for input in [
        "<select class=\"nhsuk-select\" id=\"band\"",
        "<select class=\"nhsuk-select\" id=\"programme\"",
        "name=\"essential_criteria\" rows",
        "id=\"ring_fenced-no\"",
        "id=\"kind-job\"",
    ] {
        assert!(!page.contains(input), "{input} is still an input");
    }

    // Act: save the form as the browser would, with a new title.
    let mut fields = form_fields(&page);
    for (name, value) in &mut fields {
        if name == "title" {
            *value = "Catering assistant (days)".to_owned();
        }
    }
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let response = manager.post(&path, &pairs).await;

    // Assert: saved, with the locked fields as they were.
    assert_eq!(
        location(&response),
        path,
        "{}",
        response.text().await.unwrap()
    );
    let stored = spectra::db::vacancies::find(&app.db, v.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.title, "Catering assistant (days)");
    assert_eq!(stored.band, "2");
    assert_eq!(
        spectra::db::vacancies::criteria_of(&app.db, v.id)
            .await
            .unwrap()
            .len(),
        3
    );
}

#[tokio::test]
async fn a_vacancy_closed_early_says_so_instead_of_its_old_closing_date() {
    // Arrange: a published vacancy, an applicant's draft for it.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Linen porter", false).await;
    let manager = lead(&app, &v).await;
    let (_, drafting) = applicant(&app, "late@example.org", "no").await;
    let draft = start(&drafting, v.id).await;
    let old = spectra::db::vacancies::find(&app.db, v.id)
        .await
        .unwrap()
        .unwrap()
        .closes_at;
    let old_words = spectra::domain::london_time::describe(old);

    // Act
    expect_redirect(
        manager
            .post(&format!("/manage/vacancies/{}/close", v.id), &[])
            .await,
        &format!("/manage/vacancies/{}", v.id),
    )
    .await;

    // Assert: stored, and every page says when it closed early.
    let stored = spectra::db::vacancies::find(&app.db, v.id)
        .await
        .unwrap()
        .unwrap();
    let closed_at = stored.closed_early_at.expect("closed_early_at stored");
    let words = format!("Closed early on {}", describe_day(closed_at));
    let pages = [
        (&manager, "/manage/vacancies".to_owned()),
        (&manager, format!("/manage/vacancies/{}", v.id)),
        (&drafting, format!("/vacancies/{}", v.id)),
        (&drafting, format!("/applications/{draft}")),
    ];
    for (client, path) in &pages {
        let (_, body) = client.page(path).await;
        let main = text_of(&body, "main");
        assert!(main.contains(&words), "{path}: {main}");
        assert!(!main.contains(&old_words), "{path} shows the old date");
    }

    // Reopened, it is no longer "closed early".
    let reopen_to = in_days(20);
    let local = spectra::domain::london_time::from_utc(reopen_to);
    let response = manager
        .post(
            &format!("/manage/vacancies/{}/reopen", v.id),
            &[
                ("closes_day", &local.day().to_string()),
                ("closes_month", &u8::from(local.month()).to_string()),
                ("closes_year", &local.year().to_string()),
                ("closes_time", "17:00"),
            ],
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "{}",
        response.text().await.unwrap()
    );
    let reopened = spectra::db::vacancies::find(&app.db, v.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reopened.closed_early_at, None);
    let (_, body) = drafting.page(&format!("/vacancies/{}", v.id)).await;
    assert!(!body.contains("Closed early"));
}

#[tokio::test]
async fn the_review_form_names_the_criterion_in_each_error_and_offers_the_next_application() {
    // Arrange: two applications, a panel member who is not the lead.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Reception apprentice", false).await;
    let first = sent(&app, &v, "one@example.org", "no", None).await;
    let second = sent(&app, &v, "two@example.org", "no", None).await;
    let lead_client = lead(&app, &v).await;
    let member_id = app
        .create_user(
            "member@nhs.net",
            &[Role::HiringManager],
            Some(v.organisation_id),
        )
        .await;
    expect_redirect(
        lead_client
            .post(
                &format!("/manage/vacancies/{}/panel", v.id),
                &[("user_id", &member_id.to_string()), ("action", "add")],
            )
            .await,
        &format!("/manage/vacancies/{}/panel", v.id),
    )
    .await;
    let member = app.new_client();
    member.sign_in("member@nhs.net", PASSWORD).await;
    let path = format!("/shortlisting/{}/applications/{first}", v.id);

    // Act: one score missing, one out of range.
    let response = member
        .post(&path, &[("score-1", "2"), ("score-2", "7")])
        .await;

    // Assert: each error names its criterion; nothing stored.
    let body = response.text().await.unwrap();
    let summary = text_of(&body, ".nhsuk-error-summary");
    assert!(
        summary.contains("Your score for \"Willing to learn\" must be a whole number from 0 to 3"),
        "{summary}"
    );
    assert!(summary.contains("Choose your score for \"Some caring experience\", from 0 to 3"));
    assert_eq!(app.count("shortlist_scores").await, 0);

    // Act: scores saved.
    let response = member
        .post(
            &path,
            &[("score-1", "2"), ("score-2", "3"), ("score-3", "1")],
        )
        .await;

    // Assert: saved, and the page offers the next application needing this member's scores.
    expect_redirect(response, &path).await;
    assert_eq!(app.count("shortlist_scores").await, 3);
    let (_, page) = member.page(&path).await;
    assert!(text_of(&page, "main").contains("Saved for"));
    let next = Selector::parse("main a.nhsuk-button").unwrap();
    let doc = Html::parse_document(&page);
    let link = doc
        .select(&next)
        .find(|a| a.text().collect::<String>().contains("Next application"))
        .expect("a Next application link");
    assert_eq!(
        link.value().attr("href"),
        Some(format!("/shortlisting/{}/applications/{second}", v.id).as_str())
    );
}

#[tokio::test]
async fn the_invitation_list_names_the_organisation_and_writes_the_date_in_words() {
    // Arrange
    let app = spawn_app().await;
    let org = app.create_organisation("Liverpool Women's NHS FT").await;
    app.create_user("admin@example.org", &[Role::Admin], None)
        .await;
    let admin: Client = app.new_client();
    admin.sign_in("admin@example.org", PASSWORD).await;
    let org_id = org.to_string();
    assert_eq!(
        admin
            .post(
                "/admin/invitations",
                &[
                    ("full_name", "Hana Manager"),
                    ("email", "hana@nhs.example"),
                    ("roles", "hiring_manager"),
                    ("organisation", &org_id),
                ],
            )
            .await
            .status()
            .as_u16(),
        303
    );

    // Act
    let (_, list) = admin.page("/admin/invitations").await;

    // Assert
    let invitation = spectra::db::invitations::open(&app.db).await.unwrap()[0].clone();
    let row = text_of(&list, "tbody tr");
    assert!(row.contains("Liverpool Women's NHS FT"), "{row}");
    assert!(row.contains(&describe_day(invitation.expires_at)), "{row}");
    assert!(
        !row.contains(&invitation.expires_at.date().to_string()),
        "{row}"
    );
}

#[tokio::test]
async fn the_matching_reasons_name_what_the_student_wants() {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    use spectra::entities::mentee;

    // Arrange: a student who would like a mentor with lived experience of care.
    let app = spawn_app().await;
    let p = crate::mentoring_matching::pilot(&app).await;
    let mut kai: mentee::ActiveModel = mentee::Entity::find_by_id(p.kai)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    kai.lived_experience_preference = Set(Strength::Preferred);
    kai.update(&app.db).await.unwrap();
    let coordinator = crate::mentoring_matching::coordinator(&app).await;

    // Act
    let body = crate::mentoring_matching::run(&coordinator).await;

    // Assert: the reasons say what "this" and "it" are.
    let main = text_of(&body, "main");
    assert!(
        main.contains("The student would like a mentor with lived experience of care"),
        "{main}"
    );
    assert!(!main.contains("would like this"), "{main}");
    assert!(!main.contains("said they have it"), "{main}");
}
