//! Download your data: the JSON holds every kind of record about the person and nothing about
//! anyone else, for every role; it is audited; and the privacy notice states the configured
//! retention period.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use spectra::domain::Role;
use spectra::entities::{audit_event, outbox_message};

use crate::applications::{applicant, expect_redirect, fill_in, post_vacancy, start, stored};
use crate::helpers::{Client, PASSWORD, TestApp, location, spawn_app, spawn_app_with, text_of};
use crate::interviews::{add_slot, applicant_client, in_days, interviews_start};
use crate::mentoring_relationships::{add_mentee, add_mentor, meet, relate};
use crate::shortlisting::{FEEDBACK, close, decide, finals, lead, sent};

/// Downloads the signed-in person's data, checking the response is a JSON attachment.
async fn download(client: &Client) -> (Value, usize) {
    let response = client.get("/account/data.json").await;
    assert_eq!(response.status().as_u16(), 200);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-type"), "application/json; charset=utf-8");
    assert_eq!(header("cache-control"), "no-store");
    let disposition = header("content-disposition");
    assert!(
        disposition.starts_with("attachment; filename=\"spectra-my-data-")
            && disposition.ends_with(".json\""),
        "{disposition}"
    );
    let body = response.bytes().await.unwrap();
    (serde_json::from_slice(&body).unwrap(), body.len())
}

/// Waits until the outbox marks the email to `to` with `subject` in its subject as sent.
async fn wait_until_sent(app: &TestApp, to: &str, subject: &str) {
    let what = format!("the email to {to} about {subject:?} to be marked sent");
    crate::helpers::eventually(&what, async || {
        outbox_message::Entity::find()
            .filter(outbox_message::Column::ToAddress.eq(to))
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .any(|m| m.subject.contains(subject) && m.sent_at.is_some())
            .then_some(())
    })
    .await;
}

async fn downloads_of(app: &TestApp, user_id: i32) -> Vec<audit_event::Model> {
    audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("data_downloaded"))
        .filter(audit_event::Column::Subject.eq(format!("user:{user_id}")))
        .all(&app.db)
        .await
        .unwrap()
}

/// The application in the download with this ID.
fn application(data: &Value, id: i32) -> &Value {
    data["applications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap_or_else(|| panic!("application {id} is in the download"))
}

#[tokio::test]
async fn the_download_holds_every_kind_of_record_about_an_applicant_who_has_them_all() {
    // Arrange: an applicant hired through the scheme, with panel scores and notes, an
    // interview, an offer with checks and an employment record; a withdrawn application; one
    // declined with feedback; and a mentoring relationship with meetings.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Porter apprentice", false).await;
    let panel = lead(&app, &v).await;
    let hired = sent(&app, &v, "first@example.org", "yes", Some("yes")).await;
    let me = stored(&app, hired).await.applicant_id;
    let client = applicant_client(&app, "first@example.org").await;
    let profile = client
        .post(
            "/profile",
            &[
                ("contact_preference", "phone"),
                ("phone", "07700 900123"),
                ("care_experience", "yes"),
                ("local_authority", "Wirral Council"),
                ("adviser_name", "Jo Adviser"),
                ("adviser_contact", "jo.adviser@example.org"),
                ("adjustments", "Questions in writing, please"),
            ],
        )
        .await;
    assert_eq!(profile.status().as_u16(), 303);
    close(&app, v.id).await;
    let review = panel
        .post(
            &format!("/shortlisting/{}/applications/{hired}", v.id),
            &[
                ("score-1", "2"),
                ("note-1", "A clear example of kindness to a neighbour."),
                ("score-2", "3"),
                ("score-3", "1"),
                ("final-1", "2"),
                ("final-2", "3"),
                ("final-3", "1"),
            ],
        )
        .await;
    assert_eq!(review.status().as_u16(), 303);
    expect_redirect(
        panel
            .post(&format!("/shortlisting/{}/complete", v.id), &[])
            .await,
        &format!("/shortlisting/{}", v.id),
    )
    .await;
    add_slot(&panel, &v, in_days(3), "2").await;
    let slot = spectra::db::interviews::slots_of(&app.db, v.id)
        .await
        .unwrap()[0]
        .clone();
    expect_redirect(
        client
            .post(
                &format!("/applications/{hired}/interview"),
                &[("slot_id", &slot.id.to_string())],
            )
            .await,
        &format!("/applications/{hired}/interview"),
    )
    .await;
    interviews_start(&app, v.id).await;
    let offers_page = format!("/shortlisting/{}/offers", v.id);
    expect_redirect(
        panel
            .post(
                &format!("/shortlisting/{}/interviews/{hired}/outcome", v.id),
                &[("outcome", "appointable"), ("feedback", "Strong answers.")],
            )
            .await,
        &format!("/shortlisting/{}/interviews", v.id),
    )
    .await;
    expect_redirect(
        panel.post(&format!("{offers_page}/{hired}"), &[]).await,
        &offers_page,
    )
    .await;
    let offer_path = format!("/applications/{hired}/offer");
    expect_redirect(
        client.post(&offer_path, &[("decision", "accept")]).await,
        &offer_path,
    )
    .await;
    let checks = spectra::db::offers::checks_of(&app.db, hired)
        .await
        .unwrap();
    let mut fields: Vec<(String, String)> = Vec::new();
    for c in &checks {
        fields.push((format!("status-{}", c.kind.as_str()), "verified".into()));
        fields.push((
            format!("note-{}", c.kind.as_str()),
            format!("Seen {}", c.kind.as_str()),
        ));
    }
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    expect_redirect(
        panel
            .post(&format!("{offers_page}/{hired}/checks"), &borrowed)
            .await,
        &offers_page,
    )
    .await;
    expect_redirect(
        panel
            .post(
                &format!("{offers_page}/{hired}/start-date"),
                &[("day", "4"), ("month", "1"), ("year", "2027")],
            )
            .await,
        &offers_page,
    )
    .await;
    expect_redirect(
        panel
            .post(
                &format!("{offers_page}/{hired}/started"),
                &[("staff_group", "Estates and Ancillary")],
            )
            .await,
        &offers_page,
    )
    .await;
    wait_until_sent(&app, "first@example.org", "Welcome to your new job").await;

    // A second application, withdrawn with a reason.
    let other = post_vacancy(&app, "Ward clerk", false).await;
    let withdrawn = start(&client, other.id).await;
    fill_in(&client, withdrawn, Some("no")).await;
    expect_redirect(
        client
            .post(
                &format!("/applications/{withdrawn}/declaration"),
                &[("declaration", "yes")],
            )
            .await,
        &format!("/applications/{withdrawn}/sent"),
    )
    .await;
    expect_redirect(
        client
            .post(
                &format!("/applications/{withdrawn}/withdraw"),
                &[("reason", "I got another job")],
            )
            .await,
        &format!("/applications/{withdrawn}"),
    )
    .await;

    // A third, not taken forward, with written feedback.
    let third = post_vacancy(&app, "Catering assistant", false).await;
    let declined = start(&client, third.id).await;
    fill_in(&client, declined, Some("no")).await;
    expect_redirect(
        client
            .post(
                &format!("/applications/{declined}/declaration"),
                &[("declaration", "yes")],
            )
            .await,
        &format!("/applications/{declined}/sent"),
    )
    .await;
    close(&app, third.id).await;
    let third_panel = lead(&app, &third).await;
    finals(&third_panel, &third, declined, ["1", "1", "0"]).await;
    let response = decide(&third_panel, &third, declined, "decline", FEEDBACK).await;
    assert_eq!(response.status().as_u16(), 303);
    expect_redirect(
        third_panel
            .post(&format!("/shortlisting/{}/complete", third.id), &[])
            .await,
        &format!("/shortlisting/{}", third.id),
    )
    .await;
    assert_eq!(
        stored(&app, declined).await.stage.as_str(),
        "not_shortlisted"
    );

    // Mentoring: a student record linked to the account, a relationship and two meetings.
    spectra::db::users::grant_role(&app.db, me, Role::Mentee)
        .await
        .unwrap();
    let mentor_user = app
        .create_user("dr.mentor@example.org", &[Role::Mentor], None)
        .await;
    let mentor_id = add_mentor(&app, "M01", "Dr Rowan Mentor", "dr.mentor@example.org").await;
    let mentee_id = add_mentee(
        &app,
        "S01",
        "Applicant first",
        "first@example.org",
        Some(me),
    )
    .await;
    let relationship = relate(&app, mentor_id, mentee_id, 40).await;
    meet(&app, relationship, me, 3, "We talked about my first week.").await;
    meet(
        &app,
        relationship,
        mentor_user,
        20,
        "Mentor's private note.",
    )
    .await;

    // Act
    let (data, _) = download(&client).await;

    // Assert: the account, its roles and the profile.
    assert_eq!(data["format_version"], 1);
    assert_eq!(data["account"]["id"], me);
    assert_eq!(data["account"]["email"], "first@example.org");
    assert_eq!(data["account"]["name"], "Applicant first");
    assert_eq!(data["account"]["active"], true);
    assert_eq!(data["account"]["email_confirmed"], true);
    let roles: Vec<&str> = data["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["role"].as_str().unwrap())
        .collect();
    assert!(
        roles.contains(&"applicant") && roles.contains(&"mentee"),
        "{roles:?}"
    );
    let p = &data["profile"];
    assert_eq!(p["phone"], "07700 900123");
    assert_eq!(p["care_experience"], "yes");
    assert_eq!(p["care_experience_in_words"], "Yes, I have been in care");
    assert_eq!(p["local_authority"], "Wirral Council");
    assert_eq!(p["adviser_name"], "Jo Adviser");
    assert_eq!(p["adviser_contact"], "jo.adviser@example.org");
    assert_eq!(p["support_needs"], "Questions in writing, please");

    // The hired application, from answers to the start.
    assert_eq!(data["applications"].as_array().unwrap().len(), 3);
    let a = application(&data, hired);
    assert_eq!(a["vacancy"]["title"], "Porter apprentice");
    assert_eq!(a["vacancy"]["organisation"], "Trust for Porter apprentice");
    assert_eq!(a["stage"], "started");
    assert_eq!(a["stage_in_words"], "Started work");
    assert_eq!(a["guaranteed_interview_scheme"], true);
    assert_eq!(a["support_needs"], "Questions in writing, please");
    assert_eq!(a["answers"][0]["criterion"], "Kind to people");
    assert_eq!(a["answers"][0]["essential"], true);
    assert_eq!(
        a["answers"][0]["evidence"],
        "I look after my younger brother."
    );
    assert_eq!(a["referees"][0]["name"], "Sam Patel");
    assert_eq!(a["referees"][0]["kind"], "personal_adviser");
    assert_eq!(a["referees"][0]["email"], "sam.patel@example.org");
    let history: Vec<(&str, &str)> = a["stage_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["to"].as_str().unwrap(), c["by"].as_str().unwrap()))
        .collect();
    assert_eq!(history.first(), Some(&("draft", "you")));
    assert!(history.contains(&("submitted", "you")), "{history:?}");
    assert!(
        history.contains(&("conditional_offer", "staff")),
        "{history:?}"
    );
    assert_eq!(history.last(), Some(&("started", "staff")));
    let s = &a["shortlisting"];
    assert_eq!(s["complete"], true);
    assert_eq!(s["scores"][0]["panel_member"], 1);
    assert_eq!(s["scores"][0]["criterion"], "Kind to people");
    assert_eq!(s["scores"][0]["score"], 2);
    assert_eq!(
        s["scores"][0]["note"],
        "A clear example of kindness to a neighbour."
    );
    let finals_given: Vec<i64> = s["final_scores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["score"].as_i64().unwrap())
        .collect();
    assert_eq!(finals_given, [2, 3, 1]);
    assert_eq!(s["decision"]["invited"], true);
    assert_eq!(s["decision"]["invited_automatically"], true);
    let i = &a["interview"];
    assert_eq!(i["booking"]["place"], "Room 2, Alder Hey, Liverpool");
    assert_eq!(i["booking"]["minutes"], 45);
    assert!(i["booking"]["starts_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(i["outcome"]["appointable"], true);
    assert_eq!(i["outcome"]["feedback"], "Strong answers.");
    let o = &a["offer"];
    assert_eq!(o["status"], "accepted");
    assert_eq!(o["start_date"], "2027-01-04");
    let checks_given = o["checks"].as_array().unwrap();
    assert_eq!(checks_given.len(), 7);
    let care_check = checks_given
        .iter()
        .find(|c| c["kind"] == "care_experience")
        .unwrap();
    assert_eq!(care_check["name"], "Care experience verified");
    assert_eq!(care_check["status"], "verified");
    assert_eq!(care_check["note"], "Seen care_experience");

    // The withdrawn one, and the one declined with feedback.
    let w = application(&data, withdrawn);
    assert_eq!(w["stage"], "withdrawn");
    assert_eq!(w["withdrawal_reason"], "I got another job");
    assert_eq!(w["guaranteed_interview_scheme"], false);
    assert_eq!(w["vacancy"]["title"], "Ward clerk");
    let d = application(&data, declined);
    assert_eq!(d["stage"], "not_shortlisted");
    assert_eq!(d["shortlisting"]["decision"]["invited"], false);
    assert_eq!(d["shortlisting"]["decision"]["feedback"], FEEDBACK);
    assert!(d["interview"].is_null() && d["offer"].is_null());

    // The employment record and its checkpoints.
    let e = &data["employment"][0];
    assert_eq!(e["application_id"], hired);
    assert_eq!(e["role"], "Porter apprentice");
    assert_eq!(e["organisation"], "Trust for Porter apprentice");
    assert_eq!(e["staff_group"], "Estates and Ancillary");
    assert_eq!(e["start_date"], "2027-01-04");
    let months: Vec<i64> = e["checkpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["months"].as_i64().unwrap())
        .collect();
    assert_eq!(months, [3, 6, 12, 24]);
    assert_eq!(e["checkpoints"][0]["due_on"], "2027-04-04");

    // Mentoring: their own record, the mentor's name only, and only their own note.
    let m = &data["mentoring"];
    assert!(m["mentor_record"].is_null());
    assert_eq!(m["student_records"][0]["reference"], "S01");
    assert_eq!(
        m["student_records"][0]["university"],
        "University of Liverpool"
    );
    let r = &m["relationships"][0];
    assert_eq!(r["you_are"], "student");
    assert_eq!(r["other_person"], "Dr Rowan Mentor");
    assert_eq!(r["meetings"].as_array().unwrap().len(), 2);
    assert_eq!(r["meetings"][0]["logged_by"], "you");
    assert_eq!(
        r["meetings"][0]["your_note"],
        "We talked about my first week."
    );
    assert_eq!(r["meetings"][1]["logged_by"], "the other person");
    assert!(r["meetings"][1]["your_note"].is_null());

    // The emails sent to them, and the audit events about them.
    let subjects: Vec<&str> = data["emails"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["subject"].as_str().unwrap())
        .collect();
    assert!(
        subjects
            .iter()
            .any(|s| s.contains("Welcome to your new job")),
        "{subjects:?}"
    );
    assert!(
        subjects.iter().any(|s| s.contains("is withdrawn")),
        "{subjects:?}"
    );
    let welcome = data["emails"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["subject"].as_str().unwrap().contains("Welcome"))
        .unwrap();
    assert_eq!(welcome["status"], "sent");
    assert!(
        welcome["text"]
            .as_str()
            .unwrap()
            .contains("Porter apprentice")
    );
    let events: Vec<(&str, &str, &str)> = data["audit_events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["subject"].as_str().unwrap(),
                e["by"].as_str().unwrap(),
            )
        })
        .collect();
    let about_hired = format!("application:{hired}");
    assert!(
        events.contains(&(
            "invited_automatically",
            about_hired.as_str(),
            "someone else"
        )),
        "{events:?}"
    );
    assert!(data["invitations"].as_array().unwrap().is_empty());

    // Nothing of anyone else's: not the mentor's note or address, not the panel's.
    let text = data.to_string();
    assert!(!text.contains("Mentor's private note"));
    assert!(!text.contains("dr.mentor@example.org"));
    assert!(!text.contains(&format!("author.{}@nhs.net", v.organisation_id)));
    assert!(!text.contains("password_hash") && !text.contains("$argon2"));

    // A second download lists the first in the audit events, done by them.
    let (again, _) = download(&client).await;
    let me_subject = format!("user:{me}");
    assert!(again["audit_events"].as_array().unwrap().iter().any(|e| {
        e["action"] == "data_downloaded" && e["subject"] == me_subject.as_str() && e["by"] == "you"
    }));
}

#[tokio::test]
async fn every_role_downloads_only_their_own_data() {
    // Arrange: one person in each role, and an applicant with a profile and an application.
    let app = spawn_app().await;
    let organisation = app.create_organisation("Alder Hey").await;
    let mut people: Vec<(String, i32)> = Vec::new();
    for role in Role::ALL {
        let email = format!("{}@example.org", role.as_str().replace('_', "."));
        let organisation_id = role.needs_organisation().then_some(organisation);
        let id = app.create_user(&email, &[role], organisation_id).await;
        people.push((email, id));
    }
    let v = post_vacancy(&app, "Domestic assistant", false).await;
    let (other_id, other) = applicant(&app, "someone.else@example.org", "yes").await;
    start(&other, v.id).await;

    for (email, id) in &people {
        // Act: sign in, and try to name someone else's account in the address.
        let client = app.new_client();
        client.sign_in(email, PASSWORD).await;
        let (data, _) = download(&client).await;
        let probe = client
            .get(&format!(
                "/account/data.json?user_id={other_id}&id={other_id}"
            ))
            .await;
        let probed: Value = serde_json::from_slice(&probe.bytes().await.unwrap()).unwrap();

        // Assert
        for d in [&data, &probed] {
            assert_eq!(d["account"]["id"], *id, "{email}");
            assert_eq!(d["account"]["email"], email.as_str());
            let text = d.to_string();
            for (someone, _) in people.iter().filter(|(e, _)| e != email) {
                assert!(!text.contains(someone.as_str()), "{email} got {someone}");
            }
            assert!(!text.contains("someone.else@example.org"), "{email}");
            assert!(d["applications"].as_array().unwrap().is_empty(), "{email}");
            assert!(d["profile"].is_null(), "{email}");
        }
    }
}

#[tokio::test]
async fn signed_out_people_are_sent_to_sign_in_and_each_download_is_audited_once() {
    // Arrange
    let app = spawn_app().await;
    let id = app
        .create_user("reader@example.org", &[Role::Applicant], None)
        .await;

    // Act / Assert: signed out, both the page and the file ask for a sign-in.
    for path in ["/account/data", "/account/data.json"] {
        let response = app.client.get(path).await;
        assert_eq!(response.status().as_u16(), 303, "{path}");
        assert!(location(&response).starts_with("/login"), "{path}");
    }
    assert!(downloads_of(&app, id).await.is_empty());

    // The page says what the file holds and links to it; viewing it records nothing.
    app.client.sign_in("reader@example.org", PASSWORD).await;
    let (status, page) = app.client.page("/account/data").await;
    assert_eq!(status, 200);
    assert_eq!(text_of(&page, "h1"), "Download your data");
    assert!(text_of(&page, "#data-contents").contains("your applications"));
    assert!(page.contains("href=\"/account/data.json\""));
    assert!(text_of(&page, "main").contains("text editor"));
    assert!(downloads_of(&app, id).await.is_empty());

    // One download, one audit event, with counts and the size but no personal data.
    let (_, bytes) = download(&app.client).await;
    let events = downloads_of(&app, id).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].actor_user_id, Some(id));
    let details: Value = serde_json::from_str(&events[0].details).unwrap();
    assert_eq!(details["bytes"], bytes);
    assert_eq!(details["applications"], 0);
    assert!(!events[0].details.contains("reader@example.org"));
}

#[tokio::test]
async fn the_privacy_notice_states_the_configured_retention_period() {
    // Arrange
    let default = spawn_app().await;
    let short = spawn_app_with(|c| c.purge_after_days = 90).await;

    // Act
    let (_, one_year) = default.client.page("/privacy").await;
    let (_, ninety) = short.client.page("/privacy").await;

    // Assert
    let how_long = |page: &str| text_of(page, "main");
    assert!(
        how_long(&one_year)
            .contains("we delete your personal details from it 1 year after the final decision"),
        "{}",
        how_long(&one_year)
    );
    assert!(how_long(&ninety).contains("from it 90 days after the final decision"));
    assert!(one_year.contains("href=\"/account/data\""));
    assert!(one_year.contains("href=\"/account/delete\""));
    assert!(how_long(&one_year).contains("Information Commissioner"));
}
