//! `national-sim`: play a country's national customs system against its adapter.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use national_sim::Simulator;
use transit_model::CountryCode;
use transit_national::Family;

/// Plays a national customs system (ASYCUDA, SYDAM, GAINDE or NCTS style) against a country
/// adapter: sends national message files, and receives what the adapter pushes to its webhook,
/// checking and printing each one. Any country can be played: one without a shipped mapping
/// with its own, given by --mapping FILE.
#[derive(Debug, Parser)]
#[command(name = "national-sim", version)]
struct Args {
    /// The family: asycuda, sydam, gainde or ncts.
    #[arg(long)]
    family: String,
    /// The country, e.g. BF.
    #[arg(long)]
    country: String,
    /// The national system's code tables (offices, package kinds, modes, currencies), instead
    /// of the ones shipped for --country: what plays a country onboarded after this build.
    /// Written like schemas/national/mapping/bf.json; its "country" must be --country and its
    /// "family" --family.
    #[arg(long, value_name = "FILE")]
    mapping: Option<PathBuf>,
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
    /// Releases a test movement for transit first: its offices in order, departure, offices of
    /// transit (the border posts where it enters another country), destination, e.g.
    /// GNCKY001,MLKRM001,MLBKO001. Written in the national format with the code tables, sent,
    /// and its MRN printed.
    #[arg(long, value_name = "OFFICES", value_delimiter = ',')]
    release: Vec<String>,
    /// With --pull or --listen: stop receiving after this many seconds (default: at Ctrl-C).
    #[arg(long, value_name = "SECONDS")]
    receive_for: Option<u64>,
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
    let mapping = args
        .mapping
        .as_deref()
        .map(national_sim::mapping::read_file)
        .transpose()?;
    let mut sim = Simulator::with_mapping(family, country, mapping, &args.adapter)?;
    if let Some(token) = &args.token {
        sim = sim.with_token(token);
    }
    if !args.release.is_empty() {
        release(&sim, &args.release).await?;
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
    let receive_for = args.receive_for.map(std::time::Duration::from_secs);
    let stop = async move {
        match receive_for {
            Some(limit) => tokio::time::sleep(limit).await,
            None => transit_runtime::shutdown::signal().await,
        }
    };
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

/// Releases a test movement through `offices` (departure, transit…, destination).
async fn release(sim: &Simulator, offices: &[String]) -> anyhow::Result<()> {
    let offices = offices
        .iter()
        .map(|code| transit_model::OfficeRef::parse(code.trim()))
        .collect::<Result<Vec<_>, _>>()?;
    let [departure, transit @ .., destination] = offices.as_slice() else {
        anyhow::bail!("--release names at least a departure and a destination office");
    };
    let corridor = transit_scenario::Corridor {
        departure: departure.clone(),
        transit: transit.to_vec(),
        destination: destination.clone(),
    };
    let movement = transit_scenario::Movement::new(corridor, chrono::Utc::now());
    let sent = sim.send(&movement.release()).await?;
    println!(
        "released {} at {departure} → {}\n{}",
        movement.mrn,
        sent.status,
        String::from_utf8_lossy(&sent.answer)
    );
    anyhow::ensure!(
        sent.status == 202,
        "the adapter did not take the release (its answer above says why)"
    );
    Ok(())
}
