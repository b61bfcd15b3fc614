//! The three-node Apache Kafka cluster of `deploy/local/cluster`, driven from a test: started
//! if it is not running, nodes killed and restarted through the same script an operator uses;
//! its broker rights given by `deploy/local/kafka-rights` ([`kafka_rights`] runs that script
//! anywhere, [`assert_no_secret`] checks that what it printed shows no password).

use crate::BrokerTarget;

/// The local three-node cluster (`deploy/local/cluster`).
#[derive(Debug)]
pub struct Cluster {
    brokers: String,
}

/// Runs `deploy/local/cluster ARGS…`; its output.
fn run(args: &[&str]) -> String {
    crate::deploy_script("cluster", args)
}

impl Cluster {
    /// Starts the three nodes (or the ones not running) and waits until all three serve.
    pub fn up() -> Self {
        run(&["up"]);
        let brokers = run(&["brokers"]).trim().to_owned();
        Self { brokers }
    }

    /// The bootstrap list of all three nodes.
    pub fn brokers(&self) -> &str {
        &self.brokers
    }

    /// What a test stack on this cluster is given: replication 3, two copies in sync.
    pub fn target(&self) -> BrokerTarget {
        BrokerTarget {
            brokers: self.brokers.clone(),
            replication_factor: 3,
            min_insync_replicas: Some(2),
        }
    }

    /// The bootstrap list of the rights listener, where services sign in with SCRAM and the
    /// broker's ACLs apply.
    pub fn sasl_brokers(&self) -> String {
        run(&["sasl-brokers"]).trim().to_owned()
    }

    /// Provisions broker identities and ACLs for `countries` under topic prefix `prefix` with
    /// `deploy/local/kafka-rights`, keeping the passwords in `secrets`; what it printed.
    pub fn provision_rights(
        &self,
        prefix: &str,
        countries: &[&str],
        secrets: &std::path::Path,
    ) -> String {
        self.rights(prefix, &["--countries", &countries.join(" ")], secrets)
    }

    /// Adds one new country, `kafka-rights --country COUNTRY`: its adapter's identity and
    /// ACLs, its topics in the tracker's and the API's; what it printed.
    pub fn add_country_rights(
        &self,
        prefix: &str,
        country: &str,
        secrets: &std::path::Path,
    ) -> String {
        self.rights(prefix, &["--country", country], secrets)
    }

    /// Runs `kafka-rights` on this cluster's administration listener with `which` (the
    /// countries' option); what it printed, or a panic with it if it failed.
    fn rights(&self, prefix: &str, which: &[&str], secrets: &std::path::Path) -> String {
        let secrets = secrets.display().to_string();
        let mut args = vec![
            "--bootstrap",
            &self.brokers,
            "--prefix",
            prefix,
            "--secrets",
            &secrets,
        ];
        args.extend_from_slice(which);
        let run = kafka_rights(&args, &[]);
        assert!(
            run.success,
            "deploy/local/kafka-rights {} failed:\n{}",
            args.join(" "),
            run.output
        );
        run.output
    }

    /// Kills node `node` (1–3) with SIGKILL.
    pub fn kill(&self, node: u8) {
        run(&["kill", &node.to_string()]);
    }

    /// Starts node `node` again and waits until all three brokers serve.
    pub fn restart(&self, node: u8) {
        run(&["restart", &node.to_string()]);
    }
}

/// What one run of `deploy/local/kafka-rights` did.
#[derive(Debug)]
pub struct RightsRun {
    /// Whether it exited with status 0.
    pub success: bool,
    /// Its standard output, then its standard error.
    pub output: String,
}

/// Runs `deploy/local/kafka-rights ARGS…` with `envs` added to its environment, whatever its
/// outcome.
pub fn kafka_rights(args: &[&str], envs: &[(&str, &str)]) -> RightsRun {
    let script = std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../deploy/local/kafka-rights"
    ));
    let output = std::process::Command::new("bash")
        .arg(&script)
        .args(args)
        .envs(envs.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("running deploy/local/kafka-rights: {e}"));
    RightsRun {
        success: output.status.success(),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}

/// Asserts that `output` shows no secret: none of the passwords kept in `secrets`
/// (`<identity>.password`), and no `password=` followed by anything but `*`. The failure
/// message marks where, without the secret.
pub fn assert_no_secret(output: &str, secrets: &std::path::Path) {
    let shown = regex::Regex::new(r"(?i)(password\s*=\s*)[^*\s]\S*").unwrap();
    assert!(
        !shown.is_match(output),
        "a password is shown:\n{}",
        shown.replace_all(output, "${1}<SHOWN HERE>")
    );
    let Ok(entries) = std::fs::read_dir(secrets) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "password") {
            let password = std::fs::read_to_string(&path).unwrap();
            let password = password.trim();
            assert!(
                password.is_empty() || !output.contains(password),
                "the password of {} is shown:\n{}",
                path.display(),
                output.replace(password, "<SHOWN HERE>")
            );
        }
    }
}
