//! Train confirmations read in a batch (event records on a country's `to-hub` topic): each
//! claimed once, its train locked and built from the declarations on the road, and expanded
//! (`transit_rail::expand`) into each declaration's IE118, IE006 or IE180, queued on the
//! confirming office's country's `to-hub` topic — decided there like any office's message, in
//! the next batch. Set-aside wagons are kept. A refused confirmation is kept with its reason
//! (the API checks the same before it publishes one, so an officer hears it at once).

use chrono::{DateTime, Utc};
use transit_codec::json;
use transit_kafka::{OutgoingRecord, Topics};
use transit_rail::{expand, Train, TrainConfirmation};
use transit_store::tracker::{NewTrainConfirmation, TrackerTx, TrainOutcome};
use transit_store::StoreError;

/// Handles `confirmations` in `tx`; the messages to send are pushed onto `outbox`, what each
/// confirmation came to onto `counted` (stage, outcome) for the metrics after the commit.
pub(super) async fn confirm_trains(
    topics: &Topics,
    tx: &mut TrackerTx,
    outbox: &mut Vec<(uuid::Uuid, OutgoingRecord)>,
    counted: &mut Vec<(&'static str, &'static str)>,
    confirmations: &[&TrainConfirmation],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    // Every train of the batch locked up front, in one order, so that two trackers'
    // batches holding the same trains never wait on each other crosswise.
    let mut trains: Vec<&str> = confirmations.iter().map(|c| c.train.as_str()).collect();
    trains.sort_unstable();
    trains.dedup();
    for train in trains {
        tx.lock_train(train, now).await?;
    }
    for confirmation in confirmations {
        let new = NewTrainConfirmation {
            id: confirmation.confirmation_id.as_uuid(),
            train: &confirmation.train,
            office: confirmation.office.as_str(),
            stage: confirmation.stage.as_str(),
            at: confirmation.at,
            confirmation: serde_json::to_value(confirmation).unwrap_or_default(),
        };
        if !tx.claim_train_confirmation(&new, now).await? {
            continue;
        }
        let (movements, aside) = tx.train_movements(&confirmation.train).await?;
        let train = Train::build(&confirmation.train, &movements, &aside);
        match expand(&train, &movements, confirmation, now) {
            Err(refusal) => {
                tracing::warn!(train = %confirmation.train, office = %confirmation.office, reason = %refusal, "train confirmation refused");
                let reason = refusal.to_string();
                tx.settle_train_confirmation(new.id, TrainOutcome::Refused(&reason))
                    .await?;
                counted.push((confirmation.stage.as_str(), "refused"));
            }
            Ok(expansion) => {
                let topic = topics.to_hub(confirmation.office.country());
                for message in &expansion.messages {
                    outbox.push((
                        message.id().as_uuid(),
                        OutgoingRecord::for_message(&topic, message, json::encode(message)),
                    ));
                }
                let pairs: Vec<(String, String)> = expansion
                    .set_aside
                    .iter()
                    .map(|s| (s.mrn.to_string(), s.wagon.clone()))
                    .collect();
                tx.set_wagons_aside(&new, &pairs).await?;
                let mrns = |list: &[transit_model::Mrn]| -> Vec<String> {
                    list.iter().map(ToString::to_string).collect()
                };
                let (passed, incidents) = (mrns(&expansion.passed), mrns(&expansion.incidents));
                tracing::info!(
                    train = %confirmation.train,
                    office = %confirmation.office,
                    stage = confirmation.stage.as_str(),
                    declarations = passed.len(),
                    incidents = incidents.len(),
                    set_aside = pairs.len(),
                    "train confirmed"
                );
                tx.settle_train_confirmation(
                    new.id,
                    TrainOutcome::Applied {
                        passed: &passed,
                        incidents: &incidents,
                    },
                )
                .await?;
                counted.push((confirmation.stage.as_str(), "applied"));
            }
        }
    }
    Ok(())
}
