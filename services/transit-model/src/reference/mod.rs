//! Reference data shared by every country: customs offices, corridors and code lists, from
//! `schemas/reference/` and `schemas/codelists/`. The files of this version are compiled in
//! ([`ReferenceData::builtin`]); a running network uses the version an operator imported last
//! ([`document`]), which every service receives without a restart.
//! [`guarantee_cover`]: the countries where the regional guarantee is honoured, and when.
//! [`diff`]: what changes from one version to another, as an operator reads it.
//! [`agreements`]: which data each country shares with which, under which legal text.
//! [`mappings`]: each country's national code tables, carried in the same document.

pub mod agreements;
pub mod diff;
pub mod document;
pub mod guarantee_cover;
pub mod mappings;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Deserialize;

pub use agreements::{Agreements, DataGroup, ReceivingRole, Withheld};
pub use document::{Loaded, ReferenceDocument, ReferenceVersion};
pub use guarantee_cover::GuaranteeCover;

use crate::{CountryCode, ModelError, OfficeRef};

/// What an office does on a corridor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OfficeRole {
    /// Goods are released for transit here (usually a port).
    Departure,
    /// A border post: an office of transit.
    Border,
    /// Goods end their transit here.
    Destination,
    /// An inland office on the way.
    Inland,
}

/// A customs office.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Office {
    /// Its reference.
    pub code: OfficeRef,
    /// Its name.
    pub name: String,
    /// Its country (always the reference's prefix).
    pub country: CountryCode,
    /// What it does.
    pub roles: Vec<OfficeRole>,
    /// Latitude (WGS 84), for maps.
    pub latitude: f64,
    /// Longitude (WGS 84), for maps.
    pub longitude: f64,
    /// Its local time's offset from UTC (`+01:00`); the network stores UTC.
    pub utc_offset: String,
    /// The first day it works as a customs office (none: always has).
    #[serde(default)]
    pub valid_from: Option<NaiveDate>,
    /// The last day it did, if it closed (none: still open).
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
}

impl Office {
    /// Whether it works as a customs office on `day` (both ends inclusive).
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.valid_from.is_none_or(|from| from <= day) && self.valid_to.is_none_or(|to| day <= to)
    }

    /// Its validity as a phrase: `from 2027-01-01`, `until 2026-12-31`, `always`.
    pub fn validity(&self) -> String {
        match (self.valid_from, self.valid_to) {
            (None, None) => "always".into(),
            (Some(from), None) => format!("from {from}"),
            (None, Some(to)) => format!("until {to}"),
            (Some(from), Some(to)) => format!("from {from} to {to}"),
        }
    }
}

/// A corridor: offices in route order, by road or by rail.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Corridor {
    /// A stable id (`abidjan-ouagadougou`).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its offices, from departure to destination.
    pub offices: Vec<OfficeRef>,
    /// Road (the default) or rail.
    #[serde(default)]
    pub mode: CorridorMode,
    /// By rail: the station each office works at, with its coordinates (a rail border
    /// station is rarely where the road's border post is).
    #[serde(default)]
    pub stations: Vec<Station>,
}

impl Corridor {
    /// Whether trucks take it (not a rail line).
    pub fn by_road(&self) -> bool {
        self.mode == CorridorMode::Road
    }
}

/// How a corridor's goods travel.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CorridorMode {
    /// Trucks.
    #[default]
    Road,
    /// Trains.
    Rail,
}

/// A rail station where a customs office works.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Station {
    /// The office.
    pub office: OfficeRef,
    /// The station's name.
    pub name: String,
    /// Where (WGS 84).
    pub latitude: f64,
    /// Where (WGS 84).
    pub longitude: f64,
}

/// A rail corridor names a station, with coordinates, for each of its offices; a road one
/// names none.
fn check_stations(corridor: &Corridor) -> Result<(), ModelError> {
    let fail = |why: String| Err(ModelError::new("corridor", &corridor.id, why));
    if corridor.by_road() {
        if !corridor.stations.is_empty() {
            return fail("a road corridor has no stations (give \"mode\": \"rail\")".into());
        }
        return Ok(());
    }
    for office in &corridor.offices {
        if !corridor.stations.iter().any(|s| &s.office == office) {
            return fail(format!(
                "office {office} has no station on this rail corridor"
            ));
        }
    }
    for station in &corridor.stations {
        if !corridor.offices.contains(&station.office) {
            return fail(format!(
                "station {} is at office {}, which is not on this corridor",
                station.name, station.office
            ));
        }
        if !(-90.0..=90.0).contains(&station.latitude)
            || !(-180.0..=180.0).contains(&station.longitude)
        {
            return fail(format!(
                "station {} has no coordinates on Earth",
                station.name
            ));
        }
    }
    Ok(())
}

/// One code of a code list.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Code {
    /// The code.
    pub code: String,
    /// Its meaning.
    pub name: String,
    /// The first day it may be used (none: always could).
    #[serde(default, rename = "validFrom")]
    pub valid_from: Option<NaiveDate>,
    /// The last day it could be used, if withdrawn (none: still in use).
    #[serde(default, rename = "validTo")]
    pub valid_to: Option<NaiveDate>,
}

/// A code list (ISO 3166, ISO 4217, UN/ECE Rec 19, Rec 21).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CodeList {
    /// Which list.
    pub code_list: String,
    /// Where the values come from.
    pub source: String,
    /// The codes.
    pub codes: Vec<Code>,
}

impl CodeList {
    /// Whether `code` is in the list.
    pub fn contains(&self, code: &str) -> bool {
        self.codes.iter().any(|c| c.code == code)
    }

    /// Whether `code` is in the list and in use on `day` (both ends inclusive).
    pub fn contains_on(&self, code: &str, day: NaiveDate) -> bool {
        self.codes.iter().any(|c| {
            c.code == code
                && c.valid_from.is_none_or(|from| from <= day)
                && c.valid_to.is_none_or(|to| day <= to)
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OfficesFile {
    #[allow(dead_code)]
    version: String,
    #[allow(dead_code)]
    note: String,
    offices: Vec<Office>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CorridorsFile {
    #[allow(dead_code)]
    version: String,
    #[allow(dead_code)]
    note: String,
    corridors: Vec<Corridor>,
}

/// All reference data, checked for consistency.
#[derive(Clone, Debug)]
pub struct ReferenceData {
    offices: BTreeMap<OfficeRef, Office>,
    corridors: Vec<Corridor>,
    /// ISO 3166-1 alpha-2 countries.
    pub countries: CodeList,
    /// ISO 4217 currencies.
    pub currencies: CodeList,
    /// UN/ECE Rec 19 transport modes.
    pub transport_modes: CodeList,
    /// UN/ECE Rec 21 package types (the subset in use).
    pub package_types: CodeList,
    /// Harmonized System chapters (two digits).
    pub hs_chapters: CodeList,
}

fn parse<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, ModelError> {
    serde_json::from_str(text).map_err(|e| ModelError::new("reference file", file, e.to_string()))
}

impl ReferenceData {
    /// The reference data published with this version of sigmat.
    pub fn builtin() -> Self {
        Self::from_json(
            include_str!("../../../../schemas/reference/offices.json"),
            include_str!("../../../../schemas/reference/corridors.json"),
            [
                include_str!("../../../../schemas/codelists/iso3166-1-alpha2.json"),
                include_str!("../../../../schemas/codelists/iso4217.json"),
                include_str!("../../../../schemas/codelists/unece-rec19.json"),
                include_str!("../../../../schemas/codelists/unece-rec21-subset.json"),
                include_str!("../../../../schemas/codelists/hs-chapters.json"),
            ],
        )
        .unwrap_or_else(|e| panic!("the built-in reference data is inconsistent: {e}"))
    }

    /// Parses and cross-checks reference files: offices unique and in their prefix's country,
    /// corridors made of known offices.
    pub fn from_json(
        offices: &str,
        corridors: &str,
        code_lists: [&str; 5],
    ) -> Result<Self, ModelError> {
        let offices_file: OfficesFile = parse("offices.json", offices)?;
        let corridors_file: CorridorsFile = parse("corridors.json", corridors)?;
        let mut by_code = BTreeMap::new();
        for office in offices_file.offices {
            if office.code.country() != office.country {
                return Err(ModelError::new(
                    "office",
                    office.code.as_str(),
                    format!(
                        "its reference says {} but its country is {}",
                        office.code.country(),
                        office.country
                    ),
                ));
            }
            if office
                .valid_from
                .zip(office.valid_to)
                .is_some_and(|(from, to)| to < from)
            {
                return Err(ModelError::new(
                    "office",
                    office.code.as_str(),
                    "validTo is before validFrom",
                ));
            }
            if by_code
                .insert(office.code.clone(), office.clone())
                .is_some()
            {
                return Err(ModelError::new(
                    "office",
                    office.code.as_str(),
                    "listed twice",
                ));
            }
        }
        let mut ids = BTreeSet::new();
        for corridor in &corridors_file.corridors {
            if !ids.insert(corridor.id.clone()) {
                return Err(ModelError::new("corridor", &corridor.id, "listed twice"));
            }
            if let Some(unknown) = corridor.offices.iter().find(|o| !by_code.contains_key(*o)) {
                return Err(ModelError::new(
                    "corridor",
                    &corridor.id,
                    format!("office {unknown} is not in offices.json"),
                ));
            }
            check_stations(corridor)?;
        }
        let [countries, currencies, modes, packages, chapters] = code_lists;
        Ok(Self {
            offices: by_code,
            corridors: corridors_file.corridors,
            countries: parse("iso3166-1-alpha2.json", countries)?,
            currencies: parse("iso4217.json", currencies)?,
            transport_modes: parse("unece-rec19.json", modes)?,
            package_types: parse("unece-rec21-subset.json", packages)?,
            hs_chapters: parse("hs-chapters.json", chapters)?,
        })
    }

    /// An office by reference.
    pub fn office(&self, code: &OfficeRef) -> Option<&Office> {
        self.offices.get(code)
    }

    /// An office by reference, if it works as a customs office on `day`.
    pub fn office_on(&self, code: &OfficeRef, day: NaiveDate) -> Option<&Office> {
        self.offices.get(code).filter(|o| o.valid_on(day))
    }

    /// Every office.
    pub fn offices(&self) -> impl Iterator<Item = &Office> {
        self.offices.values()
    }

    /// A corridor by id.
    pub fn corridor(&self, id: &str) -> Option<&Corridor> {
        self.corridors.iter().find(|c| c.id == id)
    }

    /// Every corridor.
    pub fn corridors(&self) -> &[Corridor] {
        &self.corridors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_data_is_consistent_and_covers_the_corridors() {
        let data = ReferenceData::builtin();
        for id in [
            "abidjan-ouagadougou",
            "abidjan-ouagadougou-niamey",
            "cotonou-niamey",
            "lome-ouagadougou",
            "dakar-bamako",
        ] {
            let corridor = data.corridor(id).unwrap_or_else(|| panic!("{id} missing"));
            let first = data.office(&corridor.offices[0]).unwrap();
            let last = data.office(corridor.offices.last().unwrap()).unwrap();
            assert!(
                first.roles.contains(&OfficeRole::Departure),
                "{id} starts at {}",
                first.code
            );
            assert!(
                last.roles.contains(&OfficeRole::Destination),
                "{id} ends at {}",
                last.code
            );
        }
        let countries: BTreeSet<&str> = data.offices().map(|o| o.country.as_str()).collect();
        for country in ["CI", "BF", "NE", "TG", "BJ", "ML", "SN", "GH"] {
            assert!(countries.contains(country), "no office in {country}");
            assert!(data.countries.contains(country));
        }
        assert!(data.currencies.contains("XOF"));
        assert!(data.transport_modes.contains("3"));
        assert!(data.package_types.contains("BG"));
        assert_eq!(data.hs_chapters.codes.len(), 96);
        assert!(data.hs_chapters.contains("10") && !data.hs_chapters.contains("77"));
        for office in data.offices() {
            assert!(
                (-90.0..=90.0).contains(&office.latitude)
                    && (-180.0..=180.0).contains(&office.longitude)
            );
            assert!(
                ["+00:00", "+01:00"].contains(&office.utc_offset.as_str()),
                "{}",
                office.code
            );
        }
    }

    #[test]
    fn offices_and_codes_are_valid_only_within_their_dates() {
        let offices = r#"{"version":"x","note":"x","offices":[
            {"code":"CIABJ001","name":"A","country":"CI","roles":["departure"],"latitude":0,"longitude":0,"utcOffset":"+00:00","validFrom":"2027-01-01","validTo":"2027-06-30"}]}"#;
        let corridors = r#"{"version":"x","note":"x","corridors":[]}"#;
        let list = r#"{"codeList":"x","source":"x","codes":[]}"#;
        let data = ReferenceData::from_json(offices, corridors, [list; 5]).unwrap();
        let code = OfficeRef::parse("CIABJ001").unwrap();
        let day = |d: &str| d.parse::<NaiveDate>().unwrap();
        assert!(data.office_on(&code, day("2026-12-31")).is_none());
        assert!(data.office_on(&code, day("2027-01-01")).is_some());
        assert!(data.office_on(&code, day("2027-06-30")).is_some());
        assert!(data.office_on(&code, day("2027-07-01")).is_none());
        assert_eq!(
            data.office(&code).unwrap().validity(),
            "from 2027-01-01 to 2027-06-30"
        );
        let list = r#"{"codeList":"x","source":"x","codes":[{"code":"ZWG","name":"Zimbabwe Gold","validFrom":"2024-04-05"},{"code":"ZWL","name":"Zimbabwe dollar","validTo":"2024-09-30"}]}"#;
        let lists = ReferenceData::from_json(offices, corridors, [list; 5]).unwrap();
        assert!(!lists.currencies.contains_on("ZWG", day("2024-04-04")));
        assert!(lists.currencies.contains_on("ZWG", day("2024-04-05")));
        assert!(lists.currencies.contains_on("ZWL", day("2024-09-30")));
        assert!(!lists.currencies.contains_on("ZWL", day("2024-10-01")));
        let backwards = offices.replace("2027-06-30", "2026-06-30");
        let err = ReferenceData::from_json(&backwards, corridors, [list; 5]).unwrap_err();
        assert!(err.reason.contains("validTo is before validFrom"), "{err}");
    }

    #[test]
    fn inconsistent_files_are_refused_with_the_reason() {
        let offices = r#"{"version":"x","note":"x","offices":[{"code":"CIABJ001","name":"A","country":"BF","roles":["departure"],"latitude":0,"longitude":0,"utcOffset":"+00:00"}]}"#;
        let corridors = r#"{"version":"x","note":"x","corridors":[]}"#;
        let list = r#"{"codeList":"x","source":"x","codes":[]}"#;
        let err = ReferenceData::from_json(offices, corridors, [list; 5]).unwrap_err();
        assert!(err.reason.contains("country is BF"), "{err}");

        let offices = offices.replace("\"BF\"", "\"CI\"");
        let corridors = r#"{"version":"x","note":"x","corridors":[{"id":"c","name":"C","offices":["CIABJ001","BFOUA001"]}]}"#;
        let err = ReferenceData::from_json(&offices, corridors, [list; 5]).unwrap_err();
        assert!(
            err.reason.contains("BFOUA001 is not in offices.json"),
            "{err}"
        );
    }
}
