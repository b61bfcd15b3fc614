//! Any bytes into the XML decoder: an error or a message that survives XML and JSON round
//! trips; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use transit_codec::{json, xml};

fuzz_target!(|data: &[u8]| {
    if let Ok(message) = xml::decode(data) {
        assert_eq!(xml::decode(&xml::encode(&message)).expect("re-decodes"), message);
        assert_eq!(json::decode(&json::encode(&message)).expect("re-decodes"), message);
    }
});
