//! The dependency rules the architecture rests on, checked over `cargo metadata` (the declared
//! dependencies of every workspace crate): the pure core reaches no I/O crate, each technology
//! is wrapped by one crate, and no edge exists only for convenience. A new dependency that
//! breaks a rule fails here with the rule's reason. Test code lives in tests or in the dev-only
//! `transit-testkit`; no production crate has a `testing` module.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// Each crate's normal (non-dev, non-build) dependencies, and all of them.
struct Graph {
    normal: BTreeMap<String, BTreeSet<String>>,
    any: BTreeMap<String, BTreeSet<String>>,
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
    };
    for package in metadata["packages"].as_array().unwrap() {
        let name = package["name"].as_str().unwrap().to_owned();
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
