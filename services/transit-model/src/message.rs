//! The envelope every standardized message shares: header and body.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Body, MessageId, MessageType, ModelError, Mrn, Participant};

/// The version of the standardized message set this crate speaks (`schemas/transit/v1`).
pub const SCHEMA_VERSION: &str = "1";

/// The header on every message (the NCTS common header, mapped onto a Kafka envelope: key =
/// MRN; headers = type, message id, correlation id).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Header {
    /// Unique per message; every hop drops a second message with the same id and content.
    pub message_id: MessageId,
    /// The catalogue entry; decides the body's shape.
    pub message_type: MessageType,
    /// When the sender prepared the message (UTC).
    pub prepared_at: DateTime<Utc>,
    /// Who sent it.
    pub sender: Participant,
    /// Who it is for; the hub routes by the recipient office's country.
    pub recipient: Participant,
    /// The movement the message is about.
    pub mrn: Mrn,
    /// For an answer or a forwarded copy: the id of the message it answers or copies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<MessageId>,
    /// The version of the message set, `"1"`.
    pub schema_version: String,
}

/// A standardized message: a header and a body that agree on the message type.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StandardMessage {
    header: Header,
    body: Body,
}

impl StandardMessage {
    /// Joins a header and a body, refusing a pair whose message types disagree or whose schema
    /// version this crate does not speak.
    pub fn new(header: Header, body: Body) -> Result<Self, ModelError> {
        if header.message_type != body.message_type() {
            return Err(ModelError::new(
                "message",
                header.message_type.code(),
                format!(
                    "header says {} but the body is a {}",
                    header.message_type.code(),
                    body.message_type().code()
                ),
            ));
        }
        if header.schema_version != SCHEMA_VERSION {
            return Err(ModelError::new(
                "schema version",
                &header.schema_version,
                format!("this hub speaks schema version {SCHEMA_VERSION}"),
            ));
        }
        Ok(Self { header, body })
    }

    /// The header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The body.
    pub fn body(&self) -> &Body {
        &self.body
    }

    /// The message type (header and body agree).
    pub fn message_type(&self) -> MessageType {
        self.header.message_type
    }

    /// The movement's MRN.
    pub fn mrn(&self) -> &Mrn {
        &self.header.mrn
    }

    /// The message id.
    pub fn id(&self) -> MessageId {
        self.header.message_id
    }

    /// When the thing the message reports happened (release, crossing, arrival); for other
    /// messages, when it was prepared. The hub also records when it *received* the message:
    /// the two differ by hours when a border post syncs after being offline.
    pub fn event_time(&self) -> DateTime<Utc> {
        match &self.body {
            Body::ReleaseForTransit(d) => d.release_date_time,
            Body::NotificationCrossingFrontier(c) => c.crossing_date_time,
            Body::ArrivalAdvice(a) => a.arrival_date_time,
            Body::DestinationControlResults(c) => c.control_date_time,
            Body::InvalidationNotification(i) => i.invalidation_date_time,
            Body::IncidentNotification(i) | Body::IncidentForwarded(i) => i.incident_date_time,
            Body::WriteOffNotification(w) => w.write_off_date_time,
            Body::ArrivalRecordRequest(r)
            | Body::TransitRecordRequest(r)
            | Body::StatusRequest(r)
            | Body::EnquiryRequest(r)
            | Body::EnquiryInformationRequest(r) => r.request_date_time,
            Body::EnquiryResponse(e) | Body::EnquiryInformation(e) => e.response_date_time,
            Body::RecoveryRequest(r) | Body::RecoveryAcceptance(r) | Body::RecoveryDispatch(r) => {
                r.notice_date_time
            }
            Body::AnticipatedArrivalRecord(_)
            | Body::AnticipatedTransitRecord(_)
            | Body::ArrivalRecordResponse(_)
            | Body::TransitRecordResponse(_)
            | Body::StatusResponse(_)
            | Body::FunctionalNack(_)
            | Body::SyntaxNack(_) => self.header.prepared_at,
        }
    }
}
