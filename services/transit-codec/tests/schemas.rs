//! The published schemas (`schemas/transit/v1/json`, `…/xsd`) and the Rust types agree:
//! examples and generated messages validate against both; invalid documents are refused by the
//! schema and the decoder alike.

mod support;

use std::collections::BTreeSet;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use support::*;
use transit_codec::{json, xml};
use transit_model::MessageType;

#[test]
fn one_schema_of_each_kind_per_catalogue_entry() {
    let listed = |dir: &str, suffix: &str| -> BTreeSet<String> {
        std::fs::read_dir(schema_dir().join(dir))
            .unwrap()
            .filter_map(|e| {
                e.unwrap()
                    .file_name()
                    .to_str()?
                    .strip_suffix(suffix)
                    .map(str::to_owned)
            })
            .filter(|name| name != "common")
            .collect()
    };
    let catalogue: BTreeSet<String> = MessageType::ALL
        .iter()
        .map(|t| t.code().to_owned())
        .collect();
    assert_eq!(listed("json", ".schema.json"), catalogue);
    assert_eq!(listed("xsd", ".xsd"), catalogue);
    for t in MessageType::ALL {
        let schema: serde_json::Value = serde_json::from_slice(
            &std::fs::read(schema_dir().join(format!("json/{}.schema.json", t.code()))).unwrap(),
        )
        .unwrap();
        assert_eq!(
            schema["title"],
            format!("{} {}", t.code(), t.name()),
            "generate.py's catalogue differs from the Rust one"
        );
    }
}

#[test]
fn every_example_validates_against_its_json_schema_and_xsd() {
    for t in MessageType::ALL {
        let bytes = example(t.code());
        let instance: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let validator = json_validator(t.code());
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", t.code());
        let message = json::decode(&bytes).unwrap();
        if let Some(errors) = xsd_errors(t.code(), &[xml::encode(&message)]) {
            panic!("{} XML does not validate:\n{errors}", t.code());
        }
    }
}

#[test]
fn generated_messages_validate_against_both_schemas() {
    let mut runner = TestRunner::deterministic();
    for t in MessageType::ALL {
        let validator = json_validator(t.code());
        let strategy = message(*t);
        let mut documents = Vec::new();
        for _ in 0..24 {
            let message = strategy.new_tree(&mut runner).unwrap().current();
            let value = serde_json::to_value(&message).unwrap();
            let errors: Vec<String> = validator
                .iter_errors(&value)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{}: {errors:#?}\n{value:#}", t.code());
            documents.push(xml::encode(&message));
        }
        if let Some(errors) = xsd_errors(t.code(), &documents) {
            panic!("{} generated XML does not validate:\n{errors}", t.code());
        }
    }
}

/// Each mutation breaks a rule both the schemas and the decoders enforce.
#[test]
fn schemas_and_decoders_refuse_the_same_broken_documents() {
    let original = String::from_utf8(example("IE029")).unwrap();
    let mutations = [
        (
            "unknown header field",
            original.replacen("\"header\": {", "\"header\": {\"colour\": \"red\",", 1),
        ),
        (
            "office reference with a dash",
            original.replace("\"BFOUA001\"", "\"BF-OUA01\""),
        ),
        (
            "MRN of 17 characters",
            original.replace("25CIUJZDE8GXD6NCJ0", "25CIUJZDE8GXD6NCJ"),
        ),
        (
            "procedure letter out of range",
            original.replace("25CIUJZDE8GXD6NCJ0", "25CIUJZDE8GXD6NCX0"),
        ),
        (
            "missing body element",
            original.replace("\"destinationOfficeId\": \"BFOUA001\",", ""),
        ),
        (
            "schema version 2",
            original.replace("\"schemaVersion\": \"1\"", "\"schemaVersion\": \"2\""),
        ),
        (
            "transport mode as text",
            original.replace("\"modeCode\": 3", "\"modeCode\": \"road\""),
        ),
        (
            "container without its check digit",
            original.replace("MSCU1234566", "MSCU123456"),
        ),
        (
            "HS chapter 00",
            original.replace("\"100630\"", "\"000630\""),
        ),
        (
            "text with a leading space",
            original.replace("\"Riz blanchi", "\" Riz blanchi"),
        ),
        ("empty text", original.replace("\"GRN-CI-77881\"", "\"\"")),
    ];
    let validator = json_validator("IE029");
    for (what, document) in mutations {
        assert_ne!(document, original, "{what}: the mutation did not apply");
        let value: serde_json::Value = serde_json::from_str(&document).unwrap();
        assert!(
            !validator.is_valid(&value),
            "{what}: the JSON Schema accepts it"
        );
        assert!(
            json::decode(document.as_bytes()).is_err(),
            "{what}: the decoder accepts it"
        );
    }

    let xml_original =
        String::from_utf8(xml::encode(&json::decode(original.as_bytes()).unwrap())).unwrap();
    let xml_mutations = [
        (
            "unknown element",
            xml_original.replace("<sender>", "<colour>red</colour><sender>"),
        ),
        (
            "office reference with a dash",
            xml_original.replace(">BFOUA001<", ">BF-OUA01<"),
        ),
        (
            "missing destination",
            xml_original.replace("<destinationOfficeId>BFOUA001</destinationOfficeId>", ""),
        ),
        (
            "transport mode as text",
            xml_original.replace("<modeCode>3</modeCode>", "<modeCode>road</modeCode>"),
        ),
    ];
    for (what, document) in xml_mutations {
        assert_ne!(document, xml_original, "{what}: the mutation did not apply");
        assert!(
            xsd_errors("IE029", &[document.clone().into_bytes()]).is_some(),
            "{what}: the XSD accepts it"
        );
        assert!(
            xml::decode(document.as_bytes()).is_err(),
            "{what}: the XML decoder accepts it"
        );
    }
}
