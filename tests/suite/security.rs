//! What an attacker would try against §5 of the foundation issue.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use spectra::domain::Role;
use spectra::domain::client_address::TrustedProxies;
use spectra::entities::user;

use crate::helpers::{PASSWORD, location, spawn_app, spawn_app_with, text_of};

#[tokio::test]
async fn a_post_without_the_form_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    app.client.csrf().await; // a session exists, with a token

    let response = app
        .client
        .http
        .post(format!("{}/register", app.base))
        .form(&[
            ("full_name", "Eve"),
            ("email", "eve@example.org"),
            ("password", PASSWORD),
            ("confirm_password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(
        text_of(&response.text().await.unwrap(), "h1"),
        "You cannot see this page"
    );
    assert_eq!(app.count("users").await, 0);
}

#[tokio::test]
async fn a_post_with_another_sessions_token_is_refused() {
    let app = spawn_app().await;
    let attacker = app.new_client();
    let attackers_token = attacker.csrf().await;
    app.client.csrf().await;

    let response = app
        .client
        .http
        .post(format!("{}/forgot-password", app.base))
        .form(&[("email", "x@example.org"), ("csrf_token", &attackers_token)])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status().as_u16(), 403);
}

#[tokio::test]
async fn a_post_from_another_origin_is_refused_even_with_the_token() {
    let app = spawn_app().await;
    app.create_user("victim@example.org", &[Role::Admin], None)
        .await;
    app.client.sign_in("victim@example.org", PASSWORD).await;
    let token = app.client.csrf().await;

    let cross_origin = app
        .client
        .http
        .post(format!("{}/logout", app.base))
        .header("origin", "https://evil.example")
        .form(&[("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    let cross_site = app
        .client
        .http
        .post(format!("{}/logout", app.base))
        .header("sec-fetch-site", "cross-site")
        .form(&[("csrf_token", &token)])
        .send()
        .await
        .unwrap();

    assert_eq!(cross_origin.status().as_u16(), 403);
    assert_eq!(cross_site.status().as_u16(), 403);
    assert_eq!(
        app.client.get("/account").await.status().as_u16(),
        200,
        "still signed in"
    );
}

#[tokio::test]
async fn a_post_with_neither_origin_nor_referer_is_refused_but_a_same_site_referer_passes() {
    let app = spawn_app().await;
    let token = app.client.csrf().await;
    // A client without the default Origin header, sharing no cookies: build one by hand.
    let jar = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let (_, body) = {
        let r = jar
            .get(format!("{}/forgot-password", app.base))
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    };
    let own_token = crate::helpers::csrf_in(&body);
    assert_ne!(own_token, token);

    let bare = jar
        .post(format!("{}/forgot-password", app.base))
        .form(&[("email", "a@example.org"), ("csrf_token", &own_token)])
        .send()
        .await
        .unwrap();
    let with_referer = jar
        .post(format!("{}/forgot-password", app.base))
        .header("referer", format!("{}/forgot-password", app.base))
        .form(&[("email", "a@example.org"), ("csrf_token", &own_token)])
        .send()
        .await
        .unwrap();

    assert_eq!(bare.status().as_u16(), 403);
    assert_eq!(with_referer.status().as_u16(), 303);
}

#[tokio::test]
async fn sign_in_never_redirects_off_the_site() {
    let app = spawn_app().await;
    app.create_user("user@example.org", &[Role::Applicant], None)
        .await;

    for evil in [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
    ] {
        let client = app.new_client();
        let (_, page) = client
            .page(&format!("/login?next={}", urlencode(evil)))
            .await;
        assert!(
            !page.contains("evil.example"),
            "login page must not carry {evil}"
        );
        let response = client
            .post(
                "/login",
                &[
                    ("email", "user@example.org"),
                    ("password", PASSWORD),
                    ("next", evil),
                ],
            )
            .await;
        assert_eq!(location(&response), "/applications", "next={evil}");
    }
    let client = app.new_client();
    let response = client
        .post(
            "/login",
            &[
                ("email", "user@example.org"),
                ("password", PASSWORD),
                ("next", "/account/password"),
            ],
        )
        .await;
    assert_eq!(
        location(&response),
        "/account/password",
        "local paths are kept"
    );
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn an_account_is_locked_after_repeated_failures_even_for_the_right_password() {
    let app = spawn_app().await;
    app.create_user("target@example.org", &[Role::Applicant], None)
        .await;
    app.create_user("bystander@example.org", &[Role::Applicant], None)
        .await;

    for _ in 0..5 {
        let r = app
            .client
            .post(
                "/login",
                &[
                    ("email", "target@example.org"),
                    ("password", "guess-guess-guess"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 200);
    }
    let locked = app
        .client
        .post(
            "/login",
            &[("email", "target@example.org"), ("password", PASSWORD)],
        )
        .await;

    assert_eq!(locked.status().as_u16(), 429);
    let body = locked.text().await.unwrap();
    assert!(body.contains("You have tried to sign in too many times. Wait 15 minutes"));
    assert_eq!(
        app.client.get("/account").await.status().as_u16(),
        303,
        "not signed in"
    );
    // Another account from the same address is unaffected.
    app.new_client()
        .sign_in("bystander@example.org", PASSWORD)
        .await;
}

#[tokio::test]
async fn unknown_emails_are_throttled_too_so_locks_reveal_nothing() {
    let app = spawn_app().await;

    for _ in 0..5 {
        app.client
            .post(
                "/login",
                &[
                    ("email", "ghost@example.org"),
                    ("password", "guess-guess-guess"),
                ],
            )
            .await;
    }
    let response = app
        .client
        .post(
            "/login",
            &[
                ("email", "ghost@example.org"),
                ("password", "guess-guess-guess"),
            ],
        )
        .await;

    assert_eq!(response.status().as_u16(), 429);
}

#[tokio::test]
async fn a_client_address_is_locked_after_many_failures_across_accounts() {
    let app = spawn_app().await;
    app.create_user("real@example.org", &[Role::Applicant], None)
        .await;

    for i in 0..20 {
        let email = format!("spray{i}@example.org");
        app.client
            .post(
                "/login",
                &[("email", email.as_str()), ("password", "guess-guess-guess")],
            )
            .await;
    }
    let response = app
        .client
        .post(
            "/login",
            &[("email", "real@example.org"), ("password", PASSWORD)],
        )
        .await;

    assert_eq!(response.status().as_u16(), 429);
}

#[tokio::test]
async fn the_session_id_changes_at_sign_in() {
    let app = spawn_app().await;
    app.create_user("user@example.org", &[Role::Applicant], None)
        .await;
    let first = app.client.get("/login").await;
    let before = cookie_value(&first);

    let response = app
        .client
        .post(
            "/login",
            &[("email", "user@example.org"), ("password", PASSWORD)],
        )
        .await;
    let after = cookie_value(&response);

    assert!(!before.is_empty() && !after.is_empty());
    assert_ne!(before, after);
    // The old ID is worthless: a client holding it is not signed in.
    let fixated = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = fixated
        .get(format!("{}/account", app.base))
        .header("cookie", format!("spectra_session={before}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
}

fn cookie_value(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.strip_prefix("spectra_session=")
                .map(|rest| rest.split(';').next().unwrap_or("").to_owned())
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_session_does_not_survive_sign_out() {
    let app = spawn_app().await;
    app.create_user("user@example.org", &[Role::Applicant], None)
        .await;
    let response = app
        .client
        .post(
            "/login",
            &[("email", "user@example.org"), ("password", PASSWORD)],
        )
        .await;
    let signed_in = cookie_value(&response);

    app.client.post("/logout", &[]).await;

    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = replay
        .get(format!("{}/account", app.base))
        .header("cookie", format!("spectra_session={signed_in}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status().as_u16(),
        303,
        "the old cookie no longer signs anyone in"
    );
    assert_eq!(app.count("sessions WHERE user_id IS NOT NULL").await, 0);
}

#[tokio::test]
async fn sign_out_is_post_only() {
    let app = spawn_app().await;
    app.create_user("user@example.org", &[Role::Applicant], None)
        .await;
    app.client.sign_in("user@example.org", PASSWORD).await;

    let response = app.client.get("/logout").await;

    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(
        app.client.get("/account").await.status().as_u16(),
        200,
        "still signed in"
    );
}

#[tokio::test]
async fn only_admins_reach_admin_pages() {
    let app = spawn_app().await;
    app.create_user("applicant@example.org", &[Role::Applicant], None)
        .await;
    let manager_org = app.create_organisation("Mersey Care NHS FT").await;
    app.create_user(
        "manager@example.org",
        &[Role::HiringManager],
        Some(manager_org),
    )
    .await;
    let admin_id = app
        .create_user("admin@example.org", &[Role::Admin], None)
        .await;

    let anonymous = app.new_client();
    let r = anonymous.get("/admin/users").await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/login?next=%2Fadmin%2Fusers");

    for email in ["applicant@example.org", "manager@example.org"] {
        let client = app.new_client();
        client.sign_in(email, PASSWORD).await;
        for path in [
            "/admin/users",
            &format!("/admin/users/{admin_id}"),
            "/admin/invitations",
            "/admin/invitations/new",
        ] {
            let (status, body) = client.page(path).await;
            assert_eq!(status, 403, "{email} on {path}");
            assert_eq!(text_of(&body, "h1"), "You cannot see this page");
        }
        let r = client
            .post(&format!("/admin/users/{admin_id}/deactivate"), &[])
            .await;
        assert_eq!(r.status().as_u16(), 403);
        let r = client
            .post(
                "/admin/invitations",
                &[
                    ("full_name", "X"),
                    ("email", "x@example.org"),
                    ("roles", "admin"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 403);
    }
    assert_eq!(app.count("invitations").await, 0);
    assert_eq!(
        app.count("audit_events WHERE action <> 'signed_in'").await,
        0
    );

    let admin = app.new_client();
    admin.sign_in("admin@example.org", PASSWORD).await;
    assert_eq!(admin.get("/admin/users").await.status().as_u16(), 200);
    assert_eq!(admin.get("/admin/users/99999").await.status().as_u16(), 404);
    assert_eq!(
        admin
            .get("/admin/users/not-a-number")
            .await
            .status()
            .as_u16(),
        404
    );
}

/// POSTs a form with `token`, optionally as if forwarded by a proxy for `forwarded_for`.
async fn post_with(
    client: &crate::helpers::Client,
    token: &str,
    path: &str,
    fields: &[(&str, &str)],
    forwarded_for: Option<&str>,
) -> reqwest::Response {
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    form.push(("csrf_token", token));
    let mut request = client
        .http
        .post(format!("{}{path}", client.base))
        .form(&form);
    if let Some(address) = forwarded_for {
        request = request.header("x-forwarded-for", address);
    }
    request.send().await.unwrap()
}

/// What a sign-in attempt got: "not correct" (200), locked (429), or in (303).
#[derive(Debug, PartialEq, Eq)]
enum Answer {
    NotCorrect,
    Locked,
    SignedIn,
}

async fn answer(response: reqwest::Response) -> Answer {
    match response.status().as_u16() {
        303 => Answer::SignedIn,
        429 => {
            assert!(response.text().await.unwrap().contains("Wait 15 minutes"));
            Answer::Locked
        }
        200 => {
            assert!(
                response
                    .text()
                    .await
                    .unwrap()
                    .contains("The email address or password is not correct")
            );
            Answer::NotCorrect
        }
        other => panic!("unexpected status {other}"),
    }
}

#[tokio::test]
async fn forty_wrong_passwords_at_once_get_five_tries_and_then_even_the_right_one_is_refused() {
    // Room for the whole burst at the hashing gate, so that this is about the throttle (what
    // a full gate does is in load.rs).
    let app = spawn_app_with(|c| c.hash_queue = 64).await;
    app.create_user("target@example.org", &[Role::Applicant], None)
        .await;
    let token = app.client.csrf().await;

    // Act: forty wrong passwords at the same moment, and the right one as soon as the first
    // refusal shows the account is locked, while the rest of the burst is still arriving.
    let mut burst = tokio::task::JoinSet::new();
    for i in 0..40 {
        let (client, token) = (app.client.clone(), token.clone());
        burst.spawn(async move {
            let guess = format!("wrong-guess-number-{i}");
            answer(
                post_with(
                    &client,
                    &token,
                    "/login",
                    &[("email", "target@example.org"), ("password", &guess)],
                    None,
                )
                .await,
            )
            .await
        });
    }
    let mut answers = Vec::new();
    let mut right_one = None;
    while let Some(done) = burst.join_next().await {
        let got = done.unwrap();
        if got == Answer::Locked && right_one.is_none() {
            let right = app.new_client();
            let right_token = right.csrf().await;
            let response = post_with(
                &right,
                &right_token,
                "/login",
                &[("email", "target@example.org"), ("password", PASSWORD)],
                None,
            )
            .await;
            right_one = Some((answer(response).await, right));
        }
        answers.push(got);
    }

    // Assert
    let not_correct = answers.iter().filter(|a| **a == Answer::NotCorrect).count();
    let locked = answers.iter().filter(|a| **a == Answer::Locked).count();
    assert!(not_correct <= 5, "{not_correct} passwords were checked");
    assert_eq!(not_correct + locked, 40, "{answers:?}");
    let (right_answer, right_client) = right_one.expect("the account was locked");
    assert_eq!(right_answer, Answer::Locked);
    assert_eq!(right_client.get("/account").await.status().as_u16(), 303);
    // Still locked once the burst is over.
    let after = answer(
        post_with(
            &right_client,
            &right_client.csrf().await,
            "/login",
            &[("email", "target@example.org"), ("password", PASSWORD)],
            None,
        )
        .await,
    )
    .await;
    assert_eq!(after, Answer::Locked);
}

#[tokio::test]
async fn a_right_password_gives_its_slot_back() {
    let app = spawn_app().await;
    app.create_user("user@example.org", &[Role::Applicant], None)
        .await;

    // Four failures, a success that forgets them, then four more: nothing is locked.
    for round in 0..2 {
        for _ in 0..4 {
            let r = app
                .client
                .post(
                    "/login",
                    &[
                        ("email", "user@example.org"),
                        ("password", "guess-guess-guess"),
                    ],
                )
                .await;
            assert_eq!(answer(r).await, Answer::NotCorrect, "round {round}");
        }
        let client = app.new_client();
        client.sign_in("user@example.org", PASSWORD).await;
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_is_throttled_on_its_own_address() {
    let app = spawn_app_with(|c| {
        c.trusted_proxies = TrustedProxies::parse("127.0.0.1/32, ::1").unwrap();
    })
    .await;
    app.create_user("neighbour@example.org", &[Role::Applicant], None)
        .await;
    let token = app.client.csrf().await;

    // Arrange: one client sprays twenty accounts through the proxy and is locked out. It
    // wrote an address of its own choosing first; the proxy appended the real one.
    for i in 0..20 {
        let email = format!("spray{i}@example.org");
        let r = post_with(
            &app.client,
            &token,
            "/login",
            &[("email", &email), ("password", "guess-guess-guess")],
            Some("192.0.2.1, 203.0.113.5"),
        )
        .await;
        assert_eq!(answer(r).await, Answer::NotCorrect);
    }
    let sprayer = post_with(
        &app.client,
        &token,
        "/login",
        &[("email", "neighbour@example.org"), ("password", PASSWORD)],
        Some("198.51.100.99, 203.0.113.5"),
    )
    .await;
    assert_eq!(answer(sprayer).await, Answer::Locked);

    // Act: someone else behind the same proxy signs in.
    let neighbour = app.new_client();
    let neighbour_token = neighbour.csrf().await;
    let r = post_with(
        &neighbour,
        &neighbour_token,
        "/login",
        &[("email", "neighbour@example.org"), ("password", PASSWORD)],
        Some("198.51.100.7"),
    )
    .await;

    // Assert
    assert_eq!(answer(r).await, Answer::SignedIn);
    assert_eq!(neighbour.get("/account").await.status().as_u16(), 200);
}

#[tokio::test]
async fn without_trusted_proxies_x_forwarded_for_is_ignored() {
    let app = spawn_app().await;
    app.create_user("real@example.org", &[Role::Applicant], None)
        .await;
    let token = app.client.csrf().await;

    for i in 0..20 {
        let email = format!("spray{i}@example.org");
        let pretend = format!("203.0.113.{i}");
        post_with(
            &app.client,
            &token,
            "/login",
            &[("email", &email), ("password", "guess-guess-guess")],
            Some(&pretend),
        )
        .await;
    }
    let r = post_with(
        &app.client,
        &token,
        "/login",
        &[("email", "real@example.org"), ("password", PASSWORD)],
        Some("198.51.100.7"),
    )
    .await;

    assert_eq!(answer(r).await, Answer::Locked);
}

#[tokio::test]
async fn the_current_password_check_is_throttled_like_sign_in() {
    let app = spawn_app().await;
    app.create_user("user@example.org", &[Role::Applicant], None)
        .await;
    app.client.sign_in("user@example.org", PASSWORD).await;
    let change = |current: &'static str| {
        let client = app.client.clone();
        async move {
            client
                .post(
                    "/account/password",
                    &[
                        ("current_password", current),
                        ("password", "a-brand-new-password"),
                        ("confirm_password", "a-brand-new-password"),
                    ],
                )
                .await
        }
    };

    for _ in 0..5 {
        let r = change("not-it-at-all").await;
        assert_eq!(r.status().as_u16(), 200);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("Your current password is not correct")
        );
    }
    let r = change(PASSWORD).await;

    assert_eq!(r.status().as_u16(), 429);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("You have tried your current password too many times. Wait 15 minutes")
    );
    let stored = user::Entity::find()
        .filter(user::Column::Email.eq("user@example.org"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(
        spectra::auth::password::verify(
            &spectra::auth::password::HashGate::for_tools(),
            PASSWORD.into(),
            Some(stored.password_hash)
        )
        .await
        .unwrap(),
        "the password did not change"
    );
    // The same count as signing in: the account is locked there too.
    let other = app.new_client();
    let r = other
        .post(
            "/login",
            &[("email", "user@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 429);
}

#[tokio::test]
async fn a_request_in_flight_at_sign_out_does_not_bring_the_session_back() {
    let app = spawn_app().await;
    let id = app
        .create_user("user@example.org", &[Role::Applicant], None)
        .await;
    app.make_slow_to_check(id).await;
    let response = app
        .client
        .post(
            "/login",
            &[("email", "user@example.org"), ("password", PASSWORD)],
        )
        .await;
    let signed_in = cookie_value(&response);
    let token = app.client.csrf().await;

    // Arrange: a slow request on the signed-in session (a password check) is under way...
    let in_flight = {
        let (client, token) = (app.client.clone(), token.clone());
        tokio::spawn(async move {
            post_with(
                &client,
                &token,
                "/account/password",
                &[
                    ("current_password", "not-it-at-all"),
                    ("password", "a-brand-new-password"),
                    ("confirm_password", "a-brand-new-password"),
                ],
                None,
            )
            .await
            .status()
            .as_u16()
        })
    };
    // ...past loading the session: its attempt is counted before the password is checked.
    let key = spectra::auth::throttle::account_key("user@example.org");
    let counted = format!("login_throttles WHERE key = '{key}' AND failures >= 1");
    crate::helpers::eventually("the password change to count its attempt", async || {
        (app.count(&counted).await >= 1).then_some(())
    })
    .await;
    // Many more requests on the same cookie, arriving around the sign-out.
    let mut around = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let client = app.client.clone();
        around.spawn(async move { client.get("/account").await.status().as_u16() });
    }

    // Act
    let out = post_with(&app.client, &token, "/logout", &[], None).await;
    assert_eq!(location(&out), "/signed-out");
    for _ in 0..10 {
        let client = app.client.clone();
        around.spawn(async move { client.get("/account").await.status().as_u16() });
    }
    assert_eq!(in_flight.await.unwrap(), 200);
    while let Some(status) = around.join_next().await {
        assert!(matches!(status.unwrap(), 200 | 303));
    }

    // Assert: the signed-in cookie is worthless and no signed-in session is stored.
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = replay
        .get(format!("{}/account", app.base))
        .header("cookie", format!("spectra_session={signed_in}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303, "the session came back");
    assert_eq!(app.count("sessions WHERE user_id IS NOT NULL").await, 0);
}

#[tokio::test]
async fn saving_a_session_that_was_deleted_does_not_create_it_again() {
    use tower_sessions::SessionStore;
    use tower_sessions::session::{Id, Record};

    let app = spawn_app().await;
    let user_id = app
        .create_user("user@example.org", &[Role::Applicant], None)
        .await;
    let hash = spectra::db::users::find_by_id(&app.db, user_id)
        .await
        .unwrap()
        .unwrap()
        .password_hash;
    let store = spectra::web::session_store::SeaOrmSessionStore::new(app.db.clone());
    let mut record = Record {
        id: Id::default(),
        data: Default::default(),
        expiry_date: time::OffsetDateTime::now_utc() + time::Duration::minutes(30),
    };
    // A session signing someone in is stored only for a live account and its password.
    record
        .data
        .insert("user_id".into(), serde_json::json!(user_id));
    record.data.insert(
        "auth_fp".into(),
        serde_json::json!(spectra::auth::password::fingerprint(&hash)),
    );
    store.create(&mut record).await.unwrap();
    let loaded = store.load(&record.id).await.unwrap().expect("stored");

    // One request signs out while another, which loaded the session before, saves it.
    store.delete(&record.id).await.unwrap();
    store.save(&loaded).await.unwrap();

    assert!(store.load(&record.id).await.unwrap().is_none());
    assert_eq!(app.count("sessions").await, 0);
    // A session that still exists is saved as usual.
    let mut fresh = Record {
        id: Id::default(),
        ..loaded.clone()
    };
    store.create(&mut fresh).await.unwrap();
    fresh.data.insert("csrf".into(), serde_json::json!("t"));
    store.save(&fresh).await.unwrap();
    let reloaded = store.load(&fresh.id).await.unwrap().unwrap();
    assert_eq!(reloaded.data.get("csrf"), Some(&serde_json::json!("t")));
}
