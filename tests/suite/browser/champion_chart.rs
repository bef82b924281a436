//! The retention curve at 375 px and at 1280 px (issue 21, point 5): on a phone the taller
//! chart is shown, and its labels are drawn at least 12 px high; on a wide screen the wide
//! chart is, with labels as large. Measured in Chromium, with axe-core on each page.

use serde_json::json;

use super::{Browser, keyboard_sign_in, spawn_app_with_demo};
use crate::require;

/// The rendered size, in CSS pixels, of the smallest label of the visible chart: each label's
/// computed font size times the scale of its SVG on the screen. Also the visible chart's class
/// and width.
const MEASURE: &str = "
    const figures = Array.from(document.querySelectorAll('figure.spectra-chart'))
        .filter(f => getComputedStyle(f).display !== 'none');
    if (figures.length !== 1) { return { visible: figures.length }; }
    const figure = figures[0];
    const svg = figure.querySelector('svg');
    const texts = Array.from(svg.querySelectorAll('text'));
    const sizes = texts.map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a);
    const heights = texts.map(t => t.getBoundingClientRect().height);
    return {
        visible: 1,
        class: figure.className,
        width: svg.getBoundingClientRect().width,
        labels: texts.length,
        smallest: Math.min(...sizes),
        smallest_box: Math.min(...heights),
        page_width: document.documentElement.scrollWidth,
    };";

async fn measure(browser: &Browser) -> serde_json::Value {
    browser.client.execute(MEASURE, vec![]).await.unwrap()
}

#[tokio::test]
async fn the_retention_curve_is_drawn_for_the_width_it_gets() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app_with_demo().await;
    let browser = Browser::start().await;
    keyboard_sign_in(&browser, &app.base, "champion@example.org").await;

    // A phone: 375 px across.
    browser.client.set_window_size(375, 812).await.unwrap();
    browser.visit(&format!("{}/champion", app.base)).await;
    let phone = measure(&browser).await;
    eprintln!("at 375 px: {phone}");
    assert_eq!(phone["visible"], json!(1), "{phone}");
    assert!(
        phone["class"]
            .as_str()
            .unwrap()
            .contains("spectra-chart--narrow"),
        "{phone}"
    );
    assert!(phone["labels"].as_u64().unwrap() >= 5, "{phone}");
    assert!(phone["smallest"].as_f64().unwrap() >= 12.0, "{phone}");
    assert!(phone["width"].as_f64().unwrap() >= 300.0, "{phone}");
    assert!(phone["page_width"].as_f64().unwrap() <= 375.0, "{phone}");

    // A wide screen: 1280 px across.
    browser.client.set_window_size(1280, 1024).await.unwrap();
    browser.visit(&format!("{}/champion", app.base)).await;
    let wide = measure(&browser).await;
    eprintln!("at 1280 px: {wide}");
    assert_eq!(wide["visible"], json!(1), "{wide}");
    assert!(
        wide["class"]
            .as_str()
            .unwrap()
            .contains("spectra-chart--wide"),
        "{wide}"
    );
    assert!(wide["smallest"].as_f64().unwrap() >= 12.0, "{wide}");
    browser.close().await;
}
