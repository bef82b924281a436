//! The `esr_uploads` table: ESR extracts kept between their preview and their import. The
//! content is personal data: no function here logs it.

use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QuerySelect,
};
use time::OffsetDateTime;

use crate::domain::esr_import::JobStatus;
use crate::entities::{esr_import_job, esr_upload};

/// What a new upload holds.
#[derive(Clone)]
pub struct NewUpload {
    /// Who uploaded it.
    pub user_id: i32,
    /// The SHA-256 of the content, hex.
    pub sha256: String,
    /// The file.
    pub content: Vec<u8>,
    /// Its lines after the column names.
    pub rows: i32,
}

impl std::fmt::Debug for NewUpload {
    /// Everything but the content, so a stray `{:?}` cannot log it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUpload")
            .field("user_id", &self.user_id)
            .field("sha256", &self.sha256)
            .field("rows", &self.rows)
            .finish_non_exhaustive()
    }
}

/// Keeps an upload; returns its ID.
pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewUpload,
    now: OffsetDateTime,
) -> Result<i32, DbErr> {
    let size = i32::try_from(new.content.len()).unwrap_or(i32::MAX);
    let row = esr_upload::ActiveModel {
        user_id: Set(new.user_id),
        sha256: Set(new.sha256),
        content: Set(new.content),
        size_bytes: Set(size),
        rows: Set(new.rows),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// The upload with this ID if `user_id` uploaded it, content and all.
pub async fn find_for_user(
    db: &impl ConnectionTrait,
    id: i32,
    user_id: i32,
) -> Result<Option<esr_upload::Model>, DbErr> {
    esr_upload::Entity::find_by_id(id)
        .filter(esr_upload::Column::UserId.eq(user_id))
        .one(db)
        .await
}

/// Whether `user_id` has the upload with this ID, locking it until the transaction ends (so
/// that two presses of the import button queue one job). The content is not read.
pub async fn lock_for_user(
    db: &impl ConnectionTrait,
    id: i32,
    user_id: i32,
) -> Result<bool, DbErr> {
    let found: Option<i32> = esr_upload::Entity::find_by_id(id)
        .filter(esr_upload::Column::UserId.eq(user_id))
        .select_only()
        .column(esr_upload::Column::Id)
        .lock_exclusive()
        .into_tuple()
        .one(db)
        .await?;
    Ok(found.is_some())
}

/// The content of an upload, if it is still kept.
pub async fn content_of(db: &impl ConnectionTrait, id: i32) -> Result<Option<Vec<u8>>, DbErr> {
    esr_upload::Entity::find_by_id(id)
        .select_only()
        .column(esr_upload::Column::Content)
        .into_tuple()
        .one(db)
        .await
}

/// Deletes an upload (its import is over).
pub async fn delete(db: &impl ConnectionTrait, id: i32) -> Result<(), DbErr> {
    esr_upload::Entity::delete_by_id(id)
        .exec(db)
        .await
        .map(|_| ())
}

/// The uploads a queued or running job is importing.
fn in_use() -> SelectStatement {
    Query::select()
        .column(esr_import_job::Column::UploadId)
        .from(esr_import_job::Entity)
        .and_where(esr_import_job::Column::UploadId.is_not_null())
        .and_where(esr_import_job::Column::Status.is_in([JobStatus::Queued, JobStatus::Running]))
        .to_owned()
}

/// Deletes a user's uploads that no job is importing (a new upload replaces them).
pub async fn delete_replaced(db: &impl ConnectionTrait, user_id: i32) -> Result<u64, DbErr> {
    Ok(esr_upload::Entity::delete_many()
        .filter(esr_upload::Column::UserId.eq(user_id))
        .filter(esr_upload::Column::Id.not_in_subquery(in_use()))
        .exec(db)
        .await?
        .rows_affected)
}

/// Deletes uploads kept since `cutoff` or before that no job is importing.
pub async fn delete_older_than(
    db: &impl ConnectionTrait,
    cutoff: OffsetDateTime,
) -> Result<u64, DbErr> {
    Ok(esr_upload::Entity::delete_many()
        .filter(esr_upload::Column::CreatedAt.lte(cutoff))
        .filter(esr_upload::Column::Id.not_in_subquery(in_use()))
        .exec(db)
        .await?
        .rows_affected)
}

/// Deletes every upload of a user (deleting their account).
pub async fn delete_for_user(db: &impl ConnectionTrait, user_id: i32) -> Result<u64, DbErr> {
    Ok(esr_upload::Entity::delete_many()
        .filter(esr_upload::Column::UserId.eq(user_id))
        .exec(db)
        .await?
        .rows_affected)
}
