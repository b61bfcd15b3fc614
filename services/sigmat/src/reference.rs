//! `sigmat reference`: the network's reference data from a terminal — show the version in
//! force, compare files with it, import them as the next version. Through the hub API as the
//! operator who logs in (a hub operator), so every import is checked and audited there and
//! reaches every running service without a restart.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};
use transit_http::reference::ImportRequest;
use transit_model::reference::document::{AGREEMENTS_FILE, FILES, TELEMATICS_FILES};
use transit_model::reference::{diff, ReferenceDocument, ReferenceVersion};

use crate::dlq::{client, Login};

/// `sigmat reference …`
#[derive(Args, Debug)]
pub struct ReferenceArgs {
    #[command(flatten)]
    login: Login,
    #[command(subcommand)]
    command: ReferenceCommand,
}

#[derive(Subcommand, Debug)]
enum ReferenceCommand {
    /// Shows the version in force: when and by whom it was imported, and its offices by
    /// country with their roles and validity.
    Show,
    /// Lists what importing the files would change, one line each (+ added, - removed,
    /// ~ changed, with what it was). Changes nothing.
    Diff {
        /// The directory holding the files, laid out as schemas/: reference/offices.json,
        /// reference/corridors.json, reference/guarantee-cover.json and codelists/*.json.
        #[arg(default_value = "schemas")]
        dir: PathBuf,
    },
    /// Imports the files as the next version: checked, compared, kept, audited and sent to
    /// every service, which decide under it from their next batch. Nothing is kept if
    /// nothing changed, if a file is wrong, or if someone imported since this command read
    /// the version in force.
    Import {
        /// The directory holding the files (as for diff).
        #[arg(default_value = "schemas")]
        dir: PathBuf,
        /// Why, for the history and the audit log (a ticket, a circular).
        #[arg(long)]
        note: String,
    },
}

/// Reads the reference files under `dir` and checks them together.
fn read_document(dir: &Path) -> anyhow::Result<ReferenceDocument> {
    let texts = FILES
        .iter()
        .map(|path| {
            let file = dir.join(path);
            std::fs::read_to_string(&file)
                .with_context(|| {
                    format!(
                        "reading {} (a reference directory holds {})",
                        file.display(),
                        FILES.join(", ")
                    )
                })
                .map(|text| (*path, text))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    // The telematics geography and rules and the agreements go with the reference data when
    // the directory has them (the risk rules have their own command, sigmat rules import; the
    // agreements have theirs too, sigmat agreements import). Without them, the hub keeps the
    // ones in force.
    let mut texts = texts;
    for path in TELEMATICS_FILES.into_iter().chain([AGREEMENTS_FILE]) {
        if let Ok(text) = std::fs::read_to_string(dir.join(path)) {
            texts.push((path, text));
        }
    }
    let document =
        ReferenceDocument::from_texts(texts.iter().map(|(path, text)| (*path, text.as_str())))?;
    document
        .check()
        .with_context(|| format!("the files under {} cannot be used", dir.display()))?;
    Ok(document)
}

/// What importing `document` over `latest` changes.
fn changes(latest: &ReferenceVersion, document: &ReferenceDocument) -> anyhow::Result<Vec<String>> {
    let new = document.check()?;
    Ok(match latest.document.check() {
        Ok(old) => diff::changes(&old, &new),
        Err(err) => vec![format!(
            "~ every file (version {} cannot be read: {err})",
            latest.version
        )],
    })
}

fn show(version: &ReferenceVersion) -> anyhow::Result<()> {
    println!(
        "reference data version {} — imported {} by {}{}",
        version.version,
        version.imported_at.format("%Y-%m-%d %H:%M:%S UTC"),
        version.imported_by,
        if version.note.is_empty() {
            String::new()
        } else {
            format!(": {}", version.note)
        }
    );
    let checked = version.document.check()?;
    let data = &checked.data;
    println!(
        "{} offices, {} corridors, {} countries with the guarantee honoured",
        data.offices().count(),
        data.corridors().len(),
        checked.cover.countries().len()
    );
    for office in data.offices() {
        let roles: Vec<String> = office
            .roles
            .iter()
            .map(|r| format!("{r:?}").to_lowercase())
            .collect();
        println!(
            "  {}  {:<2} {:<32} {:<30} {}",
            office.code,
            office.country,
            office.name,
            roles.join(", "),
            office.validity()
        );
    }
    for corridor in data.corridors() {
        let route: Vec<String> = corridor.offices.iter().map(ToString::to_string).collect();
        println!("  corridor {:<28} {}", corridor.id, route.join(" → "));
    }
    Ok(())
}

/// Runs a `sigmat reference` command.
pub async fn run(args: ReferenceArgs) -> anyhow::Result<()> {
    let api = client(&args.login).await?;
    let latest = api.reference_document().await?;
    match args.command {
        ReferenceCommand::Show => show(&latest)?,
        ReferenceCommand::Diff { dir } => {
            let lines = changes(&latest, &read_document(&dir)?)?;
            if lines.is_empty() {
                println!("no changes from version {}", latest.version);
            } else {
                let changes = if lines.len() == 1 {
                    "change"
                } else {
                    "changes"
                };
                println!("{} {changes} from version {}:", lines.len(), latest.version);
            }
            for line in &lines {
                println!("{line}");
            }
        }
        ReferenceCommand::Import { dir, note } => {
            let document = read_document(&dir)?;
            let outcome = api
                .import_reference(&ImportRequest {
                    based_on: latest.version,
                    note,
                    document,
                })
                .await?;
            print_import(
                &outcome,
                "every tracker and API decides under it from its next batch",
            );
        }
    }
    Ok(())
}

/// What an import did, as `reference import` and `agreements import` print it: each change,
/// then the version kept (and what `follows`), or that nothing was.
pub(crate) fn print_import(outcome: &transit_http::reference::ImportOutcome, follows: &str) {
    for line in &outcome.changes {
        println!("{line}");
    }
    if outcome.imported {
        println!(
            "imported as version {}: {follows} (their logs say \"reference data version {} in force\"; metric sigmat_reference_version)",
            outcome.version, outcome.version
        );
    } else {
        println!(
            "no changes from version {}; nothing imported",
            outcome.version
        );
    }
}
