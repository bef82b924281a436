//! Shortlisting tables: `panel_members`, `shortlistings`, `shortlist_scores`, `final_scores`
//! and `shortlist_decisions`.

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::db::now;
use crate::domain::shortlisting::ExceptionStatus;
use crate::entities::{
    application, final_score, panel_member, shortlist_decision, shortlist_score, shortlisting, user,
};

/// A vacancy's panel with each member's account, the lead first.
pub async fn panel_of(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
) -> Result<Vec<(panel_member::Model, user::Model)>, DbErr> {
    let members = panel_member::Entity::find()
        .filter(panel_member::Column::VacancyId.eq(vacancy_id))
        .order_by_desc(panel_member::Column::IsLead)
        .order_by_asc(panel_member::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i32> = members.iter().map(|m| m.user_id).collect();
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?;
    Ok(members
        .into_iter()
        .filter_map(|m| {
            let u = users.iter().find(|u| u.id == m.user_id)?.clone();
            Some((m, u))
        })
        .collect())
}

/// The user's place on the vacancy's panel, if they are on it.
pub async fn membership(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
    user_id: i32,
) -> Result<Option<panel_member::Model>, DbErr> {
    panel_member::Entity::find()
        .filter(panel_member::Column::VacancyId.eq(vacancy_id))
        .filter(panel_member::Column::UserId.eq(user_id))
        .one(db)
        .await
}

/// Adds a member (nothing happens if they are on it already).
pub async fn add_member(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
    user_id: i32,
    is_lead: bool,
) -> Result<(), DbErr> {
    panel_member::Entity::insert(panel_member::ActiveModel {
        vacancy_id: Set(vacancy_id),
        user_id: Set(user_id),
        is_lead: Set(is_lead),
        created_at: Set(now()),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([
        panel_member::Column::VacancyId,
        panel_member::Column::UserId,
    ])
    .exec_without_returning(db)
    .await
    .map(|_| ())
}

/// Removes a member who is not the lead. Returns whether one was removed.
pub async fn remove_member(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
    user_id: i32,
) -> Result<bool, DbErr> {
    let result = panel_member::Entity::delete_many()
        .filter(panel_member::Column::VacancyId.eq(vacancy_id))
        .filter(panel_member::Column::UserId.eq(user_id))
        .filter(panel_member::Column::IsLead.eq(false))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Makes a member the lead, and every other member not. Run it in a transaction.
pub async fn set_lead(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
    user_id: i32,
) -> Result<(), DbErr> {
    panel_member::Entity::update_many()
        .col_expr(
            panel_member::Column::IsLead,
            panel_member::Column::UserId.eq(user_id),
        )
        .filter(panel_member::Column::VacancyId.eq(vacancy_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// The vacancy's shortlisting row: as stored, or as it starts.
pub async fn state_of(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
) -> Result<shortlisting::Model, DbErr> {
    Ok(shortlisting::Entity::find_by_id(vacancy_id)
        .one(db)
        .await?
        .unwrap_or(shortlisting::Model {
            vacancy_id,
            completed_at: None,
            completed_by: None,
            exception_status: ExceptionStatus::None,
            exception_reason: String::new(),
            exception_cap: None,
            exception_requested_by: None,
            exception_requested_at: None,
            exception_decided_by: None,
            exception_decided_at: None,
            exception_decision_note: String::new(),
        }))
}

/// Creates the vacancy's shortlisting row if it has none.
async fn ensure_state(db: &impl ConnectionTrait, vacancy_id: i32) -> Result<(), DbErr> {
    shortlisting::Entity::insert(shortlisting::ActiveModel {
        vacancy_id: Set(vacancy_id),
        completed_at: Set(None),
        completed_by: Set(None),
        exception_status: Set(ExceptionStatus::None),
        exception_reason: Set(String::new()),
        exception_cap: Set(None),
        exception_requested_by: Set(None),
        exception_requested_at: Set(None),
        exception_decided_by: Set(None),
        exception_decided_at: Set(None),
        exception_decision_note: Set(String::new()),
    })
    .on_conflict_do_nothing_on([shortlisting::Column::VacancyId])
    .exec_without_returning(db)
    .await
    .map(|_| ())
}

/// Locks the vacancy's shortlisting row for the rest of the transaction, creating it if need
/// be, and returns it. Every write the guaranteed-interview rule guards takes this lock first,
/// so two panel actions on one vacancy are judged one after the other: on Postgres by the row
/// lock; on SQLite because the insert makes this transaction the only writer from its first
/// statement.
pub async fn lock(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
) -> Result<shortlisting::Model, DbErr> {
    ensure_state(db, vacancy_id).await?;
    shortlisting::Entity::find_by_id(vacancy_id)
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("shortlisting {vacancy_id}")))
}

/// Marks shortlisting complete, unless it already is. Returns whether this call completed it.
pub async fn complete(db: &impl ConnectionTrait, vacancy_id: i32, by: i32) -> Result<bool, DbErr> {
    ensure_state(db, vacancy_id).await?;
    let result = shortlisting::Entity::update_many()
        .col_expr(shortlisting::Column::CompletedAt, Expr::value(Some(now())))
        .col_expr(shortlisting::Column::CompletedBy, Expr::value(Some(by)))
        .filter(shortlisting::Column::VacancyId.eq(vacancy_id))
        .filter(shortlisting::Column::CompletedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Whether shortlisting of the vacancy has started: the lead has decided on an application,
/// or completed shortlisting. Scores alone do not count: the panel may score while it is open.
pub async fn started(db: &impl ConnectionTrait, vacancy_id: i32) -> Result<bool, DbErr> {
    if state_of(db, vacancy_id).await?.completed_at.is_some() {
        return Ok(true);
    }
    let applications = crate::entities::application::Entity::find()
        .select_only()
        .column(crate::entities::application::Column::Id)
        .filter(crate::entities::application::Column::VacancyId.eq(vacancy_id))
        .into_tuple::<i32>()
        .all(db)
        .await?;
    let decided = shortlist_decision::Entity::find()
        .filter(shortlist_decision::Column::ApplicationId.is_in(applications))
        .one(db)
        .await?;
    Ok(decided.is_some())
}

/// Records the lead's request for the high-volume exception. Returns false if one is already
/// requested or approved.
pub async fn request_exception(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
    by: i32,
    reason: &str,
    cap: i32,
) -> Result<bool, DbErr> {
    ensure_state(db, vacancy_id).await?;
    let result = shortlisting::Entity::update_many()
        .col_expr(
            shortlisting::Column::ExceptionStatus,
            Expr::value("requested"),
        )
        .col_expr(shortlisting::Column::ExceptionReason, Expr::value(reason))
        .col_expr(shortlisting::Column::ExceptionCap, Expr::value(Some(cap)))
        .col_expr(
            shortlisting::Column::ExceptionRequestedBy,
            Expr::value(Some(by)),
        )
        .col_expr(
            shortlisting::Column::ExceptionRequestedAt,
            Expr::value(Some(now())),
        )
        .filter(shortlisting::Column::VacancyId.eq(vacancy_id))
        .filter(
            shortlisting::Column::ExceptionStatus
                .is_in([ExceptionStatus::None, ExceptionStatus::Refused]),
        )
        .filter(shortlisting::Column::CompletedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records the champion's decision on a requested exception. Returns false if none was
/// waiting.
pub async fn decide_exception(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
    by: i32,
    approve: bool,
    note: &str,
) -> Result<bool, DbErr> {
    let result = shortlisting::Entity::update_many()
        .col_expr(
            shortlisting::Column::ExceptionStatus,
            Expr::value(if approve {
                ExceptionStatus::Approved
            } else {
                ExceptionStatus::Refused
            }),
        )
        .col_expr(
            shortlisting::Column::ExceptionDecidedBy,
            Expr::value(Some(by)),
        )
        .col_expr(
            shortlisting::Column::ExceptionDecidedAt,
            Expr::value(Some(now())),
        )
        .col_expr(
            shortlisting::Column::ExceptionDecisionNote,
            Expr::value(note),
        )
        .filter(shortlisting::Column::VacancyId.eq(vacancy_id))
        .filter(shortlisting::Column::ExceptionStatus.eq(ExceptionStatus::Requested))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Every exception requested and waiting for the champion, oldest first.
pub async fn exceptions_waiting(
    db: &impl ConnectionTrait,
) -> Result<Vec<shortlisting::Model>, DbErr> {
    shortlisting::Entity::find()
        .filter(shortlisting::Column::ExceptionStatus.eq(ExceptionStatus::Requested))
        .order_by_asc(shortlisting::Column::ExceptionRequestedAt)
        .all(db)
        .await
}

/// Every panel member's scores for the applications given.
pub async fn scores_for(
    db: &impl ConnectionTrait,
    application_ids: &[i32],
) -> Result<Vec<shortlist_score::Model>, DbErr> {
    shortlist_score::Entity::find()
        .filter(shortlist_score::Column::ApplicationId.is_in(application_ids.to_vec()))
        .all(db)
        .await
}

/// How much of a vacancy's applications one panel member has scored: how many of the
/// vacancy's criteria, and the sum of those scores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, FromQueryResult)]
pub struct ScoreTally {
    /// The application.
    pub application_id: i32,
    /// The panel member.
    pub scorer_id: i32,
    /// Criteria they have scored.
    pub scored: i64,
    /// The sum of their scores.
    pub total: i64,
}

/// For each application of the vacancy and each member of its panel as it is now, how many of
/// its criteria they have scored and the sum: counted in the database, so the board reads a
/// few rows per application rather than every score (issue 24 point 3). A removed member's
/// scores stay stored but are not counted.
pub async fn score_tallies(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
) -> Result<Vec<ScoreTally>, DbErr> {
    let backend = db.get_database_backend();
    let placeholder = if backend == sea_orm::DbBackend::Postgres {
        "$1"
    } else {
        "?"
    };
    let sql = format!(
        "SELECT s.application_id AS application_id, s.scorer_id AS scorer_id, \
         COUNT(*) AS scored, CAST(SUM(s.score) AS BIGINT) AS total \
         FROM shortlist_scores s \
         JOIN applications a ON a.id = s.application_id \
         JOIN vacancy_criteria k ON k.id = s.criterion_id AND k.vacancy_id = a.vacancy_id \
         JOIN panel_members p ON p.vacancy_id = a.vacancy_id AND p.user_id = s.scorer_id \
         WHERE a.vacancy_id = {placeholder} \
         GROUP BY s.application_id, s.scorer_id"
    );
    ScoreTally::find_by_statement(sea_orm::Statement::from_sql_and_values(
        backend,
        sql,
        [vacancy_id.into()],
    ))
    .all(db)
    .await
}

/// Saves one scorer's scores (criterion, score, note) for an application, replacing theirs.
pub async fn save_scores(
    db: &impl ConnectionTrait,
    application_id: i32,
    scorer_id: i32,
    scores: &[(i32, i16, String)],
) -> Result<(), DbErr> {
    let now = now();
    let rows = scores
        .iter()
        .map(|(criterion_id, score, note)| shortlist_score::ActiveModel {
            application_id: Set(application_id),
            criterion_id: Set(*criterion_id),
            scorer_id: Set(scorer_id),
            score: Set(*score),
            note: Set(note.clone()),
            updated_at: Set(now),
            ..Default::default()
        });
    shortlist_score::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([
                shortlist_score::Column::ApplicationId,
                shortlist_score::Column::CriterionId,
                shortlist_score::Column::ScorerId,
            ])
            .update_columns([
                shortlist_score::Column::Score,
                shortlist_score::Column::Note,
                shortlist_score::Column::UpdatedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .map(|_| ())
}

/// The lead's final scores for the applications given.
pub async fn finals_for(
    db: &impl ConnectionTrait,
    application_ids: &[i32],
) -> Result<Vec<final_score::Model>, DbErr> {
    final_score::Entity::find()
        .filter(final_score::Column::ApplicationId.is_in(application_ids.to_vec()))
        .all(db)
        .await
}

/// The final scores of every application of a vacancy: one statement however many there are
/// (a list of thousands of IDs costs more to send and plan than the rows cost to read).
pub async fn finals_of_vacancy(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
) -> Result<Vec<final_score::Model>, DbErr> {
    final_score::Entity::find()
        .filter(final_score::Column::ApplicationId.in_subquery(applications_of(vacancy_id)))
        .all(db)
        .await
}

/// The IDs of a vacancy's applications, as a subquery.
fn applications_of(vacancy_id: i32) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(application::Column::Id)
        .from(application::Entity)
        .and_where(application::Column::VacancyId.eq(vacancy_id))
        .to_owned()
}

/// Saves the lead's final scores (criterion, score) for an application.
pub async fn save_finals(
    db: &impl ConnectionTrait,
    application_id: i32,
    lead_id: i32,
    scores: &[(i32, i16)],
) -> Result<(), DbErr> {
    let now = now();
    let rows = scores
        .iter()
        .map(|(criterion_id, score)| final_score::ActiveModel {
            application_id: Set(application_id),
            criterion_id: Set(*criterion_id),
            score: Set(*score),
            set_by: Set(lead_id),
            updated_at: Set(now),
            ..Default::default()
        });
    final_score::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([
                final_score::Column::ApplicationId,
                final_score::Column::CriterionId,
            ])
            .update_columns([
                final_score::Column::Score,
                final_score::Column::SetBy,
                final_score::Column::UpdatedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .map(|_| ())
}

/// The decisions recorded for the applications given.
pub async fn decisions_for(
    db: &impl ConnectionTrait,
    application_ids: &[i32],
) -> Result<Vec<shortlist_decision::Model>, DbErr> {
    shortlist_decision::Entity::find()
        .filter(shortlist_decision::Column::ApplicationId.is_in(application_ids.to_vec()))
        .all(db)
        .await
}

/// The decisions on every application of a vacancy, in one statement.
pub async fn decisions_of_vacancy(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
) -> Result<Vec<shortlist_decision::Model>, DbErr> {
    shortlist_decision::Entity::find()
        .filter(shortlist_decision::Column::ApplicationId.in_subquery(applications_of(vacancy_id)))
        .all(db)
        .await
}

/// Records (or replaces) the decision on an application.
pub async fn save_decision(
    db: &impl ConnectionTrait,
    application_id: i32,
    invited: bool,
    feedback: &str,
    automatic: bool,
    by: i32,
) -> Result<(), DbErr> {
    shortlist_decision::Entity::insert(shortlist_decision::ActiveModel {
        application_id: Set(application_id),
        invited: Set(invited),
        feedback: Set(feedback.to_owned()),
        automatic: Set(automatic),
        decided_by: Set(by),
        decided_at: Set(now()),
    })
    .on_conflict(
        OnConflict::column(shortlist_decision::Column::ApplicationId)
            .update_columns([
                shortlist_decision::Column::Invited,
                shortlist_decision::Column::Feedback,
                shortlist_decision::Column::Automatic,
                shortlist_decision::Column::DecidedBy,
                shortlist_decision::Column::DecidedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await
    .map(|_| ())
}

/// Erases what the panel wrote about an application: the decision's feedback and every
/// score's note. The scores and the decision stay.
pub async fn erase_feedback_and_notes(
    db: &impl ConnectionTrait,
    application_id: i32,
) -> Result<(), DbErr> {
    shortlist_decision::Entity::update_many()
        .col_expr(shortlist_decision::Column::Feedback, "".into())
        .filter(shortlist_decision::Column::ApplicationId.eq(application_id))
        .exec(db)
        .await?;
    shortlist_score::Entity::update_many()
        .col_expr(shortlist_score::Column::Note, "".into())
        .filter(shortlist_score::Column::ApplicationId.eq(application_id))
        .exec(db)
        .await?;
    Ok(())
}
