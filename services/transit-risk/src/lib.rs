//! # transit-risk — which movements to control, and why
//!
//! Risk analysis over the corridor, from rules the administrations own. A [`RuleSet`] is data
//! (`schemas/risk/rules.json`, imported at runtime with the reference data as its file
//! `risk/rules.json`): each [`Rule`] has an owner (the region, or one country whose offices it
//! applies at), a condition in CEL, a weight or a lane, and a reason and a check in English and
//! French. [`RuleBook::compile`] checks and compiles a set; [`assess`] scores a movement after
//! each event into an [`Assessment`] (the rules that fired, with what the hub saw across
//! movements, [`NetworkFacts`]); [`Assessment::verdict`] gives the [`Lane`] at an office of a
//! country and the reasons its reader may read. Nothing here reads a clock, a database or a
//! broker: the tracker passes the time and the network facts in, so replaying the event log
//! under the same rules gives the same lanes.
//!
//! - [`rules`]: the rule set, its checks, compilation;
//! - [`facts`]: what a condition reads (`m`, `network`);
//! - [`assess`](mod@assess): scoring and verdicts;
//! - [`diff`]: what importing a rule set changes, line by line.
//!
//! ```
//! use chrono::Utc;
//! use transit_risk::{assess, Lane, NetworkFacts, RuleBook, RuleSet};
//!
//! let book = RuleBook::compile(RuleSet::starter(), 1).unwrap();
//! let release = transit_codec::json::decode(include_bytes!("../../../schemas/transit/v1/examples/IE029.json")).unwrap();
//! let movement = transit_lifecycle::decide(None, &release, Utc::now()).unwrap().movement;
//! let assessment = assess(&book, &movement, NetworkFacts::default(), Utc::now());
//! assert_eq!(assessment.verdict(None).lane, Lane::Green);
//! ```

pub mod assess;
pub mod diff;
mod error;
pub mod facts;
pub mod rules;

pub use assess::{assess, fired_ids, Assessment, Fired, Verdict};
pub use error::RiskError;
pub use facts::{Facts, NetworkFacts};
pub use rules::{Bilingual, Lane, Owner, Rule, RuleBook, RuleSet, Silence, Thresholds, RULES_FILE};

#[cfg(test)]
mod tests;
