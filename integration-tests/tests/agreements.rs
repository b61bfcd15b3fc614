//! Data shared on its legal basis, on the real stack: Côte d'Ivoire (SYDAM) releases a movement
//! to Ouagadougou through Niangoloko (Burkina Faso, ASYCUDA). Under an agreement that withholds
//! trader identities and values from offices of transit, Niangoloko's copy carries neither —
//! in the ASYCUDA XML Burkina Faso's system receives — while Ouagadougou's carries both, and the
//! disclosure register Côte d'Ivoire's operator reads lists both copies with the agreement.
//! With no agreement in force, no copy goes to Burkina Faso and Abidjan is told why.

use std::time::Duration;

use chrono::Utc;
use integration_tests::{national_system, Stack};
use serde_json::json;
use transit_http::client::HubClient;
use transit_http::reference::ImportRequest;
use transit_model::reference::document::AGREEMENTS_FILE;
use transit_model::reference::ReferenceData;
use transit_model::MessageType;
use transit_national::Family;
use transit_scenario::{Corridor, Movement};

const PATIENCE: Duration = Duration::from_secs(30);

/// Every group of data, by name.
const EVERY: [&str; 8] = transit_model::DataGroup::ALL_NAMES;

/// An agreements file: the regional text (over `regional` countries) and a bilateral CI–BF
/// one withholding trader identities and values from offices of transit, in force from
/// `bilateral_from` to `bilateral_to`.
fn agreements(
    regional: &[&str],
    bilateral_from: &str,
    bilateral_to: Option<&str>,
) -> serde_json::Value {
    let transit: Vec<&str> = EVERY
        .into_iter()
        .filter(|g| !matches!(*g, "traders" | "values"))
        .collect();
    let mut bilateral = json!({
        "id": "CI-BF-TEST", "kind": "bilateral", "countries": ["CI", "BF"],
        "legalReference": {"title": "Protocole d'échange CI–BF (test)", "article": "art. 4"},
        "validFrom": bilateral_from,
        "shares": {"transit": transit, "destination": EVERY, "divertedDestination": EVERY}
    });
    if let Some(to) = bilateral_to {
        bilateral["validTo"] = json!(to);
    }
    json!({"version": "test", "note": "test", "agreements": [
        {"id": "REGION-TEST", "kind": "regional", "countries": regional,
         "legalReference": {"title": "regional text (test)", "article": "art. 1"},
         "validFrom": "2000-01-01",
         "shares": {"transit": EVERY, "destination": EVERY, "divertedDestination": EVERY}},
        bilateral
    ]})
}

/// Imports `file` as the agreements of the next reference data version.
async fn import(hub: &HubClient, file: serde_json::Value, note: &str) {
    let latest = hub
        .reference_document()
        .await
        .expect("the version in force");
    let mut document = latest.document.clone();
    document.0.insert(AGREEMENTS_FILE.to_owned(), file);
    let outcome = hub
        .import_reference(&ImportRequest {
            based_on: latest.version,
            note: note.to_owned(),
            document,
        })
        .await
        .expect("imported");
    assert!(outcome.imported, "{:?}", outcome.changes);
    assert!(
        outcome.changes.iter().any(|c| c.contains("agreement")),
        "{:?}",
        outcome.changes
    );
}

fn holds(bytes: &[u8], text: &str) -> bool {
    bytes.windows(text.len()).any(|w| w == text.as_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_copy_carries_what_its_agreement_shares_and_none_goes_without_one() {
    let data = ReferenceData::builtin();
    let (ci, ci_spec) = national_system(Family::Sydam, "CI", true).await;
    let (bf, bf_spec) = national_system(Family::Asycuda, "BF", true).await;
    let mut stack = Stack::new()
        .with_adapters(&[ci_spec, bf_spec])
        .start()
        .await;
    let hub = stack.operator().await;
    stack.add_user("dpo-ci", "operator", None, Some("CI"));
    let today = Utc::now().date_naive();
    let yesterday = (today - chrono::Days::new(1)).to_string();
    let everyone = ["CI", "BF", "NE", "BJ", "TG", "SN", "ML", "GH"];
    import(
        &hub,
        agreements(&everyone, &yesterday, None),
        "CI–BF protocol in force",
    )
    .await;
    // The tracker decides under a version from its next batch after the version reaches it
    // (it logs so); a release sent before that is decided under the earlier agreements.
    let corridor = Corridor::from_reference(&data, "abidjan-ouagadougou").unwrap();
    let movement = Movement::new(corridor.clone(), Utc::now());
    let mrn = movement.mrn.to_string();
    stack.wait_for_reference_version(2).await;

    let sent = ci.send(&movement.release()).await.unwrap();
    assert_eq!(
        sent.status,
        202,
        "{}",
        String::from_utf8_lossy(&sent.answer)
    );
    let border = bf
        .wait_for(&mrn, MessageType::AnticipatedTransitRecord, PATIENCE)
        .await
        .unwrap();
    let destination = bf
        .wait_for(&mrn, MessageType::AnticipatedArrivalRecord, PATIENCE)
        .await
        .unwrap();
    let release = movement.release();
    let transit_model::Body::ReleaseForTransit(declared) = release.body() else {
        panic!("a release carries its declaration")
    };
    let declarant = declared.declarant.as_ref().unwrap();
    let amount = declared
        .obligation_guarantee
        .as_ref()
        .and_then(|g| g.amount_amount.as_ref())
        .unwrap()
        .as_str()
        .to_owned();
    let consignee = declared.goods_shipment.consignee.as_ref().unwrap();
    // Niangoloko's ASYCUDA document: no trader, no amount, and the marker.
    let xml = String::from_utf8_lossy(&border.national).into_owned();
    for secret in [
        declarant.id.as_str(),
        consignee.id.as_str(),
        "Ivoirienne",
        amount.as_str(),
    ] {
        assert!(
            !holds(&border.national, secret),
            "{secret} in the border copy:\n{xml}"
        );
    }
    assert!(
        xml.contains("<Withheld>CI-BF-TEST traders values</Withheld>"),
        "{xml}"
    );
    let transit_model::Body::AnticipatedTransitRecord(read) = border.message.body() else {
        panic!("a transit record")
    };
    assert_eq!(read.declarant, None, "read back as absent");
    // Ouagadougou's: everything.
    for secret in [
        declarant.id.as_str(),
        consignee.id.as_str(),
        amount.as_str(),
    ] {
        assert!(
            holds(&destination.national, secret),
            "{secret} missing from the destination copy"
        );
    }

    // The register, as Côte d'Ivoire's data-protection officer reads it.
    let dpo = stack.api_as("dpo-ci").await;
    let report = dpo.disclosures("to=BF").await.expect("the register");
    let entries: Vec<_> = report.entries.iter().filter(|e| e.mrn == mrn).collect();
    let mut seen: Vec<(&str, &str, Option<&str>, Vec<String>)> = entries
        .iter()
        .map(|e| {
            (
                e.office.as_str(),
                e.role.as_str(),
                e.agreement.as_deref(),
                e.withheld.clone(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            (
                "BFNGK001",
                "transit",
                Some("CI-BF-TEST"),
                vec!["traders".to_owned(), "values".to_owned()]
            ),
            ("BFOUA001", "destination", Some("CI-BF-TEST"), vec![])
        ],
        "{report:#?}"
    );
    assert!(entries
        .iter()
        .all(|e| e.channel == "copy" && e.from == "CI"));
    // The same from a terminal, as the legal service and the data-protection officer read them.
    let shown = stack.sigmat_as("operator", &["agreements", "show"]);
    assert!(
        shown.contains("CI-BF-TEST") && shown.contains("all but traders, values"),
        "{shown}"
    );
    let listed = stack.sigmat_as("dpo-ci", &["disclosures", "--to", "BF"]);
    assert!(
        listed.contains(&format!(
            "{mrn}  → BF BFNGK001 (transit)  copy IE050  under CI-BF-TEST"
        )) && listed.contains("withheld traders,values"),
        "{listed}"
    );
    // Burkina Faso's operator may not read Côte d'Ivoire's register.
    stack.add_user("dpo-bf", "operator", None, Some("BF"));
    let refused = stack
        .api_as("dpo-bf")
        .await
        .disclosures("from=CI")
        .await
        .expect_err("another country's register");
    assert!(
        refused.to_string().contains("it reads BF's data only"),
        "{refused}"
    );

    // No agreement in force: the regional text no longer binds Burkina Faso and the protocol
    // ended yesterday.
    let without_bf: Vec<&str> = everyone.into_iter().filter(|c| *c != "BF").collect();
    let ended = (today - chrono::Days::new(2)).to_string();
    import(
        &hub,
        agreements(&without_bf, &ended, Some(&yesterday)),
        "protocol ended",
    )
    .await;
    stack.wait_for_reference_version(3).await;
    let later = Movement::new(corridor, Utc::now());
    let later_mrn = later.mrn.to_string();
    ci.send(&later.release()).await.unwrap();
    let notice = ci
        .wait_for(&later_mrn, MessageType::StatusResponse, PATIENCE)
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&notice.national).into_owned();
    assert!(
        text.contains("BFNGK001 (transit), BFOUA001 (destination)")
            && text.contains("no data-sharing agreement between CI and BF"),
        "{text}"
    );
    // Nothing for Burkina Faso was queued: the outbox is written in the transaction that
    // decided the release, with the notice to Abidjan in it.
    let pool = stack.tracker_pool().await;
    let topics: Vec<String> =
        sqlx::query_scalar("SELECT topic FROM outbox WHERE record_key = $1 ORDER BY id")
            .bind(&later_mrn)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(
        topics.iter().any(|t| t.ends_with(".ci.from-hub")),
        "{topics:?}"
    );
    assert!(
        !topics.iter().any(|t| t.ends_with(".bf.from-hub")),
        "{topics:?}"
    );
    // The movement says why.
    let movement = stack
        .tracker_queries()
        .await
        .movement(&later_mrn)
        .await
        .unwrap()
        .expect("the movement");
    assert_eq!(movement.movement.copies_not_sent.len(), 2);
}
