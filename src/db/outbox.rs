//! The `outbox_messages` table: emails waiting to be sent.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr,
    EntityTrait, QueryFilter, QueryOrder, Statement,
};
use time::{Duration, OffsetDateTime};

use crate::db::now;
use crate::domain::account_email::AccountEmail;
use crate::domain::email::Email;
use crate::entities::outbox_message;

/// Queues an email. Call it with the transaction of the change that caused the email, so
/// that the two are stored together or not at all.
pub async fn enqueue(db: &impl ConnectionTrait, email: &Email) -> Result<(), DbErr> {
    insert(db, email, None).await
}

/// Queues one of the emails anyone can ask for, marked with its kind so they can be counted.
pub async fn enqueue_account_email(
    db: &impl ConnectionTrait,
    email: &Email,
    kind: AccountEmail,
) -> Result<(), DbErr> {
    insert(db, email, Some(kind)).await
}

/// How many emails of `kind` were queued for `to` since `since`.
pub async fn count_account_emails_since(
    db: &impl ConnectionTrait,
    to: &str,
    kind: AccountEmail,
    since: OffsetDateTime,
) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    outbox_message::Entity::find()
        .filter(outbox_message::Column::ToAddress.eq(to))
        .filter(outbox_message::Column::Kind.eq(kind.as_str()))
        .filter(outbox_message::Column::CreatedAt.gt(since))
        .count(db)
        .await
}

/// Every email queued for this address, sent or not, oldest first.
pub async fn to_address(
    db: &impl ConnectionTrait,
    to: &str,
) -> Result<Vec<outbox_message::Model>, DbErr> {
    use sea_orm::QueryOrder;
    outbox_message::Entity::find()
        .filter(outbox_message::Column::ToAddress.eq(to))
        .order_by_asc(outbox_message::Column::Id)
        .all(db)
        .await
}

async fn insert(
    db: &impl ConnectionTrait,
    email: &Email,
    kind: Option<AccountEmail>,
) -> Result<(), DbErr> {
    let now = now();
    outbox_message::ActiveModel {
        to_address: Set(email.to.clone()),
        subject: Set(email.subject.clone()),
        body_text: Set(email.text.clone()),
        body_html: Set(email.html.clone()),
        calendar: Set(email.calendar.clone()),
        kind: Set(kind.map(|k| k.as_str().to_owned())),
        attempts: Set(0),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        last_error: Set(None),
        sent_at: Set(None),
        failed_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// Claims up to `limit` due messages for this worker until `now + lease`.
///
/// On Postgres the rows are picked with `FOR UPDATE SKIP LOCKED`, so two instances never
/// claim the same message; SQLite has one writer at a time, which gives the same guarantee.
pub async fn claim_due(
    db: &impl ConnectionTrait,
    now: OffsetDateTime,
    lease: Duration,
    limit: u64,
) -> Result<Vec<outbox_message::Model>, DbErr> {
    let backend = db.get_database_backend();
    let (p, skip_locked) = match backend {
        DbBackend::Postgres => (["$1", "$2", "$3"], " FOR UPDATE SKIP LOCKED"),
        _ => (["?", "?", "?"], ""),
    };
    let sql = format!(
        "UPDATE outbox_messages SET locked_until = {lease}, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM outbox_messages \
           WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= {now} \
             AND (locked_until IS NULL OR locked_until < {now2}) \
           ORDER BY id LIMIT {limit}{skip_locked}) \
         RETURNING *",
        lease = p[0],
        now = p[1],
        now2 = p[2],
        limit = limit,
    );
    let statement = Statement::from_sql_and_values(
        backend,
        sql,
        [(now + lease).into(), now.into(), now.into()],
    );
    let mut claimed = outbox_message::Entity::find()
        .from_raw_sql(statement)
        .all(db)
        .await?;
    claimed.sort_by_key(|m| m.id);
    Ok(claimed)
}

/// Records that a message was handed to the mail server.
pub async fn mark_sent(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::SentAt, Some(now()).into())
        .col_expr(
            outbox_message::Column::LockedUntil,
            Option::<OffsetDateTime>::None.into(),
        )
        .col_expr(
            outbox_message::Column::LastError,
            Option::<String>::None.into(),
        )
        .filter(outbox_message::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Records a failure that may pass, and when to try again.
pub async fn mark_retry(
    db: &impl ConnectionTrait,
    id: i64,
    error: &str,
    retry_at: OffsetDateTime,
) -> Result<(), DbErr> {
    outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::NextAttemptAt, retry_at.into())
        .col_expr(
            outbox_message::Column::LockedUntil,
            Option::<OffsetDateTime>::None.into(),
        )
        .col_expr(
            outbox_message::Column::LastError,
            Some(error.to_owned()).into(),
        )
        .filter(outbox_message::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Records that the mail server refused a message for good.
pub async fn mark_failed(db: &impl ConnectionTrait, id: i64, error: &str) -> Result<(), DbErr> {
    outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::FailedAt, Some(now()).into())
        .col_expr(
            outbox_message::Column::LockedUntil,
            Option::<OffsetDateTime>::None.into(),
        )
        .col_expr(
            outbox_message::Column::LastError,
            Some(error.to_owned()).into(),
        )
        .filter(outbox_message::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Messages not yet sent or failed, for operators and tests.
pub async fn pending_count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    outbox_message::Entity::find()
        .filter(outbox_message::Column::SentAt.is_null())
        .filter(outbox_message::Column::FailedAt.is_null())
        .count(db)
        .await
}

/// The lower-cased form of `column`, to compare ignoring case on both databases.
fn lower(column: outbox_message::Column) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::{Expr, Func};
    Func::lower(Expr::col(column)).into()
}

/// Deletes every message to `address` (ignoring case) not yet sent, failed ones included.
pub async fn delete_unsent_to(db: &impl ConnectionTrait, address: &str) -> Result<u64, DbErr> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    Ok(outbox_message::Entity::delete_many()
        .filter(Expr::expr(lower(outbox_message::Column::ToAddress)).eq(address.to_lowercase()))
        .filter(outbox_message::Column::SentAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

/// Blanks every sent message to `address` (ignoring case): the address becomes `replacement`
/// and the subject and bodies `removed`; the record that a message was sent, and when, stays.
pub async fn redact_sent_to(
    db: &impl ConnectionTrait,
    address: &str,
    replacement: &str,
    removed: &str,
) -> Result<u64, DbErr> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    Ok(outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::ToAddress, replacement.into())
        .col_expr(outbox_message::Column::Subject, removed.into())
        .col_expr(outbox_message::Column::BodyText, removed.into())
        .col_expr(outbox_message::Column::BodyHtml, removed.into())
        .col_expr(
            outbox_message::Column::Calendar,
            Option::<String>::None.into(),
        )
        .col_expr(
            outbox_message::Column::LastError,
            Option::<String>::None.into(),
        )
        .filter(Expr::expr(lower(outbox_message::Column::ToAddress)).eq(address.to_lowercase()))
        .filter(outbox_message::Column::SentAt.is_not_null())
        .exec(db)
        .await?
        .rows_affected)
}

/// Every message whose address, subject, bodies, calendar or last error contain `needle`
/// (ignoring ASCII case), oldest first. Callers check each match more closely.
pub async fn containing(
    db: &impl ConnectionTrait,
    needle: &str,
) -> Result<Vec<outbox_message::Model>, DbErr> {
    use sea_orm::Condition;
    use sea_orm::sea_query::{Expr, ExprTrait};
    let pattern = format!("%{}%", needle.to_lowercase());
    let mut any = Condition::any();
    for column in [
        outbox_message::Column::ToAddress,
        outbox_message::Column::Subject,
        outbox_message::Column::BodyText,
        outbox_message::Column::BodyHtml,
        outbox_message::Column::Calendar,
        outbox_message::Column::LastError,
    ] {
        any = any.add(Expr::expr(lower(column)).like(pattern.clone()));
    }
    outbox_message::Entity::find()
        .filter(any)
        .order_by_asc(outbox_message::Column::Id)
        .all(db)
        .await
}

/// What a message says after personal data in it was taken out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rewritten {
    /// The recipient.
    pub to_address: String,
    /// The subject.
    pub subject: String,
    /// The plain-text body.
    pub body_text: String,
    /// The HTML body.
    pub body_html: String,
    /// The calendar invitation, if any.
    pub calendar: Option<String>,
    /// The last delivery error, if any.
    pub last_error: Option<String>,
}

/// Stores a message's text after personal data in it was taken out.
pub async fn rewrite(db: &impl ConnectionTrait, id: i64, new: Rewritten) -> Result<(), DbErr> {
    outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::ToAddress, new.to_address.into())
        .col_expr(outbox_message::Column::Subject, new.subject.into())
        .col_expr(outbox_message::Column::BodyText, new.body_text.into())
        .col_expr(outbox_message::Column::BodyHtml, new.body_html.into())
        .col_expr(outbox_message::Column::Calendar, new.calendar.into())
        .col_expr(outbox_message::Column::LastError, new.last_error.into())
        .filter(outbox_message::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Deletes one message.
pub async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    outbox_message::Entity::delete_by_id(id)
        .exec(db)
        .await
        .map(|_| ())
}
