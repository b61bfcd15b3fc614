//! The national mapping in force: the country's code tables the adapter translates with, taken
//! from the reference data (`national/mapping/<cc>.json`, imported with `sigmat reference
//! import`) without a restart. The adapter starts with `mapping_file` or the table published
//! with sigmat; every newer reference data version that carries a different table for its
//! country replaces it, between two messages: a submission or a delivery batch takes the
//! translator in force when it starts and keeps it to its end. The deliveries still in line are
//! then written again with it ([`rewrite`]), and those the national system refused are tried
//! again.

pub mod rewrite;

use std::sync::Arc;

use serde_json::Value;
use tokio::sync::watch;
use transit_model::reference::Loaded;
use transit_model::CountryCode;
use transit_national::{Family, Mapping, Translator};

/// The translator in force, shared by the submissions, the delivery loop and the calls.
#[derive(Clone)]
pub struct MappingInForce(watch::Receiver<Option<Arc<dyn Translator>>>);

impl std::fmt::Debug for MappingInForce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let family = self.translator().map(|t| t.family());
        f.debug_tuple("MappingInForce").field(&family).finish()
    }
}

impl MappingInForce {
    /// A translator that never changes (the standard family: none; tests).
    pub fn fixed(translator: Option<Arc<dyn Translator>>) -> Self {
        Self(watch::channel(translator).1)
    }

    /// The translator in force now (none for the standard family).
    pub fn translator(&self) -> Option<Arc<dyn Translator>> {
        self.0.borrow().clone()
    }

    /// Waits until another translator is put in force; `false` once none ever will be.
    pub async fn changed(&mut self) -> bool {
        self.0.changed().await.is_ok()
    }
}

/// What the follower knows: whose table, and which one is in force.
#[derive(Debug)]
pub struct Follower {
    country: CountryCode,
    family: Family,
    /// The table in force, as the reference data carried it (none: the starting one).
    table: Option<Value>,
}

/// What a reference data version means for the table in force.
#[derive(Debug)]
pub enum Next {
    /// It carries no table for the country, or the same one: nothing changes.
    Same,
    /// A different table, read and ready.
    Table(Box<Mapping>),
    /// A different table that cannot be used here (logged; the one in force stays).
    Unusable(String),
}

impl Follower {
    /// Follows `country`'s table for an adapter of `family`.
    pub fn new(country: CountryCode, family: Family) -> Self {
        Self {
            country,
            family,
            table: None,
        }
    }

    /// Judges `loaded`'s table for the country against the one in force. Pure: the caller
    /// swaps the translator.
    pub fn next(&mut self, loaded: &Loaded) -> Next {
        let Some(table) = loaded.version.document.mapping(self.country) else {
            return Next::Same;
        };
        if self.table.as_ref() == Some(table) {
            return Next::Same;
        }
        let read = Mapping::from_value(table).map_err(|e| e.to_string());
        let next = match read {
            Ok(mapping) if mapping.family() != self.family => Next::Unusable(format!(
                "the table is for the {} family, this adapter speaks {}",
                mapping.family(),
                self.family
            )),
            Ok(mapping) => Next::Table(Box::new(mapping)),
            Err(err) => Next::Unusable(err),
        };
        self.table = Some(table.clone());
        next
    }
}

/// Starts with `first`, then puts in force the table of each newer reference data version in
/// `reference` (until the sender side is dropped). Returns the handle the adapter's parts read.
pub fn follow(
    first: Option<Arc<dyn Translator>>,
    mut follower: Follower,
    mut reference: watch::Receiver<Arc<Loaded>>,
) -> MappingInForce {
    let (in_force, handle) = watch::channel(first);
    let mut apply = move |loaded: &Loaded| {
        let version = loaded.version.version;
        match follower.next(loaded) {
            Next::Same => {}
            Next::Table(mapping) => {
                let offices = mapping.rows().iter().filter(|r| r.0 == "office").count();
                match national_families::translator_with(follower.family, *mapping) {
                    Ok(translator) => {
                        in_force.send_replace(Some(translator));
                        tracing::debug!(offices, "national mapping replaced");
                        announce(follower.country, version);
                    }
                    Err(err) => unusable(&follower, version, &err.to_string()),
                }
            }
            Next::Unusable(reason) => unusable(&follower, version, &reason),
        }
    };
    apply(&reference.borrow_and_update());
    tokio::spawn(async move {
        while reference.changed().await.is_ok() {
            let loaded = reference.borrow_and_update().clone();
            apply(&loaded);
        }
    });
    MappingInForce(handle)
}

/// What follows the reference data for the adapter: the topic's reader and the version in
/// force it updates ([`transit_kafka::reference::follow`], run with the adapter's tasks).
pub type ReferenceFeed = (
    transit_kafka::reference::CompactedReader,
    watch::Sender<Arc<Loaded>>,
);

/// The translator in force for an adapter of `family` in `country`, starting with `mapping_file`
/// or the table published with sigmat, and the feed that keeps it current. A country with
/// neither (one onboarded after this release) waits for the reference data to carry its table.
/// The standard family translates nothing and follows nothing.
pub async fn start(
    family: Family,
    country: CountryCode,
    mapping_file: Option<&std::path::Path>,
    kafka: &transit_kafka::KafkaSettings,
    topic: &str,
) -> anyhow::Result<(MappingInForce, Option<ReferenceFeed>)> {
    if family == Family::Standard {
        return Ok((MappingInForce::fixed(None), None));
    }
    let reader = transit_kafka::reference::CompactedReader::open(kafka, topic)?;
    let mut follower = Follower::new(country, family);
    let (first, loaded) = if mapping_file.is_some() || Mapping::builtin(country).is_some() {
        let first = national_families::translator(family, country, mapping_file)?;
        // The published table is the one to start from: `mapping_file` stays in force until
        // the reference data brings a different table for the country…
        let builtin = Loaded::builtin(chrono::Utc::now());
        follower.next(&builtin);
        // …which the network's latest version may already have.
        let latest = latest_version(&reader).await.unwrap_or(builtin);
        let first = match follower.next(&latest) {
            Next::Same => first,
            Next::Table(mapping) => {
                announce(country, latest.version.version);
                Some(national_families::translator_with(family, *mapping)?)
            }
            Next::Unusable(reason) => {
                unusable(&follower, latest.version.version, &reason);
                first
            }
        };
        (first, latest)
    } else {
        let loaded = first_table(&reader, country, family).await;
        let Next::Table(mapping) = follower.next(&loaded) else {
            unreachable!("first_table returns a version with a usable table");
        };
        let first = national_families::translator_with(family, *mapping)?;
        announce(country, loaded.version.version);
        (Some(first), loaded)
    };
    let (sender, receiver) = watch::channel(Arc::new(loaded));
    Ok((follow(first, follower, receiver), Some((reader, sender))))
}

/// The network's latest reference data version, if the topic has one that can be used.
async fn latest_version(reader: &transit_kafka::reference::CompactedReader) -> Option<Loaded> {
    let payload = reader.latest(std::time::Duration::from_secs(10)).await?;
    serde_json::from_slice::<transit_model::reference::ReferenceVersion>(&payload)
        .map_err(|e| e.to_string())
        .and_then(|version| version.load().map_err(|e| e.to_string()))
        .map_err(|err| tracing::error!(error = %err, "the latest reference data version cannot be used; starting with the published tables"))
        .ok()
}

/// Reads the reference data topic until a version carries a table for `country` that an
/// adapter of `family` can use, saying every ten seconds what it waits for; a version whose
/// table cannot be used is logged and passed over (a later import may correct it).
async fn first_table(
    reader: &transit_kafka::reference::CompactedReader,
    country: CountryCode,
    family: Family,
) -> Loaded {
    let path = transit_model::reference::mappings::path_of(country);
    let mut said = std::time::Instant::now() - std::time::Duration::from_secs(10);
    loop {
        if said.elapsed() >= std::time::Duration::from_secs(10) {
            tracing::warn!(
                %country,
                "no mapping table is shipped for {country}: waiting for the reference data to carry {path} (sigmat reference export DIR; add DIR/{path}; sigmat reference import DIR)"
            );
            said = std::time::Instant::now();
        }
        let read = tokio::time::timeout(std::time::Duration::from_secs(10), reader.next()).await;
        let Ok(read) = read else { continue };
        let payload = match read {
            Ok(payload) => payload,
            Err(err) => {
                tracing::warn!(error = %err, "cannot read the reference data topic; retrying");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                continue;
            }
        };
        let loaded = serde_json::from_slice::<transit_model::reference::ReferenceVersion>(&payload)
            .map_err(|e| e.to_string())
            .and_then(|version| version.load().map_err(|e| e.to_string()));
        let loaded = match loaded {
            Ok(loaded) => loaded,
            Err(err) => {
                tracing::error!(error = %err, "a reference data version on the topic cannot be used; passed over");
                continue;
            }
        };
        match Follower::new(country, family).next(&loaded) {
            Next::Table(_) => return loaded,
            Next::Unusable(reason) => {
                tracing::error!(version = loaded.version.version, reason, "{path} in this reference data version cannot be used; waiting for a corrected one")
            }
            Next::Same => {}
        }
    }
}

/// Says which version's table is in force, in the log and the metrics (the log first: a
/// reader of the metric finds the line written).
fn announce(country: CountryCode, version: i64) {
    tracing::info!(
        %country,
        version,
        "national mapping of {country} from reference data version {version} in force"
    );
    metrics::gauge!("sigmat_adapter_mapping_version").set(version as f64);
}

fn unusable(follower: &Follower, version: i64, reason: &str) {
    tracing::error!(
        country = %follower.country,
        version,
        reason,
        "the national mapping in reference data version {version} cannot be used; still translating with the one in force"
    );
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use serde_json::json;
    use transit_model::reference::ReferenceVersion;

    use super::*;

    fn version(n: i64, edit: impl FnOnce(&mut Value)) -> Loaded {
        let mut loaded = Loaded::builtin(Utc::now());
        let mut document = loaded.version.document.clone();
        edit(document.0.get_mut("national/mapping/bf.json").unwrap());
        loaded.version = ReferenceVersion {
            version: n,
            document,
            ..loaded.version
        };
        loaded
    }

    #[test]
    fn a_new_table_is_taken_once_and_a_foreign_family_is_not() {
        let bf = CountryCode::parse("BF").unwrap();
        let mut follower = Follower::new(bf, Family::Asycuda);
        assert!(matches!(follower.next(&version(1, |_| {})), Next::Table(_)));
        assert!(matches!(follower.next(&version(2, |_| {})), Next::Same));
        let laleraba = |t: &mut Value| {
            t["offices"]
                .as_array_mut()
                .unwrap()
                .push(json!({"national": "LALE", "reference": "BFLAL001"}));
        };
        match follower.next(&version(3, laleraba)) {
            Next::Table(mapping) => assert_eq!(
                mapping.national_office(&transit_model::OfficeRef::parse("BFLAL001").unwrap()),
                "LALE"
            ),
            other => panic!("{other:?}"),
        }
        let mut sydam = Follower::new(bf, Family::Sydam);
        assert!(
            matches!(sydam.next(&version(1, |_| {})), Next::Unusable(r) if r.contains("asycuda family")),
        );
    }

    #[tokio::test]
    async fn the_translator_in_force_changes_with_the_reference_data() {
        let bf = CountryCode::parse("BF").unwrap();
        let (sender, receiver) = watch::channel(Arc::new(version(1, |_| {})));
        let in_force = follow(None, Follower::new(bf, Family::Asycuda), receiver);
        let office = transit_model::OfficeRef::parse("BFLAL001").unwrap();
        let national =
            |m: &MappingInForce| m.translator().unwrap().mapping().national_office(&office);
        assert_eq!(national(&in_force), "BFLAL001", "not in the first table");
        sender.send_replace(Arc::new(version(2, |t| {
            t["offices"]
                .as_array_mut()
                .unwrap()
                .push(json!({"national": "LALE", "reference": "BFLAL001"}));
        })));
        for _ in 0..100 {
            if national(&in_force) == "LALE" {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("version 2's table was not put in force");
    }
}
