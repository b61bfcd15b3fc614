//! Translation per national family, national → standardized with validation, one core, beside
//! a plain parse of the same bytes (the limit): quick-xml events for ASYCUDA, serde_json to a
//! value for SYDAM, a split at `'` `+` `:` for GAINDE. The corpus per family is its golden
//! fixtures plus releases with 50 and 300 goods items written in that family's format.

use std::hint::black_box;
use std::time::{Duration, Instant};

use transit_codec::json;

use super::spread::{self, Spread};
use transit_model::{CountryCode, MessageType, StandardMessage};
use transit_national::examples::{examples, ExampleCorridor};
use transit_national::fixtures::{examples_dir, fixtures};
use transit_national::{Family, Translator};

/// One family's figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FamilyFigures {
    /// The family.
    pub family: String,
    /// Documents in the corpus and their bytes.
    pub documents: usize,
    /// Total bytes of the corpus.
    pub bytes: usize,
    /// What the limit is.
    pub plain_parse: &'static str,
    /// The plain parse, MB/s.
    pub plain_mb_per_s: Spread,
    /// The translation, MB/s.
    pub translate_mb_per_s: Spread,
    /// translate / plain, each translation against the plain parse taken just before it.
    pub ratio: Spread,
}

fn big_releases(corridor: ExampleCorridor) -> anyhow::Result<Vec<StandardMessage>> {
    let release = examples(corridor)
        .into_iter()
        .find(|m| m.message_type() == MessageType::ReleaseForTransit)
        .ok_or_else(|| anyhow::anyhow!("no release among the examples"))?;
    let value: serde_json::Value = serde_json::from_slice(&json::encode(&release))?;
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
            Ok(json::decode(&serde_json::to_vec(&big)?)?)
        })
        .collect()
}

/// Runs `f` over `docs` for about `budget`; MB/s.
fn throughput(docs: &[Vec<u8>], budget: Duration, mut f: impl FnMut(&[u8])) -> f64 {
    let bytes: usize = docs.iter().map(Vec::len).sum();
    let start = Instant::now();
    let mut rounds = 0u64;
    while start.elapsed() < budget {
        for doc in docs {
            f(doc);
        }
        rounds += 1;
    }
    (bytes as f64 * rounds as f64) / start.elapsed().as_secs_f64() / 1e6
}

fn plain_xml(doc: &[u8]) {
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

fn plain_json(doc: &[u8]) {
    black_box(serde_json::from_slice::<serde_json::Value>(doc).ok());
}

fn plain_edifact(doc: &[u8]) {
    let mut n = 0usize;
    for segment in doc.split(|b| *b == b'\'') {
        for element in segment.split(|b| *b == b'+') {
            n += element.split(|b| *b == b':').count();
        }
    }
    black_box(n);
}

/// A family, the country whose mapping it uses, its examples' folder and extension, the
/// corridor of its big releases, and its plain parse (name and function).
type Row = (
    Family,
    &'static str,
    &'static str,
    &'static str,
    ExampleCorridor,
    &'static str,
    fn(&[u8]),
);

/// Measures every family, `budget` per measurement, `repeats` times each: the plain parse,
/// then the translation just after it (so a drift of the machine moves both alike).
pub fn measure(budget: Duration, repeats: usize) -> anyhow::Result<Vec<FamilyFigures>> {
    let families: [Row; 3] = [
        (
            Family::Asycuda,
            "BF",
            "asycuda",
            "xml",
            ExampleCorridor::AbidjanOuagadougou,
            "quick-xml event parse",
            plain_xml,
        ),
        (
            Family::Sydam,
            "CI",
            "sydam",
            "json",
            ExampleCorridor::AbidjanOuagadougou,
            "serde_json parse to a value",
            plain_json,
        ),
        (
            Family::Gainde,
            "SN",
            "gainde",
            "edi",
            ExampleCorridor::DakarBamako,
            "split at ' + :",
            plain_edifact,
        ),
    ];
    let mut figures = Vec::new();
    for (family, country, dir, ext, corridor, plain_parse, plain) in families {
        let translator: std::sync::Arc<dyn Translator> =
            national_families::translator(family, CountryCode::parse(country)?, None)?
                .ok_or_else(|| anyhow::anyhow!("no translator for {family}"))?;
        let mut docs: Vec<Vec<u8>> = fixtures(&examples_dir(dir), ext)
            .into_iter()
            .map(|(_, bytes)| bytes)
            .collect();
        for release in big_releases(corridor)? {
            docs.push(translator.to_national(&release)?);
        }
        for doc in &docs {
            translator.to_standard(doc)?;
        }
        let pairs: Vec<(f64, f64)> = (0..repeats.max(1))
            .map(|_| {
                let plain = throughput(&docs, budget, plain);
                let translate = throughput(&docs, budget, |d| {
                    black_box(translator.to_standard(d).ok());
                });
                (plain, translate)
            })
            .collect();
        figures.push(FamilyFigures {
            family: family.to_string(),
            documents: docs.len(),
            bytes: docs.iter().map(Vec::len).sum(),
            plain_parse,
            plain_mb_per_s: spread::over(&pairs, |p| p.0),
            translate_mb_per_s: spread::over(&pairs, |p| p.1),
            ratio: spread::over(&pairs, |p| p.1 / p.0),
        });
    }
    Ok(figures)
}
