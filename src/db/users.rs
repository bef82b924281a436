//! The `users` and `user_roles` tables.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::db::now;
use crate::domain::{EmailAddress, Role};
use crate::entities::{user, user_role};

/// What is needed to create an account.
#[derive(Debug)]
pub struct NewUser<'a> {
    /// Sign-in address.
    pub email: &'a EmailAddress,
    /// Name as the person wants it shown.
    pub full_name: &'a str,
    /// PHC string from `auth::password::hash`.
    pub password_hash: String,
    /// Whether the address is already proven (invitations and the command line).
    pub email_verified: bool,
    /// The organisation a hiring manager works for.
    pub organisation_id: Option<i32>,
    /// Roles to grant.
    pub roles: &'a [Role],
}

/// Finds a user by their (normalised) email address.
pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await
}

/// Finds a user by their (normalised) email address and locks the row until the
/// transaction ends (on Postgres; SQLite has one writer at a time), so that rules counting
/// what was done for the account see every earlier write.
pub async fn find_by_email_for_update(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .lock_exclusive()
        .one(db)
        .await
}

/// Finds a user by ID.
pub async fn find_by_id(db: &impl ConnectionTrait, id: i32) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find_by_id(id).one(db).await
}

/// The users with these IDs (in no particular order).
pub async fn by_ids(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await
}

/// The roles a user holds, in display order. An unknown name in the table is an error.
pub async fn roles_of(db: &impl ConnectionTrait, user_id: i32) -> Result<Vec<Role>, DbErr> {
    let rows = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user_id))
        .all(db)
        .await?;
    let mut roles: Vec<Role> = rows.iter().map(|r| r.role).collect();
    roles.sort();
    Ok(roles)
}

/// The roles a user holds as stored, with when each was given, oldest first.
pub async fn role_grants_of(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> Result<Vec<user_role::Model>, DbErr> {
    user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user_id))
        .order_by_asc(user_role::Column::GrantedAt)
        .order_by_asc(user_role::Column::Role)
        .all(db)
        .await
}

/// Creates a user with their roles. Run it in a transaction: it writes several rows.
pub async fn create(db: &impl ConnectionTrait, new: NewUser<'_>) -> Result<user::Model, DbErr> {
    let now = now();
    let user = user::ActiveModel {
        email: Set(new.email.as_str().to_owned()),
        full_name: Set(new.full_name.to_owned()),
        password_hash: Set(new.password_hash),
        email_verified_at: Set(new.email_verified.then_some(now)),
        is_active: Set(true),
        organisation_id: Set(new.organisation_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    grant_roles(db, user.id, new.roles).await?;
    Ok(user)
}

/// Replaces a user's roles and organisation. Run it in a transaction.
pub async fn set_roles(
    db: &impl ConnectionTrait,
    user_id: i32,
    roles: &[Role],
    organisation_id: Option<i32>,
) -> Result<(), DbErr> {
    user_role::Entity::delete_many()
        .filter(user_role::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    grant_roles(db, user_id, roles).await?;
    user::Entity::update_many()
        .col_expr(user::Column::OrganisationId, organisation_id.into())
        .col_expr(user::Column::UpdatedAt, now().into())
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

async fn grant_roles(db: &impl ConnectionTrait, user_id: i32, roles: &[Role]) -> Result<(), DbErr> {
    if roles.is_empty() {
        return Ok(());
    }
    let now = now();
    let rows = roles.iter().map(|role| user_role::ActiveModel {
        user_id: Set(user_id),
        role: Set(*role),
        granted_at: Set(now),
    });
    user_role::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// Stores a new password hash.
pub async fn set_password(
    db: &impl ConnectionTrait,
    user_id: i32,
    password_hash: &str,
) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, password_hash.into())
        .col_expr(user::Column::UpdatedAt, now().into())
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records that the user proved they receive email at their address.
pub async fn mark_email_verified(db: &impl ConnectionTrait, user_id: i32) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::EmailVerifiedAt, Some(now()).into())
        .col_expr(user::Column::UpdatedAt, now().into())
        .filter(user::Column::Id.eq(user_id))
        .filter(user::Column::EmailVerifiedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Activates or deactivates an account.
pub async fn set_active(
    db: &impl ConnectionTrait,
    user_id: i32,
    active: bool,
) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::IsActive, active.into())
        .col_expr(user::Column::UpdatedAt, now().into())
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Number of users.
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    user::Entity::find().count(db).await
}

/// One page of users, by email, with their roles.
pub async fn page_with_roles(
    db: &impl ConnectionTrait,
    page: u64,
    per_page: u64,
) -> Result<Vec<(user::Model, Vec<Role>)>, DbErr> {
    let users = user::Entity::find()
        .order_by_asc(user::Column::Email)
        .offset(page * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    let ids: Vec<i32> = users.iter().map(|u| u.id).collect();
    let roles = user_role::Entity::find()
        .filter(user_role::Column::UserId.is_in(ids))
        .all(db)
        .await?;
    Ok(users
        .into_iter()
        .map(|u| {
            let mut held: Vec<Role> = roles
                .iter()
                .filter(|r| r.user_id == u.id)
                .map(|r| r.role)
                .collect();
            held.sort();
            (u, held)
        })
        .collect())
}

/// The active hiring managers of an organisation, by name.
pub async fn hiring_managers_of(
    db: &impl ConnectionTrait,
    organisation_id: i32,
) -> Result<Vec<user::Model>, DbErr> {
    user::Entity::find()
        .inner_join(user_role::Entity)
        .filter(user_role::Column::Role.eq(Role::HiringManager))
        .filter(user::Column::OrganisationId.eq(organisation_id))
        .filter(user::Column::IsActive.eq(true))
        .order_by_asc(user::Column::FullName)
        .all(db)
        .await
}

/// Number of active users holding `role`, to stop the last administrator removing themselves.
pub async fn count_active_with_role(db: &impl ConnectionTrait, role: Role) -> Result<u64, DbErr> {
    user_role::Entity::find()
        .inner_join(user::Entity)
        .filter(user_role::Column::Role.eq(role))
        .filter(user::Column::IsActive.eq(true))
        .count(db)
        .await
}

/// Gives a user a role if they don't hold it already. Returns whether it was added.
pub async fn grant_role(
    db: &impl ConnectionTrait,
    user_id: i32,
    role: Role,
) -> Result<bool, DbErr> {
    if roles_of(db, user_id).await?.contains(&role) {
        return Ok(false);
    }
    grant_roles(db, user_id, &[role]).await?;
    Ok(true)
}

/// A user by ID, the row locked for the rest of the transaction on Postgres (SQLite has one
/// writer at a time), so that two deletions of one account are judged one after the other.
pub async fn find_for_update(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find_by_id(id).lock_exclusive().one(db).await
}

/// Turns an account into its pseudonymous stub: the email address, name and password hash are
/// replaced, it can no longer sign in, and when it was deleted is kept. Its roles and
/// organisation stay, for the reports.
pub async fn erase(
    db: &impl ConnectionTrait,
    user_id: i32,
    email: &str,
    full_name: &str,
    password_hash: &str,
) -> Result<(), DbErr> {
    let now = now();
    user::Entity::update_many()
        .col_expr(user::Column::Email, email.into())
        .col_expr(user::Column::FullName, full_name.into())
        .col_expr(user::Column::PasswordHash, password_hash.into())
        .col_expr(user::Column::IsActive, false.into())
        .col_expr(user::Column::DeletedAt, Some(now).into())
        .col_expr(user::Column::UpdatedAt, now.into())
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}
