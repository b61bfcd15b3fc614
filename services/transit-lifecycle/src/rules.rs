//! The hub's configurable rules: which choices NCTS leaves to the administrations. Passed to
//! [`crate::decide_with`]; [`crate::decide`] uses the defaults. The event log is replayed with
//! the rules it was written under.

use std::sync::{Arc, OnceLock};

use serde::Deserialize;
use transit_model::reference::{Agreements, GuaranteeCover, ReferenceData};

/// Who answers a record request from an office that was not declared (IE002 at destination,
/// IE114 at a border).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum RecordRequests {
    /// The hub, on the departure's behalf: it holds the record, so the office gets it at once
    /// (IE003/IE115) and the departure is told — for an office in a country the declaration
    /// names. A request from any other country is passed on to the departure, as under
    /// [`RecordRequests::Departure`].
    #[default]
    Hub,
    /// The departure: the request is passed on to it, and the movement is diverted when its
    /// answer grants the record (which the hub passes on to the office that asked).
    Departure,
}

/// The rules the state machine applies.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Who answers a record request after a diversion (default `hub`; the hub answers only for
    /// an office in a country the declaration names, any other goes to the departure).
    #[serde(default)]
    pub record_requests: RecordRequests,
    /// Incident codes (1 route deviation, 2 seals broken, 3 transhipment, 4 unloading,
    /// 5 accident) after which duties are to be recovered at once: the movement goes to
    /// `UnderRecovery` and its guarantor is told (default: none; an administration that treats,
    /// say, goods unloaded outside customs control as lost sets `[4]`).
    #[serde(default)]
    pub recovery_on_incidents: Vec<u8>,
    /// Where the guarantee is honoured, and when: reference data
    /// (`schemas/reference/guarantee-cover.json`), not a configuration key. A record is refused
    /// to an undeclared office in a country not covered on the day.
    #[serde(skip, default = "GuaranteeCover::builtin")]
    pub guarantee_cover: GuaranteeCover,
    /// The customs offices and code lists every coded value is checked against (NCTS error
    /// 12): reference data, not a configuration key — the one published with this version by
    /// default; a service that receives newer data decides under it from then on.
    #[serde(skip)]
    pub reference: SharedReference,
    /// Which data each country shares with which (`schemas/reference/agreements.json`):
    /// reference data, not a configuration key. Each copy of a declaration for an office in
    /// another country is made under the agreement in force on the day, or not at all.
    #[serde(skip, default = "builtin_agreements")]
    pub agreements: Arc<Agreements>,
}

fn builtin_agreements() -> Arc<Agreements> {
    static BUILTIN: OnceLock<Arc<Agreements>> = OnceLock::new();
    BUILTIN
        .get_or_init(|| Arc::new(Agreements::builtin()))
        .clone()
}

/// Reference data shared by every batch decided under it (cheap to clone). Two are equal when
/// they are the same data.
#[derive(Clone, Debug)]
pub struct SharedReference(pub Arc<ReferenceData>);

impl Default for SharedReference {
    /// The reference data published with this version (parsed once per process).
    fn default() -> Self {
        static BUILTIN: OnceLock<Arc<ReferenceData>> = OnceLock::new();
        Self(
            BUILTIN
                .get_or_init(|| Arc::new(ReferenceData::builtin()))
                .clone(),
        )
    }
}

impl PartialEq for SharedReference {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for SharedReference {}

impl Default for Rules {
    fn default() -> Self {
        Self {
            record_requests: RecordRequests::default(),
            recovery_on_incidents: Vec::new(),
            guarantee_cover: GuaranteeCover::builtin(),
            reference: SharedReference::default(),
            agreements: builtin_agreements(),
        }
    }
}
