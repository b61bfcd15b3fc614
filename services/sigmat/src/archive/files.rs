//! The archive on disk: one file per month, `movements-YYYY-MM.jsonl.gz` — one archived
//! movement per line (`transit_store::archive::ArchivedMovement`, JSON), gzip-compressed. Each
//! run that archives into a month appends a gzip member of its own, so a file is never
//! rewritten; `zcat movements-2026-09.jsonl.gz | grep 26CI…` reads it without sigmat.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use transit_store::archive::ArchivedMovement;

/// The file of `month` (`YYYY-MM`) in `dir`.
pub(crate) fn month_file(dir: &Path, month: &str) -> PathBuf {
    dir.join(format!("movements-{month}.jsonl.gz"))
}

/// The months archived in `dir`, oldest first, with their files.
pub(crate) fn months(dir: &Path) -> anyhow::Result<Vec<(String, PathBuf)>> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if let Some(month) = name
            .strip_prefix("movements-")
            .and_then(|n| n.strip_suffix(".jsonl.gz"))
        {
            found.push((month.to_owned(), path.clone()));
        }
    }
    found.sort();
    Ok(found)
}

/// Appends `movements` to `month`'s file as one gzip member, and makes it durable (the file
/// and its directory synced) before returning: only then may they leave the database.
pub(crate) fn append(
    dir: &Path,
    month: &str,
    movements: &[ArchivedMovement],
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = month_file(dir, month);
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    let mut gz = GzEncoder::new(file, Compression::default());
    for m in movements {
        serde_json::to_writer(&mut gz, m).context("encoding an archived movement")?;
        gz.write_all(b"\n")?;
    }
    let file = gz
        .finish()
        .with_context(|| format!("writing {}", path.display()))?;
    file.sync_all()
        .with_context(|| format!("syncing {}", path.display()))?;
    File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("syncing {}", dir.display()))?;
    Ok(())
}

/// Reads `path` line by line, calling `each` with every archived movement whose line holds
/// `needle` (all of them without one) until it returns false. A movement archived twice (a
/// run stopped between writing and deleting) is read each time.
pub(crate) fn scan(
    path: &Path,
    needle: Option<&str>,
    mut each: impl FnMut(ArchivedMovement) -> bool,
) -> anyhow::Result<()> {
    let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let reader = BufReader::new(MultiGzDecoder::new(file));
    for (i, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("reading {}", path.display()))?;
        if line.is_empty() || needle.is_some_and(|n| !line.contains(n)) {
            continue;
        }
        let movement: ArchivedMovement = serde_json::from_str(&line).with_context(|| {
            format!(
                "{} line {}: not an archived movement",
                path.display(),
                i + 1
            )
        })?;
        if !each(movement) {
            break;
        }
    }
    Ok(())
}
