//! Organisations, as administrators manage them: adding one, changing its name and ODS code,
//! deactivating it (its vacancies stay, no new ones) and reactivating it. Each is audited;
//! organisation names are not personal data, so the audit details hold them.

use sea_orm::{DatabaseTransaction, DbErr, SqlErr};
use serde_json::{Map, Value, json};

use crate::db::audit::{self, AuditAction};
use crate::db::{now, organisations};
use crate::domain::audit_subject::AuditSubject;
use crate::domain::organisation::{OrganisationInput, changes, is_active, same_name};
use crate::entities::organisation;
use crate::services::{Actor, Outcome};

/// Why an organisation was not added or changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DetailsRefusal {
    /// There is no such organisation.
    NotFound,
    /// Another organisation has this name (whatever its case and spacing).
    NameTaken,
    /// Another organisation has this ODS code.
    OdsCodeTaken,
}

/// Why an organisation's status did not change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusRefusal {
    /// There is no such organisation.
    NotFound,
    /// It already had that status (a second press, or another administrator first).
    Unchanged,
}

/// The result of a change: the organisation as it is now, and whether anything changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changed {
    /// The organisation after the change.
    pub organisation: organisation::Model,
    /// False when the form held what was stored already (nothing written, nothing audited).
    pub changed: bool,
}

/// Whether another organisation (not `except`) already has the name (or one that looks the
/// same: `domain::organisation::name_key`) or the ODS code, judged under the names lock.
async fn clash(
    txn: &DatabaseTransaction,
    input: &OrganisationInput,
    except: Option<i32>,
) -> Result<Option<DetailsRefusal>, DbErr> {
    organisations::lock_names(txn).await?;
    let others = organisations::all(txn).await?;
    let mut others = others.iter().filter(|o| Some(o.id) != except);
    if others
        .clone()
        .any(|o| same_name(&o.name, input.name.as_str()))
    {
        return Ok(Some(DetailsRefusal::NameTaken));
    }
    if let Some(code) = &input.ods_code
        && others.any(|o| o.ods_code.as_deref() == Some(code.as_str()))
    {
        return Ok(Some(DetailsRefusal::OdsCodeTaken));
    }
    Ok(None)
}

/// The refusal a unique index gave, when another administrator stored the same name or ODS
/// code between our check and our write.
fn taken(e: &DbErr) -> Option<DetailsRefusal> {
    match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(message)) if message.contains("ods_code") => {
            Some(DetailsRefusal::OdsCodeTaken)
        }
        Some(SqlErr::UniqueConstraintViolation(_)) => Some(DetailsRefusal::NameTaken),
        _ => None,
    }
}

/// Adds an active organisation, unless another has its name or ODS code, and records it in
/// the audit log. After a refusal the transaction must be rolled back, not committed.
pub async fn add(
    txn: &DatabaseTransaction,
    admin: Actor<'_>,
    input: &OrganisationInput,
) -> Outcome<organisation::Model, DetailsRefusal> {
    if let Some(refusal) = clash(txn, input, None).await? {
        return Ok(Err(refusal));
    }
    let added =
        match organisations::insert(txn, input.name.as_str(), input.ods_code.as_deref()).await {
            Ok(added) => added,
            Err(e) => match taken(&e) {
                Some(refusal) => return Ok(Err(refusal)),
                None => return Err(e.into()),
            },
        };
    audit::record(
        txn,
        Some(admin.id),
        AuditAction::OrganisationAdded,
        &AuditSubject::Organisation(added.id),
        json!({ "name": added.name, "ods_code": added.ods_code }),
    )
    .await?;
    Ok(Ok(added))
}

/// Changes an organisation's name and ODS code, unless another has them, and records the
/// fields changed (from and to) in the audit log. Nothing is written when nothing changed.
/// After a refusal the transaction must be rolled back, not committed.
pub async fn change(
    txn: &DatabaseTransaction,
    admin: Actor<'_>,
    organisation_id: i32,
    input: &OrganisationInput,
) -> Outcome<Changed, DetailsRefusal> {
    let Some(stored) = organisations::find_for_update(txn, organisation_id).await? else {
        return Ok(Err(DetailsRefusal::NotFound));
    };
    let found = changes(&stored.name, stored.ods_code.as_deref(), input);
    if found.is_empty() {
        return Ok(Ok(Changed {
            organisation: stored,
            changed: false,
        }));
    }
    if let Some(refusal) = clash(txn, input, Some(organisation_id)).await? {
        return Ok(Err(refusal));
    }
    let name = input.name.as_str();
    let ods_code = input.ods_code.as_deref();
    if let Err(e) = organisations::change(txn, organisation_id, name, ods_code).await {
        return match taken(&e) {
            Some(refusal) => Ok(Err(refusal)),
            None => Err(e.into()),
        };
    }
    let details: Map<String, Value> = found
        .into_iter()
        .map(|c| (c.field.to_owned(), json!({ "from": c.from, "to": c.to })))
        .collect();
    audit::record(
        txn,
        Some(admin.id),
        AuditAction::OrganisationChanged,
        &AuditSubject::Organisation(organisation_id),
        Value::Object(details),
    )
    .await?;
    Ok(Ok(Changed {
        organisation: organisation::Model {
            name: name.to_owned(),
            ods_code: ods_code.map(str::to_owned),
            ..stored
        },
        changed: true,
    }))
}

/// Deactivates an organisation: its vacancies stay as they are (published ones stay open
/// until they close) and its hiring managers keep running them, but no new vacancy can be
/// created for it and it is not offered when inviting staff. Audited once, however many
/// presses.
pub async fn deactivate(
    txn: &DatabaseTransaction,
    admin: Actor<'_>,
    organisation_id: i32,
) -> Outcome<organisation::Model, StatusRefusal> {
    set_active(txn, admin.id, organisation_id, false).await
}

/// Reactivates a deactivated organisation: new vacancies can be created for it again and it
/// is offered when inviting staff. Audited once, however many presses.
pub async fn reactivate(
    txn: &DatabaseTransaction,
    admin: Actor<'_>,
    organisation_id: i32,
) -> Outcome<organisation::Model, StatusRefusal> {
    set_active(txn, admin.id, organisation_id, true).await
}

async fn set_active(
    txn: &DatabaseTransaction,
    admin_id: i32,
    organisation_id: i32,
    active: bool,
) -> Outcome<organisation::Model, StatusRefusal> {
    let Some(stored) = organisations::find_for_update(txn, organisation_id).await? else {
        return Ok(Err(StatusRefusal::NotFound));
    };
    let at = now();
    // Conditional on the status as stored, so that two presses change it once.
    let (changed, action) = if active {
        let changed = organisations::reactivate(txn, organisation_id, at).await?;
        (changed, AuditAction::OrganisationReactivated)
    } else {
        let changed = organisations::deactivate(txn, organisation_id, at).await?;
        (changed, AuditAction::OrganisationDeactivated)
    };
    if !changed {
        return Ok(Err(StatusRefusal::Unchanged));
    }
    audit::record(
        txn,
        Some(admin_id),
        action,
        &AuditSubject::Organisation(organisation_id),
        json!({}),
    )
    .await?;
    Ok(Ok(organisation::Model {
        deactivated_at: (!active).then_some(at),
        updated_at: Some(at),
        ..stored
    }))
}

/// Whether a new vacancy may be created for the organisation: it exists and is active. Asked
/// inside the transaction that creates the vacancy; the organisation is held until it ends,
/// so it cannot be deactivated halfway.
pub async fn takes_new_vacancies(
    txn: &DatabaseTransaction,
    organisation_id: i32,
) -> Result<bool, DbErr> {
    Ok(organisations::find_for_new_vacancy(txn, organisation_id)
        .await?
        .is_some_and(|o| is_active(o.deactivated_at.as_ref())))
}
