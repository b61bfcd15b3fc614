//! `sigmat simulate --telematics`: every released truck reports its position over MQTT every
//! 30 corridor seconds (as the tracking provider `sahel-track`, in batches as providers upload
//! them) and its electronic seals' status; some trucks leave their road, some seals are opened
//! between offices. Where a country confirms passages automatically (the published telematics
//! rules), its simulated national system no longer sends the IE118: the truck's tracker does.
//! At the end, every event published is accounted for at the gateway and at the tracker (their
//! metrics, before and after), and the seeded deviations and opened seals are looked for on
//! the hub.

use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Utc};
use transit_model::{CountryCode, MessageType, OfficeRef};
use transit_mqtt::{Connection, MqttSettings};
use transit_runtime::config::Secret;
use transit_telematics::{Event, Geography, SealId, SealStatus, TelematicsRules, Vehicle, What};

use super::plan::Trip;
use super::tracks::{Path, Road};

/// `sigmat simulate` options for tracked trucks.
#[derive(clap::Args, Debug, Clone)]
pub struct TelematicsArgs {
    /// Trucks report their positions and seals over MQTT to the telematics gateway.
    #[arg(long)]
    pub telematics: bool,
    /// The MQTT broker (host:port).
    #[arg(long, default_value = "127.0.0.1:11883")]
    pub mqtt: String,
    /// The tracking provider the trucks report as (its MQTT user; the password in
    /// SIGMAT_MQTT_PASSWORD, else the local demo's).
    #[arg(long, default_value = "sahel-track")]
    pub provider: String,
    /// Corridor seconds between two positions of a truck.
    #[arg(long, default_value_t = 30.0)]
    pub position_every_s: f64,
    /// Every n-th truck leaves its road for a while on its last leg (0: never).
    #[arg(long, default_value_t = 9)]
    pub deviate_every: usize,
    /// Every n-th truck's first seal is opened halfway through its last leg (0: never).
    #[arg(long, default_value_t = 13)]
    pub open_seal_every: usize,
    /// The telematics gateway, whose metrics count the events it took.
    #[arg(long, default_value = "http://127.0.0.1:18110")]
    pub gateway: String,
    /// The tracker's health listener, whose metrics count the events it stored.
    #[arg(long, default_value = "http://127.0.0.1:18090")]
    pub tracker: String,
    /// The provider's MQTT password: SIGMAT_MQTT_PASSWORD, else the local demo's (never a
    /// flag, which would stay in the shell's history).
    #[arg(skip)]
    pub mqtt_password: Option<String>,
}

impl Default for TelematicsArgs {
    /// No tracked trucks; the other values as the command line's defaults.
    fn default() -> Self {
        Self {
            telematics: false,
            mqtt: "127.0.0.1:11883".into(),
            provider: "sahel-track".into(),
            position_every_s: 30.0,
            deviate_every: 9,
            open_seal_every: 13,
            gateway: "http://127.0.0.1:18110".into(),
            tracker: "http://127.0.0.1:18090".into(),
            mqtt_password: None,
        }
    }
}

/// The most events in one MQTT message (a provider's upload).
const BATCH: usize = 400;

/// The trucks' trackers.
#[derive(Debug)]
pub struct Fleet {
    connection: Connection,
    topic: String,
    paths: Vec<Option<Path>>,
    next_slot: Vec<u64>,
    opened: Vec<bool>,
    step: Duration,
    leg: Duration,
    started: DateTime<Utc>,
    automatic: Vec<CountryCode>,
    /// Events published.
    pub published: u64,
    /// Of which seal events.
    pub seal_events: u64,
}

impl Fleet {
    /// Trackers for `trips`, connected to the broker.
    pub fn new(
        args: &TelematicsArgs,
        trips: &[Trip],
        leg: Duration,
        speed: f64,
    ) -> anyhow::Result<Self> {
        let (host, port) = args
            .mqtt
            .rsplit_once(':')
            .and_then(|(h, p)| Some((h.to_owned(), p.parse().ok()?)))
            .with_context(|| format!("--mqtt {}: write it as host:port", args.mqtt))?;
        let password = args
            .mqtt_password
            .clone()
            .or_else(|| std::env::var("SIGMAT_MQTT_PASSWORD").ok())
            .unwrap_or_else(|| format!("sigmat-demo-{}", args.provider));
        let settings = MqttSettings {
            host,
            port,
            username: Some(args.provider.clone()),
            password: Some(Secret::new(password)),
            tls: None,
            keep_alive_s: 30,
            inflight: 200,
            max_payload_bytes: 262_144,
        };
        let connection = Connection::open(
            &settings,
            &format!("sigmat-simulate-{}", uuid::Uuid::new_v4().simple()),
        )?;
        let geography = Geography::builtin();
        let paths = trips
            .iter()
            .map(|trip| {
                let corridor = corridor_id(trip)?;
                Some(Path::new(&geography, Road::of(&geography, corridor)?, trip))
            })
            .collect();
        let rules = TelematicsRules::builtin();
        let automatic = rules
            .countries
            .iter()
            .filter(|c| c.rule.automatic_passages)
            .map(|c| c.country)
            .collect();
        Ok(Self {
            connection,
            topic: format!("telematics/{}/events", args.provider),
            paths,
            next_slot: vec![0; trips.len()],
            opened: vec![false; trips.len()],
            step: Duration::from_secs_f64(args.position_every_s.max(1.0) / speed.max(1e-6)),
            leg,
            started: Utc::now(),
            automatic,
            published: 0,
            seal_events: 0,
        })
    }

    /// The countries whose passages the trucks' trackers confirm (the published rules), so
    /// their officers no longer do.
    pub fn automatic(&self) -> Vec<CountryCode> {
        self.automatic.clone()
    }

    fn confirms(&self, office: &OfficeRef) -> bool {
        self.automatic.contains(&office.country())
    }

    /// Publishes what each released truck reported up to `elapsed`.
    pub async fn tick(
        &mut self,
        trips: &[Trip],
        released: impl Fn(usize) -> bool,
        elapsed: Duration,
    ) -> anyhow::Result<()> {
        let mut events = Vec::new();
        for (i, trip) in trips.iter().enumerate() {
            let Some(path) = &self.paths[i] else { continue };
            if !released(i) {
                continue;
            }
            let m = &trip.movement;
            loop {
                let slot = self.next_slot[i];
                let t = trip.release_at + self.step * u32::try_from(slot).unwrap_or(u32::MAX);
                if t > elapsed {
                    break;
                }
                let Some(point) = path.position(trip, self.leg, t) else {
                    break;
                };
                let at = self.at(t);
                if slot == 0 {
                    // The seals are armed at departure.
                    for seal in &m.seals {
                        events.push(seal_event(
                            &format!("{}-{seal}-sealed", m.mrn),
                            seal,
                            SealStatus::Sealed,
                            at,
                            point,
                        ));
                    }
                }
                events.push(Event {
                    event_id: format!("{}-{slot}", m.mrn),
                    at,
                    latitude: point[1],
                    longitude: point[0],
                    what: What::Position {
                        vehicle: Vehicle {
                            registration: m.vehicle.clone(),
                            nationality: Some(m.corridor.departure.country().as_str().to_owned()),
                        },
                        speed_kmh: None,
                    },
                });
                self.next_slot[i] += 1;
            }
            if let Some((when, point)) = path.seal_opened(trip, self.leg) {
                if !self.opened[i] && when <= elapsed {
                    self.opened[i] = true;
                    let seal = &m.seals[0];
                    events.push(seal_event(
                        &format!("{}-{seal}-opened", m.mrn),
                        seal,
                        SealStatus::Opened,
                        self.at(when),
                        point,
                    ));
                }
            }
        }
        for chunk in events.chunks(BATCH) {
            self.seal_events += chunk
                .iter()
                .filter(|e| matches!(e.what, What::Seal { .. }))
                .count() as u64;
            self.connection
                .publish(&self.topic, serde_json::to_vec(chunk)?)
                .await?;
            self.published += chunk.len() as u64;
        }
        Ok(())
    }

    /// Waits until the broker took every message published.
    pub async fn flushed(&self) -> bool {
        self.connection
            .wait_acknowledged(Duration::from_secs(60))
            .await
    }

    fn at(&self, t: Duration) -> DateTime<Utc> {
        self.started + chrono::Duration::from_std(t).unwrap_or_default()
    }
}

fn seal_event(
    id: &str,
    seal: &str,
    status: SealStatus,
    at: DateTime<Utc>,
    point: [f64; 2],
) -> Event {
    Event {
        event_id: id.to_owned(),
        at,
        latitude: point[1],
        longitude: point[0],
        what: What::Seal {
            seal: SealId {
                manufacturer: "SAHEL-ES".into(),
                id: seal.to_owned(),
            },
            status,
            vehicle: None,
        },
    }
}

/// The corridor of the published reference data a trip takes.
fn corridor_id(trip: &Trip) -> Option<&'static str> {
    let c = &trip.movement.corridor;
    super::CORRIDORS.iter().copied().find(|id| {
        transit_scenario::Corridor::from_reference(
            &transit_model::reference::ReferenceData::builtin(),
            id,
        )
        .is_some_and(|r| {
            r.departure == c.departure && r.destination == c.destination && r.transit == c.transit
        })
    })
}

/// A counter's value in a Prometheus text exposition: the sum over the series of `name` whose
/// labels include every one of `labels`.
pub fn counter(exposition: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    exposition
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (series, value) = l.rsplit_once(' ')?;
            let (metric, rest) = series.split_once('{').unwrap_or((series, ""));
            (metric == name
                && labels
                    .iter()
                    .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\""))))
            .then(|| value.parse::<f64>().ok())
            .flatten()
        })
        .sum()
}

/// What the gateway and the tracker counted, at one moment.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Counts {
    /// Taken by the gateway over MQTT.
    pub taken: f64,
    /// Refused by the gateway.
    pub refused: f64,
    /// Applied to a movement's track.
    pub applied: f64,
    /// Matched to no movement on the road.
    pub unmatched: f64,
    /// After the movement arrived.
    pub after_tracking: f64,
    /// Taken again (the same provider and id): dropped.
    pub repeated: f64,
}

impl Counts {
    /// Reads both services' metrics.
    pub async fn read(args: &TelematicsArgs) -> anyhow::Result<Self> {
        let get = |url: String| async move {
            reqwest_text(&url)
                .await
                .with_context(|| format!("reading {url}"))
        };
        let gateway = get(format!("{}/metrics", args.gateway)).await?;
        let tracker = get(format!("{}/metrics", args.tracker)).await?;
        let tracked = |outcome| {
            counter(
                &tracker,
                "sigmat_tracker_telematics_events_total",
                &[("outcome", outcome)],
            )
        };
        Ok(Self {
            taken: counter(
                &gateway,
                "sigmat_telematics_events_total",
                &[("outcome", "accepted"), ("via", "mqtt")],
            ),
            refused: counter(
                &gateway,
                "sigmat_telematics_events_total",
                &[("outcome", "refused")],
            ),
            applied: tracked("applied"),
            unmatched: tracked("unmatched"),
            after_tracking: tracked("after-tracking"),
            repeated: tracked("repeated"),
        })
    }

    /// What happened between `before` and `self`.
    pub fn since(&self, before: &Self) -> Self {
        Self {
            taken: self.taken - before.taken,
            refused: self.refused - before.refused,
            applied: self.applied - before.applied,
            unmatched: self.unmatched - before.unmatched,
            after_tracking: self.after_tracking - before.after_tracking,
            repeated: self.repeated - before.repeated,
        }
    }

    /// Events the tracker stored, whatever their fate (repeats excluded).
    pub fn stored(&self) -> f64 {
        self.applied + self.unmatched + self.after_tracking
    }
}

async fn reqwest_text(url: &str) -> anyhow::Result<String> {
    Ok(transit_http::client::get_text(url).await?)
}

/// What the trucks reported, accounted for.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    /// Events published (positions and seal events), each acknowledged by the broker.
    pub published: u64,
    /// Of which seal events.
    pub seal_events: u64,
    /// What the gateway and the tracker counted meanwhile.
    pub counts: Counts,
    /// Passages the trucks' trackers confirmed (IE118 marked automatic at the departure).
    pub automatic_passages: usize,
    /// Trucks that left their road, and of them those the hub lists off route.
    pub deviations: (usize, usize),
    /// Seals opened between offices, and of them those the departure received as an incident.
    pub opened_seals: (usize, usize),
    /// Whether every event published was taken by the gateway and stored once by the tracker.
    pub all_accounted: bool,
}

/// Waits until the gateway and the tracker counted every event `fleet` published, then looks
/// for what the seeded trucks should have caused.
pub(super) async fn account(
    args: &super::SimulateArgs,
    fleet: &Fleet,
    before: &Counts,
    trips: &[Trip],
    runner: &super::runner::Runner,
) -> anyhow::Result<Report> {
    anyhow::ensure!(
        fleet.flushed().await,
        "the MQTT broker did not acknowledge every message published"
    );
    let published = fleet.published as f64;
    let started = Instant::now();
    let counts = loop {
        let counts = Counts::read(&args.telematics).await?.since(before);
        let done = counts.taken >= published && counts.stored() >= published;
        if done || started.elapsed() > Duration::from_secs(300) {
            break counts;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let mut automatic_passages = 0;
    let mut opened = (0, 0);
    for trip in trips {
        let (m, c) = (&trip.movement, &trip.movement.corridor);
        automatic_passages += c
            .transit
            .iter()
            .filter(|o| {
                fleet.confirms(o)
                    && runner.reported(
                        MessageType::NotificationCrossingFrontier,
                        m,
                        &c.departure,
                        Some(o),
                    )
            })
            .count();
        if trip.opens_seal {
            opened.0 += 1;
            if runner.reported(
                MessageType::IncidentNotification,
                m,
                &c.departure,
                Some(&c.destination),
            ) {
                opened.1 += 1;
            }
        }
    }
    let deviating: Vec<&str> = trips
        .iter()
        .filter(|t| t.deviates)
        .map(|t| t.movement.mrn.as_str())
        .collect();
    let mut deviations = (deviating.len(), 0);
    if args.api != "none" {
        let password = args
            .operator_password
            .clone()
            .or_else(|| std::env::var("SIGMAT_PASSWORD").ok())
            .unwrap_or_else(|| "sigmat-demo".into());
        if let Ok(api) = transit_http::client::HubClient::new(&args.api)
            .login(&args.operator, &password)
            .await
        {
            let anomalies = api.risk_anomalies("").await?;
            deviations.1 = deviating
                .iter()
                .filter(|mrn| {
                    anomalies
                        .telematics
                        .iter()
                        .any(|a| a.kind == "off-route" && a.mrn.as_str() == **mrn)
                })
                .count();
        }
    }
    Ok(Report {
        published: fleet.published,
        seal_events: fleet.seal_events,
        all_accounted: counts.taken == published
            && counts.stored() == published
            && counts.refused == 0.0,
        counts,
        automatic_passages,
        deviations,
        opened_seals: opened,
    })
}

/// The report, as printed.
pub fn lines(r: &Report) -> Vec<String> {
    let c = &r.counts;
    vec![
        String::new(),
        format!(
            "Tracked trucks: {} events published over MQTT ({} positions, {} seal events)",
            r.published,
            r.published - r.seal_events,
            r.seal_events
        ),
        format!(
            "  taken by the gateway {:>8}   refused {}",
            c.taken, c.refused
        ),
        format!(
            "  stored by the tracker {:>7}   applied {}, before the movement reached the hub {}, after arrival {}; repeats dropped {}",
            c.stored(),
            c.applied,
            c.unmatched,
            c.after_tracking,
            c.repeated
        ),
        format!("  passages confirmed by the trucks' trackers (IE118 automatic) {}", r.automatic_passages),
        format!(
            "  trucks that left their road {}, listed off route on the dashboard {}",
            r.deviations.0, r.deviations.1
        ),
        format!(
            "  seals opened between offices {}, incidents at the departure {}",
            r.opened_seals.0, r.opened_seals.1
        ),
        if r.all_accounted {
            "  every event accounted for".to_owned()
        } else {
            "  NOT every event accounted for (see the gateway's and the tracker's logs)".to_owned()
        },
    ]
}
