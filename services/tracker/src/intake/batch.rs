//! One batch of consumed records decided in memory and written with a few statements: read
//! every record, claim every id at once, lock every movement at once, decide each record in
//! order against the movements as the batch leaves them, then write the movements, the event
//! log and the outbox, one statement each; `scoring` rescores each movement a message changed.
//! Each message is encoded once: the canonical bytes are hashed, logged and dead-lettered.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use transit_codec::json;
use transit_kafka::{header, ConsumedRecord, OutgoingRecord, Topics};
use transit_lifecycle::{
    decide_with, guarantee_event, Disclosure, GuaranteeEvent, Movement, Rejection, Rules,
};
use transit_model::link::{LinkReport, LINK_STATUS_EVENT};
use transit_model::{CountryCode, FunctionalErrorCode, StandardMessage};
use transit_risk::{Assessment, NetworkFacts};
use transit_store::tracker::{
    ClaimRequest, Claimed, NewEvent, Outcome, QueuedRecord, RuleCount, TrackerTx,
};
use transit_store::StoreError;
use uuid::Uuid;

use super::hash::{self, Hashes};
use super::trace::Hop;
use crate::figures::{Counted, Outcome as Counting, Tally};
use crate::risk::Scoring;

mod guarantee_check;
mod rail;
mod refusal;
mod scoring;
use refusal::{answer_again, reject};
use scoring::{count_rules, network_keys, score};

/// What the inbox says about a message, once its held hash is compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Claim {
    /// First time: process it.
    New,
    /// Seen before with the same content; `same_place` tells a redelivery of the record first
    /// read (true) from the sender sending it again (false).
    Duplicate { same_place: bool },
    /// Seen before with different content: refuse it (error 26).
    Conflict,
}

/// A record that decoded, with what the batch needs to know about it.
pub(super) struct Incoming<'a> {
    pub record: &'a ConsumedRecord,
    country: CountryCode,
    pub message: StandardMessage,
    canonical: String,
    hashes: Hashes,
    read_at: String,
    /// Whether the sender is of the topic's country (if not, refused).
    sender_ok: bool,
    /// The ids it is claimed among.
    namespace: String,
    /// Set when an operator replays a dead letter: its answers get ids of their own, so a
    /// message refused again is answered again.
    replay_of: Option<&'a str>,
}

impl Incoming<'_> {
    /// What derives the ids of this record's refusal and dead-letter copy from the message's.
    fn variant(&self) -> String {
        self.replay_of
            .map(|id| format!("replay/{id}"))
            .unwrap_or_default()
    }
}

enum Read<'a> {
    Undecodable(&'a ConsumedRecord, String),
    Message(Box<Incoming<'a>>),
    /// An adapter's report on its national link: kept, not decided.
    Link(Box<LinkReport>),
    /// A confirmation for a whole train, from an office of the topic's country.
    Train(Box<transit_rail::TrainConfirmation>),
    /// An office of departure's question about a declaration's guarantees, from an office of
    /// the topic's country.
    GuaranteeCheck(Box<transit_model::guarantee_check::GuaranteeCheck>),
}

/// What a batch writes, gathered while its records are decided.
#[derive(Default)]
struct Writes {
    /// The rules the batch is decided under.
    rules: Rules,
    /// The risk rules it is scored under.
    scoring: Scoring,
    /// What the hub read of the other movements, for each movement of the batch.
    network: HashMap<String, NetworkFacts>,
    /// Each movement's latest assessment: as stored, then as the batch leaves it.
    assessments: HashMap<String, Assessment>,
    /// What the batch adds to each rule's figures: fired, controlled, found.
    rule_counts: HashMap<(String, transit_risk::Owner), [i64; 3]>,
    /// Every movement the batch read or changed, as the batch leaves it.
    movements: HashMap<String, Movement>,
    /// The movements changed, in order of first change.
    changed: Vec<String>,
    /// How many events each changed movement took.
    events_per_movement: HashMap<String, i64>,
    events: Vec<NewEvent>,
    outbox: Vec<(Uuid, OutgoingRecord)>,
    /// The copies of declarations sent across borders, for the disclosure register.
    disclosures: Vec<Disclosure>,
    tally: Tally,
}

impl Writes {
    fn queue(&mut self, id: Uuid, record: OutgoingRecord) {
        self.outbox.push((id, record));
    }

    fn queued(&self, topic: &str, id: Uuid) -> Option<&[u8]> {
        self.outbox
            .iter()
            .find(|(queued, r)| *queued == id && r.topic == topic)
            .map(|(_, r)| r.payload.as_slice())
    }

    /// Counts `m` for the metrics: `outcome`, by type and country.
    fn count(&mut self, m: &Incoming<'_>, outcome: Counting) {
        self.tally.counted.push(Counted {
            message_type: Some(m.message.message_type()),
            country: Some(m.country),
            outcome,
            written_at_ms: m.record.written_at_ms,
        });
    }

    fn apply(&mut self, movement: Movement) {
        let mrn = movement.mrn.to_string();
        let events = self.events_per_movement.entry(mrn.clone()).or_insert(0);
        if *events == 0 {
            self.changed.push(mrn.clone());
        }
        *events += 1;
        self.movements.insert(mrn, movement);
    }
}

/// Stores `records` in `tx`: the whole of a batch's work but the commit.
pub(super) async fn store(
    topics: &Topics,
    rules: &Rules,
    scoring: &Scoring,
    tx: &mut TrackerTx,
    records: &[ConsumedRecord],
    now: DateTime<Utc>,
) -> Result<Tally, StoreError> {
    let reads: Vec<Read<'_>> = records.iter().map(|r| read(topics, r)).collect();
    let incoming: Vec<&Incoming<'_>> = reads
        .iter()
        .filter_map(|r| match r {
            Read::Message(m) => Some(m.as_ref()),
            Read::Undecodable(..) | Read::Link(_) | Read::Train(_) | Read::GuaranteeCheck(_) => {
                None
            }
        })
        .collect();
    let requests: Vec<ClaimRequest<'_>> = incoming
        .iter()
        .map(|m| ClaimRequest {
            sender_country: &m.namespace,
            message_id: m.message.id().as_uuid(),
            content_hash: &m.hashes.content,
            read_at: &m.read_at,
        })
        .collect();
    let claims: Vec<Claim> = tx
        .claim_all(&requests, now)
        .await?
        .into_iter()
        .zip(&incoming)
        .map(|(claimed, m)| compare(claimed, m))
        .collect();
    let mut mrns: Vec<&str> = incoming
        .iter()
        .zip(&claims)
        .filter(|(m, c)| m.sender_ok && **c == Claim::New)
        .map(|(m, _)| m.message.mrn().as_str())
        .collect();
    mrns.sort_unstable();
    mrns.dedup();
    let (movements, previous) = tx.movements_for_update(&mrns).await?;
    let network = if scoring.book.set.rules.is_empty() {
        HashMap::new()
    } else {
        tx.network_facts(&network_keys(&mrns, &movements, &incoming), now)
            .await?
    };
    let mut writes = Writes {
        movements,
        rules: rules.clone(),
        scoring: scoring.clone(),
        network,
        assessments: previous,
        ..Writes::default()
    };
    let mut claims = claims.into_iter();
    let mut links = Vec::new();
    let mut trains = Vec::new();
    let mut guarantee_checks = Vec::new();
    for read in &reads {
        match read {
            Read::Undecodable(record, reason) => {
                keep_undecodable(tx, record, reason, now).await?;
                writes.tally.counted.push(Counted {
                    message_type: None,
                    country: topics.country_of_to_hub(&record.topic),
                    outcome: Counting::Undecodable,
                    written_at_ms: record.written_at_ms,
                });
            }
            Read::Link(report) => links.push(report.as_ref()),
            Read::Train(confirmation) => trains.push(confirmation.as_ref()),
            Read::GuaranteeCheck(check) => guarantee_checks.push(check.as_ref()),
            Read::Message(m) => {
                let claim = claims.next().unwrap_or(Claim::Conflict);
                handle(topics, tx, &mut writes, m, claim, now).await?;
            }
        }
    }
    let changed: Vec<(&Movement, i64, Option<&Assessment>)> = writes
        .changed
        .iter()
        .filter_map(|mrn| {
            let events = writes.events_per_movement.get(mrn).copied().unwrap_or(1);
            writes
                .movements
                .get(mrn)
                .map(|m| (m, events, writes.assessments.get(mrn)))
        })
        .collect();
    tx.save_movements(&changed, now).await?;
    tx.append_events(&writes.events).await?;
    let counts: Vec<RuleCount<'_>> = writes
        .rule_counts
        .iter()
        .map(|((rule, owner), [fired, controlled, found])| RuleCount {
            rule,
            owner: *owner,
            fired: *fired,
            controlled: *controlled,
            found: *found,
        })
        .collect();
    tx.count_rules(&counts).await?;
    // After the movements are saved: a train confirmed in the batch that released a
    // declaration for it finds the declaration.
    rail::confirm_trains(
        topics,
        tx,
        &mut writes.outbox,
        &mut writes.tally.trains,
        &trains,
        now,
    )
    .await?;
    // After the movements are saved too: a check finds the guarantees of the batch's releases.
    guarantee_check::answer_guarantee_checks(
        topics,
        tx,
        &writes.rules.guarantee_cover,
        &mut writes.outbox,
        &mut writes.tally.guarantee_checks,
        &guarantee_checks,
        now,
    )
    .await?;
    let queued: Vec<QueuedRecord<'_>> = writes
        .outbox
        .iter()
        .map(|(id, record)| QueuedRecord {
            message_id: *id,
            record,
        })
        .collect();
    tx.enqueue_all(&queued, now).await?;
    tx.record_disclosures(&writes.disclosures).await?;
    keep_link_reports(tx, &links, now).await?;
    Ok(writes.tally)
}

fn read<'a>(topics: &Topics, record: &'a ConsumedRecord) -> Read<'a> {
    let Some(country) = topics.country_of_to_hub(&record.topic) else {
        return Read::Undecodable(
            record,
            "record read from a topic that is not a country's to-hub topic".into(),
        );
    };
    if record.headers.get(header::EVENT_TYPE).map(String::as_str) == Some(LINK_STATUS_EVENT) {
        return match serde_json::from_slice::<LinkReport>(&record.payload) {
            Ok(report) if report.country == country => Read::Link(Box::new(report)),
            Ok(report) => Read::Undecodable(
                record,
                format!("a link report for {} on {country}'s topic", report.country),
            ),
            Err(err) => Read::Undecodable(record, format!("not a link report: {err}")),
        };
    }
    if record.headers.get(header::EVENT_TYPE).map(String::as_str)
        == Some(transit_rail::TRAIN_CONFIRMATION_EVENT)
    {
        return match transit_rail::TrainConfirmation::parse(&record.payload) {
            Ok(c) if c.office.country() == country => Read::Train(Box::new(c)),
            Ok(c) => Read::Undecodable(
                record,
                format!(
                    "a train confirmation from {} on {country}'s topic: an adapter confirms trains at its own offices only",
                    c.office
                ),
            ),
            Err(err) => Read::Undecodable(record, format!("not a train confirmation: {err}")),
        };
    }
    if record.headers.get(header::EVENT_TYPE).map(String::as_str)
        == Some(transit_model::guarantee_check::GUARANTEE_CHECK_EVENT)
    {
        use transit_model::guarantee_check::GuaranteeCheck;
        return match GuaranteeCheck::parse(&record.payload) {
            Ok(c) if c.office_of_departure.country() == country => Read::GuaranteeCheck(Box::new(c)),
            Ok(c) => Read::Undecodable(
                record,
                format!(
                    "a guarantee check from {} on {country}'s topic: an adapter asks for its own offices only",
                    c.office_of_departure
                ),
            ),
            Err(err) => Read::Undecodable(record, format!("not a guarantee check: {err}")),
        };
    }
    let message = match json::decode(&record.payload) {
        Ok(message) => message,
        Err(err) => return Read::Undecodable(record, err.to_string()),
    };
    let canonical = match String::from_utf8(json::encode(&message)) {
        Ok(text) => text,
        Err(err) => String::from_utf8_lossy(err.as_bytes()).into_owned(),
    };
    let hashes = Hashes::of(canonical.as_bytes());
    // The sender must be of the topic's country, checked before its id is claimed: ids are
    // claimed per country, and a message put on another country's topic is refused without
    // touching the ids of the country it names. Its refusal is deduplicated among the topic's
    // own country's ids, so a redelivery is not refused twice.
    let sender_ok = message.header().sender.office().map(|o| o.country()) == Some(country);
    let namespace = if sender_ok {
        country.as_str().to_owned()
    } else {
        format!("{country}:refused")
    };
    Read::Message(Box::new(Incoming {
        record,
        country,
        read_at: format!("{}/{}/{}", record.topic, record.partition, record.offset),
        message,
        canonical,
        hashes,
        sender_ok,
        namespace,
        replay_of: record.headers.get(header::REPLAY_OF).map(String::as_str),
    }))
}

fn compare(claimed: Claimed, m: &Incoming<'_>) -> Claim {
    match claimed {
        Claimed::New => Claim::New,
        Claimed::Held {
            content_hash,
            first_read,
        } if m.hashes.holds(&content_hash, &m.message) => Claim::Duplicate {
            same_place: first_read.is_none_or(|first| first == m.read_at),
        },
        Claimed::Held { .. } => Claim::Conflict,
    }
}

async fn handle(
    topics: &Topics,
    tx: &mut TrackerTx,
    writes: &mut Writes,
    m: &Incoming<'_>,
    claim: Claim,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let message = &m.message;
    let hop = Hop::of(m);
    if !m.sender_ok {
        if claim != Claim::New {
            writes.count(m, Counting::Repeated);
            return Ok(());
        }
        let rejection = Rejection {
            code: FunctionalErrorCode::RuleViolation,
            pointer: "/header/sender".into(),
            reason: format!(
                "{}'s adapter may only send messages from its own offices, not from {}",
                m.country,
                message.header().sender.as_str()
            ),
        };
        reject(topics, writes, m, &hop, &rejection, now, &m.variant());
        return Ok(());
    }
    match claim {
        Claim::Duplicate { same_place: true } => {
            tracing::debug!(mrn = %message.mrn(), message_id = %message.id(), trace_id = %hop.trace_id, "redelivery dropped");
            writes.count(m, Counting::Repeated);
            Ok(())
        }
        Claim::Duplicate { same_place: false } => {
            writes.count(m, Counting::Repeated);
            answer_again(topics, tx, writes, m, &hop, now).await
        }
        Claim::Conflict => {
            let rejection = Rejection {
                code: FunctionalErrorCode::DuplicateMessageId,
                pointer: "/header/messageId".into(),
                reason: format!(
                    "message id {} was already used for a different message; give every new message a new id",
                    message.id()
                ),
            };
            let variant = hex::encode(hash::value_hash(message));
            reject(topics, writes, m, &hop, &rejection, now, &variant);
            Ok(())
        }
        Claim::New => {
            decide_one(topics, writes, m, &hop, now);
            Ok(())
        }
    }
}

/// Applies a new message to its movement as the batch has left it.
fn decide_one(
    topics: &Topics,
    writes: &mut Writes,
    m: &Incoming<'_>,
    hop: &Hop,
    now: DateTime<Utc>,
) {
    let _in_its_trace = hop.span.enter();
    let message = &m.message;
    let current = writes.movements.get(message.mrn().as_str());
    match decide_with(&writes.rules, current, message, now) {
        Ok(transition) => {
            let guarantee = guarantee_event(current, &transition.movement, message, now);
            let risk = score(writes, &transition.movement, now);
            count_rules(writes, message, &risk);
            let mut accepted = event(
                m,
                now,
                Outcome::Accepted {
                    state_after: transition.movement.state.as_str(),
                },
            );
            accepted.risk = Some(risk.clone());
            writes.events.push(accepted);
            writes
                .assessments
                .insert(transition.movement.mrn.to_string(), risk);
            for outgoing in &transition.outgoing {
                let Some(office) = outgoing.header().recipient.office() else {
                    continue;
                };
                let topic = topics.from_hub(office.country());
                let record = OutgoingRecord::for_message(topic, outgoing, json::encode(outgoing));
                writes.queue(outgoing.id().as_uuid(), hop.stamp(record));
                writes
                    .disclosures
                    .extend(Disclosure::of_copy(outgoing, now));
            }
            if let Some(event) = guarantee {
                let record = hop.stamp(guarantee_record(topics, &event));
                writes.queue(event.event_id.as_uuid(), record);
            }
            tracing::debug!(
                mrn = %message.mrn(),
                trace_id = %hop.trace_id,
                message_type = %message.message_type(),
                sender = %message.header().sender.as_str(),
                state = transition.movement.state.as_str(),
                copies = transition.outgoing.len(),
                "message applied"
            );
            writes.count(m, Counting::Accepted);
            writes.apply(transition.movement);
        }
        Err(rejection) => reject(topics, writes, m, hop, &rejection, now, &m.variant()),
    }
}

/// The record of a change to a movement's guarantee, for the guarantors' topic.
fn guarantee_record(topics: &Topics, event: &GuaranteeEvent) -> OutgoingRecord {
    // A struct of strings, numbers and enums: serializing it cannot fail.
    let payload = serde_json::to_vec(event).unwrap_or_default();
    OutgoingRecord::for_event(
        topics.guarantees(),
        event.mrn.as_str(),
        "guarantee",
        event.event_id,
        payload,
    )
}

fn event(m: &Incoming<'_>, now: DateTime<Utc>, outcome: Outcome) -> NewEvent {
    let message = &m.message;
    NewEvent {
        mrn: message.mrn().clone(),
        message_id: message.id().as_uuid(),
        message_type: message.message_type().into(),
        sender: message.header().sender.clone(),
        event_time: message.event_time(),
        received_at: now,
        outcome,
        message: m.canonical.clone(),
        topic: Some(m.record.topic.clone()),
        risk: None,
    }
}

/// Keeps each adapter's newest link report, and the fallback its national system declared in
/// step with it.
async fn keep_link_reports(
    tx: &mut TrackerTx,
    reports: &[&LinkReport],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let rows: Vec<(String, DateTime<Utc>, serde_json::Value)> = reports
        .iter()
        .map(|r| {
            let json = serde_json::to_value(r).unwrap_or_default();
            (r.country.as_str().to_owned(), r.reported_at, json)
        })
        .collect();
    tx.save_link_reports(&rows, now).await?;
    for report in reports {
        let unavailable = report.unavailable.as_ref().map(|u| {
            let office = u.office.as_ref().map(|o| o.as_str());
            (u.reason.as_str(), office, u.since)
        });
        tx.sync_declared_fallback(report.country.as_str(), unavailable, now)
            .await?;
    }
    Ok(())
}

async fn keep_undecodable(
    tx: &mut TrackerTx,
    record: &ConsumedRecord,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tracing::error!(
        topic = %record.topic,
        partition = record.partition,
        offset = record.offset,
        reason,
        "record cannot be decoded; kept in undecodable_records"
    );
    tx.keep_undecodable(
        &record.topic,
        record.partition,
        record.offset,
        reason,
        &record.payload,
        now,
    )
    .await
}
