//! A movement on Abidjan → Ouagadougou (the standardized example release: transit at
//! Niangoloko, seals CI-S-0001 and CI-S-0002, truck AB-1234-CI), and a truck driving its road.

#![allow(dead_code)]

use chrono::{DateTime, Duration, Utc};
use transit_lifecycle::Movement;
use transit_telematics::geometry::{distance, Point};
use transit_telematics::{Event, Geography, Received, SealId, SealStatus, Vehicle, What};

pub fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-26T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

pub fn movement() -> Movement {
    let release = transit_codec::json::decode(include_bytes!(
        "../../../../schemas/transit/v1/examples/IE029.json"
    ))
    .unwrap();
    transit_lifecycle::decide(None, &release, start())
        .unwrap()
        .movement
}

/// Points along the corridor's road from Abidjan to Ouagadougou, one every `step_m` metres.
pub fn road(step_m: f64) -> Vec<Point> {
    let geography = Geography::builtin();
    let line = &geography
        .roads()
        .iter()
        .find(|r| r.corridor == "abidjan-ouagadougou")
        .unwrap()
        .line;
    let mut points = vec![line[0]];
    for w in line.windows(2) {
        let length = distance(w[0], w[1]);
        let steps = (length / step_m).ceil().max(1.0) as usize;
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

pub fn position(n: usize, at: DateTime<Utc>, p: Point) -> Received {
    received(Event {
        event_id: format!("pos-{n}"),
        at,
        latitude: p[1],
        longitude: p[0],
        what: What::Position {
            vehicle: Vehicle {
                registration: "AB-1234-CI".into(),
                nationality: Some("CI".into()),
            },
            speed_kmh: Some(60.0),
        },
    })
}

pub fn seal(id: &str, at: DateTime<Utc>, p: Point, status: SealStatus) -> Received {
    received(Event {
        event_id: format!("seal-{id}-{}", at.timestamp()),
        at,
        latitude: p[1],
        longitude: p[0],
        what: What::Seal {
            seal: SealId {
                manufacturer: "ACME".into(),
                id: "CI-S-0001".into(),
            },
            status,
            vehicle: None,
        },
    })
}

fn received(event: Event) -> Received {
    Received {
        provider: "sahel-track".into(),
        received_at: event.at + Duration::seconds(2),
        event,
    }
}

/// The drive: a position every kilometre, a minute apart.
pub fn drive() -> Vec<Received> {
    road(1000.0)
        .into_iter()
        .enumerate()
        .map(|(n, p)| position(n, start() + Duration::minutes(n as i64), p))
        .collect()
}
