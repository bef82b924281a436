//! The shortlisting board of a vacancy with more applications than a page holds (issue 24
//! point 3), seeded by `seed-synthetic`: the lead works through it page by page, each choice
//! of what to list lists each of its applications once and as many as its count says, the
//! lead's orders hold, and a member, who scores independently, sees no averages and cannot
//! order by them.

use std::collections::BTreeSet;

use scraper::{Html, Selector};
use sea_orm::{ConnectionTrait, EntityTrait};
use spectra::domain::NewPassword;
use spectra::entities::user;
use spectra::seed::synthetic::{self, Options};

use crate::helpers::{PASSWORD, spawn_app, text_of};
use crate::synthetic::{check_shortlisting, with_shortlisting};

/// The board's rows: each application's reference and, for the lead, its average score.
fn board_rows(body: &str) -> Vec<(String, Option<f64>)> {
    let doc = Html::parse_document(body);
    let rows = Selector::parse("tbody tr").unwrap();
    let cells = Selector::parse("td").unwrap();
    let link = Selector::parse("td a").unwrap();
    doc.select(&rows)
        .map(|row| {
            let reference = row
                .select(&link)
                .next()
                .map(|a| a.text().collect::<String>())
                .unwrap_or_default();
            let average = row
                .select(&cells)
                .filter_map(|c| {
                    let text = c.text().collect::<String>();
                    text.strip_prefix("Average score ")
                        .and_then(|n| n.trim().parse::<f64>().ok())
                })
                .next();
            (reference, average)
        })
        .collect()
}

/// How many applications an option of the board's "Show" list says it lists.
fn option_count(body: &str, words: &str) -> usize {
    let doc = Html::parse_document(body);
    let options = Selector::parse("#show option").unwrap();
    doc.select(&options)
        .map(|o| o.text().collect::<String>())
        .find_map(|text| {
            text.strip_prefix(&format!("{words} ("))
                .and_then(|rest| rest.strip_suffix(')'))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or_else(|| panic!("no option {words:?} in {body}"))
}

/// Every row of the board listing `show` in `order`, following its "Next" links.
async fn every_page(
    client: &crate::helpers::Client,
    board: &str,
    show: &str,
    order: &str,
) -> Vec<(String, Option<f64>)> {
    let mut rows = Vec::new();
    let mut address = format!("{board}?show={show}&order={order}");
    loop {
        let (status, body) = client.page(&address).await;
        assert_eq!(status, 200, "{address}");
        rows.extend(board_rows(&body));
        let doc = Html::parse_document(&body);
        let next = Selector::parse("a.nhsuk-pagination__link--next").unwrap();
        match doc
            .select(&next)
            .next()
            .and_then(|a| a.value().attr("href"))
        {
            Some(href) => address = href.replace("&amp;", "&"),
            None => return rows,
        }
    }
}

#[tokio::test]
async fn the_lead_signs_in_and_works_through_every_application_page_by_page() {
    let app = spawn_app().await;
    let options = Options {
        counts: with_shortlisting(60),
        seed: Some(9),
        lead_password: Some(NewPassword::parse(PASSWORD, PASSWORD, "").unwrap()),
    };
    let report = synthetic::seed(&app.db, &options).await.unwrap();
    let shortlisting = report.shortlisting.unwrap();
    assert_eq!(shortlisting.applications, 60);
    check_shortlisting(&app.db, shortlisting.vacancy_id, 60).await;
    let board = format!("/shortlisting/{}", shortlisting.vacancy_id);

    let lead = app.new_client();
    lead.sign_in(&shortlisting.lead_email, PASSWORD).await;
    let (status, body) = lead.page(&board).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("you lead this panel"), "{body}");
    assert!(text_of(&body, "h1").contains("Healthcare support worker"));
    assert_eq!(board_rows(&body).len(), 50, "a page lists 50");
    assert!(
        body.contains("3 of 3"),
        "most applications are scored by the whole panel"
    );
    assert!(!body.contains("Guaranteed interview scheme applies"));
    assert!(body.contains("(lead)"));
    assert!(body.contains("Average score"), "the lead sees the averages");

    // Every choice of what to list, page by page, lists each of its applications once, as
    // many as its count says, and together the decisions cover all 60.
    let mut decided = BTreeSet::new();
    for (show, words) in [
        ("all", "All applications"),
        ("undecided", "Not decided"),
        ("invite", "Decided: invite"),
        ("not-shortlisted", "Decided: not shortlisted"),
        ("to-score", "Your scores to do"),
    ] {
        let listed = every_page(&lead, &board, show, "score").await;
        let count = option_count(&body, words);
        assert_eq!(listed.len(), count, "{show}");
        let unique: BTreeSet<&String> = listed.iter().map(|(r, _)| r).collect();
        assert_eq!(unique.len(), count, "{show}: each once");
        if show != "all" && show != "to-score" {
            decided.extend(listed.iter().map(|(r, _)| r.clone()));
        }
        // Ordered by the panel's average score, highest first.
        let averages: Vec<f64> = listed.iter().filter_map(|(_, a)| *a).collect();
        assert!(
            averages.windows(2).all(|w| w[0] >= w[1]),
            "{show}: {averages:?}"
        );
    }
    assert_eq!(
        decided.len(),
        60,
        "the decisions' lists cover every application"
    );

    // The other members still have a password nobody knows; give one of them the lead's to
    // check they see the board too, and a manager of the other organisation does not.
    let copy_hash = |email: &str| {
        format!(
            "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE email = '{}') \
             WHERE email = '{email}'",
            shortlisting.lead_email
        )
    };
    let member = shortlisting.member_emails.first().unwrap().clone();
    app.db
        .execute_unprepared(&copy_hash(&member))
        .await
        .unwrap();
    let client = app.new_client();
    client.sign_in(&member, PASSWORD).await;
    let (status, body) = client.page(&board).await;
    assert_eq!(status, 200, "{body}");
    assert!(!body.contains("you lead this panel"), "{body}");
    // A member scores independently: no averages, and no ordering by them, even when asked.
    let (status, asked) = client.page(&format!("{board}?order=score&show=all")).await;
    assert_eq!(status, 200);
    assert!(!asked.contains("Average score"), "{asked}");
    assert!(!asked.contains("Highest average score first"));
    assert!(asked.contains("not decided first"), "{asked}");
    assert_eq!(every_page(&client, &board, "all", "score").await.len(), 60);

    let outsider = user::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|u| {
            u.email.starts_with("manager")
                && u.email != shortlisting.lead_email
                && !shortlisting.member_emails.contains(&u.email)
        })
        .unwrap();
    app.db
        .execute_unprepared(&copy_hash(&outsider.email))
        .await
        .unwrap();
    let client = app.new_client();
    client.sign_in(&outsider.email, PASSWORD).await;
    let (status, _) = client.page(&board).await;
    assert_eq!(status, 404);
}
