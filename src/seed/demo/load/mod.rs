//! What writes the demo: each part once, so loading again on the same database adds only
//! what is missing.

mod history;
mod history_vacancy;
mod mentoring;
mod vacancies;

use sea_orm::{DatabaseConnection, TransactionTrait};

use self::history::load_history;
use self::mentoring::load_mentoring;
use self::vacancies::{load_closed_vacancy, load_profiles, load_vacancies};
use super::{ACCOUNTS, ORGANISATIONS};
use crate::auth::password;
use crate::db::{organisations, users};
use crate::domain::{EmailAddress, NewPassword};

/// Loads the organisations and accounts that are missing.
pub async fn load(db: &DatabaseConnection, demo_password: &str) -> anyhow::Result<()> {
    let txn = db.begin().await?;
    for name in ORGANISATIONS {
        organisations::ensure(&txn, name).await?;
    }
    txn.commit().await?;

    // The password policy applies to the demo too; a bad SPECTRA_DEMO_PASSWORD fails here.
    let password = NewPassword::parse(demo_password, demo_password, "")
        .map_err(|(_, m)| anyhow::anyhow!("SPECTRA_DEMO_PASSWORD is not valid: {m}"))?;
    let hash = password::hash(&password::HashGate::for_tools(), &password).await?;
    for account in &ACCOUNTS {
        let email = EmailAddress::parse(account.email).map_err(|m| anyhow::anyhow!("{m}"))?;
        if users::find_by_email(db, email.as_str()).await?.is_some() {
            continue;
        }
        let organisation_id = match account.organisation {
            Some(name) => Some(organisations::ensure(db, name).await?.id),
            None => None,
        };
        let txn = db.begin().await?;
        users::create(
            &txn,
            users::NewUser {
                email: &email,
                full_name: account.name,
                password_hash: hash.clone(),
                email_verified: true,
                organisation_id,
                roles: account.roles,
            },
        )
        .await?;
        txn.commit().await?;
    }
    load_profiles(db).await?;
    load_vacancies(db).await?;
    load_closed_vacancy(db).await?;
    load_history(db).await?;
    load_mentoring(db).await
}
