//! `sigmat bench` runs on the local stack and writes both reports with the keys the issue asks
//! for. Small sizes: this checks the command works, not how fast anything is (the figures of a
//! real run are in docs/benchmarks.md).

use integration_tests::{addresses, free_port, password_of, AdapterSpec, Stack};
use sigmat::bench::pipeline::StackArgs;
use sigmat::bench::{run, BenchArgs};

#[path = "bench_command/figures.rs"]
mod figures;
use figures::{assert_targets_in_markdown, non_finite_figures};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bench_writes_the_table_and_both_reports() {
    let (ci, bf) = (free_port(), free_port());
    let ci_spec = AdapterSpec::national("CI", "sydam").listening(ci);
    let bf_spec = AdapterSpec::national("BF", "asycuda").listening(bf);
    let mut stack = Stack::new()
        .with_adapters(&[ci_spec.clone(), bf_spec])
        .start()
        .await;
    let telematics = stack.add_telematics().await;
    stack.add_user("niangoloko", "officer", Some("BFNGK001"), None);
    // The tracker's peak memory is measured too: it answers on its health listener.
    let tracker: std::net::SocketAddr = stack
        .service("tracker")
        .var("SIGMAT_TRACKER__HEALTH__LISTEN")
        .expect("the tracker's health listener")
        .parse()
        .expect("an address");
    let out_dir = std::env::temp_dir().join(format!("sigmat-bench-{}", uuid::Uuid::new_v4()));
    // The moonshot figure is sigmat simulate's (a run of at least 30 minutes), read from the
    // summary it wrote beside the reports: one written by simulate's own type.
    let moonshot = sigmat::simulate::moonshot::Moonshot::of(
        None,
        None,
        3_000_000,
        4_000_000,
        2_000.0,
        Vec::new(),
    );
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::write(
        out_dir.join("moonshot.json"),
        serde_json::to_vec(&serde_json::json!({ "moonshot": moonshot })).unwrap(),
    )
    .unwrap();
    run(BenchArgs {
        movements: 60,
        repeats: 2,
        year_movements: 600,
        rule_evaluations: 2_000,
        broker_records: 300,
        telematics_events: 1_000,
        translate_ms: 20,
        ingest_seconds: 2,
        bin_dir: Some(addresses::bin_dir()),
        database_url: addresses::database_url(),
        brokers: addresses::brokers(),
        out_dir: out_dir.clone(),
        no_write: false,
        stack: StackArgs {
            pipeline_seconds: 2,
            peak_backlog: 50,
            taps: 5,
            ci_adapter: format!("http://{ci}"),
            ci_token: ci_spec.token.clone(),
            ci_schema: format!("{}_ci", stack.id()),
            bf_schema: format!("{}_bf", stack.id()),
            api: stack.api_url(),
            officer: "niangoloko".into(),
            officer_password: password_of("niangoloko"),
            seal_openings: 5,
            mqtt: format!("127.0.0.1:{}", telematics.mqtt.port),
            provider: integration_tests::telematics::PROVIDER.into(),
            provider_password: telematics
                .mqtt
                .password
                .as_ref()
                .map(|p| p.expose().to_owned())
                .unwrap_or_default(),
            services: vec![
                format!("adapter-ci={}", ci.port()),
                format!("adapter-bf={}", bf.port()),
                format!("tracker={}", tracker.port()),
            ],
        },
    })
    .await
    .expect("sigmat bench runs");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("benchmarks.json")).unwrap()).unwrap();
    for key in [
        "tracker_ratio",
        "tracker_plain_ratio",
        "disk_bytes_per_message",
        "scale_out_ratio",
        "stored",
        "tracker_events_per_s",
        "risk_ratio",
        "translate_ratio",
        "pipeline_ratio",
        "p99_ratio",
        "degradation_ratio",
        "rss_mb",
        "telematics_ratio",
        "adapter_scale_out_ratio",
    ] {
        assert!(json.get(key).is_some(), "benchmarks.json lacks {key}");
    }
    assert!(json["tracker_events_per_s"].as_f64().unwrap() > 0.0);
    // Every figure is the median of the runs asked for, and says what they spread over.
    assert_eq!(json["repeats"].as_u64(), Some(2), "{json:#}");
    for spread in [
        &json["tracker"]["tracker_events_per_s"],
        &json["tracker"]["plain_rows_per_s"],
        &json["translate"][0]["ratio"],
        &json["broker"]["passthrough_per_s"],
        &json["pipeline"]["peak_per_s"],
        &json["pipeline"]["p99_ms"],
        &json["pipeline"]["tap_p99_ms"],
        &json["adapter_scale_out"]["one_instance_per_s"],
        &json["adapter_scale_out"]["two_instances_per_s"],
    ] {
        let runs = spread["runs"].as_array().expect("the runs");
        assert_eq!(runs.len(), 2, "{spread}");
        let (low, median, high) = (
            spread["low"].as_f64().unwrap(),
            spread["median"].as_f64().unwrap(),
            spread["high"].as_f64().unwrap(),
        );
        assert!(low <= median && median <= high && low > 0.0, "{spread}");
    }
    let hours = json["moonshot_hours"].as_f64().expect("moonshot_hours");
    assert!(
        (hours - moonshot.hours_for_100_million.unwrap()).abs() < 0.01,
        "{hours}"
    );
    // The narrow write path's steps, each measured undone in the same runs.
    let narrowing = json["narrowing"].as_array().expect("narrowing");
    assert!(!narrowing.is_empty(), "{json:#}");
    for step in narrowing {
        assert!(step["gain"].as_f64().unwrap() > 0.0, "{step}");
        assert!(
            step["disk_bytes_per_message_before"].as_f64().unwrap() > 100.0,
            "{step}"
        );
    }
    assert_eq!(
        narrowing.len(),
        transit_store::baseline::NARROWING_STEPS.len(),
        "{json:#}"
    );
    // Where the tracker's time went: the shares add up to the machine's cores (as /proc/stat
    // counts them), and the local database did some of the work.
    let profile = &json["tracker_profile"];
    let share = |who: &str| {
        profile[who]
            .as_f64()
            .unwrap_or_else(|| panic!("{who}: {profile}"))
    };
    let cores = share("own") + share("database") + share("other") + share("idle");
    assert!(
        (cores - cores.round()).abs() < 0.05 && cores >= 1.0,
        "{profile}"
    );
    let cpus = std::fs::read_to_string("/proc/stat")
        .expect("/proc/stat")
        .lines()
        .filter(|l| l.starts_with("cpu") && !l.starts_with("cpu "))
        .count();
    assert!(
        (cores - cpus as f64).abs() < 0.05,
        "{cpus} cores: {profile}"
    );
    assert!(share("own") > 0.0 && share("database") > 0.0, "{profile}");
    // The tracker against one plain row per message, and through 2 and 4 instances.
    assert!(
        json["tracker_plain_ratio"].as_f64().unwrap() > 0.0,
        "{json:#}"
    );
    for instances in ["1", "2", "4"] {
        assert!(
            json["scale_out_ratio"][instances].as_f64().unwrap() > 0.0,
            "{json:#}"
        );
    }
    // A year of traffic stored before the tracker is measured again: every table grown with
    // distinct keys, and what was stored said.
    let stored = &json["stored"];
    assert!(stored["movements"].as_u64().unwrap() >= 600, "{stored}");
    assert!(
        stored["events"].as_u64().unwrap() >= 3 * stored["movements"].as_u64().unwrap(),
        "{stored}"
    );
    assert!(
        stored["inbox"].as_u64().unwrap() >= stored["events"].as_u64().unwrap(),
        "{stored}"
    );
    assert!(
        stored["outbox"].as_u64().unwrap() > stored["movements"].as_u64().unwrap(),
        "{stored}"
    );
    assert!(
        json["degradation_ratio"].as_f64().unwrap() > 0.0,
        "{json:#}"
    );
    // The hot store on disk per message: a real size (tables, indexes, TOAST) over the events.
    let disk = json["disk_bytes_per_message"]
        .as_f64()
        .expect("disk_bytes_per_message");
    assert!(disk.is_finite() && disk > 100.0, "{disk}");
    // Tracking events: every one through the gateway and applied by the tracker.
    assert_eq!(
        json["telematics"]["events"].as_u64(),
        Some(1_000),
        "{json:#}"
    );
    assert!(json["telematics_ratio"].as_f64().unwrap() > 0.0, "{json:#}");
    assert!(json["seal_p99_ms"].as_f64().unwrap() > 0.0, "{json:#}");
    assert!(json["risk_ratio"].as_f64().unwrap() > 0.0, "{json:#}");
    assert_eq!(
        json["risk"]["evaluations"].as_u64(),
        Some(2_000),
        "{json:#}"
    );
    assert!(
        json["risk"]["evaluations_per_s"].as_f64().unwrap() > 0.0,
        "{json:#}"
    );
    assert!(
        json["tracker"]["events"].as_u64().unwrap() >= 3 * 60,
        "a release, at least one passage and an arrival per movement"
    );
    assert!(json["pipeline_ratio"].as_f64().unwrap() > 0.0, "{json:#}");
    assert!(json["p99_ratio"].as_f64().unwrap() > 0.0, "{json:#}");
    assert!(
        json["pipeline"]["tap_p99_ms"]["median"].as_f64().unwrap() > 0.0,
        "{json:#}"
    );
    assert!(
        json["rss_mb"]["adapter"].as_f64().unwrap() > 1.0,
        "{json:#}"
    );
    for family in ["asycuda", "sydam", "gainde"] {
        assert!(
            json["translate_ratio"][family].as_f64().unwrap() > 0.0,
            "{family}"
        );
    }
    // Every figure is a finite number (serde_json writes a NaN or an infinity as null): no
    // null, no text where a number belongs. Every stage runs here, the tracker's memory
    // included, so not even a target is left unmeasured.
    let offending = non_finite_figures(&json);
    assert!(
        offending.is_empty(),
        "figures that are not finite numbers: {offending:?}\n{json:#}"
    );
    let targets = json["targets"].as_array().expect("the targets");
    for target in targets {
        assert!(
            target["measured"].is_number() && target["met"].is_boolean(),
            "every stage ran, yet: {target}"
        );
    }
    let md = std::fs::read_to_string(out_dir.join("benchmarks.md")).unwrap();
    assert!(md.contains("## Targets"), "{md}");
    assert_targets_in_markdown(&json, &md);
    assert!(md.contains("medians of 2 runs"), "{md}");
    assert!(md.contains("A year of traffic"), "{md}");
    std::fs::remove_dir_all(out_dir).ok();
}
