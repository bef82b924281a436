//! Programmes, such as SPECTRA 25/7, as an administrator adds and changes them. A name is
//! unique: the database's index judges it, inside the transaction that writes.

use sea_orm::DatabaseTransaction;

use crate::db::programmes;
use crate::domain::programme::ProgrammeInput;
use crate::entities::programme;
use crate::services::Outcome;

/// Why a programme was not saved. Nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProgrammeRefusal {
    /// No such programme.
    NotFound,
    /// Another programme has this name.
    NameTaken,
}

/// Adds a programme.
pub async fn add(
    txn: &DatabaseTransaction,
    input: &ProgrammeInput,
) -> Outcome<programme::Model, ProgrammeRefusal> {
    match programmes::create(txn, input).await {
        Ok(added) => Ok(Ok(added)),
        Err(e) if crate::db::is_unique_violation(&e) => Ok(Err(ProgrammeRefusal::NameTaken)),
        Err(e) => Err(e.into()),
    }
}

/// Changes a programme's name, target, definition and contact.
pub async fn change(
    txn: &DatabaseTransaction,
    programme_id: i32,
    input: &ProgrammeInput,
) -> Outcome<(), ProgrammeRefusal> {
    if programmes::find(txn, programme_id).await?.is_none() {
        return Ok(Err(ProgrammeRefusal::NotFound));
    }
    match programmes::update(txn, programme_id, input).await {
        Ok(()) => Ok(Ok(())),
        Err(e) if crate::db::is_unique_violation(&e) => Ok(Err(ProgrammeRefusal::NameTaken)),
        Err(e) => Err(e.into()),
    }
}
