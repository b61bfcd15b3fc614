//! The guarantee event's published schema (`schemas/events/v1/guarantee-event.schema.json`) and
//! `guarantee_event` agree: every kind of change, produced by real transitions from the
//! standardized examples, validates; a document the schema must refuse is refused.

use std::path::PathBuf;

use chrono::{TimeZone, Utc};
use transit_lifecycle::{decide, guarantee_event, GuaranteeChange, GuaranteeEvent, Movement};
use transit_model::StandardMessage;

fn schemas() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas")
}

/// Serves `https://sigmat.example/schemas/…` from the repository's `schemas/`, never the network.
struct LocalSchemas;

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<serde_json::Value, Box<dyn std::error::Error + Send + Sync>> {
        let path = uri
            .as_str()
            .strip_prefix("https://sigmat.example/schemas/")
            .ok_or_else(|| format!("{} is not one of the project's schemas", uri.as_str()))?;
        Ok(serde_json::from_slice(&std::fs::read(
            schemas().join(path),
        )?)?)
    }
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_slice(
        &std::fs::read(schemas().join("events/v1/guarantee-event.schema.json")).unwrap(),
    )
    .unwrap();
    jsonschema::options()
        .with_retriever(LocalSchemas)
        .build(&schema)
        .unwrap_or_else(|e| panic!("guarantee-event.schema.json does not compile: {e}"))
}

fn example(code: &str) -> StandardMessage {
    let bytes = std::fs::read(schemas().join(format!("transit/v1/examples/{code}.json"))).unwrap();
    transit_codec::json::decode(&bytes).unwrap()
}

/// The guarantee events of `codes` applied in order (each must be accepted).
fn events(codes: &[&str]) -> Vec<GuaranteeEvent> {
    let now = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
    let mut movement: Option<Movement> = None;
    let mut out = Vec::new();
    for code in codes {
        let message = example(code);
        let t = decide(movement.as_ref(), &message, now)
            .unwrap_or_else(|r| panic!("{code} refused: {r:?}"));
        out.extend(guarantee_event(
            movement.as_ref(),
            &t.movement,
            &message,
            now,
        ));
        movement = Some(t.movement);
    }
    out
}

#[test]
fn every_kind_of_change_validates_against_the_published_schema() {
    let validator = validator();
    let mut all = events(&["IE029", "IE010"]);
    all.extend(events(&["IE029", "IE142", "IE150"]));
    let kinds: Vec<GuaranteeChange> = all.iter().map(|e| e.change).collect();
    for kind in [
        GuaranteeChange::Engaged,
        GuaranteeChange::UnderEnquiry,
        GuaranteeChange::UnderRecovery,
        GuaranteeChange::Released,
    ] {
        assert!(kinds.contains(&kind), "{kind:?} not produced: {kinds:?}");
    }
    for event in &all {
        let value = serde_json::to_value(event).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(
            errors.is_empty(),
            "{:?}: {errors:?}\n{value:#}",
            event.change
        );
        let back: GuaranteeEvent = serde_json::from_value(value).unwrap();
        assert_eq!(&back, event);
    }
}

#[test]
fn the_schema_refuses_an_event_without_its_guarantee_or_with_an_unknown_change() {
    let validator = validator();
    let event = serde_json::to_value(&events(&["IE029"])[0]).unwrap();
    let mut without = event.clone();
    without.as_object_mut().unwrap().remove("guarantee");
    assert!(!validator.is_valid(&without));
    let mut unknown = event;
    unknown["change"] = "Forgotten".into();
    assert!(!validator.is_valid(&unknown));
}
