//! `telematics` — the telematics gateway. See the crate documentation and `--help`.

use clap::{Parser, Subcommand};

/// The sigmat telematics gateway: tracking providers publish positions and electronic-seal
/// events over MQTT (topic telematics/<provider>/events at the broker) or push them over HTTPS
/// (POST /telematics/v1/events with their token); the gateway checks each one and passes it
/// to the hub (Kafka topic sigmat.hub.telematics). docs/telematics.md tells a provider how to
/// connect.
///
/// Configuration: a TOML file (see deploy/local/config/telematics.toml) and/or environment
/// variables SIGMAT_TELEMATICS__SECTION__KEY.
#[derive(Parser, Debug)]
#[command(version)]
struct Cli {
    /// Configuration file (TOML).
    #[arg(long, env = "SIGMAT_TELEMATICS_CONFIG")]
    config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Reads the configuration and says whether every key is known and well typed, without
    /// connecting to anything.
    CheckConfig,
    /// Tracking providers.
    #[command(subcommand)]
    Providers(ProviderCommand),
}

#[derive(Subcommand, Debug)]
enum ProviderCommand {
    /// A new HTTPS token for a provider: prints the token (give it to the provider; it is kept
    /// nowhere) and the lines to add to the gateway's configuration (only its SHA-256).
    New {
        /// The provider's name: lower-case letters, digits and dashes (also its MQTT user).
        #[arg(long)]
        name: String,
    },
}

fn main() -> anyhow::Result<()> {
    transit_runtime::start::run(serve)
}

async fn serve() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Some(Command::Providers(ProviderCommand::New { name })) = &cli.command {
        anyhow::ensure!(
            telematics::providers::valid_name(name),
            "{name:?}: a provider's name is 1 to 35 lower-case letters, digits and dashes"
        );
        let (token, hash) = telematics::providers::new_token();
        println!(
            "Token for {name} (give it to the provider; it is shown only now):\n\n  {token}\n"
        );
        println!("Add to the gateway's configuration (only the token's SHA-256 is kept):\n");
        println!("[[providers]]\nname = \"{name}\"\ntoken_sha256 = \"{hash}\"");
        return Ok(());
    }
    let settings = telematics::Settings::load(cli.config.as_deref())?;
    if let Some(Command::CheckConfig) = cli.command {
        telematics::providers::Providers::new(&settings.providers)?;
        println!("telematics: the configuration is valid");
        return Ok(());
    }
    let telemetry = transit_runtime::telemetry::init("telematics", &[], &settings.telemetry);
    let app = telematics::Application::build(settings).await?;
    let ran = app
        .run_until_stopped(transit_runtime::shutdown::signal())
        .await;
    telemetry.shutdown().await;
    ran
}
