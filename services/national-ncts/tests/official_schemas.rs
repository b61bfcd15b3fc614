//! Every CD message the family ships or writes validates against the official NCTS phase 5
//! XSDs (version 51.8.6), with libxml2's `xmllint`, when `SIGMAT_NCTS_XSD_DIR` names their
//! folder (the one holding `cd/CD050C.xsd`; `deploy/local/test` sets it to
//! `../shared/ncts-p5` when that exists). Without it the test says it was skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

use national_ncts::Ncts;
use transit_model::CountryCode;
use transit_national::examples::{examples_for, rail_examples, ExampleCorridor};
use transit_national::{fixtures, Mapping, Translator};

fn xsd_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os("SIGMAT_NCTS_XSD_DIR")?);
    assert!(
        dir.join("cd").join("CD050C.xsd").is_file(),
        "SIGMAT_NCTS_XSD_DIR={} does not hold cd/CD050C.xsd: point it at the folder of the official XSDs (docs/national/ncts.md)",
        dir.display()
    );
    Some(dir)
}

/// Validates `document` against its root's schema; the problems xmllint reports, if any.
fn validate(dir: &Path, name: &str, document: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(document);
    let root = text
        .split("<ncts:")
        .nth(1)
        .and_then(|rest| rest.split([' ', '>']).next())
        .ok_or_else(|| format!("{name}: no ncts: root"))?;
    let schema = dir.join("cd").join(format!("{root}.xsd"));
    let file = std::env::temp_dir().join(format!("sigmat-ncts-{}-{name}", std::process::id()));
    std::fs::write(&file, document).unwrap();
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("xmllint (libxml2-utils) is needed to check NCTS messages against the official XSDs: {e}"));
    let _ = std::fs::remove_file(&file);
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{name} ({root}): {}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn translator() -> Ncts {
    Ncts::new(Mapping::builtin(CountryCode::parse("GH").unwrap()).unwrap())
}

#[test]
fn every_shipped_and_written_cd_message_validates_against_the_official_xsds() {
    let Some(dir) = xsd_dir() else {
        eprintln!(
            "SKIPPED: the NCTS messages were not checked against the official XSDs 51.8.6 (set SIGMAT_NCTS_XSD_DIR to their folder; docs/national/ncts.md says where to get them)"
        );
        return;
    };
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
            let name = format!("{corridor:?}-{}.xml", message.message_type().code());
            documents.push((name, t.to_national(&message).unwrap()));
        }
    }
    let failures: Vec<String> = documents
        .iter()
        .filter_map(|(name, bytes)| validate(&dir, name, bytes).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!(
        "{} NCTS messages validate against {}",
        documents.len(),
        dir.display()
    );
}

#[test]
fn the_validator_refuses_what_the_official_xsds_refuse() {
    let Some(dir) = xsd_dir() else {
        eprintln!("SKIPPED: no SIGMAT_NCTS_XSD_DIR (see the test above)");
        return;
    };
    // The check can fail: an office reference one character short breaks CD118C's pattern.
    let passage = std::fs::read(fixtures::examples_dir("ncts").join("IE118.xml")).unwrap();
    let broken = String::from_utf8(passage).unwrap().replace(
        "<referenceNumber>BFNGK001</referenceNumber>",
        "<referenceNumber>BFNGK01</referenceNumber>",
    );
    let err = validate(&dir, "broken.xml", broken.as_bytes()).unwrap_err();
    assert!(err.contains("referenceNumber"), "{err}");
}
