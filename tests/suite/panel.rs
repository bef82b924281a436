//! The shortlisting panel: who may change it (only its lead, or an admin; after completion
//! only an admin, with a reason), the audit of every change and of late looks at the reveal,
//! removed members' scores, and nothing about referees or care reaching the panel before the
//! reveal.

use spectra::domain::Role;

use crate::applications::{Posted, expect_redirect, post_vacancy};
use crate::helpers::{Client, PASSWORD, TestApp, spawn_app, text_of};
use crate::shortlisting::{audited, close, decide, finals, lead, name_of, sent};

/// A hiring manager of the vacancy's organisation, signed in, and their ID.
async fn colleague(app: &TestApp, v: &Posted, email: &str) -> (i32, Client) {
    let id = app
        .create_user(email, &[Role::HiringManager], Some(v.organisation_id))
        .await;
    let client = app.new_client();
    client.sign_in(email, PASSWORD).await;
    (id, client)
}

async fn panel_ids(app: &TestApp, v: &Posted) -> Vec<(i32, bool)> {
    spectra::db::shortlisting::panel_of(&app.db, v.id)
        .await
        .unwrap()
        .into_iter()
        .map(|(m, _)| (m.user_id, m.is_lead))
        .collect()
}

async fn change(client: &Client, v: &Posted, user_id: i32, action: &str) -> reqwest::Response {
    client
        .post(
            &format!("/manage/vacancies/{}/panel", v.id),
            &[("user_id", &user_id.to_string()), ("action", action)],
        )
        .await
}

/// Words that would tell a panel member that an applicant has been in care.
const GIVEAWAYS: [&str; 5] = [
    "personal adviser",
    "leaving care",
    "local authority",
    "care details",
    "sam patel",
];

#[tokio::test]
async fn panel_members_see_nothing_of_referees_or_care_before_completion() {
    // Arrange: an applicant who declared care experience, did not opt in to the scheme, and
    // gave a personal adviser as referee; a lead and a member on the panel.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Porter", false).await;
    let id = sent(&app, &v, "quiet@example.org", "yes", Some("no")).await;
    let lead = lead(&app, &v).await;
    let (member_id, member) = colleague(&app, &v, "member@nhs.net").await;
    expect_redirect(
        change(&lead, &v, member_id, "add").await,
        &format!("/manage/vacancies/{}/panel", v.id),
    )
    .await;
    // Every page a panel member reaches about this vacancy's applications.
    let pages = [
        "/manage/vacancies".to_owned(),
        format!("/manage/vacancies/{}", v.id),
        format!("/manage/vacancies/{}/panel", v.id),
        format!("/shortlisting/{}", v.id),
        format!("/shortlisting/{}/applications/{id}", v.id),
        format!("/shortlisting/{}/interviews", v.id),
        format!("/shortlisting/{}/offers", v.id),
    ];

    for closed in [false, true] {
        if closed {
            close(&app, v.id).await;
        }
        for (who, client) in [("lead", &lead), ("member", &member)] {
            for path in &pages {
                // Act
                let (status, body) = client.page(path).await;

                // Assert
                assert!(status < 500, "{who} {path}: {status}");
                // The manager's vacancy page ends with a preview of the public advert, which
                // rightly lists the kinds of referee the vacancy accepts: that says nothing
                // about any applicant.
                let about_applicants = body.split("<h2>Preview</h2>").next().unwrap_or_default();
                let text = about_applicants.to_lowercase();
                for word in GIVEAWAYS {
                    assert!(
                        !text.contains(word),
                        "{who} saw {word:?} on {path} (closed: {closed})"
                    );
                }
                assert!(
                    !text.contains(&name_of("quiet@example.org").to_lowercase()),
                    "{who} saw the name on {path}"
                );
            }
        }
    }
    // Nor in any email to the panel.
    for email in app.emails() {
        if email.to.ends_with("@nhs.net") {
            let text = email.text.to_lowercase();
            assert!(
                GIVEAWAYS.iter().all(|w| !text.contains(w)),
                "{}",
                email.subject
            );
        }
    }

    // After completion, an invited applicant's referees appear with the rest of the reveal.
    finals(&lead, &v, id, ["2", "2", "2"]).await;
    expect_redirect(
        decide(&lead, &v, id, "invite", "").await,
        &format!("/shortlisting/{}", v.id),
    )
    .await;
    expect_redirect(
        lead.post(&format!("/shortlisting/{}/complete", v.id), &[])
            .await,
        &format!("/shortlisting/{}", v.id),
    )
    .await;
    let (_, body) = member
        .page(&format!("/shortlisting/{}/applications/{id}", v.id))
        .await;
    assert!(body.contains("Sam Patel"), "{body}");
    assert!(body.contains("A personal adviser or leaving care worker"));
    assert!(body.contains(&name_of("quiet@example.org")));
}

#[tokio::test]
async fn only_the_lead_changes_the_panel_and_every_change_is_audited() {
    // Arrange
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Ward clerk", false).await;
    let lead_client = lead(&app, &v).await;
    let lead_id = panel_ids(&app, &v).await[0].0;
    let (outsider_id, outsider) = colleague(&app, &v, "not.on.panel@nhs.net").await;
    let (member_id, member) = colleague(&app, &v, "member@nhs.net").await;

    // Act and assert: a manager of the organisation who is not on the panel cannot join it,
    // lead it or remove anyone.
    for action in ["add", "lead"] {
        let response = change(&outsider, &v, outsider_id, action).await;
        assert_eq!(response.status().as_u16(), 403, "{action}");
    }
    assert_eq!(panel_ids(&app, &v).await, [(lead_id, true)]);
    let (status, page) = outsider
        .page(&format!("/manage/vacancies/{}/panel", v.id))
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("Only the lead of the panel can change who is on it."));
    assert!(!page.contains("Add to the panel"));

    // The lead adds a member; the member cannot make themselves lead or add anyone.
    expect_redirect(
        change(&lead_client, &v, member_id, "add").await,
        &format!("/manage/vacancies/{}/panel", v.id),
    )
    .await;
    assert_eq!(
        change(&member, &v, member_id, "lead")
            .await
            .status()
            .as_u16(),
        403
    );
    assert_eq!(
        change(&member, &v, outsider_id, "add")
            .await
            .status()
            .as_u16(),
        403
    );
    // The lead hands the lead on; the old lead can then change nothing.
    expect_redirect(
        change(&lead_client, &v, member_id, "lead").await,
        &format!("/manage/vacancies/{}/panel", v.id),
    )
    .await;
    assert_eq!(
        change(&lead_client, &v, lead_id, "lead")
            .await
            .status()
            .as_u16(),
        403
    );
    assert_eq!(
        panel_ids(&app, &v).await,
        [(member_id, true), (lead_id, false)]
    );
    expect_redirect(
        change(&member, &v, lead_id, "remove").await,
        &format!("/manage/vacancies/{}/panel", v.id),
    )
    .await;

    // Every change is in the audit log, with who made it.
    let added = audited(&app, "panel_member_added").await;
    assert_eq!(added.len(), 1);
    assert_eq!(added[0].actor_user_id, Some(lead_id));
    assert_eq!(added[0].subject, format!("vacancy:{}", v.id));
    assert!(
        added[0]
            .details
            .contains(&format!("\"member\":{member_id}"))
    );
    let handed = audited(&app, "panel_lead_changed").await;
    assert_eq!(handed.len(), 1);
    assert_eq!(handed[0].actor_user_id, Some(lead_id));
    let removed = audited(&app, "panel_member_removed").await;
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0].actor_user_id, Some(member_id));
    assert!(
        removed[0]
            .details
            .contains(&format!("\"member\":{lead_id}"))
    );
}

#[tokio::test]
async fn after_completion_only_an_admin_changes_the_panel_with_a_reason_and_late_looks_are_audited()
{
    // Arrange: shortlisting complete, one applicant invited.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Catering assistant", false).await;
    let id = sent(&app, &v, "invited@example.org", "no", None).await;
    let lead_client = lead(&app, &v).await;
    close(&app, v.id).await;
    finals(&lead_client, &v, id, ["3", "2", "2"]).await;
    decide(&lead_client, &v, id, "invite", "").await;
    expect_redirect(
        lead_client
            .post(&format!("/shortlisting/{}/complete", v.id), &[])
            .await,
        &format!("/shortlisting/{}", v.id),
    )
    .await;
    let (late_id, late) = colleague(&app, &v, "late@nhs.net").await;
    app.create_user("admin@nhs.net", &[Role::Admin], None).await;
    let admin = app.new_client();
    admin.sign_in("admin@nhs.net", PASSWORD).await;

    // Act and assert: the lead can no longer change the panel.
    assert_eq!(
        change(&lead_client, &v, late_id, "add")
            .await
            .status()
            .as_u16(),
        403
    );
    // An admin must give a reason.
    let path = format!("/admin/vacancies/{}/panel", v.id);
    let response = admin
        .post(
            &path,
            &[("user_id", &late_id.to_string()), ("action", "add")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let page = response.text().await.unwrap();
    assert!(text_of(&page, ".nhsuk-error-summary").contains("give the reason"));
    assert_eq!(panel_ids(&app, &v).await.len(), 1);
    let response = admin
        .post(
            &path,
            &[
                ("user_id", &late_id.to_string()),
                ("action", "add"),
                (
                    "reason",
                    "The lead is on leave and interviews start Monday.",
                ),
            ],
        )
        .await;
    expect_redirect(response, &path).await;
    assert_eq!(panel_ids(&app, &v).await.len(), 2);
    let added = audited(&app, "panel_member_added").await;
    assert_eq!(added.len(), 1);
    assert!(added[0].details.contains("The lead is on leave"));
    assert!(added[0].details.contains("\"after_completion\":true"));

    // The newcomer sees the revealed name, and that look is audited; the lead's is not.
    assert_eq!(audited(&app, "reveal_viewed").await.len(), 0);
    let (status, board) = late.page(&format!("/shortlisting/{}", v.id)).await;
    assert_eq!(status, 200);
    assert!(board.contains(&name_of("invited@example.org")));
    lead_client.page(&format!("/shortlisting/{}", v.id)).await;
    let viewed = audited(&app, "reveal_viewed").await;
    assert_eq!(viewed.len(), 1);
    assert_eq!(viewed[0].actor_user_id, Some(late_id));

    // A page that is not there (an application of no vacancy of theirs) is no look at all.
    let (status, _) = late
        .page(&format!("/shortlisting/{}/applications/999999", v.id))
        .await;
    assert_eq!(status, 404);
    assert_eq!(audited(&app, "reveal_viewed").await.len(), 1);
}

#[tokio::test]
async fn a_removed_members_scores_no_longer_count() {
    // Arrange: the lead scores 1s and a member 3s.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Housekeeper", false).await;
    let id = sent(&app, &v, "scored@example.org", "no", None).await;
    let lead_client = lead(&app, &v).await;
    let (member_id, member) = colleague(&app, &v, "member@nhs.net").await;
    change(&lead_client, &v, member_id, "add").await;
    // Both stay on the review page: the lead to decide, a member to go on to the next one.
    let review_page = format!("/shortlisting/{}/applications/{id}", v.id);
    for (client, score, back_to) in [
        (&lead_client, "1", &review_page),
        (&member, "3", &review_page),
    ] {
        expect_redirect(
            client
                .post(
                    &review_page,
                    &[("score-1", score), ("score-2", score), ("score-3", score)],
                )
                .await,
            back_to,
        )
        .await;
    }
    let review = format!("/shortlisting/{}/applications/{id}", v.id);
    let (_, page) = lead_client.page(&review).await;
    assert!(page.contains("2.0"), "the average of 1 and 3");
    let (_, board) = lead_client.page(&format!("/shortlisting/{}", v.id)).await;
    assert!(
        text_of(
            &board,
            &format!("#row-{}", spectra::domain::application::reference(id))
        )
        .contains("2 of 2")
    );

    // Act
    expect_redirect(
        change(&lead_client, &v, member_id, "remove").await,
        &format!("/manage/vacancies/{}/panel", v.id),
    )
    .await;

    // Assert: only the lead's scores count now; the member's stay stored.
    let (_, page) = lead_client.page(&review).await;
    assert!(!page.contains("2.0"));
    assert!(page.contains("1.0"));
    let (_, board) = lead_client.page(&format!("/shortlisting/{}", v.id)).await;
    assert!(
        text_of(
            &board,
            &format!("#row-{}", spectra::domain::application::reference(id))
        )
        .contains("1 of 1")
    );
    assert_eq!(app.count("shortlist_scores").await, 6);
}

#[tokio::test]
async fn a_member_deactivated_since_can_still_be_removed() {
    // Arrange: a member who has since been deactivated.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Switchboard operator", false).await;
    let lead_client = lead(&app, &v).await;
    let (member_id, _) = colleague(&app, &v, "leaver@nhs.net").await;
    change(&lead_client, &v, member_id, "add").await;
    spectra::db::users::set_active(&app.db, member_id, false)
        .await
        .unwrap();

    // Act
    let response = change(&lead_client, &v, member_id, "remove").await;

    // Assert: removed, and the lead cannot be removed, in one plain sentence.
    expect_redirect(response, &format!("/manage/vacancies/{}/panel", v.id)).await;
    let lead_id = panel_ids(&app, &v).await[0].0;
    assert_eq!(panel_ids(&app, &v).await, [(lead_id, true)]);
    let response = change(&lead_client, &v, lead_id, "remove").await;
    assert_eq!(response.status().as_u16(), 400);
    let page = response.text().await.unwrap();
    assert!(page.contains("Make someone else the lead first."));
    assert!(!page.contains("first.."));
}

/// The final scores stored for an application, in criterion order.
async fn stored_finals(app: &TestApp, id: i32) -> Vec<i16> {
    let mut finals = spectra::db::shortlisting::finals_for(&app.db, &[id])
        .await
        .unwrap();
    finals.sort_by_key(|f| f.criterion_id);
    finals.into_iter().map(|f| f.score).collect()
}

#[tokio::test]
async fn the_leads_final_scores_and_decision_are_saved_by_the_pages_one_button() {
    // Arrange: one applicant in the scheme, one not, and the vacancy closed.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Records apprentice", false).await;
    let opted = sent(&app, &v, "one.form@example.org", "yes", Some("yes")).await;
    let other = sent(&app, &v, "other.form@example.org", "no", None).await;
    close(&app, v.id).await;
    let lead = lead(&app, &v).await;
    let page_of = |id: i32| format!("/shortlisting/{}/applications/{id}", v.id);

    // The page has one form, which posts to the page itself.
    let (_, page) = lead.page(&page_of(other)).await;
    assert_eq!(page.matches("<form action=\"/shortlisting/").count(), 1);
    assert!(page.contains(&format!(
        "<form action=\"{}\" method=\"post\"",
        page_of(other)
    )));
    assert!(page.contains("Save scores and decision"));

    // Act: the lead types the final scores and chooses a decision, and presses the one button.
    let response = lead
        .post(
            &page_of(other),
            &[
                ("final-1", "1"),
                ("final-2", "1"),
                ("final-3", "0"),
                ("decision", "decline"),
                ("feedback", ""),
            ],
        )
        .await;

    // Assert: both are stored.
    expect_redirect(response, &format!("/shortlisting/{}", v.id)).await;
    assert_eq!(stored_finals(&app, other).await, [1, 1, 0]);
    let decision = spectra::db::shortlisting::decisions_for(&app.db, &[other])
        .await
        .unwrap();
    assert!(!decision[0].invited);
    let (_, board) = lead.page(&format!("/shortlisting/{}", v.id)).await;
    assert!(board.contains("the final scores and the decision: not shortlisted"));

    // Act: final scores that meet every essential criterion, with a decline the rule refuses.
    let response = lead
        .post(
            &page_of(opted),
            &[
                ("final-1", "2"),
                ("final-2", "3"),
                ("final-3", "1"),
                ("decision", "decline"),
                ("feedback", "Typed feedback that must not be lost."),
            ],
        )
        .await;

    // Assert: the refusal is shown with everything typed kept, and the final scores are saved.
    assert_eq!(response.status().as_u16(), 200);
    let body = response.text().await.unwrap();
    assert!(text_of(&body, ".nhsuk-error-summary").contains("must be invited to interview"));
    assert!(body.contains("The scores and final scores are saved. The decision is not."));
    assert!(body.contains("Typed feedback that must not be lost."));
    assert!(body.contains("id=\"final-2\" name=\"final-2\" type=\"text\" value=\"3\""));
    assert_eq!(stored_finals(&app, opted).await, [2, 3, 1]);
    let decision = spectra::db::shortlisting::decisions_for(&app.db, &[opted])
        .await
        .unwrap();
    assert!(decision[0].invited, "invited automatically, not declined");
    assert_eq!(audited(&app, "override_refused").await.len(), 1);

    // A final score out of range is refused with nothing stored, everything typed kept.
    let response = lead
        .post(
            &page_of(opted),
            &[
                ("final-1", "1"),
                ("final-2", "7"),
                ("final-3", "1"),
                ("decision", "invite"),
            ],
        )
        .await;
    let body = response.text().await.unwrap();
    assert!(text_of(&body, ".nhsuk-error-summary").contains("from 0 to 3"));
    assert!(body.contains("id=\"final-1\" name=\"final-1\" type=\"text\" value=\"1\""));
    assert_eq!(stored_finals(&app, opted).await, [2, 3, 1]);
}

#[tokio::test]
async fn the_final_scores_are_filled_from_the_panels_average_once_everyone_has_scored() {
    // Arrange: a panel of two.
    let app = spawn_app().await;
    let v = post_vacancy(&app, "Catering apprentice", false).await;
    let id = sent(&app, &v, "average@example.org", "no", None).await;
    let lead = lead(&app, &v).await;
    let (colleague_id, colleague) = colleague(&app, &v, "second.scorer@nhs.net").await;
    expect_redirect(
        change(&lead, &v, colleague_id, "add").await,
        &format!("/manage/vacancies/{}/panel", v.id),
    )
    .await;
    let path = format!("/shortlisting/{}/applications/{id}", v.id);
    let score = |client: &Client, scores: [&'static str; 3]| {
        let path = path.clone();
        let client = client.clone();
        async move {
            client
                .post(
                    &path,
                    &[
                        ("score-1", scores[0]),
                        ("score-2", scores[1]),
                        ("score-3", scores[2]),
                    ],
                )
                .await
        }
    };

    // Only the lead has scored: nothing is filled in yet.
    expect_redirect(score(&lead, ["2", "3", "0"]).await, &path).await;
    let (_, page) = lead.page(&path).await;
    assert!(page.contains("id=\"final-1\" name=\"final-1\" type=\"text\" value=\"\""));
    assert!(page.contains("once everyone on the panel has scored"));

    // Act: the colleague scores too (a member's button saves only their scores).
    let response = score(&colleague, ["1", "3", "0"]).await;
    expect_redirect(response, &path).await;

    // Assert: the lead sees the panel's average, rounded, with where it came from.
    let (_, page) = lead.page(&path).await;
    assert!(page.contains("id=\"final-1\" name=\"final-1\" type=\"text\" value=\"2\""));
    assert!(page.contains("id=\"final-2\" name=\"final-2\" type=\"text\" value=\"3\""));
    assert!(page.contains("id=\"final-3\" name=\"final-3\" type=\"text\" value=\"0\""));
    assert!(
        page.contains("Filled in from the panel&#39;s average, 1.5, rounded to 2.")
            || page.contains("Filled in from the panel&#x27;s average, 1.5, rounded to 2.")
            || page.contains("Filled in from the panel's average, 1.5, rounded to 2.")
    );
    // Nothing is stored until the lead saves.
    assert!(stored_finals(&app, id).await.is_empty());
    let (_, colleague_page) = colleague.page(&path).await;
    assert!(!colleague_page.contains("name=\"final-1\""));
    assert!(colleague_page.contains("Save your scores"));
}
