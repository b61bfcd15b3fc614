//! A country's code tables — its "My Information Package": national office codes, package
//! kinds, transport modes and currencies, each mapped one-to-one onto the standardized code.
//! Kept as reviewable JSON files in `schemas/national/mapping/<cc>.json`.

use std::collections::BTreeMap;

use serde::Deserialize;
use transit_model::reference::ReferenceDocument;
use transit_model::{CountryCode, OfficeRef};

use crate::{CharacterEncoding, ErrorClass, TranslateError};

/// A family of national customs systems, each with its own message format.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    Deserialize,
    serde::Serialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// The standardized JSON itself (a national system that speaks it natively).
    #[default]
    Standard,
    /// ASYCUDA World / SYDONIA World style XML (BF, NE, ML, TG, BJ).
    Asycuda,
    /// A JSON REST system in the style of SYDAM World (CI).
    Sydam,
    /// A UN/EDIFACT system in the style of GAINDE (SN).
    Gainde,
    /// An NCTS phase 5 system: the common-domain CD messages of the Common Transit
    /// Convention (GH stands in for one).
    Ncts,
}

impl Family {
    /// Parses `standard`, `asycuda`, `sydam`, `gainde` or `ncts`.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "standard" => Some(Self::Standard),
            "asycuda" => Some(Self::Asycuda),
            "sydam" => Some(Self::Sydam),
            "gainde" => Some(Self::Gainde),
            "ncts" => Some(Self::Ncts),
            _ => None,
        }
    }

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::Asycuda => "asycuda",
            Self::Sydam => "sydam",
            Self::Gainde => "gainde",
            Self::Ncts => "ncts",
        }
    }
}

impl std::fmt::Display for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A mapping file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("mapping for {country}: {reason}")]
pub struct MappingError {
    /// The file's country (or `?`).
    pub country: String,
    /// What is wrong.
    pub reason: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct File {
    country: CountryCode,
    family: Family,
    system: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    encoding: CharacterEncoding,
    offices: Vec<OfficeRow>,
    package_kinds: Vec<CodeRow>,
    transport_modes: Vec<CodeRow>,
    currencies: Vec<CodeRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OfficeRow {
    national: String,
    reference: OfficeRef,
    #[serde(default)]
    #[allow(dead_code)]
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeRow {
    national: String,
    standard: String,
    #[serde(default)]
    #[allow(dead_code)]
    label: String,
}

/// The published tables, read once (a translator is made per message in the fuzz targets).
fn published() -> &'static [Mapping] {
    static PUBLISHED: std::sync::OnceLock<Vec<Mapping>> = std::sync::OnceLock::new();
    PUBLISHED.get_or_init(|| {
        ReferenceDocument::builtin()
            .mappings()
            .into_values()
            .map(|table| Mapping::from_value(table).unwrap_or_else(|err| panic!("{err}")))
            .collect()
    })
}

/// One two-way code table.
#[derive(Clone, Debug, Default)]
struct Table {
    to_standard: BTreeMap<String, String>,
    to_national: BTreeMap<String, String>,
}

impl Table {
    fn build(
        country: &str,
        what: &str,
        rows: impl Iterator<Item = (String, String)>,
    ) -> Result<Self, MappingError> {
        let mut table = Self::default();
        for (national, standard) in rows {
            let clash = |side: &str, code: &str| {
                MappingError {
                country: country.to_owned(),
                reason: format!("{what}: {side} code {code:?} appears twice; each code maps to exactly one other"),
            }
            };
            if table
                .to_standard
                .insert(national.clone(), standard.clone())
                .is_some()
            {
                return Err(clash("national", &national));
            }
            if table
                .to_national
                .insert(standard.clone(), national)
                .is_some()
            {
                return Err(clash("standardized", &standard));
            }
        }
        Ok(table)
    }
}

/// A country's code tables.
#[derive(Clone, Debug)]
pub struct Mapping {
    country: CountryCode,
    family: Family,
    system: String,
    note: String,
    encoding: CharacterEncoding,
    offices: Table,
    package_kinds: Table,
    transport_modes: Table,
    currencies: Table,
}

impl Mapping {
    /// Reads a mapping file's JSON.
    pub fn from_json(json: &str) -> Result<Self, MappingError> {
        let file: File = serde_json::from_str(json).map_err(|err| MappingError {
            country: "?".into(),
            reason: format!("not a valid mapping file: {err}"),
        })?;
        let cc = file.country.as_str().to_owned();
        if file.encoding != CharacterEncoding::Utf8 && file.family != Family::Asycuda {
            return Err(MappingError {
                country: cc,
                reason: format!(
                    "encoding {:?}: only an XML family (asycuda) is written in another character set; {} messages are UTF-8 (leave encoding out)",
                    file.encoding.label(),
                    file.family
                ),
            });
        }
        let offices = Table::build(
            &cc,
            "offices",
            file.offices
                .into_iter()
                .map(|o| (o.national, o.reference.as_str().to_owned())),
        )?;
        let table = |what: &str, rows: Vec<CodeRow>| {
            Table::build(
                &cc,
                what,
                rows.into_iter().map(|r| (r.national, r.standard)),
            )
        };
        Ok(Self {
            country: file.country,
            family: file.family,
            system: file.system,
            note: file.note,
            encoding: file.encoding,
            offices,
            package_kinds: table("packageKinds", file.package_kinds)?,
            transport_modes: table("transportModes", file.transport_modes)?,
            currencies: table("currencies", file.currencies)?,
        })
    }

    /// The mapping shipped with the project for `country`, if there is one: its table in the
    /// reference data published with sigmat (`schemas/national/mapping/<cc>.json`).
    pub fn builtin(country: CountryCode) -> Option<Self> {
        published().iter().find(|m| m.country == country).cloned()
    }

    /// Every shipped mapping.
    pub fn all_builtin() -> Vec<Self> {
        published().to_vec()
    }

    /// A table as the reference data carries it (the same JSON as a mapping file).
    pub fn from_value(table: &serde_json::Value) -> Result<Self, MappingError> {
        Self::from_json(&table.to_string())
    }

    /// The country.
    pub fn country(&self) -> CountryCode {
        self.country
    }

    /// The family of its national system.
    pub fn family(&self) -> Family {
        self.family
    }

    /// The national system's name.
    pub fn system(&self) -> &str {
        &self.system
    }

    /// The file's note.
    pub fn note(&self) -> &str {
        &self.note
    }

    /// The character encoding the national system reads: messages to it are written in it
    /// (default UTF-8; only XML families may set another).
    pub fn encoding(&self) -> CharacterEncoding {
        self.encoding
    }

    /// A national office code → office reference. The country's own offices must be in the
    /// table; an office of another country may also be given by its 8-character reference.
    pub fn office(
        &self,
        national: &str,
        place: impl std::fmt::Display,
    ) -> Result<OfficeRef, TranslateError> {
        if let Some(reference) = self.offices.to_standard.get(national) {
            return OfficeRef::parse(reference).map_err(|e| {
                TranslateError::new(ErrorClass::UnknownCode, place.to_string(), e.reason)
            });
        }
        match OfficeRef::parse(national) {
            Ok(office) if office.country() != self.country => Ok(office),
            _ => Err(TranslateError::new(
                ErrorClass::UnknownCode,
                place.to_string(),
                format!(
                    "office code {national:?} is not in {}'s office table (national/mapping/{}.json in the reference data: sigmat reference export shows the one in force)",
                    self.country,
                    self.country.to_lowercase()
                ),
            )),
        }
    }

    /// An office reference → the national code (the reference itself for an unmapped
    /// foreign office).
    pub fn national_office(&self, office: &OfficeRef) -> String {
        self.offices
            .to_national
            .get(office.as_str())
            .cloned()
            .unwrap_or_else(|| office.as_str().to_owned())
    }

    /// A national package kind → UN/ECE Rec 21 code.
    pub fn package_kind(
        &self,
        national: &str,
        place: impl std::fmt::Display,
    ) -> Result<String, TranslateError> {
        lookup(
            &self.package_kinds,
            national,
            place,
            "package kind",
            self.country,
        )
    }

    /// A Rec 21 code → the national package kind.
    pub fn national_package_kind(&self, rec21: &str) -> Result<String, TranslateError> {
        reverse(&self.package_kinds, rec21, "package kind", self.country)
    }

    /// A national transport mode → UN/ECE Rec 19 code.
    pub fn transport_mode(
        &self,
        national: &str,
        place: impl std::fmt::Display,
    ) -> Result<u8, TranslateError> {
        let code = lookup(
            &self.transport_modes,
            national,
            &place,
            "transport mode",
            self.country,
        )?;
        code.parse().map_err(|_| {
            TranslateError::new(
                ErrorClass::UnknownCode,
                place.to_string(),
                format!("mapping gives {code:?}, not a Rec 19 digit"),
            )
        })
    }

    /// A Rec 19 code → the national transport mode.
    pub fn national_transport_mode(&self, rec19: u8) -> Result<String, TranslateError> {
        reverse(
            &self.transport_modes,
            &rec19.to_string(),
            "transport mode",
            self.country,
        )
    }

    /// A national currency → ISO 4217 code.
    pub fn currency(
        &self,
        national: &str,
        place: impl std::fmt::Display,
    ) -> Result<String, TranslateError> {
        lookup(&self.currencies, national, &place, "currency", self.country)
    }

    /// An ISO 4217 code → the national currency code.
    pub fn national_currency(&self, iso: &str) -> Result<String, TranslateError> {
        reverse(&self.currencies, iso, "currency", self.country)
    }

    /// The rows of each table, for the mapping report: (table, national, standardized).
    pub fn rows(&self) -> Vec<(&'static str, &str, &str)> {
        let mut rows = Vec::new();
        for (name, table) in [
            ("office", &self.offices),
            ("package kind", &self.package_kinds),
            ("transport mode", &self.transport_modes),
            ("currency", &self.currencies),
        ] {
            rows.extend(
                table
                    .to_standard
                    .iter()
                    .map(|(n, s)| (name, n.as_str(), s.as_str())),
            );
        }
        rows
    }
}

fn lookup(
    table: &Table,
    national: &str,
    place: impl std::fmt::Display,
    what: &str,
    country: CountryCode,
) -> Result<String, TranslateError> {
    table.to_standard.get(national).cloned().ok_or_else(|| {
        TranslateError::new(
            ErrorClass::UnknownCode,
            place.to_string(),
            format!(
                "{what} {national:?} is not in {country}'s mapping (schemas/national/mapping/{}.json); known: {}",
                country.to_lowercase(),
                table.to_standard.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        )
    })
}

fn reverse(
    table: &Table,
    standard: &str,
    what: &str,
    country: CountryCode,
) -> Result<String, TranslateError> {
    table.to_national.get(standard).cloned().ok_or_else(|| {
        TranslateError::new(
            ErrorClass::UnknownCode,
            what,
            format!(
                "the standardized {what} {standard:?} has no national code in {country}'s mapping; add a row to schemas/national/mapping/{}.json",
                country.to_lowercase()
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_mapping_loads_and_names_its_own_offices() {
        let data = transit_model::reference::ReferenceData::builtin();
        for mapping in Mapping::all_builtin() {
            for (table, _, standard) in mapping.rows() {
                if table == "office" {
                    let office = OfficeRef::parse(standard).unwrap();
                    assert!(
                        data.office(&office).is_some(),
                        "{standard} not in reference data"
                    );
                }
            }
        }
    }

    #[test]
    fn only_an_xml_family_may_be_written_in_another_character_set() {
        let file = |family: &str| {
            format!(
                r#"{{"country":"BF","family":"{family}","system":"x","encoding":"windows-1252",
                "offices":[],"packageKinds":[],"transportModes":[],"currencies":[]}}"#
            )
        };
        let asycuda = Mapping::from_json(&file("asycuda")).unwrap();
        assert_eq!(asycuda.encoding(), CharacterEncoding::Windows1252);
        for family in ["sydam", "gainde"] {
            let err = Mapping::from_json(&file(family)).unwrap_err();
            assert!(err.reason.contains("messages are UTF-8"), "{err}");
        }
    }

    #[test]
    fn a_code_mapped_twice_is_refused() {
        let json = r#"{"country":"BF","family":"asycuda","system":"x","offices":[],
          "packageKinds":[{"national":"SA","standard":"BG"},{"national":"SC","standard":"BG"}],
          "transportModes":[],"currencies":[]}"#;
        let err = Mapping::from_json(json).unwrap_err();
        assert!(err.reason.contains("\"BG\" appears twice"), "{err}");
    }

    #[test]
    fn own_offices_must_be_mapped_foreign_ones_may_pass_by_reference() {
        let bf = Mapping::builtin(CountryCode::parse("BF").unwrap()).unwrap();
        assert_eq!(bf.office("OUAG", "x").unwrap().as_str(), "BFOUA001");
        assert_eq!(bf.office("CIABJ001", "x").unwrap().as_str(), "CIABJ001");
        let err = bf.office("BFOUA001", "x").unwrap_err();
        assert_eq!(err.class, ErrorClass::UnknownCode);
    }
}
