use serde_json::json;

use super::*;

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn country(code: &str) -> CountryCode {
    CountryCode::parse(code).unwrap()
}

/// Every group of data, by name.
const EVERY: [&str; 8] = DataGroup::ALL_NAMES;

fn agreement(id: &str, kind: &str, countries: &[&str], from: &str) -> serde_json::Value {
    json!({
        "id": id, "kind": kind, "countries": countries,
        "legalReference": {"title": "a text", "article": "art. 1"},
        "validFrom": from,
        "shares": {"transit": EVERY, "destination": EVERY, "divertedDestination": EVERY}
    })
}

/// The example release's declaration (every group present, HS codes of 8 or 10 digits).
fn full_declaration() -> TransitDeclaration {
    let message: serde_json::Value = serde_json::from_str(include_str!(
        "../../../../schemas/transit/v1/examples/IE029.json"
    ))
    .unwrap();
    serde_json::from_value(message["body"].clone()).unwrap()
}

fn file(agreements: Vec<serde_json::Value>) -> String {
    json!({"version": "t", "note": "t", "agreements": agreements}).to_string()
}

#[test]
fn the_builtin_agreements_bind_every_pair_of_countries_with_an_office() {
    let agreements = Agreements::builtin();
    let countries: Vec<CountryCode> = crate::reference::ReferenceData::builtin()
        .offices()
        .map(|o| o.country)
        .collect();
    for a in &countries {
        for b in &countries {
            assert_ne!(
                agreements.basis(*a, *b, day("2026-12-07")),
                Basis::None,
                "{a} → {b}"
            );
        }
    }
    assert_eq!(
        agreements.basis(country("CI"), country("NG"), day("2026-12-07")),
        Basis::None
    );
}

#[test]
fn a_bilateral_agreement_overrides_the_regional_one_for_its_pair_on_its_days() {
    let mut bilateral = agreement("CI-BF", "bilateral", &["CI", "BF"], "2027-01-01");
    bilateral["shares"]["transit"] = json!(["identification", "transport"]);
    let agreements = Agreements::from_json(&file(vec![
        agreement("REGION", "regional", &["CI", "BF", "ML"], "2000-01-01"),
        bilateral,
    ]))
    .unwrap();
    let id = |basis: Basis<'_>| match basis {
        Basis::Agreement(a) => a.id.to_string(),
        other => format!("{other:?}"),
    };
    let (ci, bf, ml) = (country("CI"), country("BF"), country("ML"));
    assert_eq!(id(agreements.basis(ci, bf, day("2026-12-31"))), "REGION");
    assert_eq!(id(agreements.basis(ci, bf, day("2027-01-01"))), "CI-BF");
    assert_eq!(id(agreements.basis(bf, ci, day("2027-01-01"))), "CI-BF");
    assert_eq!(id(agreements.basis(ci, ml, day("2027-01-01"))), "REGION");
    assert_eq!(
        agreements.basis(ci, ci, day("2027-01-01")),
        Basis::SameCountry
    );
    let withheld = agreements
        .get("CI-BF")
        .unwrap()
        .withholds(ReceivingRole::Transit);
    assert_eq!(
        withheld,
        vec![
            DataGroup::Goods,
            DataGroup::GrossMass,
            DataGroup::Guarantee,
            DataGroup::Traders,
            DataGroup::Values,
            DataGroup::Documents
        ]
    );
}

#[test]
fn an_agreement_ends_on_its_last_day() {
    let mut ended = agreement("OLD", "regional", &["CI", "BF"], "2000-01-01");
    ended["validTo"] = json!("2025-01-28");
    let agreements = Agreements::from_json(&file(vec![ended])).unwrap();
    let (ci, bf) = (country("CI"), country("BF"));
    assert!(matches!(
        agreements.basis(ci, bf, day("2025-01-28")),
        Basis::Agreement(_)
    ));
    assert_eq!(agreements.basis(ci, bf, day("2025-01-29")), Basis::None);
}

#[test]
fn inconsistent_agreements_are_refused_naming_the_agreement_and_why() {
    let refused = |agreements: Vec<serde_json::Value>| {
        Agreements::from_json(&file(agreements))
            .unwrap_err()
            .to_string()
    };
    let three = refused(vec![agreement(
        "B",
        "bilateral",
        &["CI", "BF", "ML"],
        "2000-01-01",
    )]);
    assert!(
        three.contains("B") && three.contains("two countries"),
        "{three}"
    );
    let mut no_identification = agreement("N", "regional", &["CI", "BF"], "2000-01-01");
    no_identification["shares"]["destination"] = json!(["goods"]);
    let err = refused(vec![no_identification]);
    assert!(
        err.contains("shares.destination") && err.contains("identification"),
        "{err}"
    );
    let overlapping = refused(vec![
        agreement("R1", "regional", &["CI", "BF", "ML"], "2000-01-01"),
        agreement("R2", "regional", &["BF", "ML", "NE"], "2020-01-01"),
    ]);
    assert!(
        overlapping.contains("R2")
            && overlapping.contains("R1")
            && overlapping.contains("BF and ML"),
        "{overlapping}"
    );
    let twice = refused(vec![
        agreement("R1", "regional", &["CI", "BF"], "2000-01-01"),
        agreement("R1", "bilateral", &["CI", "BF"], "2000-01-01"),
    ]);
    assert!(twice.contains("two agreements have this id"), "{twice}");
    let mut unknown = agreement("U", "regional", &["CI", "BF"], "2000-01-01");
    unknown["shares"]["transit"] = json!(["identification", "prices"]);
    assert!(refused(vec![unknown]).contains("prices"));
}

#[test]
fn a_copy_leaves_out_what_its_agreement_withholds_and_says_so() {
    let mut declaration = full_declaration();
    declaration.goods_shipment.government_agency_goods_item[0]
        .commodity
        .classification
        .id = crate::HsCode::parse("1006300090").unwrap();
    let mut withholding = agreement("CI-BF", "bilateral", &["CI", "BF"], "2000-01-01");
    withholding["shares"]["transit"] = json!([
        "identification",
        "transport",
        "goods",
        "grossMass",
        "guarantee",
        "documents"
    ]);
    let agreements = Agreements::from_json(&file(vec![withholding])).unwrap();
    let under = agreements.get("CI-BF").unwrap();

    let transit = share(&declaration, under, ReceivingRole::Transit);
    assert_eq!(transit.declarant, None);
    assert_eq!(transit.goods_shipment.consignor, None);
    assert_eq!(transit.goods_shipment.consignee, None);
    assert_eq!(transit.consignment.carrier, None);
    let guarantee = transit.obligation_guarantee.as_ref().unwrap();
    assert_eq!(guarantee.amount_amount, None);
    assert_eq!(
        guarantee.reference_id,
        declaration
            .obligation_guarantee
            .as_ref()
            .unwrap()
            .reference_id
    );
    assert_eq!(
        transit.border_transport_means,
        declaration.border_transport_means
    );
    assert_eq!(
        transit.withheld,
        Some(Withheld {
            agreement: Text35::parse("CI-BF").unwrap(),
            groups: vec![DataGroup::Traders, DataGroup::Values],
        })
    );
    // What the text of the copy holds: neither the trader's names nor the amount.
    let text = serde_json::to_string(&transit).unwrap();
    let declarant = declaration.declarant.as_ref().unwrap();
    assert!(!text.contains(declarant.name.as_str()), "{text}");
    assert!(!text.contains("amountAmount"), "{text}");

    let destination = share(&declaration, under, ReceivingRole::Destination);
    assert_eq!(destination.declarant, declaration.declarant);
    assert_eq!(
        destination.withheld.as_ref().map(|w| w.groups.clone()),
        Some(vec![])
    );
    // HS codes go to 6 digits across a border, whatever else is shared.
    let item = &destination.goods_shipment.government_agency_goods_item[0];
    assert_eq!(item.commodity.classification.id.as_str(), "100630");
}

#[test]
fn withholding_every_group_but_identification_leaves_the_route() {
    let declaration = full_declaration();
    let mut bare = agreement("BARE", "bilateral", &["CI", "BF"], "2000-01-01");
    bare["shares"]["transit"] = json!(["identification"]);
    let agreements = Agreements::from_json(&file(vec![bare])).unwrap();
    let copy = share(
        &declaration,
        agreements.get("BARE").unwrap(),
        ReceivingRole::Transit,
    );
    assert_eq!(copy.transit_office_ids, declaration.transit_office_ids);
    assert_eq!(
        copy.destination_office_id,
        declaration.destination_office_id
    );
    assert_eq!(copy.total_gross_mass_measure, None);
    assert_eq!(copy.border_transport_means, None);
    assert_eq!(copy.obligation_guarantee, None);
    assert!(copy.goods_shipment.government_agency_goods_item.is_empty());
    assert!(copy
        .goods_shipment
        .consignment
        .transport_equipment
        .is_empty());
    assert_eq!(copy.withheld.unwrap().groups.len(), 7);
}

#[test]
fn each_group_is_read_back_from_its_name() {
    for group in DataGroup::ALL {
        assert_eq!(DataGroup::parse(group.as_str()), Some(group));
        let json = serde_json::to_string(&group).unwrap();
        assert_eq!(serde_json::from_str::<DataGroup>(&json).unwrap(), group);
    }
    let err = serde_json::from_str::<DataGroup>("\"prices\"").unwrap_err();
    assert!(
        err.to_string().contains("identification, transport"),
        "{err}"
    );
}
