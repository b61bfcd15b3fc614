use super::mrn::{char_value, check_digit};
use super::string_serde;
use crate::ModelError;

/// A freight container number (ISO 6346): a 3-letter owner code, a category letter (`U`
/// freight container, `J` detachable equipment, `Z` trailer or chassis), a 6-digit serial and
/// a check digit computed the same way as the MRN's.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct ContainerNumber(String);

impl ContainerNumber {
    /// Parses `MSCU1234566` (spaces are not allowed: write it as on the transit document,
    /// without separators).
    pub fn parse(value: &str) -> Result<Self, ModelError> {
        let err = |reason: String| ModelError::new("container number", value, reason);
        let b = value.as_bytes();
        if b.len() != 11 {
            return Err(err("expected 11 characters: owner code, category letter, 6 digits, check digit (e.g. MSCU1234566)".into()));
        }
        if !b[..3].iter().all(u8::is_ascii_uppercase) {
            return Err(err(
                "characters 1-3 must be the owner code in capitals".into()
            ));
        }
        if !matches!(b[3], b'U' | b'J' | b'Z') {
            return Err(err(
                "character 4 must be the category letter U, J or Z".into()
            ));
        }
        if !b[4..].iter().all(u8::is_ascii_digit) {
            return Err(err("characters 5-11 must be digits".into()));
        }
        debug_assert!(b[..10].iter().all(|c| char_value(*c).is_some()));
        let expected = check_digit(&b[..10]).unwrap_or_else(|| unreachable!("pattern checked"));
        if b[10] - b'0' != expected {
            return Err(err(format!(
                "check digit is {} but the first 10 characters give {expected}: the number was probably mistyped",
                b[10] as char
            )));
        }
        Ok(Self(value.to_owned()))
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_serde!(ContainerNumber);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_numbers_validate() {
        // CSQU3054383 is the standard's own worked example.
        for good in ["CSQU3054383", "MSCU1234566"] {
            ContainerNumber::parse(good).unwrap_or_else(|e| panic!("{good}: {e}"));
        }
    }

    #[test]
    fn wrong_shapes_and_digits_are_refused() {
        for bad in [
            "CSQU3054384",
            "CSQX3054383",
            "CSQU305438",
            "csqu3054383",
            "CS1U3054383",
        ] {
            assert!(ContainerNumber::parse(bad).is_err(), "{bad}");
        }
    }
}
