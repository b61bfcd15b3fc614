//! Every text field is exactly as long as the published schemas allow: for each field the
//! schemas declare `TextN` (`an..N`), a value of N characters is taken and one of N + 1 is
//! refused — by the JSON Schema, the XSD and both decoders, the decoders naming the element.
//! Every such field of every message type is tried, so a Rust field left longer (or shorter)
//! than its schema fails here.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use serde_json::Value;
use support::*;
use transit_codec::{json, xml};
use transit_model::MessageType;

/// The character the tried values are made of: not ASCII, so lengths count characters.
const FILL: char = 'Ω';

fn common_defs() -> Value {
    let common: Value = serde_json::from_slice(
        &std::fs::read(schema_dir().join("json/common.schema.json")).unwrap(),
    )
    .unwrap();
    common["$defs"].clone()
}

fn message_schema(code: &str) -> Value {
    serde_json::from_slice(
        &std::fs::read(schema_dir().join(format!("json/{code}.schema.json"))).unwrap(),
    )
    .unwrap()
}

/// `TextN` → N.
fn text_limit(def: &str) -> Option<usize> {
    def.strip_prefix("Text")?.parse().ok()
}

fn def_name(node: &Value) -> Option<&str> {
    node.get("$ref")?.as_str()?.rsplit('/').next()
}

/// Every text field a schema node allows, as a path with `*` for list positions, and its limit.
fn schema_text_paths(defs: &Value, node: &Value, path: &str, out: &mut BTreeMap<String, usize>) {
    if let Some(name) = def_name(node) {
        match text_limit(name) {
            Some(limit) => {
                out.insert(path.to_owned(), limit);
            }
            None => schema_text_paths(defs, &defs[name], path, out),
        }
    }
    for part in node
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        schema_text_paths(defs, part, path, out);
    }
    if let Some(properties) = node.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            schema_text_paths(defs, property, &format!("{path}/{name}"), out);
        }
    }
    if let Some(items) = node.get("items") {
        schema_text_paths(defs, items, &format!("{path}/*"), out);
    }
}

/// The text fields present in one message: (JSON pointer, path with `*`, limit).
fn instance_text_fields(
    defs: &Value,
    node: &Value,
    instance: &Value,
    pointer: &str,
    path: &str,
    out: &mut Vec<(String, String, usize)>,
) {
    if let Some(name) = def_name(node) {
        match text_limit(name) {
            Some(limit) => out.push((pointer.to_owned(), path.to_owned(), limit)),
            None => instance_text_fields(defs, &defs[name], instance, pointer, path, out),
        }
    }
    for part in node
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        instance_text_fields(defs, part, instance, pointer, path, out);
    }
    if let (Some(properties), Some(object)) = (
        node.get("properties").and_then(Value::as_object),
        instance.as_object(),
    ) {
        for (name, value) in object {
            if let Some(property) = properties.get(name) {
                let (p, q) = (format!("{pointer}/{name}"), format!("{path}/{name}"));
                instance_text_fields(defs, property, value, &p, &q, out);
            }
        }
    }
    if let (Some(items), Some(list)) = (node.get("items"), instance.as_array()) {
        for (i, value) in list.iter().enumerate() {
            let (p, q) = (format!("{pointer}/{i}"), format!("{path}/*"));
            instance_text_fields(defs, items, value, &p, &q, out);
        }
    }
}

/// The example and generated messages of one type, as JSON.
fn instances(t: MessageType, runner: &mut TestRunner) -> Vec<Value> {
    let mut all = vec![serde_json::from_slice(&example(t.code())).unwrap()];
    let strategy = message(t);
    for _ in 0..48 {
        let message = strategy.new_tree(runner).unwrap().current();
        all.push(serde_json::to_value(&message).unwrap());
    }
    all
}

fn with_text(instance: &Value, pointer: &str, chars: usize) -> Value {
    let mut changed = instance.clone();
    *changed.pointer_mut(pointer).unwrap() = Value::String(FILL.to_string().repeat(chars));
    changed
}

/// xmllint refuses each of `documents`, one by one.
fn xsd_refuses_each(code: &str, documents: &[Vec<u8>], what: &[String]) {
    let complaints = xsd_errors(code, documents).unwrap_or_default();
    for (i, what) in what.iter().enumerate() {
        assert!(
            complaints.contains(&format!("{code}-{i}.xml fails to validate")),
            "{code}: the XSD accepts {what}\n{complaints}"
        );
    }
}

#[test]
fn every_text_field_takes_its_schema_length_and_refuses_one_more() {
    let defs = common_defs();
    let mut runner = TestRunner::deterministic();
    let mut tried = 0;
    for t in MessageType::ALL {
        let code = t.code();
        let schema = message_schema(code);
        let mut declared = BTreeMap::new();
        schema_text_paths(&defs, &schema, "", &mut declared);
        let validator = json_validator(code);

        let mut seen = BTreeSet::new();
        let (mut longest_xml, mut too_long_xml, mut too_long_what) = (vec![], vec![], vec![]);
        for instance in instances(*t, &mut runner) {
            let mut fields = Vec::new();
            instance_text_fields(&defs, &schema, &instance, "", "", &mut fields);
            for (pointer, path, limit) in fields {
                if !seen.insert(path.clone()) {
                    continue;
                }
                assert_eq!(declared.get(&path), Some(&limit), "{code} {path}");
                let what = format!("{pointer} of {} characters (an..{limit})", limit + 1);

                let longest = with_text(&instance, &pointer, limit);
                assert!(
                    validator.is_valid(&longest),
                    "{code}: schema refuses {pointer} at {limit}"
                );
                let bytes = serde_json::to_vec(&longest).unwrap();
                let message = json::decode(&bytes).unwrap_or_else(|e| {
                    panic!("{code}: {pointer} of {limit} characters refused: {e}")
                });
                let xml_longest = xml::encode(&message);
                assert_eq!(
                    xml::decode(&xml_longest).unwrap(),
                    message,
                    "{code} {pointer}"
                );

                let too_long = with_text(&instance, &pointer, limit + 1);
                assert!(
                    !validator.is_valid(&too_long),
                    "{code}: the JSON Schema accepts {what}"
                );
                let refused = json::decode(&serde_json::to_vec(&too_long).unwrap())
                    .expect_err(&format!("{code}: the JSON decoder accepts {what}"));
                assert_eq!(refused.pointer, pointer, "{code}: {refused}");
                assert!(
                    refused.reason.contains(&format!("an..{limit}")),
                    "{refused}"
                );

                let fill = FILL.to_string();
                let xml_too_long = String::from_utf8(xml_longest.clone())
                    .unwrap()
                    .replacen(&fill.repeat(limit), &fill.repeat(limit + 1), 1)
                    .into_bytes();
                let refused = xml::decode(&xml_too_long)
                    .expect_err(&format!("{code}: the XML decoder accepts {what}"));
                assert_eq!(refused.pointer, pointer, "{code}: {refused}");
                longest_xml.push(xml_longest);
                too_long_xml.push(xml_too_long);
                too_long_what.push(what);
                tried += 1;
            }
        }
        let declared: BTreeSet<String> = declared.into_keys().collect();
        assert_eq!(seen, declared, "{code}: some text fields were never tried");
        if seen.is_empty() {
            continue;
        }
        if let Some(errors) = xsd_errors(code, &longest_xml) {
            panic!("{code}: the XSD refuses texts at their limit:\n{errors}");
        }
        xsd_refuses_each(code, &too_long_xml, &too_long_what);
    }
    assert!(tried > 60, "only {tried} fields tried");
}
