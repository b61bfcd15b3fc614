//! Live updates: one poller per API process reads movements changed since its last look (by
//! the event log's sequence, where every change of a movement is logged) and
//! broadcasts each as a JSON summary to every server-sent-events subscriber; each subscriber
//! receives those it may read, while its session is open (checked every few seconds: a
//! logout or an expiry ends the stream), and a listener carries at most `live_streams_max`.

use std::time::Duration;

use chrono::Utc;
use tokio::sync::broadcast;
use transit_model::Role;
use transit_store::api::ApiStore;

use transit_http::api_views::{MovementSummary, Principal};
use transit_http::{ApiError, LivePort, SessionPort};
use transit_store::queries::MovementQueries;

use crate::answers::unavailable;
use crate::auth;
use crate::service::ApiService;

/// Starts the poller; returns the channel subscribers listen on.
pub fn start(store: ApiStore, every: Duration) -> broadcast::Sender<String> {
    let (sender, _) = broadcast::channel(1024);
    let out = sender.clone();
    tokio::spawn(async move {
        // From the end of the event log: live updates look forward.
        let mut cursor = None;
        loop {
            tokio::time::sleep(every).await;
            let from = match cursor {
                Some(at) => at,
                None => match store.latest_change().await {
                    Ok(end) => *cursor.insert(end),
                    Err(err) => {
                        tracing::warn!(error = %err, "live updates: cannot find the end of the event log");
                        continue;
                    }
                },
            };
            match store.changed_since(from, 500).await {
                Ok((next, changes)) => {
                    cursor = Some(next);
                    for (_, summary) in changes {
                        match summary.map(|s| serde_json::to_string(&s)) {
                            // No subscriber is not an error.
                            Ok(Ok(json)) => drop(out.send(json)),
                            Ok(Err(err)) => {
                                tracing::error!(error = %err, "live updates: a summary not encoded")
                            }
                            Err(err) => {
                                tracing::error!(error = %err, "live updates: a movement passed over")
                            }
                        }
                    }
                }
                Err(err) => tracing::warn!(error = %err, "live updates: cannot read changes"),
            }
        }
    });
    sender
}

/// How often a stream checks that its session is still open: a logged-out or expired session
/// stops hearing within this time.
const SESSION_CHECK: Duration = Duration::from_secs(5);

impl LivePort for ApiService {
    async fn open_stream(
        &self,
        ticket: Option<String>,
        token: Option<String>,
    ) -> Result<broadcast::Receiver<String>, ApiError> {
        let (who, session) = match (ticket, token) {
            (Some(ticket), _) => self
                .store
                .redeem_ticket(&auth::token_hash(&ticket), Utc::now())
                .await
                .map_err(unavailable)?
                .map(|(user, session)| (auth::principal(&user), session))
                .ok_or_else(|| {
                    ApiError::unauthorized(
                        "the ticket is unknown, used already, or older than 30 s; ask for a new one",
                    )
                })?,
            (None, Some(token)) => {
                let session = auth::token_hash(&token);
                (self.authenticate(token).await?, session)
            }
            (None, None) => return Err(ApiError::unauthorized("no ticket and no session")),
        };
        // Each stream holds a permit while it lives: a listener carries a bounded number.
        let permit = self.streams.clone().try_acquire_owned().map_err(|_| {
            ApiError::unavailable(
                "the hub carries as many live-update streams as it may; try again in a minute",
            )
        })?;
        Ok(self.forward(who, session, permit))
    }
}

impl ApiService {
    /// The stream of what `who` may read, for as long as `session` is open and somebody
    /// listens; `permit` is given back when it ends.
    fn forward(
        &self,
        who: Principal,
        session: Vec<u8>,
        permit: tokio::sync::OwnedSemaphorePermit,
    ) -> broadcast::Receiver<String> {
        let mut all = self.live.subscribe();
        let (scoped, receiver) = broadcast::channel(256);
        let (queries, store) = (self.queries.clone(), self.store.clone());
        let everything = who.role == Role::Operator && who.country.is_none();
        tokio::spawn(async move {
            let _permit = permit;
            let mut check = tokio::time::interval(SESSION_CHECK);
            loop {
                let json = tokio::select! {
                    _ = check.tick() => {
                        let open = store.session_user(&session, Utc::now()).await;
                        if scoped.receiver_count() == 0 || matches!(open, Ok(None)) {
                            return; // the listener left, or the session ended
                        }
                        continue;
                    }
                    received = all.recv() => match received {
                        Ok(json) => json,
                        Err(broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(broadcast::error::RecvError::Closed) => return,
                    },
                };
                if scoped.receiver_count() == 0 {
                    return;
                }
                if everything || may_hear(&who, &queries, &json).await {
                    let _ = scoped.send(json);
                }
            }
        });
        receiver
    }
}

/// Whether `who` may hear of the movement summarized in `json`.
async fn may_hear(who: &Principal, queries: &MovementQueries, json: &str) -> bool {
    let Ok(m) = serde_json::from_str::<MovementSummary>(json) else {
        return false;
    };
    let mut route = Vec::new();
    if who.role == Role::Officer
        && !auth::may_read(
            who,
            m.departure_office.as_str(),
            m.destination_office.as_str(),
            &[],
        )
    {
        // An office of transit: its movements are known by their route.
        if let Ok(Some(record)) = queries.movement(m.mrn.as_str()).await {
            route = record
                .movement
                .route
                .iter()
                .map(|p| p.office.to_string())
                .collect();
        }
    }
    auth::may_read(
        who,
        m.departure_office.as_str(),
        m.destination_office.as_str(),
        &route,
    )
}
