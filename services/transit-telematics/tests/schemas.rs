//! The published schemas (schemas/telematics) and the code agree: every example validates and
//! is read, documents the schema refuses are refused by the code, and the built-in rules and
//! geography are what their schemas and readers accept.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use transit_telematics::{Event, Geography, Received, TelematicsRules};

fn dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../schemas/telematics"
    ))
}

fn read(path: &str) -> Value {
    serde_json::from_slice(&std::fs::read(dir().join(path)).unwrap()).unwrap()
}

/// Serves `$ref`s from schemas/telematics/v1 — never from the network.
struct Local;

impl jsonschema::Retrieve for Local {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri
            .as_str()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        Ok(read(&format!("v1/{name}")))
    }
}

fn validator(path: &str) -> jsonschema::Validator {
    jsonschema::options()
        .with_retriever(Local)
        .build(&read(path))
        .unwrap()
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-27T18:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn code_reads(value: &Value) -> bool {
    let results = Event::parse_batch(&serde_json::to_vec(value).unwrap(), now());
    matches!(results, Ok(r) if r.iter().all(Result::is_ok))
}

#[test]
fn the_examples_validate_and_are_read() {
    let events = validator("v1/event.schema.json");
    for name in ["position", "seal"] {
        let example = read(&format!("v1/examples/{name}.json"));
        assert!(events.is_valid(&example), "{name}");
        assert!(code_reads(&example), "{name}");
        // What is read writes back the same document.
        let event: Event = serde_json::from_value(example.clone()).unwrap();
        assert_eq!(serde_json::to_value(&event).unwrap(), example);
    }
    let batch = read("v1/examples/batch.json");
    for item in batch.as_array().unwrap() {
        assert!(events.is_valid(item));
    }
    assert!(code_reads(&batch));
    let record = read("v1/examples/record.json");
    assert!(validator("v1/record.schema.json").is_valid(&record));
    let received: Received = serde_json::from_value(record).unwrap();
    assert_eq!(received.provider, "sahel-track");
}

#[test]
fn what_the_schema_refuses_the_code_refuses() {
    let events = validator("v1/event.schema.json");
    let position = read("v1/examples/position.json");
    let seal = read("v1/examples/seal.json");
    let changed = |base: &Value, pointer: &str, value: Value| {
        let mut doc = base.clone();
        *doc.pointer_mut(pointer).unwrap() = value;
        doc
    };
    let mut unknown = position.clone();
    unknown["provider"] = json!("someone-else");
    let mut no_vehicle = position.clone();
    no_vehicle.as_object_mut().unwrap().remove("vehicle");
    let bad = [
        ("an unknown field (a provider naming itself)", unknown),
        ("no vehicle", no_vehicle),
        ("latitude 91", changed(&position, "/latitude", json!(91.0))),
        (
            "longitude -181",
            changed(&position, "/longitude", json!(-181.0)),
        ),
        (
            "a kind not known",
            changed(&position, "/kind", json!("temperature")),
        ),
        (
            "an empty event id",
            changed(&position, "/eventId", json!("")),
        ),
        (
            "a 65-character event id",
            changed(&position, "/eventId", json!("x".repeat(65))),
        ),
        (
            "a lowercase nationality",
            changed(&position, "/vehicle/nationality", json!("ci")),
        ),
        (
            "a speed of 400 km/h",
            changed(&position, "/speedKmh", json!(400.0)),
        ),
        (
            "a status not known",
            changed(&seal, "/status", json!("broken")),
        ),
        (
            "a seal number of 36 characters",
            changed(&seal, "/seal/id", json!("S".repeat(36))),
        ),
        (
            "a time without its zone",
            changed(&seal, "/at", json!("2026-11-27T16:41:12")),
        ),
    ];
    for (what, doc) in bad {
        assert!(!events.is_valid(&doc), "the schema takes {what}");
        assert!(!code_reads(&doc), "the code takes {what}");
    }
}

#[test]
fn the_code_refuses_times_the_schema_cannot_judge_with_a_pointer_and_a_reason() {
    let mut future = read("v1/examples/position.json");
    future["at"] = json!("2026-11-28T18:00:00Z");
    let body = serde_json::to_vec(&json!([read("v1/examples/seal.json"), future])).unwrap();
    let results = Event::parse_batch(&body, now()).unwrap();
    assert!(results[0].is_ok(), "the good event of a batch is kept");
    let refused = results[1].as_ref().unwrap_err().to_string();
    assert!(
        refused.starts_with("/1/at: ") && refused.contains("future"),
        "{refused}"
    );
    let whole = Event::parse_batch(b"{not json", now())
        .unwrap_err()
        .to_string();
    assert!(whole.contains("not JSON"), "{whole}");
}

#[test]
fn the_built_in_rules_and_geography_are_valid() {
    assert!(validator("rules.schema.json").is_valid(&read("rules.json")));
    TelematicsRules::parse(&read("rules.json")).unwrap();
    let mut twice = read("rules.json");
    let first = twice["countries"][0].clone();
    twice["countries"].as_array_mut().unwrap().push(first);
    assert!(TelematicsRules::parse(&twice)
        .unwrap_err()
        .to_string()
        .contains("twice"));
    let mut unknown = read("rules.json");
    unknown["default"]["stopLimitHours"] = json!(3);
    assert!(!validator("rules.schema.json").is_valid(&unknown));
    assert!(TelematicsRules::parse(&unknown).is_err());

    let geography = Geography::parse(&read("geography.json")).unwrap();
    assert_eq!(geography.roads().len(), 6);
    assert!(geography.zones().len() >= 20);
    let mut broken = read("geography.json");
    broken["features"][0]["geometry"]["coordinates"][0][0] = json!([200.0, 10.0]);
    assert!(Geography::parse(&broken).is_err());
}
