//! The mapping reports in docs/national are what `sigmat national report` writes today, and
//! every mapped field names a standardized element the published schemas know.

use std::path::Path;

use sigmat::national::{report_for, REPORTS};

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[test]
fn the_committed_reports_are_current() {
    for (family, country, ext) in REPORTS {
        let written = report_for(*family, country, ext, &root().join("schemas/national")).unwrap();
        let path = root().join(format!("docs/national/{}.md", family.as_str()));
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            written == committed,
            "{} is out of date: run `cargo run -p sigmat -- national report` and commit it",
            path.display()
        );
    }
}

#[test]
fn every_mapped_field_names_an_element_of_the_schemas() {
    for (family, country, ext) in REPORTS {
        let report = report_for(*family, country, ext, &root().join("schemas/national")).unwrap();
        let unknown: Vec<&str> = report.lines().filter(|l| l.contains("| — |")).collect();
        assert!(unknown.is_empty(), "{family}: {unknown:?}");
        assert!(
            !report.contains("not translated"),
            "{family}: an example does not translate"
        );
    }
}
