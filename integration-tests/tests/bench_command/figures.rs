//! The check that every figure of `sigmat bench --json` is a finite number, and its own
//! tests: on a handmade value, and on whole reports built from the bench's own types.

use serde_json::Value;

/// Every target of the JSON report has its row in the Markdown, with the same verdict.
pub fn assert_targets_in_markdown(json: &Value, md: &str) {
    for target in json["targets"].as_array().expect("the targets") {
        let (what, limit) = (
            target["what"].as_str().expect("what"),
            target["target"].as_str().expect("target"),
        );
        let start = format!("| {what} | {limit} | ");
        let row = md
            .lines()
            .find(|l| l.starts_with(&start))
            .unwrap_or_else(|| panic!("no row for {what}: {md}"));
        let verdict = match target["met"].as_bool() {
            Some(true) => "met",
            Some(false) => "**not met**",
            None => "not measured",
        };
        assert_eq!(row.split(" | ").nth(3), Some(verdict), "{row}\n{target}");
    }
}

/// The report's fields that hold text, not figures (a leaf's last key; for a list, the list's
/// key).
const TEXT: &[&str] = &[
    "cpu",
    "postgresql",
    "commit",
    "measured_at",
    "synchronous_commit",
    "what",
    "target",
    "note",
    "step",
    "family",
    "plain_parse",
    "rule",
    "file",
    "debug_builds",
];

/// The report's verdicts (true or false), not figures.
const VERDICTS: &[&str] = &["met"];

/// The JSON pointers of every figure under `value` that is not a finite number: a null
/// (serde_json writes a NaN or an infinity as null), text or a verdict where a number belongs.
///
/// The one null allowed is a figure the report says it did not measure, and why: in an object
/// whose `note` is not empty and that carries no figure or verdict at all — a target not
/// measured (`measured` and `met` null, the note its reason), the moonshot figure not read
/// (`hours` null). A null beside a verdict (a NaN judged `met: false`) is not.
pub fn non_finite_figures(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), false, &mut out);
    out
}

fn walk(value: &Value, path: &mut Vec<String>, not_measured: bool, out: &mut Vec<String>) {
    let at = |path: &[String]| {
        path.iter()
            .map(|key| format!("/{}", key.replace('~', "~0").replace('/', "~1")))
            .collect::<String>()
    };
    match value {
        Value::Object(fields) => {
            let says_why = fields
                .get("note")
                .and_then(Value::as_str)
                .is_some_and(|note| !note.trim().is_empty());
            let nothing_measured = fields
                .iter()
                .all(|(key, field)| field.is_null() || TEXT.contains(&key.as_str()));
            for (key, field) in fields {
                path.push(key.clone());
                walk(field, path, says_why && nothing_measured, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                walk(item, path, false, out);
                path.pop();
            }
        }
        Value::Null if not_measured && !is_text(path) => {}
        Value::Number(n) if n.as_f64().is_some_and(f64::is_finite) && !is_text(path) => {}
        Value::String(_) if is_text(path) => {}
        Value::Bool(_) if path.last().is_some_and(|k| VERDICTS.contains(&k.as_str())) => {}
        _ => out.push(at(path)),
    }
}

/// Whether the leaf at `path` holds text: a field of [`TEXT`], an item of such a list, or the
/// table's name of a `hot_store_tables` pair (`[name, bytes]`).
fn is_text(path: &[String]) -> bool {
    match path {
        [.., tables, _, first] if tables == "hot_store_tables" && first == "0" => true,
        [.., list, item] if item.parse::<usize>().is_ok() && TEXT.contains(&list.as_str()) => true,
        [.., key] => TEXT.contains(&key.as_str()),
        [] => false,
    }
}

#[test]
fn the_figure_check_finds_nulls_text_and_verdicts_where_numbers_belong() {
    let report = serde_json::json!({
        "machine": { "cores": 2, "cpu": "a CPU", "memory_gib": 3.8 },
        "tracker_ratio": null,
        "tracker": {
            "tracker_events_per_s": { "median": "1200", "low": 1100.0, "high": 1300, "runs": [1100.0, null] },
            "hot_store_tables": [["movement_events", 4096], ["outbox", "big"]],
            "synchronous_commit": "on",
        },
        "pipeline": { "debug_builds": ["tracker"], "rss_mb": { "a/b": null, "api": 40.5 } },
        "telematics_ratio": true,
        "targets": [
            { "what": "measured", "target": ">= 0.5", "measured": 0.7, "met": true, "note": "" },
            { "what": "not measured, said why", "target": "<= 3", "measured": null, "met": null,
              "note": "not measured in this run: the pipeline stage did not run" },
            { "what": "not measured, no reason", "target": "<= 3", "measured": null, "met": null, "note": " " },
            { "what": "a NaN judged", "target": ">= 0.8", "measured": null, "met": false, "note": "the write path" },
            { "what": null, "target": "< 1", "measured": 0.2, "met": "yes", "note": "why" },
        ],
        "moonshot": { "file": "moonshot.json", "hours": null, "note": "no moonshot figure: the run was too short" },
        "moonshot_hours": null,
    });
    let mut found = non_finite_figures(&report);
    found.sort();
    assert_eq!(
        found,
        [
            "/moonshot_hours",
            "/pipeline/rss_mb/a~1b",
            "/targets/2/measured",
            "/targets/2/met",
            "/targets/3/measured",
            "/targets/4/met",
            "/targets/4/what",
            "/telematics_ratio",
            "/tracker/hot_store_tables/1/1",
            "/tracker/tracker_events_per_s/median",
            "/tracker/tracker_events_per_s/runs/1",
            "/tracker_ratio",
        ]
    );
}

/// A whole report, as `sigmat bench` writes it from its own types, every stage run, the
/// pipeline's left out when `pipeline` is false; `tracker_ratio` is the tracker's figure
/// against the same rows with no logic.
fn report(pipeline: bool, tracker_ratio: f64) -> sigmat::bench::report::Report {
    use sigmat::bench::{broker, ingest, moonshot, pipeline as stack, profile, rail, report, risk};
    use sigmat::bench::{spread::Spread, telematics, tracker, translate};
    let spread = |median: f64| Spread::of(vec![median * 0.9, median, median * 1.1]);
    let figures = tracker::TrackerFigures {
        events: 10_800,
        movements: 3_000,
        tracker_events_per_s: spread(9_000.0),
        same_rows_events_per_s: spread(14_000.0),
        plain_rows_per_s: spread(30_000.0),
        ratio: tracker_ratio,
        plain_ratio: 0.3,
        hot_store_bytes: 40_000_000,
        hot_store_tables: vec![
            ("movement_events".into(), 20_000_000),
            ("outbox".into(), 15_000_000),
        ],
        disk_bytes_per_message: 3_700.0,
        profile: Some(profile::CpuProfile {
            own: 0.6,
            database: 0.9,
            other: 0.1,
            idle: 0.4,
        }),
        before_narrowing: vec![tracker::BeforeStep {
            step: "0025_narrow_movement_updates",
            events_per_s: spread(7_000.0),
            disk_bytes_per_message: spread(4_500.0),
        }],
        scale_out: [1, 2, 4]
            .into_iter()
            .map(|instances| tracker::ScaleOut {
                instances,
                events_per_s: spread(9_000.0),
                ratio_to_one: 1.0,
            })
            .collect(),
        year: Some(tracker::YearFigures {
            stored: transit_store::baseline::year::Stored {
                movements: 600,
                events: 2_000,
                inbox: 2_000,
                outbox: 4_000,
            },
            bytes: 9_000_000,
            events_per_s: spread(8_000.0),
            ratio_to_empty: 0.9,
        }),
        synchronous_commit: "on".into(),
        postgresql: "16.4".into(),
    };
    let families = ["asycuda", "sydam", "gainde"]
        .into_iter()
        .map(|family| translate::FamilyFigures {
            family: family.into(),
            documents: 12,
            bytes: 80_000,
            plain_parse: "serde_json::Value",
            plain_mb_per_s: spread(200.0),
            translate_mb_per_s: spread(90.0),
            ratio: spread(0.45),
        })
        .collect();
    let broker = broker::BrokerFigures {
        records: 300,
        record_bytes: 2_048,
        passthrough_per_s: spread(20_000.0),
        round_trip_p99_ms: spread(12.0),
    };
    let pipeline = pipeline.then(|| stack::PipelineFigures {
        seconds_per_point: 2,
        peak_backlog: 50,
        peak_releases: vec![300, 310, 320],
        peak_per_s: spread(150.0),
        half_rate_per_s: spread(75.0),
        p50_ms: spread(20.0),
        p99_ms: spread(45.0),
        p999_ms: spread(60.0),
        tap_p99_ms: spread(120.0),
        seal_p99_ms: Some(spread(140.0)),
        rss_mb: [
            ("adapter-ci", 30.0),
            ("adapter-bf", 31.0),
            ("tracker", 60.0),
        ]
        .into_iter()
        .map(|(name, mb)| (name.to_owned(), mb))
        .collect(),
        debug_builds: vec!["tracker".into()],
    });
    let machine = report::Machine {
        cores: 2,
        cpu: "a CPU".into(),
        memory_gib: 3.8,
        postgresql: "16.4".into(),
        commit: "abc1234".into(),
        measured_at: "2025-01-01 00:00 UTC".into(),
    };
    report::Report::new(machine, figures, families, broker, pipeline)
        .with_risk(risk::RiskFigures {
            with_rules_events_per_s: 8_000.0,
            without_rules_events_per_s: 9_000.0,
            ratio: 0.89,
            rule: "seals-broken".into(),
            evaluations: 2_000,
            histories: 1_000,
            seconds: 0.5,
            evaluations_per_s: 4_000.0,
            native_per_s: 400_000.0,
        })
        .with_rail(rail::RailFigures {
            declarations: 30,
            wagons: 30,
            taps: 1,
            confirmation_transactions: 1,
            confirmation_ms: 20.0,
            passages_ms: 30.0,
            one_by_one_ms: 300.0,
            ratio: 0.17,
        })
        .with_telematics(Some(telematics::TelematicsFigures {
            events: 1_000,
            trucks: 10,
            passthrough_per_s: 5_000.0,
            hub_per_s: 2_000.0,
            ratio: 0.4,
        }))
        .with_ingest(Some(ingest::IngestFigures {
            seconds_per_point: 15,
            one_instance_per_s: spread(900.0),
            two_instances_per_s: spread(850.0),
            ratio: 0.94,
            second_instance_share: spread(0.5),
        }))
        .with_moonshot(moonshot::MoonshotFigure {
            file: "docs/moonshot.json".into(),
            hours: Some(3.2),
            note: "from docs/moonshot.json".into(),
        })
}

#[test]
fn the_figure_check_passes_a_whole_report_and_finds_what_a_run_left_out_or_got_wrong() {
    // Every stage run: every figure a finite number, every text field known as text.
    let whole = report(true, 0.64).json();
    assert_eq!(
        non_finite_figures(&whole),
        Vec::<String>::new(),
        "{whole:#}"
    );
    assert_targets_in_markdown(&whole, &report(true, 0.64).markdown());

    // No pipeline: its targets say why they are not measured (accepted), but the report's
    // headline figures and sections for it carry no reason of their own (found).
    let no_stack = report(false, 0.64);
    let json = no_stack.json();
    let found = non_finite_figures(&json);
    for pointer in [
        "/pipeline_ratio",
        "/p99_ratio",
        "/rss_mb/adapter",
        "/pipeline",
    ] {
        assert!(found.iter().any(|f| f == pointer), "{pointer}: {found:?}");
    }
    assert!(
        !found.iter().any(|f| f.starts_with("/targets/")),
        "{found:?}"
    );
    assert_targets_in_markdown(&json, &no_stack.markdown());
    assert!(no_stack.markdown().contains("not measured"));

    // A figure gone wrong (a NaN, written as null) is found, in a target too: its note does
    // not excuse a figure that was judged.
    let nan = report(true, f64::NAN).json();
    let mut found = non_finite_figures(&nan);
    found.sort();
    let same_rows = nan["targets"]
        .as_array()
        .unwrap()
        .iter()
        .position(|t| t["what"] == "tracker / same rows written with no logic")
        .unwrap();
    assert_eq!(
        found,
        [
            format!("/targets/{same_rows}/measured"),
            "/tracker/ratio".to_owned(),
            "/tracker_ratio".to_owned(),
        ],
        "{nan:#}"
    );
}
