//! The published guarantee check and its result (`schemas/events/v1/guarantee-check.schema.json`,
//! `guarantee-check-result.schema.json`) and the Rust types agree: the examples validate and
//! read back unchanged; what the schema refuses, the parser refuses.

use transit_model::guarantee_check::{GuaranteeCheck, GuaranteeCheckResult};

fn dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas/events/v1")
}

fn validator(name: &str) -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir().join(format!("{name}.schema.json"))).unwrap())
            .unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn example(name: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir().join(format!("examples/{name}.json"))).unwrap())
        .unwrap()
}

#[test]
fn the_examples_validate_and_read_back_unchanged() {
    for name in ["guarantee-check", "guarantee-check-result"] {
        let value = example(name);
        let errors: Vec<String> = validator(name)
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
    let bytes = serde_json::to_vec(&example("guarantee-check")).unwrap();
    let check = GuaranteeCheck::parse(&bytes).unwrap();
    assert_eq!(
        serde_json::to_value(&check).unwrap(),
        example("guarantee-check")
    );
    let result: GuaranteeCheckResult =
        serde_json::from_value(example("guarantee-check-result")).unwrap();
    assert!(!result.valid());
    assert_eq!(
        serde_json::to_value(&result).unwrap(),
        example("guarantee-check-result")
    );
}

/// One change to the example.
type Edit = fn(&mut serde_json::Value);

#[test]
fn schema_and_parser_refuse_the_same_checks() {
    let edits: [(&str, Edit); 9] = [
        ("unknown kind", |v| v["kind"] = "reserve".into()),
        ("unknown field", |v| v["accessCode"] = "1234".into()),
        ("no guarantee", |v| v["guarantees"] = serde_json::json!([])),
        ("reference in small letters", |v| {
            v["guarantees"][0]["grn"] = "26gh0000000001234".into()
        }),
        ("type of two characters", |v| {
            v["guarantees"][0]["guaranteeType"] = "12".into()
        }),
        ("currency", |v| {
            v["guarantees"][0]["currency"] = "xof".into()
        }),
        ("negative amount", |v| {
            v["guarantees"][0]["amount"] = "-1".into()
        }),
        ("holder too long", |v| {
            v["holder"] = "GH01234567890123456".into()
        }),
        ("guarantee named twice", |v| {
            let first = v["guarantees"][0].clone();
            v["guarantees"].as_array_mut().unwrap().push(first);
        }),
    ];
    let check = validator("guarantee-check");
    for (what, edit) in edits {
        let mut value = example("guarantee-check");
        edit(&mut value);
        let bytes = serde_json::to_vec(&value).unwrap();
        let parsed = GuaranteeCheck::parse(&bytes);
        // The schema cannot say "named twice"; the parser must.
        if what != "guarantee named twice" {
            assert!(!check.is_valid(&value), "{what}: the schema takes it");
        }
        assert!(parsed.is_err(), "{what}: the parser takes it");
    }
}
