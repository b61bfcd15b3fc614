//! Free text as the standardized message set carries it.

use crate::ModelError;

/// A text value: not empty, no leading or trailing white space, and no control characters
/// except line break (`\n`) and tab. Both encodings carry exactly this losslessly (XML parsers
/// trim and normalise what lies outside it), so national translators trim what they receive.
/// Length limits (the WCO formats, `an..35`, `an..512`) are checked by the schemas and the
/// conformity checker, not here.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Text(String);

fn allowed(c: char) -> bool {
    !c.is_control() || c == '\n' || c == '\t'
}

impl Text {
    /// Parses a text value, refusing what the rule above forbids.
    pub fn parse(value: &str) -> Result<Self, ModelError> {
        let err = |reason: &str| ModelError::new("text", value, reason);
        if value.is_empty() {
            return Err(err("must not be empty; leave the element out instead"));
        }
        if value.trim() != value {
            return Err(err(
                "must not start or end with spaces or line breaks; trim it",
            ));
        }
        if let Some(c) = value.chars().find(|c| !allowed(*c)) {
            return Err(err(&format!(
                "contains the control character U+{:04X}; only line breaks and tabs are allowed",
                u32::from(c)
            )));
        }
        Ok(Self(value.to_owned()))
    }

    /// Makes any string a valid text: control characters become spaces, the ends are trimmed,
    /// and an empty result becomes `-`. For text the hub writes itself (reasons, notes).
    pub fn normalized(value: &str) -> Self {
        let cleaned: String = value
            .chars()
            .map(|c| if allowed(c) { c } else { ' ' })
            .collect();
        let trimmed = cleaned.trim();
        Self(if trimmed.is_empty() {
            "-".to_owned()
        } else {
            trimmed.to_owned()
        })
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Its length in characters (what WCO `an..n` formats count).
    pub fn char_count(&self) -> usize {
        self.0.chars().count()
    }
}

crate::ids::string_serde!(Text);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule() {
        assert!(Text::parse("Riz blanchi\nen sacs de 50 kg").is_ok());
        for bad in ["", " Riz", "Riz ", "\nRiz", "Riz\r\nblanchi", "Riz\u{1}"] {
            assert!(Text::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(Text::normalized("  a\u{1}b \n").as_str(), "a b");
        assert_eq!(Text::normalized(" \u{7} ").as_str(), "-");
    }
}
