//! SYDAM message type names (`entete.typeMessage`) ↔ standardized types.

use transit_model::MessageType;

/// (SYDAM `typeMessage`, standardized type).
pub const TYPES: &[(&str, MessageType)] = &[
    ("DECLARATION_TRANSIT", MessageType::ReleaseForTransit),
    ("PREAVIS_ARRIVEE", MessageType::AnticipatedArrivalRecord),
    ("PREAVIS_TRANSIT", MessageType::AnticipatedTransitRecord),
    (
        "PASSAGE_FRONTIERE",
        MessageType::NotificationCrossingFrontier,
    ),
    ("AVIS_ARRIVEE", MessageType::ArrivalAdvice),
    ("RESULTAT_CONTROLE", MessageType::DestinationControlResults),
    ("INCIDENT", MessageType::IncidentNotification),
    ("INCIDENT_TRANSMIS", MessageType::IncidentForwarded),
    ("INVALIDATION", MessageType::InvalidationNotification),
    ("APUREMENT", MessageType::WriteOffNotification),
    ("REJET", MessageType::FunctionalNack),
    ("DEMANDE_PREAVIS_ARRIVEE", MessageType::ArrivalRecordRequest),
    (
        "REPONSE_PREAVIS_ARRIVEE",
        MessageType::ArrivalRecordResponse,
    ),
    ("DEMANDE_STATUT", MessageType::StatusRequest),
    ("REPONSE_STATUT", MessageType::StatusResponse),
    ("DEMANDE_PREAVIS_TRANSIT", MessageType::TransitRecordRequest),
    (
        "REPONSE_PREAVIS_TRANSIT",
        MessageType::TransitRecordResponse,
    ),
    ("DEMANDE_ENQUETE", MessageType::EnquiryRequest),
    ("REPONSE_ENQUETE", MessageType::EnquiryResponse),
    ("INFORMATION_ENQUETE", MessageType::EnquiryInformation),
    (
        "DEMANDE_INFORMATION_ENQUETE",
        MessageType::EnquiryInformationRequest,
    ),
    ("DEMANDE_RECOUVREMENT", MessageType::RecoveryRequest),
    ("ACCEPTATION_RECOUVREMENT", MessageType::RecoveryAcceptance),
    ("TRANSMISSION_RECOUVREMENT", MessageType::RecoveryDispatch),
];

pub(crate) fn type_of(name: &str) -> Option<MessageType> {
    TYPES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

pub(crate) fn name_of(kind: MessageType) -> Option<&'static str> {
    TYPES.iter().find(|(_, t)| *t == kind).map(|(n, _)| *n)
}
