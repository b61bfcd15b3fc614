//! One batch of telematics events in one transaction: stored once each, matched, applied,
//! conclusions kept once, messages queued.

use chrono::{DateTime, Utc};
use transit_codec::json;
use transit_kafka::{ConsumedRecord, OutgoingRecord, Topics};
use transit_lifecycle::Movement;
use transit_store::tracker::{NewEffect, NewTelematicsEvent, QueuedRecord, TrackerTx};
use transit_store::StoreError;
use transit_telematics::{apply, replay, Effect, Outcome, Received, Track, What};

use super::Judgement;

/// What a batch came to, for the metrics and the log.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Counted {
    /// Applied to a movement's track.
    pub applied: u64,
    /// Applied late: the track was rebuilt in event-time order.
    pub late: u64,
    /// Taken before (same provider and event id).
    pub repeated: u64,
    /// No movement on the road with that vehicle or seal.
    pub unmatched: u64,
    /// The movement had arrived: tracking had ended.
    pub after_tracking: u64,
    /// Not a telematics record at all (kept with the undecodable records).
    pub undecodable: u64,
    /// Conclusions kept for the first time.
    pub concluded: u64,
}

impl Counted {
    /// Adds the batch to the process's metrics and the log.
    pub fn record(&self) {
        self.record_quietly();
        tracing::info!(
            applied = self.applied,
            late = self.late,
            repeated = self.repeated,
            unmatched = self.unmatched,
            after_tracking = self.after_tracking,
            concluded = self.concluded,
            "telematics batch stored"
        );
    }

    /// Adds the batch to the process's metrics only (at start: every series at zero).
    pub fn record_quietly(&self) {
        for (outcome, n) in [
            ("applied", self.applied),
            ("repeated", self.repeated),
            ("unmatched", self.unmatched),
            ("after-tracking", self.after_tracking),
            ("undecodable", self.undecodable),
        ] {
            metrics::counter!("sigmat_tracker_telematics_events_total", "outcome" => outcome)
                .increment(n);
        }
        metrics::counter!("sigmat_tracker_telematics_late_total").increment(self.late);
        metrics::counter!("sigmat_tracker_telematics_conclusions_total").increment(self.concluded);
    }
}

/// Stores `batch` in `tx`.
pub async fn store_batch(
    topics: &Topics,
    judgement: &Judgement,
    tx: &mut TrackerTx,
    batch: &[ConsumedRecord],
    now: DateTime<Utc>,
) -> Result<Counted, StoreError> {
    let mut counted = Counted::default();
    let mut read = Vec::with_capacity(batch.len());
    for record in batch {
        // Read once, as JSON: kept as it came, and typed from it.
        let parsed =
            serde_json::from_slice::<serde_json::Value>(&record.payload).and_then(|json| {
                serde_json::from_value::<Received>(json.clone()).map(|received| (received, json))
            });
        match parsed {
            Ok(read_one) => read.push(read_one),
            Err(e) => {
                counted.undecodable += 1;
                tx.keep_undecodable(
                    &record.topic,
                    record.partition,
                    record.offset,
                    &format!(
                        "not a telematics record (schemas/telematics/v1/record.schema.json): {e}"
                    ),
                    &record.payload,
                    now,
                )
                .await?;
            }
        }
    }
    let news: Vec<NewTelematicsEvent<'_>> = read
        .iter()
        .map(|(r, json)| NewTelematicsEvent {
            provider: &r.provider,
            event_id: &r.event.event_id,
            kind: match r.event.what {
                What::Position { .. } => "position",
                What::Seal { .. } => "seal",
            },
            subject: r.event.key(),
            event_time: r.event.at,
            received_at: r.received_at,
            latitude: r.event.latitude,
            longitude: r.event.longitude,
            event: json,
        })
        .collect();
    let claimed = tx.claim_telematics_events(&news).await?;
    let mut queued: Vec<(uuid::Uuid, OutgoingRecord)> = Vec::new();
    for ((received, _), new) in read.iter().zip(claimed) {
        if !new {
            counted.repeated += 1;
            continue;
        }
        let (seal, vehicle) = match &received.event.what {
            What::Position { vehicle, .. } => (None, Some(vehicle.registration.as_str())),
            What::Seal { seal, vehicle, .. } => (
                Some(seal.id.as_str()),
                vehicle.as_ref().map(|v| v.registration.as_str()),
            ),
        };
        let Some(movement) = tx.tracked_movement(seal, vehicle).await? else {
            counted.unmatched += 1;
            continue;
        };
        let placed = Placed {
            topics,
            judgement,
            now,
        };
        apply_one(tx, &placed, &movement, received, &mut counted, &mut queued).await?;
    }
    let records: Vec<QueuedRecord<'_>> = queued
        .iter()
        .map(|(id, record)| QueuedRecord {
            message_id: *id,
            record,
        })
        .collect();
    tx.enqueue_all(&records, now).await?;
    Ok(counted)
}

/// What every event of a batch is applied with.
struct Placed<'a> {
    topics: &'a Topics,
    judgement: &'a Judgement,
    now: DateTime<Utc>,
}

async fn apply_one(
    tx: &mut TrackerTx,
    placed: &Placed<'_>,
    movement: &Movement,
    received: &Received,
    counted: &mut Counted,
    queued: &mut Vec<(uuid::Uuid, OutgoingRecord)>,
) -> Result<(), StoreError> {
    let (judgement, now) = (placed.judgement, placed.now);
    let mrn = movement.mrn.as_str();
    let (provider, event_id) = (received.provider.as_str(), received.event.event_id.as_str());
    if !movement.state.is_en_route() {
        counted.after_tracking += 1;
        return tx
            .settle_telematics_event(
                provider,
                event_id,
                Some(mrn),
                Outcome::AfterTracking.as_str(),
            )
            .await;
    }
    let track: Track =
        serde_json::from_value(tx.track_for_update(mrn, now).await?).unwrap_or_default();
    tx.settle_telematics_event(provider, event_id, Some(mrn), Outcome::Applied.as_str())
        .await?;
    let applied = if track.is_late(received.event.at) {
        counted.late += 1;
        let events: Vec<Received> = tx
            .applied_telematics_events(mrn)
            .await?
            .into_iter()
            .filter_map(|json| serde_json::from_value(json).ok())
            .collect();
        replay(movement, &events, judgement.judged())
    } else {
        apply(&track, movement, received, judgement.judged())
    };
    counted.applied += 1;
    let effects: Vec<NewEffect<'_>> = applied
        .effects
        .iter()
        .map(|e| NewEffect {
            id: e.id(&movement.mrn),
            mrn,
            kind: e.kind(),
            office: office_of(e).map(|o| o.as_str()),
            at: e.at(),
            effect: serde_json::to_value(e).unwrap_or_default(),
        })
        .collect();
    let kept = tx.keep_effects(&effects, now).await?;
    for effect in applied
        .effects
        .iter()
        .filter(|e| kept.contains(&e.id(&movement.mrn)))
    {
        counted.concluded += 1;
        if let (Some(message), Some(office)) = (
            effect.message(movement, received.received_at),
            office_of(effect),
        ) {
            let topic = placed.topics.to_hub(office.country());
            queued.push((
                effect.id(&movement.mrn),
                OutgoingRecord::for_message(topic, &message, json::encode(&message)),
            ));
        }
    }
    let last = applied
        .track
        .last
        .as_ref()
        .map(|f| (f.at, f.point[1], f.point[0]));
    tx.keep_track(
        mrn,
        &serde_json::to_value(&applied.track).unwrap_or_default(),
        last,
        now,
    )
    .await
}

/// The office a conclusion concerns: where the truck passed or is expected, or the office that
/// records a seal breach (whose country's topic the message goes to).
fn office_of(effect: &Effect) -> Option<&transit_model::OfficeRef> {
    match effect {
        Effect::Passage { office, .. } | Effect::ArrivalExpected { office, .. } => Some(office),
        Effect::SealBreach {
            reporting_office, ..
        } => Some(reporting_office),
        Effect::OffRoute { .. } | Effect::LongStop { .. } => None,
    }
}
