//! Values keep their types from the first decode to the last encode: no public field named
//! `mrn`, `message_type`, `state` or `sender` holds text (`String`, `&str`, or an `Option` of
//! either) in a workspace crate's production code. Such a field is an `Mrn`, a `MessageType`
//! (an `EventType` in the event log, where the timer's entries are `TIME-LIMIT`), a
//! `MovementState` or a `Participant`; serde writes the strings at the boundary and sqlx rows
//! decode through `#[sqlx(try_from = "String")]`.
//!
//! A field that really holds text as somebody else wrote it (a refused message's claimed MRN, an
//! EDIFACT interchange's own sender) says so on its line: `// raw text: <why>`.
//!
//! Read from the source text, as `modules.rs` reads modules: the `#[cfg(test)]` part at the end
//! of a file is left out; a field spread over several lines is not seen.

use std::path::{Path, PathBuf};

/// The field names that must keep their type.
const NAMES: [&str; 5] = ["mrn", "message_type", "messageType", "state", "sender"];

/// What a field that holds text as someone else wrote it carries on its line.
pub const MARKER: &str = "// raw text:";

/// A public field of one of [`NAMES`] holding text, with no [`MARKER`] and reason: the line's
/// number and text.
pub fn text_fields(source: &str) -> Vec<(usize, String)> {
    let production = source.split("#[cfg(test)]").next().unwrap_or_default();
    production
        .lines()
        .enumerate()
        .filter(|(_, line)| holds_text(line) && !marked(line))
        .map(|(i, line)| (i + 1, line.trim().to_owned()))
        .collect()
}

/// `pub mrn: String,`, `pub(crate) state: Option<String>`, `pub sender: &'static str`…
fn holds_text(line: &str) -> bool {
    let code = line.split("//").next().unwrap_or_default().trim();
    let Some(rest) = code.strip_prefix("pub") else {
        return false;
    };
    // `pub`, `pub(crate)`, `pub(super)`.
    let rest = match rest.strip_prefix('(') {
        Some(inner) => match inner.split_once(')') {
            Some((_, after)) => after,
            None => return false,
        },
        None => rest,
    };
    let Some((name, ty)) = rest.trim().split_once(':') else {
        return false;
    };
    if !NAMES.contains(&name.trim()) {
        return false;
    }
    let ty: String = ty.trim().trim_end_matches(',').split_whitespace().collect();
    let ty = ty
        .strip_prefix("Option<")
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(&ty);
    matches!(ty, "String" | "&str" | "&'staticstr") || ty.starts_with("Cow<")
}

/// The marker followed by a reason.
fn marked(line: &str) -> bool {
    line.split_once(MARKER)
        .is_some_and(|(_, why)| why.trim().len() >= 10)
}

/// Every `.rs` file under `dir`.
pub fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}
