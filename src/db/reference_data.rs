//! The `reference_data_version` table: one number that moves whenever organisations or
//! programmes change (triggers in migration 000027 bump it).

use sea_orm::{ConnectionTrait, DbErr, Statement};

/// The current version of organisations and programmes.
pub async fn version(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT version FROM reference_data_version WHERE id = 1",
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("reference_data_version".into()))?;
    row.try_get("", "version")
}
