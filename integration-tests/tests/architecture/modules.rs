//! The modules inside a crate, as the architecture test reads them: each crate's top-level
//! modules (a file `src/x.rs` or a folder `src/x/`), which of them each one uses (`crate::x…`,
//! or a name the crate root re-exports from `x`), the circles among them, and the capability
//! table of `docs/architecture.md`.
//!
//! Read from the source text, not the compiler: comments and the `#[cfg(test)]` part at the
//! end of a file are left out (a test may use anything), and a path reached only through a
//! `use super::…` chain is not seen. Good enough to keep a crate's modules in layers, which is
//! all it is for.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

/// A crate's top-level modules: name → the production text of its files.
pub type Modules = BTreeMap<String, String>;

/// The top-level modules of the crate whose root files (`lib.rs`, `main.rs`) are in `src`.
pub fn modules(src: &Path) -> Modules {
    let mut found = Modules::new();
    let Ok(entries) = std::fs::read_dir(src) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if name == "bin" {
                continue;
            }
            let mut text = String::new();
            for file in rust_files(&path) {
                text.push_str(&production_text(&file));
            }
            found.entry(name).or_default().push_str(&text);
        } else if let Some(stem) = name.strip_suffix(".rs") {
            if stem != "lib" && stem != "main" {
                let text = production_text(&path);
                found.entry(stem.to_owned()).or_default().push_str(&text);
            }
        }
    }
    found
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut todo = vec![dir.to_owned()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files
}

/// A file's code without its comments and its tests: nothing from a file named `*tests.rs`,
/// nothing from the first `#[cfg(test)]` on (the test module is the last item of a file).
fn production_text(file: &Path) -> String {
    let name = file.file_name().unwrap().to_string_lossy();
    if name.ends_with("tests.rs") {
        return String::new();
    }
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let mut out = String::new();
    for line in text.lines() {
        let code = line.trim_start();
        if code.starts_with("#[cfg(test)]") {
            break;
        }
        if !code.starts_with("//") {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The names the crate root re-exports (`pub use x::{A, B as C};`), each with the module it
/// comes from, so that `crate::A` counts as a use of `x`.
pub fn root_exports(src: &Path, modules: &Modules) -> BTreeMap<String, String> {
    let mut exports = BTreeMap::new();
    for root in ["lib.rs", "main.rs"] {
        let text = production_text(&src.join(root));
        for statement in text.split("pub use ").skip(1) {
            let statement = statement.split(';').next().unwrap_or_default();
            let module = statement.split("::").next().unwrap_or_default().trim();
            if !modules.contains_key(module) {
                continue;
            }
            let items = match (statement.find('{'), statement.rfind('}')) {
                (Some(open), Some(close)) => statement[open + 1..close].to_owned(),
                _ => statement.rsplit("::").next().unwrap_or_default().to_owned(),
            };
            for item in items.split(',') {
                let name = item.rsplit(" as ").next().unwrap_or_default();
                let name = name.rsplit("::").next().unwrap_or_default().trim();
                if !name.is_empty() {
                    exports.insert(name.to_owned(), module.to_owned());
                }
            }
        }
    }
    exports
}

/// The other top-level modules `text` uses: `crate::x…`, `crate::{x, y::z}`, or `crate::A`
/// where the root re-exports `A` from `x`.
pub fn uses(text: &str, modules: &Modules, exports: &BTreeMap<String, String>) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    let mut note = |name: &str| {
        if modules.contains_key(name) {
            used.insert(name.to_owned());
        } else if let Some(module) = exports.get(name) {
            used.insert(module.clone());
        }
    };
    for after in text.split("crate::").skip(1) {
        if let Some(group) = after.strip_prefix('{') {
            // Each top-level item of the group names a module first (`x`, `y::z`, `w::{…}`).
            let mut depth = 0;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        note(&ident(&item));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                item.push(c);
            }
            note(&ident(&item));
        } else {
            note(&ident(after));
        }
    }
    used
}

fn ident(text: &str) -> String {
    text.trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// Each circle among a crate's modules, as the shortest path from a module back to itself
/// (`a → b → a`), one per group of modules that reach each other.
pub fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let mut reported: BTreeSet<String> = BTreeSet::new();
    let mut found = Vec::new();
    for start in graph.keys() {
        if reported.contains(start) {
            continue;
        }
        let Some(path) = shortest_path_back(graph, start) else {
            continue;
        };
        for module in graph.keys() {
            let reaches = |a: &String, b: &String| a == b || shortest_path(graph, a, b).is_some();
            if reaches(start, module) && reaches(module, start) {
                reported.insert(module.clone());
            }
        }
        found.push(path);
    }
    found
}

fn shortest_path_back(
    graph: &BTreeMap<String, BTreeSet<String>>,
    start: &String,
) -> Option<Vec<String>> {
    graph[start]
        .iter()
        .filter_map(|next| {
            let mut path = shortest_path(graph, next, start)?;
            path.insert(0, start.clone());
            Some(path)
        })
        .min_by_key(Vec::len)
}

fn shortest_path(
    graph: &BTreeMap<String, BTreeSet<String>>,
    from: &String,
    to: &String,
) -> Option<Vec<String>> {
    let mut came_from: BTreeMap<&String, &String> = BTreeMap::new();
    let mut queue = VecDeque::from([from]);
    let mut seen = BTreeSet::from([from]);
    while let Some(at) = queue.pop_front() {
        if at == to {
            let mut path = vec![at.clone()];
            let mut step = at;
            while let Some(previous) = came_from.get(step) {
                path.insert(0, (*previous).clone());
                step = previous;
            }
            return Some(path);
        }
        for next in graph.get(at).into_iter().flatten() {
            if seen.insert(next) {
                came_from.insert(next, at);
                queue.push_back(next);
            }
        }
    }
    None
}

/// The module graph of the crate whose sources are in `src`.
pub fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules(src);
    let exports = root_exports(src, &modules);
    modules
        .iter()
        .map(|(name, text)| {
            let mut used = uses(text, &modules, &exports);
            used.remove(name);
            (name.clone(), used)
        })
        .collect()
}

/// One row of the capability table: the capability's name and the `crate::module` paths
/// where it lives.
#[derive(Debug)]
pub struct Row {
    pub capability: String,
    pub places: Vec<String>,
}

/// The rows of the table under `## Capabilities` in `docs/architecture.md`: the first cell is
/// the capability's name in backticks, every backticked path in the last cell a place.
pub fn capability_rows(doc: &str) -> Vec<Row> {
    let section = doc
        .split("\n## ")
        .find(|s| s.starts_with("Capabilities"))
        .unwrap_or_default();
    let mut rows = Vec::new();
    for line in section.lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').collect();
        let (Some(first), Some(last)) = (cells.first(), cells.last()) else {
            continue;
        };
        let capability = first.trim().trim_matches('`').to_owned();
        if capability.is_empty() || capability.starts_with('-') || !first.contains('`') {
            continue;
        }
        let places = last
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect();
        rows.push(Row { capability, places });
    }
    rows
}
