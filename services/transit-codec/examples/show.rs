//! Prints a JSON example in its XML encoding: `cargo run -p transit-codec --example show -- FILE`.
fn main() {
    let path = std::env::args().nth(1).expect("usage: show FILE.json");
    let message = transit_codec::json::decode(&std::fs::read(path).expect("readable file"))
        .expect("valid message");
    print!(
        "{}",
        String::from_utf8_lossy(&transit_codec::xml::encode(&message))
    );
}
