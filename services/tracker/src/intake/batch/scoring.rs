//! Risk scoring within a batch: what identifies each movement's vehicle, guarantee and
//! traders (for the network facts read once per batch), the movement's assessment after each
//! accepted message, and what the batch adds to each rule's figures.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use transit_lifecycle::Movement;
use transit_model::Body;
use transit_risk::{assess, Assessment};
use transit_store::tracker::NetworkKey;

use super::{Incoming, Writes};

/// `movement`'s risk after an event, under the batch's rules; a rule that could not be
/// evaluated is logged (it counts as not fired).
pub(super) fn score(writes: &Writes, movement: &Movement, now: DateTime<Utc>) -> Assessment {
    let others = writes
        .network
        .get(movement.mrn.as_str())
        .cloned()
        .unwrap_or_default();
    let network = writes.scoring.legs.complete(movement, &others);
    let assessment = assess(&writes.scoring.book, movement, network, now);
    if !assessment.failed.is_empty() {
        tracing::warn!(mrn = %movement.mrn, failed = ?assessment.failed, "risk rules could not be evaluated on this movement; they count as not fired");
    }
    assessment
}

/// Counts, for each rule's hit rate, the rules `risk` newly fired, and — when `message` is the
/// control at destination — the rules that had fired before it as controlled, and as found
/// when the control found discrepancies (B1).
pub(super) fn count_rules(
    writes: &mut Writes,
    message: &transit_model::StandardMessage,
    risk: &Assessment,
) {
    let before: Vec<(String, transit_risk::Owner)> = writes
        .assessments
        .get(message.mrn().as_str())
        .map(|a| a.fired.iter().map(|f| (f.rule.clone(), f.owner)).collect())
        .unwrap_or_default();
    for fired in &risk.fired {
        let key = (fired.rule.clone(), fired.owner);
        if !before.contains(&key) {
            writes.rule_counts.entry(key).or_default()[0] += 1;
        }
    }
    if let Body::DestinationControlResults(results) = message.body() {
        let found = i64::from(results.control_result_code == transit_model::ControlResultCode::B1);
        for key in before {
            let counts = writes.rule_counts.entry(key).or_default();
            counts[1] += 1;
            counts[2] += found;
        }
    }
}

/// What identifies the vehicle, guarantee and traders of each movement of the batch: from the
/// movement as stored, or from its release in this batch.
pub(super) fn network_keys<'a>(
    mrns: &[&'a str],
    movements: &'a HashMap<String, Movement>,
    incoming: &[&'a Incoming<'a>],
) -> Vec<NetworkKey<'a>> {
    let released: HashMap<&str, &transit_model::TransitDeclaration> = incoming
        .iter()
        .filter_map(|i| match i.message.body() {
            Body::ReleaseForTransit(d) => Some((i.message.mrn().as_str(), d)),
            _ => None,
        })
        .collect();
    mrns.iter()
        .filter_map(|mrn| {
            let stored = movements.get(*mrn);
            let declaration = stored
                .map(|m| &m.declaration)
                .or_else(|| released.get(mrn).copied())?;
            // Every declaration here is a release's, which carries all of these.
            let guarantee = declaration.obligation_guarantee.as_ref()?;
            // A train carries many declarations at once: its number is not a vehicle seen
            // twice (no stored movement has an empty vehicle, so none is counted).
            let means = declaration.border_transport_means.as_ref()?;
            let vehicle = if means.mode_code == transit_rail::RAIL {
                ""
            } else {
                means.id.as_str()
            };
            Some(NetworkKey {
                mrn,
                vehicle,
                guarantee_reference: guarantee.reference_id.as_str(),
                declarant: declaration.declarant.as_ref().map_or("", |p| p.id.as_str()),
                consignee: declaration
                    .goods_shipment
                    .consignee
                    .as_ref()
                    .map_or("", |p| p.id.as_str()),
                stored_open: stored.is_some_and(|m| !m.state.is_terminal()),
                amount: guarantee
                    .amount_amount
                    .as_ref()
                    .map_or(0.0, |a| a.as_str().parse().unwrap_or(0.0)),
            })
        })
        .collect()
}
