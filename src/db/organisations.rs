//! The `organisations` table.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, RelationTrait,
};
use time::OffsetDateTime;

use crate::db::now;
use crate::domain::Role;
use crate::domain::organisation::known_ods_code;
use crate::entities::{organisation, user, user_role, vacancy};

/// Every organisation, by name.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<organisation::Model>, DbErr> {
    organisation::Entity::find()
        .order_by_asc(organisation::Column::Name)
        .all(db)
        .await
}

/// The organisations an administrator may give a member of staff, by name: the active ones,
/// and `keep` (the one the person already belongs to) even if it has been deactivated.
pub async fn offered(
    db: &impl ConnectionTrait,
    keep: Option<i32>,
) -> Result<Vec<organisation::Model>, DbErr> {
    let mut offered = Condition::any().add(organisation::Column::DeactivatedAt.is_null());
    if let Some(id) = keep {
        offered = offered.add(organisation::Column::Id.eq(id));
    }
    organisation::Entity::find()
        .filter(offered)
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

/// An organisation by ID, locked until the transaction ends (on Postgres; SQLite has one
/// writer at a time), so that changes to it are made one after the other.
pub async fn find_for_update(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<organisation::Model>, DbErr> {
    organisation::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await
}

/// An organisation by ID, held until the transaction ends so that it cannot be deactivated
/// meanwhile (on Postgres, `FOR SHARE`: vacancies of one organisation can still be created
/// side by side, while deactivating it waits).
pub async fn find_for_new_vacancy(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<organisation::Model>, DbErr> {
    organisation::Entity::find_by_id(id)
        .lock_shared()
        .one(db)
        .await
}

/// An organisation by ID, held until the transaction ends so that it cannot be deactivated
/// while someone is invited to it (on Postgres, `FOR SHARE`, as for a new vacancy).
pub async fn find_for_new_member(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<organisation::Model>, DbErr> {
    organisation::Entity::find_by_id(id)
        .lock_shared()
        .one(db)
        .await
}

/// Holds the lock on organisation names until the transaction ends, so that two administrators
/// adding or renaming organisations are judged one after the other: the second sees the
/// first's name, and a lookalike of it is refused (Postgres; SQLite's single writer does this
/// already). Names are compared by a key no unique index can express (`name_key`).
pub async fn lock_names(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared(
            "SELECT pg_advisory_xact_lock(hashtext('spectra_organisation_names'))",
        )
        .await?;
    }
    Ok(())
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

/// Adds an active organisation. A name or ODS code already stored is refused by the unique
/// indexes.
pub async fn insert(
    db: &impl ConnectionTrait,
    name: &str,
    ods_code: Option<&str>,
) -> Result<organisation::Model, DbErr> {
    organisation::ActiveModel {
        name: Set(name.to_owned()),
        ods_code: Set(ods_code.map(str::to_owned)),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Changes an organisation's name and ODS code.
pub async fn change(
    db: &impl ConnectionTrait,
    id: i32,
    name: &str,
    ods_code: Option<&str>,
) -> Result<(), DbErr> {
    organisation::Entity::update_many()
        .col_expr(organisation::Column::Name, name.into())
        .col_expr(
            organisation::Column::OdsCode,
            ods_code.map(str::to_owned).into(),
        )
        .col_expr(organisation::Column::UpdatedAt, Some(now()).into())
        .filter(organisation::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Deactivates an active organisation. False if it was already deactivated (or is not there),
/// so that two presses record one deactivation.
pub async fn deactivate(
    db: &impl ConnectionTrait,
    id: i32,
    at: OffsetDateTime,
) -> Result<bool, DbErr> {
    let result = organisation::Entity::update_many()
        .col_expr(organisation::Column::DeactivatedAt, Some(at).into())
        .col_expr(organisation::Column::UpdatedAt, Some(at).into())
        .filter(organisation::Column::Id.eq(id))
        .filter(organisation::Column::DeactivatedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Reactivates a deactivated organisation. False if it was active already (or is not there).
pub async fn reactivate(
    db: &impl ConnectionTrait,
    id: i32,
    at: OffsetDateTime,
) -> Result<bool, DbErr> {
    let result = organisation::Entity::update_many()
        .col_expr(
            organisation::Column::DeactivatedAt,
            Option::<OffsetDateTime>::None.into(),
        )
        .col_expr(organisation::Column::UpdatedAt, Some(at).into())
        .filter(organisation::Column::Id.eq(id))
        .filter(organisation::Column::DeactivatedAt.is_not_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// How many vacancies (of any status) each organisation has, for the administrators' list.
/// Organisations with none are left out.
pub async fn vacancy_counts(db: &impl ConnectionTrait) -> Result<Vec<(i32, i64)>, DbErr> {
    vacancy::Entity::find()
        .select_only()
        .column(vacancy::Column::OrganisationId)
        .column_as(vacancy::Column::Id.count(), "n")
        .group_by(vacancy::Column::OrganisationId)
        .into_tuple()
        .all(db)
        .await
}

/// How many active accounts hold the hiring manager role in each organisation, for the
/// administrators' list. Organisations with none are left out.
pub async fn hiring_manager_counts(db: &impl ConnectionTrait) -> Result<Vec<(i32, i64)>, DbErr> {
    user::Entity::find()
        .select_only()
        .column(user::Column::OrganisationId)
        .column_as(user::Column::Id.count(), "n")
        .join(sea_orm::JoinType::InnerJoin, user::Relation::UserRole.def())
        .filter(user_role::Column::Role.eq(Role::HiringManager))
        .filter(user::Column::IsActive.eq(true))
        .filter(user::Column::OrganisationId.is_not_null())
        .group_by(user::Column::OrganisationId)
        .into_tuple()
        .all(db)
        .await
}
