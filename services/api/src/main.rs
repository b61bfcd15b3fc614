//! `api` — the hub's HTTP API. See the crate documentation and `--help`.

use clap::Parser;

/// The sigmat hub API: GET /api/v1/movements/{mrn} and /api/v1/movements/{mrn}/timeline.
///
/// Configuration: a TOML file (see deploy/local/config/api.toml) and/or environment variables
/// SIGMAT_API__SECTION__KEY, e.g. SIGMAT_API__HTTP__LISTEN=127.0.0.1:18080.
#[derive(Parser, Debug)]
#[command(version)]
struct Cli {
    /// Configuration file (TOML).
    #[arg(long, env = "SIGMAT_API_CONFIG")]
    config: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    transit_runtime::telemetry::init("api");
    let settings = api::Settings::load(cli.config.as_deref())?;
    let app = api::Application::build(settings).await?;
    app.run_until_stopped(transit_runtime::shutdown::signal())
        .await
}
