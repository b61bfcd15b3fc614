//! Any bytes into the JSON decoder: an error or a message that re-encodes and decodes to
//! itself; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use transit_codec::json;

fuzz_target!(|data: &[u8]| {
    if let Ok(message) = json::decode(data) {
        let again = json::decode(&json::encode(&message)).expect("a decoded message re-decodes");
        assert_eq!(again, message);
    }
});
