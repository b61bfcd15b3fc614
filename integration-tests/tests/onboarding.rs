//! Onboarding without a restart, as `docs/runbook.md` says: Guinea joins with an ASYCUDA
//! national system and Mali opens a border post on the Guinea corridor (Kourémalé). The operator
//! exports the reference data in force, adds the offices, the corridor, Guinea's guarantee cover
//! and agreement, Mali's national code for its new post and Guinea's mapping table, reviews and
//! imports them; Guinea's new adapter starts; every process already running (tracker, API,
//! Senegal's and Mali's adapters) goes on. Guinea's national system releases a movement through
//! Kourémalé to Bamako; Mali's national system, with its own table updated, reads every copy —
//! its new post's in its own code — and confirms the passage and the arrival; Guinea's reads
//! the arrival advice. Dakar–Bamako traffic flows meanwhile.

use std::path::Path;
use std::time::Duration;

use chrono::Utc;
use integration_tests::{national_system, national_system_with, AdapterSpec, Stack};
use serde_json::{json, Value};
use transit_model::reference::ReferenceDocument;
use transit_model::{CountryCode, MessageType, Mrn, OfficeRef};
use transit_national::{Family, Mapping};
use transit_scenario::{Corridor, Movement};

const PATIENCE: Duration = Duration::from_secs(60);

fn read(dir: &Path, path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(path)).unwrap()).unwrap()
}

fn write(dir: &Path, path: &str, json: &Value) {
    std::fs::write(dir.join(path), serde_json::to_string_pretty(json).unwrap()).unwrap();
}

/// Edits the exported files as a customs IT team would: Guinea's office, Kourémalé, the
/// corridor, the cover, the agreement, and Guinea's table (Mali's row is left to the caller).
fn open_guinea(dir: &Path) {
    let mut offices = read(dir, "reference/offices.json");
    let list = offices["offices"].as_array_mut().unwrap();
    list.push(json!({
        "code": "GNCKY001", "name": "Conakry Port", "country": "GN", "roles": ["departure", "destination"],
        "latitude": 9.509, "longitude": -13.712, "utcOffset": "+00:00"
    }));
    list.push(json!({
        "code": "MLKRM001", "name": "Kourémalé", "country": "ML", "roles": ["border"],
        "latitude": 11.96, "longitude": -8.77, "utcOffset": "+00:00"
    }));
    write(dir, "reference/offices.json", &offices);
    let mut corridors = read(dir, "reference/corridors.json");
    corridors["corridors"].as_array_mut().unwrap().push(json!({
        "id": "conakry-bamako", "name": "Conakry–Bamako",
        "offices": ["GNCKY001", "MLKRM001", "MLBKO001"]
    }));
    write(dir, "reference/corridors.json", &corridors);
    let mut cover = read(dir, "reference/guarantee-cover.json");
    cover["countries"]
        .as_array_mut()
        .unwrap()
        .push(json!({"country": "GN", "validFrom": "2026-01-01"}));
    write(dir, "reference/guarantee-cover.json", &cover);
    let mut agreements = read(dir, "reference/agreements.json");
    agreements["agreements"][0]["countries"]
        .as_array_mut()
        .unwrap()
        .push(json!("GN"));
    write(dir, "reference/agreements.json", &agreements);
    // Guinea's table: its national system's codes (a neighbour's copied, as the runbook says).
    let mut guinea = read(dir, "national/mapping/ml.json");
    guinea["country"] = json!("GN");
    guinea["system"] = json!("ASYCUDA World (Guinea), stand-in");
    guinea["offices"] =
        json!([{"national": "CKRY", "reference": "GNCKY001", "name": "Conakry Port"}]);
    write(dir, "national/mapping/gn.json", &guinea);
}

fn mapping(dir: &Path, country: &str) -> Mapping {
    Mapping::from_value(&read(
        dir,
        &format!("national/mapping/{}.json", country.to_lowercase()),
    ))
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_country_and_a_border_post_join_while_the_network_runs() {
    let (mali, mali_spec) = national_system(Family::Asycuda, "ML", false).await;
    let mut stack = Stack::new()
        .with_adapters(&[AdapterSpec::standard("SN"), mali_spec.clone()])
        .start()
        .await;
    let operator = stack.operator().await;
    let dakar_bamako = Corridor::from_reference(
        &ReferenceDocument::builtin().check().unwrap().data,
        "dakar-bamako",
    )
    .unwrap();
    let before = Movement::new(dakar_bamako.clone(), Utc::now());
    stack.national("SN").releases(&before).await;
    mali.wait_for(
        before.mrn.as_str(),
        MessageType::AnticipatedArrivalRecord,
        PATIENCE,
    )
    .await
    .expect("Mali's national system reads Dakar's copy");

    // 1. Export what is in force, edit it.
    let dir = integration_tests::data_dir().join(format!("onboarding-{}", stack.id()));
    let _ = std::fs::remove_dir_all(&dir);
    let exported = stack.sigmat_as_operator(&["reference", "export", dir.to_str().unwrap()]);
    assert!(
        exported.contains("reference data version 1 written to"),
        "{exported}"
    );
    open_guinea(&dir);

    // 2. Review: without Mali's code for its new post, the files are refused, naming it.
    let refused = stack.sigmat_output("operator", &["reference", "diff", dir.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success() && said.contains("MLKRM001 (Kourémalé)"),
        "{said}"
    );
    let mut mali_table = read(&dir, "national/mapping/ml.json");
    mali_table["offices"]
        .as_array_mut()
        .unwrap()
        .push(json!({"national": "KOUR", "reference": "MLKRM001", "name": "Kourémalé"}));
    write(&dir, "national/mapping/ml.json", &mali_table);
    let diff = stack.sigmat_as_operator(&["reference", "diff", dir.to_str().unwrap()]);
    for line in [
        "+ office MLKRM001: Kourémalé (ML; border;",
        "+ corridor conakry-bamako: Conakry–Bamako (GNCKY001 → MLKRM001 → MLBKO001)",
        "+ national code in ML's mapping of MLKRM001: KOUR",
        "+ national mapping GN: ASYCUDA World (Guinea), stand-in (1 offices)",
    ] {
        assert!(diff.contains(line), "{line:?} not in:\n{diff}");
    }

    // 3. Import while Dakar's traffic goes on.
    let during = Movement::new(dakar_bamako, Utc::now());
    stack.national("SN").releases(&during).await;
    let imported = stack.sigmat_as_operator(&[
        "reference",
        "import",
        dir.to_str().unwrap(),
        "--note",
        "Guinea joins; Kourémalé opens",
    ]);
    assert!(imported.contains("imported as version 2"), "{imported}");
    // An import prepared from the version before is refused: it would undo this one.
    let stale = stack.sigmat_output(
        "operator",
        &[
            "reference",
            "import",
            dir.to_str().unwrap(),
            "--note",
            "again",
        ],
    );
    let said = String::from_utf8_lossy(&stale.stderr);
    assert!(
        !stale.status.success() && said.contains("prepared from version 1"),
        "{said}"
    );
    stack
        .wait_for_metric(
            "adapter-ml",
            "sigmat_adapter_mapping_version",
            2.0,
            "Mali's adapter takes version 2's table",
        )
        .await;

    assert!(
        stack
            .service("adapter-ml")
            .log()
            .contains("national mapping of ML from reference data version 2 in force"),
        "{}",
        stack.service("adapter-ml").log_tail()
    );

    // 4. Guinea's adapter starts, with no table of its own but the reference data's.
    let (guinea, guinea_spec) =
        national_system_with(Family::Asycuda, "GN", Some(mapping(&dir, "GN")), false).await;
    stack.add_adapter(&guinea_spec).await;

    // 5. Guinea releases a movement through the new post; Mali's national system, its own
    //    table updated, reads every copy.
    let office = |code: &str| OfficeRef::parse(code).unwrap();
    let conakry_bamako = Corridor {
        departure: office("GNCKY001"),
        transit: vec![office("MLKRM001")],
        destination: office("MLBKO001"),
    };
    // Released by Guinea's national system with the runbook's command.
    let gn_table = dir.join("national/mapping/gn.json");
    let released = std::process::Command::new(stack.binary("national-sim"))
        .args(["--family", "asycuda", "--country", "GN", "--mapping"])
        .arg(&gn_table)
        .args([
            "--adapter",
            &format!("http://{}", guinea_spec.listen.unwrap()),
        ])
        .args(["--release", "GNCKY001,MLKRM001,MLBKO001"])
        .env("SIGMAT_NATIONAL_TOKEN", &guinea_spec.token)
        .output()
        .expect("national-sim runs");
    let said = String::from_utf8_lossy(&released.stdout);
    assert!(
        released.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&released.stderr)
    );
    let mrn = said
        .split_whitespace()
        .skip_while(|word| *word != "released")
        .nth(1)
        .unwrap_or_else(|| panic!("no MRN in {said}"))
        .to_owned();
    // The same movement as the Malian officers and system see it (its MRN is what they quote).
    let mut movement = Movement::new(conakry_bamako, Utc::now());
    movement.mrn = Mrn::parse(&mrn).unwrap();
    let mali_now = national_sim::Simulator::with_mapping(
        Family::Asycuda,
        CountryCode::parse("ML").unwrap(),
        Some(mapping(&dir, "ML")),
        &format!("http://{}", mali_spec.listen.unwrap()),
    )
    .unwrap()
    .with_token(mali_spec.token.clone());
    let record = mali_now
        .wait_for(&mrn, MessageType::AnticipatedTransitRecord, PATIENCE)
        .await
        .expect("Mali reads the record for Kourémalé");
    let xml = String::from_utf8_lossy(&record.national);
    assert!(xml.contains(">KOUR<") && !xml.contains("MLKRM001"), "{xml}");
    mali_now
        .wait_for(&mrn, MessageType::AnticipatedArrivalRecord, PATIENCE)
        .await
        .expect("Mali reads the record for Bamako");
    let kouremale = office("MLKRM001");
    for message in [
        movement.passage(&kouremale, Utc::now()),
        movement.arrival(Utc::now()),
    ] {
        let sent = mali_now
            .send(&message)
            .await
            .expect("Mali's adapter answers");
        assert_eq!(
            sent.status,
            202,
            "{}",
            String::from_utf8_lossy(&sent.answer)
        );
    }
    stack
        .wait_for_state(&mrn, "Arrived", "the arrival at Bamako")
        .await;
    guinea
        .wait_for(&mrn, MessageType::ArrivalAdvice, PATIENCE)
        .await
        .expect("Guinea reads the arrival advice");

    // Dakar's traffic went on; nothing restarted.
    for (m, what) in [
        (&before, "the release before"),
        (&during, "the release during"),
    ] {
        stack.wait_for_state(m.mrn.as_str(), "Released", what).await;
    }
    mali_now
        .wait_for(
            during.mrn.as_str(),
            MessageType::AnticipatedArrivalRecord,
            PATIENCE,
        )
        .await
        .expect("Mali reads the copy released during the import");
    stack.assert_running();
    for (service, ready) in [
        ("tracker", "tracker ready"),
        ("api", "api ready"),
        ("adapter-sn", "adapter ready"),
        ("adapter-ml", "adapter ready"),
    ] {
        assert_eq!(
            stack.service(service).log().matches(ready).count(),
            1,
            "{service} started once"
        );
    }
    assert!(mali.errors().is_empty() && mali_now.errors().is_empty() && guinea.errors().is_empty());
    drop(operator);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The runbook states the commands this test and the scripts' tests run, as they run them.
#[test]
fn the_runbook_gives_the_commands_the_tests_run() {
    let runbook =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/runbook.md"))
            .unwrap()
            .replace("\\\n", " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
    for command in [
        "sigmat reference export /tmp/ref",
        "sigmat reference diff /tmp/ref",
        "sigmat reference import /tmp/ref --note",
        "deploy/local/kafka-rights --country GN",
        "deploy/local/add-adapter --country GN --family asycuda --port 18108",
        "SIGMAT_NATIONAL_TOKEN=\"$(cat .data/credentials/adapter-gn.token)\" national-sim --family asycuda --country GN --mapping /tmp/ref/national/mapping/gn.json --adapter http://127.0.0.1:18108 --release GNCKY001,MLKRM001,MLBKO001",
        "national-sim --family asycuda --country ML --mapping /tmp/ref/national/mapping/ml.json --adapter http://127.0.0.1:18107 --token sigmat-demo-ml --pull",
    ] {
        assert!(runbook.contains(command), "docs/runbook.md does not say {command:?}");
    }
}
