//! The broker client's own figures as metrics, and a consumer's lag.
//!
//! librdkafka sends its statistics every `[kafka] statistics_interval_ms` (10 s); [`Figures`] is the client context that receives them and records
//! the few an operator reads: messages waiting in the client, requests and errors, brokers
//! connected, round-trip time per broker. [`record_lag`] turns a consumer's observed
//! progress into the records waiting per topic (what the tracker's autoscaler follows).

use std::collections::{BTreeMap, BTreeSet};

use rdkafka::consumer::ConsumerContext;
use rdkafka::statistics::Statistics;
use rdkafka::ClientContext;

use crate::PartitionProgress;

/// The context of every producer and consumer: records the client's statistics, labelled
/// with what the client is (`producer`, or the consumer's group).
#[derive(Clone, Debug)]
pub(crate) struct Figures {
    client: String,
}

impl Figures {
    pub(crate) fn of(client: &str) -> Self {
        Self {
            client: client.to_owned(),
        }
    }
}

impl ClientContext for Figures {
    fn stats(&self, statistics: Statistics) {
        record_statistics(&self.client, &statistics);
    }
}

impl ConsumerContext for Figures {}

fn record_statistics(client: &str, s: &Statistics) {
    let client = client.to_owned();
    metrics::gauge!("sigmat_kafka_client_queued_messages", "client" => client.clone())
        .set(s.msg_cnt as f64);
    metrics::counter!("sigmat_kafka_client_requests_total", "client" => client.clone())
        .absolute(s.tx.max(0) as u64);
    let mut errors = 0;
    let mut up = 0;
    for broker in s.brokers.values().filter(|b| b.nodeid >= 0) {
        errors += broker.txerrs + broker.rxerrs + broker.req_timeouts;
        if broker.state == "UP" {
            up += 1;
        }
        if let Some(rtt) = &broker.rtt {
            metrics::gauge!("sigmat_kafka_broker_rtt_seconds", "client" => client.clone(), "broker" => broker.nodeid.to_string())
                .set(rtt.avg as f64 / 1e6);
        }
    }
    metrics::counter!("sigmat_kafka_client_errors_total", "client" => client.clone())
        .absolute(errors);
    metrics::gauge!("sigmat_kafka_client_brokers_up", "client" => client).set(f64::from(up));
}

/// Records the records waiting for consumer group `group`, per topic, from one observation;
/// topics in `reported` but no longer assigned to this consumer are set to 0 (another
/// instance reports them now). Returns the topics reported this time.
pub(crate) fn record_lag(
    group: &str,
    observed: &[PartitionProgress],
    reported: &BTreeSet<String>,
) -> BTreeSet<String> {
    let mut per_topic: BTreeMap<&str, i64> = BTreeMap::new();
    for p in observed {
        *per_topic.entry(&p.topic).or_default() += p.waiting();
    }
    for gone in reported
        .iter()
        .filter(|t| !per_topic.contains_key(t.as_str()))
    {
        metrics::gauge!("sigmat_kafka_consumer_lag", "group" => group.to_owned(), "topic" => gone.clone())
            .set(0.0);
    }
    for (topic, waiting) in &per_topic {
        metrics::gauge!("sigmat_kafka_consumer_lag", "group" => group.to_owned(), "topic" => (*topic).to_owned())
            .set(*waiting as f64);
    }
    per_topic.into_keys().map(str::to_owned).collect()
}
