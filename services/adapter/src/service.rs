//! What the adapter does behind its HTTP routes and its drop directory: translate, check,
//! publish, answer in the national format — and keep every refusal.

use std::sync::Arc;

use chrono::Utc;
use tracing::Instrument;
use transit_codec::json;
use transit_http::views::{Accepted, Reply};
use transit_http::{ApiError, Bytes};
use transit_kafka::{header, BatchConsumer, OutgoingRecord, Publisher, Topics};
use transit_model::guarantee_check::GUARANTEE_CHECK_EVENT;
use transit_model::CountryCode;
use transit_national::{
    Acceptance, Refusal, TranslateError, Translated, TranslatedGuaranteeCheck, TranslatedTrain,
    Translator,
};
use transit_rail::TRAIN_CONFIRMATION_EVENT;
use transit_runtime::telemetry::context;
use transit_store::adapter::AdapterStore;

/// What became of one submission.
#[derive(Debug)]
pub enum Ingested {
    /// Published to the hub.
    Accepted {
        /// The acknowledgement.
        accepted: Accepted,
        /// The national reference it came with.
        reference: String,
    },
    /// Rail: a train confirmation published to the hub (an event record on the country's
    /// `to-hub` topic), which the tracker turns into each declaration's messages.
    TrainAccepted {
        /// Its id (derived from the national reference).
        confirmation_id: transit_model::MessageId,
        /// The train.
        train: String,
        /// The national reference it came with.
        reference: String,
    },
    /// Guarantee checks: an office of departure's guarantee check or use published to the hub
    /// (an event record on the country's `to-hub` topic); the hub's answer comes back as a
    /// delivery.
    GuaranteeCheckAccepted {
        /// Its id (derived from the national reference).
        check_id: transit_model::MessageId,
        /// The movement.
        mrn: String,
        /// The national reference it came with.
        reference: String,
    },
    /// Refused for good (and kept); sending it again gives the same answer.
    Refused {
        /// What, where, why.
        error: ApiError,
        /// The national reference, when it could be read.
        reference: Option<String>,
    },
    /// Not accepted now (broker or database down): send again later.
    Unavailable(ApiError),
}

/// The adapter's logic.
#[derive(Debug)]
pub struct AdapterService {
    pub(crate) country: CountryCode,
    pub(crate) topics: Topics,
    pub(crate) publisher: Publisher,
    pub(crate) store: AdapterStore,
    pub(crate) translator: crate::mapping::MappingInForce,
    pub(crate) clients: crate::auth::Clients,
    pub(crate) consumer: BatchConsumer,
    pub(crate) activity: Arc<crate::link::LinkActivity>,
    /// Submissions read and translated at once ([`crate::settings::LimitSettings`]).
    pub(crate) submissions: Arc<tokio::sync::Semaphore>,
    /// Records waiting for the broker ([`crate::publishing`]).
    publishing: crate::publishing::PublishingRoom,
    /// Refused calls kept per address ([`crate::refusals`]).
    pub(crate) refusal_throttle: std::sync::Mutex<crate::refusals::RefusalThrottle>,
    /// The family's official schemas, when the operator named them.
    official_schemas: Option<Arc<crate::official_schemas::OfficialSchemas>>,
}

impl AdapterService {
    pub(crate) fn new(
        country: CountryCode,
        topics: Topics,
        publisher: Publisher,
        store: AdapterStore,
        translator: crate::mapping::MappingInForce,
        clients: crate::auth::Clients,
        consumer: BatchConsumer,
    ) -> Self {
        Self {
            country,
            topics,
            publisher,
            store,
            translator,
            clients,
            consumer,
            activity: Arc::default(),
            submissions: Arc::new(tokio::sync::Semaphore::new(1)),
            publishing: crate::publishing::PublishingRoom::new(1024),
            refusal_throttle: std::sync::Mutex::default(),
            official_schemas: None,
        }
    }

    /// Records the national system's pulls and acknowledgements in `activity` (for the link
    /// report).
    pub(crate) fn recording(mut self, activity: Arc<crate::link::LinkActivity>) -> Self {
        self.activity = activity;
        self
    }

    /// Reads and translates at most as many submissions at once as `limits` allow (one by
    /// default), and keeps at most their publishing room of records waiting for the broker.
    pub(crate) fn admitting(mut self, limits: &crate::settings::LimitSettings) -> Self {
        let concurrent = limits.concurrent_submissions().max(1);
        self.submissions = Arc::new(tokio::sync::Semaphore::new(concurrent));
        self.publishing = crate::publishing::PublishingRoom::new(limits.publishing_kib());
        self
    }

    /// Publishes `records` (one submission's) once they have room to wait for the broker
    /// ([`crate::publishing`]); `Err` with the answer to give when the broker did not take
    /// them (`what` names them) or the adapter is stopping.
    async fn publish(&self, records: &[OutgoingRecord], what: &str) -> Result<(), ApiError> {
        let _room = self.publishing.take(records).await?;
        self.publish_within_room(records, what).await
    }

    /// Publishes `records`, which already have their room, timing the broker alone.
    async fn publish_within_room(
        &self,
        records: &[OutgoingRecord],
        what: &str,
    ) -> Result<(), ApiError> {
        let started = std::time::Instant::now();
        let published = self.publisher.publish_all(records).await;
        crate::figures::published(started.elapsed());
        published.map_err(|err| {
            tracing::warn!(error = %err, "broker unavailable; {what} not accepted");
            ApiError::unavailable(format!("the broker did not accept the {what}: {err}"))
        })
    }

    /// Checks every national message against the family's official schemas first.
    pub(crate) fn checking_against(
        mut self,
        official_schemas: Option<crate::official_schemas::OfficialSchemas>,
    ) -> Self {
        self.official_schemas = official_schemas.map(Arc::new);
        self
    }

    /// Translates on the blocking pool: a national message of up to 4 MiB takes milliseconds
    /// of CPU, which must not hold up the async workers serving every other request. With
    /// official schemas, `xmllint` then checks what the translator took. A guarantee check
    /// (a family that has them, NCTS) and a rail train confirmation are read and checked the
    /// same way.
    async fn decode(&self, body: &Bytes) -> Result<Decoded, ApiError> {
        let translator = self.translator.translator();
        let official_schemas = self.official_schemas.clone();
        let body = body.clone();
        tokio::task::spawn_blocking(move || {
            let started = std::time::Instant::now();
            // The translator reads first, within the parsers' limits; only what it took is
            // run through xmllint, whose memory those limits then bound too.
            let decoded =
                decode(translator.as_deref(), &body).and_then(|decoded| match &official_schemas {
                    Some(schemas) => schemas.check(&body).map(|()| decoded),
                    None => Ok(decoded),
                });
            crate::figures::translated(started.elapsed());
            decoded
        })
        .await
        .unwrap_or_else(|panic| {
            tracing::error!(error = %panic, "the translator failed; submission not accepted");
            Err(ApiError::unavailable(
                "the adapter could not translate the message because of an internal fault; \
                     it is logged — send again later or tell the hub's operators",
            ))
        })
    }

    /// Translates, checks and publishes one submission from `channel` (`http`, `drop`), in a
    /// span that continues `traceparent` (the national system's trace, if it sent one): every
    /// log line about it carries the MRN and the trace id, and the record to the hub carries
    /// the trace on. `admitted` is the permit an HTTP submission was read under: held while
    /// its body is in memory (translated, and stored if it is refused), let go before an
    /// accepted message waits for the broker, which takes its own room ([`Self::publish`]); a
    /// train confirmation or a guarantee check, which are few, keep it to the end.
    pub async fn ingest(
        &self,
        body: Bytes,
        channel: &str,
        traceparent: Option<&str>,
        admitted: Option<tokio::sync::OwnedSemaphorePermit>,
    ) -> Ingested {
        let span = tracing::info_span!(
            "submission",
            channel,
            mrn = tracing::field::Empty,
            trace_id = tracing::field::Empty
        );
        context::continue_trace(&span, traceparent);
        let own = context::traceparent(&span);
        if let Some(id) = own.as_deref().and_then(context::trace_id_in) {
            span.record("trace_id", id);
        }
        let ingested = self
            .ingest_counted(body, channel, own.as_deref(), admitted)
            .instrument(span)
            .await;
        match &ingested {
            Ingested::Accepted { accepted, .. } => {
                crate::figures::submission(channel, accepted.message_type.code(), "accepted")
            }
            Ingested::TrainAccepted { .. } => {
                crate::figures::submission(channel, TRAIN_CONFIRMATION_EVENT, "accepted")
            }
            Ingested::GuaranteeCheckAccepted { .. } => {
                crate::figures::submission(channel, GUARANTEE_CHECK_EVENT, "accepted")
            }
            Ingested::Refused { error, .. } => {
                crate::figures::submission(channel, "unknown", "refused");
                crate::figures::refusal(error);
            }
            Ingested::Unavailable(_) => {
                crate::figures::submission(channel, "unknown", "unavailable")
            }
        }
        ingested
    }

    async fn ingest_counted(
        &self,
        body: Bytes,
        channel: &str,
        traceparent: Option<&str>,
        admitted: Option<tokio::sync::OwnedSemaphorePermit>,
    ) -> Ingested {
        let Translated { message, reference } = match self.decode(&body).await {
            Ok(Decoded::Message(translated)) => *translated,
            Ok(Decoded::Train(train)) => return self.ingest_train(&body, channel, train).await,
            Ok(Decoded::GuaranteeCheck(check)) => {
                return self.ingest_guarantee_check(&body, channel, check).await
            }
            Err(error) => return self.refuse(&body, channel, None, error).await,
        };
        tracing::Span::current().record("mrn", message.mrn().as_str());
        let sender_country = message.header().sender.office().map(|o| o.country());
        if sender_country != Some(self.country) {
            let place = self
                .translator
                .translator()
                .map_or("/header/sender", |t| t.sender_place());
            let error = ApiError::forbidden(
                place,
                format!(
                    "this is {}'s adapter; it only accepts messages from {} offices, not from {}",
                    self.country,
                    self.country,
                    message.header().sender.as_str()
                ),
                format!(
                    "send messages of {} offices to their own country's adapter",
                    message.header().sender.as_str()
                ),
            );
            return self.refuse(&body, channel, Some(reference), error).await;
        }
        // What waits for the broker is the record alone: the body and the message go, the
        // record takes its room while the admission permit is still held (so a record in
        // memory is always counted by one or the other), then the next submission may be read.
        drop(body);
        let topic = self.topics.to_hub(self.country);
        let mut record = OutgoingRecord::for_message(&topic, &message, json::encode(&message));
        if let Some(traceparent) = traceparent {
            record = record.with_header(header::TRACEPARENT, traceparent);
        }
        let accepted = Accepted {
            message_id: message.id().as_uuid(),
            message_type: message.message_type(),
            mrn: message.mrn().clone(),
            topic,
        };
        drop(message);
        let records = [record];
        let room = match self.publishing.take(&records).await {
            Ok(room) => room,
            Err(error) => return Ingested::Unavailable(error),
        };
        drop(admitted);
        let published = self.publish_within_room(&records, "message").await;
        drop(room);
        if let Err(error) = published {
            return Ingested::Unavailable(error);
        }
        tracing::info!(%channel, mrn = %accepted.mrn, message_type = %accepted.message_type, message_id = %accepted.message_id, %reference, "message published to the hub");
        Ingested::Accepted {
            accepted,
            reference,
        }
    }

    /// Rail: a national train confirmation, checked to be at one of this country's offices,
    /// published for the tracker (keyed by the train, so one train's confirmations keep their
    /// order).
    async fn ingest_train(&self, body: &[u8], channel: &str, train: TranslatedTrain) -> Ingested {
        let TranslatedTrain {
            confirmation,
            reference,
        } = train;
        if confirmation.office.country() != self.country {
            let error = ApiError::forbidden(
                "office",
                format!(
                    "this is {}'s adapter; it only accepts train confirmations at {} offices, not at {}",
                    self.country, self.country, confirmation.office
                ),
                format!(
                    "send {}'s confirmations to its own country's adapter",
                    confirmation.office
                ),
            );
            return self.refuse(body, channel, Some(reference), error).await;
        }
        let record = OutgoingRecord::for_event(
            self.topics.to_hub(self.country),
            &confirmation.train,
            TRAIN_CONFIRMATION_EVENT,
            confirmation.confirmation_id,
            serde_json::to_vec(&confirmation).unwrap_or_default(),
        );
        if let Err(error) = self.publish(&[record], "train confirmation").await {
            return Ingested::Unavailable(error);
        }
        tracing::info!(%channel, train = %confirmation.train, office = %confirmation.office, stage = confirmation.stage.as_str(), %reference, "train confirmation published to the hub");
        Ingested::TrainAccepted {
            confirmation_id: confirmation.confirmation_id,
            train: confirmation.train,
            reference,
        }
    }

    /// Guarantee checks: a national guarantee check or use (read and checked by
    /// [`Self::decode`]), taken only from one of this country's offices, published for the
    /// tracker keyed by the MRN.
    async fn ingest_guarantee_check(
        &self,
        body: &Bytes,
        channel: &str,
        check: TranslatedGuaranteeCheck,
    ) -> Ingested {
        let TranslatedGuaranteeCheck { check, reference } = check;
        tracing::Span::current().record("mrn", check.mrn.as_str());
        if check.office_of_departure.country() != self.country {
            let error = ApiError::forbidden(
                "CustomsOfficeOfDeparture",
                format!(
                    "this is {}'s adapter; it only takes guarantee checks from {} offices, not from {}",
                    self.country, self.country, check.office_of_departure
                ),
                format!(
                    "send {}'s guarantee checks to its own country's adapter",
                    check.office_of_departure
                ),
            );
            return self.refuse(body, channel, Some(reference), error).await;
        }
        let record = OutgoingRecord::for_event(
            self.topics.to_hub(self.country),
            check.mrn.as_str(),
            GUARANTEE_CHECK_EVENT,
            check.check_id,
            serde_json::to_vec(&check).unwrap_or_default(),
        );
        if let Err(error) = self.publish(&[record], "guarantee check").await {
            return Ingested::Unavailable(error);
        }
        tracing::info!(%channel, mrn = %check.mrn, kind = check.kind.as_str(), %reference, "guarantee check published to the hub");
        Ingested::GuaranteeCheckAccepted {
            check_id: check.check_id,
            mrn: check.mrn.to_string(),
            reference,
        }
    }

    async fn refuse(
        &self,
        body: &[u8],
        channel: &str,
        reference: Option<String>,
        error: ApiError,
    ) -> Ingested {
        // A refused message is not on the hot path: reading its reference again is fine.
        let reference = reference.or_else(|| self.translator.translator()?.reference_of(body));
        tracing::warn!(country = %self.country, %channel, pointer = %error.pointer, reason = %error.reason, ?reference, "submission refused");
        if let Err(err) = self
            .store
            .keep_refusal(
                channel,
                reference.as_deref(),
                &error.to_string(),
                body,
                Utc::now(),
            )
            .await
        {
            tracing::error!(error = %err, "refused submission could not be kept");
            return Ingested::Unavailable(ApiError::unavailable(
                "the adapter's database is unreachable",
            ));
        }
        Ingested::Refused { error, reference }
    }

    /// The answer to a submission, in the national format.
    pub fn reply(&self, outcome: &Ingested) -> Reply {
        let json = |status: u16, value: &dyn erased::Json| Reply {
            status,
            content_type: "application/json".into(),
            body: value.to_json(),
        };
        match (&self.translator.translator(), outcome) {
            (None, Ingested::Accepted { accepted, .. }) => json(202, accepted),
            (
                Some(t),
                Ingested::TrainAccepted {
                    confirmation_id,
                    reference,
                    ..
                },
            ) => Reply {
                status: 202,
                content_type: t.media_type().into(),
                body: t.train_acceptance(reference, *confirmation_id),
            },
            (
                Some(t),
                Ingested::GuaranteeCheckAccepted {
                    check_id,
                    reference,
                    ..
                },
            ) => Reply {
                status: 202,
                content_type: t.media_type().into(),
                body: t.guarantee_check_acceptance(reference, *check_id),
            },
            // Only a national family sends guarantee checks.
            (None, Ingested::GuaranteeCheckAccepted { check_id, mrn, .. }) => json(
                202,
                &serde_json::json!({"checkId": check_id.to_string(), "mrn": mrn}),
            ),
            // Only a national family sends train confirmations.
            (
                None,
                Ingested::TrainAccepted {
                    confirmation_id,
                    train,
                    ..
                },
            ) => json(
                202,
                &serde_json::json!({"confirmationId": confirmation_id.to_string(), "train": train}),
            ),
            (None, Ingested::Refused { error, .. }) | (None, Ingested::Unavailable(error)) => {
                json(error.status(), error)
            }
            (
                Some(t),
                Ingested::Accepted {
                    accepted,
                    reference,
                },
            ) => Reply {
                status: 202,
                content_type: t.media_type().into(),
                body: t.acceptance(&Acceptance {
                    reference: reference.clone(),
                    message_id: transit_model::MessageId::from_uuid(accepted.message_id),
                    message_type: accepted.message_type,
                    mrn: accepted.mrn.clone(),
                }),
            },
            (Some(t), Ingested::Refused { error, reference }) => {
                national_reply(t.as_ref(), error, reference.clone())
            }
            (Some(t), Ingested::Unavailable(error)) => national_reply(t.as_ref(), error, None),
        }
    }

    pub(crate) fn format(&self) -> String {
        self.translator
            .translator()
            .map_or("standard".to_owned(), |t| t.family().to_string())
    }
}

fn national_reply(t: &dyn Translator, error: &ApiError, reference: Option<String>) -> Reply {
    Reply {
        status: error.status(),
        content_type: t.media_type().into(),
        body: t.refusal(&Refusal {
            reference,
            class: error.name().to_owned(),
            ncts_code: error.ncts_code,
            place: error.pointer.clone(),
            reason: error.reason.clone(),
            hint: error.hint.clone(),
        }),
    }
}

/// What a submission is, read.
enum Decoded {
    /// A standardized message (from its national form).
    Message(Box<Translated>),
    /// Rail: a confirmation for a whole train.
    Train(TranslatedTrain),
    /// Guarantee checks: an office of departure's guarantee check or use.
    GuaranteeCheck(TranslatedGuaranteeCheck),
}

/// Reads a submission: a train confirmation, a guarantee check, or else a message — the
/// standardized message and the reference to quote back: the national system's own (read in
/// the same pass as the message), or the message id for the standardized JSON.
fn decode(translator: Option<&dyn Translator>, body: &[u8]) -> Result<Decoded, ApiError> {
    match translator {
        Some(t) => {
            if let Some(train) = t.train_to_standard(body) {
                train.map(Decoded::Train)
            } else if let Some(check) = t.guarantee_check_to_standard(body) {
                check.map(Decoded::GuaranteeCheck)
            } else {
                t.translate(body).map(|m| Decoded::Message(Box::new(m)))
            }
        }
        .map_err(national_error),
        None => json::decode(body)
            .map(|message| {
                Decoded::Message(Box::new(Translated {
                    reference: message.id().as_uuid().to_string(),
                    message,
                }))
            })
            .map_err(|err| {
                let mut answer = ApiError::invalid(
                    &err.pointer,
                    format!("{} (line {}, column {})", err.reason, err.line, err.column),
                );
                if err.pointer == "/header/mrn" {
                    // An MRN that fails its pattern or check digit: NCTS error 93.
                    answer = answer.with_ncts_code(93);
                }
                answer
            }),
    }
}

/// A translation error as an answer: 400, the class as the error name, its NCTS code (93 for
/// an invalid MRN) from the class.
fn national_error(err: TranslateError) -> ApiError {
    let mut answer = ApiError::invalid(&err.place, err.reason.clone());
    answer.kind = transit_http::ErrorKind::Translation(err.class.as_str().into());
    answer.hint = err.hint().to_owned();
    if let Some(code) = err.class.ncts_code() {
        answer = answer.with_ncts_code(code);
    }
    answer
}

mod erased {
    /// Serializable to JSON bytes (object-safe).
    pub(super) trait Json {
        fn to_json(&self) -> Vec<u8>;
    }
    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> Vec<u8> {
            serde_json::to_vec(self).unwrap_or_default()
        }
    }
}

/// A database failure as the national system sees it, without the database's own words; the
/// operator finds them in the log.
pub(crate) fn unavailable(err: impl std::fmt::Display) -> ApiError {
    tracing::warn!(error = %err, "adapter database unavailable");
    ApiError::unavailable("the adapter's database cannot answer right now")
}

#[cfg(test)]
mod tests {
    use transit_national::ErrorClass;

    use super::*;

    #[test]
    fn a_national_invalid_mrn_is_answered_with_ncts_error_93_by_its_class() {
        let err = transit_national::values::mrn("25CIUJZDE8GXD6NCJ1", "Transit/MRN").unwrap_err();
        let answer = national_error(err);
        assert_eq!((answer.name(), answer.ncts_code), ("invalid-mrn", Some(93)));
        assert_eq!(answer.pointer, "Transit/MRN");
        // The same words under another class are not error 93: the class decides, not the text.
        let lookalike = TranslateError::new(
            ErrorClass::InvalidValue,
            "Transit/Reference",
            "invalid MRN-like reference",
        );
        assert_eq!(national_error(lookalike).ncts_code, None);
    }
}
