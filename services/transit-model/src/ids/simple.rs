//! Identifiers whose rule is a shape only: LRN and HS code.

use super::string_serde;
use crate::ModelError;

/// A Local Reference Number: the trader's own reference for a declaration (WCO D026, an..22):
/// 1 to 22 printable ASCII characters, no leading or trailing space.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Lrn(String);

impl Lrn {
    /// Parses an LRN.
    pub fn parse(value: &str) -> Result<Self, ModelError> {
        let ok = (1..=22).contains(&value.len())
            && value.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
            && value.trim() == value;
        if ok {
            Ok(Self(value.to_owned()))
        } else {
            Err(ModelError::new(
                "LRN",
                value,
                "expected 1 to 22 printable ASCII characters (WCO format an..22), no leading or trailing space",
            ))
        }
    }

    /// The LRN as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_serde!(Lrn);

/// A commodity code from the Harmonized System (WCO 145): 6 digits, or a national extension
/// of 8 or 10 digits. The first two digits are the HS chapter (01–97).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct HsCode(String);

impl HsCode {
    /// Parses an HS code.
    pub fn parse(value: &str) -> Result<Self, ModelError> {
        let err = |reason: &str| ModelError::new("HS code", value, reason);
        if !matches!(value.len(), 6 | 8 | 10) || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err(
                "expected 6 digits (or 8 or 10 with a national extension), e.g. 100630",
            ));
        }
        let chapter: u8 = value[..2].parse().unwrap_or(0);
        if !(1..=97).contains(&chapter) || chapter == 77 {
            return Err(err(
                "the first two digits must be an HS chapter: 01 to 97, 77 being reserved",
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The chapter (first two digits).
    pub fn chapter(&self) -> u8 {
        self.0[..2].parse().unwrap_or(0)
    }

    /// The internationally harmonised subheading: the first 6 digits, without the national
    /// extension.
    pub fn to_six_digits(&self) -> Self {
        Self(self.0[..6].to_owned())
    }
}

string_serde!(HsCode);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lrn_shape() {
        assert!(Lrn::parse("LRN-CI-2026-000123").is_ok());
        for bad in [
            "",
            " LRN",
            "LRN ",
            "A234567890123456789012X",
            "LRN\n1",
            "LRNé",
        ] {
            assert!(Lrn::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn hs_code_shape() {
        assert_eq!(HsCode::parse("100630").unwrap().chapter(), 10);
        assert!(HsCode::parse("1006300000").is_ok());
        for bad in ["10063", "1006301", "000000", "980000", "770000", "10O630"] {
            assert!(HsCode::parse(bad).is_err(), "{bad}");
        }
    }
}
