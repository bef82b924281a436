//! The service's own Postgres role (issue 22): what it is granted, and which roles may not be
//! given the job. docs/DATABASE-ROLES.md explains the set-up.
//!
//! The service runs as a role that owns nothing, so it cannot drop or switch off the audit
//! log's triggers, alter or drop a table, or truncate one. It may read and write the rows of
//! every table, except that it may only read and add to `audit_events`, and only read
//! `seaql_migrations`. Migrations run as the owner (`MIGRATION_DATABASE_URL`).

/// A role name we accept: lower-case letters, digits and underscores, starting with a letter
/// or underscore, at most 63 characters (Postgres's limit), so it needs no quoting rules
/// beyond double quotes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleName(String);

impl RoleName {
    /// Parses a role name, or says what is wrong with it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let ok_start = text
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
        let ok_rest = text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if ok_start && ok_rest && text.len() <= 63 {
            Ok(Self(text.to_owned()))
        } else {
            Err(format!(
                "{text:?} is not a role name: use lower-case letters, digits and underscores, starting with a letter, at most 63 characters"
            ))
        }
    }

    /// The name as typed.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `name` as an SQL identifier in double quotes.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// What the database says about the role, read before granting anything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoleFacts {
    /// Whether the role exists.
    pub exists: bool,
    /// Whether it is the role running the command.
    pub is_current_user: bool,
    /// Whether it is a superuser.
    pub superuser: bool,
    /// Whether it may create roles (and so grant itself others' rights).
    pub create_role: bool,
    /// Whether it is a member of the role running the command, inheriting its ownership.
    pub member_of_owner: bool,
    /// How many objects of this database it owns (the database, schemas, tables, sequences,
    /// views, indexes, functions).
    pub owned_objects: i64,
}

/// Why a role may not be the service's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RoleRefusal {
    /// The role does not exist.
    #[error(
        "the role {0} does not exist: create it first, for example CREATE ROLE {0} LOGIN PASSWORD '…' (see docs/DATABASE-ROLES.md)"
    )]
    Missing(String),
    /// It is the role running the command, which owns the schema.
    #[error(
        "{0} is the role this command runs as, which owns the schema: give the service a role of its own"
    )]
    IsOwner(String),
    /// It is a superuser, which no grant can limit.
    #[error("{0} is a superuser: give the service a role that is not")]
    Superuser(String),
    /// It may create roles.
    #[error(
        "{0} may create roles (CREATEROLE), and with it take others' rights: remove that first"
    )]
    CreatesRoles(String),
    /// It inherits the owner's rights.
    #[error(
        "{0} is a member of the role this command runs as, and so has the owner's rights: REVOKE that membership first"
    )]
    MemberOfOwner(String),
    /// It owns something, and may alter or drop it.
    #[error(
        "{0} owns {1} objects in this database, and could alter or drop them: the service's role must own nothing (change their owner with ALTER … OWNER TO first)"
    )]
    OwnsObjects(String, i64),
}

/// Whether `role` may be the service's, judged on what the database says about it.
pub fn judge(role: &RoleName, facts: &RoleFacts) -> Result<(), RoleRefusal> {
    let name = role.as_str().to_owned();
    if !facts.exists {
        Err(RoleRefusal::Missing(name))
    } else if facts.is_current_user {
        Err(RoleRefusal::IsOwner(name))
    } else if facts.superuser {
        Err(RoleRefusal::Superuser(name))
    } else if facts.create_role {
        Err(RoleRefusal::CreatesRoles(name))
    } else if facts.member_of_owner {
        Err(RoleRefusal::MemberOfOwner(name))
    } else if facts.owned_objects > 0 {
        Err(RoleRefusal::OwnsObjects(name, facts.owned_objects))
    } else {
        Ok(())
    }
}

/// The tables the service may read and add to, but never change or delete from.
pub const APPEND_ONLY_TABLES: &[&str] = &["audit_events"];

/// The tables the service may only read.
pub const READ_ONLY_TABLES: &[&str] = &["seaql_migrations"];

/// The statements that give `role` exactly what the service needs in `schema` of `database`,
/// whatever it had before; run by the owner, after the migrations, in one transaction.
/// `existing_tables` limits the per-table revocations to tables that exist.
pub fn grant_statements(
    role: &RoleName,
    database: &str,
    schema: &str,
    existing_tables: &[String],
) -> Vec<String> {
    let r = quote_ident(role.as_str());
    let s = quote_ident(schema);
    let d = quote_ident(database);
    let mut statements = vec![
        // Start from nothing, so an earlier, wider grant does not survive.
        format!("REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}"),
        format!("REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {r}"),
        format!("REVOKE CREATE ON SCHEMA {s} FROM {r}"),
        format!("REVOKE CREATE ON DATABASE {d} FROM {r}"),
        format!("GRANT CONNECT ON DATABASE {d} TO {r}"),
        format!("GRANT USAGE ON SCHEMA {s} TO {r}"),
        format!("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}"),
        format!("GRANT USAGE ON ALL SEQUENCES IN SCHEMA {s} TO {r}"),
    ];
    for table in APPEND_ONLY_TABLES {
        if existing_tables.iter().any(|t| t == table) {
            let t = quote_ident(table);
            statements.push(format!("REVOKE UPDATE, DELETE ON {s}.{t} FROM {r}"));
        }
    }
    for table in READ_ONLY_TABLES {
        if existing_tables.iter().any(|t| t == table) {
            let t = quote_ident(table);
            statements.push(format!("REVOKE INSERT, UPDATE, DELETE ON {s}.{t} FROM {r}"));
        }
    }
    // Tables and sequences that later migrations create (as the role running this) are
    // granted the same way; a migration adding an append-only table revokes its own.
    statements.push(format!(
        "ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r}"
    ));
    statements.push(format!(
        "ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT USAGE ON SEQUENCES TO {r}"
    ));
    statements
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_are_plain_identifiers() {
        assert_eq!(
            RoleName::parse("spectra_app").unwrap().as_str(),
            "spectra_app"
        );
        assert!(RoleName::parse("_app2").is_ok());
        for bad in [
            "",
            "Spectra",
            "2app",
            "app-role",
            "app\"; DROP TABLE users; --",
            "a b",
            &"a".repeat(64),
        ] {
            assert!(RoleName::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quote_ident("spectra"), "\"spectra\"");
        assert_eq!(quote_ident("we\"ird"), "\"we\"\"ird\"");
    }

    #[test]
    fn a_role_that_could_change_the_schema_is_refused() {
        let role = RoleName::parse("app").unwrap();
        let fine = RoleFacts {
            exists: true,
            ..RoleFacts::default()
        };
        assert_eq!(judge(&role, &fine), Ok(()));
        for (facts, refusal) in [
            (RoleFacts::default(), RoleRefusal::Missing("app".into())),
            (
                RoleFacts {
                    is_current_user: true,
                    ..fine.clone()
                },
                RoleRefusal::IsOwner("app".into()),
            ),
            (
                RoleFacts {
                    superuser: true,
                    ..fine.clone()
                },
                RoleRefusal::Superuser("app".into()),
            ),
            (
                RoleFacts {
                    create_role: true,
                    ..fine.clone()
                },
                RoleRefusal::CreatesRoles("app".into()),
            ),
            (
                RoleFacts {
                    member_of_owner: true,
                    ..fine.clone()
                },
                RoleRefusal::MemberOfOwner("app".into()),
            ),
            (
                RoleFacts {
                    owned_objects: 3,
                    ..fine.clone()
                },
                RoleRefusal::OwnsObjects("app".into(), 3),
            ),
        ] {
            assert_eq!(judge(&role, &facts), Err(refusal));
        }
    }

    #[test]
    fn the_grants_leave_out_ddl_truncate_and_changing_the_audit_log() {
        let role = RoleName::parse("app").unwrap();
        let tables = ["audit_events".to_owned(), "seaql_migrations".to_owned()];
        let statements = grant_statements(&role, "spectra", "public", &tables);
        let all = statements.join(";\n");
        assert!(statements[0].starts_with("REVOKE ALL ON ALL TABLES"));
        for granted in statements.iter().filter(|s| s.contains("GRANT ")) {
            for forbidden in [
                "ALL PRIVILEGES",
                "TRUNCATE",
                "REFERENCES",
                "TRIGGER",
                "CREATE",
            ] {
                assert!(!granted.contains(forbidden), "{granted}");
            }
        }
        assert!(all.contains("REVOKE UPDATE, DELETE ON \"public\".\"audit_events\" FROM \"app\""));
        assert!(all.contains(
            "REVOKE INSERT, UPDATE, DELETE ON \"public\".\"seaql_migrations\" FROM \"app\""
        ));
        assert!(all.contains("ALTER DEFAULT PRIVILEGES IN SCHEMA \"public\" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO \"app\""));
        // The revocation of the audit log comes after the grant on every table.
        let grant_all = all.find("ON ALL TABLES IN SCHEMA \"public\" TO").unwrap();
        let revoke_audit = all
            .find("REVOKE UPDATE, DELETE ON \"public\".\"audit_events\"")
            .unwrap();
        assert!(grant_all < revoke_audit);
        // A table that does not exist yet is not named.
        let none = grant_statements(&role, "spectra", "public", &[]).join(";");
        assert!(!none.contains("audit_events"));
    }
}
