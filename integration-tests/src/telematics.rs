//! A test stack's tracking providers: a Mosquitto broker of the test's own (written by
//! `deploy/local/mosquitto config`, run as a child process), the telematics gateway binary in
//! the stack's topics, and a provider `sahel-track` with its MQTT password and HTTPS token.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use transit_mqtt::{Connection, MqttSettings};
use transit_runtime::config::Secret;
use transit_telematics::{Event, Geography, What};

use crate::{deploy_script, free_port, spawn_service, Service, Stack, PATIENCE};

/// The test provider's name.
pub const PROVIDER: &str = "sahel-track";

/// How a test reaches its telematics gateway.
#[derive(Debug, Clone)]
pub struct TelematicsAccess {
    /// The MQTT broker, as the provider logs in.
    pub mqtt: MqttSettings,
    /// The gateway's base URL (`POST /telematics/v1/events`).
    pub gateway: String,
    /// The provider's HTTPS token.
    pub token: String,
}

impl TelematicsAccess {
    /// A publishing connection as the provider.
    pub fn connect(&self) -> Connection {
        Connection::open(
            &self.mqtt,
            &format!("{PROVIDER}-{}", uuid::Uuid::new_v4().simple()),
        )
        .expect("an MQTT connection")
    }

    /// Publishes `events` (one message each) on the provider's topic and waits until the
    /// broker acknowledged them all.
    pub async fn publish(&self, connection: &Connection, events: &[Event]) {
        for event in events {
            connection
                .publish(
                    &format!("telematics/{PROVIDER}/events"),
                    serde_json::to_vec(event).expect("an event serializes"),
                )
                .await
                .expect("published");
        }
        assert!(
            connection.wait_acknowledged(PATIENCE).await,
            "Mosquitto did not acknowledge every event: {connection:?}"
        );
    }

    /// Posts `body` to the gateway's HTTPS door with the provider's token.
    pub async fn post(&self, body: &serde_json::Value) -> (u16, serde_json::Value) {
        let answer = reqwest::Client::new()
            .post(format!("{}/telematics/v1/events", self.gateway))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .expect("the gateway answers");
        let status = answer.status().as_u16();
        (status, answer.json().await.unwrap_or_default())
    }
}

fn mosquitto_program() -> &'static str {
    if Path::new("/usr/sbin/mosquitto").exists() {
        "/usr/sbin/mosquitto"
    } else {
        "mosquitto"
    }
}

impl Stack {
    /// Starts this test's MQTT broker and telematics gateway, and waits until the gateway is
    /// ready.
    pub async fn add_telematics(&mut self) -> TelematicsAccess {
        let dir = self.log_dir.join("mosquitto");
        let port = free_port().port();
        let gateway_password = format!("gw-{}", uuid::Uuid::new_v4().simple());
        let provider_password = format!("st-{}", uuid::Uuid::new_v4().simple());
        deploy_script(
            "mosquitto",
            &[
                "config",
                &dir.display().to_string(),
                &port.to_string(),
                &format!("sigmat-gateway:{gateway_password}"),
                &format!("{PROVIDER}:{provider_password}"),
            ],
        );
        let log = std::fs::File::create(self.log_dir.join("mosquitto.log")).expect("a log file");
        let child = Command::new(mosquitto_program())
            .arg("-c")
            .arg(dir.join("mosquitto.conf"))
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("starting mosquitto (deploy/local/install-prereqs installs it)");
        self.services.push(Service::adopt(
            "mosquitto",
            child,
            dir.join("mosquitto.log"),
        ));
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            self.assert_running();
            assert!(started.elapsed() < PATIENCE, "Mosquitto did not listen");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }

        let token = format!("sigmat_tm_test_{}", uuid::Uuid::new_v4().simple());
        let hash = {
            use sha2::Digest;
            hex::encode(sha2::Sha256::digest(token.as_bytes()))
        };
        let config = self.log_dir.join("telematics.toml");
        std::fs::write(
            &config,
            format!("[[providers]]\nname = \"{PROVIDER}\"\ntoken_sha256 = \"{hash}\"\n"),
        )
        .expect("writing the gateway's configuration");
        let listen = free_port();
        let kafka = &self.kafka;
        let mut vars: Vec<(String, String)> = vec![
            (
                "SIGMAT_TELEMATICS_CONFIG".into(),
                config.display().to_string(),
            ),
            ("SIGMAT_TELEMATICS__HTTP__LISTEN".into(), listen.to_string()),
            (
                "SIGMAT_TELEMATICS__KAFKA__BROKERS".into(),
                kafka.brokers.clone(),
            ),
            (
                "SIGMAT_TELEMATICS__KAFKA__TOPIC_PREFIX".into(),
                kafka.topic_prefix.clone(),
            ),
            ("SIGMAT_TELEMATICS__KAFKA__PARTITIONS".into(), "2".into()),
            // The broker client's figures on a test's time scale (metrics.rs).
            (
                "SIGMAT_TELEMATICS__KAFKA__STATISTICS_INTERVAL_MS".into(),
                "1000".into(),
            ),
            (
                "SIGMAT_TELEMATICS__KAFKA__REPLICATION_FACTOR".into(),
                kafka.replication_factor.to_string(),
            ),
            ("SIGMAT_TELEMATICS__MQTT__HOST".into(), "127.0.0.1".into()),
            ("SIGMAT_TELEMATICS__MQTT__PORT".into(), port.to_string()),
            (
                "SIGMAT_TELEMATICS__MQTT__USERNAME".into(),
                "sigmat-gateway".into(),
            ),
            ("SIGMAT_TELEMATICS__MQTT__PASSWORD".into(), gateway_password),
            (
                "SIGMAT_TELEMATICS__MQTT__CLIENT_ID".into(),
                format!("{}-gateway", self.id),
            ),
        ];
        if let Some(min) = kafka.min_insync_replicas {
            vars.push((
                "SIGMAT_TELEMATICS__KAFKA__MIN_INSYNC_REPLICAS".into(),
                min.to_string(),
            ));
        }
        let gateway = spawn_service(
            &self.bin_dir,
            &self.log_dir,
            "telematics",
            "telematics",
            vars,
        );
        self.services.push(gateway);
        let url = format!("http://{listen}");
        let started = Instant::now();
        loop {
            self.assert_running();
            if let Ok(answer) = reqwest::get(format!("{url}/health/ready")).await {
                if answer.status() == 200 {
                    break;
                }
            }
            assert!(
                started.elapsed() < PATIENCE,
                "the telematics gateway did not become ready"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        TelematicsAccess {
            mqtt: MqttSettings {
                host: "127.0.0.1".into(),
                port,
                username: Some(PROVIDER.into()),
                password: Some(Secret::new(provider_password)),
                tls: None,
                keep_alive_s: 30,
                inflight: 100,
                max_payload_bytes: 262_144,
            },
            gateway: url,
            token,
        }
    }
}

/// Points along a corridor's road (from the geography published with sigmat), one every
/// `step_m` metres.
pub fn road(corridor: &str, step_m: f64) -> Vec<[f64; 2]> {
    use transit_telematics::geometry::distance;
    let geography = Geography::builtin();
    let line = &geography
        .roads()
        .iter()
        .find(|r| r.corridor == corridor)
        .unwrap_or_else(|| panic!("no road for {corridor}"))
        .line;
    let mut points = vec![line[0]];
    for w in line.windows(2) {
        let steps = (distance(w[0], w[1]) / step_m).ceil().max(1.0) as usize;
        for k in 1..=steps {
            let t = k as f64 / steps as f64;
            points.push([
                w[0][0] + t * (w[1][0] - w[0][0]),
                w[0][1] + t * (w[1][1] - w[0][1]),
            ]);
        }
    }
    points
}

/// The index of the first of `points` inside `office`'s zone (the published geography).
pub fn first_inside(points: &[[f64; 2]], office: &str) -> usize {
    let geography = Geography::builtin();
    points
        .iter()
        .position(|p| {
            geography
                .offices_at(*p)
                .iter()
                .any(|o| o.as_str() == office)
        })
        .unwrap_or_else(|| panic!("the road never enters {office}'s zone"))
}

/// A position event of `vehicle` at `point`.
pub fn position(
    id: &str,
    vehicle: &str,
    at: chrono::DateTime<chrono::Utc>,
    point: [f64; 2],
) -> Event {
    Event {
        event_id: id.into(),
        at,
        latitude: point[1],
        longitude: point[0],
        what: What::Position {
            vehicle: transit_telematics::Vehicle {
                registration: vehicle.into(),
                nationality: None,
            },
            speed_kmh: Some(55.0),
        },
    }
}
