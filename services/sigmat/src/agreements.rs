//! `sigmat agreements`: the data-sharing agreements from a terminal — show the ones in force
//! (who shares what with whom, under which legal text, when), compare an agreements file with
//! them, import it as the next version of the reference data. Through the hub API as a hub
//! operator, so every import is checked and audited there and reaches every tracker and API
//! without a restart: each copy made from then on follows it.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};
use transit_http::reference::ImportRequest;
use transit_model::reference::agreements::Agreements;
use transit_model::reference::diff::describe_agreement;
use transit_model::reference::document::AGREEMENTS_FILE;
use transit_model::reference::{ReceivingRole, ReferenceVersion};

use crate::dlq::{client, Login};

/// `sigmat agreements …`
#[derive(Args, Debug)]
pub struct AgreementsArgs {
    #[command(flatten)]
    login: Login,
    #[command(subcommand)]
    command: AgreementsCommand,
}

#[derive(Subcommand, Debug)]
enum AgreementsCommand {
    /// Shows the agreements in force: for each, its countries, days, legal text, and what
    /// goes to an office of transit, a destination and a diverted destination.
    Show {
        /// Print them as an agreements file (JSON) instead, to edit and import.
        #[arg(long)]
        json: bool,
    },
    /// Lists what importing the file would change, one line each (+ added, - removed,
    /// ~ changed, with what it was). Changes nothing.
    Diff {
        /// An agreements file (schemas/reference/agreements.json's format; start from
        /// `sigmat agreements show --json`).
        file: PathBuf,
    },
    /// Imports the file as the next version of the reference data (the rest unchanged):
    /// checked, compared, kept, audited, and followed by every copy the hub makes from the
    /// trackers' next batch. Nothing is kept if nothing changed, if the file is wrong, or if
    /// someone imported since this command read the version in force.
    Import {
        /// The agreements file.
        file: PathBuf,
        /// Why, for the history and the audit log (a treaty's entry into force, a circular).
        #[arg(long)]
        note: String,
    },
}

/// Reads and checks an agreements file.
fn read_agreements(file: &Path) -> anyhow::Result<serde_json::Value> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    Agreements::from_json(&text)
        .map_err(|e| anyhow::anyhow!("{} cannot be used: {e}", file.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", file.display()))
}

/// The agreements of a version (its file, or the ones published with sigmat).
fn agreements_of(version: &ReferenceVersion) -> anyhow::Result<Agreements> {
    Ok(version.document.check()?.agreements)
}

fn show(version: &ReferenceVersion) -> anyhow::Result<()> {
    let agreements = agreements_of(version)?;
    let source = if version.document.file(AGREEMENTS_FILE).is_some() {
        "imported"
    } else {
        "published with sigmat"
    };
    println!(
        "data-sharing agreements of reference data version {} ({source}): {}",
        version.version,
        agreements.agreements.len()
    );
    for agreement in &agreements.agreements {
        let countries: Vec<&str> = agreement.countries.iter().map(|c| c.as_str()).collect();
        println!(
            "  {:<20} {:?}, {}: {}",
            agreement.id.as_str(),
            agreement.kind,
            agreement.validity(),
            countries.join(" ")
        );
        println!(
            "      {} — {}",
            agreement.legal_reference.title, agreement.legal_reference.article
        );
        for role in [
            ReceivingRole::Transit,
            ReceivingRole::Destination,
            ReceivingRole::DivertedDestination,
        ] {
            let withheld: Vec<&str> = agreement
                .withholds(role)
                .into_iter()
                .map(|g| g.as_str())
                .collect();
            println!(
                "      to {:<20} {}",
                role.as_str(),
                if withheld.is_empty() {
                    "everything".to_owned()
                } else {
                    format!("all but {}", withheld.join(", "))
                }
            );
        }
    }
    Ok(())
}

/// Runs a `sigmat agreements` command.
pub async fn run(args: AgreementsArgs) -> anyhow::Result<()> {
    let api = client(&args.login).await?;
    let latest = api.reference_document().await?;
    match args.command {
        AgreementsCommand::Show { json: false } => show(&latest)?,
        AgreementsCommand::Show { json: true } => {
            let agreements = agreements_of(&latest)?;
            println!("{}", serde_json::to_string_pretty(&agreements)?);
        }
        AgreementsCommand::Diff { file } => {
            let new = Agreements::from_json(&read_agreements(&file)?.to_string())?;
            let old = agreements_of(&latest)?;
            let lines = changes(&old, &new);
            if lines.is_empty() {
                println!("no changes from version {}", latest.version);
            } else {
                println!("{} change(s) from version {}:", lines.len(), latest.version);
            }
            for line in &lines {
                println!("{line}");
            }
        }
        AgreementsCommand::Import { file, note } => {
            let mut document = latest.document.clone();
            document
                .0
                .insert(AGREEMENTS_FILE.to_owned(), read_agreements(&file)?);
            let outcome = api
                .import_reference(&ImportRequest {
                    based_on: latest.version,
                    note,
                    document,
                })
                .await?;
            crate::reference::print_import(
                &outcome,
                "every copy the trackers make from their next batch follows these agreements",
            );
        }
    }
    Ok(())
}

/// The lines `reference diff` would print for the agreements alone.
fn changes(old: &Agreements, new: &Agreements) -> Vec<String> {
    let described = |a: &Agreements| -> std::collections::BTreeMap<String, String> {
        a.agreements
            .iter()
            .map(|x| (x.id.to_string(), describe_agreement(x)))
            .collect()
    };
    let (before, after) = (described(old), described(new));
    let mut lines = Vec::new();
    for (id, line) in &after {
        match before.get(id) {
            None => lines.push(format!("+ agreement {id}: {line}")),
            Some(was) if was != line => lines.push(format!("~ agreement {id}: {line} (was {was})")),
            Some(_) => {}
        }
    }
    for (id, line) in &before {
        if !after.contains_key(id) {
            lines.push(format!("- agreement {id}: {line}"));
        }
    }
    lines
}
