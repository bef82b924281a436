//! Typed work is never lost to a timeout (issue 21): a form sent after the session ended is
//! kept for the same account in the same browser, shown again (never applied) after signing in,
//! deleted once shown or after a day; an ended session gets its own message; "Stay signed in"
//! pushes the session's expiry; saving for later keeps an answer over the word limit.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use spectra::domain::Role;
use spectra::entities::{kept_form, session};
use time::{Duration, OffsetDateTime};

use crate::applications::{applicant, evidence_stored, post_vacancy, start};
use crate::helpers::{Client, PASSWORD, TestApp, acting, csrf_in, location, spawn_app, text_of};

/// How the session ended: its row expired but still there, or already swept away.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Ended {
    NotSwept,
    Swept,
}

/// Ends every session of `user_id` as 30 idle minutes would.
pub(crate) async fn end_sessions(app: &TestApp, user_id: i32, how: Ended) {
    match how {
        Ended::NotSwept => {
            session::Entity::update_many()
                .col_expr(
                    session::Column::ExpiresAt,
                    (OffsetDateTime::now_utc() - Duration::minutes(1)).into(),
                )
                .filter(session::Column::UserId.eq(user_id))
                .exec(&app.db)
                .await
                .unwrap();
        }
        Ended::Swept => {
            spectra::db::sessions::delete_for_user(&app.db, user_id, None)
                .await
                .unwrap();
        }
    }
}

/// POSTs a form with the token its page carried (the one a browser would send), not a new one.
pub(crate) async fn post_with(
    client: &Client,
    path: &str,
    token: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    form.push(("csrf_token", token));
    client
        .http
        .post(format!("{}{path}", client.base))
        .form(&form)
        .send()
        .await
        .unwrap()
}

pub(crate) async fn kept_rows(app: &TestApp) -> Vec<kept_form::Model> {
    kept_form::Entity::find().all(&app.db).await.unwrap()
}

const ANSWER: &str = "I look after my brother every evening.\nI plan his meals.";

async fn evidence_kept_after_the_session_ended(how: Ended) {
    // Arrange: an applicant has the evidence page open.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Ward clerk", false).await;
    let (user_id, client) = applicant(&app, "slow.typist@example.org", "yes").await;
    let id = start(&client, v.id).await;
    let path = format!("/applications/{id}/evidence");
    let (_, page) = client.page(&path).await;
    assert!(
        page.contains("we will sign you out if you do nothing for 30 minutes"),
        "the form says how long a person has"
    );
    let token = csrf_in(&page);

    // Act: the session ends; they press "Save and continue".
    end_sessions(&app, user_id, how).await;
    let response = post_with(
        &client,
        &path,
        &token,
        &[
            ("evidence-1", ANSWER),
            ("evidence-2", "I learnt to drive."),
            ("evidence-3", ""),
            ("action", "continue"),
        ],
    )
    .await;

    // Assert: asked to sign in again, told why; the form kept, without its token; nothing applied.
    assert_eq!(response.status().as_u16(), 303, "{how:?}");
    let to = location(&response);
    let next = format!("/login?next={}&reason=kept", path.replace('/', "%2F"));
    assert_eq!(to, next, "{how:?}");
    let rows = kept_rows(&app).await;
    assert_eq!(rows.len(), 1, "{how:?}");
    assert_eq!(rows[0].user_id, user_id);
    assert_eq!(rows[0].path, path);
    assert!(
        !rows[0].body.contains(&token),
        "the form token is never kept"
    );
    assert_eq!(evidence_stored(&app, v.id, id).await, ["", "", ""]);
    let (_, login) = client.page(&to).await;
    assert!(
        text_of(&login, ".app-flash-warning").contains(
            "You were signed out because you did nothing for 30 minutes. We kept what you typed."
        ),
        "{}",
        text_of(&login, "main")
    );
    assert!(!login.contains("does not give you access"));

    // Act: they sign in again in the same browser.
    client.sign_in("slow.typist@example.org", PASSWORD).await;

    // Assert: still nothing applied after signing in.
    assert_eq!(evidence_stored(&app, v.id, id).await, ["", "", ""]);
    let (status, body) = client.page(&path).await;
    assert_eq!(status, 200);
    assert!(
        text_of(&body, ".app-flash-warning").contains(
            "You were signed out after 30 minutes without activity. Your answers are below: check them and save."
        ),
        "{}",
        text_of(&body, "main")
    );
    assert!(body.contains("I look after my brother every evening.\nI plan his meals."));
    assert!(body.contains("I learnt to drive."));
    // Shown once, then deleted; still not applied.
    assert!(kept_rows(&app).await.is_empty());
    assert_eq!(evidence_stored(&app, v.id, id).await, ["", "", ""]);
    let (_, again) = client.page(&path).await;
    assert!(!again.contains("I learnt to drive."));
    assert!(!again.contains("Your answers are below"));
}

#[tokio::test]
async fn evidence_sent_after_the_session_ended_but_before_the_sweep_is_kept() {
    evidence_kept_after_the_session_ended(Ended::NotSwept).await;
}

#[tokio::test]
async fn evidence_sent_after_the_session_was_swept_is_kept() {
    evidence_kept_after_the_session_ended(Ended::Swept).await;
}

/// A hiring manager of a new organisation, signed in on a new client.
async fn manager(app: &TestApp, org: i32, email: &str) -> (i32, Client) {
    let id = app
        .create_user(email, &[Role::HiringManager], Some(org))
        .await;
    let client = app.new_client();
    client.sign_in(email, PASSWORD).await;
    (id, client)
}

#[tokio::test]
async fn a_kept_vacancy_form_is_seen_only_by_the_same_account_in_the_same_browser() {
    // Arrange: manager A has the new vacancy form open; the session ends; they press save.
    let app = spawn_app().await;
    let org = app.create_organisation("Mersey Care NHS FT").await;
    let (a_id, browser) = manager(&app, org, "a.manager@nhs.net").await;
    let (_, page) = browser.page("/manage/vacancies/new").await;
    let token = csrf_in(&page);
    end_sessions(&app, a_id, Ended::NotSwept).await;
    let response = post_with(
        &browser,
        "/manage/vacancies",
        &token,
        &[("title", "Secret ward clerk draft"), ("band", "3")],
    )
    .await;
    assert_eq!(
        location(&response),
        "/login?next=%2Fmanage%2Fvacancies%2Fnew&reason=kept"
    );
    assert_eq!(kept_rows(&app).await.len(), 1);

    // Act 1: manager B signs in in that same browser.
    app.create_user("b.manager@nhs.net", &[Role::HiringManager], Some(org))
        .await;
    browser.sign_in("b.manager@nhs.net", PASSWORD).await;
    let (_, seen_by_b) = browser.page("/manage/vacancies/new").await;
    // Assert: B sees nothing of it, and it is not used up.
    assert!(!seen_by_b.contains("Secret ward clerk draft"));
    assert!(!seen_by_b.contains("Your answers are below"));
    assert_eq!(kept_rows(&app).await.len(), 1);

    // Act 2: A signs in in another browser (another binding).
    let elsewhere = app.new_client();
    elsewhere.sign_in("a.manager@nhs.net", PASSWORD).await;
    let (_, seen_elsewhere) = elsewhere.page("/manage/vacancies/new").await;
    // Assert: nothing there either.
    assert!(!seen_elsewhere.contains("Secret ward clerk draft"));
    assert_eq!(kept_rows(&app).await.len(), 1);

    // Act 3: a browser claiming A's binding by a made-up cookie gets nothing either.
    let forged = app.new_client();
    forged.sign_in("a.manager@nhs.net", PASSWORD).await;
    let response = forged
        .http
        .get(format!("{}/manage/vacancies/new", forged.base))
        .header("cookie", "spectra_browser=made-up-token")
        .send()
        .await
        .unwrap();
    assert!(
        !response
            .text()
            .await
            .unwrap()
            .contains("Secret ward clerk draft")
    );
    assert_eq!(kept_rows(&app).await.len(), 1);
    // No vacancy was created by any of it.
    assert_eq!(app.count("vacancies").await, 0);
}

#[tokio::test]
async fn the_same_manager_in_the_same_browser_gets_the_vacancy_form_back_unsaved() {
    // Arrange
    let app = spawn_app().await;
    let org = app.create_organisation("Alder Hey").await;
    let (id, browser) = manager(&app, org, "c.manager@nhs.net").await;
    let (_, page) = browser.page("/manage/vacancies/new").await;
    let token = csrf_in(&page);
    assert!(page.contains("we will sign you out if you do nothing for 30 minutes"));
    end_sessions(&app, id, Ended::Swept).await;
    post_with(
        &browser,
        "/manage/vacancies",
        &token,
        &[
            ("title", "Porter on nights"),
            ("summary", "Move patients safely."),
        ],
    )
    .await;

    // Act
    browser.sign_in("c.manager@nhs.net", PASSWORD).await;
    let (_, form) = browser.page("/manage/vacancies/new").await;

    // Assert
    assert!(
        form.contains("value=\"Porter on nights\""),
        "{}",
        text_of(&form, "main")
    );
    assert!(form.contains("Move patients safely."));
    assert!(form.contains("Your answers are below: check them and save."));
    assert_eq!(
        app.count("vacancies").await,
        0,
        "never applied without pressing save"
    );
    assert!(kept_rows(&app).await.is_empty());
}

#[tokio::test]
async fn the_panels_review_form_is_kept_too() {
    // Arrange: an application sent, the vacancy closed, the lead reviewing it.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Healthcare assistant", false).await;
    let id = crate::shortlisting::sent(&app, &v, "reviewed@example.org", "no", None).await;
    crate::shortlisting::close(&app, v.id).await;
    let lead = crate::shortlisting::lead(&app, &v).await;
    let path = format!("/shortlisting/{}/applications/{id}", v.id);
    let (status, page) = lead.page(&path).await;
    assert_eq!(status, 200, "{}", text_of(&page, "main"));
    let token = csrf_in(&page);
    let lead_id = spectra::db::users::find_by_email(
        &app.db,
        &format!("author.{}@nhs.net", v.organisation_id),
    )
    .await
    .unwrap()
    .unwrap()
    .id;
    end_sessions(&app, lead_id, Ended::NotSwept).await;

    // Act
    let response = post_with(
        &lead,
        &path,
        &token,
        &[
            ("score-1", "2"),
            ("note-1", "Clear example of kindness at the youth club."),
            ("score-2", "3"),
            ("note-2", ""),
            ("score-3", "1"),
            ("note-3", ""),
        ],
    )
    .await;
    assert_eq!(
        location(&response),
        format!("/login?next={}&reason=kept", path.replace('/', "%2F"))
    );
    lead.sign_in(&format!("author.{}@nhs.net", v.organisation_id), PASSWORD)
        .await;
    let (_, again) = lead.page(&path).await;

    // Assert
    assert!(again.contains("Clear example of kindness at the youth club."));
    assert!(again.contains("Your answers are below: check them and save."));
    assert_eq!(app.count("shortlist_scores").await, 0, "never applied");
}

#[tokio::test]
async fn kept_forms_last_a_day_and_signing_out_removes_them() {
    // Arrange: two forms kept, one more than a day ago.
    let app = spawn_app().await;
    let org = app.create_organisation("Wirral").await;
    let (user_id, browser) = manager(&app, org, "d.manager@nhs.net").await;
    let txn = app.db.begin().await.unwrap();
    let token = spectra::services::kept_forms::bind_browser(
        &txn,
        acting(user_id),
        None,
        spectra::db::now(),
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    let old = spectra::db::now() - Duration::hours(25);
    assert!(
        spectra::services::kept_forms::keep(
            &app.db,
            &token,
            "/manage/vacancies/new",
            "title=Old".into(),
            old
        )
        .await
        .unwrap()
    );
    assert!(
        spectra::services::kept_forms::keep(
            &app.db,
            &token,
            "/manage/vacancies/9/edit",
            "title=New".into(),
            spectra::db::now()
        )
        .await
        .unwrap()
    );
    // A token bound to nobody keeps nothing.
    assert!(
        !spectra::services::kept_forms::keep(
            &app.db,
            "nobody",
            "/manage/vacancies/new",
            "title=X".into(),
            spectra::db::now()
        )
        .await
        .unwrap()
    );

    // Act 1: the old one is not handed out, and the sweep removes it.
    let taken = spectra::services::kept_forms::take(
        &app.db,
        acting(user_id),
        &token,
        "/manage/vacancies/new",
        spectra::db::now(),
    )
    .await
    .unwrap();
    assert!(taken.is_none());
    let swept = spectra::services::kept_forms::sweep(&app.db, spectra::db::now())
        .await
        .unwrap();

    // Assert
    assert_eq!(swept, 1);
    let rows = kept_rows(&app).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].body, "title=New");

    // Act 2: signing out in the browser that holds a binding removes it and its forms.
    let (_, page) = browser.page("/manage").await;
    let response = post_with(&browser, "/logout", &csrf_in(&page), &[]).await;
    assert_eq!(location(&response), "/signed-out");
    let cleared = response.headers().get_all("set-cookie").iter().any(|c| {
        c.to_str()
            .unwrap_or_default()
            .starts_with("spectra_browser=;")
    });
    assert!(cleared, "the binding cookie is removed");
    assert_eq!(
        app.count("browser_bindings").await,
        1,
        "only the other binding is left"
    );
}

#[tokio::test]
async fn an_ended_session_is_told_so_and_real_refusals_stay_refusals() {
    // Arrange
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Receptionist", false).await;
    let (user_id, client) = applicant(&app, "ended@example.org", "no").await;
    let id = start(&client, v.id).await;
    let (_, page) = client.page(&format!("/applications/{id}/withdraw")).await;
    let token = csrf_in(&page);
    end_sessions(&app, user_id, Ended::NotSwept).await;

    // Act 1: a page that needs signing in.
    let response = client.get("/applications").await;
    // Assert: sent to sign in with its own message, and back to the page after.
    assert_eq!(
        location(&response),
        "/login?next=%2Fapplications&reason=idle"
    );
    let (_, login) = client.page(&location(&response)).await;
    assert!(
        text_of(&login, ".app-flash-warning").contains(
            "You were signed out because you did nothing for 30 minutes. Sign in again to carry on."
        ),
        "{}",
        text_of(&login, "main")
    );

    // Act 2: a one-press form that is not kept.
    let response = post_with(
        &client,
        &format!("/applications/{id}/withdraw"),
        &token,
        &[("reason", "")],
    )
    .await;
    // Assert: the same message, never "does not give you access"; nothing kept.
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), "/login?next=%2F&reason=idle");
    assert!(kept_rows(&app).await.is_empty());

    // Genuine refusals stay: a cross-site POST, and a signed-in applicant on a manager's page.
    client.sign_in("ended@example.org", PASSWORD).await;
    let cross = client
        .http
        .post(format!("{}/applications/{id}/evidence", client.base))
        .header("origin", "https://evil.example")
        .form(&[("evidence-1", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status().as_u16(), 403);
    let (status, body) = client.page("/manage/vacancies").await;
    assert_eq!(status, 403);
    assert!(body.contains("does not give you access"));
    // A visitor who never signed in is asked to sign in, with no message.
    let visitor = app.new_client();
    assert_eq!(
        location(&visitor.get("/applications").await),
        "/login?next=%2Fapplications"
    );
}

#[tokio::test]
async fn stay_signed_in_pushes_the_sessions_expiry() {
    // Arrange
    let app = spawn_app().await;
    let (user_id, client) = applicant(&app, "stays@example.org", "no").await;
    let (_, page) = client.page("/applications").await;
    let token = csrf_in(&page);
    assert!(page.contains("data-idle-seconds=\"1800\""));
    let backdated = OffsetDateTime::now_utc() + Duration::minutes(5);
    session::Entity::update_many()
        .col_expr(session::Column::ExpiresAt, backdated.into())
        .filter(session::Column::UserId.eq(user_id))
        .exec(&app.db)
        .await
        .unwrap();

    // Act: the dialog's "Stay signed in" (GET changes nothing).
    let get = client.get("/session/keep-alive").await;
    let after_get = session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let response = client
        .http
        .post(format!("{}/session/keep-alive", client.base))
        .header("x-csrf-token", &token)
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(get.status().as_u16(), 405);
    assert_eq!(
        after_get.expires_at.unix_timestamp(),
        backdated.unix_timestamp()
    );
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["idle_seconds"], 1800);
    let row = session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(row.expires_at > OffsetDateTime::now_utc() + Duration::minutes(29));
    // Without the token it is refused.
    let refused = client
        .http
        .post(format!("{}/session/keep-alive", client.base))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 403);
}

#[tokio::test]
async fn save_and_come_back_later_keeps_400_words_and_continue_refuses_them() {
    // Arrange
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Admin apprentice", false).await;
    let (_, client) = applicant(&app, "long.answer@example.org", "no").await;
    let (_, apply) = client.page(&format!("/vacancies/{}/apply", v.id)).await;
    assert!(
        apply.contains("we will sign you out if you do nothing for 30 minutes"),
        "the start of the application says how long a person has: {}",
        text_of(&apply, "main")
    );
    let id = start(&client, v.id).await;
    let long = "word ".repeat(400).trim().to_owned();
    let path = format!("/applications/{id}/evidence");

    // Act 1: save for later.
    let response = client
        .post(
            &path,
            &[
                ("evidence-1", long.as_str()),
                ("evidence-2", ""),
                ("evidence-3", ""),
                ("action", "save"),
            ],
        )
        .await;
    // Assert: stored whole.
    assert_eq!(location(&response), "/applications");
    assert_eq!(
        evidence_stored(&app, v.id, id).await,
        [long.as_str(), "", ""]
    );

    // Act 2: continue with it.
    let response = client
        .post(
            &path,
            &[
                ("evidence-1", long.as_str()),
                ("evidence-2", "I learn fast."),
                ("evidence-3", ""),
                ("action", "continue"),
            ],
        )
        .await;
    // Assert: a field error; the long answer stays stored, the step is not done.
    assert_eq!(response.status().as_u16(), 200);
    let body = response.text().await.unwrap();
    assert!(
        text_of(&body, "#evidence-1-error").contains("has 400 words. Use 300 words or fewer."),
        "{}",
        text_of(&body, ".nhsuk-error-summary")
    );
    assert_eq!(
        evidence_stored(&app, v.id, id).await,
        [long.as_str(), "I learn fast.", ""]
    );
    assert_eq!(crate::applications::stored(&app, id).await.reached_step, 0);
}

/// The timeout warning counts down from what the session really has left: the page carries
/// it beside the idle period, and right after signing in (a renewal) the two agree.
#[tokio::test]
async fn a_signed_in_page_says_how_long_its_session_has_left() {
    let app = crate::helpers::spawn_app_with(|c| {
        c.session_idle = std::time::Duration::from_secs(600);
    })
    .await;
    let org = app.create_organisation("Timer Trust").await;
    let (_, client) = manager(&app, org, "timer.manager@nhs.net").await;
    let (status, body) = client.page("/manage/vacancies/new").await;
    assert_eq!(status, 200);
    let attribute = |name: &str| -> u64 {
        let document = scraper::Html::parse_document(&body);
        let dialog = scraper::Selector::parse("#app-timeout").unwrap();
        document
            .select(&dialog)
            .next()
            .and_then(|d| d.value().attr(name))
            .unwrap_or_else(|| panic!("no {name} on the timeout dialog"))
            .parse()
            .unwrap()
    };
    let idle = attribute("data-idle-seconds");
    let left = attribute("data-seconds-left");
    assert_eq!(idle, 600);
    assert!(left <= idle && left + 60 >= idle, "{left} s left of {idle}");
}
