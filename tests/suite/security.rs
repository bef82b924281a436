//! What an attacker would try against §5 of the foundation issue.

use spectra::domain::Role;

use crate::helpers::{PASSWORD, location, spawn_app, text_of};

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
        assert_eq!(location(&response), "/account", "next={evil}");
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
    assert_eq!(app.count("audit_events").await, 0);

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
