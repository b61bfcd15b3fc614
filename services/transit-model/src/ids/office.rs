use super::string_serde;
use crate::{CountryCode, ModelError};

/// A customs office reference: 8 characters, `[A-Z]{2}[A-Z0-9]{6}`, the first two being the
/// office's country. Routing at the hub uses that prefix.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OfficeRef([u8; 8]);

impl OfficeRef {
    /// Parses an 8-character office reference.
    pub fn parse(value: &str) -> Result<Self, ModelError> {
        let bytes = value.as_bytes();
        let err = |reason: &str| ModelError::new("office reference", value, reason);
        if bytes.len() != 8 {
            return Err(err(
                "expected 8 characters: a 2-letter country code then 6 letters or digits, e.g. BFOUA001",
            ));
        }
        if !bytes[..2].iter().all(u8::is_ascii_uppercase) {
            return Err(err(
                "the first two characters must be the country code in capitals",
            ));
        }
        if !bytes[2..]
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Err(err("characters 3 to 8 must be capital letters or digits"));
        }
        let mut out = [0u8; 8];
        out.copy_from_slice(bytes);
        Ok(Self(out))
    }

    /// The reference as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("????????")
    }

    /// The country the office belongs to (its first two characters).
    pub fn country(&self) -> CountryCode {
        CountryCode::parse(&self.as_str()[..2]).unwrap_or_else(|_| unreachable!("checked by parse"))
    }
}

impl std::fmt::Debug for OfficeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OfficeRef({})", self.as_str())
    }
}

string_serde!(OfficeRef);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_exposes_country() {
        let office = OfficeRef::parse("CIABJ001").unwrap();
        assert_eq!(office.country().as_str(), "CI");
    }

    #[test]
    fn refuses_bad_shapes() {
        for bad in [
            "CIABJ01",
            "CIABJ0011",
            "ciABJ001",
            "CIabj001",
            "CI-BJ001",
            "1IABJ001",
        ] {
            assert!(OfficeRef::parse(bad).is_err(), "{bad} should be refused");
        }
    }
}
