//! What can be told of a national document before a translator reads it: the name of its XML
//! root element, past the declaration, comments, processing instructions and a DOCTYPE (for
//! the mapping report, the adapter's official-schemas check and the tests).

use crate::MAX_NAME_BYTES;

/// The local name of the root element (`CD118C` of `<ncts:CD118C …>`), if `document` is XML
/// with one. Reads the bytes in place; a name is cut at [`MAX_NAME_BYTES`] + 1.
pub fn xml_root(document: &[u8]) -> Option<String> {
    let mut rest = document;
    loop {
        rest = &rest[rest.iter().position(|b| *b == b'<')?..];
        let past = |end: &[u8]| {
            rest.windows(end.len())
                .position(|w| w == end)
                .map(|i| i + end.len())
        };
        rest = if rest.starts_with(b"<?") {
            &rest[past(b"?>")?..]
        } else if rest.starts_with(b"<!--") {
            &rest[past(b"-->")?..]
        } else if rest.starts_with(b"<!") {
            &rest[past(b">")?..]
        } else {
            break;
        };
    }
    let name: Vec<u8> = rest[1..]
        .iter()
        .take_while(|b| !b.is_ascii_whitespace() && **b != b'>' && **b != b'/')
        .take(MAX_NAME_BYTES + 1)
        .copied()
        .collect();
    let name = String::from_utf8_lossy(&name);
    Some(name.rsplit(':').next().unwrap_or(&name).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_read_without_its_prefix() {
        assert_eq!(
            xml_root(b"<?xml version=\"1.0\"?>\n<ncts:CD118C xmlns:ncts=\"x\">").as_deref(),
            Some("CD118C")
        );
        assert_eq!(xml_root(b"<ASYCUDA>").as_deref(), Some("ASYCUDA"));
        assert_eq!(xml_root(b"{\"json\": 1}"), None);
    }

    #[test]
    fn a_comment_or_doctype_before_the_root_does_not_hide_it() {
        assert_eq!(
            xml_root(b"<?xml version=\"1.0\"?>\n<!-- <x> -->\n<!DOCTYPE y>\n<ncts:CD050C xmlns:ncts=\"x\">")
                .as_deref(),
            Some("CD050C")
        );
        assert_eq!(xml_root(b"<!-- never closed <x>"), None);
    }
}
