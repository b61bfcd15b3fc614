//! The message catalogue: one closed enum, NCTS phase 5 codes as the vocabulary.
//!
//! This is the foundation slice of the catalogue: the messages one movement needs to cross a
//! corridor (release, the two anticipated records, border passage, arrival advice) and the
//! functional rejection. The rest of the office-to-office set joins here, one variant each.

use crate::ModelError;

/// Every standardized message type the network exchanges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MessageType {
    /// IE029 — the departure country released the goods for transit; carries the declaration
    /// data. Departure adapter → hub.
    ReleaseForTransit,
    /// IE001 — Anticipated Arrival Record (AAR). Hub → office of destination.
    AnticipatedArrivalRecord,
    /// IE050 — Anticipated Transit Record (ATR). Hub → each declared office of transit.
    AnticipatedTransitRecord,
    /// IE118 — Notification Crossing Frontier: the truck passed an office of transit.
    /// Transit office → hub → office of departure.
    NotificationCrossingFrontier,
    /// IE006 — Arrival Advice: the goods were presented at destination.
    /// Destination office → hub → office of departure.
    ArrivalAdvice,
    /// IE906 — Functional NACK: a message was refused, with NCTS error codes. Hub → sender.
    FunctionalNack,
}

impl MessageType {
    /// Every type, in code order.
    pub const ALL: [MessageType; 6] = [
        Self::AnticipatedArrivalRecord,
        Self::ArrivalAdvice,
        Self::ReleaseForTransit,
        Self::AnticipatedTransitRecord,
        Self::NotificationCrossingFrontier,
        Self::FunctionalNack,
    ];

    /// The NCTS code, e.g. `IE050`.
    pub fn code(self) -> &'static str {
        match self {
            Self::ReleaseForTransit => "IE029",
            Self::AnticipatedArrivalRecord => "IE001",
            Self::AnticipatedTransitRecord => "IE050",
            Self::NotificationCrossingFrontier => "IE118",
            Self::ArrivalAdvice => "IE006",
            Self::FunctionalNack => "IE906",
        }
    }

    /// The English name, as in the NCTS catalogue.
    pub fn name(self) -> &'static str {
        match self {
            Self::ReleaseForTransit => "Release for transit",
            Self::AnticipatedArrivalRecord => "Anticipated arrival record",
            Self::AnticipatedTransitRecord => "Anticipated transit record",
            Self::NotificationCrossingFrontier => "Notification crossing frontier",
            Self::ArrivalAdvice => "Arrival advice",
            Self::FunctionalNack => "Functional NACK",
        }
    }

    /// Looks a type up by its NCTS code.
    pub fn from_code(code: &str) -> Result<Self, ModelError> {
        Self::ALL
            .into_iter()
            .find(|t| t.code() == code)
            .ok_or_else(|| {
                let known: Vec<&str> = Self::ALL.iter().map(|t| t.code()).collect();
                ModelError::new(
                    "message type",
                    code,
                    format!("not in the catalogue; known types: {}", known.join(", ")),
                )
            })
    }
}

impl std::fmt::Display for MessageType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl serde::Serialize for MessageType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for MessageType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::from_code(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for t in MessageType::ALL {
            assert_eq!(MessageType::from_code(t.code()).unwrap(), t);
            assert!(seen.insert(t.code()));
        }
        assert!(MessageType::from_code("IE999").is_err());
    }
}
