//! Interviews: slots, booking with a calendar invitation, full and late slots, rebooking and
//! cancelling, adjustments shown to the panel, and outcomes with feedback.

use mail_parser::MessageParser;
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use spectra::entities::interview_slot;
use time::{Duration, OffsetDateTime};

use crate::applications::{Posted, expect_redirect, post_vacancy, stored};
use crate::helpers::{Client, PASSWORD, TestApp, spawn_app, text_of};
use crate::shortlisting::{audited, close, finals, lead, name_of, sent};

/// Two opted-in applicants invited to interview after shortlisting; their IDs.
pub(crate) async fn invited_pair(app: &TestApp, v: &Posted, lead: &Client) -> [i32; 2] {
    let first = sent(app, v, "first@example.org", "yes", Some("yes")).await;
    let second = sent(app, v, "second@example.org", "yes", Some("yes")).await;
    close(app, v.id).await;
    for id in [first, second] {
        finals(lead, v, id, ["2", "3", "1"]).await;
    }
    expect_redirect(
        lead.post(&format!("/shortlisting/{}/complete", v.id), &[])
            .await,
        &format!("/shortlisting/{}", v.id),
    )
    .await;
    [first, second]
}

/// Time passes: every interview of the vacancy has started, so outcomes can be recorded.
pub(crate) async fn interviews_start(app: &TestApp, vacancy_id: i32) {
    for slot in spectra::db::interviews::slots_of(&app.db, vacancy_id)
        .await
        .unwrap()
    {
        interview_slot::ActiveModel {
            id: Set(slot.id),
            starts_at: Set(OffsetDateTime::now_utc() - Duration::hours(1)),
            ..Default::default()
        }
        .update(&app.db)
        .await
        .unwrap();
    }
}

pub(crate) fn in_days(days: i64) -> OffsetDateTime {
    OffsetDateTime::now_utc() + Duration::days(days)
}

pub(crate) async fn add_slot(lead: &Client, v: &Posted, at: OffsetDateTime, capacity: &str) {
    let local = spectra::domain::london_time::from_utc(at);
    let response = lead
        .post(
            &format!("/shortlisting/{}/interviews", v.id),
            &[
                ("day", &local.day().to_string()),
                ("month", &u8::from(local.month()).to_string()),
                ("year", &local.year().to_string()),
                ("time", "10:00"),
                ("minutes", "45"),
                ("place", "Room 2, Alder Hey, Liverpool"),
                ("capacity", capacity),
            ],
        )
        .await;
    expect_redirect(response, &format!("/shortlisting/{}/interviews", v.id)).await;
}

pub(crate) async fn applicant_client(app: &TestApp, email: &str) -> Client {
    let client = app.new_client();
    client.sign_in(email, PASSWORD).await;
    client
}

/// The calendar attachment of the newest email to `to` with `subject` in its subject.
fn calendar_of(app: &TestApp, to: &str, subject: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&app.mail_dir).unwrap() {
        let raw = std::fs::read(entry.unwrap().path()).unwrap();
        let message = MessageParser::default().parse(&raw).unwrap();
        let to_matches = message
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            == Some(to);
        if to_matches && message.subject().unwrap_or_default().contains(subject) {
            for attachment in message.attachments() {
                found.push(String::from_utf8_lossy(attachment.contents()).into_owned());
            }
        }
    }
    found
}

#[tokio::test]
async fn invited_applicants_book_rebook_and_cancel_and_the_panel_records_outcomes() {
    // Arrange
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Interview apprentice", false).await;
    let lead = lead(&app, &v).await;
    let [first, second] = invited_pair(&app, &v, &lead).await;
    add_slot(&lead, &v, in_days(3), "1").await;
    add_slot(&lead, &v, in_days(5), "1").await;
    let slots = spectra::db::interviews::slots_of(&app.db, v.id)
        .await
        .unwrap();
    let (soon, later) = (slots[0].id, slots[1].id);
    let one = applicant_client(&app, "first@example.org").await;
    let two = applicant_client(&app, "second@example.org").await;

    // Act: the first applicant books the sooner slot.
    let (status, page) = one.page(&format!("/applications/{first}/interview")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Room 2, Alder Hey"));
    let response = one
        .post(
            &format!("/applications/{first}/interview"),
            &[("slot_id", &soon.to_string())],
        )
        .await;

    // Assert: booked, emailed with a calendar invitation.
    expect_redirect(response, &format!("/applications/{first}/interview")).await;
    assert_eq!(stored(&app, first).await.stage.as_str(), "interview_booked");
    let email = app
        .wait_for_email(
            "first@example.org",
            "Your interview for Interview apprentice is booked",
        )
        .await;
    // The time is under its own heading, with the link to change it online.
    assert!(
        email
            .text
            .replace("\r\n", "\n")
            .contains("Your interview\n\nWhen: "),
        "{}",
        email.text
    );
    assert!(email.text.contains("Where: Room 2, Alder Hey, Liverpool"));
    assert!(!email.text.contains("Feedback from the panel"));
    assert!(!email.text.contains("contact the named contact"));
    let change = email.link("http");
    assert!(change.ends_with(&format!("/applications/{first}/interview")));
    assert!(email.text.contains(&format!(
        "You can change or cancel your time here, up to 24 hours before it: {change}"
    )));
    assert!(
        email
            .html
            .contains("<h2 style=\"font-size: 22px;\">Your interview</h2>")
    );
    let ics = calendar_of(&app, "first@example.org", "is booked");
    assert_eq!(ics.len(), 1, "one calendar attachment");
    assert!(ics[0].contains("BEGIN:VCALENDAR") && ics[0].contains("METHOD:REQUEST"));
    assert!(ics[0].contains("LOCATION:Room 2\\, Alder Hey\\, Liverpool"));
    assert!(ics[0].contains(&format!("UID:interview-{first}@spectra")));

    // The slot is full for the second applicant.
    let response = two
        .post(
            &format!("/applications/{second}/interview"),
            &[("slot_id", &soon.to_string())],
        )
        .await;
    let body = response.text().await.unwrap();
    assert!(text_of(&body, ".nhsuk-error-summary").contains("last place"));
    assert_eq!(
        stored(&app, second).await.stage.as_str(),
        "invited_to_interview"
    );

    // A slot less than 24 hours away cannot be booked.
    let late = interview_slot::ActiveModel {
        vacancy_id: Set(v.id),
        starts_at: Set(OffsetDateTime::now_utc() + Duration::hours(3)),
        minutes: Set(30),
        place: Set("Video".into()),
        capacity: Set(5),
        created_by: Set(spectra::db::interviews::find_slot(&app.db, soon)
            .await
            .unwrap()
            .unwrap()
            .created_by),
        created_at: Set(OffsetDateTime::now_utc()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let response = two
        .post(
            &format!("/applications/{second}/interview"),
            &[("slot_id", &late.id.to_string())],
        )
        .await;
    let body = response.text().await.unwrap();
    assert!(text_of(&body, ".nhsuk-error-summary").contains("less than 24 hours"));

    // The first applicant moves to the later slot, freeing the sooner one, then cancels.
    let response = one
        .post(
            &format!("/applications/{first}/interview"),
            &[("slot_id", &later.to_string())],
        )
        .await;
    expect_redirect(response, &format!("/applications/{first}/interview")).await;
    let booking = spectra::db::interviews::booking_of(&app.db, first)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((booking.slot_id, booking.sequence), (later, 1));
    let response = one
        .post(&format!("/applications/{first}/interview/cancel"), &[])
        .await;
    expect_redirect(response, &format!("/applications/{first}/interview")).await;
    assert_eq!(
        stored(&app, first).await.stage.as_str(),
        "invited_to_interview"
    );
    // The cancellation's email goes out in the background; wait for it.
    crate::helpers::eventually("the cancellation's calendar email", async || {
        calendar_of(&app, "first@example.org", "is cancelled")
            .iter()
            .any(|c| c.contains("METHOD:CANCEL"))
            .then_some(())
    })
    .await;

    // Both book; the panel sees names and the support each asked for.
    for (client, id, slot) in [(&one, first, later), (&two, second, soon)] {
        let response = client
            .post(
                &format!("/applications/{id}/interview"),
                &[("slot_id", &slot.to_string())],
            )
            .await;
        expect_redirect(response, &format!("/applications/{id}/interview")).await;
    }
    let (_, panel) = lead
        .page(&format!("/shortlisting/{}/interviews", v.id))
        .await;
    assert!(panel.contains(&name_of("first@example.org")));
    assert!(panel.contains("Questions in writing, please"));

    // Before the interview starts its outcome cannot be recorded.
    let early = lead
        .post(
            &format!("/shortlisting/{}/interviews/{first}/outcome", v.id),
            &[("outcome", "appointable"), ("feedback", "Too soon")],
        )
        .await;
    assert_eq!(early.status().as_u16(), 400);
    assert!(early.text().await.unwrap().contains("once it has started"));
    assert!(panel.contains("You can record the outcome once the interview has started."));
    assert_eq!(stored(&app, first).await.stage.as_str(), "interview_booked");
    interviews_start(&app, v.id).await;

    // An outcome needs a choice and feedback, shown against the fields.
    let response = lead
        .post(
            &format!("/shortlisting/{}/interviews/{first}/outcome", v.id),
            &[("feedback", "Typed but no choice")],
        )
        .await;
    let body = response.text().await.unwrap();
    assert!(
        text_of(&body, ".nhsuk-error-summary").contains("Choose appointable or not appointable")
    );
    assert!(body.contains(&format!("href=\"#outcome-{first}\"")));
    assert!(body.contains("Typed but no choice"));
    assert_eq!(stored(&app, first).await.stage.as_str(), "interview_booked");

    // Act: outcomes.
    let feedback = "You explained your caring role clearly. Well done.";
    expect_redirect(
        lead.post(
            &format!("/shortlisting/{}/interviews/{first}/outcome", v.id),
            &[("outcome", "appointable"), ("feedback", feedback)],
        )
        .await,
        &format!("/shortlisting/{}/interviews", v.id),
    )
    .await;
    expect_redirect(
        lead.post(
            &format!("/shortlisting/{}/interviews/{second}/outcome", v.id),
            &[
                ("outcome", "not_appointable"),
                ("feedback", "Practise giving examples of teamwork."),
            ],
        )
        .await,
        &format!("/shortlisting/{}/interviews", v.id),
    )
    .await;

    // Assert
    assert_eq!(stored(&app, first).await.stage.as_str(), "interviewed");
    assert_eq!(stored(&app, second).await.stage.as_str(), "unsuccessful");
    let email = app
        .wait_for_email("second@example.org", "was not successful")
        .await;
    assert!(email.text.contains("Practise giving examples of teamwork."));
    let (_, page) = one.page(&format!("/applications/{first}")).await;
    assert!(page.contains(feedback));
}

#[tokio::test]
async fn slots_are_checked_and_only_the_panel_arranges_interviews() {
    // Arrange
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Slots apprentice", false).await;
    let lead = lead(&app, &v).await;
    let [first, _] = invited_pair(&app, &v, &lead).await;

    // Act: a slot in the past, with bad numbers.
    let response = lead
        .post(
            &format!("/shortlisting/{}/interviews", v.id),
            &[
                ("day", "1"),
                ("month", "1"),
                ("year", "2020"),
                ("time", "25:00"),
                ("minutes", "0"),
                ("place", ""),
                ("capacity", "100"),
            ],
        )
        .await;

    // Assert
    let body = response.text().await.unwrap();
    let summary = text_of(&body, ".nhsuk-error-summary");
    assert!(summary.contains("24-hour clock"));
    assert!(summary.contains("from 10 to 240"));
    assert!(summary.contains("from 1 to 20"));
    assert_eq!(app.count("interview_slots").await, 0);

    // Applicants and other organisations cannot reach the panel's page; the applicant cannot
    // record an outcome; a non-invited application has no booking page.
    let one = applicant_client(&app, "first@example.org").await;
    let path = format!("/shortlisting/{}/interviews", v.id);
    assert_eq!(one.get(&path).await.status().as_u16(), 403);
    let other = post_vacancy(&app, "Elsewhere", false).await;
    let outsider = crate::shortlisting::lead(&app, &other).await;
    assert_eq!(outsider.get(&path).await.status().as_u16(), 404);
    let response = outsider
        .post(
            &format!("/shortlisting/{}/interviews/{first}/outcome", v.id),
            &[("outcome", "appointable"), ("feedback", "x")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 404);
    let stranger_app = sent(&app, &other, "third@example.org", "no", None).await;
    let third = applicant_client(&app, "third@example.org").await;
    let response = third
        .get(&format!("/applications/{stranger_app}/interview"))
        .await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "not invited: back to the application"
    );
}

/// The emails to `to` whose subject holds `subject`.
fn emails_to(app: &TestApp, to: &str, subject: &str) -> Vec<crate::helpers::SentEmail> {
    app.emails()
        .into_iter()
        .filter(|e| e.to == to && e.subject.contains(subject))
        .collect()
}

#[tokio::test]
async fn the_lead_tells_invited_applicants_once_that_the_times_are_ready_with_the_link_to_book() {
    // Arrange: two invited applicants, and two times added one after the other.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Porter", false).await;
    let lead = lead(&app, &v).await;
    let [first, second] = invited_pair(&app, &v, &lead).await;
    app.wait_for_email("first@example.org", "invited to an interview")
        .await;
    add_slot(&lead, &v, in_days(3), "1").await;
    add_slot(&lead, &v, in_days(4), "1").await;
    assert!(emails_to(&app, "first@example.org", "Choose your interview time").is_empty());
    let (_, page) = lead
        .page(&format!("/shortlisting/{}/interviews", v.id))
        .await;
    assert!(page.contains("2 invited applicants have not been told"));

    // Act: the lead asks to tell them, sees who will be emailed, and confirms.
    let tell = format!("/shortlisting/{}/interviews/tell", v.id);
    let (status, confirm) = lead.page(&tell).await;
    assert_eq!(status, 200);
    assert!(confirm.contains(&name_of("first@example.org")));
    assert!(confirm.contains(&name_of("second@example.org")));
    assert!(confirm.contains("Room 2, Alder Hey"));
    assert_eq!(
        app.count("interview_times_notices").await,
        0,
        "nothing on GET"
    );
    expect_redirect(
        lead.post(&tell, &[]).await,
        &format!("/shortlisting/{}/interviews", v.id),
    )
    .await;

    // Assert: each is emailed once, with the link to book.
    for (email, id) in [("first@example.org", first), ("second@example.org", second)] {
        let sent = app
            .wait_for_email(email, "Choose your interview time for Porter")
            .await;
        assert!(sent.text.contains("The interview times for Porter at"));
        assert!(
            sent.link("http")
                .ends_with(&format!("/applications/{id}/interview"))
        );
        assert!(sent.text.contains("SPECTRA, NHS Cheshire and Merseyside"));
    }
    assert_eq!(app.count("interview_times_notices").await, 2);
    let told = audited(&app, "interview_times_told").await;
    assert_eq!(told.len(), 1);
    assert!(told[0].details.contains(&first.to_string()));
    assert!(told[0].details.contains(&second.to_string()));

    // Adding another time and pressing again emails nobody twice: nothing more is queued.
    add_slot(&lead, &v, in_days(6), "1").await;
    let (_, page) = lead
        .page(&format!("/shortlisting/{}/interviews", v.id))
        .await;
    assert!(!page.contains("have not been told"));
    let queued = app.count("outbox_messages").await;
    let again = lead.post(&tell, &[]).await;
    expect_redirect(again, &format!("/shortlisting/{}/interviews", v.id)).await;
    assert_eq!(app.count("outbox_messages").await, queued);
    assert_eq!(app.count("interview_times_notices").await, 2);
    assert_eq!(audited(&app, "interview_times_told").await.len(), 1);

    // The applicant books from the link.
    let one = applicant_client(&app, "first@example.org").await;
    let (status, page) = one.page(&format!("/applications/{first}/interview")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Room 2, Alder Hey"));

    // Only the panel tells applicants.
    let applicant = app.new_client();
    applicant.sign_in("first@example.org", PASSWORD).await;
    assert_eq!(applicant.post(&tell, &[]).await.status().as_u16(), 403);
}

#[tokio::test]
async fn a_time_can_be_changed_or_removed_until_someone_books_it() {
    // Arrange
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Kitchen porter", false).await;
    let lead = lead(&app, &v).await;
    let [first, _] = invited_pair(&app, &v, &lead).await;
    add_slot(&lead, &v, in_days(3), "1").await;
    add_slot(&lead, &v, in_days(5), "1").await;
    let slots = spectra::db::interviews::slots_of(&app.db, v.id)
        .await
        .unwrap();
    let (soon, later) = (slots[0].id, slots[1].id);
    let edit = |slot: i32| format!("/shortlisting/{}/interviews/slots/{slot}", v.id);
    let day = spectra::domain::london_time::from_utc(in_days(3));

    // Act: change the unbooked time's place; a bad change is refused with what was typed kept.
    let (status, page) = lead.page(&edit(soon)).await;
    assert_eq!(status, 200);
    assert!(page.contains("value=\"Room 2, Alder Hey, Liverpool\""));
    let fields = |place: &'static str, minutes: &'static str| {
        vec![
            ("day", day.day().to_string()),
            ("month", u8::from(day.month()).to_string()),
            ("year", day.year().to_string()),
            ("time", "14:30".to_owned()),
            ("minutes", minutes.to_owned()),
            ("place", place.to_owned()),
            ("capacity", "1".to_owned()),
        ]
    };
    let post = |slot: i32, fields: Vec<(&'static str, String)>| {
        let lead = lead.clone();
        let path = edit(slot);
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            lead.post(&path, &pairs).await
        }
    };
    let bad = post(soon, fields("Room 9, Alder Hey", "500")).await;
    let body = bad.text().await.unwrap();
    assert!(text_of(&body, ".nhsuk-error-summary").contains("from 10 to 240"));
    assert!(body.contains("value=\"Room 9, Alder Hey\""));
    expect_redirect(
        post(soon, fields("Room 9, Alder Hey", "30")).await,
        &format!("/shortlisting/{}/interviews", v.id),
    )
    .await;

    // Assert: stored, and audited.
    assert_eq!(audited(&app, "interview_time_changed").await.len(), 1);
    let changed = spectra::db::interviews::find_slot(&app.db, soon)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (changed.place.as_str(), changed.minutes),
        ("Room 9, Alder Hey", 30)
    );

    // Once booked, the time can be neither changed nor removed, and the page says why.
    let one = applicant_client(&app, "first@example.org").await;
    expect_redirect(
        one.post(
            &format!("/applications/{first}/interview"),
            &[("slot_id", &soon.to_string())],
        )
        .await,
        &format!("/applications/{first}/interview"),
    )
    .await;
    let refused = post(soon, fields("Room 1", "30")).await;
    assert_eq!(refused.status().as_u16(), 400);
    let removed = lead.post(&format!("{}/remove", edit(soon)), &[]).await;
    assert_eq!(removed.status().as_u16(), 400);
    assert!(
        removed
            .text()
            .await
            .unwrap()
            .contains("Someone has booked this time")
    );
    let kept = spectra::db::interviews::find_slot(&app.db, soon)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.place, "Room 9, Alder Hey");
    let (_, page) = lead
        .page(&format!("/shortlisting/{}/interviews", v.id))
        .await;
    assert!(page.contains("Booked times cannot be changed or removed here"));

    // The unbooked time can be removed.
    expect_redirect(
        lead.post(&format!("{}/remove", edit(later)), &[]).await,
        &format!("/shortlisting/{}/interviews", v.id),
    )
    .await;
    assert!(
        spectra::db::interviews::find_slot(&app.db, later)
            .await
            .unwrap()
            .is_none()
    );
    // Another vacancy's path cannot reach it.
    let other = post_vacancy(&app, "Elsewhere", false).await;
    let response = lead
        .post(
            &format!("/shortlisting/{}/interviews/slots/{soon}/remove", other.id),
            &[],
        )
        .await;
    assert!(matches!(response.status().as_u16(), 400 | 404));
}

#[tokio::test]
async fn a_decline_says_plainly_that_feedback_is_available_and_whom_to_ask() {
    // Arrange: an applicant outside the scheme, declined without written feedback.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Ward clerk", false).await;
    let lead = lead(&app, &v).await;
    let id = sent(&app, &v, "declined@example.org", "no", None).await;
    close(&app, v.id).await;
    finals(&lead, &v, id, ["1", "1", "0"]).await;
    crate::shortlisting::decide(&lead, &v, id, "decline", "").await;

    // Act
    expect_redirect(
        lead.post(&format!("/shortlisting/{}/complete", v.id), &[])
            .await,
        &format!("/shortlisting/{}", v.id),
    )
    .await;

    // Assert
    let email = app
        .wait_for_email(
            "declined@example.org",
            "Your application for Ward clerk has not been taken forward",
        )
        .await;
    assert!(email.text.contains(
        "You can ask why you were not taken forward, and how to make your next application stronger. Email Pat Lee (Care leaver lead) at pat.lee@nhs.net."
    ));
    assert!(!email.text.contains("Feedback from the panel"));
    assert!(email.html.contains("Asking for feedback"));
    assert!(email.html.contains("SPECTRA"));
}
