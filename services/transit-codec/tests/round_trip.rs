//! JSON → type → XML → type → JSON is lossless, property-tested for each message type.

mod support;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use transit_codec::{json, xml};
use transit_model::MessageType;

#[test]
fn every_message_type_round_trips_losslessly() {
    for t in MessageType::ALL {
        let mut runner = TestRunner::new(Config {
            cases: 64,
            ..Config::default()
        });
        let result = runner.run(&support::message(*t), |message| {
            let from_json = json::decode(&json::encode(&message))
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(&from_json, &message);
            let xml_bytes = xml::encode(&from_json);
            let from_xml = xml::decode(&xml_bytes).map_err(|e| {
                TestCaseError::fail(format!("{e}\n{}", String::from_utf8_lossy(&xml_bytes)))
            })?;
            prop_assert_eq!(&from_xml, &message);
            prop_assert_eq!(json::encode(&from_xml), json::encode(&message));
            Ok(())
        });
        if let Err(failure) = result {
            panic!("{} does not round-trip: {failure}", t.code());
        }
    }
}

proptest! {
    #[test]
    fn decoders_never_panic_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = json::decode(&bytes);
        let _ = xml::decode(&bytes);
        let _ = transit_codec::conformity::check(&bytes);
    }

    #[test]
    fn decoders_never_panic_on_damaged_messages(message in support::any_message(), cut in 0usize..4096, flip in any::<u8>()) {
        for mut bytes in [json::encode(&message), xml::encode(&message)] {
            let at = cut % bytes.len();
            bytes[at] ^= flip;
            let _ = json::decode(&bytes);
            let _ = xml::decode(&bytes);
            bytes.truncate(at);
            let _ = json::decode(&bytes);
            let _ = xml::decode(&bytes);
            let _ = transit_codec::conformity::check(&bytes);
        }
    }
}
