//! `sigmat national …`: translate national files and write the mapping reports.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};
use transit_codec::json;
use transit_model::guarantee_check::GuaranteeCheckResult;
use transit_model::CountryCode;
use transit_national::{report, Family, Translator};

/// What to do with national formats.
#[derive(Debug, Subcommand)]
pub enum NationalCommand {
    /// Translate a national message file into the standardized JSON (printed), or with
    /// --to-national a standardized JSON file into the national format. Errors say what,
    /// where (element path, JSON pointer or EDIFACT segment) and why. A train confirmation
    /// (rail) is translated too, both ways (schemas/rail/v1/train-confirmation.schema.json).
    Translate(TranslateArgs),
    /// Write the mapping report of each family — national field → WCO element, the code
    /// tables, and the conformity level each example reaches — as Markdown.
    Report(ReportArgs),
}

/// `sigmat national translate`.
#[derive(Debug, Args)]
pub struct TranslateArgs {
    /// asycuda, sydam, gainde or ncts.
    #[arg(long)]
    pub family: String,
    /// The country whose mapping tables to use, e.g. BF.
    #[arg(long)]
    pub country: String,
    /// A mapping file instead of the one shipped for the country.
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// Read standardized JSON and write the national format.
    #[arg(long)]
    pub to_national: bool,
    /// The file to translate.
    pub file: PathBuf,
}

/// `sigmat national report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Where to write `<family>.md`.
    #[arg(long, default_value = "docs/national")]
    pub out: PathBuf,
    /// The repository's `schemas/national` (examples are read from there).
    #[arg(long, default_value = "schemas/national")]
    pub schemas: PathBuf,
}

/// The family, country and file extension each report is written for.
pub const REPORTS: &[(Family, &str, &str)] = &[
    (Family::Asycuda, "BF", "xml"),
    (Family::Sydam, "CI", "json"),
    (Family::Gainde, "SN", "edi"),
    (Family::Ncts, "GH", "xml"),
];

fn translator(
    family: Family,
    country: &str,
    mapping: Option<&Path>,
) -> anyhow::Result<std::sync::Arc<dyn Translator>> {
    let country = CountryCode::parse(country)?;
    national_families::translator(family, country, mapping)?
        .context("choose a national family: asycuda, sydam, gainde or ncts")
}

/// The report of one family, from the examples in `schemas`.
pub fn report_for(
    family: Family,
    country: &str,
    ext: &str,
    schemas: &Path,
) -> anyhow::Result<String> {
    let t = translator(family, country, None)?;
    let dir = schemas.join(family.as_str()).join("examples");
    let mut fixtures: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .with_context(|| {
            format!(
                "reading {} (run from the repository root or pass --schemas)",
                dir.display()
            )
        })?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            std::fs::read(&p).map(|b| (name, b))
        })
        .collect::<Result<_, _>>()?;
    fixtures.sort();
    // A family may say how a country connects (schemas/national/<family>/connect.md).
    let guide = std::fs::read_to_string(schemas.join(family.as_str()).join("connect.md")).ok();
    Ok(report::render(t.as_ref(), &fixtures, guide.as_deref()))
}

/// Runs a `sigmat national` command.
pub fn run(command: NationalCommand) -> anyhow::Result<()> {
    match command {
        NationalCommand::Translate(args) => {
            let family = Family::parse(&args.family)
                .filter(|f| *f != Family::Standard)
                .context("--family must be asycuda, sydam, gainde or ncts")?;
            let t = translator(family, &args.country, args.mapping.as_deref())?;
            let bytes = std::fs::read(&args.file)
                .with_context(|| format!("reading {}", args.file.display()))?;
            let refused = |e: transit_national::TranslateError| {
                anyhow::anyhow!(
                    "{}: refused ({}) at {}: {}. {}",
                    args.file.display(),
                    e.class.as_str(),
                    e.place,
                    e.reason,
                    e.hint()
                )
            };
            // Rail: a confirmation for a whole train, either way.
            if args.to_national {
                if let Ok(train) = transit_rail::TrainConfirmation::parse(&bytes) {
                    let national = t.train_to_national(&train).map_err(refused)?;
                    std::io::Write::write_all(&mut std::io::stdout().lock(), &national)
                        .context("writing to standard output")?;
                    return Ok(());
                }
            } else if let Some(train) = t.train_to_standard(&bytes) {
                let train = train.map_err(refused)?;
                println!("{}", serde_json::to_string_pretty(&train.confirmation)?);
                return Ok(());
            }
            // Guarantee checks: a question read, an answer written (or read back).
            if args.to_national {
                if let Ok(result) = serde_json::from_slice::<GuaranteeCheckResult>(&bytes) {
                    let national = t.guarantee_result_to_national(&result).map_err(refused)?;
                    std::io::Write::write_all(&mut std::io::stdout().lock(), &national)
                        .context("writing to standard output")?;
                    return Ok(());
                }
            } else if let Some(check) = t.guarantee_check_to_standard(&bytes) {
                let check = check.map_err(refused)?;
                println!("{}", serde_json::to_string_pretty(&check.check)?);
                return Ok(());
            } else if let Some(result) = t.guarantee_result_to_standard(&bytes) {
                let result = result.map_err(refused)?;
                println!("{}", serde_json::to_string_pretty(&result)?);
                return Ok(());
            }
            if args.to_national {
                let message = json::decode(&bytes).map_err(|e| {
                    anyhow::anyhow!(
                        "{}: {} at {} (line {}, column {})",
                        args.file.display(),
                        e.reason,
                        e.pointer,
                        e.line,
                        e.column
                    )
                })?;
                // The exact bytes, in the character encoding the country's system reads.
                let national = t.to_national(&message)?;
                std::io::Write::write_all(&mut std::io::stdout().lock(), &national)
                    .context("writing to standard output")?;
            } else {
                let message = t.to_standard(&bytes).map_err(refused)?;
                let value: serde_json::Value = serde_json::from_slice(&json::encode(&message))?;
                println!("{}", serde_json::to_string_pretty(&value)?);
            }
            Ok(())
        }
        NationalCommand::Report(args) => {
            std::fs::create_dir_all(&args.out)
                .with_context(|| format!("creating {}", args.out.display()))?;
            for (family, country, ext) in REPORTS {
                let text = report_for(*family, country, ext, &args.schemas)?;
                let path = args.out.join(format!("{}.md", family.as_str()));
                std::fs::write(&path, text)
                    .with_context(|| format!("writing {}", path.display()))?;
                println!("wrote {}", path.display());
            }
            Ok(())
        }
    }
}
