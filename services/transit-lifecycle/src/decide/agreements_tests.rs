//! Copies under the agreements: what each office gets, and what happens with none in force.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;
use transit_model::reference::Agreements;
use transit_model::{Body, DataGroup, MessageType, ReceivingRole, RecordOutcome, StandardMessage};

use crate::{decide_with, Rules};

fn example(name: &str) -> StandardMessage {
    let path = format!(
        "{}/../../schemas/transit/v1/examples/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    transit_codec::json::decode(&std::fs::read(path).unwrap()).unwrap()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap()
}

/// Every group of data, by name.
const EVERY: [&str; 8] = transit_model::DataGroup::ALL_NAMES;

/// Rules under `agreements` (each an agreement's JSON).
fn under(agreements: Vec<serde_json::Value>) -> Rules {
    let file = json!({"version": "t", "note": "t", "agreements": agreements});
    Rules {
        agreements: Arc::new(Agreements::from_json(&file.to_string()).unwrap()),
        ..Rules::default()
    }
}

/// CI and BF: transit offices get neither trader identities nor values; the destination
/// gets everything.
fn withholding_from_transit() -> serde_json::Value {
    let transit: Vec<&str> = EVERY
        .into_iter()
        .filter(|g| !matches!(*g, "traders" | "values"))
        .collect();
    json!({
        "id": "CI-BF-2026", "kind": "bilateral", "countries": ["CI", "BF"],
        "legalReference": {"title": "Protocole CI-BF", "article": "art. 4"},
        "validFrom": "2026-01-01",
        "shares": {"transit": transit, "destination": EVERY, "divertedDestination": EVERY}
    })
}

fn declaration_of(message: &StandardMessage) -> &transit_model::TransitDeclaration {
    match message.body() {
        Body::AnticipatedTransitRecord(d) | Body::AnticipatedArrivalRecord(d) => d,
        Body::TransitRecordResponse(r) | Body::ArrivalRecordResponse(r) => {
            r.declaration.as_ref().unwrap()
        }
        other => panic!("not a copy: {other:?}"),
    }
}

#[test]
fn the_border_copy_carries_what_the_agreement_shares_and_the_destination_copy_the_rest() {
    let rules = under(vec![withholding_from_transit()]);
    let t = decide_with(&rules, None, &example("IE029"), now()).unwrap();
    assert_eq!(t.outgoing.len(), 2, "{:?}", t.outgoing);
    let border = &t.outgoing[0];
    assert_eq!(border.message_type(), MessageType::AnticipatedTransitRecord);
    let copy = declaration_of(border);
    assert_eq!(copy.declarant, None);
    assert_eq!(copy.goods_shipment.consignor, None);
    assert_eq!(copy.goods_shipment.consignee, None);
    assert_eq!(
        copy.obligation_guarantee.as_ref().unwrap().amount_amount,
        None
    );
    let withheld = copy.withheld.as_ref().unwrap();
    assert_eq!(withheld.agreement.as_str(), "CI-BF-2026");
    assert_eq!(withheld.groups, vec![DataGroup::Traders, DataGroup::Values]);

    let destination = declaration_of(&t.outgoing[1]);
    assert_eq!(
        t.outgoing[1].message_type(),
        MessageType::AnticipatedArrivalRecord
    );
    assert_eq!(destination.declarant, t.movement.declaration.declarant);
    assert!(destination.withheld.as_ref().unwrap().groups.is_empty());
    // The hub keeps the whole declaration.
    assert!(t.movement.declaration.declarant.is_some());
    assert!(t.movement.copies_not_sent.is_empty());
}

#[test]
fn with_no_agreement_in_force_no_copy_goes_and_the_departure_is_told_why() {
    let mut ended = withholding_from_transit();
    ended["validTo"] = json!("2026-06-30");
    let rules = under(vec![ended]);
    let t = decide_with(&rules, None, &example("IE029"), now()).unwrap();
    assert_eq!(t.outgoing.len(), 1, "{:?}", t.outgoing);
    let notice = &t.outgoing[0];
    assert_eq!(notice.message_type(), MessageType::StatusResponse);
    assert_eq!(notice.header().recipient.as_str(), "CIABJ001");
    let Body::StatusResponse(status) = notice.body() else {
        panic!()
    };
    let remarks = status.remarks.as_ref().unwrap().as_str();
    assert!(
        remarks.contains("BFNGK001 (transit)") && remarks.contains("BFOUA001 (destination)"),
        "{remarks}"
    );
    assert!(
        remarks.contains("no data-sharing agreement between CI and BF"),
        "{remarks}"
    );
    let not_sent: Vec<(&str, ReceivingRole)> = t
        .movement
        .copies_not_sent
        .iter()
        .map(|c| (c.office.as_str(), c.role))
        .collect();
    assert_eq!(
        not_sent,
        [
            ("BFNGK001", ReceivingRole::Transit),
            ("BFOUA001", ReceivingRole::Destination)
        ]
    );
    // An invalidation reaches no office that never had a copy.
    assert!(t.movement.offices_holding_a_copy().is_empty());
}

#[test]
fn a_record_for_an_undeclared_office_is_a_copy_under_the_agreement_or_refused_without_one() {
    let rules = under(vec![withholding_from_transit()]);
    let released = decide_with(&rules, None, &example("IE029"), now())
        .unwrap()
        .movement;
    let granted = decide_with(&rules, Some(&released), &example("IE114"), now()).unwrap();
    let record = &granted.outgoing[0];
    assert_eq!(record.message_type(), MessageType::TransitRecordResponse);
    assert_eq!(
        declaration_of(record).declarant,
        None,
        "withheld from a border office"
    );

    let mut ended = withholding_from_transit();
    ended["validTo"] = json!("2026-11-25");
    let refused = decide_with(
        &under(vec![ended]),
        Some(&released),
        &example("IE114"),
        now(),
    )
    .unwrap();
    assert_eq!(refused.outgoing.len(), 1);
    let Body::TransitRecordResponse(answer) = refused.outgoing[0].body() else {
        panic!()
    };
    assert_eq!(answer.outcome, RecordOutcome::Refused);
    assert!(answer.declaration.is_none());
    assert_eq!(
        refused.movement.route, released.route,
        "the route does not change"
    );
}

#[test]
fn a_release_missing_what_every_release_carries_is_refused_naming_it() {
    let mut value = serde_json::to_value(example("IE029")).unwrap();
    value["body"]["obligationGuarantee"]
        .as_object_mut()
        .unwrap()
        .remove("amountAmount");
    let release = transit_codec::json::decode(&serde_json::to_vec(&value).unwrap()).unwrap();
    let refused = decide_with(&Rules::default(), None, &release, now()).unwrap_err();
    assert_eq!(refused.pointer, "/body/obligationGuarantee/amountAmount");

    let mut value = serde_json::to_value(example("IE029")).unwrap();
    value["body"]["withheld"] = json!({"agreement": "X", "groups": []});
    let release = transit_codec::json::decode(&serde_json::to_vec(&value).unwrap()).unwrap();
    let refused = decide_with(&Rules::default(), None, &release, now()).unwrap_err();
    assert_eq!(refused.pointer, "/body/withheld");
}
