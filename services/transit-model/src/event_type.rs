//! What an entry of the hub's event log records: a message of the catalogue, or the hub's own
//! finding that a movement's arrival time limit passed (`TIME-LIMIT`). Stored and shown as the
//! message's NCTS code or `TIME-LIMIT`.

use crate::{MessageType, ModelError};

/// The type of one entry of the event log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventType {
    /// A message the hub received or made.
    Message(MessageType),
    /// The arrival time limit passed with no arrival (the hub's timer).
    TimeLimit,
}

impl EventType {
    /// How the timer's entries are stored and shown.
    pub const TIME_LIMIT: &'static str = "TIME-LIMIT";

    /// The NCTS code, or `TIME-LIMIT`: as stored and shown.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Message(message_type) => message_type.code(),
            Self::TimeLimit => Self::TIME_LIMIT,
        }
    }

    /// The type of a stored code.
    pub fn parse(code: &str) -> Result<Self, ModelError> {
        if code == Self::TIME_LIMIT {
            return Ok(Self::TimeLimit);
        }
        MessageType::from_code(code).map(Self::Message)
    }

    /// The message's type, unless the entry is the timer's.
    pub fn message(self) -> Option<MessageType> {
        match self {
            Self::Message(message_type) => Some(message_type),
            Self::TimeLimit => None,
        }
    }
}

impl From<MessageType> for EventType {
    fn from(message_type: MessageType) -> Self {
        Self::Message(message_type)
    }
}

impl PartialEq<MessageType> for EventType {
    fn eq(&self, other: &MessageType) -> bool {
        *self == Self::Message(*other)
    }
}

// Serde, Display, FromStr and TryFrom<String> through `parse` and `as_str`, as the identifiers.
crate::ids::string_serde!(EventType);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_and_the_timer_round_trip() {
        for &message_type in MessageType::ALL {
            let entry = EventType::from(message_type);
            assert_eq!(EventType::parse(entry.as_str()), Ok(entry));
            assert_eq!(entry.message(), Some(message_type));
        }
        assert_eq!(EventType::parse("TIME-LIMIT"), Ok(EventType::TimeLimit));
        assert_eq!(EventType::TimeLimit.message(), None);
        let json = serde_json::to_string(&EventType::TimeLimit).unwrap();
        assert_eq!(json, "\"TIME-LIMIT\"");
        assert!(EventType::parse("IE999").is_err());
    }
}
