//! Every message a simulation sends and what accounts for it, kept from the national systems'
//! side only (what each sent and what each received): a message refused by an adapter is
//! accounted by its answer; one accepted, by every delivery it must cause having reached the
//! national system it is for — a release by its transit and arrival records, a passage by its
//! forwarded copy at the departure, an arrival for an unknown movement by the hub's refusal
//! back at its sender. A delivery received twice is a duplicate. Pure: no clock, no I/O.

use std::collections::{BTreeMap, HashMap};

use transit_model::{MessageType, Mrn, OfficeRef, Participant};

/// A delivery a national system receives: its type, its movement, whom it is for, and — for a
/// forwarded report (IE118, IE180: one per border post) — the office that reported it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Delivery {
    /// Its type.
    pub message_type: MessageType,
    /// Its movement.
    pub mrn: Mrn,
    /// Its recipient.
    pub to: Participant,
    /// The reporting office that tells two forwarded reports of one movement apart.
    pub reported_by: Option<OfficeRef>,
}

impl Delivery {
    /// A delivery of `message_type` about `mrn` to `to`, sent by `from`: the sender is kept
    /// for a forwarded report only.
    pub fn new(
        message_type: MessageType,
        mrn: &Mrn,
        to: &OfficeRef,
        from: Option<&OfficeRef>,
    ) -> Self {
        Self::to(message_type, mrn, Participant::Office(to.clone()), from)
    }

    /// As [`Delivery::new`], to any participant (the hub included).
    pub fn to(
        message_type: MessageType,
        mrn: &Mrn,
        to: Participant,
        from: Option<&OfficeRef>,
    ) -> Self {
        let forwarded = matches!(
            message_type,
            MessageType::NotificationCrossingFrontier | MessageType::IncidentNotification
        );
        Self {
            message_type,
            mrn: mrn.clone(),
            to,
            reported_by: from.filter(|_| forwarded).cloned(),
        }
    }
}

impl std::fmt::Display for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} for {} to {}", self.message_type, self.mrn, self.to)
    }
}

/// What a sent message was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum Kind {
    /// IE029 from the departure.
    Release,
    /// IE118 from a border post.
    Passage,
    /// IE180 from a border post.
    Incident,
    /// IE006 from the destination.
    Arrival,
    /// IE018 from the destination.
    ControlResults,
    /// National bytes cut off halfway: must be refused.
    Malformed,
    /// An arrival for a movement never released: accepted by the adapter, refused by the hub.
    UnknownMovement,
    /// IE002 from an office of destination that was not declared (the goods were diverted).
    Diversion,
    /// Rail: a train confirmed once at its border station, in the national format.
    TrainPassage,
    /// Rail: a train confirmed once at its destination station.
    TrainArrival,
}

/// What an adapter answered to a sent message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// 202: taken in.
    Accepted,
    /// Refused, with its HTTP status and reason.
    Refused(u16, String),
    /// No answer after retrying for the time allowed: a loss, not a refusal.
    Silent,
}

#[derive(Debug, Clone)]
struct Entry {
    kind: Kind,
    family: String,
    expected: Vec<Delivery>,
    answer: Option<Answer>,
}

/// The ledger of one simulation.
#[derive(Debug, Default)]
pub struct Ledger {
    entries: Vec<Entry>,
    seen: HashMap<Delivery, u32>,
    deliveries: u64,
    duplicates: u64,
}

/// What the ledger says at the end.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    /// Messages sent, by kind.
    pub sent: BTreeMap<String, u64>,
    /// Answered 202 by their adapter.
    pub accepted: u64,
    /// Refused by their adapter, by status and reason.
    pub refused: BTreeMap<String, u64>,
    /// Well-formed messages refused by their adapter (each a finding).
    pub refused_well_formed: u64,
    /// Malformed messages sent, by national family (each must be refused).
    pub malformed_by_family: BTreeMap<String, u64>,
    /// Deliveries received by the national systems.
    pub deliveries: u64,
    /// Deliveries received more than once.
    pub duplicates: u64,
    /// Sent messages accounted for.
    pub accounted: u64,
    /// Sent messages not (yet) accounted for, described (at most 20).
    pub unaccounted: Vec<String>,
    /// How many are not accounted for.
    pub unaccounted_count: u64,
}

impl Ledger {
    /// Records a message sent, in `family`, that must cause `expected` once accepted; its index.
    pub fn sent(&mut self, kind: Kind, family: &str, expected: Vec<Delivery>) -> usize {
        self.entries.push(Entry {
            kind,
            family: family.to_owned(),
            expected,
            answer: None,
        });
        self.entries.len() - 1
    }

    /// Records the adapter's answer to message `index` (or that none came).
    pub fn answered(&mut self, index: usize, answer: Answer) {
        if let Some(entry) = self.entries.get_mut(index) {
            entry.answer = Some(answer);
        }
    }

    /// Records a delivery received by a national system.
    pub fn delivered(&mut self, delivery: Delivery) {
        self.deliveries += 1;
        let count = self.seen.entry(delivery).or_default();
        *count += 1;
        if *count > 1 {
            self.duplicates += 1;
        }
    }

    /// Whether `delivery` has been received.
    pub fn has(&self, delivery: &Delivery) -> bool {
        self.seen.contains_key(delivery)
    }

    /// Whether message `index` was accepted by its adapter.
    pub fn accepted(&self, index: usize) -> bool {
        matches!(
            self.entries.get(index).and_then(|e| e.answer.as_ref()),
            Some(Answer::Accepted)
        )
    }

    fn accounted(&self, entry: &Entry) -> bool {
        match (&entry.answer, entry.kind) {
            (None | Some(Answer::Silent), _) => false,
            // A malformed message is accounted by its refusal, and only by it.
            (Some(Answer::Accepted), Kind::Malformed) => false,
            (Some(Answer::Refused(..)), _) => true,
            (Some(Answer::Accepted), _) => entry.expected.iter().all(|d| self.seen.contains_key(d)),
        }
    }

    /// Whether every message sent is accounted for.
    pub fn all_accounted(&self) -> bool {
        self.entries.iter().all(|e| self.accounted(e))
    }

    /// Messages sent and still waiting for their adapter's answer.
    pub fn unanswered(&self) -> usize {
        self.entries.iter().filter(|e| e.answer.is_none()).count()
    }

    /// The ledger's totals.
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            deliveries: self.deliveries,
            duplicates: self.duplicates,
            ..Summary::default()
        };
        for entry in &self.entries {
            *s.sent.entry(format!("{:?}", entry.kind)).or_default() += 1;
            if entry.kind == Kind::Malformed {
                *s.malformed_by_family
                    .entry(entry.family.clone())
                    .or_default() += 1;
            }
            match &entry.answer {
                Some(Answer::Accepted) => s.accepted += 1,
                Some(Answer::Refused(status, reason)) => {
                    *s.refused.entry(format!("{status} {reason}")).or_default() += 1;
                    if entry.kind != Kind::Malformed {
                        s.refused_well_formed += 1;
                    }
                }
                Some(Answer::Silent) | None => {}
            }
            if self.accounted(entry) {
                s.accounted += 1;
            } else {
                s.unaccounted_count += 1;
                if s.unaccounted.len() < 20 {
                    let missing: Vec<String> = entry
                        .expected
                        .iter()
                        .filter(|d| !self.seen.contains_key(*d))
                        .map(ToString::to_string)
                        .collect();
                    s.unaccounted.push(match &entry.answer {
                        None | Some(Answer::Silent) => {
                            format!("{:?} ({}): never answered", entry.kind, entry.family)
                        }
                        Some(Answer::Accepted) if entry.kind == Kind::Malformed => {
                            format!("a malformed {} message was accepted", entry.family)
                        }
                        _ => format!("{:?}: still missing {}", entry.kind, missing.join(", ")),
                    });
                }
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A delivery of type `t` to office `to`, about one movement.
    fn d(t: &str, to: &str) -> Delivery {
        let mrn = Mrn::parse("25CIUJZDE8GXD6NCJ0").unwrap();
        Delivery::new(t.parse().unwrap(), &mrn, &to.parse().unwrap(), None)
    }

    #[test]
    fn an_accepted_message_counts_once_every_delivery_it_causes_has_arrived() {
        let mut l = Ledger::default();
        let release = l.sent(
            Kind::Release,
            "sydam",
            vec![d("IE050", "BFNGK001"), d("IE001", "BFOUA001")],
        );
        assert!(!l.all_accounted(), "not answered yet");
        l.answered(release, Answer::Accepted);
        l.delivered(d("IE050", "BFNGK001"));
        assert!(!l.all_accounted(), "one record still on its way");
        l.delivered(d("IE001", "BFOUA001"));
        assert!(l.all_accounted());
        assert_eq!(l.summary().accounted, 1);
    }

    #[test]
    fn a_refusal_accounts_for_a_message_and_a_malformed_one_must_be_refused() {
        let mut l = Ledger::default();
        let bad = l.sent(Kind::Malformed, "gainde", Vec::new());
        l.answered(bad, Answer::Accepted);
        assert!(
            !l.all_accounted(),
            "a malformed message accepted is a finding"
        );
        l.answered(bad, Answer::Refused(400, "cut off".into()));
        assert!(l.all_accounted());
        let s = l.summary();
        assert_eq!(s.refused.get("400 cut off"), Some(&1));
        assert_eq!(s.malformed_by_family.get("gainde"), Some(&1));
    }

    #[test]
    fn a_delivery_received_twice_is_a_duplicate() {
        let mut l = Ledger::default();
        l.delivered(d("IE118", "CIABJ001"));
        l.delivered(d("IE118", "CIABJ001"));
        assert_eq!(l.summary().duplicates, 1);
    }

    #[test]
    fn what_is_missing_is_named() {
        let mut l = Ledger::default();
        let arrival = l.sent(Kind::Arrival, "asycuda", vec![d("IE006", "CIABJ001")]);
        l.answered(arrival, Answer::Accepted);
        let s = l.summary();
        assert_eq!(s.unaccounted_count, 1);
        assert!(s.unaccounted[0].contains("IE006"), "{:?}", s.unaccounted);
    }

    #[test]
    fn a_message_nobody_answered_is_a_loss_not_a_refusal() {
        let mut l = Ledger::default();
        let bad = l.sent(Kind::Malformed, "sydam", Vec::new());
        l.answered(bad, Answer::Silent);
        assert_eq!(l.unanswered(), 0, "no longer waited for");
        assert!(!l.all_accounted());
        let s = l.summary();
        assert!(s.refused.is_empty(), "{:?}", s.refused);
        assert_eq!(s.unaccounted_count, 1);
        assert!(
            s.unaccounted[0].contains("never answered"),
            "{:?}",
            s.unaccounted
        );
    }
}
