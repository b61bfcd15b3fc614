//! What the API does behind its routes.

use std::collections::BTreeMap;

use chrono::{Duration, SubsecRound, Utc};
use sha2::{Digest, Sha256};
use tokio::sync::broadcast;
use transit_codec::json;
use transit_http::api_views::{
    ActionAccepted, CorridorCounts, Exposure, LegTime, LoginRequest, MovementSummary,
    OfficerAction, Page, PeriodQuery, Principal, SearchQuery, SessionView, TicketView,
};
use transit_http::views::{MovementView, PassageView, TimelineEntry};
use transit_http::{ApiError, ApiPort};
use transit_kafka::{OutgoingRecord, Publisher, Topics};
use transit_model::{Mrn, OfficeRef, StandardMessage};
use transit_store::api::{ActionRow, ApiStore, AuditRow, SearchFilter, SummaryRow};
use transit_store::queries::MovementQueries;

use crate::throttle::{Key, Throttle};
use crate::{actions, auth};

/// The API's logic and its connections.
#[derive(Debug)]
pub struct ApiService {
    pub(crate) queries: MovementQueries,
    pub(crate) store: ApiStore,
    pub(crate) publisher: Publisher,
    pub(crate) topics: Topics,
    /// The reference data version in force (followed from the reference topic).
    pub(crate) reference:
        tokio::sync::watch::Receiver<std::sync::Arc<transit_model::reference::Loaded>>,
    pub(crate) live: broadcast::Sender<String>,
    pub(crate) session_hours: i64,
    /// How long an arrived movement may wait for its control result before it is overdue.
    pub(crate) control_overdue: Duration,
    /// When a national link raises an alert.
    pub(crate) link_thresholds: crate::links::LinkThresholds,
    /// Where subscriptions may post, and how many an account may hold.
    pub(crate) notifications: crate::notifier::NotifierSettings,
    /// Failed logins per account and address.
    pub(crate) throttle: std::sync::Mutex<Throttle>,
    /// A hash to verify against when the user name is unknown, so that the answer takes as
    /// long as for a known one.
    pub(crate) dummy_hash: String,
    /// Password verifications running at once (each costs ~19 MiB and tens of milliseconds
    /// of a core, off the async workers).
    pub(crate) verifiers: tokio::sync::Semaphore,
}

/// A database failure as the client sees it: that the hub cannot answer now, without the
/// database's own words (they name tables, columns and values). The operator finds them in
/// the log.
pub(crate) fn unavailable(err: transit_store::StoreError) -> ApiError {
    tracing::warn!(error = %err, "database unavailable");
    ApiError::unavailable("the hub's database cannot answer right now")
}

fn parse_mrn(mrn: &str) -> Result<Mrn, ApiError> {
    Mrn::parse(mrn).map_err(|e| ApiError::invalid("/mrn", e.to_string()).with_ncts_code(93))
}

fn not_found(mrn: &Mrn) -> ApiError {
    ApiError::not_found(
        format!("the hub has no movement {mrn}"),
        "check the MRN on the transit document; a release sent seconds ago may still be on its way",
    )
}

/// How long a live-update ticket may wait before it opens its stream.
const STREAM_TICKET_SECONDS: i64 = 30;

/// The last page a search may ask for: deeper offsets make the database read and drop rows.
const MAX_PAGE: i64 = 1_000;

/// A stored summary as the API shows it.
pub fn summary(row: SummaryRow) -> MovementSummary {
    MovementSummary {
        mrn: row.mrn,
        state: row.state,
        departure_office: row.departure_office,
        destination_office: row.destination_office,
        last_office: row.last_office,
        vehicle: row.vehicle,
        arrival_time_limit: row.arrival_time_limit,
        guarantee_amount: row.guarantee_amount,
        guarantee_currency: row.guarantee_currency,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

impl ApiService {
    /// A movement, if `who` may read it.
    async fn read_movement(&self, who: &Principal, mrn: &str) -> Result<MovementView, ApiError> {
        let mrn = parse_mrn(mrn)?;
        let record = self
            .queries
            .movement(mrn.as_str())
            .await
            .map_err(unavailable)?
            .ok_or_else(|| not_found(&mrn))?;
        let m = record.movement;
        let route: Vec<String> = m.route.iter().map(|p| p.office.to_string()).collect();
        let allowed = match who.role.as_str() {
            // A trader reads the movements it declared; a guarantor those leaving its country.
            "trader" => who.party.as_deref() == Some(m.declaration.declarant.id.as_str()),
            "guarantor" => who
                .country
                .as_deref()
                .is_some_and(|cc| m.departure_office.as_str().starts_with(cc)),
            _ => auth::may_read(
                who,
                m.departure_office.as_str(),
                m.destination_office.as_str(),
                &route,
            ),
        };
        if !allowed {
            return Err(ApiError::denied(
                format!(
                    "{} may not read movement {mrn}: it is outside their scope",
                    who.username
                ),
                "ask an operator whose scope covers its countries",
            ));
        }
        Ok(MovementView {
            mrn: m.mrn.to_string(),
            state: m.state.as_str().to_owned(),
            departure_office: m.departure_office.to_string(),
            route: m
                .route
                .iter()
                .map(|p| PassageView {
                    office: p.office.to_string(),
                    crossed_at: p.crossed_at,
                })
                .collect(),
            destination_office: m.destination_office.to_string(),
            arrival_time_limit: m.arrival_time_limit,
            arrived_at: m.arrived_at,
            version: record.version,
            updated_at: record.updated_at,
            declaration: serde_json::to_value(&m.declaration).unwrap_or_default(),
        })
    }

    /// Verifies a password on a blocking thread, a few at a time.
    async fn verify(&self, password: String, hash: String) -> Result<bool, ApiError> {
        let _permit = self
            .verifiers
            .acquire()
            .await
            .map_err(|_| ApiError::unavailable("the API is stopping"))?;
        tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
            .await
            .map_err(|_| ApiError::unavailable("password verification failed; try again"))
    }

    pub(crate) async fn audit(
        &self,
        who: Option<&str>,
        action: &str,
        target: Option<&str>,
        outcome: &str,
        remote: &str,
        detail: Option<String>,
    ) -> Result<(), ApiError> {
        let entry = AuditRow {
            at: Utc::now(),
            username: who.map(str::to_owned),
            action: action.to_owned(),
            target: target.map(str::to_owned),
            outcome: outcome.to_owned(),
            remote: Some(remote.to_owned()).filter(|r| !r.is_empty()),
            detail,
        };
        self.store.audit(&entry).await.map_err(|err| {
            tracing::error!(error = %err, ?entry, "audit entry not written");
            ApiError::unavailable("the audit log cannot be written, so nothing is done; try again")
        })
    }

    fn corridor_of(&self, departure: &str, destination: &str) -> String {
        self.reference_data()
            .corridors()
            .iter()
            .find(|c| {
                c.offices.first().map(OfficeRef::as_str) == Some(departure)
                    && c.offices.last().map(OfficeRef::as_str) == Some(destination)
            })
            .map_or_else(|| "other".to_owned(), |c| c.id.clone())
    }

    async fn act_checked(
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
        let record = self
            .queries
            .movement(mrn.as_str())
            .await
            .map_err(unavailable)?
            .ok_or_else(|| not_found(&mrn))?;
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
        if let Err(rejection) = transit_lifecycle::decide(Some(&record.movement), &message, now) {
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
        // The key is reserved, with the message's preparation time, before the message is
        // published: a retry — the answer was lost, or the broker did not take it — publishes
        // the very same message again, never a different one under the same id (error 26).
        if let Some(key) = key {
            let row = ActionRow {
                request_hash: request_hash.clone(),
                mrn: mrn.to_string(),
                message_id: message.id().as_uuid(),
                message_type: message.message_type().code().to_owned(),
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
            message_type: message.message_type().code().to_owned(),
            mrn: mrn.to_string(),
            replayed: false,
        })
    }

    /// Answers a request whose key was used before: a different request under it is refused
    /// (409); the same one is answered as the first was, and its message — rebuilt exactly,
    /// from the kept preparation time — is published again, which the tracker drops if it
    /// already has it and takes if the first publish never arrived.
    #[allow(clippy::too_many_arguments)]
    async fn replay(
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
            let record = self
                .queries
                .movement(mrn.as_str())
                .await
                .map_err(unavailable)?
                .ok_or_else(|| not_found(mrn))?;
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

    async fn publish(&self, office: &OfficeRef, message: &StandardMessage) -> Result<(), ApiError> {
        let topic = self.topics.to_hub(office.country());
        let record = OutgoingRecord::for_message(&topic, message, json::encode(message));
        self.publisher.publish_all(&[record]).await.map_err(|err| {
            ApiError::unavailable(format!("the broker did not take the message: {err}"))
        })
    }
}

impl ApiPort for ApiService {
    async fn login(&self, request: LoginRequest, remote: String) -> Result<SessionView, ApiError> {
        let keys = [
            Key::Account(request.username.to_lowercase()),
            Key::Address(remote.clone()),
        ];
        let wait = self
            .throttle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .wait(&keys, Utc::now());
        if let Some(wait) = wait {
            let seconds = wait.as_secs().max(1);
            self.audit(
                Some(&request.username),
                "login",
                None,
                "throttled",
                &remote,
                None,
            )
            .await
            .ok(); // refused either way
            return Err(ApiError::too_many_attempts(
                format!("too many failed logins for this account or from this address; wait {seconds} s"),
                seconds,
            ));
        }
        // A name no account can have (a NUL the database would refuse, a megabyte) is an
        // unknown user: verified against the dummy hash and counted like any other failure.
        let user = if could_be_a_username(&request.username) {
            self.store
                .user(&request.username)
                .await
                .map_err(unavailable)?
        } else {
            None
        };
        let hash = user
            .as_ref()
            .map_or_else(|| self.dummy_hash.clone(), |u| u.password_hash.clone());
        let matches = self.verify(request.password.clone(), hash).await?;
        let Some(user) = user.filter(|_| matches) else {
            self.throttle
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .failed(&keys, Utc::now());
            self.audit(
                Some(&request.username),
                "login",
                None,
                "refused",
                &remote,
                None,
            )
            .await
            .ok(); // refused either way
            return Err(ApiError::unauthorized("wrong user name or password"));
        };
        self.throttle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .succeeded(&request.username.to_lowercase());
        let token = auth::new_token();
        let now = Utc::now();
        let expires_at = now + Duration::hours(self.session_hours);
        self.store
            .open_session(&auth::token_hash(&token), user.id, now, expires_at)
            .await
            .map_err(unavailable)?;
        // No session is handed out that the audit log does not show.
        self.audit(Some(&user.username), "login", None, "ok", &remote, None)
            .await?;
        Ok(SessionView {
            token,
            expires_at,
            user: auth::principal(&user),
        })
    }

    async fn logout(&self, token: String) -> Result<(), ApiError> {
        self.store
            .close_session(&auth::token_hash(&token))
            .await
            .map_err(unavailable)
    }

    async fn authenticate(&self, token: String) -> Result<Principal, ApiError> {
        self.store
            .session_user(&auth::token_hash(&token), Utc::now())
            .await
            .map_err(unavailable)?
            .map(|u| auth::principal(&u))
            .ok_or_else(|| ApiError::unauthorized("the session is unknown or has expired"))
    }

    async fn movement(
        &self,
        who: Principal,
        mrn: String,
        remote: String,
    ) -> Result<MovementView, ApiError> {
        let read = self.read_movement(&who, &mrn).await;
        let outcome = if read.is_ok() { "ok" } else { "refused" };
        self.audit(
            Some(&who.username),
            "read movement",
            Some(&mrn),
            outcome,
            &remote,
            None,
        )
        .await?;
        read
    }

    async fn timeline(
        &self,
        who: Principal,
        mrn: String,
        remote: String,
    ) -> Result<Vec<TimelineEntry>, ApiError> {
        // Same rights as the movement itself, and audited as a read of it.
        self.movement(who, mrn.clone(), remote).await?;
        let events = self.queries.timeline(&mrn).await.map_err(unavailable)?;
        Ok(events
            .into_iter()
            .map(|e| TimelineEntry {
                message_id: e.message_id,
                message_type: e.message_type,
                sender: e.sender,
                event_time: e.event_time,
                received_at: e.received_at,
                outcome: e.outcome,
                state_after: e.state_after,
                error_code: e.error_code,
                reason: e.reason,
            })
            .collect())
    }

    async fn search(
        &self,
        who: Principal,
        q: SearchQuery,
    ) -> Result<Page<MovementSummary>, ApiError> {
        let page = q.page.unwrap_or(1);
        let page_size = q.page_size.unwrap_or(50);
        if !(1..=MAX_PAGE).contains(&page) || !(1..=200).contains(&page_size) {
            return Err(ApiError::bad_request(
                "/query/page",
                format!("page is 1 to {MAX_PAGE}; pageSize is 1 to 200 (narrow the search to go further)"),
            ));
        }
        for (name, value) in [
            ("state", &q.state),
            ("corridor", &q.corridor),
            ("office", &q.office),
            ("country", &q.country),
            ("vehicle", &q.vehicle),
            ("container", &q.container),
            ("seal", &q.seal),
        ] {
            check_search_word(name, value.as_deref())?;
        }
        let endpoints = match &q.corridor {
            Some(id) => {
                let data = self.reference_data();
                let corridor = data.corridor(id).ok_or_else(|| {
                    ApiError::bad_request(
                        "/query/corridor",
                        format!("no corridor {id:?}; see GET /api/v1/reference"),
                    )
                })?;
                match (corridor.offices.first(), corridor.offices.last()) {
                    (Some(a), Some(b)) => Some((a.to_string(), b.to_string())),
                    _ => None,
                }
            }
            None => None,
        };
        let mut filter = SearchFilter {
            state: q.state.clone(),
            endpoints,
            office: q.office.clone(),
            country: q.country.clone(),
            vehicle: q.vehicle.clone(),
            container: q.container.clone(),
            seal: q.seal.clone(),
            from: q.from,
            to: q.to,
        };
        match who.role.as_str() {
            // An officer searches the movements of their office.
            "officer" => filter.office = who.office.clone(),
            "adapter" | "operator" if who.country.is_some() => {
                if filter.country.is_some() && filter.country != who.country {
                    return Err(ApiError::denied(
                        format!(
                            "{}'s scope is {}",
                            who.username,
                            who.country.clone().unwrap_or_default()
                        ),
                        "search within your scope",
                    ));
                }
                filter.country = who.country.clone();
            }
            _ => {}
        }
        let mut rows = self
            .store
            .search(&filter, (page - 1) * page_size, page_size)
            .await
            .map_err(unavailable)?;
        let has_more = rows.len() as i64 > page_size;
        rows.truncate(usize::try_from(page_size).unwrap_or(50));
        Ok(Page {
            items: rows.into_iter().map(summary).collect(),
            page,
            page_size,
            has_more,
        })
    }

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
            Ok(a) => ("ok", Some(format!("{} {}", a.message_type, a.message_id))),
            Err(e) => ("refused", Some(format!("{} {}", e.status, e.reason))),
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

    async fn state_counts(&self, who: Principal) -> Result<Vec<CorridorCounts>, ApiError> {
        auth::require_operator(&who)?;
        let mut by_corridor: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
        for (departure, destination, state, count) in
            self.store.counts().await.map_err(unavailable)?
        {
            if !auth::may_read(&who, &departure, &destination, &[]) {
                continue;
            }
            *by_corridor
                .entry(self.corridor_of(&departure, &destination))
                .or_default()
                .entry(state)
                .or_default() += count;
        }
        Ok(by_corridor
            .into_iter()
            .map(|(corridor, states)| CorridorCounts { corridor, states })
            .collect())
    }

    async fn overdue(&self, who: Principal) -> Result<Vec<MovementSummary>, ApiError> {
        auth::require_operator(&who)?;
        // The scope is applied in the query, before its limit: a country operator sees up to
        // 200 of their own, not what is left of the network's first 200.
        Ok(self
            .store
            .overdue(
                Utc::now(),
                self.control_overdue,
                200,
                who.country.as_deref(),
            )
            .await
            .map_err(unavailable)?
            .into_iter()
            .map(summary)
            .collect())
    }

    async fn legs(&self, who: Principal, period: PeriodQuery) -> Result<Vec<LegTime>, ApiError> {
        auth::require_operator(&who)?;
        let to = period.to.unwrap_or_else(Utc::now);
        let from = period.from.unwrap_or(to - Duration::days(30));
        if from >= to {
            return Err(ApiError::bad_request(
                "/query/from",
                "from must be before to",
            ));
        }
        Ok(self
            .store
            .legs(from, to, who.country.as_deref())
            .await
            .map_err(unavailable)?
            .into_iter()
            .map(|l| LegTime {
                from_office: l.from_office,
                to_office: l.to_office,
                movements: l.movements,
                p50_hours: l.p50_seconds / 3600.0,
                p90_hours: l.p90_seconds / 3600.0,
            })
            .collect())
    }

    async fn exposure(&self, who: Principal) -> Result<Vec<Exposure>, ApiError> {
        auth::require_operator(&who)?;
        Ok(self
            .store
            .exposure()
            .await
            .map_err(unavailable)?
            .into_iter()
            .filter(|(cc, ..)| who.country.as_deref().is_none_or(|scope| scope == cc))
            .map(|(country, currency, amount, movements)| Exposure {
                country,
                currency,
                amount,
                movements,
            })
            .collect())
    }

    async fn stream_ticket(&self, token: String) -> Result<TicketView, ApiError> {
        let session_hash = auth::token_hash(&token);
        let now = Utc::now();
        // The session must be open; its user is not needed here.
        self.authenticate(token).await?;
        let ticket = auth::new_token();
        let expires_at = now + Duration::seconds(STREAM_TICKET_SECONDS);
        self.store
            .issue_ticket(&auth::token_hash(&ticket), &session_hash, now, expires_at)
            .await
            .map_err(unavailable)?;
        Ok(TicketView { ticket, expires_at })
    }

    async fn redeem_ticket(&self, ticket: String) -> Result<Principal, ApiError> {
        self.store
            .redeem_ticket(&auth::token_hash(&ticket), Utc::now())
            .await
            .map_err(unavailable)?
            .map(|u| auth::principal(&u))
            .ok_or_else(|| {
                ApiError::unauthorized(
                    "the ticket is unknown, used already, or older than 30 s; ask for a new one",
                )
            })
    }

    fn subscribe(&self, who: Principal) -> broadcast::Receiver<String> {
        let mut all = self.live.subscribe();
        if who.role == "operator" && who.country.is_none() {
            return all;
        }
        // Everyone else hears only of the movements they may read.
        let (scoped, receiver) = broadcast::channel(256);
        let queries = self.queries.clone();
        tokio::spawn(async move {
            loop {
                let json = match all.recv().await {
                    Ok(json) => json,
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return,
                };
                if scoped.receiver_count() == 0 {
                    return;
                }
                let Ok(m) = serde_json::from_str::<MovementSummary>(&json) else {
                    continue;
                };
                let mut route = Vec::new();
                if who.role == "officer"
                    && !auth::may_read(&who, &m.departure_office, &m.destination_office, &[])
                {
                    // An office of transit: its movements are known by their route.
                    if let Ok(Some(record)) = queries.movement(&m.mrn).await {
                        route = record
                            .movement
                            .route
                            .iter()
                            .map(|p| p.office.to_string())
                            .collect();
                    }
                }
                if auth::may_read(&who, &m.departure_office, &m.destination_office, &route) {
                    let _ = scoped.send(json);
                }
            }
        });
        receiver
    }

    fn reference(&self) -> serde_json::Value {
        crate::reference::public_json(&self.reference.borrow().version.document)
    }

    /// Ready: the database and the broker (where officers' actions go) answer.
    async fn ready(&self) -> Result<(), ApiError> {
        self.queries.ping().await.map_err(unavailable)?;
        self.publisher.reachable().await.map_err(|err| {
            tracing::warn!(error = %err, "not ready: the broker does not answer");
            ApiError::unavailable("the broker does not answer")
        })
    }
}

/// The most characters a search word may have (a plate is 35, a name 70).
const MAX_SEARCH_WORD: usize = 70;

/// A search word is 1 to 70 characters without control characters: anything else cannot match
/// a movement, and a NUL would be refused by the database as an error rather than a no-match.
fn check_search_word(name: &str, value: Option<&str>) -> Result<(), ApiError> {
    let Some(value) = value else { return Ok(()) };
    let chars = value.chars().count();
    let problem = if chars == 0 {
        Some("is empty; leave it out to search without it".to_owned())
    } else if chars > MAX_SEARCH_WORD {
        Some(format!("is {chars} characters; at most {MAX_SEARCH_WORD}"))
    } else {
        value
            .chars()
            .find(|c| c.is_control())
            .map(|c| format!("contains the control character U+{:04X}", u32::from(c)))
    };
    match problem {
        Some(problem) => Err(ApiError::bad_request(
            &format!("/query/{name}"),
            format!("{name} {problem}"),
        )),
        None => Ok(()),
    }
}

/// Whether `name` could name an account: 1 to 100 characters, no control characters.
fn could_be_a_username(name: &str) -> bool {
    (1..=100).contains(&name.chars().count()) && !name.chars().any(char::is_control)
}
