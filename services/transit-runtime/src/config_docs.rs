//! The configuration reference: every key of a service's typed settings — its TOML path, type,
//! default, environment variable and meaning — as a Markdown table, generated from the settings'
//! JSON Schema (`schemars`, which reads the same doc comments and serde attributes the loader
//! uses). `docs/configuration.md` holds one table per service; each service's tests check that
//! it matches ([`check_section`]).

use serde_json::{Map, Value};

/// The Markdown table of `T`'s keys, for variables starting `prefix` (`SIGMAT_TRACKER`).
pub fn table<T: schemars::JsonSchema>(prefix: &str) -> String {
    let schema = serde_json::to_value(schemars::schema_for!(T)).unwrap_or_default();
    let defs = schema
        .get("$defs")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut rows = Vec::new();
    walk(&schema, &defs, &mut Vec::new(), prefix, None, &mut rows);
    let mut out = String::from(
        "| key | type | default | environment variable | meaning |\n|---|---|---|---|---|\n",
    );
    for row in rows {
        out.push_str(&row);
        out.push('\n');
    }
    out
}

/// `schema` with a `$ref` followed, and an optional value's non-null branch taken.
fn resolve<'a>(schema: &'a Value, defs: &'a Map<String, Value>) -> &'a Value {
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
    {
        if let Some(def) = defs.get(name) {
            return resolve(def, defs);
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(branches) = schema.get(key).and_then(Value::as_array) {
            let real: Vec<&Value> = branches
                .iter()
                .filter(|b| b.get("type").and_then(Value::as_str) != Some("null"))
                .collect();
            if real.len() == 1 {
                return resolve(real[0], defs);
            }
        }
    }
    schema
}

fn is_section(schema: &Value) -> bool {
    schema.get("properties").is_some()
}

fn type_of(schema: &Value, defs: &Map<String, Value>) -> String {
    let schema = resolve(schema, defs);
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values
            .iter()
            .map(|v| format!("`{}`", v.as_str().unwrap_or_default()))
            .collect::<Vec<_>>()
            .join(" / ");
    }
    if let Some(branches) = schema.get("oneOf").and_then(Value::as_array) {
        let consts: Vec<String> = branches
            .iter()
            .filter_map(|b| {
                b.get("const")
                    .or_else(|| b.get("enum").and_then(|e| e.get(0)))
            })
            .filter_map(Value::as_str)
            .map(|c| format!("`{c}`"))
            .collect();
        if !consts.is_empty() {
            return consts.join(" / ");
        }
    }
    match schema.get("type") {
        Some(Value::String(t)) if t == "array" => {
            let items = schema
                .get("items")
                .map(|i| type_of(i, defs))
                .unwrap_or_default();
            format!("list of {items}")
        }
        Some(Value::String(t)) if t == "object" => "table of strings".into(),
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "value".into(),
    }
}

fn first_paragraph(text: &str) -> String {
    text.split("\n\n")
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

/// Adds the rows of `schema`'s keys; `optional` names the optional section they are in.
fn walk(
    schema: &Value,
    defs: &Map<String, Value>,
    path: &mut Vec<String>,
    prefix: &str,
    optional: Option<&str>,
    rows: &mut Vec<String>,
) {
    let schema = resolve(schema, defs);
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (key, property) in properties {
        path.push(key.clone());
        let target = resolve(property, defs);
        let list_of_sections = target.get("type").and_then(Value::as_str) == Some("array")
            && target
                .get("items")
                .is_some_and(|i| is_section(resolve(i, defs)));
        let section_name = path.join(".");
        let inner_optional = if required.contains(&key.as_str()) {
            optional
        } else {
            Some(section_name.as_str())
        };
        if is_section(target) {
            walk(target, defs, path, prefix, inner_optional, rows);
        } else if list_of_sections {
            let last = path.pop().unwrap_or_default();
            path.push(format!("{last}[]"));
            let items = target.get("items").unwrap_or(&Value::Null);
            walk(items, defs, path, prefix, inner_optional, rows);
        } else {
            let description = property
                .get("description")
                .or_else(|| target.get("description"))
                .and_then(Value::as_str)
                .map(first_paragraph)
                .unwrap_or_default();
            let absent = matches!(property.get("default"), Some(Value::Null) | None);
            let default = match (property.get("default"), optional) {
                (_, Some(section)) if absent && required.contains(&key.as_str()) => {
                    format!("required with `[{section}]`")
                }
                _ if absent && required.contains(&key.as_str()) => "required".to_owned(),
                _ if absent => "none".to_owned(),
                (Some(v), _) => format!("`{}`", v.to_string().replace('|', "\\|")),
                (None, _) => "none".to_owned(),
            };
            let variable = if path.iter().any(|p| p.ends_with("[]")) {
                "(in the file: a list of tables)".to_owned()
            } else {
                format!(
                    "`{prefix}__{}`",
                    path.iter()
                        .map(|p| p.to_uppercase())
                        .collect::<Vec<_>>()
                        .join("__")
                )
            };
            rows.push(format!(
                "| `{}` | {} | {} | {} | {} |",
                path.join("."),
                type_of(property, defs),
                default,
                variable,
                description
            ));
        }
        path.pop();
    }
}

/// Checks that `docs/configuration.md` documents `T` — read from variables starting `prefix`
/// (`SIGMAT_TRACKER`) — in its section `name` (`tracker`); see [`check_section`].
pub fn check_documented<T: schemars::JsonSchema>(prefix: &str, name: &str) -> Result<(), String> {
    let doc = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/configuration.md"
    ));
    check_section(doc, name, &table::<T>(prefix))
}

/// Checks that `document` holds `table` between `<!-- begin NAME -->` and `<!-- end NAME -->`;
/// with `SIGMAT_UPDATE_DOCS=1` it rewrites the file at `path` instead. The error says how to
/// update it.
pub fn check_section(path: &std::path::Path, name: &str, table: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (begin, end) = (
        format!("<!-- begin {name} -->\n"),
        format!("<!-- end {name} -->"),
    );
    let (Some(start), Some(stop)) = (text.find(&begin), text.find(&end)) else {
        return Err(format!(
            "{} has no {begin:?} … {end:?} section",
            path.display()
        ));
    };
    let current = &text[start + begin.len()..stop];
    if current == table {
        return Ok(());
    }
    if std::env::var("SIGMAT_UPDATE_DOCS").is_ok_and(|v| v == "1") {
        let updated = format!("{}{table}{}", &text[..start + begin.len()], &text[stop..]);
        return std::fs::write(path, updated).map_err(|e| e.to_string());
    }
    Err(format!(
        "{}'s {name} section is not what the settings say; run the tests with SIGMAT_UPDATE_DOCS=1 and review the diff",
        path.display()
    ))
}
