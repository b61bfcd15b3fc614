//! # transit-kafka — everything that touches the broker
//!
//! - [`Topics`]: the topic layout (`{prefix}.{country}.to-hub`, `{prefix}.{country}.from-hub`,
//!   `{prefix}.hub.dead-letter`), documented in `schemas/kafka/topics.md`. One topic per country
//!   and direction, so broker ACLs can confine a country's adapter to its own two topics.
//! - [`OutgoingRecord::for_message`]: the envelope — key = MRN (per-movement ordering), headers
//!   = message type, message id, correlation id, schema version.
//! - [`Publisher`]: an idempotent producer (`acks=all`); `publish_all` returns only when the
//!   broker has acknowledged every record.
//! - [`BatchConsumer`]: reads batches and commits offsets only when told to, which the caller
//!   does after its database transaction has committed.
//! - [`watch_progress`]: tells a consumer whose work has stopped (records waiting, committed
//!   position unmoved) from a quiet one, for readiness, and ends the service if it lasts.
//! - [`ensure_topics`]: creates missing topics with the partitions, replication factor,
//!   `min.insync.replicas` and retention of [`KafkaSettings`] (local stacks and tests;
//!   production clusters create them from `schemas/kafka/` with their own tooling).
//! - [`reference`](mod@reference): the reference data topic, read whole by every process
//!   ([`reference::CompactedReader`]) and followed into the version in force.
//! - [`KafkaSettings`]: the `[kafka]` section; librdkafka properties (TLS, SASL) pass through,
//!   and secrets among them are never printed.
//!
//! - Metrics: the client's statistics (queued messages, requests, errors, brokers up,
//!   round-trip times) and each watched consumer's lag per topic, through the `metrics`
//!   facade (`docs/metrics.md`).
//!
//! Only standard Kafka protocol features are used (no transactions), so any Kafka-compatible
//! cluster works. Delivery is at least once; receivers dedupe by message id.
//!
//! ```
//! use transit_kafka::Topics;
//! use transit_model::CountryCode;
//!
//! let topics = Topics::new("sigmat");
//! assert_eq!(topics.to_hub(CountryCode::parse("CI").unwrap()), "sigmat.ci.to-hub");
//! ```

mod consumer;
mod error;
mod figures;
mod progress;
mod publisher;
pub mod reference;
mod settings;
mod topics;
mod watch;

pub use consumer::{BatchConsumer, ConsumedRecord};
pub use error::KafkaError;
pub use progress::{ConsumerStuck, PartitionProgress, ProgressWatch, Stall};
pub use publisher::Publisher;
pub use settings::KafkaSettings;
pub use topics::{ensure_topics, TopicSpec, Topics};
pub use transit_model::envelope::{header, OutgoingRecord};
pub use watch::watch_progress;
