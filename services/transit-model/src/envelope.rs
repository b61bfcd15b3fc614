//! The envelope of a record on the network's topics — topic, key, headers, payload — as the
//! hub writes it to its outbox and the broker client publishes it. Pure data: the store keeps it
//! and the broker crate sends it, neither needing the other.

use crate::StandardMessage;

/// Names of the record headers every standardized message carries.
pub mod header {
    /// The NCTS code of the message type (`IE050`).
    pub const MESSAGE_TYPE: &str = "sigmat-message-type";
    /// The message id (UUID).
    pub const MESSAGE_ID: &str = "sigmat-message-id";
    /// The id of the message this one answers or copies, when there is one.
    pub const CORRELATION_ID: &str = "sigmat-correlation-id";
    /// The version of the message set (`1`).
    pub const SCHEMA_VERSION: &str = "sigmat-schema-version";
    /// On dead-letter records: why the hub refused the message.
    pub const REJECTION_REASON: &str = "sigmat-rejection-reason";
    /// On event records (not standardized messages): what the event is (`guarantee`).
    pub const EVENT_TYPE: &str = "sigmat-event-type";
    /// On event records: the event's id (UUID); receivers deduplicate by it.
    pub const EVENT_ID: &str = "sigmat-event-id";
    /// On a dead letter published again by an operator: its id (`refused-12`). The hub answers
    /// a replayed message afresh.
    pub const REPLAY_OF: &str = "sigmat-replay-of";
    /// The W3C trace context of the hop that wrote the record (`00-<trace id>-<span id>-01`):
    /// a message's copies carry its trace from the national system in to every delivery out.
    pub const TRACEPARENT: &str = "traceparent";
}

/// A record ready to publish: topic, key, headers and payload.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OutgoingRecord {
    /// The topic.
    pub topic: String,
    /// The key: the MRN, so all records of one movement share a partition and keep their order.
    pub key: String,
    /// Record headers, in order.
    pub headers: Vec<(String, String)>,
    /// The encoded message.
    pub payload: Vec<u8>,
}

impl OutgoingRecord {
    /// The envelope of `message`, whose encoding is `payload`.
    pub fn for_message(
        topic: impl Into<String>,
        message: &StandardMessage,
        payload: Vec<u8>,
    ) -> Self {
        let h = message.header();
        let mut headers = vec![
            (
                header::MESSAGE_TYPE.to_owned(),
                h.message_type.code().to_owned(),
            ),
            (header::MESSAGE_ID.to_owned(), h.message_id.to_string()),
            (header::SCHEMA_VERSION.to_owned(), h.schema_version.clone()),
        ];
        if let Some(correlation) = h.correlation_id {
            headers.push((header::CORRELATION_ID.to_owned(), correlation.to_string()));
        }
        Self {
            topic: topic.into(),
            key: h.mrn.to_string(),
            headers,
            payload,
        }
    }

    /// An event about movement `mrn` (not a standardized message): its type, id and JSON.
    pub fn for_event(
        topic: impl Into<String>,
        mrn: &str,
        event_type: &str,
        event_id: crate::MessageId,
        payload: Vec<u8>,
    ) -> Self {
        Self {
            topic: topic.into(),
            key: mrn.to_owned(),
            headers: vec![
                (header::EVENT_TYPE.to_owned(), event_type.to_owned()),
                (header::EVENT_ID.to_owned(), event_id.to_string()),
                (header::SCHEMA_VERSION.to_owned(), "1".to_owned()),
            ],
            payload,
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }
}
