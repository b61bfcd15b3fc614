//! Which code tables a simulated national system plays with: a mapping given to it — read
//! from a file (`--mapping FILE`), or a table obtained elsewhere, such as the one the hub's
//! reference data carries for a country onboarded at runtime — or, with none given, the one
//! shipped for its country. A given mapping must be the country's and the family's: a file for
//! Burkina Faso is not played as Guinea's system.
//!
//! [`choose`] decides (pure); [`read_file`] and [`from_text`] read what is given.
//!
//! ```
//! use national_sim::mapping::{choose, MappingRefusal};
//! use transit_model::CountryCode;
//! use transit_national::{Family, Mapping};
//!
//! let bf = CountryCode::parse("BF").unwrap();
//! let gn = CountryCode::parse("GN").unwrap();
//! assert_eq!(choose(Family::Asycuda, bf, None).unwrap().country(), bf);
//! assert!(matches!(
//!     choose(Family::Asycuda, gn, None),
//!     Err(MappingRefusal::NoneShipped { .. })
//! ));
//! let burkina = Mapping::builtin(bf);
//! assert!(matches!(
//!     choose(Family::Asycuda, gn, burkina),
//!     Err(MappingRefusal::OtherCountry { .. })
//! ));
//! ```

use std::fmt;
use std::path::Path;

use anyhow::Context;
use transit_model::CountryCode;
use transit_national::{Family, Mapping};

/// Why a simulator cannot play with the mapping given (or without one). Permanent: give
/// another mapping, or other options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MappingRefusal {
    /// The mapping says it is for another country.
    OtherCountry {
        /// The country the simulator plays.
        country: CountryCode,
        /// The country the mapping is for (its `"country"`).
        mapping: CountryCode,
    },
    /// The mapping is for another family.
    OtherFamily {
        /// The country.
        country: CountryCode,
        /// The family the simulator plays.
        family: Family,
        /// The family of the mapping (its `"family"`).
        mapping: Family,
    },
    /// No mapping was given, and none is shipped for the country.
    NoneShipped {
        /// The country.
        country: CountryCode,
    },
    /// The standardized JSON has no national form to simulate.
    Standard,
}

impl fmt::Display for MappingRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OtherCountry { country, mapping } => write!(
                f,
                "the mapping given is for {}, not {} (its \"country\" says which country it serves): give {}'s mapping, or play {} (--country {})",
                mapping.as_str(),
                country.as_str(),
                country.as_str(),
                mapping.as_str(),
                mapping.as_str()
            ),
            Self::OtherFamily {
                country,
                family,
                mapping,
            } => write!(
                f,
                "the mapping given for {} is of the {mapping} family, not {family}: play --family {mapping}, or give a {family} mapping",
                country.as_str()
            ),
            Self::NoneShipped { country } => write!(
                f,
                "no mapping is shipped for {cc}: give its national system's code tables with --mapping FILE, written like schemas/national/mapping/bf.json with \"country\": \"{cc}\" and a national code for each of {cc}'s offices",
                cc = country.as_str()
            ),
            Self::Standard => write!(
                f,
                "a simulator plays a national family (asycuda, sydam, gainde or ncts); the standard family has no national form"
            ),
        }
    }
}

impl std::error::Error for MappingRefusal {}

/// The mapping a simulator of `country`'s national system, of `family`, plays with: `given`,
/// if it is that country's and that family's; with none given, the one shipped for `country`.
pub fn choose(
    family: Family,
    country: CountryCode,
    given: Option<Mapping>,
) -> Result<Mapping, MappingRefusal> {
    if family == Family::Standard {
        return Err(MappingRefusal::Standard);
    }
    let mapping = given
        .or_else(|| Mapping::builtin(country))
        .ok_or(MappingRefusal::NoneShipped { country })?;
    if mapping.country() != country {
        return Err(MappingRefusal::OtherCountry {
            country,
            mapping: mapping.country(),
        });
    }
    if mapping.family() != family {
        return Err(MappingRefusal::OtherFamily {
            country,
            family,
            mapping: mapping.family(),
        });
    }
    Ok(mapping)
}

/// A mapping's JSON obtained elsewhere (`source` says where, for the error).
pub fn from_text(text: &str, source: &str) -> anyhow::Result<Mapping> {
    Mapping::from_json(text).with_context(|| format!("the mapping {source}"))
}

/// A mapping file (`--mapping FILE`).
pub fn read_file(path: &Path) -> anyhow::Result<Mapping> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the mapping file {}", path.display()))?;
    from_text(&text, &path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cc(code: &str) -> CountryCode {
        CountryCode::parse(code).unwrap()
    }

    /// Burkina Faso's shipped mapping, made Guinea's: its own country, its own offices.
    fn guinea() -> Mapping {
        let mut table: serde_json::Value =
            serde_json::from_str(include_str!("../../../schemas/national/mapping/bf.json"))
                .unwrap();
        table["country"] = "GN".into();
        table["system"] = "ASYCUDA World (Guinea), test".into();
        table["offices"] = serde_json::json!([
            {"national": "CKRY", "reference": "GNCKY001", "name": "Conakry"},
            {"national": "KNKN", "reference": "GNKNK001", "name": "Kankan"}
        ]);
        from_text(&table.to_string(), "for the test").unwrap()
    }

    #[test]
    fn a_given_mapping_of_the_country_and_family_is_played() {
        let mapping = choose(Family::Asycuda, cc("GN"), Some(guinea())).unwrap();
        assert_eq!(mapping.country(), cc("GN"));
        assert_eq!(
            mapping.national_office(&transit_model::OfficeRef::parse("GNCKY001").unwrap()),
            "CKRY"
        );
    }

    #[test]
    fn without_one_the_shipped_mapping_is_played_where_there_is_one() {
        let shipped = choose(Family::Sydam, cc("CI"), None).unwrap();
        assert_eq!(shipped.country(), cc("CI"));
        let none = choose(Family::Asycuda, cc("GN"), None).unwrap_err();
        assert_eq!(none, MappingRefusal::NoneShipped { country: cc("GN") });
        assert!(
            none.to_string()
                .starts_with("no mapping is shipped for GN: give its national system's code tables with --mapping FILE"),
            "{none}"
        );
    }

    #[test]
    fn a_mapping_of_another_country_or_family_is_refused_saying_which() {
        let other = choose(Family::Asycuda, cc("GN"), Mapping::builtin(cc("BF"))).unwrap_err();
        assert_eq!(
            other.to_string(),
            "the mapping given is for BF, not GN (its \"country\" says which country it serves): give GN's mapping, or play BF (--country BF)"
        );
        let family = choose(Family::Sydam, cc("GN"), Some(guinea())).unwrap_err();
        assert_eq!(
            family,
            MappingRefusal::OtherFamily {
                country: cc("GN"),
                family: Family::Sydam,
                mapping: Family::Asycuda
            }
        );
        assert!(
            family.to_string().contains("play --family asycuda"),
            "{family}"
        );
        assert!(matches!(
            choose(Family::Standard, cc("GN"), Some(guinea())),
            Err(MappingRefusal::Standard)
        ));
    }

    #[test]
    fn a_text_that_is_not_a_mapping_is_refused_naming_where_it_came_from() {
        let err = from_text("{\"country\": \"GN\"}", "gn.json").unwrap_err();
        assert!(
            format!("{err:#}").starts_with("the mapping gn.json: "),
            "{err:#}"
        );
    }
}
