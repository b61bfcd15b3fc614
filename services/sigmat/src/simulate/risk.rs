//! What the hub's risk rules made of the simulated traffic, against the frauds the simulation
//! seeded (broken seals, diversions off route, overstayed legs): each movement's lane as the
//! hub scored it, read through the API at the end; how many seeded frauds scored red; and per
//! rule, how many movements it fired on, how many of those were seeded frauds (its hit rate
//! here, where the truth is known), and the controls the hub counted for it.

use std::collections::BTreeMap;

use serde::Serialize;
use transit_http::risk::RuleFigures;
use transit_risk::Lane;

use super::plan::Trip;

/// A fraud the simulation seeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Fraud {
    /// Seals broken at the first border post (an incident).
    BrokenSeals,
    /// The goods presented at another office than the declared destination.
    Diversion,
    /// The truck stopped three legs' time before its first border post.
    Overstay,
    /// An electronic seal reported opened between offices (telematics).
    OpenedSeal,
}

impl Fraud {
    fn name(self) -> &'static str {
        match self {
            Self::BrokenSeals => "broken seals",
            Self::Diversion => "diversion off route",
            Self::Overstay => "overstayed leg",
            Self::OpenedSeal => "seal opened en route",
        }
    }
}

/// One movement as the hub scored it (the hub's view: every rule counts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scored {
    /// Its lane.
    pub lane: Lane,
    /// The rules that fired whose reasons the hub reads.
    pub rules: Vec<String>,
}

/// One kind of fraud: how many were seeded and in which lane they ended.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FraudLine {
    /// Seeded.
    pub seeded: usize,
    /// Of those, scored red, yellow, green.
    pub red: usize,
    /// Yellow.
    pub yellow: usize,
    /// Green.
    pub green: usize,
}

/// One rule over the traffic.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleLine {
    /// The rule.
    pub rule: String,
    /// Movements it fired on.
    pub fired: usize,
    /// Of those, seeded frauds.
    pub on_frauds: usize,
    /// on_frauds / fired.
    pub hit_rate: Option<f64>,
    /// The hub's own figures since the network began: controls at destination after it fired,
    /// and those that found discrepancies.
    pub controlled: i64,
    /// Found.
    pub found: i64,
}

/// The risk side of a simulation.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RiskReport {
    /// Movements whose lane was read.
    pub scored: usize,
    /// How many in each lane.
    pub lanes: BTreeMap<Lane, usize>,
    /// Each kind of seeded fraud.
    pub frauds: BTreeMap<Fraud, FraudLine>,
    /// Movements with at least one seeded fraud.
    pub fraudulent: usize,
    /// Of those, scored red.
    pub fraudulent_red: usize,
    /// Movements without any seeded fraud scored red (controls spent on honest trucks).
    pub honest_red: usize,
    /// Each rule that fired.
    pub rules: Vec<RuleLine>,
}

/// The report for `trips`, each with what the hub scored for it (`None`: not read), and the
/// hub's rule figures.
pub fn report(trips: &[(&Trip, Option<Scored>)], figures: &[RuleFigures]) -> RiskReport {
    let mut r = RiskReport::default();
    let mut rules: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (trip, scored) in trips {
        let Some(scored) = scored else { continue };
        r.scored += 1;
        *r.lanes.entry(scored.lane).or_default() += 1;
        let frauds = trip.frauds();
        for fraud in &frauds {
            let line = r.frauds.entry(*fraud).or_default();
            line.seeded += 1;
            match scored.lane {
                Lane::Red => line.red += 1,
                Lane::Yellow => line.yellow += 1,
                Lane::Green => line.green += 1,
            }
        }
        let red = scored.lane == Lane::Red;
        if frauds.is_empty() {
            r.honest_red += usize::from(red);
        } else {
            r.fraudulent += 1;
            r.fraudulent_red += usize::from(red);
        }
        for rule in &scored.rules {
            let counts = rules.entry(rule.clone()).or_default();
            counts.0 += 1;
            counts.1 += usize::from(!frauds.is_empty());
        }
    }
    r.rules = rules
        .into_iter()
        .map(|(rule, (fired, on_frauds))| {
            let hub = figures.iter().find(|f| f.rule == rule);
            RuleLine {
                hit_rate: (fired > 0).then(|| on_frauds as f64 / fired as f64),
                controlled: hub.map_or(0, |f| f.controlled),
                found: hub.map_or(0, |f| f.found),
                rule,
                fired,
                on_frauds,
            }
        })
        .collect();
    r
}

/// The report as printed at the end of `sigmat simulate`.
pub fn lines(r: &RiskReport) -> Vec<String> {
    let lane = |l: Lane| r.lanes.get(&l).copied().unwrap_or(0);
    let mut out = vec![
        format!(
            "\nRisk, as the hub scored the {} movements released (hub's view, every rule counting):",
            r.scored
        ),
        format!(
            "  green {}   yellow {}   red {}",
            lane(Lane::Green),
            lane(Lane::Yellow),
            lane(Lane::Red)
        ),
        format!("  {:<24} {:>7} {:>5} {:>7} {:>6}", "seeded frauds", "seeded", "red", "yellow", "green"),
    ];
    for (fraud, line) in &r.frauds {
        out.push(format!(
            "  {:<24} {:>7} {:>5} {:>7} {:>6}",
            fraud.name(),
            line.seeded,
            line.red,
            line.yellow,
            line.green
        ));
    }
    out.push(format!(
        "  {} of {} movements with a seeded fraud scored red; {} without one scored red",
        r.fraudulent_red, r.fraudulent, r.honest_red
    ));
    out.push(format!(
        "  {:<26} {:>6} {:>10} {:>9} {:>11} {:>6}",
        "rule", "fired", "on frauds", "hit rate", "controlled", "found"
    ));
    for rule in &r.rules {
        out.push(format!(
            "  {:<26} {:>6} {:>10} {:>9} {:>11} {:>6}",
            rule.rule,
            rule.fired,
            rule.on_frauds,
            rule.hit_rate
                .map_or("-".to_owned(), |h| format!("{:.0}%", h * 100.0)),
            rule.controlled,
            rule.found
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::plan::Plan;
    use std::time::Duration;
    use transit_model::reference::ReferenceData;
    use transit_scenario::Corridor;

    #[test]
    fn frauds_are_counted_by_kind_and_lane_and_rules_by_what_they_fired_on() {
        let plan = Plan {
            movements: 4,
            release_every: Duration::from_millis(10),
            leg: Duration::from_secs(1),
            late_every: 0,
            incident_every: 2,
            malformed_every: 0,
            unknown_every: 0,
            divert_every: 0,
            overstay_every: 4,
            deviate_every: 0,
            open_seal_every: 0,
        };
        let corridor =
            Corridor::from_reference(&ReferenceData::builtin(), "abidjan-ouagadougou").unwrap();
        let trips = plan.trips(&[corridor], chrono::Utc::now());
        let scored = |lane, rules: &[&str]| {
            Some(Scored {
                lane,
                rules: rules.iter().map(|r| (*r).to_owned()).collect(),
            })
        };
        let pairs = vec![
            (&trips[0], scored(Lane::Green, &[])),
            (&trips[1], scored(Lane::Red, &["seals-broken"])),
            (&trips[2], scored(Lane::Yellow, &["same-vehicle-twice"])),
            (
                &trips[3],
                scored(Lane::Red, &["seals-broken", "leg-overstay"]),
            ),
        ];
        assert_eq!(trips[3].frauds(), [Fraud::BrokenSeals, Fraud::Overstay]);
        let r = report(&pairs, &[]);
        assert_eq!(r.scored, 4);
        assert_eq!((r.fraudulent, r.fraudulent_red, r.honest_red), (2, 2, 0));
        assert_eq!(r.frauds[&Fraud::BrokenSeals].red, 2);
        assert_eq!(r.frauds[&Fraud::Overstay].seeded, 1);
        let seals = r.rules.iter().find(|l| l.rule == "seals-broken").unwrap();
        assert_eq!(
            (seals.fired, seals.on_frauds, seals.hit_rate),
            (2, 2, Some(1.0))
        );
        let twice = r
            .rules
            .iter()
            .find(|l| l.rule == "same-vehicle-twice")
            .unwrap();
        assert_eq!(twice.hit_rate, Some(0.0));
        assert!(lines(&r)
            .iter()
            .any(|l| l.contains("2 of 2 movements with a seeded fraud scored red")));
    }
}
