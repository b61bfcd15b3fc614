//! `national-sim`: play a country's national customs system against its adapter.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use national_sim::Simulator;
use transit_model::CountryCode;
use transit_national::Family;

/// Plays a national customs system (ASYCUDA, SYDAM or GAINDE style) against a country adapter:
/// sends national message files, and receives what the adapter pushes to its webhook,
/// checking and printing each one.
#[derive(Debug, Parser)]
#[command(name = "national-sim", version)]
struct Args {
    /// The family: asycuda, sydam, gainde or ncts.
    #[arg(long)]
    family: String,
    /// The country, e.g. BF.
    #[arg(long)]
    country: String,
    /// The adapter's base URL.
    #[arg(long, default_value = "http://127.0.0.1:18102")]
    adapter: String,
    /// Listen for pushed deliveries on this address (give the adapter
    /// http://ADDRESS/webhook as its [webhook] url).
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// The national system's token at the adapter (the hub operator issues it with
    /// 'adapter tokens new').
    #[arg(long, env = "SIGMAT_NATIONAL_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Pull deliveries from the adapter instead, every second.
    #[arg(long, conflicts_with = "listen")]
    pull: bool,
    /// National message files to send, in order, before receiving.
    files: Vec<PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _telemetry = transit_runtime::telemetry::init("national-sim", &[], &Default::default());
    let args = Args::parse();
    let family = Family::parse(&args.family)
        .ok_or_else(|| anyhow::anyhow!("--family must be asycuda, sydam, gainde or ncts"))?;
    let country = CountryCode::parse(&args.country)?;
    let mut sim = Simulator::new(family, country, &args.adapter)?;
    if let Some(token) = &args.token {
        sim = sim.with_token(token);
    }
    for file in &args.files {
        let bytes =
            std::fs::read(file).map_err(|e| anyhow::anyhow!("reading {}: {e}", file.display()))?;
        let sent = sim.send_national(bytes).await?;
        println!(
            "{} → {}\n{}",
            file.display(),
            sent.status,
            String::from_utf8_lossy(&sent.answer)
        );
    }
    if args.listen.is_none() && !args.pull {
        return Ok(());
    }
    if let Some(address) = args.listen {
        let bound = sim.listen(address).await?;
        println!("listening: give the adapter http://{bound}/webhook");
    }
    let mut shown = 0;
    let stop = transit_runtime::shutdown::signal();
    tokio::pin!(stop);
    loop {
        if args.pull {
            sim.pull().await?;
        }
        for r in sim.received().iter().skip(shown) {
            println!(
                "received {} {} for {} ({} bytes)",
                r.message.message_type().code(),
                r.message_id,
                r.message.mrn(),
                r.national.len()
            );
        }
        shown = sim.received().len();
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
            _ = &mut stop => break,
        }
    }
    sim.go_down().await;
    Ok(())
}
