//! The `offers` and `offer_checks` tables.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use time::Date;

use crate::db::now;
use crate::domain::offer::OfferStatus;
use crate::domain::offer::{CheckKind, CheckStatus, can_accept};
use crate::entities::{offer, offer_check, vacancy};

/// The offer made on an application, if any.
pub async fn find(
    db: &impl ConnectionTrait,
    application_id: i32,
) -> Result<Option<offer::Model>, DbErr> {
    offer::Entity::find_by_id(application_id).one(db).await
}

/// A vacancy's offers.
pub async fn of_vacancy(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
) -> Result<Vec<offer::Model>, DbErr> {
    offer::Entity::find()
        .filter(offer::Column::VacancyId.eq(vacancy_id))
        .all(db)
        .await
}

/// Makes a conditional offer.
pub async fn make(
    db: &impl ConnectionTrait,
    application_id: i32,
    vacancy_id: i32,
    by: i32,
) -> Result<(), DbErr> {
    offer::ActiveModel {
        application_id: Set(application_id),
        vacancy_id: Set(vacancy_id),
        status: Set(OfferStatus::Offered),
        offered_by: Set(by),
        offered_at: Set(now()),
        responded_at: Set(None),
        start_date: Set(None),
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// Why an acceptance was not recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotAccepted {
    /// The offer was already answered (a second click, or another tab).
    AlreadyAnswered,
    /// Every position has been filled.
    PositionsFilled,
}

/// Accepts an offer if a position is still free. The vacancy's row is locked first on
/// Postgres, so acceptances arriving together are counted one at a time and never exceed the
/// positions; SQLite has one writer at a time. Creates the checks. Run it in a transaction.
pub async fn accept(
    db: &impl ConnectionTrait,
    application_id: i32,
    vacancy_id: i32,
    checks: &[CheckKind],
) -> Result<Result<(), NotAccepted>, DbErr> {
    let Some(vacancy) = vacancy::Entity::find_by_id(vacancy_id)
        .lock_exclusive()
        .one(db)
        .await?
    else {
        return Err(DbErr::RecordNotFound(format!("vacancy {vacancy_id}")));
    };
    let accepted = offer::Entity::find()
        .filter(offer::Column::VacancyId.eq(vacancy_id))
        .filter(offer::Column::Status.eq(OfferStatus::Accepted))
        .count(db)
        .await?;
    if !can_accept(accepted, vacancy.positions) {
        return Ok(Err(NotAccepted::PositionsFilled));
    }
    let updated = offer::Entity::update_many()
        .col_expr(offer::Column::Status, Expr::value(OfferStatus::Accepted))
        .col_expr(offer::Column::RespondedAt, Expr::value(Some(now())))
        .filter(offer::Column::ApplicationId.eq(application_id))
        .filter(offer::Column::Status.eq(OfferStatus::Offered))
        .exec(db)
        .await?;
    if updated.rows_affected != 1 {
        return Ok(Err(NotAccepted::AlreadyAnswered));
    }
    let at = now();
    let rows = checks.iter().map(|kind| offer_check::ActiveModel {
        application_id: Set(application_id),
        kind: Set(*kind),
        status: Set(CheckStatus::Pending),
        note: Set(String::new()),
        updated_by: Set(None),
        updated_at: Set(at),
        ..Default::default()
    });
    offer_check::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(Ok(()))
}

/// Declines an offer. Returns false if it was already answered.
pub async fn decline(db: &impl ConnectionTrait, application_id: i32) -> Result<bool, DbErr> {
    let updated = offer::Entity::update_many()
        .col_expr(offer::Column::Status, Expr::value(OfferStatus::Declined))
        .col_expr(offer::Column::RespondedAt, Expr::value(Some(now())))
        .filter(offer::Column::ApplicationId.eq(application_id))
        .filter(offer::Column::Status.eq(OfferStatus::Offered))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Withdraws an open or accepted offer, which frees its position. Returns the status it had,
/// or None if there was no such offer.
pub async fn withdraw(
    db: &impl ConnectionTrait,
    application_id: i32,
) -> Result<Option<OfferStatus>, DbErr> {
    let Some(current) = find(db, application_id).await? else {
        return Ok(None);
    };
    let updated = offer::Entity::update_many()
        .col_expr(offer::Column::Status, Expr::value(OfferStatus::Withdrawn))
        .col_expr(offer::Column::RespondedAt, Expr::value(Some(now())))
        .filter(offer::Column::ApplicationId.eq(application_id))
        .filter(offer::Column::Status.is_in([OfferStatus::Offered, OfferStatus::Accepted]))
        .exec(db)
        .await?;
    Ok((updated.rows_affected == 1).then_some(current.status))
}

/// The checks of an accepted offer, in the order they were created.
pub async fn checks_of(
    db: &impl ConnectionTrait,
    application_id: i32,
) -> Result<Vec<offer_check::Model>, DbErr> {
    offer_check::Entity::find()
        .filter(offer_check::Column::ApplicationId.eq(application_id))
        .order_by_asc(offer_check::Column::Id)
        .all(db)
        .await
}

/// Updates one check.
pub async fn update_check(
    db: &impl ConnectionTrait,
    application_id: i32,
    kind: CheckKind,
    status: CheckStatus,
    note: &str,
    by: i32,
) -> Result<(), DbErr> {
    offer_check::Entity::update_many()
        .col_expr(offer_check::Column::Status, Expr::value(status))
        .col_expr(offer_check::Column::Note, Expr::value(note))
        .col_expr(offer_check::Column::UpdatedBy, Expr::value(Some(by)))
        .col_expr(offer_check::Column::UpdatedAt, Expr::value(now()))
        .filter(offer_check::Column::ApplicationId.eq(application_id))
        .filter(offer_check::Column::Kind.eq(kind))
        .exec(db)
        .await
        .map(|_| ())
}

/// Agrees the start date.
pub async fn set_start_date(
    db: &impl ConnectionTrait,
    application_id: i32,
    start: Date,
) -> Result<(), DbErr> {
    offer::Entity::update_many()
        .col_expr(offer::Column::StartDate, Expr::value(Some(start)))
        .filter(offer::Column::ApplicationId.eq(application_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Erases the notes of an application's pre-employment checks (free text about the person);
/// each check's status stays.
pub async fn erase_check_notes(
    db: &impl ConnectionTrait,
    application_id: i32,
) -> Result<(), DbErr> {
    offer_check::Entity::update_many()
        .col_expr(offer_check::Column::Note, "".into())
        .filter(offer_check::Column::ApplicationId.eq(application_id))
        .exec(db)
        .await
        .map(|_| ())
}
