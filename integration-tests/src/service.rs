//! A service of a test stack: the real binary as a child process, its log, killed when
//! dropped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A process killed when dropped.
#[derive(Debug)]
pub struct Service {
    pub(crate) name: String,
    pub(crate) child: Child,
    log: PathBuf,
    /// How it was started, to start it again after a crash.
    pub(crate) binary: String,
    pub(crate) vars: Vec<(String, String)>,
}

impl Service {
    /// A program started elsewhere (a broker of the test's own), killed when dropped.
    pub(crate) fn adopt(name: &str, child: Child, log: PathBuf) -> Self {
        Self {
            name: name.to_owned(),
            child,
            log,
            binary: String::new(),
            vars: Vec::new(),
        }
    }

    /// Its whole log.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The last lines of its log, for failure messages.
    pub fn log_tail(&self) -> String {
        tail(&self.log, LOG_TAIL_LINES).unwrap_or_default()
    }

    /// Where its output goes.
    pub(crate) fn log_path(&self) -> &Path {
        &self.log
    }

    /// Waits up to `patience` for it to exit by itself; its exit status, or `None` if it is
    /// still running.
    pub async fn exited_within(&mut self, patience: Duration) -> Option<std::process::ExitStatus> {
        let started = Instant::now();
        while started.elapsed() < patience {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        None
    }

    /// The value of environment variable `key` it was started with.
    pub fn var(&self, key: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Panics with its log if it has exited.
    pub fn assert_running(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!(
                "{} exited with {status}; its log:\n{}",
                self.name,
                self.log_tail()
            );
        }
    }
}

/// How many of a log's last lines a failure message shows.
pub(crate) const LOG_TAIL_LINES: usize = 30;

/// The last `lines` lines of the file at `path`, or why it cannot be read.
pub(crate) fn tail(path: &Path, lines: usize) -> std::io::Result<String> {
    let bytes = std::fs::read(path)?;
    let text = String::from_utf8_lossy(&bytes);
    let all: Vec<&str> = text.lines().collect();
    Ok(all[all.len().saturating_sub(lines)..].join("\n"))
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `binary` from `bin_dir` as `name` with `vars`, its output in `log_dir/name.log`
/// (added to the end of it when the service is started again after a crash).
pub(crate) fn spawn_service(
    bin_dir: &std::path::Path,
    log_dir: &std::path::Path,
    name: &str,
    binary: &str,
    vars: Vec<(String, String)>,
) -> Service {
    let path = bin_dir.join(binary);
    assert!(
        path.exists(),
        "{} is missing: run `cargo build --workspace --bins` first (deploy/local/test does)",
        path.display()
    );
    let log = log_dir.join(format!("{name}.log"));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log)
        .expect("creating a log file");
    let child = Command::new(&path)
        .envs(vars.clone())
        .env("SIGMAT_LOG", "info")
        .stdin(Stdio::null())
        .stdout(file.try_clone().expect("log file"))
        .stderr(file)
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", path.display()));
    Service {
        name: name.to_owned(),
        child,
        log,
        binary: binary.to_owned(),
        vars,
    }
}
