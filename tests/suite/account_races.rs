//! Races that could undo an erasure or a sign-out (issue 22): a password change, a reset or a
//! sign-in whose password was hashed before the account was deleted or deactivated, or before
//! the session it came from was signed out, changes nothing and leaves no session.
//!
//! Each race is tested twice: with its interleaving forced, by running the use cases in the
//! order that lost before (hash made, then the deletion or sign-out committed, then the slow
//! request's transaction); and through HTTP, with the second request sent while the first is
//! caught hashing (its throttle slot is taken just before its password check).

use reqwest::header::{HeaderMap, HeaderValue, ORIGIN};
use sea_orm::{EntityTrait, TransactionTrait};
use spectra::auth::password::{self, HashGate};
use spectra::auth::{SESSION_AUTH_FP, SESSION_HANDOVER, SESSION_USER_ID};
use spectra::db::user_tokens::{self, Purpose};
use spectra::domain::privacy::{ERASED_PASSWORD_HASH, erased_email};
use spectra::domain::{NewPassword, Role};
use spectra::entities::user;
use spectra::services::Actor;
use spectra::services::accounts::{self, ChangeRefusal, ResetRefusal};
use spectra::services::privacy::{self, Requester};
use spectra::services::user_admin::{self, AdminRefusal};
use spectra::web::session_store::{SeaOrmSessionStore, is_refused};
use tower_sessions::SessionStore;
use tower_sessions::session::{Id, Record};

use crate::helpers::{PASSWORD, TestApp, acting, csrf_in, eventually, location, spawn_app};

const EMAIL: &str = "sam.racer@example.org";
const NEW_PASSWORD: &str = "a-brand-new-password";
const CHANGED: &str = "Your password has been changed";
const NOT_CORRECT: &str = "The email address or password is not correct";

/// One browser tab on a session: the cookie is sent by hand, so two tabs can share it.
struct Tab {
    base: String,
    http: reqwest::Client,
    cookie: String,
}

impl Tab {
    fn new(app: &TestApp, cookie: &str) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(ORIGIN, HeaderValue::from_str(&app.base).unwrap());
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .unwrap();
        Self {
            base: app.base.clone(),
            http,
            cookie: cookie.to_owned(),
        }
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .header("cookie", format!("spectra_session={}", self.cookie))
            .send()
            .await
            .unwrap()
    }

    /// Whether this tab's cookie signs anyone in.
    async fn is_signed_in(&self) -> bool {
        self.get("/account").await.status().as_u16() == 200
    }

    /// The form token of this tab's session, read from a signed-in page.
    async fn token(&self) -> String {
        let response = self.get("/account/password").await;
        assert_eq!(response.status().as_u16(), 200, "the tab is signed in");
        csrf_in(&response.text().await.unwrap())
    }

    async fn post(&self, token: &str, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", token));
        self.http
            .post(format!("{}{path}", self.base))
            .header("cookie", format!("spectra_session={}", self.cookie))
            .form(&form)
            .send()
            .await
            .unwrap()
    }
}

/// The session cookie a response sets, if it sets one (empty when it removes it).
fn set_session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.strip_prefix("spectra_session=")
                .map(|rest| rest.split(';').next().unwrap_or("").to_owned())
        })
}

/// Signs `email` in on a new browser and returns its tab.
async fn sign_in(app: &TestApp, email: &str) -> Tab {
    let client = app.new_client();
    let response = client
        .post("/login", &[("email", email), ("password", PASSWORD)])
        .await;
    assert_eq!(response.status().as_u16(), 303, "signed in");
    Tab::new(
        app,
        &set_session_cookie(&response).expect("a session cookie"),
    )
}

async fn user_row(app: &TestApp, id: i32) -> user::Model {
    user::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

/// The new password's hash, made (as the handlers make it) before any transaction.
async fn new_hash() -> String {
    let new = NewPassword::parse(NEW_PASSWORD, NEW_PASSWORD, "").unwrap();
    password::hash(&HashGate::for_tools(), &new).await.unwrap()
}

/// Stores a session signing `user_id` in with the password `hash`, as signing in does, taking
/// `handover` when given. Returns its cookie, or None when the store refused it.
async fn store_session(
    app: &TestApp,
    user_id: i32,
    hash: &str,
    handover: Option<&str>,
) -> Option<String> {
    let store = SeaOrmSessionStore::new(app.db.clone());
    let mut record = Record {
        id: Id::default(),
        data: Default::default(),
        expiry_date: time::OffsetDateTime::now_utc() + time::Duration::minutes(30),
    };
    let mut put = |key: &str, value: serde_json::Value| record.data.insert(key.into(), value);
    put(SESSION_USER_ID, serde_json::json!(user_id));
    put(
        SESSION_AUTH_FP,
        serde_json::json!(password::fingerprint(hash)),
    );
    if let Some(handover) = handover {
        put(SESSION_HANDOVER, serde_json::json!(handover));
    }
    match store.create(&mut record).await {
        Ok(()) => Some(record.id.to_string()),
        Err(e) => {
            assert!(is_refused(&e), "refused, not a fault: {e}");
            None
        }
    }
}

/// The person's sessions, and every handover left by a password change.
async fn sessions_of(app: &TestApp, id: i32) -> (i64, i64) {
    (
        app.count(&format!("sessions WHERE user_id = {id}")).await,
        app.count("sessions WHERE id LIKE 'handover:%'").await,
    )
}

/// "Your password has been changed" messages waiting in the outbox to `to`.
async fn changed_notices_to(app: &TestApp, to: &str) -> i64 {
    app.count(&format!(
        "outbox_messages WHERE subject = '{CHANGED}' AND to_address = '{to}' AND sent_at IS NULL"
    ))
    .await
}

/// The account is erased and nothing of the password change outlived it.
async fn assert_erased_without_a_trace(app: &TestApp, id: i32) {
    let row = user_row(app, id).await;
    assert!(row.deleted_at.is_some(), "deleted");
    assert_eq!(
        row.password_hash, ERASED_PASSWORD_HASH,
        "no usable password"
    );
    assert_eq!(changed_notices_to(app, EMAIL).await, 0);
    assert_eq!(changed_notices_to(app, &erased_email(id)).await, 0);
    assert_eq!(
        app.count(&format!("sessions WHERE user_id = {id}")).await,
        0,
        "no session of the erased account"
    );
}

/// Waits until the request on `email`'s account has taken its throttle slot: it is checking a
/// password now, and will hash for a while yet.
async fn wait_until_hashing(app: &TestApp, email: &str) {
    let key = spectra::auth::throttle::account_key(email);
    let taken = format!("login_throttles WHERE key = '{key}' AND failures >= 1");
    eventually("the request to reach its password check", async || {
        (app.count(&taken).await >= 1).then_some(())
    })
    .await;
}

fn deleted_by_themselves(id: i32) -> (Actor<'static>, Requester) {
    let actor = Actor {
        id,
        name: "Test Person",
        email: EMAIL,
    };
    (actor, Requester::Themselves)
}

#[tokio::test]
async fn a_password_change_hashed_before_the_account_was_deleted_writes_nothing() {
    // Arrange: the person is signed in twice; one tab changes the password.
    let app = spawn_app().await;
    let id = app.create_user(EMAIL, &[Role::Applicant], None).await;
    let changing = sign_in(&app, EMAIL).await;
    let deleting = sign_in(&app, EMAIL).await;
    let hash = new_hash().await;

    // Act: the other tab deletes the account while the new password is hashed...
    let token = deleting.token().await;
    let deleted = deleting
        .post(&token, "/account/delete", &[("password", PASSWORD)])
        .await;
    assert_eq!(location(&deleted), "/account/deleted");
    // ...then the change's transaction runs.
    let txn = app.db.begin().await.unwrap();
    let outcome = accounts::change_password(
        &txn,
        &app.state().config,
        acting(id),
        &hash,
        &changing.cookie,
    )
    .await
    .unwrap();
    txn.rollback().await.unwrap();

    // Assert
    assert_eq!(outcome.unwrap_err(), ChangeRefusal::AccountGone);
    assert_erased_without_a_trace(&app, id).await;
    assert_eq!(sessions_of(&app, id).await, (0, 0));
    assert!(!changing.is_signed_in().await);
}

#[tokio::test]
async fn a_deletion_after_a_password_change_ends_the_session_it_was_making() {
    // Arrange: the change commits first.
    let app = spawn_app().await;
    let id = app.create_user(EMAIL, &[Role::Applicant], None).await;
    let changing = sign_in(&app, EMAIL).await;
    let hash = new_hash().await;
    let txn = app.db.begin().await.unwrap();
    let changed = accounts::change_password(
        &txn,
        &app.state().config,
        acting(id),
        &hash,
        &changing.cookie,
    )
    .await
    .unwrap()
    .unwrap();
    txn.commit().await.unwrap();
    assert_eq!(changed_notices_to(&app, EMAIL).await, 1, "queued, once");

    // Act: the account is deleted before the change signs its person in again...
    let (actor, requester) = deleted_by_themselves(id);
    let txn = app.db.begin().await.unwrap();
    privacy::delete_account(&txn, &app.state().config, actor, id, requester)
        .await
        .unwrap()
        .unwrap();
    txn.commit().await.unwrap();
    // ...which it then tries.
    let new_session = store_session(&app, id, &hash, Some(&changed.handover)).await;

    // Assert: the notice went with the account; no session was made.
    assert_eq!(new_session, None);
    assert_erased_without_a_trace(&app, id).await;
    assert!(!changing.is_signed_in().await);
}

#[tokio::test]
async fn deleting_the_account_while_a_password_change_hashes_leaves_nothing_of_it() {
    // Arrange: the person is signed in twice.
    let app = spawn_app().await;
    let id = app.create_user(EMAIL, &[Role::Applicant], None).await;
    app.make_slow_to_check(id).await;
    let changing = sign_in(&app, EMAIL).await;
    let deleting = sign_in(&app, EMAIL).await;
    let (change_token, delete_token) = (changing.token().await, deleting.token().await);

    // Act: the change starts; while it checks and hashes passwords, the other tab deletes.
    let change = changing.post(
        &change_token,
        "/account/password",
        &[
            ("current_password", PASSWORD),
            ("password", NEW_PASSWORD),
            ("confirm_password", NEW_PASSWORD),
        ],
    );
    let delete = async {
        wait_until_hashing(&app, EMAIL).await;
        deleting
            .post(&delete_token, "/account/delete", &[("password", PASSWORD)])
            .await
    };
    let (change, delete) = tokio::join!(change, delete);

    // Assert: both were answered with a redirect; nothing of the change is left.
    assert_eq!(location(&delete), "/account/deleted");
    assert_eq!(change.status().as_u16(), 303);
    assert_erased_without_a_trace(&app, id).await;
    if let Some(cookie) = set_session_cookie(&change).filter(|c| !c.is_empty()) {
        assert!(!Tab::new(&app, &cookie).is_signed_in().await);
    }
    assert!(!changing.is_signed_in().await);
}

#[tokio::test]
async fn a_password_change_from_a_session_signed_out_meanwhile_changes_nothing() {
    // Arrange
    let app = spawn_app().await;
    let id = app.create_user(EMAIL, &[Role::Applicant], None).await;
    let tab = sign_in(&app, EMAIL).await;
    let before = user_row(&app, id).await.password_hash;
    let hash = new_hash().await;

    // Act: signed out while the new password is hashed; then the change's transaction runs.
    let token = tab.token().await;
    assert_eq!(
        location(&tab.post(&token, "/logout", &[]).await),
        "/signed-out"
    );
    let txn = app.db.begin().await.unwrap();
    let outcome =
        accounts::change_password(&txn, &app.state().config, acting(id), &hash, &tab.cookie)
            .await
            .unwrap();
    txn.rollback().await.unwrap();

    // Assert
    assert_eq!(outcome.unwrap_err(), ChangeRefusal::SessionEnded);
    assert_eq!(user_row(&app, id).await.password_hash, before);
    assert_eq!(changed_notices_to(&app, EMAIL).await, 0);
    assert_eq!(sessions_of(&app, id).await, (0, 0));
}

#[tokio::test]
async fn signing_out_after_the_change_committed_stops_or_ends_its_new_session() {
    let app = spawn_app().await;
    let id = app.create_user(EMAIL, &[Role::Applicant], None).await;
    for new_session_first in [false, true] {
        // Arrange: a change commits on the tab's session.
        let tab = sign_in(&app, EMAIL).await;
        let token = tab.token().await;
        let hash = new_hash().await;
        let txn = app.db.begin().await.unwrap();
        let changed =
            accounts::change_password(&txn, &app.state().config, acting(id), &hash, &tab.cookie)
                .await
                .unwrap()
                .unwrap();
        txn.commit().await.unwrap();
        let early = if new_session_first {
            Some(
                store_session(&app, id, &hash, Some(&changed.handover))
                    .await
                    .unwrap(),
            )
        } else {
            None
        };

        // Act: the tab signs out with the cookie it had, which the change replaced.
        let out = tab.post(&token, "/logout", &[]).await;
        let late = if new_session_first {
            None
        } else {
            store_session(&app, id, &hash, Some(&changed.handover)).await
        };

        // Assert: signed out; the new session was never made, or is ended.
        assert_eq!(location(&out), "/signed-out");
        assert_eq!(
            late, None,
            "the new session is not stored after the sign-out"
        );
        if let Some(cookie) = early {
            assert!(!Tab::new(&app, &cookie).is_signed_in().await);
        }
        assert_eq!(sessions_of(&app, id).await, (0, 0));
        // The person signs in with the new password next time.
        put_the_test_password_back(&app, id).await;
    }
}

/// Puts the test password back, so the next round signs in as before.
async fn put_the_test_password_back(app: &TestApp, id: i32) {
    let hash = password::hash(
        &HashGate::for_tools(),
        &NewPassword::parse(PASSWORD, PASSWORD, "").unwrap(),
    )
    .await
    .unwrap();
    spectra::db::users::set_password(&app.db, id, &hash)
        .await
        .unwrap();
}

#[tokio::test]
async fn signing_out_while_a_password_change_hashes_is_never_undone() {
    // Arrange
    let app = spawn_app().await;
    let id = app.create_user(EMAIL, &[Role::Applicant], None).await;
    app.make_slow_to_check(id).await;
    let tab = sign_in(&app, EMAIL).await;
    let token = tab.token().await;

    // Act: the change starts; while it checks and hashes passwords, the same cookie signs out.
    let change = tab.post(
        &token,
        "/account/password",
        &[
            ("current_password", PASSWORD),
            ("password", NEW_PASSWORD),
            ("confirm_password", NEW_PASSWORD),
        ],
    );
    let sign_out = async {
        wait_until_hashing(&app, EMAIL).await;
        tab.post(&token, "/logout", &[]).await
    };
    let (change, out) = tokio::join!(change, sign_out);

    // Assert: the change asks the person to sign in again; its cookie signs nobody in.
    assert_eq!(location(&out), "/signed-out");
    assert_eq!(change.status().as_u16(), 303);
    assert!(
        location(&change).starts_with("/login?"),
        "asked to sign in again, not sent to {}",
        location(&change)
    );
    if let Some(cookie) = set_session_cookie(&change).filter(|c| !c.is_empty()) {
        assert!(!Tab::new(&app, &cookie).is_signed_in().await);
    }
    assert!(!tab.is_signed_in().await);
    assert_eq!(sessions_of(&app, id).await, (0, 0));
}

#[tokio::test]
async fn a_change_that_wins_still_signs_in_again_and_ends_the_other_sessions() {
    // Arrange
    let app = spawn_app().await;
    let id = app.create_user(EMAIL, &[Role::Applicant], None).await;
    let tab = sign_in(&app, EMAIL).await;
    let other = sign_in(&app, EMAIL).await;
    let token = tab.token().await;

    // Act
    let response = tab
        .post(
            &token,
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("password", NEW_PASSWORD),
                ("confirm_password", NEW_PASSWORD),
            ],
        )
        .await;

    // Assert: a new session ID that works; the old one and the other tab do not.
    assert_eq!(location(&response), "/account");
    let cookie = set_session_cookie(&response).unwrap();
    assert_ne!(cookie, tab.cookie);
    let (status, body) = {
        let r = Tab::new(&app, &cookie).get("/account").await;
        (r.status().as_u16(), r.text().await.unwrap())
    };
    assert_eq!(status, 200);
    assert!(body.contains("Your password has been changed"));
    assert!(!tab.is_signed_in().await);
    assert!(!other.is_signed_in().await);
    assert_eq!(
        app.count(&format!("sessions WHERE user_id = {id}")).await,
        1
    );
    assert_eq!(
        app.count("sessions WHERE id LIKE 'handover:%' AND data <> ''")
            .await,
        1,
        "the handover now names the new session, for a sign-out sent with the old cookie"
    );
}

#[tokio::test]
async fn a_session_is_never_stored_for_an_account_deactivated_or_deleted_while_signing_in() {
    // Arrange: two accounts whose passwords were checked (their hashes read)...
    let app = spawn_app().await;
    let admin = app
        .create_user("admin@example.org", &[Role::Admin], None)
        .await;
    let leaver = app
        .create_user("leaver@example.org", &[Role::Applicant], None)
        .await;
    let erased = app.create_user(EMAIL, &[Role::Applicant], None).await;
    let (leaver_hash, erased_hash) = (
        user_row(&app, leaver).await.password_hash,
        user_row(&app, erased).await.password_hash,
    );

    // Act: ...then one is deactivated and the other deleted, before their sessions are stored.
    let txn = app.db.begin().await.unwrap();
    user_admin::set_active(&txn, acting(admin), leaver, false)
        .await
        .unwrap()
        .unwrap();
    txn.commit().await.unwrap();
    let (actor, requester) = deleted_by_themselves(erased);
    let txn = app.db.begin().await.unwrap();
    privacy::delete_account(&txn, &app.state().config, actor, erased, requester)
        .await
        .unwrap()
        .unwrap();
    txn.commit().await.unwrap();

    // Assert
    assert_eq!(store_session(&app, leaver, &leaver_hash, None).await, None);
    assert_eq!(store_session(&app, erased, &erased_hash, None).await, None);
    assert_eq!(app.count("sessions WHERE user_id IS NOT NULL").await, 0);
    // A session for the old password of a live account is refused too.
    assert_eq!(
        store_session(&app, admin, "$argon2id$old", None).await,
        None
    );
}

#[tokio::test]
async fn deactivating_an_account_while_it_signs_in_gets_the_one_message() {
    // Arrange
    let app = spawn_app().await;
    app.create_user("admin@example.org", &[Role::Admin], None)
        .await;
    let leaver = app
        .create_user("leaver@example.org", &[Role::Applicant], None)
        .await;
    app.make_slow_to_check(leaver).await;
    let admin = sign_in(&app, "admin@example.org").await;
    let admin_token = admin.token().await;
    let browser = app.new_client();

    // Act: the sign-in starts; while its password is checked, the account is deactivated.
    let signing_in = browser.post(
        "/login",
        &[("email", "leaver@example.org"), ("password", PASSWORD)],
    );
    let deactivate = async {
        wait_until_hashing(&app, "leaver@example.org").await;
        admin
            .post(
                &admin_token,
                &format!("/admin/users/{leaver}/deactivate"),
                &[],
            )
            .await
    };
    let (signing_in, deactivated) = tokio::join!(signing_in, deactivate);

    // Assert
    assert_eq!(location(&deactivated), format!("/admin/users/{leaver}"));
    assert_eq!(signing_in.status().as_u16(), 200, "not signed in");
    assert!(signing_in.text().await.unwrap().contains(NOT_CORRECT));
    assert_eq!(
        app.count(&format!("sessions WHERE user_id = {leaver}"))
            .await,
        0
    );
    assert_eq!(
        app.count(&format!("browser_bindings WHERE user_id = {leaver}"))
            .await,
        0
    );
}

#[tokio::test]
async fn a_deleted_account_cannot_sign_in_or_reset_its_password() {
    // Arrange: a reset link is sent, then the account is deleted.
    let app = spawn_app().await;
    let id = app.create_user(EMAIL, &[Role::Applicant], None).await;
    app.client
        .post("/forgot-password", &[("email", EMAIL)])
        .await;
    let link = app
        .wait_for_email(EMAIL, "Reset")
        .await
        .link(&format!("{}/reset-password/", app.base));
    let path = link.trim_start_matches(&app.base).to_owned();
    let tab = sign_in(&app, EMAIL).await;
    let token = tab.token().await;
    let deleted = tab
        .post(&token, "/account/delete", &[("password", PASSWORD)])
        .await;
    assert_eq!(location(&deleted), "/account/deleted");

    // Act
    let signing_in = app
        .new_client()
        .post("/login", &[("email", EMAIL), ("password", PASSWORD)])
        .await;
    let browser = app.new_client();
    let (_, form) = browser.page(&path).await;
    let reset = browser
        .post(
            &path,
            &[
                ("password", NEW_PASSWORD),
                ("confirm_password", NEW_PASSWORD),
            ],
        )
        .await;

    // Assert
    assert_eq!(signing_in.status().as_u16(), 200);
    assert!(signing_in.text().await.unwrap().contains(NOT_CORRECT));
    assert!(form.contains("This link has expired or has already been used"));
    assert!(
        reset
            .text()
            .await
            .unwrap()
            .contains("This link has expired or has already been used")
    );
    assert_eq!(user_row(&app, id).await.password_hash, ERASED_PASSWORD_HASH);
    assert_eq!(app.count("sessions WHERE user_id IS NOT NULL").await, 0);
}

#[tokio::test]
async fn a_reset_hashed_before_the_account_was_deactivated_writes_nothing() {
    // Arrange: a reset link, and the new password hashed...
    let app = spawn_app().await;
    let admin = app
        .create_user("admin@example.org", &[Role::Admin], None)
        .await;
    let id = app.create_user(EMAIL, &[Role::Applicant], None).await;
    let (_, token_hash) = spectra::auth::tokens::generate();
    user_tokens::create(&app.db, id, Purpose::ResetPassword, &token_hash)
        .await
        .unwrap();
    let link = user_tokens::find_usable(&app.db, Purpose::ResetPassword, &token_hash)
        .await
        .unwrap()
        .unwrap();
    let before = user_row(&app, id).await.password_hash;
    let hash = new_hash().await;

    // Act: ...the account is deactivated; then the reset's transaction runs.
    let txn = app.db.begin().await.unwrap();
    user_admin::set_active(&txn, acting(admin), id, false)
        .await
        .unwrap()
        .unwrap();
    txn.commit().await.unwrap();
    let txn = app.db.begin().await.unwrap();
    let outcome = accounts::reset_password(&txn, &app.state().config, link.id, id, &hash)
        .await
        .unwrap();
    txn.rollback().await.unwrap();

    // Assert
    assert_eq!(outcome, Err(ResetRefusal::AccountGone));
    assert_eq!(user_row(&app, id).await.password_hash, before);
    assert_eq!(changed_notices_to(&app, EMAIL).await, 0);
}

#[tokio::test]
async fn a_deleted_account_is_not_reactivated_or_given_roles_by_an_administrator_racing_it() {
    // Arrange: an administrator opened the account's page; meanwhile it is deleted.
    let app = spawn_app().await;
    let admin = app
        .create_user("admin@example.org", &[Role::Admin], None)
        .await;
    let id = app.create_user(EMAIL, &[Role::Applicant], None).await;
    let (actor, requester) = deleted_by_themselves(id);
    let txn = app.db.begin().await.unwrap();
    privacy::delete_account(&txn, &app.state().config, actor, id, requester)
        .await
        .unwrap()
        .unwrap();
    txn.commit().await.unwrap();

    // Act
    let txn = app.db.begin().await.unwrap();
    let reactivated = user_admin::set_active(&txn, acting(admin), id, true)
        .await
        .unwrap();
    let roles = user_admin::change_roles(&txn, acting(admin), id, &[Role::Champion], None)
        .await
        .unwrap();
    txn.rollback().await.unwrap();

    // Assert
    assert_eq!(reactivated, Err(AdminRefusal::Deleted));
    assert_eq!(roles, Err(AdminRefusal::Deleted));
    let row = user_row(&app, id).await;
    assert!(!row.is_active);
    assert_eq!(
        spectra::db::users::roles_of(&app.db, id).await.unwrap(),
        vec![Role::Applicant]
    );
}
