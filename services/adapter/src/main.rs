//! `adapter` — one country's adapter. See the crate documentation and `--help`.

use clap::Parser;

/// A sigmat country adapter. The national customs system submits standardized messages over
/// HTTP (POST /api/v1/messages) and pulls what the hub sends its offices
/// (GET /api/v1/deliveries, then POST /api/v1/deliveries/{id}/ack).
///
/// Configuration: a TOML file (see deploy/local/config/adapter-ci.toml) and/or environment
/// variables SIGMAT_ADAPTER__SECTION__KEY, e.g. SIGMAT_ADAPTER__COUNTRY=CI.
#[derive(Parser, Debug)]
#[command(version)]
struct Cli {
    /// Configuration file (TOML).
    #[arg(long, env = "SIGMAT_ADAPTER_CONFIG")]
    config: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    transit_runtime::telemetry::init("adapter");
    let settings = adapter::Settings::load(cli.config.as_deref())?;
    let app = adapter::Application::build(settings).await?;
    app.run_until_stopped(transit_runtime::shutdown::signal())
        .await
}
