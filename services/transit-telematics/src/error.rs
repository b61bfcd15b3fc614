//! What goes wrong with telematics input: a refused event (permanent: sending it again gives
//! the same answer) or reference data that cannot be used.

/// A telematics error. Every one is permanent: the input itself is wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TelematicsError {
    /// An event, or a batch, that is refused: where (a JSON pointer) and why.
    #[error("{pointer}: {reason}")]
    Refused {
        /// Where in the body (empty for the whole body).
        pointer: String,
        /// What is wrong and what to do.
        reason: String,
    },
    /// The geography or the rules of the reference data are not usable.
    #[error("telematics reference data, {file}: {reason}")]
    Reference {
        /// The reference file (`telematics/geography.json`, `telematics/rules.json`).
        file: &'static str,
        /// What is wrong.
        reason: String,
    },
}

impl TelematicsError {
    pub(crate) fn refused(pointer: &str, reason: impl Into<String>) -> Self {
        Self::Refused {
            pointer: pointer.to_owned(),
            reason: reason.into(),
        }
    }

    pub(crate) fn reference(file: &'static str, reason: impl Into<String>) -> Self {
        Self::Reference {
            file,
            reason: reason.into(),
        }
    }

    /// The same error, for the `index`-th event of a batch.
    pub(crate) fn at_index(self, index: usize) -> Self {
        match self {
            Self::Refused { pointer, reason } => Self::Refused {
                pointer: format!("/{index}{pointer}"),
                reason,
            },
            other => other,
        }
    }

    /// Always true: nothing here goes away by trying again.
    pub fn is_permanent(&self) -> bool {
        true
    }
}
