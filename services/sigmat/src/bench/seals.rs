//! The pipeline stage's seal openings: for each movement, its first seal reported opened
//! between Niangoloko and Ouagadougou (on the road, outside every office zone), published over
//! MQTT to the running stack's broker as the tracking provider, one message each; when each was
//! published.

use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use transit_mqtt::{Connection, MqttSettings};
use transit_runtime::config::Secret;
use transit_scenario::Movement;
use transit_telematics::{Event, Geography, SealId, SealStatus, What};

use super::pipeline::StackArgs;

/// A point of the Abidjan–Ouagadougou road past Niangoloko, in no office zone.
fn between_offices() -> anyhow::Result<[f64; 2]> {
    let geography = Geography::builtin();
    let road = geography
        .roads()
        .iter()
        .find(|r| r.corridor == "abidjan-ouagadougou")
        .context("the Abidjan–Ouagadougou road in the published geography")?;
    let past = road
        .line
        .iter()
        .position(|p| {
            geography
                .offices_at(*p)
                .iter()
                .any(|o| o.as_str() == "BFNGK001")
        })
        .context("Niangoloko's zone on the road")?;
    road.line[past..]
        .iter()
        .skip(5)
        .copied()
        .find(|p| geography.offices_at(*p).is_empty())
        .context("a point of the road in no office zone")
}

/// Opens each movement's first seal; `(mrn, when published)`.
pub(super) async fn open(
    args: &StackArgs,
    movements: &[Movement],
) -> anyhow::Result<Vec<(String, DateTime<Utc>)>> {
    let (host, port) = args
        .mqtt
        .rsplit_once(':')
        .and_then(|(h, p)| Some((h.to_owned(), p.parse().ok()?)))
        .with_context(|| format!("--mqtt {}: write it as host:port", args.mqtt))?;
    let settings = MqttSettings {
        host,
        port,
        username: Some(args.provider.clone()),
        password: Some(Secret::new(args.provider_password.clone())),
        tls: None,
        keep_alive_s: 30,
        inflight: 100,
        max_payload_bytes: 262_144,
    };
    let connection = Connection::open(
        &settings,
        &format!("bench-seals-{}", uuid::Uuid::new_v4().simple()),
    )?;
    let point = between_offices()?;
    let topic = format!("telematics/{}/events", args.provider);
    let mut opened = Vec::with_capacity(movements.len());
    for m in movements {
        let at = Utc::now();
        let event = Event {
            event_id: format!("bench-{}-opened", m.seals[0]),
            at,
            latitude: point[1],
            longitude: point[0],
            what: What::Seal {
                seal: SealId {
                    manufacturer: "BENCH".into(),
                    id: m.seals[0].clone(),
                },
                status: SealStatus::Opened,
                vehicle: None,
            },
        };
        connection
            .publish(&topic, serde_json::to_vec(&event)?)
            .await?;
        opened.push((m.mrn.to_string(), at));
    }
    anyhow::ensure!(
        connection.wait_acknowledged(Duration::from_secs(60)).await,
        "the MQTT broker at {} did not acknowledge the seal openings (is the stack up with its telematics gateway? deploy/local/status)",
        args.mqtt
    );
    Ok(opened)
}
