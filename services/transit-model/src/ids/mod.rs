//! Validated identifiers. Each has a private field and a `parse`: once you hold one, it is valid.

mod container;
mod country;
mod message_id;
mod mrn;
mod office;
mod participant;
mod simple;

pub use container::ContainerNumber;
pub use country::CountryCode;
pub use message_id::MessageId;
pub use mrn::{Mrn, ProcedureLetter};
pub use office::OfficeRef;
pub use participant::Participant;
pub use simple::{HsCode, Lrn};

/// Implements `Serialize`/`Deserialize` as a string through `parse` and `as_str`, so a decoded
/// message can never hold an invalid identifier.
macro_rules! string_serde {
    ($ty:ty) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                <$ty>::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl std::str::FromStr for $ty {
            type Err = crate::ModelError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$ty>::parse(s)
            }
        }
        /// Compared with text as written (`mrn == "26CI…"`).
        impl PartialEq<str> for $ty {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }
        impl PartialEq<&str> for $ty {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
        impl PartialEq<String> for $ty {
            fn eq(&self, other: &String) -> bool {
                self.as_str() == other
            }
        }
        /// What a database row or any other text decodes through (`#[sqlx(try_from = "String")]`).
        impl TryFrom<String> for $ty {
            type Error = crate::ModelError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                <$ty>::parse(&s)
            }
        }
    };
}
pub(crate) use string_serde;
