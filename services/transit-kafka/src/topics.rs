use std::time::Duration;

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::types::RDKafkaErrorCode;
use transit_model::CountryCode;

use crate::{KafkaError, KafkaSettings};

/// The topic layout. See `schemas/kafka/topics.md`.
#[derive(Clone, Debug)]
pub struct Topics {
    prefix: String,
}

impl Topics {
    /// Topics under `prefix` (`sigmat` in production).
    pub fn new(prefix: impl Into<String>) -> Self {
        Self {
            prefix: prefix.into(),
        }
    }

    /// Standardized messages from a country's adapter to the hub. Written only by that
    /// country's adapter; read only by the tracker.
    pub fn to_hub(&self, country: CountryCode) -> String {
        format!("{}.{}.to-hub", self.prefix, country.to_lowercase())
    }

    /// Standardized messages from the hub for a country's offices. Written only by the
    /// tracker; read only by that country's adapter.
    pub fn from_hub(&self, country: CountryCode) -> String {
        format!("{}.{}.from-hub", self.prefix, country.to_lowercase())
    }

    /// Every message the hub refused, with the reason in a header. Written and read by the hub.
    pub fn dead_letter(&self) -> String {
        format!("{}.hub.dead-letter", self.prefix)
    }

    /// The country a `to-hub` topic belongs to, if `topic` is one.
    pub fn country_of_to_hub(&self, topic: &str) -> Option<CountryCode> {
        let rest = topic.strip_prefix(&self.prefix)?.strip_prefix('.')?;
        let code = rest.strip_suffix(".to-hub")?;
        CountryCode::parse(&code.to_ascii_uppercase()).ok()
    }

    /// Every topic a network of `countries` uses.
    pub fn all(&self, countries: &[CountryCode]) -> Vec<String> {
        let mut names: Vec<String> = countries
            .iter()
            .flat_map(|c| [self.to_hub(*c), self.from_hub(*c)])
            .collect();
        names.push(self.dead_letter());
        names
    }
}

/// A topic to create.
#[derive(Clone, Debug)]
pub struct TopicSpec {
    /// Its name.
    pub name: String,
    /// Its partition count.
    pub partitions: i32,
}

/// Creates the topics that do not exist yet; existing ones are left as they are.
pub async fn ensure_topics(settings: &KafkaSettings, names: &[String]) -> Result<(), KafkaError> {
    if !settings.create_topics || names.is_empty() {
        return Ok(());
    }
    let admin: AdminClient<DefaultClientContext> = settings
        .client_config()
        .create()
        .map_err(|e| KafkaError::new("creating the admin client", e))?;
    let specs: Vec<NewTopic<'_>> = names
        .iter()
        .map(|name| NewTopic::new(name, settings.partitions, TopicReplication::Fixed(1)))
        .collect();
    let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(30)));
    let results = admin
        .create_topics(specs.iter(), &options)
        .await
        .map_err(|e| KafkaError::new("creating topics", e))?;
    for result in results {
        match result {
            Ok(name) => tracing::info!(topic = %name, "topic created"),
            Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((name, code)) => {
                return Err(KafkaError::new(
                    format!("creating topic {name}"),
                    rdkafka::error::KafkaError::AdminOp(code),
                ))
            }
        }
    }
    Ok(())
}
