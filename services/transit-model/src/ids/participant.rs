use super::string_serde;
use crate::{ModelError, OfficeRef};

/// Who sends or receives a message: a customs office, or the hub itself (which answers
/// rejections). Written as the office reference, or `HUB`.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Participant {
    /// A customs office, by its reference.
    Office(OfficeRef),
    /// The interconnection hub (the tracker).
    Hub,
}

impl Participant {
    /// Parses `HUB` or an office reference.
    pub fn parse(value: &str) -> Result<Self, ModelError> {
        if value == "HUB" {
            return Ok(Self::Hub);
        }
        OfficeRef::parse(value).map(Self::Office).map_err(|_| {
            ModelError::new(
                "participant",
                value,
                "expected an 8-character office reference (e.g. CIABJ001) or HUB",
            )
        })
    }

    /// The text form.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Office(office) => office.as_str(),
            Self::Hub => "HUB",
        }
    }

    /// The office, if this participant is one.
    pub fn office(&self) -> Option<&OfficeRef> {
        match self {
            Self::Office(office) => Some(office),
            Self::Hub => None,
        }
    }
}

string_serde!(Participant);
