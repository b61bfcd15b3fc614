//! `sigmat archive`: closed movements (written off or invalidated) out of the hub's hot tables
//! into monthly compressed files, and back — listed, searched and restored by MRN, with the hub
//! running. Talks to the tracker's database directly (a database operator's task, like a
//! dump); `docs/runbook.md` says when and how.
//!
//! `move` takes every closed movement last changed before the cutoff, month by month, in
//! batches: each batch is written to its month's file and synced before it is deleted, in the
//! transaction that held it (`transit_store::archive`), so a crash loses nothing; published
//! outbox records older than the cutoff expire at the end.

mod files;

use std::path::PathBuf;

use anyhow::Context;
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use transit_runtime::config::Secret;
use transit_store::archive::{ArchiveStore, ArchivedMovement};
use transit_store::{Component, DatabaseSettings};

/// The shortest retention `move` accepts, in days: longer than the topics keep records (7
/// days), so no redelivered record can meet a movement that was archived.
pub const MIN_RETENTION_DAYS: i64 = 8;

/// `sigmat archive …`
#[derive(Args, Debug)]
pub struct ArchiveArgs {
    /// The folder of the monthly archive files (movements-YYYY-MM.jsonl.gz).
    #[arg(long, global = true, default_value = "archive")]
    dir: PathBuf,
    /// The PostgreSQL holding the tracker's tables.
    #[arg(
        long,
        global = true,
        env = "SIGMAT_DATABASE_URL",
        default_value = "postgres://sigmat@127.0.0.1:15532/sigmat"
    )]
    database_url: String,
    /// The tracker's schema (its [database] schema).
    #[arg(long, global = true, default_value = "tracker")]
    schema: String,
    #[command(subcommand)]
    command: ArchiveCommand,
}

#[derive(Subcommand, Debug)]
enum ArchiveCommand {
    /// Moves every written-off or invalidated movement last changed more than
    /// --older-than-days ago out of the hot tables, with its event log, into its month's file;
    /// expires published outbox records as old. Safe with the hub running; run it again after
    /// a stop, it goes on where it was.
    Move {
        /// The retention in the hot tables, in days (at least 8: longer than the topics keep
        /// records).
        #[arg(long, default_value_t = 90)]
        older_than_days: i64,
        /// Movements per transaction.
        #[arg(long, default_value_t = 500)]
        batch: i64,
        /// Says what would move, month by month, and moves nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Lists the archived months: movements, events and size on disk.
    List,
    /// Prints an archived movement (its row and event log, as JSON) by MRN; exits 1 if no
    /// month holds it.
    Search {
        /// The MRN.
        mrn: String,
    },
    /// Puts archived movements back in the hot tables (one by MRN, or a whole month), rows as
    /// they were; a movement already there is left as it is. Their last change is kept, so
    /// the next `move` takes them again.
    Restore {
        /// The MRN to restore.
        #[arg(required_unless_present = "month", conflicts_with = "month")]
        mrn: Option<String>,
        /// A whole month instead (YYYY-MM).
        #[arg(long)]
        month: Option<String>,
    },
}

/// Runs `sigmat archive …`.
pub async fn run(args: ArchiveArgs) -> anyhow::Result<()> {
    match &args.command {
        ArchiveCommand::Move {
            older_than_days,
            batch,
            dry_run,
        } => move_out(&args, *older_than_days, *batch, *dry_run, Utc::now()).await,
        ArchiveCommand::List => list(&args),
        ArchiveCommand::Search { mrn } => {
            let found = search(&args, mrn)?
                .with_context(|| format!("{mrn} is in no month of {}", args.dir.display()))?;
            println!("{}", serde_json::to_string_pretty(&found)?);
            Ok(())
        }
        ArchiveCommand::Restore { mrn, month } => {
            let movements = match (mrn, month) {
                (Some(mrn), _) => vec![search(&args, mrn)?
                    .with_context(|| format!("{mrn} is in no month of {}", args.dir.display()))?],
                (None, Some(month)) => read_month(&args, month)?,
                (None, None) => anyhow::bail!("name an MRN or a --month"),
            };
            let restored = store(&args).await?.restore(&movements).await?;
            println!(
                "{restored} movements restored ({} were in the hot tables already)",
                movements.len() as u64 - restored
            );
            Ok(())
        }
    }
}

async fn store(args: &ArchiveArgs) -> anyhow::Result<ArchiveStore> {
    let settings = DatabaseSettings {
        url: Secret::new(args.database_url.clone()),
        schema: args.schema.clone(),
        max_connections: 2,
    };
    let pool = transit_store::connect(&settings, Component::Tracker)
        .await
        .with_context(|| format!("connecting to the tracker's schema {}", args.schema))?;
    Ok(ArchiveStore::new(pool))
}

/// `move`: month by month, batch by batch, file first.
async fn move_out(
    args: &ArchiveArgs,
    older_than_days: i64,
    batch: i64,
    dry_run: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        older_than_days >= MIN_RETENTION_DAYS,
        "--older-than-days {older_than_days}: keep closed movements at least {MIN_RETENTION_DAYS} days, longer than the topics keep records, so that no record redelivered from them meets an archived movement"
    );
    anyhow::ensure!(batch > 0, "--batch must be at least 1");
    let cutoff = now - Duration::days(older_than_days);
    let store = store(args).await?;
    let epoch = Utc.timestamp_opt(0, 0).single().unwrap_or(now);
    let months = store.closed_by_month(epoch, cutoff).await?;
    let total: i64 = months.iter().map(|(_, n)| n).sum();
    if dry_run || total == 0 {
        for (month, n) in &months {
            println!("{month}: {n} movements would move");
        }
        println!("{total} closed movements last changed before {cutoff} (nothing moved)");
        if dry_run {
            return Ok(());
        }
    }
    let bar = ProgressBar::new(total as u64).with_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} movements archived ({elapsed}) {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let (mut moved, mut events) = (0usize, 0usize);
    for (month, _) in &months {
        let (from, to) = month_bounds(month)?;
        bar.set_message(month.clone());
        loop {
            let (mut tx, taken) = store.take(from, to.min(cutoff), batch, now).await?;
            if taken.is_empty() {
                break;
            }
            files::append(&args.dir, month, &taken)?;
            tx.delete(&taken).await?;
            tx.commit().await?;
            moved += taken.len();
            events += taken.iter().map(|m| m.events.len()).sum::<usize>();
            bar.inc(taken.len() as u64);
        }
    }
    bar.finish_and_clear();
    let expired = store.expire_outbox(cutoff).await?;
    println!(
        "{moved} movements ({events} events) moved to {} in {} month(s); {} published outbox records expired",
        args.dir.display(),
        months.len(),
        expired.outbox
    );
    Ok(())
}

/// `[first day, first day of the next month)` of `month` (`YYYY-MM`), in UTC.
fn month_bounds(month: &str) -> anyhow::Result<(DateTime<Utc>, DateTime<Utc>)> {
    let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .with_context(|| format!("{month:?} is not a month: YYYY-MM"))?;
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    }
    .context("a month after the last one chrono knows")?;
    let at = |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default());
    Ok((at(first), at(next)))
}

/// `list`.
fn list(args: &ArchiveArgs) -> anyhow::Result<()> {
    let months = files::months(&args.dir)?;
    if months.is_empty() {
        println!("no archived month in {}", args.dir.display());
        return Ok(());
    }
    println!(
        "{:<8} {:>10} {:>10} {:>12}",
        "month", "movements", "events", "bytes"
    );
    for (month, path) in months {
        let (mut movements, mut events) = (0u64, 0u64);
        files::scan(&path, None, |m| {
            movements += 1;
            events += m.events.len() as u64;
            true
        })?;
        let bytes = std::fs::metadata(&path)?.len();
        println!("{month:<8} {movements:>10} {events:>10} {bytes:>12}");
    }
    Ok(())
}

/// The archived movement `mrn`, from the newest month that holds it.
fn search(args: &ArchiveArgs, mrn: &str) -> anyhow::Result<Option<ArchivedMovement>> {
    let mrn = transit_model::Mrn::parse(mrn)?;
    let needle = format!("\"mrn\":\"{mrn}\"");
    for (_, path) in files::months(&args.dir)?.into_iter().rev() {
        let mut found = None;
        files::scan(&path, Some(&needle), |m| {
            if m.mrn == mrn {
                found = Some(m);
                return false;
            }
            true
        })?;
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

/// Every movement archived in `month`, each once.
fn read_month(args: &ArchiveArgs, month: &str) -> anyhow::Result<Vec<ArchivedMovement>> {
    month_bounds(month)?;
    let path = files::month_file(&args.dir, month);
    anyhow::ensure!(
        path.exists(),
        "{} holds no month {month}",
        args.dir.display()
    );
    let mut all: Vec<ArchivedMovement> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    files::scan(&path, None, |m| {
        if seen.insert(m.mrn.clone()) {
            all.push(m);
        }
        true
    })?;
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_runs_from_its_first_day_to_the_next_months() {
        let (from, to) = month_bounds("2026-12").unwrap();
        assert_eq!(from.to_rfc3339(), "2026-12-01T00:00:00+00:00");
        assert_eq!(to.to_rfc3339(), "2027-01-01T00:00:00+00:00");
        assert!(month_bounds("2026-13").is_err());
        assert!(month_bounds("December").is_err());
    }
}
