//! The `programmes` table.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use crate::db::now;
use crate::domain::programme::ProgrammeInput;
use crate::entities::programme;

/// Every programme, by name.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<programme::Model>, DbErr> {
    programme::Entity::find()
        .order_by_asc(programme::Column::Name)
        .all(db)
        .await
}

/// Finds a programme by ID.
pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<Option<programme::Model>, DbErr> {
    programme::Entity::find_by_id(id).one(db).await
}

/// Returns the programme with this name, creating it from `template` if it is new.
pub async fn ensure(
    db: &impl ConnectionTrait,
    template: programme::Model,
) -> Result<programme::Model, DbErr> {
    if let Some(found) = programme::Entity::find()
        .filter(programme::Column::Name.eq(&template.name))
        .one(db)
        .await?
    {
        return Ok(found);
    }
    let now = now();
    programme::ActiveModel {
        name: Set(template.name),
        description: Set(template.description),
        target_hires: Set(template.target_hires),
        care_definition: Set(template.care_definition),
        contact_name: Set(template.contact_name),
        contact_role: Set(template.contact_role),
        contact_email: Set(template.contact_email),
        contact_phone: Set(template.contact_phone),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// The columns the admin's form sets.
fn details(input: &ProgrammeInput) -> programme::ActiveModel {
    programme::ActiveModel {
        name: Set(input.name.clone()),
        description: Set(input.description.clone()),
        target_hires: Set(input.target_hires),
        care_definition: Set(input.care_definition),
        contact_name: Set(input.contact_name.clone()),
        contact_role: Set(input.contact_role.clone()),
        contact_email: Set(input.contact_email.clone()),
        contact_phone: Set(input.contact_phone.clone()),
        ..Default::default()
    }
}

/// Stores a new programme.
pub async fn create(
    db: &impl ConnectionTrait,
    input: &ProgrammeInput,
) -> Result<programme::Model, DbErr> {
    let now = now();
    programme::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        ..details(input)
    }
    .insert(db)
    .await
}

/// Replaces a programme's details.
pub async fn update(
    db: &impl ConnectionTrait,
    id: i32,
    input: &ProgrammeInput,
) -> Result<(), DbErr> {
    programme::ActiveModel {
        id: Set(id),
        updated_at: Set(now()),
        ..details(input)
    }
    .update(db)
    .await
    .map(|_| ())
}
