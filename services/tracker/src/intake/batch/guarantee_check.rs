//! Guarantee checks read in a batch (event records on a country's `to-hub` topic): each answered
//! once, after the batch's movements are saved, from the guarantees in use on other movements
//! and the regional cover (`transit_lifecycle::judge`); the answer is queued on the asking
//! country's `from-hub` topic, and the check is kept with it (a registered use engages its
//! guarantees from then on).

use chrono::{DateTime, Utc};
use transit_kafka::{header, OutgoingRecord, Topics};
use transit_model::guarantee_check::{GuaranteeCheck, GUARANTEE_CHECK_RESULT_EVENT};
use transit_model::reference::GuaranteeCover;
use transit_store::tracker::TrackerTx;
use transit_store::StoreError;

/// Answers `checks` in `tx`; the answers to send are pushed onto `outbox`, what each came to
/// onto `counted` (kind, `valid` or `not-valid`) for the metrics after the commit.
pub(super) async fn answer_guarantee_checks(
    topics: &Topics,
    tx: &mut TrackerTx,
    cover: &GuaranteeCover,
    outbox: &mut Vec<(uuid::Uuid, OutgoingRecord)>,
    counted: &mut Vec<(&'static str, &'static str)>,
    checks: &[&GuaranteeCheck],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    // Every reference of the batch locked up front, in one order.
    let all: Vec<&str> = checks
        .iter()
        .flat_map(|c| c.guarantees.iter().map(|g| g.grn.as_str()))
        .collect();
    if !all.is_empty() {
        tx.lock_guarantees(&all).await?;
    }
    for check in checks {
        if tx
            .guarantee_check_answered(check.check_id.as_uuid())
            .await?
        {
            continue;
        }
        let grns: Vec<&str> = check.guarantees.iter().map(|g| g.grn.as_str()).collect();
        let unreleased_since =
            now - chrono::Duration::hours(transit_lifecycle::UNRELEASED_USE_HOURS);
        let in_use = tx
            .guarantees_in_use(&grns, &check.mrn, unreleased_since)
            .await?;
        let result = transit_lifecycle::judge(check, &in_use, cover, now);
        tx.keep_guarantee_check(check, &result, now).await?;
        let outcome = if result.valid() { "valid" } else { "not-valid" };
        tracing::info!(
            mrn = %check.mrn,
            office = %check.office_of_departure,
            kind = check.kind.as_str(),
            outcome,
            use_registered = result.use_registered,
            "guarantee check answered"
        );
        let topic = topics.from_hub(check.office_of_departure.country());
        let record = OutgoingRecord::for_event(
            topic,
            check.mrn.as_str(),
            GUARANTEE_CHECK_RESULT_EVENT,
            result.result_id,
            serde_json::to_vec(&result).unwrap_or_default(),
        )
        .with_header(header::MESSAGE_ID, result.result_id.to_string())
        .with_header(header::MESSAGE_TYPE, GUARANTEE_CHECK_RESULT_EVENT);
        outbox.push((result.result_id.as_uuid(), record));
        counted.push((check.kind.as_str(), outcome));
    }
    Ok(())
}
