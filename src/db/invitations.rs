//! The `invitations` table.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use time::Duration;

use crate::db::now;
use crate::domain::{EmailAddress, Role, role};
use crate::entities::invitation;
use crate::entities::stored::{UnknownStoredName, unreadable};

/// How long an invitation link stays usable.
pub const LIFETIME: Duration = Duration::days(7);

/// The roles an invitation gives. A stored list with a name the code does not know (or one
/// twice) is an error, never no roles.
pub fn roles_of(invitation: &invitation::Model) -> Result<Vec<Role>, DbErr> {
    role::parse_list(&invitation.roles).ok_or_else(|| {
        unreadable(
            "Role list",
            UnknownStoredName {
                type_name: "Role list",
                found: invitation.roles.clone(),
            },
        )
    })
}

/// Stores a new invitation.
pub async fn create(
    db: &impl ConnectionTrait,
    email: &EmailAddress,
    full_name: &str,
    roles: &[Role],
    organisation_id: Option<i32>,
    token_hash: &str,
    invited_by: i32,
) -> Result<invitation::Model, DbErr> {
    let now = now();
    invitation::ActiveModel {
        email: Set(email.as_str().to_owned()),
        full_name: Set(full_name.to_owned()),
        roles: Set(role::format_list(roles)),
        organisation_id: Set(organisation_id),
        token_hash: Set(token_hash.to_owned()),
        invited_by: Set(invited_by),
        expires_at: Set(now + LIFETIME),
        accepted_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Finds the invitation of a token, whatever its state: to say why a link no longer works.
pub async fn find_by_token(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<invitation::Model>, DbErr> {
    invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(token_hash))
        .one(db)
        .await
}

/// Finds an invitation that can still be accepted.
pub async fn find_usable(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<invitation::Model>, DbErr> {
    invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(token_hash))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(now()))
        .one(db)
        .await
}

/// Marks an invitation accepted; false if it was accepted meanwhile.
pub async fn accept(db: &impl ConnectionTrait, id: i32) -> Result<bool, DbErr> {
    let result = invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedAt, Some(now()).into())
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Finds an invitation by ID, whatever its state.
pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<Option<invitation::Model>, DbErr> {
    invitation::Entity::find_by_id(id).one(db).await
}

/// Every invitation sent to this address, oldest first.
pub async fn sent_to(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Vec<invitation::Model>, DbErr> {
    invitation::Entity::find()
        .filter(invitation::Column::Email.eq(email))
        .order_by_asc(invitation::Column::Id)
        .all(db)
        .await
}

/// Revokes one invitation if it is still open; false if it was accepted, revoked or had
/// expired meanwhile. Accepting checks `revoked_at` in the same way, so of a revocation and
/// an acceptance racing, exactly one wins.
pub async fn revoke(db: &impl ConnectionTrait, id: i32) -> Result<bool, DbErr> {
    let now = now();
    let result = invitation::Entity::update_many()
        .col_expr(invitation::Column::RevokedAt, Some(now).into())
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Withdraws every open invitation to this address, before a new one is sent; returns their
/// IDs.
pub async fn revoke_open_for(
    db: &impl ConnectionTrait,
    email: &EmailAddress,
) -> Result<Vec<i32>, DbErr> {
    let open = || {
        Condition::all()
            .add(invitation::Column::Email.eq(email.as_str()))
            .add(invitation::Column::AcceptedAt.is_null())
            .add(invitation::Column::RevokedAt.is_null())
    };
    let ids: Vec<i32> = invitation::Entity::find()
        .select_only()
        .column(invitation::Column::Id)
        .filter(open())
        .into_tuple()
        .all(db)
        .await?;
    invitation::Entity::update_many()
        .col_expr(invitation::Column::RevokedAt, Some(now()).into())
        .filter(open())
        .filter(invitation::Column::Id.is_in(ids.clone()))
        .exec(db)
        .await?;
    Ok(ids)
}

/// Invitations not yet accepted, revoked or expired, newest first.
pub async fn open(db: &impl ConnectionTrait) -> Result<Vec<invitation::Model>, DbErr> {
    invitation::Entity::find()
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(now()))
        .order_by_desc(invitation::Column::CreatedAt)
        .all(db)
        .await
}

/// Deletes every invitation sent to this address (compared ignoring case).
pub async fn delete_for_email(db: &impl ConnectionTrait, email: &str) -> Result<(), DbErr> {
    use sea_orm::sea_query::{Expr, ExprTrait, Func};
    invitation::Entity::delete_many()
        .filter(
            Expr::expr(Func::lower(Expr::col(invitation::Column::Email))).eq(email.to_lowercase()),
        )
        .exec(db)
        .await
        .map(|_| ())
}
