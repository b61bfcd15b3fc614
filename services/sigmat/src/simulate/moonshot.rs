//! The moonshot figure: how long 100 million messages would take at the rate of this run,
//! extrapolated only from a run of at least [`MIN_MINUTES`] minutes, with what the database
//! held before and after it (so a reader knows what the run was measured on).

use transit_runtime::config::Secret;
use transit_store::{Component, DatabaseSettings, PgPool};

/// The shortest run the figure is extrapolated from.
pub const MIN_MINUTES: f64 = 30.0;

/// Messages the goal counts.
const GOAL_MESSAGES: f64 = 100_000_000.0;

/// The database the stack writes to, read before and after the run.
#[derive(clap::Args, Debug, Clone)]
pub struct MoonshotArgs {
    /// The stack's PostgreSQL, read for what it holds before and after the run (`none`: not
    /// read).
    #[arg(
        long,
        env = "SIGMAT_TEST_DATABASE_URL",
        default_value = "postgres://sigmat@127.0.0.1:15532/sigmat"
    )]
    pub database_url: String,
    /// The tracker's schema in it.
    #[arg(long, default_value = "tracker")]
    pub tracker_schema: String,
}

/// What the database held.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct Held {
    /// The whole database on disk (every schema: tracker, adapters, audit), bytes.
    pub database_bytes: i64,
    /// Movements in the tracker's schema.
    pub movements: i64,
    /// Events in its log.
    pub events: i64,
}

/// The moonshot figure of a run.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Moonshot {
    /// What the database held before the run (none: not read, `why_not` says).
    pub before: Option<Held>,
    /// And after it.
    pub after: Option<Held>,
    /// Messages the national systems sent.
    pub messages_in: u64,
    /// Deliveries they received.
    pub deliveries_out: u64,
    /// The run's length, seconds.
    pub seconds: f64,
    /// Messages the hub carried (in and out) per second.
    pub carried_per_s: f64,
    /// 100 million carried messages at that rate, hours (none under [`MIN_MINUTES`]).
    pub hours_for_100_million: Option<f64>,
    /// 100 million messages taken in at the rate they were, hours (likewise).
    pub hours_for_100_million_in: Option<f64>,
    /// The database's growth per message carried, bytes.
    pub bytes_per_message: Option<f64>,
    /// Why a figure is missing.
    pub why_not: Vec<String>,
}

async fn connect(args: &MoonshotArgs) -> anyhow::Result<PgPool> {
    let settings = DatabaseSettings {
        url: Secret::new(args.database_url.clone()),
        schema: args.tracker_schema.clone(),
        max_connections: 1,
    };
    Ok(transit_store::connect(&settings, Component::Tracker).await?)
}

/// What the database holds now; none with `--database-url none` or when it cannot be read
/// (the reason in `why_not`).
pub async fn held(args: &MoonshotArgs, why_not: &mut Vec<String>) -> Option<Held> {
    if args.database_url == "none" {
        return None;
    }
    let read = async {
        let pool = connect(args).await?;
        let (database_bytes, movements, events) =
            transit_store::baseline::database_held(&pool).await?;
        pool.close().await;
        anyhow::Ok(Held {
            database_bytes,
            movements,
            events,
        })
    };
    match read.await {
        Ok(held) => Some(held),
        Err(err) => {
            why_not.push(format!("the database was not read: {err:#}"));
            None
        }
    }
}

impl Moonshot {
    /// The figure of a run of `seconds` that took `messages_in` and delivered
    /// `deliveries_out`, between `before` and `after`.
    pub fn of(
        before: Option<Held>,
        after: Option<Held>,
        messages_in: u64,
        deliveries_out: u64,
        seconds: f64,
        mut why_not: Vec<String>,
    ) -> Self {
        let carried = (messages_in + deliveries_out) as f64;
        let carried_per_s = carried / seconds.max(f64::MIN_POSITIVE);
        let long_enough = seconds >= MIN_MINUTES * 60.0;
        if !long_enough {
            why_not.push(format!(
                "the run lasted {:.1} minutes: the figure is extrapolated only from {MIN_MINUTES:.0} or more",
                seconds / 60.0
            ));
        }
        let hours =
            |per_s: f64| (long_enough && per_s > 0.0).then(|| GOAL_MESSAGES / per_s / 3600.0);
        let bytes_per_message = match (before, after) {
            (Some(b), Some(a)) if carried > 0.0 => {
                Some((a.database_bytes - b.database_bytes) as f64 / carried)
            }
            _ => None,
        };
        Self {
            before,
            after,
            messages_in,
            deliveries_out,
            seconds,
            carried_per_s,
            hours_for_100_million: hours(carried_per_s),
            hours_for_100_million_in: hours(messages_in as f64 / seconds.max(f64::MIN_POSITIVE)),
            bytes_per_message,
            why_not,
        }
    }

    /// Its lines in the closing summary.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![format!(
            "Moonshot: {:.0} messages carried per second ({} in, {} delivered, in {:.0} s)",
            self.carried_per_s, self.messages_in, self.deliveries_out, self.seconds
        )];
        if let (Some(all), Some(taken)) =
            (self.hours_for_100_million, self.hours_for_100_million_in)
        {
            out.push(format!(
                "  100 million messages: {all:.1} hours counting every message carried, {taken:.1} counting those taken in (goal: under 4)"
            ));
        }
        if let Some(b) = &self.before {
            out.push(format!(
                "  database before: {:.2} GB, {} movements, {} events",
                b.database_bytes as f64 / 1e9,
                b.movements,
                b.events
            ));
        }
        if let Some(bytes) = self.bytes_per_message {
            out.push(format!(
                "  database growth: {bytes:.0} B per message carried"
            ));
        }
        for why in &self.why_not {
            out.push(format!("  not extrapolated: {why}"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(bytes: i64) -> Held {
        Held {
            database_bytes: bytes,
            movements: 1,
            events: 1,
        }
    }

    #[test]
    fn a_half_hour_run_is_extrapolated_to_a_hundred_million() {
        let m = Moonshot::of(
            Some(held(0)),
            Some(held(2_000_000)),
            600_000,
            400_000,
            2000.0,
            vec![],
        );
        assert_eq!(m.carried_per_s, 500.0);
        let hours = m.hours_for_100_million.unwrap();
        assert!(
            (hours - 100_000_000.0 / 500.0 / 3600.0).abs() < 1e-9,
            "{hours}"
        );
        assert_eq!(m.bytes_per_message, Some(2.0));
        assert!(m.why_not.is_empty());
    }

    #[test]
    fn a_shorter_run_says_why_it_is_not_extrapolated() {
        let m = Moonshot::of(None, None, 1000, 1000, 60.0, vec![]);
        assert_eq!(m.hours_for_100_million, None);
        assert!(m.why_not[0].contains("1.0 minutes"), "{:?}", m.why_not);
    }
}
