//! Free text as the standardized message set carries it, with its WCO length.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ModelError;

/// A text value of at most `N` characters (the WCO format `an..N`): not empty, no leading or
/// trailing white space, and no control characters except line break (`\n`) and tab. Both
/// encodings carry exactly this losslessly (XML parsers trim and normalise what lies outside it),
/// so national translators trim what they receive. The length is part of the type, so a field
/// declared `an..35` in the published schemas is a [`Text35`] here and an oversized value is
/// refused when the message is read, naming the element, before it reaches any store.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Text<const N: usize>(String);

/// `an..17`: trader identification numbers.
pub type Text17 = Text<17>;
/// `an..35`: plates, seals, guarantee references, places, codes.
pub type Text35 = Text<35>;
/// `an..70`: trader names.
pub type Text70 = Text<70>;
/// `an..512`: descriptions, reasons, free text.
pub type Text512 = Text<512>;

fn allowed(c: char) -> bool {
    !c.is_control() || c == '\n' || c == '\t'
}

impl<const N: usize> Text<N> {
    /// The most characters this text may hold.
    pub const MAX_CHARS: usize = N;

    /// Parses a text value, refusing what the rule above forbids.
    pub fn parse(value: &str) -> Result<Self, ModelError> {
        let err = |reason: &str| ModelError::new("text", value, reason);
        if value.is_empty() {
            return Err(err("must not be empty; leave the element out instead"));
        }
        let chars = value.chars().count();
        if chars > N {
            return Err(err(&format!(
                "is {chars} characters long; at most {N} are allowed here (an..{N}); shorten it"
            )));
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
    /// anything past `N` characters is cut, and an empty result becomes `-`. For text the hub
    /// writes itself (reasons, notes).
    pub fn normalized(value: &str) -> Self {
        let cleaned: String = value
            .chars()
            .map(|c| if allowed(c) { c } else { ' ' })
            .collect();
        let cut: String = cleaned.trim().chars().take(N).collect();
        let trimmed = cut.trim_end();
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

    /// The same text in a field that allows at least as many characters.
    pub fn widen<const M: usize>(self) -> Text<M> {
        const { assert!(M >= N, "widen only to a longer text") };
        Text(self.0)
    }
}

impl<const N: usize> serde::Serialize for Text<N> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de, const N: usize> serde::Deserialize<'de> for Text<N> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

impl<const N: usize> fmt::Display for Text<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<const N: usize> std::str::FromStr for Text<N> {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule() {
        assert!(Text512::parse("Riz blanchi\nen sacs de 50 kg").is_ok());
        for bad in ["", " Riz", "Riz ", "\nRiz", "Riz\r\nblanchi", "Riz\u{1}"] {
            assert!(Text512::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(Text512::normalized("  a\u{1}b \n").as_str(), "a b");
        assert_eq!(Text512::normalized(" \u{7} ").as_str(), "-");
    }

    #[test]
    fn the_length_counts_characters_not_bytes() {
        assert!(Text35::parse(&"é".repeat(35)).is_ok());
        let refused = Text35::parse(&"é".repeat(36)).unwrap_err().to_string();
        assert!(
            refused.contains("36 characters") && refused.contains("an..35"),
            "{refused}"
        );
        assert!(Text17::parse(&"A".repeat(18)).is_err());
        assert_eq!(
            Text17::normalized(&format!("{} B", "A".repeat(16))).as_str(),
            "A".repeat(16)
        );
    }

    #[test]
    fn an_oversized_value_is_quoted_short() {
        let refused = Text35::parse(&"X".repeat(100_000)).unwrap_err().to_string();
        assert!(refused.len() < 300, "{refused}");
    }
}

/// A text in English and French: what an officer or a trainee reads, in their language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bilingual {
    /// English.
    pub en: String,
    /// French.
    pub fr: String,
}

impl Bilingual {
    /// The text in `language` (`fr`, else English).
    pub fn in_language(&self, language: &str) -> &str {
        if language == "fr" {
            &self.fr
        } else {
            &self.en
        }
    }
}
