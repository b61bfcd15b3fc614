//! `tracker` — the hub's movement tracker. See the crate documentation and `--help`.

use clap::Parser;

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
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    transit_runtime::telemetry::init("tracker");
    let settings = tracker::Settings::load(cli.config.as_deref())?;
    let app = tracker::Application::build(settings).await?;
    app.run_until_stopped(transit_runtime::shutdown::signal())
        .await
}
