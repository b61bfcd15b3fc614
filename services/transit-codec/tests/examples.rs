//! The published examples (`schemas/transit/v1/examples/`) agree with the Rust types: one per
//! message type, each decoding to its type and surviving a round trip unchanged.

use std::collections::BTreeSet;
use std::path::PathBuf;

use transit_codec::json;
use transit_model::MessageType;

fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas/transit/v1/examples")
}

#[test]
fn every_message_type_has_an_example_that_round_trips() {
    let mut found = BTreeSet::new();
    for entry in std::fs::read_dir(examples_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let bytes = std::fs::read(&path).unwrap();
        let message = json::decode(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(
            message.message_type().code(),
            name,
            "{} holds another type",
            path.display()
        );

        let encoded = json::encode(&message);
        assert_eq!(
            json::decode(&encoded).unwrap(),
            message,
            "{name} changed in a round trip"
        );
        // Lossless at the JSON level too: nothing in the example is dropped or invented.
        let original: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let again: serde_json::Value = serde_json::from_slice(&encoded).unwrap();
        assert_eq!(original, again, "{name}: JSON differs after a round trip");
        found.insert(name);
    }
    let expected: BTreeSet<String> = MessageType::ALL
        .iter()
        .map(|t| t.code().to_owned())
        .collect();
    assert_eq!(found, expected, "examples and catalogue differ");
}
