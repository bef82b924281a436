//! Probes, static assets, headers and error pages.

use crate::helpers::{spawn_app, text_of};

#[tokio::test]
async fn healthz_and_readyz_answer() {
    let app = spawn_app().await;

    let (status, body) = app.client.page("/healthz").await;
    assert_eq!((status, body.as_str()), (200, "ok"));
    let (status, body) = app.client.page("/readyz").await;
    assert_eq!((status, body.as_str()), (200, "ready"));
}

#[tokio::test]
async fn readyz_reports_a_lost_database() {
    let app = spawn_app().await;
    // The test shares the app's pool: closing it is the database going away.
    app.db.clone().close().await.unwrap();

    let (status, body) = app.client.page("/readyz").await;
    let (alive, _) = app.client.page("/healthz").await;

    assert_eq!((status, body.as_str()), (503, "database unavailable"));
    assert_eq!(alive, 200, "the process itself is still alive");
}

#[tokio::test]
async fn home_page_explains_the_service_to_each_kind_of_user() {
    let app = spawn_app().await;

    let (status, body) = app.client.page("/").await;

    assert_eq!(status, 200);
    assert_eq!(text_of(&body, "h1"), "NHS careers for care leavers");
    for heading in [
        "If you have been in care",
        "If you hire staff",
        "If you are a medical student who has been in care",
        "If you are a mentor",
        "If you are the Executive Champion for Care Leavers",
    ] {
        assert!(body.contains(heading), "missing section {heading}");
    }
    assert!(body.contains("Skip to main content"));
    assert!(body.contains("nhsuk-header__service-name"));
    assert!(body.contains("This is a new service"));
    assert!(body.contains("nhsuk-footer"));
    assert!(
        !body.contains("made-up demo data"),
        "no demo banner outside demo mode"
    );
}

#[tokio::test]
async fn demo_mode_shows_the_demo_banner_on_every_page() {
    let app = crate::helpers::spawn_app_with(|c| c.demo = true).await;

    for path in ["/", "/login", "/register", "/does-not-exist"] {
        let (_, body) = app.client.page(path).await;
        assert!(
            body.contains("Everything on this site is made-up demo data"),
            "{path} lacks the banner"
        );
    }
}

#[tokio::test]
async fn pages_carry_security_headers() {
    let app = spawn_app().await;

    let response = app.client.get("/login").await;
    let h = response.headers();

    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(h["cache-control"], "no-store");
    assert!(h.contains_key("x-request-id"));
    assert!(
        !h.contains_key("strict-transport-security"),
        "no HSTS over plain http"
    );
}

#[tokio::test]
async fn https_base_url_adds_hsts_and_secure_cookies() {
    let app = crate::helpers::spawn_app_with(|c| {
        c.base_url = "https://spectra.example.nhs.uk".parse().unwrap()
    })
    .await;

    let response = app.client.get("/login").await;

    assert!(
        response.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .starts_with("max-age=")
    );
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn session_cookie_is_http_only_and_same_site_lax() {
    let app = spawn_app().await;

    let response = app.client.get("/login").await;
    let cookie = response.headers()["set-cookie"].to_str().unwrap();

    assert!(cookie.starts_with("spectra_session="));
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Lax"));
    assert!(
        !cookie.contains("Secure"),
        "not Secure over plain http, or the browser drops it"
    );
}

#[tokio::test]
async fn static_assets_are_versioned_and_cached_for_a_year() {
    let app = spawn_app().await;
    let (_, body) = app.client.page("/").await;
    let css = body
        .split('"')
        .find(|s| s.starts_with("/static/") && s.ends_with("/nhsuk-frontend.min.css"))
        .expect("stylesheet link")
        .to_owned();

    let response = app.client.get(&css).await;

    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    let stylesheet = response.text().await.unwrap();
    let prefix = css.trim_end_matches("/nhsuk-frontend.min.css");
    assert!(
        stylesheet.contains(&format!("url({prefix}/assets/images/")),
        "images point at versioned copies"
    );
    assert!(!stylesheet.contains("url(/assets/"));

    let stale = app
        .client
        .get("/static/000000000000/nhsuk-frontend.min.css")
        .await;
    assert_eq!(stale.status().as_u16(), 404);
}

#[tokio::test]
async fn unknown_pages_get_a_friendly_404() {
    let app = spawn_app().await;

    let (status, body) = app.client.page("/no/such/page").await;

    assert_eq!(status, 404);
    assert_eq!(text_of(&body, "h1"), "Page not found");
    assert!(
        body.contains("nhsuk-header"),
        "the error page has the site frame"
    );
}

#[tokio::test]
async fn graceful_stop_finishes() {
    let mut app = spawn_app().await;
    let (status, _) = app.client.page("/healthz").await;
    assert_eq!(status, 200);

    app.stop().await;

    assert!(
        app.client
            .http
            .get(format!("{}/healthz", app.base))
            .send()
            .await
            .is_err(),
        "no longer listening"
    );
}

#[tokio::test]
async fn a_server_error_shows_a_friendly_page_that_reveals_nothing() {
    let app = spawn_app().await;
    app.client.csrf().await; // the browser holds a session
    app.db.clone().close().await.unwrap(); // then the database goes away

    let (status, body) = app.client.page("/login").await;

    assert_eq!(status, 500);
    assert_eq!(
        text_of(&body, "h1"),
        "Sorry, there is a problem with the service"
    );
    assert!(
        body.contains("nhsuk-header"),
        "the error page has the site frame"
    );
    for leak in ["pool", "sqlx", "Sqlite", "Postgres", "closed", "DbErr"] {
        assert!(!body.contains(leak), "the page reveals {leak}");
    }
}

#[tokio::test]
async fn malformed_requests_get_a_friendly_page() {
    let app = spawn_app().await;
    let token = app.client.csrf().await;

    let response = app
        .client
        .http
        .post(format!("{}/login", app.base))
        .header("content-type", "application/json")
        .header("x-csrf-token", token)
        .body("{}")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status().as_u16(), 415);
    assert_eq!(
        text_of(&response.text().await.unwrap(), "h1"),
        "There is a problem with your request"
    );
}
