use std::collections::BTreeMap;

/// How to reach the broker. Part of every service's configuration (`[kafka]`).
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KafkaSettings {
    /// `host:port[,host:port…]` of the bootstrap brokers.
    pub brokers: String,
    /// First part of every topic name; lets several networks (or tests) share one cluster.
    #[serde(default = "default_prefix")]
    pub topic_prefix: String,
    /// Partitions given to topics this service creates.
    #[serde(default = "default_partitions")]
    pub partitions: i32,
    /// Whether this service creates its topics at start (local stacks: yes; production: the
    /// cluster's own tooling, and the service account has no create right).
    #[serde(default = "default_true")]
    pub create_topics: bool,
    /// Consumer group session timeout; short in tests so a rebalance is quick.
    #[serde(default = "default_session_timeout")]
    pub session_timeout_ms: u32,
    /// Any other librdkafka property (TLS, SASL…), passed through as given.
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
}

fn default_prefix() -> String {
    "sigmat".into()
}
fn default_partitions() -> i32 {
    3
}
fn default_true() -> bool {
    true
}
fn default_session_timeout() -> u32 {
    10_000
}

impl KafkaSettings {
    /// Settings for `brokers` with every default.
    pub fn new(brokers: impl Into<String>) -> Self {
        Self {
            brokers: brokers.into(),
            topic_prefix: default_prefix(),
            partitions: default_partitions(),
            create_topics: true,
            session_timeout_ms: default_session_timeout(),
            properties: BTreeMap::new(),
        }
    }

    pub(crate) fn client_config(&self) -> rdkafka::ClientConfig {
        let mut config = rdkafka::ClientConfig::new();
        config.set("bootstrap.servers", &self.brokers);
        for (key, value) in &self.properties {
            config.set(key, value);
        }
        config
    }
}
