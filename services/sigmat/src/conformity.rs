//! `sigmat conformity`: the WCO Conformity Framework level of message files.

use std::path::PathBuf;

use anyhow::Context;
use transit_codec::conformity;

/// Arguments of `sigmat conformity`.
#[derive(clap::Args, Debug, Clone)]
pub struct ConformityArgs {
    /// Standardized messages to check, JSON or XML (e.g. schemas/transit/v1/examples/*.json).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Print one JSON report per file (a JSON array) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Exit with status 1 if a file reaches a lower level than this (0 to 4).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u8).range(0..=4))]
    pub min_level: u8,
}

/// Checks every file; returns whether all reached `min_level`.
pub fn run(args: &ConformityArgs) -> anyhow::Result<bool> {
    let mut reports = Vec::new();
    for file in &args.files {
        let bytes =
            std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        reports.push((file.display().to_string(), conformity::check(&bytes)));
    }
    if args.json {
        let values: Vec<serde_json::Value> = reports
            .iter()
            .map(|(file, report)| {
                let mut value = serde_json::to_value(report).unwrap_or_default();
                value["file"] = file.clone().into();
                value
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&values)?);
    } else {
        for (file, report) in &reports {
            print!("{}", report.to_text(file));
        }
    }
    Ok(reports.iter().all(|(_, r)| r.level >= args.min_level))
}
