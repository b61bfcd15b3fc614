use super::string_serde;
use crate::{CountryCode, ModelError};

/// A Movement Reference Number: 18 characters — 2-digit year, ISO 3166-1 alpha-2 country of
/// departure, 12 capitals or digits, a procedure letter (`J`–`M`) and a check digit.
///
/// The check digit follows the ISO 6346 method: it catches most single-character typing errors
/// but not all of them (two characters whose values differ by 11 weigh the same), so a valid
/// check digit is evidence, not proof, that an MRN was typed right.
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
fn char_value(c: u8) -> Option<u32> {
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

/// The check digit of the first 17 characters, or `None` if one of them has no value.
fn check_digit(first17: &[u8]) -> Option<u8> {
    let mut sum: u64 = 0;
    for (i, c) in first17.iter().enumerate() {
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
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn letter_values_skip_multiples_of_eleven() {
        let values: Vec<u32> = (b'A'..=b'Z').map(|c| char_value(c).unwrap()).collect();
        assert_eq!(values[0], 10); // A
        assert_eq!(values[1], 12); // B
        assert_eq!(values[11], 23); // L
        assert_eq!(values[21], 34); // V
        assert_eq!(values[25], 38); // Z
        assert!(values.iter().all(|v| v % 11 != 0));
    }

    #[test]
    fn published_vectors_validate() {
        for good in [
            "22ITZXBZYUTJFLJXK6",
            "25CIUJZDE8GXD6NCJ0",
            "25BFF10EPF91DHODJ0",
            "25TG9LGMXG9EDN58J8",
            "25SN0CE9UVW53EFRJ4",
        ] {
            Mrn::parse(good).unwrap_or_else(|e| panic!("{good}: {e}"));
        }
    }

    #[test]
    fn every_wrong_check_digit_is_refused() {
        let good = "25CIUJZDE8GXD6NCJ0";
        for d in b'1'..=b'9' {
            let mut bad = good.as_bytes().to_vec();
            bad[17] = d;
            let bad = String::from_utf8(bad).unwrap();
            let err = Mrn::parse(&bad).unwrap_err();
            assert!(err.reason.contains("check digit"), "{bad}: {err}");
        }
    }

    #[test]
    fn pattern_errors_say_which_character() {
        let err = Mrn::parse("25CIUJZDE8GXD6NCX0").unwrap_err();
        assert!(err.reason.contains("character 17"), "{err}");
        let err = Mrn::parse("25ciUJZDE8GXD6NCJ0").unwrap_err();
        assert!(err.reason.contains("characters 3-4"), "{err}");
        let err = Mrn::parse("25CIUJZDE8GXD6NCJ").unwrap_err();
        assert!(err.reason.contains("18 characters"), "{err}");
    }

    #[test]
    fn from_parts_rebuilds_the_vectors() {
        let mrn = Mrn::from_parts(
            22,
            CountryCode::parse("IT").unwrap(),
            "ZXBZYUTJFLJX",
            ProcedureLetter::K,
        )
        .unwrap();
        assert_eq!(mrn.as_str(), "22ITZXBZYUTJFLJXK6");
    }

    proptest! {
        #[test]
        fn generated_mrns_validate(serial in "[A-Z0-9]{12}", year in 0u16..100, cc in "[A-Z]{2}") {
            let mrn = Mrn::from_parts(year, CountryCode::parse(&cc).unwrap(), &serial, ProcedureLetter::J).unwrap();
            prop_assert_eq!(Mrn::parse(mrn.as_str()).unwrap(), mrn);
        }
    }
}
