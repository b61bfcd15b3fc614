//! Each administration's telematics rules (`telematics/rules.json` of the reference document;
//! `schemas/telematics/rules.json` is the built-in one): whether a tracked truck entering one of
//! its border zones confirms the passage by itself, how long a truck may stand still outside
//! an office, and how far from the road it may go.

use serde::{Deserialize, Serialize};
use transit_model::CountryCode;

use crate::TelematicsError;

/// The rules' file in the reference document.
pub const TELEMATICS_RULES_FILE: &str = "telematics/rules.json";

/// One country's rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CountryRule {
    /// Entering the zone of one of its offices of transit confirms the passage (an IE118
    /// marked automatic); otherwise the passage waits for an officer's confirmation.
    pub automatic_passages: bool,
    /// Standing still (within 300 m) longer than this outside any office zone is an anomaly.
    pub stop_limit_minutes: u32,
    /// Farther than this from the corridor's road is off route.
    pub off_route_meters: u32,
}

/// A country's entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CountryEntry {
    /// The country (ISO 3166-1 alpha-2).
    pub country: CountryCode,
    /// Its rule.
    #[serde(flatten)]
    pub rule: CountryRule,
}

/// Every country's rule, and the rule of those not listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TelematicsRules {
    /// What the file is, for its readers.
    #[serde(default)]
    pub note: String,
    /// The rule of a country not listed.
    pub default: CountryRule,
    /// Each listed country's rule.
    #[serde(default)]
    pub countries: Vec<CountryEntry>,
}

/// The stop limit and the off-route distance may not be below these: a truck waits at a
/// junction, and a position is a few metres off.
pub const MIN_STOP_LIMIT_MINUTES: u32 = 5;
/// See [`MIN_STOP_LIMIT_MINUTES`].
pub const MIN_OFF_ROUTE_METERS: u32 = 100;

impl TelematicsRules {
    /// The built-in rules (`schemas/telematics/rules.json`).
    pub fn builtin() -> Self {
        let value = serde_json::from_str(include_str!("../../../schemas/telematics/rules.json"))
            .expect("the built-in telematics rules are JSON");
        Self::parse(&value).expect("the built-in telematics rules are valid")
    }

    /// Reads and checks the file: each country once, limits above the minimums.
    pub fn parse(value: &serde_json::Value) -> Result<Self, TelematicsError> {
        let bad = |reason: String| TelematicsError::reference(TELEMATICS_RULES_FILE, reason);
        let rules =
            Self::deserialize(value).map_err(|e| bad(format!("{e}; see docs/telematics.md")))?;
        let mut seen = Vec::new();
        let entries = std::iter::once(("default".to_owned(), rules.default)).chain(
            rules
                .countries
                .iter()
                .map(|c| (c.country.as_str().to_owned(), c.rule)),
        );
        for (name, rule) in entries {
            if seen.contains(&name) {
                return Err(bad(format!(
                    "{name} is listed twice; keep one entry per country"
                )));
            }
            if rule.stop_limit_minutes < MIN_STOP_LIMIT_MINUTES {
                return Err(bad(format!(
                    "{name}: stopLimitMinutes {} is below {MIN_STOP_LIMIT_MINUTES}",
                    rule.stop_limit_minutes
                )));
            }
            if rule.off_route_meters < MIN_OFF_ROUTE_METERS {
                return Err(bad(format!(
                    "{name}: offRouteMeters {} is below {MIN_OFF_ROUTE_METERS}",
                    rule.off_route_meters
                )));
            }
            seen.push(name);
        }
        Ok(rules)
    }

    /// The rule in `country`.
    pub fn of(&self, country: CountryCode) -> CountryRule {
        self.countries
            .iter()
            .find(|c| c.country == country)
            .map(|c| c.rule)
            .unwrap_or(self.default)
    }
}
