//! `sigmat demo`: one movement across the Abidjan–Ouagadougou corridor, through the running
//! adapters, the broker, the tracker and PostgreSQL.

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use chrono::Utc;
use transit_http::client::HubClient;
use transit_http::views::Delivery;

use crate::scenario::{Corridor, Movement};

/// Where the running services are.
#[derive(clap::Args, Debug, Clone)]
pub struct DemoArgs {
    /// Côte d'Ivoire's adapter (departure country).
    #[arg(
        long,
        default_value = "http://127.0.0.1:18101",
        env = "SIGMAT_DEMO_CI_ADAPTER"
    )]
    pub ci_adapter: String,
    /// Burkina Faso's adapter (transit border post and destination).
    #[arg(
        long,
        default_value = "http://127.0.0.1:18102",
        env = "SIGMAT_DEMO_BF_ADAPTER"
    )]
    pub bf_adapter: String,
    /// The hub's API.
    #[arg(
        long,
        default_value = "http://127.0.0.1:18080",
        env = "SIGMAT_DEMO_API"
    )]
    pub api: String,
    /// Give up on a step after this many seconds.
    #[arg(long, default_value_t = 120)]
    pub timeout_secs: u64,
}

/// Runs the demo, printing each step.
pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    let ci = HubClient::new(&args.ci_adapter);
    let bf = HubClient::new(&args.bf_adapter);
    let api = HubClient::new(&args.api);
    let timeout = Duration::from_secs(args.timeout_secs);
    let corridor = Corridor::abidjan_ouagadougou();
    let movement = Movement::new(corridor.clone(), Utc::now());
    let border = corridor.transit[0].clone();

    println!(
        "Demo movement {}: {} (Abidjan port, CI) → {} (Niangoloko border, BF) → {} (Ouagadougou, BF)",
        movement.mrn, corridor.departure, border, corridor.destination
    );

    step(
        1,
        "Côte d'Ivoire releases the declaration for transit (IE029)",
    );
    let accepted = ci
        .submit(&movement.release())
        .await
        .context("submitting the release to CI's adapter")?;
    done(&format!(
        "accepted by CI's adapter as {}, published to {}",
        accepted.message_id, accepted.topic
    ));

    step(
        2,
        "Burkina Faso receives the anticipated transit record (IE050) and arrival record (IE001)",
    );
    let got = wait_for(&bf, movement.mrn.as_str(), &["IE050", "IE001"], timeout).await?;
    for d in &got {
        done(&format!(
            "{} for {} delivered to BF's national system",
            d.message_type, d.recipient
        ));
    }

    step(
        3,
        "The Niangoloko border post confirms the truck's passage (IE118)",
    );
    bf.submit(&movement.passage(&border, Utc::now()))
        .await
        .context("submitting the passage")?;
    done("accepted by BF's adapter");

    step(4, "Ouagadougou confirms the goods' arrival (IE006)");
    bf.submit(&movement.arrival(Utc::now()))
        .await
        .context("submitting the arrival")?;
    done("accepted by BF's adapter");

    step(5, "Côte d'Ivoire receives both confirmations");
    let got = wait_for(&ci, movement.mrn.as_str(), &["IE118", "IE006"], timeout).await?;
    for d in &got {
        done(&format!(
            "{} delivered to {} (CI's national system)",
            d.message_type, d.recipient
        ));
    }

    let view = api
        .movement(movement.mrn.as_str())
        .await?
        .context("the API does not know the movement")?;
    println!();
    println!(
        "Movement {} is {} (version {}).",
        view.mrn, view.state, view.version
    );
    for passage in &view.route {
        match passage.crossed_at {
            Some(at) => println!("  passage at {} recorded, crossed {at}", passage.office),
            None => println!("  passage at {} not yet recorded", passage.office),
        }
    }
    if let Some(at) = view.arrived_at {
        println!("  arrived at {} on {at}", view.destination_office);
    }
    println!(
        "See it yourself: curl {}/api/v1/movements/{}/timeline",
        api.base(),
        view.mrn
    );
    Ok(())
}

fn step(n: u32, what: &str) {
    println!("[{n}/5] {what}");
}

fn done(what: &str) {
    println!("      ✓ {what}");
}

/// Polls an adapter until deliveries of every type in `types` exist for `mrn`, acknowledges
/// them, and returns them.
pub async fn wait_for(
    adapter: &HubClient,
    mrn: &str,
    types: &[&str],
    timeout: Duration,
) -> anyhow::Result<Vec<Delivery>> {
    let started = Instant::now();
    loop {
        let found: Vec<Delivery> = adapter
            .pending(0)
            .await?
            .into_iter()
            .filter(|d| d.mrn == mrn && types.contains(&d.message_type.as_str()))
            .collect();
        if types
            .iter()
            .all(|t| found.iter().any(|d| d.message_type == *t))
        {
            for d in &found {
                adapter.acknowledge(d.message_id).await?;
            }
            return Ok(found);
        }
        if started.elapsed() > timeout {
            let seen: Vec<&str> = found.iter().map(|d| d.message_type.as_str()).collect();
            bail!(
                "after {}s, {} has delivered {:?} of {:?} for {mrn}. Look at the tracker's log (.data/logs/tracker.log) and deploy/local/status",
                timeout.as_secs(),
                adapter.base(),
                seen,
                types
            );
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
