//! Tracking events through the hub against the brokers' own path, in the same run, on a private
//! Eclipse Mosquitto (written by `deploy/local/mosquitto config`, started for the run, stopped
//! after) and the local Apache Kafka and PostgreSQL:
//!
//! - **limit**: batches of 50 positions published over MQTT (QoS 1), each message forwarded as
//!   it is to a Kafka topic by a plain subscriber that acknowledges it once Kafka has it, and
//!   read from there — MQTT → Kafka → a reader, nothing checked, nothing stored;
//! - **hub**: the same batches through the telematics gateway (in this process: each event
//!   checked, one Kafka record per event) and the tracker's telematics storage path (in this
//!   process, on a scratch schema holding the trucks' movements: each event claimed once,
//!   matched to its movement, applied to its track, the track kept), until every event is
//!   applied.

use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::Utc;
use tracker::intake::BatchProcessor;
use transit_kafka::{
    ensure_topics, header, BatchConsumer, ConsumedRecord, KafkaSettings, OutgoingRecord, Publisher,
    Topics,
};
use transit_model::reference::ReferenceData;
use transit_mqtt::{Connection, MqttSettings, Subscription};
use transit_runtime::config::Secret;
use transit_scenario::{Corridor, Movement};
use transit_store::tracker::TrackerStore;
use transit_telematics::{Event, Geography, Vehicle, What};

/// Events per MQTT message, as a tracking provider uploads them.
pub const PER_MESSAGE: usize = 50;
/// Trucks the events are spread over.
const TRUCKS: usize = 100;
const PROVIDER: &str = "bench-track";

/// The telematics figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TelematicsFigures {
    /// Events published (positions).
    pub events: usize,
    /// Trucks (movements) they belong to.
    pub trucks: usize,
    /// MQTT → Kafka → reader, nothing checked or stored, events/s.
    pub passthrough_per_s: f64,
    /// Gateway → Kafka → tracker, every event applied and stored, events/s.
    pub hub_per_s: f64,
    /// hub / passthrough.
    pub ratio: f64,
}

/// A private Mosquitto, stopped when dropped.
struct Broker {
    child: Child,
    dir: PathBuf,
    port: u16,
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn script() -> PathBuf {
    let here = PathBuf::from("deploy/local/mosquitto");
    if here.exists() {
        return here;
    }
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../deploy/local/mosquitto"
    ))
}

fn start_broker() -> anyhow::Result<Broker> {
    let dir = std::env::temp_dir().join(format!(
        "sigmat-bench-mqtt-{}",
        uuid::Uuid::new_v4().simple()
    ));
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let status = Command::new("bash")
        .arg(script())
        .args(["config", &dir.display().to_string(), &port.to_string()])
        .args([
            "sigmat-gateway:bench-gateway",
            &format!("{PROVIDER}:bench-provider"),
        ])
        .status()?;
    anyhow::ensure!(status.success(), "deploy/local/mosquitto config failed (is Mosquitto installed? deploy/local/install-prereqs)");
    let program = if std::path::Path::new("/usr/sbin/mosquitto").exists() {
        "/usr/sbin/mosquitto"
    } else {
        "mosquitto"
    };
    let child = Command::new(program)
        .arg("-c")
        .arg(dir.join("mosquitto.conf"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| {
            anyhow::anyhow!("starting {program}: {e} (deploy/local/install-prereqs installs it)")
        })?;
    let broker = Broker { child, dir, port };
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(10),
            "Mosquitto did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(broker)
}

fn mqtt(port: u16, user: &str, password: &str) -> MqttSettings {
    MqttSettings {
        host: "127.0.0.1".into(),
        port,
        username: Some(user.into()),
        password: Some(Secret::new(password.to_owned())),
        tls: None,
        keep_alive_s: 30,
        inflight: 100,
        max_payload_bytes: 262_144,
    }
}

/// The trucks' movements (own vehicles, own seals) and their positions along their roads,
/// batched as providers upload them.
fn fleet(events: usize) -> anyhow::Result<(Vec<Movement>, Vec<Vec<u8>>)> {
    let data = ReferenceData::builtin();
    let geography = Geography::builtin();
    let now = Utc::now();
    let movements: Vec<(Movement, &[[f64; 2]])> = (0..TRUCKS)
        .map(|k| {
            let roads: Vec<_> = data.corridors().iter().filter(|c| c.by_road()).collect();
            let id = &roads[k % roads.len()].id;
            let corridor = Corridor::from_reference(&data, id)
                .ok_or_else(|| anyhow::anyhow!("corridor {id}"))?;
            let road = geography
                .roads()
                .iter()
                .find(|r| &r.corridor == id)
                .ok_or_else(|| anyhow::anyhow!("no road for {id}"))?;
            Ok((
                Movement::new(corridor, now)
                    .with_own_vehicle()
                    .with_own_seals(),
                road.line.as_slice(),
            ))
        })
        .collect::<anyhow::Result<_>>()?;
    let per_truck = events.div_ceil(TRUCKS);
    let mut all = Vec::with_capacity(events);
    for i in 0..per_truck {
        for (k, (m, road)) in movements.iter().enumerate() {
            if all.len() == events {
                break;
            }
            let p = road[(i * 2) % road.len()];
            let ago = i64::try_from(per_truck - i).unwrap_or(0) * 30;
            all.push(Event {
                event_id: format!("b{k}-{i}"),
                at: now - chrono::Duration::seconds(ago),
                latitude: p[1],
                longitude: p[0],
                what: What::Position {
                    vehicle: Vehicle {
                        registration: m.vehicle.clone(),
                        nationality: None,
                    },
                    speed_kmh: Some(55.0),
                },
            });
        }
    }
    let messages = all
        .chunks(PER_MESSAGE)
        .map(serde_json::to_vec)
        .collect::<Result<_, _>>()?;
    Ok((movements.into_iter().map(|(m, _)| m).collect(), messages))
}

async fn publish(port: u16, messages: &[Vec<u8>]) -> anyhow::Result<()> {
    let connection = Connection::open(
        &mqtt(port, PROVIDER, "bench-provider"),
        &format!("bench-pub-{}", uuid::Uuid::new_v4().simple()),
    )?;
    for m in messages {
        connection
            .publish(&format!("telematics/{PROVIDER}/events"), m.clone())
            .await?;
    }
    anyhow::ensure!(
        connection.wait_acknowledged(Duration::from_secs(120)).await,
        "Mosquitto did not acknowledge every message"
    );
    Ok(())
}

/// Reads `topic` until `enough` holds for what was read.
async fn read_until(
    settings: &KafkaSettings,
    topic: &str,
    mut each: impl FnMut(&[ConsumedRecord]) -> usize,
    total: usize,
    what: &str,
) -> anyhow::Result<()> {
    let consumer = BatchConsumer::subscribe(
        settings,
        &format!("{topic}-bench-reader"),
        &[topic.to_owned()],
    )?;
    let mut seen = 0;
    let started = Instant::now();
    while seen < total {
        let batch = consumer
            .next_batch(2000, Duration::from_millis(10), Duration::from_millis(500))
            .await?;
        seen += each(&batch);
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(600),
            "{what}: {seen} of {total} after 10 minutes"
        );
    }
    Ok(())
}

/// Measures `events` positions both ways.
pub async fn measure(
    database_url: &str,
    brokers: &str,
    events: usize,
) -> anyhow::Result<TelematicsFigures> {
    let broker = start_broker()?;
    let (movements, messages) = fleet(events)?;
    let run = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis();
    let mut settings = KafkaSettings::new(brokers);
    settings.partitions = 3;

    // The limit: MQTT → Kafka as it comes → a reader.
    settings.topic_prefix = format!("bench{run}raw");
    let raw = Topics::new(&settings.topic_prefix);
    ensure_topics(&settings, &raw.telematics_specs(&settings)).await?;
    let publisher = Publisher::new(&settings)?;
    let mut subscription = Subscription::new(
        &mqtt(broker.port, "sigmat-gateway", "bench-gateway"),
        &format!("bench-raw-{run}"),
        &[format!("telematics/{PROVIDER}/events")],
    )?;
    let acknowledger = subscription.acknowledger();
    let topic = raw.telematics();
    let count = messages.len();
    let forwarder = tokio::spawn(async move {
        for _ in 0..count {
            let incoming = subscription.next().await?;
            publisher
                .publish_all(&[OutgoingRecord {
                    topic: topic.clone(),
                    key: PROVIDER.into(),
                    headers: Vec::new(),
                    payload: incoming.payload.clone(),
                }])
                .await?;
            acknowledger.ack(&incoming).await?;
        }
        anyhow::Ok(())
    });
    tokio::time::sleep(Duration::from_millis(500)).await; // subscribed
    let started = Instant::now();
    let publishing = publish(broker.port, &messages);
    let raw_topic = raw.telematics();
    let reading = read_until(
        &settings,
        &raw_topic,
        |b| b.len() * PER_MESSAGE,
        events,
        "the passthrough",
    );
    let (published, read) = tokio::join!(publishing, reading);
    published?;
    read?;
    let passthrough_per_s = events as f64 / started.elapsed().as_secs_f64();
    forwarder.await??;

    // The hub: the gateway → Kafka → the tracker's storage, on the trucks' movements.
    settings.topic_prefix = format!("bench{run}hub");
    let hub = Topics::new(&settings.topic_prefix);
    let (pool, schema) = super::tracker::scratch(database_url, "telematics").await?;
    let store = TrackerStore::new(pool.clone());
    let releases: Vec<ConsumedRecord> = movements
        .iter()
        .enumerate()
        .map(|(n, m)| {
            let release = m.release();
            ConsumedRecord {
                topic: hub.to_hub(m.corridor.departure.country()),
                partition: 0,
                offset: i64::try_from(n).unwrap_or(0),
                key: Some(release.mrn().to_string()),
                headers: [(
                    header::MESSAGE_TYPE.to_owned(),
                    release.message_type().code().to_owned(),
                )]
                .into(),
                payload: transit_codec::json::encode(&release),
                written_at_ms: None,
            }
        })
        .collect();
    BatchProcessor::new(store.clone(), hub.clone())
        .process(&releases, Utc::now())
        .await?;
    let gateway = telematics::Application::build(telematics::Settings {
        telemetry: Default::default(),
        http: transit_http::HttpSettings {
            listen: "127.0.0.1:0".parse()?,
            tls: None,
            trusted_proxies: Vec::new(),
            reuse_port: false,
        },
        kafka: settings.clone(),
        mqtt: Some(telematics::MqttGateway {
            broker: mqtt(broker.port, "sigmat-gateway", "bench-gateway"),
            client_id: format!("bench-gateway-{run}"),
            filter: "telematics/+/events".into(),
        }),
        providers: vec![telematics::ProviderSettings {
            name: PROVIDER.into(),
            token_sha256: None,
        }],
    })
    .await?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(gateway.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    tokio::time::sleep(Duration::from_millis(500)).await; // subscribed
    let judgement = tracker::telematics::Judgement::builtin();
    let started = Instant::now();
    let publishing = publish(broker.port, &messages);
    let consumer = BatchConsumer::subscribe(
        &settings,
        &format!("bench{run}-tracker"),
        &[hub.telematics()],
    )?;
    let tracking = async {
        let mut applied = 0u64;
        let started = Instant::now();
        while applied < events as u64 {
            let batch = consumer
                .next_batch(500, Duration::from_millis(20), Duration::from_millis(500))
                .await?;
            if batch.is_empty() {
                anyhow::ensure!(
                    started.elapsed() < Duration::from_secs(600),
                    "the tracker applied {applied} of {events} events after 10 minutes"
                );
                continue;
            }
            let mut tx = store.begin().await?;
            let counted =
                tracker::telematics::store_batch(&hub, &judgement, &mut tx, &batch, Utc::now())
                    .await?;
            tx.commit().await?;
            consumer.commit(&batch).await?;
            anyhow::ensure!(
                counted.unmatched == 0,
                "{} events matched no movement",
                counted.unmatched
            );
            applied += counted.applied;
        }
        anyhow::Ok(())
    };
    let (published, tracked) = tokio::join!(publishing, tracking);
    published?;
    tracked?;
    let hub_per_s = events as f64 / started.elapsed().as_secs_f64();
    let _ = stop.send(());
    running.await??;
    transit_store::drop_schema(&pool, &schema).await?;
    drop(broker);
    Ok(TelematicsFigures {
        events,
        trucks: TRUCKS,
        passthrough_per_s,
        hub_per_s,
        ratio: hub_per_s / passthrough_per_s,
    })
}

impl TelematicsFigures {
    /// Its line in the table.
    pub fn table_row(&self) -> String {
        format!(
            "{:<52} {:>10.0} ev/s {:>10.0} ev/s {:>7.2}\n",
            "tracking events (limit: MQTT → Kafka, nothing stored)",
            self.hub_per_s,
            self.passthrough_per_s,
            self.ratio
        )
    }

    /// What the stage is, for the Markdown.
    pub fn describe(&self) -> String {
        format!(
            "- **tracking events**: {} positions of {} tracked trucks (own movements released first in a \
             scratch schema), {} per MQTT message, QoS 1, on a private Mosquitto started for the run. \
             Limit: each message forwarded as it is to Kafka by a plain subscriber acknowledging it once \
             Kafka has it, and read from there. Hub: the same messages through the telematics gateway \
             (each event checked, one record per event) and the tracker's telematics storage (each \
             event claimed once, matched to its movement, applied to its track), until every event is \
             applied. **Seal → incident** (with the pipeline stage): a seal of a released movement \
             reported opened between Niangoloko and Ouagadougou over MQTT, as the tracking provider, \
             until Côte d'Ivoire's adapter holds the IE180 for its national system, p99, against the \
             officer tap's p99 (the same hops without the gateway and the tracking events).\n",
            self.events, self.trucks, PER_MESSAGE
        )
    }
}
