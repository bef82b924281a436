//! Browser tests: lists and records fit a narrow screen (WCAG 1.4.10 reflow), with axe-core.

use super::{Browser, demo_employment, keyboard_sign_in, spawn_app_with_demo};
use crate::require;

/// How wide the page is drawn, and how wide the window shows it, in CSS pixels.
async fn widths(browser: &Browser) -> (u64, u64) {
    let read = |script: &'static str| async move {
        browser
            .client
            .execute(script, vec![])
            .await
            .unwrap()
            .as_u64()
            .unwrap()
    };
    (
        read("return document.documentElement.scrollWidth;").await,
        read("return document.documentElement.clientWidth;").await,
    )
}

#[tokio::test]
async fn the_admin_lists_fit_a_320_px_screen() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app_with_demo().await;
    let browser = Browser::start().await;
    let b = &app.base;
    keyboard_sign_in(&browser, b, "admin@example.org").await;
    // A long address, as real NHS ones are, must wrap rather than widen the page.
    app.create_user(
        "a.very.long.name.for.a.coordinator@liverpoolft.nhs.uk",
        &[spectra::domain::Role::Coordinator],
        None,
    )
    .await;
    browser.client.set_window_size(320, 900).await.unwrap();

    for path in ["/admin/users", "/admin/invitations"] {
        browser.visit(&format!("{b}{path}")).await;
        let (width, viewport) = widths(&browser).await;
        assert!(viewport <= 320, "{path}: viewport {viewport}");
        assert!(width <= viewport, "{path} is {width} px wide at 320 px");
    }
    browser.close().await;
}

/// The record page's checkpoint table ("Recorded by Morgan Manager, 5 February 2026 at
/// 11:15am") was 16 px wider than a 375 px phone before it became a responsive table.
#[tokio::test]
async fn an_employment_record_fits_a_phone() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app_with_demo().await;
    let kyle = demo_employment(&app, "Kyle Brennan").await;
    let browser = Browser::start().await;
    let b = &app.base;
    keyboard_sign_in(&browser, b, "manager.alderhey@example.org").await;

    for size in [375, 320] {
        browser.client.set_window_size(size, 900).await.unwrap();
        for path in [
            "/manage/employees".to_owned(),
            format!("/manage/employees/{}", kyle.id),
            format!("/manage/employees/{}/correct", kyle.id),
        ] {
            browser.visit(&format!("{b}{path}")).await;
            assert!(browser.source().await.contains("Kyle Brennan"), "{path}");
            let (width, viewport) = widths(&browser).await;
            assert!(
                width <= viewport,
                "{path} is {width} px wide in a {viewport} px window ({size} px screen)"
            );
        }
    }
    browser.close().await;
}

/// The ESR page shows the expected header as one long line of code: it wraps, so the page
/// fits a phone (it was 1,091 px wide at 375 px).
#[tokio::test]
async fn the_esr_page_fits_a_phone() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app_with_demo().await;
    let browser = Browser::start().await;
    let b = &app.base;
    keyboard_sign_in(&browser, b, "champion@example.org").await;
    for size in [375, 1280] {
        browser.client.set_window_size(size, 900).await.unwrap();
        browser.visit(&format!("{b}/champion/esr")).await;
        assert!(
            browser
                .source()
                .await
                .contains("assignment_number,organisation_code")
        );
        let (width, viewport) = widths(&browser).await;
        assert!(
            width <= viewport,
            "/champion/esr is {width} px wide in a {viewport} px window ({size} px screen)"
        );
    }
    browser.close().await;
}
