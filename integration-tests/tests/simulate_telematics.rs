//! `sigmat simulate --telematics` through the real stack: seven adapters with their national
//! systems, Mosquitto, the telematics gateway, the tracker. Every truck reports its position
//! every 30 corridor seconds and its seals; Burkina Faso's and Niger's passages are confirmed
//! by the trucks' trackers instead of their officers; some trucks leave their road, some seals
//! are opened between offices. Every message and every event must be accounted for, every
//! deviation listed off route, every opened seal an incident at the departure and a red lane.

use integration_tests::telematics::PROVIDER;
use integration_tests::{free_port, password_of, AdapterSpec, Stack};
use sigmat::simulate::risk::Fraud;
use sigmat::simulate::telematics::TelematicsArgs;
use sigmat::simulate::{run, SimulateArgs};

const COUNTRIES: [(&str, &str); 7] = [
    ("CI", "sydam"),
    ("BF", "asycuda"),
    ("NE", "asycuda"),
    ("BJ", "asycuda"),
    ("TG", "asycuda"),
    ("SN", "gainde"),
    ("ML", "asycuda"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_of_simulated_tracked_trucks_is_accounted_for() {
    let specs: Vec<(AdapterSpec, std::net::SocketAddr)> = COUNTRIES
        .iter()
        .map(|(country, family)| {
            let address = free_port();
            (
                AdapterSpec::national(country, family).listening(address),
                address,
            )
        })
        .collect();
    let mut stack = Stack::new()
        .with_adapters(&specs.iter().map(|(s, _)| s.clone()).collect::<Vec<_>>())
        .start()
        .await;
    let access = stack.add_telematics().await;
    let tracker = stack
        .service("tracker")
        .var("SIGMAT_TRACKER__HEALTH__LISTEN")
        .expect("the tracker's health listener")
        .to_owned();
    stack.add_user("sim-operator", "operator", None, None);
    let outcome = run(SimulateArgs {
        hours: 0.05,
        releases_per_hour: 300.0,
        as_fast_as_possible: false,
        speed: 600.0,
        leg_minutes: 10.0,
        late_every: 0,
        incident_every: 0,
        malformed_every: 0,
        unknown_every: 0,
        divert_every: 0,
        overstay_every: 0,
        api: stack.api_url(),
        operator: "sim-operator".into(),
        operator_password: Some(password_of("sim-operator")),
        concurrency: 16,
        adapters: specs
            .iter()
            .map(|(s, a)| format!("{}=http://{a}", s.country))
            .collect(),
        tokens: specs
            .iter()
            .map(|(s, _)| format!("{}={}", s.country, s.token))
            .collect(),
        mappings: Vec::new(),
        max_minutes: 3.0,
        summary_json: None,
        moonshot: sigmat::simulate::moonshot::MoonshotArgs {
            database_url: "none".into(),
            tracker_schema: "tracker".into(),
        },
        quiet: true,
        rail: Default::default(),
        telematics: TelematicsArgs {
            telematics: true,
            mqtt: format!("127.0.0.1:{}", access.mqtt.port),
            provider: PROVIDER.into(),
            position_every_s: 30.0,
            deviate_every: 2,
            open_seal_every: 3,
            gateway: access.gateway.clone(),
            tracker: format!("http://{tracker}"),
            mqtt_password: access.mqtt.password.as_ref().map(|p| p.expose().to_owned()),
        },
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    drop(stack);
    assert_eq!(
        (outcome.released, outcome.completed),
        (15, 15),
        "{outcome:#?}"
    );
    assert!(outcome.all_accounted, "{outcome:#?}");
    let t = outcome.telematics.as_ref().expect("the telematics report");
    // A position every 30 corridor seconds over legs of 10 minutes: some 20 per leg per truck.
    assert!(t.published > 15 * 40, "{t:#?}");
    assert_eq!(t.counts.taken, t.published as f64, "{t:#?}");
    assert_eq!(t.counts.stored(), t.published as f64, "{t:#?}");
    assert_eq!(t.counts.refused, 0.0, "{t:#?}");
    // Burkina Faso and Niger confirm by tracker: every corridor's border post but Mali's
    // (Abidjan–Ouagadougou–Niamey crosses two).
    assert_eq!(t.automatic_passages, 3 + 2 * 3 + 3 + 3, "{t:#?}");
    // Each corridor's 2nd truck leaves its road; each 3rd opens a seal on its last leg.
    assert_eq!(t.deviations, (5, 5), "{t:#?}");
    assert_eq!(t.opened_seals, (5, 5), "{t:#?}");
    let risk = outcome.risk.as_ref().expect("the risk report");
    let opened = &risk.frauds[&Fraud::OpenedSeal];
    assert_eq!((opened.seeded, opened.red), (5, 5), "{risk:#?}");
}
