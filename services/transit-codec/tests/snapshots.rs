//! Snapshots of both encodings of every example, for review when a type changes.

mod support;

use transit_codec::{json, xml};
use transit_model::MessageType;

#[test]
fn encodings_of_every_example() {
    for t in MessageType::ALL {
        let message = json::decode(&support::example(t.code())).unwrap();
        let pretty: serde_json::Value = serde_json::from_slice(&json::encode(&message)).unwrap();
        insta::assert_json_snapshot!(format!("{}.json", t.code()), pretty);
        insta::assert_snapshot!(
            format!("{}.xml", t.code()),
            String::from_utf8(xml::encode(&message)).unwrap()
        );
    }
}
