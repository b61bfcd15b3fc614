//! A country's adapter in a test stack: how it runs (family, push or pull, drop directory),
//! the national system simulator in front of it, and its environment.

use std::net::SocketAddr;
use std::path::PathBuf;

use sha2::{Digest, Sha256};
use transit_model::CountryCode;

use crate::free_port;

/// How one country's adapter runs in a test stack.
#[derive(Clone, Debug)]
pub struct AdapterSpec {
    /// The country, e.g. `BF`.
    pub country: String,
    /// `standard`, `asycuda`, `sydam`, `gainde` or `ncts`.
    pub family: String,
    /// Where it listens (a free port when `None`).
    pub listen: Option<SocketAddr>,
    /// The national system's webhook, when deliveries are pushed.
    pub webhook: Option<String>,
    /// A drop directory to watch.
    pub drop: Option<PathBuf>,
    /// The national system's token at the adapter, with every right (random per spec).
    pub token: String,
    /// The secret the adapter signs its webhook pushes with.
    pub webhook_secret: Option<String>,
    /// The folder of the family's official schemas, to check every national message against.
    pub official_schemas: Option<PathBuf>,
    /// Where its metrics and health checks are, when on a port of their own: set for an
    /// adapter whose address other instances share ([`AdapterSpec::shared`]), so that each
    /// instance can be asked on its own.
    pub operations: Option<SocketAddr>,
}

impl AdapterSpec {
    /// An adapter speaking the standardized JSON.
    pub fn standard(country: &str) -> Self {
        Self::national(country, "standard")
    }

    /// An adapter translating `family`.
    pub fn national(country: &str, family: &str) -> Self {
        Self {
            country: country.to_owned(),
            family: family.to_owned(),
            listen: None,
            webhook: None,
            drop: None,
            token: format!("national-{}", uuid::Uuid::new_v4().simple()),
            webhook_secret: None,
            official_schemas: None,
            operations: None,
        }
    }

    /// Listening with `[http] reuse_port`, so that more instances of the country's adapter
    /// may share its address (`Stack::add_instance`); its metrics and health checks on a port
    /// of its own.
    pub fn shared(mut self) -> Self {
        self.operations = Some(free_port());
        self
    }

    /// Checking every national message against the official schemas in `dir`.
    pub fn checking_against(mut self, dir: Option<PathBuf>) -> Self {
        self.official_schemas = dir;
        self
    }

    /// Signing its webhook pushes with `secret`.
    pub fn signing_with(mut self, secret: &str) -> Self {
        self.webhook_secret = Some(secret.to_owned());
        self
    }

    /// A second token the adapter knows, with the right to read deliveries only.
    pub fn reader_token(&self) -> String {
        format!("{}-reader", self.token)
    }

    /// Listening on `address`.
    pub fn listening(mut self, address: SocketAddr) -> Self {
        self.listen = Some(address);
        self
    }

    /// Pushing to `url`.
    pub fn pushing_to(mut self, url: Option<String>) -> Self {
        self.webhook = url;
        self
    }

    /// Watching `directory`.
    pub fn watching(mut self, directory: PathBuf) -> Self {
        self.drop = Some(directory);
        self
    }
}

/// A simulator for `country`, in front of an adapter that will listen on a chosen port;
/// with `webhook`, the simulator listens for pushes.
pub async fn national_system(
    family: transit_national::Family,
    country: &str,
    webhook: bool,
) -> (national_sim::Simulator, AdapterSpec) {
    national_system_with(family, country, None, webhook).await
}

/// As [`national_system`], the simulator reading and writing with `mapping` (`None`: the table
/// published for the country) — a country onboarded at run time, or a national system whose
/// own tables changed.
pub async fn national_system_with(
    family: transit_national::Family,
    country: &str,
    mapping: Option<transit_national::Mapping>,
    webhook: bool,
) -> (national_sim::Simulator, AdapterSpec) {
    let address = free_port();
    // The national system checks every push's signature with the secret it shares with its
    // adapter.
    let secret = format!("webhook-secret-{country}-{}", std::process::id());
    let sim = national_sim::Simulator::with_mapping(
        family,
        CountryCode::parse(country).expect("country code"),
        mapping,
        &format!("http://{address}"),
    )
    .unwrap()
    .verifying_pushes_with(secret.clone());
    if webhook {
        sim.listen("127.0.0.1:0".parse().unwrap()).await.unwrap();
    }
    let spec = AdapterSpec::national(country, family.as_str())
        .listening(address)
        .pushing_to(sim.webhook_url())
        .signing_with(&secret);
    (sim.with_token(spec.token.clone()), spec)
}

/// The country, address and environment of an adapter of a test stack: `base` (the stack's
/// broker and database) and what `spec` asks for, in the stack `id`'s schema and group.
pub(crate) fn adapter_service(
    base: &[(String, String)],
    spec: &AdapterSpec,
    id: &str,
) -> (CountryCode, SocketAddr, Vec<(String, String)>) {
    let code = spec.country.as_str();
    let country = CountryCode::parse(code).expect("country code");
    let addr = spec.listen.unwrap_or_else(free_port);
    let mut vars = base.to_vec();
    vars.push(("SIGMAT_ADAPTER__COUNTRY".into(), code.to_owned()));
    vars.push(("SIGMAT_ADAPTER__FAMILY".into(), spec.family.clone()));
    if let Some(url) = &spec.webhook {
        vars.push(("SIGMAT_ADAPTER__WEBHOOK__URL".into(), url.clone()));
        vars.push((
            "SIGMAT_ADAPTER__WEBHOOK__MAX_BACKOFF_MS".into(),
            "1000".into(),
        ));
        vars.push((
            "SIGMAT_ADAPTER__WEBHOOK__PARK_AFTER_REFUSALS".into(),
            "3".into(),
        ));
        if let Some(secret) = &spec.webhook_secret {
            vars.push(("SIGMAT_ADAPTER__WEBHOOK__SECRET".into(), secret.clone()));
        }
    }
    if let Some(dir) = &spec.drop {
        vars.push((
            "SIGMAT_ADAPTER__DROP__DIRECTORY".into(),
            dir.display().to_string(),
        ));
        vars.push(("SIGMAT_ADAPTER__DROP__POLL_MS".into(), "100".into()));
    }
    if let Some(dir) = &spec.official_schemas {
        vars.push((
            "SIGMAT_ADAPTER__OFFICIAL_SCHEMAS".into(),
            dir.display().to_string(),
        ));
    }
    vars.push(("SIGMAT_ADAPTER__HTTP__LISTEN".into(), addr.to_string()));
    if let Some(operations) = spec.operations {
        vars.push(("SIGMAT_ADAPTER__HTTP__REUSE_PORT".into(), "true".into()));
        vars.push((
            "SIGMAT_ADAPTER__OPERATIONS__LISTEN".into(),
            operations.to_string(),
        ));
    }
    vars.push(("SIGMAT_ADAPTER__LINK__REPORT_EVERY_MS".into(), "300".into()));
    let sha = |token: &str| hex::encode(Sha256::digest(token.as_bytes()));
    vars.push((
        "SIGMAT_ADAPTER__AUTH__CLIENTS".into(),
        format!(
            r#"[{{name = "national-system", token_sha256 = "{}", rights = ["submit", "read", "ack"]}}, {{name = "reader", token_sha256 = "{}", rights = ["read"]}}]"#,
            sha(&spec.token),
            sha(&spec.reader_token())
        ),
    ));
    vars.push((
        "SIGMAT_ADAPTER__DATABASE__SCHEMA".into(),
        format!("{id}_{}", country.to_lowercase()),
    ));
    vars.push((
        "SIGMAT_ADAPTER__GROUP_ID".into(),
        format!("{id}-adapter-{}", country.to_lowercase()),
    ));
    (country, addr, vars)
}
