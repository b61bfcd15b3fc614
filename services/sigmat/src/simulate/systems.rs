//! The national systems a simulation plays: one [`Simulator`] per country, each in its family,
//! with its adapter's address and token, and its code tables — the ones shipped for the
//! country, or a mapping given with `--mapping FILE` (the file's `"country"` says whose; its
//! `"family"` which format). A mapping for a country outside the local stack's seven adds that
//! country's system, at the adapter `--adapter CC=URL` names: a country onboarded after this
//! build is played the day it is.
//!
//! [`by_country`] keys mappings obtained anywhere (files here; the hub's reference data later)
//! by the country each is for; [`national_systems`] builds the simulators.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use national_sim::Simulator;
use transit_model::CountryCode;
use transit_national::{Family, Mapping};

use super::SimulateArgs;

/// The local stack's adapters (deploy/local/up): country, port.
const LOCAL_ADAPTERS: [(&str, u16); 7] = [
    ("CI", 18101),
    ("BF", 18102),
    ("NE", 18103),
    ("BJ", 18104),
    ("TG", 18105),
    ("SN", 18106),
    ("ML", 18107),
];

/// A mapping given, and where it came from (a file's path), for messages.
#[derive(Clone, Debug)]
pub struct Given {
    /// Where it came from.
    pub source: String,
    /// The tables.
    pub mapping: Mapping,
}

/// The mappings given, by the country each says it is for: each `(source, JSON text)` read,
/// and refused naming its source if it is not a mapping or if two are for one country.
pub fn by_country<'a>(
    texts: impl IntoIterator<Item = (String, &'a str)>,
) -> anyhow::Result<BTreeMap<CountryCode, Given>> {
    let mut given = BTreeMap::new();
    for (source, text) in texts {
        let mapping = national_sim::mapping::from_text(text, &source)?;
        let country = mapping.country();
        if let Some(first) = given.insert(country, Given { source, mapping }) {
            let second = &given[&country].source;
            anyhow::bail!(
                "--mapping {} and --mapping {second} are both for {}: give one mapping per country",
                first.source,
                country.as_str()
            );
        }
    }
    Ok(given)
}

/// The `--mapping` files, read, by country.
fn read(files: &[PathBuf]) -> anyhow::Result<BTreeMap<CountryCode, Given>> {
    let texts = files
        .iter()
        .map(|path| {
            std::fs::read_to_string(path)
                .with_context(|| format!("reading the mapping file {}", path.display()))
                .map(|text| (path.display().to_string(), text))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    by_country(
        texts
            .iter()
            .map(|(source, text)| (source.clone(), text.as_str())),
    )
}

fn pairs(values: &[String], what: &str) -> anyhow::Result<HashMap<String, String>> {
    values
        .iter()
        .map(|v| {
            let (cc, rest) = v.split_once('=').with_context(|| {
                format!("--{what} {v}: write it as CC=VALUE, e.g. CI=http://127.0.0.1:18101")
            })?;
            Ok((cc.to_ascii_uppercase(), rest.to_owned()))
        })
        .collect()
}

/// The national systems: one simulator per country of the local stack, and one per country
/// a `--mapping` is given for, each in its family (the mapping's, or the shipped one's).
pub(super) fn national_systems(
    args: &SimulateArgs,
) -> anyhow::Result<HashMap<String, Arc<Simulator>>> {
    let urls = pairs(&args.adapters, "adapter")?;
    let tokens = pairs(&args.tokens, "token")?;
    let mut mappings = read(&args.mappings)?;
    let mut countries: BTreeMap<CountryCode, Option<u16>> = LOCAL_ADAPTERS
        .iter()
        .map(|(cc, port)| Ok((CountryCode::parse(cc)?, Some(*port))))
        .collect::<anyhow::Result<_>>()?;
    for country in mappings.keys() {
        countries.entry(*country).or_insert(None);
    }
    countries
        .into_iter()
        .map(|(country, port)| {
            let cc = country.as_str();
            let given = mappings.remove(&country);
            let url = match (urls.get(cc), port) {
                (Some(url), _) => url.clone(),
                (None, Some(port)) => format!("http://127.0.0.1:{port}"),
                (None, None) => anyhow::bail!(
                    "--mapping {} is for {cc}, which the local stack has no adapter for: give its adapter with --adapter {cc}=URL",
                    given.as_ref().map_or("", |g| g.source.as_str())
                ),
            };
            let token = tokens
                .get(cc)
                .cloned()
                .unwrap_or_else(|| format!("sigmat-demo-{}", country.to_lowercase()));
            let (family, mapping, source) = match given {
                Some(Given { source, mapping }) => (mapping.family(), Some(mapping), Some(source)),
                None => (
                    Mapping::builtin(country).map_or(Family::Standard, |m| m.family()),
                    None,
                    None,
                ),
            };
            let sim = Simulator::with_mapping(family, country, mapping, &url)
                .with_context(|| match source {
                    Some(source) => format!("{cc}'s national system, with --mapping {source}"),
                    None => format!("{cc}'s national system"),
                })?
                .with_token(token);
            Ok((cc.to_owned(), Arc::new(sim)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    const BF: &str = include_str!("../../../../schemas/national/mapping/bf.json");

    /// Burkina Faso's mapping, copied for Guinea with Guinea's offices.
    fn guinea() -> String {
        let mut table: serde_json::Value = serde_json::from_str(BF).unwrap();
        table["country"] = "GN".into();
        table["system"] = "ASYCUDA World (Guinea), test".into();
        table["offices"] = serde_json::json!([
            {"national": "CKRY", "reference": "GNCKY001", "name": "Conakry"},
            {"national": "KNKN", "reference": "GNKNK001", "name": "Kankan"}
        ]);
        table.to_string()
    }

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        simulate: SimulateArgs,
    }

    fn args(options: &[&str]) -> SimulateArgs {
        Cli::try_parse_from(["simulate"].iter().chain(options))
            .unwrap()
            .simulate
    }

    fn file(name: &str, text: &str) -> PathBuf {
        let path =
            std::env::temp_dir().join(format!("sigmat-simulate-{}-{name}", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn mappings_are_keyed_by_their_own_country() {
        let gn = guinea();
        let given = by_country([("gn.json".into(), gn.as_str()), ("bf.json".into(), BF)]).unwrap();
        let countries: Vec<&str> = given.keys().map(CountryCode::as_str).collect();
        assert_eq!(countries, ["BF", "GN"]);
        assert_eq!(given[&CountryCode::parse("GN").unwrap()].source, "gn.json");

        let twice = by_country([("a.json".into(), BF), ("b.json".into(), BF)]).unwrap_err();
        assert_eq!(
            twice.to_string(),
            "--mapping a.json and --mapping b.json are both for BF: give one mapping per country"
        );
        let not_one = by_country([("x.json".into(), "{}")]).unwrap_err();
        assert!(
            format!("{not_one:#}").starts_with("the mapping x.json: "),
            "{not_one:#}"
        );
    }

    #[test]
    fn a_mapping_adds_its_countrys_system_at_the_adapter_named() {
        let gn = file("gn.json", &guinea());
        let path = gn.to_str().unwrap();
        let systems = national_systems(&args(&[
            "--mapping",
            path,
            "--adapter",
            "GN=http://127.0.0.1:1",
        ]))
        .unwrap();
        assert_eq!(systems.len(), LOCAL_ADAPTERS.len() + 1);
        let guinea = &systems["GN"];
        assert_eq!(guinea.translator().family(), Family::Asycuda);
        assert_eq!(
            guinea.translator().mapping().system(),
            "ASYCUDA World (Guinea), test"
        );
        // The others keep their shipped tables.
        assert_eq!(systems["CI"].translator().family(), Family::Sydam);

        // Without an adapter for it, the simulation cannot play it.
        let refused = national_systems(&args(&["--mapping", path])).unwrap_err();
        assert_eq!(
            refused.to_string(),
            format!("--mapping {path} is for GN, which the local stack has no adapter for: give its adapter with --adapter GN=URL")
        );
        let _ = std::fs::remove_file(gn);
    }

    #[test]
    fn a_mapping_for_a_local_country_replaces_the_shipped_one() {
        let mut table: serde_json::Value = serde_json::from_str(BF).unwrap();
        table["system"] = "ASYCUDA World (Burkina Faso), next release".into();
        let bf = file("bf.json", &table.to_string());
        let systems = national_systems(&args(&["--mapping", bf.to_str().unwrap()])).unwrap();
        assert_eq!(systems.len(), LOCAL_ADAPTERS.len());
        assert_eq!(
            systems["BF"].translator().mapping().system(),
            "ASYCUDA World (Burkina Faso), next release"
        );
        let _ = std::fs::remove_file(bf);
    }
}
