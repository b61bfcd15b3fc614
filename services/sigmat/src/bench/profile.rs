//! Where a measured stretch's time went on this machine: how many of its cores this process
//! (the tracker's code runs in it) and the database server's processes kept busy, how many
//! anything else did, and how many sat idle — read from Linux's `/proc` before and after.
//! A stage whose busy cores add up to far less than the machine has is bound by waiting (round
//! trips, commit flushes), not by work. Elsewhere than Linux there is no profile.

use std::fs;

/// Cores in use over a stretch, by whom (they add up to the machine's cores).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct CpuProfile {
    /// This process.
    pub own: f64,
    /// The database server's processes (`postgres`), if it runs on this machine.
    pub database: f64,
    /// Every other process.
    pub other: f64,
    /// Idle (including waiting for the disk).
    pub idle: f64,
}

impl CpuProfile {
    /// "tracker 0.31, database 0.62, other 0.02, idle 1.05 of 2 cores".
    pub fn describe(&self, own: &str) -> String {
        format!(
            "{own} {:.2}, database {:.2}, other {:.2}, idle {:.2} of {:.0} cores",
            self.own,
            self.database,
            self.other,
            self.idle,
            self.own + self.database + self.other + self.idle
        )
    }
}

/// Counters read at the start of a stretch.
#[derive(Debug, Clone, Copy)]
pub struct Probe {
    start: Ticks,
}

/// Clock ticks spent so far: by every core, idle, by this process, by the database server.
#[derive(Debug, Clone, Copy)]
struct Ticks {
    cores: usize,
    total: u64,
    idle: u64,
    own: u64,
    database: u64,
}

impl Probe {
    /// Reads the counters now (none: not on Linux).
    pub fn start() -> Option<Self> {
        Ticks::now().map(|start| Self { start })
    }

    /// The profile from the start to now.
    pub fn finish(self) -> Option<CpuProfile> {
        self.read().map(Reading::fitted)
    }

    /// The shares from the start to now, as read.
    fn read(self) -> Option<Reading> {
        let end = Ticks::now()?;
        let total = end.total.saturating_sub(self.start.total);
        if total == 0 {
            return None;
        }
        let cores = end.cores as f64;
        let share = |ticks: u64| cores * ticks as f64 / total as f64;
        Some(Reading {
            cores,
            own: share(end.own.saturating_sub(self.start.own)),
            database: share(end.database.saturating_sub(self.start.database)),
            idle: share(end.idle.saturating_sub(self.start.idle)),
        })
    }
}

/// Shares of the machine's cores as the counters gave them.
#[derive(Debug, Clone, Copy)]
struct Reading {
    cores: f64,
    own: f64,
    database: f64,
    idle: f64,
}

impl Reading {
    /// The shares made to add up to the machine's cores, `other` being what is left. The
    /// process's, the database's and the machine's counters are read a moment apart and kept
    /// differently by the kernel (a process's time exactly, the machine's by the tick), so
    /// what was read can come to a little more than the cores; that excess is taken from the
    /// three shares in proportion rather than reported as cores the machine lacks (a run's
    /// profile that did so once put the mean of two runs' shares 0.08 core over two).
    fn fitted(self) -> CpuProfile {
        let read = self.own + self.database + self.idle;
        let fit = if read > self.cores {
            self.cores / read
        } else {
            1.0
        };
        let (own, database, idle) = (self.own * fit, self.database * fit, self.idle * fit);
        CpuProfile {
            own,
            database,
            other: (self.cores - own - database - idle).max(0.0),
            idle,
        }
    }
}

impl Ticks {
    fn now() -> Option<Self> {
        let stat = fs::read_to_string("/proc/stat").ok()?;
        let (total, idle) = machine_ticks(&stat)?;
        let cores = stat
            .lines()
            .filter(|l| l.starts_with("cpu") && !l.starts_with("cpu "))
            .count();
        let own = process_ticks(&fs::read_to_string("/proc/self/stat").ok()?)?;
        Some(Self {
            cores,
            total,
            idle,
            own,
            database: database_ticks(),
        })
    }
}

/// Every core's ticks and the idle ones (idle and waiting for I/O), from `/proc/stat`'s first
/// line.
fn machine_ticks(stat: &str) -> Option<(u64, u64)> {
    let fields: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    // user nice system idle iowait irq softirq steal (guest times are inside user).
    let total = fields.iter().take(8).sum();
    let idle = fields.get(3)? + fields.get(4).copied().unwrap_or(0);
    Some((total, idle))
}

/// A process's own ticks and those of its children it has waited for (a server's ended
/// connections), from its `/proc/PID/stat`.
fn process_ticks(stat: &str) -> Option<u64> {
    // The command name, in parentheses, may hold spaces: fields are counted after its end.
    let after_name = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // Fields 14-17 of proc(5) (utime stime cutime cstime); `after_name` starts at field 3.
    (11..15)
        .map(|i| fields.get(i)?.parse::<i64>().ok())
        .sum::<Option<i64>>()
        .map(|t| u64::try_from(t).unwrap_or(0))
}

/// Every `postgres` process's ticks on this machine.
fn database_ticks() -> u64 {
    let Ok(entries) = fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .filter_map(|e| fs::read_to_string(e.path().join("stat")).ok())
        .filter(|stat| {
            stat.split_once(' ')
                .is_some_and(|(_, rest)| rest.starts_with("(postgres)"))
        })
        .filter_map(|stat| process_ticks(&stat))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_line_is_read_after_its_name() {
        let line = "4242 (tokio rt) S 1 2 3 4 5 6 7 8 9 10 100 20 3 4 20 0 1 0";
        assert_eq!(process_ticks(line), Some(127));
    }

    #[test]
    fn the_machine_line_counts_waiting_for_the_disk_as_idle() {
        let stat = "cpu  10 1 5 80 4 0 0 0 7 0\ncpu0 5 0 2 40 2 0 0 0 0 0\n";
        assert_eq!(machine_ticks(stat), Some((100, 84)));
    }

    #[test]
    fn shares_read_over_the_cores_are_fitted_to_them_and_others_left_alone() {
        let reading = |own, database, idle| Reading {
            cores: 2.0,
            own,
            database,
            idle,
        };
        let over = reading(0.70, 0.40, 1.05).fitted();
        let sum = over.own + over.database + over.other + over.idle;
        assert!((sum - 2.0).abs() < 1e-9, "{over:?}");
        assert!(over.other < 1e-9, "{over:?}");
        assert!(
            (over.own / over.database - 0.70 / 0.40).abs() < 1e-9,
            "{over:?}"
        );
        let under = reading(0.5, 0.25, 1.0).fitted();
        assert_eq!(
            under,
            CpuProfile {
                own: 0.5,
                database: 0.25,
                other: 0.25,
                idle: 1.0
            }
        );
    }

    #[test]
    fn a_busy_stretch_shows_this_process_busy() {
        let probe = Probe::start().expect("this test runs on Linux");
        let started = std::time::Instant::now();
        let mut x = 0u64;
        while started.elapsed() < std::time::Duration::from_millis(300) {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
        }
        let profile = probe.read().expect("the counters moved");
        // A busy loop keeps about one core busy; other tests running beside it may take some.
        assert!(profile.own > 0.1 && profile.own < 1.5, "{profile:?}");
        assert!(
            profile.idle >= 0.0 && profile.database >= 0.0,
            "{profile:?}"
        );
        // No share counted twice: what was read adds up to no more than the machine's cores
        // (`other` is the remainder, so it cannot make up for an overcount). The process's,
        // the database's and the machine's counters are read a moment apart, in ticks of
        // 10 ms: over 300 ms each can be a tick or two off, so a busy database (other tests
        // beside this one) can put the sum a little over; a share counted twice puts it a
        // whole core over.
        let cores = fs::read_to_string("/proc/stat")
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("cpu") && !l.starts_with("cpu "))
            .count() as f64;
        assert!(
            profile.own + profile.database + profile.idle <= cores + 0.2,
            "{cores} cores: {profile:?}"
        );
    }
}
