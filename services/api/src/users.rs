//! `api users add`: creating accounts, each checked first against the reference data in force
//! ([`crate::account_checks`]): an officer's office must exist and work today, a trader's TIN
//! come from a country of the network, a guarantor's country be covered by the guarantee.

use anyhow::Context;
use chrono::{DateTime, Utc};
use transit_model::reference::Loaded;
use transit_model::{CountryCode, OfficeRef, Role, Text17};
use transit_store::api::{ApiStore, NewUser};

use crate::account_checks::{judge, Scope};

/// One account to create.
#[derive(Clone, Debug, clap::Args)]
pub struct AddUser {
    /// Login name.
    #[arg(long)]
    pub username: String,
    /// Name shown in the apps.
    #[arg(long)]
    pub name: String,
    /// officer (acts at one office), operator (reads figures), adapter (acts for one country),
    /// trader (follows the movements it declares, by --party TIN) or guarantor (follows the
    /// guarantees of movements leaving its --country).
    #[arg(long, value_parser = |name: &str| Role::parse(name).map_err(|e| e.to_string()))]
    pub role: Role,
    /// An officer's office, e.g. BFNGK001: one of the reference data in force, working today
    /// (`sigmat reference show` lists them; a new office is imported first with `sigmat
    /// reference import`).
    #[arg(long)]
    pub office: Option<String>,
    /// An adapter identity's country, an operator's scope (omit: every country), a
    /// guarantor's country (one with offices, in the guarantee cover today).
    #[arg(long)]
    pub country: Option<String>,
    /// A trader's identification number (TIN), as on its declarations (e.g. CI0123456X); its
    /// first two letters, the country that issued it, must be a country of the network.
    #[arg(long)]
    pub party: Option<String>,
    /// en or fr.
    #[arg(long, default_value = "en")]
    pub language: String,
    /// The environment variable holding the password (never on the command line).
    #[arg(long, default_value = "SIGMAT_NEW_PASSWORD")]
    pub password_env: String,
}

/// Checks the account — its options, then its office, TIN or country against the reference
/// data in force — and creates it; `false` if the name is taken.
pub async fn add(store: &ApiStore, args: &AddUser) -> anyhow::Result<bool> {
    let password = std::env::var(&args.password_env).map_err(|_| {
        anyhow::anyhow!(
            "set the password in the environment variable {} (at least 8 characters)",
            args.password_env
        )
    })?;
    add_with_password(store, args, &password).await
}

/// As [`add`], with the password given (`args.password_env` is not read): for a command that
/// makes the passwords itself, as `sigmat training class` does for a class's trainees.
pub async fn add_with_password(
    store: &ApiStore,
    args: &AddUser,
    password: &str,
) -> anyhow::Result<bool> {
    anyhow::ensure!(
        password.chars().count() >= 8,
        "the password needs at least 8 characters"
    );
    let scope = scope(args)?;
    anyhow::ensure!(
        ["en", "fr"].contains(&args.language.as_str()),
        "--language must be en or fr"
    );
    let now = Utc::now();
    let (reference, which) = in_force(store, now).await?;
    judge(&scope, &reference.data, &reference.cover, now.date_naive())
        .map_err(|refusal| anyhow::anyhow!("{refusal} (checked against {which})"))?;
    store
        .create_user(
            &NewUser {
                username: args.username.clone(),
                display_name: args.name.clone(),
                password_hash: crate::auth::hash_password(password)?,
                role: args.role,
                office: args.office.clone(),
                country: args.country.clone(),
                party: args.party.clone(),
                language: args.language.clone(),
            },
            now,
        )
        .await
        .map_err(Into::into)
}

/// What the options say the account acts at or follows, each parsed (the shape only; the
/// reference data is asked next).
fn scope(args: &AddUser) -> anyhow::Result<Scope> {
    Ok(match args.role {
        Role::Officer => {
            let office = args
                .office
                .as_deref()
                .ok_or_else(|| anyhow::anyhow!("an officer needs --office"))?;
            Scope::Officer(OfficeRef::parse(office)?)
        }
        Role::Adapter => {
            CountryCode::parse(
                args.country
                    .as_deref()
                    .ok_or_else(|| anyhow::anyhow!("an adapter identity needs --country"))?,
            )?;
            Scope::Unscoped
        }
        Role::Operator => {
            if let Some(cc) = &args.country {
                CountryCode::parse(cc)?;
            }
            Scope::Unscoped
        }
        Role::Trader => {
            let tin = args
                .party
                .as_deref()
                .ok_or_else(|| anyhow::anyhow!("a trader needs --party, its TIN"))?;
            Scope::Trader(Text17::parse(tin).map_err(|e| anyhow::anyhow!("--party {tin:?}: {e}"))?)
        }
        Role::Guarantor => Scope::Guarantor(CountryCode::parse(
            args.country.as_deref().ok_or_else(|| {
                anyhow::anyhow!(
                    "a guarantor needs --country, the country whose departures it guarantees"
                )
            })?,
        )?),
    })
}

/// The reference data accounts are checked against, and which it is: the version stored last
/// (the one the hub decides under), or — until a tracker has seeded the network, or if the
/// stored one cannot be used, as the API itself does then — the data published with this
/// version of sigmat, said on the standard error.
async fn in_force(store: &ApiStore, now: DateTime<Utc>) -> anyhow::Result<(Loaded, String)> {
    let latest = store
        .reference()
        .latest()
        .await
        .context("reading the reference data in force, to check the account against it")?;
    let builtin = "the reference data published with this version of sigmat";
    match latest.map(|version| (version.version, version.load())) {
        Some((version, Ok(loaded))) => Ok((loaded, format!("reference data version {version}"))),
        Some((version, Err(err))) => {
            eprintln!(
                "note: the stored reference data (version {version}) cannot be used ({err}); checking against {builtin}, as the API serves it until a corrected version is imported"
            );
            Ok((Loaded::builtin(now), builtin.into()))
        }
        None => {
            eprintln!(
                "note: no reference data is stored yet (no tracker has seeded this network); checking against {builtin}"
            );
            Ok((Loaded::builtin(now), builtin.into()))
        }
    }
}
