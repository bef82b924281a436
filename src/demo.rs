//! Demo data for `spectra demo`: the partner organisations and one account per kind of user.
//! Loading is idempotent, so the demo can be restarted on the same database.

use sea_orm::{DatabaseConnection, TransactionTrait};

use crate::auth::password;
use crate::db::{organisations, users};
use crate::domain::{EmailAddress, NewPassword, Role};

/// The password of every demo account unless `SPECTRA_DEMO_PASSWORD` says otherwise.
pub const DEFAULT_PASSWORD: &str = "demo-password-123";

/// The partner organisations (DOMAIN.md §1).
pub const ORGANISATIONS: [&str; 8] = [
    "Alder Hey Children's NHS FT",
    "Liverpool University Hospitals NHS FT",
    "Liverpool Women's NHS FT",
    "Liverpool Heart and Chest Hospital NHS FT",
    "The Clatterbridge Cancer Centre NHS FT",
    "The Walton Centre NHS FT",
    "Mersey Care NHS FT",
    "NHS Cheshire and Merseyside (the ICB)",
];

/// A demo account.
#[derive(Debug)]
pub struct DemoAccount {
    /// Sign-in address.
    pub email: &'static str,
    /// Name shown.
    pub name: &'static str,
    /// Roles held.
    pub roles: &'static [Role],
    /// Organisation, by name.
    pub organisation: Option<&'static str>,
    /// What the account is for, printed at start.
    pub description: &'static str,
}

/// Every demo account.
pub const ACCOUNTS: [DemoAccount; 7] = [
    DemoAccount {
        email: "admin@example.org",
        name: "Alex Admin",
        roles: &[Role::Admin],
        organisation: None,
        description: "administrator",
    },
    DemoAccount {
        email: "champion@example.org",
        name: "Chris Champion",
        roles: &[Role::Champion],
        organisation: None,
        description: "Executive Champion for Care Leavers",
    },
    DemoAccount {
        email: "coordinator@example.org",
        name: "Cam Coordinator",
        roles: &[Role::Coordinator],
        organisation: None,
        description: "mentoring coordinator",
    },
    DemoAccount {
        email: "manager.alderhey@example.org",
        name: "Morgan Manager",
        roles: &[Role::HiringManager],
        organisation: Some(ORGANISATIONS[0]),
        description: "hiring manager, Alder Hey",
    },
    DemoAccount {
        email: "manager.luhft@example.org",
        name: "Lee Manager",
        roles: &[Role::HiringManager],
        organisation: Some(ORGANISATIONS[1]),
        description: "hiring manager, Liverpool University Hospitals",
    },
    DemoAccount {
        email: "applicant@example.org",
        name: "Jordan Applicant",
        roles: &[Role::Applicant],
        organisation: None,
        description: "applicant who declares care experience",
    },
    DemoAccount {
        email: "applicant2@example.org",
        name: "Sam Applicant",
        roles: &[Role::Applicant],
        organisation: None,
        description: "applicant who does not declare care experience",
    },
];

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
    let hash = password::hash(&password).await?;
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
    Ok(())
}
