//! Browser tests: admin lists fit a 320 px screen (WCAG 1.4.10 reflow), with axe-core.

use super::{Browser, keyboard_sign_in, spawn_app_with_demo};
use crate::require;

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
        let width = browser
            .client
            .execute("return document.documentElement.scrollWidth;", vec![])
            .await
            .unwrap()
            .as_u64()
            .unwrap();
        let viewport = browser
            .client
            .execute("return document.documentElement.clientWidth;", vec![])
            .await
            .unwrap()
            .as_u64()
            .unwrap();
        assert!(viewport <= 320, "{path}: viewport {viewport}");
        assert!(width <= 320, "{path} is {width} px wide at 320 px");
    }
    browser.close().await;
}
