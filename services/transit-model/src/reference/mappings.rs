//! National mapping tables in the reference data: each country's code tables
//! (`national/mapping/<cc>.json`, the "My Information Package" its adapter translates with) travel
//! in the same versioned document as the offices, so a new office's national code reaches the
//! adapter that needs it with the import that opens the office — no rebuild, no restart.
//!
//! Here only what the document needs: where a country's table sits, that it covers every office
//! of its country in the reference data, and what changed from one version to the next. The
//! tables themselves are read by `transit-national` (`Mapping::from_json`).

use std::collections::BTreeMap;

use serde_json::Value;

use super::document::ReferenceDocument;
use super::ReferenceData;
use crate::{CountryCode, ModelError};

/// The folder of the mapping tables in a document, as under `schemas/`.
pub const MAPPINGS_DIR: &str = "national/mapping/";

/// The path of `country`'s table in a document: `national/mapping/bf.json`.
pub fn path_of(country: CountryCode) -> String {
    format!("{MAPPINGS_DIR}{}.json", country.as_str().to_lowercase())
}

/// The country whose table sits at `path`, if `path` is a mapping table's.
pub fn country_of_path(path: &str) -> Option<CountryCode> {
    let code = path.strip_prefix(MAPPINGS_DIR)?.strip_suffix(".json")?;
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    CountryCode::parse(&code.to_uppercase()).ok()
}

impl ReferenceDocument {
    /// `country`'s mapping table, if the document holds one.
    pub fn mapping(&self, country: CountryCode) -> Option<&Value> {
        self.0.get(&path_of(country))
    }

    /// Every mapping table the document holds, by country.
    pub fn mappings(&self) -> BTreeMap<CountryCode, &Value> {
        self.0
            .iter()
            .filter_map(|(path, table)| Some((country_of_path(path)?, table)))
            .collect()
    }

    /// Adds the tables of `kept` for the countries this document has none for: an import that
    /// leaves a country's table out keeps the one in force.
    pub fn keep_mappings_of(&mut self, kept: &ReferenceDocument) {
        for (country, table) in kept.mappings() {
            self.0
                .entry(path_of(country))
                .or_insert_with(|| table.clone());
        }
    }

    /// The tables in force with `self`: its own, then `in_force`'s, then those published with
    /// sigmat — what the adapters translate with (a version imported before the tables
    /// travelled with the reference data has none, and its adapters use the published ones).
    pub fn with_mappings_in_force(&self, in_force: &ReferenceDocument) -> ReferenceDocument {
        let mut document = self.clone();
        document.keep_mappings_of(in_force);
        document.keep_mappings_of(&ReferenceDocument::builtin());
        document
    }
}

/// The offices of a table, national code by reference (rows that are not objects with both are
/// left to `transit-national` to refuse).
fn offices(table: &Value) -> BTreeMap<String, String> {
    table["offices"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|row| {
            Some((
                row["reference"].as_str()?.to_owned(),
                row["national"].as_str()?.to_owned(),
            ))
        })
        .collect()
}

/// Checks each table against `data`: it names its own country, and every office of that
/// country in the reference data has its national code — or the document is refused naming
/// the offices without one.
pub fn check(document: &ReferenceDocument, data: &ReferenceData) -> Result<(), ModelError> {
    for (country, table) in document.mappings() {
        let path = path_of(country);
        if table["country"].as_str() != Some(country.as_str()) {
            return Err(ModelError::new(
                "reference file",
                &path,
                format!(
                    "its \"country\" is {}, not {country}: a table sits at national/mapping/<its country in lower case>.json",
                    table["country"]
                ),
            ));
        }
        let mapped = offices(table);
        let missing: Vec<String> = data
            .offices()
            .filter(|o| o.country == country && !mapped.contains_key(o.code.as_str()))
            .map(|o| format!("{} ({})", o.code, o.name))
            .collect();
        if !missing.is_empty() {
            return Err(ModelError::new(
                "reference file",
                &path,
                format!(
                    "{country}'s national system has no code for {}: add a row {{\"national\": \"…\", \"reference\": \"…\"}} for each to \"offices\" (its national system cannot read a message naming an office it has no code for)",
                    missing.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// What changed in the mapping tables from `old` to `new`, one line each: a table added or
/// removed, an office's national code added, changed or removed, another table changed.
pub fn changes(old: &ReferenceDocument, new: &ReferenceDocument) -> Vec<String> {
    let mut lines = Vec::new();
    let (before, after) = (old.mappings(), new.mappings());
    for (country, table) in &after {
        let Some(was) = before.get(country) else {
            lines.push(format!(
                "+ national mapping {country}: {} ({} offices)",
                table["system"].as_str().unwrap_or("?"),
                offices(table).len()
            ));
            continue;
        };
        super::diff::compare(
            &mut lines,
            &format!("national code in {country}'s mapping of"),
            &offices(was),
            &offices(table),
            Clone::clone,
        );
        let rest = |t: &Value| {
            let mut t = t.clone();
            if let Some(object) = t.as_object_mut() {
                object.remove("offices");
            }
            t
        };
        if rest(was) != rest(table) {
            lines.push(format!(
                "~ national mapping {country}: its other tables or its description changed (sigmat reference export, then compare {})",
                path_of(*country)
            ));
        }
    }
    for country in before.keys().filter(|c| !after.contains_key(*c)) {
        lines.push(format!("- national mapping {country}"));
    }
    lines
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn bf(document: &mut ReferenceDocument) -> &mut Value {
        document.0.get_mut("national/mapping/bf.json").unwrap()
    }

    #[test]
    fn a_table_sits_at_its_countrys_path() {
        let bf_code = CountryCode::parse("BF").unwrap();
        assert_eq!(path_of(bf_code), "national/mapping/bf.json");
        assert_eq!(country_of_path("national/mapping/bf.json"), Some(bf_code));
        for not in [
            "national/mapping/BF.json",
            "national/mapping/bfa.json",
            "national/mapping/bf.xml",
            "reference/offices.json",
        ] {
            assert_eq!(country_of_path(not), None, "{not}");
        }
    }

    #[test]
    fn the_builtin_document_holds_the_shipped_tables_and_they_cover_every_office() {
        let document = ReferenceDocument::builtin();
        let countries: Vec<String> = document
            .mappings()
            .keys()
            .map(ToString::to_string)
            .collect();
        assert_eq!(countries, ["BF", "BJ", "CI", "GH", "ML", "NE", "SN", "TG"]);
        document
            .check()
            .expect("the shipped tables cover the shipped offices");
    }

    #[test]
    fn an_office_without_its_national_code_is_refused_by_name() {
        let mut document = ReferenceDocument::builtin();
        document.0.get_mut("reference/offices.json").unwrap()["offices"]
            .as_array_mut()
            .unwrap()
            .push(json!({
                "code": "BFLAL001", "name": "Laléraba", "country": "BF", "roles": ["border"],
                "latitude": 10.1, "longitude": -5.2, "utcOffset": "+00:00"
            }));
        let err = document.check().unwrap_err();
        assert_eq!(err.value, "national/mapping/bf.json");
        assert!(err.reason.contains("BFLAL001 (Laléraba)"), "{err}");

        let old = document.clone();
        bf(&mut document)["offices"]
            .as_array_mut()
            .unwrap()
            .push(json!({"national": "LALE", "reference": "BFLAL001", "name": "Laléraba"}));
        document.check().expect("covered now");
        assert_eq!(
            changes(&old, &document),
            ["+ national code in BF's mapping of BFLAL001: LALE"]
        );
    }

    #[test]
    fn a_table_naming_another_country_is_refused() {
        let mut document = ReferenceDocument::builtin();
        bf(&mut document)["country"] = json!("NE");
        let err = document.check().unwrap_err();
        assert!(err.reason.contains("not BF"), "{err}");
    }

    #[test]
    fn changes_name_tables_added_removed_and_changed() {
        let old = ReferenceDocument::builtin();
        let mut new = old.clone();
        let mut gn = old
            .mapping(CountryCode::parse("BF").unwrap())
            .unwrap()
            .clone();
        gn["country"] = json!("GN");
        gn["system"] = json!("ASYCUDA World (Guinea)");
        gn["offices"] = json!([{"national": "CKRY", "reference": "GNCKY001"}]);
        new.0.insert("national/mapping/gn.json".into(), gn);
        new.0.remove("national/mapping/tg.json");
        bf(&mut new)["offices"][0]["national"] = json!("OUA1");
        bf(&mut new)["currencies"] = json!([]);
        assert_eq!(
            changes(&old, &new),
            [
                "~ national code in BF's mapping of BFOUA001: OUA1 (was OUAG)",
                "~ national mapping BF: its other tables or its description changed (sigmat reference export, then compare national/mapping/bf.json)",
                "+ national mapping GN: ASYCUDA World (Guinea) (1 offices)",
                "- national mapping TG",
            ]
        );
        let mut kept = ReferenceDocument::builtin();
        kept.0.retain(|path, _| country_of_path(path).is_none());
        kept.keep_mappings_of(&new);
        assert_eq!(kept.mappings().len(), 8, "BF..SN and GN, TG was removed");
        let mut old_version = ReferenceDocument::builtin();
        old_version
            .0
            .retain(|path, _| country_of_path(path).is_none());
        let in_force = old_version.with_mappings_in_force(&old_version);
        assert_eq!(in_force.mappings().len(), 8, "the published ones");
        assert_eq!(
            in_force.mapping(CountryCode::parse("BF").unwrap()),
            ReferenceDocument::builtin().mapping(CountryCode::parse("BF").unwrap())
        );
    }
}
