//! The test command's claim on the machine's broker and database ports (`claim_test_run` in
//! `deploy/local/lib.sh`, called by `deploy/local/test`): a second test command is refused,
//! naming the first, while that one runs; a claim left by a run that no longer runs, or naming
//! a process that is not a test command, is taken over; a link planted at the claim's name is
//! not written through; the claim goes when its run ends.
//!
//! Each case runs the function alone, in a shell of its own, with a private `TMPDIR` and ports
//! no stack uses: nothing here touches the broker or database of the test command running it.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};

const BROKER_PORT: &str = "41001";
const PG_PORT: &str = "41002";

/// A private folder standing for `$TMPDIR`.
fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sigmat-claim-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn claim_file(tmp: &Path) -> PathBuf {
    tmp.join(format!("sigmat-test-{BROKER_PORT}-{PG_PORT}.pid"))
}

/// A process whose command line reads as a running test command's.
fn running_test_command() -> Child {
    Command::new("sleep")
        .arg0("bash deploy/local/test")
        .arg("60")
        .spawn()
        .unwrap()
}

/// Runs `claim_test_run` in a shell of its own; on success the shell prints its pid and what
/// the claim file held while it ran.
fn claim(tmp: &Path) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source deploy/local/lib.sh; claim_test_run; echo \"$$ $(cat '{}')\"",
            claim_file(tmp).display()
        ))
        .current_dir(root)
        .env("TMPDIR", tmp)
        .env("SIGMAT_DATA_DIR", tmp.join("data"))
        .env("SIGMAT_BROKER_PORT", BROKER_PORT)
        .env("SIGMAT_PG_PORT", PG_PORT)
        .output()
        .unwrap()
}

/// Asserts the claim was taken by the shell that asked, and given back when it ended.
fn assert_claimed(tmp: &Path, out: &Output) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the claim was refused: {stderr}");
    let held: Vec<&str> = stdout.split_whitespace().collect();
    assert!(
        held.len() == 2 && held[0] == held[1],
        "the claim file did not name the shell that claimed it (its pid, then the file): {stdout}"
    );
    assert!(
        !claim_file(tmp).exists(),
        "the claim was left behind after its run ended"
    );
}

#[test]
fn a_second_test_command_is_refused_while_the_first_runs_and_may_start_after() {
    let tmp = scratch();
    let mut first = running_test_command();
    std::fs::write(claim_file(&tmp), format!("{}\n", first.id())).unwrap();

    let refused = claim(&tmp);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success(),
        "a second test command was let in"
    );
    assert!(
        stderr.contains(&format!("another test command (pid {}", first.id()))
            && stderr.contains(&format!("({BROKER_PORT}, {PG_PORT})")),
        "the refusal does not name the running test command and its ports: {stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(claim_file(&tmp)).unwrap().trim(),
        first.id().to_string(),
        "the refused command took the running one's claim"
    );

    first.kill().unwrap();
    first.wait().unwrap();
    assert_claimed(&tmp, &claim(&tmp));
    std::fs::remove_dir_all(&tmp).unwrap();
}

#[test]
fn a_claim_naming_a_process_that_is_no_test_command_is_taken_over() {
    let tmp = scratch();
    // This test's own process runs, but is no test command (as a reused pid would be).
    std::fs::write(claim_file(&tmp), format!("{}\n", std::process::id())).unwrap();
    assert_claimed(&tmp, &claim(&tmp));
    std::fs::remove_dir_all(&tmp).unwrap();
}

#[test]
fn a_link_planted_at_the_claims_name_is_not_written_through() {
    let tmp = scratch();
    let target = tmp.join("someone-elses-file");
    std::fs::write(&target, "kept\n").unwrap();
    std::os::unix::fs::symlink(&target, claim_file(&tmp)).unwrap();
    assert_claimed(&tmp, &claim(&tmp));
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "kept\n",
        "the claim was written into the file a link pointed at"
    );
    std::fs::remove_dir_all(&tmp).unwrap();
}
