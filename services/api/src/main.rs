//! `api` — the hub's HTTP API and web applications. See the crate documentation and `--help`.

use api::Application;
use clap::Subcommand;
use transit_runtime::service::{OnDemand, Service};

/// The sigmat hub API (documented at /api/v1/openapi.json), the officers' app (/officer/) and
/// the corridor dashboard (/dashboard/).
///
/// Configuration: a TOML file (see deploy/local/config/api.toml) and/or environment variables
/// SIGMAT_API__SECTION__KEY, e.g. SIGMAT_API__HTTP__LISTEN=127.0.0.1:18080.
// The doc comment above is the binary's `--help`; these are its own commands, beside
// `--config` and `check-config`, which every service has (`transit_runtime::service`).
#[derive(Subcommand, Debug)]
#[command(version)]
enum Command {
    /// Accounts of officers, operators and adapter identities.
    #[command(subcommand)]
    Users(UsersCommand),
}

#[derive(Subcommand, Debug)]
enum UsersCommand {
    /// Create an account; the password is read from an environment variable
    /// (SIGMAT_NEW_PASSWORD unless --password-env names another). Exits 3 if the name is taken.
    Add(api::users::AddUser),
}

fn main() -> anyhow::Result<()> {
    let service = Service::new("api").checked_on_kubernetes();
    service.start(command, Application::build, Application::run_until_stopped)
}

async fn command(command: Command, config: &mut OnDemand<api::Settings>) -> anyhow::Result<()> {
    let Command::Users(UsersCommand::Add(args)) = command;
    let settings = config.settings()?;
    let pool =
        transit_store::connect(&settings.database, transit_store::Component::Tracker).await?;
    let audit = api::audit_writer(settings).await?;
    let store = transit_store::api::ApiStore::new(pool, audit);
    if api::users::add(&store, &args).await? {
        println!("created {} ({})", args.username, args.role);
        Ok(())
    } else {
        eprintln!("{} already exists; nothing changed", args.username);
        std::process::exit(3);
    }
}
