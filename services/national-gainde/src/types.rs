//! GAINDE document codes (BGM) ↔ standardized types.

use transit_model::MessageType;

/// (BGM document name code, standardized type).
pub const TYPES: &[(&str, MessageType)] = &[
    ("TRL", MessageType::ReleaseForTransit),
    ("AAR", MessageType::AnticipatedArrivalRecord),
    ("ATR", MessageType::AnticipatedTransitRecord),
    ("NCF", MessageType::NotificationCrossingFrontier),
    ("ARV", MessageType::ArrivalAdvice),
    ("CTR", MessageType::DestinationControlResults),
    ("INC", MessageType::IncidentNotification),
    ("INF", MessageType::IncidentForwarded),
    ("INV", MessageType::InvalidationNotification),
    ("WOF", MessageType::WriteOffNotification),
    ("REJ", MessageType::FunctionalNack),
    ("RQA", MessageType::ArrivalRecordRequest),
    ("RSA", MessageType::ArrivalRecordResponse),
    ("RQS", MessageType::StatusRequest),
    ("STA", MessageType::StatusResponse),
    ("RQT", MessageType::TransitRecordRequest),
    ("RST", MessageType::TransitRecordResponse),
    ("ENQ", MessageType::EnquiryRequest),
    ("ENR", MessageType::EnquiryResponse),
    ("ENI", MessageType::EnquiryInformation),
    ("ENF", MessageType::EnquiryInformationRequest),
    ("RCR", MessageType::RecoveryRequest),
    ("RCA", MessageType::RecoveryAcceptance),
    ("RCD", MessageType::RecoveryDispatch),
];

/// The standardized type of a BGM code.
pub(crate) fn type_of(code: &str) -> Option<MessageType> {
    TYPES.iter().find(|(n, _)| *n == code).map(|(_, t)| *t)
}

/// The BGM code of a standardized type.
pub(crate) fn code_of(kind: MessageType) -> Option<&'static str> {
    TYPES.iter().find(|(_, t)| *t == kind).map(|(n, _)| *n)
}
