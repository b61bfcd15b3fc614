//! The dependency rules the architecture rests on, checked over `cargo metadata` (the declared
//! dependencies of every workspace crate): the pure core reaches no I/O crate, each technology
//! is wrapped by one crate, and no edge exists only for convenience. A new dependency that
//! breaks a rule fails here with the rule's reason. Test code lives in tests or in the dev-only
//! `transit-testkit`; no production crate has a `testing` module.
//!
//! Inside each crate, the top-level modules form layers with no circle among them, and every
//! module named after a capability is in the capability table of `docs/architecture.md`
//! (`architecture/modules.rs` reads both). Every cargo call in the scripts is `--locked`. No
//! public field named `mrn`, `message_type`, `state` or `sender` holds text
//! (`architecture/typed_fields.rs`).

#[path = "architecture/modules.rs"]
mod modules;
#[path = "architecture/typed_fields.rs"]
mod typed_fields;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// Each crate's normal (non-dev, non-build) dependencies, and all of them.
struct Graph {
    normal: BTreeMap<String, BTreeSet<String>>,
    any: BTreeMap<String, BTreeSet<String>>,
    /// Each crate's source folders (of its library and binaries).
    sources: BTreeMap<String, BTreeSet<std::path::PathBuf>>,
}

fn graph() -> Graph {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut graph = Graph {
        normal: BTreeMap::new(),
        any: BTreeMap::new(),
        sources: BTreeMap::new(),
    };
    for package in metadata["packages"].as_array().unwrap() {
        let name = package["name"].as_str().unwrap().to_owned();
        for target in package["targets"].as_array().unwrap() {
            let kinds = target["kind"].as_array().unwrap();
            if kinds.iter().any(|k| k == "lib" || k == "bin") {
                let root = std::path::Path::new(target["src_path"].as_str().unwrap());
                let folder = root.parent().unwrap().to_owned();
                // A binary in `src/bin/` belongs to the crate's `src`.
                let folder = match folder.file_name() {
                    Some(n) if n == "bin" => folder.parent().unwrap().to_owned(),
                    _ => folder,
                };
                graph
                    .sources
                    .entry(name.clone())
                    .or_default()
                    .insert(folder);
            }
        }
        for dep in package["dependencies"].as_array().unwrap() {
            let dep_name = dep["name"].as_str().unwrap().to_owned();
            if dep["kind"].is_null() {
                graph
                    .normal
                    .entry(name.clone())
                    .or_default()
                    .insert(dep_name.clone());
            }
            graph.any.entry(name.clone()).or_default().insert(dep_name);
        }
        graph.normal.entry(name.clone()).or_default();
        graph.any.entry(name).or_default();
    }
    graph
}

/// The crates that do no I/O: messages, codecs, translators, the state machine, the web files.
const PURE: &[&str] = &[
    "transit-model",
    "transit-scenario",
    "transit-codec",
    "transit-lifecycle",
    "transit-risk",
    "transit-telematics",
    "transit-rail",
    "transit-training",
    "transit-national",
    "national-asycuda",
    "national-sydam",
    "national-gainde",
    "national-ncts",
    "national-families",
    "web",
];

/// The integration test suite: it drives everything, so it may depend on anything.
const SUITE: &str = "integration-tests";

#[test]
fn the_workspace_keeps_its_dependency_rules() {
    let graph = graph();
    assert!(
        graph.normal.contains_key("transit-model"),
        "{:?}",
        graph.normal.keys()
    );
    let mut broken = Vec::new();
    let mut rule = |ok: bool, text: String| {
        if !ok {
            broken.push(text);
        }
    };
    for name in PURE {
        let deps = &graph.normal[*name];
        for io in ["tokio", "rdkafka", "sqlx", "axum", "reqwest", "hyper"] {
            rule(
                !deps.contains(io),
                format!("{name} is pure (no I/O; time is passed in) but depends on {io}"),
            );
        }
    }
    for (technology, wrapper) in [
        ("rdkafka", "transit-kafka"),
        ("sqlx", "transit-store"),
        ("axum", "transit-http"),
        ("reqwest", "transit-http"),
        ("rumqttc", "transit-mqtt"),
    ] {
        for (name, deps) in &graph.normal {
            rule(
                name == wrapper || name == SUITE || !deps.contains(technology),
                format!("{name} uses {technology} itself; only {wrapper} wraps it (use {wrapper})"),
            );
        }
    }
    for (name, deps) in &graph.any {
        rule(
            name == SUITE || !deps.contains("sigmat"),
            format!(
                "{name} depends on the sigmat command-line crate; the messages of a movement are in transit-scenario"
            ),
        );
    }
    for (name, deps) in &graph.normal {
        rule(
            !deps.contains("transit-testkit"),
            format!(
                "{name} depends on transit-testkit outside [dev-dependencies]: it holds what the tests share, which no binary carries"
            ),
        );
    }
    rule(
        !graph.normal["transit-store"].contains("transit-kafka"),
        "transit-store depends on transit-kafka: the record envelope is transit_model::envelope, so the database code needs no broker client".into(),
    );
    rule(
        !graph.normal["transit-http"].contains("web"),
        "transit-http depends on web: the web applications' files reach the routes through ApiPort::asset, so only the API binary carries them".into(),
    );
    assert!(
        broken.is_empty(),
        "dependency rules broken:\n{}",
        broken.join("\n")
    );
}

#[test]
fn no_production_crate_carries_a_testing_module() {
    let services = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../services");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&services).unwrap() {
        let src = entry.unwrap().path().join("src");
        for name in ["testing.rs", "testing", "test_support.rs", "test_support"] {
            if src.join(name).exists() && !src.starts_with(services.join("transit-testkit")) {
                found.push(src.join(name).display().to_string());
            }
        }
    }
    assert!(
        found.is_empty(),
        "test helpers in production crates (move them to transit-testkit): {found:?}"
    );
}

/// The one circle kept on purpose, with its reason; the test fails if it disappears, so the
/// list never outlives it.
const KEPT_CIRCLES: &[(&str, &str)] = &[(
    "transit-model: body → catalogue → body",
    "the catalogue's one table makes both MessageType and Body from the bodies, and a \
     rejection's body names the MessageType it rejects: two halves of one generated type",
)];

#[test]
fn no_crate_has_a_circle_among_its_modules() {
    let mut found = Vec::new();
    let mut kept = BTreeSet::new();
    for (name, folders) in graph().sources {
        for src in folders {
            for circle in modules::circles(&modules::graph(&src)) {
                let circle = format!("{name}: {}", circle.join(" → "));
                match KEPT_CIRCLES.iter().find(|(c, _)| *c == circle) {
                    Some(_) => {
                        kept.insert(circle);
                    }
                    None => found.push(circle),
                }
            }
        }
    }
    for (circle, _why) in KEPT_CIRCLES {
        assert!(
            kept.contains(*circle),
            "{circle} is in KEPT_CIRCLES but no longer exists: remove it from the list"
        );
    }
    assert!(
        found.is_empty(),
        "modules that use each other in a circle (move what both need into a lower module, \
         or the dispatch up to the caller):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_circle_check_sees_a_circle_and_a_layer() {
    let src = std::env::temp_dir().join(format!("sigmat-arch-{}", std::process::id()));
    let write = |file: &str, text: &str| {
        let path = src.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("lib.rs", "mod a;\nmod b;\nmod c;\npub use c::Tool;\n");
    write("a.rs", "use crate::{b::{x, y}, Tool};\n");
    write(
        "b/mod.rs",
        "// crate::c in a comment is no use\nmod inner;\n",
    );
    write("b/inner.rs", "fn f() { crate::a::g() }\n");
    write(
        "c.rs",
        "pub struct Tool;\n#[cfg(test)]\nmod tests { use crate::a; }\n",
    );
    let graph = modules::graph(&src);
    let circles = modules::circles(&graph);
    std::fs::remove_dir_all(&src).unwrap();
    assert_eq!(graph["a"], BTreeSet::from(["b".to_owned(), "c".to_owned()]));
    assert!(graph["c"].is_empty(), "{graph:?}");
    assert_eq!(
        circles,
        vec![vec!["a".to_owned(), "b".to_owned(), "a".to_owned()]]
    );
}

/// Crates organised by capability: each of their modules is in the table, as a capability's
/// place or among the shared parts.
const BY_CAPABILITY: &[&str] = &["api", "transit-http"];

#[test]
fn every_capability_module_is_in_the_architecture_table() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let doc = std::fs::read_to_string(root.join("docs/architecture.md")).unwrap();
    let rows = modules::capability_rows(&doc);
    assert!(
        rows.len() >= 10,
        "the table under ## Capabilities: {rows:?}"
    );
    let graph = graph();
    let crate_of = |path: &str| {
        let krate = path.split("::").next().unwrap().replace('_', "-");
        graph.sources.contains_key(&krate).then_some(krate)
    };
    let listed: BTreeSet<&str> = rows
        .iter()
        .flat_map(|r| &r.places)
        .map(String::as_str)
        .collect();
    let mut wrong = Vec::new();
    for row in &rows {
        for place in &row.places {
            let Some(krate) = crate_of(place) else {
                wrong.push(format!(
                    "{}: {place} names no crate of the workspace",
                    row.capability
                ));
                continue;
            };
            let inner: Vec<&str> = place.split("::").skip(1).collect();
            let found = inner.is_empty()
                || graph.sources[&krate].iter().any(|src| {
                    let at = src.join(inner.join("/"));
                    at.is_dir() || at.with_extension("rs").is_file()
                });
            if !found {
                wrong.push(format!(
                    "{}: {place} is not a module (no file or folder)",
                    row.capability
                ));
            }
        }
    }
    for (krate, folders) in &graph.sources {
        let path_of = |module: &str| format!("{}::{module}", krate.replace('-', "_"));
        for src in folders {
            for module in modules::modules(src).keys() {
                let place = path_of(module);
                if listed.contains(place.as_str()) {
                    continue;
                }
                if rows.iter().any(|r| &r.capability == module) {
                    wrong.push(format!(
                        "{place} is named after the capability {module} but is not in its row"
                    ));
                } else if BY_CAPABILITY.contains(&krate.as_str()) {
                    wrong.push(format!(
                        "{place} is in no row: {krate} is organised by capability (add it to its capability's row, or to the shared parts)"
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "docs/architecture.md's capability table and the code disagree:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn every_cargo_call_in_the_scripts_is_locked() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let call = regex::Regex::new(
        r"(^|[;&|(]\s*|BUILD=\(|RUN\s+)cargo\s+(\+\S+\s+)?(build|test|run|check|clippy|bench|doc)\b",
    )
    .unwrap();
    let mut unlocked = Vec::new();
    let mut folders = vec![root.join("deploy"), root.join(".ci")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            for (n, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if !code.starts_with('#') && call.is_match(code) && !code.contains("--locked") {
                    unlocked.push(format!("{}:{}: {code}", path.display(), n + 1));
                }
            }
        }
    }
    assert!(
        unlocked.is_empty(),
        "cargo calls without --locked (a stale Cargo.lock must fail loudly, not be rewritten):\n{}",
        unlocked.join("\n")
    );
}

#[test]
fn no_public_mrn_message_type_state_or_sender_field_holds_text() {
    let mut found = Vec::new();
    for folders in graph().sources.values() {
        for src in folders {
            let mut files = Vec::new();
            typed_fields::rust_files(src, &mut files);
            for file in files {
                let source = std::fs::read_to_string(&file).expect("a source file");
                for (line, code) in typed_fields::text_fields(&source) {
                    found.push(format!("{}:{line}: {code}", file.display()));
                }
            }
        }
    }
    found.sort();
    found.dedup();
    assert!(
        found.is_empty(),
        "public fields holding text where a typed value belongs (use Mrn, MessageType, \
         EventType, MovementState or Participant; serde and sqlx do the strings), or say \
         `{}` and why on the field's line:\n{}",
        typed_fields::MARKER,
        found.join("\n")
    );
}

#[test]
fn the_typed_field_check_sees_text_and_lets_typed_and_marked_fields_be() {
    let source =
        "pub struct V {\n    pub mrn: String,\n    pub(crate) state: Option<String>,\n    \
                  pub sender: &'static str,\n    pub message_type: MessageType,\n    \
                  pub mrn_hint: String,\n    pub sender: Option<String>, // raw text: as the \
                  refused message gave it\n    pub state: String, // raw text:\n}\n\
                  #[cfg(test)]\nmod tests { pub struct T { pub mrn: String } }\n";
    let lines: Vec<usize> = typed_fields::text_fields(source)
        .into_iter()
        .map(|(line, _)| line)
        .collect();
    // The three text fields, and the one whose marker gives no reason; not the typed field,
    // the other name, the marked one or the test's.
    assert_eq!(lines, [2, 3, 4, 8]);
}
