//! `api users add`: creating accounts.

use chrono::Utc;
use transit_model::{CountryCode, OfficeRef, Role};
use transit_store::api::{ApiStore, NewUser};

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
    /// An officer's office, e.g. BFNGK001.
    #[arg(long)]
    pub office: Option<String>,
    /// An adapter identity's country, an operator's scope (omit: every country), a
    /// guarantor's country.
    #[arg(long)]
    pub country: Option<String>,
    /// A trader's identification number (TIN), as on its declarations (e.g. CI0123456X).
    #[arg(long)]
    pub party: Option<String>,
    /// en or fr.
    #[arg(long, default_value = "en")]
    pub language: String,
    /// The environment variable holding the password (never on the command line).
    #[arg(long, default_value = "SIGMAT_NEW_PASSWORD")]
    pub password_env: String,
}

/// Checks and creates the account; `false` if the name is taken.
pub async fn add(store: &ApiStore, args: &AddUser) -> anyhow::Result<bool> {
    let password = std::env::var(&args.password_env).map_err(|_| {
        anyhow::anyhow!(
            "set the password in the environment variable {} (at least 8 characters)",
            args.password_env
        )
    })?;
    anyhow::ensure!(
        password.chars().count() >= 8,
        "the password needs at least 8 characters"
    );
    match args.role {
        Role::Officer => {
            let office = args
                .office
                .as_deref()
                .ok_or_else(|| anyhow::anyhow!("an officer needs --office"))?;
            OfficeRef::parse(office)?;
        }
        Role::Adapter => {
            CountryCode::parse(
                args.country
                    .as_deref()
                    .ok_or_else(|| anyhow::anyhow!("an adapter identity needs --country"))?,
            )?;
        }
        Role::Operator => {
            if let Some(cc) = &args.country {
                CountryCode::parse(cc)?;
            }
        }
        Role::Trader => {
            let tin = args
                .party
                .as_deref()
                .ok_or_else(|| anyhow::anyhow!("a trader needs --party, its TIN"))?;
            transit_model::Text17::parse(tin)
                .map_err(|e| anyhow::anyhow!("--party {tin:?}: {e}"))?;
        }
        Role::Guarantor => {
            CountryCode::parse(args.country.as_deref().ok_or_else(|| {
                anyhow::anyhow!(
                    "a guarantor needs --country, the country whose departures it guarantees"
                )
            })?)?;
        }
    }
    anyhow::ensure!(
        ["en", "fr"].contains(&args.language.as_str()),
        "--language must be en or fr"
    );
    store
        .create_user(
            &NewUser {
                username: args.username.clone(),
                display_name: args.name.clone(),
                password_hash: crate::auth::hash_password(&password)?,
                role: args.role,
                office: args.office.clone(),
                country: args.country.clone(),
                party: args.party.clone(),
                language: args.language.clone(),
            },
            Utc::now(),
        )
        .await
        .map_err(Into::into)
}
