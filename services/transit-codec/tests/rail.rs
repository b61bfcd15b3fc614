//! The rail examples (`schemas/rail/v1/examples`): a declaration with several wagons and the
//! containers on them validates against the published JSON Schema and XSD, survives both
//! encodings unchanged, and reaches level 4 of the WCO conformity check in both.

mod support;

use support::*;
use transit_codec::{conformity, json, xml};

fn rail_example() -> Vec<u8> {
    std::fs::read(schema_dir().join("../../rail/v1/examples/IE029.json")).unwrap()
}

#[test]
fn the_rail_declaration_validates_and_round_trips_in_both_encodings() {
    let bytes = rail_example();
    let instance: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let errors: Vec<String> = json_validator("IE029")
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let message = json::decode(&bytes).unwrap();
    let transit_model::Body::ReleaseForTransit(declaration) = message.body() else {
        panic!("the rail example is not a release");
    };
    let wagons = &declaration
        .goods_shipment
        .consignment
        .departure_transport_means;
    assert_eq!(
        declaration
            .border_transport_means
            .as_ref()
            .unwrap()
            .mode_code,
        2
    );
    assert_eq!(wagons.len(), 3, "several wagons");
    assert!(declaration
        .goods_shipment
        .consignment
        .transport_equipment
        .iter()
        .all(|c| wagons.iter().any(|w| Some(&w.id) == c.wagon_id.as_ref())));
    let again: serde_json::Value = serde_json::from_slice(&json::encode(&message)).unwrap();
    assert_eq!(instance, again, "JSON differs after a round trip");
    let document = xml::encode(&message);
    if let Some(errors) = xsd_errors("IE029", std::slice::from_ref(&document)) {
        panic!("the rail declaration's XML does not validate:\n{errors}");
    }
    assert_eq!(xml::decode(&document).unwrap(), message);
    for (syntax, form) in [("JSON", bytes), ("XML", document)] {
        let report = conformity::check(&form);
        assert_eq!(report.level, 4, "{syntax}: {:#?}", report);
    }
}
