//! Which character encoding an ASYCUDA document is in, and its text: UTF-8 unless its XML
//! declaration names another that sigmat reads (windows-1252, ISO-8859-1, ISO-8859-15), as
//! older ASYCUDA exports do; a UTF-8 byte order mark is allowed, UTF-16 is refused.

use std::borrow::Cow;

use quick_xml::events::Event;
use quick_xml::Reader;
use transit_national::{CharacterEncoding, ErrorClass, TranslateError, READ_LABELS};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The document's text, decoded as its declaration says (borrowed when it is UTF-8).
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, TranslateError> {
    if bytes.starts_with(&[0xFE, 0xFF]) || bytes.starts_with(&[0xFF, 0xFE]) {
        return Err(TranslateError::new(
            ErrorClass::Encoding,
            "byte 1",
            format!("the document starts with a UTF-16 byte order mark; ASYCUDA messages are read in {READ_LABELS}"),
        ));
    }
    let (body, bom) = match bytes.strip_prefix(UTF8_BOM) {
        Some(body) => (body, UTF8_BOM.len()),
        None => (bytes, 0),
    };
    let declared = declared_label(body);
    let encoding = match &declared {
        None => CharacterEncoding::Utf8,
        Some(label) => CharacterEncoding::from_label(label).ok_or_else(|| {
            TranslateError::new(
                ErrorClass::Encoding,
                "XML declaration",
                format!(
                    "encoding {label:?} is declared; ASYCUDA messages are read in {READ_LABELS}"
                ),
            )
        })?,
    };
    if bom > 0 && encoding != CharacterEncoding::Utf8 {
        return Err(TranslateError::new(
            ErrorClass::Encoding,
            "XML declaration",
            format!(
                "encoding {:?} is declared after a UTF-8 byte order mark; the two must agree",
                encoding.label()
            ),
        ));
    }
    encoding.decode(body).map_err(|offset| {
        let why = match declared {
            Some(_) => "the bytes are not UTF-8, the encoding the XML declaration names",
            None => "the bytes are not UTF-8, and the XML declaration names no other encoding (an export in windows-1252 starts <?xml version=\"1.0\" encoding=\"windows-1252\"?>)",
        };
        TranslateError::new(
            ErrorClass::Encoding,
            format!("byte {} ({})", bom + offset + 1, crate::position::at(body, offset)),
            why,
        )
    })
}

/// The encoding label of the document's XML declaration, if it has one.
fn declared_label(bytes: &[u8]) -> Option<String> {
    let mut reader = Reader::from_reader(bytes);
    match reader.read_event() {
        Ok(Event::Decl(decl)) => match decl.encoding() {
            Some(Ok(label)) => Some(String::from_utf8_lossy(&label).into_owned()),
            _ => None,
        },
        _ => None,
    }
}
