//! ASYCUDA translation: golden fixtures, snapshots both ways, round trips, malformed input.

use national_asycuda::{tree, Asycuda};
use transit_codec::json;
use transit_model::CountryCode;
use transit_national::examples::{examples_for, ExampleCorridor};
use transit_national::{ErrorClass, Mapping, Translator};

transit_testkit::family_conformance! {
    family: "asycuda",
    extension: "xml",
    translator: Asycuda = Asycuda::new(Mapping::builtin(CountryCode::parse("BF").unwrap()).unwrap()),
    corridor: ExampleCorridor::AbidjanOuagadougou,
    mapped_fields: mapped_leaves,
}

/// Every leaf the field table maps, apart from the references the hub replaces with message
/// ids: what a round trip must keep.
fn mapped_leaves(xml: &[u8]) -> Vec<(String, String)> {
    tree::parse(xml, "ASYCUDA")
        .unwrap()
        .leaves()
        .into_iter()
        .filter(|(path, _)| {
            national_asycuda::FIELDS.iter().any(|f| f.national == path)
                && !path.ends_with("/Reference")
                && !path.ends_with("/Correlation")
                && !path.ends_with("/Message_reference")
        })
        .map(|(p, v)| (p, v.trim().to_owned()))
        .collect()
}

#[test]
fn truncated_input() {
    let xml = release();
    let cut = &xml.as_bytes()[..xml.find("<Financial>").unwrap()];
    let err = refused(cut);
    assert_eq!(err.class, ErrorClass::Truncated, "{err}");
    assert_eq!(err.place, "ASYCUDA");
    assert_eq!(
        err.reason,
        "the document ends inside <ASYCUDA>: the message is cut short"
    );
}

#[test]
fn bytes_that_are_not_in_the_declared_encoding_are_refused_at_their_place() {
    let xml = release().replace("Société", "Soci\u{0}t\u{0}");
    let mut bytes = xml.into_bytes();
    let at = bytes.iter().position(|b| *b == 0).unwrap();
    bytes[at] = 0xE9; // Latin-1 é, in a document that declares UTF-8
    let err = refused(&bytes);
    assert_eq!(err.class, ErrorClass::Encoding, "{err}");
    assert!(
        err.place.starts_with(&format!("byte {} (line ", at + 1)),
        "{}",
        err.place
    );
    assert_eq!(
        err.reason,
        "the bytes are not UTF-8, the encoding the XML declaration names"
    );
    for declared in ["UTF-16", "EBCDIC-US"] {
        let xml = release().replace("encoding=\"UTF-8\"", &format!("encoding=\"{declared}\""));
        let err = refused(xml.as_bytes());
        assert_eq!(err.class, ErrorClass::Encoding);
        assert_eq!(err.place, "XML declaration");
        assert!(err.reason.contains("windows-1252"), "{err}");
    }
}

/// The release as an older ASYCUDA export writes it: in `label`, non-ASCII letters one byte.
fn release_in(label: &str, encoding: transit_national::CharacterEncoding) -> Vec<u8> {
    let xml = release().replace("encoding=\"UTF-8\"", &format!("encoding=\"{label}\""));
    encoding.encode_xml(&xml)
}

#[test]
fn single_byte_exports_read_as_the_same_message() {
    use transit_national::CharacterEncoding as E;
    let t = translator();
    let utf8 = t.to_standard(release().as_bytes()).unwrap();
    for (label, encoding) in [
        ("ISO-8859-1", E::Iso8859_1),
        ("windows-1252", E::Windows1252),
        ("iso-8859-15", E::Iso8859_15),
        ("latin1", E::Iso8859_1),
    ] {
        let bytes = release_in(label, encoding);
        assert!(bytes.contains(&0xE9), "{label}: é is one byte");
        let read = t
            .to_standard(&bytes)
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_eq!(json::encode(&read), json::encode(&utf8), "{label}");
    }
    // A UTF-8 byte order mark is allowed.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(release().as_bytes());
    assert_eq!(
        json::encode(&t.to_standard(&bom).unwrap()),
        json::encode(&utf8)
    );
}

#[test]
fn a_country_configured_for_windows_1252_is_written_in_it() {
    // Burkina Faso's tables, its system writing windows-1252.
    let json = include_str!("../../../schemas/national/mapping/bf.json").replacen(
        "\"family\": \"asycuda\",",
        "\"family\": \"asycuda\", \"encoding\": \"windows-1252\",",
        1,
    );
    let t = Asycuda::new(Mapping::from_json(&json).unwrap());
    for message in examples_for(&t, ExampleCorridor::AbidjanOuagadougou) {
        let bytes = t.to_national(&message).unwrap();
        assert!(
            bytes.starts_with(b"<?xml version=\"1.0\" encoding=\"windows-1252\"?>"),
            "{}",
            message.message_type()
        );
        if message.message_type() == transit_model::MessageType::ReleaseForTransit {
            assert!(
                std::str::from_utf8(&bytes).is_err(),
                "é is one byte, not UTF-8"
            );
        }
        let back = t.to_standard(&bytes).unwrap();
        assert_eq!(json::encode(&back), json::encode(&message));
    }
}

#[test]
fn unknown_code() {
    let xml = release().replace("<Kind_of_packages_code>BG<", "<Kind_of_packages_code>SAK<");
    let err = refused(xml.as_bytes());
    assert_eq!(err.class, ErrorClass::UnknownCode, "{err}");
    assert_eq!(err.place, "ASYCUDA/Item/Packages/Kind_of_packages_code");
    assert!(
        err.reason
            .starts_with("package kind \"SAK\" is not in BF's mapping"),
        "{err}"
    );
    let xml = release().replace("<Office>OUAG</Office>", "<Office>OUGA</Office>");
    let err = refused(xml.as_bytes());
    assert_eq!(err.class, ErrorClass::UnknownCode, "{err}");
    assert_eq!(err.place, "ASYCUDA/Transit/Destination/Office");
}

#[test]
fn missing_mandatory_element() {
    let xml = release();
    let start = xml.find("<Time_limit>").unwrap();
    let end = xml.find("</Time_limit>").unwrap() + "</Time_limit>".len();
    let without = format!("{}{}", &xml[..start], &xml[end..]);
    let err = refused(without.as_bytes());
    assert_eq!(err.class, ErrorClass::MissingElement);
    assert_eq!(err.place, "ASYCUDA/Transit/Time_limit");
    // <null/> is absent too.
    let nulled = format!(
        "{}<Time_limit><null/></Time_limit>{}",
        &xml[..start],
        &xml[end..]
    );
    assert_eq!(refused(nulled.as_bytes()), err);
}

#[test]
fn deep_nesting_is_refused_before_it_is_built() {
    // 60,000 nested elements in 420 KB once overflowed the stack and took gigabytes.
    let depth = 60_000;
    let xml = format!(
        "<ASYCUDA>{}{}</ASYCUDA>",
        "<Transit>".repeat(depth),
        "</Transit>".repeat(depth)
    );
    let err = refused(xml.as_bytes());
    assert_eq!(err.class, ErrorClass::Syntax, "{err}");
    assert!(err.reason.contains("nested more than 32 levels"), "{err}");
    assert!(err.place.starts_with("ASYCUDA/Transit/Transit"), "{err}");
    // At the limit, the message is refused for what it lacks, not for its depth.
    let xml = format!(
        "<ASYCUDA>{}{}</ASYCUDA>",
        "<Transit>".repeat(transit_national::MAX_NESTING_DEPTH - 1),
        "</Transit>".repeat(transit_national::MAX_NESTING_DEPTH - 1)
    );
    assert!(!refused(xml.as_bytes()).reason.contains("nested"));
}

#[test]
fn too_many_elements_are_refused() {
    let xml = release().replace(
        "</ASYCUDA>",
        &format!(
            "{}</ASYCUDA>",
            "<x/>".repeat(transit_national::MAX_ELEMENTS)
        ),
    );
    let err = refused(xml.as_bytes());
    assert_eq!(err.class, ErrorClass::Oversize, "{err}");
    assert!(err.reason.contains("more than 100000 elements"), "{err}");
}

#[test]
fn a_long_element_name_is_refused_before_any_path_copies_it() {
    // 3 MB of name with 70 children once took 243 MiB: the name was copied into each path.
    let name = "A".repeat(3_000_000);
    let xml = format!("<ASYCUDA><{name}>{}", "<x/>".repeat(70));
    let err = refused(xml.as_bytes());
    assert_eq!(err.class, ErrorClass::Syntax, "{err}");
    assert!(err.reason.contains("longer than 64 bytes"), "{err}");
    assert_eq!(err.place, "ASYCUDA", "the place does not repeat the name");
    // A long path of short names, and a long text, are refused too, each named.
    let deep = format!(
        "<ASYCUDA>{}</ASYCUDA>",
        format!("<{}>", "B".repeat(60)).repeat(20)
    );
    let err = refused(deep.as_bytes());
    assert!(err.reason.contains("longer than 256 bytes"), "{err}");
    let text = release().replace(
        "</ASYCUDA>",
        &format!("<Note>{}</Note></ASYCUDA>", "t".repeat(3_000)),
    );
    let err = refused(text.as_bytes());
    assert_eq!(
        (err.class, err.place.as_str()),
        (ErrorClass::Oversize, "ASYCUDA/Note"),
        "{err}"
    );
}

#[test]
fn duplicate_element() {
    let xml = release().replace(
        "<Time_limit>",
        "<Time_limit>2026-12-01T00:00:00Z</Time_limit>\n    <Time_limit>",
    );
    let err = refused(xml.as_bytes());
    assert_eq!(err.class, ErrorClass::Duplicate, "{err}");
    assert_eq!(err.place, "ASYCUDA/Transit/Time_limit");
    assert_eq!(
        err.reason,
        "<Time_limit> appears more than once in <Transit>; it may appear once"
    );
}

#[test]
fn an_unsupported_type_is_named() {
    // The XML NACK is the hub's answer to a standardized-XML sender; no national system gets it.
    let nack = transit_codec::json::decode(include_bytes!(
        "../../../schemas/transit/v1/examples/IE917.json"
    ))
    .unwrap();
    let err = translator().to_national(&nack).unwrap_err();
    assert_eq!(err.class, ErrorClass::Unsupported);
}

#[test]
fn oversized_field_is_refused_with_its_element_named() {
    // A plate is an..35 in the standardized schemas; 36 characters must not reach the hub.
    let doc = release().replace("AB-1234-CI", &"A".repeat(36));
    let err = refused(doc.as_bytes());
    assert_eq!(err.class, ErrorClass::InvalidValue, "{err}");
    assert_eq!(
        err.place, "ASYCUDA/Transport/Means_of_transport/Border_information/Identity",
        "{err}"
    );
    assert!(err.reason.contains("at most 35"), "{err}");
    let at_limit = release().replace("AB-1234-CI", &"A".repeat(35));
    assert!(translator().to_standard(at_limit.as_bytes()).is_ok());
}
