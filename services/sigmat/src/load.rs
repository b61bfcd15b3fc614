//! `sigmat load`: how fast a running stack accepts national declarations, and whether that
//! holds as it fills. Several simulated national systems of Côte d'Ivoire (SYDAM-style JSON)
//! post transit releases (IE029) at once, each for a new movement on the Abidjan–Ouagadougou
//! corridor, as fast as the adapter answers; every `window` answers, the accepted rate and the
//! answer times are printed, so the first thousand movements compare with the last.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Utc;
use indicatif::{ProgressBar, ProgressStyle};

use transit_scenario::{Corridor, Movement};

/// What to send, and where.
#[derive(clap::Args, Debug, Clone)]
pub struct LoadArgs {
    /// Côte d'Ivoire's adapter, which the releases are posted to, and its token.
    #[command(flatten)]
    pub ci: crate::demo::CiSystem,
    /// How many movements to release.
    #[arg(long, default_value_t = 10_000)]
    pub movements: usize,
    /// How many national systems post at once.
    #[arg(long, default_value_t = 16)]
    pub senders: usize,
    /// Print the rate and answer times for every this many answers.
    #[arg(long, default_value_t = 1_000)]
    pub window: usize,
}

/// One answer of the adapter.
struct Answer {
    at: Instant,
    took: Duration,
    refusal: Option<String>,
}

/// What one window of answers showed.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowFigures {
    /// Movements released before this window.
    pub from: usize,
    /// Answers in it.
    pub answers: usize,
    /// Accepted answers per second over the window.
    pub accepted_per_second: f64,
    /// Median answer time.
    pub p50: Duration,
    /// 99th percentile answer time.
    pub p99: Duration,
}

/// Runs the load, printing one line per window and a summary.
pub async fn run(args: LoadArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.movements > 0 && args.senders > 0 && args.window > 0,
        "--movements, --senders and --window must be at least 1"
    );
    let sim = Arc::new(args.ci.simulator()?);
    println!(
        "Releasing {} movements through {} ({} SYDAM systems posting at once)",
        args.movements, args.ci.ci_adapter, args.senders
    );
    let next = Arc::new(AtomicUsize::new(0));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Answer>();
    let mut senders = Vec::new();
    for _ in 0..args.senders {
        let (sim, next, tx, total) = (sim.clone(), next.clone(), tx.clone(), args.movements);
        senders.push(tokio::spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < total {
                let release = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now()).release();
                let started = Instant::now();
                let refusal = match sim.send(&release).await {
                    Ok(sent) if sent.status == 202 => None,
                    Ok(sent) => Some(format!(
                        "{}: {}",
                        sent.status,
                        String::from_utf8_lossy(&sent.answer)
                    )),
                    Err(e) => Some(format!("{e:#}")),
                };
                let answer = Answer {
                    at: Instant::now(),
                    took: started.elapsed(),
                    refusal,
                };
                if tx.send(answer).is_err() {
                    break;
                }
            }
        }));
    }
    drop(tx);

    let bar = ProgressBar::new(args.movements as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} releases, {per_sec}, {eta} left")
            .context("progress bar template")?,
    );
    let started = Instant::now();
    let (mut window, mut windows, mut refused) = (Vec::new(), Vec::new(), Vec::new());
    let (mut window_start, mut answered) = (started, 0usize);
    while let Some(answer) = rx.recv().await {
        bar.inc(1);
        answered += 1;
        if let Some(reason) = &answer.refusal {
            refused.push(reason.clone());
        }
        let at = answer.at;
        window.push(answer);
        if window.len() == args.window || answered == args.movements {
            let figures = figures(answered - window.len(), &window, window_start);
            if bar.is_hidden() {
                println!("{}", describe(&figures));
            } else {
                bar.println(describe(&figures));
            }
            windows.push(figures);
            window_start = at;
            window.clear();
        }
    }
    bar.finish_and_clear();
    for sender in senders {
        sender.await.context("a sender stopped")?;
    }
    summarize(&args, started.elapsed(), &windows, &refused);
    Ok(())
}

/// The figures of one window of answers that began at `since`.
fn figures(from: usize, answers: &[Answer], since: Instant) -> WindowFigures {
    let accepted = answers.iter().filter(|a| a.refusal.is_none()).count();
    let end = answers.iter().map(|a| a.at).max().unwrap_or(since);
    let seconds = end.duration_since(since).as_secs_f64().max(1e-6);
    let mut took: Vec<Duration> = answers.iter().map(|a| a.took).collect();
    took.sort_unstable();
    WindowFigures {
        from,
        answers: answers.len(),
        accepted_per_second: accepted as f64 / seconds,
        p50: percentile(&took, 50),
        p99: percentile(&took, 99),
    }
}

/// The `p`th percentile of sorted durations (nearest rank).
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p * sorted.len()).div_ceil(100).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn describe(w: &WindowFigures) -> String {
    format!(
        "  releases {:>6}–{:<6} {:>7.0} accepted/s   p50 {:>5} ms   p99 {:>5} ms",
        w.from + 1,
        w.from + w.answers,
        w.accepted_per_second,
        w.p50.as_millis(),
        w.p99.as_millis()
    )
}

fn summarize(args: &LoadArgs, elapsed: Duration, windows: &[WindowFigures], refused: &[String]) {
    let accepted = args.movements - refused.len();
    println!(
        "{accepted} of {} releases accepted in {:.1} s ({:.0}/s overall); {} refused",
        args.movements,
        elapsed.as_secs_f64(),
        accepted as f64 / elapsed.as_secs_f64().max(1e-6),
        refused.len()
    );
    if let Some(first) = refused.first() {
        println!("  first refusal: {first}");
    }
    if let (Some(first), Some(last)) = (windows.first(), windows.last()) {
        if windows.len() > 1 {
            println!(
                "  last window against the first: {:.2} of the rate, p99 {} ms against {} ms",
                last.accepted_per_second / first.accepted_per_second.max(1e-6),
                last.p99.as_millis(),
                first.p99.as_millis()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let sorted: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&sorted, 50), Duration::from_millis(50));
        assert_eq!(percentile(&sorted, 99), Duration::from_millis(99));
        assert_eq!(percentile(&sorted[..1], 99), Duration::from_millis(1));
        assert_eq!(percentile(&[], 99), Duration::ZERO);
    }

    #[test]
    fn a_window_counts_only_accepted_answers_in_its_rate() {
        let since = Instant::now();
        let answer = |ms: u64, refused: bool| Answer {
            at: since + Duration::from_millis(ms),
            took: Duration::from_millis(ms),
            refusal: refused.then(|| "400".to_owned()),
        };
        let window = [answer(250, false), answer(500, true), answer(1000, false)];
        let f = figures(10, &window, since);
        assert_eq!((f.from, f.answers), (10, 3));
        assert!((f.accepted_per_second - 2.0).abs() < 1e-9, "{f:?}");
        assert_eq!(f.p99, Duration::from_millis(1000));
    }
}
