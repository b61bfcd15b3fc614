//! The hub API against its own contract: schemathesis generates requests from the published
//! OpenAPI document (`schemas/openapi/sigmat-api.json`) — valid ones and broken ones — and sends
//! them to the running API, as an operator and as a border officer, with a movement in store.
//! It must find no server error, and every answer (status, content type, headers, body) must be
//! one the document allows.
//!
//! schemathesis is installed by `deploy/local/install-schemathesis` (pinned versions);
//! `SIGMAT_TEST_SCHEMATHESIS` names it (deploy/local/test sets it). The seed is fixed so that a
//! run is repeatable; `SIGMAT_FUZZ_SEED=<n>` tries other inputs, `SIGMAT_FUZZ_EXAMPLES` more of
//! them (default 100 per operation).
//!
//! Left out, with the reason: `DELETE /api/v1/sessions` (it would end the session the run
//! uses; `api.rs` tests it), `GET /api/v1/events` (an open stream never ends; `api.rs` and the
//! browser tests read it), and the check that every schema-valid request is accepted (the
//! document cannot say that an MRN's check digit must hold, that `from` comes before `to`, or
//! that the office must be on the route: those are refused with 400, 403 or 422 on purpose).

use std::path::PathBuf;
use std::process::Command;

use integration_tests::Stack;

fn schemathesis() -> PathBuf {
    let path = std::env::var("SIGMAT_TEST_SCHEMATHESIS").map_or_else(
        |_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default())
                .join(".local/share/sigmat/tools/schemathesis/bin/schemathesis")
        },
        PathBuf::from,
    );
    assert!(
        path.exists(),
        "schemathesis is not installed at {}: run deploy/local/install-schemathesis \
         (deploy/local/test does it for you)",
        path.display()
    );
    path
}

fn fuzz(stack: &Stack, who: &str, token: &str) {
    let document = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../schemas/openapi/sigmat-api.json")
        .canonicalize()
        .unwrap();
    // Its example database and reports go to a directory of its own, not the repository.
    let work = std::env::temp_dir().join(format!("sigmat-fuzz-{}-{who}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let seed = std::env::var("SIGMAT_FUZZ_SEED").unwrap_or_else(|_| "20261130".into());
    let examples = std::env::var("SIGMAT_FUZZ_EXAMPLES").unwrap_or_else(|_| "100".into());
    let output = Command::new(schemathesis())
        .current_dir(&work)
        .env("NO_COLOR", "1")
        .args(["run", document.to_str().unwrap(), "--url", &stack.api_url()])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--exclude-operation-id", "logout"])
        .args(["--exclude-operation-id", "events"])
        .args([
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance",
        ])
        .args(["--seed", &seed, "--max-examples", &examples])
        // One worker: with several, CPython 3.11's ast.parse, which hypothesis calls from each
        // worker thread, can race and abort the run ("AST constructor recursion depth
        // mismatch") — a fault of the tool, not of the API, seen once in CI.
        .args(["--request-timeout", "20", "--workers", "1"])
        .args(["--generation-database", "none", "--no-color"])
        .output()
        .expect("running schemathesis");
    let _ = std::fs::remove_dir_all(&work);
    let report = String::from_utf8_lossy(&output.stdout);
    let summary = report
        .lines()
        .rfind(|l| l.contains("generated") || l.contains("passed"))
        .unwrap_or_default()
        .to_owned();
    eprintln!("schemathesis as {who}: {}", summary.trim());
    assert!(
        output.status.success(),
        "schemathesis found failures as {who} (seed {seed}):\n{report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        summary.contains("passed"),
        "schemathesis ran no tests as {who}:\n{report}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_answers_generated_requests_as_its_contract_says() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    stack.add_user("operator", "operator", None, None);
    stack.add_user("niangoloko", "officer", Some("BFNGK001"), None);
    stack.release_to_ouagadougou().await;
    for who in ["operator", "niangoloko"] {
        let client = stack.api_as(who).await;
        let token = client.token().unwrap().to_owned();
        let stack = &stack;
        tokio::task::block_in_place(|| fuzz(stack, who, &token));
    }
}
