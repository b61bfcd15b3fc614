//! The published JSON Schema (schemas/national/sydam/sydam.schema.json) and the translator
//! agree: every golden fixture and everything the translator writes validates, and documents
//! the schema refuses are refused by the translator too.

use national_sydam::Sydam;
use transit_model::CountryCode;
use transit_national::examples::{examples_for, ExampleCorridor};
use transit_national::fixtures::{examples_dir, fixtures};
use transit_national::{Mapping, Translator};

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_slice(
        &std::fs::read(examples_dir("sydam").join("../sydam.schema.json")).unwrap(),
    )
    .unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn translator() -> Sydam {
    Sydam::new(Mapping::builtin(CountryCode::parse("CI").unwrap()).unwrap())
}

#[test]
fn fixtures_and_translator_output_validate_against_the_schema() {
    let validator = validator();
    let t = translator();
    let mut documents = fixtures(&examples_dir("sydam"), "json");
    documents.extend(fixtures(&examples_dir("sydam").join("rail"), "json"));
    documents.extend(
        examples_for(&t, ExampleCorridor::AbidjanOuagadougou)
            .iter()
            .map(|m| {
                (
                    m.message_type().code().to_owned(),
                    t.to_national(m).unwrap(),
                )
            }),
    );
    for (name, doc) in documents {
        let value: serde_json::Value = serde_json::from_slice(&doc).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
}

/// A change that breaks a document.
type Mutation = Box<dyn Fn(&mut serde_json::Value)>;

#[test]
fn documents_the_schema_refuses_the_translator_refuses() {
    let validator = validator();
    let (_, release) = fixtures(&examples_dir("sydam"), "json")
        .into_iter()
        .find(|(n, _)| n == "IE029.json")
        .unwrap();
    let release: serde_json::Value = serde_json::from_slice(&release).unwrap();
    let mutations: Vec<(&str, Mutation)> = vec![
        (
            "no guarantee",
            Box::new(|v| {
                v["declaration"].as_object_mut().unwrap().remove("garantie");
            }),
        ),
        (
            "unknown field",
            Box::new(|v| {
                v["declaration"]["poidsNet"] = "1".into();
            }),
        ),
        (
            "bad MRN",
            Box::new(|v| {
                v["entete"]["numeroMRN"] = "25CI".into();
            }),
        ),
        (
            "no section",
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("declaration");
            }),
        ),
        (
            "bad date",
            Box::new(|v| {
                v["declaration"]["dateMainlevee"] = "26/11/2026".into();
            }),
        ),
        (
            "bad control code",
            Box::new(|v| {
                v["entete"]["typeMessage"] = "RESULTAT_CONTROLE".into();
                v["resultatControle"] = serde_json::json!({"bureau": "CIAB1", "dateControle": "2026-11-26T08:00:00Z", "code": "Z9", "scellesIntacts": true});
            }),
        ),
    ];
    for (name, mutate) in mutations {
        let mut doc = release.clone();
        mutate(&mut doc);
        assert!(!validator.is_valid(&doc), "{name}: the schema accepts it");
        assert!(
            translator()
                .to_standard(doc.to_string().as_bytes())
                .is_err(),
            "{name}: the translator accepts it"
        );
    }
}
