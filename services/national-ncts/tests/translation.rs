//! NCTS translation: golden fixtures, snapshots both ways, round trips, malformed input.

use national_ncts::{xml, Ncts};
use transit_codec::json;
use transit_model::{CountryCode, MessageType};
use transit_national::examples::{examples_for, ExampleCorridor};
use transit_national::{ErrorClass, Mapping, Translator};

transit_testkit::family_conformance! {
    family: "ncts",
    extension: "xml",
    train_extension: "json",
    translator: Ncts = Ncts::new(Mapping::builtin(CountryCode::parse("GH").unwrap()).unwrap()),
    corridor: ExampleCorridor::AbidjanOuagadougou,
    mapped_fields: mapped_leaves,
}

/// Every leaf but the references the hub replaces with message ids: what a round trip must
/// keep.
fn mapped_leaves(document: &[u8]) -> Vec<(String, String)> {
    xml::parse(document)
        .unwrap()
        .leaves()
        .into_iter()
        .filter(|(path, _)| {
            !path.ends_with("/messageIdentification") && !path.ends_with("/correlationIdentifier")
        })
        .collect()
}

#[test]
fn a_record_to_the_hub_is_the_release_and_one_to_an_office_a_copy() {
    let t = translator();
    let release = release();
    assert!(release.contains("<ncts:CD050C"), "{release}");
    assert_eq!(
        t.to_standard(release.as_bytes()).unwrap().message_type(),
        MessageType::ReleaseForTransit
    );
    let copy = release.replace(
        "<messageRecipient>HUB</messageRecipient>",
        "<messageRecipient>BFNGK001</messageRecipient>",
    );
    assert_eq!(
        t.to_standard(copy.as_bytes()).unwrap().message_type(),
        MessageType::AnticipatedTransitRecord
    );
    // What an NCTS gateway writes: administrations, not offices, in the header.
    let gateway = release
        .replace(
            "<messageSender>CIABJ001</messageSender>",
            "<messageSender>NTA.CI</messageSender>",
        )
        .replace(
            "<messageRecipient>HUB</messageRecipient>",
            "<messageRecipient>NTA.BF</messageRecipient>",
        );
    let read = t.to_standard(gateway.as_bytes()).unwrap();
    assert_eq!(read.message_type(), MessageType::ReleaseForTransit);
    assert_eq!(
        read.header().sender.as_str(),
        "CIABJ001",
        "the office of departure sends it"
    );
}

#[test]
fn the_transit_record_and_the_arrival_record_of_one_release_are_one_release() {
    let t = translator();
    let transit = release().replace(
        "<messageIdentification>0b6f3c1e6a574d439a8e2f1a5c0d9e01</messageIdentification>",
        "<messageIdentification>GH-2026-000123-050</messageIdentification>",
    );
    let record = t.translate(transit.as_bytes()).unwrap();
    assert_eq!(
        record.reference, "GH-2026-000123-050",
        "the answer quotes the sender's reference"
    );
    let arrival = transit.replace("-050<", "-001<");
    let other = t.translate(arrival.as_bytes()).unwrap();
    assert_eq!(
        record.message.id(),
        other.message.id(),
        "one release, one id"
    );
}

#[test]
fn every_standardized_example_reads_back_from_its_ncts_form_at_level_4() {
    let t = translator();
    for example in examples_for(&t, ExampleCorridor::AbidjanOuagadougou) {
        let document = t.to_national(&example).unwrap();
        let back = t.to_standard(&document).unwrap();
        assert_eq!(back.message_type(), example.message_type());
        assert_eq!(back.mrn(), example.mrn());
        assert_eq!(
            transit_codec::conformity::check(&json::encode(&back)).level,
            4,
            "{}: read back from NCTS, below level 4",
            example.message_type().code()
        );
        if matches!(
            example.message_type(),
            MessageType::ReleaseForTransit
                | MessageType::AnticipatedArrivalRecord
                | MessageType::AnticipatedTransitRecord
        ) {
            assert_eq!(
                json::encode(&back),
                json::encode(&example),
                "{}: the declaration crosses NCTS whole",
                example.message_type().code()
            );
        }
    }
}

#[test]
fn a_release_without_the_extras_sigmat_needs_is_refused_naming_them() {
    let text = release();
    let start = text.find("<AdditionalInformation>").unwrap();
    let end = text.rfind("</AdditionalInformation>").unwrap() + "</AdditionalInformation>".len();
    let bare = format!("{}{}", &text[..start], &text[end..]);
    let err = refused(bare.as_bytes());
    assert_eq!(err.class, ErrorClass::MissingElement, "{err}");
    assert_eq!(
        err.place,
        "CD050C/Consignment/AdditionalInformation[code=SGLRN]"
    );
    assert!(err.reason.contains("the gateway adds it"), "{err}");
}

#[test]
fn a_document_outside_the_ncts_namespace_is_refused() {
    let text = release().replace("http://ncts.dgtaxud.ec", "http://example.org");
    let err = refused(text.as_bytes());
    assert_eq!(err.class, ErrorClass::Syntax, "{err}");
    assert!(err.reason.contains("not in the NCTS namespace"), "{err}");
}

#[test]
fn a_message_type_that_disagrees_with_the_root_is_refused() {
    let text = release().replace(
        "<messageType>CD050C</messageType>",
        "<messageType>CD118C</messageType>",
    );
    let err = refused(text.as_bytes());
    assert_eq!(err.place, "CD050C/messageType", "{err}");
}

#[test]
fn truncated_input_is_refused_as_cut_short() {
    let text = release();
    let cut = &text.as_bytes()[..text.find("<HouseConsignment>").unwrap()];
    let err = refused(cut);
    assert_eq!(err.class, ErrorClass::Truncated, "{err}");
}

#[test]
fn a_message_sigmat_does_not_take_is_refused_saying_which_it_takes() {
    let text = release().replace("CD050C", "CD209C");
    let err = refused(text.as_bytes());
    assert_eq!(err.class, ErrorClass::Unsupported, "{err}");
    assert!(err.reason.contains("CD118C"), "{err}");
}

#[test]
fn answers_are_shaped_like_ncts_rejections() {
    let t = translator();
    let refusal = transit_national::Refusal {
        reference: Some("GH-1".into()),
        class: "missing-element".into(),
        ncts_code: None,
        place: "CD050C/Consignment/grossMass".into(),
        reason: "required".into(),
        hint: "add it".into(),
    };
    let answer = String::from_utf8(t.refusal(&refusal)).unwrap();
    assert!(answer.contains("<ncts:CD906C"), "{answer}");
    assert!(
        answer.contains("<errorPointer>CD050C/Consignment/grossMass</errorPointer>"),
        "{answer}"
    );
    assert!(answer.contains("<errorCode>13</errorCode>"), "{answer}");
    let syntax = transit_national::Refusal {
        class: "syntax".into(),
        place: "line 3, column 7".into(),
        ..refusal
    };
    let answer = String::from_utf8(t.refusal(&syntax)).unwrap();
    assert!(answer.contains("<ncts:CD917C"), "{answer}");
    assert!(
        answer.contains("<errorLineNumber>3</errorLineNumber>"),
        "{answer}"
    );
    assert!(
        answer.contains("<errorColumnNumber>7</errorColumnNumber>"),
        "{answer}"
    );
}

#[test]
fn every_element_of_the_25_types_is_accounted_for() {
    use transit_national::report::{accounting, Outcome};
    let rows = accounting(&translator(), ExampleCorridor::AbidjanOuagadougou);
    let types: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r.message_type.code()).collect();
    assert_eq!(types.len(), 25, "{types:?}");
    let unlisted: Vec<String> = rows
        .iter()
        .filter(|r| r.outcome == Outcome::Unlisted)
        .map(|r| format!("{} {}", r.message_type, r.pointer))
        .collect();
    assert!(
        unlisted.is_empty(),
        "elements that travel with no row in FIELDS: {unlisted:?}"
    );
    // The declaration crosses whole: nothing of IE029 is lost.
    let lost: Vec<&str> = rows
        .iter()
        .filter(|r| {
            r.message_type == MessageType::ReleaseForTransit
                && matches!(r.outcome, Outcome::Lost(_))
        })
        .map(|r| r.pointer.as_str())
        .collect();
    assert!(lost.is_empty(), "{lost:?}");
}

#[test]
fn hostile_documents_are_refused_while_they_are_read() {
    let root = r#"<?xml version="1.0" encoding="UTF-8"?><ncts:CD118C xmlns:ncts="http://ncts.dgtaxud.ec">"#;
    // Nested deeper than the shared limit (32): refused at the 33rd level, not built.
    let deep = format!("{root}{}", "<a>".repeat(60_000));
    let err = refused(deep.as_bytes());
    assert_eq!(err.class, ErrorClass::Oversize, "{err}");
    assert!(err.reason.contains("deeper than 32"), "{err}");
    // An element name over 64 bytes.
    let long = format!("{root}<{}>1</x></ncts:CD118C>", "n".repeat(70));
    let err = refused(long.as_bytes());
    assert_eq!(err.class, ErrorClass::Oversize, "{err}");
    // More than 100,000 elements.
    let many = format!("{root}{}</ncts:CD118C>", "<a/>".repeat(100_001));
    let err = refused(many.as_bytes());
    assert_eq!(err.class, ErrorClass::Oversize, "{err}");
    assert!(err.reason.contains("100000"), "{err}");
    // A DOCTYPE (entities) and bytes that are not UTF-8.
    let err = refused(b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><x/>");
    assert_eq!(err.class, ErrorClass::Syntax, "{err}");
    let err = refused(b"<?xml version=\"1.0\"?><ncts:CD118C xmlns:ncts=\"http://ncts.dgtaxud.ec\">\xE9</ncts:CD118C>");
    assert_eq!(err.class, ErrorClass::Encoding, "{err}");
}

#[test]
fn a_guarantee_reference_with_spaces_crosses_whole() {
    let t = translator();
    let text = release().replace("GRN-CI-77881 1250000 XOF", "GRN CI 77881 1250000 XOF");
    let read = t.to_standard(text.as_bytes()).unwrap();
    let transit_model::Body::ReleaseForTransit(d) = read.body() else {
        panic!("not a release")
    };
    let guarantee = d.obligation_guarantee.as_ref().unwrap();
    assert_eq!(guarantee.reference_id.as_str(), "GRN CI 77881");
    assert_eq!(
        guarantee.amount_amount.as_ref().map(|a| a.as_str()),
        Some("1250000")
    );
    let again = t.to_standard(&t.to_national(&read).unwrap()).unwrap();
    assert_eq!(json::encode(&again), json::encode(&read));
}

#[test]
fn a_record_to_an_office_the_tables_do_not_know_is_refused_not_taken_for_a_release() {
    let text = release().replace(
        "<messageRecipient>HUB</messageRecipient>",
        "<messageRecipient>NIAN</messageRecipient>",
    );
    let err = refused(text.as_bytes());
    assert_eq!(err.class, ErrorClass::UnknownCode, "{err}");
    assert_eq!(err.place, "CD050C/messageRecipient");
}

#[test]
fn an_enquiry_answer_code_sigmat_does_not_know_is_refused() {
    let (_, answer) = golden()
        .into_iter()
        .find(|(n, _)| n == "IE143.xml")
        .unwrap();
    let text = String::from_utf8(answer).unwrap().replace(
        "<responseCode>2</responseCode>",
        "<responseCode>7</responseCode>",
    );
    let err = refused(text.as_bytes());
    assert_eq!(err.class, ErrorClass::UnknownCode, "{err}");
    assert!(err.place.ends_with("Enquiry/responseCode"), "{err}");
}

#[test]
fn more_than_nctss_schema_allows_is_not_written_in_ncts() {
    let t = translator();
    let record = examples_for(&t, ExampleCorridor::AbidjanOuagadougou)
        .into_iter()
        .find(|m| m.message_type() == MessageType::AnticipatedTransitRecord)
        .unwrap();
    let transit_model::Body::AnticipatedTransitRecord(mut d) = record.body().clone() else {
        panic!("not a transit record")
    };
    d.transit_office_ids = vec![d.transit_office_ids[0].clone(); 10];
    let message = transit_model::StandardMessage::new(
        record.header().clone(),
        transit_model::Body::AnticipatedTransitRecord(d),
    )
    .unwrap();
    let err = t.to_national(&message).unwrap_err();
    assert_eq!(err.class, ErrorClass::Unsupported, "{err}");
    assert!(err.reason.contains("at most 9"), "{err}");
}

#[test]
fn an_invalid_mrn_is_answered_with_nctss_code_and_sigmats_kept() {
    let refusal = transit_national::Refusal {
        reference: None,
        class: "invalid-mrn".into(),
        ncts_code: Some(93),
        place: "CD050C/TransitOperation/MRN".into(),
        reason: "check digit".into(),
        hint: "correct it".into(),
    };
    let answer = String::from_utf8(translator().refusal(&refusal)).unwrap();
    assert!(answer.contains("<errorCode>12</errorCode>"), "{answer}");
    assert!(
        answer.contains("<errorReason>SG93</errorReason>"),
        "{answer}"
    );
}
