//! Codec throughput, single-threaded (so MB/s is per core), each figure beside a plain parse of
//! the same bytes measured in the same run:
//!
//! ```sh
//! cargo bench -p transit-codec --bench codec
//! ```
//!
//! The corpus is every published example plus release declarations with 1, 50 and 300 goods
//! items, in both encodings. Ratios, not absolute times, are what to compare across machines.

use std::hint::black_box;
use std::time::{Duration, Instant};

use transit_codec::{conformity, json, xml};
use transit_model::{MessageType, StandardMessage};

fn corpus() -> Vec<StandardMessage> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../schemas/transit/v1/examples"
    );
    let mut messages: Vec<StandardMessage> = MessageType::ALL
        .iter()
        .map(|t| json::decode(&std::fs::read(format!("{dir}/{}.json", t.code())).unwrap()).unwrap())
        .collect();
    let release: serde_json::Value =
        serde_json::from_slice(&std::fs::read(format!("{dir}/IE029.json")).unwrap()).unwrap();
    for items in [50, 300] {
        let mut big = release.clone();
        let item = big["body"]["goodsShipment"]["governmentAgencyGoodsItem"][0].clone();
        big["body"]["goodsShipment"]["governmentAgencyGoodsItem"] = (1..=items)
            .map(|n| {
                let mut i = item.clone();
                i["sequenceNumeric"] = n.into();
                i
            })
            .collect();
        messages.push(json::decode(&serde_json::to_vec(&big).unwrap()).unwrap());
    }
    messages
}

/// Runs `f` over the corpus repeatedly for about `budget`, three times; returns the best MB/s.
fn throughput(docs: &[Vec<u8>], budget: Duration, mut f: impl FnMut(&[u8])) -> f64 {
    let bytes: usize = docs.iter().map(Vec::len).sum();
    let mut best: f64 = 0.0;
    for _ in 0..3 {
        let start = Instant::now();
        let mut rounds = 0u64;
        while start.elapsed() < budget {
            for doc in docs {
                f(doc);
            }
            rounds += 1;
        }
        let mbps = (bytes as f64 * rounds as f64) / start.elapsed().as_secs_f64() / 1e6;
        best = best.max(mbps);
    }
    best
}

fn plain_xml_parse(doc: &[u8]) {
    let mut reader = quick_xml::Reader::from_reader(doc);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Eof) | Err(_) => break,
            Ok(event) => {
                black_box(&event);
            }
        }
        buf.clear();
    }
}

fn main() {
    let budget = Duration::from_millis(
        std::env::var("SIGMAT_BENCH_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(700),
    );
    let messages = corpus();
    let json_docs: Vec<Vec<u8>> = messages.iter().map(json::encode).collect();
    let xml_docs: Vec<Vec<u8>> = messages.iter().map(xml::encode).collect();
    let json_bytes: usize = json_docs.iter().map(Vec::len).sum();
    let xml_bytes: usize = xml_docs.iter().map(Vec::len).sum();

    let plain_json = throughput(&json_docs, budget, |d| {
        black_box(serde_json::from_slice::<serde_json::Value>(d).ok());
    });
    let json_decode = throughput(&json_docs, budget, |d| {
        black_box(json::decode(d).ok());
    });
    // Encoding is measured in bytes produced, against the same plain parse.
    let mut i = 0;
    let json_encode = throughput(&json_docs, budget, |_| {
        black_box(json::encode(&messages[i % messages.len()]));
        i += 1;
    });
    let conformity_json = throughput(&json_docs, budget, |d| {
        black_box(conformity::check(d));
    });
    let plain_xml = throughput(&xml_docs, budget, plain_xml_parse);
    let xml_decode = throughput(&xml_docs, budget, |d| {
        black_box(xml::decode(d).ok());
    });
    let mut j = 0;
    let xml_encode = throughput(&xml_docs, budget, |_| {
        black_box(xml::encode(&messages[j % messages.len()]));
        j += 1;
    });

    println!("sigmat codec benchmark — one core, {} messages ({json_bytes} bytes as JSON, {xml_bytes} as XML)", messages.len());
    println!("{:<44} {:>10} {:>22}", "", "MB/s", "ratio to plain parse");
    let row = |name: &str, mbps: f64, base: f64| {
        println!("{name:<44} {mbps:>10.1} {:>22.2}", mbps / base)
    };
    row(
        "plain serde_json parse to Value (baseline)",
        plain_json,
        plain_json,
    );
    row(
        "json::decode (validated StandardMessage)",
        json_decode,
        plain_json,
    );
    row("json::encode", json_encode, plain_json);
    row("conformity::check (JSON)", conformity_json, plain_json);
    row(
        "plain quick-xml event parse (baseline)",
        plain_xml,
        plain_xml,
    );
    row(
        "xml::decode (validated StandardMessage)",
        xml_decode,
        plain_xml,
    );
    row("xml::encode", xml_encode, plain_xml);
}
