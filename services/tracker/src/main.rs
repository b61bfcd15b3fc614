//! `tracker` — the hub's movement tracker. See the crate documentation and `--help`.

use clap::Subcommand;
use tracker::Application;
use transit_runtime::service::{OnDemand, Service};

/// The sigmat hub tracker: consumes every country's `to-hub` topic, applies each message to its
/// movement in PostgreSQL, and publishes copies and confirmations to the countries concerned.
///
/// Configuration: a TOML file (see deploy/local/config/tracker.toml) and/or environment
/// variables SIGMAT_TRACKER__SECTION__KEY, e.g. SIGMAT_TRACKER__KAFKA__BROKERS=127.0.0.1:19092.
// The doc comment above is the binary's `--help`; these are its own commands, beside
// `--config` and `check-config`, which every service has (`transit_runtime::service`).
#[derive(Subcommand, Debug)]
#[command(version)]
enum Command {
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
    let service = Service::new("tracker").checked_on_kubernetes();
    service.start(command, Application::build, Application::run_until_stopped)
}

async fn command(command: Command, config: &mut OnDemand<tracker::Settings>) -> anyhow::Result<()> {
    let settings = config.settings()?;
    match command {
        Command::CreateTopics => {
            tracker::commands::create_topics(settings).await?;
        }
        Command::Outbox(OutboxCommand::Failed { limit }) => {
            tracker::commands::outbox_failed(settings, limit).await?;
        }
        Command::Outbox(OutboxCommand::Retry { ids, all }) => {
            tracker::commands::outbox_retry(settings, (!all).then_some(ids.as_slice())).await?;
        }
    }
    Ok(())
}
