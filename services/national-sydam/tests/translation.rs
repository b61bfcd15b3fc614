//! SYDAM translation: golden fixtures, snapshots both ways, round trips, malformed input.

use national_sydam::Sydam;
use transit_codec::json;
use transit_model::CountryCode;
use transit_national::examples::{examples_for, ExampleCorridor};
use transit_national::testing::{
    assert_a_fixture_for_every_exchanged_type, assert_every_fixture_reaches_level_4, examples_dir,
    fixtures, round_trip,
};
use transit_national::{ErrorClass, Mapping, TranslateError, Translator};

fn translator() -> Sydam {
    Sydam::new(Mapping::builtin(CountryCode::parse("CI").unwrap()).unwrap())
}

fn golden() -> Vec<(String, Vec<u8>)> {
    fixtures(&examples_dir("sydam"), "json")
}

/// Writes the fixtures from the standardized examples. Run by hand when the format changes
/// (`cargo test -p national-sydam -- --ignored regenerate`), then review the diff.
#[test]
#[ignore]
fn regenerate_fixtures() {
    let t = translator();
    let dir = examples_dir("sydam");
    std::fs::create_dir_all(&dir).unwrap();
    for message in examples_for(&t, ExampleCorridor::AbidjanOuagadougou) {
        let doc = t.to_national(&message).unwrap();
        std::fs::write(
            dir.join(format!("{}.json", message.message_type().code())),
            doc,
        )
        .unwrap();
    }
}

#[test]
fn there_is_a_golden_fixture_for_every_exchanged_type() {
    assert_a_fixture_for_every_exchanged_type(&translator(), &golden());
}

#[test]
fn national_to_standard_snapshots() {
    let t = translator();
    for (name, bytes) in golden() {
        let message = t.to_standard(&bytes).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&json::encode(&message)).unwrap();
        insta::assert_snapshot!(
            format!("to_standard__{name}"),
            serde_json::to_string_pretty(&value).unwrap()
        );
    }
}

#[test]
fn standard_to_national_snapshots() {
    let t = translator();
    for message in examples_for(&t, ExampleCorridor::AbidjanOuagadougou) {
        let doc = String::from_utf8(t.to_national(&message).unwrap()).unwrap();
        insta::assert_snapshot!(
            format!("to_national__{}", message.message_type().code()),
            doc
        );
    }
}

/// Every leaf of a JSON document as (pointer with `*` for indices, value).
fn leaves(value: &serde_json::Value, at: &str, out: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                leaves(v, &format!("{at}/{k}"), out);
            }
        }
        serde_json::Value::Array(items) => {
            for v in items {
                leaves(v, &format!("{at}/*"), out);
            }
        }
        serde_json::Value::Null => {}
        other => out.push((
            at.to_owned(),
            other.to_string().trim_matches('"').to_owned(),
        )),
    }
}

#[test]
fn round_trip_keeps_every_mapped_field() {
    let t = translator();
    for (name, bytes) in golden() {
        let again = round_trip(&t, &name, &bytes);
        let mapped = |doc: &[u8]| {
            let mut out = Vec::new();
            leaves(&serde_json::from_slice(doc).unwrap(), "", &mut out);
            out.retain(|(p, _)| {
                national_sydam::FIELDS.iter().any(|f| f.national == p)
                    && ![
                        "/entete/numeroMessage",
                        "/entete/referenceCorrelation",
                        "/rejet/numeroMessageRejete",
                    ]
                    .contains(&p.as_str())
            });
            out.sort();
            out
        };
        assert_eq!(mapped(&bytes), mapped(&again), "{name}");
    }
}

#[test]
fn the_conformity_checker_gives_every_translated_fixture_level_4() {
    assert_every_fixture_reaches_level_4(&translator(), &golden());
}

fn release() -> String {
    String::from_utf8(
        golden()
            .into_iter()
            .find(|(n, _)| n == "IE029.json")
            .unwrap()
            .1,
    )
    .unwrap()
}

fn refused(bytes: &[u8]) -> TranslateError {
    translator().to_standard(bytes).unwrap_err()
}

#[test]
fn truncated_input() {
    let doc = release();
    let err = refused(&doc.as_bytes()[..doc.find("\"garantie\"").unwrap()]);
    assert_eq!(err.class, ErrorClass::Truncated, "{err}");
    assert_eq!(
        err.reason,
        "the JSON ends before the document does: the message is cut short"
    );
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
}

#[test]
fn unknown_code() {
    let doc = release().replace("\"nature\": \"SAC\"", "\"nature\": \"SACHET\"");
    let err = refused(doc.as_bytes());
    assert_eq!(err.class, ErrorClass::UnknownCode, "{err}");
    assert_eq!(err.place, "/declaration/articles/0/colis/0/nature");
    assert!(
        err.reason
            .starts_with("package kind \"SACHET\" is not in CI's mapping"),
        "{err}"
    );
    let doc = release().replace("\"bureauDepart\": \"CIAB1\"", "\"bureauDepart\": \"CIAB9\"");
    let err = refused(doc.as_bytes());
    assert_eq!(err.class, ErrorClass::UnknownCode, "{err}");
    assert_eq!(err.place, "/declaration/bureauDepart");
}

#[test]
fn missing_mandatory_element() {
    let mut value: serde_json::Value = serde_json::from_str(&release()).unwrap();
    value["declaration"]
        .as_object_mut()
        .unwrap()
        .remove("delaiAcheminement");
    let err = refused(value.to_string().as_bytes());
    assert_eq!(err.class, ErrorClass::MissingElement, "{err}");
    assert_eq!(err.place, "/declaration/delaiAcheminement");
    value["declaration"]["delaiAcheminement"] = serde_json::Value::Null;
    let err = refused(value.to_string().as_bytes());
    assert_eq!(err.class, ErrorClass::MissingElement, "{err}");
    assert_eq!(err.place, "/declaration/delaiAcheminement");
}

#[test]
fn oversize() {
    let padding = " ".repeat(transit_national::MAX_NATIONAL_BYTES);
    let err = refused(format!("{}{padding}", release()).as_bytes());
    assert_eq!(err.class, ErrorClass::Oversize);
}

#[test]
fn duplicate_element() {
    let doc = release().replacen(
        "\"delaiAcheminement\"",
        "\"delaiAcheminement\": \"2026-12-01T00:00:00Z\",\n    \"delaiAcheminement\"",
        1,
    );
    let err = refused(doc.as_bytes());
    assert_eq!(err.class, ErrorClass::Duplicate, "{err}");
    assert_eq!(err.place, "/declaration/delaiAcheminement");
}

#[test]
fn oversized_field_is_refused_with_its_element_named() {
    // A plate is an..35 in the standardized schemas; 36 characters must not reach the hub.
    let doc = release().replace("AB-1234-CI", &"A".repeat(36));
    let err = refused(doc.as_bytes());
    assert_eq!(err.class, ErrorClass::InvalidValue, "{err}");
    assert_eq!(
        err.place, "/declaration/moyenTransport/immatriculation",
        "{err}"
    );
    assert!(err.reason.contains("at most 35"), "{err}");
    let at_limit = release().replace("AB-1234-CI", &"A".repeat(35));
    assert!(translator().to_standard(at_limit.as_bytes()).is_ok());
}
