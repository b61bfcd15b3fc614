//! The published XSD (schemas/national/asycuda/asycuda.xsd) and the translator agree: every
//! golden fixture and everything the translator writes validates, and a document the XSD
//! refuses is refused by the translator too.

use national_asycuda::Asycuda;
use transit_model::CountryCode;
use transit_national::examples::{examples_for, ExampleCorridor};
use transit_national::fixtures::{examples_dir, fixtures};
use transit_national::{Mapping, Translator};

fn xsd_errors(documents: &[(String, Vec<u8>)]) -> Option<String> {
    // One directory per call: the tests run in parallel in one process.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("sigmat-asycuda-{}-{call}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let files: Vec<_> = documents
        .iter()
        .map(|(name, doc)| {
            let path = dir.join(name);
            std::fs::write(&path, doc).unwrap();
            path
        })
        .collect();
    let output = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(examples_dir("asycuda").join("../asycuda.xsd"))
        .args(&files)
        .output()
        .expect("xmllint is missing: install libxml2-utils (deploy/local/install-prereqs does)");
    let _ = std::fs::remove_dir_all(&dir);
    (!output.status.success()).then(|| String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn fixtures_and_translator_output_validate_against_the_xsd() {
    let t = Asycuda::new(Mapping::builtin(CountryCode::parse("BF").unwrap()).unwrap());
    let mut documents = fixtures(&examples_dir("asycuda"), "xml");
    documents.extend(fixtures(&examples_dir("asycuda").join("rail"), "xml"));
    let all = examples_for(&t, ExampleCorridor::AbidjanOuagadougou);
    documents.extend(all.iter().map(|m| {
        (
            format!("written-{}.xml", m.message_type().code()),
            t.to_national(m).unwrap(),
        )
    }));
    assert_eq!(xsd_errors(&documents), None);
}

#[test]
fn a_document_the_xsd_refuses_the_translator_refuses() {
    let t = Asycuda::new(Mapping::builtin(CountryCode::parse("BF").unwrap()).unwrap());
    let (_, release) = fixtures(&examples_dir("asycuda"), "xml")
        .into_iter()
        .find(|(n, _)| n == "IE029.xml")
        .unwrap();
    let text = String::from_utf8(release).unwrap();
    let start = text.find("<Financial>").unwrap();
    let end = text.find("</Financial>").unwrap() + "</Financial>".len();
    let without = format!("{}<Financial/>{}", &text[..start], &text[end..]);
    assert!(xsd_errors(&[("no-guarantee.xml".into(), without.clone().into_bytes())]).is_some());
    let err = t.to_standard(without.as_bytes()).unwrap_err();
    assert_eq!(err.place, "ASYCUDA/Financial");
}
