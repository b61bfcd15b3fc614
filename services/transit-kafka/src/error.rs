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
        if self.is_refused_access() {
            return false;
        }
        match self.source.rdkafka_error_code() {
            Some(C::InvalidConfig | C::MessageSizeTooLarge | C::InvalidRecord) => false,
            _ => !matches!(self.source, rdkafka::error::KafkaError::ClientCreation(_)),
        }
    }

    /// Whether the broker refused this one record for good — too large, invalid, for a topic
    /// the client's metadata says does not exist, or that this identity may not write — while
    /// other records may still go through. Not for a wrong password, a broker that is down or a
    /// partition between leaders (the broker's "unknown topic or partition" can be that): those
    /// concern every record and are retried.
    pub fn is_record_refused(&self) -> bool {
        use rdkafka::types::RDKafkaErrorCode as C;
        matches!(
            self.source.rdkafka_error_code(),
            Some(
                C::MessageSizeTooLarge
                    | C::InvalidMessageSize
                    | C::InvalidMessage
                    | C::InvalidRecord
                    | C::UnknownTopic
                    | C::TopicAuthorizationFailed
            )
        )
    }

    /// Whether the broker refused this service's identity (a wrong password) or its rights
    /// (a topic or group its ACLs do not allow).
    pub fn is_refused_access(&self) -> bool {
        use rdkafka::types::RDKafkaErrorCode as C;
        matches!(
            self.source.rdkafka_error_code(),
            Some(
                C::TopicAuthorizationFailed
                    | C::GroupAuthorizationFailed
                    | C::ClusterAuthorizationFailed
                    | C::TransactionalIdAuthorizationFailed
                    | C::SaslAuthenticationFailed
                    | C::Authentication
            )
        )
    }
}
