//! ASYCUDA message type names ↔ standardized types.

use transit_model::MessageType;

/// (ASYCUDA `Message/Type`, standardized type).
pub(crate) const TYPES: &[(&str, MessageType)] = &[
    ("TRANSIT_RELEASE", MessageType::ReleaseForTransit),
    ("ARRIVAL_RECORD", MessageType::AnticipatedArrivalRecord),
    ("TRANSIT_RECORD", MessageType::AnticipatedTransitRecord),
    ("BORDER_PASSAGE", MessageType::NotificationCrossingFrontier),
    ("ARRIVAL_ADVICE", MessageType::ArrivalAdvice),
    ("CONTROL_RESULT", MessageType::DestinationControlResults),
    ("INCIDENT", MessageType::IncidentNotification),
    ("INCIDENT_FORWARDED", MessageType::IncidentForwarded),
    ("INVALIDATION", MessageType::InvalidationNotification),
    ("WRITE_OFF", MessageType::WriteOffNotification),
    ("REJECTION", MessageType::FunctionalNack),
    ("ARRIVAL_RECORD_REQUEST", MessageType::ArrivalRecordRequest),
    (
        "ARRIVAL_RECORD_RESPONSE",
        MessageType::ArrivalRecordResponse,
    ),
    ("STATUS_REQUEST", MessageType::StatusRequest),
    ("STATUS_RESPONSE", MessageType::StatusResponse),
    ("TRANSIT_RECORD_REQUEST", MessageType::TransitRecordRequest),
    (
        "TRANSIT_RECORD_RESPONSE",
        MessageType::TransitRecordResponse,
    ),
    ("ENQUIRY_REQUEST", MessageType::EnquiryRequest),
    ("ENQUIRY_RESPONSE", MessageType::EnquiryResponse),
    ("ENQUIRY_INFORMATION", MessageType::EnquiryInformation),
    (
        "ENQUIRY_INFORMATION_REQUEST",
        MessageType::EnquiryInformationRequest,
    ),
    ("RECOVERY_REQUEST", MessageType::RecoveryRequest),
    ("RECOVERY_ACCEPTANCE", MessageType::RecoveryAcceptance),
    ("RECOVERY_DISPATCH", MessageType::RecoveryDispatch),
];

/// The standardized type of an ASYCUDA type name.
pub(crate) fn type_of(name: &str) -> Option<MessageType> {
    TYPES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The ASYCUDA name of a standardized type.
pub(crate) fn name_of(kind: MessageType) -> Option<&'static str> {
    TYPES.iter().find(|(_, t)| *t == kind).map(|(n, _)| *n)
}
