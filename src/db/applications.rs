//! The `applications` table and the tables hanging off it: evidence, referees and the record
//! of every stage change.

use sea_orm::sea_query::{CaseStatement, Expr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect, RelationTrait, TryInsertResult,
};

use crate::db::now;
use crate::domain::application::{Referee, Stage, can_move};
use crate::entities::{
    application, application_answer, application_referee, application_stage_change, vacancy,
};

/// An application by ID.
pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<Option<application::Model>, DbErr> {
    application::Entity::find_by_id(id).one(db).await
}

/// An application, its row locked for the rest of the transaction on Postgres (SQLite has one
/// writer at a time), so that moves of one application are judged one after the other.
pub async fn find_for_update(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<application::Model>, DbErr> {
    application::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await
}

/// The applicant's application for a vacancy, if they have started one.
pub async fn find_for(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
    applicant_id: i32,
) -> Result<Option<application::Model>, DbErr> {
    application::Entity::find()
        .filter(application::Column::VacancyId.eq(vacancy_id))
        .filter(application::Column::ApplicantId.eq(applicant_id))
        .one(db)
        .await
}

/// Starts a draft, or finds the one already started: an applicant has at most one
/// application per vacancy, however many tabs or clicks (the unique index decides races).
/// The adjustments start as the profile's. Run it in a transaction.
pub async fn start(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
    applicant_id: i32,
    adjustments: &str,
    confirmed_definition: Option<&str>,
) -> Result<application::Model, DbErr> {
    let now = now();
    let row = application::ActiveModel {
        vacancy_id: Set(vacancy_id),
        applicant_id: Set(applicant_id),
        stage: Set(Stage::Draft),
        reached_step: Set(0),
        guaranteed_interview: Set(None),
        adjustments: Set(adjustments.to_owned()),
        confirmed_definition: Set(confirmed_definition.map(str::to_owned)),
        withdrawal_reason: Set(String::new()),
        submitted_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let inserted = application::Entity::insert(row)
        .on_conflict_do_nothing_on([
            application::Column::VacancyId,
            application::Column::ApplicantId,
        ])
        .exec_without_returning(db)
        .await?;
    let found = find_for(db, vacancy_id, applicant_id)
        .await?
        .ok_or(DbErr::RecordNotFound("application just started".into()))?;
    if matches!(inserted, TryInsertResult::Inserted(n) if n > 0) {
        record_change(db, found.id, None, Stage::Draft, Some(applicant_id), "").await?;
    }
    Ok(found)
}

/// One of the applicant's applications with its vacancy's title and organisation.
#[derive(Clone, Debug, FromQueryResult)]
pub struct MyApplication {
    /// Application ID.
    pub id: i32,
    /// Stage name.
    pub stage: Stage,
    /// The number of form steps done, for a draft.
    pub reached_step: i32,
    /// When it was sent.
    pub submitted_at: Option<time::OffsetDateTime>,
    /// Last change.
    pub updated_at: time::OffsetDateTime,
    /// Vacancy ID.
    pub vacancy_id: i32,
    /// Vacancy title.
    pub title: String,
    /// Vacancy closing time.
    pub closes_at: time::OffsetDateTime,
    /// Organisation name.
    pub organisation: String,
}

/// The applicant's applications, most recently changed first.
pub async fn of_applicant(
    db: &impl ConnectionTrait,
    applicant_id: i32,
) -> Result<Vec<MyApplication>, DbErr> {
    use crate::entities::organisation;
    application::Entity::find()
        .select_only()
        .column(application::Column::Id)
        .column(application::Column::Stage)
        .column(application::Column::ReachedStep)
        .column(application::Column::SubmittedAt)
        .column(application::Column::UpdatedAt)
        .column(application::Column::VacancyId)
        .column_as(vacancy::Column::Title, "title")
        .column_as(vacancy::Column::ClosesAt, "closes_at")
        .column_as(organisation::Column::Name, "organisation")
        .join(
            sea_orm::JoinType::InnerJoin,
            application::Relation::Vacancy.def(),
        )
        .join(
            sea_orm::JoinType::InnerJoin,
            vacancy::Relation::Organisation.def(),
        )
        .filter(application::Column::ApplicantId.eq(applicant_id))
        .order_by_desc(application::Column::UpdatedAt)
        .order_by_desc(application::Column::Id)
        .into_model::<MyApplication>()
        .all(db)
        .await
}

/// Every application of an applicant as stored, oldest first (for the download of their data).
pub async fn all_of_applicant(
    db: &impl ConnectionTrait,
    applicant_id: i32,
) -> Result<Vec<application::Model>, DbErr> {
    application::Entity::find()
        .filter(application::Column::ApplicantId.eq(applicant_id))
        .order_by_asc(application::Column::Id)
        .all(db)
        .await
}

/// The interviews booked for some applications: (application ID, start, place).
pub async fn booked_interviews(
    db: &impl ConnectionTrait,
    application_ids: &[i32],
) -> Result<Vec<(i32, time::OffsetDateTime, String)>, DbErr> {
    use crate::entities::{interview_booking, interview_slot};
    let slot: sea_orm::RelationDef = interview_booking::Entity::belongs_to(interview_slot::Entity)
        .from(interview_booking::Column::SlotId)
        .to(interview_slot::Column::Id)
        .into();
    interview_booking::Entity::find()
        .select_only()
        .column(interview_booking::Column::ApplicationId)
        .column(interview_slot::Column::StartsAt)
        .column(interview_slot::Column::Place)
        .join(sea_orm::JoinType::InnerJoin, slot)
        .filter(interview_booking::Column::ApplicationId.is_in(application_ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await
}

/// Which of some applications have an offer waiting for the applicant's answer.
pub async fn offers_awaiting_answer(
    db: &impl ConnectionTrait,
    application_ids: &[i32],
) -> Result<Vec<i32>, DbErr> {
    use crate::entities::offer;
    offer::Entity::find()
        .select_only()
        .column(offer::Column::ApplicationId)
        .filter(offer::Column::ApplicationId.is_in(application_ids.iter().copied()))
        .filter(offer::Column::Status.eq("offered"))
        .into_tuple()
        .all(db)
        .await
}

/// The evidence given so far, by criterion ID.
pub async fn answers_of(
    db: &impl ConnectionTrait,
    application_id: i32,
) -> Result<Vec<application_answer::Model>, DbErr> {
    application_answer::Entity::find()
        .filter(application_answer::Column::ApplicationId.eq(application_id))
        .all(db)
        .await
}

/// Replaces the evidence. Run it in a transaction.
pub async fn save_answers(
    db: &impl ConnectionTrait,
    application_id: i32,
    answers: &[(i32, String)],
) -> Result<(), DbErr> {
    application_answer::Entity::delete_many()
        .filter(application_answer::Column::ApplicationId.eq(application_id))
        .exec(db)
        .await?;
    let rows = answers
        .iter()
        .map(|(criterion_id, evidence)| application_answer::ActiveModel {
            application_id: Set(application_id),
            criterion_id: Set(*criterion_id),
            evidence: Set(evidence.clone()),
            ..Default::default()
        });
    application_answer::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The referees, in order.
pub async fn referees_of(
    db: &impl ConnectionTrait,
    application_id: i32,
) -> Result<Vec<application_referee::Model>, DbErr> {
    application_referee::Entity::find()
        .filter(application_referee::Column::ApplicationId.eq(application_id))
        .order_by_asc(application_referee::Column::Position)
        .all(db)
        .await
}

/// Replaces the referees. Run it in a transaction.
pub async fn save_referees(
    db: &impl ConnectionTrait,
    application_id: i32,
    referees: &[Referee],
) -> Result<(), DbErr> {
    application_referee::Entity::delete_many()
        .filter(application_referee::Column::ApplicationId.eq(application_id))
        .exec(db)
        .await?;
    let rows = referees
        .iter()
        .enumerate()
        .map(|(i, r)| application_referee::ActiveModel {
            application_id: Set(application_id),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            kind: Set(r.kind),
            name: Set(r.name.clone()),
            relationship: Set(r.relationship.clone()),
            email: Set(r.email.clone()),
            phone: Set(r.phone.clone()),
            ..Default::default()
        });
    application_referee::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// What a step of the form changes on the application row itself.
#[derive(Clone, Debug, Default)]
pub struct StepChange {
    /// The adjustments answer, if this step sets it.
    pub adjustments: Option<String>,
    /// The guaranteed interview answer, if this step sets it.
    pub guaranteed_interview: Option<bool>,
    /// The number of steps now complete, if this step completed one.
    pub reached_step: Option<i32>,
}

/// Saves a step on a draft. Returns false if the application is no longer a draft (sent in
/// another tab), so nothing was changed.
pub async fn save_step(
    db: &impl ConnectionTrait,
    application_id: i32,
    change: StepChange,
) -> Result<bool, DbErr> {
    let mut update = application::Entity::update_many()
        .col_expr(application::Column::UpdatedAt, Expr::value(now()))
        .filter(application::Column::Id.eq(application_id))
        .filter(application::Column::Stage.eq(Stage::Draft));
    if let Some(adjustments) = change.adjustments {
        update = update.col_expr(application::Column::Adjustments, Expr::value(adjustments));
    }
    if let Some(opt_in) = change.guaranteed_interview {
        update = update.col_expr(
            application::Column::GuaranteedInterview,
            Expr::value(Some(opt_in)),
        );
    }
    if let Some(reached) = change.reached_step {
        // Never lower it: going back to change an answer keeps later steps done.
        update = update.col_expr(
            application::Column::ReachedStep,
            CaseStatement::new()
                .case(
                    application::Column::ReachedStep.gt(reached),
                    Expr::col(application::Column::ReachedStep),
                )
                .finally(reached)
                .into(),
        );
    }
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// Moves an application from `from` to `to` if it is still at `from`, and records who did it.
/// Returns false (changing nothing) if another request moved it first. A move the pipeline
/// does not allow (`domain::application::can_move`) is refused as an error. Run it in a
/// transaction.
pub async fn change_stage(
    db: &impl ConnectionTrait,
    application_id: i32,
    from: Stage,
    to: Stage,
    actor: Option<i32>,
    note: &str,
) -> Result<bool, DbErr> {
    if !can_move(from, to) {
        return Err(DbErr::Custom(format!(
            "application {application_id} cannot move from {} to {}",
            from.as_str(),
            to.as_str()
        )));
    }
    let now = now();
    let mut update = application::Entity::update_many()
        .col_expr(application::Column::Stage, Expr::value(to))
        .col_expr(application::Column::UpdatedAt, Expr::value(now))
        .filter(application::Column::Id.eq(application_id))
        .filter(application::Column::Stage.eq(from));
    if to == Stage::Submitted {
        update = update.col_expr(application::Column::SubmittedAt, Expr::value(Some(now)));
    }
    if update.exec(db).await?.rows_affected != 1 {
        return Ok(false);
    }
    record_change(db, application_id, Some(from), to, actor, note).await?;
    Ok(true)
}

/// Removes a guaranteed interview answer that no longer applies.
pub async fn clear_opt_in(db: &impl ConnectionTrait, application_id: i32) -> Result<(), DbErr> {
    application::Entity::update_many()
        .col_expr(
            application::Column::GuaranteedInterview,
            Expr::value(Option::<bool>::None),
        )
        .filter(application::Column::Id.eq(application_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Keeps the applicant's reason for withdrawing.
pub async fn set_withdrawal_reason(
    db: &impl ConnectionTrait,
    application_id: i32,
    reason: &str,
) -> Result<(), DbErr> {
    application::ActiveModel {
        id: Set(application_id),
        withdrawal_reason: Set(reason.to_owned()),
        ..Default::default()
    }
    .update(db)
    .await
    .map(|_| ())
}

async fn record_change(
    db: &impl ConnectionTrait,
    application_id: i32,
    from: Option<Stage>,
    to: Stage,
    actor: Option<i32>,
    note: &str,
) -> Result<(), DbErr> {
    let change = application_stage_change::ActiveModel {
        application_id: Set(application_id),
        from_stage: Set(from),
        to_stage: Set(to),
        actor_user_id: Set(actor),
        note: Set(note.to_owned()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    // The dashboard's summaries count the change in the same transaction (issue 24).
    crate::db::reports::summaries::record(db, change.id, application_id).await
}

/// Every stage change of an application, oldest first.
pub async fn timeline(
    db: &impl ConnectionTrait,
    application_id: i32,
) -> Result<Vec<application_stage_change::Model>, DbErr> {
    application_stage_change::Entity::find()
        .filter(application_stage_change::Column::ApplicationId.eq(application_id))
        .order_by_asc(application_stage_change::Column::Id)
        .all(db)
        .await
}

/// How many applications have been sent for each of an organisation's vacancies:
/// (vacancy ID, count), for vacancies with any.
pub async fn sent_counts_for_organisation(
    db: &impl ConnectionTrait,
    organisation_id: i32,
) -> Result<Vec<(i32, i64)>, DbErr> {
    application::Entity::find()
        .select_only()
        .column(application::Column::VacancyId)
        .column_as(application::Column::Id.count(), "sent")
        .join(
            sea_orm::JoinType::InnerJoin,
            application::Relation::Vacancy.def(),
        )
        .filter(vacancy::Column::OrganisationId.eq(organisation_id))
        .filter(application::Column::SubmittedAt.is_not_null())
        .group_by(application::Column::VacancyId)
        .into_tuple::<(i32, i64)>()
        .all(db)
        .await
}

/// A vacancy's sent applications, whole, oldest sent first (for the panel, which must not
/// show the applicant's identity before shortlisting is complete).
pub async fn sent_models_for_vacancy(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
) -> Result<Vec<application::Model>, DbErr> {
    application::Entity::find()
        .filter(application::Column::VacancyId.eq(vacancy_id))
        .filter(application::Column::SubmittedAt.is_not_null())
        .order_by_asc(application::Column::SubmittedAt)
        .order_by_asc(application::Column::Id)
        .all(db)
        .await
}

/// One sent application as a hiring manager sees it before shortlisting: no name, no
/// contact details, no care details.
#[derive(Clone, Debug, FromQueryResult)]
pub struct AnonymousApplication {
    /// Application ID (shown as its reference).
    pub id: i32,
    /// Stage name.
    pub stage: Stage,
    /// When it was sent.
    pub submitted_at: Option<time::OffsetDateTime>,
}

/// A vacancy's sent applications, oldest first. Drafts, even withdrawn ones, are the
/// applicant's own business.
pub async fn sent_for_vacancy(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
) -> Result<Vec<AnonymousApplication>, DbErr> {
    application::Entity::find()
        .select_only()
        .column(application::Column::Id)
        .column(application::Column::Stage)
        .column(application::Column::SubmittedAt)
        .filter(application::Column::VacancyId.eq(vacancy_id))
        .filter(application::Column::SubmittedAt.is_not_null())
        .order_by_asc(application::Column::SubmittedAt)
        .order_by_asc(application::Column::Id)
        .into_model::<AnonymousApplication>()
        .all(db)
        .await
}

/// The applicant's applications, oldest first, their rows locked for the rest of the
/// transaction on Postgres (SQLite has one writer at a time).
pub async fn of_applicant_for_update(
    db: &impl ConnectionTrait,
    applicant_id: i32,
) -> Result<Vec<application::Model>, DbErr> {
    application::Entity::find()
        .filter(application::Column::ApplicantId.eq(applicant_id))
        .order_by_asc(application::Column::Id)
        .lock_exclusive()
        .all(db)
        .await
}

/// Claims an application for erasing its personal data, and erases what its own row holds
/// (the support needs and the reason for withdrawing), marking it purged. Returns false,
/// changing nothing, if it was purged already: then everything else was erased with it, and
/// two instances purging at once never both erase or audit it. Run it in the transaction that
/// erases the rest.
pub async fn claim_for_erasure(
    db: &impl ConnectionTrait,
    application_id: i32,
) -> Result<bool, DbErr> {
    let result = application::Entity::update_many()
        .col_expr(application::Column::Adjustments, Expr::value(""))
        .col_expr(application::Column::WithdrawalReason, Expr::value(""))
        .col_expr(
            application::Column::PersonalDataPurgedAt,
            Expr::value(Some(now())),
        )
        .filter(application::Column::Id.eq(application_id))
        .filter(application::Column::PersonalDataPurgedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Erases the evidence written for each criterion; which criteria were answered stays.
pub async fn erase_answers(db: &impl ConnectionTrait, application_id: i32) -> Result<(), DbErr> {
    application_answer::Entity::update_many()
        .col_expr(application_answer::Column::Evidence, Expr::value(""))
        .filter(application_answer::Column::ApplicationId.eq(application_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Deletes an application's referees.
pub async fn delete_referees(db: &impl ConnectionTrait, application_id: i32) -> Result<(), DbErr> {
    application_referee::Entity::delete_many()
        .filter(application_referee::Column::ApplicationId.eq(application_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Erases the notes written with an application's stage changes; the stages, their times and
/// who moved them stay (the reports count them).
pub async fn erase_stage_notes(
    db: &impl ConnectionTrait,
    application_id: i32,
) -> Result<(), DbErr> {
    application_stage_change::Entity::update_many()
        .col_expr(application_stage_change::Column::Note, Expr::value(""))
        .filter(application_stage_change::Column::ApplicationId.eq(application_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// An application whose personal data is due to be purged, with what identifies it without
/// naming anyone.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct DueForPurge {
    /// The application.
    pub id: i32,
    /// Its vacancy.
    pub vacancy_id: i32,
    /// The vacancy's title.
    pub title: String,
    /// Its final stage.
    pub stage: Stage,
    /// When it moved into that stage: the final decision.
    pub decided_at: time::OffsetDateTime,
}

/// The applications not yet purged that ended in one of `stages` before `cutoff`, oldest ID
/// first. The final decision is the time of the stage change into the final stage.
pub async fn due_for_purge(
    db: &impl ConnectionTrait,
    stages: &[Stage],
    cutoff: time::OffsetDateTime,
) -> Result<Vec<DueForPurge>, DbErr> {
    use sea_orm::{DbBackend, Statement, Value};
    let backend = db.get_database_backend();
    let mut values: Vec<Value> = stages.iter().map(|s| (*s).into()).collect();
    values.push(cutoff.into());
    let placeholder = |n: usize| match backend {
        DbBackend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    };
    let in_list: Vec<String> = (1..=stages.len()).map(placeholder).collect();
    let sql = format!(
        "SELECT a.id AS id, a.vacancy_id AS vacancy_id, v.title AS title, a.stage AS stage, \
         MAX(c.created_at) AS decided_at \
         FROM applications a \
         JOIN vacancies v ON v.id = a.vacancy_id \
         JOIN application_stage_changes c ON c.application_id = a.id AND c.to_stage = a.stage \
         WHERE a.personal_data_purged_at IS NULL AND a.stage IN ({}) \
         GROUP BY a.id, a.vacancy_id, v.title, a.stage \
         HAVING MAX(c.created_at) < {} \
         ORDER BY a.id",
        in_list.join(", "),
        placeholder(stages.len() + 1)
    );
    DueForPurge::find_by_statement(Statement::from_sql_and_values(backend, sql, values))
        .all(db)
        .await
}
