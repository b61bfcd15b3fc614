//! `sigmat demo`: one movement across the Abidjan–Ouagadougou corridor, through the running
//! adapters, the broker, the tracker and PostgreSQL — with Côte d'Ivoire's national system
//! speaking SYDAM-style JSON and Burkina Faso's ASYCUDA-style XML, played by simulators.

use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use national_sim::{Received, Simulator};
use transit_http::client::HubClient;
use transit_model::{CountryCode, MessageType, StandardMessage};
use transit_national::Family;

use transit_scenario::{Corridor, Movement};

/// Where the running services are.
#[derive(clap::Args, Debug, Clone)]
pub struct DemoArgs {
    /// Côte d'Ivoire's adapter and token.
    #[command(flatten)]
    pub ci: CiSystem,
    /// Burkina Faso's adapter (transit border post and destination; ASYCUDA-style XML).
    #[arg(
        long,
        default_value = "http://127.0.0.1:18102",
        env = "SIGMAT_DEMO_BF_ADAPTER"
    )]
    pub bf_adapter: String,
    /// Burkina Faso's national system's token at its adapter (the local demo's by default).
    #[arg(
        long,
        default_value = "sigmat-demo-bf",
        env = "SIGMAT_DEMO_BF_TOKEN",
        hide_default_value = true
    )]
    pub bf_token: String,
    /// The hub's API.
    #[arg(
        long,
        default_value = "http://127.0.0.1:18080",
        env = "SIGMAT_DEMO_API"
    )]
    pub api: String,
    /// The operator account the demo reads the movement with (`deploy/local/up` creates it).
    #[arg(long, default_value = "demo-operator", env = "SIGMAT_DEMO_USER")]
    pub api_user: String,
    /// Its password (local demo accounts only).
    #[arg(
        long,
        default_value = "sigmat-demo",
        env = "SIGMAT_DEMO_PASSWORD",
        hide_default_value = true
    )]
    pub api_password: String,
    /// Give up on a step after this many seconds.
    #[arg(long, default_value_t = 120)]
    pub timeout_secs: u64,
}

/// Côte d'Ivoire's national system as the demo and `sigmat load` play it: where its adapter
/// listens, and the token it calls with.
#[derive(clap::Args, Debug, Clone)]
pub struct CiSystem {
    /// Côte d'Ivoire's adapter (departure country; SYDAM-style JSON).
    #[arg(
        long,
        default_value = "http://127.0.0.1:18101",
        env = "SIGMAT_DEMO_CI_ADAPTER"
    )]
    pub ci_adapter: String,
    /// Côte d'Ivoire's national system's token at its adapter (the local demo's by default).
    #[arg(
        long,
        default_value = "sigmat-demo-ci",
        env = "SIGMAT_DEMO_CI_TOKEN",
        hide_default_value = true
    )]
    pub ci_token: String,
}

impl CiSystem {
    /// A simulator of Côte d'Ivoire's SYDAM in front of its adapter.
    pub fn simulator(&self) -> anyhow::Result<Simulator> {
        Ok(
            Simulator::new(Family::Sydam, CountryCode::parse("CI")?, &self.ci_adapter)?
                .with_token(&self.ci_token),
        )
    }
}

/// Runs the demo, printing each step.
pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    let ci = args.ci.simulator()?;
    let bf = Simulator::new(Family::Asycuda, CountryCode::parse("BF")?, &args.bf_adapter)?
        .with_token(&args.bf_token);
    let api = HubClient::new(&args.api);
    let timeout = Duration::from_secs(args.timeout_secs);
    let corridor = Corridor::abidjan_ouagadougou();
    let movement = Movement::new(corridor.clone(), Utc::now());
    let mrn = movement.mrn.to_string();
    let border = corridor.transit[0].clone();

    println!(
        "Demo movement {mrn}: {} (Abidjan port, CI) → {} (Niangoloko border, BF) → {} (Ouagadougou, BF)",
        corridor.departure, border, corridor.destination
    );
    println!("Côte d'Ivoire's system speaks SYDAM-style JSON, Burkina Faso's ASYCUDA-style XML.");

    step(
        1,
        "Côte d'Ivoire's SYDAM releases the declaration for transit",
    );
    send(&ci, &movement.release(), "CI's adapter").await?;

    step(
        2,
        "Burkina Faso's ASYCUDA receives the transit record (Niangoloko) and the arrival record (Ouagadougou)",
    );
    for kind in [
        MessageType::AnticipatedTransitRecord,
        MessageType::AnticipatedArrivalRecord,
    ] {
        let got = bf.wait_for(&mrn, kind, timeout).await?;
        received(&got, "BF's ASYCUDA");
    }

    step(
        3,
        "The Niangoloko border post confirms the truck's passage in ASYCUDA",
    );
    send(&bf, &movement.passage(&border, Utc::now()), "BF's adapter").await?;

    step(
        4,
        "Ouagadougou confirms the arrival and a satisfactory control in ASYCUDA",
    );
    send(&bf, &movement.arrival(Utc::now()), "BF's adapter").await?;
    send(&bf, &movement.control_results(Utc::now()), "BF's adapter").await?;

    step(
        5,
        "Côte d'Ivoire's SYDAM receives every confirmation and the discharge",
    );
    for kind in [
        MessageType::NotificationCrossingFrontier,
        MessageType::ArrivalAdvice,
        MessageType::DestinationControlResults,
        MessageType::WriteOffNotification,
    ] {
        let got = ci.wait_for(&mrn, kind, timeout).await?;
        received(&got, "CI's SYDAM");
    }

    let api = match api.login(&args.api_user, &args.api_password).await {
        Ok(api) => api,
        Err(e) => {
            println!();
            println!(
                "Movement {mrn} completed. (Could not log in to the API as {} to show it: {e}.)",
                args.api_user
            );
            return Ok(());
        }
    };
    let view = api
        .movement(&mrn)
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
        "See it yourself: {}/officer/ (find {}) and {}/dashboard/",
        api.base(),
        view.mrn,
        api.base()
    );
    Ok(())
}

fn step(n: u32, what: &str) {
    println!("[{n}/5] {what}");
}

fn done(what: &str) {
    println!("      ✓ {what}");
}

/// The first lines of a national document, indented, to show its format.
fn excerpt(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(4)
        .map(|l| format!("        │ {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

async fn send(sim: &Simulator, message: &StandardMessage, adapter: &str) -> anyhow::Result<()> {
    let national = sim.translator().to_national(message)?;
    println!("{}", excerpt(&national));
    let sent = sim
        .send_national(national)
        .await
        .with_context(|| format!("sending {} to {adapter}", message.message_type()))?;
    if sent.status != 202 {
        anyhow::bail!(
            "{adapter} refused the {}: {}",
            message.message_type(),
            String::from_utf8_lossy(&sent.answer)
        );
    }
    done(&format!(
        "{} accepted by {adapter} (answered in the national format)",
        message.message_type()
    ));
    Ok(())
}

fn received(got: &Received, system: &str) {
    done(&format!(
        "{} for {} delivered to {system}",
        got.message.message_type(),
        got.message.header().recipient.as_str()
    ));
    println!("{}", excerpt(&got.national));
}
