//! Under load (issue 14): reading costs reads, sessions are renewed at most once a minute,
//! password hashing is bounded, and organisations are kept in memory.

use std::time::Duration;

use sea_orm::EntityTrait;
use spectra::domain::Role;
use spectra::entities::session;

use crate::helpers::{
    Client, PASSWORD, TestApp, csrf_in, location, spawn_app, spawn_app_with, text_of,
};

/// Every stored session, by ID, with what matters of it.
async fn sessions(app: &TestApp) -> Vec<(String, String, time::OffsetDateTime)> {
    let mut rows: Vec<_> = session::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.id, s.data, s.expires_at))
        .collect();
    rows.sort();
    rows
}

/// How many rows each table that a page could write to holds.
async fn write_counts(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "sessions",
        "audit_events",
        "login_throttles",
        "outbox_messages",
        "user_tokens",
        "vacancies",
        "organisations",
        "users",
        "applications",
    ] {
        counts.push(app.count(table).await);
    }
    counts
}

fn sets_a_cookie(response: &reqwest::Response) -> bool {
    response.headers().get("set-cookie").is_some()
}

/// The first vacancy the public list links to.
async fn first_vacancy(client: &Client) -> String {
    let (_, list) = client.page("/vacancies").await;
    let doc = scraper::Html::parse_document(&list);
    let links = scraper::Selector::parse("a[href^='/vacancies/']").unwrap();
    doc.select(&links)
        .filter_map(|a| a.value().attr("href"))
        .find(|h| h.trim_start_matches("/vacancies/").parse::<i32>().is_ok())
        .expect("the list links to a vacancy")
        .to_owned()
}

#[tokio::test]
async fn a_visitor_reading_every_public_page_writes_nothing() {
    let app = spawn_app().await;
    spectra::seed::demo::load(&app.db, spectra::seed::demo::DEFAULT_PASSWORD)
        .await
        .unwrap();
    let vacancy = first_vacancy(&app.new_client()).await;
    let before = write_counts(&app).await;
    assert_eq!(before[0], 0, "no session yet");

    for (path, status) in [
        ("/", 200),
        ("/vacancies", 200),
        ("/vacancies?kind=apprenticeship&ring_fenced=yes&page=2", 200),
        (vacancy.as_str(), 200),
        ("/vacancies/999999", 404),
        ("/privacy", 200),
        ("/accessibility", 200),
        ("/cookies", 200),
        ("/mentoring", 200),
        ("/signed-out", 200),
        ("/forgot-password/sent", 200),
        ("/account/deleted", 200),
        ("/healthz", 200),
        ("/readyz", 200),
        ("/no-such-page", 404),
        ("/account", 303),
        ("/admin/users", 303),
    ] {
        let response = app.client.get(path).await;
        assert_eq!(response.status().as_u16(), status, "{path}");
        assert!(!sets_a_cookie(&response), "{path} set a cookie");
    }

    assert_eq!(write_counts(&app).await, before);
}

#[tokio::test]
async fn a_form_for_visitors_creates_one_session_and_reading_on_writes_nothing_more() {
    let app = spawn_app().await;

    let response = app.client.get("/login").await;
    assert!(sets_a_cookie(&response));
    let token = csrf_in(&response.text().await.unwrap());
    assert!(!token.is_empty());
    let after_form = sessions(&app).await;
    assert_eq!(after_form.len(), 1);

    for path in ["/vacancies", "/login", "/register", "/forgot-password", "/"] {
        let response = app.client.get(path).await;
        assert_eq!(response.status().as_u16(), 200, "{path}");
        assert!(!sets_a_cookie(&response), "{path} rewrote the session");
    }
    assert_eq!(
        sessions(&app).await,
        after_form,
        "the row was not rewritten"
    );

    // The token the form carried still works.
    let response = app
        .client
        .http
        .post(format!("{}/forgot-password", app.base))
        .form(&[("email", "nobody@example.org"), ("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&response), "/forgot-password/sent");
}

/// The stored session of a client signed in just now (the only one).
async fn only_session(app: &TestApp) -> (String, String, time::OffsetDateTime) {
    let rows = sessions(app).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    rows.into_iter().next().unwrap()
}

#[tokio::test]
async fn a_signed_in_session_is_renewed_at_most_once_a_minute() {
    let app = spawn_app().await;
    app.create_user("person@example.org", &[Role::Applicant], None)
        .await;
    app.client.sign_in("person@example.org", PASSWORD).await;
    let signed_in = only_session(&app).await;
    let from_now = signed_in.2 - spectra::db::now();
    assert!(
        from_now > time::Duration::minutes(29) && from_now <= time::Duration::minutes(30),
        "expires {from_now} from now"
    );

    // Activity within the minute reads the session and writes nothing.
    for path in ["/account", "/profile", "/vacancies", "/account"] {
        let response = app.client.get(path).await;
        assert_eq!(response.status().as_u16(), 200, "{path}");
        assert!(!sets_a_cookie(&response), "{path} rewrote the session");
    }
    assert_eq!(only_session(&app).await, signed_in);

    // A minute after the last renewal, the next request renews it: a later expiry.
    let mut data: serde_json::Value = serde_json::from_str(&signed_in.1).unwrap();
    let renewed = data["renewed_at"].as_i64().expect("renewal time stored");
    data["renewed_at"] = (renewed - 61).into();
    let earlier_expiry = signed_in.2 - time::Duration::seconds(61);
    spectra::db::sessions::set_data(&app.db, &signed_in.0, &data.to_string())
        .await
        .unwrap();
    force_expiry(&app, &signed_in.0, earlier_expiry).await;

    let response = app.client.get("/account").await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(sets_a_cookie(&response), "the cookie is sent again");
    let (id, data, expires_at) = only_session(&app).await;
    assert_eq!(id, signed_in.0);
    assert!(expires_at > earlier_expiry + time::Duration::seconds(60));
    let data: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert!(data["renewed_at"].as_i64().unwrap() >= renewed);
}

/// Sets a session's expiry, as time passing would.
async fn force_expiry(app: &TestApp, id: &str, at: time::OffsetDateTime) {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};
    let row = session::Entity::find_by_id(id.to_owned())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut active = row.into_active_model();
    active.expires_at = Set(at);
    active.update(&app.db).await.unwrap();
}

#[tokio::test]
async fn thirty_minutes_idle_still_ends_a_session() {
    let app = spawn_app().await;
    app.create_user("person@example.org", &[Role::Applicant], None)
        .await;
    app.client.sign_in("person@example.org", PASSWORD).await;
    let (id, _, _) = only_session(&app).await;
    assert_eq!(app.client.page("/account").await.0, 200);

    // Thirty minutes with nothing done: the stored expiry passes.
    force_expiry(&app, &id, spectra::db::now() - time::Duration::seconds(1)).await;

    let response = app.client.get("/account").await;
    // Sent to sign in, and told the session ended (issue 21).
    assert_eq!(location(&response), "/login?next=%2Faccount&reason=idle");
}

#[tokio::test]
async fn a_burst_of_sign_ins_beyond_the_queue_gets_503_and_nobody_is_let_in_wrongly() {
    let app = spawn_app_with(|c| {
        c.hash_concurrency = 1;
        c.hash_queue = 1;
    })
    .await;
    let people: Vec<String> = (0..8).map(|n| format!("person{n}@example.org")).collect();
    for email in &people {
        app.create_user(email, &[Role::Applicant], None).await;
    }
    // Sixteen people: each account tried once with its password and once with a wrong one.
    let mut attempts = Vec::new();
    for email in &people {
        for right in [true, false] {
            let client = app.new_client();
            let (_, form) = client.page("/login").await;
            attempts.push((client, csrf_in(&form), email.clone(), right));
        }
    }

    // All sent at once, each from its own task.
    let sending: Vec<_> = attempts
        .iter()
        .map(|(client, token, email, right)| {
            let password = if *right {
                PASSWORD
            } else {
                "not-the-password-1"
            };
            let request = client.http.post(format!("{}/login", client.base)).form(&[
                ("email", email.as_str()),
                ("password", password),
                ("csrf_token", token.as_str()),
            ]);
            tokio::spawn(request.send())
        })
        .collect();
    let mut answers = Vec::new();
    for task in sending {
        answers.push(task.await.unwrap());
    }

    let mut busy = 0;
    for ((_, _, email, right), answer) in attempts.iter().zip(answers) {
        let answer = answer.unwrap();
        match answer.status().as_u16() {
            303 => assert!(*right, "{email} got in with a wrong password"),
            200 => assert!(!*right, "{email} was refused with the right password"),
            503 => {
                busy += 1;
                assert_eq!(
                    answer
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok()),
                    Some("5")
                );
                let body = answer.text().await.unwrap();
                assert_eq!(text_of(&body, "h1"), "The service is busy");
            }
            other => panic!("{email}: unexpected {other}"),
        }
    }
    assert!(busy > 0, "sixteen at once overflowed a queue of one");
    assert_eq!(app.state().hash_gate.peak(), 1, "one hash at a time");

    // Being turned away cost nobody a throttle slot: everyone now signs in.
    for email in &people {
        app.new_client().sign_in(email, PASSWORD).await;
    }
    assert_eq!(app.state().hash_gate.peak(), 1);
}

#[tokio::test]
async fn every_form_refuses_a_post_without_its_token_or_from_another_origin() {
    let app = spawn_app().await;
    spectra::seed::demo::load(&app.db, spectra::seed::demo::DEFAULT_PASSWORD)
        .await
        .unwrap();
    let admin = app.new_client();
    admin
        .sign_in("admin@example.org", spectra::seed::demo::DEFAULT_PASSWORD)
        .await;
    let visitor = app.new_client();
    visitor.page("/login").await; // a session with a token exists
    let stranger = app.new_client(); // no session at all
    let before = write_counts(&app).await;

    let forms = [
        "/login",
        "/register",
        "/forgot-password",
        "/reset-password/abc",
        "/logout",
        "/profile",
        "/account/delete",
        "/account/password",
        "/verify-email/abc",
        "/invitation/abc",
        "/vacancies/1/apply",
        "/mentoring/sign-up",
        "/admin/users/1/roles",
        "/admin/users/1/deactivate",
        "/admin/organisations/new",
        "/admin/organisations/1/edit",
        "/admin/programmes",
        "/manage/vacancies",
        "/manage/vacancies/1/publish",
        "/champion/exceptions/1",
        "/mentoring/coordinator/matching/run",
    ];
    for path in forms {
        for client in [&admin, &visitor, &stranger] {
            // No token.
            let response = client
                .http
                .post(format!("{}{path}", app.base))
                .form(&[("email", "x@example.org")])
                .send()
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), 403, "{path} without a token");
        }
        // The admin's own token, from another site.
        let token = admin.csrf().await;
        let response = admin
            .http
            .post(format!("{}{path}", app.base))
            .header("origin", "https://attacker.example")
            .form(&[("csrf_token", token.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status().as_u16(),
            403,
            "{path} from another origin"
        );
    }
    let mut after = write_counts(&app).await;
    // Reading the admin's token may have renewed nothing new; sessions are the same rows.
    after[0] = before[0];
    assert_eq!(after, before, "nothing was written");
}

#[tokio::test]
async fn an_organisation_renamed_on_one_instance_is_shown_by_another_within_seconds() {
    let app = spawn_app_with(|c| c.reference_poll = Duration::from_millis(200)).await;
    spectra::seed::demo::load(&app.db, spectra::seed::demo::DEFAULT_PASSWORD)
        .await
        .unwrap();
    let (other, second) = app
        .another_instance(|c| c.reference_poll = Duration::from_millis(200))
        .await;
    let reader = Client::new(&other);
    let (_, list) = reader.page("/vacancies").await;
    assert!(list.contains(spectra::seed::demo::ORGANISATIONS[1]));

    // An admin renames it on the first instance.
    let org = spectra::db::organisations::all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.name == spectra::seed::demo::ORGANISATIONS[1])
        .unwrap();
    app.client
        .sign_in("admin@example.org", spectra::seed::demo::DEFAULT_PASSWORD)
        .await;
    let response = app
        .client
        .post(
            &format!("/admin/organisations/{}/edit", org.id),
            &[
                ("name", "Liverpool University Hospitals (renamed)"),
                ("ods_code", org.ods_code.as_deref().unwrap_or("")),
            ],
        )
        .await;
    assert_eq!(location(&response), "/admin/organisations");
    // The instance that made the change shows it at once.
    let (_, here) = app.client.page("/vacancies").await;
    assert!(here.contains("(renamed)"));

    // The other sees it within seconds.
    crate::helpers::eventually("the second instance to show the new name", async || {
        let (_, there) = reader.page("/vacancies").await;
        there.contains("(renamed)").then_some(())
    })
    .await;
    second.stop().await.unwrap();
}

#[tokio::test]
async fn the_sweep_removes_expired_sessions_and_throttles_that_can_refuse_nothing() {
    use sea_orm::{ActiveValue::Set, EntityTrait};
    use spectra::entities::login_throttle;
    let app = spawn_app().await;
    let now = spectra::db::now();
    let row = |key: &str, started: time::OffsetDateTime, locked: Option<time::OffsetDateTime>| {
        login_throttle::ActiveModel {
            key: Set(key.to_owned()),
            failures: Set(3),
            window_started_at: Set(started),
            locked_until: Set(locked),
        }
    };
    login_throttle::Entity::insert_many([
        row("old", now - time::Duration::days(2), None),
        row(
            "old-lock-over",
            now - time::Duration::days(2),
            Some(now - time::Duration::hours(1)),
        ),
        row(
            "old-still-locked",
            now - time::Duration::days(2),
            Some(now + time::Duration::hours(1)),
        ),
        row("recent", now - time::Duration::minutes(5), None),
    ])
    .exec(&app.db)
    .await
    .unwrap();
    for (id, expires) in [
        ("gone", now - time::Duration::seconds(1)),
        ("live", now + time::Duration::minutes(10)),
    ] {
        spectra::db::sessions::insert(
            &app.db,
            session::Model {
                id: id.to_owned(),
                data: "{}".to_owned(),
                expires_at: expires,
                user_id: None,
            },
        )
        .await
        .unwrap();
    }

    // The app's own sweeper may run first (it sweeps at start, then every 10 minutes): either
    // way, this is what is left.
    spectra::db::login_throttles::delete_stale(&app.db, now)
        .await
        .unwrap();
    spectra::db::sessions::delete_expired(&app.db, now)
        .await
        .unwrap();

    let mut kept: Vec<String> = login_throttle::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.key)
        .collect();
    kept.sort();
    assert_eq!(kept, ["old-still-locked", "recent"]);
    let sessions: Vec<String> = sessions(&app).await.into_iter().map(|s| s.0).collect();
    assert_eq!(sessions, ["live"]);
}
