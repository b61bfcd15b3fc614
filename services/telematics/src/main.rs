//! `telematics` — the telematics gateway. See the crate documentation and `--help`.

use clap::Subcommand;
use telematics::Application;
use transit_runtime::service::{OnDemand, Service};

/// The sigmat telematics gateway: tracking providers publish positions and electronic-seal
/// events over MQTT (topic telematics/<provider>/events at the broker) or push them over HTTPS
/// (POST /telematics/v1/events with their token); the gateway checks each one and passes it
/// to the hub (Kafka topic sigmat.hub.telematics). docs/telematics.md tells a provider how to
/// connect.
///
/// Configuration: a TOML file (see deploy/local/config/telematics.toml) and/or environment
/// variables SIGMAT_TELEMATICS__SECTION__KEY.
// The doc comment above is the binary's `--help`; these are its own commands, beside
// `--config` and `check-config`, which every service has (`transit_runtime::service`).
#[derive(Subcommand, Debug)]
#[command(version)]
enum Command {
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
    let service = Service::new("telematics");
    service.start(command, Application::build, Application::run_until_stopped)
}

async fn command(command: Command, _: &mut OnDemand<telematics::Settings>) -> anyhow::Result<()> {
    let Command::Providers(ProviderCommand::New { name }) = command;
    anyhow::ensure!(
        telematics::providers::valid_name(&name),
        "{name:?}: a provider's name is 1 to 35 lower-case letters, digits and dashes"
    );
    let (token, hash) = telematics::providers::new_token();
    println!("Token for {name} (give it to the provider; it is shown only now):\n\n  {token}\n");
    println!("Add to the gateway's configuration (only the token's SHA-256 is kept):\n");
    println!("[[providers]]\nname = \"{name}\"\ntoken_sha256 = \"{hash}\"");
    Ok(())
}
