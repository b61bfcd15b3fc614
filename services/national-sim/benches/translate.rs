//! Translation throughput per national family, national → standardized with validation,
//! single-threaded (MB/s per core), each beside a plain parse of the same bytes measured in
//! the same run:
//!
//! ```sh
//! cargo bench -p national-sim --bench translate
//! ```
//!
//! The corpus per family is its golden fixtures (one per exchanged type) plus releases with
//! 50 and 300 goods items written in that family's format. Compare ratios across machines,
//! not absolute figures.

use std::hint::black_box;
use std::time::{Duration, Instant};

use transit_codec::json;
use transit_model::{CountryCode, MessageType, StandardMessage};
use transit_national::examples::{examples, ExampleCorridor};
use transit_national::testing::{examples_dir, fixtures};
use transit_national::{Mapping, Translator};

fn big_releases(corridor: ExampleCorridor) -> Vec<StandardMessage> {
    let release = examples(corridor)
        .into_iter()
        .find(|m| m.message_type() == MessageType::ReleaseForTransit)
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json::encode(&release)).unwrap();
    [50, 300]
        .into_iter()
        .map(|items| {
            let mut big = value.clone();
            let item = big["body"]["goodsShipment"]["governmentAgencyGoodsItem"][0].clone();
            big["body"]["goodsShipment"]["governmentAgencyGoodsItem"] = (1..=items)
                .map(|n| {
                    let mut i = item.clone();
                    i["sequenceNumeric"] = n.into();
                    i
                })
                .collect();
            json::decode(&serde_json::to_vec(&big).unwrap()).unwrap()
        })
        .collect()
}

fn corpus(t: &dyn Translator, family: &str, ext: &str, corridor: ExampleCorridor) -> Vec<Vec<u8>> {
    let mut docs: Vec<Vec<u8>> = fixtures(&examples_dir(family), ext)
        .into_iter()
        .map(|(_, b)| b)
        .collect();
    docs.extend(
        big_releases(corridor)
            .iter()
            .map(|m| t.to_national(m).unwrap()),
    );
    docs
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
        best = best.max((bytes as f64 * rounds as f64) / start.elapsed().as_secs_f64() / 1e6);
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

/// A plain EDIFACT split: segments at `'`, elements at `+`, components at `:`, no release
/// character, no meaning.
fn plain_edifact_split(doc: &[u8]) {
    let mut n = 0usize;
    for segment in doc.split(|b| *b == b'\'') {
        for element in segment.split(|b| *b == b'+') {
            n += element.split(|b| *b == b':').count();
        }
    }
    black_box(n);
}

/// A family's name, its baseline's name, its corpus, its translator and the baseline parse.
type Row<'a> = (
    &'a str,
    &'a str,
    Vec<Vec<u8>>,
    &'a dyn Translator,
    fn(&[u8]),
);

fn main() {
    let budget = Duration::from_millis(
        std::env::var("SIGMAT_BENCH_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(700),
    );
    let mapping = |cc: &str| Mapping::builtin(CountryCode::parse(cc).unwrap()).unwrap();
    let asycuda = national_asycuda::Asycuda::new(mapping("BF"));
    let sydam = national_sydam::Sydam::new(mapping("CI"));
    let gainde = national_gainde::Gainde::new(mapping("SN"));
    let rows: Vec<Row<'_>> = vec![
        (
            "ASYCUDA XML",
            "quick-xml event parse",
            corpus(
                &asycuda,
                "asycuda",
                "xml",
                ExampleCorridor::AbidjanOuagadougou,
            ),
            &asycuda,
            plain_xml_parse,
        ),
        (
            "SYDAM JSON",
            "serde_json parse to Value",
            corpus(&sydam, "sydam", "json", ExampleCorridor::AbidjanOuagadougou),
            &sydam,
            |d| {
                black_box(serde_json::from_slice::<serde_json::Value>(d).ok());
            },
        ),
        (
            "GAINDE EDIFACT",
            "split at ' + :",
            corpus(&gainde, "gainde", "edi", ExampleCorridor::DakarBamako),
            &gainde,
            plain_edifact_split,
        ),
    ];
    println!(
        "sigmat translation benchmark — national → standardized, validation included, one core"
    );
    println!(
        "{:<16} {:>6} {:>9} {:>28} {:>12} {:>12} {:>8}",
        "family", "docs", "bytes", "plain parse (baseline)", "plain MB/s", "translate", "ratio"
    );
    for (name, baseline, docs, translator, plain) in rows {
        for doc in &docs {
            translator.to_standard(doc).expect("corpus translates");
        }
        let bytes: usize = docs.iter().map(Vec::len).sum();
        let plain_mbps = throughput(&docs, budget, plain);
        let translate = throughput(&docs, budget, |d| {
            black_box(translator.to_standard(d).ok());
        });
        println!(
            "{name:<16} {:>6} {bytes:>9} {baseline:>28} {plain_mbps:>12.1} {translate:>12.1} {:>8.2}",
            docs.len(),
            translate / plain_mbps
        );
    }
    let docs = corpus(&gainde, "gainde", "edi", ExampleCorridor::DakarBamako);
    let syntax = throughput(&docs, budget, |d| {
        black_box(national_gainde::syntax::parse(d).ok());
    });
    println!(
        "{:<16} {:>6} {:>9} {:>28} {:>12} {:>12}",
        "  EDIFACT syntax",
        "",
        "",
        "(UNA/UNB…UNZ, escaping)",
        "",
        format!("{syntax:.1}")
    );
}
