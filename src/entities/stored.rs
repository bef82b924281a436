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

/// Implements the SeaORM value traits for domain enums stored by name.
macro_rules! stored_as_name {
    ($($ty:ident => $path:path),* $(,)?) => {$(
        impl From<$path> for sea_orm::Value {
            fn from(value: $path) -> Self {
                value.as_str().into()
            }
        }

        impl sea_orm::TryGetable for $path {
            fn try_get_by<I: sea_orm::ColIdx>(
                res: &sea_orm::QueryResult,
                idx: I,
            ) -> Result<Self, sea_orm::TryGetError> {
                let found = String::try_get_by(res, idx)?;
                $crate::entities::stored::read_name(&found, stringify!($ty), <$path>::parse)
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
                <$path>::parse(&found).ok_or(sea_orm::sea_query::ValueTypeErr)
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
    Role => crate::domain::role::Role,
    CareExperience => crate::domain::profile::CareExperience,
    TokenPurpose => crate::domain::account::TokenPurpose,
    ReferenceType => crate::domain::vacancy::ReferenceType,
    Route => crate::domain::employment::Route,
    JobStatus => crate::domain::esr_import::JobStatus,
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
}
