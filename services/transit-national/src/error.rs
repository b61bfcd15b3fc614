//! Translation errors: what, where, why. Always permanent — the same bytes are refused again.

/// The class of a malformed input, so a test (and a national system's operator) can tell a
/// truncated file from an unknown office code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    /// The input ends before the document does.
    Truncated,
    /// The bytes are not in the character encoding the format declares.
    Encoding,
    /// A code is not in the country's mapping tables or its code list.
    UnknownCode,
    /// A mandatory element is absent (or `<null/>`).
    MissingElement,
    /// The input is larger than [`crate::MAX_NATIONAL_BYTES`].
    Oversize,
    /// An element that may appear once appears more than once.
    Duplicate,
    /// The input does not follow the format's syntax.
    Syntax,
    /// A value has the wrong form (a date, a number, a container number…).
    InvalidValue,
    /// The MRN fails its pattern or its check digit (NCTS functional error 93).
    InvalidMrn,
    /// The message type is not one this family exchanges.
    Unsupported,
}

impl ErrorClass {
    /// The NCTS functional error code the class is, where there is one (93 for an invalid
    /// MRN), for answers that carry it.
    pub fn ncts_code(self) -> Option<u8> {
        matches!(self, Self::InvalidMrn).then_some(93)
    }

    /// A short stable name, used in national-format refusals (`truncated`, `unknown-code`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Truncated => "truncated",
            Self::Encoding => "encoding",
            Self::UnknownCode => "unknown-code",
            Self::MissingElement => "missing-element",
            Self::Oversize => "oversize",
            Self::Duplicate => "duplicate",
            Self::Syntax => "syntax",
            Self::InvalidValue => "invalid-value",
            Self::InvalidMrn => "invalid-mrn",
            Self::Unsupported => "unsupported",
        }
    }
}

/// A national message that cannot be translated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {reason}")]
pub struct TranslateError {
    /// Which class of problem.
    pub class: ErrorClass,
    /// Where, in the national format's own terms: an element path (`ASYCUDA/Transit/Seals`),
    /// a JSON pointer (`/declaration/bureauDepart`) or a segment (`segment 7 LOC, element 2`).
    pub place: String,
    /// Why, in one sentence a customs IT person can act on.
    pub reason: String,
}

impl TranslateError {
    /// A new error.
    pub fn new(class: ErrorClass, place: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            class,
            place: place.into(),
            reason: reason.into(),
        }
    }

    /// A mandatory element is absent.
    pub fn missing(place: impl Into<String>) -> Self {
        Self::new(
            ErrorClass::MissingElement,
            place,
            "this element is mandatory and is absent or empty",
        )
    }

    /// The input is over the size limit.
    pub fn oversize(len: usize) -> Self {
        Self::new(
            ErrorClass::Oversize,
            "message",
            format!(
                "{len} bytes is over the limit of {} bytes",
                crate::MAX_NATIONAL_BYTES
            ),
        )
    }

    /// What the national system should do about it.
    pub fn hint(&self) -> &'static str {
        match self.class {
            ErrorClass::Truncated => "send the whole message again",
            ErrorClass::Encoding => "send the message in the character encoding it declares (UTF-8 unless stated)",
            ErrorClass::UnknownCode => "use a code from the country's mapping tables, or ask the hub operator to add it (schemas/national/mapping)",
            ErrorClass::MissingElement => "fill in the element and send the message again",
            ErrorClass::Oversize => "split the consignment into several declarations",
            ErrorClass::Duplicate => "keep one occurrence of the element",
            ErrorClass::Syntax => "fix the syntax at the place named and send the message again",
            ErrorClass::InvalidValue => "correct the value at the place named and send the message again",
            ErrorClass::InvalidMrn => "check the MRN on the transit document (18 characters, the last a check digit) and send the message again",
            ErrorClass::Unsupported => "send this message through another channel; the family's message list is in schemas/national",
        }
    }
}
