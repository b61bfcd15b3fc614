//! Decimal quantities without floating point: amounts and masses travel as text.

use crate::ModelError;

/// A non-negative decimal in the WCO format `n..16,6`: at most 16 digits, at most 6 of them
/// after the point. Kept as its canonical text so nothing is lost to binary floating point.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Decimal(String);

impl Decimal {
    /// Parses `123`, `123.45` (no sign, no exponent, no thousands separators).
    pub fn parse(value: &str) -> Result<Self, ModelError> {
        let err = |reason: &str| ModelError::new("decimal", value, reason);
        let (int, frac) = value.split_once('.').unwrap_or((value, ""));
        if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err(
                "expected digits, optionally a point and up to 6 decimals, e.g. 1250000.00",
            ));
        }
        if value.contains('.') && (frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit())) {
            return Err(err("expected digits after the decimal point"));
        }
        if frac.len() > 6 {
            return Err(err(
                "at most 6 digits after the decimal point (WCO format n..16,6)",
            ));
        }
        if int.len() + frac.len() > 16 {
            return Err(err("at most 16 digits in all (WCO format n..16,6)"));
        }
        Ok(Self(value.to_owned()))
    }

    /// The text form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::ids::string_serde!(Decimal);
