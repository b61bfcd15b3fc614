//! Replaying the event log under the rules it was scored with: every movement rebuilt message
//! by message through the state machine, every stored assessment computed again from the
//! movement after its message, the network facts kept with it and the rules of its reference
//! data version — and compared. Risk scoring is deterministic and replayable when nothing
//! differs.

use std::collections::HashMap;
use std::sync::Arc;

use transit_lifecycle::{decide_with, Movement, Rules, SharedReference};
use transit_risk::{assess, RuleBook, RuleSet};
use transit_store::queries::MovementQueries;
use transit_store::reference::ReferenceStore;

/// What a replay went over.
#[derive(Debug, Default)]
pub struct LaneReplay {
    /// Movements replayed.
    pub movements: usize,
    /// Assessments computed again and compared.
    pub assessments: usize,
    /// Of those, how many were red in the hub's view (so the replay had lanes to reproduce).
    pub red: usize,
    /// Of those, how many were yellow.
    pub yellow: usize,
    /// What differed, one line each.
    pub differences: Vec<String>,
}

/// The rule book and lifecycle rules of each reference data version, read once.
struct Versions {
    store: ReferenceStore,
    base: Rules,
    loaded: HashMap<i64, (Rules, Arc<RuleBook>)>,
}

impl Versions {
    async fn get(&mut self, version: i64) -> (Rules, Arc<RuleBook>) {
        if let Some(found) = self.loaded.get(&version) {
            return found.clone();
        }
        let kept = self
            .store
            .version(version)
            .await
            .expect("reading a reference version")
            .unwrap_or_else(|| panic!("reference data version {version} is not kept"));
        let set = kept
            .document
            .risk_rules()
            .map(|json| RuleSet::from_json(json).expect("kept rules read"))
            .unwrap_or_else(RuleSet::empty);
        let loaded = kept.load().expect("a kept version loads");
        let rules = Rules {
            reference: SharedReference(loaded.data.clone()),
            guarantee_cover: loaded.cover.clone(),
            ..self.base.clone()
        };
        let book = Arc::new(RuleBook::compile(set, version).expect("kept rules compile"));
        self.loaded.insert(version, (rules.clone(), book.clone()));
        (rules, book)
    }
}

/// Replays every movement of `mrns` (the state machine under `base`, the tracker's own rules).
pub async fn replay_lanes(
    queries: &MovementQueries,
    reference: ReferenceStore,
    base: Rules,
    mrns: &[String],
) -> LaneReplay {
    let mut versions = Versions {
        store: reference,
        base,
        loaded: HashMap::new(),
    };
    let mut report = LaneReplay::default();
    for mrn in mrns {
        report.movements += 1;
        let mut movement: Option<Movement> = None;
        let mut rules = versions.base.clone();
        for event in queries
            .scored_log(mrn)
            .await
            .expect("reading the event log")
        {
            if event.message_type == transit_model::EventType::TimeLimit {
                movement = movement.map(|m| m.expire(event.received_at).unwrap_or(m));
                continue;
            }
            let bytes = serde_json::to_vec(&event.message).expect("a logged message");
            let message = transit_codec::json::decode(&bytes).expect("logged messages decode");
            let book = match &event.risk {
                Some(stored) => {
                    let (at_version, book) = versions.get(stored.rules_version).await;
                    rules = at_version;
                    Some((stored, book))
                }
                None => None,
            };
            let next = match decide_with(&rules, movement.as_ref(), &message, event.received_at) {
                Ok(t) => t.movement,
                Err(rejection) => {
                    report.differences.push(format!(
                        "{mrn}: {} accepted by the tracker is refused in replay: {}",
                        event.message_type, rejection.reason
                    ));
                    break;
                }
            };
            if let Some((stored, book)) = book {
                let again = assess(&book, &next, stored.network.clone(), event.received_at);
                report.assessments += 1;
                match stored.verdict(None).lane {
                    transit_risk::Lane::Red => report.red += 1,
                    transit_risk::Lane::Yellow => report.yellow += 1,
                    transit_risk::Lane::Green => {}
                }
                if &again != stored {
                    report.differences.push(format!(
                        "{mrn}: after {} the stored assessment fired {:?} ({}), the replay {:?} ({})",
                        event.message_type,
                        transit_risk::fired_ids(stored),
                        stored.verdict(None).lane.as_str(),
                        transit_risk::fired_ids(&again),
                        again.verdict(None).lane.as_str()
                    ));
                }
            }
            movement = Some(next);
        }
    }
    report
}
