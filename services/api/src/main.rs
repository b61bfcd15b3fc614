//! `api` — the hub's HTTP API and web applications. See the crate documentation and `--help`.

use clap::{Parser, Subcommand};

/// The sigmat hub API (documented at /api/v1/openapi.json), the officers' app (/officer/) and
/// the corridor dashboard (/dashboard/).
///
/// Configuration: a TOML file (see deploy/local/config/api.toml) and/or environment variables
/// SIGMAT_API__SECTION__KEY, e.g. SIGMAT_API__HTTP__LISTEN=127.0.0.1:18080.
#[derive(Parser, Debug)]
#[command(version)]
struct Cli {
    /// Configuration file (TOML).
    #[arg(long, env = "SIGMAT_API_CONFIG")]
    config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Reads the configuration (the file and the SIGMAT_API__ variables) and says whether
    /// every key is known and well typed, without connecting to anything (deploy/k8s/check runs
    /// it on the Kubernetes manifests).
    CheckConfig,
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
    transit_runtime::start::run(serve)
}

async fn serve() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = api::Settings::load(cli.config.as_deref())?;
    let telemetry = transit_runtime::telemetry::init("api", &[], &settings.telemetry);
    match cli.command {
        Some(Command::CheckConfig) => {
            println!("api: the configuration is valid");
            Ok(())
        }
        Some(Command::Users(UsersCommand::Add(args))) => {
            let pool =
                transit_store::connect(&settings.database, transit_store::Component::Tracker)
                    .await?;
            let audit = api::audit_writer(&settings).await?;
            let store = transit_store::api::ApiStore::new(pool, audit);
            if api::users::add(&store, &args).await? {
                println!("created {} ({})", args.username, args.role);
                Ok(())
            } else {
                eprintln!("{} already exists; nothing changed", args.username);
                std::process::exit(3);
            }
        }
        None => {
            let app = api::Application::build(settings).await?;
            let ran = app
                .run_until_stopped(transit_runtime::shutdown::signal())
                .await;
            telemetry.shutdown().await;
            ran
        }
    }
}
