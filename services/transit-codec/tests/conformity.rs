//! The conformity checker: level 4 for the project's own examples in both encodings; a
//! degraded message gets every failing element named, each at the level it breaks.

mod support;

use transit_codec::conformity::{check, Syntax};
use transit_codec::{json, xml};
use transit_model::MessageType;

#[test]
fn every_example_reaches_level_4_in_both_encodings() {
    for t in MessageType::ALL {
        let bytes = support::example(t.code());
        let report = check(&bytes);
        assert_eq!(
            (report.level, report.syntax),
            (4, Syntax::Json),
            "{}: {:#?}",
            t.code(),
            report.findings
        );
        assert!(report.findings.is_empty());
        assert!(report
            .project_assigned
            .contains(&"/header/messageId".to_owned()));

        let xml_bytes = xml::encode(&json::decode(&bytes).unwrap());
        let report = check(&xml_bytes);
        assert_eq!(
            (report.level, report.syntax),
            (4, Syntax::Xml),
            "{} XML: {:#?}",
            t.code(),
            report.findings
        );
    }
}

fn degrade(edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut value: serde_json::Value = serde_json::from_slice(&support::example("IE029")).unwrap();
    edit(&mut value);
    serde_json::to_vec(&value).unwrap()
}

#[test]
fn a_degraded_message_names_each_failing_element_and_its_level() {
    let bytes = degrade(|v| {
        let body = &mut v["body"];
        body["declarant"]["name"] = "N".repeat(71).into();
        body["colour"] = "red".into();
        body.as_object_mut().unwrap().remove("destinationOfficeId");
        body["obligationGuarantee"]["currencyCode"] = "XYZ".into();
        body["borderTransportMeans"]["registrationNationalityCode"] = "QQ".into();
        body["goodsShipment"]["governmentAgencyGoodsItem"][0]["packaging"][0]["typeCode"] =
            "Q9".into();
        body["obligationGuarantee"]["amountAmount"] = "1250000.1234".into();
    });
    let report = check(&bytes);
    let found: Vec<(u8, &str, Option<&str>)> = report
        .findings
        .iter()
        .map(|f| (f.level, f.pointer.as_str(), f.wco_id.as_deref()))
        .collect();
    assert_eq!(
        found,
        vec![
            (1, "/body/colour", None),
            (1, "/body/declarant/name", Some("R124")),
            (1, "/body/obligationGuarantee/amountAmount", Some("492")),
            (2, "/body/destinationOfficeId", None),
            (
                3,
                "/body/borderTransportMeans/registrationNationalityCode",
                Some("T014")
            ),
            (
                3,
                "/body/goodsShipment/governmentAgencyGoodsItem/0/packaging/0/typeCode",
                Some("141")
            ),
            (3, "/body/obligationGuarantee/currencyCode", Some("135")),
        ],
        "{report:#?}"
    );
    assert_eq!(report.level, 0);
    let text = report.to_text("degraded.json");
    assert!(text.contains("level 0 of 4"), "{text}");
    assert!(text.contains("71 characters, more than the 70"), "{text}");
    assert!(
        text.contains("\"XYZ\" is not in the code list ISO 4217"),
        "{text}"
    );
}

#[test]
fn each_level_is_reached_exactly_up_to_the_first_obstacle() {
    let code_list_only =
        degrade(|v| v["body"]["obligationGuarantee"]["currencyCode"] = "XYZ".into());
    assert_eq!(check(&code_list_only).level, 2);
    let structure = degrade(|v| {
        v["body"]
            .as_object_mut()
            .unwrap()
            .remove("destinationOfficeId");
    });
    assert_eq!(check(&structure).level, 1);
    let format = degrade(|v| {
        v["body"]["goodsShipment"]["governmentAgencyGoodsItem"][0]["commodity"]["classification"]
            ["id"] = "ABC".into()
    });
    assert_eq!(check(&format).level, 0);
}

#[test]
fn other_syntaxes_reach_no_level() {
    for bytes in [
        &b"UNB+UNOC:3+CI+BF'"[..],
        b"",
        b"{not json",
        b"<IE029>unclosed",
    ] {
        let report = check(bytes);
        assert_eq!(report.level, 0, "{:?}", String::from_utf8_lossy(bytes));
        assert!(!report.findings.is_empty());
    }
}
