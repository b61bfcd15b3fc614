use std::collections::BTreeMap;

/// How to reach the broker and how this service's topics are kept. Part of every service's
/// configuration (`[kafka]`).
#[derive(Clone, serde::Deserialize, schemars::JsonSchema)]
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
    /// Copies of each partition the cluster keeps, for topics this service creates: 1 on a
    /// one-node stack, 3 in production (a node can then fail without losing a record).
    #[serde(default = "default_replication")]
    pub replication_factor: i32,
    /// How many of those copies must hold a record before the broker acknowledges it (the
    /// producer asks for `acks=all`): 2 with a replication factor of 3. Unset: the broker's
    /// default.
    #[serde(default)]
    pub min_insync_replicas: Option<i32>,
    /// How long the `to-hub` and `from-hub` topics keep a record (7 days: a tracker or a
    /// national link down for days is recovered from the topics).
    #[serde(default = "default_retention_hours")]
    pub retention_hours: u32,
    /// How long the dead-letter topic keeps a record (30 days, for operators to inspect).
    #[serde(default = "default_dead_letter_retention_hours")]
    pub dead_letter_retention_hours: u32,
    /// Whether this service creates its topics at start (local stacks: yes; production: the
    /// cluster's own tooling, and the service account has no create right).
    #[serde(default = "default_true")]
    pub create_topics: bool,
    /// Consumer group session timeout; short in tests so a rebalance is quick.
    #[serde(default = "default_session_timeout")]
    pub session_timeout_ms: u32,
    /// The longest the broker may hold a fetch open waiting for new records. Short, so a
    /// record is handed on within this time even when traffic is light.
    #[serde(default = "default_fetch_wait")]
    pub fetch_wait_max_ms: u32,
    /// How long a consumer may hold records waiting without its committed position moving
    /// before its service reports itself not ready; after twice as long the service exits so
    /// that its supervisor starts it afresh (60 s: longer than any batch takes).
    #[serde(default = "default_stall_after")]
    pub stall_after_ms: u64,
    /// How often the broker client reports its own figures (queued messages, requests,
    /// errors, brokers up, round-trip times) to the service's metrics (10 s).
    #[serde(default = "default_statistics_interval")]
    pub statistics_interval_ms: u32,
    /// Any other librdkafka property, passed through as given: TLS and SASL above all
    /// (`security.protocol = "SASL_SSL"`, `sasl.mechanisms = "SCRAM-SHA-512"`,
    /// `sasl.username`, `sasl.password`, `ssl.ca.location`). Values of keys that hold secrets
    /// are never printed.
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
}

fn default_prefix() -> String {
    "sigmat".into()
}
fn default_partitions() -> i32 {
    3
}
fn default_replication() -> i32 {
    1
}
fn default_retention_hours() -> u32 {
    7 * 24
}
fn default_dead_letter_retention_hours() -> u32 {
    30 * 24
}
fn default_true() -> bool {
    true
}
fn default_session_timeout() -> u32 {
    10_000
}
fn default_stall_after() -> u64 {
    60_000
}
fn default_statistics_interval() -> u32 {
    10_000
}
fn default_fetch_wait() -> u32 {
    100
}

impl KafkaSettings {
    /// Settings for `brokers` with every default.
    pub fn new(brokers: impl Into<String>) -> Self {
        Self {
            brokers: brokers.into(),
            topic_prefix: default_prefix(),
            partitions: default_partitions(),
            replication_factor: default_replication(),
            min_insync_replicas: None,
            retention_hours: default_retention_hours(),
            dead_letter_retention_hours: default_dead_letter_retention_hours(),
            create_topics: true,
            session_timeout_ms: default_session_timeout(),
            fetch_wait_max_ms: default_fetch_wait(),
            stall_after_ms: default_stall_after(),
            statistics_interval_ms: default_statistics_interval(),
            properties: BTreeMap::new(),
        }
    }

    pub(crate) fn client_config(&self) -> rdkafka::ClientConfig {
        let mut config = rdkafka::ClientConfig::new();
        config.set("bootstrap.servers", &self.brokers);
        config.set(
            "statistics.interval.ms",
            self.statistics_interval_ms.to_string(),
        );
        for (key, value) in &self.properties {
            config.set(key, value);
        }
        config
    }
}

/// Whether a librdkafka property holds a secret (`sasl.password`, `ssl.key.password`,
/// `ssl.key.pem`, `sasl.oauthbearer.client.secret`…).
fn is_secret(key: &str) -> bool {
    ["password", "secret", "key.pem", "credentials"]
        .iter()
        .any(|word| key.contains(word))
}

impl std::fmt::Debug for KafkaSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let properties: BTreeMap<&str, &str> = self
            .properties
            .iter()
            .map(|(key, value)| {
                let shown = if is_secret(key) { "<hidden>" } else { value };
                (key.as_str(), shown)
            })
            .collect();
        f.debug_struct("KafkaSettings")
            .field("brokers", &self.brokers)
            .field("topic_prefix", &self.topic_prefix)
            .field("partitions", &self.partitions)
            .field("replication_factor", &self.replication_factor)
            .field("min_insync_replicas", &self.min_insync_replicas)
            .field("retention_hours", &self.retention_hours)
            .field(
                "dead_letter_retention_hours",
                &self.dead_letter_retention_hours,
            )
            .field("create_topics", &self.create_topics)
            .field("session_timeout_ms", &self.session_timeout_ms)
            .field("fetch_wait_max_ms", &self.fetch_wait_max_ms)
            .field("stall_after_ms", &self.stall_after_ms)
            .field("properties", &properties)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_in_properties_are_not_printed() {
        let mut settings = KafkaSettings::new("127.0.0.1:9092");
        settings
            .properties
            .insert("sasl.username".into(), "sigmat-adapter-bf".into());
        settings
            .properties
            .insert("sasl.password".into(), "s3cr3t-value".into());
        let printed = format!("{settings:?}");
        assert!(printed.contains("sigmat-adapter-bf"), "{printed}");
        assert!(!printed.contains("s3cr3t-value"), "{printed}");
    }
}
