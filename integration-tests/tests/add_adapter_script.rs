//! `deploy/local/add-adapter`, the runbook's step 3 of "Onboard a country": a new country's
//! adapter started beside whatever runs, with its configuration written, its national system's
//! token made and kept (mode 600) but never printed, ready when the script says so, and
//! refused a second start. Run in a data directory, topic prefix and schema of its own.

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use sha2::{Digest, Sha256};
use transit_testkit::Isolated;

/// The port of an address `host:port` or of a URL `…@host:port/…`.
fn port_of(address: &str) -> String {
    let after = address.rsplit('@').next().unwrap();
    let host_port = after.split('/').next().unwrap();
    host_port.rsplit(':').next().unwrap().to_owned()
}

fn add_adapter(data_dir: &std::path::Path, test: &Isolated, port: u16) -> std::process::Output {
    Command::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../deploy/local/add-adapter"
    ))
    .args(["--country", "GM", "--family", "standard", "--port"])
    .arg(port.to_string())
    .env("SIGMAT_DATA_DIR", data_dir)
    .env("SIGMAT_BROKER_PORT", port_of(&Isolated::brokers()))
    .env("SIGMAT_PG_PORT", port_of(&Isolated::database_url()))
    .env("SIGMAT_ADAPTER__KAFKA__TOPIC_PREFIX", test.id())
    .env("SIGMAT_ADAPTER__DATABASE__SCHEMA", test.schema("gm"))
    .env("SIGMAT_ADAPTER__GROUP_ID", test.group("gm"))
    .env(
        "CARGO_TARGET_DIR",
        integration_tests::addresses::bin_dir().join(".."),
    )
    .output()
    .expect("the script runs")
}

/// The adapter the script started, stopped (and waited for) however the test ends.
struct Started(std::path::PathBuf);

impl Drop for Started {
    fn drop(&mut self) {
        let Ok(pid) = std::fs::read_to_string(&self.0) else {
            return;
        };
        let pid = pid.trim();
        let _ = Command::new("kill").arg(pid).status();
        for _ in 0..100 {
            let alive = Command::new("kill").args(["-0", pid]).status();
            if !alive.is_ok_and(|s| s.success()) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let _ = Command::new("kill").args(["-9", pid]).status();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_country_adapter_is_added_and_its_token_is_never_printed() {
    let test = Isolated::new("aa");
    let data_dir = std::env::temp_dir().join(format!("sigmat-add-adapter-{}", test.id()));
    let port = integration_tests::free_port().port();
    let out = add_adapter(&data_dir, &test, port);
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let started = Started(data_dir.join("run/adapter-gm.pid"));
    assert!(out.status.success(), "add-adapter failed:\n{printed}");
    assert!(printed.contains("adapter-gm ready"), "{printed}");

    let token_file = data_dir.join("credentials/adapter-gm.token");
    let token = std::fs::read_to_string(&token_file).unwrap();
    let token = token.trim();
    assert_eq!(
        std::fs::metadata(&token_file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(
        !printed.contains(token),
        "the token was printed:\n{printed}"
    );
    let config = std::fs::read_to_string(data_dir.join("config/adapter-gm.toml")).unwrap();
    assert!(!config.contains(token), "only its SHA-256 is written");
    assert!(config.contains(&hex::encode(Sha256::digest(token.as_bytes()))));
    assert!(config.contains("country = \"GM\"") && config.contains("family = \"standard\""));

    // Ready, and the token is the national system's: with it the deliveries answer, without
    // it they do not.
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let ready = client
        .get(format!("{base}/health/ready"))
        .send()
        .await
        .unwrap();
    let with = client
        .get(format!("{base}/api/v1/deliveries"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let without = client
        .get(format!("{base}/api/v1/deliveries"))
        .send()
        .await
        .unwrap();
    let again = add_adapter(&data_dir, &test, port);
    drop(started);
    assert_eq!(ready.status(), 200);
    assert_eq!(with.status(), 200);
    assert_eq!(without.status(), 401);
    assert!(
        !again.status.success()
            && String::from_utf8_lossy(&again.stderr).contains("already running"),
        "{again:?}"
    );
    let pool = sqlx::PgPool::connect(&Isolated::database_url())
        .await
        .unwrap();
    transit_store::drop_schema(&pool, &test.schema("gm"))
        .await
        .unwrap();
    let _ = std::fs::remove_dir_all(&data_dir);
}
