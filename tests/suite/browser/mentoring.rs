//! Browser tests: mentoring journeys (keyboard only, axe-core on every page).

use super::*;

/// Issue 12, point 7: "Confirm N matches" first shows what will happen and to whom; nothing is
/// stored or emailed until the coordinator confirms there.
#[tokio::test]
async fn the_coordinator_sees_who_will_be_emailed_before_confirming_matches() {
    require!(Browser::available(), "Chromium and chromedriver");
    let app = spawn_app_with_demo().await;
    let browser = Browser::start().await;
    let b = &app.base;

    keyboard_sign_in(&browser, b, "coordinator@example.org").await;
    browser
        .activate("header a[href='/mentoring/coordinator']")
        .await;
    // The overview says what is waiting, and flags the students without a mentor.
    let source = browser.source().await;
    assert!(source.contains("What to do next"), "no next steps");
    assert!(
        source.contains("id=\"waiting-list\""),
        "no waiting students flagged"
    );
    browser
        .activate("#next-steps-list a[href='/mentoring/coordinator/matching']")
        .await;
    assert_eq!(browser.heading().await, "Match mentors and students");
    browser
        .activate("form[action='/mentoring/coordinator/matching/run'] button")
        .await;
    let source = browser.source().await;
    assert!(source.contains("Proposed matches"), "no proposal shown");
    assert!(source.contains("Next-best mentors"), "no next-best mentors");

    let relationships_before = app.count("mentoring_relationships").await;
    let emails_before = app.count("outbox_messages").await;
    browser.activate("a#confirm").await;
    assert!(
        browser.path().await.ends_with("/confirm"),
        "the confirm button opens the confirmation page"
    );
    assert!(browser.heading().await.starts_with("Confirm "));
    let source = browser.source().await;
    assert!(source.contains("Nothing has happened yet"));
    assert!(source.contains("are emailed an introduction"));
    assert!(source.contains("Each learns the other's name, email address and details"));
    // Nothing stored or queued yet.
    assert_eq!(
        app.count("mentoring_relationships").await,
        relationships_before
    );
    assert_eq!(
        app.count("match_runs WHERE confirmed_at IS NOT NULL").await,
        0
    );
    assert_eq!(app.count("outbox_messages").await, emails_before);

    browser
        .activate("form[action$='/confirm'] button[type=submit]")
        .await;
    assert_eq!(browser.path().await, "/mentoring/coordinator/relationships");
    assert!(browser.source().await.contains("confirmed"));
    let run = spectra::db::mentoring::matching::latest_run(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(run.confirmed_at.is_some());
    let proposal = spectra::db::mentoring::matching::proposal_of(&run).unwrap();
    let pairs = i64::try_from(proposal.pairs.len()).unwrap();
    assert!(pairs > 0);
    assert_eq!(
        app.count("mentoring_relationships").await,
        relationships_before + pairs
    );
    // Two introductions a pair, and one waiting-list email for each student left over.
    let left_over = i64::try_from(proposal.unmatched.len()).unwrap();
    assert_eq!(
        app.count("outbox_messages").await,
        emails_before + 2 * pairs + left_over
    );

    browser.close().await;
}
