//! The ledger of a run, read from the databases after the traffic: every accepted message found
//! exactly once in the hub's event log and its effect in the movement's state; every copy and
//! confirmation each office was owed delivered exactly once; every refusal answered and kept.
//! Lost and duplicated are counted from what is stored, never assumed.

use std::collections::HashMap;

use uuid::Uuid;

use super::{country, Sent};

/// What the run sent and what became of it.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// Movements released.
    pub movements: u64,
    /// Movements that reached their destination and were confirmed back to departure.
    pub completed: u64,
    /// Well-formed messages the adapters and the API accepted for the hub.
    pub accepted: u64,
    /// Of those, officers' actions through the API.
    pub by_officers: u64,
    /// Damaged national messages sent on purpose; refused by their adapter (400).
    pub damaged: u64,
    /// Refusals the adapters kept (a retry after a crash may keep one twice).
    pub refusals_kept: u64,
    /// Messages about movements the hub never heard of; refused by the hub.
    pub ghosts: u64,
    /// IE906 refusals delivered back to the ghosts' senders.
    pub ghosts_answered: u64,
    /// Copies of refused messages on the dead-letter topic.
    pub dead_lettered: u64,
    /// Undecodable records put straight on the broker.
    pub undecodable: u64,
    /// Of those, set aside by the tracker.
    pub undecodable_kept: u64,
    /// Records owed to offices: transit and arrival records, passage and arrival confirmations.
    pub owed: u64,
    /// Of those, delivered.
    pub delivered: u64,
    /// Deliveries of one record beyond the first.
    pub duplicated_deliveries: u64,
    /// Deliveries nobody was owed.
    pub unexpected_deliveries: u64,
    /// Accepted messages with no trace in the event log.
    pub lost_messages: u64,
    /// Event-log entries beyond one per message.
    pub duplicated_events: u64,
    /// Movements whose state, version or event log disagree with what was sent.
    pub impossible: Vec<String>,
    /// HTTP calls made, and of those retried because a service was down.
    pub calls: u64,
    /// Calls made again.
    pub retried: u64,
    /// Officer actions answered "replayed".
    pub replays: u64,
    /// How long the traffic ran, in seconds.
    pub seconds: f64,
}

impl Report {
    /// Messages and records lost, all kinds together: must be 0.
    pub fn lost(&self) -> u64 {
        self.lost_messages
            + (self.owed - self.delivered)
            + self.damaged.saturating_sub(self.refusals_kept)
            + (self.ghosts - self.ghosts_answered)
            + self.ghosts.saturating_sub(self.dead_lettered)
            + (self.undecodable - self.undecodable_kept)
    }

    /// Messages or records processed or delivered twice: must be 0.
    pub fn duplicated(&self) -> u64 {
        self.duplicated_deliveries + self.duplicated_events
    }

    /// Messages sent: well-formed, damaged and about unknown movements.
    pub fn sent(&self) -> u64 {
        self.accepted + self.damaged + self.ghosts
    }

    /// Rejected: refused by an adapter or by the hub, each answered.
    pub fn rejected(&self) -> u64 {
        self.damaged + self.ghosts
    }

    /// The figures as JSON, for `docs/reliability.md`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "movements": self.movements,
            "completed": self.completed,
            "sent": self.sent(),
            "accepted": self.accepted,
            "byOfficers": self.by_officers,
            "rejected": self.rejected(),
            "damaged": self.damaged,
            "refusalsKept": self.refusals_kept,
            "ghosts": self.ghosts,
            "ghostsAnswered": self.ghosts_answered,
            "deadLettered": self.dead_lettered,
            "undecodable": self.undecodable,
            "undecodableKept": self.undecodable_kept,
            "owed": self.owed,
            "delivered": self.delivered,
            "duplicatedDeliveries": self.duplicated_deliveries,
            "unexpectedDeliveries": self.unexpected_deliveries,
            "lostMessages": self.lost_messages,
            "duplicatedEvents": self.duplicated_events,
            "impossible": self.impossible,
            "lost": self.lost(),
            "duplicated": self.duplicated(),
            "calls": self.calls,
            "retried": self.retried,
            "replays": self.replays,
            "seconds": self.seconds,
        })
    }

    /// The figures as a table for the test's output.
    pub fn table(&self) -> String {
        let rows = [
            ("movements released", self.movements),
            ("movements completed", self.completed),
            ("messages sent", self.sent()),
            ("  accepted for the hub", self.accepted),
            ("    of which officers' actions", self.by_officers),
            ("  rejected (answered)", self.rejected()),
            ("    damaged, refused by adapter", self.damaged),
            ("    unknown MRN, refused by hub", self.ghosts),
            ("refusals kept by adapters", self.refusals_kept),
            ("IE906 answers delivered", self.ghosts_answered),
            ("dead-lettered", self.dead_lettered),
            ("undecodable put on broker", self.undecodable),
            ("  set aside by tracker", self.undecodable_kept),
            ("records owed to offices", self.owed),
            ("  delivered", self.delivered),
            ("duplicated", self.duplicated()),
            ("unexpected deliveries", self.unexpected_deliveries),
            ("LOST", self.lost()),
            ("calls made", self.calls),
            ("  retried (service down)", self.retried),
            ("officer actions replayed", self.replays),
        ];
        let mut table = String::new();
        for (what, n) in rows {
            table.push_str(&format!("  {what:<34} {n:>8}\n"));
        }
        table.push_str(&format!(
            "  {:<34} {:>8.1}\n",
            "traffic ran (s)", self.seconds
        ));
        for line in &self.impossible {
            table.push_str(&format!("  IMPOSSIBLE: {line}\n"));
        }
        table
    }
}

/// A delivery: (country, MRN, message type, recipient office).
type Key = (String, String, String, String);

/// What the stores hold after a run.
#[derive(Debug, Default)]
pub struct Stored {
    /// Country → (MRN, type, recipient) of every delivery row at its adapter.
    pub deliveries: HashMap<String, Vec<(String, String, String)>>,
    /// Country → refusals its adapter kept.
    pub refusals: HashMap<String, u64>,
    /// Message id → outcomes in the hub's event log.
    pub events: HashMap<Uuid, Vec<String>>,
    /// MRN → (state, version, accepted events) in the hub's tables.
    pub movements: HashMap<String, (String, i64, i64)>,
    /// Undecodable records the tracker set aside.
    pub undecodable_kept: u64,
    /// Distinct messages on the dead-letter topic.
    pub dead_lettered: u64,
}

impl Stored {
    /// Reads the hub's and every adapter's tables.
    pub async fn read(
        tracker: &sqlx::PgPool,
        adapters: &HashMap<String, sqlx::PgPool>,
    ) -> Result<Self, sqlx::Error> {
        let mut stored = Self::default();
        for (country, pool) in adapters {
            let rows = sqlx::query_as("SELECT mrn, message_type, recipient FROM deliveries")
                .fetch_all(pool)
                .await?;
            stored.deliveries.insert(country.clone(), rows);
            let (kept,): (i64,) = sqlx::query_as("SELECT count(*) FROM refusals")
                .fetch_one(pool)
                .await?;
            stored.refusals.insert(country.clone(), kept.unsigned_abs());
        }
        let events: Vec<(Uuid, String)> =
            sqlx::query_as("SELECT message_id, outcome FROM movement_events")
                .fetch_all(tracker)
                .await?;
        for (id, outcome) in events {
            stored.events.entry(id).or_default().push(outcome);
        }
        let movements: Vec<(String, String, i64, i64)> = sqlx::query_as(
            "SELECT m.mrn, m.state, m.version, \
               (SELECT count(*) FROM movement_events e WHERE e.mrn = m.mrn AND e.outcome = 'accepted') \
             FROM movements m",
        )
        .fetch_all(tracker)
        .await?;
        for (mrn, state, version, accepted) in movements {
            stored.movements.insert(mrn, (state, version, accepted));
        }
        let (undecodable,): (i64,) = sqlx::query_as("SELECT count(*) FROM undecodable_records")
            .fetch_one(tracker)
            .await?;
        stored.undecodable_kept = undecodable.unsigned_abs();
        Ok(stored)
    }
}

/// Checks what `sent` did against what is `stored`.
pub fn account(sent: &Sent, stored: &Stored, undecodable: u64) -> Report {
    let mut report = Report {
        movements: sent.movements.len() as u64,
        damaged: sent.damaged.values().sum(),
        refusals_kept: stored.refusals.values().sum(),
        ghosts: sent.ghosts.len() as u64,
        dead_lettered: stored.dead_lettered,
        undecodable,
        undecodable_kept: stored.undecodable_kept,
        calls: sent.calls,
        retried: sent.retried,
        replays: sent.replays,
        seconds: sent.took.as_secs_f64(),
        ..Report::default()
    };
    let mut owed: HashMap<Key, u64> = HashMap::new();
    for tracked in &sent.movements {
        let m = &tracked.movement;
        let mrn = m.mrn.to_string();
        let corridor = &m.corridor;
        let departure = (country(&corridor.departure), corridor.departure.to_string());
        let mut owe = |(country, office): (String, String), message_type: &str| {
            *owed
                .entry((country, mrn.clone(), message_type.to_owned(), office))
                .or_default() += 1;
        };
        for office in &corridor.transit {
            owe((country(office), office.to_string()), "IE050");
            owe(departure.clone(), "IE118");
        }
        owe(
            (
                country(&corridor.destination),
                corridor.destination.to_string(),
            ),
            "IE001",
        );
        owe(departure.clone(), "IE006");

        report.accepted += tracked.accepted.len() as u64;
        report.by_officers += u64::from(tracked.by_officer);
        for id in &tracked.accepted {
            match stored.events.get(id).map(Vec::as_slice) {
                None | Some([]) => report.lost_messages += 1,
                Some(outcomes) => {
                    report.duplicated_events += outcomes.len() as u64 - 1;
                    if outcomes.iter().any(|o| o != "accepted") {
                        report
                            .impossible
                            .push(format!("{mrn}: message {id} was refused: {outcomes:?}"));
                    }
                }
            }
        }
        let expected_version = 2 + corridor.transit.len() as i64;
        match stored.movements.get(&mrn) {
            None => report.impossible.push(format!("{mrn}: not in the hub")),
            Some((state, version, accepted)) => {
                if state == "Arrived" && *version == expected_version && version == accepted {
                    report.completed += 1;
                } else {
                    report.impossible.push(format!(
                        "{mrn}: {state}, version {version}, {accepted} accepted events \
                         (expected Arrived, version {expected_version})"
                    ));
                }
            }
        }
    }
    for ghost in &sent.ghosts {
        let outcomes = stored.events.get(&ghost.id).cloned().unwrap_or_default();
        if outcomes.is_empty() {
            report.lost_messages += 1;
        }
        report.duplicated_events += (outcomes.len() as u64).saturating_sub(1);
        if stored.movements.contains_key(ghost.mrn.as_str()) {
            report.impossible.push(format!(
                "{}: a movement never released is in the hub",
                ghost.mrn
            ));
        }
        *owed
            .entry((
                ghost.country.clone(),
                ghost.mrn.to_string(),
                "IE906".into(),
                String::new(),
            ))
            .or_default() += 1;
    }
    let ghost_mrns: std::collections::HashSet<&str> =
        sent.ghosts.iter().map(|g| g.mrn.as_str()).collect();
    let released: std::collections::HashSet<String> = sent
        .movements
        .iter()
        .map(|t| t.movement.mrn.to_string())
        .collect();
    for mrn in stored.movements.keys() {
        if !released.contains(mrn) {
            report
                .impossible
                .push(format!("{mrn}: in the hub, but never released"));
        }
    }
    let mut found: HashMap<Key, u64> = HashMap::new();
    for (country, rows) in &stored.deliveries {
        for (mrn, message_type, recipient) in rows {
            // An IE906 goes to whichever office sent the refused message.
            let recipient = if ghost_mrns.contains(mrn.as_str()) {
                String::new()
            } else {
                recipient.clone()
            };
            *found
                .entry((
                    country.clone(),
                    mrn.clone(),
                    message_type.clone(),
                    recipient,
                ))
                .or_default() += 1;
        }
    }
    for (key, n) in &owed {
        let got = found.get(key).copied().unwrap_or(0);
        report.duplicated_deliveries += got.saturating_sub(*n);
        if key.2 == "IE906" {
            report.ghosts_answered += got.min(*n);
        } else {
            report.owed += n;
            report.delivered += got.min(*n);
        }
    }
    report.unexpected_deliveries = found
        .iter()
        .filter(|(key, _)| !owed.contains_key(*key))
        .map(|(_, n)| n)
        .sum();
    report
}

#[cfg(test)]
mod tests {
    //! The ledger can fail: a missing delivery, a second event or a lost message is counted.

    use super::*;
    use crate::traffic::{movements, Plan};

    fn one_movement() -> (Sent, Stored) {
        let plan = Plan {
            movements: 1,
            releases_per_second: 1.0,
            officer_every: 2,
            damaged_every: 2,
            ghost_every: 2,
            shared_truck_every: 0,
            leg: std::time::Duration::ZERO,
            deadline: std::time::Duration::from_secs(1),
        };
        let mut sent = Sent {
            movements: movements(&plan),
            ..Sent::default()
        };
        // abidjan-ouagadougou: one border post in BF, destination in BF.
        let tracked = &mut sent.movements[0];
        tracked.accepted = (0..3).map(|_| Uuid::new_v4()).collect();
        let mrn = tracked.movement.mrn.to_string();
        let mut stored = Stored::default();
        for id in &tracked.accepted {
            stored.events.insert(*id, vec!["accepted".into()]);
        }
        stored
            .movements
            .insert(mrn.clone(), ("Arrived".into(), 3, 3));
        let row = |t: &str, r: &str| (mrn.clone(), t.to_owned(), r.to_owned());
        stored.deliveries.insert(
            "BF".into(),
            vec![row("IE050", "BFNGK001"), row("IE001", "BFOUA001")],
        );
        stored.deliveries.insert(
            "CI".into(),
            vec![row("IE118", "CIABJ001"), row("IE006", "CIABJ001")],
        );
        (sent, stored)
    }

    #[test]
    fn a_complete_movement_is_all_accounted_for() {
        let (sent, stored) = one_movement();
        let report = account(&sent, &stored, 0);
        assert_eq!((report.owed, report.delivered), (4, 4));
        assert_eq!((report.lost(), report.duplicated()), (0, 0));
        assert_eq!(report.completed, 1);
        assert!(report.impossible.is_empty(), "{:?}", report.impossible);
    }

    #[test]
    fn a_missing_delivery_is_lost() {
        let (sent, mut stored) = one_movement();
        stored.deliveries.get_mut("CI").unwrap().pop();
        assert_eq!(account(&sent, &stored, 0).lost(), 1);
    }

    #[test]
    fn a_second_delivery_or_event_is_a_duplicate() {
        let (sent, mut stored) = one_movement();
        let again = stored.deliveries["BF"][0].clone();
        stored.deliveries.get_mut("BF").unwrap().push(again);
        stored
            .events
            .get_mut(&sent.movements[0].accepted[1])
            .unwrap()
            .push("accepted".into());
        assert_eq!(account(&sent, &stored, 0).duplicated(), 2);
    }

    #[test]
    fn a_message_without_an_event_is_lost_and_its_movement_impossible() {
        let (sent, mut stored) = one_movement();
        stored.events.remove(&sent.movements[0].accepted[2]);
        let mrn = sent.movements[0].movement.mrn.to_string();
        stored.movements.insert(mrn, ("Arrived".into(), 3, 2));
        let report = account(&sent, &stored, 0);
        assert_eq!(report.lost_messages, 1);
        assert_eq!(report.impossible.len(), 1);
    }

    #[test]
    fn a_delivery_nobody_was_owed_is_reported() {
        let (sent, mut stored) = one_movement();
        stored.deliveries.get_mut("BF").unwrap().push((
            "other".into(),
            "IE050".into(),
            "BFNGK001".into(),
        ));
        assert_eq!(account(&sent, &stored, 0).unexpected_deliveries, 1);
    }

    #[test]
    fn a_refusal_must_be_answered_and_dead_lettered() {
        let (mut sent, mut stored) = one_movement();
        let ghost_mrn = transit_model::Mrn::from_parts(
            26,
            "BF".parse().unwrap(),
            "GHOST0000001",
            transit_model::ProcedureLetter::J,
        )
        .unwrap();
        let ghost = crate::traffic::Ghost {
            country: "BF".into(),
            mrn: ghost_mrn.clone(),
            id: Uuid::new_v4(),
        };
        stored.events.insert(ghost.id, vec!["rejected".into()]);
        sent.ghosts.push(ghost);
        // Neither answered nor dead-lettered: two losses.
        assert_eq!(account(&sent, &stored, 0).lost(), 2);
        stored.dead_lettered = 1;
        stored.deliveries.get_mut("BF").unwrap().push((
            ghost_mrn.to_string(),
            "IE906".into(),
            "BFOUA001".into(),
        ));
        let report = account(&sent, &stored, 0);
        assert_eq!((report.ghosts_answered, report.lost()), (1, 0));
        assert_eq!((report.owed, report.delivered), (4, 4));
    }
}
