//! The segment table in schemas/national/gainde/README.md is the format's schema: every
//! `TAG+qualifier` in the fixtures and in what the translator writes is documented there.

use national_gainde::{syntax, Gainde};
use transit_model::CountryCode;
use transit_national::examples::{examples_for, ExampleCorridor};
use transit_national::fixtures::{examples_dir, fixtures};
use transit_national::{Mapping, Translator};

#[test]
fn segment_table_covers_every_segment() {
    let readme = std::fs::read_to_string(examples_dir("gainde").join("../README.md")).unwrap();
    let documented: Vec<String> = readme
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(|cell| {
            let mut parts = cell.split('+');
            let tag = parts.next().unwrap_or_default().to_owned();
            match parts.next() {
                Some(q)
                    if !q.is_empty()
                        && q.chars()
                            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) =>
                {
                    format!("{tag}+{q}")
                }
                _ => tag,
            }
        })
        .collect();
    let t = Gainde::new(Mapping::builtin(CountryCode::parse("SN").unwrap()).unwrap());
    let mut documents: Vec<Vec<u8>> = fixtures(&examples_dir("gainde"), "edi")
        .into_iter()
        .chain(fixtures(&examples_dir("gainde").join("rail"), "edi"))
        .map(|(_, b)| b)
        .collect();
    documents.extend(
        examples_for(&t, ExampleCorridor::DakarBamako)
            .iter()
            .map(|m| t.to_national(m).unwrap()),
    );
    for doc in documents {
        for segment in syntax::parse(&doc).unwrap().segments {
            let with_qualifier = format!("{}+{}", segment.tag, segment.qualifier());
            assert!(
                documented.contains(&with_qualifier)
                    || documented.contains(&segment.tag.to_string()),
                "{with_qualifier} is not in the README's segment table; documented: {documented:?}"
            );
        }
    }
}
