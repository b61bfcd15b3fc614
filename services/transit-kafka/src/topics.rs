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

    /// Every country's `to-hub` topic, present and future, as a subscription pattern (a
    /// librdkafka regular expression): the tracker reads a country's topic as soon as it
    /// exists — a country onboarded while the hub runs needs no restart of the trackers.
    pub fn to_hub_pattern(&self) -> String {
        let prefix: String = self
            .prefix
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_string()
                } else {
                    format!("\\{c}")
                }
            })
            .collect();
        format!("^{prefix}\\.[a-z]{{2}}\\.to-hub$")
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

    /// Each change to a movement's guarantee (`schemas/events/v1/guarantee-event.schema.json`),
    /// for guarantors and the traders who hold the guarantees. Written only by the tracker.
    pub fn guarantees(&self) -> String {
        format!("{}.hub.guarantees", self.prefix)
    }

    /// The network's reference data, one record per imported version under one key:
    /// compacted, so it holds the latest version whatever its age. Written by the hub (through
    /// its outbox), read whole by every service.
    pub fn reference(&self) -> String {
        format!("{}.hub.reference", self.prefix)
    }

    /// Tracking providers' events (`schemas/telematics/v1/record.schema.json`), keyed by
    /// vehicle or seal. Written only by the telematics gateway; read by the tracker.
    pub fn telematics(&self) -> String {
        format!("{}.hub.telematics", self.prefix)
    }

    /// What the telematics gateway refused: the body as it came, the provider and the reasons
    /// in headers. Written by the gateway, kept as long as the dead letters.
    pub fn telematics_refused(&self) -> String {
        format!("{}.hub.telematics-refused", self.prefix)
    }

    /// The country a `to-hub` topic belongs to, if `topic` is one.
    pub fn country_of_to_hub(&self, topic: &str) -> Option<CountryCode> {
        self.country_of(topic, ".to-hub")
    }

    /// The country a `from-hub` topic belongs to, if `topic` is one.
    pub fn country_of_from_hub(&self, topic: &str) -> Option<CountryCode> {
        self.country_of(topic, ".from-hub")
    }

    fn country_of(&self, topic: &str, direction: &str) -> Option<CountryCode> {
        let rest = topic.strip_prefix(&self.prefix)?.strip_prefix('.')?;
        let code = rest.strip_suffix(direction)?;
        CountryCode::parse(&code.to_ascii_uppercase()).ok()
    }
}

/// A topic to create, with what the cluster keeps of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopicSpec {
    /// Its name.
    pub name: String,
    /// Its partition count.
    pub partitions: i32,
    /// Copies of each partition.
    pub replication_factor: i32,
    /// Topic-level configuration (`retention.ms`, `min.insync.replicas`…).
    pub config: Vec<(&'static str, String)>,
}

impl TopicSpec {
    /// A topic of `settings.partitions` partitions, replicated and kept as `settings` say.
    fn new(name: String, settings: &KafkaSettings, retention_hours: u32) -> Self {
        let mut config = vec![
            ("cleanup.policy", "delete".to_owned()),
            (
                "retention.ms",
                (u64::from(retention_hours) * 3_600_000).to_string(),
            ),
        ];
        if let Some(min_isr) = settings.min_insync_replicas {
            config.push(("min.insync.replicas", min_isr.to_string()));
        }
        Self {
            name,
            partitions: settings.partitions,
            replication_factor: settings.replication_factor,
            config,
        }
    }
}

impl TopicSpec {
    /// A compacted topic of one partition: its records are kept, the latest of each key, for
    /// as long as the topic exists (one partition keeps every version in order).
    fn compacted(name: String, settings: &KafkaSettings) -> Self {
        let mut config = vec![("cleanup.policy", "compact".to_owned())];
        if let Some(min_isr) = settings.min_insync_replicas {
            config.push(("min.insync.replicas", min_isr.to_string()));
        }
        Self {
            name,
            partitions: 1,
            replication_factor: settings.replication_factor,
            config,
        }
    }
}

impl Topics {
    /// The two topics of `country`, as `settings` say they are created.
    pub fn country_specs(&self, country: CountryCode, settings: &KafkaSettings) -> Vec<TopicSpec> {
        [self.to_hub(country), self.from_hub(country)]
            .into_iter()
            .map(|name| TopicSpec::new(name, settings, settings.retention_hours))
            .collect()
    }

    /// Every topic a network of `countries` uses, as `settings` say they are created: the
    /// countries' topics, the guarantee events and the dead-letter topic, which is kept longer.
    pub fn all_specs(&self, countries: &[CountryCode], settings: &KafkaSettings) -> Vec<TopicSpec> {
        let mut specs: Vec<TopicSpec> = countries
            .iter()
            .flat_map(|c| self.country_specs(*c, settings))
            .collect();
        specs.push(TopicSpec::new(
            self.guarantees(),
            settings,
            settings.retention_hours,
        ));
        specs.push(TopicSpec::new(
            self.dead_letter(),
            settings,
            settings.dead_letter_retention_hours,
        ));
        specs.push(TopicSpec::compacted(self.reference(), settings));
        specs.extend(self.telematics_specs(settings));
        specs
    }

    /// The telematics topics: the events (kept like the countries' topics) and the refused
    /// ones (kept like the dead letters).
    pub fn telematics_specs(&self, settings: &KafkaSettings) -> Vec<TopicSpec> {
        vec![
            TopicSpec::new(self.telematics(), settings, settings.retention_hours),
            TopicSpec::new(
                self.telematics_refused(),
                settings,
                settings.dead_letter_retention_hours,
            ),
        ]
    }
}

/// Creates the topics that do not exist yet; existing ones are left as they are. Refuses
/// settings that no cluster can satisfy (a replication factor below 1, or more in-sync replicas
/// required than there are copies) before asking the broker.
pub async fn ensure_topics(
    settings: &KafkaSettings,
    specs: &[TopicSpec],
) -> Result<(), KafkaError> {
    if !settings.create_topics || specs.is_empty() {
        return Ok(());
    }
    check_durability(settings)?;
    let admin: AdminClient<DefaultClientContext> = settings
        .client_config()
        .create()
        .map_err(|e| KafkaError::new("creating the admin client", e))?;
    let new_topics: Vec<NewTopic<'_>> = specs
        .iter()
        .map(|spec| {
            spec.config.iter().fold(
                NewTopic::new(
                    &spec.name,
                    spec.partitions,
                    TopicReplication::Fixed(spec.replication_factor),
                ),
                |topic, (key, value)| topic.set(key, value),
            )
        })
        .collect();
    let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(30)));
    let results = admin
        .create_topics(new_topics.iter(), &options)
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

fn check_durability(settings: &KafkaSettings) -> Result<(), KafkaError> {
    let problem = if settings.replication_factor < 1 {
        Some(format!(
            "[kafka] replication_factor is {}; it must be at least 1",
            settings.replication_factor
        ))
    } else {
        settings
            .min_insync_replicas
            .filter(|min| *min < 1 || *min > settings.replication_factor)
            .map(|min| {
                format!(
                    "[kafka] min_insync_replicas is {min} with replication_factor {}: it must be \
                     between 1 and the replication factor (2 of 3 in production), or no record \
                     could ever be acknowledged",
                    settings.replication_factor
                )
            })
    };
    match problem {
        None => Ok(()),
        Some(text) => Err(KafkaError::new(
            "checking the topic settings",
            rdkafka::error::KafkaError::ClientCreation(text),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn country(code: &str) -> CountryCode {
        CountryCode::parse(code).unwrap()
    }

    #[test]
    fn the_to_hub_pattern_matches_every_country_and_nothing_else() {
        let pattern = Topics::new("it-1.x").to_hub_pattern();
        assert_eq!(pattern, r"^it\-1\.x\.[a-z]{2}\.to-hub$");
        let regex = regex::Regex::new(&pattern).unwrap();
        assert!(regex.is_match("it-1.x.gh.to-hub"));
        for other in [
            "it-1.x.gh.from-hub",
            "it-1.x.hub.dead-letter",
            "it-1Xx.gh.to-hub",
            "other.gh.to-hub",
        ] {
            assert!(!regex.is_match(other), "{other}");
        }
    }

    #[test]
    fn specs_carry_partitions_replication_and_retention_from_settings() {
        let mut settings = KafkaSettings::new("127.0.0.1:9092");
        settings.partitions = 6;
        settings.replication_factor = 3;
        settings.min_insync_replicas = Some(2);
        let specs = Topics::new("sigmat").all_specs(&[country("CI"), country("BF")], &settings);
        let names: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "sigmat.ci.to-hub",
                "sigmat.ci.from-hub",
                "sigmat.bf.to-hub",
                "sigmat.bf.from-hub",
                "sigmat.hub.guarantees",
                "sigmat.hub.dead-letter",
                "sigmat.hub.reference",
                "sigmat.hub.telematics",
                "sigmat.hub.telematics-refused"
            ]
        );
        let reference = specs
            .iter()
            .find(|s| s.name == "sigmat.hub.reference")
            .unwrap();
        for spec in specs.iter().filter(|s| s.name != "sigmat.hub.reference") {
            assert_eq!((spec.partitions, spec.replication_factor), (6, 3));
            assert!(spec.config.contains(&("min.insync.replicas", "2".into())));
        }
        // The reference data: one partition (versions in order), compacted, as replicated.
        assert_eq!((reference.partitions, reference.replication_factor), (1, 3));
        assert!(reference
            .config
            .contains(&("cleanup.policy", "compact".into())));
        assert!(reference
            .config
            .contains(&("min.insync.replicas", "2".into())));
        let retention = |spec: &TopicSpec| {
            spec.config
                .iter()
                .find(|(k, _)| *k == "retention.ms")
                .map(|(_, v)| v.clone())
        };
        assert_eq!(retention(&specs[0]).as_deref(), Some("604800000"));
        assert_eq!(retention(&specs[4]).as_deref(), Some("604800000"));
        assert_eq!(retention(&specs[5]).as_deref(), Some("2592000000"));
    }

    #[test]
    fn unsatisfiable_durability_is_refused_before_reaching_the_broker() {
        let mut settings = KafkaSettings::new("127.0.0.1:1");
        settings.replication_factor = 1;
        settings.min_insync_replicas = Some(2);
        let error = check_durability(&settings).unwrap_err();
        assert!(!error.is_transient());
        assert!(
            error.to_string().contains("min_insync_replicas is 2"),
            "{error}"
        );
        settings.min_insync_replicas = None;
        settings.replication_factor = 0;
        assert!(check_durability(&settings).is_err());
        settings.replication_factor = 3;
        settings.min_insync_replicas = Some(2);
        assert!(check_durability(&settings).is_ok());
    }
}
