/// A broker failure, classified so the caller knows whether to retry.
#[derive(Debug, thiserror::Error)]
#[error("{context}: {source}")]
pub struct KafkaError {
    /// What was being done.
    pub context: String,
    /// The client's error.
    #[source]
    pub source: rdkafka::error::KafkaError,
}

impl KafkaError {
    pub(crate) fn new(context: impl Into<String>, source: rdkafka::error::KafkaError) -> Self {
        Self {
            context: context.into(),
            source,
        }
    }

    /// Whether retrying the same operation may succeed (broker down, timeout, rebalance) as
    /// opposed to a configuration or authorisation error that needs a person.
    pub fn is_transient(&self) -> bool {
        use rdkafka::types::RDKafkaErrorCode as C;
        match self.source.rdkafka_error_code() {
            Some(
                C::TopicAuthorizationFailed
                | C::GroupAuthorizationFailed
                | C::ClusterAuthorizationFailed
                | C::SaslAuthenticationFailed
                | C::InvalidConfig
                | C::MessageSizeTooLarge
                | C::InvalidRecord,
            ) => false,
            _ => !matches!(self.source, rdkafka::error::KafkaError::ClientCreation(_)),
        }
    }
}
