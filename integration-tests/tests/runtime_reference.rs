//! Reference data changed while the hub runs: Guinea — a country the published reference data
//! does not know — and a new office in Burkina Faso (Koudougou) are imported by an operator with
//! `sigmat reference import`, while Abidjan's traffic flows. Before the import a release at
//! Conakry is refused (error 12); after it, a movement from Conakry through Yendéré to Koudougou
//! is released, crosses the border, arrives (confirmed by Koudougou's officer through the API),
//! and Guinea's office hears of the arrival — with
//! the tracker and the API each started once. The import is audited, and `show` and `diff`
//! say what is in force.

use std::path::{Path, PathBuf};

use chrono::Utc;
use integration_tests::{AdapterSpec, Stack};
use serde_json::json;
use transit_model::reference::document::{AGREEMENTS_FILE, FILES};
use transit_model::reference::ReferenceDocument;
use transit_scenario::{Corridor, Movement};

/// Burkina Faso's national mapping table in the reference data.
const BF_MAPPING: &str = "national/mapping/bf.json";

/// The published reference files, copied under `dir` with Guinea, Koudougou and a corridor
/// between them added.
fn edited_files(dir: &Path) -> ReferenceDocument {
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    let mut document = ReferenceDocument::builtin();
    let offices = document.0.get_mut("reference/offices.json").unwrap();
    let list = offices["offices"].as_array_mut().unwrap();
    list.push(json!({
        "code": "GNCKY001", "name": "Conakry Port", "country": "GN", "roles": ["departure"],
        "latitude": 9.509, "longitude": -13.712, "utcOffset": "+00:00", "validFrom": "2026-01-01"
    }));
    list.push(json!({
        "code": "BFKDG001", "name": "Koudougou", "country": "BF", "roles": ["inland", "destination"],
        "latitude": 12.25, "longitude": -2.36, "utcOffset": "+00:00"
    }));
    // Burkina Faso's national system has a code for its new office, in the table its adapter
    // translates with (the import is refused without it).
    document.0.get_mut(BF_MAPPING).unwrap()["offices"]
        .as_array_mut()
        .unwrap()
        .push(json!({"national": "KOUD", "reference": "BFKDG001", "name": "Koudougou"}));
    let corridors = document.0.get_mut("reference/corridors.json").unwrap();
    corridors["corridors"].as_array_mut().unwrap().push(json!({
        "id": "conakry-koudougou", "name": "Conakry–Koudougou",
        "offices": ["GNCKY001", "BFYEN001", "BFKDG001"]
    }));
    let cover = document
        .0
        .get_mut("reference/guarantee-cover.json")
        .unwrap();
    cover["countries"]
        .as_array_mut()
        .unwrap()
        .push(json!({"country": "GN", "validFrom": "2026-01-01"}));
    // Guinea joins the regional data-sharing agreement too: without one in force, no copy of a
    // Guinean declaration would go to Burkina Faso (docs/agreements.md).
    let agreements = document.0.get_mut(AGREEMENTS_FILE).unwrap();
    agreements["agreements"][0]["countries"]
        .as_array_mut()
        .unwrap()
        .push(json!("GN"));
    for path in FILES.into_iter().chain([AGREEMENTS_FILE, BF_MAPPING]) {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        // Unchanged files are copied as published, byte for byte; changed ones rewritten.
        if document.0[path] == ReferenceDocument::builtin().0[path] {
            std::fs::copy(schemas.join(path), &file).unwrap();
        } else {
            std::fs::write(
                &file,
                serde_json::to_string_pretty(&document.0[path]).unwrap(),
            )
            .unwrap();
        }
    }
    document
}

/// Runs `sigmat reference <args…>` as the operator; its standard output.
fn reference(stack: &Stack, args: &[&str]) -> String {
    stack.sigmat_as_operator(&[&["reference"], args].concat())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_office_and_a_country_imported_while_traffic_flows_carry_a_movement() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    let operator = stack.operator().await;
    let before = stack.release_to_ouagadougou().await;
    stack.add_adapter(&AdapterSpec::standard("GN")).await;
    let dir: PathBuf = integration_tests::data_dir().join(format!("reference-{}", stack.id()));
    let document = edited_files(&dir);
    let conakry_koudougou =
        Corridor::from_reference(&document.check().unwrap().data, "conakry-koudougou")
            .expect("the new corridor");
    assert_eq!(
        conakry_koudougou.transit.len(),
        1,
        "Yendéré, entering Burkina Faso"
    );

    // Before the import: Conakry is no office of the network.
    let early = Movement::new(conakry_koudougou.clone(), Utc::now());
    stack.national("GN").releases(&early).await;
    let refusal = stack
        .wait_for_deliveries("GN", early.mrn.as_str(), "the refusal", |rows| {
            rows.iter().any(|d| d.message_type == "IE906")
        })
        .await;
    assert!(
        refusal[0].message.to_string().contains("GNCKY001"),
        "{:?}",
        refusal[0].message
    );
    let shown = reference(&stack, &["show"]);
    assert!(shown.starts_with("reference data version 1 "), "{shown}");
    assert!(!shown.contains("GNCKY001"), "{shown}");

    // The operator reviews the change, then imports it while Abidjan's traffic goes on.
    let diff = reference(&stack, &["diff", dir.to_str().unwrap()]);
    for line in [
        "6 changes from version 1:",
        "+ national code in BF's mapping of BFKDG001: KOUD",
        "+ office BFKDG001: Koudougou (BF; inland, destination;",
        "+ office GNCKY001: Conakry Port (GN; departure;",
        "+ corridor conakry-koudougou: Conakry–Koudougou (GNCKY001 → BFYEN001 → BFKDG001)",
        "+ guarantee cover in GN: from 2026-01-01",
        "~ agreement ECOWAS-MAA: regional CI BF NE BJ TG SN ML GH GN;",
    ] {
        assert!(diff.contains(line), "{line:?} not in:\n{diff}");
    }
    let during = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now());
    stack.national("CI").releases(&during).await;
    let imported = reference(
        &stack,
        &[
            "import",
            dir.to_str().unwrap(),
            "--based-on",
            "1",
            "--note",
            "Guinea joins; Koudougou opens",
        ],
    );
    assert!(imported.contains("imported as version 2"), "{imported}");
    let again = reference(
        &stack,
        &[
            "import",
            dir.to_str().unwrap(),
            "--based-on",
            "2",
            "--note",
            "twice",
        ],
    );
    assert!(again.contains("nothing imported"), "{again}");

    // Every service takes it: the API's maps list Conakry, the tracker says so.
    let patience = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let offices: serde_json::Value =
            reqwest::get(format!("{}/api/v1/reference", stack.api_url()))
                .await
                .expect("the API answers")
                .json()
                .await
                .expect("the reference data");
        let tracker = stack.service("tracker").log();
        if offices.to_string().contains("GNCKY001")
            && tracker.contains("reference data version 2 in force")
        {
            break;
        }
        assert!(
            std::time::Instant::now() < patience,
            "version 2 not taken up; tracker log:\n{}",
            stack.service("tracker").log_tail()
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    // A movement from the new country to the new office, through the border.
    let movement = Movement::new(conakry_koudougou.clone(), Utc::now());
    let mrn = movement.mrn.to_string();
    stack.national("GN").releases(&movement).await;
    let copies = stack
        .wait_for_deliveries(
            "BF",
            &mrn,
            "the records for Yendéré and Koudougou",
            |rows| rows.len() == 2,
        )
        .await;
    assert!(
        copies.iter().any(|d| d.message_type == "IE050"),
        "{copies:?}"
    );
    assert!(
        copies.iter().any(|d| d.message_type == "IE001"),
        "{copies:?}"
    );
    let yendere = &conakry_koudougou.transit[0];
    stack
        .national("BF")
        .confirms_passage(&movement, yendere, Utc::now())
        .await;
    // The arrival from the officer app: the API checks it under the data in force too.
    stack
        .officer("BFKDG001")
        .await
        .confirms_arrival(&movement)
        .await;
    stack
        .wait_for_state(&mrn, "Arrived", "the arrival at Koudougou")
        .await;
    stack
        .wait_for_deliveries("GN", &mrn, "the arrival advice", |rows| {
            rows.iter().any(|d| d.message_type == "IE006")
        })
        .await;

    // Abidjan's traffic went on; nothing restarted.
    for (m, what) in [
        (&before, "the release before"),
        (&during, "the release during"),
    ] {
        stack.wait_for_state(m.mrn.as_str(), "Released", what).await;
    }
    stack.assert_running();
    for (service, ready) in [("tracker", "tracker ready"), ("api", "api ready")] {
        assert_eq!(
            stack.service(service).log().matches(ready).count(),
            1,
            "{service} started once"
        );
    }

    // Shown, and audited once (the second, unchanged import kept nothing).
    let shown = reference(&stack, &["show"]);
    assert!(
        shown.starts_with("reference data version 2 ")
            && shown.contains("by operator: Guinea joins"),
        "{shown}"
    );
    assert!(shown.contains("GNCKY001"), "{shown}");
    let pool = stack.tracker_pool().await;
    let audited: Vec<String> = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'reference import' AND outcome = 'imported'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(audited.len(), 1, "{audited:?}");
    assert!(
        audited[0].starts_with("version 2 (6 changes): + office BFKDG001"),
        "{audited:?}"
    );
    let versions: i64 = sqlx::query_scalar("SELECT count(*) FROM reference_versions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(versions, 2);
    drop(operator);
    let _ = std::fs::remove_dir_all(&dir);
}
