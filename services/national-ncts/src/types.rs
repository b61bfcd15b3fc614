//! NCTS message names ↔ standardized types.

use transit_model::MessageType;

/// (NCTS message, standardized type) for every type the family carries. A release
/// (IE029) is read from the CD050C or CD001C an NCTS office of departure sends, and written
/// as one ([`crate::Ncts`]).
pub(crate) const TYPES: &[(&str, MessageType)] = &[
    ("CD001C", MessageType::AnticipatedArrivalRecord),
    ("CD050C", MessageType::AnticipatedTransitRecord),
    ("CD118C", MessageType::NotificationCrossingFrontier),
    ("CD006C", MessageType::ArrivalAdvice),
    ("CD018C", MessageType::DestinationControlResults),
    ("CD010C", MessageType::InvalidationNotification),
    ("CD180C", MessageType::IncidentNotification),
    ("CD181C", MessageType::IncidentForwarded),
    ("CD906C", MessageType::FunctionalNack),
    ("CD917C", MessageType::SyntaxNack),
    ("CD002C", MessageType::ArrivalRecordRequest),
    ("CD003C", MessageType::ArrivalRecordResponse),
    ("CD114C", MessageType::TransitRecordRequest),
    ("CD115C", MessageType::TransitRecordResponse),
    ("CD094C", MessageType::StatusRequest),
    ("CD095C", MessageType::StatusResponse),
    ("CD142C", MessageType::EnquiryRequest),
    ("CD143C", MessageType::EnquiryResponse),
    ("CD144C", MessageType::EnquiryInformation),
    ("CD145C", MessageType::EnquiryInformationRequest),
    ("CD150C", MessageType::RecoveryRequest),
    ("CD151C", MessageType::RecoveryAcceptance),
    ("CD152C", MessageType::RecoveryDispatch),
];

/// The standardized type of an NCTS message name (a record's, as the hub's copy).
pub(crate) fn type_of(name: &str) -> Option<MessageType> {
    TYPES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}
