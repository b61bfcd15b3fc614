//! The character encodings a national system may write and read: UTF-8, and the single-byte
//! sets older installations still export (windows-1252, ISO-8859-1, ISO-8859-15). Decoding and
//! encoding use `encoding_rs` (the WHATWG tables browsers use), except for writing ISO-8859-1:
//! WHATWG reads that label as windows-1252, which would put `€` on byte 0x80, a control
//! character for a reader that takes ISO-8859-1 at its word, so those bytes are written by hand.

use std::borrow::Cow;

use serde::Deserialize;

/// A character encoding of national messages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub enum CharacterEncoding {
    /// UTF-8 (the default; JSON and EDIFACT `UNOW` are always UTF-8).
    #[default]
    #[serde(rename = "utf-8")]
    Utf8,
    /// windows-1252 (Western European, Windows).
    #[serde(rename = "windows-1252")]
    Windows1252,
    /// ISO-8859-1 (Latin-1).
    #[serde(rename = "iso-8859-1")]
    Iso8859_1,
    /// ISO-8859-15 (Latin-9: Latin-1 with `€` and `œ`).
    #[serde(rename = "iso-8859-15")]
    Iso8859_15,
}

/// The labels read, as the list a refusal quotes.
pub const READ_LABELS: &str = "UTF-8, windows-1252, ISO-8859-1 and ISO-8859-15";

impl CharacterEncoding {
    /// The encoding a declaration's label names (`ISO-8859-1`, `latin1`, `cp1252`…, any case);
    /// `None` for one not read.
    pub fn from_label(label: &str) -> Option<Self> {
        match label.trim().to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" | "unicode-1-1-utf-8" => Some(Self::Utf8),
            "windows-1252" | "cp1252" | "x-cp1252" => Some(Self::Windows1252),
            "iso-8859-1" | "iso8859-1" | "iso_8859-1" | "latin1" | "l1" | "iso-ir-100" => {
                Some(Self::Iso8859_1)
            }
            "iso-8859-15" | "iso8859-15" | "iso_8859-15" | "latin-9" | "latin9" | "l9" => {
                Some(Self::Iso8859_15)
            }
            _ => None,
        }
    }

    /// The label written in an XML declaration.
    pub fn label(self) -> &'static str {
        match self {
            Self::Utf8 => "UTF-8",
            Self::Windows1252 => "windows-1252",
            Self::Iso8859_1 => "ISO-8859-1",
            Self::Iso8859_15 => "ISO-8859-15",
        }
    }

    /// `bytes` as text. UTF-8 is borrowed, or fails with the offset of the first byte that is
    /// not UTF-8; a single-byte set always decodes (ISO-8859-1 is read as windows-1252, as
    /// browsers do: the bytes 0x80-0x9F in real exports are windows-1252's letters).
    pub fn decode(self, bytes: &[u8]) -> Result<Cow<'_, str>, usize> {
        match self {
            Self::Utf8 => std::str::from_utf8(bytes)
                .map(Cow::Borrowed)
                .map_err(|e| e.valid_up_to()),
            Self::Windows1252 | Self::Iso8859_1 => Ok(encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0),
            Self::Iso8859_15 => Ok(encoding_rs::ISO_8859_15
                .decode_without_bom_handling(bytes)
                .0),
        }
    }

    /// `text` as bytes for an XML document: a character the set lacks becomes a numeric
    /// character reference (`&#8364;`), which every XML reader resolves. Only for text where a
    /// reference is allowed (element content, attribute values).
    pub fn encode_xml(self, text: &str) -> Vec<u8> {
        match self {
            Self::Utf8 => text.as_bytes().to_vec(),
            Self::Windows1252 => encoding_rs::WINDOWS_1252.encode(text).0.into_owned(),
            Self::Iso8859_15 => encoding_rs::ISO_8859_15.encode(text).0.into_owned(),
            Self::Iso8859_1 => {
                let mut out = Vec::with_capacity(text.len());
                for c in text.chars() {
                    match u8::try_from(u32::from(c)) {
                        Ok(byte) => out.push(byte),
                        Err(_) => out.extend_from_slice(format!("&#{};", u32::from(c)).as_bytes()),
                    }
                }
                out
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CharacterEncoding as E;

    #[test]
    fn labels_are_read_in_any_case_and_alias() {
        assert_eq!(E::from_label("ISO-8859-1"), Some(E::Iso8859_1));
        assert_eq!(E::from_label("latin1"), Some(E::Iso8859_1));
        assert_eq!(E::from_label("Windows-1252"), Some(E::Windows1252));
        assert_eq!(E::from_label(" utf-8 "), Some(E::Utf8));
        assert_eq!(E::from_label("UTF-16"), None);
        for e in [E::Utf8, E::Windows1252, E::Iso8859_1, E::Iso8859_15] {
            assert_eq!(E::from_label(e.label()), Some(e));
        }
    }

    #[test]
    fn each_set_writes_what_it_reads_back() {
        let text = "Société Générale, Bobo-Dioulasso — 1 000 € œuvre";
        for e in [E::Utf8, E::Windows1252, E::Iso8859_1, E::Iso8859_15] {
            let bytes = e.encode_xml(text);
            let back = e.decode(&bytes).unwrap();
            // What the set cannot hold comes back as a character reference.
            let expected = match e {
                E::Utf8 => text.to_owned(),
                E::Windows1252 => text.to_owned(),
                E::Iso8859_1 => text
                    .replace('—', "&#8212;")
                    .replace('€', "&#8364;")
                    .replace('œ', "&#339;"),
                E::Iso8859_15 => text.replace('—', "&#8212;"),
            };
            assert_eq!(back, expected, "{e:?}");
        }
        assert_eq!(E::Iso8859_1.encode_xml("é"), vec![0xE9]);
        assert_eq!(E::Windows1252.encode_xml("€"), vec![0x80]);
        assert_eq!(E::Iso8859_15.encode_xml("€"), vec![0xA4]);
        assert_eq!(E::Utf8.decode(b"ok\xE9"), Err(2));
    }
}
