//! The statements a consumed batch is written with. Each takes all the batch's rows at once,
//! as arrays the server unnests, so a batch of 500 records costs about six round trips.
//! Rows keep the batch's order (`WITH ORDINALITY … ORDER BY`), so the event log's and the
//! outbox's sequence numbers follow the order the records were read in.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use transit_lifecycle::Movement;
use transit_model::envelope::OutgoingRecord;
use transit_risk::Assessment;
use uuid::Uuid;

use super::{NewEvent, Outcome, TrackerTx};
use crate::search::SearchColumns;
use crate::StoreError;

/// One message id to claim in the inbox.
#[derive(Debug, Clone, Copy)]
pub struct ClaimRequest<'a> {
    /// Whose ids it is claimed among (the sending country, or a namespace of refusals).
    pub sender_country: &'a str,
    /// The message's id.
    pub message_id: Uuid,
    /// Its content hash.
    pub content_hash: &'a [u8],
    /// Where it was read (`topic/partition/offset`).
    pub read_at: &'a str,
}

/// What the inbox held for a claimed id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claimed {
    /// The id was free and is now claimed by this message.
    New,
    /// The id was claimed before (in an earlier batch, or earlier in this one).
    Held {
        /// The content hash it was claimed with.
        content_hash: Vec<u8>,
        /// Where that message was read, if recorded.
        first_read: Option<String>,
    },
}

/// A record to queue in the outbox under its message id.
#[derive(Debug, Clone, Copy)]
pub struct QueuedRecord<'a> {
    /// The id the outbox deduplicates on, per topic.
    pub message_id: Uuid,
    /// The record.
    pub record: &'a OutgoingRecord,
}

impl TrackerTx {
    /// Claims every id of `requests` in the inbox, in order: the answer for each says whether
    /// it was new, or what held it — including an earlier request of the same batch.
    pub async fn claim_all(
        &mut self,
        requests: &[ClaimRequest<'_>],
        now: DateTime<Utc>,
    ) -> Result<Vec<Claimed>, StoreError> {
        let mut first_of: HashMap<(&str, Uuid), usize> = HashMap::new();
        let mut unique = Vec::new();
        for (i, r) in requests.iter().enumerate() {
            first_of
                .entry((r.sender_country, r.message_id))
                .or_insert_with(|| {
                    unique.push(i);
                    i
                });
        }
        if unique.is_empty() {
            return Ok(Vec::new());
        }
        let column = |f: &dyn Fn(&ClaimRequest<'_>) -> String| -> Vec<String> {
            unique.iter().map(|&i| f(&requests[i])).collect()
        };
        let countries = column(&|r| r.sender_country.to_owned());
        let ids: Vec<Uuid> = unique.iter().map(|&i| requests[i].message_id).collect();
        let hashes: Vec<&[u8]> = unique.iter().map(|&i| requests[i].content_hash).collect();
        let reads = column(&|r| r.read_at.to_owned());
        let inserted: Vec<(String, Uuid)> = sqlx::query_as(
            "INSERT INTO inbox (sender_country, message_id, content_hash, received_at, first_read)
             SELECT c, m, h, $5, r FROM UNNEST($1::text[], $2::uuid[], $3::bytea[], $4::text[])
                 WITH ORDINALITY AS u(c, m, h, r, o) ORDER BY o
             ON CONFLICT (sender_country, message_id) DO NOTHING
             RETURNING sender_country, message_id",
        )
        .bind(&countries)
        .bind(&ids)
        .bind(&hashes)
        .bind(&reads)
        .bind(now)
        .fetch_all(&mut *self.tx)
        .await
        .map_err(StoreError::db("claiming message ids"))?;
        let inserted: HashSet<(String, Uuid)> = inserted.into_iter().collect();
        let held = self.held_claims(requests, &unique, &inserted).await?;
        Ok(requests
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let first = first_of[&(r.sender_country, r.message_id)];
                let key = (r.sender_country.to_owned(), r.message_id);
                match (inserted.contains(&key), first == i) {
                    (true, true) => Claimed::New,
                    (true, false) => Claimed::Held {
                        content_hash: requests[first].content_hash.to_vec(),
                        first_read: Some(requests[first].read_at.to_owned()),
                    },
                    (false, _) => held.get(&key).cloned().unwrap_or(Claimed::Held {
                        content_hash: Vec::new(),
                        first_read: None,
                    }),
                }
            })
            .collect())
    }

    /// What the inbox holds for the requested ids that were claimed before this batch.
    async fn held_claims(
        &mut self,
        requests: &[ClaimRequest<'_>],
        unique: &[usize],
        inserted: &HashSet<(String, Uuid)>,
    ) -> Result<HashMap<(String, Uuid), Claimed>, StoreError> {
        let (countries, ids): (Vec<String>, Vec<Uuid>) = unique
            .iter()
            .map(|&i| {
                (
                    requests[i].sender_country.to_owned(),
                    requests[i].message_id,
                )
            })
            .filter(|key| !inserted.contains(key))
            .unzip();
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<(String, Uuid, Vec<u8>, Option<String>)> = sqlx::query_as(
            "SELECT i.sender_country, i.message_id, i.content_hash, i.first_read
             FROM inbox i JOIN UNNEST($1::text[], $2::uuid[]) AS u(c, m)
               ON i.sender_country = u.c AND i.message_id = u.m",
        )
        .bind(&countries)
        .bind(&ids)
        .fetch_all(&mut *self.tx)
        .await
        .map_err(StoreError::db("reading the inbox"))?;
        Ok(rows
            .into_iter()
            .map(|(country, id, content_hash, first_read)| {
                (
                    (country, id),
                    Claimed::Held {
                        content_hash,
                        first_read,
                    },
                )
            })
            .collect())
    }

    /// Loads the movements of `mrns` with their latest risk assessments and locks their rows
    /// until commit, in MRN order (so two trackers locking overlapping sets never wait on each
    /// other in a circle).
    pub async fn movements_for_update(
        &mut self,
        mrns: &[&str],
    ) -> Result<(HashMap<String, Movement>, HashMap<String, Assessment>), StoreError> {
        if mrns.is_empty() {
            return Ok((HashMap::new(), HashMap::new()));
        }
        type Row = (
            String,
            sqlx::types::Json<Movement>,
            Option<sqlx::types::Json<Assessment>>,
        );
        let rows: Vec<Row> = sqlx::query_as(if self.whole_documents {
            "SELECT mrn, movement, risk FROM movements WHERE mrn = ANY($1) ORDER BY mrn FOR UPDATE"
        } else {
            "SELECT m.mrn, m.movement || jsonb_build_object('declaration', d.declaration), m.risk
             FROM movements m JOIN movement_declarations d USING (mrn)
             WHERE m.mrn = ANY($1) ORDER BY m.mrn FOR UPDATE OF m"
        })
        .bind(mrns)
        .fetch_all(&mut *self.tx)
        .await
        .map_err(StoreError::db("loading movements"))?;
        let mut movements = HashMap::with_capacity(rows.len());
        let mut risks = HashMap::new();
        for (mrn, movement, risk) in rows {
            if let Some(risk) = risk {
                risks.insert(mrn.clone(), risk.0);
            }
            self.remember_declaration(&movement.0);
            movements.insert(mrn, movement.0);
        }
        Ok((movements, risks))
    }

    /// Inserts or updates movements, one row each: `(movement, events, risk)` where `events` is
    /// how many accepted events this batch applied to it (the version grows by as many) and
    /// `risk` its latest assessment (none: the one stored stays, as after the timer's expiry).
    /// The hot state goes to `movements`; the declaration to `movement_declarations` only when
    /// it is not the one this transaction read (a release, or an incident's new vehicle or
    /// seals).
    pub async fn save_movements(
        &mut self,
        movements: &[(&Movement, i64, Option<&Assessment>)],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if movements.is_empty() {
            return Ok(());
        }
        let mut c = MovementColumns::default();
        for (m, events, risk) in movements {
            let risky = RiskColumns::of(m, *risk)?;
            c.risks.push(risky.risk);
            c.lanes.push(risky.lane);
            c.guarantees.push(risky.guarantee_reference);
            c.declarants.push(risky.declarant);
            c.consignees.push(risky.consignee);
            let mut document = serde_json::to_value(m).map_err(StoreError::encode("a movement"))?;
            let search = SearchColumns::of(&document);
            if !self.whole_documents {
                let declaration = document
                    .as_object_mut()
                    .and_then(|fields| fields.remove("declaration"))
                    .unwrap_or_default();
                if self.stored_declarations.get(m.mrn.as_str()) != Some(&m.declaration) {
                    c.declared.push((m.mrn.as_str(), declaration.to_string()));
                }
            }
            c.mrns.push(m.mrn.as_str());
            c.states.push(m.state.as_str());
            c.departures.push(m.departure_office.as_str());
            c.destinations.push(m.destination_office.as_str());
            c.limits.push(m.arrival_time_limit);
            c.documents.push(document.to_string());
            c.versions.push(*events);
            c.current_destinations.push(search.current_destination);
            c.routes.push(search.route_offices);
            c.vehicles.push(search.vehicle);
            c.containers.push(search.containers);
            c.seals.push(search.seals);
            c.amounts.push(search.guarantee_amount);
            c.currencies.push(search.guarantee_currency);
            c.last_offices.push(search.last_office);
        }
        sqlx::query(
            "INSERT INTO movements (mrn, state, departure_office, destination_office, arrival_time_limit,
                                    movement, version, created_at, updated_at, current_destination,
                                    route_offices, vehicle, containers, seals, guarantee_amount,
                                    guarantee_currency, last_office, risk, lane,
                                    guarantee_reference, declarant, consignee, flagged_at)
             SELECT m, s, d, t, l, j::jsonb, v, $8, $8, cd, r::jsonb, vh, ct::jsonb, se::jsonb,
                    ga::numeric, gc, lo, rk::jsonb, ln, gr, dc, cn,
                    CASE WHEN s IN ('UnderDiscrepancy', 'UnderRecovery') THEN $8 END
             FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[],
                         $6::text[], $7::bigint[], $9::text[], $10::text[], $11::text[],
                         $12::text[], $13::text[], $14::text[], $15::text[], $16::text[],
                         $17::text[], $18::text[], $19::text[], $20::text[], $21::text[])
                 AS u(m, s, d, t, l, j, v, cd, r, vh, ct, se, ga, gc, lo, rk, ln, gr, dc, cn)
             ON CONFLICT (mrn) DO UPDATE SET state = EXCLUDED.state, movement = EXCLUDED.movement,
                 risk = coalesce(EXCLUDED.risk, movements.risk),
                 lane = coalesce(EXCLUDED.lane, movements.lane),
                 guarantee_reference = EXCLUDED.guarantee_reference,
                 declarant = EXCLUDED.declarant, consignee = EXCLUDED.consignee,
                 flagged_at = coalesce(movements.flagged_at, EXCLUDED.flagged_at),
                 version = movements.version + EXCLUDED.version, updated_at = EXCLUDED.updated_at,
                 current_destination = EXCLUDED.current_destination,
                 route_offices = EXCLUDED.route_offices, vehicle = EXCLUDED.vehicle,
                 containers = EXCLUDED.containers, seals = EXCLUDED.seals,
                 guarantee_amount = EXCLUDED.guarantee_amount,
                 guarantee_currency = EXCLUDED.guarantee_currency,
                 last_office = EXCLUDED.last_office",
        )
        .bind(&c.mrns)
        .bind(&c.states)
        .bind(&c.departures)
        .bind(&c.destinations)
        .bind(&c.limits)
        .bind(&c.documents)
        .bind(&c.versions)
        .bind(now)
        .bind(&c.current_destinations)
        .bind(&c.routes)
        .bind(&c.vehicles)
        .bind(&c.containers)
        .bind(&c.seals)
        .bind(&c.amounts)
        .bind(&c.currencies)
        .bind(&c.last_offices)
        .bind(&c.risks)
        .bind(&c.lanes)
        .bind(&c.guarantees)
        .bind(&c.declarants)
        .bind(&c.consignees)
        .execute(&mut *self.tx)
        .await
        .map_err(StoreError::db("saving movements"))?;
        self.save_declarations(&c.declared).await?;
        for (m, ..) in movements {
            self.remember_declaration(m);
        }
        Ok(())
    }

    /// Writes `(mrn, declaration)` pairs, leaving a stored declaration equal to its new one
    /// untouched.
    async fn save_declarations(&mut self, declared: &[(&str, String)]) -> Result<(), StoreError> {
        if declared.is_empty() {
            return Ok(());
        }
        let (mrns, declarations): (Vec<&str>, Vec<&str>) =
            declared.iter().map(|(m, d)| (*m, d.as_str())).unzip();
        sqlx::query(
            "INSERT INTO movement_declarations (mrn, declaration)
             SELECT m, d::jsonb FROM UNNEST($1::text[], $2::text[]) AS u(m, d)
             ON CONFLICT (mrn) DO UPDATE SET declaration = EXCLUDED.declaration
                 WHERE movement_declarations.declaration IS DISTINCT FROM EXCLUDED.declaration",
        )
        .bind(&mrns)
        .bind(&declarations)
        .execute(&mut *self.tx)
        .await
        .map_err(StoreError::db("saving declarations"))?;
        Ok(())
    }

    /// Appends `events` to the event log, in order.
    pub async fn append_events(&mut self, events: &[NewEvent]) -> Result<(), StoreError> {
        if events.is_empty() {
            return Ok(());
        }
        let mut c = EventColumns::default();
        for e in events {
            let (outcome, state_after, code, reason) = match &e.outcome {
                Outcome::Accepted { state_after } => ("accepted", Some(*state_after), None, None),
                Outcome::Rejected { code, reason } => (
                    "rejected",
                    None,
                    Some(i16::from(*code)),
                    Some(reason.as_str()),
                ),
            };
            c.mrns.push(e.mrn.as_str());
            c.ids.push(e.message_id);
            c.types.push(e.message_type.as_str());
            c.senders.push(e.sender.as_str());
            c.event_times.push(e.event_time);
            c.received.push(e.received_at);
            c.outcomes.push(outcome);
            c.states.push(state_after);
            c.codes.push(code);
            c.reasons.push(reason);
            c.messages.push(e.message.as_str());
            c.topics.push(e.topic.as_deref());
            c.risks.push(
                e.risk
                    .as_ref()
                    .map(serde_json::to_string)
                    .transpose()
                    .map_err(StoreError::encode("a risk assessment"))?,
            );
        }
        sqlx::query(
            "INSERT INTO movement_events (mrn, message_id, message_type, sender, event_time, received_at,
                                          outcome, state_after, error_code, reason, message, topic, risk)
             SELECT m, i, t, s, e, r, o, a, c, w, j::jsonb, p, rk::jsonb
             FROM UNNEST($1::text[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[],
                         $6::timestamptz[], $7::text[], $8::text[], $9::smallint[], $10::text[],
                         $11::text[], $12::text[], $13::text[])
                 WITH ORDINALITY AS u(m, i, t, s, e, r, o, a, c, w, j, p, rk, n)
             ORDER BY n",
        )
        .bind(&c.mrns)
        .bind(&c.ids)
        .bind(&c.types)
        .bind(&c.senders)
        .bind(&c.event_times)
        .bind(&c.received)
        .bind(&c.outcomes)
        .bind(&c.states)
        .bind(&c.codes)
        .bind(&c.reasons)
        .bind(&c.messages)
        .bind(&c.topics)
        .bind(&c.risks)
        .execute(&mut *self.tx)
        .await
        .map_err(StoreError::db("appending to the event log"))?;
        Ok(())
    }

    /// Appends the copies of declarations the batch sends across borders to the disclosure
    /// register, in the batch's transaction: no copy leaves without its entry.
    pub async fn record_disclosures(
        &mut self,
        entries: &[transit_lifecycle::Disclosure],
    ) -> Result<(), StoreError> {
        crate::disclosures::record(&mut *self.tx, entries).await
    }

    /// Queues records for the relay to publish, in order; a record already queued for its
    /// topic under its id is left as it is.
    pub async fn enqueue_all(
        &mut self,
        records: &[QueuedRecord<'_>],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if records.is_empty() {
            return Ok(());
        }
        let ids: Vec<Uuid> = records.iter().map(|r| r.message_id).collect();
        let topics: Vec<&str> = records.iter().map(|r| r.record.topic.as_str()).collect();
        let keys: Vec<&str> = records.iter().map(|r| r.record.key.as_str()).collect();
        let headers = records
            .iter()
            .map(|r| serde_json::to_string(&r.record.headers))
            .collect::<Result<Vec<_>, _>>()
            .map_err(StoreError::encode("record headers"))?;
        let payloads: Vec<&[u8]> = records
            .iter()
            .map(|r| r.record.payload.as_slice())
            .collect();
        sqlx::query(
            "INSERT INTO outbox (message_id, topic, record_key, headers, payload, created_at)
             SELECT i, t, k, h::jsonb, p, $6
             FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bytea[])
                 WITH ORDINALITY AS u(i, t, k, h, p, o)
             ORDER BY o
             ON CONFLICT (topic, message_id) DO NOTHING",
        )
        .bind(&ids)
        .bind(&topics)
        .bind(&keys)
        .bind(&headers)
        .bind(&payloads)
        .bind(now)
        .execute(&mut *self.tx)
        .await
        .map_err(StoreError::db("writing to the outbox"))?;
        Ok(())
    }
}

/// The movements table's columns, one array each.
#[derive(Default)]
struct MovementColumns<'a> {
    /// `(mrn, declaration)` of the movements whose declaration is to be written.
    declared: Vec<(&'a str, String)>,
    mrns: Vec<&'a str>,
    states: Vec<&'a str>,
    departures: Vec<&'a str>,
    destinations: Vec<&'a str>,
    limits: Vec<DateTime<Utc>>,
    documents: Vec<String>,
    versions: Vec<i64>,
    current_destinations: Vec<Option<String>>,
    routes: Vec<String>,
    vehicles: Vec<Option<String>>,
    containers: Vec<String>,
    seals: Vec<String>,
    amounts: Vec<Option<String>>,
    currencies: Vec<Option<String>>,
    last_offices: Vec<Option<String>>,
    risks: Vec<Option<String>>,
    lanes: Vec<Option<&'static str>>,
    guarantees: Vec<String>,
    declarants: Vec<String>,
    consignees: Vec<Option<String>>,
}

/// A movement's risk columns: its assessment and hub-wide lane, and what the network facts of
/// other movements are read from.
struct RiskColumns {
    risk: Option<String>,
    lane: Option<&'static str>,
    guarantee_reference: String,
    declarant: String,
    consignee: Option<String>,
}

impl RiskColumns {
    fn of(m: &Movement, risk: Option<&Assessment>) -> Result<Self, StoreError> {
        let d = &m.declaration;
        Ok(Self {
            risk: risk
                .map(serde_json::to_string)
                .transpose()
                .map_err(StoreError::encode("a risk assessment"))?,
            lane: risk.map(|r| r.verdict(None).lane.as_str()),
            // A movement's declaration is its release's, which carries both.
            guarantee_reference: d.guarantee_reference().to_owned(),
            declarant: d
                .declarant
                .as_ref()
                .map(|p| p.id.as_str().to_owned())
                .unwrap_or_default(),
            consignee: d
                .goods_shipment
                .consignee
                .as_ref()
                .map(|p| p.id.as_str().to_owned()),
        })
    }
}

/// The event log's columns, one array each.
#[derive(Default)]
struct EventColumns<'a> {
    mrns: Vec<&'a str>,
    ids: Vec<Uuid>,
    types: Vec<&'a str>,
    senders: Vec<&'a str>,
    event_times: Vec<DateTime<Utc>>,
    received: Vec<DateTime<Utc>>,
    outcomes: Vec<&'a str>,
    states: Vec<Option<&'a str>>,
    codes: Vec<Option<i16>>,
    reasons: Vec<Option<&'a str>>,
    messages: Vec<&'a str>,
    topics: Vec<Option<&'a str>>,
    risks: Vec<Option<String>>,
}
