//! Granting the service's own Postgres role what it needs and nothing more
//! (`spectra db grant-app-role`, docs/DATABASE-ROLES.md). Run as the schema's owner.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement, TransactionTrait};

use crate::domain::database_role::{self, RoleFacts, RoleName, RoleRefusal};

/// What was granted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Granted {
    /// The database.
    pub database: String,
    /// The schema.
    pub schema: String,
    /// The statements run, in order.
    pub statements: Vec<String>,
    /// Whether the role may still create objects in the schema through `PUBLIC` (Postgres 14
    /// and older grant that by default): the owner should revoke it.
    pub public_may_create: bool,
}

/// Grants `role` the rights of the service in the current database and schema, in one
/// transaction, or refuses a role that could change the schema.
pub async fn grant_app_role(
    db: &DatabaseConnection,
    role: &RoleName,
) -> Result<Result<Granted, RoleRefusal>, DbErr> {
    let txn = db.begin().await?;
    let facts = facts(&txn, role).await?;
    if let Err(refusal) = database_role::judge(role, &facts) {
        return Ok(Err(refusal));
    }
    let (database, schema) = where_we_are(&txn).await?;
    let tables = tables(&txn).await?;
    let statements = database_role::grant_statements(role, &database, &schema, &tables);
    for statement in &statements {
        txn.execute_unprepared(statement).await?;
    }
    let public_may_create = one_bool(
        &txn,
        "SELECT has_schema_privilege($1, current_schema(), 'CREATE') AS yes",
        role.as_str(),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(Granted {
        database,
        schema,
        statements,
        public_may_create,
    }))
}

/// What the database says about `role`.
async fn facts(db: &impl ConnectionTrait, role: &RoleName) -> Result<RoleFacts, DbErr> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT r.rolsuper AS superuser, r.rolcreaterole AS create_role, \
                    r.rolname = current_user AS is_current_user, \
                    pg_has_role(r.oid, current_user, 'MEMBER') AS member_of_owner, \
                    (SELECT count(*) FROM pg_class WHERE relowner = r.oid) \
                    + (SELECT count(*) FROM pg_proc WHERE proowner = r.oid) \
                    + (SELECT count(*) FROM pg_namespace WHERE nspowner = r.oid) \
                    + (SELECT count(*) FROM pg_database \
                       WHERE datname = current_database() AND datdba = r.oid) AS owned \
             FROM pg_roles r WHERE r.rolname = $1",
            [role.as_str().into()],
        ))
        .await?;
    let Some(row) = row else {
        return Ok(RoleFacts::default());
    };
    Ok(RoleFacts {
        exists: true,
        is_current_user: row.try_get("", "is_current_user")?,
        superuser: row.try_get("", "superuser")?,
        create_role: row.try_get("", "create_role")?,
        member_of_owner: row.try_get("", "member_of_owner")?,
        owned_objects: row.try_get("", "owned")?,
    })
}

/// The current database and schema.
async fn where_we_are(db: &impl ConnectionTrait) -> Result<(String, String), DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT current_database() AS database, current_schema() AS schema",
        ))
        .await?
        .ok_or_else(|| DbErr::Custom("no current database".into()))?;
    Ok((row.try_get("", "database")?, row.try_get("", "schema")?))
}

/// The tables of the current schema.
async fn tables(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT tablename::text AS name FROM pg_tables WHERE schemaname = current_schema()",
        ))
        .await?;
    rows.iter().map(|r| r.try_get("", "name")).collect()
}

async fn one_bool(db: &impl ConnectionTrait, sql: &str, role: &str) -> Result<bool, DbErr> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            [role.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::Custom("no answer".into()))?;
    row.try_get("", "yes")
}
