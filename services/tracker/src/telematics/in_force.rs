//! The geography and the rules events are judged by: those of the reference data version in
//! force (`telematics/geography.json`, `telematics/rules.json`), read once per version. A
//! version without them (a network seeded before telematics) is judged by the files published
//! with sigmat (`schemas/telematics/`) until its operators import their own; a file that cannot
//! be used (the API refuses such an import, so only a hand-written row gets there) too, with an
//! error in the log.

use transit_model::reference::Loaded;
use transit_telematics::{
    Geography, Judged, TelematicsRules, GEOGRAPHY_FILE, TELEMATICS_RULES_FILE,
};

/// The geography and rules of one reference data version.
#[derive(Clone, Debug)]
pub struct Judgement {
    /// The version.
    pub version: i64,
    geography: Geography,
    rules: TelematicsRules,
}

impl Judgement {
    /// The files published with sigmat (benchmarks and tests).
    pub fn builtin() -> Self {
        Self {
            version: 0,
            geography: Geography::builtin(),
            rules: TelematicsRules::builtin(),
        }
    }

    /// The judgement of `loaded`.
    pub fn of(loaded: &Loaded) -> Self {
        let document = &loaded.version.document;
        let version = loaded.version.version;
        let published = |what: &str, error: Option<String>| {
            match error {
                Some(e) => tracing::error!(version, error = %e, "the telematics {what} of this reference data version cannot be used; judging by the one published with sigmat"),
                None => tracing::info!(version, "no telematics {what} in this reference data version; judging by the one published with sigmat (import your own: docs/telematics.md)"),
            }
        };
        let geography = match document.file(GEOGRAPHY_FILE).map(Geography::parse) {
            Some(Ok(g)) => g,
            other => {
                published(
                    "geography",
                    other.and_then(|r| r.err()).map(|e| e.to_string()),
                );
                Geography::builtin()
            }
        };
        let rules = match document
            .file(TELEMATICS_RULES_FILE)
            .map(TelematicsRules::parse)
        {
            Some(Ok(r)) => r,
            other => {
                published("rules", other.and_then(|r| r.err()).map(|e| e.to_string()));
                TelematicsRules::builtin()
            }
        };
        tracing::info!(
            version,
            zones = geography.zones().len(),
            roads = geography.roads().len(),
            "telematics geography and rules in force"
        );
        Self {
            version,
            geography,
            rules,
        }
    }

    /// As `transit_telematics` takes it.
    pub fn judged(&self) -> Judged<'_> {
        Judged {
            geography: &self.geography,
            rules: &self.rules,
        }
    }
}
