//! Dead letters for operators: list, show, replay. A replay publishes the record again to its
//! country's `to-hub` topic, as its adapter did, marked with `sigmat-replay-of`; the tracker
//! decides it afresh (its inbox entry was released in the same transaction that recorded the
//! replay). Each dead letter is replayed at most once; every replay is audited.

use chrono::Utc;
use transit_codec::json;
use transit_http::api_views::Principal;
use transit_http::operator_routes::{DeadLetterDetail, DeadLetterQuery, ReplayOutcome};
use transit_http::{ApiError, OperatorPort};
use transit_kafka::{header, OutgoingRecord};
use transit_model::dead_letters::{DeadLetter, DeadLetterId, DeadLetterKind};
use transit_store::api::dead_letters::{DeadLetterFilter, ReplayStart};

use crate::answers::unavailable;
use crate::auth::require_operator;
use crate::service::ApiService;

fn parse_id(id: &str) -> Result<DeadLetterId, ApiError> {
    DeadLetterId::parse(id).ok_or_else(|| {
        ApiError::invalid(
            "/id",
            format!("{id:?} is not a dead letter id: refused-<n>, poison-<n>, undecodable-<n> or unpublished-<n> (GET /api/v1/dead-letters lists them)"),
        )
    })
}

fn no_such(id: DeadLetterId) -> ApiError {
    ApiError::not_found(
        format!("there is no dead letter {id}"),
        "list them with GET /api/v1/dead-letters (or sigmat dlq list)",
    )
}

impl ApiService {
    /// Whether `who` (an operator, perhaps of one country) may see `row`.
    fn may_see(&self, who: &Principal, row: &DeadLetter) -> bool {
        let Some(cc) = who.country.as_deref() else {
            return true;
        };
        row.sender.as_deref().is_some_and(|s| s.starts_with(cc))
            || row.topic.as_deref().is_some_and(|t| {
                transit_model::CountryCode::parse(cc).is_ok_and(|code| {
                    t == self.topics.to_hub(code) || t == self.topics.from_hub(code)
                })
            })
    }

    /// Dead letter `id` with its payload, if `who` may see it; else the answer for one that does
    /// not exist (404), so that another country's letters are not even said to exist.
    async fn visible(
        &self,
        who: &Principal,
        id: DeadLetterId,
    ) -> Result<(DeadLetter, Vec<u8>), ApiError> {
        self.store
            .dead_letter(id)
            .await
            .map_err(unavailable)?
            .filter(|(row, _)| self.may_see(who, row))
            .ok_or_else(|| no_such(id))
    }

    /// The topic a dead letter is replayed to: the one it was read from, and no other — never
    /// the country its sender names, which a forged message chooses.
    fn replay_topic(&self, row: &DeadLetter) -> Result<String, ApiError> {
        row.topic.clone().ok_or_else(|| {
            ApiError::unprocessable(
                format!(
                    "{} was kept before the hub recorded the topic each message came from, so it cannot tell which country's topic may take it again",
                    row.id
                ),
                "ask its sender's national system to send it again",
            )
        })
    }

    async fn publish_replay(
        &self,
        id: DeadLetterId,
        topic: &str,
        row: &DeadLetter,
        payload: Vec<u8>,
    ) -> Result<(), ApiError> {
        let record = match json::decode(&payload) {
            Ok(message) => OutgoingRecord::for_message(topic, &message, payload),
            Err(_) => OutgoingRecord {
                topic: topic.to_owned(),
                key: row.mrn.clone().unwrap_or_else(|| id.to_string()),
                headers: Vec::new(),
                payload,
            },
        }
        .with_header(header::REPLAY_OF, id.to_string());
        self.publisher.publish_all(&[record]).await.map_err(|err| {
            ApiError::unavailable(format!(
                "the broker did not take the replay: {err}; replay {id} again to finish it"
            ))
        })?;
        self.store
            .replay_published(id, Utc::now())
            .await
            .map_err(unavailable)
    }
}

impl OperatorPort for ApiService {
    async fn links(
        &self,
        who: Principal,
    ) -> Result<Vec<transit_http::operator_routes::LinkView>, ApiError> {
        self.link_views(who).await
    }

    async fn dead_letters(
        &self,
        who: Principal,
        query: DeadLetterQuery,
    ) -> Result<Vec<DeadLetter>, ApiError> {
        require_operator(&who)?;
        let kind = match query.kind.as_deref() {
            None => None,
            Some(name) => Some(DeadLetterKind::parse(name).ok_or_else(|| {
                ApiError::invalid(
                    "/query/kind",
                    format!("{name:?}: the kinds are refused, poison and undecodable"),
                )
            })?),
        };
        let mrn =
            match query.mrn.as_deref() {
                None => None,
                Some(text) => Some(transit_model::Mrn::parse(text).map_err(|e| {
                    ApiError::invalid("/query/mrn", e.to_string()).with_ncts_code(93)
                })?),
            };
        let filter = DeadLetterFilter {
            kind,
            mrn,
            pending: query.pending,
        };
        let limit = query.limit.unwrap_or(100);
        if !(1..=1000).contains(&limit) {
            return Err(ApiError::invalid(
                "/query/limit",
                format!("limit {limit}: ask for 1 to 1,000 dead letters at a time"),
            ));
        }
        let rows = self
            .store
            .dead_letters(&filter, limit)
            .await
            .map_err(unavailable)?;
        Ok(rows
            .into_iter()
            .filter(|row| self.may_see(&who, row))
            .collect())
    }

    async fn dead_letter(&self, who: Principal, id: String) -> Result<DeadLetterDetail, ApiError> {
        require_operator(&who)?;
        let (row, payload) = self.visible(&who, parse_id(&id)?).await?;
        Ok(DeadLetterDetail {
            dead_letter: row,
            payload: String::from_utf8_lossy(&payload).into_owned(),
        })
    }

    async fn replay(
        &self,
        who: Principal,
        id: String,
        remote: String,
    ) -> Result<ReplayOutcome, ApiError> {
        self.requested(&who, "dead-letter replay", Some(&id), &remote)
            .await?;
        require_operator(&who)?;
        let id = parse_id(&id)?;
        let (row, _) = self.visible(&who, id).await?;
        let target = row.mrn.clone().unwrap_or_else(|| id.to_string());
        if id.kind == DeadLetterKind::Unpublished {
            // A copy the broker refused: the relay tries it again, under its own id.
            let requeued = self
                .store
                .requeue_unpublished(id.row)
                .await
                .map_err(unavailable)?;
            let outcome = ReplayOutcome {
                id: id.to_string(),
                outcome: if requeued {
                    "requeued"
                } else {
                    "alreadyReplayed"
                }
                .into(),
                topic: row.topic.clone(),
                replay: None,
                note: if requeued {
                    "back in the outbox's line: the relay publishes it again (check the broker's limit or rights first)".into()
                } else {
                    "no longer set aside; nothing was done".into()
                },
            };
            self.audit(
                Some(&who.username),
                "dead-letter replay",
                Some(&target),
                &outcome.outcome,
                &remote,
                Some(format!("{id}: {}", outcome.note)),
            )
            .await?;
            return Ok(outcome);
        }
        let topic = self.replay_topic(&row)?;
        let start = self
            .store
            .start_replay(id, &topic, &who.username, Utc::now())
            .await
            .map_err(unavailable)?
            .ok_or_else(|| no_such(id))?;
        let outcome = match start {
            ReplayStart::Publish {
                payload,
                dead_letter,
            } => {
                self.publish_replay(id, &topic, &dead_letter, payload)
                    .await?;
                ReplayOutcome {
                    id: id.to_string(),
                    outcome: "published".into(),
                    topic: Some(topic),
                    replay: None,
                    note: "published again to its country's to-hub topic; the hub decides it as new and answers its sender — its timeline, or this list, shows what it did".into(),
                }
            }
            ReplayStart::AlreadyReplayed(replay) => ReplayOutcome {
                id: id.to_string(),
                outcome: "alreadyReplayed".into(),
                topic: Some(topic),
                note: format!(
                    "already replayed by {} at {}; nothing was done",
                    replay.requested_by, replay.requested_at
                ),
                replay: Some(replay),
            },
            ReplayStart::AcceptedSince(at) => ReplayOutcome {
                id: id.to_string(),
                outcome: "acceptedSince".into(),
                topic: None,
                replay: None,
                note: format!(
                    "its sender sent it again and the hub accepted it at {at}; nothing to replay"
                ),
            },
        };
        self.audit(
            Some(&who.username),
            "dead-letter replay",
            Some(&target),
            &outcome.outcome,
            &remote,
            Some(format!("{id}: {}", outcome.note)),
        )
        .await?;
        Ok(outcome)
    }
}
