//! The message catalogue: one closed enum, NCTS phase 5 codes as the vocabulary.
//!
//! One table below lists every message: its variant, NCTS code, name, body type, sender (the
//! hub only, or an office) and direction.
//! [`MessageType`] and [`Body`] are both generated from it, so a type cannot exist without its
//! body shape, and every `match` on either must handle every message.

use serde::{Deserialize, Deserializer, Serialize};

use crate::body::*;
use crate::ModelError;

/// Who sends a message type onto the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sender {
    /// Only the hub writes it (copies, answers, refusals); an office never sends it to the hub.
    Hub,
    /// An office sends it, through its country's adapter (the hub may pass it on).
    Office,
}

macro_rules! catalogue {
    ($( $variant:ident = $code:literal, $name:literal, $body:ty, $sender:ident, $doc:literal; )*) => {
        /// Every standardized message type the network exchanges.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum MessageType {
            $( #[doc = concat!($code, " — ", $doc)] $variant, )*
        }

        impl MessageType {
            /// Every type, in catalogue order.
            pub const ALL: &'static [MessageType] = &[ $( Self::$variant, )* ];

            /// The NCTS code, e.g. `IE050`.
            pub fn code(self) -> &'static str {
                match self { $( Self::$variant => $code, )* }
            }

            /// The name, as in the NCTS catalogue.
            pub fn name(self) -> &'static str {
                match self { $( Self::$variant => $name, )* }
            }

            /// Who sends it to whom, in a sentence.
            pub fn description(self) -> &'static str {
                match self { $( Self::$variant => $doc, )* }
            }

            /// Who sends it onto the network: the hub only, or an office.
            pub fn sender(self) -> Sender {
                match self { $( Self::$variant => Sender::$sender, )* }
            }
        }

        /// The body of a [`crate::StandardMessage`]; its variant always matches the header's type.
        #[derive(Clone, Debug, PartialEq, Serialize)]
        #[serde(untagged)]
        pub enum Body {
            $( #[doc = $code] $variant($body), )*
        }

        impl Body {
            /// The message type this body belongs to.
            pub fn message_type(&self) -> MessageType {
                match self { $( Self::$variant(_) => MessageType::$variant, )* }
            }

            /// Deserializes the body shape that `message_type` calls for, from any serde
            /// format (the JSON and XML codecs both use it).
            pub fn deserialize_as<'de, D: Deserializer<'de>>(
                message_type: MessageType,
                deserializer: D,
            ) -> Result<Self, D::Error> {
                Ok(match message_type {
                    $( MessageType::$variant => Self::$variant(<$body>::deserialize(deserializer)?), )*
                })
            }
        }
    };
}

catalogue! {
    AnticipatedArrivalRecord = "IE001", "Anticipated arrival record", TransitDeclaration, Hub,
        "hub → office of destination: the declaration, before the goods arrive";
    ArrivalRecordRequest = "IE002", "Anticipated arrival record request", OfficeRequest, Office,
        "undeclared office of destination → hub → departure: send me the record";
    ArrivalRecordResponse = "IE003", "Anticipated arrival record response", RecordResponse, Office,
        "departure → hub → the office that asked: the record, or why not";
    ArrivalAdvice = "IE006", "Arrival advice", ArrivalAdvice, Office,
        "office of destination → hub → departure: the goods were presented";
    InvalidationNotification = "IE010", "Invalidation notification", Invalidation, Office,
        "departure → hub → every office holding a copy: the movement is cancelled";
    DestinationControlResults = "IE018", "Destination control results", ControlResults, Office,
        "office of destination → hub → departure: control outcome, seals, discrepancies";
    ReleaseForTransit = "IE029", "Release for transit", TransitDeclaration, Office,
        "departure → hub: the goods are released for transit, with the declaration";
    WriteOffNotification = "IE045", "Write-off notification", WriteOff, Hub,
        "hub → departure: the movement is written off and the guarantee released";
    AnticipatedTransitRecord = "IE050", "Anticipated transit record", TransitDeclaration, Hub,
        "hub → each declared office of transit: the declaration, before the truck arrives";
    StatusRequest = "IE094", "Status request", OfficeRequest, Office,
        "any office → hub: what is this movement's status?";
    StatusResponse = "IE095", "Status response", StatusResponse, Hub,
        "hub → the office that asked: the movement's status";
    TransitRecordRequest = "IE114", "Anticipated transit record request", OfficeRequest, Office,
        "undeclared office of transit → hub → departure: send me the record";
    TransitRecordResponse = "IE115", "Anticipated transit record response", RecordResponse, Office,
        "departure → hub → the office that asked: the record, or why not";
    NotificationCrossingFrontier = "IE118", "Notification crossing frontier", BorderCrossing, Office,
        "office of transit → hub → departure: the truck crossed the border here";
    EnquiryRequest = "IE142", "Enquiry request", OfficeRequest, Office,
        "departure → hub → destination: no arrival within the time limit; what happened?";
    EnquiryResponse = "IE143", "Enquiry response", EnquiryAnswer, Office,
        "destination → hub → departure: the answer to an enquiry";
    EnquiryInformation = "IE144", "Enquiry information", EnquiryAnswer, Office,
        "destination → hub → departure: proof of arrival or further information";
    EnquiryInformationRequest = "IE145", "Enquiry information request", OfficeRequest, Office,
        "destination → hub → departure: more information needed to answer";
    RecoveryRequest = "IE150", "Recovery request", RecoveryNotice, Office,
        "departure → hub → another country: please recover the duties";
    RecoveryAcceptance = "IE151", "Recovery acceptance notification", RecoveryNotice, Office,
        "that country → hub → departure: recovery accepted or not";
    RecoveryDispatch = "IE152", "Recovery dispatch notification", RecoveryNotice, Office,
        "departure → hub → every office concerned: recovery has started";
    IncidentNotification = "IE180", "Incident notification", Incident, Office,
        "an office en route → hub → departure: seals broken, transhipment, accident";
    IncidentForwarded = "IE181", "Forwarded incident notification", Incident, Hub,
        "hub → the next offices on the route: an incident was recorded";
    FunctionalNack = "IE906", "Functional NACK", FunctionalNack, Hub,
        "hub → the sender: the message was refused, with NCTS error codes";
    SyntaxNack = "IE917", "XML NACK", SyntaxNack, Hub,
        "hub → the sender: the message could not be parsed";
}

impl MessageType {
    /// Looks a type up by its NCTS code.
    pub fn from_code(code: &str) -> Result<Self, ModelError> {
        Self::ALL
            .iter()
            .copied()
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

impl TryFrom<String> for MessageType {
    type Error = ModelError;
    fn try_from(code: String) -> Result<Self, Self::Error> {
        Self::from_code(&code)
    }
}

impl std::str::FromStr for MessageType {
    type Err = ModelError;
    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Self::from_code(code)
    }
}

impl std::fmt::Display for MessageType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for MessageType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for MessageType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::from_code(&raw).map_err(serde::de::Error::custom)
    }
}

impl RecordResponse {
    /// This response as the answer to a record request of type `request`: IE003 to an IE002
    /// (arrival record), IE115 to an IE114 (transit record).
    pub fn answering(self, request: MessageType) -> (MessageType, Body) {
        match request {
            MessageType::ArrivalRecordRequest => (
                MessageType::ArrivalRecordResponse,
                Body::ArrivalRecordResponse(self),
            ),
            _ => (
                MessageType::TransitRecordResponse,
                Body::TransitRecordResponse(self),
            ),
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_sender_column_agrees_with_each_direction() {
        for t in MessageType::ALL {
            let from_hub = t.description().starts_with("hub →");
            assert_eq!(t.sender() == Sender::Hub, from_hub, "{}", t.code());
        }
        let hub: Vec<&str> = MessageType::ALL
            .iter()
            .filter(|t| t.sender() == Sender::Hub)
            .map(|t| t.code())
            .collect();
        assert_eq!(
            hub,
            ["IE001", "IE045", "IE050", "IE095", "IE181", "IE906", "IE917"]
        );
    }
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for t in MessageType::ALL {
            assert_eq!(MessageType::from_code(t.code()).unwrap(), *t);
            assert!(seen.insert(t.code()), "{} twice", t.code());
            assert!(t.code().starts_with("IE") && t.code().len() == 5);
        }
        assert_eq!(MessageType::ALL.len(), 25);
        assert!(MessageType::from_code("IE999").is_err());
    }
}
