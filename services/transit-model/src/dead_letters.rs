//! Dead letters: what the hub refused or set aside — a message it refused, a record its
//! database refused, a record it could not read, a copy the broker refused for good — each under
//! one id (`refused-12`, `poison-3`, `undecodable-4`, `unpublished-7`), with the replay an
//! operator asked for. The store reads a [`DeadLetter`] and the API serves it as it is (JSON,
//! camelCase).
//!
//! ```
//! use transit_model::dead_letters::{DeadLetterId, DeadLetterKind};
//!
//! let id = DeadLetterId::parse("poison-3").unwrap();
//! assert_eq!((id.kind, id.row), (DeadLetterKind::Poison, 3));
//! assert_eq!(id.to_string(), "poison-3");
//! ```

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where a dead letter comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeadLetterKind {
    /// A standardized message the hub refused (answered with IE906/IE917).
    Refused,
    /// A record the hub's database refused while storing it.
    Poison,
    /// A record that is not a standardized message.
    Undecodable,
    /// A copy the broker refused for good (set aside in the outbox).
    Unpublished,
}

impl DeadLetterKind {
    /// Its name in ids, filters and answers.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Refused => "refused",
            Self::Poison => "poison",
            Self::Undecodable => "undecodable",
            Self::Unpublished => "unpublished",
        }
    }

    /// The kind named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        [
            Self::Refused,
            Self::Poison,
            Self::Undecodable,
            Self::Unpublished,
        ]
        .into_iter()
        .find(|k| k.as_str() == name)
    }
}

impl std::fmt::Display for DeadLetterKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// A dead letter's id: its kind and its row; written `refused-12`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeadLetterId {
    /// The table.
    pub kind: DeadLetterKind,
    /// The row (`seq` or `id`).
    pub row: i64,
}

impl DeadLetterId {
    /// Reads `refused-12`, `poison-3`, `undecodable-4`, `unpublished-7`.
    pub fn parse(text: &str) -> Option<Self> {
        let (kind, row) = text.rsplit_once('-')?;
        Some(Self {
            kind: DeadLetterKind::parse(kind)?,
            row: row.parse().ok().filter(|n| *n > 0)?,
        })
    }
}

impl std::fmt::Display for DeadLetterId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(&format!("{}-{}", self.kind.as_str(), self.row))
    }
}

/// A replay, asked for by an operator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Replay {
    /// When it was asked for.
    pub requested_at: DateTime<Utc>,
    /// By whom.
    pub requested_by: String,
    /// When the broker took it (none: interrupted; replaying again finishes it).
    pub published_at: Option<DateTime<Utc>>,
}

/// One dead letter. Its movement, sender and message type are kept as they were read, when
/// they could be: what the hub refuses is not always well formed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeadLetter {
    /// `refused-12`, `poison-3`, `undecodable-4`, `unpublished-7` (a [`DeadLetterId`] written
    /// out, as operators copy it into a replay).
    pub id: String,
    /// `refused` (the hub refused the message and answered it), `poison` (its database
    /// refused the record), `undecodable` (not a standardized message) or `unpublished` (a
    /// copy the broker refused for good).
    pub kind: DeadLetterKind,
    /// When the hub read it.
    pub received_at: DateTime<Utc>,
    /// Its movement, when known.
    pub mrn: Option<String>, // raw text: as given, perhaps why it was refused
    /// The office that sent it, when known.
    pub sender: Option<String>, // raw text: as the refused message gave it
    /// The topic it was read from, when kept.
    pub topic: Option<String>,
    /// Its message type (`IE118`), when known.
    pub message_type: Option<String>, // raw text: as the refused message gave it
    /// The NCTS functional error code of a refusal.
    pub error_code: Option<i16>,
    /// Why it was refused or set aside.
    pub reason: String,
    /// Its message id, when known.
    pub message_id: Option<Uuid>,
    /// Its replay, if one was asked for.
    pub replay: Option<Replay>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_back_as_written() {
        for text in ["refused-12", "poison-3", "undecodable-4", "unpublished-7"] {
            assert_eq!(DeadLetterId::parse(text).unwrap().to_string(), text);
        }
        for wrong in [
            "refused",
            "refused-0",
            "refused--1",
            "other-3",
            "poison-x",
            "",
        ] {
            assert!(DeadLetterId::parse(wrong).is_none(), "{wrong}");
        }
    }

    #[test]
    fn a_dead_letter_is_served_as_camel_case_json_with_its_id_and_kind_as_text() {
        let letter = DeadLetter {
            id: "refused-12".into(),
            kind: DeadLetterKind::Refused,
            received_at: "2025-01-02T03:04:05Z".parse().unwrap(),
            mrn: Some("25CIUJZDE8GXD6NCJ0".into()),
            sender: Some("CIABJ001".into()),
            topic: Some("sigmat.ci.to-hub".into()),
            message_type: Some("IE118".into()),
            error_code: Some(12),
            reason: "no such movement".into(),
            message_id: Some(Uuid::nil()),
            replay: Some(Replay {
                requested_at: "2025-01-02T04:00:00Z".parse().unwrap(),
                requested_by: "ops".into(),
                published_at: None,
            }),
        };
        let json = serde_json::to_value(&letter).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "id": "refused-12", "kind": "refused", "receivedAt": "2025-01-02T03:04:05Z",
                "mrn": "25CIUJZDE8GXD6NCJ0", "sender": "CIABJ001", "topic": "sigmat.ci.to-hub",
                "messageType": "IE118", "errorCode": 12, "reason": "no such movement",
                "messageId": "00000000-0000-0000-0000-000000000000",
                "replay": {"requestedAt": "2025-01-02T04:00:00Z", "requestedBy": "ops", "publishedAt": null}
            })
        );
        assert_eq!(serde_json::from_value::<DeadLetter>(json).unwrap(), letter);
        assert_eq!(
            format!(
                "[{:<12}|{:>8}]",
                DeadLetterId::parse(&letter.id).unwrap(),
                letter.kind
            ),
            "[refused-12  | refused]"
        );
    }
}
