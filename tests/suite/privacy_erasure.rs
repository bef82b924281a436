//! Erasure and purging (DOMAIN.md §9): deleting an account leaves no name or address anywhere
//! and the dashboard's figures unchanged; only the person can delete their own account, after
//! their password, under a throttle; applications in progress are withdrawn first with the
//! same effects as withdrawing; staff are deactivated instead; and ended applications are
//! purged once, on a dry run not at all, from the service, the job and the command line.

use std::process::Command;

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, Statement, TransactionTrait,
};
use spectra::config::Config;
use spectra::db::reports::ReportFilter;
use spectra::db::users::NewUser;
use spectra::db::{applications, organisations, users, vacancies};
use spectra::domain::application::{Referee, Stage};
use spectra::domain::vacancy::{CriterionInput, ReferenceType, VacancyInput, VacancyKind};
use spectra::domain::{EmailAddress, Role};
use spectra::entities::{
    application, application_answer, application_referee, application_stage_change, audit_event,
    interview_booking, offer, outbox_message, shortlist_decision, user,
};
use spectra::services::privacy::purge_due;
use time::{Duration, OffsetDateTime};

use crate::applications::{Posted, expect_redirect, fill_in, post_vacancy, start, stored};
use crate::helpers::{Client, PASSWORD, TestApp, TestDb, location, spawn_app, text_of};
use crate::interviews::{add_slot, applicant_client, in_days, invited_pair};
use crate::offers::offered_pair;
use crate::shortlisting::{FEEDBACK, audited, close, decide, finals, lead, name_of};

// ---------------------------------------------------------------------------------------------
// Looking everywhere

/// Every text column of every table, from the database's own catalogue: (table, column).
async fn text_columns(db: &DatabaseConnection) -> Vec<(String, String)> {
    let backend = db.get_database_backend();
    let mut columns = Vec::new();
    match backend {
        DbBackend::Postgres => {
            let rows = db
                .query_all_raw(Statement::from_string(
                    backend,
                    "SELECT table_name, column_name FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND data_type IN \
                     ('text', 'character varying', 'character', 'json', 'jsonb')",
                ))
                .await
                .unwrap();
            for row in rows {
                columns.push((
                    row.try_get::<String>("", "table_name").unwrap(),
                    row.try_get::<String>("", "column_name").unwrap(),
                ));
            }
        }
        _ => {
            let tables = db
                .query_all_raw(Statement::from_string(
                    backend,
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                ))
                .await
                .unwrap();
            for table in tables {
                let table: String = table.try_get("", "name").unwrap();
                // SQLite keeps any value in any column: every column is looked at as text.
                let info = db
                    .query_all_raw(Statement::from_string(
                        backend,
                        format!("PRAGMA table_info(\"{table}\")"),
                    ))
                    .await
                    .unwrap();
                for column in info {
                    columns.push((table.clone(), column.try_get::<String>("", "name").unwrap()));
                }
            }
        }
    }
    assert!(
        columns.iter().any(|(t, c)| t == "users" && c == "email"),
        "the catalogue lists the tables: {columns:?}"
    );
    columns
}

/// The columns (as `table.column`) holding `needle` anywhere in a row, ignoring case.
async fn scan(db: &DatabaseConnection, needle: &str) -> Vec<String> {
    let backend = db.get_database_backend();
    let placeholder = if backend == DbBackend::Postgres {
        "$1"
    } else {
        "?"
    };
    let mut found = Vec::new();
    for (table, column) in text_columns(db).await {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM \"{table}\" \
             WHERE LOWER(CAST(\"{column}\" AS TEXT)) LIKE {placeholder}"
        );
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [format!("%{}%", needle.to_lowercase()).into()],
            ))
            .await
            .unwrap()
            .unwrap();
        if row.try_get::<i64>("", "n").unwrap() > 0 {
            found.push(format!("{table}.{column}"));
        }
    }
    found
}

/// Every figure of the champion's dashboard, as of today, without the time it was counted.
async fn figures(db: &DatabaseConnection) -> String {
    let today = spectra::services::retention::today();
    let d = spectra::services::dashboard::compute(db, &ReportFilter::default(), today, today)
        .await
        .unwrap();
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{}",
        d.progress, d.funnel, d.compliance, d.retention, d.overdue_checkpoints
    )
}

async fn user_row(app: &TestApp, id: i32) -> user::Model {
    users::find_by_id(&app.db, id).await.unwrap().unwrap()
}

// ---------------------------------------------------------------------------------------------
// Deleting an account

/// The lead verifies every check of an accepted offer, agrees a start date and marks the start.
async fn hire(lead: &Client, app: &TestApp, v: &Posted, id: i32) {
    let checks = spectra::db::offers::checks_of(&app.db, id).await.unwrap();
    let mut fields: Vec<(String, String)> = Vec::new();
    for c in &checks {
        fields.push((format!("status-{}", c.kind.as_str()), "verified".into()));
        fields.push((
            format!("note-{}", c.kind.as_str()),
            "Seen the original".into(),
        ));
    }
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let offers_page = format!("/shortlisting/{}/offers", v.id);
    expect_redirect(
        lead.post(&format!("{offers_page}/{id}/checks"), &borrowed)
            .await,
        &offers_page,
    )
    .await;
    expect_redirect(
        lead.post(
            &format!("{offers_page}/{id}/start-date"),
            &[("day", "4"), ("month", "1"), ("year", "2027")],
        )
        .await,
        &offers_page,
    )
    .await;
    expect_redirect(
        lead.post(
            &format!("{offers_page}/{id}/started"),
            &[("staff_group", "Estates and Ancillary")],
        )
        .await,
        &offers_page,
    )
    .await;
    assert_eq!(stored(app, id).await.stage.as_str(), "started");
}

#[tokio::test]
async fn deleting_an_applicant_leaves_no_name_or_address_anywhere_and_the_figures_unchanged() {
    // Arrange: "first" is hired from one vacancy (an accepted offer, an employment record),
    // is not shortlisted for a second (with feedback, and a panel note naming them), and has
    // a draft for a third.
    let app = spawn_app().await;
    let v1 = post_vacancy(&app, "Porter apprentice", false).await;
    let lead1 = lead(&app, &v1).await;
    let [(first, one), (second, _)] = offered_pair(&app, &v1, &lead1).await;
    let offer_path = format!("/applications/{first}/offer");
    expect_redirect(
        one.post(&offer_path, &[("decision", "accept")]).await,
        &offer_path,
    )
    .await;
    hire(&lead1, &app, &v1, first).await;

    let v2 = post_vacancy(&app, "Ward clerk", false).await;
    let lead2 = lead(&app, &v2).await;
    let declined = start(&one, v2.id).await;
    fill_in(&one, declined, Some("yes")).await;
    expect_redirect(
        one.post(
            &format!("/applications/{declined}/declaration"),
            &[("declaration", "yes")],
        )
        .await,
        &format!("/applications/{declined}/sent"),
    )
    .await;
    let review = format!("/shortlisting/{}/applications/{declined}", v2.id);
    expect_redirect(
        lead2
            .post(
                &review,
                &[
                    ("score-1", "1"),
                    ("score-2", "1"),
                    ("score-3", "0"),
                    ("note-1", "Applicant first writes clearly but briefly"),
                ],
            )
            .await,
        &review,
    )
    .await;
    close(&app, v2.id).await;
    finals(&lead2, &v2, declined, ["1", "1", "0"]).await;
    expect_redirect(
        // The feedback names them: erasing it is the service's job, and the audit log never
        // holds it.
        decide(
            &lead2,
            &v2,
            declined,
            "decline",
            &format!(
                "{FEEDBACK} {} could say more.",
                name_of("first@example.org")
            ),
        )
        .await,
        &format!("/shortlisting/{}", v2.id),
    )
    .await;
    expect_redirect(
        lead2
            .post(&format!("/shortlisting/{}/complete", v2.id), &[])
            .await,
        &format!("/shortlisting/{}", v2.id),
    )
    .await;

    let v3 = post_vacancy(&app, "Catering assistant", false).await;
    let draft = start(&one, v3.id).await;
    fill_in(&one, draft, Some("yes")).await;

    let person = stored(&app, first).await.applicant_id;
    let name = name_of("first@example.org");
    let email = "first@example.org";
    assert!(
        !scan(&app.db, &name).await.is_empty(),
        "the scan finds names"
    );
    assert!(!scan(&app.db, email).await.is_empty(), "and addresses");
    let before = figures(&app.db).await;

    // Act: they delete their account.
    let (status, page) = one.page("/account/delete").await;
    assert_eq!(status, 200);
    assert!(page.contains("What we keep, without your name"), "{page}");
    assert!(page.contains("1 application is in progress"), "{page}");
    assert!(page.contains("nhsuk-button--warning") && page.contains("Delete my account"));
    let response = one.post("/account/delete", &[("password", PASSWORD)]).await;

    // Assert: signed out, on the page that says so.
    expect_redirect(response, "/account/deleted").await;
    let (status, page) = one.page("/account/deleted").await;
    assert_eq!(status, 200);
    assert_eq!(text_of(&page, "h1"), "Your account has been deleted");
    assert_eq!(one.get("/account").await.status().as_u16(), 303);
    assert_eq!(
        app.count(&format!("sessions WHERE user_id = {person}"))
            .await,
        0
    );

    // Nowhere holds their name or address; the other applicant's are still there.
    assert_eq!(scan(&app.db, &name).await, Vec::<String>::new());
    assert_eq!(scan(&app.db, email).await, Vec::<String>::new());
    let again = app
        .new_client()
        .post("/login", &[("email", email), ("password", PASSWORD)])
        .await;
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("The email address or password is not correct")
    );
    assert!(
        !scan(&app.db, &name_of("second@example.org"))
            .await
            .is_empty()
    );
    assert_eq!(
        stored(&app, second).await.stage.as_str(),
        "conditional_offer"
    );

    // The reports count exactly what they counted before.
    assert_eq!(figures(&app.db).await, before);

    // The stub: no name, no address, no way in; its applications keep their stages.
    let stub = user_row(&app, person).await;
    assert_eq!(stub.email, format!("deleted-{person}@deleted.invalid"));
    assert_eq!(stub.full_name, format!("Deleted account {person}"));
    assert!(!stub.is_active && stub.deleted_at.is_some());
    assert_eq!(
        users::roles_of(&app.db, person).await.unwrap(),
        vec![Role::Applicant]
    );
    for (id, stage) in [
        (first, "started"),
        (declined, "not_shortlisted"),
        (draft, "withdrawn"),
    ] {
        let row = stored(&app, id).await;
        assert_eq!(row.stage.as_str(), stage, "application {id}");
        assert!(row.personal_data_purged_at.is_some());
        assert!(row.adjustments.is_empty());
    }
    assert!(
        spectra::db::employment::of_application(&app.db, first)
            .await
            .unwrap()
            .is_some_and(|r| r.user_id == Some(person))
    );
    let answers = application_answer::Entity::find()
        .filter(application_answer::Column::ApplicationId.is_in([first, declined, draft]))
        .all(&app.db)
        .await
        .unwrap();
    assert!(!answers.is_empty() && answers.iter().all(|a| a.evidence.is_empty()));
    let decision = shortlist_decision::Entity::find_by_id(declined)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(!decision.invited && decision.feedback.is_empty());
    let events = audited(&app, "account_deleted").await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].subject, format!("user:{person}"));
    assert_eq!(events[0].actor_user_id, Some(person));
    let details: serde_json::Value = serde_json::from_str(&events[0].details).unwrap();
    assert_eq!(details["by"], "self");
    assert_eq!(details["withdrawn"], 1);

    // Pressing again, or an administrator afterwards, finds nothing more to do.
    let admin_id = app
        .create_user("admin@example.org", &[Role::Admin], None)
        .await;
    let admin = app.new_client();
    admin.sign_in("admin@example.org", PASSWORD).await;
    let (_, page) = admin.page(&format!("/admin/users/{person}")).await;
    assert!(page.contains("Deleted: only an anonymous record is kept"));
    assert!(!page.contains("Delete this account"));
    let reactivate = admin
        .post(&format!("/admin/users/{person}/reactivate"), &[])
        .await;
    assert_eq!(reactivate.status().as_u16(), 400);
    assert!(!user_row(&app, person).await.is_active);
    assert_ne!(admin_id, person);
}

#[tokio::test]
async fn deleting_an_applicant_with_a_booked_interview_cancels_it_and_tells_the_panel() {
    // Arrange: the first invited applicant has booked the only place of an interview to come.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Play worker", false).await;
    let lead = lead(&app, &v).await;
    let [first, second] = invited_pair(&app, &v, &lead).await;
    add_slot(&lead, &v, in_days(4), "1").await;
    let slot = spectra::db::interviews::slots_of(&app.db, v.id)
        .await
        .unwrap()[0]
        .id;
    let client = applicant_client(&app, "first@example.org").await;
    let booking = format!("/applications/{first}/interview");
    expect_redirect(
        client
            .post(&booking, &[("slot_id", &slot.to_string())])
            .await,
        &booking,
    )
    .await;
    let person = stored(&app, first).await.applicant_id;
    let admin_id = app
        .create_user("admin@example.org", &[Role::Admin], None)
        .await;
    let admin = app.new_client();
    admin.sign_in("admin@example.org", PASSWORD).await;

    // Act: they asked by phone; the administrator deletes the account. A missing reason is
    // refused first, deleting nothing.
    let path = format!("/admin/users/{person}/delete");
    let (status, page) = admin.page(&path).await;
    assert_eq!(status, 200);
    assert!(page.contains("1 application is in progress"), "{page}");
    assert!(page.contains("The person asked by phone"));
    let refused = admin.post(&path, &[("reason", "")]).await;
    assert_eq!(refused.status().as_u16(), 200);
    assert!(
        text_of(&refused.text().await.unwrap(), ".nhsuk-error-summary")
            .contains("Select how the person asked")
    );
    assert!(user_row(&app, person).await.deleted_at.is_none());
    let response = admin.post(&path, &[("reason", "asked_by_phone")]).await;

    // Assert: withdrawn first, as if they had: the place is free and the panel is told.
    assert_eq!(location(&response), format!("/admin/users/{person}"));
    let (_, page) = admin.page(&format!("/admin/users/{person}")).await;
    assert!(page.contains("The account has been deleted"), "{page}");
    assert!(page.contains("1 application in progress was withdrawn first"));
    assert_eq!(stored(&app, first).await.stage.as_str(), "withdrawn");
    // The withdrawal is recorded as the administrator's, not as the applicant's.
    let moved = application_stage_change::Entity::find()
        .filter(application_stage_change::Column::ApplicationId.eq(first))
        .filter(application_stage_change::Column::ToStage.eq("withdrawn"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(moved.actor_user_id, Some(admin_id));
    assert!(
        interview_booking::Entity::find_by_id(first)
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );
    let notice = app
        .wait_for_email(
            &format!("author.{}@nhs.net", v.organisation_id),
            "Interview cancelled",
        )
        .await;
    assert!(notice.text.contains("the place is free"));
    let other = applicant_client(&app, "second@example.org").await;
    expect_redirect(
        other
            .post(
                &format!("/applications/{second}/interview"),
                &[("slot_id", &slot.to_string())],
            )
            .await,
        &format!("/applications/{second}/interview"),
    )
    .await;
    let events = audited(&app, "account_deleted").await;
    let details: serde_json::Value = serde_json::from_str(&events[0].details).unwrap();
    assert_eq!(details["by"], "admin");
    assert_eq!(details["reason"], "asked_by_phone");
    assert_eq!(details["withdrawn"], 1);
    assert_eq!(
        scan(&app.db, "first@example.org").await,
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn deleting_an_applicant_who_accepted_an_offer_withdraws_the_offer_first() {
    // Arrange
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Theatre porter", false).await;
    let lead = lead(&app, &v).await;
    let [(first, one), _] = offered_pair(&app, &v, &lead).await;
    let offer_path = format!("/applications/{first}/offer");
    expect_redirect(
        one.post(&offer_path, &[("decision", "accept")]).await,
        &offer_path,
    )
    .await;

    // Act
    let (_, page) = one.page("/account/delete").await;
    assert!(page.contains("a job offer is withdrawn, even one you have accepted"));
    expect_redirect(
        one.post("/account/delete", &[("password", PASSWORD)]).await,
        "/account/deleted",
    )
    .await;

    // Assert: the position is free again, as when an applicant withdraws.
    assert_eq!(stored(&app, first).await.stage.as_str(), "withdrawn");
    let held = offer::Entity::find_by_id(first)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(held.status.as_str(), "withdrawn");
    let withdrawn = audited(&app, "offer_withdrawn").await;
    assert_eq!(withdrawn.len(), 1);
    assert!(
        withdrawn[0]
            .details
            .contains("the applicant's account was deleted"),
        "{}",
        withdrawn[0].details
    );
}

#[tokio::test]
async fn nobody_can_delete_anyone_elses_account_whatever_their_role() {
    // Arrange: someone of every role, and an applicant nobody else may delete.
    let app = spawn_app().await;
    let organisation = app.create_organisation("Role Trust").await;
    let victim = app
        .create_user("victim@example.org", &[Role::Applicant], None)
        .await;
    let admin = app
        .create_user("admin@example.org", &[Role::Admin], None)
        .await;
    let roles = [
        (Role::Applicant, None),
        (Role::Mentor, None),
        (Role::Mentee, None),
        (Role::HiringManager, Some(organisation)),
        (Role::Coordinator, None),
        (Role::Champion, None),
    ];
    for (role, org) in roles {
        let email = format!("{}@example.org", role.as_str());
        let me = app.create_user(&email, &[role], org).await;
        let client = app.new_client();
        client.sign_in(&email, PASSWORD).await;

        // Act: the administrator's route, then their own with another person's ID slipped in.
        let admin_route = client
            .post(
                &format!("/admin/users/{victim}/delete"),
                &[("reason", "asked_by_email")],
            )
            .await;
        let own_route = client
            .post(
                "/account/delete",
                &[("password", PASSWORD), ("user_id", &victim.to_string())],
            )
            .await;

        // Assert: only ever their own account, and only for applicants, mentors and mentees.
        assert_eq!(admin_route.status().as_u16(), 403, "{role:?}");
        let deleted_self = user_row(&app, me).await.deleted_at.is_some();
        if matches!(role, Role::Applicant | Role::Mentor | Role::Mentee) {
            assert_eq!(location(&own_route), "/account/deleted", "{role:?}");
            assert!(deleted_self, "{role:?}");
        } else {
            assert_eq!(own_route.status().as_u16(), 403, "{role:?}");
            assert!(
                own_route
                    .text()
                    .await
                    .unwrap()
                    .contains("Ask your administrator to delete your account")
            );
            assert!(
                !deleted_self && user_row(&app, me).await.is_active,
                "{role:?}"
            );
            let (_, page) = client.page("/account/delete").await;
            assert!(page.contains("Ask your administrator"), "{role:?}");
        }
        assert!(
            user_row(&app, victim).await.deleted_at.is_none(),
            "{role:?}"
        );
    }

    // An administrator may delete the applicant, but not themselves.
    let client = app.new_client();
    client.sign_in("admin@example.org", PASSWORD).await;
    let own = client
        .post(
            &format!("/admin/users/{admin}/delete"),
            &[("reason", "asked_by_email")],
        )
        .await;
    assert_eq!(own.status().as_u16(), 400);
    assert!(user_row(&app, admin).await.deleted_at.is_none());
    let (_, page) = client.page(&format!("/admin/users/{admin}/delete")).await;
    assert!(page.contains("You cannot delete your own account"));
    assert_eq!(
        location(
            &client
                .post(
                    &format!("/admin/users/{victim}/delete"),
                    &[("reason", "asked_by_letter")],
                )
                .await
        ),
        format!("/admin/users/{victim}")
    );
    assert!(user_row(&app, victim).await.deleted_at.is_some());
    // Signed out, nobody reaches the page.
    let (status, _) = app.new_client().page("/account/delete").await;
    assert_eq!(status, 303);
}

#[tokio::test]
async fn a_wrong_password_deletes_nothing_and_attempts_are_throttled_even_at_once() {
    // Arrange
    let app = spawn_app().await;
    let me = app
        .create_user("careful@example.org", &[Role::Applicant], None)
        .await;
    let client = app.new_client();
    client.sign_in("careful@example.org", PASSWORD).await;

    // Act: no password, then a wrong one.
    let empty = client.post("/account/delete", &[("password", "")]).await;
    let wrong = client
        .post("/account/delete", &[("password", "not-my-password")])
        .await;

    // Assert: refused against the field, and nothing deleted.
    assert_eq!(empty.status().as_u16(), 200);
    assert!(
        text_of(&empty.text().await.unwrap(), ".nhsuk-error-summary")
            .contains("Enter your password")
    );
    assert_eq!(wrong.status().as_u16(), 200);
    let body = wrong.text().await.unwrap();
    assert!(text_of(&body, ".nhsuk-error-summary").contains("Your password is not correct"));
    assert!(body.contains("href=\"#password\""));
    assert!(user_row(&app, me).await.deleted_at.is_none());

    // Act: eight more wrong tries at the same moment.
    let mut tries = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let client = client.clone();
        tries.spawn(async move {
            client
                .post("/account/delete", &[("password", "guess-guess-guess")])
                .await
                .status()
                .as_u16()
        });
    }
    let mut statuses = tries.join_all().await;
    statuses.sort_unstable();

    // Assert: five tries in all were checked; the rest, and then the right password, locked.
    assert_eq!(statuses, [200, 200, 200, 200, 429, 429, 429, 429]);
    let locked = client
        .post("/account/delete", &[("password", PASSWORD)])
        .await;
    assert_eq!(locked.status().as_u16(), 429);
    assert!(locked.text().await.unwrap().contains("Wait 15 minutes"));
    let stored = user_row(&app, me).await;
    assert!(stored.deleted_at.is_none() && stored.is_active);
    assert_eq!(stored.email, "careful@example.org");
    assert!(audited(&app, "account_deleted").await.is_empty());
    // Signing in is not locked by it.
    app.new_client()
        .sign_in("careful@example.org", PASSWORD)
        .await;
}

/// Stores a sent email to `to`, as the mail worker leaves one.
async fn sent_email(app: &TestApp, to: &str, subject: &str, body: &str) -> i64 {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let now = OffsetDateTime::now_utc();
    outbox_message::ActiveModel {
        to_address: Set(to.to_owned()),
        subject: Set(subject.to_owned()),
        body_text: Set(body.to_owned()),
        body_html: Set(format!("<p>{body}</p>")),
        attempts: Set(1),
        next_attempt_at: Set(now),
        sent_at: Set(Some(now)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap()
    .id
}

#[tokio::test]
async fn a_name_that_is_an_ordinary_word_leaves_other_peoples_emails_alone() {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    // Arrange: someone whose name is "Interview", and an email to somebody else that uses the
    // word, and another that quotes their address.
    let app = spawn_app().await;
    let me = app
        .create_user("word@example.org", &[Role::Applicant], None)
        .await;
    user::ActiveModel {
        id: Set(me),
        full_name: Set("Interview".into()),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .unwrap();
    let other = sent_email(
        &app,
        "manager@example.org",
        "Interview cancelled: SPX-000069 has withdrawn",
        "Their Interview on 7 December is cancelled.",
    )
    .await;
    let quoting = sent_email(
        &app,
        "manager@example.org",
        "A question",
        "word@example.org asked about the job.",
    )
    .await;
    let client = app.new_client();
    client.sign_in("word@example.org", PASSWORD).await;

    // Act
    let response = client
        .post("/account/delete", &[("password", PASSWORD)])
        .await;
    expect_redirect(response, "/account/deleted").await;

    // Assert: the word is untouched in somebody else's email; their address is gone.
    let find = |id: i64| outbox_message::Entity::find_by_id(id).one(&app.db);
    let other = find(other).await.unwrap().unwrap();
    assert_eq!(
        other.subject,
        "Interview cancelled: SPX-000069 has withdrawn"
    );
    assert_eq!(
        other.body_text,
        "Their Interview on 7 December is cancelled."
    );
    let quoting = find(quoting).await.unwrap().unwrap();
    assert!(
        !quoting.body_text.contains("word@example.org"),
        "{}",
        quoting.body_text
    );
    assert!(quoting.body_text.ends_with("asked about the job."));
    assert!(user_row(&app, me).await.deleted_at.is_some());

    // And an administrator cannot give the deleted account's stub a role.
    app.create_user("admin@example.org", &[Role::Admin], None)
        .await;
    let admin = app.new_client();
    admin.sign_in("admin@example.org", PASSWORD).await;
    let refused = admin
        .post(&format!("/admin/users/{me}/roles"), &[("roles", "admin")])
        .await;
    assert_eq!(refused.status().as_u16(), 400);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("This account was deleted")
    );
    assert_eq!(
        users::roles_of(&app.db, me).await.unwrap(),
        vec![Role::Applicant]
    );
}

#[tokio::test]
async fn an_administrator_deactivates_deciding_staff_whose_decisions_stay_attributed() {
    // Arrange: a lead who decided on two applications.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Receptionist", false).await;
    let lead_client = lead(&app, &v).await;
    let [first, _] = invited_pair(&app, &v, &lead_client).await;
    let manager = users::find_by_email(&app.db, &format!("author.{}@nhs.net", v.organisation_id))
        .await
        .unwrap()
        .unwrap();
    app.create_user("admin@example.org", &[Role::Admin], None)
        .await;
    let admin = app.new_client();
    admin.sign_in("admin@example.org", PASSWORD).await;
    let path = format!("/admin/users/{}/delete", manager.id);

    // Act
    let (_, page) = admin.page(&path).await;
    let response = admin.post(&path, &[("reason", "asked_by_email")]).await;

    // Assert: told before confirming; deactivated, not erased; decisions still theirs.
    assert!(page.contains("Deactivate this account"), "{page}");
    assert!(page.contains("deactivated, not erased"));
    assert_eq!(location(&response), format!("/admin/users/{}", manager.id));
    let (_, page) = admin.page(&format!("/admin/users/{}", manager.id)).await;
    assert!(page.contains("The account has been deactivated"));
    let after = user_row(&app, manager.id).await;
    assert!(!after.is_active && after.deleted_at.is_none());
    assert_eq!(after.full_name, manager.full_name);
    assert_eq!(after.email, manager.email);
    let decision = shortlist_decision::Entity::find_by_id(first)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(decision.decided_by, manager.id);
    assert_eq!(lead_client.get("/manage").await.status().as_u16(), 303);
    let events = audited(&app, "staff_account_retired").await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].subject, format!("user:{}", manager.id));
    assert!(audited(&app, "account_deleted").await.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Purging

/// Applications in every state purging cares about, made directly in the database.
struct Ended {
    /// Withdrawn 40 days ago, and not shortlisted 40 days ago: due under a 30-day period.
    due: [i32; 2],
    /// Unsuccessful 10 days ago: not due yet.
    recent: i32,
    /// Sent 40 days ago and still being shortlisted.
    open: i32,
    /// Hired 40 days ago.
    hired: i32,
}

fn vacancy_input() -> VacancyInput {
    VacancyInput {
        title: "Purge apprentice".to_owned(),
        programme_id: None,
        kind: VacancyKind::Apprenticeship,
        band: "2".into(),
        working_pattern: "37.5 hours a week".into(),
        salary: "£24,465 a year".into(),
        location: "Liverpool".into(),
        positions: 2,
        closes_at: OffsetDateTime::now_utc() + Duration::days(14),
        ring_fenced: false,
        summary: "Help look after patients.".into(),
        description: "You will learn on the job.".into(),
        entry_requirements: "No GCSEs needed.".into(),
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

/// Moves an application along `path` (from its current stage), then dates the last move
/// `days_ago`.
async fn moved(db: &DatabaseConnection, id: i32, path: &[Stage], days_ago: i64) {
    let txn = db.begin().await.unwrap();
    for pair in path.windows(2) {
        assert!(
            applications::change_stage(&txn, id, pair[0], pair[1], None, "Moved by the test")
                .await
                .unwrap()
        );
    }
    txn.commit().await.unwrap();
    let last = path[path.len() - 1];
    application_stage_change::Entity::update_many()
        .col_expr(
            application_stage_change::Column::CreatedAt,
            (OffsetDateTime::now_utc() - Duration::days(days_ago)).into(),
        )
        .filter(application_stage_change::Column::ApplicationId.eq(id))
        .filter(application_stage_change::Column::ToStage.eq(last.as_str()))
        .exec(db)
        .await
        .unwrap();
}

async fn account(
    txn: &impl ConnectionTrait,
    email: &str,
    role: Role,
    organisation_id: Option<i32>,
) -> user::Model {
    let email = EmailAddress::parse(email).unwrap();
    users::create(
        txn,
        NewUser {
            email: &email,
            full_name: "Purge Person",
            password_hash: spectra::domain::privacy::ERASED_PASSWORD_HASH.to_owned(),
            email_verified: true,
            organisation_id,
            roles: &[role],
        },
    )
    .await
    .unwrap()
}

async fn ended_applications(db: &DatabaseConnection) -> Ended {
    let organisation = organisations::ensure(db, "Purge Trust").await.unwrap().id;
    let txn = db.begin().await.unwrap();
    let manager = account(
        &txn,
        "manager@nhs.net",
        Role::HiringManager,
        Some(organisation),
    )
    .await;
    let vacancy = vacancies::create(&txn, organisation, manager.id, &vacancy_input())
        .await
        .unwrap();
    let criterion = vacancies::criteria_of(&txn, vacancy.id).await.unwrap()[0].id;
    let mut ids = Vec::new();
    for email in [
        "due1@example.org",
        "due2@example.org",
        "recent@example.org",
        "open@example.org",
        "hired@example.org",
    ] {
        let applicant = account(&txn, email, Role::Applicant, None).await;
        let draft = applications::start(&txn, vacancy.id, applicant.id, "Large print", None)
            .await
            .unwrap();
        applications::save_answers(
            &txn,
            draft.id,
            &[(criterion, "I cared for my brother.".to_owned())],
        )
        .await
        .unwrap();
        applications::save_referees(
            &txn,
            draft.id,
            &[Referee {
                kind: ReferenceType::PersonalAdviser,
                name: "Sam Patel".into(),
                relationship: "My personal adviser".into(),
                email: "sam.patel@example.org".into(),
                phone: String::new(),
            }],
        )
        .await
        .unwrap();
        spectra::db::outbox::enqueue(
            &txn,
            &spectra::domain::email::Email {
                to: email.to_owned(),
                subject: "Your application".into(),
                text: format!(
                    "Dear Purge Person, see http://x/applications/{}\n",
                    draft.id
                ),
                html: String::new(),
                calendar: None,
            },
        )
        .await
        .unwrap();
        ids.push(draft.id);
    }
    txn.commit().await.unwrap();
    use Stage::*;
    moved(db, ids[0], &[Draft, Submitted, Withdrawn], 40).await;
    moved(
        db,
        ids[1],
        &[Draft, Submitted, Shortlisting, NotShortlisted],
        40,
    )
    .await;
    moved(
        db,
        ids[2],
        &[Draft, Submitted, Shortlisting, Unsuccessful],
        10,
    )
    .await;
    moved(db, ids[3], &[Draft, Submitted, Shortlisting], 40).await;
    moved(
        db,
        ids[4],
        &[
            Draft,
            Submitted,
            Shortlisting,
            InvitedToInterview,
            InterviewBooked,
            Interviewed,
            ConditionalOffer,
            ChecksComplete,
            Started,
        ],
        40,
    )
    .await;
    applications::set_withdrawal_reason(db, ids[0], "I moved away")
        .await
        .unwrap();
    Ended {
        due: [ids[0], ids[1]],
        recent: ids[2],
        open: ids[3],
        hired: ids[4],
    }
}

/// The personal columns of every application, and how many rows each table has: what a dry
/// run must leave as it was. Rows are read in ID order: Postgres returns them in the order
/// they lie on disk, which changes when the mail worker updates a message it sends.
async fn personal_data(db: &DatabaseConnection) -> String {
    let apps: Vec<_> = application::Entity::find()
        .order_by_asc(application::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| {
            (
                a.id,
                a.adjustments,
                a.withdrawal_reason,
                a.personal_data_purged_at,
            )
        })
        .collect();
    let answers: Vec<_> = application_answer::Entity::find()
        .order_by_asc(application_answer::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.id, a.evidence))
        .collect();
    let referees: Vec<_> = application_referee::Entity::find()
        .order_by_asc(application_referee::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.id, r.name, r.email))
        .collect();
    let notes: Vec<_> = application_stage_change::Entity::find()
        .order_by_asc(application_stage_change::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.id, c.note))
        .collect();
    let messages: Vec<_> = outbox_message::Entity::find()
        .order_by_asc(outbox_message::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.id, m.to_address, m.subject, m.body_text, m.body_html))
        .collect();
    let audit = audit_event::Entity::find().all(db).await.unwrap().len();
    format!("{apps:?}\n{answers:?}\n{referees:?}\n{notes:?}\n{messages:?}\n{audit}")
}

fn thirty_days() -> Config {
    let mut config = Config::from_lookup(|_| None).unwrap();
    config.purge_after_days = 30;
    config
}

async fn is_purged(db: &DatabaseConnection, id: i32) -> bool {
    let row = applications::find(db, id).await.unwrap().unwrap();
    let answers = applications::answers_of(db, id).await.unwrap();
    let referees = applications::referees_of(db, id).await.unwrap();
    let notes = applications::timeline(db, id).await.unwrap();
    let mentioned = outbox_message::Entity::find()
        .filter(outbox_message::Column::BodyText.contains(format!("/applications/{id}\n")))
        .all(db)
        .await
        .unwrap();
    let purged = row.personal_data_purged_at.is_some();
    let erased = row.adjustments.is_empty()
        && row.withdrawal_reason.is_empty()
        && answers.iter().all(|a| a.evidence.is_empty())
        && referees.is_empty()
        && notes.iter().all(|c| c.note.is_empty())
        && mentioned.is_empty();
    assert_eq!(
        purged, erased,
        "application {id} is purged whole or not at all"
    );
    purged
}

#[tokio::test]
async fn purging_erases_each_due_application_once_and_a_dry_run_writes_nothing() {
    // Arrange
    let app = spawn_app().await;
    let ended = ended_applications(&app.db).await;
    let config = thirty_days();
    let now = spectra::db::now();
    let before = personal_data(&app.db).await;

    // Act: a dry run.
    let dry = purge_due(&app.db, &config, now, true).await.unwrap();

    // Assert: it lists the due ones and changes nothing.
    let listed: Vec<i32> = dry.due.iter().map(|d| d.id).collect();
    assert_eq!(listed, ended.due);
    assert_eq!(dry.due[0].stage.as_str(), "withdrawn");
    assert_eq!(dry.due[1].stage.as_str(), "not_shortlisted");
    assert_eq!(dry.due[0].title, "Purge apprentice");
    assert!(dry.purged.is_empty());
    assert_eq!(personal_data(&app.db).await, before);

    // Act: two instances purge at the same moment.
    let (a, b) = tokio::join!(
        purge_due(&app.db, &config, now, false),
        purge_due(&app.db, &config, now, false)
    );
    let (a, b) = (a.unwrap(), b.unwrap());

    // Assert: each due application purged once, by one of them, and audited once.
    let mut purged: Vec<i32> = a.purged.iter().chain(&b.purged).copied().collect();
    purged.sort_unstable();
    assert_eq!(purged, ended.due);
    for id in ended.due {
        assert!(is_purged(&app.db, id).await, "{id}");
    }
    for id in [ended.recent, ended.open, ended.hired] {
        assert!(!is_purged(&app.db, id).await, "{id}");
        assert_eq!(
            applications::answers_of(&app.db, id).await.unwrap()[0].evidence,
            "I cared for my brother."
        );
    }
    let events = audited(&app, "applications_purged").await;
    let counted: i64 = events
        .iter()
        .map(|e| {
            let details: serde_json::Value = serde_json::from_str(&e.details).unwrap();
            assert_eq!(e.subject, "purge");
            assert_eq!(e.actor_user_id, None);
            details["count"].as_i64().unwrap()
        })
        .sum();
    assert_eq!(counted, 2);
    assert!(events.len() <= 2);
    // Stages and their times stay for the reports.
    assert_eq!(
        applications::timeline(&app.db, ended.due[1])
            .await
            .unwrap()
            .len(),
        4
    );

    // Act: again, later: nothing more is due, and nothing is audited.
    let again = purge_due(&app.db, &config, now, false).await.unwrap();
    assert!(again.due.is_empty() && again.purged.is_empty());
    assert_eq!(
        audited(&app, "applications_purged").await.len(),
        events.len()
    );
}

#[tokio::test]
async fn the_command_line_lists_on_a_dry_run_and_purges_otherwise() {
    // Arrange
    let db = TestDb::new().await;
    let config =
        Config::from_lookup(|name| (name == "DATABASE_URL").then(|| db.url.clone())).unwrap();
    let conn = spectra::server::prepare_database(&config).await.unwrap();
    let ended = ended_applications(&conn).await;
    let before = personal_data(&conn).await;
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_spectra"))
            .args(args)
            .env("DATABASE_URL", &db.url)
            .env("PURGE_AFTER_DAYS", "30")
            .output()
            .unwrap()
    };

    // Act
    let dry = run(&["privacy", "purge", "--dry-run"]);

    // Assert: what would be purged, without names; nothing written.
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    let out = String::from_utf8_lossy(&dry.stdout);
    assert!(
        out.contains(&format!(
            "SPX-{:06}  vacancy 1 (Purge apprentice)  withdrawn  decided",
            ended.due[0]
        )),
        "{out}"
    );
    assert!(out.contains(&format!("SPX-{:06}", ended.due[1])));
    assert!(!out.contains(&format!("SPX-{:06}", ended.recent)));
    assert!(!out.contains("Purge Person") && !out.contains("@example.org"));
    assert!(out.contains("Dry run: 2 applications would be purged"));
    assert_eq!(personal_data(&conn).await, before);

    // Act
    let real = run(&["privacy", "purge"]);

    // Assert
    assert!(
        real.status.success(),
        "{}",
        String::from_utf8_lossy(&real.stderr)
    );
    assert!(
        String::from_utf8_lossy(&real.stdout)
            .contains("Purged the personal data of 2 applications")
    );
    for id in ended.due {
        assert!(is_purged(&conn, id).await);
    }
    assert!(!is_purged(&conn, ended.hired).await);
    let again = run(&["privacy", "purge"]);
    assert!(
        String::from_utf8_lossy(&again.stdout)
            .contains("Purged the personal data of 0 applications")
    );
    let help = run(&["privacy", "purge", "--help"]);
    assert!(String::from_utf8_lossy(&help.stdout).contains("--dry-run"));
    conn.close().await.unwrap();
}
