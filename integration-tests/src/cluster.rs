//! The three-node Apache Kafka cluster of `deploy/local/cluster`, driven from a test: started
//! if it is not running, nodes killed and restarted through the same script an operator uses.

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
    /// `deploy/local/kafka-rights`, keeping the passwords in `secrets`.
    pub fn provision_rights(&self, prefix: &str, countries: &[&str], secrets: &std::path::Path) {
        let secrets = secrets.display().to_string();
        crate::deploy_script(
            "kafka-rights",
            &[
                "--bootstrap",
                &self.brokers,
                "--prefix",
                prefix,
                "--countries",
                &countries.join(" "),
                "--secrets",
                &secrets,
            ],
        );
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
