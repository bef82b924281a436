//! Registering, confirming the email, signing in and out, resetting and changing passwords,
//! and staff invitations.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use spectra::domain::Role;
use spectra::entities::{user, user_token};

use crate::helpers::{PASSWORD, location, spawn_app, text_of};

async fn user_by_email(app: &crate::helpers::TestApp, email: &str) -> Option<user::Model> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_applicant_registers_confirms_their_email_signs_in_and_out() {
    let app = spawn_app().await;

    // Register.
    let response = app
        .client
        .post(
            "/register",
            &[
                ("full_name", "Jo Bloggs"),
                ("email", "Jo@Example.org"),
                ("password", PASSWORD),
                ("confirm_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), "/register/check-email");
    let (_, body) = app.client.page("/register/check-email").await;
    assert_eq!(text_of(&body, "h1"), "Check your email");
    assert!(body.contains("jo@example.org"));

    let stored = user_by_email(&app, "jo@example.org")
        .await
        .expect("account stored, email lower-cased");
    assert!(stored.email_verified_at.is_none());
    assert!(
        stored
            .password_hash
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$")
    );
    assert_eq!(
        spectra::db::users::roles_of(&app.db, stored.id)
            .await
            .unwrap(),
        vec![Role::Applicant]
    );

    // Cannot sign in before confirming.
    let response = app
        .client
        .post(
            "/login",
            &[("email", "jo@example.org"), ("password", PASSWORD)],
        )
        .await;
    let body = response.text().await.unwrap();
    assert_eq!(text_of(&body, "h1"), "Confirm your email address first");

    // Confirm from the emailed link: opening it changes nothing, pressing the button does.
    let email = app
        .wait_for_email("jo@example.org", "Confirm your email address")
        .await;
    assert!(email.html.contains("Confirm your email address"));
    let link = email.link(&format!("{}/verify-email/", app.base));
    let path = link.trim_start_matches(&app.base);
    let (status, body) = app.client.page(path).await;
    assert_eq!(status, 200);
    assert_eq!(text_of(&body, "h1"), "Confirm your email address");
    assert!(
        user_by_email(&app, "jo@example.org")
            .await
            .unwrap()
            .email_verified_at
            .is_none(),
        "GET changes nothing"
    );
    let response = app.client.post(path, &[]).await;
    assert_eq!(location(&response), "/login");
    assert!(
        user_by_email(&app, "jo@example.org")
            .await
            .unwrap()
            .email_verified_at
            .is_some()
    );
    let (_, body) = app.client.page("/login").await;
    assert!(body.contains("Your email address is confirmed"));

    // The link works once.
    let (_, body) = app.client.page(path).await;
    assert_eq!(
        text_of(&body, "h1"),
        "This link has expired or has already been used"
    );

    // Sign in, see the account, sign out.
    app.client.sign_in("jo@example.org", PASSWORD).await;
    let (status, body) = app.client.page("/account").await;
    assert_eq!(status, 200);
    assert!(body.contains("Jo Bloggs"));
    assert!(body.contains("Applicant"));
    let response = app.client.post("/logout", &[]).await;
    assert_eq!(location(&response), "/signed-out");
    let response = app.client.get("/account").await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), "/login?next=%2Faccount");
}

#[tokio::test]
async fn registration_errors_are_shown_per_field_and_nothing_is_stored() {
    let app = spawn_app().await;

    let response = app
        .client
        .post(
            "/register",
            &[
                ("full_name", "  "),
                ("email", "not-an-email"),
                ("password", "short"),
                ("confirm_password", "short"),
            ],
        )
        .await;

    assert_eq!(response.status().as_u16(), 200);
    let body = response.text().await.unwrap();
    assert!(text_of(&body, "title").starts_with("Error:"));
    assert_eq!(
        text_of(&body, ".nhsuk-error-summary__heading"),
        "There is a problem"
    );
    for (field, message) in [
        ("full_name", "Enter your full name"),
        (
            "email",
            "Enter an email address in the correct format, like name@example.com",
        ),
        ("password", "Password must be 10 characters or more"),
    ] {
        assert!(
            body.contains(&format!("<a href=\"#{field}\">{message}</a>")),
            "summary links to {field}"
        );
        assert!(
            text_of(&body, &format!("#{field}-error")).ends_with(message),
            "{field} has its message"
        );
    }
    assert!(
        body.contains("value=\"not-an-email\""),
        "what was typed is kept"
    );
    assert!(
        !body.contains("value=\"short\""),
        "passwords are never sent back"
    );
    assert_eq!(app.count("users").await, 0);
    assert_eq!(app.count("outbox_messages").await, 0);
}

#[tokio::test]
async fn registering_a_taken_address_looks_the_same_and_emails_the_owner() {
    let app = spawn_app().await;
    app.create_user("taken@example.org", &[Role::Applicant], None)
        .await;

    let response = app
        .client
        .post(
            "/register",
            &[
                ("full_name", "Someone Else"),
                ("email", "taken@example.org"),
                ("password", "another-good-password"),
                ("confirm_password", "another-good-password"),
            ],
        )
        .await;

    assert_eq!(
        location(&response),
        "/register/check-email",
        "same answer as a new address"
    );
    let email = app
        .wait_for_email("taken@example.org", "You already have an account")
        .await;
    assert!(email.text.contains("/forgot-password"));
    assert_eq!(app.count("users").await, 1);
    let user = user_by_email(&app, "taken@example.org").await.unwrap();
    assert!(
        spectra::auth::password::verify(
            &spectra::auth::password::HashGate::for_tools(),
            PASSWORD.into(),
            Some(user.password_hash)
        )
        .await
        .unwrap(),
        "password unchanged"
    );
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_message() {
    let app = spawn_app().await;
    app.create_user("known@example.org", &[Role::Applicant], None)
        .await;

    let wrong = app
        .client
        .post(
            "/login",
            &[
                ("email", "known@example.org"),
                ("password", "not-the-password"),
            ],
        )
        .await;
    let wrong_body = wrong.text().await.unwrap();
    let unknown = app
        .client
        .post(
            "/login",
            &[
                ("email", "nobody@example.org"),
                ("password", "not-the-password"),
            ],
        )
        .await;
    let unknown_body = unknown.text().await.unwrap();

    let message = "The email address or password is not correct";
    assert_eq!(text_of(&wrong_body, ".nhsuk-error-summary__list"), message);
    assert_eq!(
        text_of(&unknown_body, ".nhsuk-error-summary__list"),
        message
    );
    assert!(wrong_body.contains("value=\"known@example.org\""));
}

#[tokio::test]
async fn a_password_reset_link_works_once_within_an_hour_and_ends_every_session() {
    let app = spawn_app().await;
    app.create_user("reset@example.org", &[Role::Applicant], None)
        .await;
    let other_device = app.new_client();
    other_device.sign_in("reset@example.org", PASSWORD).await;

    let response = app
        .client
        .post("/forgot-password", &[("email", "reset@example.org")])
        .await;
    assert_eq!(location(&response), "/forgot-password/sent");
    let email = app
        .wait_for_email("reset@example.org", "Reset your password")
        .await;
    let link = email.link(&format!("{}/reset-password/", app.base));
    let token = link.rsplit('/').next().unwrap().to_owned();
    let path = format!("/reset-password/{token}");

    // Only the hash is stored.
    let tokens = user_token::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(tokens.len(), 1);
    assert_ne!(tokens[0].token_hash, token);
    assert_eq!(tokens[0].token_hash, spectra::auth::tokens::hash(&token));
    let lifetime = tokens[0].expires_at - tokens[0].created_at;
    assert_eq!(lifetime, time::Duration::hours(1));

    let new_password = "a-brand-new-password";
    let response = app
        .client
        .post(
            &path,
            &[
                ("password", new_password),
                ("confirm_password", new_password),
            ],
        )
        .await;
    assert_eq!(location(&response), "/login");
    app.wait_for_email("reset@example.org", "Your password has been changed")
        .await;

    // Reuse fails and changes nothing.
    let reuse = app
        .client
        .post(
            &path,
            &[
                ("password", "yet-another-password"),
                ("confirm_password", "yet-another-password"),
            ],
        )
        .await;
    assert_eq!(
        text_of(&reuse.text().await.unwrap(), "h1"),
        "This link has expired or has already been used"
    );
    let user = user_by_email(&app, "reset@example.org").await.unwrap();
    assert!(
        spectra::auth::password::verify(
            &spectra::auth::password::HashGate::for_tools(),
            new_password.into(),
            Some(user.password_hash)
        )
        .await
        .unwrap()
    );

    // The other device was signed out; the new password works.
    assert_eq!(other_device.get("/account").await.status().as_u16(), 303);
    app.client.sign_in("reset@example.org", new_password).await;
}

#[tokio::test]
async fn an_expired_reset_link_is_refused() {
    let app = spawn_app().await;
    app.create_user("late@example.org", &[Role::Applicant], None)
        .await;
    app.client
        .post("/forgot-password", &[("email", "late@example.org")])
        .await;
    let email = app
        .wait_for_email("late@example.org", "Reset your password")
        .await;
    let path = email
        .link(&app.base)
        .trim_start_matches(&app.base)
        .to_owned();
    user_token::Entity::update_many()
        .col_expr(
            user_token::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(spectra::db::now() - time::Duration::minutes(1)),
        )
        .exec(&app.db)
        .await
        .unwrap();

    let (_, body) = app.client.page(&path).await;
    let response = app
        .client
        .post(
            &path,
            &[
                ("password", "a-brand-new-password"),
                ("confirm_password", "a-brand-new-password"),
            ],
        )
        .await;

    assert_eq!(
        text_of(&body, "h1"),
        "This link has expired or has already been used"
    );
    assert_eq!(
        text_of(&response.text().await.unwrap(), "h1"),
        "This link has expired or has already been used"
    );
    let user = user_by_email(&app, "late@example.org").await.unwrap();
    assert!(
        spectra::auth::password::verify(
            &spectra::auth::password::HashGate::for_tools(),
            PASSWORD.into(),
            Some(user.password_hash)
        )
        .await
        .unwrap()
    );
}

#[tokio::test]
async fn reset_requests_for_unknown_addresses_look_the_same_and_send_nothing() {
    let app = spawn_app().await;

    let response = app
        .client
        .post("/forgot-password", &[("email", "ghost@example.org")])
        .await;

    assert_eq!(location(&response), "/forgot-password/sent");
    assert_eq!(app.count("outbox_messages").await, 0);
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions_but_keeps_this_one() {
    let app = spawn_app().await;
    app.create_user("change@example.org", &[Role::Applicant], None)
        .await;
    app.client.sign_in("change@example.org", PASSWORD).await;
    let other = app.new_client();
    other.sign_in("change@example.org", PASSWORD).await;

    let wrong = app
        .client
        .post(
            "/account/password",
            &[
                ("current_password", "not-it-at-all"),
                ("password", "a-brand-new-password"),
                ("confirm_password", "a-brand-new-password"),
            ],
        )
        .await;
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("Your current password is not correct")
    );

    let response = app
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

    assert_eq!(location(&response), "/account");
    let (status, body) = app.client.page("/account").await;
    assert_eq!(status, 200);
    assert!(body.contains("Your password has been changed"));
    assert_eq!(
        other.get("/account").await.status().as_u16(),
        303,
        "the other session ended"
    );
    app.wait_for_email("change@example.org", "Your password has been changed")
        .await;
    let user = user_by_email(&app, "change@example.org").await.unwrap();
    let sessions: i64 = app
        .count(&format!("sessions WHERE user_id = {}", user.id))
        .await;
    assert_eq!(sessions, 1);
}

#[tokio::test]
async fn an_admin_invites_a_hiring_manager_who_sets_their_own_password() {
    let app = spawn_app().await;
    let org = app.create_organisation("Alder Hey Children's NHS FT").await;
    app.create_user("admin@example.org", &[Role::Admin], None)
        .await;
    app.client.sign_in("admin@example.org", PASSWORD).await;

    let response = app
        .client
        .post(
            "/admin/invitations",
            &[
                ("full_name", "Hana Manager"),
                ("email", "hana@nhs.example"),
                ("roles", "hiring_manager"),
                ("organisation", &org.to_string()),
            ],
        )
        .await;
    assert_eq!(location(&response), "/admin/invitations");
    let (_, body) = app.client.page("/admin/invitations").await;
    assert!(body.contains("Invitation sent to hana@nhs.example"));
    assert!(body.contains("hana@nhs.example"));

    let email = app
        .wait_for_email("hana@nhs.example", "You have been invited")
        .await;
    assert!(email.text.contains("Alder Hey Children's NHS FT"));
    let path = email
        .link(&format!("{}/invitation/", app.base))
        .trim_start_matches(&app.base)
        .to_owned();

    let invitee = app.new_client();
    let (_, body) = invitee.page(&path).await;
    assert_eq!(text_of(&body, "h1"), "Create your account");
    let mismatch = invitee
        .post(
            &path,
            &[
                ("password", "hana-secret-words"),
                ("confirm_password", "different-words"),
            ],
        )
        .await;
    assert!(
        mismatch
            .text()
            .await
            .unwrap()
            .contains("The passwords do not match")
    );
    assert_eq!(app.count("users").await, 1, "nothing stored on a bad form");
    let response = invitee
        .post(
            &path,
            &[
                ("password", "hana-secret-words"),
                ("confirm_password", "hana-secret-words"),
            ],
        )
        .await;
    // They land on their home, told the account was made.
    assert_eq!(location(&response), "/manage");
    let (_, body) = invitee.page("/manage").await;
    assert_eq!(
        text_of(
            &body,
            ".nhsuk-notification-banner--success .nhsuk-notification-banner__heading"
        ),
        "Your account has been created."
    );

    let (_, body) = invitee.page("/account").await;
    assert!(
        body.contains("Hana Manager")
            && body.contains("Hiring manager")
            && body.contains("Alder Hey")
    );
    let hana = user_by_email(&app, "hana@nhs.example").await.unwrap();
    assert_eq!(hana.organisation_id, Some(org));
    assert!(hana.email_verified_at.is_some());

    // The link is spent.
    let (_, body) = app.new_client().page(&path).await;
    assert_eq!(
        text_of(&body, "h1"),
        "This invitation has already been used"
    );
}

#[tokio::test]
async fn invitation_form_errors_are_per_field() {
    let app = spawn_app().await;
    app.create_user("admin@example.org", &[Role::Admin], None)
        .await;
    app.client.sign_in("admin@example.org", PASSWORD).await;

    let response = app
        .client
        .post(
            "/admin/invitations",
            &[
                ("full_name", ""),
                ("email", "admin@example.org"),
                ("roles", "hiring_manager"),
            ],
        )
        .await;
    let body = response.text().await.unwrap();

    assert!(
        body.contains("<a href=\"#full_name\">Enter the person&#39;s full name</a>")
            || body.contains("<a href=\"#full_name\">Enter the person&#x27;s full name</a>"),
        "{}",
        text_of(&body, ".nhsuk-error-summary")
    );
    assert!(body.contains("An account with this email address already exists"));
    assert!(body.contains("Choose the organisation this hiring manager works for"));
    assert_eq!(app.count("invitations").await, 0);
    assert_eq!(app.count("outbox_messages").await, 0);
}

#[tokio::test]
async fn a_deactivated_account_cannot_sign_in_and_its_sessions_end() {
    let app = spawn_app().await;
    app.create_user("admin@example.org", &[Role::Admin], None)
        .await;
    let target = app
        .create_user("leaver@example.org", &[Role::Applicant], None)
        .await;
    let leaver = app.new_client();
    leaver.sign_in("leaver@example.org", PASSWORD).await;
    app.client.sign_in("admin@example.org", PASSWORD).await;

    let response = app
        .client
        .post(&format!("/admin/users/{target}/deactivate"), &[])
        .await;

    assert_eq!(location(&response), format!("/admin/users/{target}"));
    assert_eq!(leaver.get("/account").await.status().as_u16(), 303);
    let again = leaver
        .post(
            "/login",
            &[("email", "leaver@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("The email address or password is not correct")
    );
    let audit = app
        .count("audit_events WHERE action = 'account_deactivated'")
        .await;
    assert_eq!(audit, 1);
}

#[tokio::test]
async fn every_demo_account_can_sign_in() {
    let app = spawn_app().await;
    spectra::seed::demo::load(&app.db, spectra::seed::demo::DEFAULT_PASSWORD)
        .await
        .unwrap();
    spectra::seed::demo::load(&app.db, spectra::seed::demo::DEFAULT_PASSWORD)
        .await
        .unwrap(); // loading twice is harmless

    assert_eq!(app.count("organisations").await, 8);
    // The demo accounts, and the demo-only accounts of its history, whom nobody signs in as.
    assert_eq!(
        app.count("users").await,
        i64::try_from(
            spectra::seed::demo::ACCOUNTS.len() + spectra::seed::demo::demo_only_accounts()
        )
        .unwrap()
    );
    let declares = |email: &'static str| {
        let db = app.db.clone();
        async move {
            let user = spectra::db::users::find_by_email(&db, email)
                .await
                .unwrap()
                .unwrap();
            spectra::db::applicant_profiles::declares_care_experience(&db, user.id)
                .await
                .unwrap()
        }
    };
    assert!(declares("applicant@example.org").await);
    assert!(!declares("applicant2@example.org").await);
    for account in &spectra::seed::demo::ACCOUNTS {
        let client = app.new_client();
        client
            .sign_in(account.email, spectra::seed::demo::DEFAULT_PASSWORD)
            .await;
        let (status, body) = client.page("/account").await;
        assert_eq!(status, 200, "{}", account.email);
        for role in account.roles {
            assert!(
                body.contains(role.label()),
                "{} shows {}",
                account.email,
                role.label()
            );
        }
        if let Some(organisation) = account.organisation {
            assert!(
                body.contains(&organisation.replace('\'', "&#39;"))
                    || body.contains(&organisation.replace('\'', "&#x27;")),
                "{} shows {organisation}",
                account.email
            );
        }
    }
}

#[tokio::test]
async fn changing_the_password_makes_earlier_reset_links_unusable() {
    let app = spawn_app().await;
    app.create_user("change@example.org", &[Role::Applicant], None)
        .await;
    app.new_client()
        .post("/forgot-password", &[("email", "change@example.org")])
        .await;
    let email = app
        .wait_for_email("change@example.org", "Reset your password")
        .await;
    let path = email
        .link(&format!("{}/reset-password/", app.base))
        .trim_start_matches(&app.base)
        .to_owned();

    app.client.sign_in("change@example.org", PASSWORD).await;
    let response = app
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
    assert_eq!(location(&response), "/account");

    let someone = app.new_client();
    let (_, page) = someone.page(&path).await;
    let used = someone
        .post(
            &path,
            &[
                ("password", "the-attackers-choice"),
                ("confirm_password", "the-attackers-choice"),
            ],
        )
        .await;

    assert_eq!(
        text_of(&page, "h1"),
        "This link has expired or has already been used"
    );
    assert_eq!(
        text_of(&used.text().await.unwrap(), "h1"),
        "This link has expired or has already been used"
    );
    let user = user_by_email(&app, "change@example.org").await.unwrap();
    assert!(
        spectra::auth::password::verify(
            &spectra::auth::password::HashGate::for_tools(),
            "a-brand-new-password".into(),
            Some(user.password_hash)
        )
        .await
        .unwrap()
    );
}

/// An app behind a proxy on 127.0.0.1, so each request can come from a client of its own.
async fn spawn_behind_proxy() -> crate::helpers::TestApp {
    crate::helpers::spawn_app_with(|c| {
        c.trusted_proxies =
            spectra::domain::client_address::TrustedProxies::parse("127.0.0.1, ::1").unwrap();
    })
    .await
}

/// POSTs `fields` to `path` with `token`, as forwarded for `client`.
async fn post_from(
    app: &crate::helpers::TestApp,
    token: &str,
    client: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    form.push(("csrf_token", token));
    app.client
        .http
        .post(format!("{}{path}", app.base))
        .header("x-forwarded-for", client)
        .form(&form)
        .send()
        .await
        .unwrap()
}

/// Waits until the mail worker has sent everything queued, then returns the emails to `to`.
async fn sent_to(app: &crate::helpers::TestApp, to: &str) -> Vec<crate::helpers::SentEmail> {
    app.outbox_drained().await;
    app.emails().into_iter().filter(|e| e.to == to).collect()
}

#[tokio::test]
async fn a_hundred_reset_requests_for_one_address_send_three_emails() {
    let app = spawn_behind_proxy().await;
    app.create_user("victim@example.org", &[Role::Applicant], None)
        .await;
    let token = app.client.csrf().await;

    // Act: a hundred requests at once, each from a different client address.
    let mut requests = tokio::task::JoinSet::new();
    for i in 0..100 {
        let (app_client, token) = (app.client.clone(), token.clone());
        let base = app.base.clone();
        requests.spawn(async move {
            let response = app_client
                .http
                .post(format!("{base}/forgot-password"))
                .header("x-forwarded-for", format!("198.51.100.{i}"))
                .form(&[("email", "victim@example.org"), ("csrf_token", &token)])
                .send()
                .await
                .unwrap();
            (response.status().as_u16(), location(&response))
        });
    }
    let answers = requests.join_all().await;

    // Assert: every one sees the same page; three emails went.
    assert!(
        answers
            .iter()
            .all(|a| *a == (303, "/forgot-password/sent".to_owned())),
        "{answers:?}"
    );
    let sent = sent_to(&app, "victim@example.org").await;
    assert_eq!(sent.len(), 3);
    assert!(sent.iter().all(|e| e.subject == "Reset your password"));
    assert_eq!(app.count("user_tokens").await, 3);
}

#[tokio::test]
async fn registering_and_resending_are_limited_per_address_too() {
    let app = spawn_behind_proxy().await;
    app.create_user("taken@example.org", &[Role::Applicant], None)
        .await;
    let token = app.client.csrf().await;
    let register = |email: &'static str| {
        [
            ("full_name", "Someone Else"),
            ("email", email),
            ("password", "another-good-password"),
            ("confirm_password", "another-good-password"),
        ]
    };

    // A taken address, registered ten times from ten clients.
    let mut pages = Vec::new();
    for i in 0..10 {
        let r = post_from(
            &app,
            &token,
            &format!("203.0.113.{i}"),
            "/register",
            &register("taken@example.org"),
        )
        .await;
        pages.push(location(&r));
    }
    // A new address, registered once, then the link asked for again ten times.
    let r = post_from(
        &app,
        &token,
        "203.0.113.50",
        "/register",
        &register("new@example.org"),
    )
    .await;
    pages.push(location(&r));
    let mut resent = Vec::new();
    for i in 0..10 {
        let r = post_from(
            &app,
            &token,
            &format!("203.0.113.{}", 100 + i),
            "/verify-email/resend",
            &[("email", "new@example.org")],
        )
        .await;
        assert_eq!(r.status().as_u16(), 200);
        resent.push(text_of(&r.text().await.unwrap(), "main"));
    }

    assert!(
        pages.iter().all(|p| p == "/register/check-email"),
        "{pages:?}"
    );
    assert!(
        resent.iter().all(|p| *p == resent[0]),
        "the same page every time"
    );
    let taken = sent_to(&app, "taken@example.org").await;
    assert_eq!(taken.len(), 3);
    assert!(
        taken
            .iter()
            .all(|e| e.subject == "You already have an account")
    );
    let new = sent_to(&app, "new@example.org").await;
    assert_eq!(new.len(), 3, "the first link and two more");
    assert!(
        new.iter()
            .all(|e| e.subject == "Confirm your email address")
    );
    assert_eq!(app.count("users").await, 2);
}

#[tokio::test]
async fn one_client_address_may_ask_for_twenty_emails_an_hour() {
    let app = spawn_behind_proxy().await;
    app.create_user("real@example.org", &[Role::Applicant], None)
        .await;
    let token = app.client.csrf().await;

    // Arrange: one client asks twenty times, for addresses that have no account.
    for i in 0..20 {
        let r = post_from(
            &app,
            &token,
            "192.0.2.10",
            "/forgot-password",
            &[("email", &format!("nobody{i}@example.org"))],
        )
        .await;
        assert_eq!(location(&r), "/forgot-password/sent");
    }

    // Act: its twenty-first request is for a real account; another client's is too.
    let limited = post_from(
        &app,
        &token,
        "192.0.2.10",
        "/forgot-password",
        &[("email", "real@example.org")],
    )
    .await;
    let other = post_from(
        &app,
        &token,
        "192.0.2.11",
        "/forgot-password",
        &[("email", "real@example.org")],
    )
    .await;

    // Assert: both see the same page; only the other client's request sent an email.
    assert_eq!(location(&limited), "/forgot-password/sent");
    assert_eq!(location(&other), "/forgot-password/sent");
    assert_eq!(sent_to(&app, "real@example.org").await.len(), 1);
}

#[tokio::test]
async fn the_reset_use_case_says_why_an_email_was_not_sent() {
    use spectra::services::accounts::{NotSent, request_password_reset};
    let app = spawn_app().await;
    app.create_user("known@example.org", &[Role::Applicant], None)
        .await;
    let config = spectra::config::Config::from_lookup(|_| None).unwrap();
    let known = spectra::domain::EmailAddress::parse("known@example.org").unwrap();
    let unknown = spectra::domain::EmailAddress::parse("ghost@example.org").unwrap();
    let client = |n: u8| std::net::IpAddr::from([192, 0, 2, n]);

    let mut outcomes = Vec::new();
    for n in 0..4 {
        outcomes.push(
            request_password_reset(&app.db, &config, client(n), &known)
                .await
                .unwrap(),
        );
    }
    outcomes.push(
        request_password_reset(&app.db, &config, client(9), &unknown)
            .await
            .unwrap(),
    );
    for _ in 0..20 {
        request_password_reset(&app.db, &config, client(10), &unknown)
            .await
            .unwrap()
            .unwrap_err();
    }
    outcomes.push(
        request_password_reset(&app.db, &config, client(10), &unknown)
            .await
            .unwrap(),
    );

    assert_eq!(
        outcomes,
        [
            Ok(()),
            Ok(()),
            Ok(()),
            Err(NotSent::TooManyToAddress),
            Err(NotSent::NothingToSend),
            Err(NotSent::TooManyFromClient),
        ]
    );
    assert_eq!(app.count("user_tokens").await, 3);
    assert_eq!(
        app.count("outbox_messages WHERE kind = 'reset_password'")
            .await,
        3
    );
}

#[tokio::test]
async fn the_demo_has_years_of_hires_every_stage_and_a_guaranteed_interview_breach() {
    use std::collections::{HashMap, HashSet};

    use spectra::domain::application::Stage;
    use spectra::domain::employment::{LEAVING_REASONS, OVERDUE_AFTER_DAYS};
    use spectra::entities::{
        application, application_stage_change, employment_checkpoint, employment_record,
        final_score, offer, offer_check, vacancy, vacancy_criterion,
    };

    let app = spawn_app().await;
    spectra::seed::demo::load(&app.db, spectra::seed::demo::DEFAULT_PASSWORD)
        .await
        .unwrap();
    let tables = [
        "users",
        "vacancies",
        "applications",
        "application_stage_changes",
        "offers",
        "offer_checks",
        "employment_records",
        "employment_checkpoints",
        "final_scores",
        "shortlist_decisions",
        "interview_bookings",
    ];
    let mut before = Vec::new();
    for table in tables {
        before.push(app.count(table).await);
    }
    spectra::seed::demo::load(&app.db, spectra::seed::demo::DEFAULT_PASSWORD)
        .await
        .unwrap();
    for (table, n) in tables.into_iter().zip(before) {
        assert_eq!(app.count(table).await, n, "loading twice adds no {table}");
    }
    assert_eq!(
        app.count("users").await,
        i64::try_from(
            spectra::seed::demo::ACCOUNTS.len() + spectra::seed::demo::demo_only_accounts()
        )
        .unwrap()
    );

    let today = spectra::domain::london_time::from_utc(spectra::db::now()).date();
    let day = time::Duration::days;
    let records = employment_record::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    let checkpoints = employment_checkpoint::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    let applications = application::Entity::find().all(&app.db).await.unwrap();
    let offers: HashMap<i32, offer::Model> = offer::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|o| (o.application_id, o))
        .collect();
    let checks = offer_check::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(
        records.len(),
        spectra::seed::demo::demo_employment_records()
    );

    // Both routes: SPECTRA hires, and existing staff from ESR with assignment numbers.
    let esr: Vec<&employment_record::Model> = records
        .iter()
        .filter(|r| r.route.as_str() == "esr")
        .collect();
    assert_eq!(esr.len(), 8);
    for r in &esr {
        let number = r.assignment_number.as_deref().unwrap();
        assert!(
            number.len() == 10
                && number[..8].bytes().all(|b| b.is_ascii_digit())
                && &number[8..9] == "-",
            "{number}"
        );
    }
    assert!(
        records
            .iter()
            .filter(|r| r.route.as_str() == "spectra")
            .count()
            >= 30
    );
    // Hires over about four years, the latest a month ago, across every organisation.
    let earliest = records.iter().map(|r| r.start_date).min().unwrap();
    assert!(earliest < today - day(3 * 365), "{earliest}");
    assert!(records.iter().any(|r| r.start_date > today - day(60)));
    let organisations: HashSet<i32> = records.iter().map(|r| r.organisation_id).collect();
    assert_eq!(organisations.len(), 8);
    assert!(records.iter().any(|r| r.apprenticeship));
    assert!(records.iter().any(|r| r.programme_id.is_some()));
    assert!(
        records
            .iter()
            .any(|r| r.route.as_str() == "spectra" && r.programme_id.is_none())
    );
    for r in &records {
        assert!(
            spectra::domain::employment::parse_staff_group(&r.staff_group).is_some(),
            "{r:?}"
        );
    }

    // Leavers with ESR reasons, and movers to a named NHS organisation: their checkpoint
    // records it and the later ones close.
    let codes: Vec<&str> = LEAVING_REASONS.iter().map(|r| r.code).collect();
    let left: Vec<_> = records
        .iter()
        .filter(|r| r.end_kind.map(|v| v.as_str()) == Some("left"))
        .collect();
    let moved: Vec<_> = records
        .iter()
        .filter(|r| r.end_kind.map(|v| v.as_str()) == Some("moved"))
        .collect();
    assert!(
        left.len() >= 5 && moved.len() >= 2,
        "{} {}",
        left.len(),
        moved.len()
    );
    for r in left.iter().chain(&moved) {
        let end = r.end_date.unwrap();
        assert!(end >= r.start_date);
        assert!(
            codes.contains(&r.leaving_reason.as_deref().unwrap()),
            "{r:?}"
        );
        let mut after: Vec<&employment_checkpoint::Model> = checkpoints
            .iter()
            .filter(|c| c.employment_record_id == r.id && c.due_on >= end)
            .collect();
        after.sort_by_key(|c| c.months);
        if let Some((first, rest)) = after.split_first() {
            assert_eq!(
                first.outcome.map(|v| v.as_str()),
                r.end_kind.map(|v| v.as_str()),
                "{r:?}"
            );
            assert!(
                rest.iter()
                    .all(|c| c.outcome.map(|v| v.as_str()) == Some("closed"))
            );
        }
    }
    assert!(
        moved
            .iter()
            .all(|r| r.moved_to.as_deref().is_some_and(|m| m.contains("NHS")))
    );
    assert!(
        checkpoints
            .iter()
            .any(|c| c.outcome.map(|v| v.as_str()) == Some("in_post"))
    );

    // Checkpoints overdue (a few by more than 14 days) and one due this week.
    let unrecorded: Vec<_> = checkpoints.iter().filter(|c| c.outcome.is_none()).collect();
    let overdue = unrecorded.iter().filter(|c| c.due_on < today).count();
    let long_overdue = unrecorded
        .iter()
        .filter(|c| c.due_on < today - day(OVERDUE_AFTER_DAYS))
        .count();
    assert!(
        overdue > long_overdue && long_overdue >= 3,
        "{overdue} {long_overdue}"
    );
    assert!(
        unrecorded
            .iter()
            .any(|c| c.due_on >= today && c.due_on <= today + day(7))
    );

    // Applications at every stage.
    let stages: HashSet<&str> = applications.iter().map(|a| a.stage.as_str()).collect();
    for stage in Stage::ALL {
        assert!(
            stages.contains(stage.as_str()),
            "no application at {stage:?}"
        );
    }
    // Every hire has an accepted offer, with every check verified, and an employment record
    // starting on the agreed date; every SPECTRA record is a hire's.
    for a in applications
        .iter()
        .filter(|a| a.stage.as_str() == "started")
    {
        let offer = &offers[&a.id];
        assert_eq!(offer.status.as_str(), "accepted");
        let mine: Vec<_> = checks.iter().filter(|c| c.application_id == a.id).collect();
        assert!(mine.len() >= 6 && mine.iter().all(|c| c.status.as_str() == "verified"));
        let record = records
            .iter()
            .find(|r| r.application_id == Some(a.id))
            .unwrap();
        assert_eq!(Some(record.start_date), offer.start_date);
        assert_eq!(record.user_id, Some(a.applicant_id));
    }
    let started: HashSet<i32> = applications
        .iter()
        .filter(|a| a.stage.as_str() == "started")
        .map(|a| a.id)
        .collect();
    for r in records.iter().filter(|r| r.route.as_str() == "spectra") {
        assert!(started.contains(&r.application_id.unwrap()), "{r:?}");
    }
    assert!(
        applications
            .iter()
            .filter(|a| a.stage.as_str() == "conditional_offer")
            .all(|a| offers[&a.id].status.as_str() == "accepted"
                && checks
                    .iter()
                    .any(|c| c.application_id == a.id && c.status.as_str() != "verified"))
    );

    // The guaranteed interview: some in the scheme were interviewed, and two who qualified
    // (in the scheme, every essential criterion scored 2 or more) were never interviewed.
    let changes = application_stage_change::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    let interviewed: HashSet<i32> = changes
        .iter()
        .filter(|c| c.to_stage.as_str() == "interviewed")
        .map(|c| c.application_id)
        .collect();
    let essential: HashSet<i32> = vacancy_criterion::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.essential)
        .map(|c| c.id)
        .collect();
    let finals = final_score::Entity::find().all(&app.db).await.unwrap();
    let qualifying: Vec<&application::Model> = applications
        .iter()
        .filter(|a| a.guaranteed_interview == Some(true))
        .filter(|a| {
            let mine: Vec<_> = finals
                .iter()
                .filter(|f| f.application_id == a.id && essential.contains(&f.criterion_id))
                .collect();
            !mine.is_empty() && mine.iter().all(|f| f.score >= 2)
        })
        .collect();
    assert!(
        qualifying
            .iter()
            .filter(|a| interviewed.contains(&a.id))
            .count()
            >= 10
    );
    let breaches: Vec<&str> = qualifying
        .iter()
        .filter(|a| !interviewed.contains(&a.id))
        .map(|a| a.stage.as_str())
        .collect();
    let mut sorted = breaches.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, ["not_shortlisted", "unsuccessful"], "{breaches:?}");

    // The hiring manager sees the offers in progress and the checks of the conditional one.
    let hcsw = vacancy::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|v| {
            v.title == "Healthcare support worker" && v.closes_at > spectra::db::now() - day(60)
        })
        .unwrap();
    let manager = app.new_client();
    manager
        .sign_in(
            "manager.luhft@example.org",
            spectra::seed::demo::DEFAULT_PASSWORD,
        )
        .await;
    let (status, body) = manager
        .page(&format!("/shortlisting/{}/offers", hcsw.id))
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Received"), "{body}");
}

#[tokio::test]
async fn signing_in_lands_each_demo_role_on_its_home() {
    // Arrange
    let app = spawn_app().await;
    spectra::seed::demo::load(&app.db, spectra::seed::demo::DEFAULT_PASSWORD)
        .await
        .unwrap();
    let homes = [
        ("admin@example.org", "/admin/users"),
        ("champion@example.org", "/champion"),
        ("coordinator@example.org", "/mentoring/coordinator"),
        ("manager.alderhey@example.org", "/manage"),
        ("manager2.alderhey@example.org", "/manage"),
        ("manager.luhft@example.org", "/manage"),
        ("applicant@example.org", "/applications"),
        ("applicant2@example.org", "/applications"),
        ("mentor@example.org", "/mentoring/mine"),
        ("mentee@example.org", "/mentoring/mine"),
    ];
    assert_eq!(homes.len(), spectra::seed::demo::ACCOUNTS.len());

    for (email, home) in homes {
        // Act: sign in without asking for a page.
        let client = app.new_client();
        let response = client
            .post(
                "/login",
                &[
                    ("email", email),
                    ("password", spectra::seed::demo::DEFAULT_PASSWORD),
                ],
            )
            .await;

        // Assert: they land on their home, which they may open; the sign-in page sends them
        // there too, and "Your account" leads back to it.
        assert_eq!(response.status().as_u16(), 303, "{email}");
        assert_eq!(location(&response), home, "{email}");
        assert_eq!(client.get(home).await.status().as_u16(), 200, "{email}");
        assert_eq!(location(&client.get("/login").await), home, "{email}");
        let (_, account) = client.page("/account").await;
        assert!(
            account.contains(&format!("class=\"nhsuk-button\" href=\"{home}\"")),
            "{email}: Your account links to {home}"
        );
    }

    // A page asked for still wins over the home.
    let client = app.new_client();
    let response = client
        .post(
            "/login",
            &[
                ("email", "manager.alderhey@example.org"),
                ("password", spectra::seed::demo::DEFAULT_PASSWORD),
                ("next", "/manage/employees"),
            ],
        )
        .await;
    assert_eq!(location(&response), "/manage/employees");
    assert_eq!(
        location(&client.get("/login?next=%2Faccount").await),
        "/account"
    );
}

#[tokio::test]
async fn your_account_is_in_plain_words_with_a_way_on() {
    let app = spawn_app().await;
    let org = app.create_organisation("Our Trust").await;
    app.create_user(
        "both@nhs.net",
        &[Role::HiringManager, Role::Admin],
        Some(org),
    )
    .await;
    app.client.sign_in("both@nhs.net", PASSWORD).await;

    let (status, body) = app.client.page("/account").await;

    assert_eq!(status, 200);
    assert_eq!(
        text_of(&body, "main .nhsuk-button"),
        "Go to your vacancies and what is waiting"
    );
    assert!(body.contains("href=\"/account/password\""));
    assert!(body.contains("Our Trust"));
    assert!(
        body.contains("Invite staff, change people&#39;s roles")
            || body.contains("Invite staff, change people&#x27;s roles")
    );
    assert!(body.contains("score applications without seeing names"));
}

#[tokio::test]
async fn the_home_page_and_the_footer_lead_to_the_mentoring_sign_up() {
    let app = spawn_app().await;

    let (_, home) = app.client.page("/").await;
    let (_, vacancies) = app.client.page("/vacancies").await;
    let (_, about) = app.client.page("/mentoring").await;

    assert!(
        text_of(&home, "main a[href='/mentoring']").contains("mentoring"),
        "the home page's mentoring section links to it"
    );
    for page in [&home, &vacancies] {
        assert!(
            !text_of(page, "footer a[href='/mentoring']").is_empty(),
            "the footer links to mentoring"
        );
    }
    assert!(about.contains("href=\"/mentoring/sign-up\""));
}

#[tokio::test]
async fn a_success_is_shown_as_success_and_nothing_else_is() {
    // Arrange: an account whose email is not confirmed yet.
    let app = spawn_app().await;
    app.client
        .post(
            "/register",
            &[
                ("full_name", "Jo Bloggs"),
                ("email", "jo@example.org"),
                ("password", PASSWORD),
                ("confirm_password", PASSWORD),
            ],
        )
        .await;
    let path = app
        .wait_for_email("jo@example.org", "Confirm your email address")
        .await
        .link(&format!("{}/verify-email/", app.base))
        .trim_start_matches(&app.base)
        .to_owned();

    // Act: confirm it.
    app.client.post(&path, &[]).await;
    let (_, body) = app.client.page("/login").await;

    // Assert: the confirmation is a success, in the Success banner, shown once.
    assert_eq!(
        text_of(
            &body,
            ".nhsuk-notification-banner--success .nhsuk-notification-banner__title"
        ),
        "Success"
    );
    assert_eq!(
        text_of(
            &body,
            ".nhsuk-notification-banner--success .nhsuk-notification-banner__heading"
        ),
        "Your email address is confirmed. You can now sign in."
    );
    let (_, again) = app.client.page("/login").await;
    assert!(!again.contains("nhsuk-notification-banner"));
    // The instructions to check email are the page itself, not a Success banner.
    let (_, check) = app.new_client().page("/register/check-email").await;
    assert!(!check.contains("nhsuk-notification-banner"));
    assert!(
        user_by_email(&app, "jo@example.org")
            .await
            .unwrap()
            .email_verified_at
            .is_some()
    );
}
