use super::string_serde;
use crate::{CountryCode, ModelError};

/// A Movement Reference Number: 18 characters — 2-digit year, ISO 3166-1 alpha-2 country of
/// departure, 12 capitals or digits, a procedure letter (`J`–`M`) and a check digit.
///
/// The check digit follows the ISO 6346 method: it catches most single-character typing errors
/// but not all of them. Two characters whose values differ by 11 (`1` and `B`) weigh the same,
/// and sums of 0 and 10 modulo 11 both give digit 0. Depending on the MRN, between one in nine
/// and one in six pattern-valid single-character substitutions keep a valid check digit (222 of
/// 2,000 over this crate's four test MRNs; 79 of 491 in another sample). A valid check digit is
/// evidence, not proof, that an MRN was typed right.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mrn([u8; 18]);

/// The procedure letter at position 17 of an MRN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcedureLetter {
    /// Transit only.
    J,
    /// Transit with an exit summary declaration.
    K,
    /// Transit with an entry summary declaration.
    L,
    /// Transit with both.
    M,
}

impl ProcedureLetter {
    fn as_byte(self) -> u8 {
        match self {
            Self::J => b'J',
            Self::K => b'K',
            Self::L => b'L',
            Self::M => b'M',
        }
    }
}

/// ISO 6346 character values: digits are themselves, letters start at A = 10 and skip multiples
/// of 11 (so B = 12, L = 23, V = 34).
pub(crate) fn char_value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'Z' => {
            let mut value = 10;
            for _ in b'A'..c {
                value += 1;
                if value % 11 == 0 {
                    value += 1;
                }
            }
            Some(value)
        }
        _ => None,
    }
}

/// The ISO 6346 check digit of `chars` (weights 2^i, sum mod 11, then mod 10), or `None` if
/// one of them has no value.
pub(crate) fn check_digit(chars: &[u8]) -> Option<u8> {
    let mut sum: u64 = 0;
    for (i, c) in chars.iter().enumerate() {
        sum += u64::from(char_value(*c)?) << i;
    }
    Some(((sum % 11) % 10) as u8)
}

impl Mrn {
    /// Parses and validates an MRN: pattern, then check digit.
    pub fn parse(value: &str) -> Result<Self, ModelError> {
        let err = |reason: String| ModelError::new("MRN", value, reason);
        let b = value.as_bytes();
        if b.len() != 18 {
            return Err(err(format!(
                "expected 18 characters, found {}",
                value.chars().count()
            )));
        }
        if !b[..2].iter().all(u8::is_ascii_digit) {
            return Err(err("characters 1-2 must be the year as two digits".into()));
        }
        if !b[2..4].iter().all(u8::is_ascii_uppercase) {
            return Err(err(
                "characters 3-4 must be the country of departure in capitals".into(),
            ));
        }
        if let Some(pos) = b[4..16]
            .iter()
            .position(|c| !(c.is_ascii_uppercase() || c.is_ascii_digit()))
        {
            return Err(err(format!(
                "character {} must be a capital letter or a digit",
                pos + 5
            )));
        }
        if !(b'J'..=b'M').contains(&b[16]) {
            return Err(err(
                "character 17 must be the procedure letter J, K, L or M".into(),
            ));
        }
        if !b[17].is_ascii_digit() {
            return Err(err("character 18 must be the check digit".into()));
        }
        let expected = check_digit(&b[..17]).unwrap_or_else(|| unreachable!("pattern checked"));
        if b[17] - b'0' != expected {
            return Err(err(format!(
                "check digit is {} but the first 17 characters give {expected}: the MRN was probably mistyped",
                b[17] as char
            )));
        }
        let mut out = [0u8; 18];
        out.copy_from_slice(b);
        Ok(Self(out))
    }

    /// Builds an MRN from its parts, computing the check digit. `serial` must be 12 capitals or
    /// digits (the departure country's own numbering); `year` is taken modulo 100.
    pub fn from_parts(
        year: u16,
        country: CountryCode,
        serial: &str,
        procedure: ProcedureLetter,
    ) -> Result<Self, ModelError> {
        let mut text = format!("{:02}{}{}", year % 100, country.as_str(), serial).into_bytes();
        text.push(procedure.as_byte());
        if text.len() != 17 {
            return Err(ModelError::new(
                "MRN serial",
                serial,
                "expected 12 capital letters or digits",
            ));
        }
        let digit = check_digit(&text).ok_or_else(|| {
            ModelError::new(
                "MRN serial",
                serial,
                "expected 12 capital letters or digits",
            )
        })?;
        text.push(b'0' + digit);
        Self::parse(std::str::from_utf8(&text).unwrap_or_default())
    }

    /// The MRN as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The country of departure (characters 3–4).
    pub fn country(&self) -> CountryCode {
        CountryCode::parse(&self.as_str()[2..4])
            .unwrap_or_else(|_| unreachable!("checked by parse"))
    }
}

impl std::fmt::Debug for Mrn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Mrn({})", self.as_str())
    }
}

string_serde!(Mrn);

#[cfg(test)]
mod tests;
