//! Guarantee checks in NCTS's own messages: the shipped CD200C and CD203C read into the hub's
//! question; the hub's answers written as CD201C and CD205C — valid, in use elsewhere, and
//! limited to some countries — and, with `SIGMAT_NCTS_XSD_DIR`, every one of them validates
//! against the official XSDs.

use chrono::{TimeZone, Utc};
use national_ncts::{Ncts, GUARANTEE_REASON_CODES};
use transit_lifecycle::{judge, GuaranteeInUse};
use transit_model::guarantee_check::{GuaranteeCheck, GuaranteeCheckKind, GuaranteeCheckResult};
use transit_model::reference::GuaranteeCover;
use transit_model::{CountryCode, Mrn};
use transit_national::{fixtures, ErrorClass, Mapping, Translator};
use transit_testkit::{
    check_against_official_schemas, official_schemas_dir, OFFICIAL_SCHEMAS_SKIPPED,
};

fn translator() -> Ncts {
    Ncts::new(Mapping::builtin(CountryCode::parse("GH").unwrap()).unwrap())
}

fn example(name: &str) -> Vec<u8> {
    std::fs::read(fixtures::examples_dir("ncts").join(format!("guarantee/{name}.xml"))).unwrap()
}

fn read(name: &str) -> GuaranteeCheck {
    translator()
        .guarantee_check_to_standard(&example(name))
        .expect("a guarantee message")
        .expect("read")
        .check
}

/// The answers to both examples: free, in use by another movement, and with Burkina Faso's
/// cover ended the day before.
fn answers() -> Vec<GuaranteeCheckResult> {
    let now = Utc.with_ymd_and_hms(2026, 11, 26, 7, 56, 0).unwrap();
    let other = GuaranteeInUse {
        grn: "25CI0000000001234".into(),
        mrn: Mrn::parse("26GHEF1O9CVGJMH6J8").unwrap(),
    };
    let ended = GuaranteeCover::from_json(
        r#"{"version": "t", "note": "", "countries": [
            {"country": "CI", "validFrom": "2000-01-01"},
            {"country": "BF", "validFrom": "2000-01-01", "validTo": "2026-11-25"}]}"#,
    )
    .unwrap();
    let builtin = GuaranteeCover::builtin();
    let mut out = Vec::new();
    for name in ["CD200C", "CD203C"] {
        let check = read(name);
        out.push(judge(&check, &[], &builtin, now));
        out.push(judge(&check, std::slice::from_ref(&other), &builtin, now));
        out.push(judge(&check, &[], &ended, now));
    }
    out
}

#[test]
fn the_shipped_check_and_use_read_into_the_hubs_question() {
    let check = read("CD200C");
    assert_eq!(check.kind, GuaranteeCheckKind::Check);
    assert_eq!(check.mrn.as_str(), "25CIUJZDE8GXD6NCJ0");
    assert_eq!(check.office_of_departure.as_str(), "CIABJ001");
    assert_eq!(check.holder, "CI0123456789");
    let countries: Vec<&str> = check.countries.iter().map(CountryCode::as_str).collect();
    assert_eq!(countries, ["CI", "BF"]);
    assert_eq!(check.guarantees.len(), 1);
    let g = &check.guarantees[0];
    assert_eq!(
        (
            g.grn.as_str(),
            g.guarantee_type.as_str(),
            g.amount.as_str(),
            g.currency.as_str()
        ),
        ("25CI0000000001234", "2", "1250000.00", "XOF")
    );
    let used = read("CD203C");
    assert_eq!(used.kind, GuaranteeCheckKind::Use);
    assert_ne!(used.check_id, check.check_id, "each from its own reference");
    assert_eq!(
        read("CD203C").check_id,
        used.check_id,
        "the same message always gets the same id"
    );
}

#[test]
fn other_messages_are_not_guarantee_checks() {
    let t = translator();
    let release = std::fs::read(fixtures::examples_dir("ncts").join("IE029.xml")).unwrap();
    assert!(t.guarantee_check_to_standard(&release).is_none());
    assert!(t.guarantee_check_to_standard(b"{\"train\": 1}").is_none());
}

#[test]
fn a_spoiled_check_is_refused_naming_the_element() {
    let t = translator();
    let text = String::from_utf8(example("CD200C")).unwrap();
    let cases = [
        (
            "<GRN>25CI0000000001234</GRN>",
            "<GRN>25CI-1234</GRN>",
            "GRN",
        ),
        ("<country>BF</country>", "<country>B1</country>", "country"),
        (
            "<identificationNumber>CI0123456789</identificationNumber>",
            "<identificationNumber>CI0123456789012345</identificationNumber>",
            "identificationNumber",
        ),
        (
            "<messageType>CD200C</messageType>",
            "<messageType>CD203C</messageType>",
            "messageType",
        ),
    ];
    for (from, to, element) in cases {
        let spoiled = text.replace(from, to);
        let error = t
            .guarantee_check_to_standard(spoiled.as_bytes())
            .expect("still a guarantee message")
            .expect_err(to);
        assert!(error.place.contains(element), "{to}: {error}");
        assert_ne!(error.class, ErrorClass::Unsupported, "{to}: {error}");
    }
}

#[test]
fn the_answers_carry_each_verdict_in_ncts_terms() {
    let t = translator();
    let answers = answers();
    let written: Vec<String> = answers
        .iter()
        .map(|a| String::from_utf8(t.guarantee_result_to_national(a).unwrap()).unwrap())
        .collect();
    assert!(written[0].contains("<ncts:CD201C") && written[3].contains("<ncts:CD205C"));
    assert!(written[0].contains("<messageRecipient>CIABJ001</messageRecipient>"));
    assert!(
        !written[0].contains("InvalidGuaranteeReason")
            && !written[0].contains("ValidityLimitation")
    );
    let in_use = GUARANTEE_REASON_CODES[0].1;
    assert!(
        written[1].contains(&format!("<code>{in_use}</code>")),
        "{}",
        written[1]
    );
    assert!(written[2].contains("<guaranteeNotValidIn>BF</guaranteeNotValidIn>"));
    assert!(answers[3].use_registered && !answers[4].use_registered);
}

#[test]
fn every_guarantee_message_validates_against_the_official_xsds() {
    if official_schemas_dir().is_none() {
        eprintln!("{OFFICIAL_SCHEMAS_SKIPPED}");
        return;
    }
    let t = translator();
    let mut documents = vec![
        ("CD200C".to_owned(), example("CD200C")),
        ("CD203C".to_owned(), example("CD203C")),
    ];
    for (i, answer) in answers().iter().enumerate() {
        documents.push((
            format!("answer-{i}"),
            t.guarantee_result_to_national(answer).unwrap(),
        ));
    }
    let failures: Vec<String> = documents
        .iter()
        .filter_map(|(name, bytes)| check_against_official_schemas(name, bytes)?.err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_answer_reads_back_as_the_ncts_office_takes_it() {
    let t = translator();
    for answer in answers() {
        let written = t.guarantee_result_to_national(&answer).unwrap();
        let back = t
            .guarantee_result_to_standard(&written)
            .expect("an answer")
            .unwrap();
        let mut expected = answer.clone();
        // A reason's text comes back as its code's meaning.
        for g in &mut expected.guarantees {
            for r in &mut g.reasons {
                r.text = GUARANTEE_REASON_CODES[0].2.to_owned();
            }
        }
        assert_eq!(back, expected);
    }
    let release = std::fs::read(fixtures::examples_dir("ncts").join("IE029.xml")).unwrap();
    assert!(t.guarantee_result_to_standard(&release).is_none());
}
