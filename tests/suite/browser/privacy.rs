//! Browser tests: privacy rights (keyboard only, axe-core on every page).

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use spectra::entities::{application, audit_event, user};

use super::{Browser, ENTER, keyboard_sign_in, spawn_app_with_demo};
use crate::helpers::{PASSWORD, TestApp};
use crate::require;

const APPLICANT: &str = "applicant@example.org";

/// The audit events of `action` about `user_id`.
async fn events(app: &TestApp, action: &str, user_id: i32) -> Vec<audit_event::Model> {
    audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq(action))
        .filter(audit_event::Column::Subject.eq(format!("user:{user_id}")))
        .all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_applicant_downloads_their_data_and_deletes_their_account_by_keyboard_only() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app_with_demo().await;
    let me = user::Entity::find()
        .filter(user::Column::Email.eq(APPLICANT))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let in_flight = application::Entity::find()
        .filter(application::Column::ApplicantId.eq(me.id))
        .filter(application::Column::Stage.is_in(["submitted", "draft"]))
        .all(&app.db)
        .await
        .unwrap();
    let browser = Browser::start().await;
    let b = &app.base;

    // From "Your account" to the download page, by keyboard.
    keyboard_sign_in(&browser, b, APPLICANT).await;
    browser.visit(&format!("{b}/account")).await;
    browser.activate("a[href='/account/data']").await;
    assert_eq!(browser.path().await, "/account/data");
    assert_eq!(browser.heading().await, "Download your data");

    // Enter on "Download your data" fetches the file (the page stays); the download is audited.
    browser.tab_to("a[href='/account/data.json']").await;
    browser.keys(&ENTER.to_string()).await;
    let downloaded = crate::helpers::eventually("the download to be audited", async || {
        let downloaded = events(&app, "data_downloaded", me.id).await;
        (!downloaded.is_empty()).then_some(downloaded)
    })
    .await;
    assert_eq!(
        downloaded.len(),
        1,
        "the keyboard download reached the server once"
    );
    assert_eq!(downloaded[0].actor_user_id, Some(me.id));

    // Back to the account, then on to "Delete your account".
    browser.visit(&format!("{b}/account")).await;
    browser.activate("a[href='/account/delete']").await;
    assert_eq!(browser.heading().await, "Delete your account");

    // A wrong password is refused with an error on the field, and nothing is deleted.
    browser.fill("#password", "not-my-password").await;
    browser
        .activate("form[action='/account/delete'] button[type=submit]")
        .await;
    assert_eq!(browser.path().await, "/account/delete");
    let page = browser.source().await;
    assert!(page.contains("nhsuk-error-summary"), "{page}");
    let still = user::Entity::find_by_id(me.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(still.email, APPLICANT);

    // The right password deletes the account and signs them out.
    browser.fill("#password", PASSWORD).await;
    browser
        .activate("form[action='/account/delete'] button[type=submit]")
        .await;
    assert_eq!(browser.path().await, "/account/deleted");
    assert_eq!(browser.heading().await, "Your account has been deleted");
    browser.visit(&format!("{b}/account")).await;
    assert_eq!(browser.path().await, "/login");
    browser.close().await;

    // What was stored: a stub with neither name nor email, in-flight applications withdrawn,
    // and one deletion in the audit log.
    let stub = user::Entity::find_by_id(me.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(stub.email, APPLICANT);
    assert_ne!(stub.full_name, me.full_name);
    assert!(!stub.is_active);
    for was in in_flight {
        let now = application::Entity::find_by_id(was.id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            now.stage.as_str(),
            "withdrawn",
            "application {} ({})",
            was.id,
            was.stage.as_str()
        );
    }
    assert_eq!(events(&app, "account_deleted", me.id).await.len(), 1);
}
