//! Browser tests in headless Chromium (driven through chromedriver): journeys by keyboard only,
//! with axe-core run on every page visited. Outside CI they are skipped, with a notice, when
//! Chromium is missing; with `CI=true` a missing browser fails the run.

mod applicant;
mod champion_chart;
mod esr_import;
mod interviews;
mod mentoring;
mod narrow;
mod privacy;
mod session_timeout;
mod vacancies;

use std::path::Path;
use std::process::{Child, Command, Stdio};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use spectra::entities::{employment_checkpoint, employment_record};

use crate::helpers::{PASSWORD, TestApp, spawn_app};
use crate::require;

pub(crate) const CHROMIUM: &str = "/usr/bin/chromium";
pub(crate) const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub(crate) const TAB: char = '\u{E004}';
pub(crate) const ENTER: char = '\u{E007}';
pub(crate) const ARROW_DOWN: char = '\u{E015}';
pub(crate) const CONTROL: char = '\u{E009}';

/// A Chrome DevTools command, sent through chromedriver.
#[derive(Debug)]
struct DevTools {
    cmd: &'static str,
    params: serde_json::Value,
}

impl WebDriverCompatibleCommand for DevTools {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (axum::http::Method::POST, Some(body.to_string()))
    }
}

pub(crate) struct Browser {
    client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
    axe: String,
}

impl Browser {
    pub(crate) fn available() -> bool {
        Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists()
    }

    pub(crate) async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        crate::helpers::eventually("chromedriver to listen", async || {
            tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .ok()
                .map(drop)
        })
        .await;
        let profile = tempfile::tempdir().unwrap();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                    "--window-size=1280,1024",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("connect to chromedriver");
        let axe_path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/axe-core/axe.min.js");
        let axe = std::fs::read_to_string(&axe_path).expect("axe-core is installed (npm ci)");
        // axe-core is loaded into every page as it is created, instead of being sent over
        // WebDriver after each load (650 KB a page).
        client
            .issue_cmd(DevTools {
                cmd: "Page.addScriptToEvaluateOnNewDocument",
                params: json!({ "source": axe }),
            })
            .await
            .expect("load axe-core into every page");
        Self {
            client,
            driver,
            _profile: profile,
            axe,
        }
    }

    /// Runs axe-core on the current page and fails on any violation.
    pub(crate) async fn assert_accessible(&self) {
        let url = self.client.current_url().await.unwrap();
        let loaded = self
            .client
            .execute("return typeof axe !== 'undefined';", vec![])
            .await
            .expect("look for axe");
        if loaded != json!(true) {
            self.client
                .execute(&format!("{}\nreturn true;", self.axe), vec![])
                .await
                .expect("inject axe");
        }
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }, resultTypes: ['violations'] }).then(r => done(r.violations.map(v =>
                     v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ')).join(' | '))))
                   .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .expect("run axe");
        let violations: Vec<String> =
            serde_json::from_value(result).unwrap_or_else(|_| vec!["unreadable axe result".into()]);
        assert!(
            violations.is_empty(),
            "axe-core violations on {url}:\n{}",
            violations.join("\n")
        );
    }

    pub(crate) async fn visit(&self, url: &str) {
        self.client.goto(url).await.unwrap();
        self.assert_accessible().await;
    }

    pub(crate) async fn keys(&self, text: &str) {
        let mut actions = KeyActions::new("keyboard".into());
        for c in text.chars() {
            actions = actions
                .then(KeyAction::Down { value: c })
                .then(KeyAction::Up { value: c });
        }
        self.client.perform_actions(actions).await.unwrap();
    }

    /// Presses Tab until the focused element matches `css`, as a keyboard user would.
    pub(crate) async fn tab_to(&self, css: &str) {
        for _ in 0..80 {
            let matched = self
                .client
                .execute("return document.activeElement && document.activeElement.matches(arguments[0]);", vec![json!(css)])
                .await
                .unwrap();
            if matched == json!(true) {
                return;
            }
            self.keys(&TAB.to_string()).await;
        }
        panic!(
            "Tab never reached {css} on {}",
            self.client.current_url().await.unwrap()
        );
    }

    pub(crate) async fn fill(&self, css: &str, text: &str) {
        self.tab_to(css).await;
        self.keys(text).await;
    }

    /// Tabs to a text field and types over what it holds (Ctrl+A, then the text).
    pub(crate) async fn replace(&self, css: &str, text: &str) {
        self.tab_to(css).await;
        let select_all = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: CONTROL })
            .then(KeyAction::Down { value: 'a' })
            .then(KeyAction::Up { value: 'a' })
            .then(KeyAction::Up { value: CONTROL });
        self.client.perform_actions(select_all).await.unwrap();
        self.keys(text).await;
    }

    /// Tabs to a select and moves to the option with this value with the arrow keys.
    pub(crate) async fn choose(&self, css: &str, value: &str) {
        self.tab_to(css).await;
        let options = self
            .client
            .find_all(fantoccini::Locator::Css(&format!("{css} option")))
            .await
            .unwrap();
        let mut values = Vec::new();
        for option in &options {
            values.push(option.attr("value").await.unwrap().unwrap_or_default());
        }
        let selected = self.value(css).await;
        let from = values.iter().position(|v| *v == selected).unwrap();
        let to = values
            .iter()
            .position(|v| v == value)
            .unwrap_or_else(|| panic!("{css} has no option {value}"));
        assert!(to >= from, "{css}: {value} is above the option chosen");
        self.keys(&ARROW_DOWN.to_string().repeat(to - from)).await;
        assert_eq!(self.value(css).await, value);
    }

    /// The current value of a form field.
    pub(crate) async fn value(&self, css: &str) -> String {
        self.client
            .find(fantoccini::Locator::Css(css))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    pub(crate) async fn displayed(&self, css: &str) -> bool {
        self.client
            .find(fantoccini::Locator::Css(css))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap()
    }

    pub(crate) async fn source(&self) -> String {
        self.client.source().await.unwrap()
    }

    /// Tabs to `css` and presses Enter, then waits for the next page and checks it.
    pub(crate) async fn activate(&self, css: &str) {
        self.tab_to(css).await;
        let before = self
            .client
            .execute("return performance.timeOrigin;", vec![])
            .await
            .unwrap();
        self.keys(&ENTER.to_string()).await;
        let what = format!("pressing Enter on {css} to load a page");
        crate::helpers::eventually(&what, async || {
            let now = self
                .client
                .execute(
                    "return document.readyState === 'complete' ? performance.timeOrigin : null;",
                    vec![],
                )
                .await
                .ok()?;
            (!now.is_null() && now != before).then_some(())
        })
        .await;
        self.assert_accessible().await;
    }

    pub(crate) async fn path(&self) -> String {
        self.client.current_url().await.unwrap().path().to_owned()
    }

    pub(crate) async fn heading(&self) -> String {
        self.client
            .find(fantoccini::Locator::Css("h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    pub(crate) async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

#[tokio::test]
async fn register_confirm_sign_in_and_out_by_keyboard_only() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app().await;
    let browser = Browser::start().await;

    browser.visit(&format!("{}/", app.base)).await;
    browser.activate("header a[href='/register']").await;
    assert_eq!(browser.path().await, "/register");

    // A mistake first: the error summary appears and is accessible.
    browser.fill("#full_name", "Riley Keyboard").await;
    browser.fill("#email", "riley@example.org").await;
    browser.fill("#password", "short").await;
    browser
        .activate("form[action='/register'] button[type=submit]")
        .await;
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("Password must be 10 characters or more")
    );

    browser.fill("#password", PASSWORD).await;
    browser.fill("#confirm_password", PASSWORD).await;
    browser
        .activate("form[action='/register'] button[type=submit]")
        .await;
    assert_eq!(browser.heading().await, "Check your email");

    // Follow the link in the email that was sent.
    let email = app
        .wait_for_email("riley@example.org", "Confirm your email address")
        .await;
    browser
        .visit(&email.link(&format!("{}/verify-email/", app.base)))
        .await;
    browser.activate("main button[type=submit]").await;
    assert_eq!(browser.path().await, "/login");

    browser.fill("#email", "riley@example.org").await;
    browser.fill("#password", PASSWORD).await;
    browser
        .activate("form[action='/login'] button[type=submit]")
        .await;
    // An applicant lands on their applications, their home.
    assert_eq!(browser.path().await, "/applications");

    browser.activate("form[action='/logout'] button").await;
    assert_eq!(browser.path().await, "/signed-out");
    assert_eq!(browser.heading().await, "You have signed out");

    browser.close().await;
}

#[tokio::test]
async fn every_page_passes_axe_core() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app_with_demo().await;
    let admin_id = spectra::db::users::find_by_email(&app.db, "admin@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    let browser = Browser::start().await;
    let b = &app.base;

    // Anonymous pages, including error states.
    for path in [
        "/",
        "/login",
        "/register",
        "/forgot-password",
        "/forgot-password/sent",
        "/accessibility",
        "/privacy",
        "/cookies",
        "/signed-out",
        "/no-such-page",
        "/reset-password/not-a-token",
        "/verify-email/not-a-token",
        "/invitation/not-a-token",
    ] {
        browser.visit(&format!("{b}{path}")).await;
    }
    browser.visit(&format!("{b}/forgot-password")).await;
    browser
        .activate("form[action='/forgot-password'] button[type=submit]")
        .await;
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("Enter your email address")
    );

    // Signed in as the admin: every admin page and the account pages, with an open
    // invitation so its revoke button is checked too.
    spectra::db::invitations::create(
        &app.db,
        &spectra::domain::EmailAddress::parse("invitee@example.org").unwrap(),
        "Ivy Invitee",
        &[spectra::domain::Role::Champion],
        None,
        "not-a-real-token-hash",
        admin_id,
    )
    .await
    .unwrap();
    browser.visit(&format!("{b}/login")).await;
    browser.fill("#email", "admin@example.org").await;
    browser.fill("#password", PASSWORD).await;
    browser
        .activate("form[action='/login'] button[type=submit]")
        .await;
    for path in [
        "/account",
        "/account/password",
        "/admin/users",
        &format!("/admin/users/{admin_id}"),
        "/admin/invitations",
        "/admin/invitations/new",
        "/admin/programmes",
        "/admin/programmes/new",
        "/admin/programmes/1/edit",
        "/admin/vacancies",
        "/admin/vacancies?organisation=1",
        "/admin/vacancies/1/panel",
        "/vacancies",
        "/vacancies/1",
        "/vacancies?ring_fenced=yes&closing_soon=yes",
        "/vacancies?kind=apprenticeship",
    ] {
        browser.visit(&format!("{b}{path}")).await;
    }
    browser.visit(&format!("{b}/admin/invitations/new")).await;
    browser
        .activate("form[action='/admin/invitations'] button[type=submit]")
        .await;
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("There is a problem")
    );
    // The administrator's panel form, sent empty: its errors, by the fields.
    browser.visit(&format!("{b}/admin/vacancies/1/panel")).await;
    browser
        .activate("form[action='/admin/vacancies/1/panel'] button[type=submit]")
        .await;
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("Choose a hiring manager")
    );
    browser.visit(&format!("{b}/admin/programmes/new")).await;
    browser
        .activate("form[action='/admin/programmes'] button[type=submit]")
        .await;
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("Enter the programme")
    );
    browser.visit(&format!("{b}/account/password")).await;
    browser
        .activate("form[action='/account/password'] button[type=submit]")
        .await;
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("Enter your current password")
    );

    // A page an applicant may not see.
    browser.activate("form[action='/logout'] button").await;
    browser.visit(&format!("{b}/login")).await;
    browser.fill("#email", "applicant@example.org").await;
    browser.fill("#password", PASSWORD).await;
    browser
        .activate("form[action='/login'] button[type=submit]")
        .await;
    browser.visit(&format!("{b}/profile")).await;
    browser
        .activate("form[action='/profile'] button[type=submit]")
        .await;
    browser.visit(&format!("{b}/admin/users")).await;
    assert_eq!(browser.heading().await, "You cannot see this page");

    browser.close().await;
}

/// An app with the demo accounts (password [`PASSWORD`]) and the demo banner.
pub(crate) async fn spawn_app_with_demo() -> TestApp {
    let app = crate::helpers::spawn_app_with(|c| c.demo = true).await;
    spectra::seed::demo::load(&app.db, PASSWORD).await.unwrap();
    app
}

#[tokio::test]
async fn a_manager_creates_and_publishes_a_vacancy_by_keyboard_and_sees_the_advice() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app_with_demo().await;
    let browser = Browser::start().await;
    let b = &app.base;

    keyboard_sign_in(&browser, b, "manager.alderhey@example.org").await;
    browser.activate("header a[href='/manage/vacancies']").await;
    browser
        .activate("main a[href='/manage/vacancies/new']")
        .await;

    browser.fill("#title", "Catering assistant").await;
    browser.tab_to("#kind").await;
    browser.keys(" ").await; // select "Job"
    browser.tab_to("#band").await;
    browser.keys("Band 3").await;
    browser.fill("#working_pattern", "30 hours a week").await;
    browser.fill("#salary", "£24,937 a year").await;
    browser.fill("#location", "Alder Hey, Liverpool").await;
    browser.fill("#closes_day", "5").await;
    browser.fill("#closes_month", "12").await;
    browser.fill("#closes_year", "2099").await;
    browser
        .fill("#summary", "Prepare and serve food for patients.")
        .await;
    browser
        .fill(
            "#description",
            "You need 2 years of experience. Work with the MDT.",
        )
        .await;
    browser
        .fill("#essential_criteria", "Careful with food hygiene")
        .await;
    browser.fill("#contact_role", "Catering manager").await;
    browser.fill("#contact_phone", "0151 228 4811").await;
    browser.activate("main form button[type=submit]").await;

    assert_eq!(browser.heading().await, "Catering assistant");
    let source = browser.client.source().await.unwrap();
    assert!(source.contains("Plain language check"));
    assert!(
        source.contains("asks for years of experience"),
        "band 3 is entry level"
    );
    assert!(source.contains("<li>MDT</li>"));

    browser.activate("form[action$='/publish'] button").await;
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("is published")
    );
    browser.visit(&format!("{b}/vacancies")).await;
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("Catering assistant")
    );
    browser.activate("a.nhsuk-card__link").await;
    browser.visit(&format!("{b}/manage/vacancies/new")).await;
    browser.activate("main form button[type=submit]").await;
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("Enter the job title")
    );

    browser.close().await;
}

#[tokio::test]
async fn a_care_leaver_finds_a_ring_fenced_apprenticeship_applies_leaves_returns_and_sends() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app_with_demo().await;
    let browser = Browser::start().await;
    let b = &app.base;

    // Find it: ring-fenced apprenticeships.
    keyboard_sign_in(&browser, b, "applicant@example.org").await;
    browser.activate("header a[href='/vacancies']").await;
    browser.tab_to("#kind").await;
    browser.keys("Appr").await;
    browser.tab_to("#ring_fenced").await;
    browser.keys("Only").await;
    browser.activate("main form button[type=submit]").await;
    let list = browser.client.source().await.unwrap();
    assert!(list.contains("Healthcare support worker apprentice"));
    assert!(!list.contains("Administrative assistant"));
    browser.activate("a.nhsuk-card__link").await;
    assert_eq!(
        browser.heading().await,
        "Healthcare support worker apprentice"
    );

    // Start, answer part of the first step, and leave.
    browser.activate("main a[href$='/apply']").await;
    browser.activate("main form button[type=submit]").await;
    assert!(browser.path().await.ends_with("/evidence"));
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("Step 1 of 6")
    );
    browser
        .fill("#evidence-1", "I help look after my foster brothers.")
        .await;
    browser.activate("button[value=save]").await;
    assert_eq!(browser.path().await, "/applications");
    browser.activate("form[action='/logout'] button").await;

    // Come back later and carry on where they left off.
    keyboard_sign_in(&browser, b, "applicant@example.org").await;
    browser.activate("header a[href='/applications']").await;
    browser.activate("main .nhsuk-card__heading a").await;
    browser.activate("main a.nhsuk-button").await;
    assert!(browser.path().await.ends_with("/evidence"));
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("I help look after my foster brothers.")
    );
    browser.activate("button[value=continue]").await;
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("Tell us how you meet '")
    );
    browser
        .fill("#evidence-2", "I learned to use a till at my Saturday job.")
        .await;
    browser
        .fill("#evidence-3", "I play in a five-a-side football team.")
        .await;
    browser.activate("button[value=continue]").await;

    // References: a personal adviser, no employment history needed.
    assert!(browser.path().await.ends_with("/references"));
    browser.activate("button[value=continue]").await;
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("Give at least one referee")
    );
    // Tab reaches a radio group once; the arrow keys choose within it.
    browser.tab_to("#referee1_kind").await;
    browser.keys(&ARROW_DOWN.to_string()).await;
    browser.fill("#referee1_name", "Sam Patel").await;
    browser
        .fill(
            "#referee1_relationship",
            "My personal adviser since I was 16",
        )
        .await;
    browser
        .fill("#referee1_email", "sam.patel@example.org")
        .await;
    browser.activate("button[value=continue]").await;

    // Support needed, then the guaranteed interview scheme.
    assert!(browser.path().await.ends_with("/support"));
    browser.activate("button[value=continue]").await;
    assert!(browser.path().await.ends_with("/guaranteed-interview"));
    browser.tab_to("#guaranteed_interview").await;
    browser.keys(" ").await;
    browser.activate("button[value=continue]").await;

    // Check, declare and send.
    assert_eq!(browser.heading().await, "Check your answers");
    browser.activate("main a[href$='/declaration']").await;
    browser.activate("main form button[type=submit]").await;
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("Confirm that the information you have given")
    );
    browser.tab_to("#declaration").await;
    browser.keys(" ").await;
    browser.activate("main form button[type=submit]").await;
    assert_eq!(browser.heading().await, "Application sent");
    let id = browser
        .path()
        .await
        .split('/')
        .nth(2)
        .unwrap()
        .parse::<i32>()
        .unwrap();
    let stored = spectra::db::applications::find(&app.db, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.stage.as_str(), "submitted");
    assert_eq!(stored.guaranteed_interview, Some(true));
    let referees = spectra::db::applications::referees_of(&app.db, id)
        .await
        .unwrap();
    assert_eq!(referees[0].kind.as_str(), "personal_adviser");

    // The application's own page and the withdrawal page are accessible too.
    browser.visit(&format!("{b}/applications/{id}")).await;
    browser
        .visit(&format!("{b}/applications/{id}/withdraw"))
        .await;
    browser.activate("form[action='/logout'] button").await;

    // Someone who has not declared care experience is refused kindly.
    keyboard_sign_in(&browser, b, "applicant2@example.org").await;
    browser.visit(&format!("{b}/vacancies/1/apply")).await;
    assert_eq!(
        browser.heading().await,
        "This job is only for people who have been in care"
    );
    browser.activate("form[action='/logout'] button").await;

    // The hiring manager sees the application, anonymised, on an accessible page.
    keyboard_sign_in(&browser, b, "manager.alderhey@example.org").await;
    browser.visit(&format!("{b}/manage/vacancies/1")).await;
    let managed = browser.client.source().await.unwrap();
    assert!(managed.contains(&format!("SPX-{id:06}")));
    assert!(!managed.contains("applicant@example.org"));

    browser.close().await;
}

/// Signs in through the login page by keyboard.
pub(crate) async fn keyboard_sign_in(browser: &Browser, base: &str, email: &str) {
    browser.visit(&format!("{base}/login")).await;
    browser.fill("#email", email).await;
    browser.fill("#password", PASSWORD).await;
    browser
        .activate("form[action='/login'] button[type=submit]")
        .await;
}

/// The demo's closed vacancy and its two applications: (vacancy, opted in, not opted in).
pub(crate) async fn closed_demo_vacancy(app: &TestApp) -> (i32, i32, i32) {
    let alder_hey =
        spectra::db::organisations::ensure(&app.db, spectra::seed::demo::ORGANISATIONS[0])
            .await
            .unwrap();
    let vacancy = spectra::db::vacancies::of_organisation(&app.db, alder_hey.id)
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.title == spectra::seed::demo::CLOSED_DEMO_VACANCY)
        .unwrap();
    let sent = spectra::db::applications::sent_models_for_vacancy(&app.db, vacancy.id)
        .await
        .unwrap();
    let opted = sent
        .iter()
        .find(|a| a.guaranteed_interview == Some(true))
        .unwrap()
        .id;
    let other = sent
        .iter()
        .find(|a| a.guaranteed_interview != Some(true))
        .unwrap()
        .id;
    (vacancy.id, opted, other)
}

#[tokio::test]
async fn a_lead_scores_anonymised_applications_and_cannot_reject_a_guaranteed_interview() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app_with_demo().await;
    let (vacancy, opted, _) = closed_demo_vacancy(&app).await;
    let browser = Browser::start().await;
    let b = &app.base;

    keyboard_sign_in(&browser, b, "manager.alderhey@example.org").await;
    browser.activate("header a[href='/manage/vacancies']").await;
    browser
        .activate(&format!("main a[href='/manage/vacancies/{vacancy}']"))
        .await;
    // The lead's panel page, with its forms to change the panel.
    browser
        .activate(&format!("main a[href='/manage/vacancies/{vacancy}/panel']"))
        .await;
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("Add to the panel")
    );
    browser
        .activate(&format!("main a[href='/manage/vacancies/{vacancy}']"))
        .await;
    browser
        .activate(&format!("main a[href='/shortlisting/{vacancy}']"))
        .await;
    let board = browser.client.source().await.unwrap();
    assert!(
        !board.contains("scheme applies") && !board.contains("Invited automatically"),
        "the panel scores without seeing who opted in"
    );
    assert!(!board.contains("applicant@example.org"), "anonymised");
    assert!(!board.contains("Alex"), "no names before completion");
    browser
        .activate(&format!(
            "main a[href='/shortlisting/{vacancy}/applications/{opted}']"
        ))
        .await;

    // Score each criterion with the arrow keys: 0 → 2, 0 → 3, 0 → 1.
    for (field, steps) in [("#score-1", 2), ("#score-2", 3), ("#score-3", 1)] {
        browser.tab_to(field).await;
        browser.keys(&ARROW_DOWN.to_string().repeat(steps)).await;
    }
    browser.activate("main form button[type=submit]").await;
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("your scores")
    );

    // Final scores meeting every essential criterion invite the application automatically.
    browser.replace("#final-1", "2").await;
    browser.replace("#final-2", "3").await;
    browser.replace("#final-3", "1").await;
    browser.activate("main form button[type=submit]").await;
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("invited to interview automatically")
    );

    // Trying to decline it is refused, with the reason.
    browser.tab_to("input[name=decision]:checked").await;
    browser.keys(&ARROW_DOWN.to_string()).await;
    browser
        .fill("#feedback", "We had many strong applications this time.")
        .await;
    browser.activate("main form button[type=submit]").await;
    let refused = browser.client.source().await.unwrap();
    assert!(refused.contains("There is a problem"));
    assert!(refused.contains("must be invited to interview"));
    let decision = spectra::db::shortlisting::decisions_for(&app.db, &[opted])
        .await
        .unwrap();
    assert!(decision[0].invited, "still invited");

    browser.close().await;
}

#[tokio::test]
async fn an_applicant_books_an_interview_and_accepts_the_offer_by_keyboard() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app_with_demo().await;
    let (vacancy, opted, other) = closed_demo_vacancy(&app).await;

    // Arrange, as the panel lead over HTTP: shortlist, complete, publish a slot.
    let lead = app.new_client();
    lead.sign_in("manager.alderhey@example.org", PASSWORD).await;
    for (id, scores) in [(opted, ["2", "3", "1"]), (other, ["1", "1", "0"])] {
        lead.post(
            &format!("/shortlisting/{vacancy}/applications/{id}"),
            &[
                ("final-1", scores[0]),
                ("final-2", scores[1]),
                ("final-3", scores[2]),
            ],
        )
        .await;
    }
    lead.post(
        &format!("/shortlisting/{vacancy}/applications/{other}"),
        &[("decision", "decline"), ("feedback", "")],
    )
    .await;
    let done = lead
        .post(&format!("/shortlisting/{vacancy}/complete"), &[])
        .await;
    assert_eq!(done.status().as_u16(), 303);
    let slot_day = spectra::domain::london_time::from_utc(
        time::OffsetDateTime::now_utc() + time::Duration::days(4),
    );
    let added = lead
        .post(
            &format!("/shortlisting/{vacancy}/interviews"),
            &[
                ("day", &slot_day.day().to_string()),
                ("month", &u8::from(slot_day.month()).to_string()),
                ("year", &slot_day.year().to_string()),
                ("time", "11:00"),
                ("minutes", "30"),
                ("place", "Room 4, Alder Hey"),
                ("capacity", "1"),
            ],
        )
        .await;
    assert_eq!(added.status().as_u16(), 303);

    // Act: the applicant books by keyboard.
    let browser = Browser::start().await;
    let b = &app.base;
    keyboard_sign_in(&browser, b, "applicant@example.org").await;
    browser.activate("header a[href='/applications']").await;
    browser
        .activate(&format!(
            "main .nhsuk-card__heading a[href='/applications/{opted}']"
        ))
        .await;
    browser
        .activate(&format!("main a[href='/applications/{opted}/interview']"))
        .await;
    browser.tab_to("#slot_id").await;
    browser.keys(" ").await;
    browser.activate("main form button[type=submit]").await;
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("Your interview is booked")
    );
    assert_eq!(
        spectra::db::applications::find(&app.db, opted)
            .await
            .unwrap()
            .unwrap()
            .stage
            .as_str(),
        "interview_booked"
    );

    // Arrange: the interview takes place; the panel finds them appointable and offers the job.
    crate::interviews::interviews_start(&app, vacancy).await;
    lead.post(
        &format!("/shortlisting/{vacancy}/interviews/{opted}/outcome"),
        &[
            ("outcome", "appointable"),
            ("feedback", "Warm and careful answers."),
        ],
    )
    .await;
    let offered = lead
        .post(&format!("/shortlisting/{vacancy}/offers/{opted}"), &[])
        .await;
    assert_eq!(offered.status().as_u16(), 303);

    // Act: the applicant accepts by keyboard.
    browser.visit(&format!("{b}/applications/{opted}")).await;
    browser
        .activate(&format!("main a[href='/applications/{opted}/offer']"))
        .await;
    browser.activate("button[value=accept]").await;

    // Assert
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("You have accepted the offer")
    );
    let offer = spectra::db::offers::find(&app.db, opted)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(offer.status.as_str(), "accepted");

    browser.close().await;
}

#[tokio::test]
async fn the_champion_pages_pass_axe_core_by_keyboard() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app_with_demo().await;
    let find = async |email: &str| {
        spectra::db::users::find_by_email(&app.db, email)
            .await
            .unwrap()
            .unwrap()
            .id
    };
    let manager = find("manager.alderhey@example.org").await;
    let champion = find("champion@example.org").await;
    // Arrange: a request waiting on vacancy 1, and one refused on vacancy 2.
    let reason = "Four hundred people applied for two posts and the same three managers run the ward, so interviewing everyone who meets the essential criteria is impracticable this month.";
    for vacancy in [1, 2] {
        assert!(
            spectra::db::shortlisting::request_exception(&app.db, vacancy, manager, reason, 3)
                .await
                .unwrap()
        );
        spectra::db::audit::record(
            &app.db,
            Some(manager),
            spectra::db::audit::AuditAction::ExceptionRequested,
            &spectra::domain::audit_subject::AuditSubject::Vacancy(vacancy),
            json!({ "cap": 3, "reason": reason }),
        )
        .await
        .unwrap();
    }
    let note = "Please interview everyone this time.";
    assert!(
        spectra::db::shortlisting::decide_exception(&app.db, 2, champion, false, note)
            .await
            .unwrap()
    );
    spectra::db::audit::record(
        &app.db,
        Some(champion),
        spectra::db::audit::AuditAction::ExceptionRefused,
        &spectra::domain::audit_subject::AuditSubject::Vacancy(2),
        json!({ "cap": 3, "note": note }),
    )
    .await
    .unwrap();
    let browser = Browser::start().await;
    let b = &app.base;

    keyboard_sign_in(&browser, b, "champion@example.org").await;
    // The champion's home is the dashboard, which links to the exception requests.
    assert_eq!(browser.path().await, "/champion");
    assert_eq!(browser.heading().await, "Dashboard");
    browser
        .activate("main a[href='/champion/exceptions']")
        .await;
    assert_eq!(browser.heading().await, "High-volume exception requests");

    // A decision without a choice: the error summary, then approving by keyboard.
    browser
        .activate("form[action='/champion/exceptions/1'] button[type=submit]")
        .await;
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("Choose whether to approve or refuse the request")
    );
    browser.tab_to("#decision-1").await;
    browser.keys(" ").await;
    browser.fill("#note-1", "Approved for this round.").await;
    browser
        .activate("form[action='/champion/exceptions/1'] button[type=submit]")
        .await;
    assert_eq!(browser.path().await, "/champion/exceptions");
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("You approved the request")
    );

    // The audit log, filtered by keyboard, then by address, and with a filter it cannot read.
    browser.activate("main a[href='/champion/audit']").await;
    assert_eq!(browser.heading().await, "Audit log");
    browser.tab_to("#kind").await;
    // "Anything", then "requested", then "approved".
    browser.keys(&format!("{ARROW_DOWN}{ARROW_DOWN}")).await;
    browser
        .activate("form[action='/champion/audit'] button")
        .await;
    assert!(
        browser
            .client
            .current_url()
            .await
            .unwrap()
            .as_str()
            .contains("kind=exception_approved")
    );
    browser
        .visit(&format!(
            "{b}/champion/audit?vacancy=1&kind=exception_requested"
        ))
        .await;
    browser
        .visit(&format!("{b}/champion/audit?vacancy=twelve"))
        .await;

    browser.close().await;
}

#[tokio::test]
async fn the_coordinator_runs_pins_and_confirms_matching_by_keyboard() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app_with_demo().await;
    let browser = Browser::start().await;
    let b = &app.base;

    keyboard_sign_in(&browser, b, "coordinator@example.org").await;
    browser
        .activate("header a[href='/mentoring/coordinator']")
        .await;
    for path in [
        "/mentoring/coordinator/mentors",
        "/mentoring/coordinator/mentors/new",
        "/mentoring/coordinator/mentors/1",
        "/mentoring/coordinator/mentees",
        "/mentoring/coordinator/mentees/1",
        "/mentoring/coordinator/mentees/28",
        "/mentoring/coordinator/import",
        "/mentoring/coordinator/settings",
        "/mentoring/coordinator/relationships",
        "/mentoring/coordinator/relationships/1",
    ] {
        browser.visit(&format!("{b}{path}")).await;
    }
    // Forms refused show their errors accessibly too.
    browser
        .visit(&format!("{b}/mentoring/coordinator/mentors/new"))
        .await;
    browser
        .activate("form[action='/mentoring/coordinator/mentors/new'] button[type=submit]")
        .await;
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("There is a problem")
    );
    browser
        .visit(&format!("{b}/mentoring/coordinator/import"))
        .await;
    browser
        .activate("form[action='/mentoring/coordinator/import'] button[type=submit]")
        .await;
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("There is a problem")
    );
    browser
        .visit(&format!("{b}/mentoring/coordinator/matching"))
        .await;
    assert_eq!(browser.heading().await, "Match mentors and students");
    browser
        .activate("form[action='/mentoring/coordinator/matching/run'] button")
        .await;
    let source = browser.client.source().await.unwrap();
    assert!(source.contains("Proposed matches"), "no proposal shown");
    // The breakdown opens by keyboard.
    browser.tab_to("table details summary").await;
    browser.keys(&ENTER.to_string()).await;
    browser.assert_accessible().await;

    // Pin the first proposed pair, run again, and confirm.
    browser
        .activate("form[action='/mentoring/coordinator/matching/pins'] button")
        .await;
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("Pair pinned")
    );
    browser
        .activate("form[action='/mentoring/coordinator/matching/run'] button")
        .await;
    assert!(browser.client.source().await.unwrap().contains("Pinned"));
    browser.activate("a#confirm").await;
    browser.activate("form[action$='/confirm'] button").await;
    assert_eq!(browser.path().await, "/mentoring/coordinator/relationships");
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("matches confirmed")
    );
    let started = app
        .count("mentoring_relationships WHERE ended_at IS NULL")
        .await;
    assert!(
        started > 1,
        "the demo's relationship and the confirmed ones: {started}"
    );
    crate::helpers::eventually("a \"Meet your mentor\" email", async || {
        app.emails()
            .iter()
            .any(|e| e.subject.starts_with("Meet your mentor"))
            .then_some(())
    })
    .await;
    assert!(
        app.emails()
            .iter()
            .any(|e| e.subject.starts_with("Meet your mentor")),
        "introductions are emailed"
    );

    browser.close().await;
}

#[tokio::test]
async fn a_medical_student_signs_up_for_mentoring_by_keyboard() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app_with_demo().await;
    let browser = Browser::start().await;
    let b = &app.base;

    keyboard_sign_in(&browser, b, "applicant@example.org").await;
    browser.visit(&format!("{b}/mentoring")).await;
    browser.activate("main a[href='/mentoring/sign-up']").await;
    assert_eq!(browser.path().await, "/mentoring/sign-up");

    // Sending it empty shows what is missing, and stores nothing.
    let submit = "form[action='/mentoring/sign-up'] button[type=submit]";
    browser.activate(submit).await;
    let source = browser.client.source().await.unwrap();
    assert!(source.contains("There is a problem"), "no error summary");
    let before = app.count("mentees").await;

    for radio_or_box in ["#university", "#year", "#modes", "#availability"] {
        browser.tab_to(radio_or_box).await;
        browser.keys(" ").await;
    }
    browser.fill("#interests", "Paediatrics, surgery").await;
    browser.tab_to("#consent").await;
    browser.keys(" ").await;
    browser.activate(submit).await;
    let source = browser.client.source().await.unwrap();
    assert!(
        !source.contains("There is a problem"),
        "the form was refused"
    );
    browser.visit(&format!("{b}/mentoring")).await;

    assert_eq!(app.count("mentees").await, before + 1);
    let user = spectra::db::users::find_by_email(&app.db, "applicant@example.org")
        .await
        .unwrap()
        .unwrap();
    let row = spectra::db::mentoring::mentee_for_user(&app.db, user.id, &user.email)
        .await
        .unwrap()
        .expect("a sign-up row");
    assert_eq!(row.status.as_str(), "pending");
    assert_eq!(row.university, "University of Liverpool");
    assert_eq!(row.meeting_modes.to_string(), "in_person");
    assert_eq!(row.availability.to_string(), "mon_am");
    assert_eq!(row.specialty_interests, "Paediatrics;surgery");

    browser.close().await;
}

#[tokio::test]
async fn a_mentor_and_a_mentee_see_their_match_and_log_a_meeting_by_keyboard() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app_with_demo().await;
    let b = &app.base;
    for email in ["mentor@example.org", "mentee@example.org"] {
        let browser = Browser::start().await;
        keyboard_sign_in(&browser, b, email).await;
        browser.activate("header a[href='/mentoring/mine']").await;
        browser
            .activate("main a[href^='/mentoring/relationships/']")
            .await;
        // Logging a meeting with nothing filled in shows every problem.
        browser
            .activate("form[action$='/meetings'] button[type=submit]")
            .await;
        assert!(
            browser
                .client
                .source()
                .await
                .unwrap()
                .contains("There is a problem")
        );
        browser.close().await;
    }
    let browser = Browser::start().await;
    browser.visit(&format!("{b}/mentoring")).await;
    browser.close().await;
}

#[tokio::test]
async fn a_manager_gives_an_apprenticeships_entry_requirements_by_keyboard() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app_with_demo().await;
    let browser = Browser::start().await;
    let b = &app.base;
    keyboard_sign_in(&browser, b, "manager.alderhey@example.org").await;
    browser.visit(&format!("{b}/manage/vacancies/new")).await;

    // Choose "Apprenticeship" with the arrow keys, and send the form without the requirements.
    browser.fill("#title", "Pharmacy apprentice").await;
    browser.tab_to("#kind").await;
    browser.keys(&ARROW_DOWN.to_string()).await;
    browser.activate("main form button[type=submit]").await;
    let message = "Enter the entry requirements of the apprenticeship, and the adjustments the programme makes";
    assert!(browser.client.source().await.unwrap().contains(message));

    browser
        .fill(
            "#entry_requirements",
            "No GCSEs needed: you can take Functional Skills English and maths with us.",
        )
        .await;
    browser.activate("main form button[type=submit]").await;
    assert!(!browser.client.source().await.unwrap().contains(message));

    browser.close().await;
}

#[tokio::test]
async fn the_champion_reads_filters_and_exports_the_dashboard_by_keyboard() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app_with_demo().await;
    let alder_hey =
        spectra::db::organisations::ensure(&app.db, spectra::seed::demo::ORGANISATIONS[0])
            .await
            .unwrap();
    let browser = Browser::start().await;
    let b = &app.base;

    // The champion signs in and lands on the dashboard (axe runs on every page loaded).
    keyboard_sign_in(&browser, b, "champion@example.org").await;
    assert_eq!(browser.path().await, "/champion");
    assert_eq!(browser.heading().await, "Dashboard");
    let source = browser.client.source().await.unwrap();
    for section in [
        "Recruitment programmes",
        "From application to starting work",
        "Guaranteed interviews",
        "Retention",
        "The retention curve's data",
    ] {
        assert!(source.contains(section), "{section} missing");
    }
    // The curve's data table is reachable: its first figure, by keyboard.
    let rows = browser
        .client
        .find_all(fantoccini::Locator::Css("figure ~ table tbody tr"))
        .await
        .unwrap();
    assert!(!rows.is_empty(), "the demo's curve has data");

    // Filter by organisation: choose Alder Hey in the select with the arrow keys.
    browser.tab_to("#organisation").await;
    let options = browser
        .client
        .find_all(fantoccini::Locator::Css("#organisation option"))
        .await
        .unwrap();
    let mut position = 0;
    for (i, option) in options.iter().enumerate() {
        if option.attr("value").await.unwrap().as_deref() == Some(&alder_hey.id.to_string()) {
            position = i;
        }
    }
    for _ in 0..position {
        browser.keys(&ARROW_DOWN.to_string()).await;
    }
    browser
        .activate("form[action='/champion'] button[type=submit]")
        .await;
    let url = browser.client.current_url().await.unwrap();
    assert!(
        url.query()
            .unwrap_or_default()
            .contains(&format!("organisation={}", alder_hey.id)),
        "{url}"
    );
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("Clear filters")
    );

    // Export the funnel: Enter on the link downloads it, and the download is audited.
    browser
        .tab_to("a[href^='/champion/export/funnel.csv']")
        .await;
    browser.keys(&ENTER.to_string()).await;
    let exported = crate::helpers::eventually("the export to be audited", async || {
        let exported = crate::shortlisting::audited(&app, "report_exported").await;
        (!exported.is_empty()).then_some(exported)
    })
    .await;
    assert_eq!(exported.len(), 1, "the export was audited");
    assert_eq!(exported[0].subject, "dashboard:funnel");
    assert!(
        exported[0]
            .details
            .contains(&format!("\"organisation\":{}", alder_hey.id))
    );

    browser.close().await;
}

/// The employment record of a demo hire, by name.
pub(crate) async fn demo_employment(app: &TestApp, name: &str) -> employment_record::Model {
    let user =
        spectra::db::users::find_by_email(&app.db, &spectra::seed::demo::demo_only_email(name))
            .await
            .unwrap()
            .unwrap();
    spectra::db::employment::all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.user_id == Some(user.id))
        .unwrap_or_else(|| panic!("{name} has an employment record"))
}

pub(crate) async fn checkpoints_of(
    app: &TestApp,
    record: i32,
) -> Vec<employment_checkpoint::Model> {
    spectra::db::employment::checkpoints_of(&app.db, record)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_hiring_manager_records_a_checkpoint_by_keyboard() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app_with_demo().await;
    let manager = spectra::db::users::find_by_email(&app.db, "manager.alderhey@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    // Two Alder Hey hires of the demo: Kyle's 12-month checkpoint is overdue, and so is Evan's
    // 3-month one.
    let kyle = demo_employment(&app, "Kyle Brennan").await;
    let twelve = checkpoints_of(&app, kyle.id)
        .await
        .into_iter()
        .find(|c| c.months == 12)
        .unwrap();
    assert_eq!(twelve.outcome, None);
    assert!(twelve.due_on < spectra::services::retention::today());
    let evan = demo_employment(&app, "Evan Lightfoot").await;
    assert_eq!(evan.end_date, None);
    let browser = Browser::start().await;
    let b = &app.base;

    keyboard_sign_in(&browser, b, "manager.alderhey@example.org").await;
    browser.activate("header a[href='/manage/employees']").await;
    assert_eq!(browser.heading().await, "Employees");
    assert!(browser.source().await.contains("Checkpoints overdue"));
    browser
        .activate(&format!("main a[href='/manage/employees/{}']", kyle.id))
        .await;
    let reference = spectra::services::retention::reference(kyle.id);
    // A hire through the service is shown by name to the managers of the organisation.
    assert_eq!(browser.heading().await, "Kyle Brennan");

    // Sent with nothing chosen: the error summary and the error by the radios (axe has run on
    // this page), and nothing stored.
    let form = format!(
        "form[action='/manage/employees/{}/checkpoints/{}']",
        kyle.id, twelve.id
    );
    browser
        .activate(&format!("{form} button[type=submit]"))
        .await;
    let source = browser.source().await;
    assert!(source.contains("There is a problem"), "no error summary");
    assert!(
        source.contains("Choose whether they are in post, have left, or have moved within the NHS")
    );
    assert!(source.contains("<title>Error: "));
    assert_eq!(
        spectra::db::employment::find_checkpoint(&app.db, twelve.id)
            .await
            .unwrap()
            .unwrap()
            .outcome,
        None,
        "nothing stored"
    );

    // "Still in post", chosen with the space bar.
    browser.tab_to(&format!("#c{}-outcome", twelve.id)).await;
    browser.keys(" ").await;
    browser
        .activate(&format!("{form} button[type=submit]"))
        .await;
    assert_eq!(
        browser.path().await,
        format!("/manage/employees/{}", kyle.id)
    );
    assert!(
        browser.source().await.contains(&format!(
            "12-month checkpoint recorded for {reference}: in post."
        )),
        "no confirmation"
    );
    let stored = checkpoints_of(&app, kyle.id)
        .await
        .into_iter()
        .find(|c| c.id == twelve.id)
        .unwrap();
    assert_eq!(stored.outcome.map(|v| v.as_str()), Some("in_post"));
    assert_eq!(stored.source.map(|v| v.as_str()), Some("manager"));
    assert_eq!(stored.recorded_by, Some(manager));
    assert!(stored.recorded_at.is_some());

    // Evan left a fortnight after starting: a date that does not exist first.
    browser.activate("main a[href='/manage/employees']").await;
    browser
        .activate(&format!("main a[href='/manage/employees/{}']", evan.id))
        .await;
    let leaving = format!("form[action='/manage/employees/{}/leaving']", evan.id);
    // The date and reason show once "Left" is chosen.
    assert!(!browser.displayed("#leaving-left-day").await);
    browser.tab_to("#leaving-outcome").await; // "Left"
    browser.keys(" ").await;
    assert!(browser.displayed("#leaving-left-day").await);
    assert!(!browser.displayed("#leaving-moved-day").await);
    let year = evan.start_date.year().to_string();
    browser.fill("#leaving-left-day", "31").await;
    browser.fill("#leaving-left-day-month", "2").await;
    browser.fill("#leaving-left-day-year", &year).await;
    browser
        .activate(&format!("{leaving} button[type=submit]"))
        .await;
    let source = browser.source().await;
    assert!(source.contains("There is a problem"), "no error summary");
    assert!(source.contains("Enter a real date they left, like 27 3 2027"));
    assert!(source.contains("Choose why they left"));
    // What was typed is kept, with "Left" still chosen.
    assert_eq!(browser.value("#leaving-left-day").await, "31");
    assert_eq!(browser.value("#leaving-left-day-month").await, "2");
    assert_eq!(browser.value("#leaving-left-day-year").await, year);
    assert!(
        browser
            .client
            .find(fantoccini::Locator::Css("#leaving-outcome"))
            .await
            .unwrap()
            .is_selected()
            .await
            .unwrap()
    );
    assert_eq!(
        spectra::db::employment::find(&app.db, evan.id)
            .await
            .unwrap()
            .unwrap()
            .end_date,
        None,
        "nothing stored"
    );

    // The real date typed over the wrong one, and the reason chosen with the arrow keys.
    let left_on = evan.start_date + time::Duration::days(14);
    browser
        .replace("#leaving-left-day", &left_on.day().to_string())
        .await;
    browser
        .replace(
            "#leaving-left-day-month",
            &u8::from(left_on.month()).to_string(),
        )
        .await;
    browser
        .replace("#leaving-left-day-year", &left_on.year().to_string())
        .await;
    browser.choose("#leaving-reason", "vr_relocation").await;
    browser
        .activate(&format!("{leaving} button[type=submit]"))
        .await;
    // A page says what it will close before anything is recorded (axe has run on it).
    assert_eq!(
        browser.heading().await,
        "Check before you record the leaving date"
    );
    assert!(browser.source().await.contains("They will be closed"));
    assert_eq!(
        spectra::db::employment::find(&app.db, evan.id)
            .await
            .unwrap()
            .unwrap()
            .end_date,
        None,
        "nothing stored before confirming"
    );
    browser
        .activate(&format!(
            "form[action='/manage/employees/{}/leaving'][method=post] button[type=submit]",
            evan.id
        ))
        .await;
    assert_eq!(
        browser.path().await,
        format!("/manage/employees/{}", evan.id)
    );
    let source = browser.source().await;
    let when = spectra::services::retention::long_date(left_on);
    assert!(
        source.contains(&format!(
            "Recorded: {} left on {when}. 4 checkpoints after that date are closed.",
            spectra::services::retention::reference(evan.id)
        )),
        "no confirmation"
    );
    assert!(source.contains("Voluntary Resignation - Relocation"));
    assert!(
        !source.contains(&leaving),
        "no leaving form once they have left"
    );
    let stored = spectra::db::employment::find(&app.db, evan.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.end_date, Some(left_on));
    assert_eq!(stored.end_kind.map(|v| v.as_str()), Some("left"));
    assert_eq!(stored.leaving_reason.as_deref(), Some("vr_relocation"));
    assert_eq!(stored.moved_to, None);
    for c in checkpoints_of(&app, evan.id).await {
        assert_eq!(
            c.outcome.map(|v| v.as_str()),
            Some("closed"),
            "{} months",
            c.months
        );
        assert_eq!(c.recorded_by, Some(manager));
    }

    browser.close().await;
}

/// Writes `text` to a file named `name` in `dir`, for the browser to upload.
pub(crate) fn upload_file(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[tokio::test]
async fn the_retention_pages_pass_axe_core() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app_with_demo().await;
    let browser = Browser::start().await;
    let b = &app.base;

    // The champion: the overdue checkpoints and the lists behind the dashboard's figures.
    keyboard_sign_in(&browser, b, "champion@example.org").await;
    browser.visit(&format!("{b}/champion/checkpoints")).await;
    assert_eq!(browser.heading().await, "Overdue checkpoints");
    assert!(browser.source().await.contains("checkpoints are overdue"));
    for path in [
        "/champion/list?stage=submitted",
        "/champion/list?employment=left",
        "/champion/list?employment=moved",
        "/champion/list?employment=in_post",
    ] {
        browser.visit(&format!("{b}{path}")).await;
        assert!(
            !browser
                .client
                .find_all(fantoccini::Locator::Css("main table tbody tr"))
                .await
                .unwrap()
                .is_empty(),
            "{path} lists the demo's rows"
        );
    }

    // The ESR upload form: sent without a file, with a file with bad rows, then a good one.
    browser.visit(&format!("{b}/champion/esr")).await;
    assert_eq!(browser.heading().await, "Import an ESR extract");
    let submit = "form[action='/champion/esr/preview'] button[type=submit]";
    browser.activate(submit).await;
    assert!(browser.source().await.contains("There is a problem"));

    let header = "assignment_number,organisation_code,job_role,staff_group,band,start_date,end_date,leaving_reason,care_experienced";
    let dir = tempfile::tempdir().unwrap();
    let bad = upload_file(
        dir.path(),
        "bad.csv",
        &format!(
            "{header}\n10000002,XYZ,Porter,Estates and Ancillary,2,2024-01-15,,,yes\n10000003,RBS,Porter,Estates and Ancillary,10,2024-01-15,,,yes\n"
        ),
    );
    // WebDriver uploads a file by typing its path into the file input; the rest is keyboard.
    let file_input = browser
        .client
        .find(fantoccini::Locator::Css("#file"))
        .await
        .unwrap();
    file_input.send_keys(&bad).await.unwrap();
    browser.activate(submit).await;
    let source = browser.source().await;
    assert!(source.contains("Line 2: organisation_code XYZ"), "{source}");
    assert!(source.contains("Line 3: band"));

    // A good extract that creates, updates, records a leaver and keeps an ending: every table
    // of the preview.
    let records = spectra::db::employment::by_assignment_numbers(
        &app.db,
        &[
            "20481736-1".into(),
            "52873140-1".into(),
            "31597024-1".into(),
        ],
    )
    .await
    .unwrap();
    let row = |number: &str, code: &str, band: &str, end: &str, reason: &str| {
        let r = records
            .iter()
            .find(|r| r.assignment_number.as_deref() == Some(number))
            .unwrap();
        format!(
            "{number},{code},{},{},{band},{},{end},{reason},yes",
            r.role,
            r.staff_group,
            spectra::domain::esr::format_date(r.start_date)
        )
    };
    let today = spectra::services::retention::today();
    let fmt = spectra::domain::esr::format_date;
    let good = [
        header.to_owned(),
        format!(
            "99000001-1,RBS,Porter,Estates and Ancillary,2,{},,,yes",
            fmt(today - time::Duration::days(100))
        ),
        row(
            "20481736-1",
            "RBS",
            "5",
            &fmt(today - time::Duration::days(10)),
            "Voluntary Resignation - Relocation",
        ),
        row("52873140-1", "REN", "5", "", ""),
        row("31597024-1", "REM", "6", "", ""),
    ]
    .join("\n");
    let good = upload_file(dir.path(), "good.csv", &good);
    let file_input = browser
        .client
        .find(fantoccini::Locator::Css("#file"))
        .await
        .unwrap();
    file_input.send_keys(&good).await.unwrap();
    browser.activate(submit).await;
    assert_eq!(
        browser.heading().await,
        "Check the changes before you import"
    );
    for table in ["#creates", "#updates", "#closes", "#kept"] {
        assert!(
            browser
                .client
                .find(fantoccini::Locator::Css(table))
                .await
                .is_ok(),
            "{table} missing from the preview"
        );
    }
    browser
        .activate("form[action='/champion/esr/import'] button[type=submit]")
        .await;
    // The import runs in the background: its page says how far it has got, with a link to
    // refresh it (each page is checked by axe as it loads), until it is done.
    assert!(browser.path().await.starts_with("/champion/esr/imports/"));
    crate::helpers::eventually("the import to finish", async || {
        if browser.source().await.contains("id=\"refresh\"") {
            browser.activate("#refresh").await;
            return None;
        }
        Some(())
    })
    .await;
    assert_eq!(browser.heading().await, "ESR extract imported");
    assert!(
        browser
            .source()
            .await
            .contains("ESR extract imported: 1 created")
    );

    // The hiring manager: the list, and every employee of Alder Hey (in post, overdue, left,
    // moved, from ESR), then the leaving form sent as a move with nothing filled in.
    browser.activate("form[action='/logout'] button").await;
    keyboard_sign_in(&browser, b, "manager.alderhey@example.org").await;
    browser.visit(&format!("{b}/manage/employees")).await;
    let alder_hey =
        spectra::db::organisations::ensure(&app.db, spectra::seed::demo::ORGANISATIONS[0])
            .await
            .unwrap();
    let employees = spectra::services::employees::hires_page(&app.db, alder_hey.id, 0, 1_000)
        .await
        .unwrap();
    assert!(employees.len() > 5, "the demo's Alder Hey employees");
    for r in &employees {
        browser
            .visit(&format!("{b}/manage/employees/{}", r.id))
            .await;
    }
    let open = employees.iter().find(|r| r.end_date.is_none()).unwrap();
    browser
        .visit(&format!("{b}/manage/employees/{}", open.id))
        .await;
    browser.tab_to("#leaving-outcome").await;
    browser.keys(&ARROW_DOWN.to_string()).await; // "Moved within the NHS"
    assert!(browser.displayed("#leaving-moved-day").await);
    assert!(!browser.displayed("#leaving-left-day").await);
    browser
        .activate(&format!(
            "form[action='/manage/employees/{}/leaving'] button[type=submit]",
            open.id
        ))
        .await;
    let source = browser.source().await;
    assert!(source.contains("Enter the date they moved"), "{source}");
    // The page that asks to confirm a leaving date, and the form to correct a record.
    let today = spectra::services::retention::today();
    let leaving = if open.start_date > today {
        open.start_date
    } else {
        today
    };
    browser
        .visit(&format!(
            "{b}/manage/employees/{}/leaving?outcome=left&left_day={}&left_month={}&left_year={}&reason=vr_relocation",
            open.id,
            leaving.day(),
            u8::from(leaving.month()),
            leaving.year()
        ))
        .await;
    assert_eq!(
        browser.heading().await,
        "Check before you record the leaving date"
    );
    if let Some(ended) = employees.iter().find(|r| r.end_date.is_some()) {
        browser
            .visit(&format!("{b}/manage/employees/{}/correct", ended.id))
            .await;
        assert_eq!(browser.heading().await, "Correct this record");
    }

    browser.close().await;
}

// ---- H4 (issue 12, points 9, 11, 12): homes by role, the mentoring link, one-off messages ----

#[tokio::test]
async fn a_manager_lands_on_what_is_waiting_and_one_off_messages_pass_axe_core() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app_with_demo().await;
    let (vacancy, _, _) = closed_demo_vacancy(&app).await;
    let browser = Browser::start().await;
    let b = &app.base;

    // The manager signs in and lands on their home, which leads to the work (axe on each).
    keyboard_sign_in(&browser, b, "manager.alderhey@example.org").await;
    assert_eq!(browser.path().await, "/manage");
    assert_eq!(browser.heading().await, "What is waiting");
    browser
        .activate(&format!(
            "#waiting-for-you a[href='/shortlisting/{vacancy}']"
        ))
        .await;
    assert_eq!(browser.path().await, format!("/shortlisting/{vacancy}"));
    browser.activate("header a[href='/manage']").await;
    assert_eq!(browser.path().await, "/manage");
    browser.activate("form[action='/logout'] button").await;

    // The footer leads anyone to the mentoring sign-up.
    browser.visit(&format!("{b}/")).await;
    browser.activate("footer a[href='/mentoring']").await;
    assert_eq!(browser.path().await, "/mentoring");

    // The administrator revokes an invitation (Success), then one already gone (a warning).
    let admin_id = spectra::db::users::find_by_email(&app.db, "admin@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut ids = Vec::new();
    for email in ["first@example.org", "second@example.org"] {
        ids.push(
            spectra::db::invitations::create(
                &app.db,
                &spectra::domain::EmailAddress::parse(email).unwrap(),
                "Ivy Invitee",
                &[spectra::domain::Role::Champion],
                None,
                &format!("not-a-real-token-hash-{email}"),
                admin_id,
            )
            .await
            .unwrap()
            .id,
        );
    }
    keyboard_sign_in(&browser, b, "admin@example.org").await;
    assert_eq!(browser.path().await, "/admin/users");
    browser.visit(&format!("{b}/admin/invitations")).await;
    // "Revoke" leads to a page that says what will happen; its button revokes.
    browser
        .activate(&format!(
            "main a[href='/admin/invitations/{}/revoke']",
            ids[0]
        ))
        .await;
    assert_eq!(
        browser.heading().await,
        "Revoke the invitation to Ivy Invitee?"
    );
    browser
        .activate(&format!(
            "form[action='/admin/invitations/{}/revoke'] button",
            ids[0]
        ))
        .await;
    let source = browser.source().await;
    assert!(
        source.contains("nhsuk-notification-banner--success"),
        "{source}"
    );
    // Revoked meanwhile: the link goes back to the list with a warning, nothing done.
    spectra::db::invitations::revoke(&app.db, ids[1])
        .await
        .unwrap();
    browser
        .activate(&format!(
            "main a[href='/admin/invitations/{}/revoke']",
            ids[1]
        ))
        .await;
    let source = browser.source().await;
    assert!(source.contains("nhsuk-card--warning"), "{source}");
    assert!(!source.contains("nhsuk-notification-banner--success"));

    browser.close().await;
}
