//! JSON → type → XML → type → JSON is lossless for every message type.

mod support;

use proptest::prelude::*;
use transit_codec::{json, xml};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn json_and_xml_round_trips_are_lossless(message in support::any_message()) {
        let from_json = json::decode(&json::encode(&message)).unwrap();
        prop_assert_eq!(&from_json, &message);
        let xml_bytes = xml::encode(&from_json);
        let from_xml = xml::decode(&xml_bytes)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{}", String::from_utf8_lossy(&xml_bytes))))?;
        prop_assert_eq!(&from_xml, &message);
        prop_assert_eq!(json::encode(&from_xml), json::encode(&message));
    }

    #[test]
    fn decoders_never_panic_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = json::decode(&bytes);
        let _ = xml::decode(&bytes);
    }
}
