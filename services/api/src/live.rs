//! Live updates: one poller per API process reads movements changed since its last look and
//! broadcasts each as a JSON summary to every server-sent-events subscriber.

use std::time::Duration;

use chrono::Utc;
use tokio::sync::broadcast;
use transit_store::api::ApiStore;

use crate::service::summary;

/// Starts the poller; returns the channel subscribers listen on.
pub fn start(store: ApiStore, every: Duration) -> broadcast::Sender<String> {
    let (sender, _) = broadcast::channel(1024);
    let out = sender.clone();
    tokio::spawn(async move {
        let mut cursor = Utc::now();
        loop {
            tokio::time::sleep(every).await;
            match store.changed_since(cursor, 500).await {
                Ok(rows) => {
                    for row in rows {
                        cursor = cursor.max(row.updated_at);
                        if let Ok(json) = serde_json::to_string(&summary(row)) {
                            // No subscriber is not an error.
                            let _ = out.send(json);
                        }
                    }
                }
                Err(err) => tracing::warn!(error = %err, "live updates: cannot read changes"),
            }
        }
    });
    sender
}
