use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Organisations and programmes are kept in each instance's memory (issue 14). A change to
/// either table, by any code or person, bumps the one number in `reference_data_version`
/// (a trigger, in the same transaction); each instance reads that number every few seconds
/// and reloads both tables when it has moved.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("reference_data_version")
                    .col(ColumnDef::new("id").integer().not_null().primary_key())
                    .col(ColumnDef::new("version").big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared("INSERT INTO reference_data_version (id, version) VALUES (1, 1)")
            .await?;
        const BUMP: &str = "UPDATE reference_data_version SET version = version + 1 WHERE id = 1";
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "CREATE FUNCTION bump_reference_data_version() RETURNS trigger \
                     LANGUAGE plpgsql AS $$ BEGIN {BUMP}; RETURN NULL; END; $$"
                ))
                .await?;
                for table in TABLES {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_bump_reference_data_version \
                         AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} \
                         FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_data_version()"
                    ))
                    .await?;
                }
            }
            DatabaseBackend::Sqlite => {
                for table in TABLES {
                    for op in OPERATIONS {
                        db.execute_unprepared(&format!(
                            "CREATE TRIGGER {table}_{op}_bump_reference_data_version \
                             AFTER {op} ON {table} BEGIN {BUMP}; END"
                        ))
                        .await?;
                    }
                }
            }
            other => {
                return Err(DbErr::Migration(format!(
                    "reference data version: {other:?} is not supported"
                )));
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                for table in TABLES {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS {table}_bump_reference_data_version ON {table}"
                    ))
                    .await?;
                }
                db.execute_unprepared("DROP FUNCTION IF EXISTS bump_reference_data_version()")
                    .await?;
            }
            DatabaseBackend::Sqlite => {
                for table in TABLES {
                    for op in OPERATIONS {
                        db.execute_unprepared(&format!(
                            "DROP TRIGGER IF EXISTS {table}_{op}_bump_reference_data_version"
                        ))
                        .await?;
                    }
                }
            }
            _ => {}
        }
        manager
            .drop_table(Table::drop().table("reference_data_version").to_owned())
            .await
    }
}

/// The tables kept in memory.
const TABLES: [&str; 2] = ["organisations", "programmes"];
/// SQLite has no statement triggers: one row trigger per operation.
const OPERATIONS: [&str; 3] = ["INSERT", "UPDATE", "DELETE"];
