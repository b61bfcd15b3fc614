//! Trains for officers and operators: a train's consist, built as the tracker builds it
//! (`transit_rail::Train` from the declarations on the road that name it), and one confirmation
//! for the whole train, checked with `transit_rail::expand` as the tracker will check it — a
//! wagon unknown or forgotten, an office with nothing to confirm, is refused now — then
//! published on the office's country's `to-hub` topic for the tracker, and audited.

use chrono::{SubsecRound, Utc};
use transit_http::api_views::Principal;
use transit_http::rail::{
    RailPort, TrainConfirmationRequest, TrainConfirmationView, TrainConfirmed,
    TrainDeclarationView, TrainView, WagonView,
};
use transit_http::ApiError;
use transit_kafka::OutgoingRecord;
use transit_lifecycle::Movement;
use transit_model::{Mrn, OfficeRef, Role};
use transit_rail::{expand, Stage, Train, TrainConfirmation, TRAIN_CONFIRMATION_EVENT};

use crate::answers::unavailable;
use crate::service::ApiService;
use crate::{actions, auth};

/// Confirmations listed with a train.
const CONFIRMATIONS_SHOWN: i64 = 10;

fn unknown_train(train: &str) -> ApiError {
    ApiError::not_found(
        format!("the hub has no declaration on the road on train {train} that you may see"),
        "check the train number on the consist note (the declarations' border transport means); a release sent seconds ago may still be on its way",
    )
}

/// The wagons, each with the declarations `seen` lets the caller see.
fn wagons_view(
    wagons: &[transit_rail::Wagon],
    seen: &dyn Fn(&[Mrn]) -> Vec<String>,
) -> Vec<WagonView> {
    wagons
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let declarations = seen(&w.declarations);
            // What is sealed in a wagon carrying none of the caller's declarations is not
            // theirs to know: the wagon is shown, to be ticked, without it.
            let theirs = !declarations.is_empty();
            WagonView {
                id: w.id.clone(),
                position: i + 1,
                type_code: w.type_code.clone(),
                nationality: w.nationality.clone(),
                seals: if theirs { w.seals.clone() } else { Vec::new() },
                containers: if theirs {
                    w.containers.clone()
                } else {
                    Vec::new()
                },
                declarations,
            }
        })
        .collect()
}

/// A list of MRNs as `rail_confirmations` keeps it.
fn mrns(value: &serde_json::Value) -> Vec<String> {
    serde_json::from_value(value.clone()).unwrap_or_default()
}

fn stage_of(stage: &str) -> Result<Stage, ApiError> {
    match stage {
        "departure" => Ok(Stage::Departure),
        "passage" => Ok(Stage::Passage),
        "arrival" => Ok(Stage::Arrival),
        other => Err(ApiError::invalid(
            "/stage",
            format!("{other:?} is not a stage: departure, passage or arrival"),
        )),
    }
}

impl ApiService {
    /// The train `train` from the declarations on the road, as the tracker builds it, and
    /// those declarations.
    async fn built_train(&self, train: &str) -> Result<(Train, Vec<Movement>), ApiError> {
        let (movements, aside) = self
            .store
            .train_movements(train)
            .await
            .map_err(unavailable)?;
        let built = Train::build(train, &movements, &aside);
        let on: Vec<Movement> = movements
            .into_iter()
            .filter(|m| transit_rail::train::is_on(m, train))
            .collect();
        Ok((built, on))
    }
}

impl RailPort for ApiService {
    async fn train(&self, who: Principal, train: String) -> Result<TrainView, ApiError> {
        if !matches!(who.role, Role::Officer | Role::Operator | Role::Adapter) {
            return Err(ApiError::denied(
                format!(
                    "{} is a {}; trains are for officers and operators",
                    who.username, who.role
                ),
                "ask for an officer or operator account",
            ));
        }
        let (built, movements) = self.built_train(&train).await?;
        // The wagons are what the officer walks along; the declarations, only those the
        // caller may see (an officer at a border station sees those routed through it).
        let movements: Vec<Movement> = movements
            .into_iter()
            .filter(|m| auth::may_see(&who, m))
            .collect();
        if movements.is_empty() {
            return Err(unknown_train(&train));
        }
        let seen = |mrns: &[Mrn]| -> Vec<String> {
            mrns.iter()
                .filter(|mrn| movements.iter().any(|m| &m.mrn == *mrn))
                .map(ToString::to_string)
                .collect()
        };
        let confirmations = self
            .store
            .train_confirmations(&train, CONFIRMATIONS_SHOWN)
            .await
            .map_err(unavailable)?;
        let visible = |mrns: &[String]| -> Vec<String> {
            mrns.iter()
                .filter(|mrn| movements.iter().any(|m| m.mrn.as_str() == mrn.as_str()))
                .cloned()
                .collect()
        };
        Ok(TrainView {
            train: built.number.clone(),
            undertaking: built.undertaking.clone(),
            wagons: wagons_view(&built.wagons, &seen),
            set_aside: wagons_view(&built.set_aside, &seen),
            declarations: movements
                .iter()
                .map(|m| TrainDeclarationView {
                    mrn: m.mrn.clone(),
                    state: m.state,
                    departure_office: m.departure_office.to_string(),
                    route: m.route.iter().map(|p| p.office.to_string()).collect(),
                    destination_office: m.destination_office.to_string(),
                    wagons: built
                        .wagons
                        .iter()
                        .filter(|w| w.declarations.contains(&m.mrn))
                        .map(|w| w.id.clone())
                        .collect(),
                })
                .collect(),
            confirmations: confirmations
                .iter()
                .map(|c| TrainConfirmationView {
                    id: c.id.to_string(),
                    office: c.office.clone(),
                    stage: c.stage.clone(),
                    at: c.at,
                    outcome: c.outcome.clone(),
                    reason: c.reason.clone(),
                    passed: visible(&mrns(&c.passed)),
                    incidents: visible(&mrns(&c.incidents)),
                })
                .collect(),
        })
    }

    async fn confirm_train(
        &self,
        who: Principal,
        train: String,
        request: TrainConfirmationRequest,
        key: Option<String>,
        office: Option<String>,
        remote: String,
    ) -> Result<TrainConfirmed, ApiError> {
        // Officers at their office; a national system's adapter identity at an office of its
        // country (X-Sigmat-Office), as for a movement's actions.
        if !matches!(who.role, Role::Officer | Role::Adapter) {
            return Err(ApiError::denied(
                format!(
                    "{} is a {}; an officer confirms a train at their office",
                    who.username, who.role
                ),
                "sign in with an officer account of the station",
            ));
        }
        self.audit(
            Some(&who.username),
            "confirm train",
            Some(&train),
            "requested",
            &remote,
            None,
        )
        .await?;
        let outcome = self
            .confirm_checked(&who, &train, &request, key.as_deref(), office.as_deref())
            .await;
        let (result, detail) = match &outcome {
            Ok(c) => (
                "accepted",
                Some(format!(
                    "{} declarations, {} incidents",
                    c.passed.len(),
                    c.incidents.len()
                )),
            ),
            Err(e) => ("refused", Some(e.to_string())),
        };
        self.audit(
            Some(&who.username),
            "confirm train",
            Some(&train),
            result,
            &remote,
            detail,
        )
        .await?;
        outcome
    }
}

impl ApiService {
    async fn confirm_checked(
        &self,
        who: &Principal,
        train: &str,
        request: &TrainConfirmationRequest,
        key: Option<&str>,
        office: Option<&str>,
    ) -> Result<TrainConfirmed, ApiError> {
        let office = auth::acting_office(who, office)?;
        let office = OfficeRef::parse(&office)
            .map_err(|e| ApiError::invalid("/X-Sigmat-Office", e.to_string()))?;
        let (built, movements) = self.built_train(train).await?;
        if !movements.iter().any(|m| auth::may_see(who, m)) {
            return Err(unknown_train(train));
        }
        let stage = stage_of(&request.stage)?;
        let id = actions::message_id(&who.username, key);
        // A retry under the same key, once the tracker has taken the first: its answer again.
        if key.is_some() {
            if let Some(earlier) = self.replay_train(id, train).await? {
                return Ok(earlier);
            }
        }
        let now = Utc::now().trunc_subsecs(6);
        let confirmation = TrainConfirmation {
            confirmation_id: id,
            train: train.to_owned(),
            office: office.clone(),
            stage,
            at: actions::event_time(request.at, now)?,
            wagons_present: request.wagons_present.clone(),
            wagons_missing: request.wagons_missing.clone(),
        };
        confirmation
            .check()
            .map_err(|(pointer, reason)| ApiError::invalid(&pointer, reason))?;
        let expansion = match expand(&built, &movements, &confirmation, now) {
            Ok(expansion) => expansion,
            Err(refusal) => {
                // The first try may have been taken meanwhile, and its passages recorded.
                if key.is_some() {
                    if let Some(earlier) = self.replay_train(id, train).await? {
                        return Ok(earlier);
                    }
                }
                return Err(ApiError::unprocessable(
                    refusal.reason.clone(),
                    "open the train again (GET /api/v1/trains/{train}) and list each of its wagons once, found or missing",
                )
                .at(&refusal.pointer));
            }
        };
        let payload = serde_json::to_vec(&confirmation).unwrap_or_default();
        let record = OutgoingRecord::for_event(
            self.topics.to_hub(office.country()),
            train,
            TRAIN_CONFIRMATION_EVENT,
            confirmation.confirmation_id,
            payload,
        );
        self.publisher.publish_all(&[record]).await.map_err(|err| {
            ApiError::unavailable(format!("the broker did not take the confirmation: {err}"))
        })?;
        Ok(TrainConfirmed {
            confirmation_id: confirmation.confirmation_id.to_string(),
            train: train.to_owned(),
            stage: stage.as_str().to_owned(),
            passed: expansion.passed.iter().map(ToString::to_string).collect(),
            incidents: expansion
                .incidents
                .iter()
                .map(ToString::to_string)
                .collect(),
            set_aside: expansion.set_aside.len(),
            replayed: false,
        })
    }

    /// What confirmation `id` of `train` came to, if the tracker has taken it.
    async fn replay_train(
        &self,
        id: transit_model::MessageId,
        train: &str,
    ) -> Result<Option<TrainConfirmed>, ApiError> {
        let Some((of, row)) = self
            .store
            .train_confirmation(id.as_uuid())
            .await
            .map_err(unavailable)?
        else {
            return Ok(None);
        };
        if of != train {
            return Err(ApiError::conflict(
                "/Idempotency-Key",
                format!("the key was already used to confirm train {of}"),
                "use a new Idempotency-Key for a new confirmation; reuse one only to retry the same request",
            ));
        }
        Ok(Some(TrainConfirmed {
            confirmation_id: id.to_string(),
            train: of,
            stage: row.stage,
            passed: mrns(&row.passed),
            incidents: mrns(&row.incidents),
            set_aside: 0,
            replayed: true,
        }))
    }
}
