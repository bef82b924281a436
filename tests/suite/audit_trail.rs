//! The audit trail (issue 13): each workflow driven over HTTP leaves its event, by the right
//! person, about the right thing, with no name, email address or free text in it; views of
//! applicants' details are recorded only after the reveal; sign-in locks are recorded once;
//! the champion's log filters by every kind and by subject; and the log is append-only.

use std::path::Path;

use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, TransactionTrait};
use spectra::db::audit::{self, AuditAction};
use spectra::domain::Role;
use spectra::entities::audit_event;

use crate::applications::{Posted, expect_redirect, post_vacancy, stored};
use crate::helpers::{PASSWORD, TestApp, location, spawn_app, text_of};
use crate::interviews::invited_pair;
use crate::offers::offered_pair;
use crate::shortlisting::{audited, lead, name_of};

/// Every event in the log, oldest first.
async fn every_event(app: &TestApp) -> Vec<audit_event::Model> {
    audit_event::Entity::find()
        .order_by_asc(audit_event::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

/// Asserts that no column of any event holds one of `words` (names, email addresses, free
/// text typed about someone), nor any email address at all.
async fn assert_nothing_personal(app: &TestApp, words: &[&str]) {
    for event in every_event(app).await {
        let text = format!("{} {} {}", event.action, event.subject, event.details);
        assert!(!text.contains('@'), "an email address in the log: {text}");
        for word in words {
            assert!(!text.contains(word), "{word:?} in the log: {text}");
        }
    }
}

/// The one event of `action`, asserting there is exactly one.
async fn only(app: &TestApp, action: &str) -> audit_event::Model {
    let mut events = audited(app, action).await;
    assert_eq!(events.len(), 1, "{action}: {events:?}");
    events.remove(0)
}

/// The author (lead) of a vacancy's panel: their user ID.
async fn author_id(app: &TestApp, v: &Posted) -> i32 {
    spectra::db::users::find_by_email(&app.db, &format!("author.{}@nhs.net", v.organisation_id))
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn user_id(app: &TestApp, email: &str) -> i32 {
    spectra::db::users::find_by_email(&app.db, email)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn an_offer_from_interview_to_start_is_audited_at_every_step() {
    // Arrange: two applicants interviewed, found appointable and offered the job.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Audited porter", true).await;
    let lead = lead(&app, &v).await;
    let lead_id = author_id(&app, &v).await;
    let [(first, one), (second, two)] = offered_pair(&app, &v, &lead).await;

    // Assert: each outcome and each offer is in the log, by the lead.
    let outcomes = audited(&app, "interview_outcome_recorded").await;
    assert_eq!(outcomes.len(), 2);
    for (event, id) in outcomes.iter().zip([first, second]) {
        assert_eq!(event.actor_user_id, Some(lead_id));
        assert_eq!(event.subject, format!("application:{id}"));
        assert!(event.details.contains("\"appointable\":true"));
        assert!(event.details.contains("\"feedback_given\":true"));
        assert!(!event.details.contains("Strong answers"));
    }
    let made = audited(&app, "offer_made").await;
    assert_eq!(made.len(), 2);
    assert!(made.iter().all(|e| e.actor_user_id == Some(lead_id)));
    assert_eq!(made[0].subject, format!("application:{first}"));
    // Both opted in and met the bar: invited automatically, each audited.
    assert_eq!(audited(&app, "invited_automatically").await.len(), 2);

    // Act: one accepts, the other declines.
    let first_id = user_id(&app, "first@example.org").await;
    let second_id = user_id(&app, "second@example.org").await;
    expect_redirect(
        one.post(
            &format!("/applications/{first}/offer"),
            &[("decision", "accept")],
        )
        .await,
        &format!("/applications/{first}/offer"),
    )
    .await;
    expect_redirect(
        two.post(
            &format!("/applications/{second}/offer"),
            &[("decision", "decline")],
        )
        .await,
        &format!("/applications/{second}/offer"),
    )
    .await;

    // Assert
    let accepted = only(&app, "offer_accepted").await;
    assert_eq!(accepted.actor_user_id, Some(first_id));
    assert_eq!(accepted.subject, format!("application:{first}"));
    assert!(accepted.details.contains("care_experience"));
    let declined = only(&app, "offer_declined").await;
    assert_eq!(declined.actor_user_id, Some(second_id));
    assert_eq!(declined.subject, format!("application:{second}"));
    assert_eq!(stored(&app, second).await.stage.as_str(), "withdrawn");

    // Act: the lead moves the DBS check on, then verifies everything, with notes.
    let offers_page = format!("/shortlisting/{}/offers", v.id);
    let checks_path = format!("{offers_page}/{first}/checks");
    expect_redirect(
        lead.post(
            &checks_path,
            &[
                ("status-criminal_record", "received"),
                ("note-criminal_record", "Certificate seen by Pat"),
            ],
        )
        .await,
        &offers_page,
    )
    .await;
    let checks = spectra::db::offers::checks_of(&app.db, first)
        .await
        .unwrap();
    let fields: Vec<(String, String)> = checks
        .iter()
        .flat_map(|c| {
            [
                (format!("status-{}", c.kind.as_str()), "verified".to_owned()),
                (format!("note-{}", c.kind.as_str()), "Seen".to_owned()),
            ]
        })
        .collect();
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    expect_redirect(lead.post(&checks_path, &borrowed).await, &offers_page).await;

    // Assert: one event per change of status, with kind, from and to; never the note.
    let changed = audited(&app, "check_changed").await;
    assert_eq!(changed.len(), 1 + checks.len(), "{changed:?}");
    assert!(
        changed.iter().all(
            |e| e.actor_user_id == Some(lead_id) && e.subject == format!("application:{first}")
        )
    );
    let dbs: Vec<serde_json::Value> = changed
        .iter()
        .map(|e| serde_json::from_str::<serde_json::Value>(&e.details).unwrap())
        .filter(|d| d["kind"] == "criminal_record")
        .collect();
    assert_eq!(dbs.len(), 2);
    assert_eq!(
        (&dbs[0]["from"], &dbs[0]["to"]),
        (&"pending".into(), &"received".into())
    );
    assert_eq!(
        (&dbs[1]["from"], &dbs[1]["to"]),
        (&"received".into(), &"verified".into())
    );
    assert!(
        changed
            .iter()
            .any(|e| e.details.contains("\"kind\":\"care_experience\"")
                && e.details.contains("\"to\":\"verified\"")),
        "the care experience check is audited too"
    );
    assert_eq!(stored(&app, first).await.stage.as_str(), "checks_complete");

    // Act: a start date agreed, then changed, then the start.
    for day in ["4", "11"] {
        expect_redirect(
            lead.post(
                &format!("{offers_page}/{first}/start-date"),
                &[("day", day), ("month", "1"), ("year", "2027")],
            )
            .await,
            &offers_page,
        )
        .await;
    }
    expect_redirect(
        lead.post(
            &format!("{offers_page}/{first}/started"),
            &[("staff_group", "Estates and Ancillary")],
        )
        .await,
        &offers_page,
    )
    .await;

    // Assert
    let dates = audited(&app, "start_date_set").await;
    assert_eq!(dates.len(), 2);
    assert!(dates[0].details.contains("\"from\":null") && dates[0].details.contains("2027-01-04"));
    assert!(
        dates[1].details.contains("\"from\":\"2027-01-04\"")
            && dates[1].details.contains("\"to\":\"2027-01-11\"")
    );
    let started = only(&app, "start_confirmed").await;
    assert_eq!(started.actor_user_id, Some(lead_id));
    assert_eq!(started.subject, format!("application:{first}"));
    let record = spectra::db::employment::of_application(&app.db, first)
        .await
        .unwrap()
        .unwrap();
    assert!(
        started
            .details
            .contains(&format!("\"employment\":{}", record.id))
    );

    // Act: the lead looks at the offers page and the new employee's record.
    let views_before = audited(&app, "applicant_details_viewed").await.len();
    assert_eq!(lead.page(&offers_page).await.0, 200);
    assert_eq!(lead.page("/manage/employees").await.0, 200);
    assert_eq!(
        lead.page(&format!("/manage/employees/{}", record.id))
            .await
            .0,
        200
    );

    // Assert: each look is audited, with the page.
    let views = audited(&app, "applicant_details_viewed").await;
    let new: Vec<_> = views[views_before..].iter().collect();
    assert_eq!(new.len(), 3, "{new:?}");
    assert!(new.iter().all(|e| e.actor_user_id == Some(lead_id)));
    assert_eq!(new[0].subject, format!("vacancy:{}", v.id));
    assert!(new[0].details.contains("\"page\":\"offers\""));
    assert_eq!(
        new[1].subject,
        format!("organisation:{}", v.organisation_id)
    );
    assert_eq!(new[2].subject, format!("employment:{}", record.id));

    // Nothing in the log names anyone or repeats what was typed about them.
    assert_nothing_personal(
        &app,
        &[
            &name_of("first@example.org"),
            &name_of("second@example.org"),
            "Strong answers",
            "Certificate seen",
        ],
    )
    .await;
}

#[tokio::test]
async fn withdrawing_an_offer_and_publishing_a_vacancy_are_audited_without_free_text() {
    // Arrange: a draft of the manager's organisation, and an offer to withdraw.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Withdrawn porter", false).await;
    let lead = lead(&app, &v).await;
    let lead_id = author_id(&app, &v).await;
    let [(first, _), _] = offered_pair(&app, &v, &lead).await;
    let draft = {
        let mut input = spectra::domain::vacancy::VacancyInput {
            title: "Draft cleaner".into(),
            ..sample_input()
        };
        input.closes_at = time::OffsetDateTime::now_utc() + time::Duration::days(20);
        let txn = app.db.begin().await.unwrap();
        let created = spectra::db::vacancies::create(&txn, v.organisation_id, lead_id, &input)
            .await
            .unwrap();
        txn.commit().await.unwrap();
        created.id
    };

    // Act
    let feedback = "The DBS check ruled this role out for Alex. Talk to Pat about other posts.";
    expect_redirect(
        lead.post(
            &format!("/shortlisting/{}/offers/{first}/withdraw", v.id),
            &[("feedback", feedback)],
        )
        .await,
        &format!("/shortlisting/{}/offers", v.id),
    )
    .await;
    expect_redirect(
        lead.post(&format!("/manage/vacancies/{draft}/publish"), &[])
            .await,
        &format!("/manage/vacancies/{draft}"),
    )
    .await;

    // Assert
    let withdrawn = only(&app, "offer_withdrawn").await;
    assert_eq!(withdrawn.actor_user_id, Some(lead_id));
    assert_eq!(withdrawn.subject, format!("application:{first}"));
    assert!(withdrawn.details.contains("\"feedback_given\":true"));
    let published = only(&app, "vacancy_published").await;
    assert_eq!(published.actor_user_id, Some(lead_id));
    assert_eq!(published.subject, format!("vacancy:{draft}"));
    assert_nothing_personal(&app, &["DBS check ruled", "Alex"]).await;
}

/// A vacancy's fields, for a draft made straight in the database.
fn sample_input() -> spectra::domain::vacancy::VacancyInput {
    use spectra::domain::vacancy::{CriterionInput, ReferenceType, VacancyKind};
    spectra::domain::vacancy::VacancyInput {
        title: String::new(),
        programme_id: None,
        kind: VacancyKind::Job,
        band: "2".into(),
        working_pattern: "37.5 hours a week".into(),
        salary: "£24,465 a year".into(),
        location: "Liverpool".into(),
        positions: 1,
        closes_at: time::OffsetDateTime::now_utc() + time::Duration::days(14),
        ring_fenced: false,
        summary: "Keep the wards clean.".into(),
        description: "You will learn on the job.".into(),
        entry_requirements: String::new(),
        criteria: vec![CriterionInput {
            essential: true,
            text: "Kind to people".into(),
        }],
        reference_options: ReferenceType::ALL.to_vec(),
        contact_name: "Pat Lee".into(),
        contact_role: "Care leaver lead".into(),
        contact_email: "pat.lee@nhs.net".into(),
        contact_phone: "0151 228 4811".into(),
    }
}

#[tokio::test]
async fn applicants_details_are_audited_only_once_names_are_shown() {
    // Arrange: two sent applications, shortlisting not yet complete.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Viewed porter", false).await;
    let lead = lead(&app, &v).await;
    let lead_id = author_id(&app, &v).await;
    let first = crate::shortlisting::sent(&app, &v, "early@example.org", "yes", Some("yes")).await;

    // Act: before the reveal the panel sees references only.
    assert_eq!(lead.page(&format!("/shortlisting/{}", v.id)).await.0, 200);
    assert_eq!(
        lead.page(&format!("/shortlisting/{}/applications/{first}", v.id))
            .await
            .0,
        200
    );

    // Assert: nothing identifying was shown, so nothing is recorded.
    assert!(audited(&app, "applicant_details_viewed").await.is_empty());

    // Arrange: a vacancy whose shortlisting is complete, two invited.
    let w = post_vacancy(&app, "Revealed porter", false).await;
    let lead_w = crate::shortlisting::lead(&app, &w).await;
    let lead_w_id = author_id(&app, &w).await;
    let [a, b] = invited_pair(&app, &w, &lead_w).await;
    let before = audited(&app, "applicant_details_viewed").await.len();

    // Act: every page that names them.
    for path in [
        format!("/shortlisting/{}", w.id),
        format!("/shortlisting/{}/applications/{a}", w.id),
        format!("/shortlisting/{}/interviews", w.id),
        format!("/shortlisting/{}/interviews/tell", w.id),
    ] {
        let (status, body) = lead_w.page(&path).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            body.contains(&name_of("first@example.org")),
            "{path} names them"
        );
    }

    // Assert: one event per look, by the lead, about the vacancy or the application.
    let views = audited(&app, "applicant_details_viewed").await;
    let new = &views[before..];
    let seen: Vec<(&str, serde_json::Value)> = new
        .iter()
        .map(|e| {
            assert_eq!(e.actor_user_id, Some(lead_w_id));
            let d: serde_json::Value = serde_json::from_str(&e.details).unwrap();
            (e.subject.as_str(), d)
        })
        .collect();
    assert_eq!(seen.len(), 4, "{new:?}");
    let vacancy = format!("vacancy:{}", w.id);
    let application = format!("application:{a}");
    assert_eq!(seen[0].0, vacancy);
    assert_eq!(seen[0].1["page"], "shortlisting_board");
    assert_eq!(seen[0].1["applications"], serde_json::json!([a, b]));
    assert_eq!(seen[1].0, application);
    assert_eq!(seen[1].1["page"], "shortlisting_application");
    assert_eq!(seen[2].0, vacancy);
    assert_eq!(seen[2].1["page"], "interviews");
    assert_eq!(seen[3].0, vacancy);
    assert_eq!(seen[3].1["page"], "tell_applicants");
    assert!(views.iter().all(|e| e.actor_user_id != Some(lead_id)));
    assert_nothing_personal(&app, &[&name_of("first@example.org")]).await;
}

#[tokio::test]
async fn sign_ins_password_changes_and_resets_are_audited() {
    // Arrange
    let app = spawn_app().await;
    let id = app
        .create_user("sam@example.org", &[Role::Applicant], None)
        .await;

    // Act: sign in, change the password, then reset it from a link.
    app.client.sign_in("sam@example.org", PASSWORD).await;
    let changed = app
        .client
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("password", "a-brand-new-password"),
                ("confirm_password", "a-brand-new-password"),
            ],
        )
        .await;
    assert_eq!(location(&changed), "/account");
    let other = app.new_client();
    let response = other
        .post("/forgot-password", &[("email", "sam@example.org")])
        .await;
    assert_eq!(location(&response), "/forgot-password/sent");
    let email = app
        .wait_for_email("sam@example.org", "Reset your password")
        .await;
    let link = email.link(&format!("{}/reset-password/", app.base));
    let path = link.trim_start_matches(&app.base).to_owned();
    let reset = other
        .post(
            &path,
            &[
                ("password", "another-new-password"),
                ("confirm_password", "another-new-password"),
            ],
        )
        .await;
    assert_eq!(location(&reset), "/login");

    // Assert: each is in the log, about the account, by its owner.
    for action in ["signed_in", "password_changed", "password_reset"] {
        let event = only(&app, action).await;
        assert_eq!(event.actor_user_id, Some(id), "{action}");
        assert_eq!(event.subject, format!("user:{id}"), "{action}");
    }
    assert_nothing_personal(&app, &["sam@", "a-brand-new-password"]).await;
}

#[tokio::test]
async fn failed_sign_ins_past_the_limit_are_audited_once_per_lock_with_no_email_address() {
    // Arrange
    let app = spawn_app().await;
    let id = app
        .create_user("locked@example.org", &[Role::Applicant], None)
        .await;

    // Act: far more wrong passwords than the limit, for an account and for no account.
    for _ in 0..8 {
        app.client
            .post(
                "/login",
                &[
                    ("email", "locked@example.org"),
                    ("password", "wrong-password-1"),
                ],
            )
            .await;
    }
    let stranger = app.new_client();
    for _ in 0..7 {
        stranger
            .post(
                "/login",
                &[
                    ("email", "nobody@example.org"),
                    ("password", "wrong-password-1"),
                ],
            )
            .await;
    }

    // Assert: exactly one lock each, the account's by its ID, the unknown one by no address.
    let locks = audited(&app, "sign_in_locked").await;
    assert_eq!(locks.len(), 2, "{locks:?}");
    assert_eq!(locks[0].subject, format!("user:{id}"));
    assert_eq!(locks[0].actor_user_id, None);
    assert!(locks[0].details.contains("\"account_locked\":true"));
    assert_eq!(locks[1].subject, "address");
    assert!(locks[1].details.contains("\"known_account\":false"));
    assert!(audited(&app, "signed_in").await.is_empty());
    assert_nothing_personal(&app, &["locked@", "nobody@", "example.org"]).await;
}

#[tokio::test]
async fn invitations_sent_accepted_and_revoked_are_audited_without_the_email_address() {
    // Arrange
    let app = spawn_app().await;
    let admin = app
        .create_user("admin@example.org", &[Role::Admin], None)
        .await;
    app.client.sign_in("admin@example.org", PASSWORD).await;

    // Act: two invitations; the second person is invited again, then revoked; the first
    // accepts.
    for (name, email) in [
        ("Casey Invited", "casey@example.org"),
        ("Robin Twice", "robin@example.org"),
        ("Robin Twice", "robin@example.org"),
    ] {
        let r = app
            .client
            .post(
                "/admin/invitations",
                &[("full_name", name), ("email", email), ("roles", "champion")],
            )
            .await;
        assert_eq!(location(&r), "/admin/invitations");
    }
    let robin = spectra::db::invitations::open(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.email == "robin@example.org")
        .unwrap();
    let r = app
        .client
        .post(&format!("/admin/invitations/{}/revoke", robin.id), &[])
        .await;
    assert_eq!(location(&r), "/admin/invitations");
    let email = app
        .wait_for_email("casey@example.org", "You have been invited")
        .await;
    let path = email
        .link(&format!("{}/invitation/", app.base))
        .trim_start_matches(&app.base)
        .to_owned();
    let casey = app.new_client();
    let accepted = casey
        .post(
            &path,
            &[
                ("password", "a-brand-new-password"),
                ("confirm_password", "a-brand-new-password"),
            ],
        )
        .await;
    assert_eq!(accepted.status().as_u16(), 303);

    // Assert
    let sent = audited(&app, "invitation_sent").await;
    assert_eq!(sent.len(), 3);
    assert!(sent.iter().all(|e| e.actor_user_id == Some(admin)));
    assert!(
        sent[2].details.contains("\"replaced_invitations\":[")
            && !sent[2].details.contains("\"replaced_invitations\":[]"),
        "inviting again replaces the open invitation: {}",
        sent[2].details
    );
    let revoked = only(&app, "invitation_revoked").await;
    assert_eq!(revoked.subject, format!("invitation:{}", robin.id));
    let casey_id = user_id(&app, "casey@example.org").await;
    let accepted = only(&app, "invitation_accepted").await;
    assert_eq!(accepted.actor_user_id, Some(casey_id));
    assert!(accepted.subject.starts_with("invitation:"));
    assert!(accepted.details.contains(&format!("\"user\":{casey_id}")));
    assert_nothing_personal(&app, &["Casey", "Robin"]).await;
}

#[tokio::test]
async fn the_champion_filters_the_log_by_subject_and_by_every_kind() {
    // Arrange: events about two applications and an account.
    let app = spawn_app().await;
    app.create_user("champion@example.org", &[Role::Champion], None)
        .await;
    for (action, subject) in [
        (AuditAction::OfferMade, "application:7"),
        (AuditAction::CheckChanged, "application:7"),
        (AuditAction::OfferMade, "application:8"),
        (AuditAction::PasswordChanged, "user:42"),
    ] {
        let subject = subject.parse().unwrap();
        audit::record(&app.db, None, action, &subject, serde_json::json!({}))
            .await
            .unwrap();
    }
    let champion = app.new_client();
    champion.sign_in("champion@example.org", PASSWORD).await;

    // Act and assert: every kind can be chosen, grouped by area.
    let (status, page) = champion.page("/champion/audit").await;
    assert_eq!(status, 200);
    for action in AuditAction::ALL {
        assert!(
            page.contains(&format!("<option value=\"{}\"", action.as_str())),
            "{} is offered",
            action.as_str()
        );
    }
    for area in [
        "Recruitment",
        "Offers and checks",
        "Retention",
        "Accounts and sign-in",
        "Privacy",
        "Organisations",
        "Mentoring",
    ] {
        assert!(
            page.contains(&format!("<optgroup label=\"{area}\">")),
            "{area}"
        );
    }
    assert!(page.contains("About (for example application:7 or user:42)"));

    // By subject.
    let (_, page) = champion.page("/champion/audit?subject=application:7").await;
    let caption = text_of(&page, "caption");
    assert!(
        caption.starts_with("2 events matching the filters"),
        "{caption}"
    );
    assert!(page.contains("Pre-employment check changed"));
    let (_, page) = champion.page("/champion/audit?subject=+User:42+").await;
    assert!(text_of(&page, "caption").starts_with("1 event matching"));
    assert!(page.contains("Password changed"));

    // By subject and kind together.
    let (_, page) = champion
        .page("/champion/audit?subject=application:7&kind=offer_made")
        .await;
    assert!(text_of(&page, "caption").starts_with("1 event matching"));

    // By each new kind.
    let (_, page) = champion.page("/champion/audit?kind=offer_made").await;
    assert!(text_of(&page, "caption").starts_with("2 events matching"));
    let (_, page) = champion.page("/champion/audit?kind=signed_in").await;
    assert!(text_of(&page, "caption").starts_with("1 event matching"));

    // A subject that cannot be one is refused against its field.
    let (status, page) = champion.page("/champion/audit?subject=application+7").await;
    assert_eq!(status, 200);
    let summary = text_of(&page, ".nhsuk-error-summary");
    assert!(
        summary.contains("for example application:7 or user:42"),
        "{summary}"
    );
    assert!(page.contains("href=\"#subject\""));
    assert!(page.contains("id=\"subject-error\""));
    assert!(page.contains("Correct the filters to see the log."));
}

/// The log is append-only: the database refuses any UPDATE or DELETE of `audit_events`
/// (migration 000024), on SQLite and on Postgres alike. Because every test of the suite runs
/// with those triggers installed, every workflow any test drives proves it too: one that
/// updated or deleted an audit row would fail there.
#[tokio::test]
async fn the_database_refuses_to_change_or_delete_audit_events() {
    // Arrange
    let app = spawn_app().await;
    audit::record(
        &app.db,
        None,
        AuditAction::AccountCreatedByCli,
        &spectra::domain::audit_subject::AuditSubject::User(1),
        serde_json::json!({ "roles": "admin" }),
    )
    .await
    .unwrap();
    let before = every_event(&app).await;

    // Act
    let backend = app.db.get_database_backend();
    let update = app
        .db
        .execute_raw(sea_orm::Statement::from_string(
            backend,
            "UPDATE audit_events SET subject = 'user:2', details = '{}'",
        ))
        .await;
    let delete = app
        .db
        .execute_raw(sea_orm::Statement::from_string(
            backend,
            "DELETE FROM audit_events",
        ))
        .await;
    let entity_update = audit_event::Entity::update_many()
        .col_expr(
            audit_event::Column::Action,
            sea_orm::sea_query::Expr::value("dropped"),
        )
        .exec(&app.db)
        .await;
    let entity_delete = audit_event::Entity::delete_many().exec(&app.db).await;

    // Assert: each is refused, naming the rule, and the rows are as they were.
    for (what, outcome) in [
        ("UPDATE", update.map(|r| r.rows_affected())),
        ("DELETE", delete.map(|r| r.rows_affected())),
        ("update_many", entity_update.map(|r| r.rows_affected)),
        ("delete_many", entity_delete.map(|r| r.rows_affected)),
    ] {
        let error = outcome.expect_err(what).to_string();
        assert!(error.contains("append-only"), "{what}: {error}");
    }
    assert_eq!(every_event(&app).await, before);
    // Appending still works.
    audit::record(
        &app.db,
        None,
        AuditAction::SignedIn,
        &spectra::domain::audit_subject::AuditSubject::User(1),
        serde_json::json!({}),
    )
    .await
    .unwrap();
    assert_eq!(every_event(&app).await.len(), 2);
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// No code of the service updates or deletes audit rows: no query of the `audit_events`
/// table other than inserting and reading. (The triggers above make the database refuse it
/// anyway; this finds it before it runs.) The one exception is migration 000032, which fills
/// the hash chain's two new columns of the events logged before it, with the trigger off for
/// its own transaction only; `audit_chain.rs` tests it.
#[test]
fn no_code_updates_or_deletes_audit_events() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("migrations/src"), &mut files);
    assert!(files.len() > 50, "the sources were found");
    let forbidden_sql = [
        "update audit_events",
        "update \"audit_events\"",
        "delete from audit_events",
        "delete from \"audit_events\"",
        "truncate audit_events",
        "truncate table audit_events",
    ];
    let forbidden_calls = [
        "audit_event::entity::update",
        "audit_event::entity::delete",
        "audit_event::entity::update_many",
        "audit_event::entity::delete_many",
        "audit_event::entity::delete_by_id",
    ];
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap();
        // Whitespace collapsed and case folded, so a query split across lines is found too.
        let text = source
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        let is_migration = file.to_string_lossy().contains("audit_append_only");
        for pattern in forbidden_sql.iter().chain(&forbidden_calls) {
            // The migration names the operations it forbids, in its trigger messages.
            if is_migration && !pattern.contains("::") {
                continue;
            }
            assert!(
                !text.contains(pattern),
                "{} contains {pattern:?}: the audit log is append-only",
                file.display()
            );
        }
        // An audit ActiveModel is only ever inserted: never saved (which may update),
        // updated or deleted.
        for (at, _) in text.match_indices("audit_event::activemodel") {
            let rest = &text[at..];
            let statement = &rest[..rest.find(".await").unwrap_or(rest.len())];
            assert!(
                statement.contains(".insert(")
                    && !statement.contains(".update(")
                    && !statement.contains(".save(")
                    && !statement.contains(".delete("),
                "{}: an audit_event::ActiveModel that is not inserted: {statement}",
                file.display()
            );
        }
        // Nor is a Model of it turned back into an ActiveModel to change it.
        assert!(
            !(text.contains("audit_event::model") && text.contains("into_active_model")),
            "{}: an audit event turned into an ActiveModel",
            file.display()
        );
    }
}

#[tokio::test]
async fn a_mentor_added_is_audited_by_reference_not_by_email_address() {
    // Arrange
    let app = spawn_app().await;
    let coordinator = crate::mentoring_matching::coordinator(&app).await;

    // Act
    let response = coordinator
        .post(
            "/mentoring/coordinator/mentors/new",
            &[
                ("full_name", "Dr Jo Audit"),
                ("email", "jo.audit@nhs.net"),
                ("organisation", "Alder Hey Children's NHS FT"),
                ("grade", "Consultant"),
                ("specialty", "Paediatrics"),
                ("capacity", "2"),
                ("modes", "online"),
                ("availability", "wed_pm"),
                ("lived_experience", "not_said"),
                ("gender", ""),
            ],
        )
        .await;

    // Assert
    assert_eq!(
        response.status().as_u16(),
        303,
        "{}",
        response.text().await.unwrap()
    );
    let added = only(&app, "mentor_added").await;
    assert!(
        added.details.contains("\"reference\":\"M"),
        "{}",
        added.details
    );
    assert_nothing_personal(&app, &["Jo Audit", "jo.audit"]).await;
}
