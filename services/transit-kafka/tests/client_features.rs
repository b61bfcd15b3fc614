//! The broker client is built with what production needs: TLS and SASL/SCRAM (librdkafka with
//! OpenSSL). Without them, creating a client with these settings fails at once.

use transit_kafka::{KafkaSettings, Publisher};

fn settings_with(properties: &[(&str, &str)]) -> KafkaSettings {
    // Nothing listens on port 1: creating a client does not connect, so no broker is needed.
    let mut settings = KafkaSettings::new("127.0.0.1:1");
    for (key, value) in properties {
        settings
            .properties
            .insert((*key).to_owned(), (*value).to_owned());
    }
    settings
}

#[test]
fn sasl_ssl_with_scram_is_supported() {
    for mechanism in ["SCRAM-SHA-256", "SCRAM-SHA-512"] {
        let settings = settings_with(&[
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanisms", mechanism),
            ("sasl.username", "sigmat-adapter-bf"),
            ("sasl.password", "not-a-real-secret"),
        ]);
        if let Err(e) = Publisher::new(&settings) {
            panic!("a SASL_SSL client with {mechanism} could not be created: {e}");
        }
    }
}

#[test]
fn plain_tls_is_supported() {
    let settings = settings_with(&[("security.protocol", "SSL")]);
    if let Err(e) = Publisher::new(&settings) {
        panic!("an SSL client could not be created: {e}");
    }
}

#[test]
fn an_unknown_mechanism_is_refused_as_a_configuration_error() {
    // Proves the two tests above can fail: the client does check these settings at creation.
    let settings = settings_with(&[
        ("security.protocol", "SASL_SSL"),
        ("sasl.mechanisms", "NO-SUCH-MECHANISM"),
    ]);
    let error = Publisher::new(&settings).expect_err("an unknown SASL mechanism was accepted");
    assert!(!error.is_transient(), "{error}");
}
