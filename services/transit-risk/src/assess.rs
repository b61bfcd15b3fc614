//! Scoring: the rules in force evaluated over a movement ([`assess`]), kept as an
//! [`Assessment`] — which rules fired, with what the hub saw across movements — from which the
//! lane at any office follows ([`Assessment::verdict`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use transit_lifecycle::Movement;
use transit_model::CountryCode;

use crate::facts::{Facts, NetworkFacts};
use crate::rules::{Lane, Owner, RuleBook, Thresholds};

/// A rule that fired: what the lane needs of it. Its reason and check are read from the rules
/// of the version that scored it (kept small: one is written with every event).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
// Kept in the database with every event: fields added later must not make older rows
// unreadable, nor fields dropped make newer ones unreadable to an older API.
#[serde(rename_all = "camelCase")]
pub struct Fired {
    /// The rule's id.
    pub rule: String,
    /// Its owner.
    pub owner: Owner,
    /// Whether only its owner reads its reasons.
    #[serde(default)]
    pub private: bool,
    /// Points it added.
    pub weight: u32,
    /// The lowest lane it sets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lane: Option<Lane>,
    /// Countries whose operators silenced it: it does not count at their offices.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub silenced_in: Vec<CountryCode>,
}

impl Fired {
    /// Whether it counts at an office of `country` (`None`: the hub's view, where every rule
    /// counts, silenced or not).
    pub fn counts_at(&self, country: Option<CountryCode>) -> bool {
        self.owner.applies_at(country) && country.is_none_or(|c| !self.silenced_in.contains(&c))
    }

    /// Whether a reader of `viewer` (`None`: the hub) reads its reasons: a private rule's only
    /// its owner reads.
    pub fn readable_by(&self, viewer: Option<CountryCode>) -> bool {
        !self.private || matches!((self.owner, viewer), (Owner::Country(o), Some(v)) if o == v)
    }
}

/// A movement's risk after an event: kept with the movement and in the event log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assessment {
    /// The reference data version whose rules scored it.
    pub rules_version: i64,
    /// The thresholds of those rules.
    pub lanes: Thresholds,
    /// What the hub saw across movements when it scored.
    pub network: NetworkFacts,
    /// The rules that fired, in the set's order.
    pub fired: Vec<Fired>,
    /// Rules that could not be evaluated on this movement, each `id: why` (they count as not
    /// fired; the tracker logs them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failed: Vec<String>,
}

/// The lane at an office, and what its reader may read of why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict<'a> {
    /// The lane.
    pub lane: Lane,
    /// The score: the weights of the rules that count there.
    pub score: u32,
    /// The rules that count there and whose reasons the reader reads.
    pub reasons: Vec<&'a Fired>,
    /// Countries whose private rules count there (their effect only).
    pub raised_by: Vec<CountryCode>,
}

impl Assessment {
    /// The lane at an office of `country` (regional rules and that country's), and the
    /// reasons its officers read; `None` is the hub's view: every rule counts, and private
    /// rules show only as the country that owns them.
    pub fn verdict(&self, country: Option<CountryCode>) -> Verdict<'_> {
        let counting: Vec<&Fired> = self.fired.iter().filter(|f| f.counts_at(country)).collect();
        let score: u32 = counting.iter().map(|f| f.weight).sum();
        let lane = counting
            .iter()
            .filter_map(|f| f.lane)
            .fold(self.lanes.lane_of(score), Lane::max);
        let mut raised_by: Vec<CountryCode> = counting
            .iter()
            .filter(|f| !f.readable_by(country))
            .filter_map(|f| match f.owner {
                Owner::Country(c) => Some(c),
                Owner::Region => None,
            })
            .collect();
        raised_by.sort();
        raised_by.dedup();
        Verdict {
            lane,
            score,
            reasons: counting
                .into_iter()
                .filter(|f| f.readable_by(country))
                .collect(),
            raised_by,
        }
    }
}

/// Scores `movement` at `now` under `book`, with what the hub sees across movements.
pub fn assess(
    book: &RuleBook,
    movement: &Movement,
    network: NetworkFacts,
    now: DateTime<Utc>,
) -> Assessment {
    let day = now.date_naive();
    let in_force: Vec<_> = book
        .compiled()
        .filter(|(rule, _)| rule.in_force_on(day))
        .collect();
    let mut fired = Vec::new();
    let mut failed = Vec::new();
    // With no rule in force there is nothing to evaluate: the facts are not even built.
    if !in_force.is_empty() {
        match book.scope(&Facts::of(movement, now), &network) {
            Ok(scope) => {
                for (rule, program) in in_force {
                    match RuleBook::evaluate(program, &scope) {
                        Ok(true) => fired.push(Fired {
                            rule: rule.id.clone(),
                            owner: rule.owner,
                            private: rule.private,
                            weight: rule.weight,
                            lane: rule.lane,
                            silenced_in: book.set.silenced_in(&rule.id),
                        }),
                        Ok(false) => {}
                        Err(why) => failed.push(format!("{}: {why}", rule.id)),
                    }
                }
            }
            Err(why) => failed.push(format!(
                "every rule: the movement's facts cannot be read ({why})"
            )),
        }
    }
    Assessment {
        rules_version: book.version,
        lanes: book.set.lanes,
        network,
        fired,
        failed,
    }
}

/// Which rules fired, by id: what a replay compares.
pub fn fired_ids(assessment: &Assessment) -> Vec<&str> {
    assessment.fired.iter().map(|f| f.rule.as_str()).collect()
}
