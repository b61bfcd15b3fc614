//! The reference data as one versioned document: the files of `schemas/reference/` and
//! `schemas/codelists/`, keyed by their path under `schemas/`, as an operator imports them
//! (`sigmat reference import`) and as every service receives them. Nothing here reads a file or
//! a topic: the callers bring the texts.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Agreements, GuaranteeCover, ReferenceData};
use crate::ModelError;

/// The files a document holds, by path under `schemas/`, in the order they are checked.
pub const FILES: [&str; 8] = [
    "reference/offices.json",
    "reference/corridors.json",
    "reference/guarantee-cover.json",
    "codelists/iso3166-1-alpha2.json",
    "codelists/iso4217.json",
    "codelists/unece-rec19.json",
    "codelists/unece-rec21-subset.json",
    "codelists/hs-chapters.json",
];

/// Files a document may hold besides [`FILES`]: the risk rules (`schemas/risk/rules.json`,
/// checked by `transit-risk` where they are used; a document without them scores nothing),
/// the telematics geography and rules (`schemas/telematics/`, checked by `transit-telematics`;
/// without them the tracker judges by the ones published with sigmat), and the data-sharing
/// agreements (checked here; a document without them — one imported before agreements
/// existed — shares under the ones published with sigmat).
pub const OPTIONAL_FILES: [&str; 4] = [
    "risk/rules.json",
    "telematics/geography.json",
    "telematics/rules.json",
    AGREEMENTS_FILE,
];

/// The agreements' file in a document.
pub const AGREEMENTS_FILE: &str = "reference/agreements.json";

/// The telematics files of [`OPTIONAL_FILES`], imported with the reference data.
pub const TELEMATICS_FILES: [&str; 2] = [OPTIONAL_FILES[1], OPTIONAL_FILES[2]];

/// The reference files, each as its JSON, keyed by path under `schemas/` ([`FILES`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ReferenceDocument(pub BTreeMap<String, Value>);

/// The reference data a document holds, checked.
#[derive(Clone, Debug)]
pub struct Checked {
    /// Offices, corridors and code lists.
    pub data: ReferenceData,
    /// Where the guarantee is honoured.
    pub cover: GuaranteeCover,
    /// Which data each country shares with which.
    pub agreements: Agreements,
}

impl ReferenceDocument {
    /// The files published with this version of sigmat: what a new network is seeded with.
    pub fn builtin() -> Self {
        let texts = [
            include_str!("../../../../schemas/reference/offices.json"),
            include_str!("../../../../schemas/reference/corridors.json"),
            include_str!("../../../../schemas/reference/guarantee-cover.json"),
            include_str!("../../../../schemas/codelists/iso3166-1-alpha2.json"),
            include_str!("../../../../schemas/codelists/iso4217.json"),
            include_str!("../../../../schemas/codelists/unece-rec19.json"),
            include_str!("../../../../schemas/codelists/unece-rec21-subset.json"),
            include_str!("../../../../schemas/codelists/hs-chapters.json"),
            include_str!("../../../../schemas/risk/rules.json"),
            include_str!("../../../../schemas/telematics/geography.json"),
            include_str!("../../../../schemas/telematics/rules.json"),
            include_str!("../../../../schemas/reference/agreements.json"),
        ];
        let mappings = [
            (
                "bf",
                include_str!("../../../../schemas/national/mapping/bf.json"),
            ),
            (
                "bj",
                include_str!("../../../../schemas/national/mapping/bj.json"),
            ),
            (
                "ci",
                include_str!("../../../../schemas/national/mapping/ci.json"),
            ),
            (
                "gh",
                include_str!("../../../../schemas/national/mapping/gh.json"),
            ),
            (
                "ml",
                include_str!("../../../../schemas/national/mapping/ml.json"),
            ),
            (
                "ne",
                include_str!("../../../../schemas/national/mapping/ne.json"),
            ),
            (
                "sn",
                include_str!("../../../../schemas/national/mapping/sn.json"),
            ),
            (
                "tg",
                include_str!("../../../../schemas/national/mapping/tg.json"),
            ),
        ]
        .map(|(cc, text)| (format!("{}{cc}.json", super::mappings::MAPPINGS_DIR), text));
        Self::from_texts(
            FILES
                .iter()
                .chain(&OPTIONAL_FILES)
                .copied()
                .zip(texts)
                .chain(mappings.iter().map(|(path, text)| (path.as_str(), *text))),
        )
        .unwrap_or_else(|e| panic!("the built-in reference files are not JSON: {e}"))
    }

    /// A document of files read elsewhere, each `(path under schemas/, text)`.
    pub fn from_texts<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, ModelError> {
        files
            .into_iter()
            .map(|(path, text)| {
                serde_json::from_str(text)
                    .map(|value| (path.to_owned(), value))
                    .map_err(|e| ModelError::new("reference file", path, format!("not JSON: {e}")))
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }

    /// The risk rules' JSON, if the document holds them.
    pub fn risk_rules(&self) -> Option<&Value> {
        self.0.get(OPTIONAL_FILES[0])
    }

    /// The file at `path` (under `schemas/`), if the document holds it.
    pub fn file(&self, path: &str) -> Option<&Value> {
        self.0.get(path)
    }

    /// Checks the document: exactly the files of [`FILES`], each as its format requires and
    /// consistent with the others (offices in their prefix's country, corridors of listed
    /// offices, validity dates in order).
    pub fn check(&self) -> Result<Checked, ModelError> {
        if let Some(unknown) = self.0.keys().find(|k| {
            !FILES.contains(&k.as_str())
                && !OPTIONAL_FILES.contains(&k.as_str())
                && super::mappings::country_of_path(k).is_none()
        }) {
            return Err(ModelError::new(
                "reference file",
                unknown,
                format!(
                    "not a reference file; a document holds {} (and may hold {} and national/mapping/<cc>.json)",
                    FILES.join(", "),
                    OPTIONAL_FILES.join(", ")
                ),
            ));
        }
        let text = |path: &str| {
            self.0.get(path).map(Value::to_string).ok_or_else(|| {
                ModelError::new(
                    "reference file",
                    path,
                    "missing: a document holds every reference file, changed or not",
                )
            })
        };
        let texts: Vec<String> = FILES
            .iter()
            .map(|path| text(path))
            .collect::<Result<_, _>>()?;
        let [offices, corridors, cover, countries, currencies, modes, packages, chapters] =
            std::array::from_fn(|i| texts[i].as_str());
        let data = ReferenceData::from_json(
            offices,
            corridors,
            [countries, currencies, modes, packages, chapters],
        )?;
        super::mappings::check(self, &data)?;
        Ok(Checked {
            data,
            cover: GuaranteeCover::from_json(cover)?,
            agreements: match self.0.get(AGREEMENTS_FILE) {
                Some(json) => Agreements::from_json(&json.to_string())?,
                None => Agreements::builtin(),
            },
        })
    }
}

/// One imported version of the reference data, as the hub keeps it and publishes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReferenceVersion {
    /// 1 for the data a network was seeded with, then one more per import.
    pub version: i64,
    /// When it was imported.
    pub imported_at: DateTime<Utc>,
    /// Who imported it (`seed` for the first).
    pub imported_by: String,
    /// Why, as the operator said.
    pub note: String,
    /// The files.
    pub document: ReferenceDocument,
}

/// A version checked and ready to decide under: what a service holds as "in force".
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The version as imported.
    pub version: ReferenceVersion,
    /// Its offices, corridors and code lists (shared with every batch decided under it).
    pub data: std::sync::Arc<ReferenceData>,
    /// Its guarantee cover.
    pub cover: GuaranteeCover,
    /// Its data-sharing agreements.
    pub agreements: std::sync::Arc<Agreements>,
}

impl ReferenceVersion {
    /// Checks the document and makes it ready to use.
    pub fn load(self) -> Result<Loaded, ModelError> {
        let checked = self.document.check()?;
        Ok(Loaded {
            version: self,
            data: std::sync::Arc::new(checked.data),
            cover: checked.cover,
            agreements: std::sync::Arc::new(checked.agreements),
        })
    }
}

impl Loaded {
    /// The data published with this version of sigmat, as version 0: what a service uses until
    /// it has read the network's (a network is seeded with it as version 1).
    pub fn builtin(now: DateTime<Utc>) -> Self {
        ReferenceVersion {
            version: 0,
            imported_at: now,
            imported_by: "built in".into(),
            note: "the reference files published with this version of sigmat".into(),
            document: ReferenceDocument::builtin(),
        }
        .load()
        .unwrap_or_else(|e| panic!("the built-in reference data is inconsistent: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_document_holds_the_builtin_data() {
        let checked = ReferenceDocument::builtin().check().unwrap();
        let builtin = ReferenceData::builtin();
        assert_eq!(checked.data.offices().count(), builtin.offices().count());
        assert_eq!(checked.data.corridors(), builtin.corridors());
        assert_eq!(checked.cover, GuaranteeCover::builtin());
    }

    #[test]
    fn a_document_must_hold_every_file_and_no_other() {
        let mut missing = ReferenceDocument::builtin();
        missing.0.remove("codelists/iso4217.json");
        let err = missing.check().unwrap_err();
        assert_eq!(err.value, "codelists/iso4217.json");
        assert!(err.reason.contains("missing"), "{err}");

        let mut without_rules = ReferenceDocument::builtin();
        assert!(
            without_rules.risk_rules().is_some(),
            "the built-in document has the starter rules"
        );
        without_rules.0.remove("risk/rules.json");
        assert!(without_rules.check().is_ok(), "the risk rules are optional");

        let mut extra = ReferenceDocument::builtin();
        extra.0.insert("reference/roads.json".into(), Value::Null);
        let err = extra.check().unwrap_err();
        assert_eq!(err.value, "reference/roads.json");

        let err = ReferenceDocument::from_texts([("reference/offices.json", "{")]).unwrap_err();
        assert!(err.reason.contains("not JSON"), "{err}");
    }

    #[test]
    fn an_inconsistent_document_is_refused_with_the_office() {
        let mut document = ReferenceDocument::builtin();
        let offices = document.0.get_mut("reference/offices.json").unwrap();
        offices["offices"][0]["country"] = Value::from("BF");
        let err = document.check().unwrap_err();
        assert!(err.reason.contains("country is BF"), "{err}");
    }

    #[test]
    fn a_rail_corridor_names_a_station_for_each_office_and_only_those() {
        fn rail(document: &mut ReferenceDocument) -> &mut Value {
            let corridors = document.0.get_mut("reference/corridors.json").unwrap();
            let list = corridors["corridors"].as_array_mut().unwrap();
            list.iter_mut().find(|c| c["mode"] == "rail").unwrap()
        }
        let builtin = ReferenceDocument::builtin().check().unwrap();
        let line = builtin.data.corridor("abidjan-ouagadougou-rail").unwrap();
        assert!(!line.by_road());
        assert_eq!(line.stations.len(), line.offices.len());

        let mut missing = ReferenceDocument::builtin();
        rail(&mut missing)["stations"]
            .as_array_mut()
            .unwrap()
            .remove(1);
        let err = missing.check().unwrap_err();
        assert!(err.reason.contains("CIOUG001 has no station"), "{err}");

        let mut elsewhere = ReferenceDocument::builtin();
        rail(&mut elsewhere)["stations"][0]["office"] = Value::from("BFKAN001");
        let err = elsewhere.check().unwrap_err();
        assert!(
            err.reason.contains("not on this corridor") || err.reason.contains("no station"),
            "{err}"
        );

        let mut road_with_stations = ReferenceDocument::builtin();
        let stations = rail(&mut road_with_stations)["stations"].clone();
        let corridors = road_with_stations
            .0
            .get_mut("reference/corridors.json")
            .unwrap();
        corridors["corridors"][0]["stations"] = stations;
        let err = road_with_stations.check().unwrap_err();
        assert!(
            err.reason.contains("road corridor has no stations"),
            "{err}"
        );
    }
}
