//! The mapping report: which national field fills which WCO element, the country's code
//! tables, and the conformity level each translated fixture reaches.

use std::fmt::Write as _;

use transit_codec::{conformity, json};

use crate::Translator;
use transit_model::MessageType;

/// One translated fixture's outcome.
#[derive(Clone, Debug)]
pub struct FixtureOutcome {
    /// The fixture's name.
    pub name: String,
    /// Its standardized type, or the translation error.
    pub result: Result<(String, u8), String>,
}

/// Translates each fixture and checks the result's conformity level.
pub fn check_fixtures(
    translator: &dyn Translator,
    fixtures: &[(String, Vec<u8>)],
) -> Vec<FixtureOutcome> {
    fixtures
        .iter()
        .map(|(name, bytes)| FixtureOutcome {
            name: name.clone(),
            result: translator
                .to_standard(bytes)
                .map(|message| {
                    let report = conformity::check(&json::encode(&message));
                    (message.message_type().code().to_owned(), report.level)
                })
                .map_err(|e| e.to_string()),
        })
        .collect()
}

/// The report, in Markdown.
pub fn render(
    translator: &dyn Translator,
    fixtures: &[(String, Vec<u8>)],
    guide: Option<&str>,
) -> String {
    let mapping = translator.mapping();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {} — {} mapping report\n\n{}\n\nFamily `{}`, media type `{}`, written in `{}`.\n",
        mapping.country(),
        mapping.system(),
        mapping.note(),
        translator.family(),
        translator.media_type(),
        mapping.encoding().label()
    );
    // How a country connects, when the family says (schemas/national/<family>/connect.md).
    if let Some(guide) = guide {
        let _ = writeln!(out, "{}\n", guide.trim_end());
    }
    let _ = writeln!(
        out,
        "## Fields\n\n| national field | standardized element | WCO ID | conversion |\n|---|---|---|---|"
    );
    for field in translator.field_map() {
        let wco = wco_for(field.standard);
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {} | {} |",
            field.national, field.standard, wco, field.conversion
        );
    }
    out.push_str(&translator.report_notes());
    let _ = writeln!(
        out,
        "\n## Code tables\n\n| table | national | standardized |\n|---|---|---|"
    );
    for (table, national, standard) in mapping.rows() {
        let _ = writeln!(out, "| {table} | `{national}` | `{standard}` |");
    }
    let _ = writeln!(
        out,
        "\n## Conformity of translated fixtures\n\n| fixture | type | level |\n|---|---|---|"
    );
    for outcome in check_fixtures(translator, fixtures) {
        match outcome.result {
            Ok((code, level)) => {
                let _ = writeln!(
                    out,
                    "| {} | {code} | {level} ({}) |",
                    outcome.name,
                    conformity::LEVEL_NAMES[usize::from(level.min(4))]
                );
            }
            Err(e) => {
                let _ = writeln!(out, "| {} | — | not translated: {e} |", outcome.name);
            }
        }
    }
    out.push_str(&render_accounting(
        translator,
        crate::examples::ExampleCorridor::AbidjanOuagadougou,
    ));
    out
}

/// The WCO ID of a standardized element, looked up in the schema of a type carrying it.
fn wco_for(pointer: &str) -> String {
    if pointer.starts_with("/header/") {
        return "project-assigned (envelope)".to_owned();
    }
    [
        "IE029", "IE118", "IE006", "IE018", "IE180", "IE010", "IE045", "IE906", "IE002", "IE003",
        "IE095", "IE143", "IE144", "IE151", "IE917",
    ]
    .iter()
    .find_map(|code| conformity::wco_id(code, pointer))
    .unwrap_or_else(|| "—".to_owned())
}

/// What becomes of one standardized element written in a family's format and read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It travels, in these national fields.
    Mapped(Vec<&'static str>),
    /// It travels, but the field table names no national field for it.
    Unlisted,
    /// It does not come back as written: what is read instead (`absent`, or the value).
    Lost(String),
    /// The whole message has no form in the family (delivered in the standardized JSON).
    NotCarried(String),
}

/// One row of [`accounting`].
#[derive(Clone, Debug)]
pub struct Accounted {
    /// The standardized type (`IE029`).
    pub message_type: MessageType,
    /// The element, a JSON pointer with `*` for array positions (`/body/…`, `/header/…`).
    pub pointer: String,
    /// What becomes of it.
    pub outcome: Outcome,
}

fn flatten(value: &serde_json::Value, at: String, out: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                flatten(v, format!("{at}/{key}"), out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(v, format!("{at}/{i}"), out);
            }
        }
        other => out.push((at, other.to_string())),
    }
}

fn generic(pointer: &str) -> String {
    pointer
        .split('/')
        .map(|s| if s.parse::<usize>().is_ok() { "*" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether a field-table row's national path belongs to a document whose root is `root`:
/// its first step is the root, `*`, or the root with `x` for any character (`CD18xC`).
fn row_fits(national: &str, root: &str) -> bool {
    let first = national.split('/').next().unwrap_or("");
    first == "*"
        || (first.len() == root.len()
            && first
                .chars()
                .zip(root.chars())
                .all(|(a, b)| a == b || a == 'x'))
}

/// Where every element of every standardized type goes in `translator`'s format: each element
/// of one example per type ([`crate::examples::every_example`]) is written in the national
/// format and read back; what comes back as written is mapped (by the field table), the rest
/// is lost, and a type without a national form is not carried.
pub fn accounting(
    translator: &dyn Translator,
    corridor: crate::examples::ExampleCorridor,
) -> Vec<Accounted> {
    let mut rows = Vec::new();
    for example in crate::examples::every_example(corridor) {
        let code = example.message_type();
        let national = match translator.to_national(&example) {
            Ok(national) => national,
            Err(e) => {
                rows.push(Accounted {
                    message_type: code,
                    pointer: "(the whole message)".to_owned(),
                    outcome: Outcome::NotCarried(e.reason),
                });
                continue;
            }
        };
        let root = crate::document::xml_root(&national);
        let value = |m: &crate::StandardMessage| {
            serde_json::from_slice::<serde_json::Value>(&json::encode(m)).unwrap_or_default()
        };
        let mut written = Vec::new();
        flatten(&value(&example), String::new(), &mut written);
        let mut read = Vec::new();
        if let Ok(back) = translator.to_standard(&national) {
            flatten(&value(&back), String::new(), &mut read);
        }
        for (pointer, v) in written {
            if pointer == "/header/schemaVersion" {
                continue;
            }
            let generic_pointer = generic(&pointer);
            let outcome = match read.iter().find(|(p, _)| *p == pointer) {
                Some((_, back)) if *back == v => {
                    let key = generic_pointer.trim_end_matches("/*");
                    let matching: Vec<&'static str> = translator
                        .field_map()
                        .iter()
                        .filter(|f| {
                            let row = f.standard.trim_end_matches("/*");
                            key == row || key.starts_with(&format!("{row}/"))
                        })
                        .map(|f| f.national)
                        .collect();
                    let fitting: Vec<&'static str> = match &root {
                        Some(root) => matching
                            .iter()
                            .copied()
                            .filter(|n| row_fits(n, root))
                            .collect(),
                        None => Vec::new(),
                    };
                    // A row of this very message says more than one of every message (`*/…`).
                    let own: Vec<&'static str> = fitting
                        .iter()
                        .copied()
                        .filter(|n| !n.starts_with("*/"))
                        .collect();
                    let fields = if !own.is_empty() {
                        own
                    } else if fitting.is_empty() {
                        matching
                    } else {
                        fitting
                    };
                    if fields.is_empty() {
                        Outcome::Unlisted
                    } else {
                        Outcome::Mapped(fields)
                    }
                }
                Some((_, back)) => Outcome::Lost(format!("read back as {back}")),
                None => Outcome::Lost("absent when read back".to_owned()),
            };
            if rows.iter().any(|r: &Accounted| {
                r.message_type == code && r.pointer == generic_pointer && r.outcome == outcome
            }) {
                continue;
            }
            rows.push(Accounted {
                message_type: code,
                pointer: generic_pointer,
                outcome,
            });
        }
    }
    rows
}

/// [`accounting`] as a Markdown section.
fn render_accounting(
    translator: &dyn Translator,
    corridor: crate::examples::ExampleCorridor,
) -> String {
    let mut out = String::from(
        "\n## Every standardized element\n\nOne example of each of the 25 standardized types, written in this format and read back: the national field each element travels in, or what becomes of it.\n\n| type | element | national field, or what becomes of it |\n|---|---|---|\n",
    );
    for row in accounting(translator, corridor) {
        let outcome = match &row.outcome {
            Outcome::Mapped(fields) => fields
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", "),
            Outcome::Unlisted => "travels; no row in the field table".to_owned(),
            Outcome::Lost(what) => format!("**not carried**: {what}"),
            Outcome::NotCarried(why) => format!("**no national form**: {why}"),
        };
        let _ = writeln!(
            out,
            "| {} | `{}` | {} |",
            row.message_type,
            row.pointer,
            outcome.replace('|', "\\|")
        );
    }
    out
}
