//! The migrated template every test's database is copied from, made once for each set of
//! migrations and kept between runs: its name carries a digest of the migrations' source, so a
//! changed migration makes a new one. Made under a temporary name and renamed when complete,
//! so two test processes starting at once never copy a half-migrated template.

use std::path::PathBuf;
use std::sync::{LazyLock, OnceLock};

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Params, Version};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database};
use sha2::{Digest, Sha256};

use super::{PASSWORD, database_url};

/// The hash of [`PASSWORD`] that test accounts carry: argon2id with the smallest parameters
/// (8 KiB, one pass), so that signing in costs microseconds; the service verifies a stored
/// hash with the parameters it was made with. Production parameters are exercised by the
/// tests about hashing, which hash through the service.
pub static PASSWORD_HASH: LazyLock<String> =
    LazyLock::new(|| password_hash(Params::new(8, 1, 1, None).expect("argon2 params")));

/// A hash of [`PASSWORD`] that takes a while to check: production memory, ten passes.
pub fn slow_hash() -> String {
    password_hash(Params::new(19_456, 10, 1, None).expect("argon2 params"))
}

/// An argon2id PHC string of [`PASSWORD`] with `params`.
fn password_hash(params: Params) -> String {
    let salt = *b"spectra-test-slt";
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into(PASSWORD.as_bytes(), &salt, &mut out)
        .expect("hash the test password");
    PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).expect("params string"),
        salt: Some(Salt::new(&salt).expect("salt")),
        hash: Some(Output::new(&out).expect("output")),
    }
    .to_string()
}

/// A digest of the migrations' source files: the template's version.
fn digest() -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("migrations/src");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read the migrations folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(file.file_name().expect("a file").as_encoded_bytes());
        hasher.update(std::fs::read(&file).expect("read a migration"));
    }
    hex::encode(&hasher.finalize()[..8])
}

/// Runs `work` to completion on a runtime of its own, on another thread: the template is made
/// once for the whole process, whichever test's runtime asks first, and must not depend on it.
fn on_own_runtime<T: Send + 'static>(
    work: impl std::future::Future<Output = T> + Send + 'static,
) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(work)
    })
    .join()
    .expect("making the template")
}

/// The name of the migrated Postgres template on the server of `admin_url`.
pub fn postgres(admin_url: &str) -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let admin_url = admin_url.to_owned();
        on_own_runtime(async move { make_postgres(&admin_url).await })
    })
}

async fn make_postgres(admin_url: &str) -> String {
    let name = format!("spectra_template_{}", digest());
    let admin = Database::connect(admin_url)
        .await
        .expect("connect to TEST_DATABASE_URL");
    let exists = admin
        .query_one_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            format!("SELECT 1 AS one FROM pg_database WHERE datname = '{name}'"),
        ))
        .await
        .expect("look for the template")
        .is_some();
    if !exists {
        let building = format!(
            "spectra_template_building_{}",
            uuid::Uuid::new_v4().simple()
        );
        admin
            .execute_unprepared(&format!("CREATE DATABASE {building}"))
            .await
            .expect("create the template");
        let db = spectra::db::connect(&database_url(admin_url, &building))
            .await
            .expect("connect to the template");
        Migrator::up(&db, None).await.expect("migrate the template");
        db.close().await.expect("close the template");
        // Another process may have finished first: then its template is used, and ours goes.
        let renamed = admin
            .execute_unprepared(&format!("ALTER DATABASE {building} RENAME TO {name}"))
            .await;
        if renamed.is_err() {
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {building}"))
                .await
                .expect("drop a spare template");
        }
    }
    admin.close().await.ok();
    name
}

/// The path of the migrated SQLite template file.
pub fn sqlite() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| on_own_runtime(make_sqlite()))
}

async fn make_sqlite() -> PathBuf {
    let path = std::env::temp_dir().join(format!("spectra-template-{}.sqlite", digest()));
    if path.exists() {
        return path;
    }
    let building = std::env::temp_dir().join(format!(
        "spectra-template-building-{}.sqlite",
        uuid::Uuid::new_v4().simple()
    ));
    let db = spectra::db::connect(&format!("sqlite://{}?mode=rwc", building.display()))
        .await
        .expect("create the template");
    Migrator::up(&db, None).await.expect("migrate the template");
    // Everything into the main file, so that copying the one file copies the database.
    db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")
        .await
        .expect("checkpoint the template");
    db.close().await.expect("close the template");
    std::fs::rename(&building, &path).expect("publish the template");
    path
}
