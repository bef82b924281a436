//! The `vacancies` and `vacancy_criteria` tables.

use sea_orm::sea_query::{Expr, Query, QueryStatementBuilder, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use time::{Duration, OffsetDateTime};

use crate::db::now;
use crate::domain::application::Stage;
use crate::domain::vacancy::{
    ReferenceType, VacancyInput, VacancyKind, VacancyStatus, stored_references,
};
use crate::entities::stored::{UnknownStoredName, unreadable};
use crate::entities::{application, user, vacancy, vacancy_criterion};

fn reference_list(input: &VacancyInput) -> String {
    input
        .reference_options
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// The kinds of referee a vacancy accepts, as stored. A list with a name the code does not
/// know is an error, never a shorter list.
pub fn references_of(v: &vacancy::Model) -> Result<Vec<ReferenceType>, DbErr> {
    stored_references(&v.reference_options).ok_or_else(|| {
        unreadable(
            "ReferenceType list",
            UnknownStoredName {
                type_name: "ReferenceType list",
                found: v.reference_options.clone(),
            },
        )
    })
}

/// The columns a manager's form sets, for both creating and changing a vacancy.
fn details(input: &VacancyInput) -> vacancy::ActiveModel {
    vacancy::ActiveModel {
        programme_id: Set(input.programme_id),
        title: Set(input.title.clone()),
        kind: Set(input.kind),
        band: Set(input.band.clone()),
        working_pattern: Set(input.working_pattern.clone()),
        salary: Set(input.salary.clone()),
        location: Set(input.location.clone()),
        positions: Set(input.positions),
        closes_at: Set(input.closes_at),
        ring_fenced: Set(input.ring_fenced),
        summary: Set(input.summary.clone()),
        description: Set(input.description.clone()),
        entry_requirements: Set(input.entry_requirements.clone()),
        reference_options: Set(reference_list(input)),
        contact_name: Set(input.contact_name.clone()),
        contact_role: Set(input.contact_role.clone()),
        contact_email: Set(input.contact_email.clone()),
        contact_phone: Set(input.contact_phone.clone()),
        ..Default::default()
    }
}

/// Creates a draft vacancy with its criteria. Run it in a transaction.
pub async fn create(
    db: &impl ConnectionTrait,
    organisation_id: i32,
    created_by: i32,
    input: &VacancyInput,
) -> Result<vacancy::Model, DbErr> {
    let now = now();
    let row = vacancy::ActiveModel {
        organisation_id: Set(organisation_id),
        status: Set(VacancyStatus::Draft),
        created_by: Set(created_by),
        published_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..details(input)
    }
    .insert(db)
    .await?;
    insert_criteria(db, row.id, input).await?;
    // Whoever creates a vacancy leads its shortlisting panel until they hand it on.
    crate::db::shortlisting::add_member(db, row.id, created_by, true).await?;
    Ok(row)
}

/// Replaces a vacancy's details and criteria. Run it in a transaction.
pub async fn update(db: &impl ConnectionTrait, id: i32, input: &VacancyInput) -> Result<(), DbErr> {
    vacancy::ActiveModel {
        id: Set(id),
        updated_at: Set(now()),
        ..details(input)
    }
    .update(db)
    .await?;
    vacancy_criterion::Entity::delete_many()
        .filter(vacancy_criterion::Column::VacancyId.eq(id))
        .exec(db)
        .await?;
    insert_criteria(db, id, input).await
}

async fn insert_criteria(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
    input: &VacancyInput,
) -> Result<(), DbErr> {
    let rows = input
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| vacancy_criterion::ActiveModel {
            vacancy_id: Set(vacancy_id),
            essential: Set(c.essential),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            text: Set(c.text.clone()),
            ..Default::default()
        });
    vacancy_criterion::Entity::insert_many(rows)
        .exec(db)
        .await?;
    Ok(())
}

/// Finds a vacancy by ID.
pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<Option<vacancy::Model>, DbErr> {
    vacancy::Entity::find_by_id(id).one(db).await
}

/// A vacancy's criteria, in order (essential first).
pub async fn criteria_of(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
) -> Result<Vec<vacancy_criterion::Model>, DbErr> {
    vacancy_criterion::Entity::find()
        .filter(vacancy_criterion::Column::VacancyId.eq(vacancy_id))
        .order_by_asc(vacancy_criterion::Column::Position)
        .all(db)
        .await
}

/// An organisation's vacancies, newest first.
pub async fn of_organisation(
    db: &impl ConnectionTrait,
    organisation_id: i32,
) -> Result<Vec<vacancy::Model>, DbErr> {
    vacancy::Entity::find()
        .filter(vacancy::Column::OrganisationId.eq(organisation_id))
        .order_by_desc(vacancy::Column::CreatedAt)
        .all(db)
        .await
}

/// Publishes a draft. Returns false if it was not a draft.
pub async fn publish(db: &impl ConnectionTrait, id: i32) -> Result<bool, DbErr> {
    let now = now();
    let result = vacancy::Entity::update_many()
        .col_expr(
            vacancy::Column::Status,
            Expr::value(VacancyStatus::Published),
        )
        .col_expr(vacancy::Column::PublishedAt, Expr::value(Some(now)))
        .col_expr(vacancy::Column::UpdatedAt, Expr::value(now))
        .filter(vacancy::Column::Id.eq(id))
        .filter(vacancy::Column::Status.eq(VacancyStatus::Draft))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Closes a published vacancy early. Returns false if it was not published.
pub async fn close(db: &impl ConnectionTrait, id: i32) -> Result<bool, DbErr> {
    let result = vacancy::Entity::update_many()
        .col_expr(vacancy::Column::Status, Expr::value(VacancyStatus::Closed))
        .col_expr(vacancy::Column::ClosedEarlyAt, Expr::value(now()))
        .col_expr(vacancy::Column::UpdatedAt, Expr::value(now()))
        .filter(vacancy::Column::Id.eq(id))
        .filter(vacancy::Column::Status.eq(VacancyStatus::Published))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// A vacancy by ID, its row locked for the rest of the transaction on Postgres (SQLite has one
/// writer at a time), so a change, a close and a reopen of one vacancy are judged in turn.
pub async fn find_for_update(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<vacancy::Model>, DbErr> {
    vacancy::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await
}

/// A vacancy by ID, held until the transaction ends so that it cannot be closed or changed
/// while an application to it is saved or sent (on Postgres, `FOR SHARE`: applicants to one
/// vacancy still save and send side by side, while closing it waits).
pub async fn find_for_application(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<vacancy::Model>, DbErr> {
    vacancy::Entity::find_by_id(id).lock_shared().one(db).await
}

/// Changes what may change on a published vacancy: its words, contact, location, positions,
/// accepted referees and closing date. The criteria, ring-fence, programme, kind and band are
/// left as they are (`domain::vacancy::published_change` refuses changes to them).
pub async fn update_published(
    db: &impl ConnectionTrait,
    id: i32,
    input: &VacancyInput,
) -> Result<(), DbErr> {
    vacancy::ActiveModel {
        id: Set(id),
        title: Set(input.title.clone()),
        working_pattern: Set(input.working_pattern.clone()),
        salary: Set(input.salary.clone()),
        location: Set(input.location.clone()),
        positions: Set(input.positions),
        closes_at: Set(input.closes_at),
        summary: Set(input.summary.clone()),
        description: Set(input.description.clone()),
        entry_requirements: Set(input.entry_requirements.clone()),
        reference_options: Set(reference_list(input)),
        contact_name: Set(input.contact_name.clone()),
        contact_role: Set(input.contact_role.clone()),
        contact_email: Set(input.contact_email.clone()),
        contact_phone: Set(input.contact_phone.clone()),
        updated_at: Set(now()),
        ..Default::default()
    }
    .update(db)
    .await
    .map(|_| ())
}

/// Reopens a vacancy that no longer takes applications (closed early, or past its closing
/// date) until `closes_at`. Returns false if it was a draft.
pub async fn reopen(
    db: &impl ConnectionTrait,
    id: i32,
    closes_at: OffsetDateTime,
) -> Result<bool, DbErr> {
    let result = vacancy::Entity::update_many()
        .col_expr(
            vacancy::Column::Status,
            Expr::value(VacancyStatus::Published),
        )
        .col_expr(vacancy::Column::ClosesAt, Expr::value(closes_at))
        .col_expr(
            vacancy::Column::ClosedEarlyAt,
            Expr::value(Option::<OffsetDateTime>::None),
        )
        .col_expr(vacancy::Column::UpdatedAt, Expr::value(now()))
        .filter(vacancy::Column::Id.eq(id))
        .filter(vacancy::Column::Status.is_in([VacancyStatus::Published, VacancyStatus::Closed]))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// How many of a vacancy's applications are at each stage, drafts included: closing and
/// reopening say how many people they affect, without naming anyone.
pub async fn applications_by_stage(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
) -> Result<Vec<(Stage, i64)>, DbErr> {
    application::Entity::find()
        .select_only()
        .column(application::Column::Stage)
        .column_as(application::Column::Id.count(), "applications")
        .filter(application::Column::VacancyId.eq(vacancy_id))
        .group_by(application::Column::Stage)
        .into_tuple::<(Stage, i64)>()
        .all(db)
        .await
}

/// Everyone who has started an application for the vacancy and not withdrawn it, unfinished
/// or sent and not yet shortlisted, with their account: the people a new closing date concerns.
pub async fn started_applications(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
) -> Result<Vec<(application::Model, user::Model)>, DbErr> {
    let rows = application::Entity::find()
        .filter(application::Column::VacancyId.eq(vacancy_id))
        .filter(application::Column::Stage.is_in([
            Stage::Draft,
            Stage::Submitted,
            Stage::Shortlisting,
        ]))
        .order_by_asc(application::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i32> = rows.iter().map(|a| a.applicant_id).collect();
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|a| {
            let u = users.iter().find(|u| u.id == a.applicant_id)?.clone();
            Some((a, u))
        })
        .collect())
}

/// Filters of the public list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpenFilter {
    /// Only this organisation.
    pub organisation_id: Option<i32>,
    /// Only this kind.
    pub kind: Option<VacancyKind>,
    /// Only ring-fenced (true) or only open to all (false).
    pub ring_fenced: Option<bool>,
    /// Only those closing within 7 days.
    pub closing_soon: bool,
}

/// How soon "closing soon" is.
pub const CLOSING_SOON: Duration = Duration::days(7);

fn open_condition(filter: &OpenFilter, now: OffsetDateTime) -> Condition {
    // The status is written into the statement, not bound, so that Postgres can use the
    // partial index on published vacancies (migration 35) even in a prepared statement's
    // generic plan.
    let published = format!("vacancies.status = '{}'", VacancyStatus::Published.as_str());
    let mut condition = Condition::all()
        .add(Expr::cust(published))
        .add(vacancy::Column::ClosesAt.gt(now));
    if let Some(org) = filter.organisation_id {
        condition = condition.add(vacancy::Column::OrganisationId.eq(org));
    }
    if let Some(kind) = filter.kind {
        condition = condition.add(vacancy::Column::Kind.eq(kind));
    }
    if let Some(ring_fenced) = filter.ring_fenced {
        condition = condition.add(vacancy::Column::RingFenced.eq(ring_fenced));
    }
    if filter.closing_soon {
        condition = condition.add(vacancy::Column::ClosesAt.lte(now + CLOSING_SOON));
    }
    condition
}

/// One page of open vacancies, closing soonest first, and how many match in all: one query,
/// whose count is a subquery that Postgres answers from the partial index of published
/// vacancies alone (migration 35: an index-only scan, no row read), so only the page's 20 rows
/// are read. (A window count read every matching row, about eight times slower at 500 open
/// vacancies.) Only a page past the end, which has no row to carry the count, counts again.
pub async fn open_page(
    db: &impl ConnectionTrait,
    filter: &OpenFilter,
    now: OffsetDateTime,
    page: u64,
    per_page: u64,
) -> Result<(Vec<vacancy::Model>, u64), DbErr> {
    let query = vacancy::Entity::find().filter(open_condition(filter, now));
    let count = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from(vacancy::Entity)
        .cond_where(open_condition(filter, now))
        .to_owned();
    let statement = query
        .clone()
        .expr_as(
            SimpleExpr::SubQuery(None, Box::new(count.into_sub_query_statement())),
            "total",
        )
        .order_by_asc(vacancy::Column::ClosesAt)
        .order_by_asc(vacancy::Column::Id)
        .offset(page * per_page)
        .limit(per_page)
        .build(db.get_database_backend());
    let found = db.query_all_raw(statement).await?;
    let mut total = 0;
    let mut rows = Vec::with_capacity(found.len());
    for row in &found {
        let counted: i64 = row.try_get("", "total")?;
        total = u64::try_from(counted).map_err(|e| DbErr::TryIntoErr {
            from: "i64",
            into: "u64",
            source: std::sync::Arc::new(e),
        })?;
        rows.push(vacancy::Model::from_query_result(row, "")?);
    }
    if rows.is_empty() && page > 0 {
        total = query.count(db).await?;
    }
    Ok((rows, total))
}
