//! `sigmat simulate` through seven adapters, each country's national system in its own family
//! (SYDAM for Côte d'Ivoire, GAINDE for Senegal, ASYCUDA for the others), on the five
//! corridors, with late border confirmations, incidents, malformed national messages and
//! arrivals for unknown movements: every sent message must be accounted for, no delivery
//! duplicated, every malformed message refused and no well-formed one — and the hub's lanes
//! reported against the seeded frauds; two trains run alongside, each confirmed once per
//! station, one leaving a wagon behind.

use integration_tests::{free_port, password_of, AdapterSpec, Stack};
use sigmat::simulate::risk::Fraud;
use sigmat::simulate::{run, SimulateArgs};
use transit_risk::Lane;

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
async fn every_message_of_simulated_corridor_traffic_is_accounted_for() {
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
    let stack = Stack::new()
        .with_adapters(&specs.iter().map(|(s, _)| s.clone()).collect::<Vec<_>>())
        .start()
        .await;
    stack.add_user("sim-operator", "operator", None, None);
    let outcome = run(SimulateArgs {
        hours: 0.1,
        releases_per_hour: 300.0,
        as_fast_as_possible: false,
        speed: 600.0,
        leg_minutes: 10.0,
        late_every: 3,
        incident_every: 4,
        malformed_every: 5,
        unknown_every: 6,
        divert_every: 3,
        overstay_every: 5,
        api: stack.api_url(),
        operator: "sim-operator".into(),
        operator_password: Some(password_of("sim-operator")),
        concurrency: 16,
        adapters: specs
            .iter()
            .map(|(s, a)| format!("{}={}", s.country, format_args!("http://{a}")))
            .collect(),
        tokens: specs
            .iter()
            .map(|(s, _)| format!("{}={}", s.country, s.token))
            .collect(),
        mappings: Vec::new(),
        max_minutes: 3.0,
        summary_json: None,
        moonshot: sigmat::simulate::moonshot::MoonshotArgs {
            database_url: std::env::var("SIGMAT_TEST_DATABASE_URL")
                .unwrap_or_else(|_| "postgres://sigmat@127.0.0.1:15532/sigmat".into()),
            tracker_schema: format!("{}_tracker", stack.id()),
        },
        quiet: true,
        telematics: Default::default(),
        // Two trains alongside: 10 and 11 wagons, 25 declarations, the second leaving a wagon
        // of two declarations behind before the border.
        rail: sigmat::simulate::rail::RailArgs {
            rail: true,
            trains: 2,
            wagons_min: 10,
            wagons_max: 12,
            left_behind_every: 2,
            late_every: 0,
        },
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    drop(stack);
    // The moonshot figure: what the database held before and after, and no extrapolation
    // from a run this short.
    let moonshot = &outcome.moonshot;
    let (before, after) = (moonshot.before.unwrap(), moonshot.after.unwrap());
    assert!(after.movements > before.movements, "{moonshot:?}");
    assert!(after.events > before.events, "{moonshot:?}");
    assert!(moonshot.carried_per_s > 0.0, "{moonshot:?}");
    assert_eq!(moonshot.hours_for_100_million, None, "{moonshot:?}");
    assert!(
        moonshot
            .why_not
            .iter()
            .any(|w| w.contains("extrapolated only from 30")),
        "{moonshot:?}"
    );
    let s = &outcome.summary;
    let rail = outcome.rail.as_ref().expect("the trains' report");
    assert_eq!(
        (
            rail.trains,
            rail.wagons,
            rail.declarations,
            rail.confirmations
        ),
        (2, 21, 25, 4),
        "{rail:#?}"
    );
    assert_eq!(
        (rail.passages, rail.incidents, rail.written_off),
        (23, 2, 23),
        "{rail:#?}"
    );
    assert_eq!(
        (s.sent["TrainPassage"], s.sent["TrainArrival"]),
        (2, 2),
        "{s:#?}"
    );
    assert_eq!(
        (outcome.released, outcome.completed),
        (30, 30),
        "{outcome:#?}"
    );
    // Shares per corridor: each corridor's 5th movement is preceded by a malformed message,
    // its 6th followed by an arrival for an unknown movement, its 4th has an incident.
    assert_eq!(s.malformed_by_family.values().sum::<u64>(), 5, "{s:#?}");
    assert_eq!(
        s.malformed_by_family
            .keys()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        ["asycuda", "gainde", "sydam"],
        "malformed messages in every family: {s:#?}"
    );
    assert_eq!(s.sent["UnknownMovement"], 5, "{s:#?}");
    assert_eq!(s.sent["Incident"], 5, "{s:#?}");
    // Every 3rd movement of a corridor whose destination country has another office of
    // destination (Abidjan and Lomé to Ouagadougou → Bobo-Dioulasso, Dakar to Bamako → Kayes):
    // three corridors, rounds 3 and 6, each written off at the office diverted to.
    assert_eq!(s.sent["Diversion"], 6, "{s:#?}");
    assert_eq!(s.refused_well_formed, 0, "{s:#?}");
    assert_eq!((s.unaccounted_count, s.duplicates), (0, 0), "{s:#?}");

    // The hub scored every movement; the seeded frauds it can see from one movement's own
    // history — broken seals, diversions — are never green, and broken seals always red.
    let risk = outcome.risk.as_ref().expect("the risk report");
    assert_eq!(risk.scored, 30, "{risk:#?}");
    let seals = &risk.frauds[&Fraud::BrokenSeals];
    assert_eq!((seals.seeded, seals.red), (5, 5), "{risk:#?}");
    let diverted = &risk.frauds[&Fraud::Diversion];
    assert_eq!((diverted.seeded, diverted.green), (6, 0), "{risk:#?}");
    assert_eq!(risk.frauds[&Fraud::Overstay].seeded, 5, "{risk:#?}");
    assert!(
        risk.lanes.get(&Lane::Green).copied().unwrap_or(0) > 0,
        "{risk:#?}"
    );
    let seal_rule = risk
        .rules
        .iter()
        .find(|r| r.rule == "seals-broken")
        .expect("fired");
    assert_eq!((seal_rule.fired, seal_rule.on_frauds), (5, 5), "{risk:#?}");
}
