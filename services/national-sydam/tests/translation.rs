//! SYDAM translation: golden fixtures, snapshots both ways, round trips, malformed input.

use national_sydam::Sydam;
use transit_model::CountryCode;
use transit_national::examples::ExampleCorridor;
use transit_national::{ErrorClass, Mapping, Translator};

transit_testkit::family_conformance! {
    family: "sydam",
    extension: "json",
    translator: Sydam = Sydam::new(Mapping::builtin(CountryCode::parse("CI").unwrap()).unwrap()),
    corridor: ExampleCorridor::AbidjanOuagadougou,
    mapped_fields: mapped_leaves,
}

/// Every leaf the field table maps, apart from the references the hub replaces with message
/// ids: what a round trip must keep.
fn mapped_leaves(doc: &[u8]) -> Vec<(String, String)> {
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
