//! The benchmark's table, Markdown and JSON, and the issue's targets checked against the run.

use serde_json::{json, Value};

use super::broker::BrokerFigures;
use super::pipeline::PipelineFigures;
use super::risk::RiskFigures;
use super::tracker::TrackerFigures;
use super::translate::FamilyFigures;

/// What the figures were measured on.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Machine {
    /// Cores the process may use.
    pub cores: usize,
    /// The CPU's model name.
    pub cpu: String,
    /// Memory, GiB.
    pub memory_gib: f64,
    /// PostgreSQL's version.
    pub postgresql: String,
    /// The commit measured.
    pub commit: String,
    /// When (UTC).
    pub measured_at: String,
}

impl Machine {
    /// Describes this machine; `postgresql` is the server's version.
    pub fn describe(postgresql: String) -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
            .unwrap_or_else(|| "unknown".into());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory_kib: f64 = meminfo
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|l| l.trim().trim_end_matches(" kB").trim().parse().ok())
            .unwrap_or(0.0);
        let commit = std::process::Command::new("git")
            .args(["rev-parse", "--short", "HEAD"])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_else(|| "unknown".into());
        Self {
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu,
            memory_gib: (memory_kib / 1024.0 / 1024.0 * 10.0).round() / 10.0,
            postgresql,
            commit,
            measured_at: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        }
    }
}

/// One target of issue 13 and how the run stands against it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Target {
    /// What is measured.
    pub what: &'static str,
    /// The target, as written.
    pub target: &'static str,
    /// The figure measured, if it was.
    pub measured: Option<f64>,
    /// Met, not met, or not measured (`None`).
    pub met: Option<bool>,
    /// What limits it, or why it is not measured.
    pub note: &'static str,
}

/// A target of the running stack: what, target, (measured, what limits it), at least (else at
/// most) the target.
type StackRow = (
    &'static str,
    &'static str,
    (Option<f64>, &'static str),
    bool,
);

/// A whole run.
#[derive(Debug, Clone)]
pub struct Report {
    machine: Machine,
    tracker: TrackerFigures,
    families: Vec<FamilyFigures>,
    broker: BrokerFigures,
    pipeline: Option<PipelineFigures>,
    risk: Option<RiskFigures>,
    telematics: Option<super::telematics::TelematicsFigures>,
    rail: Option<super::rail::RailFigures>,
}

const NOT_YET: &str =
    "not measured yet: needs the running pipeline under sigmat simulate (issue 13 is open)";

impl Report {
    /// Gathers a run's figures.
    pub fn new(
        machine: Machine,
        tracker: TrackerFigures,
        families: Vec<FamilyFigures>,
        broker: BrokerFigures,
        pipeline: Option<PipelineFigures>,
    ) -> Self {
        Self {
            machine,
            tracker,
            families,
            broker,
            pipeline,
            risk: None,
            telematics: None,
            rail: None,
        }
    }

    /// With a train's passage figures.
    pub fn with_rail(mut self, rail: super::rail::RailFigures) -> Self {
        self.rail = Some(rail);
        self
    }

    /// With the tracking events' figures.
    pub fn with_telematics(
        mut self,
        telematics: Option<super::telematics::TelematicsFigures>,
    ) -> Self {
        self.telematics = telematics;
        self
    }

    /// With risk scoring's figures.
    pub fn with_risk(mut self, risk: RiskFigures) -> Self {
        self.risk = Some(risk);
        self
    }

    fn pipeline_ratio(&self) -> Option<f64> {
        self.pipeline
            .as_ref()
            .map(|p| p.peak_per_s / self.broker.passthrough_per_s)
    }

    fn p99_ratio(&self) -> Option<f64> {
        self.pipeline
            .as_ref()
            .map(|p| p.p99_ms / self.broker.round_trip_p99_ms)
    }

    /// The peak with many movements stored against the first; none when the first was itself
    /// taken with more than half as many stored (nothing grew worth comparing).
    fn degradation_ratio(&self) -> Option<f64> {
        let p = self.pipeline.as_ref()?;
        p.grown
            .filter(|(stored, _)| p.stored_before.saturating_mul(2) <= *stored)
            .map(|(_, rate)| rate / p.peak_per_s)
    }

    fn rss(&self, adapters: bool) -> Option<f64> {
        let p = self.pipeline.as_ref()?;
        p.rss_mb
            .iter()
            .filter(|(name, _)| {
                name.starts_with("adapter") == adapters && (adapters || name.as_str() == "tracker")
            })
            .map(|(_, mb)| *mb)
            .reduce(f64::max)
    }

    /// The targets, each measured or said not to be.
    pub fn targets(&self) -> Vec<Target> {
        let at_least = |measured: f64, limit: f64| Some(measured >= limit);
        let mut targets = vec![
            Target {
                what: "tracker durable events/s",
                target: ">= 20000",
                measured: Some(self.tracker.tracker_events_per_s),
                met: at_least(self.tracker.tracker_events_per_s, 20_000.0),
                note: "the movement row: a 2 KB jsonb document parsed and rewritten with eleven index entries for every event, and the same-rows limit itself is below 20,000 on 2 cores",
            },
            Target {
                what: "tracker / same rows written with no logic",
                target: ">= 0.50",
                measured: Some(self.tracker.ratio),
                met: at_least(self.tracker.ratio, 0.5),
                note: "reading and locking the batch's movements and the state machine",
            },
            Target {
                what: "hot-store disk per message, bytes",
                target: "<= 1024",
                measured: Some(self.tracker.disk_bytes_per_message),
                met: Some(self.tracker.disk_bytes_per_message <= 1024.0),
                note: "every event keeps its whole message as jsonb in the event log, every movement its whole declaration, each with its indexes; the unpublished outbox records are counted too (no relay runs in this stage); closed movements leave with `sigmat archive move`",
            },
        ];
        if let Some(risk) = &self.risk {
            targets.push(Target {
                what: "tracker with the starter risk rules / without rules",
                target: ">= 0.80",
                measured: Some(risk.ratio),
                met: at_least(risk.ratio, 0.8),
                note: "the network facts read once per batch and every rule's condition evaluated for every event",
            });
        }
        if let Some(rail) = &self.rail {
            targets.push(Target {
                what: "a train of 30 declarations, 1 tap / the 30 passages tapped one by one",
                target: "<= 0.50",
                measured: Some(rail.ratio),
                met: Some(rail.ratio <= 0.5),
                note: "the confirmation's own transaction, then its passages decided as one batch",
            });
        }
        for family in &self.families {
            targets.push(Target {
                what: match family.family.as_str() {
                    "asycuda" => "translation / plain parse, ASYCUDA",
                    "sydam" => "translation / plain parse, SYDAM",
                    _ => "translation / plain parse, GAINDE",
                },
                target: ">= 0.40",
                measured: Some(family.ratio),
                met: at_least(family.ratio, 0.4),
                note: "per-token allocations in the national parsers (not yet reworked)",
            });
        }
        let stack = |measured: Option<f64>, note: &'static str| (measured, note);
        let rows: [StackRow; 6] = [
            (
                "pipeline / broker passthrough",
                ">= 0.40",
                stack(self.pipeline_ratio(), "the tracker: every release is a durable transaction of several rows (see the tracker's row)"),
                true,
            ),
            (
                "p99 at half of peak / broker round-trip p99",
                "<= 3",
                stack(self.p99_ratio(), "two consumer polls, the tracker's batch linger and transaction, the relay's round, each adding milliseconds the bare broker does not"),
                false,
            ),
            (
                "throughput with 1,000,000 movements / empty",
                ">= 0.80",
                stack(
                    self.degradation_ratio(),
                    "the movements table and its indexes, larger with every movement stored",
                ),
                true,
            ),
            ("peak RSS, adapter (MB)", "<= 64", stack(self.rss(true), "measured on the running adapters"), false),
            ("peak RSS, tracker (MB)", "<= 128", stack(self.rss(false), "measured on the running tracker"), false),
            (
                "officer tap -> departure's national system, p99 (s)",
                "< 1",
                stack(self.pipeline.as_ref().map(|p| p.tap_p99_ms / 1000.0), "API, broker, tracker, relay, broker, adapter"),
                false,
            ),
        ];
        for (what, target, (measured, note), at_least_target) in rows {
            let limit: f64 = target
                .trim_start_matches(['>', '<', '=', ' '])
                .parse()
                .unwrap_or(f64::NAN);
            targets.push(Target {
                what,
                target,
                measured,
                met: measured.map(|m| {
                    if at_least_target {
                        m >= limit
                    } else if target.starts_with("<=") {
                        m <= limit
                    } else {
                        m < limit
                    }
                }),
                note: match (measured, &self.pipeline) {
                    (Some(_), _) => note,
                    (None, None) => NOT_YET,
                    (None, Some(_)) => {
                        "not measured in this run: sigmat bench --stored 1000000 measures it"
                    }
                },
            });
        }
        targets
    }

    /// The JSON document (`docs/benchmarks.json`).
    pub fn json(&self) -> Value {
        let translate_ratio: serde_json::Map<String, Value> = self
            .families
            .iter()
            .map(|f| (f.family.clone(), json!(round(f.ratio))))
            .collect();
        json!({
            "machine": self.machine,
            "tracker_events_per_s": self.tracker.tracker_events_per_s.round(),
            "tracker_ratio": round(self.tracker.ratio),
            "disk_bytes_per_message": self.tracker.disk_bytes_per_message.round(),
            "risk_ratio": self.risk.as_ref().map(|r| round(r.ratio)),
            "risk": self.risk,
            "telematics_ratio": self.telematics.as_ref().map(|t| round(t.ratio)),
            "seal_p99_ms": self.pipeline.as_ref().and_then(|p| p.seal_p99_ms),
            "telematics": self.telematics,
            "rail_ratio": self.rail.as_ref().map(|r| round(r.ratio)),
            "rail": self.rail,
            "translate_ratio": translate_ratio,
            "pipeline_ratio": self.pipeline_ratio().map(round),
            "p99_ratio": self.p99_ratio().map(round),
            "degradation_ratio": self.degradation_ratio().map(round),
            "rss_mb": {
                "adapter": self.rss(true),
                "tracker": self.rss(false),
                "each": self.pipeline.as_ref().map(|p| p.rss_mb.clone()),
            },
            "pipeline": self.pipeline,
            "tracker": self.tracker,
            "translate": self.families,
            "broker": self.broker,
            "targets": self.targets(),
        })
    }

    /// The table printed at the end of a run.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let t = &self.tracker;
        out += &format!(
            "sigmat bench — {} cores, {}, PostgreSQL {}, commit {}\n\n",
            self.machine.cores, self.machine.cpu, self.machine.postgresql, self.machine.commit
        );
        out += &format!(
            "{:<52} {:>14} {:>14} {:>7}\n",
            "stage", "figure", "limit", "ratio"
        );
        out += &format!(
            "{:<52} {:>10.0} ev/s {:>10.0} ev/s {:>7.2}\n",
            "tracker (limit: the same rows, no logic)",
            t.tracker_events_per_s,
            t.same_rows_events_per_s,
            t.ratio
        );
        out += &format!(
            "{:<52} {:>14} {:>10.0} ev/s {:>7.2}\n",
            "  (one plain row per message, for reference)",
            "",
            t.plain_rows_per_s,
            t.tracker_events_per_s / t.plain_rows_per_s
        );
        out += &format!(
            "{:<52} {:>12.0} B {:>12} B {:>7.2}\n",
            "  hot-store disk per message (limit: the target)",
            t.disk_bytes_per_message,
            1024,
            t.disk_bytes_per_message / 1024.0
        );
        let per_message = |bytes: i64| bytes as f64 / t.events.max(1) as f64;
        out += &format!(
            "    of which, per message: {}\n",
            t.hot_store_tables
                .iter()
                .map(|(table, bytes)| format!("{table} {:.0} B", per_message(*bytes)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if let Some(r) = &self.risk {
            out += &format!(
                "{:<52} {:>10.0} ev/s {:>10.0} ev/s {:>7.2}\n",
                "tracker with the starter risk rules (limit: none)",
                r.with_rules_events_per_s,
                r.without_rules_events_per_s,
                r.ratio
            );
            out += &format!(
                "{:<52} {:>11.1} s  {:>9.0} ev/s {:>7.4}\n",
                format!(
                    "rule {} over {} histories (limit: in Rust)",
                    r.rule, r.evaluations
                ),
                r.seconds,
                r.native_per_s,
                r.evaluations_per_s / r.native_per_s
            );
        }
        if let Some(t) = &self.telematics {
            out += &t.table_row();
        }
        if let Some(r) = &self.rail {
            out += &r.table_row();
        }
        for f in &self.families {
            out += &format!(
                "{:<52} {:>9.1} MB/s {:>9.1} MB/s {:>7.2}\n",
                format!("translate {} (limit: {})", f.family, f.plain_parse),
                f.translate_mb_per_s,
                f.plain_mb_per_s,
                f.ratio
            );
        }
        out += &format!(
            "{:<52} {:>14} {:>7.0} rec/s {:>7}\n",
            format!(
                "broker, 2 hops, {} B records (the pipeline's limit)",
                self.broker.record_bytes
            ),
            "",
            self.broker.passthrough_per_s,
            ""
        );
        if let Some(p) = &self.pipeline {
            out += &format!(
                "{:<52} {:>9.0} rel/s {:>7.0} rec/s {:>7.2}\n",
                "pipeline, release in -> both copies out (peak)",
                p.peak_per_s,
                self.broker.passthrough_per_s,
                p.peak_per_s / self.broker.passthrough_per_s
            );
            out += &format!(
                "{:<52} {:>11.1} ms {:>11.1} ms {:>7.2}\n",
                format!(
                    "  p99 at {:.0}/s (p50 {:.1} ms, p99.9 {:.1} ms)",
                    p.half_rate_per_s, p.p50_ms, p.p999_ms
                ),
                p.p99_ms,
                self.broker.round_trip_p99_ms,
                p.p99_ms / self.broker.round_trip_p99_ms
            );
            out += &format!(
                "{:<52} {:>11.1} ms\n",
                "officer tap -> departure's adapter, p99", p.tap_p99_ms
            );
            if let Some(seal) = p.seal_p99_ms {
                out += &format!(
                    "{:<52} {:>11.1} ms {:>10.1} ms  {:>6.2}\n",
                    "seal opened -> incident at the departure (limit: tap)",
                    seal,
                    p.tap_p99_ms,
                    seal / p.tap_p99_ms
                );
            }
            if let Some((stored, rate)) = p.grown {
                out += &format!(
                    "{:<52} {:>9.0} rel/s {:>7.0} rel/s {:>7.2}\n",
                    format!("pipeline peak, {} stored", movements(stored)),
                    rate,
                    p.peak_per_s,
                    rate / p.peak_per_s
                );
                out += &format!(
                    "{:<52}\n",
                    format!(
                        "  (limit: the first peak, {} stored)",
                        movements(p.stored_before)
                    )
                );
            }
            if !p.debug_builds.is_empty() {
                out += &format!(
                    "  WARNING: {} run debug builds; start the stack with deploy/local/up --release for figures that mean anything\n",
                    p.debug_builds.join(", ")
                );
            }
            let mut rss: Vec<_> = p.rss_mb.iter().collect();
            rss.sort_by(|a, b| a.0.cmp(b.0));
            for (name, mb) in rss {
                out += &format!("{:<52} {:>11.1} MB\n", format!("peak RSS {name}"), mb);
            }
        }
        out += "\ntargets\n";
        for target in self.targets() {
            out += &format!(
                "  {:<52} {:>9} {:>12}  {}\n",
                target.what,
                target.target,
                target.measured.map_or("-".into(), |m| format!("{m:.2}")),
                match target.met {
                    Some(true) => "met",
                    Some(false) => "NOT MET",
                    None => "not measured",
                }
            );
        }
        out
    }

    /// The Markdown document (`docs/benchmarks.md`).
    pub fn markdown(&self) -> String {
        let m = &self.machine;
        let mut out = String::from(
            "# Benchmarks\n\nWritten by `sigmat bench` (see `sigmat bench --help`) from one run; do not edit by hand.\n\
             How to reproduce it, what was changed to reach it and what still limits each target: \
             [performance.md](performance.md).\n\
             Every figure is set against a limit measured in the same run on the same machine: compare\n\
             ratios, not absolute figures, across runs and machines.\n\n",
        );
        out += &format!(
            "Machine: {} cores, {}, {} GiB; PostgreSQL {} (durable: synchronous_commit = {}); \
             Apache Kafka from `deploy/local` on the same machine. Commit `{}`, {}.\n\n",
            m.cores,
            m.cpu,
            m.memory_gib,
            m.postgresql,
            self.tracker.synchronous_commit,
            m.commit,
            m.measured_at
        );
        out += "## Figures\n\n```\n";
        out += &self.table();
        out += "```\n\n## Targets (issue 13)\n\n| what | target | measured | | what limits it |\n|---|---|---|---|---|\n";
        for t in self.targets() {
            out += &format!(
                "| {} | {} | {} | {} | {} |\n",
                t.what,
                t.target,
                t.measured.map_or("—".into(), |v| format!("{v:.2}")),
                match t.met {
                    Some(true) => "met",
                    Some(false) => "**not met**",
                    None => "not measured",
                },
                if t.met == Some(true) { "" } else { t.note }
            );
        }
        out += &format!(
            "\n## What each stage is\n\n\
             - **tracker**: {} events ({} movements on the five corridors: every release, then every passage, \
             then every arrival) through the tracker's storage path (inbox claims, movement row locks, state \
             machine, event log, outbox), batches of {}, one transaction each. Its limit writes the very rows \
             the tracker wrote into a fresh schema, the same tables and indexes, one multi-row statement per \
             table per transaction, nothing read and nothing decided. The hot-store disk per message is \
             the tracker's schema after the run (every table with its indexes and TOAST, \
             `pg_total_relation_size`) divided by the events it took.\n\
             - **risk**: the same tracker run on the same records in fresh schemas under the starter risk \
             rules and under none, best of two each, taken in turn; and one rule (`seals-broken`) evaluated \
             with `transit_risk::assess` — the facts built from the movement, the CEL condition run — over \
             movements' histories (cycling over 1,000 distinct ones played through the state machine), \
             against the same check written in Rust over the same movements.\n\
             - **translate**: each family's golden fixtures plus releases with 50 and 300 goods items, \
             national → standardized with validation, one core, best of three; the limit is a plain parse \
             of the same bytes.\n\
             - **broker**: {} records of {} bytes produced to one topic, read and produced to a second \
             (the tracker's hop), read from there, all at once, through sigmat's own publisher and consumer \
             (acks=all, idempotent): the limit a pipeline of two hops can reach; and 300 records one at a \
             time, 5 ms apart, for its round-trip p99.\n\
             - **pipeline** (the stack started by `deploy/local/up`): Côte d'Ivoire's national system \
             (SYDAM JSON) posts releases on Abidjan–Ouagadougou, 32 at once; a release is through when \
             Burkina Faso's adapter has stored both standardized copies. Peak: posted as fast as answered; \
             latency: half as many at half of the peak rate. Officer taps: the Niangoloko officer's passage \
             through the API until Côte d'Ivoire's adapter holds the IE118 for its national system. Peak \
             RSS is each service's `VmHWM` since it started. With `--stored N`, N synthetic written-off \
             movements (copies of the latest, MRNs `ZZBENCH…`) are stored in the tracker's schema and the \
             peak measured again, against the first peak (taken with the movements stored before).\n",
            self.tracker.events,
            self.tracker.movements,
            super::tracker::BATCH,
            self.broker.records,
            self.broker.record_bytes
        );
        if let Some(t) = &self.telematics {
            out += &t.describe();
        }
        if let Some(r) = &self.rail {
            out += &r.describe();
        }
        out
    }
}

fn round(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// "1 movement", "1003001 movements".
fn movements(n: impl Into<u64>) -> String {
    let n = n.into();
    format!("{n} movement{}", if n == 1 { "" } else { "s" })
}
