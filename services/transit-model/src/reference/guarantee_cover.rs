//! Where the regional transit guarantee is honoured: the countries whose national guarantor
//! takes part, each from a first to (if it stopped) a last day, from
//! `schemas/reference/guarantee-cover.json`. The hub asks it before it hands a movement's record
//! to an office that was not declared (a diversion, an undeclared border).

use chrono::NaiveDate;
use serde::Deserialize;

use crate::{CountryCode, ModelError};

/// One country's part in the guarantee scheme.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CoveredCountry {
    /// The country.
    pub country: CountryCode,
    /// The first day its national guarantor honours the guarantee.
    pub valid_from: NaiveDate,
    /// The last day it did, if it stopped.
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
}

/// The countries where the guarantee can be called, and when.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuaranteeCover {
    #[allow(dead_code)]
    version: String,
    #[allow(dead_code)]
    note: String,
    countries: Vec<CoveredCountry>,
}

impl GuaranteeCover {
    /// The cover published with this version of sigmat (parsed once).
    pub fn builtin() -> Self {
        static BUILTIN: std::sync::OnceLock<GuaranteeCover> = std::sync::OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                Self::from_json(include_str!(
                    "../../../../schemas/reference/guarantee-cover.json"
                ))
                .unwrap_or_else(|e| panic!("the built-in guarantee cover is inconsistent: {e}"))
            })
            .clone()
    }

    /// Parses a cover file: each country once, its days in order.
    pub fn from_json(text: &str) -> Result<Self, ModelError> {
        let cover: Self = serde_json::from_str(text).map_err(|e| {
            ModelError::new("reference file", "guarantee-cover.json", e.to_string())
        })?;
        for (at, entry) in cover.countries.iter().enumerate() {
            if cover.countries[..at]
                .iter()
                .any(|other| other.country == entry.country)
            {
                return Err(ModelError::new(
                    "guarantee cover",
                    entry.country.as_str(),
                    "listed twice",
                ));
            }
            if entry.valid_to.is_some_and(|to| to < entry.valid_from) {
                return Err(ModelError::new(
                    "guarantee cover",
                    entry.country.as_str(),
                    "validTo is before validFrom",
                ));
            }
        }
        Ok(cover)
    }

    /// Whether the guarantee is honoured in `country` on `day`.
    pub fn covers(&self, country: CountryCode, day: NaiveDate) -> bool {
        self.countries.iter().any(|entry| {
            entry.country == country
                && entry.valid_from <= day
                && entry.valid_to.is_none_or(|to| day <= to)
        })
    }

    /// The countries listed, covered or not on a given day.
    pub fn countries(&self) -> &[CoveredCountry] {
        &self.countries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn country(code: &str) -> CountryCode {
        CountryCode::parse(code).unwrap()
    }

    #[test]
    fn the_builtin_cover_holds_every_country_with_an_office() {
        let cover = GuaranteeCover::builtin();
        for office in crate::reference::ReferenceData::builtin().offices() {
            assert!(
                cover.covers(office.country, day("2026-12-01")),
                "{} has offices but no guarantee cover",
                office.country.as_str()
            );
        }
        assert!(!cover.covers(country("NG"), day("2026-12-01")));
    }

    #[test]
    fn cover_starts_and_ends_on_its_days() {
        let cover = GuaranteeCover::from_json(
            r#"{"version": "t", "note": "t", "countries": [
                {"country": "BF", "validFrom": "2026-01-01"},
                {"country": "NE", "validFrom": "2026-01-01", "validTo": "2026-06-30"}]}"#,
        )
        .unwrap();
        assert!(!cover.covers(country("BF"), day("2025-12-31")));
        assert!(cover.covers(country("BF"), day("2026-01-01")));
        assert!(cover.covers(country("NE"), day("2026-06-30")));
        assert!(!cover.covers(country("NE"), day("2026-07-01")));
    }

    #[test]
    fn inconsistent_cover_is_refused_with_the_country() {
        let twice = r#"{"version": "t", "note": "t", "countries": [
            {"country": "BF", "validFrom": "2026-01-01"},
            {"country": "BF", "validFrom": "2026-02-01"}]}"#;
        assert!(GuaranteeCover::from_json(twice)
            .unwrap_err()
            .to_string()
            .contains("BF"));
        let backwards = r#"{"version": "t", "note": "t", "countries": [
            {"country": "BF", "validFrom": "2026-02-01", "validTo": "2026-01-01"}]}"#;
        assert!(GuaranteeCover::from_json(backwards)
            .unwrap_err()
            .to_string()
            .contains("validTo"));
    }
}
