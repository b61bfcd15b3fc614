//! Every CD message the family ships or writes validates against the official NCTS phase 5
//! XSDs (version 51.8.6), with libxml2's `xmllint`, when `SIGMAT_NCTS_XSD_DIR` names their
//! folder (`deploy/local/test` sets it to `../shared/ncts-p5` when that exists). Without it
//! the test says it was skipped.

use national_ncts::Ncts;
use transit_model::CountryCode;
use transit_national::examples::{examples_for, rail_examples, ExampleCorridor};
use transit_national::{fixtures, Mapping, Translator};
use transit_testkit::{
    check_against_official_schemas, official_schemas_dir, OFFICIAL_SCHEMAS_SKIPPED,
};

fn translator() -> Ncts {
    Ncts::new(Mapping::builtin(CountryCode::parse("GH").unwrap()).unwrap())
}

#[test]
fn every_shipped_and_written_cd_message_validates_against_the_official_xsds() {
    if official_schemas_dir().is_none() {
        eprintln!("{OFFICIAL_SCHEMAS_SKIPPED}");
        return;
    }
    let t = translator();
    let mut documents: Vec<(String, Vec<u8>)> = Vec::new();
    let examples = fixtures::examples_dir("ncts");
    documents.extend(fixtures::fixtures(&examples, "xml"));
    documents.extend(
        fixtures::fixtures(&examples.join("rail"), "xml")
            .into_iter()
            .filter(|(name, _)| name.starts_with("IE"))
            .map(|(name, bytes)| (format!("rail-{name}"), bytes)),
    );
    for corridor in [
        ExampleCorridor::AbidjanOuagadougou,
        ExampleCorridor::DakarBamako,
    ] {
        for message in examples_for(&t, corridor)
            .into_iter()
            .chain(rail_examples(corridor))
        {
            let name = format!("{corridor:?}-{}", message.message_type().code());
            documents.push((name, t.to_national(&message).unwrap()));
        }
    }
    let failures: Vec<String> = documents
        .iter()
        .filter_map(|(name, bytes)| check_against_official_schemas(name, bytes)?.err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!(
        "{} NCTS messages validate against the official XSDs",
        documents.len()
    );
}

#[test]
fn the_check_refuses_what_the_official_xsds_refuse() {
    if official_schemas_dir().is_none() {
        eprintln!("{OFFICIAL_SCHEMAS_SKIPPED}");
        return;
    }
    // The check can fail: an office reference one character short breaks CD118C's pattern.
    let passage = std::fs::read(fixtures::examples_dir("ncts").join("IE118.xml")).unwrap();
    let broken = String::from_utf8(passage).unwrap().replace(
        "<referenceNumber>BFNGK001</referenceNumber>",
        "<referenceNumber>BFNGK01</referenceNumber>",
    );
    let err = check_against_official_schemas("broken", broken.as_bytes())
        .unwrap()
        .unwrap_err();
    assert!(err.contains("referenceNumber"), "{err}");
}
