//! The mapping report: which national field fills which WCO element, the country's code
//! tables, and the conformity level each translated fixture reaches.

use std::fmt::Write as _;

use transit_codec::{conformity, json};

use crate::Translator;

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
pub fn render(translator: &dyn Translator, fixtures: &[(String, Vec<u8>)]) -> String {
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
    out
}

/// The WCO ID of a standardized element, looked up in the schema of a type carrying it.
fn wco_for(pointer: &str) -> String {
    if pointer.starts_with("/header/") {
        return "project-assigned (envelope)".to_owned();
    }
    [
        "IE029", "IE118", "IE006", "IE018", "IE180", "IE010", "IE045", "IE906", "IE002", "IE003",
        "IE095", "IE143", "IE144", "IE151",
    ]
    .iter()
    .find_map(|code| conformity::wco_id(code, pointer))
    .unwrap_or_else(|| "—".to_owned())
}
