//! Officers' actions: checked against the state machine under the reference data in force,
//! made idempotent by their key, published to the office's country's topic, audited.

use chrono::{SubsecRound, Utc};
use sha2::{Digest, Sha256};
use transit_codec::json;
use transit_http::api_views::{ActionAccepted, OfficerAction, Principal};
use transit_http::ActionPort;
use transit_http::ApiError;
use transit_kafka::OutgoingRecord;
use transit_model::{Mrn, OfficeRef, StandardMessage};
use transit_store::api::ActionRow;

use crate::answers::{not_found, parse_mrn, unavailable};
use crate::service::ApiService;
use crate::{actions, auth};

impl ApiService {
    pub(crate) async fn act_checked(
        &self,
        who: &Principal,
        mrn: &str,
        action: &OfficerAction,
        key: Option<&str>,
        office: Option<&str>,
    ) -> Result<ActionAccepted, ApiError> {
        let office = auth::acting_office(who, office)?;
        let office = OfficeRef::parse(&office)
            .map_err(|e| ApiError::invalid("/X-Sigmat-Office", e.to_string()))?;
        let mrn = parse_mrn(mrn)?;
        let request_hash = Sha256::digest(
            serde_json::to_vec(&(mrn.as_str(), action, office.as_str())).unwrap_or_default(),
        )
        .to_vec();
        if let Some(key) = key {
            if let Some(earlier) = self
                .store
                .action(who.user_id, key)
                .await
                .map_err(unavailable)?
            {
                return self
                    .replay(who, &mrn, action, &office, key, earlier, &request_hash)
                    .await;
            }
        }
        let record = self.stored_movement(&mrn).await?;
        // An office acts on the movements it may see; the two "the goods are presented here"
        // requests are the only way onto a route, and the departure (or, within the declared
        // countries, the hub) decides on them. Whoever may not see the movement learns nothing
        // of it from a refusal: the answer is the one for an unknown MRN.
        let sees = auth::may_see(who, &record.movement);
        if !sees && !action.asks_for_the_record() {
            return Err(not_found(&mrn));
        }
        // To the microsecond, as PostgreSQL keeps it: a replay rebuilds the message from it.
        let now = Utc::now().trunc_subsecs(6);
        let message = actions::message(
            action,
            &mrn,
            &record.movement.departure_office,
            &office,
            actions::message_id(&who.username, key),
            now,
        )?;
        // The state machine the tracker will apply: refuse now what it would refuse then.
        let rules = self.rules_in_force();
        if let Err(rejection) =
            transit_lifecycle::decide_with(&rules, Some(&record.movement), &message, now)
        {
            if !sees {
                return Err(not_found(&mrn));
            }
            return Err(ApiError::unprocessable(
                format!(
                    "{} (NCTS error {})",
                    rejection.reason,
                    u8::from(rejection.code)
                ),
                "check the movement's state and route (GET /api/v1/movements/{mrn})",
            )
            .with_ncts_code(u8::from(rejection.code)));
        }
        let lane = self
            .risk_at(&record, Some(office.country()))
            .await?
            .map(|r| r.lane);
        check_lane(&record, lane, action, &office)?;
        // The key is reserved, with the message's preparation time, before the message is
        // published: a retry — the answer was lost, or the broker did not take it — publishes
        // the very same message again, never a different one under the same id (error 26).
        if let Some(key) = key {
            let row = ActionRow {
                request_hash: request_hash.clone(),
                mrn: mrn.clone(),
                message_id: message.id().as_uuid(),
                message_type: message.message_type(),
                prepared_at: Some(now),
            };
            if !self
                .store
                .reserve_action(who.user_id, key, &row, now)
                .await
                .map_err(unavailable)?
            {
                // The same key from a concurrent request (a double tap) got there first.
                let earlier = self
                    .store
                    .action(who.user_id, key)
                    .await
                    .map_err(unavailable)?
                    .ok_or_else(|| {
                        ApiError::unavailable("the action's key is being recorded; try again")
                    })?;
                return self
                    .replay(who, &mrn, action, &office, key, earlier, &request_hash)
                    .await;
            }
        }
        self.publish(&office, &message).await?;
        Ok(ActionAccepted {
            message_id: message.id().as_uuid(),
            message_type: message.message_type(),
            mrn: mrn.clone(),
            replayed: false,
        })
    }

    /// Answers a request whose key was used before: a different request under it is refused
    /// (409); the same one is answered as the first was, and its message — rebuilt exactly,
    /// from the kept preparation time — is published again, which the tracker drops if it
    /// already has it and takes if the first publish never arrived.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn replay(
        &self,
        who: &Principal,
        mrn: &Mrn,
        action: &OfficerAction,
        office: &OfficeRef,
        key: &str,
        earlier: ActionRow,
        request_hash: &[u8],
    ) -> Result<ActionAccepted, ApiError> {
        if earlier.request_hash != request_hash {
            return Err(ApiError::conflict(
                "/Idempotency-Key",
                format!("the key {key:?} was already used for another request (a {} on {})", earlier.message_type, earlier.mrn),
                "use a new Idempotency-Key for a new action; reuse one only to retry the same request",
            ));
        }
        if let Some(prepared_at) = earlier.prepared_at {
            let record = self.stored_movement(mrn).await?;
            let message = actions::message(
                action,
                mrn,
                &record.movement.departure_office,
                office,
                actions::message_id(&who.username, Some(key)),
                prepared_at,
            )?;
            self.publish(office, &message).await?;
        }
        Ok(ActionAccepted {
            message_id: earlier.message_id,
            message_type: earlier.message_type,
            mrn: earlier.mrn,
            replayed: true,
        })
    }

    pub(crate) async fn publish(
        &self,
        office: &OfficeRef,
        message: &StandardMessage,
    ) -> Result<(), ApiError> {
        let topic = self.topics.to_hub(office.country());
        let record = OutgoingRecord::for_message(&topic, message, json::encode(message));
        self.publisher.publish_all(&[record]).await.map_err(|err| {
            ApiError::unavailable(format!("the broker did not take the message: {err}"))
        })
    }
}

/// The most characters "what was checked" may have.
const MAX_CHECKED: usize = 512;

/// A red-lane movement is not confirmed "seals intact, nothing found" without what was checked:
/// the control results must record a discrepancy (A2/B1) or say what the officer checked.
fn check_lane(
    record: &transit_store::queries::MovementRecord,
    lane: Option<transit_risk::Lane>,
    action: &OfficerAction,
    office: &OfficeRef,
) -> Result<(), ApiError> {
    let OfficerAction::Control {
        seals_intact,
        discrepancies,
        checked,
        ..
    } = action
    else {
        return Ok(());
    };
    let checked = checked.as_deref().map(str::trim).unwrap_or_default();
    if checked.chars().count() > MAX_CHECKED || checked.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "/checked",
            format!("say what was checked in at most {MAX_CHECKED} characters, on one line"),
        ));
    }
    if lane == Some(transit_risk::Lane::Red)
        && *seals_intact
        && discrepancies.is_empty()
        && checked.is_empty()
    {
        return Err(ApiError::unprocessable(
            format!(
                "movement {} is in the red lane at {}: it cannot be confirmed \"seals intact, nothing found\" without the control recorded",
                record.movement.mrn,
                office.country()
            ),
            "say what you checked (checked: seals, packages counted, goods opened…), or record the discrepancies found",
        )
        .at("/checked"));
    }
    Ok(())
}

impl ActionPort for ApiService {
    async fn act(
        &self,
        who: Principal,
        mrn: String,
        action: OfficerAction,
        key: Option<String>,
        office: Option<String>,
        remote: String,
    ) -> Result<ActionAccepted, ApiError> {
        let name = match &action {
            OfficerAction::Passage { .. } => "confirm passage",
            OfficerAction::Arrival { .. } => "confirm arrival",
            OfficerAction::Control { .. } => "record control results",
            OfficerAction::Incident { .. } => "record incident",
            OfficerAction::Diversion { .. } => "request diversion",
            OfficerAction::UndeclaredPassage { .. } => "record undeclared passage",
            OfficerAction::EnquiryAnswer { .. } => "answer enquiry",
        };
        // The request is in the audit log before anything is done: if it cannot be written,
        // nothing is done.
        self.audit(
            Some(&who.username),
            name,
            Some(&mrn),
            "requested",
            &remote,
            None,
        )
        .await?;
        let outcome = self
            .act_checked(&who, &mrn, &action, key.as_deref(), office.as_deref())
            .await;
        let (result, detail) = match &outcome {
            Ok(a) if a.replayed => (
                "replayed",
                Some(format!("{} {}", a.message_type, a.message_id)),
            ),
            Ok(a) => (
                "ok",
                Some(match &action {
                    OfficerAction::Control {
                        checked: Some(checked),
                        ..
                    } if !checked.trim().is_empty() => {
                        format!(
                            "{} {}; checked: {}",
                            a.message_type,
                            a.message_id,
                            checked.trim()
                        )
                    }
                    _ => format!("{} {}", a.message_type, a.message_id),
                }),
            ),
            Err(e) => ("refused", Some(format!("{} {}", e.status(), e.reason))),
        };
        self.audit(
            Some(&who.username),
            name,
            Some(&mrn),
            result,
            &remote,
            detail,
        )
        .await
        .ok(); // done already; the failure is logged, and the request is in the log
        outcome
    }
}
