//! `tracker` — the hub's movement tracker. See the crate documentation and `--help`.

use clap::{Parser, Subcommand};

/// The sigmat hub tracker: consumes every country's `to-hub` topic, applies each message to its
/// movement in PostgreSQL, and publishes copies and confirmations to the countries concerned.
///
/// Configuration: a TOML file (see deploy/local/config/tracker.toml) and/or environment
/// variables SIGMAT_TRACKER__SECTION__KEY, e.g. SIGMAT_TRACKER__KAFKA__BROKERS=127.0.0.1:19092.
#[derive(Parser, Debug)]
#[command(version)]
struct Cli {
    /// Configuration file (TOML).
    #[arg(long, env = "SIGMAT_TRACKER_CONFIG")]
    config: Option<std::path::PathBuf>,
    /// Without a command, the tracker runs.
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Reads the configuration (the file and the SIGMAT_TRACKER__ variables) and says whether
    /// every key is known and well typed, without connecting to anything (deploy/k8s/check runs
    /// it on the Kubernetes manifests).
    CheckConfig,
    /// Creates the network's topics (every country's two, the hub's dead-letter and guarantee
    /// topics) with the configured partitions, replication and retention, then exits: for
    /// clusters where the services may not create topics, run with an administrator's identity.
    CreateTopics,
    /// Outbox records the broker refused for good (too large, a topic that does not exist or
    /// that the hub may not write): list them, or put them back in line after a fix.
    #[command(subcommand)]
    Outbox(OutboxCommand),
}

#[derive(Subcommand, Debug)]
enum OutboxCommand {
    /// Lists the records set aside, oldest first, with the broker's reason.
    Failed {
        /// At most this many.
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
    /// Puts records back in line: the ids given (from `outbox failed`), or all with --all.
    Retry {
        /// Outbox ids.
        #[arg(required_unless_present = "all")]
        ids: Vec<i64>,
        /// Every record set aside.
        #[arg(long, conflicts_with = "ids")]
        all: bool,
    },
}

fn main() -> anyhow::Result<()> {
    transit_runtime::start::run(serve)
}

async fn serve() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = tracker::Settings::load(cli.config.as_deref())?;
    let telemetry = transit_runtime::telemetry::init("tracker", &[], &settings.telemetry);
    match cli.command {
        Some(Command::CreateTopics) => {
            tracker::commands::create_topics(&settings).await?;
            return Ok(());
        }
        Some(Command::CheckConfig) => {
            println!("tracker: the configuration is valid");
            return Ok(());
        }
        Some(Command::Outbox(OutboxCommand::Failed { limit })) => {
            tracker::commands::outbox_failed(&settings, limit).await?;
            return Ok(());
        }
        Some(Command::Outbox(OutboxCommand::Retry { ids, all })) => {
            tracker::commands::outbox_retry(&settings, (!all).then_some(ids.as_slice())).await?;
            return Ok(());
        }
        None => {}
    }
    let app = tracker::Application::build(settings).await?;
    let ran = app
        .run_until_stopped(transit_runtime::shutdown::signal())
        .await;
    telemetry.shutdown().await;
    ran
}
