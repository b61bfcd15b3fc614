//! `sigmat disclosures`: the disclosure register from a terminal — for a country's
//! data-protection officer, what of its transit data went to which other country between two
//! dates, and under which agreement (copies sent to national systems and reads through the
//! hub's API). Through the hub API as an operator of that country (a hub operator names the
//! country with `--from`); every consultation is audited there.

use chrono::{DateTime, Utc};
use clap::Args;
use transit_http::disclosures::DisclosureReport;

use crate::dlq::{client, Login};

/// `sigmat disclosures …`
#[derive(Args, Debug)]
pub struct DisclosuresArgs {
    #[command(flatten)]
    login: Login,
    /// Whose data (a country code; a country's operator reads its own and may leave it out).
    #[arg(long)]
    from: Option<String>,
    /// To which country (default: every country).
    #[arg(long)]
    to: Option<String>,
    /// From this instant, RFC 3339 (default: 30 days before --until).
    #[arg(long)]
    since: Option<DateTime<Utc>>,
    /// Before this instant, RFC 3339 (default: now).
    #[arg(long)]
    until: Option<DateTime<Utc>>,
    /// Print the register's answer as JSON instead.
    #[arg(long)]
    json: bool,
}

fn query(args: &DisclosuresArgs) -> String {
    let mut parts = Vec::new();
    let mut add = |key: &str, value: String| {
        let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
        parts.push(format!("{key}={encoded}"));
    };
    if let Some(from) = &args.from {
        add("from", from.clone());
    }
    if let Some(to) = &args.to {
        add("to", to.clone());
    }
    if let Some(since) = args.since {
        add("since", since.to_rfc3339());
    }
    if let Some(until) = args.until {
        add("until", until.to_rfc3339());
    }
    parts.join("&")
}

fn print(report: &DisclosureReport) {
    println!(
        "{}'s data disclosed to {} from {} to {}: {} entries{}",
        report.from,
        report.to.as_deref().unwrap_or("every country"),
        report.since.format("%Y-%m-%d %H:%M UTC"),
        report.until.format("%Y-%m-%d %H:%M UTC"),
        report.entries.len(),
        if report.truncated {
            " (more exist: narrow the period)"
        } else {
            ""
        }
    );
    for e in &report.entries {
        let what = match (&e.message_type, &e.reader) {
            (Some(t), _) => format!("copy {t}"),
            (None, Some(reader)) => format!("read by {reader}"),
            (None, None) => e.channel.clone(),
        };
        println!(
            "  {}  {}  → {} {} ({})  {}  under {}: shared {}{}",
            e.at.format("%Y-%m-%d %H:%M:%S"),
            e.mrn,
            e.to,
            e.office,
            e.role,
            what,
            e.agreement
                .as_deref()
                .unwrap_or("no marker (as the departure sent it)"),
            e.shared.join(","),
            if e.withheld.is_empty() {
                String::new()
            } else {
                format!("; withheld {}", e.withheld.join(","))
            }
        );
    }
}

/// Runs `sigmat disclosures`.
pub async fn run(args: DisclosuresArgs) -> anyhow::Result<()> {
    let api = client(&args.login).await?;
    let report = api.disclosures(&query(&args)).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print(&report);
    }
    Ok(())
}
