//! Columns that hold one of a fixed set of names (a stage, a status, a kind, a role) are typed
//! by the domain's own enum: the stored names are unchanged, and a stored name the code does
//! not know is an error when the row is read, never a default.
//!
//! `stored_as_name!` gives a domain enum with `as_str(self) -> &'static str` and
//! `parse(&str) -> Option<Self>` the conversions SeaORM needs to use it as a model field, a
//! filter value or a query result, without the domain importing anything of the database.

use std::fmt;

/// A stored name that the enum it should be does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownStoredName {
    /// The enum, e.g. `Stage`.
    pub type_name: &'static str,
    /// The name found.
    pub found: String,
}

impl fmt::Display for UnknownStoredName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} stored: {:?}", self.type_name, self.found)
    }
}

impl std::error::Error for UnknownStoredName {}

/// Reads `found` as `T` with `parse`, or says which name was not known.
pub fn read_name<T>(
    found: &str,
    type_name: &'static str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, UnknownStoredName> {
    parse(found).ok_or_else(|| UnknownStoredName {
        type_name,
        found: found.to_owned(),
    })
}

/// The error for a stored text the code cannot read (a list with a name it does not know, a
/// document that is not what it should be): the read fails, never a default.
pub fn unreadable(
    into: &'static str,
    source: impl std::error::Error + Send + Sync + 'static,
) -> sea_orm::DbErr {
    sea_orm::DbErr::TryIntoErr {
        from: "String",
        into,
        source: std::sync::Arc::new(source),
    }
}

/// Implements the SeaORM value traits for domain enums stored by name (`as_str` and `parse`).
macro_rules! stored_as_name {
    ($($ty:ident => $path:path),* $(,)?) => {$(
        stored_as_name!(@one $ty, $path, |value| value.as_str(), <$path>::parse);
    )*};
    (@one $ty:ident, $path:path, |$value:ident| $write:expr, $read:expr) => {
        impl From<$path> for sea_orm::Value {
            fn from($value: $path) -> Self {
                $write.into()
            }
        }

        impl sea_orm::TryGetable for $path {
            fn try_get_by<I: sea_orm::ColIdx>(
                res: &sea_orm::QueryResult,
                idx: I,
            ) -> Result<Self, sea_orm::TryGetError> {
                let found = String::try_get_by(res, idx)?;
                $crate::entities::stored::read_name(&found, stringify!($ty), $read)
                    .map_err(|e| {
                        sea_orm::TryGetError::DbErr(sea_orm::DbErr::TryIntoErr {
                            from: "String",
                            into: stringify!($ty),
                            source: std::sync::Arc::new(e),
                        })
                    })
            }
        }

        impl sea_orm::sea_query::ValueType for $path {
            fn try_from(v: sea_orm::Value) -> Result<Self, sea_orm::sea_query::ValueTypeErr> {
                let found = <String as sea_orm::sea_query::ValueType>::try_from(v)?;
                $crate::entities::stored::read_name(&found, stringify!($ty), $read)
                    .map_err(|_| sea_orm::sea_query::ValueTypeErr)
            }

            fn type_name() -> String {
                stringify!($ty).to_owned()
            }

            fn array_type() -> sea_orm::sea_query::ArrayType {
                sea_orm::sea_query::ArrayType::String
            }

            fn column_type() -> sea_orm::sea_query::ColumnType {
                sea_orm::sea_query::ColumnType::String(sea_orm::sea_query::StringLen::None)
            }
        }

        impl sea_orm::sea_query::Nullable for $path {
            fn null() -> sea_orm::Value {
                sea_orm::Value::String(None)
            }
        }

        impl sea_orm::IntoActiveValue<$path> for $path {
            fn into_active_value(self) -> sea_orm::ActiveValue<$path> {
                sea_orm::ActiveValue::Set(self)
            }
        }

        // Part of a primary key (`user_roles` is keyed by user and role): a name is never
        // made from a number.
        impl sea_orm::TryFromU64 for $path {
            fn try_from_u64(_: u64) -> Result<Self, sea_orm::DbErr> {
                Err(sea_orm::DbErr::ConvertFromU64(stringify!($ty)))
            }
        }
    };
}

/// Implements the SeaORM value traits for domain values stored as text: written with
/// `Display`, read with `parse(&str) -> Result<Self, String>` (a set of meeting modes, say).
macro_rules! stored_as_text {
    ($($ty:ident => $path:path),* $(,)?) => {$(
        stored_as_name!(@one $ty, $path, |value| value.to_string(), |found: &str| {
            <$path>::parse(found).ok()
        });
    )*};
}

stored_as_name! {
    Stage => crate::domain::application::Stage,
    VacancyStatus => crate::domain::vacancy::VacancyStatus,
    VacancyKind => crate::domain::vacancy::VacancyKind,
    OfferStatus => crate::domain::offer::OfferStatus,
    CheckKind => crate::domain::offer::CheckKind,
    CheckStatus => crate::domain::offer::CheckStatus,
    ExceptionStatus => crate::domain::shortlisting::ExceptionStatus,
    MenteeStatus => crate::domain::mentoring::pilot::MenteeStatus,
    ExclusionSource => crate::domain::mentoring::pilot::ExclusionSource,
    Strength => crate::domain::mentoring::profile::Strength,
    Role => crate::domain::role::Role,
    CareExperience => crate::domain::profile::CareExperience,
    CareDefinition => crate::domain::programme::CareDefinition,
    TokenPurpose => crate::domain::account::TokenPurpose,
    ReferenceType => crate::domain::vacancy::ReferenceType,
    Route => crate::domain::employment::Route,
    EndKind => crate::domain::employment::EndKind,
    CheckpointOutcome => crate::domain::employment::CheckpointOutcome,
    CheckpointSource => crate::domain::employment::CheckpointSource,
    JobStatus => crate::domain::esr_import::JobStatus,
    Failure => crate::domain::esr_import::Failure,
}

stored_as_text! {
    Modes => crate::domain::mentoring::profile::Modes,
    Availability => crate::domain::mentoring::profile::Availability,
}

#[cfg(test)]
mod tests {
    use sea_orm::sea_query::ValueType;

    use super::*;
    use crate::domain::offer::OfferStatus;

    #[test]
    fn a_known_name_reads_as_its_variant_and_writes_back_the_same_name() {
        let value: sea_orm::Value = OfferStatus::Accepted.into();
        assert_eq!(value, sea_orm::Value::String(Some("accepted".to_owned())));
        assert_eq!(
            <OfferStatus as ValueType>::try_from(value).ok(),
            Some(OfferStatus::Accepted)
        );
    }

    #[test]
    fn an_unknown_name_is_an_error_that_names_it_never_a_default() {
        let unknown = sea_orm::Value::String(Some("Accepted ".to_owned()));
        assert!(<OfferStatus as ValueType>::try_from(unknown).is_err());
        assert_eq!(
            read_name("pending", "OfferStatus", OfferStatus::parse),
            Err(UnknownStoredName {
                type_name: "OfferStatus",
                found: "pending".to_owned()
            })
        );
        assert_eq!(
            read_name("pending", "OfferStatus", OfferStatus::parse)
                .unwrap_err()
                .to_string(),
            "unknown OfferStatus stored: \"pending\""
        );
    }

    #[test]
    fn a_set_stored_as_text_writes_its_text_and_reads_it_back() {
        use crate::domain::mentoring::profile::{Availability, Modes, Strength};
        let modes = Modes::parse("in_person;online").unwrap();
        let value: sea_orm::Value = modes.into();
        assert_eq!(
            value,
            sea_orm::Value::String(Some("in_person;online".to_owned()))
        );
        assert_eq!(<Modes as ValueType>::try_from(value).ok(), Some(modes));
        let times = Availability::parse("mon_am;tue_pm").unwrap();
        let value: sea_orm::Value = times.into();
        assert_eq!(
            value,
            sea_orm::Value::String(Some("mon_am;tue_pm".to_owned()))
        );
        assert_eq!(
            <Availability as ValueType>::try_from(value).ok(),
            Some(times)
        );
        let nothing = sea_orm::Value::String(Some(String::new()));
        assert_eq!(
            <Availability as ValueType>::try_from(nothing.clone()).ok(),
            Some(Availability::default()),
            "an empty text is no times at all, as written"
        );
        assert_eq!(
            <Strength as ValueType>::try_from(nothing).ok(),
            Some(Strength::None)
        );
        let unknown = sea_orm::Value::String(Some("mon_am;fortnightly".to_owned()));
        assert!(<Availability as ValueType>::try_from(unknown).is_err());
        let unknown = sea_orm::Value::String(Some("by_carrier_pigeon".to_owned()));
        assert!(<Modes as ValueType>::try_from(unknown).is_err());
    }

    #[test]
    fn an_unreadable_text_is_an_error_that_says_what_it_should_have_been() {
        let error = unreadable(
            "Role list",
            UnknownStoredName {
                type_name: "Role list",
                found: "admin,wizard".to_owned(),
            },
        );
        assert_eq!(
            error.to_string(),
            "Error converting `String` into `Role list`: unknown Role list stored: \"admin,wizard\""
        );
    }
}
