//! A stored value the code cannot read (a role, an answer, a list or a document it does not
//! know) is an error that ends the request as a 500, never a default that passes for the truth:
//! no roles, "prefer not to say", no times free, an empty proposal.

use sea_orm::ConnectionTrait;
use spectra::domain::Role;

use crate::helpers::{PASSWORD, TestApp, location, spawn_app};
use crate::mentoring_matching::{coordinator, pilot, run};

/// Changes stored rows behind the service's back.
async fn corrupt(app: &TestApp, sql: &str) {
    let done = app.db.execute_unprepared(sql).await.unwrap();
    assert!(done.rows_affected() > 0, "{sql}");
}

#[tokio::test]
async fn a_role_the_code_does_not_know_is_an_error_not_a_role_dropped() {
    let app = spawn_app().await;
    app.create_user("admin@example.org", &[Role::Admin], None)
        .await;
    let staff = app
        .create_user("staff@example.org", &[Role::Mentor], None)
        .await;
    app.client.sign_in("admin@example.org", PASSWORD).await;
    let (status, _) = app.client.page("/admin/users").await;
    assert_eq!(status, 200);

    corrupt(
        &app,
        &format!("UPDATE user_roles SET role = 'wizard' WHERE user_id = {staff}"),
    )
    .await;

    let (status, _) = app.client.page("/admin/users").await;
    assert_eq!(status, 500);
    let error = spectra::db::users::roles_of(&app.db, staff)
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("unknown Role stored: \"wizard\""),
        "{error}"
    );
}

#[tokio::test]
async fn an_unknown_care_experience_answer_is_an_error_not_prefer_not_to_say() {
    let app = spawn_app().await;
    let (id, client) = crate::applications::applicant(&app, "care@example.org", "yes").await;
    let (status, _) = client.page("/applications").await;
    assert_eq!(status, 200);

    corrupt(
        &app,
        &format!("UPDATE applicant_profiles SET care_experience = 'maybe' WHERE user_id = {id}"),
    )
    .await;

    let (status, _) = client.page("/applications").await;
    assert_eq!(status, 500);
}

#[tokio::test]
async fn an_invitation_with_a_role_the_code_does_not_know_is_an_error_not_no_roles() {
    let app = spawn_app().await;
    app.create_user("admin@example.org", &[Role::Admin], None)
        .await;
    app.client.sign_in("admin@example.org", PASSWORD).await;
    let sent = app
        .client
        .post(
            "/admin/invitations",
            &[
                ("full_name", "Rae Champion"),
                ("email", "rae@example.org"),
                ("roles", "champion"),
            ],
        )
        .await;
    assert_eq!(location(&sent), "/admin/invitations");
    let (status, _) = app.client.page("/admin/invitations").await;
    assert_eq!(status, 200);

    corrupt(&app, "UPDATE invitations SET roles = 'champion,wizard'").await;

    let (status, _) = app.client.page("/admin/invitations").await;
    assert_eq!(status, 500);
    let open = spectra::db::invitations::open(&app.db).await.unwrap();
    let error = spectra::db::invitations::roles_of(&open[0]).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("unknown Role list stored: \"champion,wizard\""),
        "{error}"
    );
}

#[tokio::test]
async fn unreadable_mentoring_wishes_and_proposals_are_errors_not_empty() {
    let app = spawn_app().await;
    let pilot = pilot(&app).await;
    let client = coordinator(&app).await;
    run(&client).await;
    let mentor_page = format!("/mentoring/coordinator/mentors/{}", pilot.paediatrics);
    let (status, _) = client.page(&mentor_page).await;
    assert_eq!(status, 200);

    corrupt(&app, "UPDATE match_runs SET proposal = 'not a proposal'").await;
    let (status, _) = client.page("/mentoring/coordinator/matching").await;
    assert_eq!(status, 500, "not a page with no pairs");

    corrupt(
        &app,
        &format!(
            "UPDATE mentors SET availability = 'mon_am;fortnightly' WHERE id = {}",
            pilot.paediatrics
        ),
    )
    .await;
    let (status, _) = client.page(&mentor_page).await;
    assert_eq!(status, 500, "not a mentor free at no time");

    corrupt(
        &app,
        &format!(
            "UPDATE mentees SET lived_experience_preference = 'essential' WHERE id = {}",
            pilot.kai
        ),
    )
    .await;
    let error = spectra::db::mentoring::registry::approved_mentees(&app.db)
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("unknown Strength stored: \"essential\""),
        "{error}"
    );
}

#[tokio::test]
async fn a_kind_of_referee_the_code_does_not_know_is_an_error_not_left_out() {
    let app = spawn_app().await;
    let posted = crate::applications::post_vacancy(&app, "Porter", false).await;
    let page = format!("/vacancies/{}", posted.id);
    let (status, _) = app.client.page(&page).await;
    assert_eq!(status, 200);

    corrupt(
        &app,
        &format!(
            "UPDATE vacancies SET reference_options = 'employer,pen_pal' WHERE id = {}",
            posted.id
        ),
    )
    .await;

    let (status, _) = app.client.page(&page).await;
    assert_eq!(status, 500, "not a vacancy that accepts employers only");
}

#[tokio::test]
async fn a_final_score_out_of_range_is_an_error_not_a_score_missing() {
    use crate::shortlisting::{close, finals, lead, sent};
    let app = spawn_app().await;
    let v = crate::applications::post_vacancy(&app, "Ward clerk", false).await;
    let id = sent(&app, &v, "ash@example.org", "no", None).await;
    close(&app, v.id).await;
    let lead = lead(&app, &v).await;
    finals(&lead, &v, id, ["2", "1", "0"]).await;
    let board = format!("/shortlisting/{}", v.id);
    let (status, _) = lead.page(&board).await;
    assert_eq!(status, 200);

    corrupt(
        &app,
        &format!("UPDATE final_scores SET score = 7 WHERE application_id = {id}"),
    )
    .await;

    let (status, _) = lead.page(&board).await;
    assert_eq!(status, 500, "not an application with no final scores");
}

#[tokio::test]
async fn a_leaving_reason_the_code_does_not_know_is_an_error_not_left_out() {
    use crate::retention::{employ, organisation, start_with_two_due};
    let app = spawn_app().await;
    let (org, _, manager) = organisation(&app, "Alder Hey Children's NHS FT", "hm@nhs.net").await;
    let id = employ(&app, org, "Porter", start_with_two_due()).await;
    corrupt(
        &app,
        &format!(
            "UPDATE employment_records SET end_date = start_date, end_kind = 'left', \
             leaving_reason = 'vr_relocation' WHERE id = {id}"
        ),
    )
    .await;
    let page = format!("/manage/employees/{id}");
    let (status, body) = manager.page(&page).await;
    assert_eq!(status, 200);
    assert!(body.contains("Voluntary Resignation - Relocation"));

    corrupt(
        &app,
        &format!("UPDATE employment_records SET leaving_reason = 'gone_fishing' WHERE id = {id}"),
    )
    .await;
    let (status, _) = manager.page(&page).await;
    assert_eq!(status, 500, "not a leaving with no reason");

    corrupt(
        &app,
        &format!(
            "UPDATE employment_records SET leaving_reason = 'vr_relocation', end_kind = 'retired' \
             WHERE id = {id}"
        ),
    )
    .await;
    let (status, _) = manager.page(&page).await;
    assert_eq!(status, 500, "not an ending of no kind");
}
