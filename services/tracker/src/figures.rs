//! The tracker's metrics (`docs/metrics.md`): what came in and how it was decided, what went
//! out, what was set aside, how long it took — each recorded only once the database (or the
//! broker) has it, so a batch retried after a failure is not counted twice — and, every few
//! seconds, the outbox backlog and the pool.

use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;
use transit_kafka::{header, OutgoingRecord, Topics};
use transit_model::CountryCode;
use transit_model::MessageType;
use transit_store::tracker::TrackerStore;

/// How a message read by intake was decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Applied to its movement.
    Accepted,
    /// Refused with this NCTS functional error code, answered and kept.
    Refused(u8),
    /// A redelivery dropped, or a resend of a refused message answered again.
    Repeated,
    /// Kept in `undecodable_records`.
    Undecodable,
}

impl Outcome {
    fn label(self) -> &'static str {
        match self {
            Outcome::Accepted => "accepted",
            Outcome::Refused(_) => "refused",
            Outcome::Repeated => "repeated",
            Outcome::Undecodable => "undecodable",
        }
    }
}

/// One message of a batch, as counted.
#[derive(Clone, Debug)]
pub struct Counted {
    /// Its type; none for a record that does not decode (counted as `unknown`).
    pub(crate) message_type: Option<MessageType>,
    /// The country whose topic it came from.
    pub(crate) country: Option<CountryCode>,
    pub(crate) outcome: Outcome,
    /// When its producer wrote it (ms since the epoch).
    pub(crate) written_at_ms: Option<i64>,
}

/// How many records of a batch went which way: each message as the metrics count it
/// (recorded once the batch is committed).
#[derive(Clone, Debug, Default)]
pub struct Tally {
    pub(crate) counted: Vec<Counted>,
    /// Train confirmations handled: (stage, `applied` or `refused`).
    pub(crate) trains: Vec<(&'static str, &'static str)>,
    /// Guarantee checks answered: (`check` or `use`, `valid` or `not-valid`).
    pub(crate) guarantee_checks: Vec<(&'static str, &'static str)>,
}

impl Tally {
    /// How many went `outcome`'s way (any refusal code counts for `Refused`).
    pub fn of(&self, outcome: Outcome) -> usize {
        self.counted
            .iter()
            .filter(|c| std::mem::discriminant(&c.outcome) == std::mem::discriminant(&outcome))
            .count()
    }
}

/// Records a committed batch: each message by type, country and outcome, refusals by code,
/// dead letters, and how long each message took from its adapter to the commit.
pub(crate) fn record_batch(counted: &[Counted], stored_in: Duration) {
    let now_ms = Utc::now().timestamp_millis();
    for c in counted {
        let country = c
            .country
            .map_or_else(|| "unknown".to_owned(), |c| c.as_str().to_owned());
        metrics::counter!("sigmat_tracker_messages_in_total", "type" => c.message_type.map_or("unknown", MessageType::code), "country" => country.clone(), "outcome" => c.outcome.label())
            .increment(1);
        match c.outcome {
            Outcome::Refused(code) => {
                metrics::counter!("sigmat_tracker_refusals_total", "code" => code.to_string(), "country" => country)
                    .increment(1);
                dead_letter("refused");
            }
            Outcome::Undecodable => dead_letter("undecodable"),
            Outcome::Accepted | Outcome::Repeated => {}
        }
        if let Some(written) = c.written_at_ms {
            let seconds = (now_ms - written).max(0) as f64 / 1000.0;
            metrics::histogram!("sigmat_tracker_message_seconds").record(seconds);
        }
    }
    metrics::histogram!("sigmat_tracker_batch_seconds").record(stored_in.as_secs_f64());
}

/// Series that must read 0 before anything happens (so that `rate()` and alerts see them
/// from the start), at the tracker's start.
pub(crate) fn start_at_zero() {
    for kind in ["refused", "undecodable", "poison", "unpublished"] {
        metrics::counter!("sigmat_tracker_dead_letters_total", "kind" => kind).increment(0);
    }
    crate::telematics::Counted::default().record_quietly();
    for stage in ["departure", "passage", "arrival"] {
        for outcome in ["applied", "refused"] {
            metrics::counter!("sigmat_tracker_rail_confirmations_total", "stage" => stage, "outcome" => outcome)
                .increment(0);
        }
    }
    for kind in ["check", "use"] {
        for outcome in ["valid", "not-valid"] {
            metrics::counter!("sigmat_tracker_guarantee_checks_total", "kind" => kind, "outcome" => outcome)
                .increment(0);
        }
    }
}

/// Records the guarantee checks answered in a committed batch.
pub(crate) fn record_guarantee_checks(checks: &[(&'static str, &'static str)]) {
    for (kind, outcome) in checks {
        metrics::counter!("sigmat_tracker_guarantee_checks_total", "kind" => *kind, "outcome" => *outcome)
            .increment(1);
    }
}

/// Records the train confirmations of a committed batch.
pub(crate) fn record_trains(trains: &[(&'static str, &'static str)]) {
    for (stage, outcome) in trains {
        metrics::counter!("sigmat_tracker_rail_confirmations_total", "stage" => *stage, "outcome" => *outcome)
            .increment(1);
    }
}

/// A record set aside as a dead letter of `kind` (`refused`, `undecodable`, `poison`,
/// `unpublished`).
pub(crate) fn dead_letter(kind: &'static str) {
    metrics::counter!("sigmat_tracker_dead_letters_total", "kind" => kind).increment(1);
}

/// Records what the relay published: by message type and receiving country (the
/// dead-letter and guarantee topics count under `hub`).
pub(crate) fn record_published(topics: &Topics, published: &[&OutgoingRecord], took: Duration) {
    for record in published {
        let country = topics
            .country_of_from_hub(&record.topic)
            .map_or_else(|| "hub".to_owned(), |c| c.as_str().to_owned());
        let message_type = record
            .headers
            .iter()
            .find(|(k, _)| k == header::MESSAGE_TYPE || k == header::EVENT_TYPE)
            .map_or("unknown", |(_, v)| v.as_str());
        metrics::counter!("sigmat_tracker_messages_out_total", "type" => message_type.to_owned(), "country" => country)
            .increment(1);
    }
    metrics::histogram!("sigmat_tracker_publish_seconds").record(took.as_secs_f64());
}

/// Records the outbox backlog and the pool every `every` until `stop` turns true. A failed
/// reading is skipped (the database's own alerts say why).
pub(crate) async fn sample(
    store: TrackerStore,
    every: Duration,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    while !*stop.borrow() {
        if let Err(err) = store.record_figures(Utc::now()).await {
            tracing::debug!(error = %err, "outbox backlog not read this time");
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => {}
        }
    }
    Ok(())
}
