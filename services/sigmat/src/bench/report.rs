//! The benchmark's table, Markdown and JSON, and the issue's targets checked against the run.

use serde_json::{json, Value};

use super::broker::BrokerFigures;
use super::pipeline::PipelineFigures;
use super::risk::RiskFigures;
use super::spread::Spread;
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
    /// What limits it, or why it is not measured, written from the run's own figures.
    pub note: String,
}

/// A target of the running stack: what, target, (measured, what limits it), at least (else at
/// most) the target.
type StackRow = (&'static str, &'static str, (Option<f64>, String), bool);

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
    ingest: Option<super::ingest::IngestFigures>,
    rail: Option<super::rail::RailFigures>,
    moonshot: Option<super::moonshot::MoonshotFigure>,
}

const NO_STACK: &str =
    "not measured in this run: the pipeline stage drives the running stack (deploy/local/up --release, then sigmat bench without --pipeline-seconds 0)";

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
            ingest: None,
            rail: None,
            moonshot: None,
        }
    }

    /// With a train's passage figures.
    pub fn with_rail(mut self, rail: super::rail::RailFigures) -> Self {
        self.rail = Some(rail);
        self
    }

    /// With the adapters' ingest scaled out (none when the stage was skipped).
    pub fn with_ingest(mut self, ingest: Option<super::ingest::IngestFigures>) -> Self {
        self.ingest = ingest;
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

    /// With the moonshot figure `sigmat simulate` wrote.
    pub fn with_moonshot(mut self, moonshot: super::moonshot::MoonshotFigure) -> Self {
        self.moonshot = Some(moonshot);
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
            .map(|p| p.peak_per_s.median / self.broker.passthrough_per_s.median)
    }

    fn p99_ratio(&self) -> Option<f64> {
        self.pipeline
            .as_ref()
            .map(|p| p.p99_ms.median / self.broker.round_trip_p99_ms.median)
    }

    /// The tracker with a year of traffic stored against an empty schema.
    fn degradation_ratio(&self) -> Option<f64> {
        self.tracker.year.as_ref().map(|y| y.ratio_to_empty)
    }

    /// "movement_events 1,912 B, outbox 1,577 B" — where the hot store's bytes go, per message.
    fn per_message(&self, tables: usize) -> String {
        let t = &self.tracker;
        t.hot_store_tables
            .iter()
            .take(tables)
            .map(|(table, bytes)| {
                format!("{table} {:.0} B", *bytes as f64 / t.events.max(1) as f64)
            })
            .collect::<Vec<_>>()
            .join(", ")
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

    /// The targets, each measured or said not to be, each note written from the run.
    pub fn targets(&self) -> Vec<Target> {
        let at_least = |measured: f64, limit: f64| Some(measured >= limit);
        let t = &self.tracker;
        let tracker = t.tracker_events_per_s.median;
        let mut targets = vec![
            Target {
                what: "tracker durable events/s",
                target: ">= 20000",
                measured: Some(tracker),
                met: at_least(tracker, 20_000.0),
                note: format!(
                    "the write path itself: the same rows written with no logic reach {:.0} events/s here, and one plain row per message {:.0}{}",
                    t.same_rows_events_per_s.median,
                    t.plain_rows_per_s.median,
                    t.profile.map_or(String::new(), |p| format!(
                        "; profile of the tracker's runs: {}{}",
                        p.describe("tracker"),
                        if p.idle >= 0.5 {
                            " — bound by waiting (each batch's round trips and its commit flush, in turn), not by work"
                        } else {
                            ""
                        }
                    ))
                ),
            },
            Target {
                what: "tracker / one plain row per message",
                target: ">= 0.50",
                measured: Some(t.plain_ratio),
                met: at_least(t.plain_ratio, 0.5),
                note: format!(
                    "the rows each event writes: {:.0} B of hot store per message ({}) against one row of the message; the same rows with no logic reach {:.2} of the plain rows",
                    t.disk_bytes_per_message,
                    self.per_message(3),
                    t.same_rows_events_per_s.median / t.plain_rows_per_s.median
                ),
            },
            Target {
                what: "tracker / same rows written with no logic",
                target: ">= 0.50",
                measured: Some(t.ratio),
                met: at_least(t.ratio, 0.5),
                note: format!(
                    "reading and locking the batch's movements and deciding: {:.1}× the time of writing the rows alone",
                    1.0 / t.ratio
                ),
            },
            Target {
                what: "hot-store disk per message, bytes",
                target: "<= 1024",
                measured: Some(t.disk_bytes_per_message),
                met: Some(t.disk_bytes_per_message <= 1024.0),
                note: format!(
                    "per message: {}; every event keeps its whole message in the event log, every movement its whole declaration, the outbox every record it queued (no relay runs in this stage); closed movements leave with `sigmat archive move`",
                    self.per_message(5)
                ),
            },
        ];
        if let Some(risk) = &self.risk {
            targets.push(Target {
                what: "tracker with the starter risk rules / without rules",
                target: ">= 0.80",
                measured: Some(risk.ratio),
                met: at_least(risk.ratio, 0.8),
                note: format!(
                    "the network facts read once per batch and every rule's condition evaluated for every event: {:.0} against {:.0} events/s",
                    risk.with_rules_events_per_s, risk.without_rules_events_per_s
                ),
            });
        }
        if let Some(rail) = &self.rail {
            targets.push(Target {
                what: "a train of 30 declarations, 1 tap / the 30 passages tapped one by one",
                target: "<= 0.50",
                measured: Some(rail.ratio),
                met: Some(rail.ratio <= 0.5),
                note: "the confirmation's own transaction, then its passages decided as one batch"
                    .into(),
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
                measured: Some(family.ratio.median),
                met: at_least(family.ratio.median, 0.4),
                note: format!(
                    "translation takes {:.1}× the time of the plain parse ({}): the national document decoded into the family's typed message, mapped to the standardized one and validated; the plain parse builds nothing",
                    1.0 / family.ratio.median,
                    family.plain_parse
                ),
            });
        }
        // A figure of the running stack, or why there is none: the stage did not run.
        let stack = |measured: Option<f64>, note: String| match (measured, &self.pipeline) {
            (None, None) => (None, NO_STACK.to_owned()),
            _ => (measured, note),
        };
        let elsewhere = |measured: Option<f64>, note: String| (measured, note);
        let pipeline_note = format!(
            "a release is one event of the tracker stage, which alone takes {tracker:.0} events/s; the broker alone passes {:.0} records/s",
            self.broker.passthrough_per_s.median
        );
        let p99_note = self.pipeline.as_ref().map_or(String::new(), |p| {
            format!(
                "p50 {:.1} ms against the broker's round-trip p99 {:.1} ms: two consumer polls, the tracker's batch linger and transaction, the relay's round, each adding milliseconds the bare broker does not",
                p.p50_ms.median, self.broker.round_trip_p99_ms.median
            )
        });
        let year_note = t.year.as_ref().map_or(
            "not measured in this run: --year-movements 0".to_owned(),
            |y| {
                format!(
                    "{} stored ({:.1} GB): every insert lands in indexes keyed by random UUIDs and MRNs that no longer fit in memory",
                    y.stored.describe(),
                    y.bytes as f64 / 1e9
                )
            },
        );
        let rows: [StackRow; 7] = [
            (
                "pipeline / broker passthrough",
                ">= 0.40",
                stack(self.pipeline_ratio(), pipeline_note),
                true,
            ),
            (
                "p99 at half of peak / broker round-trip p99",
                "<= 3",
                stack(self.p99_ratio(), p99_note),
                false,
            ),
            (
                "tracker with a year of traffic stored / empty",
                ">= 0.80",
                elsewhere(self.degradation_ratio(), year_note),
                true,
            ),
            (
                "peak RSS, adapter (MB)",
                "<= 64",
                stack(self.rss(true), rss_note(self.rss(true), "adapters")),
                false,
            ),
            (
                "peak RSS, tracker (MB)",
                "<= 128",
                stack(self.rss(false), rss_note(self.rss(false), "tracker")),
                false,
            ),
            (
                "officer tap -> departure's national system, p99 (s)",
                "< 1",
                stack(
                    self.pipeline.as_ref().map(|p| p.tap_p99_ms.median / 1000.0),
                    "API, broker, tracker, relay, broker, adapter".into(),
                ),
                false,
            ),
            (
                "100 million messages replayed (hours)",
                "< 4",
                elsewhere(
                    self.moonshot.as_ref().and_then(|m| m.hours),
                    self.moonshot
                        .as_ref()
                        .map_or_else(|| "not read in this run".to_owned(), |m| m.note.clone()),
                ),
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
                note,
            });
        }
        targets
    }

    /// The JSON document (`docs/benchmarks.json`): the headline ratios (medians) first, then
    /// every stage's figures with their runs.
    pub fn json(&self) -> Value {
        let t = &self.tracker;
        let translate_ratio: serde_json::Map<String, Value> = self
            .families
            .iter()
            .map(|f| (f.family.clone(), json!(round(f.ratio.median))))
            .collect();
        let scale_out: serde_json::Map<String, Value> = t
            .scale_out
            .iter()
            .map(|s| (s.instances.to_string(), json!(round(s.ratio_to_one))))
            .collect();
        json!({
            "machine": self.machine,
            "repeats": t.tracker_events_per_s.runs.len(),
            "tracker_events_per_s": t.tracker_events_per_s.median.round(),
            "tracker_ratio": round(t.ratio),
            "tracker_plain_ratio": round(t.plain_ratio),
            "disk_bytes_per_message": t.disk_bytes_per_message.round(),
            "degradation_ratio": self.degradation_ratio().map(round),
            "stored": t.year.as_ref().map(|y| json!({
                "movements": y.stored.movements,
                "events": y.stored.events,
                "inbox": y.stored.inbox,
                "outbox": y.stored.outbox,
                "bytes": y.bytes,
                "what": format!("{} under fresh random keys, times spread over the past year, copied from the tracker's own rows for real traffic", y.stored.describe()),
            })),
            "scale_out_ratio": scale_out,
            "adapter_scale_out_ratio": self.ingest.as_ref().map(|i| round(i.ratio)),
            "adapter_scale_out": self.ingest,
            "tracker_profile": t.profile,
            "narrowing": t.before_narrowing.iter().map(|b| json!({
                "step": b.step,
                "events_per_s_before": b.events_per_s.median.round(),
                "events_per_s_after": t.tracker_events_per_s.median.round(),
                "gain": round(t.tracker_events_per_s.median / b.events_per_s.median),
                "disk_bytes_per_message_before": b.disk_bytes_per_message.median.round(),
                "disk_bytes_per_message_after": t.disk_bytes_per_message.round(),
            })).collect::<Vec<_>>(),
            "risk_ratio": self.risk.as_ref().map(|r| round(r.ratio)),
            "risk": self.risk,
            "telematics_ratio": self.telematics.as_ref().map(|t| round(t.ratio)),
            "seal_p99_ms": self.pipeline.as_ref().and_then(|p| p.seal_p99_ms.as_ref().map(|s| s.median)),
            "telematics": self.telematics,
            "rail_ratio": self.rail.as_ref().map(|r| round(r.ratio)),
            "rail": self.rail,
            "translate_ratio": translate_ratio,
            "pipeline_ratio": self.pipeline_ratio().map(round),
            "moonshot_hours": self.moonshot.as_ref().and_then(|m| m.hours).map(round),
            "moonshot": self.moonshot,
            "p99_ratio": self.p99_ratio().map(round),
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

    /// The table printed at the end of a run: medians, the figure's spread over the runs, the
    /// limit, the ratio.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let t = &self.tracker;
        out += &format!(
            "sigmat bench — {} cores, {}, PostgreSQL {}, commit {}; medians of {} runs (± half their range)\n\n",
            self.machine.cores,
            self.machine.cpu,
            self.machine.postgresql,
            self.machine.commit,
            t.tracker_events_per_s.runs.len()
        );
        out += &format!(
            "{:<52} {:>14} {:>5} {:>14} {:>7}\n",
            "stage", "figure", "±", "limit", "ratio"
        );
        out += &row(
            "tracker (limit: the same rows, no logic)",
            &t.tracker_events_per_s,
            "ev/s",
            t.same_rows_events_per_s.median,
            t.ratio,
        );
        out += &row(
            "  (limit: one plain row per message)",
            &t.tracker_events_per_s,
            "ev/s",
            t.plain_rows_per_s.median,
            t.plain_ratio,
        );
        if let Some(p) = &t.profile {
            out += &format!("    where its time went: {}\n", p.describe("tracker"));
        }
        for (i, b) in t.before_narrowing.iter().enumerate() {
            // Each step is undone with the steps after it.
            let label = if i + 1 == t.before_narrowing.len() {
                format!("  after {} (limit: before it)", short_step(b.step))
            } else {
                format!(
                    "  after {} and later steps (limit: before them)",
                    short_step(b.step)
                )
            };
            out += &row(
                &label,
                &t.tracker_events_per_s,
                "ev/s",
                b.events_per_s.median,
                t.tracker_events_per_s.median / b.events_per_s.median,
            );
        }
        for s in t.scale_out.iter().filter(|s| s.instances > 1) {
            out += &row(
                &format!(
                    "  {} instances sharing 4 partitions (limit: 1)",
                    s.instances
                ),
                &s.events_per_s,
                "ev/s",
                t.scale_out[0].events_per_s.median,
                s.ratio_to_one,
            );
        }
        if let Some(y) = &t.year {
            out += &row(
                &format!(
                    "  with a year stored, {} movements (limit: empty)",
                    y.stored.movements
                ),
                &y.events_per_s,
                "ev/s",
                t.tracker_events_per_s.median,
                y.ratio_to_empty,
            );
        }
        out += &format!(
            "{:<52} {:>12.0} B {:>5} {:>12} B {:>7.2}\n",
            "  hot-store disk per message (limit: the target)",
            t.disk_bytes_per_message,
            "",
            1024,
            t.disk_bytes_per_message / 1024.0
        );
        out += &format!("    of which, per message: {}\n", self.per_message(5));
        for b in &t.before_narrowing {
            out += &format!(
                "    before {}: {:.0} B per message ({:.2} of it now)\n",
                short_step(b.step),
                b.disk_bytes_per_message.median,
                t.disk_bytes_per_message / b.disk_bytes_per_message.median
            );
        }
        if let Some(r) = &self.risk {
            out += &format!(
                "{:<52} {:>9.0} ev/s {:>5} {:>9.0} ev/s {:>7.2}\n",
                "tracker with the starter risk rules (limit: none)",
                r.with_rules_events_per_s,
                "",
                r.without_rules_events_per_s,
                r.ratio
            );
            out += &format!(
                "{:<52} {:>12.1} s {:>5} {:>9.0} ev/s {:>7.4}\n",
                format!(
                    "rule {} over {} histories (limit: in Rust)",
                    r.rule, r.evaluations
                ),
                r.seconds,
                "",
                r.native_per_s,
                r.evaluations_per_s / r.native_per_s
            );
        }
        if let Some(t) = &self.telematics {
            out += &t.table_row();
        }
        if let Some(i) = &self.ingest {
            out += &i.table_row();
        }
        if let Some(r) = &self.rail {
            out += &r.table_row();
        }
        for f in &self.families {
            out += &row(
                &format!("translate {} (limit: {})", f.family, f.plain_parse),
                &f.translate_mb_per_s,
                "MB/s",
                f.plain_mb_per_s.median,
                f.ratio.median,
            );
        }
        out += &format!(
            "{:<52} {:>14} {:>5} {:>9.0} rec/s {:>7}\n",
            format!(
                "broker, 2 hops, {} B records (the pipeline's limit)",
                self.broker.record_bytes
            ),
            "",
            self.broker.passthrough_per_s.plus_minus(),
            self.broker.passthrough_per_s.median,
            ""
        );
        if let Some(p) = &self.pipeline {
            out += &row(
                &format!(
                    "pipeline, {} s per point: release in -> both copies out (peak)",
                    p.seconds_per_point
                ),
                &p.peak_per_s,
                "rel/s|rec/s",
                self.broker.passthrough_per_s.median,
                p.peak_per_s.median / self.broker.passthrough_per_s.median,
            );
            out += &row(
                &format!(
                    "  p99 at {:.0}/s (p50 {:.1} ms, p99.9 {:.1} ms)",
                    p.half_rate_per_s.median, p.p50_ms.median, p.p999_ms.median
                ),
                &p.p99_ms,
                "ms",
                self.broker.round_trip_p99_ms.median,
                p.p99_ms.median / self.broker.round_trip_p99_ms.median,
            );
            out += &format!(
                "{:<52} {:>11.1} ms {:>5}\n",
                "officer tap -> departure's adapter, p99",
                p.tap_p99_ms.median,
                p.tap_p99_ms.plus_minus()
            );
            if let Some(seal) = &p.seal_p99_ms {
                out += &row(
                    "seal opened -> incident at the departure (limit: tap)",
                    seal,
                    "ms",
                    p.tap_p99_ms.median,
                    seal.median / p.tap_p99_ms.median,
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
             Each figure is the median of several runs taken in turn, ± half their range.\n\
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
        out += "```\n\n## Targets (issues 13 and 33)\n\n| what | target | measured | | what limits it |\n|---|---|---|---|---|\n";
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
                if t.met == Some(true) {
                    ""
                } else {
                    t.note.as_str()
                }
            );
        }
        let t = &self.tracker;
        out += &format!(
            "\n## What each stage is\n\n\
             - **tracker**: {} events ({} movements on the five corridors: every release, then every passage, \
             then every arrival) through the tracker's storage path (inbox claims, movement row locks, state \
             machine, event log, outbox), batches of {}, one transaction each, into an empty scratch schema. \
             Its limits, in the same run: the very rows the tracker wrote, written into a fresh schema with \
             the same tables and indexes, one multi-row statement per table per transaction, nothing read and \
             nothing decided; and one plain row per message (its key, id and JSON). The hot-store disk per \
             message is the tracker's schema after the first run (every table with its indexes and TOAST, \
             `pg_total_relation_size`) divided by the events it took. **Narrow write path**: in each run \
             the same events also go into an empty schema with the narrow write path undone from one of its \
             steps on (migrations {}; each step's reversal is `transit_store::baseline::NARROWING_STEPS`), \
             its figure the limit of that step's gain, with the steps after it. **Scale-out**: the same events, keyed \
             into 4 partitions by MRN, through 1, 2 and 4 tracker instances at once on one schema, each \
             taking its share of the partitions in order, as a consumer group shares them; on one machine \
             the ratio shows the coordination cost (row locks, the inbox's and the outbox's indexes, the \
             WAL), not what more machines would give.{}\n",
            t.events,
            t.movements,
            super::tracker::BATCH,
            t.before_narrowing
                .iter()
                .map(|b| short_step(b.step))
                .collect::<Vec<_>>()
                .join(", "),
            t.year.as_ref().map_or(String::new(), |y| format!(
                " **A year of traffic**: the tracker's own rows for {} real movements, copied under fresh \
                 random MRNs and UUIDs with times spread over the past year (outbox records published) \
                 until the schema held {} — {:.1} GB; then {} fresh movements through the tracker, \
                 against the empty schema's figure. The adapters' deliveries are not in this stage: they \
                 expire after `[deliveries] keep_acknowledged_days`.",
                t.movements,
                y.stored.describe(),
                y.bytes as f64 / 1e9,
                t.movements
            ))
        );
        out += &format!(
            "- **risk**: the same tracker run on the same records in fresh schemas under the starter risk \
             rules and under none, best of two each, taken in turn; and one rule (`seals-broken`) evaluated \
             with `transit_risk::assess` — the facts built from the movement, the CEL condition run — over \
             movements' histories (cycling over 1,000 distinct ones played through the state machine), \
             against the same check written in Rust over the same movements.\n\
             - **translate**: each family's golden fixtures plus releases with 50 and 300 goods items, \
             national → standardized with validation, one core; each run a plain parse of the same bytes \
             (the limit) then the translation, the ratio taken per run.\n\
             - **broker**: {} records of {} bytes produced to one topic, read and produced to a second \
             (the tracker's hop), read from there, all at once, through sigmat's own publisher and consumer \
             (acks=all, idempotent): the limit a pipeline of two hops can reach; and 300 records one at a \
             time, 5 ms apart, for its round-trip p99.\n",
            self.broker.records,
            self.broker.record_bytes
        );
        if let Some(p) = &self.pipeline {
            out += &format!(
                "- **pipeline** (the stack started by `deploy/local/up`): Côte d'Ivoire's national system \
                 (SYDAM JSON) posts releases on Abidjan–Ouagadougou, 32 at once; a release is through when \
                 Burkina Faso's adapter has stored both standardized copies. Peak: posted as fast as answered \
                 for {} s with at most {} releases in the pipeline at once (posted, copies not yet stored) \
                 ({} releases per run); latency: as long at half of that run's peak. Officer taps: \
                 the Niangoloko officer's passage through the API until Côte d'Ivoire's adapter holds the \
                 IE118 for its national system. Peak RSS is each service's `VmHWM` since it started.\n",
                p.seconds_per_point,
                p.peak_backlog,
                p.peak_releases
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        if let Some(t) = &self.telematics {
            out += &t.describe();
        }
        if let Some(i) = &self.ingest {
            out += &i.describe();
        }
        if let Some(r) = &self.rail {
            out += &r.describe();
        }
        out
    }
}

/// A table row: what, the figure's median and spread, the limit, the ratio.
/// `unit` is the figure's and the limit's, or "figure's|limit's" when they differ.
pub(crate) fn row(what: &str, figure: &Spread, unit: &str, limit: f64, ratio: f64) -> String {
    let (unit, limit_unit) = unit.split_once('|').unwrap_or((unit, unit));
    let decimals = |v: f64| usize::from(v < 1000.0);
    format!(
        "{what:<52} {:>9.d$} {unit:<5} {:>4} {limit:>9.l$} {limit_unit:<5} {ratio:>6.2}\n",
        figure.median,
        figure.plus_minus(),
        d = decimals(figure.median),
        l = decimals(limit),
    )
}

/// What a peak-RSS figure of `services` is, or why there is none though the pipeline ran.
fn rss_note(measured: Option<f64>, services: &str) -> String {
    match measured {
        Some(_) => format!("the running {services}: highest resident memory (VmHWM) over the pipeline's runs"),
        None => format!(
            "not measured: no process of this user was found listening on the ports of the {services}; name them with --service NAME=PORT"
        ),
    }
}

/// "0025" of "0025_narrow_movement_updates".
fn short_step(step: &str) -> &str {
    step.split('_').next().unwrap_or(step)
}

fn round(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}
