//! Live updates: one poller per API process reads movements changed since its last look and
//! broadcasts each as a JSON summary to every server-sent-events subscriber; each subscriber
//! receives those it may read.

use std::time::Duration;

use chrono::Utc;
use tokio::sync::broadcast;
use transit_model::Role;
use transit_store::api::ApiStore;

use transit_http::api_views::{MovementSummary, Principal};
use transit_http::LivePort;

use crate::auth;
use crate::service::ApiService;

/// Starts the poller; returns the channel subscribers listen on.
pub fn start(store: ApiStore, every: Duration) -> broadcast::Sender<String> {
    let (sender, _) = broadcast::channel(1024);
    let out = sender.clone();
    tokio::spawn(async move {
        let mut cursor = Utc::now();
        loop {
            tokio::time::sleep(every).await;
            match store.changed_since(cursor, 500).await {
                Ok(changes) => {
                    for (changed_at, summary) in changes {
                        cursor = cursor.max(changed_at);
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

impl LivePort for ApiService {
    fn subscribe(&self, who: Principal) -> broadcast::Receiver<String> {
        let mut all = self.live.subscribe();
        if who.role == Role::Operator && who.country.is_none() {
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
                if who.role == Role::Officer
                    && !auth::may_read(
                        &who,
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
                if auth::may_read(
                    &who,
                    m.departure_office.as_str(),
                    m.destination_office.as_str(),
                    &route,
                ) {
                    let _ = scoped.send(json);
                }
            }
        });
        receiver
    }
}
