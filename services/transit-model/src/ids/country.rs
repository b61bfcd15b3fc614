use super::string_serde;
use crate::ModelError;

/// An ISO 3166-1 alpha-2 country code, upper case (`CI`, `BF`, `NE`).
///
/// Only the shape is checked here (two ASCII capitals); whether the country takes part in the
/// network is a question for the reference data.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Parses two upper-case ASCII letters.
    pub fn parse(value: &str) -> Result<Self, ModelError> {
        match value.as_bytes() {
            [a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => Ok(Self([*a, *b])),
            _ => Err(ModelError::new(
                "country code",
                value,
                "expected two upper-case letters (ISO 3166-1 alpha-2), e.g. CI or BF",
            )),
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII upper-case letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// The code in lower case, as used in topic names (`ci`).
    pub fn to_lowercase(&self) -> String {
        self.as_str().to_ascii_lowercase()
    }
}

impl std::fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CountryCode({})", self.as_str())
    }
}

string_serde!(CountryCode);

impl schemars::JsonSchema for CountryCode {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "CountryCode".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[A-Z]{2}$",
            "description": "An ISO 3166-1 alpha-2 country code, upper case (CI, BF)."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_two_capitals_only() {
        assert!(CountryCode::parse("CI").is_ok());
        for bad in ["ci", "C", "CIV", "C1", "", "ÉC"] {
            assert!(CountryCode::parse(bad).is_err(), "{bad} should be refused");
        }
    }
}
