//! `adapter` — one country's adapter. See the crate documentation and `--help`.

use clap::{Parser, Subcommand};
use transit_http::AdapterRight;

/// A sigmat country adapter. The national customs system submits standardized messages over
/// HTTP (POST /api/v1/messages) and pulls what the hub sends its offices
/// (GET /api/v1/deliveries, then POST /api/v1/deliveries/{id}/ack), each call with its
/// token (Authorization: Bearer …).
///
/// Configuration: a TOML file (see deploy/local/config/adapter-ci.toml) and/or environment
/// variables SIGMAT_ADAPTER__SECTION__KEY, e.g. SIGMAT_ADAPTER__COUNTRY=CI.
#[derive(Parser, Debug)]
#[command(version)]
struct Cli {
    /// Configuration file (TOML).
    #[arg(long, env = "SIGMAT_ADAPTER_CONFIG")]
    config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Reads the configuration (the file and the SIGMAT_ADAPTER__ variables) and says whether
    /// every key is known and well typed, without connecting to anything (deploy/k8s/check runs
    /// it on the Kubernetes manifests).
    CheckConfig,
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
    transit_runtime::start::run(serve)
}

async fn serve() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Some(Command::Tokens(TokenCommand::New { name, rights })) = cli.command {
        return new_token(&name, &rights);
    }
    let settings = adapter::Settings::load(cli.config.as_deref())?;
    let telemetry = transit_runtime::telemetry::init(
        "adapter",
        &[("country", settings.country.as_str())],
        &settings.telemetry,
    );
    match cli.command {
        Some(Command::CheckConfig) => {
            println!("adapter: the configuration is valid");
            return Ok(());
        }
        Some(Command::Deliveries(DeliveryCommand::Parked { limit })) => {
            adapter::commands::parked(&settings, limit).await?;
            return Ok(());
        }
        Some(Command::Deliveries(DeliveryCommand::Retry { ids, all })) => {
            adapter::commands::retry(&settings, (!all).then_some(ids.as_slice())).await?;
            return Ok(());
        }
        _ => {}
    }
    let app = adapter::Application::build(settings).await?;
    let ran = app
        .run_until_stopped(transit_runtime::shutdown::signal())
        .await;
    telemetry.shutdown().await;
    ran
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
