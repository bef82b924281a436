//! The `organisations` table.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use crate::db::now;
use crate::domain::organisation::known_ods_code;
use crate::entities::organisation;

/// Every organisation, by name.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<organisation::Model>, DbErr> {
    organisation::Entity::find()
        .order_by_asc(organisation::Column::Name)
        .all(db)
        .await
}

/// Finds an organisation by ID.
pub async fn find(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<organisation::Model>, DbErr> {
    organisation::Entity::find_by_id(id).one(db).await
}

/// Returns the organisation with this name, creating it if it is new (with its ODS code, for
/// the partner organisations).
pub async fn ensure(db: &impl ConnectionTrait, name: &str) -> Result<organisation::Model, DbErr> {
    if let Some(found) = organisation::Entity::find()
        .filter(organisation::Column::Name.eq(name))
        .one(db)
        .await?
    {
        return Ok(found);
    }
    organisation::ActiveModel {
        name: Set(name.to_owned()),
        ods_code: Set(known_ods_code(name).map(str::to_owned)),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await
}
