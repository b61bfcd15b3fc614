//! The MQTT side: the gateway's persistent session on every provider's `telematics/<name>/events`
//! topic. Each message is taken ([`Gateway::take`]) and acknowledged to the broker only after
//! the hub's broker has it, so a gateway killed in between gets it again (the tracker applies
//! each event once). What was refused is answered on `telematics/<name>/refused`.

use std::time::Duration;

use tokio::sync::watch;
use transit_mqtt::{Incoming, Subscription};

use crate::gateway::{Gateway, Via};

/// The provider a topic belongs to: `telematics/<provider>/events`.
pub fn provider_of(topic: &str) -> Option<&str> {
    let mut levels = topic.split('/');
    match (levels.next(), levels.next(), levels.next(), levels.next()) {
        (Some("telematics"), Some(provider), Some("events"), None) => Some(provider),
        _ => None,
    }
}

/// Takes the providers' messages until `stop` turns true.
pub async fn run(
    gateway: Gateway,
    mut subscription: Subscription,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let acknowledger = subscription.acknowledger();
    loop {
        let incoming = tokio::select! {
            _ = stop.changed() => return Ok(()),
            next = subscription.next() => next,
        };
        let incoming = match incoming {
            Ok(incoming) => incoming,
            Err(e) => {
                tracing::warn!(error = %e, "MQTT: reconnecting");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        take(&gateway, &incoming, &acknowledger, &mut stop).await?;
        if *stop.borrow() {
            return Ok(());
        }
    }
}

async fn take(
    gateway: &Gateway,
    incoming: &Incoming,
    acknowledger: &transit_mqtt::Acknowledger,
    stop: &mut watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let provider = provider_of(&incoming.topic).unwrap_or("");
    let mut wait = Duration::from_millis(100);
    let taken = loop {
        match gateway.take(provider, &incoming.payload, Via::Mqtt).await {
            Ok(taken) => break taken,
            Err(e) => {
                // Not acknowledged: the broker keeps the message for the session.
                tracing::warn!(error = %e, "the hub's broker did not take telematics events; trying again");
                tokio::select! {
                    _ = stop.changed() => return Ok(()),
                    _ = tokio::time::sleep(wait) => {}
                }
                wait = (wait * 2).min(Duration::from_secs(10));
            }
        }
    };
    if !taken.refused.is_empty() && !provider.is_empty() {
        let answer = serde_json::to_vec(&taken).expect("an answer serializes");
        if let Err(e) = acknowledger
            .publish(&format!("telematics/{provider}/refused"), answer)
            .await
        {
            tracing::warn!(error = %e, provider, "could not answer a refusal over MQTT (it is kept at the hub)");
        }
    }
    acknowledger.ack(incoming).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_a_providers_events_topic_names_a_provider() {
        assert_eq!(
            super::provider_of("telematics/sahel-track/events"),
            Some("sahel-track")
        );
        assert_eq!(super::provider_of("telematics/sahel-track/refused"), None);
        assert_eq!(super::provider_of("telematics/a/b/events"), None);
        assert_eq!(super::provider_of("other/x/events"), None);
    }
}
