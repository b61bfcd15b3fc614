//! GAINDE translation: golden fixtures, snapshots both ways, round trips, malformed input.

use national_gainde::{syntax, Gainde};
use transit_codec::json;
use transit_model::CountryCode;
use transit_national::examples::ExampleCorridor;
use transit_national::{ErrorClass, Mapping, Translator};

transit_testkit::family_conformance! {
    family: "gainde",
    extension: "edi",
    translator: Gainde = Gainde::new(Mapping::builtin(CountryCode::parse("SN").unwrap()).unwrap()),
    corridor: ExampleCorridor::DakarBamako,
    mapped_fields: mapped_segments,
}

/// Every segment's elements, apart from the references the hub replaces with message ids and
/// the envelope (UNB/UNH/UNT/UNZ) it rebuilds: what a round trip must keep.
fn mapped_segments(doc: &[u8]) -> Vec<(String, Vec<Vec<String>>)> {
    syntax::parse(doc)
        .unwrap()
        .segments
        .into_iter()
        .filter(|s| {
            !(s.tag == "BGM" || (s.tag == "RFF" && ["ACW", "AGO"].contains(&s.qualifier())))
        })
        .map(|s| {
            let elements = s
                .elements()
                .map(|e| e.iter().map(|c| c.to_string()).collect())
                .collect();
            (s.tag.to_string(), elements)
        })
        .collect()
}

#[test]
fn truncated_input() {
    let doc = release();
    let cut = &doc[..doc.find("MOA+").unwrap() + 6];
    let err = refused(cut.as_bytes());
    assert_eq!(err.class, ErrorClass::Truncated, "{err}");
    assert!(
        err.reason
            .starts_with("the interchange ends inside a segment"),
        "{err}"
    );
    // Whole segments missing: UNT's count tells.
    let dropped = doc.replacen("MEA+AAE+G+KGM:25000.000'\n", "", 1);
    let err = refused(dropped.as_bytes());
    assert_eq!(err.class, ErrorClass::Truncated, "{err}");
    assert!(err.reason.starts_with("UNT counts"), "{err}");
}

#[test]
fn an_interchange_of_millions_of_segments_is_refused_while_it_is_split() {
    // 4 MiB of segment terminators once built millions of segments (347 MiB) before any
    // control was checked.
    let mut doc = b"UNA:+.? 'UNB+UNOW:4+SNDKR001+HUB+20261127:0900+1'".to_vec();
    doc.resize(transit_national::MAX_NATIONAL_BYTES - 16, b'\'');
    let err = refused(&doc);
    assert_eq!(err.class, ErrorClass::Oversize, "{err}");
    assert!(err.reason.contains("more than 20000 segments"), "{err}");
    assert_eq!(err.place, "segment 20001");
    // A tag that is not one, data elements without end, a component of kilobytes.
    let head = "UNA:+.? 'UNB+UNOW:4+SNDKR001+HUB+20261127:0900+1'";
    let err = refused(format!("{head}UNH{}'", ":x".repeat(300_000)).as_bytes());
    assert!(err.reason.contains("longer than 64 bytes"), "{err}");
    let err = refused(format!("{head}LOC{}'", "+x".repeat(300_000)).as_bytes());
    assert!(
        err.reason.contains("more than 200000 data elements"),
        "{err}"
    );
    let err = refused(format!("{head}LOC+{}'", "x".repeat(3_000)).as_bytes());
    assert_eq!(err.class, ErrorClass::Oversize, "{err}");
}

#[test]
fn wrong_character_encoding() {
    let doc = release();
    let at = doc.find("Société").unwrap() + 4;
    let mut bytes = doc.replace("Société", "Soci\u{0}t\u{0}").into_bytes();
    bytes[at] = 0xE9;
    let err = refused(&bytes);
    assert_eq!(err.class, ErrorClass::Encoding, "{err}");
    assert_eq!(err.place, format!("byte {}", at + 1));
    assert_eq!(
        err.reason,
        "UNB declares UNOW (UTF-8) but the bytes are not UTF-8"
    );
    // The same text sent in Latin-1 and declared UNOC is read, and gives the same message.
    let latin: Vec<u8> = doc
        .replace("UNOW", "UNOC")
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    assert!(latin.contains(&0xE9));
    assert_eq!(
        json::encode(&translator().to_standard(&latin).unwrap()),
        json::encode(&translator().to_standard(doc.as_bytes()).unwrap())
    );
}

#[test]
fn unknown_code() {
    let doc = release().replacen("PAC+500++BG'", "PAC+500++SAK'", 1);
    let err = refused(doc.as_bytes());
    assert_eq!(err.class, ErrorClass::UnknownCode, "{err}");
    assert!(
        err.place.ends_with("(PAC+500), element 3, component 1"),
        "{}",
        err.place
    );
    assert!(
        err.reason
            .starts_with("package kind \"SAK\" is not in SN's mapping"),
        "{err}"
    );
}

#[test]
fn missing_mandatory_element() {
    let doc = release();
    let line = doc.lines().find(|l| l.starts_with("DTM+268")).unwrap();
    let without = doc.replacen(&format!("{line}\n"), "", 1);
    let count = without
        .lines()
        .filter(|l| !l.starts_with("UNA") && !l.starts_with("UNB") && !l.starts_with("UNZ"))
        .count();
    let without = without.replace(&format!("UNT+{}+1'", count + 1), &format!("UNT+{count}+1'"));
    let err = refused(without.as_bytes());
    assert_eq!(err.class, ErrorClass::MissingElement, "{err}");
    assert_eq!(err.place, "segment DTM+268 (time limit)");
}

#[test]
fn duplicate_element() {
    let doc = release();
    let line = doc.lines().find(|l| l.starts_with("DTM+268")).unwrap();
    let count = doc
        .lines()
        .filter(|l| !l.starts_with("UNA") && !l.starts_with("UNB") && !l.starts_with("UNZ"))
        .count();
    let twice = doc
        .replacen(&format!("{line}\n"), &format!("{line}\n{line}\n"), 1)
        .replace(&format!("UNT+{count}+1'"), &format!("UNT+{}+1'", count + 1));
    let err = refused(twice.as_bytes());
    assert_eq!(err.class, ErrorClass::Duplicate, "{err}");
    assert!(err.place.ends_with("(DTM+268)"), "{}", err.place);
}

#[test]
fn oversized_field_is_refused_with_its_element_named() {
    // A plate is an..35 in the standardized schemas; 36 characters must not reach the hub.
    let doc = release().replace("DK-4521-A", &"A".repeat(36));
    let err = refused(doc.as_bytes());
    assert_eq!(err.class, ErrorClass::InvalidValue, "{err}");
    assert_eq!(
        err.place, "segment 21 (TDT+12), element 8, component 1",
        "{err}"
    );
    assert!(err.reason.contains("at most 35"), "{err}");
    let at_limit = release().replace("DK-4521-A", &"A".repeat(35));
    assert!(translator().to_standard(at_limit.as_bytes()).is_ok());
}
