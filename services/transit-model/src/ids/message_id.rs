use crate::ModelError;

/// The unique identifier of one message (a UUID). Duplicate detection at every hop is by this id.
#[derive(
    Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct MessageId(uuid::Uuid);

/// The namespace of derived message ids (UUID v5), so the same input always derives the same id.
const DERIVED_NAMESPACE: uuid::Uuid =
    uuid::Uuid::from_u128(0x5167_6d61_7400_4000_8000_7472_616e_7374);

impl MessageId {
    /// Wraps an existing UUID (for example one the caller generated at random).
    pub fn from_uuid(id: uuid::Uuid) -> Self {
        Self(id)
    }

    /// Parses the text form of a UUID.
    pub fn parse(value: &str) -> Result<Self, ModelError> {
        uuid::Uuid::parse_str(value).map(Self).map_err(|_| {
            ModelError::new(
                "message id",
                value,
                "expected a UUID, e.g. 7c9e6679-7425-40de-944b-e07fc1f90ae7",
            )
        })
    }

    /// A deterministic id derived from this one and a purpose, e.g. the copy of a release sent
    /// to one office. Re-processing the same input derives the same id, which is what lets every
    /// receiver drop a replayed copy as a duplicate.
    pub fn derive(&self, purpose: &str) -> Self {
        let mut name = self.0.as_bytes().to_vec();
        name.extend_from_slice(purpose.as_bytes());
        Self(uuid::Uuid::new_v5(&DERIVED_NAMESPACE, &name))
    }

    /// The underlying UUID.
    pub fn as_uuid(&self) -> uuid::Uuid {
        self.0
    }
}

impl std::fmt::Display for MessageId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_are_stable_and_distinct() {
        let id = MessageId::parse("7c9e6679-7425-40de-944b-e07fc1f90ae7").unwrap();
        assert_eq!(id.derive("IE050/BFNGK001"), id.derive("IE050/BFNGK001"));
        assert_ne!(id.derive("IE050/BFNGK001"), id.derive("IE001/BFOUA001"));
        assert_ne!(id.derive("x"), id);
    }
}
