//! The walk along the published JSON Schema.

use std::sync::OnceLock;

use serde_json::{Map, Value};
use transit_model::reference::ReferenceData;
use transit_model::MessageType;

use super::Finding;

const PROJECT_ASSIGNED: &str = "project-assigned";

/// The published schema of one message type.
fn type_schema(code: &str) -> &'static str {
    match code {
        "IE001" => include_str!("../../../../schemas/transit/v1/json/IE001.schema.json"),
        "IE002" => include_str!("../../../../schemas/transit/v1/json/IE002.schema.json"),
        "IE003" => include_str!("../../../../schemas/transit/v1/json/IE003.schema.json"),
        "IE006" => include_str!("../../../../schemas/transit/v1/json/IE006.schema.json"),
        "IE010" => include_str!("../../../../schemas/transit/v1/json/IE010.schema.json"),
        "IE018" => include_str!("../../../../schemas/transit/v1/json/IE018.schema.json"),
        "IE029" => include_str!("../../../../schemas/transit/v1/json/IE029.schema.json"),
        "IE045" => include_str!("../../../../schemas/transit/v1/json/IE045.schema.json"),
        "IE050" => include_str!("../../../../schemas/transit/v1/json/IE050.schema.json"),
        "IE094" => include_str!("../../../../schemas/transit/v1/json/IE094.schema.json"),
        "IE095" => include_str!("../../../../schemas/transit/v1/json/IE095.schema.json"),
        "IE114" => include_str!("../../../../schemas/transit/v1/json/IE114.schema.json"),
        "IE115" => include_str!("../../../../schemas/transit/v1/json/IE115.schema.json"),
        "IE118" => include_str!("../../../../schemas/transit/v1/json/IE118.schema.json"),
        "IE142" => include_str!("../../../../schemas/transit/v1/json/IE142.schema.json"),
        "IE143" => include_str!("../../../../schemas/transit/v1/json/IE143.schema.json"),
        "IE144" => include_str!("../../../../schemas/transit/v1/json/IE144.schema.json"),
        "IE145" => include_str!("../../../../schemas/transit/v1/json/IE145.schema.json"),
        "IE150" => include_str!("../../../../schemas/transit/v1/json/IE150.schema.json"),
        "IE151" => include_str!("../../../../schemas/transit/v1/json/IE151.schema.json"),
        "IE152" => include_str!("../../../../schemas/transit/v1/json/IE152.schema.json"),
        "IE180" => include_str!("../../../../schemas/transit/v1/json/IE180.schema.json"),
        "IE181" => include_str!("../../../../schemas/transit/v1/json/IE181.schema.json"),
        "IE906" => include_str!("../../../../schemas/transit/v1/json/IE906.schema.json"),
        "IE917" => include_str!("../../../../schemas/transit/v1/json/IE917.schema.json"),
        _ => "{}",
    }
}

fn defs() -> &'static Map<String, Value> {
    static DEFS: OnceLock<Map<String, Value>> = OnceLock::new();
    DEFS.get_or_init(|| {
        let common: Value = serde_json::from_str(include_str!(
            "../../../../schemas/transit/v1/json/common.schema.json"
        ))
        .unwrap_or_default();
        common
            .get("$defs")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    })
}

/// Every pattern of the shared definitions, compiled once.
fn pattern(source: &str) -> Option<&'static regex::Regex> {
    static PATTERNS: OnceLock<std::collections::HashMap<String, regex::Regex>> = OnceLock::new();
    PATTERNS
        .get_or_init(|| {
            defs()
                .values()
                .filter_map(|d| d.get("pattern").and_then(Value::as_str))
                .filter_map(|p| Some((p.to_owned(), regex::Regex::new(p).ok()?)))
                .collect()
        })
        .get(source)
}

fn reference() -> &'static ReferenceData {
    static DATA: OnceLock<ReferenceData> = OnceLock::new();
    DATA.get_or_init(ReferenceData::builtin)
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a group of elements",
    }
}

/// Collects findings and project-assigned elements while walking.
#[derive(Debug, Default)]
pub(super) struct Walker {
    pub(super) findings: Vec<Finding>,
    pub(super) project_assigned: Vec<String>,
}

impl Walker {
    pub(super) fn new() -> Self {
        Self::default()
    }

    pub(super) fn message(&mut self, message_type: MessageType, value: &Value) {
        let schema: Value =
            serde_json::from_str(type_schema(message_type.code())).unwrap_or_default();
        self.node(&schema, value, "", None, "message");
    }

    fn find(&mut self, level: u8, pointer: &str, wco: Option<&str>, reason: String) {
        self.findings.push(Finding {
            level,
            pointer: if pointer.is_empty() {
                "/".into()
            } else {
                pointer.to_owned()
            },
            wco_id: wco.filter(|id| *id != PROJECT_ASSIGNED).map(str::to_owned),
            reason,
        });
    }

    fn node(&mut self, schema: &Value, value: &Value, pointer: &str, wco: Option<&str>, def: &str) {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let name = reference.rsplit('/').next().unwrap_or_default();
            if let Some(target) = defs().get(name) {
                self.node(target, value, pointer, wco, name);
            }
            return;
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            for part in parts {
                self.node(part, value, pointer, wco, def);
            }
            return;
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("object") => self.object(schema, value, pointer, wco, def),
            Some("array") => match value.as_array() {
                Some(items) => {
                    let item_schema = schema.get("items").cloned().unwrap_or_default();
                    for (i, item) in items.iter().enumerate() {
                        self.node(&item_schema, item, &format!("{pointer}/{i}"), wco, def);
                    }
                }
                None => self.find(
                    2,
                    pointer,
                    wco,
                    format!("expected a list of elements, found {}", kind(value)),
                ),
            },
            Some("string") => self.string(schema, value, pointer, wco, def),
            Some("integer") => self.integer(schema, value, pointer, wco, def),
            Some("boolean") if !value.is_boolean() => self.find(
                1,
                pointer,
                wco,
                format!("expected true or false, found {}", kind(value)),
            ),
            // Property constraints without a type (the header's messageType const).
            None => {
                if let (Some(props), Some(object)) = (
                    schema.get("properties").and_then(Value::as_object),
                    value.as_object(),
                ) {
                    for (name, sub) in props {
                        if let Some(v) = object.get(name) {
                            self.constraints(sub, v, &format!("{pointer}/{name}"), wco);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn object(
        &mut self,
        schema: &Value,
        value: &Value,
        pointer: &str,
        wco: Option<&str>,
        def: &str,
    ) {
        let Some(object) = value.as_object() else {
            self.find(
                2,
                pointer,
                wco,
                format!(
                    "expected a group of elements ({def}), found {}",
                    kind(value)
                ),
            );
            return;
        };
        let empty = Map::new();
        let props = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        for (name, v) in object {
            let here = format!("{pointer}/{name}");
            match props.get(name) {
                Some(prop) => {
                    let id = prop.get("x-wco-id").and_then(Value::as_str);
                    if id == Some(PROJECT_ASSIGNED) {
                        self.project_assigned.push(here.clone());
                    }
                    self.node(prop, v, &here, id, def);
                }
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => self
                    .find(
                        1,
                        &here,
                        None,
                        format!("{name:?} is not a WCO Data Model element of {def}"),
                    ),
                None => {}
            }
        }
        for required in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(name) = required.as_str() else {
                continue;
            };
            if !object.contains_key(name) {
                let id = props
                    .get(name)
                    .and_then(|p| p.get("x-wco-id"))
                    .and_then(Value::as_str);
                self.find(
                    2,
                    &format!("{pointer}/{name}"),
                    id,
                    format!("missing: the WCO structure of {def} requires it"),
                );
            }
        }
    }

    /// `const` and `enum`, whatever the type.
    fn constraints(
        &mut self,
        schema: &Value,
        value: &Value,
        pointer: &str,
        wco: Option<&str>,
    ) -> bool {
        if let Some(expected) = schema.get("const") {
            if value != expected {
                self.find(
                    1,
                    pointer,
                    wco,
                    format!("must be {expected}, found {value}"),
                );
                return false;
            }
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            if !allowed.contains(value) {
                let shown: Vec<String> = allowed.iter().take(12).map(Value::to_string).collect();
                self.find(
                    1,
                    pointer,
                    wco,
                    format!(
                        "{value} is not one of the allowed values ({}…)",
                        shown.join(", ")
                    ),
                );
                return false;
            }
        }
        true
    }

    fn string(
        &mut self,
        schema: &Value,
        value: &Value,
        pointer: &str,
        wco: Option<&str>,
        def: &str,
    ) {
        let Some(text) = value.as_str() else {
            self.find(
                1,
                pointer,
                wco,
                format!("expected text, found {}", kind(value)),
            );
            return;
        };
        if !self.constraints(schema, value, pointer, wco) {
            return;
        }
        let format = schema
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or(def);
        let chars = text.chars().count();
        if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
            if chars as u64 > max {
                self.find(
                    1,
                    pointer,
                    wco,
                    format!("{chars} characters, more than the {max} of the format ({format})"),
                );
                return;
            }
        }
        if let Some(min) = schema.get("minLength").and_then(Value::as_u64) {
            if (chars as u64) < min {
                self.find(
                    1,
                    pointer,
                    wco,
                    format!("empty; the format requires at least {min} character ({format})"),
                );
                return;
            }
        }
        if let Some(source) = schema.get("pattern").and_then(Value::as_str) {
            if !pattern(source).is_some_and(|re| re.is_match(text)) {
                self.find(
                    1,
                    pointer,
                    wco,
                    format!("{text:?} does not have the format {def}: {format}"),
                );
                return;
            }
        }
        let data = reference();
        let list = match def {
            "CountryCode" => Some(&data.countries),
            "CurrencyCode" => Some(&data.currencies),
            "PackageType" => Some(&data.package_types),
            _ => None,
        };
        if let Some(list) = list {
            if !list.contains(text) {
                self.find(
                    3,
                    pointer,
                    wco,
                    format!("{text:?} is not in the code list {}", list.code_list),
                );
            }
        }
    }

    fn integer(
        &mut self,
        schema: &Value,
        value: &Value,
        pointer: &str,
        wco: Option<&str>,
        def: &str,
    ) {
        let Some(number) = value.as_i64() else {
            self.find(
                1,
                pointer,
                wco,
                format!("expected a whole number ({def}), found {}", kind(value)),
            );
            return;
        };
        if !self.constraints(schema, value, pointer, wco) {
            return;
        }
        let min = schema
            .get("minimum")
            .and_then(Value::as_i64)
            .unwrap_or(i64::MIN);
        let max = schema
            .get("maximum")
            .and_then(Value::as_i64)
            .unwrap_or(i64::MAX);
        if !(min..=max).contains(&number) {
            self.find(
                1,
                pointer,
                wco,
                format!("{number} is outside {min}..={max} ({def})"),
            );
            return;
        }
        if def == "TransportMode" && !reference().transport_modes.contains(&number.to_string()) {
            self.find(
                3,
                pointer,
                wco,
                format!("{number} is not in UN/ECE Recommendation 19"),
            );
        }
    }
}

/// The schema node a `$ref` points to (`#/$defs/X` or `common.schema.json#/$defs/X`).
fn resolve(schema: &Value) -> &Value {
    let mut node = schema;
    for _ in 0..8 {
        let Some(target) = node.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(name) = target.rsplit('/').next() else {
            break;
        };
        match defs().get(name) {
            Some(def) => node = def,
            None => break,
        }
    }
    node
}

/// The WCO ID the published schema gives the element at `pointer` (`/body/a/b`, with `*` or
/// an index for list items) of a message of type `code`; `project-assigned` where it has none.
pub(crate) fn wco_id(code: &str, pointer: &str) -> Option<String> {
    let root: Value = serde_json::from_str(type_schema(code)).ok()?;
    let mut node = root.clone();
    let mut id = None;
    for segment in pointer.split('/').filter(|s| !s.is_empty()) {
        let mut current = resolve(&node).clone();
        if let Some(parts) = current.get("allOf").and_then(Value::as_array) {
            current = parts.first().map(|p| resolve(p).clone())?;
        }
        if current.get("type").and_then(Value::as_str) == Some("array") {
            current = resolve(current.get("items")?).clone();
            if segment == "*" || segment.parse::<usize>().is_ok() {
                node = current;
                continue;
            }
        }
        let property = current.get("properties")?.get(segment)?.clone();
        id = property
            .get("x-wco-id")
            .and_then(Value::as_str)
            .map(str::to_owned);
        node = property;
    }
    id
}
