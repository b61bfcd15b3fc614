//! Waiting for a stack's services to be ready, and saying why when one is not: each service
//! still waiting with its address, its readiness check's last answer and the end of its log.
//! Every start-up that ends in readiness or in patience running out is also recorded, one line
//! per stack in `target/integration-logs/startups.log` (how long each service took and what it
//! answered until then), so that a slow start-up is seen before it becomes a failed one (a
//! service that exits while starting fails the test with its log instead).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::service::{tail, LOG_TAIL_LINES};
use crate::{Service, Stack, PATIENCE};

impl Stack {
    /// Waits, at most [`PATIENCE`], until every service of `waiting` answers its
    /// `/health/ready` with a success; panics if one exits meanwhile (with its log), or, when
    /// patience runs out, with each service still not ready: where it answers, what its
    /// readiness check said last and the end of its log.
    pub(crate) async fn wait_until_ready(&mut self, mut waiting: Vec<NotReady>) {
        let http = reqwest::Client::builder()
            .timeout(PROBE_TIMEOUT)
            .build()
            .expect("an HTTP client");
        let started = Instant::now();
        let mut ready = Vec::new();
        loop {
            self.assert_running();
            let mut still = Vec::new();
            for mut service in waiting {
                if service.probe(&http, started).await {
                    ready.push(service);
                } else {
                    still.push(service);
                }
            }
            waiting = still;
            if waiting.is_empty() {
                record_startup(&self.id, started.elapsed(), &ready, &[]);
                return;
            }
            if started.elapsed() >= PATIENCE {
                record_startup(&self.id, started.elapsed(), &ready, &waiting);
            }
            assert!(
                started.elapsed() < PATIENCE,
                "{}",
                not_ready_report(started.elapsed(), &self.id, &self.log_dir, &waiting)
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// How long one readiness check may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// At most this much of a readiness answer's body goes into a failure message.
const BODY_LIMIT: usize = 2_000;

/// A service the stack waits for, and what its readiness check said last.
#[derive(Debug)]
pub(crate) struct NotReady {
    /// `tracker`, `api`, `adapter-bf`…
    name: String,
    /// Where it answers (`http://127.0.0.1:…`).
    base: String,
    /// Its log file.
    log: PathBuf,
    /// The last answer of its `GET /health/ready` ("503 Service Unavailable: …", "no answer:
    /// …"); `None` before it was asked.
    last: Option<String>,
    /// Each different answer it gave while not ready, with when it first gave it.
    answers: Vec<(Duration, String)>,
    /// When it first answered ready.
    ready_after: Option<Duration>,
}

impl NotReady {
    /// `service`, answering at `base`.
    pub(crate) fn of(service: &Service, base: String) -> Self {
        Self::new(&service.name, base, service.log_path().to_owned())
    }

    fn new(name: &str, base: String, log: PathBuf) -> Self {
        Self {
            name: name.to_owned(),
            base,
            log,
            last: None,
            answers: Vec::new(),
            ready_after: None,
        }
    }

    /// Asks its `/health/ready` once, keeping the answer (and, if it is new, when it came
    /// after `started`); whether it is ready.
    async fn probe(&mut self, http: &reqwest::Client, started: Instant) -> bool {
        let (ready, said) = match http.get(format!("{}/health/ready", self.base)).send().await {
            Ok(answer) => {
                let status = answer.status();
                let body = answer
                    .text()
                    .await
                    .unwrap_or_else(|e| format!("(its body could not be read: {e})"));
                (
                    status.is_success(),
                    answered(status.as_u16(), status.canonical_reason(), &body),
                )
            }
            Err(e) => (false, format!("no answer: {}", error_chain(&e))),
        };
        if ready {
            self.ready_after = Some(started.elapsed());
        } else if self.answers.last().is_none_or(|(_, last)| *last != said) {
            self.answers.push((started.elapsed(), said.clone()));
        }
        self.last = Some(said);
        ready
    }
}

/// Where every stack's start-up is recorded, one line each.
fn startups_log() -> PathBuf {
    crate::addresses::log_dir("startups.log")
}

/// Appends [`startup_line`] to [`startups_log`], all ready or not; a failure to write is not
/// the test's.
fn record_startup(id: &str, took: Duration, ready: &[NotReady], waiting: &[NotReady]) {
    let test = std::thread::current().name().unwrap_or("?").to_owned();
    let line = startup_line(id, took, &test, ready, waiting);
    let path = startups_log();
    let _ = std::fs::create_dir_all(path.parent().expect("a parent"));
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
    {
        use std::io::Write as _;
        let _ = file.write_all(line.as_bytes());
    }
}

/// One start-up on one line: the stack, how long it took, the test that started it, then each
/// service — its seconds to ready (or `NOT READY`) and the answers it gave before, with when.
fn startup_line(
    id: &str,
    took: Duration,
    test: &str,
    ready: &[NotReady],
    waiting: &[NotReady],
) -> String {
    let mut line = format!("{id} {:.1}s test={test}", took.as_secs_f64());
    for service in ready.iter().chain(waiting) {
        let after = service.ready_after.map_or("NOT READY".to_owned(), |d| {
            format!("{:.1}s", d.as_secs_f64())
        });
        let _ = write!(line, " | {} {after}", service.name);
        for (when, said) in &service.answers {
            let said = said.split_whitespace().collect::<Vec<_>>().join(" ");
            let _ = write!(line, " [{:.1}s {}]", when.as_secs_f64(), cut(&said, 240));
        }
    }
    line.push('\n');
    line
}

/// `text` cut after `limit` bytes (at a character's boundary).
fn cut(text: &str, limit: usize) -> &str {
    if text.len() <= limit {
        return text;
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// "503 Service Unavailable: {body}", the body trimmed and cut after [`BODY_LIMIT`] bytes.
fn answered(status: u16, reason: Option<&str>, body: &str) -> String {
    let body = body.trim();
    let shown = if body.is_empty() {
        "(empty body)".to_owned()
    } else if body.len() <= BODY_LIMIT {
        body.to_owned()
    } else {
        let shown = cut(body, BODY_LIMIT);
        format!("{shown}… ({} more bytes)", body.len() - shown.len())
    };
    match reason {
        Some(reason) => format!("{status} {reason}: {shown}"),
        None => format!("{status}: {shown}"),
    }
}

/// An error and its causes, "a: b: c" (reqwest's own message names no cause: "error sending
/// request for url …", the refused connection is further down).
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let said = cause.to_string();
        if !out.contains(&said) {
            out = format!("{out}: {said}");
        }
        source = cause.source();
    }
    out
}

/// The give-up message: one block per service not ready — its name and address, the last
/// answer of its readiness check, the end of its log.
fn not_ready_report(waited: Duration, id: &str, log_dir: &Path, waiting: &[NotReady]) -> String {
    let mut out = format!(
        "services did not become healthy within {:.0?} (stack {id}, logs in {}); {} not ready:\n",
        waited,
        log_dir.display(),
        waiting.len()
    );
    for service in waiting {
        let _ = writeln!(out, "\n=== {} at {} ===", service.name, service.base);
        let _ = writeln!(
            out,
            "last GET /health/ready: {}",
            indent_rest(service.last.as_deref().unwrap_or("(not asked yet)"))
        );
        match tail(&service.log, LOG_TAIL_LINES) {
            Ok(text) if text.trim().is_empty() => {
                let _ = writeln!(out, "log {}: (empty)", service.log.display());
            }
            Ok(text) => {
                let _ = writeln!(
                    out,
                    "log {}, last {LOG_TAIL_LINES} lines:",
                    service.log.display()
                );
                for line in text.lines() {
                    let _ = writeln!(out, "    | {line}");
                }
            }
            Err(e) => {
                let _ = writeln!(out, "log {}: cannot be read ({e})", service.log.display());
            }
        }
    }
    out
}

/// `text` with every line after the first indented, to stay inside its block.
fn indent_rest(text: &str) -> String {
    text.lines().collect::<Vec<_>>().join("\n    ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_give_up_message_says_for_each_service_what_it_answered_and_how_its_log_ends() {
        let dir = std::env::temp_dir().join(format!("not-ready-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let api_log = dir.join("api.log");
        let lines: Vec<String> = (1..=45).map(|n| format!("api line {n}")).collect();
        std::fs::write(&api_log, lines.join("\n") + "\n").unwrap();
        std::fs::write(dir.join("tracker.log"), "").unwrap();

        let mut api = NotReady::new("api", "http://127.0.0.1:30086".into(), api_log);
        api.last = Some(answered(
            503,
            Some("Service Unavailable"),
            "{\"error\":\"the database does not answer\"}\n",
        ));
        let mut tracker = NotReady::new(
            "tracker",
            "http://127.0.0.1:30087".into(),
            dir.join("tracker.log"),
        );
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        tracker.last = Some(format!("no answer: {}", error_chain(&refused)));
        let adapter = NotReady::new(
            "adapter-bf",
            "http://127.0.0.1:30088".into(),
            dir.join("adapter-bf.log"),
        );

        let message = not_ready_report(
            Duration::from_millis(60_040),
            "it0123456789",
            &dir,
            &[api, tracker, adapter],
        );
        println!("{message}");

        assert!(
            message.starts_with("services did not become healthy within 60s (stack it0123456789"),
            "{message}"
        );
        assert!(message.contains("3 not ready"), "{message}");
        let blocks: Vec<&str> = message.split("\n=== ").skip(1).collect();
        assert_eq!(blocks.len(), 3, "one block per service: {message}");
        let api = blocks[0];
        assert!(
            api.starts_with("api at http://127.0.0.1:30086 ==="),
            "{api}"
        );
        assert!(
            api.contains(
                "last GET /health/ready: 503 Service Unavailable: {\"error\":\"the database does not answer\"}"
            ),
            "{api}"
        );
        assert!(api.contains("last 30 lines:"), "{api}");
        for n in 16..=45 {
            assert!(
                api.contains(&format!("    | api line {n}\n")),
                "line {n}: {api}"
            );
        }
        assert!(
            !api.contains("api line 15\n"),
            "only the last 30 lines: {api}"
        );
        let tracker = blocks[1];
        assert!(tracker.starts_with("tracker at http://127.0.0.1:30087 ==="));
        assert!(
            tracker.contains("last GET /health/ready: no answer: refused"),
            "{tracker}"
        );
        assert!(tracker.contains("tracker.log: (empty)"), "{tracker}");
        let adapter = blocks[2];
        assert!(
            adapter.contains("last GET /health/ready: (not asked yet)"),
            "{adapter}"
        );
        assert!(
            adapter.contains("adapter-bf.log: cannot be read ("),
            "{adapter}"
        );
        std::fs::remove_dir_all(dir).ok();
    }

    #[tokio::test]
    async fn the_probe_keeps_what_the_service_answered_or_why_it_did_not() {
        let app = axum::Router::new().route(
            "/health/ready",
            axum::routing::get(|| async {
                (
                    axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    "the broker does not answer",
                )
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let up = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        // A port nothing listens on: bound, then let go.
        let down = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let http = reqwest::Client::builder()
            .timeout(PROBE_TIMEOUT)
            .build()
            .unwrap();
        let log = PathBuf::from("/nonexistent.log");
        let mut answering = NotReady::new("api", format!("http://{up}"), log.clone());
        assert!(!answering.probe(&http, Instant::now()).await);
        assert_eq!(
            answering.last.as_deref(),
            Some("503 Service Unavailable: the broker does not answer")
        );
        let mut silent = NotReady::new("tracker", format!("http://{down}"), log);
        assert!(!silent.probe(&http, Instant::now()).await);
        let said = silent.last.clone().unwrap();
        assert!(
            said.starts_with("no answer: ") && said.to_lowercase().contains("refused"),
            "{said}"
        );

        // The same answer again is not recorded twice; the start-up line names both services.
        assert!(!answering.probe(&http, Instant::now()).await);
        assert_eq!(answering.answers.len(), 1);
        let line = startup_line(
            "it0123456789",
            Duration::from_secs(61),
            "a_test",
            &[],
            &[answering, silent],
        );
        assert!(
            line.starts_with("it0123456789 61.0s test=a_test | api NOT READY ["),
            "{line}"
        );
        assert!(
            line.contains(
                "s 503 Service Unavailable: the broker does not answer] | tracker NOT READY ["
            ) && line.contains("s no answer: "),
            "{line}"
        );
        assert!(line.ends_with("]\n") && line.lines().count() == 1, "{line}");
    }

    #[test]
    fn a_long_answer_is_cut_and_an_empty_one_said_to_be() {
        let long = "é".repeat(BODY_LIMIT);
        let said = answered(503, Some("Service Unavailable"), &long);
        assert!(
            said.ends_with(&format!("… ({} more bytes)", BODY_LIMIT)),
            "{said}"
        );
        assert_eq!(answered(500, None, "  \n"), "500: (empty body)");
    }

    #[test]
    fn an_error_names_its_causes() {
        #[derive(Debug)]
        struct Outer(std::io::Error);
        impl std::fmt::Display for Outer {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("error sending request for url (http://127.0.0.1:1/health/ready)")
            }
        }
        impl std::error::Error for Outer {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let error = Outer(std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "Connection refused (os error 111)",
        ));
        assert_eq!(
            error_chain(&error),
            "error sending request for url (http://127.0.0.1:1/health/ready): Connection refused (os error 111)"
        );
    }
}
