//! The published train confirmation (`schemas/rail/v1/train-confirmation.schema.json`) and
//! the Rust type agree: the example validates and reads back unchanged; what the schema
//! refuses, the parser refuses.

use transit_rail::TrainConfirmation;

fn dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas/rail/v1")
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir().join("train-confirmation.schema.json")).unwrap(),
    )
    .unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

#[test]
fn the_example_validates_and_reads_back_unchanged() {
    let bytes = std::fs::read(dir().join("examples/train-confirmation.json")).unwrap();
    let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let errors: Vec<String> = validator()
        .iter_errors(&value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let confirmation = TrainConfirmation::parse(&bytes).unwrap();
    assert_eq!(serde_json::to_value(&confirmation).unwrap(), value);
}

/// One change to the example.
type Edit = fn(&mut serde_json::Value);

#[test]
fn schema_and_parser_refuse_the_same_documents() {
    let example: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir().join("examples/train-confirmation.json")).unwrap(),
    )
    .unwrap();
    let edits: [(&str, Edit); 6] = [
        ("unknown stage", |v| v["stage"] = "shunting".into()),
        ("unknown field", |v| v["locomotive"] = "CC-2201".into()),
        ("no train", |v| v["train"] = "".into()),
        ("office", |v| v["office"] = "Niangoloko".into()),
        ("missing list", |v| {
            v.as_object_mut().unwrap().remove("wagonsMissing");
        }),
        ("train with spaces", |v| v["train"] = " T412".into()),
    ];
    for (what, edit) in edits {
        let mut value = example.clone();
        edit(&mut value);
        assert!(!validator().is_valid(&value), "{what}: the schema takes it");
        let bytes = serde_json::to_vec(&value).unwrap();
        assert!(
            TrainConfirmation::parse(&bytes).is_err(),
            "{what}: the parser takes it"
        );
    }
    // A wagon listed twice is refused by the parser (the schema cannot say it across lists).
    let mut twice = example.clone();
    twice["wagonsMissing"] = serde_json::json!(["CI-SR-31801"]);
    assert!(TrainConfirmation::parse(&serde_json::to_vec(&twice).unwrap()).is_err());
}
