//! `adapter` — one country's adapter. See the crate documentation and `--help`.

use adapter::Application;
use clap::Subcommand;
use transit_http::AdapterRight;
use transit_runtime::service::{OnDemand, Service};

/// A sigmat country adapter. The national customs system submits standardized messages over
/// HTTP (POST /api/v1/messages) and pulls what the hub sends its offices
/// (GET /api/v1/deliveries, then POST /api/v1/deliveries/{id}/ack), each call with its
/// token (Authorization: Bearer …).
///
/// Configuration: a TOML file (see deploy/local/config/adapter-ci.toml) and/or environment
/// variables SIGMAT_ADAPTER__SECTION__KEY, e.g. SIGMAT_ADAPTER__COUNTRY=CI.
// The doc comment above is the binary's `--help`; these are its own commands, beside
// `--config` and `check-config`, which every service has (`transit_runtime::service`).
#[derive(Subcommand, Debug)]
#[command(version)]
enum Command {
    /// Tokens for national systems.
    #[command(subcommand)]
    Tokens(TokenCommand),
    /// Deliveries the national system kept refusing (4xx), parked so that the others go on:
    /// list them, or put them back in line once it is fixed.
    #[command(subcommand)]
    Deliveries(DeliveryCommand),
}

#[derive(Subcommand, Debug)]
enum DeliveryCommand {
    /// Lists the parked deliveries, oldest first, with the national system's last answer.
    Parked {
        /// At most this many.
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
    /// Puts parked deliveries back in line: the message ids given, or all with --all.
    Retry {
        /// Message ids (from `deliveries parked`).
        #[arg(required_unless_present = "all")]
        ids: Vec<uuid::Uuid>,
        /// Every parked delivery.
        #[arg(long, conflicts_with = "ids")]
        all: bool,
    },
}

#[derive(Subcommand, Debug)]
enum TokenCommand {
    /// Make a new token: prints the token (give it to the national system; it is not kept
    /// anywhere) and the lines to add to the adapter's configuration (only its SHA-256).
    New {
        /// A name for the national system or tool, e.g. asycuda-bf.
        #[arg(long)]
        name: String,
        /// What it may do: submit, read, ack (comma-separated).
        #[arg(long, value_delimiter = ',', default_value = "submit,read,ack")]
        rights: Vec<String>,
    },
}

fn main() -> anyhow::Result<()> {
    let service = Service::new("adapter").checked_on_kubernetes();
    service.start(command, Application::build, Application::run_until_stopped)
}

async fn command(command: Command, config: &mut OnDemand<adapter::Settings>) -> anyhow::Result<()> {
    match command {
        Command::Tokens(TokenCommand::New { name, rights }) => new_token(&name, &rights),
        Command::Deliveries(DeliveryCommand::Parked { limit }) => {
            adapter::commands::parked(config.settings()?, limit).await?;
            Ok(())
        }
        Command::Deliveries(DeliveryCommand::Retry { ids, all }) => {
            let ids = (!all).then_some(ids.as_slice());
            adapter::commands::retry(config.settings()?, ids).await?;
            Ok(())
        }
    }
}

fn new_token(name: &str, rights: &[String]) -> anyhow::Result<()> {
    let rights: Vec<AdapterRight> = rights
        .iter()
        .map(|r| match r.trim() {
            "submit" => Ok(AdapterRight::Submit),
            "read" => Ok(AdapterRight::Read),
            "ack" => Ok(AdapterRight::Ack),
            other => anyhow::bail!("unknown right {other:?}: the rights are submit, read and ack"),
        })
        .collect::<anyhow::Result<_>>()?;
    let token = adapter::auth::new_token();
    let quoted: Vec<String> = rights
        .iter()
        .map(|r| format!("\"{}\"", r.as_str()))
        .collect();
    println!("Token for {name} (give it to the national system; it is shown only now):\n");
    println!("  {token}\n");
    println!("Add to the adapter's configuration file (only the token's SHA-256 is kept):\n");
    println!("[[auth.clients]]");
    println!("name = \"{name}\"");
    println!(
        "token_sha256 = \"{}\"",
        hex::encode(adapter::auth::sha256(&token))
    );
    println!("rights = [{}]", quoted.join(", "));
    Ok(())
}
