//! `sigmat reference`: the network's reference data from a terminal — show the version in
//! force, export its files, compare edited files with it, import them as the next version.
//! Through the hub API as the operator who logs in (a hub operator), so every import is checked
//! and audited there and reaches every running service without a restart. The cycle is
//! export → edit → diff → import: an exported directory says which version it came from
//! ([`EXPORTED_FROM`]), and an import prepared from an older version than the one in force is
//! refused.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};
use transit_http::reference::ImportRequest;
use transit_model::reference::document::{AGREEMENTS_FILE, FILES, TELEMATICS_FILES};
use transit_model::reference::{diff, mappings, ReferenceDocument, ReferenceVersion};

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
    /// Writes the version in force into DIR, laid out as schemas/: the reference data, the
    /// code lists, the national mapping tables (national/mapping/<cc>.json), the agreements,
    /// the risk and telematics rules, and exported-from.json saying which version they are.
    /// Edit them there, then diff and import DIR.
    Export {
        /// A directory that does not exist yet, or is empty.
        dir: PathBuf,
    },
    /// Lists what importing the files would change, one line each (+ added, - removed,
    /// ~ changed, with what it was). Changes nothing.
    Diff {
        /// The directory holding the files, laid out as schemas/: reference/offices.json,
        /// reference/corridors.json, reference/guarantee-cover.json, codelists/*.json and,
        /// if changed, national/mapping/<cc>.json (best: a directory written by export).
        dir: PathBuf,
    },
    /// Imports the files as the next version: checked, compared, kept, audited and sent to
    /// every service, which decide under it from their next batch (the adapters take their
    /// country's mapping table from it). Nothing is kept if nothing changed, if a file is
    /// wrong, or if the files were prepared from an older version than the one in force.
    Import {
        /// The directory holding the files (as for diff), normally one written by export.
        dir: PathBuf,
        /// Why, for the history and the audit log (a ticket, a circular).
        #[arg(long)]
        note: String,
        /// The version the files were prepared from, for a directory export did not write
        /// (one written by export says it in exported-from.json).
        #[arg(long)]
        based_on: Option<i64>,
    },
}

/// The file `export` writes beside the data: which version the directory holds.
pub const EXPORTED_FROM: &str = "exported-from.json";

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
    let mut texts: Vec<(String, String)> = texts
        .into_iter()
        .map(|(path, text)| (path.to_owned(), text))
        .collect();
    for path in TELEMATICS_FILES.into_iter().chain([AGREEMENTS_FILE]) {
        if let Ok(text) = std::fs::read_to_string(dir.join(path)) {
            texts.push((path.to_owned(), text));
        }
    }
    // The national mapping tables the directory has; a country's left out keeps the one in
    // force.
    if let Ok(entries) = std::fs::read_dir(dir.join(mappings::MAPPINGS_DIR)) {
        for entry in entries {
            let name = entry?.file_name().to_string_lossy().into_owned();
            let path = format!("{}{name}", mappings::MAPPINGS_DIR);
            anyhow::ensure!(
                mappings::country_of_path(&path).is_some(),
                "{} is not a mapping table: a table is named after its country, in lower case (bf.json)",
                dir.join(&path).display()
            );
            let text = std::fs::read_to_string(dir.join(&path))
                .with_context(|| format!("reading {}", dir.join(&path).display()))?;
            texts.push((path, text));
        }
    }
    let document = ReferenceDocument::from_texts(
        texts
            .iter()
            .map(|(path, text)| (path.as_str(), text.as_str())),
    )?;
    document
        .check()
        .with_context(|| format!("the files under {} cannot be used", dir.display()))?;
    Ok(document)
}

/// What importing `document` over `latest` changes (its mapping tables as the hub would keep
/// them: a country's left out keeps the one in force).
fn changes(latest: &ReferenceVersion, document: &ReferenceDocument) -> anyhow::Result<Vec<String>> {
    let document = document.with_mappings_in_force(&latest.document);
    let new = document.check()?;
    for (country, table) in document.mappings() {
        transit_national::Mapping::from_value(table)
            .with_context(|| format!("{} cannot be used", mappings::path_of(country)))?;
    }
    let mut lines = match latest.document.check() {
        Ok(old) => diff::changes(&old, &new),
        Err(err) => vec![format!(
            "~ every file (version {} cannot be read: {err})",
            latest.version
        )],
    };
    lines.extend(mappings::changes(
        &latest.document.with_mappings_in_force(&latest.document),
        &document,
    ));
    Ok(lines)
}

/// Writes `version`'s files under `dir` (which must not hold anything yet), and which version
/// they are.
fn export(version: &ReferenceVersion, dir: &Path) -> anyhow::Result<usize> {
    if let Ok(mut entries) = std::fs::read_dir(dir) {
        anyhow::ensure!(
            entries.next().is_none(),
            "{} is not empty: export into a new directory (so nothing of an earlier edit is mixed in)",
            dir.display()
        );
    }
    // The national mapping tables the adapters use, the published ones where the version
    // carries none.
    let document = version.document.with_mappings_in_force(&version.document);
    for (path, json) in &document.0 {
        let file = dir.join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&file, format!("{}\n", serde_json::to_string_pretty(json)?))
            .with_context(|| format!("writing {}", file.display()))?;
    }
    let marker = serde_json::json!({
        "version": version.version,
        "importedAt": version.imported_at,
        "importedBy": version.imported_by,
        "note": version.note,
    });
    std::fs::write(
        dir.join(EXPORTED_FROM),
        format!("{}\n", serde_json::to_string_pretty(&marker)?),
    )?;
    Ok(document.0.len())
}

/// The version the files under `dir` were prepared from: `--based-on`, else the export's
/// marker.
fn based_on(dir: &Path, given: Option<i64>) -> anyhow::Result<i64> {
    let marker = dir.join(EXPORTED_FROM);
    if let Some(version) = given {
        if let Ok(exported) = based_on(dir, None) {
            anyhow::ensure!(
                exported == version,
                "--based-on {version}, but {} says its files are version {exported}: leave --based-on out (an exported directory says its version itself)",
                marker.display()
            );
        }
        return Ok(version);
    }
    let text = std::fs::read_to_string(&marker).map_err(|_| {
        anyhow::anyhow!(
            "{} does not say which version its files were prepared from ({} is missing): export the version in force with `sigmat reference export NEW_DIR`, make your changes there and import that directory, or give --based-on N (the version you compared with: sigmat reference show)",
            dir.display(),
            EXPORTED_FROM
        )
    })?;
    let json: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("reading {}", marker.display()))?;
    json["version"].as_i64().with_context(|| {
        format!(
            "{} has no \"version\" number; export again",
            marker.display()
        )
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
        ReferenceCommand::Export { dir } => {
            let files = export(&latest, &dir)?;
            println!(
                "reference data version {version} written to {dir} ({files} files and {EXPORTED_FROM}); edit them there, then: sigmat reference diff {dir}; sigmat reference import {dir} --note \"why\"",
                version = latest.version,
                dir = dir.display()
            );
        }
        ReferenceCommand::Diff { dir } => {
            if let Ok(exported) = based_on(&dir, None) {
                if exported < latest.version {
                    eprintln!(
                        "warning: these files were exported from version {exported}, and version {} is in force: a line below you did not write undoes what was imported since, and import will refuse these files; export again and redo your changes there",
                        latest.version
                    );
                }
            }
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
        ReferenceCommand::Import {
            dir,
            note,
            based_on: given,
        } => {
            let based_on = based_on(&dir, given)?;
            anyhow::ensure!(
                based_on >= latest.version,
                "the files under {} were prepared from version {based_on}, but version {} is in force: importing them would undo what was imported since. Export the version in force (sigmat reference export NEW_DIR), make your changes there, and import that",
                dir.display(),
                latest.version
            );
            let document = read_document(&dir)?;
            let outcome = api
                .import_reference(&ImportRequest {
                    based_on,
                    note,
                    document,
                })
                .await?;
            print_import(
                &outcome,
                "every tracker and API decides under it from its next batch, every adapter translates with its country's national mapping in it",
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
